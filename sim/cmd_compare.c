/* ecosim compare: baseline, MPC and DP on the same case. */
#include "commands.h"
#include "compare_plot.h"
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
} cmp_args;

static void cmp_usage(FILE *fp)
{
    fprintf(fp, "usage: ecosim compare [--vehicle FILE] --cycle NAME|FILE [--band KMH,S] [--json]\n"
                "                      [--weights W] [--start-fuel-g G] [--plot DIR] [--quiet]\n"
                "\n"
                "Runs the baseline, the MPC and the DP optimum on the same case and prints fuel\n"
                "(SOC-corrected), NOx and energy, the MPC's saving against the baseline in %% and\n"
                "MPC/DP as a ratio (fuel for cars with an engine, battery energy for a BEV).\n"
                "\n"
                "  --vehicle FILE   vehicle JSON (default: the shipped Toyota Prius hybrid)\n"
                "  --cycle NAME     shipped cycle or a CSV file time_s,speed_kmh[,grade]\n"
                "  --band KMH,S     speed band (default 2,1: the WLTP tolerance; 0: exact trace)\n"
                "  --json           one object: baseline, mpc, dp (run summaries),\n"
                "                   mpc_vs_baseline_pct, mpc_over_dp\n"
                "  --weights W      MPC and DP weights: eco, balanced (default), comfort or a "
                "file\n" ECO_USAGE_START_FUEL
                "  --plot DIR       DIR/compare.png: the three runs' speed, SOC and cumulative\n"
                "                   fuel overlaid (and the series and the gnuplot script)\n"
                "  --quiet          no progress on stderr\n");
}

static void print_row(const eco_sim_summary *s)
{
    printf("%-9s %9.4f %9.4f %9.1f %9.3f %8.3f %7.1f %8.3f %7d %9.1f\n", s->controller,
           s->total.fuel_l_per_100km, s->total.fuel_soc_corrected_l_per_100km,
           s->total.nox_mg_per_km, s->total.energy_kwh_per_100km, s->total.soc_end,
           s->total.outside_tolerance_s, s->total.distance_error_pct, s->total.engine_starts,
           s->solve_us_p99);
}

static int compare_case(void *args, eco_vehicle *veh, eco_sim_cycle *cyc)
{
    eco_sim_args *a = &((cmp_args *)args)->c;
    int rc = 0;
    a->sim.engine_hot = !cyc->ftp_bags;
    a->sim.quiet = a->quiet;
    static const char *const names[3] = {"baseline", "mpc", "dp"};
    eco_sim_summary sum[3];
    eco_sim_result res[3] = {0};
    for (int i = 0; i < 3 && !rc; i++)
        rc = eco_sim_run_named(names[i], i ? a->weights : NULL, veh, cyc, &a->sim, &res[i], &sum[i],
                               1);
    if (!rc && a->plot_dir)
        rc = eco_sim_compare_plot(a->plot_dir, veh, res, sum);
    for (int i = 0; i < 3; i++)
        eco_sim_result_free(&res[i]);
    if (!rc) {
        int bev = veh->powertrain == ECO_PT_BEV;
        double b = eco_sim_metric(bev, &sum[0].total), m = eco_sim_metric(bev, &sum[1].total);
        double d = eco_sim_metric(bev, &sum[2].total);
        double saving = 100.0 * (1.0 - m / b), ratio = m / d;
        if (a->json) {
            cJSON *o = cJSON_CreateObject();
            for (int i = 0; i < 3; i++)
                cJSON_AddItemToObject(o, names[i], eco_sim_summary_json(&sum[i]));
            cJSON_AddStringToObject(o, "metric", eco_sim_metric_key(bev));
            cJSON_AddNumberToObject(o, "mpc_vs_baseline_pct", saving);
            cJSON_AddNumberToObject(o, "mpc_over_dp", ratio);
            eco_sim_print_json(o);
        } else {
            printf("vehicle: %s   cycle: %s   band: %g km/h, %g s\n", sum[0].vehicle, sum[0].cycle,
                   a->sim.band_kmh, a->sim.band_s);
            printf("%-9s %9s %9s %9s %9s %8s %7s %8s %7s %9s\n", "", "L/100km", "corr", "mgNOx/km",
                   "kWh/100", "soc_end", "out_s", "dist_%", "starts", "p99_us");
            for (int i = 0; i < 3; i++)
                print_row(&sum[i]);
            printf("MPC vs baseline: %.2f %% saving; MPC/DP: %.4f (%s)\n", saving, ratio,
                   bev ? "battery energy" : "SOC-corrected fuel");
        }
    }
    return rc;
}

int eco_cmd_compare(int argc, char **argv)
{
    static const eco_cli_opt opts[] = {
        ECO_OPTS_CASE(cmp_args), ECO_OPT_JSON(cmp_args), ECO_OPT_PLOT(cmp_args),
        ECO_OPT_QUIET(cmp_args), ECO_CLI_HELP,           ECO_CLI_END};
    static const eco_cli cli = {"compare", cmp_usage, opts, NULL};
    for (int i = 1; i < argc; i++) /* a route: sim/cmd_compare_route.c */
        if (!strcmp(argv[i], "--route") || !strncmp(argv[i], "--route=", 8))
            return eco_cmd_compare_route(argc, argv);
    cmp_args a;
    return eco_sim_case_command(&cli, argc, argv, &a, &a.c, compare_case);
}
