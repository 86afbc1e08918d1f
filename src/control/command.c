/* From a wanted wheel force to a command, and the observation a plant reports. */
#include "ecodrive/control.h"

#include <math.h>
#include <string.h>

double eco_control_force_for(const eco_vehicle *veh, double v0_mps, double v1_mps, double dt_s,
                             double grade_rad)
{
    double m = veh->mass_kg + veh->rotating_mass_kg;
    double v_avg = 0.5 * (v0_mps + v1_mps);
    return m * (v1_mps - v0_mps) / dt_s + eco_model_road_load_n(veh, v_avg) +
           veh->mass_kg * ECO_G_MPS2 * sin(grade_rad);
}

void eco_control_force_to_command(const eco_vehicle *veh, const eco_state *x, int gear,
                                  double force_n, eco_command *cmd)
{
    eco_limits lim;
    eco_model_limits(veh, x, gear, &lim);
    cmd->gear = gear;
    cmd->throttle = cmd->regen = cmd->brake = 0.0;
    if (force_n >= lim.traction_min_n) {
        double span = lim.traction_max_n - lim.traction_min_n;
        cmd->throttle = span > 0.0 ? fmin(1.0, (force_n - lim.traction_min_n) / span) : 0.0;
        return;
    }
    double need = lim.traction_min_n - force_n; /* braking beyond the powertrain's drag */
    double regen = fmin(need, lim.regen_max_n);
    cmd->regen = lim.regen_max_n > 0.0 ? regen / lim.regen_max_n : 0.0;
    cmd->brake = fmin(1.0, (need - regen) / lim.brake_max_n);
}

void eco_observation_from_plant(const eco_vehicle *veh, const eco_state *x,
                                const eco_step_out *last, double grade_rad, eco_observation *obs)
{
    memset(obs, 0, sizeof *obs);
    obs->time_s = x->time_s;
    obs->speed_mps = x->speed_mps;
    obs->gear = x->gear;
    obs->engine_on = x->engine_on;
    obs->soc = x->soc;
    obs->grade_rad = grade_rad;
    obs->engine_warm = x->engine_warm;
    if (last) {
        obs->accel_mps2 = last->accel_mps2;
        obs->engine_speed_radps = last->engine_speed_radps;
        obs->engine_torque_nm = last->engine_torque_nm;
        obs->battery_current_a = last->battery_current_a;
    }
    if (veh->powertrain != ECO_PT_CONV)
        obs->battery_voltage_v = eco_curve_eval(&veh->battery.ocv_v, x->soc) -
                                 obs->battery_current_a * veh->battery.r_internal_ohm;
}

void eco_state_from_observation(const eco_observation *o, eco_state *x)
{
    memset(x, 0, sizeof *x);
    x->time_s = o->time_s;
    x->speed_mps = o->speed_mps;
    x->soc = o->soc;
    x->engine_warm = o->engine_warm;
    x->gear = o->gear;
    x->engine_on = o->engine_on;
}
