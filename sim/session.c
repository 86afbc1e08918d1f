#include "session.h"
#include "plausibility.h"

#include "ecodrive/config.h"
#include "outfile.h"
#include "paths.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int eco_sim_load_vehicle(const char *path, eco_vehicle *veh)
{
    char file[4096], maps[4096];
    if (eco_cfg_vehicle_find(path, file, sizeof file, maps, sizeof maps) != ECO_OK ||
        eco_cfg_vehicle_load(file, maps, veh) != ECO_OK) {
        fprintf(stderr, "ecosim: %s\n", eco_last_error());
        return 2;
    }
    return 0;
}

int eco_sim_load_cycle(const char *name, eco_sim_cycle *cyc)
{
    char path[4096];
    int shipped = 0;
    if (eco_sim_resolve_cycle(name, path, sizeof path, &shipped)) {
        fprintf(stderr,
                "ecosim: cycle '%s': no such shipped cycle or readable file (shipped: "
                "wltc_class1 wltc_class2 wltc_class3a wltc_class3b nedc udds ftp75 hwfet us06)\n",
                name);
        return 2;
    }
    if (eco_sim_cycle_load(path, shipped ? name : NULL, cyc)) {
        fprintf(stderr, "ecosim: %s\n", eco_last_error());
        return 2;
    }
    return 0;
}

int eco_sim_load_case(const eco_sim_args *a, eco_vehicle *veh, eco_sim_cycle *cyc)
{
    int rc = eco_sim_load_vehicle(a->vehicle, veh);
    if (rc)
        return rc;
    if (a->start_fuel_g >= 0.0)
        veh->engine.start_fuel_g = a->start_fuel_g;
    if ((rc = eco_sim_load_cycle(a->cycle, cyc)))
        eco_vehicle_free(veh);
    return rc;
}

int eco_sim_require(const char *cmd, int given, const char *what, void (*usage)(FILE *))
{
    if (given)
        return 0;
    fprintf(stderr, "ecosim %s: %s is required\n", cmd, what);
    usage(stderr);
    return 2;
}

int eco_sim_args_done(const char *cmd, int argc, char **argv, const char *cycle,
                      void (*usage)(FILE *))
{
    int rc = eco_cli_no_operand(cmd, argc, argv);
    if (rc)
        return rc;
    return eco_sim_require(cmd, cycle != NULL, "--cycle", usage);
}

int eco_sim_take_band(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *field)
{
    (void)o;
    if (eco_sim_options_parse_band(arg, field)) {
        fprintf(stderr,
                "ecosim %s: --band takes KMH,S (e.g. 2,1; 0 for the exact trace), got '%s'\n",
                cli->cmd, arg);
        return 2;
    }
    return 0;
}

int eco_sim_parse_args(const eco_cli *cli, int argc, char **argv, void *args, eco_sim_args *a)
{
    memset(a, 0, sizeof *a);
    a->start_fuel_g = -1.0;
    eco_sim_options_default(&a->sim);
    eco_sim_options_band_wltp(&a->sim);
    int rc = eco_cli_parse(cli, argc, argv, args);
    if (!rc)
        rc = eco_sim_args_done(cli->cmd, argc, argv, a->cycle, cli->usage);
    if (!rc && !(rc = eco_sim_out_check(cli->cmd, "--csv", a->csv)))
        rc = eco_sim_out_check_dir(cli->cmd, "--plot", a->plot_dir);
    return rc;
}

int eco_sim_case_command(const eco_cli *cli, int argc, char **argv, void *args, eco_sim_args *a,
                         eco_sim_case_body body)
{
    int rc = eco_sim_parse_args(cli, argc, argv, args, a);
    if (rc) /* 1: after --help */
        return rc == 1 ? 0 : rc;
    eco_vehicle veh;
    eco_sim_cycle cyc;
    if ((rc = eco_sim_load_case(a, &veh, &cyc)))
        return rc;
    eco_sim_cycle_warn(&cyc, stderr);
    rc = body(args, &veh, &cyc);
    eco_sim_cycle_free(&cyc);
    eco_vehicle_free(&veh);
    return rc;
}

int eco_sim_load_route(const char *path, const eco_vehicle *veh, int name_load_error,
                       eco_route *route)
{
    if (eco_cfg_route_load(path, route)) {
        if (name_load_error)
            fprintf(stderr, "ecosim: %s: %s\n", path, eco_last_error());
        else
            fprintf(stderr, "ecosim: %s\n", eco_last_error());
        return 2;
    }
    if (eco_route_check_stops(route, veh)) {
        fprintf(stderr, "ecosim: %s: %s\n", path, eco_last_error());
        eco_route_free(route);
        return 2;
    }
    return 0;
}

int eco_sim_route_command(const eco_cli *cli, int argc, char **argv, void *args,
                          const eco_sim_route_case *r, eco_sim_route_body body)
{
    int rc = eco_cli_parse(cli, argc, argv, args);
    if (rc) /* 1: after --help */
        return rc == 1 ? 0 : rc;
    eco_vehicle veh;
    eco_route route;
    if ((rc = eco_sim_load_vehicle(r->vehicle, &veh)))
        return rc;
    if ((rc = eco_sim_load_route(r->route, &veh, r->name_load_error, &route)) == 0) {
        rc = body(args, &veh, &route);
        eco_route_free(&route);
    }
    eco_vehicle_free(&veh);
    return rc;
}
