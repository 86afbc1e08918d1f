/* ecosim: drive-cycle simulation of the ecodrive powertrain model and controllers. */
#include "commands.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

/* The commands, in the order `ecosim --help` lists them. */
static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} COMMANDS[] = {
    {"run", eco_cmd_run, "simulate a drive cycle or a route and print its summary"},
    {"vehicle", eco_cmd_vehicle, "write a vehicle JSON from an EPA test-car record"},
    {"compare", eco_cmd_compare, "run baseline, MPC and DP on one case and compare them"},
    {"dp", eco_cmd_dp, "the dynamic-programming optimum of a cycle (offline yardstick)"},
    {"sweep", eco_cmd_sweep, "vary MPC cost weights and show what they trade (fuel, NOx, comfort)"},
    {"bus", eco_cmd_bus, "play the vehicle on a CAN bus against ecodrived"},
    {"fidelity", eco_cmd_fidelity, "the EPA calibration cars against their EPA test results"},
    {"route", eco_cmd_route,
     "make a route (limits, grade, stops by distance) from a recorded drive"},
    {"campaign", eco_cmd_campaign, "run every case of a campaign file (cars x cycles x weights)"},
    {"merge", eco_cmd_merge, "join a campaign's shards into the unsharded file"},
    {"pareto", eco_cmd_pareto, "the non-dominated cases of a campaign over chosen objectives"},
    {"tune", eco_cmd_tune, "the MPC weights that minimise fuel or energy under constraints"},
};
#define N_COMMANDS ((int)(sizeof COMMANDS / sizeof COMMANDS[0]))

static void usage(FILE *fp)
{
    fprintf(fp, "usage: ecosim COMMAND [options]\n\ncommands:\n");
    for (int i = 0; i < N_COMMANDS; i++)
        fprintf(fp, "  %-8s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(fp,
            "\n"
            "ecosim COMMAND --help shows the options of a command.\n"
            "Shipped cycles: wltc_class1 wltc_class2 wltc_class3a wltc_class3b nedc udds ftp75\n"
            "hwfet us06. Shipped vehicles are in share/ecodrive/models/vehicles/, shipped drives\n"
            "in share/ecodrive/drives/.\n");
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
    for (int i = 0; i < N_COMMANDS; i++)
        if (!strcmp(cmd, COMMANDS[i].name))
            return COMMANDS[i].run(argc - 1, argv + 1);
    fprintf(stderr, "ecosim: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
