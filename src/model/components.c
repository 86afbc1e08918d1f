/* Engine, emissions, electric machine and battery: pure functions of their parameters. */
#include "ecodrive/model.h"
#include "ecodrive/units.h"

#include <math.h>

/* Fuel rate of a hot engine. Below the map's lowest torque the Willans line (fuel linear in
 * torque at fixed speed) is extended; it reaches zero at the motoring torque, where the
 * ECU cuts fuel on overrun. */
double eco_engine_fuel_gps(const eco_engine *e, double speed_radps, double torque_nm)
{
    if (speed_radps <= 0.0)
        return 0.0;
    double friction = eco_curve_eval(&e->friction_nm, speed_radps);
    if (torque_nm <= -friction)
        return 0.0;
    const eco_map *m = &e->fuel_gps;
    double t0 = m->y[0];
    if (torque_nm >= t0)
        return eco_map_eval(m, speed_radps, torque_nm);
    double f0 = eco_map_eval(m, speed_radps, t0);
    /* Willans slope between the map's floor and the zero-fuel point at -friction. */
    double slope = f0 / (t0 + friction);
    return eco_fmax(0.0, f0 - slope * (t0 - torque_nm));
}

double eco_engine_nox_gps(const eco_engine *e, double speed_radps, double torque_nm,
                          double fuel_gps)
{
    (void)speed_radps;
    if (fuel_gps <= 0.0 || e->displacement_l <= 0.0)
        return 0.0;
    /* Four-stroke BMEP = 4 pi T / Vd. */
    double bmep_pa = 4.0 * ECO_PI * eco_fmax(torque_nm, 0.0) / (e->displacement_l * 1e-3);
    double ei_g_per_kg = eco_curve_eval(&e->nox_g_per_kg_fuel, bmep_pa);
    return fuel_gps * 1e-3 * ei_g_per_kg;
}

double eco_machine_electric_w(const eco_machine *m, double mech_w)
{
    if (mech_w == 0.0)
        return 0.0;
    double frac = fabs(mech_w) / m->max_power_w;
    double eff = eco_curve_eval(&m->efficiency, frac);
    return mech_w > 0.0 ? mech_w / eff : mech_w * eff;
}

int eco_battery_current(const eco_battery *b, double soc, double power_w, double *current_a)
{
    double ocv = eco_curve_eval(&b->ocv_v, soc);
    double r = b->r_internal_ohm;
    /* P = OCV I - R I^2, solved for the smaller root; beyond the matched-load power the
     * battery cannot deliver, so the caller is told and gets the maximum. */
    double disc = ocv * ocv - 4.0 * r * power_w;
    if (r <= 0.0) {
        *current_a = power_w / ocv;
        return ECO_OK;
    }
    if (disc < 0.0) {
        *current_a = ocv / (2.0 * r);
        return ECO_ERANGE;
    }
    *current_a = 2.0 * power_w / (ocv + sqrt(disc));
    return ECO_OK;
}
