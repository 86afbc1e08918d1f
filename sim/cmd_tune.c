/* ecosim tune: MPC weights that minimise fuel or energy over cycles under constraints on
 * other figures, written as a weights file ecodrived --weights reads (docs/campaign.md). */
#include "campaign_cache.h"
#include "campaign_exec.h"
#include "campaign_pool.h"
#include "campaign_weights.h"
#include "commands.h"
#include "controllers.h"
#include "report.h"
#include "session.h"
#include "tune.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CYCLES_MAX 32

typedef struct {
    eco_sim_args c; /* first: the shared parser's arguments */
    int n_cycles;
    const char *cycle[CYCLES_MAX];
    const char *out, *report, *case_weights;
    eco_tune t;
    int have_tune;
} tune_args;

static void tune_usage(FILE *fp)
{
    fprintf(fp,
            "usage: ecosim tune [--vehicle FILE] --cycle NAME|FILE [--cycle ...]\n"
            "                   --objective fuel|energy [--constraint 'KEY<=X' ...]\n"
            "                   [--tune KEY,KEY...] --out WEIGHTS.json [--report FILE.json]\n"
            "                   [--weights START] [--case-weights W,W,...] [--max-runs N]\n"
            "                   [--band KMH,S] [--jobs N] [--json] [--start-fuel-g G]\n"
            "                   [--cache-dir DIR] [--quiet]\n"
            "\n"
            "Finds the MPC weights that minimise the objective, a weighted mean over the\n"
            "cycles, with each constraint's weighted mean at or below its limit: NLopt's\n"
            "COBYLA over log10 of the weights named by --tune (default: all), within their\n"
            "ranges (docs/campaign.md). Deterministic for the same inputs.\n"
            "\n"
            "  --objective      fuel (SOC-corrected L/100 km) or energy (battery kWh/100 km)\n"
            "  --constraint     KEY<=X, KEY a key of the run summary or campaign line:\n"
            "                   nox_mg_per_km, jerk_rms_mps3, trace_rms_kmh, engine_starts, ...\n"
            "  --tune KEYS      the weights it may change (models/weights/README.md)\n"
            "  --weights START  where the search starts and what it does not tune (default\n"
            "                   balanced)\n"
            "  --case-weights   the cycles' weights in the mean, in --cycle order (default\n"
            "                   equal)\n"
            "  --max-runs N     evaluations at most, each one run per cycle (default 40)\n"
            "  --out FILE       the weights (a file ecodrived --weights and --weights read)\n"
            "  --report FILE    the report as JSON: the search's path, the best weights'\n"
            "                   cases, the number of runs (the table goes to stdout; --json\n"
            "                   prints the JSON there instead)\n"
            "  --jobs N         cycles run at a time (default: the CPUs)\n" ECO_USAGE_START_FUEL
                ECO_USAGE_CACHE_DIR "  --quiet          no progress on stderr\n");
}

static int take_cycle(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *args)
{
    (void)o;
    tune_args *a = args;
    if (a->n_cycles == CYCLES_MAX) {
        fprintf(stderr, "ecosim %s: at most %d cycles\n", cli->cmd, CYCLES_MAX);
        return 2;
    }
    a->cycle[a->n_cycles++] = a->c.cycle = arg;
    return 0;
}

static int take_objective(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *args)
{
    (void)o;
    if (strcmp(arg, "fuel") && strcmp(arg, "energy")) {
        fprintf(stderr, "ecosim %s: --objective is fuel or energy, got '%s'\n", cli->cmd, arg);
        return 2;
    }
    ((tune_args *)args)->t.objective = arg;
    return 0;
}

static int take_constraint(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *args)
{
    (void)o;
    eco_tune *t = &((tune_args *)args)->t;
    if (t->n_constraints == ECO_TUNE_CONSTRAINTS_MAX) {
        fprintf(stderr, "ecosim %s: at most %d constraints\n", cli->cmd, ECO_TUNE_CONSTRAINTS_MAX);
        return 2;
    }
    return eco_tune_parse_constraint(arg, &t->constraint[t->n_constraints++]);
}

static int take_tune(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *args)
{
    (void)cli;
    (void)o;
    tune_args *a = args;
    a->have_tune = 1;
    return eco_tune_parse_keys(arg, &a->t);
}

static int parse_tune_args(int argc, char **argv, tune_args *a)
{
    static const eco_cli_opt opts[] = {
        ECO_OPT_VEHICLE(tune_args),
        ECO_CLI_CALL("cycle", take_cycle),
        ECO_OPT_BAND(tune_args),
        ECO_OPT_WEIGHTS(tune_args),
        ECO_OPT_START_FUEL(tune_args),
        ECO_OPT_JSON(tune_args),
        ECO_OPT_QUIET(tune_args),
        ECO_CLI_HELP,
        ECO_CLI_CALL("objective", take_objective),
        ECO_CLI_CALL("constraint", take_constraint),
        ECO_CLI_CALL("tune", take_tune),
        ECO_CLI_INT("max-runs", tune_args, t.max_evals, 1, ECO_TUNE_EVALS_MAX),
        ECO_CLI_INT("jobs", tune_args, t.jobs, 1, ECO_POOL_WORKERS_MAX),
        ECO_CLI_TEXT("out", tune_args, out),
        ECO_CLI_TEXT("report", tune_args, report),
        ECO_CLI_TEXT("case-weights", tune_args, case_weights),
        ECO_OPT_CACHE_DIR,
        ECO_CLI_END};
    static const eco_cli cli = {"tune", tune_usage, opts, NULL};
    a->t.max_evals = 40;
    a->t.jobs = eco_campaign_default_jobs();
    int rc = eco_sim_parse_args(&cli, argc, argv, a, &a->c);
    if (rc)
        return rc;
    if (!a->t.objective || !a->out) {
        fprintf(stderr, "ecosim tune: --objective and --out are required\n");
        tune_usage(stderr);
        return 2;
    }
    if ((rc = eco_sim_out_check("tune", "--out", a->out)) ||
        (rc = eco_sim_out_check("tune", "--report", a->report)))
        return rc;
    if (!a->have_tune) { /* all of them */
        int n;
        eco_campaign_weight_ranges(&n);
        for (a->t.n_tune = 0; a->t.n_tune < n; a->t.n_tune++)
            a->t.tune[a->t.n_tune] = a->t.n_tune;
    }
    a->t.quiet = a->c.quiet;
    a->t.objective_key = eco_sim_metric_key(!strcmp(a->t.objective, "energy"));
    return 0;
}

/* The cycles' weights in the mean: given, or equal; normalised to a sum of 1. */
static int case_weights(const tune_args *a, double *w)
{
    double sum = 0.0;
    char buf[1024];
    int n = 0;
    snprintf(buf, sizeof buf, "%s", a->case_weights ? a->case_weights : "");
    for (char *save = NULL, *f = strtok_r(buf, ",", &save); f && n < CYCLES_MAX;
         f = strtok_r(NULL, ",", &save)) {
        char *end;
        w[n] = strtod(f, &end);
        if (*end || !(w[n] >= 0.0))
            n = CYCLES_MAX; /* refused below */
        else
            n++;
    }
    if (!a->case_weights)
        for (n = 0; n < a->n_cycles; n++)
            w[n] = 1.0;
    for (int i = 0; i < n && n == a->n_cycles; i++)
        sum += w[i];
    if (n != a->n_cycles || !(sum > 0.0)) {
        fprintf(stderr,
                "ecosim tune: --case-weights takes %d numbers >= 0 (one per --cycle), "
                "not all 0\n",
                a->n_cycles);
        return 2;
    }
    for (int i = 0; i < n; i++)
        w[i] /= sum;
    return 0;
}

/* One vehicle, the cycles, the MPC with one point (set per evaluation). */
static int build_case(tune_args *a, eco_campaign *c)
{
    int n = a->n_cycles, rc;
    c->vehicles = eco_calloc(1, sizeof c->vehicles[0]);
    c->vehicle_source = eco_calloc(1, sizeof c->vehicle_source[0]);
    c->vehicle_content = eco_calloc(1, sizeof c->vehicle_content[0]);
    c->cycles = eco_calloc((size_t)n, sizeof c->cycles[0]);
    c->cycle_content = eco_calloc((size_t)n, sizeof c->cycle_content[0]);
    c->points = eco_calloc(1, sizeof c->points[0]);
    if (!c->vehicles || !c->vehicle_source || !c->vehicle_content || !c->cycles ||
        !c->cycle_content || !c->points)
        return 1;
    if ((rc = eco_sim_load_vehicle(a->c.vehicle, &c->vehicles[0])))
        return rc;
    c->n_vehicles = 1;
    if (a->c.start_fuel_g >= 0.0)
        c->vehicles[0].engine.start_fuel_g = a->c.start_fuel_g;
    snprintf(c->vehicle_source[0], sizeof c->vehicle_source[0], "%s",
             a->c.vehicle ? a->c.vehicle : "toyota_prius_2022");
    for (; c->n_cycles < n; c->n_cycles++)
        if ((rc = eco_sim_load_cycle(a->cycle[c->n_cycles], &c->cycles[c->n_cycles])))
            return rc;
    c->sim = a->c.sim;
    c->start_fuel_g = a->c.start_fuel_g;
    c->n_controllers = 1;
    c->controller[0] = ECO_CAMPAIGN_MPC;
    c->n_points = 1;
    snprintf(c->points[0].label, sizeof c->points[0].label, "tune");
    c->points[0].w = a->t.start;
    return eco_campaign_finish(c);
}

static int write_outputs(const tune_args *a)
{
    cJSON *report = eco_tune_report_json(&a->t);
    int rc = report ? 0 : 1;
    if (!rc && a->report) {
        char *text = cJSON_Print(report), tmp[4096];
        FILE *fp = text ? eco_sim_file_begin(a->report, tmp, sizeof tmp) : NULL;
        if (fp)
            fprintf(fp, "%s\n", text);
        cJSON_free(text);
        if (!fp || eco_sim_file_end(fp, tmp, a->report)) {
            fprintf(stderr, "ecosim tune: %s\n", eco_last_error());
            rc = 1;
        }
    }
    if (a->c.json) {
        rc |= eco_sim_print_json(report) ? 1 : 0;
        report = NULL;
    } else {
        eco_tune_print_report(stdout, &a->t);
    }
    cJSON_Delete(report);
    if (!rc && a->t.best >= 0)
        rc = eco_tune_write_weights(&a->t, a->out);
    return rc;
}

int eco_cmd_tune(int argc, char **argv)
{
    tune_args a;
    double weights[CYCLES_MAX];
    memset(&a, 0, sizeof a);
    int rc = parse_tune_args(argc, argv, &a);
    if (rc)
        return rc == 1 ? 0 : rc;
    a.t.case_weight = weights;
    if (!(rc = case_weights(&a, weights)) &&
        !(rc = eco_sim_weights_resolve(a.c.weights, &a.t.start)) &&
        !(rc = build_case(&a, &a.t.c))) {
        a.t.best = -1;
        rc = eco_tune_run(&a.t);
        if (a.t.n_evals > 0) {
            int out_rc = write_outputs(&a);
            rc = rc ? rc : out_rc;
        }
    }
    eco_free(a.t.evals);
    eco_free(a.t.case_values);
    eco_campaign_free(&a.t.c);
    return rc;
}
