/* The parallel P2 hybrid against what its layout dictates: the engine turns with the
 * gearbox input when the clutch is closed, the motor makes up the rest of the torque, the
 * gearbox loses its efficiency's share, and the energy book closes (fixtures in
 * vehicle_fixture.h). */
#include "controllers.h"
#include "ecodrive/control.h"
#include "ecodrive/dp.h"
#include "ecodrive/mpc.h"
#include "ecodrive/mpc_route.h"
#include "vehicle_fixture.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static double balance_gap(const eco_energy *e)
{
    double in = e->fuel_j + e->battery_j;
    double out = e->aero_j + e->rolling_j + e->grade_j + e->kinetic_j + e->brake_j +
                 e->engine_loss_j + e->driveline_loss_j + e->machine_loss_j + e->battery_loss_j +
                 e->aux_j;
    return fabs(in - out) / fmax(fabs(in) + fabs(out), 1.0);
}

static void p2(eco_vehicle *v)
{
    fix_p2(v);
    cr_assert_eq(eco_vehicle_init(v), ECO_OK, "%s", eco_last_error());
}

static void at(const eco_vehicle *v, double speed, int gear, double soc, eco_state *x)
{
    eco_model_state_init(v, 1, x);
    x->speed_mps = speed;
    x->gear = gear;
    x->soc = soc;
    x->engine_on = 1;
}

static double input_speed(const eco_vehicle *v, const eco_state *x, const eco_state *n, int gear)
{
    double v_avg = 0.5 * (x->speed_mps + n->speed_mps);
    return v_avg / v->wheel_radius_m * v->gearbox.ratio[gear - 1] * v->gearbox.final_drive;
}

Test(p2, engine_turns_with_the_gearbox_input)
{
    eco_vehicle v;
    p2(&v);
    eco_state x, n;
    eco_step_out o;
    for (int gear = 2; gear <= 5; gear++) {
        at(&v, 20.0, gear, 0.6, &x);
        eco_command u = {.throttle = 0.3, .gear = gear, .engine_on = 1, .engine_power_w = 20e3};
        cr_assert_eq(eco_model_step(&v, &x, &u, 0.0, 0.1, &n, &o), ECO_OK);
        double w_in = input_speed(&v, &x, &n, gear);
        cr_assert_eq(o.gear, gear);
        cr_assert_float_eq(o.engine_speed_radps, w_in, 1e-9 * w_in, "gear %d", gear);
        cr_assert_float_eq(o.motor_speed_radps, w_in * v.motor.gear_ratio, 1e-9 * w_in);
        cr_assert_float_eq(o.engine_torque_nm * o.engine_speed_radps, 20e3, 1e-6);
    }
    eco_vehicle_free(&v);
}

/* Same wheel force, the engine asked for more or less than it needs: the motor takes the
 * surplus into the battery or adds the shortfall from it, and the car does not notice. */
Test(p2, load_point_shift_charges_or_boosts_at_the_same_force)
{
    eco_vehicle v;
    p2(&v);
    eco_state x, n;
    eco_step_out lo, hi;
    at(&v, 15.0, 3, 0.6, &x);
    eco_command u = {.throttle = 0.25, .gear = 3, .engine_on = 1, .engine_power_w = 5e3};
    cr_assert_eq(eco_model_step(&v, &x, &u, 0.0, 0.1, &n, &lo), ECO_OK);
    u.engine_power_w = 40e3;
    cr_assert_eq(eco_model_step(&v, &x, &u, 0.0, 0.1, &n, &hi), ECO_OK);
    cr_assert_float_eq(lo.wheel_force_n, hi.wheel_force_n, 1e-6 * fabs(hi.wheel_force_n));
    cr_assert_gt(lo.battery_power_w, 0.0, "boost: the battery gives %g W", lo.battery_power_w);
    cr_assert_lt(hi.battery_power_w, 0.0, "charge: the battery takes %g W", hi.battery_power_w);
    cr_assert_gt(hi.fuel_g, lo.fuel_g);
    eco_vehicle_free(&v);
}

/* Engine off: no fuel, the clutch open, and the motor's shaft power reaches the wheels
 * through the gearbox and final drive efficiencies. */
Test(p2, electric_drive_with_the_engine_off)
{
    eco_vehicle v;
    p2(&v);
    eco_state x, n;
    eco_step_out o;
    at(&v, 10.0, 2, 0.6, &x);
    x.engine_on = 0;
    eco_command u = {.throttle = 0.2, .gear = 2, .engine_on = 0};
    cr_assert_eq(eco_model_step(&v, &x, &u, 0.0, 0.1, &n, &o), ECO_OK);
    cr_assert_eq(o.fuel_g, 0.0);
    cr_assert_eq(o.engine_speed_radps, 0.0);
    double w_in = input_speed(&v, &x, &n, 2), p_mech = o.motor_torque_nm * o.motor_speed_radps;
    double eta = v.gearbox.efficiency * v.gearbox.final_drive_efficiency;
    double v_avg = 0.5 * (x.speed_mps + n.speed_mps);
    cr_assert_float_eq(o.motor_speed_radps, w_in, 1e-9 * w_in);
    cr_assert_float_eq(o.wheel_force_n * v_avg, p_mech * eta, 1e-6 * p_mech);
    cr_assert_gt(o.battery_power_w, p_mech + v.aux_power_w, "the motor's losses come on top");
    eco_vehicle_free(&v);
}

/* The book closes on every kind of step (electric, coupled, slipping at launch, boost,
 * charge, regen, at the battery's limits), the driveline loses nothing it does not have,
 * and with the clutch closed and power flowing to the wheels the loss is the gearbox's. */
Test(p2, energy_book_closes_and_the_gearbox_loses_its_share)
{
    eco_vehicle v;
    p2(&v);
    double eta = v.gearbox.efficiency * v.gearbox.final_drive_efficiency;
    int steps = 0, coupled = 0;
    for (double speed = 0.0; speed <= 35.0; speed += 2.5)
        for (int gear = 1; gear <= 5; gear++)
            for (double soc = 0.3; soc <= 0.8; soc += 0.25)
                for (int k = 0; k < 12; k++) {
                    eco_state x, n;
                    eco_step_out o;
                    at(&v, speed, gear, soc, &x);
                    eco_command u = {.throttle = (k % 4) / 3.0,
                                     .regen = k >= 8 ? 0.3 * (k - 7) : 0.0,
                                     .gear = gear,
                                     .engine_on = k % 2,
                                     .engine_power_w = 8e3 * (k % 5)};
                    cr_assert_eq(eco_model_step(&v, &x, &u, 0.02, 0.1, &n, &o), ECO_OK);
                    const eco_energy *e = &o.energy;
                    cr_assert(balance_gap(e) < 1e-9, "v %g gear %d soc %g k %d: gap %g", speed,
                              gear, soc, k, balance_gap(e));
                    cr_assert_geq(e->driveline_loss_j, -1e-9);
                    double w_in = input_speed(&v, &x, &n, gear);
                    double p_in = o.engine_torque_nm * o.engine_speed_radps +
                                  o.motor_torque_nm * o.motor_speed_radps;
                    if (n.engine_on && o.engine_speed_radps == w_in && p_in > 1.0 && w_in > 0.0) {
                        cr_assert_float_eq(e->driveline_loss_j, (1.0 - eta) * p_in * 0.1,
                                           1e-6 * p_in);
                        coupled++;
                    }
                    steps++;
                }
    cr_assert_gt(coupled, 100, "coupled steps checked: %d of %d", coupled, steps);
    eco_vehicle_free(&v);
}

/* Full throttle delivers the limits eco_model_limits reports, engine and motor together. */
Test(p2, full_throttle_delivers_the_reported_limit)
{
    eco_vehicle v;
    p2(&v);
    eco_state x, n;
    eco_step_out o;
    eco_limits lim;
    at(&v, 12.0, 2, 0.6, &x);
    eco_model_limits(&v, &x, 2, &lim);
    eco_command u = {
        .throttle = 1.0, .gear = 2, .engine_on = 1, .engine_power_w = v.engine.rated_power_w};
    cr_assert_eq(eco_model_step(&v, &x, &u, 0.0, 0.1, &n, &o), ECO_OK);
    eco_limits lim_avg; /* the plant realises at the step's mean speed */
    eco_state mid = x;
    mid.speed_mps = 0.5 * (x.speed_mps + n.speed_mps);
    eco_model_limits(&v, &mid, 2, &lim_avg);
    cr_assert(o.wheel_force_n >= 0.98 * fmin(lim.traction_max_n, lim_avg.traction_max_n),
              "delivered %g N of %g", o.wheel_force_n, lim.traction_max_n);
    cr_assert_gt(lim.traction_max_n, 0.0);
    cr_assert_gt(o.motor_torque_nm, 0.0, "the motor boosts");
    eco_vehicle_free(&v);
}

/* An empty battery still pulls away: the clutch slips with the engine at the launch speed,
 * which it burns fuel for; a full one offers no regen, and the friction brakes stop the car. */
Test(p2, empty_battery_launches_on_the_clutch_and_full_one_brakes)
{
    eco_vehicle v;
    p2(&v);
    eco_state x, n;
    eco_step_out o;
    at(&v, 0.0, 1, v.battery.soc_min, &x);
    eco_command u = {.throttle = 0.5, .gear = 1, .engine_on = 1, .engine_power_w = 15e3};
    cr_assert_eq(eco_model_step(&v, &x, &u, 0.0, 0.1, &n, &o), ECO_OK);
    cr_assert_gt(n.speed_mps, 0.0);
    cr_assert_float_eq(o.engine_speed_radps, 1.5 * v.engine.idle_speed_radps, 1e-9);
    cr_assert_gt(o.fuel_g, 0.0);
    at(&v, 20.0, 4, v.battery.soc_max, &x);
    x.engine_on = 0;
    eco_limits lim;
    eco_model_limits(&v, &x, 4, &lim);
    double eta = v.gearbox.efficiency * v.gearbox.final_drive_efficiency;
    cr_assert(lim.regen_max_n * x.speed_mps <= v.aux_power_w / (eta * 0.85),
              "a full battery offers no more regen than the accessories use: %g N",
              lim.regen_max_n);
    eco_command r = {.regen = 1.0, .brake = 0.2, .gear = 4, .engine_on = 0};
    cr_assert_eq(eco_model_step(&v, &x, &r, 0.0, 0.1, &n, &o), ECO_OK);
    cr_assert(o.battery_power_w >= 0.0, "a full battery takes nothing: %g W", o.battery_power_w);
    cr_assert_geq(o.energy.brake_j,
                  0.2 * v.brake_max_n * 0.5 * (x.speed_mps + n.speed_mps) * 0.1 - 1e-6);
    eco_vehicle_free(&v);
}

/* The MPC, the DP and the route MPC do not yet plan for a P2: they refuse it by name,
 * rather than plan for a power split it is not. */
Test(p2, mpc_and_dp_refuse_it_by_name)
{
    eco_vehicle v;
    p2(&v);
    eco_mpc_settings s;
    eco_mpc_settings_default(&s);
    eco_controller *c = eco_mpc_create(&v, 0.1, &s, NULL);
    cr_assert_null(c);
    cr_assert(strstr(eco_last_error(), "mpc:") && strstr(eco_last_error(), "P2"), "%s",
              eco_last_error());
    /* the DP, on a valid ten-step trace at 10 m/s */
    double ref[11], lo[11], hi[11], grade[11] = {0};
    for (int k = 0; k <= 10; k++) {
        ref[k] = 10.0;
        lo[k] = 9.0;
        hi[k] = 11.0;
    }
    eco_dp_trace tr = {10, 1.0, 0.0, ref, lo, hi, grade, 100.0, 0.6};
    eco_dp_settings ds;
    eco_dp_settings_default(&ds);
    eco_dp_solution *sol = NULL;
    cr_assert_eq(eco_dp_solve(&v, &tr, &ds, &sol), ECO_EINVAL);
    cr_assert_null(sol);
    cr_assert(strstr(eco_last_error(), "dp:") && strstr(eco_last_error(), "P2"), "%s",
              eco_last_error());
    /* the route MPC, as the daemon's horizon makes it */
    cr_assert_null(eco_mpc_route_create_window(&v, 30.0, 64, 0.1, NULL, NULL));
    cr_assert(strstr(eco_last_error(), "route mpc:") && strstr(eco_last_error(), "P2"), "%s",
              eco_last_error());
    eco_vehicle_free(&v);
}

static void baseline_on(const eco_vehicle *v, const eco_sim_cycle *c, eco_sim_result *r)
{
    eco_sim_options o;
    eco_sim_options_default(&o);
    o.quiet = 1;
    o.engine_hot = 1;
    eco_sim_summary sum;
    cr_assert_eq(eco_sim_run_named("baseline", NULL, v, c, &o, r, &sum, 0), 0, "%s",
                 eco_last_error());
}

/* The baseline drives the P2 through WLTC class 3b as a hybrid should: on the trace,
 * charge-sustaining, its engine neither chattering nor left off for good, and on less
 * fuel than the same engine and box without the motor. */
Test(p2, baseline_drives_wltc_charge_sustaining_on_less_fuel)
{
    eco_vehicle hev, conv;
    p2(&hev);
    fix_conventional(&conv);
    cr_assert_eq(eco_vehicle_init(&conv), ECO_OK);
    char path[512];
    snprintf(path, sizeof path, "%s/sim/cycles/wltc_class3b.csv", ECO_SOURCE_DIR);
    eco_sim_cycle c;
    cr_assert_eq(eco_sim_cycle_load(path, "wltc_class3b", &c), ECO_OK, "%s", eco_last_error());
    eco_sim_result rh, rc;
    baseline_on(&hev, &c, &rh);
    baseline_on(&conv, &c, &rc);
    const eco_sim_totals *t = &rh.total;
    double rms_kmh = sqrt(t->sq_err_kmh2 / t->duration_s), km = t->distance_m / 1000.0;
    cr_assert_lt(rms_kmh, 1.0, "trace rms %g km/h", rms_kmh);
    cr_assert_lt(fabs(t->distance_m / t->ref_distance_m - 1.0), 0.005);
    cr_assert_lt(fabs(t->soc_end - t->soc_start), 0.05, "SOC %g -> %g", t->soc_start, t->soc_end);
    cr_assert(t->engine_starts >= 5 && t->engine_starts / km <= 2.0, "%d starts over %.1f km",
              t->engine_starts, km);
    cr_assert_eq(rh.invalid_setpoints, 0);
    double saving = 1.0 - t->fuel_g / rc.total.fuel_g;
    cr_log_info("P2 fixture on WLTC 3b: fuel %.1f g (conventional %.1f g, %.1f %% less), trace "
                "rms %.3f km/h, SOC %.3f -> %.3f, %d engine starts",
                t->fuel_g, rc.total.fuel_g, 100.0 * saving, rms_kmh, t->soc_start, t->soc_end,
                t->engine_starts);
    cr_assert_gt(saving, 0.05, "fuel %.0f g against %.0f g", t->fuel_g, rc.total.fuel_g);
    eco_sim_result_free(&rh);
    eco_sim_result_free(&rc);
    eco_sim_cycle_free(&c);
    eco_vehicle_free(&hev);
    eco_vehicle_free(&conv);
}
