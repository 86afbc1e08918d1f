/* ecosim pareto FILE.jsonl --objectives A,B[,...]: the non-dominated cases of a campaign
 * (docs/campaign.md). */
#include "commands.h"
#include "pareto.h"
#include "session.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void pareto_usage(FILE *fp)
{
    fprintf(fp, "usage: ecosim pareto FILE.jsonl --objectives A,B[,...] [--controller C]\n"
                "                     [--json] [--plot DIR]\n"
                "\n"
                "The cases of a campaign's JSONL that no other case of the same vehicle and\n"
                "cycle beats in every objective (all minimised), per vehicle and cycle.\n"
                "\n"
                "  --objectives     2 to 8 of: fuel (SOC-corrected L/100 km), energy (battery\n"
                "                   kWh/100 km), nox (mg/km), jerk (rms m/s^3), time (trip time\n"
                "                   over the reference distance, s), starts (engine starts per\n"
                "                   km), or any numeric key of the lines\n"
                "  --controller C   only the cases of controller C (baseline, mpc, dp)\n"
                "  --json           one JSON object instead of the table\n"
                "  --plot DIR       pareto_<G>.png per vehicle and cycle (G from 0): the front\n"
                "                   with the presets and the baseline marked for 2 objectives,\n"
                "                   parallel coordinates for more; scripts and data beside\n");
}

int eco_cmd_pareto(int argc, char **argv)
{
    static const struct option opts[] = {{"objectives", required_argument, 0, 'O'},
                                         {"controller", required_argument, 0, 'k'},
                                         ECO_OPT_JSON,
                                         ECO_OPT_PLOT,
                                         ECO_OPT_HELP,
                                         {0, 0, 0, 0}};
    eco_pareto_set s;
    memset(&s, 0, sizeof s);
    const char *controller = NULL, *plot = NULL;
    int ch, json = 0, have_objectives = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'h') {
            pareto_usage(stdout);
            return 0;
        } else if (ch == 'O') {
            if (eco_pareto_parse_objectives(optarg, &s))
                return 2;
            have_objectives = 1;
        } else if (ch == 'k') {
            controller = optarg;
        } else if (ch == 'j') {
            json = 1;
        } else if (ch == 'p') {
            plot = optarg;
        } else {
            pareto_usage(stderr);
            return 2;
        }
    }
    if (optind != argc - 1 || !have_objectives) {
        fprintf(stderr, "ecosim pareto: a JSONL file and --objectives are required\n");
        pareto_usage(stderr);
        return 2;
    }
    if (eco_sim_out_check_dir("pareto", "--plot", plot))
        return 2;
    int rc = eco_pareto_load(argv[optind], controller, &s);
    if (!rc && plot)
        rc = eco_pareto_plot(plot, &s);
    if (!rc && json)
        rc = eco_pareto_print_json(&s) ? 1 : 0;
    else if (!rc)
        eco_pareto_print_table(stdout, &s);
    eco_pareto_free(&s);
    return rc;
}
