/* Issue 12, the CVT glitch: the Corolla CVT's full-load force dropped to 0 at random speeds
 * (its engine speed for rated power, 6200 rpm, made as ratio x wheel speed, landed an ulp
 * above the engine's 6200 rpm limit and read as over-speed), and a single step then gave
 * throttle 1 with no torque. The facts: the engine's full-load curve is positive up to its
 * max speed (models/maps, the EPA ALPHA map the vehicle names), so the full-load force is
 * positive at every speed where the CVT's ratio range reaches that speed, and it varies
 * smoothly with speed. */
#include "ecodrive/config.h"
#include "ecodrive/model.h"

#include <criterion/criterion.h>
#include <math.h>

#define VEHICLE ECO_SOURCE_DIR "/models/vehicles/toyota_corolla_1p8_cvt.json"
#define MAPS    ECO_SOURCE_DIR "/models/maps"

Test(cvt_limits, full_load_force_has_no_holes)
{
    eco_vehicle v;
    cr_assert_eq(eco_cfg_vehicle_load(VEHICLE, MAPS, &v), ECO_OK, "%s", eco_last_error());
    double prev = NAN;
    int holes = 0, jumps = 0;
    /* 1 mm/s steps from 10 to 180 km/h: before the fix about 1.6 % of them were holes */
    for (double v_mps = 10.0 / 3.6; v_mps < 180.0 / 3.6; v_mps += 0.001) {
        eco_state x = {
            .speed_mps = v_mps, .soc = 0.0, .engine_warm = 1.0, .gear = 1, .engine_on = 1};
        eco_limits lim;
        eco_model_limits(&v, &x, 1, &lim);
        holes += !(lim.traction_max_n > 0.0);
        /* rated power over speed: between neighbours 1 mm/s apart it changes by far less
         * than 1 % */
        jumps += isfinite(prev) && fabs(lim.traction_max_n - prev) > 0.01 * prev;
        prev = lim.traction_max_n;
    }
    cr_expect_eq(holes, 0, "%d speeds with no full-load force", holes);
    cr_expect_eq(jumps, 0, "%d jumps of more than 1 %% between neighbouring speeds", jumps);
    eco_vehicle_free(&v);
}

/* The plant at full throttle from a cruise: the force is the full-load force, not 0. */
Test(cvt_limits, full_throttle_accelerates)
{
    eco_vehicle v;
    cr_assert_eq(eco_cfg_vehicle_load(VEHICLE, MAPS, &v), ECO_OK, "%s", eco_last_error());
    int failures = 0;
    for (double v_mps = 60.0 / 3.6; v_mps < 110.0 / 3.6; v_mps += 0.0037) {
        eco_state x = {.speed_mps = v_mps, .engine_warm = 1.0, .gear = 1, .engine_on = 1}, next;
        eco_command u = {.throttle = 1.0, .engine_on = -1};
        eco_step_out out;
        cr_assert_eq(eco_model_step(&v, &x, &u, 0.0, 0.1, &next, &out), ECO_OK);
        failures += !(out.accel_mps2 > 0.5);
    }
    cr_expect_eq(failures, 0, "%d speeds where full throttle did not accelerate", failures);
    eco_vehicle_free(&v);
}
