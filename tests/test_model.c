/* Model tests against hand-worked numbers (see vehicle_fixture.h for the fixtures). */
#include "ecodrive/control.h"
#include "vehicle_fixture.h"

#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_interp2d.h>
#include <math.h>
#include <string.h>

static double balance_in(const eco_energy *e)
{
    return e->fuel_j + e->battery_j;
}

static double balance_out(const eco_energy *e)
{
    return e->aero_j + e->rolling_j + e->grade_j + e->kinetic_j + e->brake_j + e->engine_loss_j +
           e->driveline_loss_j + e->machine_loss_j + e->battery_loss_j + e->aux_j;
}

Test(model, road_load_by_hand)
{
    eco_vehicle v;
    fix_bev(&v);
    /* 100 + 1 * 20 + 0.4 * 20^2 = 280 N */
    cr_assert_float_eq(eco_model_road_load_n(&v, 20.0), 280.0, 1e-12);
    cr_assert_float_eq(eco_model_road_load_n(&v, 0.0), 0.0, 1e-12);
}

Test(model, coast_down_deceleration)
{
    eco_vehicle v;
    fix_bev(&v);
    cr_assert_eq(eco_vehicle_init(&v), ECO_OK);
    eco_state x, n;
    eco_model_state_init(&v, 1, &x);
    x.speed_mps = 20.0;
    eco_command u = {0};
    eco_step_out out;
    cr_assert_eq(eco_model_step(&v, &x, &u, 0.0, 0.1, &n, &out), ECO_OK);
    /* m_eff a = -F(v_avg); about -280 / 1530 = -0.183 m/s^2 at 20 m/s */
    double v_avg = 0.5 * (x.speed_mps + n.speed_mps);
    cr_assert_float_eq(out.accel_mps2 * 1530.0, -eco_model_road_load_n(&v, v_avg), 1e-6);
    cr_assert_float_eq(out.accel_mps2, -0.1830, 5e-4);
    eco_vehicle_free(&v);
}

Test(model, willans_line_reaches_zero_fuel_at_friction)
{
    eco_vehicle v;
    fix_conventional(&v);
    cr_assert_eq(eco_vehicle_init(&v), ECO_OK);
    double w = 2000 * FIX_RPM;
    /* (0 + 15 Nm) * 209.44 rad/s / (0.40 * 43000 J/g) = 0.18265 g/s */
    cr_assert_float_eq(eco_engine_fuel_gps(&v.engine, w, 0.0), 0.182655, 1e-5);
    cr_assert_float_eq(eco_engine_fuel_gps(&v.engine, w, -FIX_FRICTION), 0.0, 1e-12);
    cr_assert_float_eq(eco_engine_fuel_gps(&v.engine, w, -7.5), 0.182655 / 2, 1e-5);
    eco_vehicle_free(&v);
}

Test(model, overrun_cuts_fuel_and_engine_brakes)
{
    eco_vehicle v;
    fix_conventional(&v);
    cr_assert_eq(eco_vehicle_init(&v), ECO_OK);
    eco_state x, n;
    eco_model_state_init(&v, 1, &x);
    x.speed_mps = 60.0 / 3.6;
    x.gear = 4;
    eco_command u = {.gear = 4};
    eco_step_out out;
    cr_assert_eq(eco_model_step(&v, &x, &u, 0.0, 0.1, &n, &out), ECO_OK);
    cr_assert_eq(out.fuel_g, 0.0);
    /* Engine at 2122 rpm: (15 Nm friction + 300 W / (0.6 * 222.2 rad/s)) * 4 / (0.9408 * 0.3)
     * = 244.5 N of drag at the wheels. */
    cr_assert_float_eq(out.wheel_force_n, -244.5, 3.0);
    eco_vehicle_free(&v);
}

Test(model, battery_current_by_hand)
{
    eco_vehicle v;
    fix_bev(&v);
    double i;
    /* OCV(0.5) = 220 V; 10 kW = 220 I - 0.1 I^2 -> I = (220 - sqrt(220^2 - 4000)) / 0.2 */
    cr_assert_eq(eco_battery_current(&v.battery, 0.5, 10000.0, &i), ECO_OK);
    cr_assert_float_eq(i, 46.4344, 1e-3);
    cr_assert_eq(eco_battery_current(&v.battery, 0.5, 1e6, &i), ECO_ERANGE);
}

Test(model, grade_needs_m_g_sin_theta)
{
    eco_vehicle v;
    fix_bev(&v);
    cr_assert_eq(eco_vehicle_init(&v), ECO_OK);
    double theta = atan(0.05);
    /* 280 N + 1500 kg * 9.80665 * sin(atan 0.05) = 280 + 734.6 N */
    double f = eco_control_force_for(&v, 20.0, 20.0, 0.1, theta);
    cr_assert_float_eq(f, 1014.6, 0.1);
    eco_state x, n;
    eco_model_state_init(&v, 1, &x);
    x.speed_mps = 20.0;
    eco_command u;
    memset(&u, 0, sizeof u);
    eco_control_force_to_command(&v, &x, 1, f, &u);
    eco_step_out out;
    cr_assert_eq(eco_model_step(&v, &x, &u, theta, 0.1, &n, &out), ECO_OK);
    cr_assert_float_eq(n.speed_mps, 20.0, 1e-6);
    eco_vehicle_free(&v);
}

Test(model, no_regen_near_standstill)
{
    eco_vehicle v;
    fix_bev(&v);
    eco_state x;
    eco_model_state_init(&v, 1, &x);
    x.speed_mps = 0.5; /* below the 1 m/s fade-out */
    eco_limits lim;
    eco_model_limits(&v, &x, 1, &lim);
    cr_assert_eq(lim.regen_max_n, 0.0);
    x.speed_mps = 10.0;
    eco_model_limits(&v, &x, 1, &lim);
    cr_assert_gt(lim.regen_max_n, 1000.0);
}

Test(model, power_split_obeys_willis)
{
    eco_vehicle v;
    fix_hybrid(&v);
    cr_assert_eq(eco_vehicle_init(&v), ECO_OK);
    eco_state x, n;
    eco_model_state_init(&v, 1, &x);
    x.speed_mps = 15.0;
    eco_command u = {.throttle = 0.3, .engine_on = 1, .engine_power_w = 10000.0};
    eco_step_out out;
    cr_assert_eq(eco_model_step(&v, &x, &u, 0.0, 0.1, &n, &out), ECO_OK);
    double rho = v.gearbox.split_rho;
    double w_ring = 0.5 * (x.speed_mps + n.speed_mps) / v.wheel_radius_m * v.gearbox.final_drive;
    cr_assert_float_eq((1 + rho) * out.engine_speed_radps, rho * out.generator_speed_radps + w_ring,
                       1e-6);
    cr_assert_float_eq(out.engine_torque_nm * out.engine_speed_radps, 10000.0, 1.0);
    eco_vehicle_free(&v);
}

/* No loss is negative (a book can close with energy created in one place and lost in another)
 * and no component leaves its ratings. */
static void check_losses_and_limits(const eco_vehicle *v, const eco_step_out *out, int k)
{
    const eco_energy *e = &out->energy;
    double tol = 1e-6 * fmax(e->fuel_j + fabs(e->battery_j), 1.0);
    cr_assert_geq(e->engine_loss_j, -tol, "%s step %d: engine loss %g J", v->name, k,
                  e->engine_loss_j);
    cr_assert_geq(e->driveline_loss_j, -tol, "%s step %d: driveline loss %g J", v->name, k,
                  e->driveline_loss_j);
    cr_assert_geq(e->machine_loss_j, -tol, "%s step %d: machine loss", v->name, k);
    cr_assert_geq(e->battery_loss_j, 0.0);
    cr_assert_geq(e->brake_j, -tol, "%s step %d: brake %g J", v->name, k, e->brake_j);
    if (v->powertrain == ECO_PT_CONV)
        return;
    const double slack = 1.0 + 1e-9;
    cr_assert_leq(fabs(out->motor_torque_nm), v->motor.max_torque_nm * slack,
                  "%s step %d: MG2 %g Nm", v->name, k, out->motor_torque_nm);
    cr_assert_leq(fabs(out->generator_torque_nm * out->generator_speed_radps),
                  v->generator.max_power_w * slack + 1.0, "%s step %d: MG1 power", v->name, k);
    cr_assert_leq(fabs(out->battery_current_a), v->battery.max_current_a * slack,
                  "%s step %d: battery %g A", v->name, k, out->battery_current_a);
}

/* Every step of every powertrain closes its energy book, whatever the command. */
static void check_balance(eco_vehicle *v)
{
    cr_assert_eq(eco_vehicle_init(v), ECO_OK, "%s", eco_last_error());
    eco_state x, n;
    eco_model_state_init(v, 0, &x);
    unsigned seed = 12345;
    for (int k = 0; k < 3000; k++) {
        seed = seed * 1103515245u + 12345u;
        double r1 = (seed >> 8 & 0xffff) / 65535.0;
        seed = seed * 1103515245u + 12345u;
        double r2 = (seed >> 8 & 0xffff) / 65535.0;
        eco_command u = {.throttle = r1 > 0.4 ? r1 : 0.0,
                         .regen = r1 < 0.3 ? r2 : 0.0,
                         .brake = r1 < 0.1 ? r2 * 0.3 : 0.0,
                         .engine_on = r2 > 0.3,
                         .engine_power_w = r2 * 40000.0};
        eco_step_out out;
        cr_assert_eq(eco_model_step(v, &x, &u, 0.02 * sin(k * 0.01), 0.1, &n, &out), ECO_OK);
        double in = balance_in(&out.energy), o = balance_out(&out.energy);
        cr_assert(fabs(in - o) <= 1e-6 * fmax(fabs(in), 1.0), "%s step %d: in %g J, out %g J",
                  v->name, k, in, o);
        check_losses_and_limits(v, &out, k);
        x = n;
        if (x.speed_mps > 35.0)
            x.speed_mps = 35.0;
    }
    eco_vehicle_free(v);
}

Test(model, energy_book_closes_every_step)
{
    eco_vehicle v;
    fix_conventional(&v);
    check_balance(&v);
    fix_bev(&v);
    check_balance(&v);
    fix_hybrid(&v);
    v.generator.max_power_w = 15000.0; /* small, so that MG1's limits are reached */
    v.generator.max_torque_nm = 40.0;
    check_balance(&v);
}

/* A start's fuel is charged once, on the step the engine starts, as engine loss (its work
 * is the running engine's): off -> on costs exactly start_fuel_g more than on -> on. */
Test(model, engine_start_fuel_is_charged_once_per_start)
{
    eco_vehicle v;
    fix_hybrid(&v);
    cr_assert_eq(eco_vehicle_init(&v), ECO_OK);
    v.engine.start_fuel_g = 0.25;
    eco_state x, n;
    eco_model_state_init(&v, 1, &x);
    x.speed_mps = 15.0;
    eco_command u = {.throttle = 0.3, .engine_on = 1, .engine_power_w = 10000.0};
    eco_step_out running, starting;
    x.engine_on = 1;
    cr_assert_eq(eco_model_step(&v, &x, &u, 0.0, 0.1, &n, &running), ECO_OK);
    x.engine_on = 0;
    cr_assert_eq(eco_model_step(&v, &x, &u, 0.0, 0.1, &n, &starting), ECO_OK);
    cr_assert_float_eq(starting.fuel_g - running.fuel_g, 0.25, 1e-12);
    cr_assert_float_eq(starting.energy.engine_loss_j - running.energy.engine_loss_j,
                       0.25 * v.fuel.lhv_j_per_g, 1e-6);
    double in = balance_in(&starting.energy), o = balance_out(&starting.energy);
    cr_assert(fabs(in - o) <= 1e-6 * in, "the book closes: in %g J, out %g J", in, o);
    eco_vehicle_free(&v);
}

Test(model, reversed_soc_window_is_refused)
{
    eco_vehicle v;
    fix_bev(&v);
    v.battery.soc_min = 0.9;
    cr_assert_eq(eco_vehicle_validate(&v), ECO_EINVAL);
    cr_assert(strstr(eco_last_error(), "soc_min") != NULL, "%s", eco_last_error());
}

Test(model, negative_mass_is_refused)
{
    eco_vehicle v;
    fix_bev(&v);
    v.mass_kg = -5.0;
    cr_assert_eq(eco_vehicle_validate(&v), ECO_EINVAL);
    cr_assert(strstr(eco_last_error(), "mass_kg") != NULL);
}

/* The fuel map's bilinear evaluation against GSL's gsl_interp2d_bilinear, the independent
 * reference, bit for bit: on an uneven grid, at random points, at every node and cell edge
 * (where the interval chosen decides the arithmetic), and outside the grid (clamped). */
Test(model, map_eval_matches_gsl_bilinear)
{
    static eco_map m;
    m.nx = 7;
    m.ny = 5;
    const double xs[] = {50.0, 80.0, 140.0, 200.0, 260.0, 400.0, 650.0};
    const double ys[] = {-40.0, 0.0, 35.5, 90.0, 210.0};
    memcpy(m.x, xs, sizeof xs);
    memcpy(m.y, ys, sizeof ys);
    for (int k = 0; k < m.nx * m.ny; k++)
        m.z[k] = 0.1 + 0.37 * k + 0.01 * (k * k % 11);
    cr_assert_eq(eco_map_init(&m), ECO_OK);
    gsl_interp2d *g = gsl_interp2d_alloc(gsl_interp2d_bilinear, (size_t)m.nx, (size_t)m.ny);
    cr_assert_eq(gsl_interp2d_init(g, m.x, m.y, m.z, (size_t)m.nx, (size_t)m.ny), GSL_SUCCESS);
    unsigned seed = 12345u;
    int checked = 0;
    for (int k = 0; k < 20000; k++) {
        double x, y;
        if (k < m.nx * m.ny) { /* the nodes themselves */
            x = m.x[k % m.nx];
            y = m.y[k / m.nx];
        } else {
            seed = seed * 1103515245u + 12345u;
            x = 0.0 + 700.0 * (seed >> 8) / 16777216.0;
            seed = seed * 1103515245u + 12345u;
            y = -60.0 + 300.0 * (seed >> 8) / 16777216.0;
        }
        double xc = fmin(fmax(x, m.x[0]), m.x[m.nx - 1]);
        double yc = fmin(fmax(y, m.y[0]), m.y[m.ny - 1]);
        double want = gsl_interp2d_eval(g, m.x, m.y, m.z, xc, yc, NULL, NULL);
        double got = eco_map_eval(&m, x, y);
        cr_assert(memcmp(&want, &got, sizeof got) == 0, "(%.17g, %.17g): GSL %.17g, ours %.17g", x,
                  y, want, got);
        checked++;
    }
    cr_assert_eq(checked, 20000);
    /* NaN takes the first edge of its axis */
    cr_assert_eq(eco_map_eval(&m, NAN, m.y[2]), m.z[2 * m.nx]);
    gsl_interp2d_free(g);
    eco_map_free(&m);
}
