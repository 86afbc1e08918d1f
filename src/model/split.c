/* The power-split hybrid (Toyota THS): engine on the planet carrier, MG1 on the sun, the
 * ring to the wheels with MG2. Engine speed is free of vehicle speed within MG1's speed
 * limits, so the engine follows its best-efficiency line; MG2 makes up the ring torque.
 * Willis equation: (1 + rho) w_carrier = rho w_sun + w_ring, rho = sun/ring teeth. */
#include "powertrain.h"

#include <math.h>
#include <string.h>

static double clamp(double x, double lo, double hi)
{
    return eco_fmin(eco_fmax(x, lo), hi);
}

/* Engine speed and torque for a requested output, or the unfuelled spin that keeps MG1
 * under its speed limit when the engine is off at speed. */
static void split_engine_point(const eco_vehicle *v, int on, double pe, double wr, eco_pt_ops *o)
{
    const eco_engine *e = &v->engine;
    double rho = v->gearbox.split_rho;
    double wg_max = v->generator.max_speed_radps;
    double we_lo = (wr - rho * wg_max) / (1.0 + rho);
    double we_hi = (wr + rho * wg_max) / (1.0 + rho);
    o->engine_on = on;
    if (on) {
        double we = eco_curve_eval(&e->best_speed, pe);
        we = clamp(we, eco_fmax(we_lo, e->idle_speed_radps), eco_fmin(we_hi, e->max_speed_radps));
        double te = we > 0.0 ? pe / we : 0.0;
        te = eco_fmin(te, eco_engine_max_torque_nm(e, we));
        te = eco_fmin(te, v->generator.max_torque_nm * (1.0 + rho) / rho);
        double wg = fabs(((1.0 + rho) * we - wr) / rho);
        if (wg > 0.0) /* MG1 reacts rho/(1+rho) of the engine torque at its own speed */
            te = eco_fmin(te, v->generator.max_power_w * (1.0 + rho) / (rho * wg));
        o->engine_speed_radps = we;
        o->engine_torque_nm = te;
        o->fuel_hot_gps = eco_engine_fuel_gps(e, we, te);
    } else if (we_lo > 0.0) {
        o->engine_speed_radps = we_lo;
        o->engine_torque_nm = -eco_curve_eval(&e->friction_nm, we_lo);
    }
}

static void split_electric(const eco_vehicle *v, eco_pt_ops *o)
{
    o->p_gen_elec_w = eco_machine_electric_w(&v->generator, o->p_gen_mech_w);
    o->p_motor_elec_w = eco_machine_electric_w(&v->motor, o->p_motor_mech_w);
    o->p_batt_w = o->p_gen_elec_w + o->p_motor_elec_w + v->aux_power_w;
}

static void split_generator(const eco_vehicle *v, double wr, eco_pt_ops *o)
{
    double rho = v->gearbox.split_rho;
    double te = o->engine_torque_nm;
    o->gen_speed_radps = ((1.0 + rho) * o->engine_speed_radps - wr) / rho;
    o->gen_torque_nm = -rho / (1.0 + rho) * te;
    o->p_gen_mech_w = o->gen_torque_nm * o->gen_speed_radps;
}

/* MG1 and MG2 for an engine torque: MG2 makes up the ring torque within its limits. */
static void split_machines(const eco_vehicle *v, double wr, double t_ring, double te, eco_pt_ops *o)
{
    const eco_machine *m = &v->motor;
    o->engine_torque_nm = te;
    split_generator(v, wr, o);
    double p_max = eco_fmin(m->max_power_w, m->max_torque_nm * m->gear_ratio * wr);
    o->p_motor_mech_w = clamp((t_ring - te / (1.0 + v->gearbox.split_rho)) * wr, -p_max, p_max);
    split_electric(v, o);
}

/* MG2 gives way to the battery: less assist when it can't deliver, less regen when it can't
 * absorb (the friction brakes take the rest). Electrical target to mechanical through MG2's
 * efficiency at that power. */
static void split_fit_motor(const eco_vehicle *v, double wr, double lo, double hi, eco_pt_ops *o)
{
    const eco_machine *m = &v->motor;
    if (o->p_batt_w <= hi && o->p_batt_w >= lo)
        return;
    int over = o->p_batt_w > hi;
    double e_target = (over ? hi : lo) - o->p_gen_elec_w - v->aux_power_w;
    double eff = eco_curve_eval(&m->efficiency, fabs(e_target) / m->max_power_w);
    double mech = e_target > 0.0 ? e_target * eff : e_target / eff;
    double p_max = eco_fmin(m->max_power_w, m->max_torque_nm * m->gear_ratio * wr);
    double p = over ? eco_fmin(o->p_motor_mech_w, mech) : eco_fmax(o->p_motor_mech_w, mech);
    o->p_motor_mech_w = clamp(p, -p_max, p_max);
    split_electric(v, o);
}

/* With MG2 at its limit the engine gives way too: the largest share k of its torque that
 * keeps the battery inside its limits, to 1e-6 W (MG1's power follows the engine torque).
 * The battery's excess g(k) over the limit it breaks need not be monotone nor feasible at
 * k = 0 (MG2's efficiency is read at the power asked, not the one applied), so this is a
 * bisection on feasibility, g <= 1e-6 W, to 1e-6 in k (0.2 mNm of engine torque; the
 * operating point is consistent at any k, only its distance to the edge is at stake).
 * While the feasible end carries information (g clearly below 0) it steps by regula falsi
 * with the Illinois weighting instead, and bisects whenever the bracket shrinks less than
 * half. Where MG2 pins the battery at its limit, g is 0 over a range of k: only bisection
 * finds the edge there. */
static double battery_excess_w(const eco_vehicle *v, double wr, double t_ring, double te, double lo,
                               double hi, int over, eco_pt_ops *o)
{
    split_machines(v, wr, t_ring, te, o);
    split_fit_motor(v, wr, lo, hi, o);
    return over ? o->p_batt_w - hi : lo - o->p_batt_w;
}

static void split_fit_engine(const eco_vehicle *v, double wr, double t_ring, double lo, double hi,
                             eco_pt_ops *o)
{
    const double tol_w = 1e-6, tol_k = 1e-6;
    double te_full = o->engine_torque_nm; /* o holds the full torque's operation */
    int over = o->p_batt_w > hi;
    double g_bad = over ? o->p_batt_w - hi : lo - o->p_batt_w;
    if (g_bad <= tol_w)
        return;
    double k_ok = 0.0, k_bad = 1.0;
    double g_ok = battery_excess_w(v, wr, t_ring, 0.0, lo, hi, over, o);
    int side = 0;
    while (k_bad - k_ok > tol_k) {
        double width = k_bad - k_ok, k = 0.5 * (k_ok + k_bad);
        if (g_ok < -tol_w) {
            double ks = k_ok + width * (-g_ok) / (g_bad - g_ok);
            if (ks > k_ok && ks < k_bad)
                k = ks;
        }
        double g = battery_excess_w(v, wr, t_ring, k * te_full, lo, hi, over, o);
        if (g <= tol_w) {
            k_ok = k;
            g_ok = g;
            if (side == -1)
                g_bad *= 0.5; /* Illinois: the stale end's weight halves */
            side = -1;
        } else {
            k_bad = k;
            g_bad = g;
            if (side == 1)
                g_ok *= 0.5;
            side = 1;
        }
        if (k_bad - k_ok > 0.5 * width) { /* slow: bisect once */
            double km = 0.5 * (k_ok + k_bad);
            double gm = battery_excess_w(v, wr, t_ring, km * te_full, lo, hi, over, o);
            if (gm <= tol_w) {
                k_ok = km;
                g_ok = gm;
            } else {
                k_bad = km;
                g_bad = gm;
            }
            side = 0;
        }
    }
    battery_excess_w(v, wr, t_ring, k_ok * te_full, lo, hi, over, o);
}

void eco_realize_split(const eco_vehicle *v, const eco_state *x, const eco_command *u, double speed,
                       double f_n, eco_pt_ops *o)
{
    const eco_gearbox *g = &v->gearbox;
    const eco_machine *m = &v->motor;
    double rho = g->split_rho, eta = g->final_drive_efficiency, r_w = v->wheel_radius_m;
    double wr = speed / r_w * g->final_drive;
    double t_ring = (f_n >= 0.0 ? f_n / eta : f_n * eta) * r_w / g->final_drive;
    memset(o, 0, sizeof *o);
    int on = u->engine_on;
    double pe = u->engine_power_w;
    if (on < 0) {
        on = t_ring * wr > 0.0;
        pe = t_ring * wr;
    }
    split_engine_point(v, on, clamp(pe, 0.0, v->engine.rated_power_w), wr, o);
    double hi = eco_battery_discharge_limit_w(&v->battery, x->soc);
    double lo = -eco_battery_charge_limit_w(&v->battery, x->soc);
    split_machines(v, wr, t_ring, o->engine_torque_nm, o);
    split_fit_motor(v, wr, lo, hi, o);
    if ((o->p_batt_w > hi || o->p_batt_w < lo) && o->engine_on && o->engine_torque_nm > 0.0) {
        split_fit_engine(v, wr, t_ring, lo, hi, o);
        o->fuel_hot_gps =
            eco_engine_fuel_gps(&v->engine, o->engine_speed_radps, o->engine_torque_nm);
    }
    double t_ring_e = o->engine_torque_nm / (1.0 + rho);
    o->motor_speed_radps = wr * m->gear_ratio;
    o->motor_torque_nm = wr > 0.0 ? o->p_motor_mech_w / o->motor_speed_radps : 0.0;
    double p_ring = t_ring_e * wr + o->p_motor_mech_w;
    o->p_driveline_in_w = p_ring;
    o->f_pt_n = speed > 0.0 ? (p_ring >= 0.0 ? p_ring * eta : p_ring / eta) / speed : f_n;
}
