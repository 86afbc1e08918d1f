/* The vehicle JSON "fuel" (a named preset or its properties) and "engine": ratings, idle,
 * NOx curve, and the engine map loaded from maps_dir and scaled to this engine. */
#include "vehicle_json_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- fuel --------------------------------------------------------------------------- */

/* Named fuels; sources in SCHEMA.md ("Fuels"). */
static const struct {
    const char *name;
    double lhv_mj_per_kg, density_kg_per_l, carbon_fraction;
} fuel_presets[] = {
    {"gasoline_tier2", 42.9, 0.743, 0.866},
    {"gasoline_e10_eu", 41.5, 0.750, 0.829},
    {"diesel_b7_eu", 43.0, 0.836, 0.858},
};

int eco_cfg_vehicle_fuel_parse(eco_cfg_json_ctx *c, const cJSON *root, eco_fuel *f)
{
    static const char keys[] = "name lhv_mj_per_kg density_kg_per_l carbon_fraction";
    const cJSON *j = eco_cfg_item(root, "fuel");
    double lhv = 0, rho = 0, cf = 0;
    int rc;
    if (!j)
        return eco_cfg_json_err(c, ECO_EINVAL, "fuel",
                                "missing required field (a fuel name or object)");
    if (cJSON_IsString(j)) {
        size_t n = sizeof fuel_presets / sizeof fuel_presets[0];
        for (size_t i = 0; i < n; i++)
            if (strcmp(fuel_presets[i].name, j->valuestring) == 0) {
                f->lhv_j_per_g = fuel_presets[i].lhv_mj_per_kg * 1e3;
                f->density_g_per_l = fuel_presets[i].density_kg_per_l * 1e3;
                f->carbon_fraction = fuel_presets[i].carbon_fraction;
                return ECO_OK;
            }
        return eco_cfg_json_err(
            c, ECO_EINVAL, "fuel",
            "unknown fuel \"%s\" (known: gasoline_tier2, gasoline_e10_eu, diesel_b7_eu; "
            "or give an object with lhv_mj_per_kg, density_kg_per_l, carbon_fraction)",
            j->valuestring);
    }
    if (!cJSON_IsObject(j))
        return eco_cfg_json_err(c, ECO_EINVAL, "fuel", "must be a fuel name or an object, got %s",
                                eco_cfg_json_type_name(j));
    size_t m = eco_cfg_path_push(c, "fuel");
    if ((rc = eco_cfg_check_keys(c, j, keys)) ||
        (rc = eco_cfg_req_num(c, j, "lhv_mj_per_kg", &lhv)) ||
        (rc = eco_cfg_want(c, "lhv_mj_per_kg", lhv, lhv > 10.0 && lhv < 130.0, "in (10, 130)")) ||
        (rc = eco_cfg_req_num(c, j, "density_kg_per_l", &rho)) ||
        (rc = eco_cfg_want(c, "density_kg_per_l", rho, rho > 0.0 && rho < 2.0, "in (0, 2)")) ||
        (rc = eco_cfg_req_num(c, j, "carbon_fraction", &cf)) ||
        (rc = eco_cfg_want(c, "carbon_fraction", cf, cf >= 0.5 && cf <= 1.0, "in [0.5, 1]")))
        goto done;
    f->lhv_j_per_g = lhv * 1e3;
    f->density_g_per_l = rho * 1e3;
    f->carbon_fraction = cf;
done:
    eco_cfg_path_pop(c, m);
    return rc;
}

/* ---- engine ------------------------------------------------------------------------- */

/* Load the map named in the JSON (the map's errors keep their file:line) and scale it to
 * e->displacement_l and e->rated_power_w. json_disp: the JSON's map_displacement_l, or 0. */
static int engine_map(eco_cfg_json_ctx *c, const char *stem, double json_disp, double t_max,
                      eco_engine *e)
{
    char why[512];
    double map_disp = 0.0;
    int rc = eco_cfg_engine_map_load(c->maps_dir, stem, e, &map_disp);
    if (rc) {
        snprintf(why, sizeof why, "%s", eco_last_error());
        return eco_cfg_json_err(c, rc, "map", "%s", why);
    }
    if (json_disp > 0.0 && map_disp > 0.0 && fabs(json_disp - map_disp) > 1e-3 * map_disp)
        return eco_cfg_json_err(c, ECO_EINVAL, "map_displacement_l",
                                "%g conflicts with the map file's own displacement_l %g", json_disp,
                                map_disp);
    if (!(json_disp > 0.0) && !(map_disp > 0.0))
        return eco_cfg_json_err(
            c, ECO_EINVAL, "map_displacement_l",
            "missing: the map \"%s\" has no \"# displacement_l: X\" comment, so give "
            "the displacement of the map's engine here",
            stem);
    if (json_disp > 0.0)
        map_disp = json_disp;
    rc = eco_cfg_engine_map_scale(e, e->displacement_l / map_disp, e->rated_power_w, t_max,
                                  e->max_speed_radps);
    if (rc) {
        snprintf(why, sizeof why, "%s", eco_last_error());
        return eco_cfg_json_err(c, rc, "map", "%s", why);
    }
    return ECO_OK;
}

int eco_cfg_vehicle_engine_parse(eco_cfg_json_ctx *c, const cJSON *root, eco_engine *e)
{
    static const char keys[] =
        "map map_displacement_l displacement_l rated_power_kw max_torque_nm idle_speed_rpm "
        "max_speed_rpm idle_fuel_gps start_stop start_fuel_g nox";
    const cJSON *j = NULL;
    const char *stem = NULL;
    double json_disp = 0.0, disp, p_kw, t_max = 0.0, idle, wmax, idle_fuel = 0.0, start_g = 0.0;
    int has_disp, has_tmax, has_idle_fuel, has_start;
    size_t m;
    int rc = eco_cfg_section(c, root, "engine", keys, &j, &m);
    if (rc)
        return rc;
    if ((rc = eco_cfg_req_string(c, j, "map", &stem)) ||
        (rc = eco_cfg_req_num(c, j, "displacement_l", &disp)) ||
        (rc = eco_cfg_want(c, "displacement_l", disp, disp > 0.0 && disp < 20.0, "in (0, 20)")) ||
        (rc = eco_cfg_req_pos(c, j, "rated_power_kw", &p_kw)) ||
        (rc = eco_cfg_opt_num(c, j, "max_torque_nm", &t_max, &has_tmax)) ||
        (has_tmax && (rc = eco_cfg_want(c, "max_torque_nm", t_max, t_max > 0.0, "> 0"))) ||
        (rc = eco_cfg_req_pos(c, j, "idle_speed_rpm", &idle)) ||
        (rc = eco_cfg_req_num(c, j, "max_speed_rpm", &wmax)))
        goto done;
    if (!(wmax > idle)) {
        char cond[48];
        snprintf(cond, sizeof cond, "> idle_speed_rpm = %g", idle);
        rc = eco_cfg_want(c, "max_speed_rpm", wmax, 0, cond);
        goto done;
    }
    if ((rc = eco_cfg_opt_num(c, j, "idle_fuel_gps", &idle_fuel, &has_idle_fuel)) ||
        (has_idle_fuel &&
         (rc = eco_cfg_want(c, "idle_fuel_gps", idle_fuel, idle_fuel > 0.0, "> 0"))) ||
        (rc = eco_cfg_req_bool(c, j, "start_stop", &e->start_stop)) ||
        (rc = eco_cfg_opt_num(c, j, "start_fuel_g", &start_g, &has_start)) ||
        (has_start && (rc = eco_cfg_want(c, "start_fuel_g", start_g, start_g >= 0.0, ">= 0"))) ||
        (rc = eco_cfg_curve(c, j, "nox", "bmep_bar", "g_per_kg_fuel", 1e5, 1.0,
                            &e->nox_g_per_kg_fuel)) ||
        (rc = eco_cfg_opt_num(c, j, "map_displacement_l", &json_disp, &has_disp)) ||
        (has_disp &&
         (rc = eco_cfg_want(c, "map_displacement_l", json_disp, json_disp > 0.0, "> 0"))))
        goto done;
    for (int i = 0; i < e->nox_g_per_kg_fuel.n; i++)
        if (!(e->nox_g_per_kg_fuel.y[i] >= 0.0)) {
            size_t m2 = eco_cfg_path_push(c, "nox");
            rc = eco_cfg_elem_err(c, "g_per_kg_fuel", i, ">= 0", e->nox_g_per_kg_fuel.y[i]);
            eco_cfg_path_pop(c, m2);
            goto done;
        }
    e->displacement_l = disp;
    e->rated_power_w = p_kw * ECO_W_PER_KW;
    e->idle_speed_radps = idle * ECO_RADPS_PER_RPM;
    e->max_speed_radps = wmax * ECO_RADPS_PER_RPM;
    e->idle_fuel_gps = idle_fuel; /* 0: eco_vehicle_init takes it from the map */
    e->start_fuel_g = start_g;
    rc = engine_map(c, stem, has_disp ? json_disp : 0.0, t_max, e);
done:
    eco_cfg_path_pop(c, m);
    return rc;
}
