/* config: a vehicle JSON from an EPA test-car record. Each of the three calibration records
 * gives a JSON that loads; the numbers come from the record and from physics, not tuning. */
#include "ecodrive/config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAPS ECO_SOURCE_DIR "/models/maps"
#define CSV  ECO_SOURCE_DIR "/tests/data/epa_testcars_calibration.csv"

#define assert_error_has(text)                                                                     \
    cr_assert(strstr(eco_last_error(), (text)), "error \"%s\" lacks \"%s\"", eco_last_error(),     \
              (text))

static const char *text(const cJSON *o, const char *key)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert(cJSON_IsString(j), "no string at %s", key);
    return j->valuestring;
}

/* Build from the record and load what was built. */
static cJSON *from_epa(const char *csv, const char *model, double disp, double hp, eco_vehicle *v)
{
    cJSON *j = NULL;
    cr_assert_eq(eco_cfg_vehicle_from_epa(csv, model, disp, hp, &j), ECO_OK, "%s: %s", model,
                 eco_last_error());
    cr_assert_eq(eco_cfg_vehicle_from_json(j, "<from-epa>", MAPS, v), ECO_OK, "%s: %s", model,
                 eco_last_error());
    return j;
}

Test(config_epa, prius_record_is_a_power_split_hybrid)
{
    eco_vehicle v;
    cJSON *j = from_epa(CSV, "prius", 0, 0, &v);
    cr_expect_str_eq(text(j, "powertrain"), "hev");
    cr_expect_eq(v.powertrain, ECO_PT_HEV);
    cr_expect_eq(v.gearbox.type, ECO_TX_SPLIT);
    cr_expect_float_eq(v.mass_kg, 1531.0, 1e-9);
    cr_expect_float_eq(v.f2_n_per_mps2, 0.02369 * 12.96, 1e-9);
    /* 96 hp, 1 hp = 745.7 W. */
    cr_expect_float_eq(v.engine.rated_power_w, 96 * 745.7, 0.5);
    /* The first HWFE row is line 11 of the file (the US06 row before it is skipped). */
    cr_expect(strstr(text(cJSON_GetObjectItem(j, "sources"), "record"), "line 11"));
    /* Engine reaction on MG1: rho / (1 + rho) of the engine's 10 bar BMEP torque. */
    double t_e = 10e5 * 1.798e-3 / (4 * M_PI);
    cr_expect_float_eq(v.generator.max_torque_nm, 30.0 / 108.0 * t_e, 0.01);
    cJSON_Delete(j);
    eco_vehicle_free(&v);
}

Test(config_epa, corolla_cvt_record_and_its_ratio_from_n_over_v)
{
    eco_vehicle v;
    cJSON *j = from_epa(CSV, "COROLLA|cvt", 0, 0, &v);
    cr_expect_eq(v.powertrain, ECO_PT_CONV);
    cr_expect_eq(v.gearbox.type, ECO_TX_CVT);
    /* The first CVT HWFE row is the 56.1 mpg test with F0 129.62 N. */
    cr_expect_float_eq(v.f0_n, 129.62, 1e-9);
    cr_expect_float_eq(v.f1_n_per_mps, -0.2879 * 3.6, 1e-9);
    /* N/V 26.4 rpm per mph in the top ratio. Check it from first principles: at 60 mph the
     * engine turns 26.4 * 60 rpm; the wheel of radius r at 26.8224 m/s turns
     * 26.8224 / r rad/s. */
    double r = v.wheel_radius_m, w_wheel = 26.8224 / r, w_engine = 26.4 * 60 * M_PI / 30;
    double overall = v.gearbox.cvt_ratio_min * v.gearbox.final_drive;
    cr_expect_float_eq(overall, w_engine / w_wheel, 1e-3 * overall);
    cr_expect_float_eq(v.gearbox.final_drive, 4.76, 1e-12);
    cJSON_Delete(j);
    eco_vehicle_free(&v);
}

Test(config_epa, corolla_without_transmission_takes_the_first_highway_row)
{
    eco_vehicle v;
    cJSON *j = from_epa(CSV, "Corolla", 0, 0, &v);
    /* The first HWFE COROLLA row is the 6-speed manual (line 5). */
    cr_expect_eq(v.gearbox.type, ECO_TX_STEPPED);
    cr_expect_eq(v.gearbox.n_gears, 6);
    cr_expect_float_eq(v.mass_kg, 1417.0, 1e-9);
    cr_expect(strstr(text(cJSON_GetObjectItem(j, "sources"), "record"), "line 5"));
    /* Top gear from N/V 36.5 and axle 4.21. */
    double top = v.gearbox.ratio[5] * v.gearbox.final_drive;
    cr_expect_float_eq(top, 36.5 * 60 * M_PI / 30 / (26.8224 / v.wheel_radius_m), 1e-3 * top);
    for (int i = 1; i < 6; i++)
        cr_expect_lt(v.gearbox.ratio[i], v.gearbox.ratio[i - 1]);
    cJSON_Delete(j);
    eco_vehicle_free(&v);
}

Test(config_epa, model_3_record_is_a_bev_with_its_reduction_from_n_over_v)
{
    eco_vehicle v;
    cJSON *j = from_epa(CSV, "Model 3 RWD", 0, 0, &v);
    cr_expect_eq(v.powertrain, ECO_PT_BEV);
    cr_expect_eq(v.gearbox.type, ECO_TX_SINGLE);
    cr_expect_float_eq(v.f0_n, 165.34, 1e-9);
    /* Motor rpm per mph 115: motor speed over wheel speed. */
    double ratio = 115.0 * 60 * M_PI / 30 / (26.8224 / v.wheel_radius_m);
    cr_expect_float_eq(v.gearbox.final_drive * v.motor.gear_ratio, ratio, 1e-3 * ratio);
    /* The wheel force per motor torque does not depend on the assumed radius. */
    cr_expect_float_eq(v.gearbox.final_drive / v.wheel_radius_m, 115.0 / (60 * 0.44704) * 2 * M_PI,
                       1e-3);
    cr_expect_float_eq(v.motor.max_power_w, 257 * 745.7, 2.0);
    cr_expect_gt(v.charger_efficiency, 0.8);
    cr_expect_lt(v.charger_efficiency, 1.0);
    cJSON_Delete(j);
    eco_vehicle_free(&v);
}

Test(config_epa, us_units_alone_are_converted)
{
    eco_vehicle v;
    cJSON *j = from_epa(ECO_SOURCE_DIR "/tests/data/epa_us_units_only.csv", "PRIUS", 0, 0, &v);
    /* 3375 lb; A 18.272 lbf; C 0.013793 lbf/mph^2, with 1 lbf = 4.4482216 N, 1 mph = 1.609344
     * km/h. */
    cr_expect_float_eq(v.mass_kg, 3375 * 0.45359237, 0.5);
    cr_expect_float_eq(v.f0_n, 18.272 * 4.4482216, 0.01);
    cr_expect_float_eq(v.f2_n_per_mps2, 0.013793 * 4.4482216 * 2.2369363 * 2.2369363, 1e-4);
    cJSON_Delete(j);
    eco_vehicle_free(&v);
}

Test(config_epa, overrides_replace_the_record)
{
    eco_vehicle v;
    cJSON *j = from_epa(CSV, "PRIUS", 2.0, 0, &v);
    cr_expect_float_eq(v.engine.displacement_l, 2.0, 1e-12);
    cJSON_Delete(j);
    eco_vehicle_free(&v);
    /* 200 hp on 1531 kg is 97 W/kg: no longer an undersized engine, so conventional. */
    j = from_epa(CSV, "PRIUS", 0, 200, &v);
    cr_expect_eq(v.powertrain, ECO_PT_CONV);
    cr_expect_float_eq(v.engine.rated_power_w, 200 * 745.7, 1.0);
    cJSON_Delete(j);
    eco_vehicle_free(&v);
}

Test(config_epa, bad_input_is_named)
{
    cJSON *j = (cJSON *)1;
    cr_expect_eq(eco_cfg_vehicle_from_epa(CSV, "Civic", 0, 0, &j), ECO_ENOENT);
    cr_expect_null(j);
    assert_error_has("no record with \"Represented Test Veh Model\" \"Civic\"");
    assert_error_has("\"PRIUS\"");
    cr_expect_eq(eco_cfg_vehicle_from_epa(CSV, "COROLLA|Automatic", 0, 0, &j), ECO_ENOENT);
    cr_expect_eq(eco_cfg_vehicle_from_epa(ECO_SOURCE_DIR "/tests/data/epa_missing_column.csv",
                                          "PRIUS", 0, 0, &j),
                 ECO_EPARSE);
    assert_error_has("epa_missing_column.csv:1: missing column \"N/V Ratio\"");
    cr_expect_eq(eco_cfg_vehicle_from_epa(ECO_SOURCE_DIR "/tests/data/none.csv", "PRIUS", 0, 0, &j),
                 ECO_ENOENT);
}

/* The header and the PRIUS HWFE row of the calibration file (after its displacement). */
#define EPA_HEADER                                                                                 \
    "Represented Test Veh Make,Represented Test Veh Model,Test Veh Displacement (L),Rated "        \
    "Horsepower,Tested Transmission Type,# of Gears,Equivalent Test Weight (lbs.),Axle Ratio,N/V " \
    "Ratio,Test Procedure Description,Test Fuel Type Description,ETW_kg,F0_N,F1_N_per_kmh,"        \
    "F2_N_per_kmh2"
#define PRIUS_TAIL                                                                                 \
    "96,Continuously Variable,1,3375,2.83,20.0,HWFE,Tier 2 Cert Gasoline,1531,81.28,0.8166,"       \
    "0.02369"

static int from_text(const char *text, const char *model, cJSON **j, char *path, size_t n)
{
    snprintf(path, n, "%s/eco_epa_XXXXXX", P_tmpdir);
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    int rc = eco_cfg_vehicle_from_epa(path, model, 0, 0, j);
    unlink(path);
    return rc;
}

Test(config_epa, quoted_fields_keep_their_commas_and_crlf_ends_are_dropped)
{
    cJSON *j = NULL;
    char path[64];
    const char *csv =
        EPA_HEADER "\r\n\r\n\"TOYOTA, Motor\" , \"PRI\"\"US\",1.798," PRIUS_TAIL "\r\n";
    cr_assert_eq(from_text(csv, "PRI\"US", &j, path, sizeof path), ECO_OK, "%s", eco_last_error());
    cr_expect_str_eq(text(j, "name"), "TOYOTA, Motor PRI\"US (EPA test car record)");
    cr_expect(strstr(text(cJSON_GetObjectItem(j, "sources"), "record"), "line 3: TOYOTA, Motor"));
    const cJSON *rl = cJSON_GetObjectItem(j, "road_load");
    cr_expect_float_eq(cJSON_GetObjectItem(rl, "f2_n_per_kmh2")->valuedouble, 0.02369, 1e-12,
                       "the last field, before the CR");
    cJSON_Delete(j);
}

Test(config_epa, malformed_csv_is_named_by_line)
{
    cJSON *j = NULL;
    char path[64], want[160];
    cr_expect_eq(from_text(EPA_HEADER "\nTOYOTA,\"PRIUS,1.798," PRIUS_TAIL "\n", "PRIUS", &j, path,
                           sizeof path),
                 ECO_EPARSE);
    snprintf(want, sizeof want, "%s:2: malformed CSV (unterminated quote)", path);
    assert_error_has(want);
    cr_expect_eq(from_text(EPA_HEADER "\nTOYOTA,PRIUS,x1.798," PRIUS_TAIL "\n", "PRIUS", &j, path,
                           sizeof path),
                 ECO_EPARSE);
    assert_error_has(":2: column \"Test Veh Displacement (L)\": not a number: \"x1.798\"");
    cr_expect_null(j);
}

/* Issue 14 (found by fuzzing): blank lines before the header. An empty first line or one of
 * white space is passed over and the header found after it (the record's line number still
 * counts it); a file of blank lines is refused for having no header, not for the model. */
Test(config_epa, blank_lines_before_the_header)
{
    cJSON *j = NULL;
    char path[64];
    const char *row = "\nTOYOTA,PRIUS,1.798," PRIUS_TAIL "\n";
    char csv[1024];
    snprintf(csv, sizeof csv, "\n%s%s", EPA_HEADER, row);
    cr_assert_eq(from_text(csv, "PRIUS", &j, path, sizeof path), ECO_OK, "%s", eco_last_error());
    cr_expect(strstr(text(cJSON_GetObjectItem(j, "sources"), "record"), "line 3: TOYOTA"));
    cJSON_Delete(j);
    snprintf(csv, sizeof csv, " \t \r\n%s%s", EPA_HEADER, row);
    cr_assert_eq(from_text(csv, "PRIUS", &j, path, sizeof path), ECO_OK, "%s", eco_last_error());
    cJSON_Delete(j);
    j = NULL;
    cr_expect_eq(from_text("\n  \n\n", "PRIUS", &j, path, sizeof path), ECO_EPARSE);
    assert_error_has("no header: the file is empty or blank");
    assert_error_has(path);
    cr_expect(strstr(eco_last_error(), "no record") == NULL, "blames the model: %s",
              eco_last_error());
    cr_expect_eq(from_text("", "PRIUS", &j, path, sizeof path), ECO_EPARSE);
    assert_error_has("no header");
    cr_expect_null(j);
}
