/* config: the engine-map CSV loader (grid layout, units, errors with file:line) and the
 * scaling of a map to another displacement and rated power. */
#include "ecodrive/config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#define FIXTURES ECO_SOURCE_DIR "/tests/data/maps"
#define RPM      (M_PI / 30.0)

#define assert_error_has(text)                                                                     \
    cr_assert(strstr(eco_last_error(), (text)), "error \"%s\" lacks \"%s\"", eco_last_error(),     \
              (text))

Test(config_map, grid_is_read_in_gsl_layout_and_si_units)
{
    eco_engine e;
    double disp = -1;
    memset(&e, 0, sizeof e);
    cr_assert_eq(eco_cfg_engine_map_load(FIXTURES, "tiny", &e, &disp), ECO_OK, "%s",
                 eco_last_error());
    cr_expect_float_eq(disp, 2.0, 1e-12);
    cr_assert_eq(e.fuel_gps.nx, 3);
    cr_assert_eq(e.fuel_gps.ny, 4);
    cr_expect_float_eq(e.fuel_gps.x[2], 3000 * RPM, 1e-12);
    cr_expect_float_eq(e.fuel_gps.y[3], 150.0, 1e-12);
    /* z[j * nx + i] is the value at speed i, torque j: the file's row 2000 rpm, column 100 Nm
     * holds 1.05. */
    cr_expect_float_eq(e.fuel_gps.z[2 * 3 + 1], 1.05, 1e-12);
    cr_expect_float_eq(e.fuel_gps.z[3 * 3 + 2], 2.30, 1e-12);
    cr_assert_eq(e.full_load_nm.n, 3);
    cr_expect_float_eq(e.full_load_nm.y[1], 150.0, 1e-12);
    cr_expect_float_eq(e.friction_nm.y[2], 20.0, 1e-12);
    cr_expect_float_eq(e.friction_nm.x[0], 1000 * RPM, 1e-12);
}

Test(config_map, shipped_map_without_displacement_comment_reports_zero)
{
    eco_engine e;
    double disp = -1;
    cr_assert_eq(
        eco_cfg_engine_map_load(ECO_SOURCE_DIR "/models/maps", "toyota_a25a_2p5l", &e, &disp),
        ECO_OK, "%s", eco_last_error());
    cr_expect_eq(disp, 0.0);
    cr_expect_eq(e.fuel_gps.nx, 15);
    cr_expect_eq(e.fuel_gps.ny, 22);
}

Test(config_map, scaling_follows_displacement_and_caps_power_and_torque)
{
    eco_engine e;
    double disp;
    cr_assert_eq(eco_cfg_engine_map_load(FIXTURES, "tiny", &e, &disp), ECO_OK);
    double before = e.fuel_gps.z[5];
    /* Half the displacement: same BMEP, same BSFC, so torque and fuel both halve. */
    cr_assert_eq(eco_cfg_engine_map_scale(&e, 0.5, 12e3, 70.0, 2500 * RPM), ECO_OK, "%s",
                 eco_last_error());
    cr_expect_float_eq(e.fuel_gps.z[5], before * 0.5, 1e-12);
    cr_expect_float_eq(e.fuel_gps.y[3], 75.0, 1e-12);
    cr_expect_float_eq(e.fuel_gps.x[2], 3000 * RPM, 1e-12);
    cr_expect_float_eq(e.friction_nm.y[1], 7.0, 1e-12);
    cr_assert_eq(e.full_load_nm.n, ECO_CURVE_MAX);
    cr_expect_float_eq(e.full_load_nm.x[0], 1000 * RPM, 1e-12);
    cr_expect_float_eq(e.full_load_nm.x[ECO_CURVE_MAX - 1], 2500 * RPM, 1e-12);
    /* At 1000 rpm: min(120 * 0.5 = 60, 70, 12 kW / 104.7 rad/s = 114.6) = 60 Nm. At 2500 rpm:
     * scaled 72.5 Nm, torque cap 70, power cap 12000 / 261.8 = 45.8 Nm. */
    cr_expect_float_eq(e.full_load_nm.y[0], 60.0, 1e-9);
    cr_expect_float_eq(e.full_load_nm.y[ECO_CURVE_MAX - 1], 12e3 / (2500 * RPM), 1e-9);
    for (int i = 0; i < e.full_load_nm.n; i++) {
        cr_expect_leq(e.full_load_nm.y[i] * e.full_load_nm.x[i], 12e3 * (1 + 1e-12));
        cr_expect_leq(e.full_load_nm.y[i], 70.0);
    }
}

Test(config_map, bad_scaling_arguments_are_refused)
{
    eco_engine e;
    double disp;
    cr_assert_eq(eco_cfg_engine_map_load(FIXTURES, "tiny", &e, &disp), ECO_OK);
    cr_expect_eq(eco_cfg_engine_map_scale(&e, 0.0, 10e3, 0, 3000 * RPM), ECO_EINVAL);
    cr_expect_eq(eco_cfg_engine_map_scale(&e, 1.0, 10e3, 0, 500 * RPM), ECO_EINVAL);
    assert_error_has("below the full-load curve's first speed");
}

static void expect_parse_error(const char *stem, const char *text)
{
    eco_engine e;
    double disp;
    cr_expect_eq(eco_cfg_engine_map_load(FIXTURES, stem, &e, &disp), ECO_EPARSE, "%s", stem);
    assert_error_has(text);
}

Test(config_map, errors_name_file_line_and_column)
{
    expect_parse_error("hole", "hole.fuel.csv:4: column 3 (torque 50 Nm): empty cell");
    expect_parse_error("torque_axis", "torque_axis.fuel.csv:2: header column 5 (torque_nm): "
                                      "torque axis must increase, 90 after 100");
    expect_parse_error("speed_axis",
                       "speed_axis.fuel.csv:5: column 1 (speed_rpm): speed axis must increase, "
                       "2000 after 2000");
    expect_parse_error("text", "text.fuel.csv:3: column 4 (torque 100 Nm): not a number: \"abc\"");
    expect_parse_error("short_row", "short_row.fuel.csv:3: row has 4 cells, the header has 5");
    expect_parse_error("limits_hole",
                       "limits_hole.limits.csv:3: column 2 (full_load_nm): empty cell");
}

Test(config_map, missing_file_and_bad_stem)
{
    eco_engine e;
    double disp;
    cr_expect_eq(eco_cfg_engine_map_load(FIXTURES, "nothing", &e, &disp), ECO_ENOENT);
    assert_error_has("nothing.fuel.csv: cannot open");
    cr_expect_eq(eco_cfg_engine_map_load(FIXTURES, "../maps/tiny", &e, &disp), ECO_EINVAL);
}
