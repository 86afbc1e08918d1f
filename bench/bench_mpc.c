/* Benchmark of the eco MPC and the DP (issue 3, "Speed"): one JSON line per figure.
 *  - mpc_step_us: MPC step time p50/p99/max over WLTC 3b in closed loop, default hybrid
 *    and default horizon, exact trace and WLTP band (targets 200 / 500 / 2000 us; anchor:
 *    openpilot's acados longitudinal MPC, mean 0.32 ms, p99.9 0.56 ms, max 3.4 ms). Wall
 *    clock (what a deadline sees) and the step's own thread CPU time (the work, without
 *    preemption by other processes) side by side;
 *  - mpc_allocs: allocations made inside the steps (target 0);
 *  - closed_loop: WLTC 3b at 10 Hz with the MPC, seconds and times real time (target
 *    2000x, under 0.9 s); the one-off create (table build) is reported apart;
 *  - dp_solve_s: the hybrid DP over WLTC 3b at the default grid (target 10 s);
 *  - mpc_create_ms: eco_mpc_create's wall time, median, p99 and max (target 50 ms), and
 *    the median of its thread CPU time (what a loaded machine inflates less):
 *    fresh (the table built), cached (from the transitions in an eco_mpc_cache, a new
 *    weight point each time, as a campaign makes them) and from a folder (a new process
 *    cache over a --cache-dir folder each time: a campaign shard's first MPC);
 *  - the route case (issue 9), on the route made from longhaul_highway_2 (an hour, 82 km of
 *    highway: the horizon is always its full 2 km): route_mpc_step_us p50/p99/max (targets
 *    50 / 200 / 1000 us), route_mpc_allocs (0), route_closed_loop (x real time, 2000), and
 *    route_dp_s (the DP at the human's trip time, 30 s).
 * Every figure is the median over --runs runs (default 3), with the range; allocations
 * are the most any run made. The runs are
 * deterministic, so the least time each step took over the runs is its work without the
 * machine's interruptions; max_of_step_minima is the largest of those.
 *
 * usage: bench_mpc [--runs N] [--no-dp] [--creates N] [--create-only] [--route-only]
 * [VEHICLE.json].
 * Never asserts.
 * Not offered: SCHED_FIFO. Running flat out at real-time priority trips the kernel's RT
 * throttling (sched_rt_runtime_us: 0.95 s per 1 s), which stalls the bench ~50 ms; the
 * daemon's 10 Hz loop sleeps between steps and never meets it (bench_rt measures that). */
#include "campaign_cache.h"
#include "controllers.h"
#include "ecodrive/datadir.h"
#include "ecodrive/dp.h"
#include "ecodrive/mpc.h"
#include "ecodrive/mpc_route.h"
#include "ecodrive/units.h"
#include "route_build.h"
#include "route_mpc.h"
#include "runner.h"
#include "session.h"

#include <dirent.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS    15
#define MAX_CREATES 200

static double clock_us(clockid_t id)
{
    return (double)eco_clock_ns(id) / (double)ECO_NS_PER_US;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts v; the nearest-rank percentile q, and for q = 0.5 the median proper (the mean of
 * the middle two when n is even). */
static double pct(double *v, int n, double q)
{
    qsort(v, (size_t)n, sizeof(double), cmp);
    if (q == 0.5 && n % 2 == 0)
        return 0.5 * (v[n / 2 - 1] + v[n / 2]);
    return v[(int)(q * (n - 1) + 0.5)];
}

/* The MPC wrapped so every step's wall and thread CPU time are recorded. */
typedef struct {
    eco_controller ctl, *inner;
    double *wall_us, *cpu_us;
    int n, cap;
} timed_ctl;

static int timed_step(eco_controller *c, const eco_observation *obs, const eco_preview *pv,
                      eco_setpoint *sp)
{
    timed_ctl *t = (timed_ctl *)c;
    double w0 = clock_us(CLOCK_MONOTONIC), c0 = clock_us(CLOCK_THREAD_CPUTIME_ID);
    int rc = t->inner->step(t->inner, obs, pv, sp);
    double c1 = clock_us(CLOCK_THREAD_CPUTIME_ID), w1 = clock_us(CLOCK_MONOTONIC);
    if (t->n < t->cap) {
        t->wall_us[t->n] = w1 - w0;
        t->cpu_us[t->n++] = c1 - c0;
    }
    return rc;
}

static void timed_reset(eco_controller *c)
{
    timed_ctl *t = (timed_ctl *)c;
    t->n = 0;
    t->inner->reset(t->inner);
}

typedef struct {
    double wall[3], cpu[3]; /* p50, p99, max */
    double run_s, create_s;
    long allocs;
    int steps;
} loop_figures;

/* inner, timed: its steps' wall and CPU times go into arrays of cap. 0, or 1 out of memory. */
static int timed_wrap(timed_ctl *t, eco_controller *inner, int cap)
{
    *t = (timed_ctl){.ctl = *inner, .inner = inner, .cap = cap};
    t->ctl.step = timed_step;
    t->ctl.reset = timed_reset;
    t->wall_us = malloc((size_t)cap * sizeof(double));
    t->cpu_us = malloc((size_t)cap * sizeof(double));
    return !t->wall_us || !t->cpu_us;
}

/* The steps' p50, p99 and max, wall and CPU, into f; then the arrays are freed. */
static void timed_figures(timed_ctl *t, loop_figures *f, int ok)
{
    const double q[3] = {0.5, 0.99, 1.0};
    for (int i = 0; ok && i < 3; i++) {
        f->wall[i] = pct(t->wall_us, t->n, q[i]);
        f->cpu[i] = pct(t->cpu_us, t->n, q[i]);
    }
    free(t->wall_us);
    free(t->cpu_us);
}

/* step_min[k]: the least wall time step k took over the runs so far (runs are
 * deterministic, so every run does the same work at step k). */
static int closed_loop(const eco_vehicle *veh, const eco_sim_cycle *cyc, double band_kmh,
                       double band_s, loop_figures *f, double *step_min)
{
    eco_mpc_settings s;
    eco_mpc_settings_default(&s);
    s.deadline_us = 1e6; /* measure, never fall back */
    double t0 = clock_us(CLOCK_MONOTONIC);
    eco_controller *mpc = eco_mpc_create(veh, 0.1, &s, NULL);
    f->create_s = (clock_us(CLOCK_MONOTONIC) - t0) / (double)ECO_US_PER_S;
    if (!mpc) {
        fprintf(stderr, "bench_mpc: %s\n", eco_last_error());
        return 1;
    }
    int cap = (int)(eco_sim_cycle_duration_s(cyc) / 0.1) + 16;
    timed_ctl t;
    int rc = timed_wrap(&t, mpc, cap);
    eco_sim_options o;
    eco_sim_options_default(&o);
    o.band_kmh = band_kmh;
    o.band_s = band_s;
    o.quiet = 1;
    o.engine_hot = 1;
    eco_sim_result r;
    unsigned long a0 = eco_alloc_count();
    t0 = clock_us(CLOCK_MONOTONIC);
    rc = rc || eco_sim_run(veh, cyc, &t.ctl, &o, &r);
    f->run_s = (clock_us(CLOCK_MONOTONIC) - t0) / (double)ECO_US_PER_S;
    /* The runner allocates its per-step solve times once (and the series if kept); the
     * rest would be the steps'. */
    f->allocs = (long)(eco_alloc_count() - a0) - 1 - (o.keep_series ? 1 : 0);
    mpc->destroy(mpc);
    if (!rc) {
        f->steps = t.n;
        for (int k = 0; k < t.n; k++)
            step_min[k] = fmin(step_min[k], t.wall_us[k]);
        eco_sim_result_free(&r);
    }
    timed_figures(&t, f, !rc);
    return rc;
}

/* Median over runs of the figure get reads, and its range. */
typedef struct {
    double med, lo, hi;
} spread;

static spread over_runs(const loop_figures *f, int n, double (*get)(const loop_figures *))
{
    double v[MAX_RUNS];
    for (int i = 0; i < n; i++)
        v[i] = get(&f[i]);
    spread s;
    s.med = pct(v, n, 0.5);
    s.lo = v[0];
    s.hi = v[n - 1];
    return s;
}

#define GETTER(name, expr)                                                                         \
    static double name(const loop_figures *f)                                                      \
    {                                                                                              \
        return expr;                                                                               \
    }
GETTER(g_w50, f->wall[0])
GETTER(g_w99, f->wall[1])
GETTER(g_wmax, f->wall[2])
GETTER(g_c50, f->cpu[0])
GETTER(g_c99, f->cpu[1])
GETTER(g_cmax, f->cpu[2])
GETTER(g_run, f->run_s)
GETTER(g_create, f->create_s)
GETTER(g_allocs, (double)f->allocs)

static void print_spread(const char *key, spread s, int last)
{
    printf("\"%s\":%.2f,\"%s_range\":[%.2f,%.2f]%s", key, s.med, key, s.lo, s.hi, last ? "" : ",");
}

static int bench_case(const eco_vehicle *veh, const eco_sim_cycle *cyc, double band_kmh,
                      double band_s, const char *label, int runs)
{
    loop_figures f[MAX_RUNS];
    int cap = (int)(eco_sim_cycle_duration_s(cyc) / 0.1) + 16;
    double *step_min = malloc((size_t)cap * sizeof(double));
    if (!step_min)
        return 1;
    for (int k = 0; k < cap; k++)
        step_min[k] = INFINITY;
    for (int i = 0; i < runs; i++) {
        if (closed_loop(veh, cyc, band_kmh, band_s, &f[i], step_min)) {
            free(step_min);
            return 1;
        }
        fprintf(stderr, "bench_mpc: %s run %d/%d: %.3f s\n", label, i + 1, runs, f[i].run_s);
    }
    for (int c = 0; c < 2; c++) {
        printf("{\"figure\":\"mpc_step_us\",\"case\":\"%s\",\"clock\":\"%s\",\"vehicle\":\"%s\","
               "\"runs\":%d,\"steps\":%d,",
               label, c ? "thread_cpu" : "wall", veh->name, runs, f[0].steps);
        print_spread("p50", over_runs(f, runs, c ? g_c50 : g_w50), 0);
        print_spread("p99", over_runs(f, runs, c ? g_c99 : g_w99), 0);
        print_spread("max", over_runs(f, runs, c ? g_cmax : g_wmax), 0);
        if (!c) /* a step slow in every run is slow by its work; once, by the machine */
            printf("\"max_of_step_minima\":%.2f,", pct(step_min, f[0].steps, 1.0));
        printf("\"target_p50\":200,\"target_p99\":500,\"target_max\":2000}\n");
    }
    free(step_min);
    spread a = over_runs(f, runs, g_allocs);
    printf("{\"figure\":\"mpc_allocs\",\"case\":\"%s\",\"allocs_in_steps\":%.0f,\"target\":0}\n",
           label, a.hi);
    double cycle_s = eco_sim_cycle_duration_s(cyc);
    spread run = over_runs(f, runs, g_run);
    printf("{\"figure\":\"closed_loop\",\"case\":\"%s\",\"runs\":%d,"
           "\"cycle_s\":%.1f,",
           label, runs, cycle_s);
    print_spread("run_s", run, 0);
    printf("\"x_real_time\":%.0f,\"x_real_time_range\":[%.0f,%.0f],", cycle_s / run.med,
           cycle_s / run.hi, cycle_s / run.lo);
    print_spread("create_s", over_runs(f, runs, g_create), 0);
    printf("\"target_x_real_time\":2000}\n");
    fflush(stdout);
    return 0;
}

static int dp_time(const eco_vehicle *veh, const eco_sim_cycle *cyc)
{
    eco_sim_options o;
    eco_sim_options_default(&o);
    o.engine_hot = 1;
    eco_dp_settings ds;
    eco_dp_settings_default(&ds);
    eco_dp_solution *sol;
    double t0 = clock_us(CLOCK_MONOTONIC);
    if (eco_sim_dp_solve(veh, cyc, &o, &ds, &sol))
        return 1;
    double t = (clock_us(CLOCK_MONOTONIC) - t0) / (double)ECO_US_PER_S;
    eco_dp_result r;
    eco_dp_result_get(sol, &r);
    printf("{\"figure\":\"dp_solve_s\",\"case\":\"wltc_class3b_exact\",\"vehicle\":\"%s\","
           "\"seconds\":%.3f,\"n_soc\":%d,\"n_levels\":%d,\"steps\":%d,\"target_s\":10}\n",
           veh->name, t, r.n_soc, r.n_levels, (int)(eco_sim_cycle_duration_s(cyc) / 0.1 + 0.5));
    eco_dp_free(sol);
    return 0;
}

/* ---- create time ------------------------------------------------------------------ */

typedef enum { CREATE_FRESH, CREATE_CACHED, CREATE_FOLDER } create_kind;

static const char *const CREATE_NAMES[] = {"fresh", "cached", "folder"};

/* One eco_mpc_create of kind k at weight point i (NOx weight over two decades): wall ms,
 * and the thread's CPU ms to *cpu_ms. */
static double create_ms(const eco_vehicle *veh, create_kind k, int i, const char *dir,
                        double *cpu_ms)
{
    eco_mpc_settings s;
    eco_mpc_settings_default(&s);
    eco_mpc_weights w;
    eco_mpc_weights_default(&w);
    w.nox_per_mg = 0.0005 * pow(100.0, (i % 16) / 15.0);
    if (k == CREATE_FOLDER && eco_sim_mpc_cache_dir_set("bench_mpc", dir))
        return NAN;
    eco_mpc_cache *c = k == CREATE_FRESH ? NULL : eco_sim_mpc_cache();
    double t0 = clock_us(CLOCK_MONOTONIC), c0 = clock_us(CLOCK_THREAD_CPUTIME_ID);
    eco_controller *mpc = eco_mpc_create_cached(c, veh, 0.1, &s, &w);
    *cpu_ms = (clock_us(CLOCK_THREAD_CPUTIME_ID) - c0) / 1e3;
    double t = (clock_us(CLOCK_MONOTONIC) - t0) / 1e3;
    if (!mpc) {
        fprintf(stderr, "bench_mpc: %s\n", eco_last_error());
        return NAN;
    }
    mpc->destroy(mpc);
    return t;
}

static void remove_folder(const char *dir)
{
    DIR *d = opendir(dir);
    char path[4200];
    for (struct dirent *e; d && (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path)
            unlink(path);
    if (d)
        closedir(d);
    rmdir(dir);
}

/* n creates of each kind (fresh: at most 5, each builds the table); one JSON line. */
static int create_times(const eco_vehicle *veh, int n)
{
    const char *env = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/bench_mpc_XXXXXX", env && *env ? env : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    double v[3][MAX_CREATES], cpu[3][MAX_CREATES], unused;
    int count[3] = {n < 5 ? n : 5, n, n}, rc = 0;
    eco_sim_mpc_cache_dir_set("bench_mpc", dir); /* the first cached create fills the folder */
    for (int k = CREATE_CACHED; k <= CREATE_FOLDER && !rc; k++)
        rc = isnan(create_ms(veh, (create_kind)k, -1, dir, &unused)); /* warm-up */
    for (int k = 0; k < 3 && !rc; k++)
        for (int i = 0; i < count[k] && !rc; i++)
            rc = isnan(v[k][i] = create_ms(veh, (create_kind)k, i, dir, &cpu[k][i]));
    remove_folder(dir);
    if (rc)
        return 1;
    printf("{\"figure\":\"mpc_create_ms\",\"vehicle\":\"%s\",", veh->name);
    for (int k = 0; k < 3; k++) {
        double p50 = pct(v[k], count[k], 0.5), p99 = pct(v[k], count[k], 0.99);
        printf("\"%s\":{\"n\":%d,\"p50\":%.2f,\"p99\":%.2f,\"max\":%.2f,\"cpu_p50\":%.2f},",
               CREATE_NAMES[k], count[k], p50, p99, v[k][count[k] - 1], pct(cpu[k], count[k], 0.5));
    }
    printf("\"target_ms\":50}\n");
    fflush(stdout);
    return 0;
}

/* ---- the route case ------------------------------------------------------------------ */

#define ROUTE_DRIVE "longhaul_highway_2"

static int route_load(eco_route *route, double *human_s)
{
    char path[1024];
    eco_sim_cycle drive;
    eco_sim_route_rule rule;
    eco_sim_route_rule_default(&rule);
    if (eco_data_path("drives/" ROUTE_DRIVE ".csv", path, sizeof path) ||
        eco_sim_load_cycle(path, &drive))
        return 1;
    *human_s = eco_sim_cycle_duration_s(&drive);
    int rc = eco_sim_route_from_drive(&drive, &rule, NULL, 0, route);
    eco_sim_cycle_free(&drive);
    if (rc)
        fprintf(stderr, "bench_mpc: %s\n", eco_last_error());
    return rc;
}

/* One closed loop at the DP's time price (no matching runs: the step is what is timed). */
static int route_loop(const eco_vehicle *veh, const eco_route *route, eco_mpc_route_ws *ws,
                      loop_figures *f, double *trip_s)
{
    int cap = (int)((eco_route_length_m(route) + eco_route_dwell_s(route) + 600.0) / 0.1) + 16;
    timed_ctl t;
    int rc = timed_wrap(&t, eco_mpc_route_controller(ws), cap);
    eco_sim_options o;
    eco_sim_options_default(&o);
    o.quiet = 1;
    o.engine_hot = 1;
    eco_sim_route_planner planner;
    eco_sim_route_planner_mpc(&planner, ws);
    eco_sim_route_result res;
    unsigned long a0 = eco_alloc_count();
    double t0 = clock_us(CLOCK_MONOTONIC);
    unsigned long a_run = 0;
    if (!rc) {
        rc = eco_sim_route_run(veh, route, &t.ctl, &planner, &o, &res);
        a_run = eco_alloc_count() - a0;
    }
    f->run_s = (clock_us(CLOCK_MONOTONIC) - t0) / (double)ECO_US_PER_S;
    if (!rc) {
        /* the runner's own: the series and the distance and limit columns, grown by
         * doubling; the steps' would come on top (the unit test counts them alone) */
        f->allocs = (long)a_run;
        f->steps = t.n;
        *trip_s = res.trip_time_s;
        eco_sim_route_result_free(&res);
    }
    timed_figures(&t, f, !rc);
    return rc;
}

/* Allocations of eco_mpc_route_step itself over n steps from rest along the route. */
static long route_step_allocs(const eco_vehicle *veh, eco_mpc_route_ws *ws, int n)
{
    eco_state x;
    eco_model_state_init(veh, 1, &x);
    eco_mpc_route_reset(ws);
    unsigned long a0 = eco_alloc_count();
    for (int k = 0; k < n; k++) {
        eco_observation obs;
        eco_observation_from_plant(veh, &x, NULL, 0.0, &obs);
        eco_mpc_route_locate(ws, x.distance_m, 1e9, 0);
        eco_setpoint sp;
        eco_state next;
        eco_step_out out;
        if (eco_mpc_route_step(ws, &obs, &sp) ||
            eco_model_step(veh, &x, &sp.cmd, 0.0, 0.1, &next, &out))
            break;
        x = next;
    }
    return (long)(eco_alloc_count() - a0);
}

static int route_case(const eco_vehicle *veh, int runs)
{
    eco_route route;
    double human_s, min_s, trip_s = 0.0;
    if (route_load(&route, &human_s))
        return 1;
    eco_mpc_route_ws *ws = eco_mpc_route_create(veh, &route, 0.1, NULL, NULL);
    if (!ws) {
        fprintf(stderr, "bench_mpc: %s\n", eco_last_error());
        eco_route_free(&route);
        return 1;
    }
    eco_mpc_route_plan_info in;
    double t0 = clock_us(CLOCK_MONOTONIC);
    int rc = eco_mpc_route_dp_at_time(ws, human_s, 0, &in, &min_s);
    double dp_s = (clock_us(CLOCK_MONOTONIC) - t0) / (double)ECO_US_PER_S;
    printf("{\"figure\":\"route_dp_s\",\"case\":\"%s\",\"vehicle\":\"%s\",\"route_km\":%.2f,"
           "\"trip_time_s\":%.0f,\"seconds\":%.3f,\"target_s\":30}\n",
           ROUTE_DRIVE, veh->name, eco_route_length_m(&route) / 1000.0, human_s, dp_s);
    eco_mpc_route_time_price_set(ws, in.time_price_per_s);
    loop_figures f[MAX_RUNS];
    for (int i = 0; i < runs && !rc; i++) {
        rc = route_loop(veh, &route, ws, &f[i], &trip_s);
        fprintf(stderr, "bench_mpc: route run %d/%d: %.3f s\n", i + 1, runs, f[i].run_s);
    }
    long step_allocs = rc ? -1 : route_step_allocs(veh, ws, 36000);
    if (!rc) {
        for (int c = 0; c < 2; c++) {
            printf("{\"figure\":\"route_mpc_step_us\",\"case\":\"%s\",\"clock\":\"%s\","
                   "\"vehicle\":\"%s\",\"runs\":%d,\"steps\":%d,",
                   ROUTE_DRIVE, c ? "thread_cpu" : "wall", veh->name, runs, f[0].steps);
            print_spread("p50", over_runs(f, runs, c ? g_c50 : g_w50), 0);
            print_spread("p99", over_runs(f, runs, c ? g_c99 : g_w99), 0);
            print_spread("max", over_runs(f, runs, c ? g_cmax : g_wmax), 0);
            printf("\"target_p50\":50,\"target_p99\":200,\"target_max\":1000}\n");
        }
        printf("{\"figure\":\"route_mpc_allocs\",\"case\":\"%s\",\"allocs_in_steps\":%ld,"
               "\"steps\":36000,\"target\":0}\n",
               ROUTE_DRIVE, step_allocs);
        spread run = over_runs(f, runs, g_run);
        printf("{\"figure\":\"route_closed_loop\",\"case\":\"%s\",\"runs\":%d,"
               "\"trip_time_s\":%.1f,",
               ROUTE_DRIVE, runs, trip_s);
        print_spread("run_s", run, 0);
        printf("\"x_real_time\":%.0f,\"target_x_real_time\":2000}\n", trip_s / run.med);
    }
    eco_mpc_route_free(ws);
    eco_route_free(&route);
    return rc;
}

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: bench_mpc [--runs N] [--no-dp] [--creates N] [--create-only] [--route-only]\n"
            "                 [VEHICLE.json]\n"
            "  --runs N          closed-loop runs per case, medians reported (1..%d, "
            "default 3)\n"
            "  --no-dp           skip the DP timing\n"
            "  --creates N       eco_mpc_create timings per kind (1..%d, default 40; fresh\n"
            "                    at most 5)\n"
            "  --create-only     only the create timings\n"
            "  --route-only      only the route case (" ROUTE_DRIVE ")\n",
            MAX_RUNS, MAX_CREATES);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"runs", required_argument, 0, 'r'},
                                         {"no-dp", no_argument, 0, 'n'},
                                         {"creates", required_argument, 0, 'C'},
                                         {"create-only", no_argument, 0, 'O'},
                                         {"route-only", no_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int runs = 3, no_dp = 0, creates = 40, create_only = 0, route_only = 0, c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'r')
            runs = atoi(optarg);
        else if (c == 'n')
            no_dp = 1;
        else if (c == 'C')
            creates = atoi(optarg);
        else if (c == 'O')
            create_only = 1;
        else if (c == 'o')
            route_only = 1;
        else {
            usage(c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : 2;
        }
    }
    if (runs < 1 || runs > MAX_RUNS || creates < 1 || creates > MAX_CREATES || argc - optind > 1) {
        usage(stderr);
        return 2;
    }
    eco_vehicle veh;
    eco_sim_cycle cyc;
    if (eco_sim_load_vehicle(optind < argc ? argv[optind] : NULL, &veh))
        return 2;
    if (eco_sim_load_cycle("wltc_class3b", &cyc))
        return 2;
    int rc = route_only ? 0 : create_times(&veh, creates);
    if (!rc && !create_only && !route_only)
        rc = bench_case(&veh, &cyc, 0.0, 0.0, "wltc_class3b_exact", runs) ||
             bench_case(&veh, &cyc, 2.0, 1.0, "wltc_class3b_band_2kmh_1s", runs) ||
             (!no_dp && dp_time(&veh, &cyc));
    if (!rc && !create_only)
        rc = route_case(&veh, runs);
    eco_sim_cycle_free(&cyc);
    eco_vehicle_free(&veh);
    return rc;
}
