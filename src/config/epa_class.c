/* The from-EPA powertrain class of a record (models/vehicles/SCHEMA.md, "from-EPA"): battery
 * electric, power-split hybrid or conventional, and what the class picks (engine map, idle,
 * ratio spread). The same rules for every car: no per-vehicle tuning. */
#include "epa_internal.h"
#include "ecodrive/units.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define WHEEL_RADIUS_M     0.32 /* only sets torque scale; speeds come from N/V */
#define HEV_MAX_W_PER_KG   50.0 /* engine power per test mass below which a CVT car is HEV */
#define TURBO_MIN_KW_PER_L 75.0 /* specific power above which a gasoline engine is turbo */

static const char *const PT_NAMES[ECO_CFG_EPA_N] = {
    [ECO_CFG_EPA_CONV] = "conv",       [ECO_CFG_EPA_HEV_SPLIT] = "hev-split",
    [ECO_CFG_EPA_HEV_P2] = "hev-p2",   [ECO_CFG_EPA_PHEV_SPLIT] = "phev-split",
    [ECO_CFG_EPA_PHEV_P2] = "phev-p2", [ECO_CFG_EPA_BEV] = "bev",
};

const char *eco_cfg_epa_powertrain_name(eco_cfg_epa_powertrain pt)
{
    return pt >= 0 && pt < ECO_CFG_EPA_N ? PT_NAMES[pt] : "?";
}

/* The architecture of a hybrid from its transmission: the planetary of a power split (Toyota
 * and Lexus THS, Ford and Lincoln PSD) and the two-motor series-parallel drives (Honda
 * i-MMD, Chrysler eFlite) have no stepped box and are tested as "Continuously Variable"; a
 * parallel P2 hybrid has its motor before a stepped box (Hyundai and Kia 6-speed automatics
 * and DCTs, BMW, Mercedes, Porsche, Volkswagen, Jaguar Land Rover, and Ford's own P2 trucks,
 * the Explorer and F-150 hybrids on the 10-speed). The two-motor drives are modelled as a
 * split. */
static int split_by_transmission(const eco_cfg_epa_class *k)
{
    return k->cvt;
}

/* A whole word of the model name (HYBRID, HEV, PHEV, ...), in capitals or not. */
static int name_word(const char *model, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = model; (p = strcasestr(p, word)); p += n)
        if ((p == model || !isalnum((unsigned char)p[-1])) && !isalnum((unsigned char)p[n]))
            return 1;
    return 0;
}

/* Lexus marks its hybrids with an h after the three-digit model number ("ES 300h", "RX 450h",
 * the plug-in "NX 450h+"); the list's records of them do not say HYBRID. */
static int lexus_hybrid_name(const char *model)
{
    for (const char *p = model; *p; p++) {
        if (p > model && isalnum((unsigned char)p[-1]))
            continue;
        int d = 0;
        while (isdigit((unsigned char)p[d]))
            d++;
        if (d == 3 && p[d] == 'h' && !isalnum((unsigned char)p[d + 1]))
            return 1;
    }
    return 0;
}

static void decide(eco_cfg_epa_class *k, int plug_in)
{
    const eco_cfg_epa_rec *r = k->r;
    const char *m = r->model_col;
    int named_phev = name_word(m, "PHEV") || name_word(m, "PLUG-IN") || name_word(m, "PRIME") ||
                     name_word(m, "ENERGI");
    int named_hev = name_word(m, "HYBRID") || name_word(m, "HEV") || name_word(m, "FHEV") ||
                    lexus_hybrid_name(m);
    int split = split_by_transmission(k);
    if (k->bev) {
        k->pt = ECO_CFG_EPA_BEV;
        snprintf(k->why, sizeof k->why, "rule: test fuel \"%s\" -> bev", r->fuel);
    } else if (plug_in || named_phev) {
        k->pt = split ? ECO_CFG_EPA_PHEV_SPLIT : ECO_CFG_EPA_PHEV_P2;
        snprintf(k->why, sizeof k->why, "rule: %s -> plug-in; transmission \"%s\" -> %s",
                 plug_in ? "charge-depleting tests" : "model name", r->tx, split ? "split" : "p2");
    } else if (named_hev || (k->cvt && k->w_per_kg < HEV_MAX_W_PER_KG)) {
        k->pt = split ? ECO_CFG_EPA_HEV_SPLIT : ECO_CFG_EPA_HEV_P2;
        snprintf(k->why, sizeof k->why, "rule: %s -> hybrid; transmission \"%s\" -> %s (SCHEMA.md)",
                 named_hev ? "model name" : "CVT and rated power / test mass under 50 W/kg", r->tx,
                 split ? "split" : "p2");
    } else {
        k->pt = ECO_CFG_EPA_CONV;
        snprintf(k->why, sizeof k->why,
                 "rule: not electric, no hybrid in the name, and not a CVT under %.0f W/kg "
                 "(here \"%s\", %.1f W/kg) -> conventional (SCHEMA.md)",
                 HEV_MAX_W_PER_KG, r->tx, k->w_per_kg);
    }
}

int eco_cfg_epa_classify(const char *path, const eco_cfg_epa_rec *r, int plug_in,
                         const char *override, eco_cfg_epa_class *k)
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
    k->turbo = !k->diesel && k->p_kw / r->disp_l > TURBO_MIN_KW_PER_L;
    decide(k, plug_in);
    if (override) {
        int i = 0;
        while (i < ECO_CFG_EPA_N && strcmp(override, PT_NAMES[i]))
            i++;
        if (i == ECO_CFG_EPA_N) {
            eco_set_error("--powertrain %s: use conv, hev-split, hev-p2, phev-split, phev-p2 or "
                          "bev",
                          override);
            return ECO_EINVAL;
        }
        k->pt = (eco_cfg_epa_powertrain)i;
        snprintf(k->why, sizeof k->why, "given: --powertrain %s", override);
    }
    if ((k->pt == ECO_CFG_EPA_BEV) != k->bev) {
        eco_set_error("%s:%d: %s %s: --powertrain %s does not fit its test fuel \"%s\"", path,
                      r->line, r->make, r->model_col, PT_NAMES[k->pt], r->fuel);
        return ECO_EINVAL;
    }
    k->hev = k->pt == ECO_CFG_EPA_HEV_SPLIT;
    k->p2 = k->pt == ECO_CFG_EPA_HEV_P2;
    if (k->pt == ECO_CFG_EPA_PHEV_P2 || k->pt == ECO_CFG_EPA_PHEV_SPLIT) {
        eco_set_error("%s:%d: %s %s is a %s (%s): not built, plug-in hybrids are not modelled "
                      "yet (--powertrain hev-split or hev-p2 builds it charge-sustaining)",
                      path, r->line, r->make, r->model_col, PT_NAMES[k->pt], k->why);
        return ECO_EINVAL;
    }
    return ECO_OK;
}

void eco_cfg_epa_powertrain_why(const eco_cfg_epa_class *k, char *s, size_t n)
{
    snprintf(s, n, "%s", k->why);
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
