/* ecosim: drive-cycle simulation of the ecodrive powertrain model and controllers. */
#include "commands.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: ecosim COMMAND [options]\n"
            "\n"
            "commands:\n"
            "  run      simulate a drive cycle and print its summary\n"
            "  vehicle  write a vehicle JSON from an EPA test-car record\n"
            "  compare  run baseline, MPC and DP on one case and compare them\n"
            "  dp       the dynamic-programming optimum of a cycle (offline yardstick)\n"
            "  sweep    vary one MPC cost weight and show what it trades (fuel, NOx, comfort)\n"
            "  bus      play the vehicle on a CAN bus against ecodrived\n"
            "  fidelity the EPA calibration cars against their EPA test results\n"
            "  campaign run every case of a campaign file (cars x cycles x weights) as JSONL\n"
            "  merge    join a campaign's shards into the unsharded file\n"
            "  pareto   the non-dominated cases of a campaign over chosen objectives\n"
            "  tune     the MPC weights that minimise fuel or energy under constraints\n"
            "\n"
            "ecosim COMMAND --help shows the options of a command.\n"
            "Shipped cycles: wltc_class1 wltc_class2 wltc_class3a wltc_class3b nedc udds ftp75\n"
            "hwfet us06. Shipped vehicles are in share/ecodrive/models/vehicles/.\n");
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* GSL's default handler aborts; we check return codes */
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "run"))
        return eco_cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "vehicle"))
        return eco_cmd_vehicle(argc - 1, argv + 1);
    if (!strcmp(cmd, "compare"))
        return eco_cmd_compare(argc - 1, argv + 1);
    if (!strcmp(cmd, "dp"))
        return eco_cmd_dp(argc - 1, argv + 1);
    if (!strcmp(cmd, "sweep"))
        return eco_cmd_sweep(argc - 1, argv + 1);
    if (!strcmp(cmd, "bus"))
        return eco_cmd_bus(argc - 1, argv + 1);
    if (!strcmp(cmd, "fidelity"))
        return eco_cmd_fidelity(argc - 1, argv + 1);
    if (!strcmp(cmd, "campaign"))
        return eco_cmd_campaign(argc - 1, argv + 1);
    if (!strcmp(cmd, "merge"))
        return eco_cmd_merge(argc - 1, argv + 1);
    if (!strcmp(cmd, "pareto"))
        return eco_cmd_pareto(argc - 1, argv + 1);
    if (!strcmp(cmd, "tune"))
        return eco_cmd_tune(argc - 1, argv + 1);
    fprintf(stderr, "ecosim: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
