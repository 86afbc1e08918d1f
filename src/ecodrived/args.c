/* ecodrived's command line: the options, their checks, and the files they name. */
#include "ecodrived.h"

#include "ecodrive/common.h"
#include "ecodrive/config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

void ecodrived_usage(FILE *fp)
{
    fprintf(fp,
            "usage: ecodrived --iface IFACE [--vehicle FILE] [--dbc FILE] [--mapping FILE]\n"
            "                 [--weights FILE|PRESET] [--log FILE] [options]\n"
            "       ecodrived --replay FILE.log [--realtime] [--logged-steps] [--out FILE.log]\n"
            "                 [options]\n"
            "       ecodrived --check [--dbc F] [--mapping F] [--vehicle F] [--replay FILE.log]\n"
            "\n"
            "Reads engine and battery signals from CAN, runs the eco controller at 10 Hz and\n"
            "sends EcoSetpoint (E2E protected) and, at 1 Hz, EcoStatus. Runs until SIGTERM;\n"
            "SIGHUP reloads the weights. Data is found in <exe>/../share/ecodrive.\n"
            "\n"
            "  --iface IFACE        SocketCAN interface (can0, vcan0)\n"
            "  --vehicle FILE       vehicle JSON (default: the shipped Toyota Prius)\n"
            "  --dbc FILE           CAN database (default: models/ecodrive.dbc)\n"
            "  --mapping FILE       observation <-> signal mapping (default: the DBC's shipped\n"
            "                       mapping, models/mappings/<dbc name>.json)\n"
            "  --weights F|PRESET   MPC weights file or preset (models/weights/PRESET.json)\n"
            "  --controller C       mpc (default) or baseline\n"
            "  --route FILE         plan on this route (CSV as ecosim's), position by odometry\n"
            "  --time-price P       the route MPC's (--route, the horizon on the bus): g of fuel\n"
            "                       per s of trip time (default 0.3)\n"
            "  --log FILE           append every frame received and sent, candump -l format\n"
            "  --replay FILE.log    run over a candump log instead of a bus\n"
            "  --realtime           replay at the log's pace\n"
            "  --logged-steps       replay: step where the logging daemon stepped (before each\n"
            "                       EcoBrake/EcoSetpoint it sent), not every period from the\n"
            "                       log's first frame: reproduces a --log of ecodrived\n"
            "  --out FILE.log       replay: setpoints to FILE (default: stdout)\n"
            "  --speedup N          divide every period and timeout by N (tests; default 1)\n"
            "  --sched-fifo PRIO    run SCHED_FIFO at PRIO (needs CAP_SYS_NICE)\n"
            "  --cpu N              pin to CPU N\n"
            "  --mlockall           lock all memory (mlockall)\n"
            "  --cpu-latency US     keep the CPUs out of idle states slower than US us to leave\n"
            "                       (PM QoS; 0: never halt, for the least wake-up jitter; root)\n"
            "  --restart-bus-off    restart the CAN controller after bus-off\n"
            "  --quiet              no event lines on stderr\n"
            "  --verbose            also print the decoded inputs (SI) once a second\n"
            "  --check              load and check every file, report every error, print the\n"
            "                       resolved mapping; with --replay, then the decoded inputs\n"
            "                       once a second and the summary (setpoints only to --out)\n"
            "\n"
            "Exit status: 0 after SIGTERM, 2 bad input (flag, file, interface), 1 failure.\n");
}

/* The options: a path or name kept as given, a flag set to 1, or a number in [lo, hi]. */
enum { OPT_TEXT, OPT_FLAG, OPT_INT, OPT_NUMBER };
static const struct {
    const char *name;
    int kind;
    size_t field; /* offset in args */
    double lo, hi;
} OPTIONS[] = {
    {"iface", OPT_TEXT, offsetof(args, iface), 0, 0},
    {"vehicle", OPT_TEXT, offsetof(args, vehicle), 0, 0},
    {"dbc", OPT_TEXT, offsetof(args, dbc), 0, 0},
    {"mapping", OPT_TEXT, offsetof(args, mapping), 0, 0},
    {"weights", OPT_TEXT, offsetof(args, weights), 0, 0},
    {"log", OPT_TEXT, offsetof(args, log), 0, 0},
    {"replay", OPT_TEXT, offsetof(args, replay), 0, 0},
    {"out", OPT_TEXT, offsetof(args, out), 0, 0},
    {"controller", OPT_TEXT, offsetof(args, controller), 0, 0},
    {"route", OPT_TEXT, offsetof(args, route), 0, 0},
    {"time-price", OPT_NUMBER, offsetof(args, time_price), 0, 1000},
    {"realtime", OPT_FLAG, offsetof(args, realtime), 0, 0},
    {"logged-steps", OPT_FLAG, offsetof(args, logged_steps), 0, 0},
    {"mlockall", OPT_FLAG, offsetof(args, mlock), 0, 0},
    {"restart-bus-off", OPT_FLAG, offsetof(args, restart_bus_off), 0, 0},
    {"quiet", OPT_FLAG, offsetof(args, quiet), 0, 0},
    {"verbose", OPT_FLAG, offsetof(args, verbose), 0, 0},
    {"check", OPT_FLAG, offsetof(args, check), 0, 0},
    {"sched-fifo", OPT_INT, offsetof(args, fifo_prio), 1, 99}, /* SCHED_FIFO's range */
    {"cpu", OPT_INT, offsetof(args, cpu), 0, 1023},
    {"cpu-latency", OPT_INT, offsetof(args, cpu_latency_us), 0, 1000000},
    {"speedup", OPT_NUMBER, offsetof(args, speedup), 1, 100},
};
#define N_OPTIONS ((int)(sizeof OPTIONS / sizeof OPTIONS[0]))
#define OPT_HELP  N_OPTIONS

/* Option i with its argument into *a: 0, or 2 after saying why the value is bad. */
static int set_option(args *a, int i, const char *arg)
{
    char *field = (char *)a + OPTIONS[i].field, *end;
    if (OPTIONS[i].kind == OPT_TEXT) {
        memcpy(field, &arg, sizeof arg);
        return 0;
    }
    if (OPTIONS[i].kind == OPT_FLAG) {
        *(int *)(void *)field = 1;
        return 0;
    }
    if (OPTIONS[i].kind == OPT_INT) {
        long v = strtol(arg, &end, 10);
        if (*arg && !*end && v >= OPTIONS[i].lo && v <= OPTIONS[i].hi) {
            *(int *)(void *)field = (int)v;
            return 0;
        }
        fprintf(stderr, "ecodrived: --%s takes an integer in %d..%d, got '%s'\n", OPTIONS[i].name,
                (int)OPTIONS[i].lo, (int)OPTIONS[i].hi, arg);
        return 2;
    }
    double v = strtod(arg, &end);
    if (!*end && v >= OPTIONS[i].lo && v <= OPTIONS[i].hi) {
        *(double *)(void *)field = v;
        return 0;
    }
    fprintf(stderr, "ecodrived: --%s takes a number in [%g, %g], got '%s'\n", OPTIONS[i].name,
            OPTIONS[i].lo, OPTIONS[i].hi, arg);
    return 2;
}

/* The combinations that make no sense. */
static int check_args(int argc, char **argv, const args *a)
{
    if (optind < argc) {
        fprintf(stderr, "ecodrived: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (a->check && a->iface) {
        fprintf(stderr, "ecodrived: --check does not open a bus: leave out --iface\n");
        return 2;
    }
    if (!a->check && !a->iface == !a->replay) {
        fprintf(stderr, "ecodrived: give either --iface IFACE or --replay FILE.log\n");
        ecodrived_usage(stderr);
        return 2;
    }
    if (strcmp(a->controller, "mpc") && strcmp(a->controller, "baseline")) {
        fprintf(stderr, "ecodrived: --controller '%s': use mpc or baseline\n", a->controller);
        return 2;
    }
    if (a->weights && strcmp(a->controller, "mpc")) {
        fprintf(stderr, "ecodrived: --weights applies to --controller mpc only\n");
        return 2;
    }
    if (a->route && strcmp(a->controller, "mpc")) {
        fprintf(stderr, "ecodrived: --route applies to --controller mpc only\n");
        return 2;
    }
    if (a->time_price >= 0.0 && strcmp(a->controller, "mpc")) {
        fprintf(stderr, "ecodrived: --time-price applies to --controller mpc only\n");
        return 2;
    }
    if ((a->realtime || a->logged_steps || a->out) && !a->replay) {
        fprintf(stderr, "ecodrived: --realtime, --logged-steps and --out go with --replay\n");
        return 2;
    }
    /* Output paths before any work (issue 14): a bad one is bad input, not a late failure. */
    const char *bad = a->out && eco_out_check(a->out)   ? "--out"
                      : a->log && eco_out_check(a->log) ? "--log"
                                                        : NULL;
    if (bad) {
        fprintf(stderr, "ecodrived: %s %s\n", bad, eco_last_error());
        return 2;
    }
    return 0;
}

int ecodrived_parse_args(int argc, char **argv, args *a)
{
    struct option opts[N_OPTIONS + 2];
    for (int i = 0; i < N_OPTIONS; i++)
        opts[i] =
            (struct option){OPTIONS[i].name,
                            OPTIONS[i].kind == OPT_FLAG ? no_argument : required_argument, NULL, i};
    opts[N_OPTIONS] = (struct option){"help", no_argument, NULL, OPT_HELP};
    opts[N_OPTIONS + 1] = (struct option){0, 0, 0, 0};
    memset(a, 0, sizeof *a);
    a->controller = "mpc";
    a->cpu = -1;
    a->cpu_latency_us = -1;
    a->speedup = 1.0;
    a->time_price = -1.0; /* the route MPC's default */
    int ch, rc;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == OPT_HELP) {
            ecodrived_usage(stdout);
            return 1;
        }
        if (ch < 0 || ch >= N_OPTIONS) {
            ecodrived_usage(stderr);
            return 2;
        }
        if ((rc = set_option(a, ch, optarg)))
            return rc;
    }
    return check_args(argc, argv, a);
}

int ecodrived_resolve_files(const args *a, files *f)
{
    int rc = eco_cfg_dbc_find(a->dbc, f->dbc, sizeof f->dbc);
    if (a->mapping)
        snprintf(f->mapping, sizeof f->mapping, "%s", a->mapping);
    else if (rc == ECO_OK)
        rc = eco_cfg_mapping_find(f->dbc, f->mapping, sizeof f->mapping);
    if (rc == ECO_OK)
        rc = eco_cfg_vehicle_find(a->vehicle, f->vehicle, sizeof f->vehicle, f->maps,
                                  sizeof f->maps);
    f->weights[0] = '\0';
    if (rc == ECO_OK && a->weights &&
        eco_cfg_weights_find(a->weights, f->weights, sizeof f->weights) != ECO_OK) {
        fprintf(stderr, "ecodrived: --weights %s\n", eco_last_error());
        return 2;
    }
    if (rc != ECO_OK)
        fprintf(stderr, "ecodrived: %s\n", eco_last_error());
    return rc == ECO_OK ? 0 : 2;
}
