/* The baseline: a competent driver and a rule-based hybrid strategy. It is the reference
 * the MPC is measured against, so it is given the same model for feedforward and a
 * fuel-seeking gear choice, as a modern ECU has. */
#include "control_internal.h"
#include "ecodrive/units.h"

#include <math.h>
#include <string.h>

/* Integral action on speed error, in units of acceleration: gentle, as the model feedforward
 * (which aims at the next reference speed, so it already acts on the present error) does the
 * work. */
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
#define HEV_MIN_HOLD_S    2.0      /* least time the engine stays on or off */
#define HEV_LOW_SOC_ON    0.05     /* above soc_min: charge-only below this ... */
#define HEV_LOW_SOC_OFF   0.10     /* ... until above this */
#define GEAR_HYSTERESIS   0.03     /* a shift must save 3 % fuel */
/* P2: how far past the power asked the engine may shift its load toward its best torque,
 * as a multiple of the charging power the SOC error asks */
#define P2_SHIFT_PER_CHARGE 2.0
#define GEAR_HOLD_S         2.0 /* least time in a gear, as HEV_MIN_HOLD_S for the engine */

typedef struct {
    eco_controller base;
    double integral_m; /* integral of speed error, m */
    int engine_on;
    int low_soc;           /* latched: charge-sustaining recovery in progress */
    double switched_at_s;  /* time of the last engine start or stop */
    eco_curve best_torque; /* P2: the engine's most efficient torque over its speed */
    double shifted_at_s;   /* stepped box: time of the last gear change */
} baseline;

/* Fuel-seeking gear: the gear that delivers the force with the least fuel, keeping the
 * engine above 1.15 x idle; the present gear wins ties within GEAR_HYSTERESIS. *present_can
 * says whether the present gear could give the force (1 where the force is not weighed). */
static int choose_gear(const eco_vehicle *v, const eco_state *x, double force_n, int *present_can)
{
    const eco_gearbox *g = &v->gearbox;
    *present_can = 1;
    if (g->type != ECO_TX_STEPPED)
        return 1;
    int sched = eco_model_schedule_gear(v, x->speed_mps, x->gear);
    if (x->speed_mps < eco_fmax(g->launch_speed_mps, g->schedule_below_mps))
        return sched;
    const eco_engine *e = &v->engine;
    double ww = x->speed_mps / v->wheel_radius_m;
    if (force_n <= 0.0) { /* lifting off: no shift while the present gear keeps its range */
        double we = x->gear >= 1 && x->gear <= g->n_gears
                        ? ww * g->ratio[x->gear - 1] * g->final_drive
                        : 0.0;
        return we >= 1.15 * e->idle_speed_radps && we <= 0.95 * e->max_speed_radps ? x->gear
                                                                                   : sched;
    }
    double eta = g->efficiency * g->final_drive_efficiency;
    int best = 0, strongest = 0;
    *present_can = 0;
    double best_fuel = INFINITY, cur_fuel = INFINITY, most_force = 0.0;
    for (int k = 1; k <= g->n_gears; k++) {
        double ratio = g->ratio[k - 1] * g->final_drive;
        double we = ww * ratio;
        if (we < 1.15 * e->idle_speed_radps || we > 0.95 * e->max_speed_radps)
            continue;
        double t_aux = /* a hybrid's accessories run from its battery */
            v->powertrain == ECO_PT_CONV ? v->aux_power_w / (v->alternator_efficiency * we) : 0.0;
        double te = force_n * v->wheel_radius_m / (ratio * eta) + t_aux;
        double t_max = eco_engine_max_torque_nm(e, we);
        if (t_max * ratio > most_force) {
            most_force = t_max * ratio;
            strongest = k;
        }
        if (te > 0.98 * t_max)
            continue;
        double f = eco_engine_fuel_gps(e, we, te);
        if (k == x->gear) {
            cur_fuel = f;
            *present_can = 1;
        }
        if (f < best_fuel) {
            best_fuel = f;
            best = k;
        }
    }
    if (!best) /* no gear can give it: kick down to the one that gives the most */
        return strongest ? strongest : sched;
    return cur_fuel <= best_fuel * (1.0 + GEAR_HYSTERESIS) ? x->gear : best;
}

/* Engine on/off with hysteresis in power and a least hold time, so that it never chatters;
 * it starts at once when the electric path alone cannot give what is asked. */
static int engine_decision(baseline *b, const eco_vehicle *v, const eco_state *x, double p_want,
                           double p_wheel)
{
    const eco_battery *bat = &v->battery;
    if (x->soc < bat->soc_min + HEV_LOW_SOC_ON)
        b->low_soc = 1;
    else if (x->soc > bat->soc_min + HEV_LOW_SOC_OFF)
        b->low_soc = 0;
    int want = b->engine_on ? p_want > HEV_OFF_W : p_want > HEV_ON_W;
    want = want || b->low_soc;
    if (p_wheel < 0.0 && !b->low_soc)
        want = 0; /* braking: regenerate, never burn fuel */
    int must = p_wheel > v->motor.max_power_w * 0.8 || p_wheel > bat->max_discharge_w * 0.8;
    int held = x->time_s - b->switched_at_s >= HEV_MIN_HOLD_S;
    if (want != b->engine_on && (held || (want && must))) {
        b->engine_on = want;
        b->switched_at_s = x->time_s;
    }
    return b->engine_on;
}

/* Engine on/off and power; returns the part of the power asked that is for charging. */
static double hybrid_split(baseline *b, const eco_vehicle *v, const eco_state *x,
                           const eco_preview *pv, double force_n, eco_command *cmd)
{
    double p_wheel = force_n * x->speed_mps;
    /* Room for the regen the car's kinetic energy will bring: aim lower at speed. */
    const eco_battery *bat = &v->battery;
    double e_batt_j = bat->capacity_ah * ECO_S_PER_H * eco_curve_eval(&bat->ocv_v, pv->soc_target);
    double kinetic_j = 0.5 * (v->mass_kg + v->rotating_mass_kg) * x->speed_mps * x->speed_mps;
    double soc_aim = pv->soc_target + HEV_REGEN_SHARE * (HEV_KINETIC_REF_J - kinetic_j) / e_batt_j;
    double p_charge = HEV_SOC_GAIN_W * (soc_aim - x->soc);
    double p_want = p_wheel / v->gearbox.final_drive_efficiency + v->aux_power_w + p_charge;
    cmd->engine_on = engine_decision(b, v, x, p_want, p_wheel);
    cmd->engine_power_w =
        cmd->engine_on ? eco_fmin(eco_fmax(p_want, HEV_MIN_W), v->engine.rated_power_w) : 0.0;
    return p_charge;
}

/* The speed of a stepped box's input shaft (the P2's engine and motor) in a gear. */
static double input_radps(const eco_vehicle *v, const eco_state *x, int gear)
{
    const eco_gearbox *g = &v->gearbox;
    return x->speed_mps / v->wheel_radius_m * g->ratio[gear - 1] * g->final_drive;
}

/* P2: the engine turns with the gearbox input, so its load, not its speed, is what the
 * strategy has: below the SOC aim it shifts its load toward its most efficient torque at
 * that speed, as far as the charge asked allows, and the motor puts the surplus into the
 * battery; above the aim it gives the power asked, which the SOC error has lowered, and
 * the motor adds the rest. */
static void hybrid_p2(baseline *b, const eco_vehicle *v, const eco_state *x, const eco_preview *pv,
                      double force_n, int gear, eco_command *cmd)
{
    double p_charge = hybrid_split(b, v, x, pv, force_n, cmd);
    double w_in = input_radps(v, x, gear);
    if (!cmd->engine_on || w_in < v->engine.idle_speed_radps || p_charge <= 0.0)
        return; /* no charging above the aim: the motor adds what the engine lacks */
    double p_best = eco_curve_eval(&b->best_torque, w_in) * w_in;
    double p = eco_fmin(p_best, cmd->engine_power_w + P2_SHIFT_PER_CHARGE * p_charge);
    cmd->engine_power_w = eco_fmin(eco_fmax(cmd->engine_power_w, p), v->engine.rated_power_w);
}

/* A new gear is taken only once the last has been held GEAR_HOLD_S, unless the engine
 * would leave its speed range in it or (a conventional car, whose engine alone drives) it
 * cannot give the force: a P2's engine stops and starts, and a conventional car's force as
 * the trace wavers, change what the least-fuel gear is, and would otherwise saw the box
 * between two. */
static int gear_held(baseline *b, const eco_vehicle *v, const eco_state *x, int gear,
                     int present_can)
{
    const eco_gearbox *g = &v->gearbox;
    const eco_engine *e = &v->engine;
    int cur = x->gear;
    if (gear == cur || cur < 1 || cur > g->n_gears)
        return gear;
    double we = input_radps(v, x, cur);
    int cur_fits = we <= 0.95 * e->max_speed_radps &&
                   (we >= 1.15 * e->idle_speed_radps || x->speed_mps < g->launch_speed_mps);
    if (!eco_vehicle_is_p2(v))
        cur_fits = cur_fits && present_can;
    if (cur_fits && x->time_s >= b->shifted_at_s && x->time_s - b->shifted_at_s < GEAR_HOLD_S)
        return cur;
    b->shifted_at_s = x->time_s;
    return gear;
}

/* The torque of the least brake-specific fuel at each speed from idle to the top, on a grid
 * much finer than the maps'. */
static void make_best_torque(const eco_engine *e, eco_curve *c)
{
    c->n = ECO_CURVE_MAX;
    for (int i = 0; i < c->n; i++) {
        double w = e->idle_speed_radps +
                   (e->max_speed_radps - e->idle_speed_radps) * i / (double)(c->n - 1);
        double t_max = eco_engine_max_torque_nm(e, w), best = 0.0, t_best = t_max;
        for (int k = 1; k <= 200; k++) {
            double t = t_max * k / 200.0, fuel = eco_engine_fuel_gps(e, w, t);
            if (fuel > 0.0 && t * w / fuel > best) {
                best = t * w / fuel;
                t_best = t;
            }
        }
        c->x[i] = w;
        c->y[i] = t_best;
    }
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
    b->integral_m =
        eco_fmin(eco_fmax(b->integral_m + err * dt, -INTEGRAL_MAX_MPS), INTEGRAL_MAX_MPS);
    /* Feedforward aims at the next reference speed; PI trims model error. */
    double v_aim = eco_fmax(0.0, v_next + KI_PER_S2 * b->integral_m * dt);
    double force = eco_control_force_for(v, obs->speed_mps, v_aim, dt, grade);
    if (v_next <= 0.0 && obs->speed_mps <= 0.05)
        force = eco_fmin(force, 0.0); /* hold at rest */
    int present_can;
    int gear = choose_gear(v, &x, force, &present_can);
    if (v->gearbox.type == ECO_TX_STEPPED)
        gear = gear_held(b, v, &x, gear, present_can);
    eco_control_force_to_command(v, &x, gear, force, &sp->cmd);
    sp->cmd.engine_on = 1;
    if (v->powertrain == ECO_PT_HEV || v->powertrain == ECO_PT_PHEV) {
        eco_limits lim; /* ask the engine for no more than the car can use */
        eco_model_limits(v, &x, gear, &lim);
        if (eco_vehicle_is_p2(v))
            hybrid_p2(b, v, &x, pv, eco_fmin(force, lim.traction_max_n), gear, &sp->cmd);
        else
            hybrid_split(b, v, &x, pv, eco_fmin(force, lim.traction_max_n), &sp->cmd);
    }
    sp->valid = 1;
    return ECO_OK;
}

static void baseline_reset(eco_controller *c)
{
    baseline *b = (baseline *)c;
    b->integral_m = 0.0;
    b->engine_on = 0;
    b->low_soc = 0;
    b->switched_at_s = -HEV_MIN_HOLD_S;
    b->shifted_at_s = -GEAR_HOLD_S;
}

static const eco_control_kind BASELINE = {"baseline", baseline_step, baseline_reset,
                                          eco_control_free};

eco_controller *eco_baseline_create(const eco_vehicle *veh, double dt_s)
{
    baseline *b = eco_calloc(1, sizeof *b);
    if (!b)
        return NULL;
    eco_control_init(&b->base, &BASELINE, veh, dt_s, 1);
    if (eco_vehicle_is_p2(veh))
        make_best_torque(&veh->engine, &b->best_torque);
    return &b->base;
}
