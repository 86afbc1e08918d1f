/* ecosim run: one controller over one cycle. */
#include "commands.h"
#include "controllers.h"
#include "plausibility.h"
#include "plot.h"
#include "report.h"
#include "session.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    eco_sim_args c;
    const char *controller;
} run_args;

static void run_usage(FILE *fp)
{
    fprintf(
        fp,
        "usage: ecosim run [--vehicle FILE] --cycle NAME|FILE [--controller baseline|mpc|dp]\n"
        "                  [--weights FILE|PRESET] [--band KMH,S] [--json] [--csv OUT.csv]\n"
        "                  [--plot DIR] [--hot] [--dt S] [--start-fuel-g G] [--quiet]\n"
        "       ecosim run --route FILE ...   (a route; its options: ecosim run --route F --help)\n"
        "\n"
        "  --vehicle FILE   vehicle JSON (default: the shipped Toyota Prius hybrid)\n"
        "  --cycle NAME     shipped cycle (wltc_class3b, ftp75, hwfet, ...) or a CSV file\n"
        "                   time_s,speed_kmh[,grade] (grade as rise/run)\n"
        "  --controller C   baseline (default), mpc (the eco MPC) or dp (the offline optimum)\n"
        "  --weights W      MPC cost weights: a preset (eco, balanced, comfort) or a JSON file\n"
        "  --json           print one JSON object on stdout instead of the table\n"
        "  --csv OUT.csv    write the time series at the simulation step\n"
        "  --plot DIR       write gnuplot scripts and the PNGs they make into DIR\n"
        "  --hot            start hot: WLTC and NEDC start cold by default (the WLTP\n"
        "                   Type 1 test after its 23 C soak, R83 Type I); FTP-75: the\n"
        "                   plain hot run instead of the EPA cold-start composite (bag\n"
        "                   1 cold, weights 0.43/0.57)\n"
        "  --dt S           simulation and control step (default 0.1 s)\n"
        "  --band KMH,S     speed band the controller may use (default 2,1: the WLTP\n"
        "                   tolerance; 0: exact trace; the baseline follows the "
        "trace)\n" ECO_USAGE_START_FUEL "  --quiet          no progress on stderr\n");
}

static const eco_cli_opt OPTS[] = {ECO_OPT_VEHICLE(run_args),
                                   ECO_OPT_CYCLE(run_args),
                                   ECO_OPT_JSON(run_args),
                                   ECO_OPT_CSV(run_args),
                                   ECO_OPT_PLOT(run_args),
                                   ECO_CLI_TEXT("controller", run_args, controller),
                                   ECO_OPT_WEIGHTS(run_args),
                                   ECO_OPT_HOT(run_args),
                                   ECO_CLI_NUMBER("dt", run_args, c.sim.dt_s, 0.01, 1.0),
                                   ECO_OPT_BAND(run_args),
                                   ECO_OPT_QUIET(run_args),
                                   ECO_CLI_HELP,
                                   ECO_OPT_START_FUEL(run_args),
                                   ECO_CLI_END};

static int run_case(void *args, eco_vehicle *veh, eco_sim_cycle *cyc)
{
    run_args *a = args;
    a->c.sim.engine_hot = a->c.hot || !eco_sim_cycle_starts_cold(cyc);
    a->c.sim.quiet = a->c.quiet || a->c.json;
    a->c.sim.keep_series = a->c.csv || a->c.plot_dir;
    eco_sim_summary sum;
    eco_sim_result res;
    int rc =
        eco_sim_run_named(a->controller, a->c.weights, veh, cyc, &a->c.sim, &res, &sum, !a->c.hot);
    /* The plot first: a plot that fails leaves no --csv file behind (the CSV is written
     * whole or not at all, and last). */
    if (rc == 0 && a->c.plot_dir && eco_sim_plot(a->c.plot_dir, veh, cyc, &res, &sum))
        rc = 1;
    if (rc == 0)
        rc = eco_sim_csv_out(a->c.csv, &res);
    if (rc == 0) {
        eco_sim_run_warn(&sum, stderr);
        eco_sim_print_summary(&sum, a->c.json);
    }
    eco_sim_result_free(&res);
    return rc;
}

int eco_cmd_run(int argc, char **argv)
{
    static const eco_cli cli = {"run", run_usage, OPTS, NULL};
    for (int i = 1; i < argc; i++) /* a route, not a cycle: sim/cmd_run_route.c */
        if (!strcmp(argv[i], "--route") || !strncmp(argv[i], "--route=", 8))
            return eco_cmd_run_route(argc, argv);
    run_args a = {.controller = "baseline"};
    return eco_sim_case_command(&cli, argc, argv, &a, &a.c, run_case);
}
