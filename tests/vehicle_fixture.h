/* Hand-made vehicles for model tests: simple, known numbers, no files. The engine map is a
 * Willans line, fuel = (P_brake + P_friction) / (eta_i * LHV), so every figure a test
 * expects can be worked out by hand. */
#ifndef TESTS_VEHICLE_FIXTURE_H
#define TESTS_VEHICLE_FIXTURE_H

#include "ecodrive/model.h"

#include <math.h>
#include <string.h>

#define FIX_LHV      43000.0 /* J/g */
#define FIX_ETA_I    0.40    /* indicated efficiency of the Willans line */
#define FIX_FRICTION 15.0    /* Nm, flat */
#define FIX_RPM      (M_PI / 30.0)

static inline void fix_curve(eco_curve *c, int n, const double *x, const double *y)
{
    c->n = n;
    for (int i = 0; i < n; i++) {
        c->x[i] = x[i];
        c->y[i] = y[i];
    }
}

static inline void fix_engine(eco_vehicle *v)
{
    eco_engine *e = &v->engine;
    e->displacement_l = 1.8;
    e->rated_power_w = 80000.0;
    e->idle_speed_radps = 800 * FIX_RPM;
    e->max_speed_radps = 6000 * FIX_RPM;
    eco_map *m = &e->fuel_gps;
    m->nx = 12;
    m->ny = 12;
    for (int i = 0; i < m->nx; i++)
        m->x[i] = (600 + 500.0 * i) * FIX_RPM;
    for (int j = 0; j < m->ny; j++)
        m->y[j] = 200.0 * j / (m->ny - 1);
    for (int j = 0; j < m->ny; j++)
        for (int i = 0; i < m->nx; i++)
            m->z[j * m->nx + i] = (m->y[j] + FIX_FRICTION) * m->x[i] / (FIX_ETA_I * FIX_LHV);
    double sx[] = {600 * FIX_RPM, 6000 * FIX_RPM}, tq[] = {160.0, 160.0};
    double fr[] = {FIX_FRICTION, FIX_FRICTION};
    fix_curve(&e->full_load_nm, 2, sx, tq);
    fix_curve(&e->friction_nm, 2, sx, fr);
    double bx[] = {0.0, 1e6}, by[] = {10.0, 10.0};
    fix_curve(&e->nox_g_per_kg_fuel, 2, bx, by);
    v->fuel.lhv_j_per_g = FIX_LHV;
    v->fuel.density_g_per_l = 745.0;
    v->fuel.carbon_fraction = 0.866;
}

static inline void fix_body(eco_vehicle *v)
{
    v->mass_kg = 1500.0;
    v->rotating_mass_kg = 30.0;
    v->f0_n = 100.0;
    v->f1_n_per_mps = 1.0;
    v->f2_n_per_mps2 = 0.4;
    v->wheel_radius_m = 0.3;
    v->brake_max_n = 15000.0;
    v->aux_power_w = 300.0;
    v->alternator_efficiency = 0.6;
    v->charger_efficiency = 0.9;
    v->regen_fade_low_mps = 1.0;
    v->regen_fade_high_mps = 3.0;
    v->gearbox.efficiency = 0.96;
    v->gearbox.final_drive_efficiency = 0.98;
}

static inline void fix_electric(eco_vehicle *v, double motor_kw, double cap_ah)
{
    double ex[] = {0.0, 0.1, 1.0}, ey[] = {0.85, 0.92, 0.92};
    eco_machine *m = &v->motor;
    m->max_power_w = motor_kw * 1e3;
    m->max_torque_nm = 250.0;
    m->max_speed_radps = 12000 * FIX_RPM;
    m->gear_ratio = 1.0;
    fix_curve(&m->efficiency, 3, ex, ey);
    v->generator = *m;
    eco_battery *b = &v->battery;
    b->capacity_ah = cap_ah;
    double sx[] = {0.0, 1.0}, vy[] = {200.0, 240.0};
    fix_curve(&b->ocv_v, 2, sx, vy);
    b->r_internal_ohm = 0.1;
    b->max_discharge_w = 30000.0;
    b->max_charge_w = 25000.0;
    b->max_current_a = 200.0;
    b->soc_min = 0.3;
    b->soc_max = 0.8;
    b->soc_init = 0.6;
}

/* Conventional, 5-speed, default shift schedule. */
static inline void fix_conventional(eco_vehicle *v)
{
    memset(v, 0, sizeof *v);
    strcpy(v->name, "fixture conventional");
    v->powertrain = ECO_PT_CONV;
    fix_body(v);
    fix_engine(v);
    eco_gearbox *g = &v->gearbox;
    g->type = ECO_TX_STEPPED;
    g->n_gears = 5;
    double r[] = {3.5, 2.0, 1.35, 1.0, 0.8};
    memcpy(g->ratio, r, sizeof r);
    g->final_drive = 4.0;
    g->launch_speed_mps = 2.0;
}

static inline void fix_bev(eco_vehicle *v)
{
    memset(v, 0, sizeof *v);
    strcpy(v->name, "fixture bev");
    v->powertrain = ECO_PT_BEV;
    fix_body(v);
    fix_electric(v, 100.0, 150.0);
    v->gearbox.type = ECO_TX_SINGLE;
    v->gearbox.final_drive = 9.0;
}

static inline void fix_hybrid(eco_vehicle *v)
{
    memset(v, 0, sizeof *v);
    strcpy(v->name, "fixture hybrid");
    v->powertrain = ECO_PT_HEV;
    fix_body(v);
    fix_engine(v);
    fix_electric(v, 50.0, 6.5);
    v->generator.max_power_w = 40000.0;
    v->gearbox.type = ECO_TX_SPLIT;
    v->gearbox.split_rho = 30.0 / 78.0;
    v->gearbox.final_drive = 3.3;
}

/* Parallel P2: the conventional fixture's engine and 5-speed box with a 40 kW motor on the
 * box's input and the hybrid's battery; no generator. */
static inline void fix_p2(eco_vehicle *v)
{
    fix_conventional(v);
    strcpy(v->name, "fixture p2");
    v->powertrain = ECO_PT_HEV;
    fix_electric(v, 40.0, 6.5);
    memset(&v->generator, 0, sizeof v->generator);
}

#endif
