/* Benchmark: campaign throughput on WLTC class 3b with the Prius, in one process (--jobs 1),
 * through the code ecosim campaign runs: baseline-only cases, and MPC cases over a Sobol
 * sample of two weights (each case creates its MPC). Prints one JSON object: runs, wall and
 * CPU seconds and runs per second per core of each, and the MPC's tables built and taken
 * from the process's cache. "mpc" starts with an empty cache (the vehicle's table is built
 * once, in the figure); "mpc_warm" runs the same campaign again with the table cached, the
 * rate a long campaign tends to.
 * Usage: bench_campaign [BASELINE_RUNS [MPC_RUNS]] (default 200 and 20). */
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

/* A campaign file: the Prius on WLTC 3b, n baseline cases (the cycle listed n times) or n
 * MPC cases. */
static int write_campaign(const char *path, int n, int mpc)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return -1;
    fprintf(fp, "{\"vehicles\": [\"toyota_prius_2022\"], \"cycles\": [");
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

static int bench(const char *name, int n, int mpc, const char *dir)
{
    eco_mpc_cache_stats st0, st;
    eco_mpc_cache_stats_get(eco_sim_mpc_cache(), &st0);
    char path[4096];
    snprintf(path, sizeof path, "%s/bench_campaign_%s.json", dir, name);
    eco_campaign c;
    if (write_campaign(path, n, mpc) || eco_campaign_load(path, &c))
        return 1;
    eco_campaign_exec x = {
        .c = &c, .what = name, .shard = {0, 1}, .jobs = 1, .out_path = "/dev/null", .quiet = 1};
    double wall0 = seconds(CLOCK_MONOTONIC), cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    int rc = eco_campaign_execute(&x);
    double wall = seconds(CLOCK_MONOTONIC) - wall0, cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    eco_campaign_free(&c);
    remove(path);
    eco_mpc_cache_stats_get(eco_sim_mpc_cache(), &st);
    if (!rc)
        printf("%s\"%s\": {\"cycle\": \"wltc_class3b\", \"runs\": %d, \"wall_s\": %.3f, "
               "\"cpu_s\": %.3f, \"runs_per_s_per_core\": %.2f, \"tables_built\": %ld, "
               "\"tables_cached\": %ld}",
               mpc ? ", " : "", name, n, wall, cpu, n / cpu, st.builds - st0.builds,
               st.hits - st0.hits);
    return rc;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    int n_base = argc > 1 ? atoi(argv[1]) : 200, n_mpc = argc > 2 ? atoi(argv[2]) : 20;
    const char *tmp = getenv("TMPDIR");
    if (n_base < 1 || n_mpc < 1) {
        fprintf(stderr, "usage: bench_campaign [BASELINE_RUNS [MPC_RUNS]]\n");
        return 2;
    }
    printf("{");
    int rc = bench("baseline", n_base, 0, tmp && *tmp ? tmp : "/tmp") ||
             bench("mpc", n_mpc, 1, tmp && *tmp ? tmp : "/tmp") ||
             bench("mpc_warm", n_mpc, 1, tmp && *tmp ? tmp : "/tmp");
    printf("}\n");
    return rc;
}
