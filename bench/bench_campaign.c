/* Benchmark: campaign throughput on WLTC class 3b with the Prius, in one process (--jobs 1,
 * so the cases run in this thread), through the code ecosim campaign runs. Prints one JSON
 * object, a member per campaign:
 * - "baseline": baseline-controller cases at the campaign's default step (0.1 s);
 * - "baseline_dt1": the same with "dt_s": 1, for the step's share of the cost (its figures
 *   are not the 0.1 s ones: docs/campaign.md, "Figures");
 * - "mpc": MPC cases over a Sobol sample of two weights (each creates its MPC) with the
 *   process's table cache empty, so the vehicle's table is built once, in the figure (run
 *   once: the cache is warm after it);
 * - "mpc_warm": the same campaign with the table cached, the rate a long campaign tends to.
 * Each but "mpc" is run REPEATS times; runs_per_s_per_core is the median over them (with the
 * least and the most), from this thread's CPU time: the machine is shared, wall time is not
 * the campaign's.
 * Usage: bench_campaign [BASELINE_RUNS [MPC_RUNS [REPEATS]]] (default 200, 20 and 3). */
#include "campaign_cache.h"
#include "campaign_exec.h"

#include "ecodrive/common.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double seconds(clockid_t clock)
{
    return (double)eco_clock_ns(clock) * 1e-9;
}

/* A campaign file: the Prius on WLTC 3b, n baseline cases (the cycle listed n times) at
 * step dt_s, or n MPC cases. */
static int write_campaign(const char *path, int n, int mpc, double dt_s)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return -1;
    fprintf(fp, "{\"vehicles\": [\"toyota_prius_2022\"], \"dt_s\": %g, \"cycles\": [", dt_s);
    for (int i = 0; i < (mpc ? 1 : n); i++)
        fprintf(fp, "%s\"wltc_class3b\"", i ? ", " : "");
    if (mpc)
        fprintf(fp,
                "], \"controllers\": [\"mpc\"], \"weights\": {\"sample\": {\"method\": "
                "\"sobol\", \"n\": %d, \"ranges\": {\"nox_per_mg\": [0.0005, 0.05], "
                "\"jerk_per_mps3_2s\": [0.0005, 0.05]}}}}\n",
                n);
    else
        fprintf(fp, "], \"controllers\": [\"baseline\"]}\n");
    return fclose(fp);
}

typedef struct {
    const char *name;
    int n, mpc, repeats;
    double dt_s;
} bench_spec;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One execution of the campaign: its wall and thread CPU seconds. */
static int run_once(eco_campaign *c, const char *name, double *wall, double *cpu)
{
    eco_campaign_exec x = {
        .c = c, .what = name, .shard = {0, 1}, .jobs = 1, .out_path = "/dev/null", .quiet = 1};
    double wall0 = seconds(CLOCK_MONOTONIC), cpu0 = seconds(CLOCK_THREAD_CPUTIME_ID);
    int rc = eco_campaign_execute(&x);
    *wall = seconds(CLOCK_MONOTONIC) - wall0;
    *cpu = seconds(CLOCK_THREAD_CPUTIME_ID) - cpu0;
    return rc;
}

static int bench(const bench_spec *b, const char *dir, int first)
{
    eco_mpc_cache_stats st0, st;
    eco_mpc_cache_stats_get(eco_sim_mpc_cache(), &st0);
    char path[4096];
    snprintf(path, sizeof path, "%s/bench_campaign_%s.json", dir, b->name);
    eco_campaign c;
    if (write_campaign(path, b->n, b->mpc, b->dt_s) || eco_campaign_load(path, &c))
        return 1;
    remove(path);
    double rate[16], wall = 0.0, cpu = 0.0;
    int rc = 0, r = b->repeats;
    for (int k = 0; k < r && !rc; k++) {
        double w, u;
        rc = run_once(&c, b->name, &w, &u);
        wall += w;
        cpu += u;
        rate[k] = b->n / u;
    }
    eco_campaign_free(&c);
    eco_mpc_cache_stats_get(eco_sim_mpc_cache(), &st);
    if (rc)
        return rc;
    qsort(rate, (size_t)r, sizeof rate[0], cmp_double);
    printf("%s\"%s\": {\"cycle\": \"wltc_class3b\", \"dt_s\": %g, \"runs\": %d, \"repeats\": %d, "
           "\"wall_s\": %.3f, \"cpu_s\": %.3f, \"cpu_ms_per_run\": %.2f, "
           "\"runs_per_s_per_core\": %.2f, \"runs_per_s_per_core_min\": %.2f, "
           "\"runs_per_s_per_core_max\": %.2f, \"tables_built\": %ld, \"tables_cached\": %ld}",
           first ? "" : ", ", b->name, b->dt_s, b->n, r, wall / r, cpu / r, 1e3 / rate[r / 2],
           rate[r / 2], rate[0], rate[r - 1], st.builds - st0.builds, st.hits - st0.hits);
    return 0;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    int n_base = argc > 1 ? atoi(argv[1]) : 200, n_mpc = argc > 2 ? atoi(argv[2]) : 20;
    int reps = argc > 3 ? atoi(argv[3]) : 3;
    const char *tmp = getenv("TMPDIR");
    if (n_base < 1 || n_mpc < 1 || reps < 1 || reps > 16) {
        fprintf(stderr, "usage: bench_campaign [BASELINE_RUNS [MPC_RUNS [REPEATS (1-16)]]]\n");
        return 2;
    }
    const bench_spec specs[] = {
        {"baseline", n_base, 0, reps, 0.1},
        {"baseline_dt1", n_base, 0, reps, 1.0},
        {"mpc", n_mpc, 1, 1, 0.1},
        {"mpc_warm", n_mpc, 1, reps, 0.1},
    };
    double load = -1.0; /* the machine is shared: the load the figures were taken at */
    FILE *fp = fopen("/proc/loadavg", "r");
    if (fp) {
        if (fscanf(fp, "%lf", &load) != 1)
            load = -1.0;
        fclose(fp);
    }
    printf("{\"load_average_1min\": %.2f, ", load);
    int rc = 0;
    for (size_t k = 0; k < sizeof specs / sizeof specs[0] && !rc; k++)
        rc = bench(&specs[k], tmp && *tmp ? tmp : "/tmp", k == 0);
    printf("}\n");
    return rc;
}
