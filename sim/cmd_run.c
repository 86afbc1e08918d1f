/* ecosim run: one controller over one cycle. */
#include "commands.h"
#include "controllers.h"
#include "plot.h"
#include "report.h"
#include "session.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *vehicle, *cycle, *csv, *plot_dir, *controller, *weights;
    int json, hot, quiet;
    eco_sim_options sim;
} run_args;

static void run_usage(FILE *fp)
{
    fprintf(
        fp,
        "usage: ecosim run [--vehicle FILE] --cycle NAME|FILE [--controller baseline|mpc|dp]\n"
        "                  [--weights FILE|PRESET] [--band KMH,S] [--json] [--csv OUT.csv]\n"
        "                  [--plot DIR] [--hot] [--dt S] [--quiet]\n"
        "\n"
        "  --vehicle FILE   vehicle JSON (default: the shipped Toyota Prius hybrid)\n"
        "  --cycle NAME     shipped cycle (wltc_class3b, ftp75, hwfet, ...) or a CSV file\n"
        "                   time_s,speed_kmh[,grade] (grade as rise/run)\n"
        "  --controller C   baseline (default), mpc (the eco MPC) or dp (the offline optimum)\n"
        "  --weights W      MPC cost weights: a preset (eco, balanced, comfort) or a JSON file\n"
        "  --json           print one JSON object on stdout instead of the table\n"
        "  --csv OUT.csv    write the time series at the simulation step\n"
        "  --plot DIR       write gnuplot scripts and the PNGs they make into DIR\n"
        "  --hot            FTP-75: plain hot-start run instead of the EPA cold-start\n"
        "                   composite (bag 1 cold, weights 0.43/0.57)\n"
        "  --dt S           simulation and control step (default 0.1 s)\n"
        "  --band KMH,S     speed band the controller may use (default 2,1: the WLTP\n"
        "                   tolerance; 0: exact trace; the baseline follows the trace)\n"
        "  --quiet          no progress on stderr\n");
}

static int parse_run_args(int argc, char **argv, run_args *a)
{
    static const struct option opts[] = {{"vehicle", required_argument, 0, 'v'},
                                         {"cycle", required_argument, 0, 'c'},
                                         {"json", no_argument, 0, 'j'},
                                         {"csv", required_argument, 0, 's'},
                                         {"plot", required_argument, 0, 'p'},
                                         {"controller", required_argument, 0, 'k'},
                                         {"weights", required_argument, 0, 'w'},
                                         {"hot", no_argument, 0, 'H'},
                                         {"dt", required_argument, 0, 'd'},
                                         {"band", required_argument, 0, 'b'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    memset(a, 0, sizeof *a);
    eco_sim_options_default(&a->sim);
    eco_sim_options_band_wltp(&a->sim);
    a->controller = "baseline";
    int ch;
    char *end;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'v':
            a->vehicle = optarg;
            break;
        case 'c':
            a->cycle = optarg;
            break;
        case 'j':
            a->json = 1;
            break;
        case 's':
            a->csv = optarg;
            break;
        case 'p':
            a->plot_dir = optarg;
            break;
        case 'k':
            a->controller = optarg;
            break;
        case 'w':
            a->weights = optarg;
            break;
        case 'H':
            a->hot = 1;
            break;
        case 'q':
            a->quiet = 1;
            break;
        case 'd':
            a->sim.dt_s = strtod(optarg, &end);
            if (*end || !(a->sim.dt_s >= 0.01 && a->sim.dt_s <= 1.0)) {
                fprintf(stderr, "ecosim run: --dt must be a number in [0.01, 1] s, got '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 'b':
            if (eco_sim_options_parse_band(optarg, &a->sim)) {
                fprintf(
                    stderr,
                    "ecosim run: --band takes KMH,S (e.g. 2,1; 0 for the exact trace), got '%s'\n",
                    optarg);
                return 2;
            }
            break;
        case 'h':
            run_usage(stdout);
            return 1;
        default:
            run_usage(stderr);
            return 2;
        }
    }
    return eco_sim_args_done("run", argc, argv, a->cycle, run_usage);
}

int eco_cmd_run(int argc, char **argv)
{
    run_args a;
    int rc = parse_run_args(argc, argv, &a);
    if (rc)
        return rc == 1 ? 0 : rc;
    eco_vehicle veh;
    eco_sim_cycle cyc;
    if ((rc = eco_sim_load_case(a.vehicle, a.cycle, &veh, &cyc)))
        return rc;
    a.sim.engine_hot = a.hot || !cyc.ftp_bags;
    a.sim.quiet = a.quiet || a.json;
    a.sim.keep_series = a.csv || a.plot_dir;
    eco_sim_summary sum;
    eco_sim_result res;
    rc = eco_sim_run_named(a.controller, a.weights, &veh, &cyc, &a.sim, &res, &sum, !a.hot);
    if (rc == 0 && a.csv && eco_sim_write_csv(a.csv, &res)) {
        fprintf(stderr, "ecosim: %s\n", eco_last_error());
        rc = 1;
    }
    if (rc == 0 && a.plot_dir && eco_sim_plot(a.plot_dir, &veh, &cyc, &res, &sum))
        rc = 1;
    if (rc == 0)
        eco_sim_print_summary(&sum, a.json);
    eco_sim_result_free(&res);
    eco_sim_cycle_free(&cyc);
    eco_vehicle_free(&veh);
    return rc;
}
