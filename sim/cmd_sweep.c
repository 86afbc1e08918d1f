/* ecosim sweep: one MPC cost weight over a range of values, for the calibration engineer
 * who wants to see what each weight trades (docs/sweep.md). */
#include "commands.h"
#include "controllers.h"
#include "session.h"
#include "sweep.h"

#include "ecodrive/config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ECO_SWEEP_WORKERS_MAX 16

typedef struct {
    eco_sim_args c;
    int have_vary, jobs;
    eco_sweep_values vary;
} sweep_args;

static const char *const PRESETS[ECO_SWEEP_N_PRESETS] = {"eco", "balanced", "comfort"};

static void sweep_usage(FILE *fp)
{
    fprintf(
        fp,
        "usage: ecosim sweep [--vehicle FILE] --cycle NAME|FILE [--band KMH,S]\n"
        "                    [--weights BASE] --vary KEY=V1,V2,...|KEY=LO:HI:N [--json]\n"
        "                    [--csv OUT.csv] [--plot DIR] [--jobs N] [--start-fuel-g G] [--quiet]\n"
        "\n"
        "Runs the MPC once per value of one cost weight (the base weights with KEY set to\n"
        "the value), plus the baseline controller and the eco, balanced and comfort presets\n"
        "as references, and prints per run: fuel (SOC-corrected L/100 km; BEV: battery\n"
        "kWh/100 km), NOx mg/km, trace rms km/h, rms jerk m/s^3, rms acceleration m/s^2,\n"
        "s outside the WLTP tolerance, distance error %%, end SOC and the saving against\n"
        "the baseline controller in %%.\n"
        "\n"
        "  --vehicle FILE   vehicle JSON (default: the shipped Toyota Prius hybrid)\n"
        "  --cycle NAME     shipped cycle or a CSV file time_s,speed_kmh[,grade]\n"
        "  --band KMH,S     speed band (default 2,1: the WLTP tolerance; 0: exact trace)\n"
        "  --weights BASE   base weights: eco, balanced (default), comfort or a JSON file\n"
        "  --vary KEY=V1,V2,...  the values of one weight, in the order given (>= 0)\n"
        "  --vary KEY=LO:HI:N    N values from LO to HI: log-spaced if LO > 0, linear if\n"
        "                   LO = 0. KEY is a key of the weights JSON, e.g. nox_per_mg\n"
        "                   (models/weights/README.md; a wrong key is answered with the list)\n"
        "  --json           one object: vehicle, cycle, band_kmh, band_s, key, baseline,\n"
        "                   presets, points\n"
        "  --csv OUT.csv    the points as CSV\n"
        "  --plot DIR       sweep_tradeoff.png (fuel vs NOx, fuel vs rms jerk) and its\n"
        "                   gnuplot script in DIR\n"
        "  --jobs N         runs at a time, one process each (default: the "
        "CPUs)\n" ECO_USAGE_START_FUEL "  --quiet          no progress on stderr\n");
}

static int sweep_option(int ch, const char *arg, void *own)
{
    sweep_args *a = own;
    if (ch == 'J') {
        double n;
        int rc = eco_sim_number_arg("sweep", "--jobs", arg, 1, ECO_SWEEP_WORKERS_MAX, &n);
        if (!rc)
            a->jobs = (int)n;
        return rc;
    }
    if (ch != 'V')
        return -1;
    if (a->have_vary) {
        fprintf(stderr, "ecosim sweep: --vary is given once (one weight per sweep)\n");
        return 2;
    }
    int rc = eco_sweep_parse_vary(arg, &a->vary);
    a->have_vary = !rc;
    return rc;
}

static int parse_sweep_args(int argc, char **argv, sweep_args *a)
{
    static const struct option opts[] = {ECO_OPT_VEHICLE,
                                         ECO_OPT_CYCLE,
                                         ECO_OPT_BAND,
                                         ECO_OPT_WEIGHTS,
                                         ECO_OPT_START_FUEL,
                                         {"vary", required_argument, 0, 'V'},
                                         {"jobs", required_argument, 0, 'J'},
                                         ECO_OPT_JSON,
                                         ECO_OPT_CSV,
                                         ECO_OPT_PLOT,
                                         ECO_OPT_QUIET,
                                         ECO_OPT_HELP,
                                         {0, 0, 0, 0}};
    a->have_vary = 0;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    a->jobs = cpus < 1 ? 1 : (cpus > ECO_SWEEP_WORKERS_MAX ? ECO_SWEEP_WORKERS_MAX : (int)cpus);
    int rc = eco_sim_parse_args("sweep", argc, argv, opts, sweep_usage, sweep_option, a, &a->c);
    return rc ? rc : eco_sim_require("sweep", a->have_vary, "--vary KEY=...", sweep_usage);
}

/* The weights of every point, checked before the first (slow) run: a value that leaves
 * nothing to optimise is refused as the JSON loader refuses it. */
static int point_weights(const sweep_args *a, const eco_mpc_weights *base, eco_mpc_weights *w)
{
    for (int i = 0; i < a->vary.n; i++) {
        w[i] = *base;
        if (eco_mpc_weights_set(&w[i], a->vary.key, a->vary.value[i])) {
            fprintf(stderr, "ecosim sweep: %s\n", eco_last_error());
            return 2;
        }
        if (!(w[i].fuel_per_g > 0.0 || w[i].tracking_per_kmh2s > 0.0)) {
            fprintf(stderr,
                    "ecosim sweep: %s = %g: fuel_per_g and tracking_per_kmh2s are both zero: "
                    "nothing to optimise\n",
                    a->vary.key, a->vary.value[i]);
            return 2;
        }
    }
    return 0;
}

static void progress(const sweep_args *a, const char *what, int i, int n, const char *label)
{
    if (!a->c.quiet)
        fprintf(stderr, "sweep %s %d/%d %s ...\n", what, i, n, label);
}

/* Job j of a sweep: 0 the baseline controller, 1..N_PRESETS the presets, then the points. */
static int run_job(const sweep_args *a, const eco_vehicle *veh, const eco_sim_cycle *cyc,
                   const eco_mpc_weights *w, int j, eco_sweep_point *p)
{
    const int n_refs = 1 + ECO_SWEEP_N_PRESETS;
    memset(p, 0, sizeof *p);
    if (j == 0) {
        progress(a, "reference", 1, n_refs, "baseline");
        snprintf(p->label, sizeof p->label, "baseline");
        p->value = NAN;
        return eco_sweep_run_baseline(veh, cyc, &a->c.sim, p);
    }
    if (j < n_refs) {
        eco_mpc_weights pw;
        progress(a, "reference", j + 1, n_refs, PRESETS[j - 1]);
        snprintf(p->label, sizeof p->label, "%s", PRESETS[j - 1]);
        p->value = NAN;
        int rc = eco_sim_weights_resolve(PRESETS[j - 1], &pw);
        return rc ? rc : eco_sweep_run_mpc(veh, cyc, &a->c.sim, &pw, p);
    }
    int i = j - n_refs;
    snprintf(p->label, sizeof p->label, "%.4g", a->vary.value[i]);
    progress(a, a->vary.key, i + 1, a->vary.n, p->label);
    p->value = a->vary.value[i];
    return eco_sweep_run_mpc(veh, cyc, &a->c.sim, &w[i], p);
}

/* One result record through a worker's pipe. */
typedef struct {
    int job, rc;
    eco_sweep_point point;
} job_result;

/* The runs are independent and deterministic, so they go to one worker process per core
 * (fork: each gets the loaded vehicle and cycle); worker k runs jobs k, k + n, ... and
 * sends each result back whole. A sweep's records (under 16 kB) fit a pipe's buffer, so
 * reading the workers one after another cannot block them. */
static int run_parallel(const sweep_args *a, const eco_vehicle *veh, const eco_sim_cycle *cyc,
                        const eco_mpc_weights *w, int n_jobs, int n_workers, eco_sweep_point *out)
{
    int fds[ECO_SWEEP_WORKERS_MAX][2], started = 0, rc = 0;
    pid_t pids[ECO_SWEEP_WORKERS_MAX];
    fflush(stdout);
    fflush(stderr);
    for (int k = 0; k < n_workers; k++, started++) {
        if (pipe(fds[k]) || (pids[k] = fork()) < 0) {
            fprintf(stderr, "ecosim sweep: cannot start a worker: %s\n", strerror(errno));
            rc = 1;
            break;
        }
        if (pids[k] == 0) { /* worker: _exit, so no exit handler (or leak check) runs twice */
            close(fds[k][0]);
            int bad = 0;
            for (int j = k; j < n_jobs && !bad; j += n_workers) {
                job_result r = {.job = j};
                r.rc = run_job(a, veh, cyc, w, j, &r.point);
                bad = r.rc || write(fds[k][1], &r, sizeof r) != (ssize_t)sizeof r;
            }
            _exit(bad ? 1 : 0);
        }
        close(fds[k][1]);
    }
    int got = 0;
    for (int k = 0; k < started; k++) {
        job_result r;
        while (read(fds[k][0], &r, sizeof r) == (ssize_t)sizeof r)
            if (r.job >= 0 && r.job < n_jobs && r.rc == 0) {
                out[r.job] = r.point;
                got++;
            }
        close(fds[k][0]);
        int st;
        if (waitpid(pids[k], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
            rc = 1;
    }
    return rc || got != n_jobs ? 1 : 0;
}

/* The baseline controller, the three presets and every point; savings against the first. */
static int run_all(const sweep_args *a, const eco_vehicle *veh, const eco_sim_cycle *cyc,
                   const eco_mpc_weights *w, int n_workers, eco_sweep_report *r)
{
    const int n_refs = 1 + ECO_SWEEP_N_PRESETS, n_jobs = n_refs + a->vary.n;
    eco_sweep_point all[1 + ECO_SWEEP_N_PRESETS + ECO_SWEEP_POINTS_MAX];
    int rc = 0;
    n_workers = n_workers < n_jobs ? n_workers : n_jobs;
    if (n_workers > 1) {
        rc = run_parallel(a, veh, cyc, w, n_jobs, n_workers, all);
    } else {
        for (int j = 0; j < n_jobs && !rc; j++)
            rc = run_job(a, veh, cyc, w, j, &all[j]);
    }
    if (rc)
        return rc;
    memcpy(r->refs, all, sizeof r->refs);
    memcpy(r->points, all + n_refs, (size_t)a->vary.n * sizeof all[0]);
    double b = r->refs[0].metric;
    for (int i = 0; i < n_refs; i++)
        r->refs[i].saving_pct = 100.0 * (1.0 - r->refs[i].metric / b);
    for (int i = 0; i < a->vary.n; i++)
        r->points[i].saving_pct = 100.0 * (1.0 - r->points[i].metric / b);
    return 0;
}

static int report(const sweep_args *a, const eco_sweep_report *r)
{
    if (a->c.csv && eco_sweep_write_csv(a->c.csv, r, r->points, r->vary.n)) {
        fprintf(stderr, "ecosim sweep: %s\n", eco_last_error());
        return 1;
    }
    if (a->c.plot_dir && eco_sweep_plot(a->c.plot_dir, r))
        return 1;
    if (a->c.json)
        return eco_sweep_print_json(r) ? 1 : 0;
    eco_sweep_print_table(stdout, r);
    return 0;
}

int eco_cmd_sweep(int argc, char **argv)
{
    sweep_args a;
    eco_sweep_report r;
    eco_mpc_weights w[ECO_SWEEP_POINTS_MAX];
    int rc = parse_sweep_args(argc, argv, &a);
    if (rc)
        return rc == 1 ? 0 : rc;
    eco_mpc_weights base;
    if ((rc = eco_sim_weights_resolve(a.c.weights, &base)) || (rc = point_weights(&a, &base, w)))
        return rc;
    eco_vehicle veh;
    eco_sim_cycle cyc;
    if ((rc = eco_sim_load_case(&a.c, &veh, &cyc)))
        return rc;
    a.c.sim.engine_hot = !cyc.ftp_bags; /* as compare: FTP-75 runs its cold-start composite */
    memset(&r, 0, sizeof r);
    snprintf(r.vehicle, sizeof r.vehicle, "%s", veh.name);
    snprintf(r.cycle, sizeof r.cycle, "%s", cyc.name);
    r.base = a.c.weights;
    r.band_kmh = a.c.sim.band_kmh;
    r.band_s = a.c.sim.band_s;
    r.bev = veh.powertrain == ECO_PT_BEV;
    r.vary = a.vary;
    rc = run_all(&a, &veh, &cyc, w, a.jobs, &r);
    if (rc == 0)
        rc = report(&a, &r);
    eco_sim_cycle_free(&cyc);
    eco_vehicle_free(&veh);
    return rc;
}
