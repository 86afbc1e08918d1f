/* A campaign's $.vehicles: vehicle files and EPA test-car records, loaded and hashed by
 * content; and the cycles' loading with their hash. */
#include "campaign_spec.h"

#include "paths.h"

#include "ecodrive/datadir.h"

#include "ecodrive/config.h"

#include <stdio.h>
#include <string.h>

static uint64_t hash_file(uint64_t h, const char *path)
{
    char *text = NULL;
    size_t n = 0;
    if (eco_read_file(path, NULL, &text, &n))
        return eco_campaign_fnv(h, path, strlen(path)); /* a missing file fails the load anyway */
    h = eco_campaign_fnv(h, text, n);
    eco_free(text);
    return h;
}

/* What a vehicle's results depend on besides its JSON: the engine map it names. */
static uint64_t hash_maps(uint64_t h, const cJSON *root, const char *maps_dir)
{
    const cJSON *engine = cJSON_GetObjectItemCaseSensitive(root, "engine");
    const cJSON *stem = cJSON_GetObjectItemCaseSensitive(engine, "map");
    if (!cJSON_IsString(stem))
        return h;
    const char *const kinds[] = {"fuel", "limits"};
    for (int k = 0; k < 2; k++) {
        char path[4096];
        eco_campaign_spec_format(path, sizeof path, "%s/%s.%s.csv", maps_dir, stem->valuestring,
                                 kinds[k]);
        h = hash_file(h, path);
    }
    return h;
}

static int maps_dir_of(char *maps, size_t n)
{
    if (eco_data_path("models/maps", maps, n)) {
        eco_set_error("cannot locate the shipped data directory");
        return ECO_ENOENT;
    }
    return ECO_OK;
}

static uint64_t hash_tree(const cJSON *root, const char *maps, int *ok)
{
    char *text = cJSON_PrintUnformatted(root);
    *ok = text != NULL;
    if (!text)
        return 0;
    uint64_t h = hash_maps(eco_campaign_fnv(ECO_FNV_OFFSET, text, strlen(text)), root, maps);
    cJSON_free(text);
    return h;
}

int eco_campaign_hash_vehicle(const char *path, uint64_t *content)
{
    char *text = NULL, maps[4096];
    int ok = 0, rc = eco_read_file(path, "vehicle", &text, NULL);
    if (rc || (rc = maps_dir_of(maps, sizeof maps))) {
        eco_free(text);
        return rc;
    }
    cJSON *root = cJSON_Parse(text);
    eco_free(text);
    if (root)
        *content = hash_tree(root, maps, &ok);
    cJSON_Delete(root);
    if (!ok)
        eco_set_error("%s: cannot hash the vehicle", path);
    return ok ? ECO_OK : ECO_EPARSE;
}

uint64_t eco_campaign_hash_cycle(const char *path, const eco_sim_cycle *cyc)
{
    return eco_campaign_fnv(hash_file(ECO_FNV_OFFSET, path), cyc->name, strlen(cyc->name));
}

/* A tree (from a file or an EPA record) loaded as a vehicle and hashed. */
static int load_tree(const cJSON *root, const char *label, double start_fuel_g, eco_vehicle *veh,
                     uint64_t *content)
{
    char maps[4096];
    int rc = maps_dir_of(maps, sizeof maps);
    if (rc || (rc = eco_cfg_vehicle_from_json(root, label, maps, veh)))
        return rc;
    if (start_fuel_g >= 0.0)
        veh->engine.start_fuel_g = start_fuel_g;
    int ok;
    *content = hash_tree(root, maps, &ok);
    if (!ok) {
        eco_vehicle_free(veh);
        return ECO_ENOMEM;
    }
    return ECO_OK;
}

int eco_campaign_content_vehicle(const char *path, double start_fuel_g, eco_vehicle *veh,
                                 uint64_t *content)
{
    char *text = NULL;
    int rc = eco_read_file(path, "vehicle", &text, NULL);
    if (rc)
        return rc;
    cJSON *root = cJSON_Parse(text);
    eco_free(text);
    if (!root) { /* the loader names the line and column */
        char maps[4096];
        return maps_dir_of(maps, sizeof maps) ? ECO_ENOENT : eco_cfg_vehicle_load(path, maps, veh);
    }
    const char *base = strrchr(path, '/');
    rc = load_tree(root, base ? base + 1 : path, start_fuel_g, veh, content);
    cJSON_Delete(root);
    return rc;
}

int eco_campaign_content_cycle(const char *path, const char *name, eco_sim_cycle *cyc,
                               uint64_t *content)
{
    int rc = eco_sim_cycle_load(path, name, cyc);
    if (rc)
        return rc;
    *content = eco_campaign_hash_cycle(path, cyc);
    return ECO_OK;
}

/* {"epa": FILE.csv, "model": NAME, "displacement_l": L, "hp": N}: ecosim vehicle --from-epa. */
static int load_epa(const eco_campaign_spec *s, const cJSON *o, const char *path, eco_campaign *c)
{
    static const char *const keys[] = {"epa", "model", "displacement_l", "hp"};
    const cJSON *csv = cJSON_GetObjectItemCaseSensitive(o, "epa");
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(o, "model");
    const cJSON *disp = cJSON_GetObjectItemCaseSensitive(o, "displacement_l");
    const cJSON *hp = cJSON_GetObjectItemCaseSensitive(o, "hp");
    double disp_l = 0.0, hp_n = 0.0;
    char sub[96], file[4096];
    if (eco_campaign_spec_keys(s, o, path, keys, 4))
        return 2;
    if (!cJSON_IsString(csv) || !cJSON_IsString(model)) {
        eco_campaign_spec_error(s, path, "an EPA record needs \"epa\" (the CSV) and \"model\"");
        return 2;
    }
    eco_campaign_spec_format(sub, sizeof sub, "%s.displacement_l", path);
    if (disp && eco_campaign_spec_number(s, disp, sub, 0.1, 20.0, &disp_l))
        return 2;
    eco_campaign_spec_format(sub, sizeof sub, "%s.hp", path);
    if (hp && eco_campaign_spec_number(s, hp, sub, 1.0, 5000.0, &hp_n))
        return 2;
    eco_campaign_spec_path(s, csv->valuestring, file, sizeof file);
    cJSON *tree = NULL;
    int v = c->n_vehicles;
    if (eco_cfg_vehicle_from_epa(file, model->valuestring, disp_l, hp_n, &tree) ||
        load_tree(tree, "<from-epa>", c->start_fuel_g, &c->vehicles[v], &c->vehicle_content[v])) {
        cJSON_Delete(tree);
        eco_campaign_spec_error(s, path, "%s", eco_last_error());
        return 2;
    }
    cJSON_Delete(tree);
    snprintf(c->vehicle_source[v], sizeof c->vehicle_source[v], "epa:%s:%s", csv->valuestring,
             model->valuestring);
    return 0;
}

/* "NAME" (a shipped vehicle, models/vehicles/NAME.json) or a file. */
static int load_file(const eco_campaign_spec *s, const char *entry, const char *path,
                     eco_campaign *c)
{
    char file[4096], rel[512];
    int v = c->n_vehicles;
    eco_campaign_spec_path(s, entry, file, sizeof file);
    if (!strchr(entry, '/') && !strstr(entry, ".json")) {
        snprintf(rel, sizeof rel, "models/vehicles/%s.json", entry);
        if (eco_data_path(rel, file, sizeof file))
            snprintf(file, sizeof file, "%s", entry);
    }
    if (eco_campaign_content_vehicle(file, c->start_fuel_g, &c->vehicles[v],
                                     &c->vehicle_content[v])) {
        eco_campaign_spec_error(s, path, "%s", eco_last_error());
        return 2;
    }
    snprintf(c->vehicle_source[v], sizeof c->vehicle_source[v], "%s", entry);
    return 0;
}

/* The MPC and the DP do not plan for a parallel P2 hybrid yet: such a pair is refused here,
 * with the vehicle's path, before any run. */
static int planners_take(const eco_campaign_spec *s, const eco_campaign *c)
{
    int v, k;
    if (!eco_campaign_unplanned(c, &v, &k))
        return 0;
    char path[64];
    eco_campaign_spec_format(path, sizeof path, "$.vehicles[%d]", v);
    eco_campaign_spec_error(s, path,
                            "%s is a parallel P2 hybrid, which only the baseline drives so far: "
                            "not with the controller '%s'",
                            c->vehicles[v].name, eco_campaign_controller_name(c->controller[k]));
    return 2;
}

int eco_campaign_spec_vehicles(const eco_campaign_spec *s, const cJSON *a, eco_campaign *c)
{
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) < 1) {
        eco_campaign_spec_error(s, "$.vehicles",
                                "must be a non-empty array of vehicle files or EPA records");
        return 2;
    }
    size_t n = (size_t)cJSON_GetArraySize(a);
    c->vehicles = eco_calloc(n, sizeof c->vehicles[0]);
    c->vehicle_source = eco_calloc(n, sizeof c->vehicle_source[0]);
    c->vehicle_content = eco_calloc(n, sizeof c->vehicle_content[0]);
    if (!c->vehicles || !c->vehicle_source || !c->vehicle_content)
        return 1;
    for (const cJSON *it = a->child; it; it = it->next) {
        char path[64];
        eco_campaign_spec_format(path, sizeof path, "$.vehicles[%d]", c->n_vehicles);
        int rc;
        if (cJSON_IsString(it) && it->valuestring[0])
            rc = load_file(s, it->valuestring, path, c);
        else if (cJSON_IsObject(it))
            rc = load_epa(s, it, path, c);
        else {
            eco_campaign_spec_error(s, path,
                                    "must be a vehicle file or {\"epa\": ..., \"model\": ...}");
            rc = 2;
        }
        if (rc)
            return rc;
        c->n_vehicles++;
    }
    return planners_take(s, c);
}
