/* ecosim dp: the dynamic-programming optimum of a cycle, with a grid convergence check. */
#include "commands.h"
#include "controllers.h"
#include "report.h"
#include "session.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    eco_sim_args c;
    int check, replay;
    eco_dp_settings dp;
} dp_args;

static void dp_usage(FILE *fp)
{
    fprintf(fp,
            "usage: ecosim dp [--vehicle FILE] --cycle NAME|FILE [--band KMH,S] [--weights W]\n"
            "                 [--soc-step X] [--levels N] [--grid-kmh X] [--stage S]\n"
            "                 [--no-check] [--no-replay] [--start-fuel-g G] [--json] [--quiet]\n"
            "\n"
            "The global optimum over the whole known cycle (offline): the speed inside the\n"
            "band at equal distance (any powertrain; a hybrid's split too); with --band 0,\n"
            "on the exact trace, the hybrid's engine on/off and power on a SOC grid,\n"
            "charge-sustaining.\n"
            "\n"
            "  --band KMH,S     speed band (default 2,1: the WLTP tolerance; 0: exact trace)\n"
            "  --weights W      preset (eco, balanced, comfort) or file; fuel and NOx count\n"
            "  --soc-step X     exact hybrid: SOC grid step (default 0.001)\n"
            "  --levels N       engine power levels besides off (default 32)\n"
            "  --grid-kmh X     band: speed grid step, km/h (default 0.25)\n"
            "  --stage S        band: stage length, s (default 1)\n"
            "  --no-check       skip the convergence check (solve again on a grid twice as\n"
            "                   fine and report the change of the optimum)\n"
            "  --no-replay      skip replaying the optimum through the plant\n"
            "  --json           one JSON object on stdout\n" ECO_USAGE_START_FUEL
            "  --quiet          no progress on stderr\n");
}

static cJSON *result_json(const eco_dp_result *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "mode", r->mode == ECO_DP_BAND ? "band" : "exact");
    cJSON_AddNumberToObject(o, "cost", r->cost);
    cJSON_AddNumberToObject(o, "battery_kj", r->battery_j * 1e-3);
    cJSON_AddNumberToObject(o, "soc_end", r->soc_end);
    cJSON_AddNumberToObject(o, "distance_m", r->distance_m);
    cJSON_AddNumberToObject(o, "ref_distance_m", r->ref_distance_m);
    cJSON_AddNumberToObject(o, "s_equiv", r->s_equiv);
    cJSON_AddNumberToObject(o, "price_per_m", r->price_per_m);
    cJSON_AddNumberToObject(o, "n_soc", r->n_soc);
    cJSON_AddNumberToObject(o, "n_speed_nodes", r->n_speed_nodes);
    cJSON_AddNumberToObject(o, "n_levels", r->n_levels);
    cJSON_AddNumberToObject(o, "passes", (double)r->passes);
    cJSON_AddNumberToObject(o, "solve_s", r->seconds);
    return o;
}

/* Solve; replay the optimum through the plant for its run summary. */
static int solve_and_replay(const dp_args *a, const eco_vehicle *veh, const eco_sim_cycle *cyc,
                            const eco_dp_settings *ds, eco_dp_result *r, eco_sim_summary *sum)
{
    eco_dp_solution *sol = NULL;
    int rc = eco_sim_dp_solve(veh, cyc, &a->c.sim, ds, &sol);
    if (rc)
        return rc;
    eco_dp_result_get(sol, r);
    if (a->replay) {
        eco_controller *ctl = eco_dp_controller_create(veh, sol, a->c.sim.dt_s);
        eco_sim_result res;
        if (!ctl) {
            fprintf(stderr, "ecosim dp: %s\n", eco_last_error());
            eco_dp_free(sol);
            return 1;
        }
        eco_sim_options o = a->c.sim;
        o.quiet = 1;
        rc = eco_sim_run(veh, cyc, ctl, &o, &res);
        ctl->destroy(ctl);
        if (rc) {
            fprintf(stderr, "ecosim dp: replay failed: %s\n", eco_strerror(rc));
            eco_dp_free(sol);
            return 1;
        }
        eco_sim_summarize(veh, cyc, "dp", &res, 1, sum);
        eco_sim_result_free(&res);
    }
    eco_dp_free(sol);
    return 0;
}

static void print_text(const dp_args *a, const eco_dp_result *r, const eco_sim_summary *s,
                       const eco_dp_result *rf, const eco_sim_summary *sf)
{
    printf("dp (%s) on %s, %s\n", r->mode == ECO_DP_BAND ? "band" : "exact trace", s->cycle,
           s->vehicle);
    printf("  solve %.2f s, %ld pass(es); cost %.3f; SOC end %.4f; distance %.1f m (ref %.1f)\n",
           r->seconds, r->passes, r->cost, r->soc_end, r->distance_m, r->ref_distance_m);
    if (r->mode == ECO_DP_BAND)
        printf("  multipliers: distance %.5f per m, battery s = %.3f\n", r->price_per_m,
               r->s_equiv);
    if (a->replay)
        printf("  replayed: fuel %.4f L/100km (SOC-corrected %.4f), NOx %.1f mg/km, "
               "%.3f kWh/100km, outside band %.1f s, distance error %.3f %%\n",
               s->total.fuel_l_per_100km, s->total.fuel_soc_corrected_l_per_100km,
               s->total.nox_mg_per_km, s->total.energy_kwh_per_100km, s->total.outside_tolerance_s,
               s->total.distance_error_pct);
    if (a->check) {
        double c0 = a->replay ? s->total.fuel_soc_corrected_l_per_100km : r->cost;
        double c1 = a->replay ? sf->total.fuel_soc_corrected_l_per_100km : rf->cost;
        printf("  convergence: grid halved -> %.4f (%+.3f %%), solve %.2f s\n", c1,
               100.0 * (c1 / c0 - 1.0), rf->seconds);
    }
}

static int dp_case(void *args, eco_vehicle *veh, eco_sim_cycle *cyc)
{
    dp_args *a = args;
    int rc;
    if ((rc = eco_sim_weights_resolve(a->c.weights, &a->dp.weights)))
        goto out;
    a->c.sim.engine_hot = !cyc->ftp_bags;
    a->dp.progress = !a->c.quiet;
    eco_dp_result r, rf;
    eco_sim_summary s, sf;
    memset(&rf, 0, sizeof rf);
    memset(&sf, 0, sizeof sf);
    memset(&s, 0, sizeof s);
    if ((rc = solve_and_replay(a, veh, cyc, &a->dp, &r, &s)))
        goto out;
    if (a->check) {
        eco_dp_settings fine = a->dp;
        fine.soc_step *= 0.5;
        fine.grid_kmh *= 0.5;
        fine.n_engine_levels = 2 * fine.n_engine_levels < ECO_MPC_LEVELS_MAX
                                   ? 2 * fine.n_engine_levels
                                   : ECO_MPC_LEVELS_MAX - 1;
        if (!a->c.quiet)
            fprintf(stderr, "dp: convergence check on a grid twice as fine\n");
        if ((rc = solve_and_replay(a, veh, cyc, &fine, &rf, &sf)))
            goto out;
    }
    if (a->c.json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "dp", result_json(&r));
        if (a->replay)
            cJSON_AddItemToObject(o, "replay", eco_sim_summary_json(&s));
        if (a->check) {
            cJSON *c = cJSON_CreateObject();
            cJSON_AddItemToObject(c, "dp", result_json(&rf));
            if (a->replay) {
                double c0 = s.total.fuel_soc_corrected_l_per_100km;
                double c1 = sf.total.fuel_soc_corrected_l_per_100km;
                cJSON_AddItemToObject(c, "replay", eco_sim_summary_json(&sf));
                cJSON_AddNumberToObject(c, "fuel_change_pct", 100.0 * (c1 / c0 - 1.0));
            }
            cJSON_AddNumberToObject(c, "cost_change_pct", 100.0 * (rf.cost / r.cost - 1.0));
            cJSON_AddItemToObject(o, "grid_halved", c);
        }
        eco_sim_print_json(o);
    } else {
        print_text(a, &r, &s, &rf, &sf);
    }
out:
    return rc;
}

int eco_cmd_dp(int argc, char **argv)
{
    static const eco_cli_opt opts[] = {
        ECO_OPTS_CASE(dp_args),
        ECO_CLI_NUMBER("soc-step", dp_args, dp.soc_step, 1e-5, 0.05),
        ECO_CLI_INT("levels", dp_args, dp.n_engine_levels, 1, ECO_MPC_LEVELS_MAX - 1),
        ECO_CLI_NUMBER("grid-kmh", dp_args, dp.grid_kmh, 0.02, 5.0),
        ECO_CLI_NUMBER("stage", dp_args, dp.stage_s, 0.1, 10.0),
        ECO_CLI_OFF("no-check", dp_args, check),
        ECO_CLI_OFF("no-replay", dp_args, replay),
        ECO_OPT_JSON(dp_args),
        ECO_OPT_QUIET(dp_args),
        ECO_CLI_HELP,
        ECO_CLI_END};
    static const eco_cli cli = {"dp", dp_usage, opts, NULL};
    dp_args a = {.check = 1, .replay = 1};
    eco_dp_settings_default(&a.dp);
    return eco_sim_case_command(&cli, argc, argv, &a, &a.c, dp_case);
}
