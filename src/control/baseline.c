/* The baseline: a competent driver and a rule-based hybrid strategy. It is the reference
 * the MPC is measured against, so it is given the same model for feedforward and a
 * fuel-seeking gear choice, as a modern ECU has. */
#include "ecodrive/control.h"

#include <math.h>
#include <string.h>

/* PI on speed error, in units of acceleration: gentle, as the feedforward does the work. */
#define KP_PER_S         0.5
#define KI_PER_S2        0.05
#define INTEGRAL_MAX_MPS 2.0

/* Hybrid rules (Prius-like): engine on above ON power or when SOC is low, off below OFF
 * power; when on, it runs no lighter than MIN power, where the map's BSFC is within
 * reach of its best, and adds charging power proportional to the SOC error. */
#define HEV_ON_W          14000.0
#define HEV_OFF_W         7000.0
#define HEV_MIN_W         9000.0
#define HEV_SOC_GAIN_W    100000.0 /* W per unit SOC error */
#define HEV_REGEN_SHARE   0.6      /* of kinetic energy that regen returns to the battery */
#define HEV_KINETIC_REF_J 150e3    /* kinetic energy at which the aim is the target (~50 km/h) */
#define GEAR_HYSTERESIS   0.03     /* a shift must save 3 % fuel */

typedef struct {
    eco_controller base;
    double integral_m; /* integral of speed error, m */
    int engine_on;
} baseline;

/* Fuel-seeking gear: the gear that delivers the force with the least fuel, keeping the
 * engine above 1.15 x idle; the present gear wins ties within GEAR_HYSTERESIS. */
static int choose_gear(const eco_vehicle *v, const eco_state *x, double force_n)
{
    const eco_gearbox *g = &v->gearbox;
    if (g->type != ECO_TX_STEPPED)
        return 1;
    int sched = eco_model_schedule_gear(v, x->speed_mps, x->gear);
    if (force_n <= 0.0 || x->speed_mps < g->launch_speed_mps)
        return sched;
    const eco_engine *e = &v->engine;
    double ww = x->speed_mps / v->wheel_radius_m;
    double eta = g->efficiency * g->final_drive_efficiency;
    int best = 0;
    double best_fuel = INFINITY, cur_fuel = INFINITY;
    for (int k = 1; k <= g->n_gears; k++) {
        double ratio = g->ratio[k - 1] * g->final_drive;
        double we = ww * ratio;
        if (we < 1.15 * e->idle_speed_radps || we > 0.95 * e->max_speed_radps)
            continue;
        double te = force_n * v->wheel_radius_m / (ratio * eta) +
                    v->aux_power_w / (v->alternator_efficiency * we);
        if (te > 0.98 * eco_engine_max_torque_nm(e, we))
            continue;
        double f = eco_engine_fuel_gps(e, we, te);
        if (k == x->gear)
            cur_fuel = f;
        if (f < best_fuel) {
            best_fuel = f;
            best = k;
        }
    }
    if (!best)
        return sched;
    return cur_fuel <= best_fuel * (1.0 + GEAR_HYSTERESIS) ? x->gear : best;
}

static void hybrid_split(baseline *b, const eco_vehicle *v, const eco_state *x,
                         const eco_preview *pv, double force_n, eco_command *cmd)
{
    double p_wheel = force_n * x->speed_mps;
    /* Room for the regen the car's kinetic energy will bring: aim lower at speed. */
    const eco_battery *bat = &v->battery;
    double e_batt_j = bat->capacity_ah * 3600.0 * eco_curve_eval(&bat->ocv_v, pv->soc_target);
    double kinetic_j = 0.5 * (v->mass_kg + v->rotating_mass_kg) * x->speed_mps * x->speed_mps;
    double soc_aim = pv->soc_target + HEV_REGEN_SHARE * (HEV_KINETIC_REF_J - kinetic_j) / e_batt_j;
    double soc_err = soc_aim - x->soc;
    double p_charge = HEV_SOC_GAIN_W * soc_err;
    double p_want = p_wheel / v->gearbox.final_drive_efficiency + v->aux_power_w + p_charge;
    int low_soc = x->soc < v->battery.soc_min + 0.05;
    if (b->engine_on)
        b->engine_on = p_want > HEV_OFF_W || low_soc;
    else
        b->engine_on = p_want > HEV_ON_W || low_soc;
    if (p_wheel < 0.0 && !low_soc)
        b->engine_on = 0; /* braking: regenerate, never burn fuel */
    cmd->engine_on = b->engine_on;
    cmd->engine_power_w =
        b->engine_on ? fmin(fmax(p_want, HEV_MIN_W), v->engine.rated_power_w) : 0.0;
}

static int baseline_step(eco_controller *c, const eco_observation *obs, const eco_preview *pv,
                         eco_setpoint *sp)
{
    baseline *b = (baseline *)c;
    const eco_vehicle *v = c->veh;
    eco_state x;
    eco_state_from_observation(obs, &x);
    memset(sp, 0, sizeof *sp);
    double dt = pv->dt_s;
    double v_next = pv->n > 0 ? pv->speed_ref_mps[0] : obs->speed_mps;
    double grade = pv->n > 0 ? pv->grade_rad[0] : obs->grade_rad;
    double err = v_next - obs->speed_mps;
    b->integral_m = fmin(fmax(b->integral_m + err * dt, -INTEGRAL_MAX_MPS), INTEGRAL_MAX_MPS);
    /* Feedforward aims at the next reference speed; PI trims model error. */
    double v_aim = fmax(0.0, v_next + (KP_PER_S * 0.0 * err + KI_PER_S2 * b->integral_m) * dt);
    double force = eco_control_force_for(v, obs->speed_mps, v_aim, dt, grade);
    if (v_next <= 0.0 && obs->speed_mps <= 0.05)
        force = fmin(force, 0.0); /* hold at rest */
    int gear = choose_gear(v, &x, force);
    eco_control_force_to_command(v, &x, gear, force, &sp->cmd);
    sp->cmd.engine_on = 1;
    if (v->powertrain == ECO_PT_HEV || v->powertrain == ECO_PT_PHEV)
        hybrid_split(b, v, &x, pv, force, &sp->cmd);
    sp->valid = 1;
    return ECO_OK;
}

static void baseline_reset(eco_controller *c)
{
    baseline *b = (baseline *)c;
    b->integral_m = 0.0;
    b->engine_on = 0;
}

static void baseline_destroy(eco_controller *c)
{
    eco_free(c);
}

eco_controller *eco_baseline_create(const eco_vehicle *veh, double dt_s)
{
    baseline *b = eco_calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->base.name = "baseline";
    b->base.step = baseline_step;
    b->base.reset = baseline_reset;
    b->base.destroy = baseline_destroy;
    b->base.veh = veh;
    b->base.dt_s = dt_s;
    b->base.preview_n = 1;
    return &b->base;
}
