/* libFuzzer harness: the vehicle JSON (cJSON + eco_cfg_vehicle_from_json, the shipped engine
 * maps), then a few plant steps of a vehicle that loads: whatever the file says, the model
 * runs on it without undefined behaviour, and a loaded vehicle is valid by the model's own
 * check. */
#include "ecodrive/config.h"
#include "ecodrive/model.h"
#include "fuzz_util.h"

#include <cJSON.h>
#include <stdlib.h>

static char maps_dir[4096];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    eco_fuzz_source_path("models/maps", maps_dir, sizeof maps_dir);
    return 0;
}

static void drive(const eco_vehicle *v)
{
    static const eco_command cmds[] = {
        {1.0, 0.0, 0.0, 0, -1, 0.0}, {0.3, 0.0, 0.0, 0, 1, 20000.0}, {0.0, 1.0, 0.5, 0, 0, 0.0}};
    eco_state x, next;
    eco_step_out out;
    eco_model_state_init(v, 0, &x);
    for (int k = 0; k < 30; k++) {
        if (eco_model_step(v, &x, &cmds[k / 10], 0.02, 0.5, &next, &out) != ECO_OK)
            return;
        x = next;
    }
    eco_limits lim;
    eco_model_limits(v, &x, 0, &lim);
    eco_model_road_load_n(v, x.speed_mps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = eco_fuzz_text(data, size);
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!root)
        return 0;
    eco_vehicle v;
    if (eco_cfg_vehicle_from_json(root, "fuzz.json", maps_dir, &v) == ECO_OK) {
        ECO_FUZZ_ASSERT(eco_vehicle_validate(&v) == ECO_OK);
        drive(&v);
        eco_vehicle_free(&v);
    }
    cJSON_Delete(root);
    return 0;
}
