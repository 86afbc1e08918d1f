/* Shipped data found the one way both programs use: the DBC, the mapping that goes with it,
 * the default vehicle with the engine maps, and the weights presets (eco_data_path). */
#include "ecodrive/config.h"
#include "ecodrive/datadir.h"

#include <dirent.h>
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

/* Shipped file dir/name[ext] into out, or else the one shipped file of dir whose name
 * contains name (ECO_OK, ECO_ENOENT none, ECO_EINVAL several: each named, with the list). */
static int shipped_by_name(const char *name, const char *dir, const char *ext, const char *what,
                           char *out, size_t n)
{
    char folder[4096], found[256] = "", list[1024] = "";
    int rc = eco_data_path(dir, folder, sizeof folder), hits = 0;
    DIR *d = rc == ECO_OK ? opendir(folder) : NULL;
    size_t el = strlen(ext), nl = strlen(name);
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (l <= el || strcmp(e->d_name + l - el, ext) != 0)
            continue;
        int exact = !strcmp(e->d_name, name) || (l - el == nl && !strncmp(e->d_name, name, nl));
        if (exact || strstr(e->d_name, name)) {
            if (exact || !hits++)
                snprintf(found, sizeof found, "%s", e->d_name);
            if (exact) {
                hits = 1;
                break;
            }
        }
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%.*s", *list ? ", " : "",
                 (int)(l - el), e->d_name);
    }
    if (d)
        closedir(d);
    if (hits == 1)
        return snprintf(out, n, "%s/%s", folder, found) < (int)n ? ECO_OK : ECO_EINVAL;
    eco_set_error("%s: no such file, and %s shipped %s of that name (shipped, in %s: %s)", name,
                  hits ? "more than one" : "no", what, folder, *list ? list : "none");
    return hits ? ECO_EINVAL : ECO_ENOENT;
}

/* A path as given when it is a readable file or names a folder; a bare name that is not a
 * file here is looked up among the shipped ones ("golf", "example_motorola.dbc"). */
static int given_or_by_name(const char *given, const char *shipped, const char *dir,
                            const char *ext, const char *what, char *out, size_t n)
{
    if (given && !strchr(given, '/') && access(given, R_OK) != 0)
        return shipped_by_name(given, dir, ext, what, out, n);
    return given_or_shipped(given, shipped, out, n);
}

int eco_cfg_dbc_find(const char *dbc_path, char *out, size_t n)
{
    return given_or_by_name(dbc_path, SHIPPED_DBC, "models", ".dbc", "DBC", out, n);
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
    int rc = given_or_by_name(vehicle_path, SHIPPED_VEHICLE, "models/vehicles", ".json", "vehicle",
                              veh, vn);
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
