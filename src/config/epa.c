/* A vehicle JSON from one EPA test-car record. The record gives test weight, road load,
 * rated power, displacement, transmission, axle and N/V ratios and fuel; everything else is
 * a documented class default (models/vehicles/SCHEMA.md, "from-EPA"), the same for every
 * car of a class: no per-vehicle tuning on this path. */
#include "ecodrive/config.h"

#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_COLS   80
#define MAX_ROWS   4096
#define HP_TO_KW   0.745699872 /* mechanical horsepower */
#define LB_TO_KG   0.45359237
#define LBF_TO_N   4.4482216152605
#define MPH_TO_KMH 1.609344
#define MPH_TO_MPS 0.44704

/* ---- class defaults (each one is explained in SCHEMA.md, "from-EPA class defaults") ---- */
#define WHEEL_RADIUS_M           0.32 /* only sets torque scale; speeds come from N/V */
#define HEV_MAX_W_PER_KG         50.0 /* engine power per test mass below which a CVT car is HEV */
#define TURBO_MIN_KW_PER_L       75.0 /* specific power above which a gasoline engine is turbo */
#define ROTATING_MASS_FRACTION   0.03
#define FINAL_DRIVE_EFF          0.98
#define COLD_FUEL_EXTRA          0.3
#define WARMUP_FUEL_MJ           10.0
#define CVT_SPREAD               6.3
#define HEV_BMEP_PA              10.0e5        /* Atkinson-cycle peak BMEP, caps engine torque */
#define SPLIT_RHO                (30.0 / 78.0) /* Toyota THS power-split planetary */
#define HEV_MG2_POWER_FRACTION   0.74
#define HEV_MG1_POWER_FRACTION   0.32
#define HEV_MACHINE_RPM          17000.0
#define HEV_MG2_SPEED_RATIO      5.5 /* max speed / base speed */
#define HEV_TOP_SPEED_KMH        180.0
#define HEV_BATT_POWER_FRACTION  0.29
#define HEV_BATT_P_PER_E_H       25.0 /* power cells: max power / energy, per hour */
#define HEV_CELLS                56
#define BEV_TOP_MPH              110.0 /* motor max speed = N/V at this speed */
#define BEV_SPEED_RATIO          3.0
#define BEV_ENERGY_KWH           60.0
#define BEV_CELLS                96
#define BEV_DISCHARGE_OVER_MOTOR 1.15
#define BEV_CHARGE_C_RATE        1.5
#define BATT_LOSS_AT_MAX         0.05 /* fraction of power lost in R at max power */

typedef struct {
    const char *model_col, *proc, *fuel, *tx, *make;
    double disp_l, hp, gears, axle, nv, etw_kg, f0, f1, f2;
    int line;
} epa_rec;

typedef struct {
    char *cells[MAX_COLS];
    int n, line;
} csv_row;

/* Split one CSV line in place: quotes ("" inside quotes is a quote), cells trimmed. */
static int split_csv(char *s, char **cells, int max)
{
    int n = 0;
    char *w = s;
    for (;;) {
        if (n == max)
            return -1;
        while (*s == ' ' || *s == '\t')
            s++;
        cells[n++] = w;
        if (*s == '"') {
            s++;
            for (;;) {
                if (!*s)
                    return -2; /* unterminated quote */
                if (*s == '"' && s[1] == '"') {
                    *w++ = '"';
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    *w++ = *s++;
                }
            }
            while (*s && *s != ',')
                s++;
        } else {
            char *start = w;
            while (*s && *s != ',')
                *w++ = *s++;
            while (w > start && isspace((unsigned char)w[-1]))
                w--;
        }
        int more = *s == ',';
        *w++ = '\0';
        if (!more)
            return n;
        s++;
    }
}

static int col_index(char **hdr, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcasecmp(hdr[i], name) == 0)
            return i;
    return -1;
}

static int cell_num(const char *path, const csv_row *r, int col, const char *name, double *v)
{
    const char *s = col < r->n ? r->cells[col] : "";
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (!*s || *end || !isfinite(x)) {
        eco_set_error("%s:%d: column \"%s\": not a number: \"%s\"", path, r->line, name, s);
        return ECO_EPARSE;
    }
    *v = x;
    return ECO_OK;
}

static const char *cell(const csv_row *r, int col)
{
    return col >= 0 && col < r->n ? r->cells[col] : "";
}

static int contains_ci(const char *hay, const char *needle)
{
    return strcasestr(hay, needle) != NULL;
}

/* "cvt" is short for the EPA's "Continuously Variable". */
static int tx_matches(const char *tx, const char *want)
{
    if (!want)
        return 1;
    if (strcasecmp(want, "cvt") == 0)
        want = "Continuously Variable";
    return strncasecmp(tx, want, strlen(want)) == 0;
}

/* Round to 6 significant digits so that the JSON reads cleanly. */
static double sig6(double x)
{
    if (x == 0.0 || !isfinite(x))
        return x;
    double e = floor(log10(fabs(x)));
    double k = pow(10.0, 5.0 - e);
    return round(x * k) / k;
}

/* ---- JSON builder: the first allocation failure is remembered ---- */

typedef struct {
    int oom;
} jb;

static cJSON *obj(jb *b, cJSON *parent, const char *key)
{
    cJSON *o = parent ? cJSON_AddObjectToObject(parent, key) : cJSON_CreateObject();
    b->oom |= !o;
    return o;
}

static void num(jb *b, cJSON *o, const char *key, double v, const char *src)
{
    if (!o)
        return;
    b->oom |= !cJSON_AddNumberToObject(o, key, sig6(v));
    if (src) {
        char k[96];
        snprintf(k, sizeof k, "%s_source", key);
        b->oom |= !cJSON_AddStringToObject(o, k, src);
    }
}

static void str(jb *b, cJSON *o, const char *key, const char *v)
{
    if (o)
        b->oom |= !cJSON_AddStringToObject(o, key, v);
}

static void arr(jb *b, cJSON *o, const char *key, const double *v, int n)
{
    if (!o)
        return;
    double r[ECO_CURVE_MAX];
    for (int i = 0; i < n; i++)
        r[i] = sig6(v[i]);
    cJSON *a = cJSON_CreateDoubleArray(r, n);
    b->oom |= !a || !cJSON_AddItemToObject(o, key, a);
}

static void curve(jb *b, cJSON *o, const char *key, const char *xk, const double *x, const char *yk,
                  const double *y, int n, const char *src)
{
    cJSON *c = obj(b, o, key);
    arr(b, c, xk, x, n);
    arr(b, c, yk, y, n);
    if (src)
        str(b, c, "_source", src);
}

/* ---- shared curves of the class defaults ---- */

/* FASTSim-2 default machine efficiency over power fraction (fastsim2_2016_TOYOTA_Prius_Two.csv
 * mc_pwr_out_perc / mc_eff_map). */
static const double mc_x[] = {0.00, 0.02, 0.04, 0.06, 0.08, 0.10, 0.20, 0.40, 0.60, 0.80, 1.00};
static const double mc_y[] = {0.83, 0.85, 0.87, 0.89, 0.90, 0.91, 0.93, 0.94, 0.94, 0.93, 0.92};
/* Generic NMC/graphite cell OCV (SCHEMA.md, "Battery OCV"). */
static const double ocv_soc[] = {0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
static const double ocv_cell[] = {3.00, 3.35, 3.45, 3.55, 3.62, 3.67,
                                  3.73, 3.82, 3.92, 4.00, 4.08, 4.19};
/* Engine-out NOx emission index over BMEP (SCHEMA.md, "NOx"). */
static const double nox_si_bar[] = {0, 2, 4, 6, 8, 10, 12, 14};
static const double nox_si_gkg[] = {4, 8, 14, 20, 26, 30, 32, 32};
static const double nox_di_bar[] = {0, 4, 8, 12, 16, 20};
static const double nox_di_gkg[] = {8, 10, 14, 20, 28, 32};

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static double mean_cell_ocv(void)
{
    double s = 0.0;
    for (int i = 1; i < N_OF(ocv_soc); i++)
        s += 0.5 * (ocv_cell[i] + ocv_cell[i - 1]) * (ocv_soc[i] - ocv_soc[i - 1]);
    return s;
}

static void add_battery(jb *b, cJSON *root, double p_kw, double e_kwh, double chg_kw, int cells,
                        double soc_min, double soc_max, double soc_init, const char *why)
{
    cJSON *bat = obj(b, root, "battery");
    double v_nom = cells * mean_cell_ocv();
    cJSON *ocv = obj(b, bat, "ocv");
    arr(b, ocv, "soc", ocv_soc, N_OF(ocv_soc));
    arr(b, ocv, "cell_voltage_v", ocv_cell, N_OF(ocv_cell));
    num(b, ocv, "cells_series", cells, NULL);
    str(b, ocv, "_source", "class default: generic NMC/graphite cell OCV (SCHEMA.md)");
    num(b, bat, "energy_kwh", e_kwh, why);
    num(b, bat, "r_internal_ohm", BATT_LOSS_AT_MAX * v_nom * v_nom / (p_kw * 1e3),
        "class default: 5 % of max power lost in R at max power, R = 0.05 V^2 / P");
    num(b, bat, "max_discharge_kw", p_kw, NULL);
    num(b, bat, "max_charge_kw", chg_kw, NULL);
    num(b, bat, "max_current_a", 1.5 * p_kw * 1e3 / v_nom,
        "class default: 1.5 x max power / nominal voltage (voltage sags under load)");
    num(b, bat, "soc_min", soc_min, NULL);
    num(b, bat, "soc_max", soc_max, NULL);
    num(b, bat, "soc_init", soc_init, NULL);
}

static void add_machine(jb *b, cJSON *root, const char *key, double p_kw, double t_nm, double rpm,
                        double ratio, const char *why)
{
    cJSON *m = obj(b, root, key);
    num(b, m, "max_power_kw", p_kw, NULL);
    num(b, m, "max_torque_nm", t_nm, NULL);
    num(b, m, "max_speed_rpm", rpm, NULL);
    num(b, m, "gear_ratio", ratio, NULL);
    curve(b, m, "efficiency", "power_fraction", mc_x, "efficiency", mc_y, N_OF(mc_x),
          "FASTSim-2 default mc_eff_map (fastsim2_2016_TOYOTA_Prius_Two.csv)");
    str(b, m, "_source", why);
}

static double spread_for_gears(int n)
{
    /* Ratio spread of production boxes grows with the gear count: 4-speed AT about 4,
     * 6-speed 5-6, 8-speed about 7, 10-speed 8-9; fitted as 1.2 + 0.75 n. */
    return 1.2 + 0.75 * n;
}

static const char *map_for(int diesel, int turbo, double *map_disp_l)
{
    if (diesel) {
        *map_disp_l = 2.993;
        return "bmw_n57_3p0l_diesel";
    }
    if (turbo) {
        *map_disp_l = 1.498;
        return "honda_l15b7_1p5l_turbo";
    }
    *map_disp_l = 2.487;
    return "toyota_a25a_2p5l";
}

/* What the rules of SCHEMA.md make of one record. */
typedef struct {
    const epa_rec *r;
    double p_kw, w_per_kg, rw;
    double overall_top; /* engine or motor speed / wheel speed in top gear */
    int bev, hev, cvt, diesel;
} epa_class;

static void classify(const epa_rec *r, epa_class *k)
{
    k->r = r;
    k->p_kw = r->hp * HP_TO_KW;
    k->w_per_kg = k->p_kw * 1e3 / r->etw_kg;
    k->rw = WHEEL_RADIUS_M;
    /* N/V: engine (or motor) rpm per mph in top gear. One mph turns a wheel of radius r at
     * 0.44704 / r rad/s = 60 * 0.44704 / (2 pi r) rpm, so the overall top ratio is
     * N/V * 2 pi r / 26.8224. */
    k->overall_top = r->nv * 2.0 * M_PI * k->rw / (60.0 * MPH_TO_MPS);
    k->bev = contains_ci(r->fuel, "Electricity");
    k->diesel = contains_ci(r->fuel, "Diesel");
    k->cvt = contains_ci(r->tx, "Continuously Variable");
    k->hev = !k->bev && k->cvt && k->w_per_kg < HEV_MAX_W_PER_KG;
}

static double idle_rpm(const epa_class *k)
{
    return k->hev ? 1000.0 : 800.0;
}

static void build_head(jb *b, cJSON *root, const epa_class *k, const char *why_row)
{
    const epa_rec *r = k->r;
    char s[256];
    snprintf(s, sizeof s, "%s %s (EPA test car record)", r->make, r->model_col);
    s[ECO_NAME_MAX - 1] = '\0';
    str(b, root, "name", s);
    str(b, root, "description",
        "Made by ecosim vehicle --from-epa: the record's data plus class defaults, untuned.");
    str(b, root, "powertrain", k->bev ? "bev" : k->hev ? "hev" : "conventional");
    if (k->bev)
        snprintf(s, sizeof s, "rule: test fuel \"%s\" -> bev", r->fuel);
    else
        snprintf(s, sizeof s,
                 "rule: hev if CVT and rated power / test mass < %.0f W/kg; here \"%s\", "
                 "%.1f W/kg -> %s (SCHEMA.md)",
                 HEV_MAX_W_PER_KG, r->tx, k->w_per_kg, k->hev ? "hev" : "conventional");
    str(b, root, "powertrain_source", s);
    cJSON *src = obj(b, root, "sources");
    str(b, src, "record", why_row);
    str(b, src, "defaults",
        "ecodrive from-EPA class defaults, models/vehicles/SCHEMA.md (physical reasoning "
        "there); none tuned to this car");
    num(b, root, "mass_kg", r->etw_kg, "record: Equivalent Test Weight (ETW)");
    cJSON *rl = obj(b, root, "road_load");
    num(b, rl, "f0_n", r->f0, NULL);
    num(b, rl, "f1_n_per_kmh", r->f1, NULL);
    num(b, rl, "f2_n_per_kmh2", r->f2, NULL);
    str(b, rl, "_source", "record: target coefficients A/B/C");
    num(b, root, "wheel_radius_m", k->rw,
        "class default; with ratios from N/V it cancels out of every speed and torque");
    num(b, root, "brake_max_n", r->etw_kg * ECO_G_MPS2, "class default: 1 g at test mass");
}

static void build_gearbox(jb *b, cJSON *root, const epa_class *k)
{
    const epa_rec *r = k->r;
    char s[160];
    cJSON *gb = obj(b, root, "gearbox");
    if (k->bev) {
        str(b, gb, "type", "single");
        num(b, gb, "final_drive", k->overall_top,
            "record: N/V (motor rpm per mph) x 2 pi r / 26.8224 (axle ratio included)");
    } else if (k->hev) {
        str(b, gb, "type", "split");
        num(b, gb, "sun_teeth", 30, NULL);
        num(b, gb, "ring_teeth", 78, "class default: Toyota THS planetary (SCHEMA.md)");
        num(b, gb, "final_drive", r->axle, "record: axle ratio (ring to wheels)");
    } else if (k->cvt) {
        double rmin = k->overall_top / r->axle;
        str(b, gb, "type", "cvt");
        num(b, gb, "ratio_min", rmin, "record: N/V -> overall top ratio / axle ratio");
        num(b, gb, "ratio_max", rmin * CVT_SPREAD, "class default: belt-CVT spread 6.3");
        num(b, gb, "min_drive_rpm", 1400,
            "class default: CVT engine speed floor under load (README fidelity table)");
        num(b, gb, "final_drive", r->axle, "record: axle ratio");
    } else {
        int n = (int)r->gears;
        double top = k->overall_top / r->axle, sp = spread_for_gears(n), ratios[ECO_GEARS_MAX];
        for (int i = 0; i < n; i++)
            ratios[i] = top * pow(sp, (double)(n - 1 - i) / (n - 1));
        str(b, gb, "type", "stepped");
        arr(b, gb, "ratios", ratios, n);
        snprintf(s, sizeof s,
                 "top gear from the record's N/V and axle ratio; spread %.2f for %d gears, "
                 "geometric steps (class default)",
                 sp, n);
        str(b, gb, "ratios_source", s);
        num(b, gb, "launch_speed_kmh",
            idle_rpm(k) * M_PI / 30.0 * k->rw / (ratios[0] * r->axle) * 3.6,
            "speed at idle in first gear: the clutch slips below it");
        num(b, gb, "final_drive", r->axle, "record: axle ratio");
    }
}

static void build_engine(jb *b, cJSON *root, const epa_class *k)
{
    const epa_rec *r = k->r;
    char s[160];
    double map_disp, disp = r->disp_l;
    int turbo = !k->diesel && k->p_kw / disp > TURBO_MIN_KW_PER_L;
    const char *stem = map_for(k->diesel, turbo, &map_disp);
    cJSON *e = obj(b, root, "engine");
    str(b, e, "map", stem);
    snprintf(s, sizeof s, "class default: %s (specific power %.0f kW/L; turbo above %.0f kW/L)",
             k->diesel ? "diesel"
             : turbo   ? "turbo gasoline"
                       : "NA gasoline",
             k->p_kw / disp, TURBO_MIN_KW_PER_L);
    str(b, e, "map_source", s);
    num(b, e, "map_displacement_l", map_disp, "manufacturer displacement of the map's engine");
    num(b, e, "displacement_l", disp, "record: Test Veh Displacement");
    num(b, e, "rated_power_kw", k->p_kw, "record: Rated Horsepower x 0.7457");
    if (k->hev)
        num(b, e, "max_torque_nm", HEV_BMEP_PA * disp * 1e-3 / (4.0 * M_PI),
            "class default: Atkinson-cycle peak BMEP 10 bar, T = BMEP Vd / (4 pi)");
    num(b, e, "idle_speed_rpm", idle_rpm(k), "class default");
    num(b, e, "max_speed_rpm",
        k->hev      ? 5200.0
        : k->diesel ? 4500.0
        : turbo     ? 6000.0
                    : 6200.0,
        "class default");
    b->oom |= !cJSON_AddBoolToObject(e, "start_stop", k->hev);
    if (k->diesel)
        curve(b, e, "nox", "bmep_bar", nox_di_bar, "g_per_kg_fuel", nox_di_gkg, N_OF(nox_di_bar),
              "class default: diesel with EGR (SCHEMA.md, NOx)");
    else
        curve(b, e, "nox", "bmep_bar", nox_si_bar, "g_per_kg_fuel", nox_si_gkg, N_OF(nox_si_bar),
              "class default: stoichiometric SI (SCHEMA.md, NOx)");
    str(b, root, "fuel",
        k->diesel                        ? "diesel_b7_eu"
        : contains_ci(r->fuel, "Tier 3") ? "gasoline_e10_eu"
                                         : "gasoline_tier2");
    snprintf(s, sizeof s, "record: test fuel \"%s\"", r->fuel);
    str(b, root, "fuel_source", s);
    if (!k->hev)
        num(b, root, "alternator_efficiency", 0.65, "class default: claw-pole alternator");
}

static void build_electric(jb *b, cJSON *root, const epa_class *k)
{
    const epa_rec *r = k->r;
    if (k->hev) {
        double t_e = HEV_BMEP_PA * r->disp_l * 1e-3 / (4.0 * M_PI);
        double rho = SPLIT_RHO, w_max = HEV_MACHINE_RPM * M_PI / 30.0;
        double p2 = HEV_MG2_POWER_FRACTION * k->p_kw, p1 = HEV_MG1_POWER_FRACTION * k->p_kw;
        double ring_at_top = HEV_TOP_SPEED_KMH / 3.6 / k->rw * r->axle;
        add_machine(b, root, "motor", p2, p2 * 1e3 / (w_max / HEV_MG2_SPEED_RATIO), HEV_MACHINE_RPM,
                    w_max / ring_at_top,
                    "class default (SCHEMA.md): MG2 = 0.74 engine power, 17000 rpm, base speed "
                    "1/5.5 of max, reduction so that 180 km/h is max speed");
        add_machine(b, root, "generator", p1, rho / (1.0 + rho) * t_e, HEV_MACHINE_RPM, 1.0,
                    "class default (SCHEMA.md): MG1 = 0.32 engine power, torque = the engine's "
                    "reaction rho/(1+rho) T_max on the sun gear");
        double pb = HEV_BATT_POWER_FRACTION * k->p_kw;
        add_battery(b, root, pb, pb / HEV_BATT_P_PER_E_H, pb, HEV_CELLS, 0.4, 0.8, 0.6,
                    "class default: power 0.29 engine power, energy = power / 25 h^-1");
    } else {
        double rpm = r->nv * BEV_TOP_MPH, w = rpm * M_PI / 30.0;
        add_machine(b, root, "motor", k->p_kw, k->p_kw * 1e3 / (w / BEV_SPEED_RATIO), rpm, 1.0,
                    "power: record Rated Horsepower; class default (SCHEMA.md): max speed = "
                    "N/V x 110 mph, base speed 1/3 of max");
        double chg = fmin(k->p_kw, BEV_CHARGE_C_RATE * BEV_ENERGY_KWH);
        add_battery(b, root, BEV_DISCHARGE_OVER_MOTOR * k->p_kw, BEV_ENERGY_KWH, chg, BEV_CELLS,
                    0.05, 0.98, 0.95,
                    "class default: 60 kWh (sets the SOC swing only, not energy per km)");
    }
    num(b, root, "regen_fade_low_kmh", 5.0, NULL);
    num(b, root, "regen_fade_high_kmh", 12.0, "class default: regen blends out below");
}

static void build_calibration(jb *b, cJSON *root, const epa_class *k)
{
    cJSON *cal = obj(b, root, "calibration");
    num(b, cal, "rotating_mass_kg", ROTATING_MASS_FRACTION * k->r->etw_kg,
        "class default: 3 % of test mass (WLTP default for rotating inertia)");
    num(b, cal, "aux_power_w",
        k->bev   ? 300.0
        : k->hev ? 500.0
                 : 400.0,
        "class default (SCHEMA.md)");
    if (!k->bev && !k->hev) {
        const char *tx = k->r->tx;
        double eta = k->cvt                                ? 0.90
                     : contains_ci(tx, "Automated Manual") ? 0.96
                     : contains_ci(tx, "Manual")           ? 0.97
                                                           : 0.93;
        num(b, cal, "gearbox_efficiency", eta, "class default by transmission type (SCHEMA.md)");
    }
    num(b, cal, "final_drive_efficiency", k->bev || k->hev ? 0.97 : FINAL_DRIVE_EFF,
        "class default (SCHEMA.md)");
    if (!k->bev) {
        num(b, cal, "cold_fuel_extra", COLD_FUEL_EXTRA, NULL);
        num(b, cal, "warmup_fuel_energy_mj", WARMUP_FUEL_MJ,
            "class default: ~11 % more fuel in FTP bag 1 (SCHEMA.md)");
    } else {
        num(b, cal, "charger_efficiency", 0.88, "class default: Level-2 AC, wall to cells");
    }
    str(b, cal, "note", "class defaults of the from-EPA path; not tuned");
}

/* Build the JSON for one record. why_row names the record for "sources.record". */
static cJSON *build(jb *b, const epa_rec *r, const char *why_row)
{
    epa_class k;
    classify(r, &k);
    cJSON *root = obj(b, NULL, "");
    if (!root)
        return NULL;
    build_head(b, root, &k, why_row);
    build_gearbox(b, root, &k);
    if (!k.bev)
        build_engine(b, root, &k);
    if (k.bev || k.hev)
        build_electric(b, root, &k);
    build_calibration(b, root, &k);
    return root;
}

typedef struct {
    int model, make, disp, hp, tx, gears, axle, nv, proc, fuel;
    int etw_kg, etw_lb, f0, f1, f2, a, b, c;
} epa_cols;

static int find_cols(const char *path, char **h, int n, epa_cols *c)
{
    static const struct {
        const char *name;
        size_t off;
    } req[] = {
        {"Represented Test Veh Model", offsetof(epa_cols, model)},
        {"Test Veh Displacement (L)", offsetof(epa_cols, disp)},
        {"Rated Horsepower", offsetof(epa_cols, hp)},
        {"Tested Transmission Type", offsetof(epa_cols, tx)},
        {"# of Gears", offsetof(epa_cols, gears)},
        {"Axle Ratio", offsetof(epa_cols, axle)},
        {"N/V Ratio", offsetof(epa_cols, nv)},
        {"Test Procedure Description", offsetof(epa_cols, proc)},
        {"Test Fuel Type Description", offsetof(epa_cols, fuel)},
    };
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++) {
        int k = col_index(h, n, req[i].name);
        if (k < 0) {
            eco_set_error("%s:1: missing column \"%s\"", path, req[i].name);
            return ECO_EPARSE;
        }
        *(int *)((char *)c + req[i].off) = k;
    }
    c->make = col_index(h, n, "Represented Test Veh Make");
    c->etw_kg = col_index(h, n, "ETW_kg");
    c->etw_lb = col_index(h, n, "Equivalent Test Weight (lbs.)");
    c->f0 = col_index(h, n, "F0_N");
    c->f1 = col_index(h, n, "F1_N_per_kmh");
    c->f2 = col_index(h, n, "F2_N_per_kmh2");
    c->a = col_index(h, n, "Target Coef A (lbf)");
    c->b = col_index(h, n, "Target Coef B (lbf/mph)");
    c->c = col_index(h, n, "Target Coef C (lbf/mph**2)");
    if (c->etw_kg < 0 && c->etw_lb < 0) {
        eco_set_error("%s:1: missing column \"ETW_kg\" or \"Equivalent Test Weight (lbs.)\"", path);
        return ECO_EPARSE;
    }
    if ((c->f0 < 0 || c->f1 < 0 || c->f2 < 0) && (c->a < 0 || c->b < 0 || c->c < 0)) {
        eco_set_error("%s:1: missing road-load columns: F0_N, F1_N_per_kmh, F2_N_per_kmh2 or "
                      "Target Coef A (lbf), Target Coef B (lbf/mph), Target Coef C (lbf/mph**2)",
                      path);
        return ECO_EPARSE;
    }
    return ECO_OK;
}

/* Numbers of the chosen row, converted to SI where the CSV has only US units. */
static int read_rec(const char *path, const csv_row *row, const epa_cols *c, epa_rec *r)
{
    int rc;
    r->line = row->line;
    r->model_col = cell(row, c->model);
    r->make = c->make >= 0 ? cell(row, c->make) : "";
    r->proc = cell(row, c->proc);
    r->fuel = cell(row, c->fuel);
    r->tx = cell(row, c->tx);
    if ((rc = cell_num(path, row, c->disp, "Test Veh Displacement (L)", &r->disp_l)) ||
        (rc = cell_num(path, row, c->hp, "Rated Horsepower", &r->hp)) ||
        (rc = cell_num(path, row, c->gears, "# of Gears", &r->gears)) ||
        (rc = cell_num(path, row, c->axle, "Axle Ratio", &r->axle)) ||
        (rc = cell_num(path, row, c->nv, "N/V Ratio", &r->nv)))
        return rc;
    if (c->etw_kg >= 0) {
        if ((rc = cell_num(path, row, c->etw_kg, "ETW_kg", &r->etw_kg)))
            return rc;
    } else {
        if ((rc = cell_num(path, row, c->etw_lb, "Equivalent Test Weight (lbs.)", &r->etw_kg)))
            return rc;
        r->etw_kg *= LB_TO_KG;
    }
    if (c->f0 >= 0 && c->f1 >= 0 && c->f2 >= 0) {
        if ((rc = cell_num(path, row, c->f0, "F0_N", &r->f0)) ||
            (rc = cell_num(path, row, c->f1, "F1_N_per_kmh", &r->f1)) ||
            (rc = cell_num(path, row, c->f2, "F2_N_per_kmh2", &r->f2)))
            return rc;
    } else {
        if ((rc = cell_num(path, row, c->a, "Target Coef A (lbf)", &r->f0)) ||
            (rc = cell_num(path, row, c->b, "Target Coef B (lbf/mph)", &r->f1)) ||
            (rc = cell_num(path, row, c->c, "Target Coef C (lbf/mph**2)", &r->f2)))
            return rc;
        r->f0 *= LBF_TO_N;
        r->f1 *= LBF_TO_N / MPH_TO_KMH;
        r->f2 *= LBF_TO_N / (MPH_TO_KMH * MPH_TO_KMH);
    }
    return ECO_OK;
}

static int check_rec(const char *path, epa_rec *r, double displacement_l, double hp)
{
    int bev = contains_ci(r->fuel, "Electricity");
    if (displacement_l > 0.0)
        r->disp_l = displacement_l;
    if (hp > 0.0)
        r->hp = hp;
    if (!bev && !contains_ci(r->fuel, "Gasoline") && !contains_ci(r->fuel, "Diesel") &&
        !contains_ci(r->fuel, "Regular") && !contains_ci(r->fuel, "Premium")) {
        eco_set_error("%s:%d: test fuel \"%s\": no class defaults for it (gasoline, diesel or "
                      "electricity)",
                      path, r->line, r->fuel);
        return ECO_EINVAL;
    }
    const char *bad = NULL;
    double v = 0.0;
    if (!(r->etw_kg > 300.0 && r->etw_kg < 10000.0))
        bad = "test weight", v = r->etw_kg;
    else if (!(r->hp > 0.0))
        bad = "Rated Horsepower", v = r->hp;
    else if (!(r->nv > 0.0))
        bad = "N/V Ratio", v = r->nv;
    else if (!(r->axle > 0.0))
        bad = "Axle Ratio", v = r->axle;
    else if (!bev && !(r->disp_l > 0.05))
        bad = "Test Veh Displacement (L)", v = r->disp_l;
    else if (!(r->f2 > 0.0) || r->f0 < 0.0)
        bad = "road load (F0 >= 0, F2 > 0)", v = r->f2;
    else if (!bev && !contains_ci(r->tx, "Continuously Variable") &&
             !(r->gears >= 2 && r->gears <= ECO_GEARS_MAX && r->gears == floor(r->gears)))
        bad = "# of Gears (2..10 for a stepped box)", v = r->gears;
    if (bad) {
        eco_set_error("%s:%d: %s: out of range, got %g", path, r->line, bad, v);
        return ECO_EINVAL;
    }
    return ECO_OK;
}

int eco_cfg_vehicle_from_epa(const char *csv_path, const char *model, double displacement_l,
                             double hp, cJSON **out)
{
    char want[128], *want_tx = NULL, *text = NULL, *line, *next;
    char *hdr[MAX_COLS];
    char models[256] = "";
    csv_row row, first = {.n = 0}, hw = {.n = 0};
    epa_cols cols;
    int rc, nh, lineno = 0, count = 0, hw_index = 0, has_elec = 0, has_fuel = 0;
    *out = NULL;
    if (!model || !*model || strlen(model) >= sizeof want) {
        eco_set_error("from-EPA: a model name is needed (at most %zu characters)", sizeof want - 1);
        return ECO_EINVAL;
    }
    snprintf(want, sizeof want, "%s", model);
    if ((want_tx = strchr(want, '|'))) {
        *want_tx++ = '\0';
        while (isspace((unsigned char)*want_tx))
            want_tx++;
    }
    for (char *e = want + strlen(want); e > want && isspace((unsigned char)e[-1]);)
        *--e = '\0';
    if ((rc = eco_read_file(csv_path, NULL, &text, NULL)))
        return rc;
    cJSON_Hooks hooks = {eco_malloc, eco_free};
    cJSON_InitHooks(&hooks);
    for (line = text; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        size_t l = strlen(line);
        if (l && line[l - 1] == '\r')
            line[l - 1] = '\0';
        if (!*line)
            continue;
        char **cells = lineno == 1 ? hdr : row.cells;
        int n = split_csv(line, cells, MAX_COLS);
        if (n < 0) {
            eco_set_error("%s:%d: malformed CSV (%s)", csv_path, lineno,
                          n == -2 ? "unterminated quote" : "too many columns");
            rc = ECO_EPARSE;
            goto done;
        }
        if (lineno == 1) {
            nh = n;
            if ((rc = find_cols(csv_path, hdr, nh, &cols)))
                goto done;
            continue;
        }
        row.n = n;
        row.line = lineno;
        const char *mc = cell(&row, cols.model);
        if (strcasecmp(mc, want) != 0 || !tx_matches(cell(&row, cols.tx), want_tx)) {
            size_t k = strlen(models), lm = strlen(mc);
            if (!strcasestr(models, mc) && k + lm + 5 < sizeof models) {
                if (k) {
                    memcpy(models + k, ", ", 2);
                    k += 2;
                }
                models[k++] = '"';
                memcpy(models + k, mc, lm);
                k += lm;
                models[k++] = '"';
                models[k] = '\0';
            }
            continue;
        }
        count++;
        if (contains_ci(cell(&row, cols.fuel), "Electricity"))
            has_elec = 1;
        else
            has_fuel = 1;
        if (count == 1)
            first = row;
        const char *proc = cell(&row, cols.proc);
        if (!hw.n && (contains_ci(proc, "HWFE") || contains_ci(proc, "Highway"))) {
            hw = row;
            hw_index = count;
        }
    }
    if (lineno == 0) {
        eco_set_error("%s: empty file", csv_path);
        rc = ECO_EPARSE;
        goto done;
    }
    if (!count) {
        eco_set_error("%s: no record with \"Represented Test Veh Model\" \"%s\"%s%s (the file "
                      "has %s)",
                      csv_path, want, want_tx ? " and transmission " : "", want_tx ? want_tx : "",
                      *models ? models : "no other models");
        rc = ECO_ENOENT;
        goto done;
    }
    if (has_elec && has_fuel) {
        eco_set_error("%s: \"%s\" has both electric and fuel tests: a plug-in hybrid, which the "
                      "from-EPA class defaults do not cover",
                      csv_path, want);
        rc = ECO_EINVAL;
        goto done;
    }
    epa_rec rec;
    const csv_row *pick = hw.n ? &hw : &first;
    if ((rc = read_rec(csv_path, pick, &cols, &rec)) ||
        (rc = check_rec(csv_path, &rec, displacement_l, hp)))
        goto done;
    const char *base = strrchr(csv_path, '/');
    base = base ? base + 1 : csv_path;
    char why[384];
    snprintf(why, sizeof why, "%s line %d: %s %s, %s, %s; row %d of %d matching \"%s\"%s%s: %s%s%s",
             base, rec.line, rec.make, rec.model_col, rec.tx, rec.proc, hw.n ? hw_index : 1, count,
             want, want_tx ? " with transmission " : "", want_tx ? want_tx : "",
             hw.n ? "the first HWFE/Highway one" : "the first (none is HWFE/Highway)",
             displacement_l > 0.0 ? "; displacement overridden" : "",
             hp > 0.0 ? "; horsepower overridden" : "");
    jb b = {0};
    cJSON *root = build(&b, &rec, why);
    if (b.oom || !root) {
        cJSON_Delete(root);
        rc = ECO_ENOMEM;
        goto done;
    }
    *out = root;
    rc = ECO_OK;
done:
    eco_free(text);
    return rc;
}
