/* ecosim sweep: MPC cost weights over ranges of values, one or a grid of several, for the
 * calibration engineer who wants to see what each weight trades (docs/sweep.md). A sweep is
 * the one-vehicle, one-cycle campaign and runs through the campaign's code (campaign_exec.h). */
#include "campaign_cache.h"
#include "campaign_exec.h"
#include "campaign_pool.h"
#include "campaign_spec.h"
#include "commands.h"
#include "controllers.h"
#include "outfile.h"
#include "paths.h"
#include "session.h"
#include "sweep.h"

#include "ecodrive/config.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    eco_sim_args c;
    int n_vary, jobs, sharded;
    eco_sweep_values vary[ECO_SWEEP_GRID_MAX];
    eco_campaign_shard shard;
    const char *out;
} sweep_args;

static const char *const PRESETS[ECO_SWEEP_N_PRESETS] = {"eco", "balanced", "comfort"};

static void sweep_usage(FILE *fp)
{
    fprintf(fp,
            "usage: ecosim sweep [--vehicle FILE] --cycle NAME|FILE [--band KMH,S]\n"
            "                    [--weights BASE] --vary KEY=V1,V2,...|KEY=LO:HI:N [--vary ...]\n"
            "                    [--json] [--csv OUT.csv] [--plot DIR] [--jobs N] [--shard K/N]\n"
            "                    [--out FILE.jsonl] [--start-fuel-g G] [--cache-dir DIR]\n"
            "                    [--quiet]\n"
            "\n"
            "Runs the MPC once per value of one cost weight (the base weights with KEY set to\n"
            "the value), or per point of the grid of several --vary, plus the baseline\n"
            "controller and the eco, balanced and comfort presets\n"
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
            "                   Several --vary (different keys) make a grid, the first varying\n"
            "                   slowest\n"
            "  --json           one object: vehicle, cycle, band_kmh, band_s, key, baseline,\n"
            "                   presets, points\n"
            "  --csv OUT.csv    the points as CSV\n"
            "  --plot DIR       sweep_tradeoff.png (fuel vs NOx, fuel vs rms jerk) and its\n"
            "                   gnuplot script in DIR\n"
            "  --jobs N         runs at a time, one process each (default: the CPUs)\n"
            "  --out FILE.jsonl one JSON line per point: its weights under \"weights\", the\n"
            "                   figures under the keys of --json's points, the campaign's summary\n"
            "  --shard K/N      only every N-th point from the K-th (0 <= K < N), into --out\n"
            "                   (no table); `ecosim merge` joins the shards\n" ECO_USAGE_START_FUEL
                ECO_USAGE_CACHE_DIR "  --quiet          no progress on stderr\n");
}

static int add_vary(sweep_args *a, const char *arg)
{
    if (a->n_vary == ECO_SWEEP_GRID_MAX) {
        fprintf(stderr, "ecosim sweep: --vary: at most %d keys in a grid\n", ECO_SWEEP_GRID_MAX);
        return 2;
    }
    eco_sweep_values *v = &a->vary[a->n_vary];
    int rc = eco_sweep_parse_vary(arg, v);
    for (int k = 0; !rc && k < a->n_vary; k++)
        if (!strcmp(a->vary[k].key, v->key)) {
            fprintf(stderr, "ecosim sweep: --vary %s is given twice (one --vary per key)\n",
                    v->key);
            rc = 2;
        }
    a->n_vary += !rc;
    return rc;
}

static int take_vary(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *args)
{
    (void)cli;
    (void)o;
    return add_vary(args, arg);
}

static int take_shard(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *args)
{
    (void)o;
    sweep_args *a = args;
    a->sharded = 1;
    return eco_campaign_parse_shard(cli->cmd, arg, &a->shard);
}

static int parse_sweep_args(int argc, char **argv, sweep_args *a)
{
    static const eco_cli_opt opts[] = {
        ECO_OPTS_CASE(sweep_args),
        ECO_CLI_CALL("vary", take_vary),
        ECO_CLI_INT("jobs", sweep_args, jobs, 1, ECO_POOL_WORKERS_MAX),
        ECO_CLI_CALL("shard", take_shard),
        ECO_CLI_TEXT("out", sweep_args, out),
        ECO_OPT_CACHE_DIR,
        ECO_OPT_JSON(sweep_args),
        ECO_OPT_CSV(sweep_args),
        ECO_OPT_PLOT(sweep_args),
        ECO_OPT_QUIET(sweep_args),
        ECO_CLI_HELP,
        ECO_CLI_END};
    static const eco_cli cli = {"sweep", sweep_usage, opts, NULL};
    a->n_vary = a->sharded = 0;
    a->shard = (eco_campaign_shard){0, 1};
    a->out = NULL;
    a->jobs = eco_campaign_default_jobs();
    int rc = eco_sim_parse_args(&cli, argc, argv, a, &a->c);
    if (rc || (rc = eco_sim_require("sweep", a->n_vary, "--vary KEY=...", sweep_usage)))
        return rc;
    if (a->sharded && (!a->out || a->c.json || a->c.csv || a->c.plot_dir)) {
        fprintf(stderr, "ecosim sweep: --shard writes its points to --out FILE.jsonl only (no "
                        "--json, --csv or --plot: merge the shards first)\n");
        return 2;
    }
    return eco_sim_out_check("sweep", "--out", a->out);
}

/* The grid's point i: its values, its label ("0.001/0.05") and its weights, checked before
 * the first (slow) run: a point that leaves nothing to optimise is refused as the JSON
 * loader refuses it. */
static int grid_point(const sweep_args *a, const eco_mpc_weights *base, long i, eco_sweep_point *p,
                      eco_mpc_weights *w)
{
    *w = *base;
    for (int k = a->n_vary - 1; k >= 0; k--) { /* the first --vary varies slowest */
        p->values[k] = a->vary[k].value[i % a->vary[k].n];
        i /= a->vary[k].n;
        if (eco_cfg_weights_set(w, a->vary[k].key, p->values[k])) {
            fprintf(stderr, "ecosim sweep: %s\n", eco_last_error());
            return 2;
        }
    }
    p->value = p->values[0];
    size_t used = 0;
    for (int k = 0; k < a->n_vary && used < sizeof p->label; k++)
        used += (size_t)snprintf(p->label + used, sizeof p->label - used, "%s%.4g", k ? "/" : "",
                                 p->values[k]);
    if (!(w->fuel_per_g > 0.0 || w->tracking_per_kmh2s > 0.0)) {
        fprintf(stderr,
                "ecosim sweep: %s = %s: fuel_per_g and tracking_per_kmh2s are both zero: "
                "nothing to optimise\n",
                a->n_vary == 1 ? a->vary[0].key : "the grid point", p->label);
        return 2;
    }
    return 0;
}

/* The campaign's points: the grid, then the presets past n_points (run beside, no case). */
static int sweep_points(const sweep_args *a, eco_campaign *c, eco_sweep_report *r)
{
    eco_mpc_weights base;
    long n = 1;
    int rc;
    for (int k = 0; k < a->n_vary; k++)
        n *= a->vary[k].n;
    if (n > ECO_CAMPAIGN_POINTS_MAX) {
        fprintf(stderr, "ecosim sweep: a grid of %ld points (at most %d)\n", n,
                ECO_CAMPAIGN_POINTS_MAX);
        return 2;
    }
    if ((rc = eco_sim_weights_resolve(a->c.weights, &base)))
        return rc;
    c->points = eco_calloc((size_t)n + ECO_SWEEP_N_PRESETS, sizeof c->points[0]);
    r->points = eco_calloc((size_t)n, sizeof r->points[0]);
    if (!c->points || !r->points) {
        fprintf(stderr, "ecosim sweep: out of memory\n");
        return 1;
    }
    for (long i = 0; i < n; i++) {
        if ((rc = grid_point(a, &base, i, &r->points[i], &c->points[i].w)))
            return rc;
        snprintf(c->points[i].label, sizeof c->points[i].label, "p%ld", i);
    }
    c->n_points = r->n_points = (int)n;
    for (int k = 0; k < ECO_SWEEP_N_PRESETS; k++) {
        snprintf(c->points[n + k].label, sizeof c->points[0].label, "%s", PRESETS[k]);
        if ((rc = eco_sim_weights_resolve(PRESETS[k], &c->points[n + k].w)))
            return rc;
    }
    c->n_keys = a->n_vary;
    for (int k = 0; k < a->n_vary; k++)
        snprintf(c->keys[k], sizeof c->keys[k], "%s", a->vary[k].key);
    c->sweep_value = a->n_vary == 1;
    return 0;
}

/* The one vehicle and cycle, loaded as every command loads them, and their hashes. */
static int sweep_case(const sweep_args *a, eco_campaign *c)
{
    char vehicle[4096], cycle[4096];
    int shipped, rc;
    c->vehicles = eco_calloc(1, sizeof c->vehicles[0]);
    c->vehicle_source = eco_calloc(1, sizeof c->vehicle_source[0]);
    c->vehicle_content = eco_calloc(1, sizeof c->vehicle_content[0]);
    c->cycles = eco_calloc(1, sizeof c->cycles[0]);
    c->cycle_content = eco_calloc(1, sizeof c->cycle_content[0]);
    if (!c->vehicles || !c->vehicle_source || !c->vehicle_content || !c->cycles ||
        !c->cycle_content)
        return 1;
    if ((rc = eco_sim_load_case(&a->c, &c->vehicles[0], &c->cycles[0])))
        return rc;
    c->n_vehicles = c->n_cycles = 1;
    char maps[4096];
    if (eco_cfg_vehicle_find(a->c.vehicle, vehicle, sizeof vehicle, maps, sizeof maps))
        return 2;
    snprintf(c->vehicle_source[0], sizeof c->vehicle_source[0], "%s",
             a->c.vehicle ? a->c.vehicle : "toyota_prius_2022");
    if (eco_campaign_hash_vehicle(vehicle, &c->vehicle_content[0]) ||
        eco_sim_resolve_cycle(a->c.cycle, cycle, sizeof cycle, &shipped)) {
        fprintf(stderr, "ecosim sweep: %s\n", eco_last_error());
        return 2;
    }
    c->cycle_content[0] = eco_campaign_hash_cycle(cycle, &c->cycles[0]);
    c->sim = a->c.sim;
    c->start_fuel_g = a->c.start_fuel_g;
    c->n_controllers = 1;
    c->controller[0] = ECO_CAMPAIGN_MPC;
    return 0;
}

static void take_point(void *ctx, int i, const eco_campaign_result *res,
                       const eco_campaign_result *baseline)
{
    eco_sweep_report *r = ctx;
    eco_sweep_point *p = &r->points[i];
    char label[sizeof p->label];
    double values[ECO_SWEEP_GRID_MAX], value = p->value;
    memcpy(label, p->label, sizeof label);
    memcpy(values, p->values, sizeof values);
    eco_sweep_point_of(res, r->bev, p);
    memcpy(p->label, label, sizeof label);
    memcpy(p->values, values, sizeof values);
    p->value = value;
    eco_sweep_point_of(baseline, r->bev, &r->refs[0]);
    snprintf(r->refs[0].label, sizeof r->refs[0].label, "baseline");
    r->refs[0].value = NAN;
}

/* The grid's points (the shard's), the presets beside unless sharded; savings against the
 * baseline controller. */
static int run_all(const sweep_args *a, const eco_campaign *c, eco_sweep_report *r)
{
    eco_campaign_case extra[ECO_SWEEP_N_PRESETS];
    eco_campaign_result presets[ECO_SWEEP_N_PRESETS];
    for (int k = 0; k < ECO_SWEEP_N_PRESETS; k++)
        extra[k] = (eco_campaign_case){0, 0, ECO_CAMPAIGN_MPC, c->n_points + k};
    eco_campaign_exec x = {.c = c,
                           .what = "sweep",
                           .shard = a->shard,
                           .jobs = a->jobs,
                           .out_path = a->out,
                           .no_lines = !a->out,
                           .quiet = a->c.quiet,
                           .n_extra = a->sharded ? 0 : ECO_SWEEP_N_PRESETS,
                           .extra = extra,
                           .extra_results = presets,
                           .on_case = take_point,
                           .on_case_ctx = r};
    int rc = eco_campaign_execute(&x);
    if (rc || a->sharded)
        return rc;
    for (int k = 0; k < ECO_SWEEP_N_PRESETS; k++) {
        eco_sweep_point_of(&presets[k], r->bev, &r->refs[1 + k]);
        snprintf(r->refs[1 + k].label, sizeof r->refs[0].label, "%s", PRESETS[k]);
        r->refs[1 + k].value = NAN;
    }
    double b = r->refs[0].metric;
    for (int i = 0; i < 1 + ECO_SWEEP_N_PRESETS; i++)
        r->refs[i].saving_pct = 100.0 * (1.0 - r->refs[i].metric / b);
    for (int i = 0; i < r->n_points; i++)
        r->points[i].saving_pct = 100.0 * (1.0 - r->points[i].metric / b);
    return 0;
}

static int report(const sweep_args *a, const eco_sweep_report *r)
{
    if (a->c.plot_dir && eco_sweep_plot(a->c.plot_dir, r)) /* first: see ecosim run */
        return 1;
    if (a->c.csv && eco_sweep_write_csv(a->c.csv, r, r->points, r->n_points)) {
        fprintf(stderr, "ecosim sweep: %s\n", eco_last_error());
        return 1;
    }
    if (a->c.json)
        return eco_sweep_print_json(r) ? 1 : 0;
    eco_sweep_print_table(stdout, r);
    return 0;
}

int eco_cmd_sweep(int argc, char **argv)
{
    sweep_args a;
    eco_sweep_report r;
    eco_campaign c;
    memset(&r, 0, sizeof r);
    memset(&c, 0, sizeof c);
    int rc = parse_sweep_args(argc, argv, &a);
    if (rc)
        return rc == 1 ? 0 : rc;
    r.n_vary = a.n_vary;
    memcpy(r.vary, a.vary, sizeof r.vary);
    if (!(rc = sweep_points(&a, &c, &r)) && !(rc = sweep_case(&a, &c)) &&
        !(rc = eco_campaign_finish(&c))) {
        snprintf(r.vehicle, sizeof r.vehicle, "%s", c.vehicles[0].name);
        snprintf(r.cycle, sizeof r.cycle, "%s", c.cycles[0].name);
        r.base = a.c.weights;
        r.band_kmh = a.c.sim.band_kmh;
        r.band_s = a.c.sim.band_s;
        r.bev = c.vehicles[0].powertrain == ECO_PT_BEV;
        rc = run_all(&a, &c, &r);
        if (rc == 0 && !a.sharded)
            rc = report(&a, &r);
    }
    eco_free(r.points);
    eco_campaign_free(&c);
    return rc;
}
