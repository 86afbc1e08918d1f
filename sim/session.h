/* What every ecosim command sets up: a vehicle and a cycle, found and checked. */
#ifndef ECOSIM_SESSION_H
#define ECOSIM_SESSION_H

#include "cycle.h"
#include "ecodrive/model.h"
#include "ecodrive/route.h"
#include "runner.h"

#include "cli_options.h"

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

/* Rows (cli_options.h) of the shared options, for a command's arguments T that hold an
 * eco_sim_args c: a command lists those it takes, in the order getopt should see them. */
#define ECO_OPT_VEHICLE(T)    ECO_CLI_TEXT("vehicle", T, c.vehicle)
#define ECO_OPT_CYCLE(T)      ECO_CLI_TEXT("cycle", T, c.cycle)
#define ECO_OPT_WEIGHTS(T)    ECO_CLI_TEXT("weights", T, c.weights)
#define ECO_OPT_CSV(T)        ECO_CLI_TEXT("csv", T, c.csv)
#define ECO_OPT_PLOT(T)       ECO_CLI_TEXT("plot", T, c.plot_dir)
#define ECO_OPT_JSON(T)       ECO_CLI_FLAG("json", T, c.json)
#define ECO_OPT_QUIET(T)      ECO_CLI_FLAG("quiet", T, c.quiet)
#define ECO_OPT_HOT(T)        ECO_CLI_FLAG("hot", T, c.hot)
#define ECO_OPT_START_FUEL(T) ECO_CLI_NUMBER("start-fuel-g", T, c.start_fuel_g, 0.0, 100.0)
#define ECO_OPT_BAND(T)                                                                            \
    {                                                                                              \
        "band", required_argument, eco_sim_take_band, offsetof(T, c.sim), 0, 0, 0                  \
    }
/* What the route commands (run --route, compare --route) share: --route FILE and
 * --vehicle FILE, in a field r of their arguments T. */
typedef struct {
    const char *route, *vehicle;
    int name_load_error; /* a route that does not load: `ecosim: ROUTE: reason` */
} eco_sim_route_case;
#define ECO_OPTS_ROUTE(T) ECO_CLI_TEXT("route", T, r.route), ECO_CLI_TEXT("vehicle", T, r.vehicle)

/* Load the route at path and check its stops against veh; an error on stderr (`ecosim: MSG`,
 * or `ecosim: PATH: MSG` with name_load_error) and 2, else 0 (free it with eco_route_free). */
int eco_sim_load_route(const char *path, const eco_vehicle *veh, int name_load_error,
                       eco_route *route);

/* What a route command does with its vehicle and route: the exit status. */
typedef int (*eco_sim_route_body)(void *args, eco_vehicle *veh, eco_route *route);

/* The frame of a route command: eco_cli_parse, the vehicle and the route loaded (the
 * route's stops checked against the vehicle), body on them, both freed. Returns the exit
 * status (0 after --help; 2 for a vehicle or route that does not load). */
int eco_sim_route_command(const eco_cli *cli, int argc, char **argv, void *args,
                          const eco_sim_route_case *r, eco_sim_route_body body);
/* The options that make the case of the optimising commands (compare, dp, sweep, tune). */
#define ECO_OPTS_CASE(T)                                                                           \
    ECO_OPT_VEHICLE(T), ECO_OPT_CYCLE(T), ECO_OPT_BAND(T), ECO_OPT_WEIGHTS(T), ECO_OPT_START_FUEL(T)

/* What a case command does with its case: the exit status. */
typedef int (*eco_sim_case_body)(void *args, eco_vehicle *veh, eco_sim_cycle *cyc);

/* The frame of a case command (run, compare, dp): eco_sim_parse_args, the case loaded
 * (eco_sim_load_case), body on it, the case freed. Returns the exit status (0 after
 * --help). */
int eco_sim_case_command(const eco_cli *cli, int argc, char **argv, void *args, eco_sim_args *a,
                         eco_sim_case_body body);

/* --band KMH,S into the eco_sim_options at field. */
int eco_sim_take_band(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *field);

/* Parse argv of `ecosim CMD` against the table: the shared options into a (inside args),
 * set to their defaults first. Ends with eco_sim_args_done and the checks of --csv and
 * --plot. Returns 0 to go on, 1 after --help (usage on stdout), 2 on bad input (the reason
 * on stderr). */
int eco_sim_parse_args(const eco_cli *cli, int argc, char **argv, void *args, eco_sim_args *a);

#endif
