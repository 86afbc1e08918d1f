/* config: the shipped vehicles load, units are converted as physics says, and every kind of
 * bad input gives one message naming the file and the JSON path (or file:line). */
#include "ecodrive/config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAPS     ECO_SOURCE_DIR "/models/maps"
#define VEHICLES ECO_SOURCE_DIR "/models/vehicles"
#define FIXTURES ECO_SOURCE_DIR "/tests/data"

#define assert_error_has(text)                                                                     \
    cr_assert(strstr(eco_last_error(), (text)), "error \"%s\" lacks \"%s\"", eco_last_error(),     \
              (text))

static cJSON *read_json(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    static char buf[1 << 17];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    cJSON *j = cJSON_Parse(buf);
    cr_assert(j, "%s does not parse", path);
    return j;
}

static cJSON *prius(void)
{
    return read_json(VEHICLES "/toyota_prius_2022.json");
}

static cJSON *at(cJSON *o, const char *key)
{
    cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert(j, "fixture lacks %s", key);
    return j;
}

/* Write the tree as <tmp>/prius.json and load it from there, as a user's file would be. */
/* Load the tree as a file; with out, a loaded vehicle is kept there (the caller frees it). */
static int load_tree_into(cJSON *root, const char *maps_dir, eco_vehicle *out)
{
    char dir[64], path[96];
    snprintf(dir, sizeof dir, "%s/eco_cfg_XXXXXX", P_tmpdir);
    cr_assert(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/prius.json", dir);
    char *text = cJSON_Print(root);
    FILE *f = fopen(path, "w");
    cr_assert(f && text);
    fputs(text, f);
    fclose(f);
    free(text);
    eco_vehicle v;
    int rc = eco_cfg_vehicle_load(path, maps_dir, &v);
    if (rc == ECO_OK && out)
        *out = v;
    else if (rc == ECO_OK)
        eco_vehicle_free(&v);
    else
        cr_assert_eq(v.mass_kg, 0.0, "the output must be zeroed on error");
    unlink(path);
    rmdir(dir);
    cJSON_Delete(root);
    return rc;
}

static int load_tree(cJSON *root, const char *maps_dir)
{
    return load_tree_into(root, maps_dir, NULL);
}

/* ---- the shipped vehicles ---------------------------------------------------------- */

static const struct {
    const char *file;
    eco_powertrain pt;
    eco_transmission tx;
} shipped[] = {
    {"toyota_prius_2022.json", ECO_PT_HEV, ECO_TX_SPLIT},
    {"toyota_corolla_1p8_cvt.json", ECO_PT_CONV, ECO_TX_CVT},
    {"tesla_model3_rwd_2022.json", ECO_PT_BEV, ECO_TX_SINGLE},
    {"vw_golf_1p5tsi_2020.json", ECO_PT_CONV, ECO_TX_STEPPED},
    {"renault_zoe_ze50.json", ECO_PT_BEV, ECO_TX_SINGLE},
    {"hyundai_sonata_hybrid_2022.json", ECO_PT_HEV, ECO_TX_STEPPED},
};

Test(config_vehicle, every_shipped_vehicle_loads)
{
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
        char path[512];
        eco_vehicle v;
        snprintf(path, sizeof path, "%s/%s", VEHICLES, shipped[i].file);
        int rc = eco_cfg_vehicle_load(path, MAPS, &v);
        cr_assert_eq(rc, ECO_OK, "%s: %s", shipped[i].file, eco_last_error());
        cr_expect_eq(v.powertrain, shipped[i].pt, "%s", shipped[i].file);
        cr_expect_eq(v.gearbox.type, shipped[i].tx, "%s", shipped[i].file);
        cr_expect_eq(eco_vehicle_validate(&v), ECO_OK, "%s", shipped[i].file);
        eco_vehicle_free(&v);
    }
}

Test(config_vehicle, coast_down_coefficients_become_si)
{
    eco_vehicle v;
    cr_assert_eq(eco_cfg_vehicle_load(VEHICLES "/toyota_prius_2022.json", MAPS, &v), ECO_OK, "%s",
                 eco_last_error());
    /* F1 in N/(km/h) to N/(m/s): 1 m/s = 3.6 km/h; F2: (3.6)^2 = 12.96. EPA record: F0 81.28,
     * F1 0.8166, F2 0.02369. */
    cr_expect_float_eq(v.f0_n, 81.28, 1e-9);
    cr_expect_float_eq(v.f1_n_per_mps, 0.8166 * 3.6, 1e-9);
    cr_expect_float_eq(v.f2_n_per_mps2, 0.02369 * 12.96, 1e-9);
    /* At 100 km/h the road load is the same number in both unit systems. */
    double v100 = 100.0 / 3.6;
    cr_expect_float_eq(eco_model_road_load_n(&v, v100), 81.28 + 81.66 + 236.9, 1e-6);
    cr_expect_float_eq(v.mass_kg, 1531.0, 1e-12);
    cr_expect_float_eq(v.gearbox.split_rho, 30.0 / 78.0, 1e-12);
    cr_expect_float_eq(v.regen_fade_high_mps, 12.0 / 3.6, 1e-12);
    cr_expect_float_eq(v.motor.max_power_w, 53e3, 1e-9);
    cr_expect_float_eq(v.motor.max_speed_radps, 17000.0 * 2.0 * M_PI / 60.0, 1e-9);
    /* 56 cells in series: the pack OCV is 56 x the cell table's 3.73 V at SOC 0.5. */
    cr_expect_float_eq(eco_curve_eval(&v.battery.ocv_v, 0.5), 56 * 3.73, 1e-9);
    cr_expect_float_eq(v.engine.warmup_fuel_energy_j, 10e6, 1e-6);
    eco_vehicle_free(&v);
}

Test(config_vehicle, drag_area_and_rolling_resistance_become_coast_down)
{
    eco_vehicle v;
    cr_assert_eq(eco_cfg_vehicle_load(VEHICLES "/vw_golf_1p5tsi_2020.json", MAPS, &v), ECO_OK, "%s",
                 eco_last_error());
    /* Golf: Cd 0.275, A 2.21 m2, Crr 0.009, 1416 kg. By hand: f2 = 0.5 * 1.2 * 0.275 * 2.21 =
     * 0.364650 N/(m/s)^2, f0 = 1416 * 9.80665 * 0.009 = 124.9759 N, f1 = 0. */
    cr_expect_float_eq(v.f2_n_per_mps2, 0.364650, 1e-9);
    cr_expect_float_eq(v.f0_n, 124.9759476, 1e-6);
    cr_expect_float_eq(v.f1_n_per_mps, 0.0, 1e-12);
    cr_expect_eq(v.gearbox.n_gears, 6);
    cr_expect_float_eq(v.gearbox.ratio[5], 0.728, 1e-12);
    eco_vehicle_free(&v);
}

Test(config_vehicle, engine_map_is_scaled_to_displacement_and_capped)
{
    eco_vehicle v;
    cr_assert_eq(eco_cfg_vehicle_load(VEHICLES "/toyota_prius_2022.json", MAPS, &v), ECO_OK, "%s",
                 eco_last_error());
    const eco_engine *e = &v.engine;
    double k = 1.798 / 2.487;
    /* The A25A map's first row is 774 rpm, 0 Nm: 0.1427 g/s (models/maps file). */
    cr_expect_float_eq(e->fuel_gps.x[0], 774.0 * M_PI / 30.0, 1e-9);
    cr_expect_float_eq(e->fuel_gps.z[0], 0.1427 * k, 1e-12);
    /* Torque column 2 is 2.23 Nm on the 2.487 L engine. */
    cr_expect_float_eq(e->fuel_gps.y[1], 2.23 * k, 1e-12);
    for (int i = 0; i < e->full_load_nm.n; i++) {
        double w = e->full_load_nm.x[i], t = e->full_load_nm.y[i];
        cr_expect_leq(t * w, 71.6e3 * (1 + 1e-12), "power above rated at %g rad/s", w);
        cr_expect_leq(t, 142.0 + 1e-12);
    }
    cr_expect_float_eq(e->full_load_nm.x[e->full_load_nm.n - 1], 5200.0 * M_PI / 30.0, 1e-9);
    cr_expect_float_eq(e->displacement_l, 1.798, 1e-12);
    eco_vehicle_free(&v);
}

/* ---- bad input: one message with the file, the JSON path and the problem ------------ */

Test(config_vehicle, negative_mass_is_named)
{
    cJSON *j = prius();
    cJSON_SetNumberValue(at(j, "mass_kg"), -5);
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("prius.json: $.mass_kg: must be > 0, got -5");
}

Test(config_vehicle, engine_start_fuel_is_optional_and_never_negative)
{
    cJSON *j = prius();
    cJSON_AddNumberToObject(at(j, "engine"), "start_fuel_g", 0.3);
    eco_vehicle v;
    cr_assert_eq(load_tree_into(j, MAPS, &v), ECO_OK, "%s", eco_last_error());
    cr_assert_float_eq(v.engine.start_fuel_g, 0.3, 1e-12);
    eco_vehicle_free(&v);
    j = prius();
    cJSON_AddNumberToObject(at(j, "engine"), "start_fuel_g", -0.1);
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("prius.json: $.engine.start_fuel_g: must be >= 0, got -0.1");
}

/* schedule_below_kmh (used by the from-EPA stepped boxes) is optional, a speed in [0, 400],
 * and a stepped box's key only. */
Test(config_vehicle, schedule_below_is_a_stepped_box_speed)
{
    cJSON *j = read_json(VEHICLES "/vw_golf_1p5tsi_2020.json");
    cJSON_AddNumberToObject(at(j, "gearbox"), "schedule_below_kmh", 45.0);
    eco_vehicle v;
    cr_assert_eq(load_tree_into(j, MAPS, &v), ECO_OK, "%s", eco_last_error());
    cr_assert_float_eq(v.gearbox.schedule_below_mps, 12.5, 1e-12);
    eco_vehicle_free(&v);
    j = read_json(VEHICLES "/vw_golf_1p5tsi_2020.json");
    cJSON_AddNumberToObject(at(j, "gearbox"), "schedule_below_kmh", -1.0);
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("$.gearbox.schedule_below_kmh: must be in [0, 400], got -1");
    j = read_json(VEHICLES "/toyota_corolla_1p8_cvt.json");
    cJSON_AddNumberToObject(at(j, "gearbox"), "schedule_below_kmh", 45.0);
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("schedule_below_kmh");
}

Test(config_vehicle, reversed_soc_limits_are_named)
{
    cJSON *j = prius();
    cJSON *b = at(j, "battery");
    cJSON_SetNumberValue(at(b, "soc_min"), 0.8);
    cJSON_SetNumberValue(at(b, "soc_max"), 0.4);
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("prius.json: $.battery.soc_max: must be in (soc_min, 1]");
    assert_error_has("got 0.4");
}

Test(config_vehicle, unknown_keys_are_named_at_any_depth)
{
    cJSON *j = prius();
    cJSON_AddNumberToObject(j, "massa_kg", 1500);
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("prius.json: $.massa_kg: unknown key");

    j = prius();
    cJSON_AddNumberToObject(at(at(j, "motor"), "efficiency"), "speed_rpm", 1);
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("$.motor.efficiency.speed_rpm: unknown key");

    /* A source note must belong to a key that exists here. */
    j = prius();
    cJSON_AddStringToObject(j, "mass_kgg_source", "typo");
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("$.mass_kgg_source: unknown key");
}

Test(config_vehicle, missing_fields_are_named)
{
    cJSON *j = prius();
    cJSON_DeleteItemFromObjectCaseSensitive(j, "wheel_radius_m");
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("prius.json: $.wheel_radius_m: missing required field");

    j = prius();
    cJSON_DeleteItemFromObjectCaseSensitive(at(j, "battery"), "r_internal_ohm");
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("$.battery.r_internal_ohm: missing required field");

    j = prius();
    cJSON_DeleteItemFromObjectCaseSensitive(at(j, "calibration"), "aux_power_w");
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("$.calibration.aux_power_w: missing required field");
}

Test(config_vehicle, wrong_types_and_array_elements_are_named)
{
    cJSON *j = prius();
    cJSON_ReplaceItemInObjectCaseSensitive(j, "mass_kg", cJSON_CreateString("heavy"));
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("$.mass_kg: must be a number, got a string");

    j = prius();
    cJSON *eff = at(at(at(j, "generator"), "efficiency"), "efficiency");
    cJSON_ReplaceItemInArray(eff, 3, cJSON_CreateNumber(1.2));
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("$.generator.efficiency.efficiency[3]: must be in (0, 1], got 1.2");
}

Test(config_vehicle, road_load_takes_one_form_only)
{
    cJSON *j = prius();
    cJSON_AddNumberToObject(at(j, "road_load"), "cd", 0.3);
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("$.road_load: give either coast-down");
}

Test(config_vehicle, sections_the_powertrain_does_not_use_are_errors)
{
    cJSON *conv = read_json(VEHICLES "/toyota_corolla_1p8_cvt.json");
    cJSON *p = prius();
    cJSON_AddItemToObject(conv, "battery", cJSON_Duplicate(at(p, "battery"), 1));
    cJSON_Delete(p);
    cr_assert_eq(load_tree(conv, MAPS), ECO_EINVAL);
    assert_error_has("$.battery: not used by a \"conventional\" powertrain");

    cJSON *j = prius();
    cJSON_ReplaceItemInObjectCaseSensitive(at(j, "gearbox"), "type", cJSON_CreateString("cvt"));
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("$.gearbox");
}

/* A hybrid on a stepped box is a parallel P2: the Golf's engine and box with the Prius's
 * motor and battery load as one, with no generator (its one machine is the motor); a plug-in
 * is not yet a P2. */
static cJSON *golf_as_p2(void)
{
    cJSON *j = read_json(VEHICLES "/vw_golf_1p5tsi_2020.json"), *p = prius();
    cJSON_ReplaceItemInObjectCaseSensitive(j, "powertrain", cJSON_CreateString("hev"));
    cJSON_DeleteItemFromObjectCaseSensitive(j, "alternator_efficiency");
    const char *keys[] = {"motor", "battery", "regen_fade_low_kmh", "regen_fade_high_kmh"};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
        cJSON_AddItemToObject(j, keys[k], cJSON_Duplicate(at(p, keys[k]), 1));
    cJSON_Delete(p);
    return j;
}

Test(config_vehicle, hybrid_on_a_stepped_box_is_a_p2)
{
    eco_vehicle v;
    cr_assert_eq(load_tree_into(golf_as_p2(), MAPS, &v), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(v.powertrain, ECO_PT_HEV);
    cr_assert_eq(v.gearbox.type, ECO_TX_STEPPED);
    cr_assert(eco_vehicle_is_p2(&v));
    eco_vehicle_free(&v);

    cJSON *j = golf_as_p2(), *p = prius();
    cJSON_AddItemToObject(j, "generator", cJSON_Duplicate(at(p, "generator"), 1));
    cJSON_Delete(p);
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("$.generator: not used by a parallel P2 hybrid");

    j = golf_as_p2();
    cJSON_ReplaceItemInObjectCaseSensitive(j, "powertrain", cJSON_CreateString("phev"));
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("$.gearbox.type");
}

Test(config_vehicle, map_with_a_hole_is_named_with_file_and_line)
{
    cJSON *j = prius();
    cJSON *e = at(j, "engine");
    cJSON_ReplaceItemInObjectCaseSensitive(e, "map", cJSON_CreateString("hole"));
    cr_assert_eq(load_tree(j, FIXTURES "/maps"), ECO_EPARSE);
    assert_error_has("prius.json: $.engine.map: ");
    assert_error_has("hole.fuel.csv:4: column 3 (torque 50 Nm): empty cell (a hole in the map)");
}

Test(config_vehicle, map_with_a_non_increasing_axis_is_named)
{
    cJSON *j = prius();
    cJSON_ReplaceItemInObjectCaseSensitive(at(j, "engine"), "map",
                                           cJSON_CreateString("torque_axis"));
    cr_assert_eq(load_tree(j, FIXTURES "/maps"), ECO_EPARSE);
    assert_error_has("torque_axis.fuel.csv:2: header column 5 (torque_nm): torque axis must "
                     "increase, 90 after 100");

    j = prius();
    cJSON_ReplaceItemInObjectCaseSensitive(at(j, "engine"), "map",
                                           cJSON_CreateString("speed_axis"));
    cr_assert_eq(load_tree(j, FIXTURES "/maps"), ECO_EPARSE);
    assert_error_has("speed_axis.fuel.csv:5: column 1 (speed_rpm): speed axis must increase");
}

Test(config_vehicle, missing_map_and_map_displacement_are_named)
{
    cJSON *j = prius();
    cJSON_ReplaceItemInObjectCaseSensitive(at(j, "engine"), "map",
                                           cJSON_CreateString("no_such_engine"));
    cr_assert_eq(load_tree(j, MAPS), ECO_ENOENT);
    assert_error_has("$.engine.map: ");
    assert_error_has("no_such_engine.fuel.csv: cannot open");

    /* The shipped maps carry no displacement comment, so the JSON must give it. */
    j = prius();
    cJSON_DeleteItemFromObjectCaseSensitive(at(j, "engine"), "map_displacement_l");
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("$.engine.map_displacement_l: missing");

    /* The fixture map says 2.0 L; a JSON that disagrees is refused. */
    j = prius();
    cJSON_ReplaceItemInObjectCaseSensitive(at(j, "engine"), "map", cJSON_CreateString("tiny"));
    cr_assert_eq(load_tree(j, FIXTURES "/maps"), ECO_EINVAL);
    assert_error_has("$.engine.map_displacement_l: 2.487 conflicts with the map file's own "
                     "displacement_l 2");
}

Test(config_vehicle, malformed_json_reports_the_line)
{
    eco_vehicle v;
    cr_assert_eq(eco_cfg_vehicle_load(FIXTURES "/vehicles/malformed.json", MAPS, &v), ECO_EPARSE);
    assert_error_has("malformed.json:4:");
    assert_error_has("malformed JSON");

    cr_assert_eq(eco_cfg_vehicle_load(FIXTURES "/vehicles/truncated.json", MAPS, &v), ECO_EPARSE);
    assert_error_has("truncated.json:3:");
}

Test(config_vehicle, duplicate_keys_are_errors)
{
    eco_vehicle v;
    cr_assert_eq(eco_cfg_vehicle_load(FIXTURES "/vehicles/duplicate_key.json", MAPS, &v),
                 ECO_EINVAL);
    assert_error_has("duplicate_key.json: $.mass_kg: duplicate key");
}

Test(config_vehicle, missing_file_is_enoent)
{
    eco_vehicle v;
    cr_assert_eq(eco_cfg_vehicle_load(FIXTURES "/vehicles/no_such.json", MAPS, &v), ECO_ENOENT);
    assert_error_has("no_such.json: cannot open");
}

/* A directory opens on Linux but has no text: refused by name, never sized by seeking. */
Test(config_vehicle, directory_is_refused_by_name)
{
    eco_vehicle v;
    cr_assert_eq(eco_cfg_vehicle_load(FIXTURES "/vehicles", MAPS, &v), ECO_EIO);
    assert_error_has("vehicles: cannot open: is a directory");
}

/* Issue 14: a value that passes the file's own checks but not the model's (eco_vehicle_validate)
 * was reported by the model's struct field, "prius.json: f0_n: must be in [0, 5000]". It names
 * the JSON path now, and says when the value is the model's, in SI units. */
Test(config_vehicle, model_checks_name_the_json_path)
{
    cJSON *j = prius();
    cJSON_SetNumberValue(at(at(j, "road_load"), "f0_n"), 6000);
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("prius.json: $.road_load.f0_n: must be in [0, 5000], got 6000");
    j = prius();
    cJSON_SetNumberValue(at(at(j, "calibration"), "final_drive_efficiency"), 0.3);
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has(
        "prius.json: $.calibration.final_drive_efficiency: must be in [0.5, 1], got 0.3");
    /* a road load from drag and rolling resistance: the coefficient made from crr */
    j = prius();
    cJSON *rl = cJSON_CreateObject();
    cJSON_AddNumberToObject(rl, "cd", 0.3);
    cJSON_AddNumberToObject(rl, "frontal_area_m2", 2.2);
    cJSON_AddNumberToObject(rl, "crr", 0.049);
    cJSON_ReplaceItemInObject(j, "road_load", rl);
    cJSON_SetNumberValue(at(j, "mass_kg"), 20000);
    cr_assert_eq(load_tree(j, MAPS), ECO_EINVAL);
    assert_error_has("prius.json: $.road_load.crr: must be in [0, 5000]");
    assert_error_has("(checked as f0_n, in SI units)");
}
