/* One plant step at constant acceleration, and its energy book. */
#include "powertrain.h"
#include "ecodrive/units.h"

#include <math.h>
#include <string.h>

#define CO2_PER_C (44.0095 / 12.011) /* molar masses of CO2 and C */

typedef struct {
    double accel, v1, v_avg;
} motion;

static double effective_mass(const eco_vehicle *v)
{
    return v->mass_kg + v->rotating_mass_kg;
}

/* Solve m a = F - F_road(v_avg) - F_grade with v_avg = v0 + a dt / 2: road load is then
 * taken at the mean speed of the step, so energy closes exactly. Quadratic in a. */
static motion solve_motion(const eco_vehicle *v, double v0, double f_net, double f_grade, double dt)
{
    double h = 0.5 * dt, m = effective_mass(v);
    double A = v->f2_n_per_mps2 * h * h;
    double B = m + v->f1_n_per_mps * h + 2.0 * v->f2_n_per_mps2 * v0 * h;
    double C = v->f0_n + v->f1_n_per_mps * v0 + v->f2_n_per_mps2 * v0 * v0 + f_grade - f_net;
    double disc = B * B - 4.0 * A * C;
    motion s;
    s.accel = disc >= 0.0 ? -2.0 * C / (B + sqrt(disc)) : -B / (2.0 * A);
    s.v1 = v0 + s.accel * dt;
    if (s.v1 < 0.0 || (v0 <= 0.0 && s.accel <= 0.0)) {
        s.v1 = 0.0;
        s.accel = -v0 / dt;
    }
    s.v_avg = 0.5 * (v0 + s.v1);
    return s;
}

/* Net force that produces this motion: what the forces must add up to. */
static double force_for(const eco_vehicle *v, const motion *s, double f_grade)
{
    return effective_mass(v) * s->accel + eco_model_road_load_n(v, s->v_avg) + f_grade;
}

static void realize(const eco_vehicle *v, const eco_state *x, const eco_command *u, int gear,
                    double speed, double f_pt, eco_pt_ops *o)
{
    if (v->powertrain == ECO_PT_CONV)
        eco_realize_engine(v, x, u, gear, speed, f_pt, o);
    else if (v->powertrain == ECO_PT_BEV)
        eco_realize_bev(v, x, speed, f_pt, o);
    else if (v->gearbox.type == ECO_TX_STEPPED)
        eco_realize_p2(v, x, u, gear, speed, f_pt, o);
    else
        eco_realize_split(v, x, u, speed, f_pt, o);
}

static int pick_gear(const eco_vehicle *v, const eco_state *x, const eco_command *u)
{
    const eco_gearbox *g = &v->gearbox;
    if (g->type != ECO_TX_STEPPED)
        return 1;
    int gear = u->gear;
    if (gear >= 1 && gear <= g->n_gears) {
        /* A gear that would over-speed the engine is refused in favour of the schedule. */
        double we = x->speed_mps / v->wheel_radius_m * eco_drive_ratio(v, gear);
        if (we <= v->engine.max_speed_radps)
            return gear;
    }
    return eco_model_schedule_gear(v, x->speed_mps, x->gear);
}

static void book_energy(const eco_vehicle *v, const eco_state *x, const motion *s, double f_pt,
                        double f_brake, double f_grade, double fuel_g, const eco_pt_ops *o,
                        double dt, eco_step_out *out)
{
    eco_energy *E = &out->energy;
    double va = s->v_avg;
    memset(E, 0, sizeof *E);
    E->fuel_j = fuel_g * (v->powertrain == ECO_PT_BEV ? 0.0 : v->fuel.lhv_j_per_g);
    E->aero_j = v->f2_n_per_mps2 * va * va * va * dt;
    E->rolling_j = va > 0.0 ? (v->f0_n + v->f1_n_per_mps * va) * va * dt : 0.0;
    E->grade_j = f_grade * va * dt;
    E->kinetic_j = 0.5 * effective_mass(v) * (s->v1 * s->v1 - x->speed_mps * x->speed_mps);
    E->brake_j = f_brake * va * dt;
    E->engine_loss_j = E->fuel_j - o->engine_torque_nm * o->engine_speed_radps * dt;
    E->aux_j = v->aux_power_w * dt;
    double mech_in = o->p_driveline_in_w * dt;
    E->driveline_loss_j = mech_in - f_pt * va * dt;
    E->machine_loss_j = (o->p_motor_elec_w - o->p_motor_mech_w + o->p_gen_elec_w - o->p_gen_mech_w +
                         o->p_aux_mech_w) *
                        dt;
    if (v->powertrain == ECO_PT_CONV) {
        E->machine_loss_j -= E->aux_j * (o->engine_on ? 1.0 : 0.0);
        E->battery_j = o->engine_on ? 0.0 : E->aux_j; /* 12 V battery during auto-stop */
        return;
    }
    double i = out->battery_current_a;
    double ocv = eco_curve_eval(&v->battery.ocv_v, x->soc);
    E->battery_j = ocv * i * dt;
    E->battery_loss_j = v->battery.r_internal_ohm * i * i * dt;
}

static void finish(const eco_vehicle *v, const eco_state *x, const eco_pt_ops *o, const motion *s,
                   double f_pt, double f_brake, double f_grade, double dt, eco_state *next,
                   eco_step_out *out)
{
    const eco_engine *e = &v->engine;
    double cold = 1.0 + e->cold_fuel_extra * (1.0 - x->engine_warm);
    double fuel_gps = o->fuel_hot_gps * cold;
    out->accel_mps2 = s->accel;
    out->wheel_force_n = f_pt - f_brake;
    out->fuel_g = fuel_gps * dt;
    if (o->engine_on && !x->engine_on && v->powertrain != ECO_PT_BEV)
        out->fuel_g += e->start_fuel_g; /* the engine's work is unchanged: a loss */
    out->nox_g =
        v->powertrain == ECO_PT_BEV
            ? 0.0
            : eco_engine_nox_gps(e, o->engine_speed_radps, o->engine_torque_nm, o->fuel_hot_gps) *
                  dt;
    out->co2_g = out->fuel_g * v->fuel.carbon_fraction * CO2_PER_C;
    out->engine_speed_radps = o->engine_speed_radps;
    out->engine_torque_nm = o->engine_torque_nm;
    out->motor_speed_radps = o->motor_speed_radps;
    out->motor_torque_nm = o->motor_torque_nm;
    out->generator_speed_radps = o->gen_speed_radps;
    out->generator_torque_nm = o->gen_torque_nm;
    out->battery_power_w = o->p_batt_w;
    out->gear = o->gear;
    *next = *x;
    if (v->powertrain != ECO_PT_CONV) {
        double i = 0.0;
        eco_battery_current(&v->battery, x->soc, o->p_batt_w, &i);
        out->battery_current_a = i;
        next->soc = x->soc - i * dt / (ECO_S_PER_H * v->battery.capacity_ah);
    }
    book_energy(v, x, s, f_pt, f_brake, f_grade, out->fuel_g, o, dt, out);
    /* Warm-up counts the running engine's fuel: a start's fuel stays a plain addition. */
    if (e->warmup_fuel_energy_j > 0.0)
        next->engine_warm = eco_fmin(1.0, x->engine_warm + fuel_gps * dt * v->fuel.lhv_j_per_g /
                                                               e->warmup_fuel_energy_j);
    next->time_s = x->time_s + dt;
    next->speed_mps = s->v1;
    next->distance_m = x->distance_m + s->v_avg * dt;
    next->gear = o->gear > 0 ? o->gear : x->gear;
    next->engine_on = o->engine_on;
}

int eco_model_step(const eco_vehicle *v, const eco_state *x, const eco_command *u, double grade_rad,
                   double dt_s, eco_state *next, eco_step_out *out)
{
    if (!isfinite(u->throttle) || !isfinite(u->regen) || !isfinite(u->brake) ||
        !isfinite(u->engine_power_w) || !isfinite(grade_rad) || !(dt_s > 0.0))
        return ECO_EINVAL;
    eco_command c = *u;
    c.throttle = eco_fmin(eco_fmax(c.throttle, 0.0), 1.0);
    c.regen = eco_fmin(eco_fmax(c.regen, 0.0), 1.0);
    c.brake = eco_fmin(eco_fmax(c.brake, 0.0), 1.0);
    int gear = pick_gear(v, x, &c);
    eco_limits lim;
    eco_model_limits(v, x, gear, &lim);
    double f_regen = c.regen * lim.regen_max_n;
    double f_pt =
        lim.traction_min_n + c.throttle * (lim.traction_max_n - lim.traction_min_n) - f_regen;
    double f_brake = c.brake * lim.brake_max_n;
    double f_grade = v->mass_kg * ECO_G_MPS2 * sin(grade_rad);
    memset(out, 0, sizeof *out);
    motion s = solve_motion(v, x->speed_mps, f_pt - f_brake, f_grade, dt_s);
    eco_pt_ops o;
    realize(v, x, &c, gear, s.v_avg, f_pt, &o);
    if (fabs(o.f_pt_n - f_pt) > 1e-6) {
        out->limited = 1;
        if (o.f_pt_n > f_pt) /* regen cut back: the friction brakes blend in */
            f_brake += eco_fmin(o.f_pt_n - f_pt, f_regen);
        f_pt = o.f_pt_n;
        s = solve_motion(v, x->speed_mps, f_pt - f_brake, f_grade, dt_s);
        realize(v, x, &c, gear, s.v_avg, f_pt, &o);
        f_pt = o.f_pt_n;
        s = solve_motion(v, x->speed_mps, f_pt - f_brake, f_grade, dt_s);
    }
    /* Stopping within the step: the brakes only need what brings the car to rest. */
    double surplus = force_for(v, &s, f_grade) - (f_pt - f_brake);
    if (surplus > 1e-9) {
        f_brake -= surplus;
        if (f_brake < 0.0) {
            f_pt -= f_brake;
            f_brake = 0.0;
            realize(v, x, &c, gear, s.v_avg, f_pt, &o);
        }
    }
    finish(v, x, &o, &s, f_pt, f_brake, f_grade, dt_s, next, out);
    return ECO_OK;
}
