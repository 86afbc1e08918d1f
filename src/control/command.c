/* What the controllers share: from a wanted wheel force to a command, the observation a
 * plant reports and the state it tells of, and the controllers' interface record. */
#include "control_internal.h"

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
        cmd->throttle = span > 0.0 ? eco_fmin(1.0, (force_n - lim.traction_min_n) / span) : 0.0;
        return;
    }
    double need = lim.traction_min_n - force_n; /* braking beyond the powertrain's drag */
    double regen = eco_fmin(need, lim.regen_max_n);
    cmd->regen = lim.regen_max_n > 0.0 ? regen / lim.regen_max_n : 0.0;
    cmd->brake = eco_fmin(1.0, (need - regen) / lim.brake_max_n);
}

/* The fields a plant state and an observation share, by name: what the car reports of the
 * state, and all a controller learns of it. One list for both directions. */
#define STATE_OBSERVED(X) X(time_s) X(speed_mps) X(gear) X(engine_on) X(soc) X(engine_warm)

void eco_observation_from_plant(const eco_vehicle *veh, const eco_state *x,
                                const eco_step_out *last, double grade_rad, eco_observation *obs)
{
    memset(obs, 0, sizeof *obs);
#define FROM_STATE(field) obs->field = x->field;
    STATE_OBSERVED(FROM_STATE)
#undef FROM_STATE
    obs->grade_rad = grade_rad;
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
#define TO_STATE(field) x->field = o->field;
    STATE_OBSERVED(TO_STATE)
#undef TO_STATE
}

void eco_control_init(eco_controller *c, const eco_control_kind *kind, const eco_vehicle *veh,
                      double dt_s, int preview_n)
{
    c->name = kind->name;
    c->step = kind->step;
    c->reset = kind->reset;
    c->destroy = kind->destroy;
    c->veh = veh;
    c->dt_s = dt_s;
    c->preview_n = preview_n;
}

void eco_control_free(eco_controller *c)
{
    eco_free(c);
}

int eco_control_plans_for(const eco_vehicle *veh, const char *who)
{
    if (!eco_vehicle_is_p2(veh))
        return ECO_OK;
    eco_set_error("%s: %s is a parallel P2 hybrid, which only the baseline drives so far (its "
                  "tables do not yet hold a gear and the engine's power together)",
                  who, veh->name);
    return ECO_EINVAL;
}
