/* ecosim pareto FILE.jsonl --objectives A,B[,...]: the non-dominated cases of a campaign
 * (docs/campaign.md). */
#include "commands.h"
#include "pareto.h"
#include "session.h"

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

typedef struct {
    eco_pareto_set s;
    const char *controller, *plot;
    int json, have_objectives;
} pareto_args;

static int take_objectives(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *args)
{
    (void)cli;
    (void)o;
    pareto_args *a = args;
    a->have_objectives = 1;
    return eco_pareto_parse_objectives(arg, &a->s) ? 2 : 0;
}

int eco_cmd_pareto(int argc, char **argv)
{
    static const eco_cli_opt opts[] = {ECO_CLI_CALL("objectives", take_objectives),
                                       ECO_CLI_TEXT("controller", pareto_args, controller),
                                       ECO_CLI_FLAG("json", pareto_args, json),
                                       ECO_CLI_TEXT("plot", pareto_args, plot),
                                       ECO_CLI_HELP,
                                       ECO_CLI_END};
    static const eco_cli cli = {"pareto", pareto_usage, opts, NULL};
    pareto_args a;
    memset(&a, 0, sizeof a);
    int rc = eco_cli_parse(&cli, argc, argv, &a);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (optind != argc - 1 || !a.have_objectives) {
        fprintf(stderr, "ecosim pareto: a JSONL file and --objectives are required\n");
        pareto_usage(stderr);
        return 2;
    }
    if (eco_sim_out_check_dir("pareto", "--plot", a.plot))
        return 2;
    rc = eco_pareto_load(argv[optind], a.controller, &a.s);
    if (!rc && a.plot)
        rc = eco_pareto_plot(a.plot, &a.s);
    if (!rc && a.json)
        rc = eco_pareto_print_json(&a.s) ? 1 : 0;
    else if (!rc)
        eco_pareto_print_table(stdout, &a.s);
    eco_pareto_free(&a.s);
    return rc;
}
