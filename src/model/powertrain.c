/* Realising a wheel force: which engine, machine and battery operating points deliver it,
 * cut back where a component limit binds. */
#include "powertrain.h"

#include <math.h>
#include <string.h>

/* The best-efficiency line is drawn for power; near full load the engine may lack the torque
 * at that speed. Then the CVT shifts down (raises engine speed) until it has it, so that a
 * force inside the limits is delivered. */
static double cvt_ratio_for_torque(const eco_vehicle *v, double ww, double f_n, double ratio,
                                   double r_hi)
{
    const eco_engine *e = &v->engine;
    double eta = v->gearbox.efficiency * v->gearbox.final_drive_efficiency;
    double w_top = eco_fmin(r_hi * ww, e->max_speed_radps);
    for (int i = 0; i <= 16; i++) {
        double r = ratio + (w_top / ww - ratio) * i / 16.0;
        double we = ww * r;
        double te = f_n * v->wheel_radius_m / (r * eta) + eco_aux_torque_nm(v, we);
        if (te <= eco_engine_max_torque_nm(e, we) || r >= r_hi)
            return r;
    }
    return ratio;
}

/* Conventional engine with a stepped box or a CVT. Throttle 0 with the clutch closed is
 * overrun: the ECU cuts fuel and the engine's friction brakes the car. */
void eco_realize_engine(const eco_vehicle *v, const eco_state *x, const eco_command *u, int gear,
                        double speed, double f_n, eco_pt_ops *o)
{
    const eco_gearbox *g = &v->gearbox;
    const eco_engine *e = &v->engine;
    double r_w = v->wheel_radius_m;
    double ww = speed / r_w;
    double eta = g->efficiency * g->final_drive_efficiency;
    memset(o, 0, sizeof *o);
    o->gear = gear;
    o->engine_on = 1;
    if (e->start_stop && x->speed_mps <= 0.0 && speed <= 0.0 && f_n <= 0.0) {
        o->engine_on = 0; /* stopped: accessories run from the 12 V battery */
        o->p_batt_w = v->aux_power_w;
        return;
    }
    double ratio;
    if (g->type == ECO_TX_CVT) {
        double p_need =
            eco_fmax(f_n, 0.0) * speed / eta + v->aux_power_w / v->alternator_efficiency;
        double w_best = eco_curve_eval(&e->best_speed, p_need);
        double r_lo = g->cvt_ratio_min * g->final_drive, r_hi = g->cvt_ratio_max * g->final_drive;
        double w_lo = f_n > 0.0 ? eco_fmax(w_best, g->cvt_min_drive_radps) : e->idle_speed_radps;
        ratio = ww > 0.0 ? eco_fmin(eco_fmax(w_lo / ww, r_lo), r_hi) : r_hi;
        if (f_n > 0.0 && ww > 0.0)
            ratio = cvt_ratio_for_torque(v, ww, f_n, ratio, r_hi);
    } else {
        ratio = eco_drive_ratio(v, gear);
    }
    /* Pulling away, the clutch (or converter) slips with the engine held at the launch
     * speed; coasting, it stays closed down to idle speed, then opens. */
    double w_in = ww * ratio, w_launch = ECO_LAUNCH_IDLE_RATIO * e->idle_speed_radps;
    int coupled = f_n > 0.0 ? w_in >= w_launch : w_in >= e->idle_speed_radps * (1.0 - 1e-9);
    double we = coupled ? w_in : (f_n > 0.0 ? w_launch : e->idle_speed_radps);
    if (!coupled && f_n <= 0.0)
        f_n = 0.0;
    double t_in = f_n >= 0.0 ? f_n * r_w / (ratio * eta) : f_n * r_w * eta / ratio;
    double t_aux = eco_aux_torque_nm(v, we);
    double te = t_in + t_aux;
    double t_max = eco_engine_max_torque_nm(e, we);
    double t_fric = eco_curve_eval(&e->friction_nm, we);
    if (te > t_max || (coupled && te < -t_fric)) {
        te = te > t_max ? t_max : -t_fric;
        t_in = te - t_aux;
        f_n = t_in >= 0.0 ? t_in * ratio * eta / r_w : t_in * ratio / (eta * r_w);
    }
    int cut = coupled && u->throttle <= 0.0 && te <= 0.0; /* overrun: no torque, no fuel */
    o->f_pt_n = f_n;
    o->engine_speed_radps = we;
    o->engine_torque_nm = te;
    o->fuel_hot_gps = cut ? 0.0 : eco_engine_fuel_gps(e, we, te);
    o->p_aux_mech_w = t_aux * we;
    o->p_driveline_in_w = t_in * we;
}

/* Move a machine's mechanical power inside its torque and power limits. */
static double clamp_machine(const eco_machine *m, double w, double p_mech)
{
    double p_max = m->max_power_w;
    if (w > 0.0)
        p_max = eco_fmin(p_max, m->max_torque_nm * w);
    return eco_fmin(eco_fmax(p_mech, -p_max), p_max);
}

/* Largest mechanical power whose electrical power stays within [lo, hi]. The efficiency
 * curve is smooth, so two rescalings settle it. */
static double fit_electric(const eco_machine *m, double p_mech, double lo, double hi)
{
    for (int i = 0; i < 3; i++) {
        double pe = eco_machine_electric_w(m, p_mech);
        if (pe > hi && pe > 0.0)
            p_mech *= hi > 0.0 ? hi / pe : 0.0;
        else if (pe < lo && pe < 0.0)
            p_mech *= lo < 0.0 ? lo / pe : 0.0;
        else
            break;
    }
    return p_mech;
}

static double wheel_to_shaft_w(double f_n, double speed, double eta_fd)
{
    double p = f_n * speed;
    return p >= 0.0 ? p / eta_fd : p * eta_fd;
}

static double shaft_to_wheel_n(double p_shaft, double speed, double eta_fd)
{
    if (speed <= 0.0)
        return 0.0;
    return (p_shaft >= 0.0 ? p_shaft * eta_fd : p_shaft / eta_fd) / speed;
}

void eco_realize_bev(const eco_vehicle *v, const eco_state *x, double speed, double f_n,
                     eco_pt_ops *o)
{
    const eco_machine *m = &v->motor;
    double eta_fd = v->gearbox.final_drive_efficiency;
    double wm = speed / v->wheel_radius_m * v->gearbox.final_drive * m->gear_ratio;
    memset(o, 0, sizeof *o);
    double pm = clamp_machine(m, wm, wheel_to_shaft_w(f_n, speed, eta_fd));
    double hi = eco_battery_discharge_limit_w(&v->battery, x->soc) - v->aux_power_w;
    double lo = -eco_battery_charge_limit_w(&v->battery, x->soc) - v->aux_power_w;
    pm = fit_electric(m, pm, lo, eco_fmax(hi, 0.0));
    o->f_pt_n = speed > 0.0 ? shaft_to_wheel_n(pm, speed, eta_fd) : 0.0;
    o->motor_speed_radps = wm;
    o->motor_torque_nm = wm > 0.0 ? pm / wm : 0.0;
    o->p_motor_mech_w = pm;
    o->p_motor_elec_w = eco_machine_electric_w(m, pm);
    o->p_batt_w = o->p_motor_elec_w + v->aux_power_w;
    o->p_driveline_in_w = pm;
}

/* The P2 engine's operating point for a torque t_in asked at the gearbox input turning at
 * w_in: with the clutch closed (from idle speed) the engine turns with the input and gives
 * the torque its requested power asks; below idle speed, pulling away, the clutch slips
 * with the engine at the launch speed and passes no more than is asked; otherwise the
 * engine idles declutched. Sets the engine fields of o; returns the torque at the input. */
static double p2_engine_point(const eco_vehicle *v, int on, double pe, double w_in, double t_in,
                              eco_pt_ops *o)
{
    const eco_engine *e = &v->engine;
    o->engine_on = on;
    if (!on)
        return 0.0;
    double we = e->idle_speed_radps, te = 0.0, t_at_input = 0.0;
    if (w_in >= e->idle_speed_radps) {
        we = w_in;
        te = eco_fmin(eco_fmax(pe / we, 0.0), eco_engine_max_torque_nm(e, we));
        t_at_input = te;
    } else if (t_in > 0.0) {
        we = ECO_LAUNCH_IDLE_RATIO * e->idle_speed_radps;
        te = eco_fmin(eco_fmin(eco_fmax(pe / we, 0.0), t_in), eco_engine_max_torque_nm(e, we));
        t_at_input = te;
    }
    o->engine_speed_radps = we;
    o->engine_torque_nm = te;
    return t_at_input;
}

/* The P2 motor's torque at the input for the rest of t_in, within its limits and the
 * battery's (lo, hi: W at the motor's terminals). */
static double p2_motor_torque(const eco_vehicle *v, double w_in, double t_rest, double lo,
                              double hi)
{
    const eco_machine *m = &v->motor;
    double t_max = eco_p2_motor_torque_nm(m, w_in, m->max_power_w);
    double t = eco_fmin(eco_fmax(t_rest, -t_max), t_max);
    if (w_in <= 0.0)
        return t; /* at rest: torque without power */
    return fit_electric(m, t * w_in, lo, eco_fmax(hi, 0.0)) / w_in;
}

/* Parallel P2 hybrid: engine, disconnect clutch, motor on the input of a stepped box. The
 * motor makes up what the engine's requested power does not give (a load-point shift:
 * charging below the demand, boosting above it) and drives alone with the engine off.
 * Where the battery cannot take the motor's share, the engine gives way (or takes over)
 * within its full load; regen the battery cannot take is left to the friction brakes. */
void eco_realize_p2(const eco_vehicle *v, const eco_state *x, const eco_command *u, int gear,
                    double speed, double f_n, eco_pt_ops *o)
{
    const eco_gearbox *g = &v->gearbox;
    const eco_machine *m = &v->motor;
    double r_w = v->wheel_radius_m, ratio = eco_drive_ratio(v, gear);
    double eta = g->efficiency * g->final_drive_efficiency;
    double w_in = speed / r_w * ratio;
    double t_in = f_n >= 0.0 ? f_n * r_w / (ratio * eta) : f_n * r_w * eta / ratio;
    memset(o, 0, sizeof *o);
    o->gear = gear;
    int on = u->engine_on;
    double pe = u->engine_power_w;
    if (on < 0) { /* left to the plant: the engine alone where it can */
        on = t_in > 0.0;
        pe = t_in * w_in;
    }
    double hi = eco_battery_discharge_limit_w(&v->battery, x->soc) - v->aux_power_w;
    double lo = -eco_battery_charge_limit_w(&v->battery, x->soc) - v->aux_power_w;
    double t_e = p2_engine_point(v, on, pe, w_in, t_in, o);
    double t_m = p2_motor_torque(v, w_in, t_in - t_e, lo, hi);
    double gap = t_in - t_e - t_m; /* what the battery or the motor left undone */
    if (fabs(gap) > 1e-9 && o->engine_on && o->engine_speed_radps == w_in) {
        p2_engine_point(v, on, (t_e + gap) * w_in, w_in, t_in, o);
        t_e = o->engine_torque_nm;
        t_m = p2_motor_torque(v, w_in, t_in - t_e, lo, hi);
    }
    double t_tot = t_e + t_m;
    o->f_pt_n = t_tot >= 0.0 ? t_tot * ratio * eta / r_w : t_tot * ratio / (eta * r_w);
    o->fuel_hot_gps =
        on ? eco_engine_fuel_gps(&v->engine, o->engine_speed_radps, o->engine_torque_nm) : 0.0;
    o->motor_speed_radps = w_in * m->gear_ratio;
    o->motor_torque_nm = t_m / m->gear_ratio;
    o->p_motor_mech_w = t_m * w_in;
    o->p_motor_elec_w = eco_machine_electric_w(m, o->p_motor_mech_w);
    o->p_batt_w = o->p_motor_elec_w + v->aux_power_w;
    o->p_driveline_in_w = o->engine_torque_nm * o->engine_speed_radps + o->p_motor_mech_w;
}
