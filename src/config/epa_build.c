/* The from-EPA vehicle JSON: the record's data where it has them, and for the rest the class
 * defaults of models/vehicles/SCHEMA.md ("from-EPA class defaults"), each value with its
 * source beside it. */
#include "epa_internal.h"
#include "ecodrive/units.h"

#include <math.h>
#include <stdio.h>

/* ---- class defaults (each one is explained in SCHEMA.md, "from-EPA class defaults") ---- */
#define ROTATING_MASS_FRACTION  0.03
#define FINAL_DRIVE_EFF         0.98
#define COLD_FUEL_EXTRA         0.3
#define WARMUP_FUEL_MJ          10.0
#define CVT_SPREAD              6.3
#define HEV_BMEP_PA             10.0e5        /* Atkinson-cycle peak BMEP, caps engine torque */
#define SPLIT_RHO               (30.0 / 78.0) /* Toyota THS power-split planetary */
#define HEV_MG2_POWER_FRACTION  0.74
#define HEV_MG1_POWER_FRACTION  0.32
#define HEV_MACHINE_RPM         17000.0
#define HEV_MG2_SPEED_RATIO     5.5 /* max speed / base speed */
#define HEV_TOP_SPEED_KMH       180.0
#define HEV_BATT_POWER_FRACTION 0.29
#define HEV_BATT_P_PER_E_H      25.0 /* power cells: max power / energy, per hour */
#define HEV_CELLS               56
#define HEV_AUX_W               700.0
#define HEV_WARMUP_MJ_PER_L     8.0 /* warm-up fuel energy per litre of displacement */
/* P2 motor: the Hyundai Sonata Hybrid's 38 kW beside its 112 kW engine, and its 205 Nm,
 * whose base speed is 38 kW / 205 Nm = 1770 rpm (models/vehicles/hyundai_sonata_hybrid_2022.json
 * has the sources) */
#define P2_MOTOR_POWER_FRACTION  0.34
#define P2_MOTOR_BASE_RPM        1770.0
#define BEV_TOP_MPH              110.0 /* motor max speed = N/V at this speed */
#define BEV_SPEED_RATIO          3.0
#define BEV_ENERGY_KWH           60.0
#define BEV_CELLS                96
#define BEV_DISCHARGE_OVER_MOTOR 1.15
#define BEV_CHARGE_C_RATE        1.5
#define BATT_LOSS_AT_MAX         0.05 /* fraction of power lost in R at max power */
/* Stepped boxes: the shift map a production unit runs in town (SCHEMA.md, "Gearbox"); both
 * fitted to the MY2022 training list */
#define SHIFT_UP_RPM        2000.0 /* engine speed just after an upshift */
#define SHIFT_DOWN_RPM      1300.0 /* engine speed at which it shifts down */
#define SCHEDULE_BELOW_KMH  45.0   /* automatic, DCT: the shift map rules below it */
#define SCHEDULE_MANUAL_KMH 400.0  /* manual: driven to its shift points at every speed */

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
    num(b, bat, "r_internal_ohm", BATT_LOSS_AT_MAX * v_nom * v_nom / (p_kw * ECO_W_PER_KW),
        "class default: 5 % of max power lost in R at max power, R = 0.05 V^2 / P");
    num(b, bat, "max_discharge_kw", p_kw, NULL);
    num(b, bat, "max_charge_kw", chg_kw, NULL);
    num(b, bat, "max_current_a", 1.5 * p_kw * ECO_W_PER_KW / v_nom,
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

static void build_head(jb *b, cJSON *root, const eco_cfg_epa_class *k, const char *why_row)
{
    const eco_cfg_epa_rec *r = k->r;
    char s[256];
    snprintf(s, sizeof s, "%s %s (EPA test car record)", r->make, r->model_col);
    s[ECO_NAME_MAX - 1] = '\0';
    str(b, root, "name", s);
    str(b, root, "description",
        "Made by ecosim vehicle --from-epa: the record's data plus class defaults, untuned.");
    str(b, root, "powertrain", k->bev ? "bev" : k->hev || k->p2 ? "hev" : "conventional");
    eco_cfg_epa_powertrain_why(k, s, sizeof s);
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

/* Vehicle speed in km/h per engine rpm in a gear of the given ratio (without the axle). */
static double kmh_per_rpm(const eco_cfg_epa_class *k, double ratio)
{
    return ECO_RAD_PER_REV / ECO_S_PER_MIN * k->rw / (ratio * k->r->axle) * ECO_KMH_PER_MPS;
}

/* A test-cell car does not pick the least-fuel gear at every instant as the baseline would:
 * an automatic or DCT runs its shift map in town (with the converter open in the low gears),
 * and a manual is driven to its shift points at every speed. Without this the engine lugs
 * at 900-1000 rpm through the FTP. */
static void build_shifts(jb *b, cJSON *gb, const eco_cfg_epa_class *k, const double *ratios, int n)
{
    double up[ECO_GEARS_MAX], down[ECO_GEARS_MAX];
    for (int i = 0; i + 1 < n; i++) {
        up[i] = SHIFT_UP_RPM * kmh_per_rpm(k, ratios[i + 1]);
        down[i] = SHIFT_DOWN_RPM * kmh_per_rpm(k, ratios[i + 1]);
    }
    arr(b, gb, "upshift_kmh", up, n - 1);
    arr(b, gb, "downshift_kmh", down, n - 1);
    str(b, gb, "upshift_kmh_source",
        "class default: up when the next gear turns the engine at 2000 rpm, down when it "
        "falls to 1300 rpm (fitted to the MY2022 training list, SCHEMA.md)");
    int manual =
        eco_cfg_epa_contains(k->r->tx, "Manual") && !eco_cfg_epa_contains(k->r->tx, "Automated");
    num(b, gb, "schedule_below_kmh", manual ? SCHEDULE_MANUAL_KMH : SCHEDULE_BELOW_KMH,
        manual ? "class default: a manual keeps to its shift points at every speed"
               : "class default: an automatic's shift map rules in town (fitted to the MY2022 "
                 "training list, SCHEMA.md)");
}

static void build_stepped(jb *b, cJSON *gb, const eco_cfg_epa_class *k)
{
    const eco_cfg_epa_rec *r = k->r;
    char s[160];
    int n = (int)r->gears;
    double top = k->overall_top / r->axle, sp = eco_cfg_epa_spread(n), ratios[ECO_GEARS_MAX];
    for (int i = 0; i < n; i++)
        ratios[i] = top * pow(sp, (double)(n - 1 - i) / (n - 1));
    str(b, gb, "type", "stepped");
    arr(b, gb, "ratios", ratios, n);
    snprintf(s, sizeof s,
             "top gear from the record's N/V and axle ratio; spread %.2f for %d gears, "
             "geometric steps (class default)",
             sp, n);
    str(b, gb, "ratios_source", s);
    build_shifts(b, gb, k, ratios, n);
    num(b, gb, "launch_speed_kmh", eco_cfg_epa_idle_rpm(k) * kmh_per_rpm(k, ratios[0]),
        "speed at idle in first gear: the clutch slips below it");
    num(b, gb, "final_drive", r->axle, "record: axle ratio");
}

static void build_gearbox(jb *b, cJSON *root, const eco_cfg_epa_class *k)
{
    const eco_cfg_epa_rec *r = k->r;
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
        build_stepped(b, gb, k);
    }
}

static double engine_top_rpm(const eco_cfg_epa_class *k)
{
    return k->hev ? 5200.0 : k->diesel ? 4500.0 : k->turbo ? 6000.0 : 6200.0;
}

static void build_engine(jb *b, cJSON *root, const eco_cfg_epa_class *k)
{
    const eco_cfg_epa_rec *r = k->r;
    char s[160];
    double map_disp, disp = r->disp_l;
    const char *stem = eco_cfg_epa_map(k, &map_disp);
    cJSON *e = obj(b, root, "engine");
    str(b, e, "map", stem);
    eco_cfg_epa_map_why(k, s, sizeof s);
    str(b, e, "map_source", s);
    num(b, e, "map_displacement_l", map_disp, "manufacturer displacement of the map's engine");
    num(b, e, "displacement_l", disp, "record: Test Veh Displacement");
    num(b, e, "rated_power_kw", k->p_kw, "record: Rated Horsepower x 0.7457");
    if (k->hev)
        num(b, e, "max_torque_nm", HEV_BMEP_PA * disp * 1e-3 / (4.0 * ECO_PI),
            "class default: Atkinson-cycle peak BMEP 10 bar, T = BMEP Vd / (4 pi)");
    num(b, e, "idle_speed_rpm", eco_cfg_epa_idle_rpm(k), "class default");
    num(b, e, "max_speed_rpm", engine_top_rpm(k), "class default");
    b->oom |= !cJSON_AddBoolToObject(e, "start_stop", k->hev || k->p2);
    if (k->diesel)
        curve(b, e, "nox", "bmep_bar", nox_di_bar, "g_per_kg_fuel", nox_di_gkg, N_OF(nox_di_bar),
              "class default: diesel with EGR (SCHEMA.md, NOx)");
    else
        curve(b, e, "nox", "bmep_bar", nox_si_bar, "g_per_kg_fuel", nox_si_gkg, N_OF(nox_si_bar),
              "class default: stoichiometric SI (SCHEMA.md, NOx)");
    str(b, root, "fuel",
        k->diesel                                 ? "diesel_b7_eu"
        : eco_cfg_epa_contains(r->fuel, "Tier 3") ? "gasoline_e10_eu"
                                                  : "gasoline_tier2");
    snprintf(s, sizeof s, "record: test fuel \"%s\"", r->fuel);
    str(b, root, "fuel_source", s);
    if (!k->hev && !k->p2)
        num(b, root, "alternator_efficiency", 0.65, "class default: claw-pole alternator");
}

/* A P2's motor on the gearbox input, and a hybrid's battery. */
static void build_p2_electric(jb *b, cJSON *root, const eco_cfg_epa_class *k)
{
    double p = P2_MOTOR_POWER_FRACTION * k->p_kw;
    double rpm = engine_top_rpm(k);
    add_machine(b, root, "motor", p,
                p * ECO_W_PER_KW / (P2_MOTOR_BASE_RPM * ECO_RAD_PER_REV / ECO_S_PER_MIN), rpm, 1.0,
                "class default (SCHEMA.md): P2 motor = 0.34 engine power, base speed 1770 rpm "
                "(the Sonata Hybrid's 38 kW, 205 Nm), on the gearbox input up to the engine's "
                "top speed");
    double pb = HEV_BATT_POWER_FRACTION * k->p_kw;
    add_battery(b, root, pb, pb / HEV_BATT_P_PER_E_H, pb, HEV_CELLS, 0.4, 0.8, 0.6,
                "class default: power 0.29 engine power, energy = power / 25 h^-1");
}

static void build_electric(jb *b, cJSON *root, const eco_cfg_epa_class *k)
{
    const eco_cfg_epa_rec *r = k->r;
    if (k->p2) {
        build_p2_electric(b, root, k);
    } else if (k->hev) {
        double t_e = HEV_BMEP_PA * r->disp_l * 1e-3 / (4.0 * ECO_PI);
        double rho = SPLIT_RHO, w_max = HEV_MACHINE_RPM * ECO_RAD_PER_REV / ECO_S_PER_MIN;
        double p2 = HEV_MG2_POWER_FRACTION * k->p_kw, p1 = HEV_MG1_POWER_FRACTION * k->p_kw;
        double ring_at_top = HEV_TOP_SPEED_KMH / ECO_KMH_PER_MPS / k->rw * r->axle;
        add_machine(b, root, "motor", p2, p2 * ECO_W_PER_KW / (w_max / HEV_MG2_SPEED_RATIO),
                    HEV_MACHINE_RPM, w_max / ring_at_top,
                    "class default (SCHEMA.md): MG2 = 0.74 engine power, 17000 rpm, base speed "
                    "1/5.5 of max, reduction so that 180 km/h is max speed");
        add_machine(b, root, "generator", p1, rho / (1.0 + rho) * t_e, HEV_MACHINE_RPM, 1.0,
                    "class default (SCHEMA.md): MG1 = 0.32 engine power, torque = the engine's "
                    "reaction rho/(1+rho) T_max on the sun gear");
        double pb = HEV_BATT_POWER_FRACTION * k->p_kw;
        add_battery(b, root, pb, pb / HEV_BATT_P_PER_E_H, pb, HEV_CELLS, 0.4, 0.8, 0.6,
                    "class default: power 0.29 engine power, energy = power / 25 h^-1");
    } else {
        double rpm = r->nv * BEV_TOP_MPH, w = rpm * ECO_RAD_PER_REV / ECO_S_PER_MIN;
        add_machine(b, root, "motor", k->p_kw, k->p_kw * ECO_W_PER_KW / (w / BEV_SPEED_RATIO), rpm,
                    1.0,
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

static void build_calibration(jb *b, cJSON *root, const eco_cfg_epa_class *k)
{
    cJSON *cal = obj(b, root, "calibration");
    num(b, cal, "rotating_mass_kg", ROTATING_MASS_FRACTION * k->r->etw_kg,
        "class default: 3 % of test mass (WLTP default for rotating inertia)");
    int hybrid = k->hev || k->p2;
    num(b, cal, "aux_power_w",
        k->bev   ? 300.0
        : hybrid ? HEV_AUX_W
                 : 400.0,
        hybrid ? "class default: the shipped Prius's calibrated 700 W, inside FASTSim's 500 W "
                 "(Yaris Hybrid) to 1050 W (Prius) (SCHEMA.md)"
               : "class default (SCHEMA.md)");
    if (!k->bev && !k->hev) {
        const char *tx = k->r->tx;
        double eta = k->cvt                                         ? 0.90
                     : eco_cfg_epa_contains(tx, "Automated Manual") ? 0.96
                     : eco_cfg_epa_contains(tx, "Manual")           ? 0.97
                                                                    : 0.93;
        num(b, cal, "gearbox_efficiency", eta, "class default by transmission type (SCHEMA.md)");
    }
    num(b, cal, "final_drive_efficiency", k->bev || k->hev ? 0.97 : FINAL_DRIVE_EFF,
        "class default (SCHEMA.md)");
    if (!k->bev) {
        num(b, cal, "cold_fuel_extra", COLD_FUEL_EXTRA, NULL);
        num(b, cal, "warmup_fuel_energy_mj",
            hybrid ? HEV_WARMUP_MJ_PER_L * k->r->disp_l : WARMUP_FUEL_MJ,
            hybrid ? "class default: 8 MJ per litre; a hybrid's engine runs in bursts and cools "
                     "between them, so it takes longer to warm (fitted to the MY2022 training "
                     "list, SCHEMA.md)"
                   : "class default: ~11 % more fuel in FTP bag 1 (SCHEMA.md)");
    } else {
        num(b, cal, "charger_efficiency", 0.88, "class default: Level-2 AC, wall to cells");
    }
    str(b, cal, "note", "class defaults of the from-EPA path; not tuned");
}

cJSON *eco_cfg_epa_build(const eco_cfg_epa_class *k, const char *why_row, int *oom)
{
    jb b = {0};
    cJSON *root = obj(&b, NULL, "");
    if (root) {
        build_head(&b, root, k, why_row);
        build_gearbox(&b, root, k);
        if (!k->bev)
            build_engine(&b, root, k);
        if (k->bev || k->hev || k->p2)
            build_electric(&b, root, k);
        build_calibration(&b, root, k);
    }
    *oom = b.oom || !root;
    return root;
}
