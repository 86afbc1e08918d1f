/* ecodrived --check: the integrator's offline check. Every file is loaded on its own, so one
 * run reports every error it can find (a mapping is checked only against a DBC that loaded),
 * each as a line "error: ..." on stderr; the resolved mapping goes to stdout. */
#include "ecodrived.h"

#include "ecodrive/can.h"
#include "ecodrive/config.h"
#include "ecodrive/mpc.h"
#include "ecodrive/route.h"

#include <string.h>

typedef struct {
    int errors;
    eco_can_db *db;
    eco_can_mapping map;
    int have_map, have_veh;
    eco_vehicle veh;
} check_state;

static void failed(check_state *s, const char *what)
{
    fprintf(stderr, "error: %s%s%s\n", what ? what : "", what ? ": " : "", eco_last_error());
    s->errors++;
}

static void check_can(const args *a, check_state *s)
{
    char dbc[4096], mapping[4096];
    if (eco_cfg_dbc_find(a->dbc, dbc, sizeof dbc) != ECO_OK) {
        failed(s, "--dbc");
        return;
    }
    if (eco_can_db_load(dbc, &s->db) != ECO_OK) {
        failed(s, NULL);
        fprintf(stderr, "note: the mapping is not checked: its DBC did not load\n");
        return;
    }
    if (a->mapping)
        snprintf(mapping, sizeof mapping, "%s", a->mapping);
    else if (eco_cfg_mapping_find(dbc, mapping, sizeof mapping) != ECO_OK) {
        failed(s, "--mapping");
        return;
    }
    s->have_map = eco_cfg_mapping_load_all(mapping, s->db, &s->map, stderr, &s->errors) == ECO_OK;
    if (s->have_map)
        printf("DBC %s, mapping %s\n", dbc, mapping);
}

static void check_vehicle(const args *a, check_state *s)
{
    char veh[4096], maps[4096];
    if (eco_cfg_vehicle_find(a->vehicle, veh, sizeof veh, maps, sizeof maps) != ECO_OK)
        failed(s, "--vehicle");
    else if (eco_cfg_vehicle_load(veh, maps, &s->veh) != ECO_OK)
        failed(s, NULL);
    else
        s->have_veh = 1;
}

static void check_weights_and_route(const args *a, check_state *s)
{
    char path[4096];
    eco_mpc_weights w;
    if (a->weights && (eco_cfg_weights_find(a->weights, path, sizeof path) != ECO_OK ||
                       eco_cfg_weights_load(path, &w) != ECO_OK))
        failed(s, "--weights");
    if (!a->route)
        return;
    eco_route route;
    if (eco_cfg_route_load(a->route, &route) != ECO_OK) {
        failed(s, NULL);
        return;
    }
    if (s->have_veh && eco_route_check_stops(&route, &s->veh) != ECO_OK)
        failed(s, a->route);
    eco_route_free(&route);
}

int ecodrived_check(const args *a)
{
    check_state s;
    memset(&s, 0, sizeof s);
    check_can(a, &s);
    check_vehicle(a, &s);
    check_weights_and_route(a, &s);
    if (s.have_map)
        eco_cfg_mapping_print(stdout, s.db, &s.map);
    fflush(stdout); /* the table before the verdict on stderr, and before a replay's lines */
    if (s.have_veh)
        eco_vehicle_free(&s.veh);
    eco_can_db_free(s.db);
    if (s.errors) {
        fprintf(stderr, "ecodrived: --check: %d error%s\n", s.errors, s.errors == 1 ? "" : "s");
        return 2;
    }
    fprintf(stderr, "ecodrived: --check: no error\n");
    return 0;
}
