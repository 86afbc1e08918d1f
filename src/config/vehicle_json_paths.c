/* The model checks the vehicle it is given (eco_vehicle_validate) and names struct fields in
 * SI units ("f0_n", "engine.rated_power_w"); a vehicle file's reader names JSON paths in the
 * file's units ("$.road_load.f0_n", "$.engine.rated_power_kw"). This file turns the one into
 * the other, so that every error about a vehicle file carries its "$." path (issue 14). */
#include "vehicle_json_internal.h"

#include <stdio.h>
#include <string.h>

/* A model field and where the file gives it; si: 1 when the units differ, so that a value
 * in the message is not read as the file's. */
typedef struct {
    const char *field, *path;
    int si;
} field_path;

static const field_path paths[] = {
    {"powertrain", "$.powertrain", 0},
    {"mass_kg", "$.mass_kg", 0},
    {"rotating_mass_kg", "$.calibration.rotating_mass_kg", 0},
    {"f1_n_per_mps", "$.road_load.f1_n_per_kmh", 1},
    {"wheel_radius_m", "$.wheel_radius_m", 0},
    {"brake_max_n", "$.brake_max_n", 0},
    {"aux_power_w", "$.calibration.aux_power_w", 0},
    {"alternator_efficiency", "$.alternator_efficiency", 0},
    {"regen_fade_high_mps", "$.regen_fade_high_kmh", 1},
    {"charger_efficiency", "$.calibration.charger_efficiency", 0},
    {"gearbox.efficiency", "$.calibration.gearbox_efficiency", 0},
    {"gearbox.final_drive_efficiency", "$.calibration.final_drive_efficiency", 0},
    {"gearbox.cvt_ratio_min/max", "$.gearbox.ratio_min", 0},
    {"gearbox.split_rho", "$.gearbox.rho", 0},
    {"engine.rated_power_w", "$.engine.rated_power_kw", 1},
    {"engine.idle_speed_radps", "$.engine.idle_speed_rpm", 1},
    {"engine.max_speed", "$.engine.max_speed_rpm", 1},
    {"engine.fuel_map", "$.engine.map", 1},
    {"engine.full_load_nm", "$.engine.map", 1},
    {"engine.friction_nm", "$.engine.map", 1},
    {"engine.nox_g_per_kg_fuel", "$.engine.nox", 1},
    {"engine.cold_fuel_extra", "$.calibration.cold_fuel_extra", 0},
    {"engine.warmup_fuel_energy_j", "$.calibration.warmup_fuel_energy_mj", 1},
    {"fuel.lhv_j_per_g", "$.fuel.lhv_mj_per_kg", 1},
    {"fuel.density_g_per_l", "$.fuel.density_kg_per_l", 1},
    {"battery.ocv_v", "$.battery.ocv", 0},
    {"battery.max_discharge_w", "$.battery.max_discharge_kw", 1},
    {"battery.max_charge_w", "$.battery.max_charge_kw", 1},
    {"battery.soc_min/soc_max", "$.battery.soc_min", 0},
    {"motor.max_power_w", "$.motor.max_power_kw", 1},
    {"motor.max_speed_radps", "$.motor.max_speed_rpm", 1},
    {"generator.max_power_w", "$.generator.max_power_kw", 1},
    {"generator.max_speed_radps", "$.generator.max_speed_rpm", 1},
};

/* Road load: the coast-down key when the file gives coast-down coefficients, else the
 * aerodynamic key the model's coefficient is made from (f0 from crr, f2 from cd and area). */
static const char *road_load_path(const cJSON *root, const char *field, int *si)
{
    const cJSON *rl = cJSON_GetObjectItemCaseSensitive(root, "road_load");
    int coast = cJSON_GetObjectItemCaseSensitive(rl, "f0_n") != NULL;
    if (!strcmp(field, "f0_n")) {
        *si = !coast;
        return coast ? "$.road_load.f0_n" : "$.road_load.crr";
    }
    *si = 1;
    return coast ? "$.road_load.f2_n_per_kmh2" : "$.road_load.cd";
}

int eco_cfg_vehicle_model_err(const char *label, const cJSON *root, int rc)
{
    char msg[512], field[128];
    snprintf(msg, sizeof msg, "%s", eco_last_error());
    /* "FIELD: what" or "FIELD[i]: what": the field, its index, and what is wrong */
    const char *colon = strstr(msg, ": ");
    size_t n = colon ? (size_t)(colon - msg) : 0;
    if (!colon || n >= sizeof field) {
        eco_set_error("%s: $: %s", label, msg);
        return rc;
    }
    memcpy(field, msg, n);
    field[n] = '\0';
    char *index = strchr(field, '[');
    char suffix[32] = "";
    if (index) {
        snprintf(suffix, sizeof suffix, "%s", index);
        *index = '\0';
    }
    const char *path = NULL;
    int si = 0;
    if (!strcmp(field, "f0_n") || !strcmp(field, "f2_n_per_mps2"))
        path = road_load_path(root, field, &si);
    for (size_t i = 0; !path && i < sizeof paths / sizeof paths[0]; i++)
        if (!strcmp(paths[i].field, field)) {
            path = paths[i].path;
            si = paths[i].si;
        }
    if (path)
        eco_set_error("%s: %s%s: %s%s%s%s", label, path, suffix, colon + 2,
                      si ? " (checked as " : "", si ? field : "", si ? ", in SI units)" : "");
    else /* the model's sections are the file's: battery.soc_max, motor.gear_ratio, ... */
        eco_set_error("%s: $.%s%s: %s", label, field, suffix, colon + 2);
    return rc;
}
