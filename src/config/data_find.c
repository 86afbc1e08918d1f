/* Shipped data found the one way both programs use: the DBC, the mapping that goes with it,
 * the default vehicle with the engine maps, and the weights presets (eco_data_path). */
#include "ecodrive/config.h"
#include "ecodrive/datadir.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SHIPPED_DBC     "models/ecodrive.dbc"
#define SHIPPED_VEHICLE "models/vehicles/toyota_prius_2022.json"
#define SHIPPED_MAPS    "models/maps"

/* A path as the user gave it, or NULL for a shipped default. */
static int given_or_shipped(const char *given, const char *shipped, char *out, size_t n)
{
    if (!given)
        return eco_data_path(shipped, out, n);
    int w = snprintf(out, n, "%s", given);
    if (w < 0 || (size_t)w >= n) {
        eco_set_error("%.64s...: path too long", given);
        return ECO_EINVAL;
    }
    return ECO_OK;
}

int eco_cfg_dbc_find(const char *dbc_path, char *out, size_t n)
{
    return given_or_shipped(dbc_path, SHIPPED_DBC, out, n);
}

int eco_cfg_mapping_find(const char *dbc_path, char *out, size_t n)
{
    const char *base = strrchr(dbc_path, '/') ? strrchr(dbc_path, '/') + 1 : dbc_path;
    const char *ext = strstr(base, ".dbc");
    char rel[512];
    snprintf(rel, sizeof rel, "models/mappings/%.*s.json",
             (int)(ext ? ext - base : (long)strlen(base)), base);
    int rc = eco_data_path(rel, out, n);
    if (rc != ECO_OK)
        return rc;
    if (access(out, R_OK) != 0) {
        eco_set_error("no shipped mapping for %s (looked for %s): give --mapping FILE", dbc_path,
                      out);
        return ECO_ENOENT;
    }
    return ECO_OK;
}

int eco_cfg_vehicle_find(const char *vehicle_path, char *veh, size_t vn, char *maps, size_t mn)
{
    int rc = given_or_shipped(vehicle_path, SHIPPED_VEHICLE, veh, vn);
    return rc == ECO_OK ? eco_data_path(SHIPPED_MAPS, maps, mn) : rc;
}

int eco_cfg_weights_find(const char *preset_or_path, char *out, size_t n)
{
    if (strchr(preset_or_path, '/') || strstr(preset_or_path, ".json"))
        return given_or_shipped(preset_or_path, NULL, out, n);
    char rel[256];
    snprintf(rel, sizeof rel, "models/weights/%s.json", preset_or_path);
    int rc = eco_data_path(rel, out, n);
    if (rc == ECO_OK && access(out, R_OK) != 0) {
        eco_set_error("'%s': no such preset (eco, balanced, comfort) or file", preset_or_path);
        rc = ECO_ENOENT;
    }
    return rc;
}
