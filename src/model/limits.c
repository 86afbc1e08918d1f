/* Wheel force limits, road load and the shift schedule. */
#include "model_internal.h"

#include <math.h>

double eco_model_road_load_n(const eco_vehicle *v, double speed_mps)
{
    if (speed_mps <= 0.0)
        return 0.0;
    return v->f0_n + v->f1_n_per_mps * speed_mps + v->f2_n_per_mps2 * speed_mps * speed_mps;
}

/* An engine speed made as a ratio times the wheel speed from a target speed (w / ww * ww)
 * lands a few ulps either side of it; at the target max speed (a CVT's rated-power point)
 * the side above read as over-speed, zero torque, in single steps at random. Within this
 * relative margin a speed counts as the max speed itself. */
#define OVERSPEED_REL 1e-9

double eco_engine_max_torque_nm(const eco_engine *e, double speed_radps)
{
    if (speed_radps > e->max_speed_radps * (1.0 + OVERSPEED_REL))
        return 0.0;
    speed_radps = eco_fmin(speed_radps, e->max_speed_radps);
    double t = eco_curve_eval(&e->full_load_nm, speed_radps);
    return speed_radps > 0.0 ? eco_fmin(t, e->rated_power_w / speed_radps) : t;
}

double eco_regen_fade(const eco_vehicle *v, double speed_mps)
{
    double lo = v->regen_fade_low_mps, hi = v->regen_fade_high_mps;
    if (speed_mps <= lo)
        return 0.0;
    if (speed_mps >= hi || hi <= lo)
        return 1.0;
    return (speed_mps - lo) / (hi - lo);
}

/* The SOC window acts as a power limit, as a battery management system enforces it; so does
 * the current limit: at I_max the terminals give I_max (OCV - R I_max), take I_max (OCV + R
 * I_max). */
double eco_battery_discharge_limit_w(const eco_battery *b, double soc)
{
    if (soc <= b->soc_min)
        return 0.0;
    double ocv = eco_curve_eval(&b->ocv_v, soc), i = b->max_current_a;
    return eco_fmin(b->max_discharge_w, i * (ocv - b->r_internal_ohm * i));
}

double eco_battery_charge_limit_w(const eco_battery *b, double soc)
{
    if (soc >= b->soc_max)
        return 0.0;
    double ocv = eco_curve_eval(&b->ocv_v, soc), i = b->max_current_a;
    return eco_fmin(b->max_charge_w, i * (ocv + b->r_internal_ohm * i));
}

int eco_model_schedule_gear(const eco_vehicle *v, double speed_mps, int gear)
{
    const eco_gearbox *g = &v->gearbox;
    if (g->type != ECO_TX_STEPPED)
        return 1;
    if (gear < 1 || gear > g->n_gears)
        gear = 1;
    while (gear < g->n_gears && speed_mps > g->upshift_speed_mps[gear - 1])
        gear++;
    while (gear > 1 && speed_mps < g->downshift_speed_mps[gear - 2])
        gear--;
    return gear;
}

double eco_drive_ratio(const eco_vehicle *v, int gear)
{
    const eco_gearbox *g = &v->gearbox;
    return g->type == ECO_TX_STEPPED ? g->ratio[gear - 1] * g->final_drive : g->final_drive;
}

double eco_aux_torque_nm(const eco_vehicle *v, double engine_radps)
{
    if (v->powertrain != ECO_PT_CONV || engine_radps <= 0.0)
        return 0.0;
    return v->aux_power_w / (v->alternator_efficiency * engine_radps);
}

/* Engine-driven limits: the engine at full load, and its overrun drag with the clutch
 * closed. A CVT takes the ratio that lets the engine reach rated power. */
static void engine_limits(const eco_vehicle *v, double speed, int gear, eco_limits *lim)
{
    const eco_gearbox *g = &v->gearbox;
    const eco_engine *e = &v->engine;
    double ww = speed / v->wheel_radius_m;
    double eta = g->efficiency * g->final_drive_efficiency;
    double r_lo, r_hi; /* overall ratio range engine/wheel */
    if (g->type == ECO_TX_CVT) {
        r_lo = g->cvt_ratio_min * g->final_drive;
        r_hi = g->cvt_ratio_max * g->final_drive;
    } else {
        r_lo = r_hi = eco_drive_ratio(v, gear);
    }
    double w_power = e->best_speed.y[e->best_speed.n - 1];
    double ratio = ww > 0.0 ? eco_fmin(eco_fmax(w_power / ww, r_lo), r_hi) : r_hi;
    /* Inside the ratio range the engine runs at rated speed: w_power itself, since
     * ww * (w_power / ww) may round one ulp above the engine's top speed, where
     * eco_engine_max_torque_nm is 0 (the limit then read as no traction at all). */
    double we = ratio > r_lo && ratio < r_hi ? w_power : ww * ratio;
    we = eco_fmax(we, ECO_LAUNCH_IDLE_RATIO * e->idle_speed_radps);
    double t_net = eco_engine_max_torque_nm(e, we) - eco_aux_torque_nm(v, we);
    lim->traction_max_n = eco_fmax(0.0, t_net * ratio * eta / v->wheel_radius_m);
    lim->traction_min_n = 0.0;
    double w_couple = ww * r_lo; /* overrun: lowest engine speed the box allows */
    if (ww * r_hi >= e->idle_speed_radps) {
        double wc = eco_fmax(w_couple, e->idle_speed_radps);
        double rc = wc / ww;
        double drag = eco_curve_eval(&e->friction_nm, wc) + eco_aux_torque_nm(v, wc);
        lim->traction_min_n = -drag * rc / (eta * v->wheel_radius_m);
    }
}

static double machine_wheel_force(const eco_vehicle *v, const eco_machine *m, double speed,
                                  double power_w)
{
    double k = v->gearbox.final_drive * m->gear_ratio / v->wheel_radius_m; /* rad/s per m/s */
    if (speed * k > m->max_speed_radps)
        return 0.0;
    double f_torque = m->max_torque_nm * k;
    double p = eco_fmin(power_w, m->max_power_w);
    return speed > 0.0 ? eco_fmin(f_torque, p / speed) : f_torque;
}

/* Parallel P2: engine (clutch closed from idle speed of the gearbox input; below it, pulling
 * away on a slipping clutch at the launch speed) and motor both on the gearbox input. The
 * motor's share is held to the battery's power, as for the other electric drives. */
static void p2_limits(const eco_vehicle *v, double s, int gear, double p_dis, double p_chg,
                      eco_limits *lim)
{
    const eco_gearbox *g = &v->gearbox;
    const eco_engine *e = &v->engine;
    const eco_machine *m = &v->motor;
    double ratio = eco_drive_ratio(v, gear), r_w = v->wheel_radius_m;
    double eta = g->efficiency * g->final_drive_efficiency;
    double w_in = s / r_w * ratio;
    double we = w_in >= e->idle_speed_radps ? w_in : ECO_LAUNCH_IDLE_RATIO * e->idle_speed_radps;
    double t_eng = eco_engine_max_torque_nm(e, we);
    /* The battery's power reaches the shaft less the motor's losses, and it takes the
     * shaft's regen less them again: its efficiency at that power. */
    double p_d = eco_fmin(eco_fmax(p_dis, 0.0), m->max_power_w);
    double eff_d = eco_curve_eval(&m->efficiency, p_d / m->max_power_w);
    double t_m_drive = eco_p2_motor_torque_nm(m, w_in, p_d * eff_d);
    double p_c = eco_fmin(eco_fmax(p_chg, 0.0), m->max_power_w);
    double eff_c = eco_curve_eval(&m->efficiency, p_c / m->max_power_w);
    double t_m_regen = eco_p2_motor_torque_nm(m, w_in, p_c / eff_c);
    lim->traction_max_n = (t_eng + t_m_drive) * ratio * eta / r_w;
    lim->regen_max_n = t_m_regen * ratio / (eta * r_w) * eco_regen_fade(v, s);
}

double eco_p2_motor_torque_nm(const eco_machine *m, double w_in, double power_w)
{
    double w_m = w_in * m->gear_ratio;
    if (w_m > m->max_speed_radps)
        return 0.0;
    double t = m->max_torque_nm * m->gear_ratio; /* at the gearbox input */
    double p = eco_fmin(power_w, m->max_power_w);
    return w_in > 0.0 ? eco_fmin(t, p / w_in) : t;
}

void eco_model_limits(const eco_vehicle *v, const eco_state *x, int gear, eco_limits *lim)
{
    double s = eco_fmax(x->speed_mps, 0.0);
    double eta_fd = v->gearbox.final_drive_efficiency;
    if (gear < 1)
        gear = eco_model_schedule_gear(v, s, x->gear);
    lim->brake_max_n = v->brake_max_n;
    lim->regen_max_n = 0.0;
    lim->traction_min_n = 0.0;
    if (v->powertrain == ECO_PT_CONV) {
        engine_limits(v, s, gear, lim);
        return;
    }
    const eco_battery *b = &v->battery;
    double p_dis = eco_battery_discharge_limit_w(b, x->soc) - v->aux_power_w;
    double p_chg = eco_battery_charge_limit_w(b, x->soc) + v->aux_power_w;
    if (eco_vehicle_is_p2(v)) { /* its motor is on the gearbox input: its own forces */
        p2_limits(v, s, gear, p_dis, p_chg, lim);
        return;
    }
    double f_regen = machine_wheel_force(v, &v->motor, s, eco_fmax(p_chg, 0.0)) / eta_fd;
    lim->regen_max_n = f_regen * eco_regen_fade(v, s);
    double f_elec = machine_wheel_force(v, &v->motor, s, eco_fmax(p_dis, 0.0)) * eta_fd;
    if (v->powertrain == ECO_PT_BEV) {
        lim->traction_max_n = f_elec;
        return;
    }
    /* Power split: the engine's ring share plus MG2 at its own limits (fed by the battery
     * and by MG1), within the engine's and the battery's power together. */
    const eco_engine *e = &v->engine;
    double rho = v->gearbox.split_rho;
    double t_gen_cap = v->generator.max_torque_nm * (1.0 + rho) / rho;
    double t_eng =
        eco_fmin(eco_curve_eval(&e->full_load_nm, e->best_speed.y[e->best_speed.n - 1]), t_gen_cap);
    double f_eng = t_eng / (1.0 + rho) * v->gearbox.final_drive * eta_fd / v->wheel_radius_m;
    double f_mg2 = machine_wheel_force(v, &v->motor, s, v->motor.max_power_w) * eta_fd;
    double f = f_mg2 + f_eng;
    if (s > 0.0)
        f = eco_fmin(f, (e->rated_power_w + eco_fmax(p_dis, 0.0)) * eta_fd / s);
    lim->traction_max_n = f;
}
