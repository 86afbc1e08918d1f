#include "session.h"

#include "ecodrive/config.h"
#include "paths.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int eco_sim_load_vehicle(const char *path, eco_vehicle *veh)
{
    char def[4096], maps[4096];
    if (!path) {
        if (eco_sim_data_path(ECO_DEFAULT_VEHICLE, def, sizeof def)) {
            fprintf(stderr, "ecosim: cannot locate the shipped data directory\n");
            return 2;
        }
        path = def;
    }
    if (eco_sim_data_path("models/maps", maps, sizeof maps)) {
        fprintf(stderr, "ecosim: cannot locate the shipped data directory\n");
        return 2;
    }
    int rc = eco_cfg_vehicle_load(path, maps, veh);
    if (rc) {
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

int eco_sim_load_case(const char *vehicle, const char *cycle, eco_vehicle *veh, eco_sim_cycle *cyc)
{
    int rc = eco_sim_load_vehicle(vehicle, veh);
    if (rc)
        return rc;
    if ((rc = eco_sim_load_cycle(cycle, cyc)))
        eco_vehicle_free(veh);
    return rc;
}

int eco_sim_args_done(const char *cmd, int argc, char **argv, const char *cycle,
                      void (*usage)(FILE *))
{
    if (optind < argc) {
        fprintf(stderr, "ecosim %s: unexpected argument '%s'\n", cmd, argv[optind]);
        return 2;
    }
    if (!cycle) {
        fprintf(stderr, "ecosim %s: --cycle is required\n", cmd);
        usage(stderr);
        return 2;
    }
    return 0;
}
