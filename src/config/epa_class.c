/* The from-EPA powertrain class of a record (models/vehicles/SCHEMA.md, "from-EPA"): battery
 * electric, power-split hybrid or conventional, and what the class picks (engine map, idle,
 * ratio spread). The same rules for every car: no per-vehicle tuning. */
#include "epa_internal.h"
#include "ecodrive/units.h"

#include <stdio.h>

#define WHEEL_RADIUS_M     0.32 /* only sets torque scale; speeds come from N/V */
#define HEV_MAX_W_PER_KG   50.0 /* engine power per test mass below which a CVT car is HEV */
#define TURBO_MIN_KW_PER_L 75.0 /* specific power above which a gasoline engine is turbo */

void eco_cfg_epa_classify(const eco_cfg_epa_rec *r, eco_cfg_epa_class *k)
{
    k->r = r;
    k->p_kw = r->hp * ECO_KW_PER_HP;
    k->w_per_kg = k->p_kw * ECO_W_PER_KW / r->etw_kg;
    k->rw = WHEEL_RADIUS_M;
    /* N/V: engine (or motor) rpm per mph in top gear. One mph turns a wheel of radius r at
     * 0.44704 / r rad/s = 60 * 0.44704 / (2 pi r) rpm, so the overall top ratio is
     * N/V * 2 pi r / 26.8224. */
    k->overall_top = r->nv * ECO_RAD_PER_REV * k->rw / (ECO_S_PER_MIN * ECO_MPS_PER_MPH);
    k->bev = eco_cfg_epa_contains(r->fuel, "Electricity");
    k->diesel = eco_cfg_epa_contains(r->fuel, "Diesel");
    k->cvt = eco_cfg_epa_contains(r->tx, "Continuously Variable");
    k->hev = !k->bev && k->cvt && k->w_per_kg < HEV_MAX_W_PER_KG;
    k->turbo = !k->diesel && k->p_kw / r->disp_l > TURBO_MIN_KW_PER_L;
}

void eco_cfg_epa_powertrain_why(const eco_cfg_epa_class *k, char *s, size_t n)
{
    if (k->bev)
        snprintf(s, n, "rule: test fuel \"%s\" -> bev", k->r->fuel);
    else
        snprintf(s, n,
                 "rule: hev if CVT and rated power / test mass < %.0f W/kg; here \"%s\", "
                 "%.1f W/kg -> %s (SCHEMA.md)",
                 HEV_MAX_W_PER_KG, k->r->tx, k->w_per_kg, k->hev ? "hev" : "conventional");
}

void eco_cfg_epa_map_why(const eco_cfg_epa_class *k, char *s, size_t n)
{
    snprintf(s, n, "class default: %s (specific power %.0f kW/L; turbo above %.0f kW/L)",
             k->diesel  ? "diesel"
             : k->turbo ? "turbo gasoline"
                        : "NA gasoline",
             k->p_kw / k->r->disp_l, TURBO_MIN_KW_PER_L);
}

const char *eco_cfg_epa_map(const eco_cfg_epa_class *k, double *map_disp_l)
{
    if (k->diesel) {
        *map_disp_l = 2.993;
        return "bmw_n57_3p0l_diesel";
    }
    if (k->turbo) {
        *map_disp_l = 1.498;
        return "honda_l15b7_1p5l_turbo";
    }
    *map_disp_l = 2.487;
    return "toyota_a25a_2p5l";
}

double eco_cfg_epa_idle_rpm(const eco_cfg_epa_class *k)
{
    return k->hev ? 1000.0 : 800.0;
}

double eco_cfg_epa_spread(int n)
{
    /* Ratio spread of production boxes grows with the gear count: 4-speed AT about 4,
     * 6-speed 5-6, 8-speed about 7, 10-speed 8-9; fitted as 1.2 + 0.75 n. */
    return 1.2 + 0.75 * n;
}
