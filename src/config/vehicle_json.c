/* Vehicle JSON (models/vehicles/SCHEMA.md) to eco_vehicle. Every key is checked: unknown
 * keys, missing required fields and out-of-range values are errors naming the JSON path.
 * Units are converted here, at the edge: km/h, kW, rpm, N/(km/h)^n, MJ, bar to SI.
 * This file holds the entry points, the top level, road load and calibration; the field
 * readers and the larger sections are in vehicle_json_{fields,gearbox,engine,electric}.c. */
#include "vehicle_json_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- road load ---------------------------------------------------------------------- */

static int parse_road_load(eco_cfg_json_ctx *c, const cJSON *root, eco_vehicle *v)
{
    static const char keys[] = "f0_n f1_n_per_kmh f2_n_per_kmh2 cd frontal_area_m2 crr";
    const cJSON *r = NULL;
    size_t m;
    int rc = eco_cfg_section(c, root, "road_load", keys, &r, &m);
    if (rc)
        return rc;
    int coast = eco_cfg_any(r, "f0_n f1_n_per_kmh f2_n_per_kmh2");
    if ((rc = eco_cfg_either(c, coast, eco_cfg_any(r, "cd frontal_area_m2 crr"),
                             "coast-down f0_n, f1_n_per_kmh, f2_n_per_kmh2 or cd, "
                             "frontal_area_m2, crr")))
        goto done;
    if (coast) {
        double f0, f1, f2;
        if ((rc = eco_cfg_req_num(c, r, "f0_n", &f0)) ||
            (rc = eco_cfg_want(c, "f0_n", f0, f0 >= 0.0, ">= 0")) ||
            (rc = eco_cfg_req_num(c, r, "f1_n_per_kmh", &f1)) ||
            (rc = eco_cfg_want(c, "f1_n_per_kmh", f1, fabs(f1) < 20.0, "in (-20, 20)")) ||
            (rc = eco_cfg_req_pos(c, r, "f2_n_per_kmh2", &f2)))
            goto done;
        v->f0_n = f0;
        v->f1_n_per_mps = f1 * ECO_KMH_PER_MPS;                      /* N/(km/h) -> N/(m/s) */
        v->f2_n_per_mps2 = f2 * (ECO_KMH_PER_MPS * ECO_KMH_PER_MPS); /* 3.6^2 = 12.96 */
    } else {
        double cd = 0, a = 0, crr = 0;
        if ((rc = eco_cfg_req_num(c, r, "cd", &cd)) ||
            (rc = eco_cfg_want(c, "cd", cd, cd > 0.0 && cd < 2.0, "in (0, 2)")) ||
            (rc = eco_cfg_req_num(c, r, "frontal_area_m2", &a)) ||
            (rc = eco_cfg_want(c, "frontal_area_m2", a, a > 0.0 && a < 15.0, "in (0, 15)")) ||
            (rc = eco_cfg_req_num(c, r, "crr", &crr)) ||
            (rc = eco_cfg_want(c, "crr", crr, crr > 0.0 && crr < 0.05, "in (0, 0.05)")))
            goto done;
        v->f0_n = v->mass_kg * ECO_G_MPS2 * crr;
        v->f1_n_per_mps = 0.0;
        v->f2_n_per_mps2 = 0.5 * ECO_AIR_DENSITY_KGPM3 * cd * a;
    }
done:
    eco_cfg_path_pop(c, m);
    return rc;
}

/* ---- calibration -------------------------------------------------------------------- */

/* The calibration keys that depend on the parts: gearbox efficiency with a gearbox, cold
 * start with an engine, the charger with a plug. */
static int parse_calibration_parts(eco_cfg_json_ctx *c, const cJSON *j, eco_vehicle *v)
{
    int geared = v->gearbox.type == ECO_TX_STEPPED || v->gearbox.type == ECO_TX_CVT;
    int plug = v->powertrain == ECO_PT_BEV || v->powertrain == ECO_PT_PHEV;
    double mj = 0;
    int rc;
    if (geared) {
        if ((rc = eco_cfg_req_frac(c, j, "gearbox_efficiency", &v->gearbox.efficiency)))
            return rc;
    } else {
        /* The model uses final_drive_efficiency alone for a single ratio or a split. */
        if ((rc = eco_cfg_forbid(c, j, "gearbox_efficiency",
                                 "by a single-ratio or split gearbox (put the whole gear train in "
                                 "final_drive_efficiency)")))
            return rc;
        v->gearbox.efficiency = 1.0;
    }
    if (v->powertrain != ECO_PT_BEV) {
        if ((rc = eco_cfg_req_num(c, j, "cold_fuel_extra", &v->engine.cold_fuel_extra)) ||
            (rc = eco_cfg_want(c, "cold_fuel_extra", v->engine.cold_fuel_extra,
                               v->engine.cold_fuel_extra >= 0.0 && v->engine.cold_fuel_extra <= 2.0,
                               "in [0, 2]")) ||
            (rc = eco_cfg_req_pos(c, j, "warmup_fuel_energy_mj", &mj)))
            return rc;
        v->engine.warmup_fuel_energy_j = mj * 1e6;
    } else if ((rc = eco_cfg_forbid(c, j, "cold_fuel_extra", "without an engine")) ||
               (rc = eco_cfg_forbid(c, j, "warmup_fuel_energy_mj", "without an engine"))) {
        return rc;
    }
    if (plug)
        return eco_cfg_req_frac(c, j, "charger_efficiency", &v->charger_efficiency);
    return eco_cfg_forbid(c, j, "charger_efficiency", "without a plug");
}

/* The few physical parameters a maintainer may tune per car, kept together so that a tuned
 * value is never hidden among measured ones. */
static int parse_calibration(eco_cfg_json_ctx *c, const cJSON *root, eco_vehicle *v)
{
    static const char keys[] =
        "rotating_mass_kg aux_power_w gearbox_efficiency final_drive_efficiency cold_fuel_extra "
        "warmup_fuel_energy_mj charger_efficiency note";
    const cJSON *j = NULL;
    double rot = 0;
    size_t m;
    int rc = eco_cfg_section(c, root, "calibration", keys, &j, &m);
    if (rc)
        return rc;
    const cJSON *note = eco_cfg_item(j, "note");
    if (note && !cJSON_IsString(note)) {
        rc = eco_cfg_json_err(c, ECO_EINVAL, "note", "must be a string, got %s",
                              eco_cfg_json_type_name(note));
        goto done;
    }
    if ((rc = eco_cfg_req_num(c, j, "rotating_mass_kg", &rot)) ||
        (rc = eco_cfg_want(c, "rotating_mass_kg", rot, rot >= 0.0 && rot < 0.3 * v->mass_kg,
                           "in [0, 0.3 mass_kg)")) ||
        (rc = eco_cfg_req_num(c, j, "aux_power_w", &v->aux_power_w)) ||
        (rc = eco_cfg_want(c, "aux_power_w", v->aux_power_w,
                           v->aux_power_w >= 0.0 && v->aux_power_w <= 20000.0, "in [0, 20000]")) ||
        (rc = eco_cfg_req_frac(c, j, "final_drive_efficiency", &v->gearbox.final_drive_efficiency)))
        goto done;
    v->rotating_mass_kg = rot;
    rc = parse_calibration_parts(c, j, v);
done:
    eco_cfg_path_pop(c, m);
    return rc;
}

/* ---- top level ---------------------------------------------------------------------- */

static const char *const pt_names[] = {"conventional", "hev", "bev", "phev", NULL};

static int parse_sources(eco_cfg_json_ctx *c, const cJSON *root)
{
    const cJSON *s = eco_cfg_item(root, "sources");
    if (!s)
        return ECO_OK;
    if (!cJSON_IsObject(s))
        return eco_cfg_json_err(c, ECO_EINVAL, "sources", "must be an object of strings, got %s",
                                eco_cfg_json_type_name(s));
    size_t m = eco_cfg_path_push(c, "sources");
    int rc = ECO_OK;
    for (const cJSON *it = s->child; it && !rc; it = it->next)
        if (!cJSON_IsString(it))
            rc = eco_cfg_json_err(c, ECO_EINVAL, it->string, "must be a string, got %s",
                                  eco_cfg_json_type_name(it));
    eco_cfg_path_pop(c, m);
    return rc;
}

/* The gearbox types the model realises for each powertrain. */
static int gearbox_fits(eco_cfg_json_ctx *c, const eco_vehicle *v, const char *pt)
{
    int hybrid = v->powertrain == ECO_PT_HEV || v->powertrain == ECO_PT_PHEV;
    int tx = v->gearbox.type;
    if (hybrid && tx != ECO_TX_SPLIT && !(v->powertrain == ECO_PT_HEV && tx == ECO_TX_STEPPED))
        return eco_cfg_json_err(c, ECO_EINVAL, "gearbox.type",
                                "a \"%s\" vehicle is a power split (\"split\")%s, got \"%s\"", pt,
                                v->powertrain == ECO_PT_HEV ? " or a parallel P2 (\"stepped\")"
                                                            : "",
                                eco_cfg_vehicle_tx_names[tx]);
    if (!hybrid && tx == ECO_TX_SPLIT)
        return eco_cfg_json_err(
            c, ECO_EINVAL, "gearbox.type",
            "\"split\" needs a \"hev\" or \"phev\" powertrain, this one is \"%s\"", pt);
    if (v->powertrain == ECO_PT_BEV && tx != ECO_TX_SINGLE)
        return eco_cfg_json_err(
            c, ECO_EINVAL, "gearbox.type",
            "a \"bev\" is modelled with one fixed ratio: must be \"single\", got \"%s\"",
            eco_cfg_vehicle_tx_names[tx]);
    if (v->powertrain == ECO_PT_CONV && tx == ECO_TX_SINGLE)
        return eco_cfg_json_err(
            c, ECO_EINVAL, "gearbox.type",
            "a \"conventional\" vehicle needs \"stepped\" or \"cvt\", got \"single\"");
    return ECO_OK;
}

/* Engine, fuel, machines and battery: required or forbidden by the powertrain. */
static int parse_parts(eco_cfg_json_ctx *c, const cJSON *root, eco_vehicle *v, const char *pt)
{
    int engine = v->powertrain != ECO_PT_BEV;
    int electric = v->powertrain != ECO_PT_CONV;
    int hybrid = v->powertrain == ECO_PT_HEV || v->powertrain == ECO_PT_PHEV;
    char why[48];
    int rc;
    snprintf(why, sizeof why, "by a \"%s\" powertrain", pt);
    if (v->powertrain == ECO_PT_CONV) {
        if ((rc = eco_cfg_req_frac(c, root, "alternator_efficiency", &v->alternator_efficiency)))
            return rc;
    } else if ((rc = eco_cfg_forbid(c, root, "alternator_efficiency", why))) {
        return rc;
    }
    if (engine) {
        if ((rc = eco_cfg_vehicle_engine_parse(c, root, &v->engine)) ||
            (rc = eco_cfg_vehicle_fuel_parse(c, root, &v->fuel)))
            return rc;
    } else if ((rc = eco_cfg_forbid(c, root, "engine", why)) ||
               (rc = eco_cfg_forbid(c, root, "fuel", why))) {
        return rc;
    }
    if (electric) {
        double lo = 0, hi = 0;
        char cond[48];
        if ((rc = eco_cfg_vehicle_machine_parse(c, root, "motor", &v->motor)) ||
            (rc = eco_cfg_vehicle_battery_parse(c, root, &v->battery)) ||
            (rc = eco_cfg_req_num(c, root, "regen_fade_low_kmh", &lo)) ||
            (rc = eco_cfg_want(c, "regen_fade_low_kmh", lo, lo >= 0.0 && lo < 100.0,
                               "in [0, 100)")) ||
            (rc = eco_cfg_req_num(c, root, "regen_fade_high_kmh", &hi)))
            return rc;
        snprintf(cond, sizeof cond, ">= regen_fade_low_kmh = %g and < 180", lo);
        if ((rc = eco_cfg_want(c, "regen_fade_high_kmh", hi, hi >= lo && hi < 180.0, cond)))
            return rc;
        v->regen_fade_low_mps = lo * ECO_MPS_PER_KMH;
        v->regen_fade_high_mps = hi * ECO_MPS_PER_KMH;
    } else if ((rc = eco_cfg_forbid(c, root, "motor", why)) ||
               (rc = eco_cfg_forbid(c, root, "battery", why)) ||
               (rc = eco_cfg_forbid(c, root, "regen_fade_low_kmh", why)) ||
               (rc = eco_cfg_forbid(c, root, "regen_fade_high_kmh", why))) {
        return rc;
    }
    if (hybrid && v->gearbox.type == ECO_TX_SPLIT) {
        if ((rc = eco_cfg_vehicle_machine_parse(c, root, "generator", &v->generator)))
            return rc;
    } else if ((rc = eco_cfg_forbid(c, root, "generator",
                                    hybrid ? "by a parallel P2 hybrid (its one machine is "
                                             "\"motor\")"
                                           : why))) {
        return rc;
    }
    return ECO_OK;
}

static int parse_vehicle(eco_cfg_json_ctx *c, const cJSON *root, eco_vehicle *v)
{
    static const char keys[] = "name description powertrain sources calibration mass_kg road_load "
                               "wheel_radius_m brake_max_n regen_fade_low_kmh regen_fade_high_kmh "
                               "alternator_efficiency fuel gearbox engine motor generator battery";
    const char *name = NULL, *pt = NULL;
    const cJSON *d = eco_cfg_item(root, "description");
    int rc;
    if ((rc = eco_cfg_check_keys(c, root, keys)) || (rc = parse_sources(c, root)) ||
        (rc = eco_cfg_req_string(c, root, "name", &name)))
        return rc;
    if (strlen(name) >= ECO_NAME_MAX)
        return eco_cfg_json_err(c, ECO_EINVAL, "name", "too long (at most %d characters)",
                                ECO_NAME_MAX - 1);
    if (d && !cJSON_IsString(d))
        return eco_cfg_json_err(c, ECO_EINVAL, "description", "must be a string, got %s",
                                eco_cfg_json_type_name(d));
    snprintf(v->name, sizeof v->name, "%s", name);
    if ((rc = eco_cfg_req_string(c, root, "powertrain", &pt)))
        return rc;
    int p = 0;
    while (pt_names[p] && strcmp(pt_names[p], pt) != 0)
        p++;
    if (!pt_names[p])
        return eco_cfg_json_err(
            c, ECO_EINVAL, "powertrain",
            "must be \"conventional\", \"hev\", \"bev\" or \"phev\", got \"%s\"", pt);
    v->powertrain = (eco_powertrain)p;

    double brake = 0, radius = 0;
    if ((rc = eco_cfg_req_pos(c, root, "mass_kg", &v->mass_kg)) ||
        (rc = eco_cfg_want(c, "mass_kg", v->mass_kg, v->mass_kg < 50000.0, "< 50000")) ||
        (rc = parse_road_load(c, root, v)) ||
        (rc = eco_cfg_req_num(c, root, "wheel_radius_m", &radius)) ||
        (rc = eco_cfg_want(c, "wheel_radius_m", radius, radius > 0.1 && radius < 1.0,
                           "in (0.1, 1)")) ||
        (rc = eco_cfg_req_pos(c, root, "brake_max_n", &brake)) ||
        (rc = eco_cfg_vehicle_gearbox_parse(c, root, v)))
        return rc;
    v->wheel_radius_m = radius;
    v->brake_max_n = brake;
    if ((rc = gearbox_fits(c, v, pt)) || (rc = parse_parts(c, root, v, pt)))
        return rc;
    return parse_calibration(c, root, v);
}

static void use_eco_alloc(void)
{
    cJSON_Hooks hooks = {eco_malloc, eco_free};
    cJSON_InitHooks(&hooks);
}

int eco_cfg_vehicle_from_json(const cJSON *root, const char *label, const char *maps_dir,
                              eco_vehicle *out)
{
    eco_cfg_json_ctx c = {
        .file = label ? label : "<vehicle>", .maps_dir = maps_dir ? maps_dir : ".", .path = "$"};
    memset(out, 0, sizeof *out);
    if (!cJSON_IsObject(root)) {
        eco_set_error("%s: $: a vehicle must be a JSON object, got %s", c.file,
                      root ? eco_cfg_json_type_name(root) : "nothing");
        return ECO_EINVAL;
    }
    eco_vehicle *v = eco_calloc(1, sizeof *v);
    if (!v)
        return ECO_ENOMEM;
    int rc = parse_vehicle(&c, root, v);
    if (!rc && (rc = eco_vehicle_validate(v)))
        eco_cfg_vehicle_model_err(c.file, root, rc);
    if (!rc) {
        *out = *v;
        if ((rc = eco_vehicle_init(out))) {
            eco_cfg_vehicle_model_err(c.file, root, rc);
            eco_vehicle_free(out);
        }
    }
    if (rc)
        memset(out, 0, sizeof *out);
    eco_free(v);
    return rc;
}

int eco_cfg_vehicle_load(const char *path, const char *maps_dir, eco_vehicle *out)
{
    char *text = NULL;
    memset(out, 0, sizeof *out);
    int rc = eco_read_file(path, NULL, &text, NULL);
    if (rc)
        return rc;
    use_eco_alloc();
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
    if (!root) {
        int line = 1, col = 1;
        const char *p = text;
        if (!end || end < text)
            end = text;
        for (; p < end && *p; p++) {
            if (*p == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        char near[24];
        size_t k = 0;
        for (; k + 1 < sizeof near && end[k] && end[k] != '\n'; k++)
            near[k] = end[k];
        near[k] = '\0';
        eco_set_error("%s:%d:%d: malformed JSON%s%s%s", path, line, col,
                      *end ? " near \"" : " (unexpected end of file)", *end ? near : "",
                      *end ? "\"" : "");
        eco_free(text);
        return ECO_EPARSE;
    }
    eco_free(text);
    rc = eco_cfg_vehicle_from_json(root, path, maps_dir, out);
    cJSON_Delete(root);
    return rc;
}
