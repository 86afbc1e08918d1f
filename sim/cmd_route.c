/* ecosim route: a route (the road by distance) from a recorded 1 Hz drive. */
#include "commands.h"
#include "cycle.h"
#include "ecodrive/config.h"
#include "paths.h"

#include "ecodrive/datadir.h"
#include "route_build.h"
#include "session.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void route_usage(FILE *fp)
{
    fprintf(fp, "usage: ecosim route --from-drive NAME|DRIVE.csv [--limits FILE] [-o ROUTE.csv]\n"
                "\n"
                "Makes a route (distance_m,speed_limit_kmh,grade,stop_s: each row from its\n"
                "distance onward) from a drive time_s,speed_kmh[,grade] at 1 Hz:\n"
                "  distance: the trapezoidal integral of the speed; grade: kept by distance;\n"
                "  a stop wherever the car stood still >= 2 s, for that stand-still time;\n"
                "  limits: from --limits, else per stretch between stops the 95th-percentile\n"
                "  speed rounded up to the next 10 km/h, at least 30 km/h (docs/route.md).\n"
                "\n"
                "  --from-drive D  a shipped drive by name (share/ecodrive/drives/, e.g.\n"
                "                  cmap_4116880_1_2007-04-23) or a CSV file\n"
                "  --limits FILE   distance_m,speed_limit_kmh, each row from its distance onward\n"
                "  -o ROUTE.csv    write the route there (default: stdout)\n");
}

/* A shipped drive by name, or a path. Returns 0 if it is readable. */
static int resolve_drive(const char *name, char *out, size_t n)
{
    if (!strchr(name, '/') && !strstr(name, ".csv")) {
        char rel[256];
        snprintf(rel, sizeof rel, "drives/%s.csv", name);
        if (eco_data_path(rel, out, n) == 0 && access(out, R_OK) == 0)
            return 0;
    }
    snprintf(out, n, "%s", name);
    return access(out, R_OK) == 0 ? 0 : -1;
}

typedef struct {
    const char *drive, *limits, *out;
} route_args;

static const eco_cli_opt OPTS[] = {
    ECO_CLI_TEXT("from-drive", route_args, drive),
    ECO_CLI_TEXT("limits", route_args, limits),
    {"output", required_argument, eco_cli_text, offsetof(route_args, out), 0, 0, 'o'},
    ECO_CLI_HELP,
    ECO_CLI_END};

static int check_args(const void *args, int argc, char **argv)
{
    const route_args *a = args;
    int rc = eco_cli_no_operand("route", argc, argv);
    if (rc || (rc = eco_sim_require("route", a->drive != NULL, "--from-drive", route_usage)))
        return rc;
    return eco_sim_out_check("route", "--output", a->out);
}

static int load_inputs(const route_args *a, eco_sim_cycle *drive, eco_route_row **lim, int *n_lim)
{
    char path[4096];
    *lim = NULL;
    *n_lim = 0;
    if (resolve_drive(a->drive, path, sizeof path)) {
        fprintf(stderr, "ecosim route: drive '%s': no such shipped drive or readable file\n",
                a->drive);
        return 2;
    }
    if (eco_sim_cycle_load(path, NULL, drive)) {
        fprintf(stderr, "ecosim route: %s\n", eco_last_error());
        return 2;
    }
    if (a->limits && eco_cfg_route_limits_load(a->limits, lim, n_lim)) {
        fprintf(stderr, "ecosim route: %s\n", eco_last_error());
        eco_sim_cycle_free(drive);
        return 2;
    }
    return 0;
}

/* The route of the drive, on stdout or into -o. */
static int make_route(const route_args *a)
{
    int rc;
    eco_sim_cycle drive;
    eco_route_row *lim;
    int n_lim;
    if ((rc = load_inputs(a, &drive, &lim, &n_lim)))
        return rc;
    eco_sim_route_rule rule;
    eco_sim_route_rule_default(&rule);
    eco_route route;
    int st = eco_sim_route_from_drive(&drive, &rule, lim, n_lim, &route);
    if (st) {
        fprintf(stderr, "ecosim route: %s\n",
                st == ECO_ENOMEM ? "out of memory" : eco_last_error());
        rc = st == ECO_ENOMEM ? 1 : 2;
    } else {
        st = a->out ? eco_cfg_route_save(a->out, &route) : eco_cfg_route_write(stdout, &route);
        if (st)
            fprintf(stderr, "ecosim route: %s\n", a->out ? eco_last_error() : "cannot write");
        else
            fprintf(stderr,
                    "route %s: %.3f km, %d stops (%.0f s standing), %d rows, limits %s; "
                    "drive %.0f s\n",
                    route.name, eco_route_length_m(&route) / 1000.0, eco_route_stops(&route),
                    eco_route_dwell_s(&route), route.n, a->limits ? a->limits : "inferred",
                    eco_sim_cycle_duration_s(&drive));
        rc = st ? 1 : 0;
        eco_route_free(&route);
    }
    eco_free(lim);
    eco_sim_cycle_free(&drive);
    return rc;
}

int eco_cmd_route(int argc, char **argv)
{
    static const eco_cli cli = {"route", route_usage, OPTS, check_args};
    route_args a = {0};
    int rc = eco_cli_parse(&cli, argc, argv, &a);
    if (rc) /* 1: after --help */
        return rc == 1 ? 0 : rc;
    return make_route(&a);
}
