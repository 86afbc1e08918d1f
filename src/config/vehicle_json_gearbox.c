/* The vehicle JSON "gearbox": stepped with its shift schedule, CVT, single ratio, or the
 * planetary power split; keys checked against the type. */
#include "vehicle_json_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const eco_cfg_vehicle_tx_names[] = {"stepped", "cvt", "single", "split", NULL};

static int parse_shifts(eco_cfg_json_ctx *c, const cJSON *g, eco_gearbox *gb)
{
    int has_up = eco_cfg_item(g, "upshift_kmh") != NULL,
        has_dn = eco_cfg_item(g, "downshift_kmh") != NULL;
    int rc, nu = 0, nd = 0;
    if (!has_up && !has_dn)
        return ECO_OK; /* the model makes its default schedule */
    if (gb->n_gears < 2)
        return eco_cfg_json_err(c, ECO_EINVAL, has_up ? "upshift_kmh" : "downshift_kmh",
                                "a single gear has no shifts; remove it");
    if (!has_up || !has_dn)
        return eco_cfg_json_err(c, ECO_EINVAL, has_up ? "downshift_kmh" : "upshift_kmh",
                                "missing: give both upshift_kmh and downshift_kmh, or neither");
    double up[ECO_GEARS_MAX], dn[ECO_GEARS_MAX];
    if ((rc = eco_cfg_num_array(c, g, "upshift_kmh", gb->n_gears - 1, gb->n_gears - 1, up, &nu)) ||
        (rc = eco_cfg_num_array(c, g, "downshift_kmh", gb->n_gears - 1, gb->n_gears - 1, dn, &nd)))
        return rc;
    for (int i = 0; i < nu; i++) {
        char cond[80];
        if (!(up[i] > 0.0) || (i > 0 && !(up[i] > up[i - 1]))) {
            snprintf(cond, sizeof cond, "> 0 and above the previous upshift");
            return eco_cfg_elem_err(c, "upshift_kmh", i, cond, up[i]);
        }
        if (!(dn[i] > 0.0 && dn[i] < up[i])) {
            snprintf(cond, sizeof cond, "> 0 and below upshift_kmh[%d] = %g", i, up[i]);
            return eco_cfg_elem_err(c, "downshift_kmh", i, cond, dn[i]);
        }
        gb->upshift_speed_mps[i] = up[i] * ECO_MPS_PER_KMH;
        gb->downshift_speed_mps[i] = dn[i] * ECO_MPS_PER_KMH;
    }
    return ECO_OK;
}

static int parse_stepped(eco_cfg_json_ctx *c, const cJSON *g, eco_gearbox *gb)
{
    double launch = 0, sched = 0;
    int has_sched = 0;
    int rc = eco_cfg_num_array(c, g, "ratios", 1, ECO_GEARS_MAX, gb->ratio, &gb->n_gears);
    if (rc)
        return rc;
    for (int i = 0; i < gb->n_gears; i++)
        if (!(gb->ratio[i] > 0.0) || (i > 0 && !(gb->ratio[i] < gb->ratio[i - 1])))
            return eco_cfg_elem_err(c, "ratios", i, "> 0 and below the previous gear's ratio",
                                    gb->ratio[i]);
    if ((rc = parse_shifts(c, g, gb)) ||
        (rc = eco_cfg_req_num(c, g, "launch_speed_kmh", &launch)) ||
        (rc = eco_cfg_want(c, "launch_speed_kmh", launch, launch >= 0.0 && launch < 50.0,
                           "in [0, 50)")) ||
        (rc = eco_cfg_opt_num(c, g, "schedule_below_kmh", &sched, &has_sched)) ||
        (rc = eco_cfg_want(c, "schedule_below_kmh", sched, sched >= 0.0 && sched <= 400.0,
                           "in [0, 400]")))
        return rc;
    gb->launch_speed_mps = launch * ECO_MPS_PER_KMH;
    gb->schedule_below_mps = sched * ECO_MPS_PER_KMH;
    return ECO_OK;
}

static int parse_cvt(eco_cfg_json_ctx *c, const cJSON *g, eco_gearbox *gb)
{
    char cond[48];
    int rc;
    double min_rpm = 0.0;
    int has_min = 0;
    if ((rc = eco_cfg_req_pos(c, g, "ratio_min", &gb->cvt_ratio_min)) ||
        (rc = eco_cfg_req_num(c, g, "ratio_max", &gb->cvt_ratio_max)) ||
        (rc = eco_cfg_opt_num(c, g, "min_drive_rpm", &min_rpm, &has_min)) ||
        (rc = eco_cfg_want(c, "min_drive_rpm", min_rpm, min_rpm >= 0.0 && min_rpm < 4000.0,
                           "in [0, 4000)")))
        return rc;
    gb->cvt_min_drive_radps = min_rpm * ECO_RAD_PER_REV / ECO_S_PER_MIN;
    snprintf(cond, sizeof cond, "> ratio_min = %g", gb->cvt_ratio_min);
    return eco_cfg_want(c, "ratio_max", gb->cvt_ratio_max, gb->cvt_ratio_max > gb->cvt_ratio_min,
                        cond);
}

static int parse_split(eco_cfg_json_ctx *c, const cJSON *g, eco_gearbox *gb)
{
    int teeth = eco_cfg_item(g, "sun_teeth") || eco_cfg_item(g, "ring_teeth"), rc;
    if ((rc = eco_cfg_either(c, teeth, eco_cfg_item(g, "rho") != NULL,
                             "sun_teeth and ring_teeth, or rho")))
        return rc;
    if (!teeth) {
        if ((rc = eco_cfg_req_num(c, g, "rho", &gb->split_rho)))
            return rc;
        return eco_cfg_want(c, "rho", gb->split_rho, gb->split_rho > 0.1 && gb->split_rho < 1.0,
                            "in (0.1, 1)");
    }
    double s = 0, r = 0;
    if ((rc = eco_cfg_req_pos(c, g, "sun_teeth", &s)) ||
        (rc = eco_cfg_req_pos(c, g, "ring_teeth", &r)))
        return rc;
    if (s != floor(s) || r != floor(r) || !(s < r))
        return eco_cfg_json_err(c, ECO_EINVAL, "sun_teeth",
                                "teeth must be whole numbers with sun < ring, got %g and %g", s, r);
    gb->split_rho = s / r;
    return ECO_OK;
}

int eco_cfg_vehicle_gearbox_parse(eco_cfg_json_ctx *c, const cJSON *root, eco_vehicle *v)
{
    static const char keys[] = "type final_drive ratios upshift_kmh downshift_kmh launch_speed_kmh "
                               "schedule_below_kmh ratio_min ratio_max sun_teeth ring_teeth rho "
                               "min_drive_rpm";
    static const char *const per_type[4] = {
        "ratios upshift_kmh downshift_kmh launch_speed_kmh schedule_below_kmh", /* by type */
        "ratio_min ratio_max min_drive_rpm",
        "",
        "sun_teeth ring_teeth rho",
    };
    eco_gearbox *gb = &v->gearbox;
    const cJSON *g = NULL;
    const char *type = NULL;
    size_t m;
    int rc = eco_cfg_section(c, root, "gearbox", keys, &g, &m);
    if (rc)
        return rc;
    if ((rc = eco_cfg_req_string(c, g, "type", &type)))
        goto done;
    int t = 0;
    while (eco_cfg_vehicle_tx_names[t] && strcmp(eco_cfg_vehicle_tx_names[t], type) != 0)
        t++;
    if (!eco_cfg_vehicle_tx_names[t]) {
        rc = eco_cfg_json_err(c, ECO_EINVAL, "type",
                              "must be \"stepped\", \"cvt\", \"single\" or \"split\", "
                              "got \"%s\"",
                              type);
        goto done;
    }
    gb->type = (eco_transmission)t;
    char key[64];
    for (int o = 0; o < 4; o++)
        for (const char *p = per_type[o]; o != t && (p = eco_cfg_next_word(p, key, sizeof key));)
            if (!eco_cfg_in_list(per_type[t], key) && eco_cfg_item(g, key)) {
                char why[48];
                snprintf(why, sizeof why, "by a \"%s\" gearbox", type);
                rc = eco_cfg_forbid(c, g, key, why);
                goto done;
            }
    if ((rc = eco_cfg_req_pos(c, g, "final_drive", &gb->final_drive)))
        goto done;
    gb->n_gears = 1;
    gb->ratio[0] = 1.0;
    if (gb->type == ECO_TX_STEPPED)
        rc = parse_stepped(c, g, gb);
    else if (gb->type == ECO_TX_CVT)
        rc = parse_cvt(c, g, gb);
    else if (gb->type == ECO_TX_SPLIT)
        rc = parse_split(c, g, gb);
done:
    eco_cfg_path_pop(c, m);
    return rc;
}
