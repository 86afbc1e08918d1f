/* The vehicle JSON electric parts: "motor" and "generator" (ratings and efficiency curve) and
 * "battery" (OCV curve per pack or per cell, capacity in Ah or kWh, limits, SOC window). */
#include "vehicle_json_internal.h"

#include <math.h>
#include <stdio.h>

int eco_cfg_vehicle_machine_parse(eco_cfg_json_ctx *c, const cJSON *root, const char *key,
                                  eco_machine *mc)
{
    static const char keys[] = "max_power_kw max_torque_nm max_speed_rpm gear_ratio efficiency";
    const cJSON *j = NULL;
    double p_kw = 0, rpm = 0;
    size_t m;
    int rc = eco_cfg_section(c, root, key, keys, &j, &m);
    if (rc)
        return rc;
    if ((rc = eco_cfg_req_pos(c, j, "max_power_kw", &p_kw)) ||
        (rc = eco_cfg_req_pos(c, j, "max_torque_nm", &mc->max_torque_nm)) ||
        (rc = eco_cfg_req_pos(c, j, "max_speed_rpm", &rpm)) ||
        (rc = eco_cfg_req_pos(c, j, "gear_ratio", &mc->gear_ratio)) ||
        (rc = eco_cfg_curve(c, j, "efficiency", "power_fraction", "efficiency", 1.0, 1.0,
                            &mc->efficiency)))
        goto done;
    mc->max_power_w = p_kw * ECO_W_PER_KW;
    mc->max_speed_radps = rpm * ECO_RADPS_PER_RPM;
    for (int i = 0; i < mc->efficiency.n; i++) {
        double x = mc->efficiency.x[i], y = mc->efficiency.y[i];
        size_t m2 = eco_cfg_path_push(c, "efficiency");
        if (!(x >= 0.0 && x <= 1.5))
            rc = eco_cfg_elem_err(c, "power_fraction", i, "in [0, 1.5]", x);
        else if (!(y > 0.0 && y <= 1.0))
            rc = eco_cfg_elem_err(c, "efficiency", i, "in (0, 1]", y);
        eco_cfg_path_pop(c, m2);
        if (rc)
            goto done;
    }
done:
    eco_cfg_path_pop(c, m);
    return rc;
}

/* Mean OCV over SOC 0..1 (flat beyond the curve's ends), for capacity from energy. */
static double mean_ocv(const eco_curve *o)
{
    double sum = 0.0;
    const int n = 1000;
    for (int i = 0; i < n; i++)
        sum += eco_curve_eval(o, (i + 0.5) / n);
    return sum / n;
}

static int parse_ocv(eco_cfg_json_ctx *c, const cJSON *b, eco_battery *bat)
{
    static const char keys[] = "soc voltage_v cell_voltage_v cells_series";
    const cJSON *j = NULL;
    double series = 1.0;
    int n_soc = 0, n_v = 0;
    size_t m;
    int rc = eco_cfg_section(c, b, "ocv", keys, &j, &m);
    if (rc)
        return rc;
    int cell = eco_cfg_item(j, "cell_voltage_v") != NULL;
    if ((rc = eco_cfg_either(c, eco_cfg_item(j, "voltage_v") != NULL, cell,
                             "voltage_v (pack) or cell_voltage_v with cells_series")))
        goto done;
    if (cell) {
        if ((rc = eco_cfg_req_num(c, j, "cells_series", &series)) ||
            (rc = eco_cfg_want(c, "cells_series", series, series >= 1.0 && series == floor(series),
                               "a whole number >= 1")))
            goto done;
    } else if ((rc = eco_cfg_forbid(c, j, "cells_series", "with a pack voltage_v"))) {
        goto done;
    }
    const char *vk = cell ? "cell_voltage_v" : "voltage_v";
    if ((rc = eco_cfg_num_array(c, j, "soc", 2, ECO_CURVE_MAX, bat->ocv_v.x, &n_soc)) ||
        (rc = eco_cfg_num_array(c, j, vk, 2, ECO_CURVE_MAX, bat->ocv_v.y, &n_v)))
        goto done;
    if (n_soc != n_v) {
        rc = eco_cfg_json_err(c, ECO_EINVAL, vk, "has %d values but soc has %d", n_v, n_soc);
        goto done;
    }
    for (int i = 0; i < n_soc; i++) {
        double s = bat->ocv_v.x[i], u = bat->ocv_v.y[i];
        if (!(s >= 0.0 && s <= 1.0) || (i > 0 && !(s > bat->ocv_v.x[i - 1]))) {
            rc = eco_cfg_elem_err(c, "soc", i, "in [0, 1] and above the previous value", s);
            goto done;
        }
        if (!(u > 0.0)) {
            rc = eco_cfg_elem_err(c, vk, i, "> 0", u);
            goto done;
        }
        bat->ocv_v.y[i] = u * series;
    }
    bat->ocv_v.n = n_soc;
done:
    eco_cfg_path_pop(c, m);
    return rc;
}

int eco_cfg_vehicle_battery_parse(eco_cfg_json_ctx *c, const cJSON *root, eco_battery *bat)
{
    static const char keys[] = "capacity_ah energy_kwh ocv r_internal_ohm max_discharge_kw "
                               "max_charge_kw max_current_a soc_min soc_max soc_init";
    const cJSON *j = NULL;
    double dis_kw = 0, chg_kw = 0, e_kwh = 0;
    char cond[64];
    size_t m;
    int rc = eco_cfg_section(c, root, "battery", keys, &j, &m);
    if (rc)
        return rc;
    if ((rc = parse_ocv(c, j, bat)))
        goto done;
    int by_ah = eco_cfg_item(j, "capacity_ah") != NULL;
    if ((rc = eco_cfg_either(c, by_ah, eco_cfg_item(j, "energy_kwh") != NULL,
                             "capacity_ah or energy_kwh")))
        goto done;
    if (by_ah) {
        if ((rc = eco_cfg_req_pos(c, j, "capacity_ah", &bat->capacity_ah)))
            goto done;
    } else {
        if ((rc = eco_cfg_req_pos(c, j, "energy_kwh", &e_kwh)))
            goto done;
        bat->capacity_ah = e_kwh * 1e3 / mean_ocv(&bat->ocv_v); /* Wh / V */
    }
    if ((rc = eco_cfg_req_num(c, j, "r_internal_ohm", &bat->r_internal_ohm)) ||
        (rc = eco_cfg_want(c, "r_internal_ohm", bat->r_internal_ohm,
                           bat->r_internal_ohm >= 0.0 && bat->r_internal_ohm < 10.0,
                           "in [0, 10)")) ||
        (rc = eco_cfg_req_pos(c, j, "max_discharge_kw", &dis_kw)) ||
        (rc = eco_cfg_req_pos(c, j, "max_charge_kw", &chg_kw)) ||
        (rc = eco_cfg_req_pos(c, j, "max_current_a", &bat->max_current_a)) ||
        (rc = eco_cfg_req_num(c, j, "soc_min", &bat->soc_min)) ||
        (rc = eco_cfg_want(c, "soc_min", bat->soc_min, bat->soc_min >= 0.0 && bat->soc_min < 1.0,
                           "in [0, 1)")) ||
        (rc = eco_cfg_req_num(c, j, "soc_max", &bat->soc_max)))
        goto done;
    snprintf(cond, sizeof cond, "in (soc_min, 1] = (%g, 1]", bat->soc_min);
    if ((rc = eco_cfg_want(c, "soc_max", bat->soc_max,
                           bat->soc_max > bat->soc_min && bat->soc_max <= 1.0, cond)) ||
        (rc = eco_cfg_req_num(c, j, "soc_init", &bat->soc_init)))
        goto done;
    snprintf(cond, sizeof cond, "in [soc_min, soc_max] = [%g, %g]", bat->soc_min, bat->soc_max);
    if ((rc = eco_cfg_want(c, "soc_init", bat->soc_init,
                           bat->soc_init >= bat->soc_min && bat->soc_init <= bat->soc_max, cond)))
        goto done;
    bat->max_discharge_w = dis_kw * ECO_W_PER_KW;
    bat->max_charge_w = chg_kw * ECO_W_PER_KW;
done:
    eco_cfg_path_pop(c, m);
    return rc;
}
