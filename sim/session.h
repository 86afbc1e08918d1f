/* What every ecosim command sets up: a vehicle and a cycle, found and checked. */
#ifndef ECOSIM_SESSION_H
#define ECOSIM_SESSION_H

#include "cycle.h"
#include "ecodrive/model.h"
#include "runner.h"

#include <getopt.h>
#include <stdio.h>

/* Load the vehicle (NULL: the shipped default) and the cycle (shipped name or CSV path).
 * On error prints one clear message to stderr and returns non-zero. */
int eco_sim_load_vehicle(const char *path, eco_vehicle *veh);
int eco_sim_load_cycle(const char *name_or_path, eco_sim_cycle *cyc);

/* An option a command cannot do without: 0 if given, else 2 after printing `ecosim CMD: WHAT
 * is required` and the usage. */
int eco_sim_require(const char *cmd, int given, const char *what, void (*usage)(FILE *));

/* The checks every case command ends its parsing with: no stray argument, and a --cycle.
 * Prints the message (and usage) as `ecosim CMD: ...`; returns 0 or the exit status 2. */
int eco_sim_args_done(const char *cmd, int argc, char **argv, const char *cycle,
                      void (*usage)(FILE *));

/* The options the case commands share, read the same way by each. */
typedef struct {
    const char *vehicle, *cycle, *weights, *csv, *plot_dir;
    int json, quiet, hot;
    double start_fuel_g; /* --start-fuel-g: the engine's start fuel; < 0: the vehicle's own */
    eco_sim_options sim; /* the band is the WLTP tolerance unless --band says otherwise */
} eco_sim_args;

/* The vehicle and the cycle the arguments name (as eco_sim_load_vehicle and
 * eco_sim_load_cycle), with --start-fuel-g applied; on error nothing is left loaded.
 * Returns 0 or the exit status (2). */
int eco_sim_load_case(const eco_sim_args *a, eco_vehicle *veh, eco_sim_cycle *cyc);

/* The --start-fuel-g line of a command's usage. */
#define ECO_USAGE_START_FUEL                                                                       \
    "  --start-fuel-g G fuel an engine start burns, g (default: the vehicle's, 0 for\n"            \
    "                   the shipped ones: no sourced figure); for a sensitivity study\n"

/* getopt_long entries of the shared options: a command lists those it takes. */
#define ECO_OPT_VEHICLE                                                                            \
    {                                                                                              \
        "vehicle", required_argument, 0, 'v'                                                       \
    }
#define ECO_OPT_CYCLE                                                                              \
    {                                                                                              \
        "cycle", required_argument, 0, 'c'                                                         \
    }
#define ECO_OPT_BAND                                                                               \
    {                                                                                              \
        "band", required_argument, 0, 'b'                                                          \
    }
#define ECO_OPT_WEIGHTS                                                                            \
    {                                                                                              \
        "weights", required_argument, 0, 'w'                                                       \
    }
#define ECO_OPT_JSON                                                                               \
    {                                                                                              \
        "json", no_argument, 0, 'j'                                                                \
    }
#define ECO_OPT_CSV                                                                                \
    {                                                                                              \
        "csv", required_argument, 0, 's'                                                           \
    }
#define ECO_OPT_PLOT                                                                               \
    {                                                                                              \
        "plot", required_argument, 0, 'p'                                                          \
    }
#define ECO_OPT_HOT                                                                                \
    {                                                                                              \
        "hot", no_argument, 0, 'H'                                                                 \
    }
#define ECO_OPT_START_FUEL                                                                         \
    {                                                                                              \
        "start-fuel-g", required_argument, 0, 'F'                                                  \
    }
#define ECO_OPT_QUIET                                                                              \
    {                                                                                              \
        "quiet", no_argument, 0, 'q'                                                               \
    }
#define ECO_OPT_HELP                                                                               \
    {                                                                                              \
        "help", no_argument, 0, 'h'                                                                \
    }

/* A command's own option ch with its argument: 0, or 2 after printing why the value is
 * bad, or -1 if ch is not one of its options. */
typedef int (*eco_sim_own_option)(int ch, const char *arg, void *own);

/* Parse argv of `ecosim CMD` against opts: the shared options into a, the others through
 * own_option (NULL: none). Ends with eco_sim_args_done. Returns 0 to go on, 1 after --help
 * (usage on stdout), 2 on bad input (the reason on stderr). */
int eco_sim_parse_args(const char *cmd, int argc, char **argv, const struct option *opts,
                       void (*usage)(FILE *), eco_sim_own_option own_option, void *own,
                       eco_sim_args *a);

/* A number option in [lo, hi]: 0, or 2 after printing `ecosim CMD: OPT must be ...`. */
int eco_sim_number_arg(const char *cmd, const char *opt, const char *s, double lo, double hi,
                       double *out);

#endif
