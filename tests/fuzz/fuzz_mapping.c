/* libFuzzer harness: the mapping JSON (eco_cfg_mapping_parse: observation fields and setpoint
 * outputs <-> DBC signals) against both shipped DBCs, then the run-time uses of a mapping that
 * parsed: applying it to a receive state, encoding every input as the bus plant does and
 * reading it back, encoding and decoding a setpoint and encoding the status frame. */
#include "ecodrive/can.h"
#include "ecodrive/config.h"
#include "fuzz_util.h"

#include <stdlib.h>

static eco_can_db *dbs[2];
static eco_can_rx *rxs[2];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    static const char *const files[2] = {"models/ecodrive.dbc", "models/example_motorola.dbc"};
    for (int i = 0; i < 2; i++) {
        char path[4096];
        eco_fuzz_source_path(files[i], path, sizeof path);
        if (eco_can_db_load(path, &dbs[i]) || eco_can_rx_create(dbs[i], &rxs[i]))
            abort();
    }
    return 0;
}

static void use_mapping(const eco_can_mapping *map, const eco_can_db *db, eco_can_rx *rx)
{
    eco_can_rx_reset(rx);
    eco_can_mapping_apply(map, rx);
    int msgs[ECO_CAN_IN_COUNT];
    int n = eco_can_mapping_input_messages(map, db, msgs, ECO_CAN_IN_COUNT);
    ECO_FUZZ_ASSERT(n >= 0 && n <= ECO_CAN_IN_COUNT);
    for (int f = 0; f < ECO_CAN_IN_COUNT; f++) {
        double si;
        int64_t age;
        for (int k = 0; k < n; k++) {
            eco_can_frame fr = {.id = db->msgs[msgs[k]].id, .dlc = db->msgs[msgs[k]].dlc};
            if (eco_can_mapping_encode_input(map, db, (eco_can_in_field)f, 1.5, &fr) == ECO_OK)
                eco_can_rx_frame(rx, &fr, 1000);
        }
        eco_can_mapping_read(map, rx, (eco_can_in_field)f, 2000, &si, &age);
    }
    static const eco_can_setpoint sps[] = {
        {0.0, 0.0, 1, ECO_CAN_ENGINE_NO_REQUEST, 0.0},
        {0.5, 0.25, 1, ECO_CAN_ENGINE_ON, 30000.0},
        {1.0, 1.0, 0, ECO_CAN_ENGINE_OFF, 0.0},
    };
    uint8_t counter = 0;
    for (size_t i = 0; i < sizeof sps / sizeof sps[0]; i++) {
        eco_can_frame f;
        eco_can_setpoint back;
        if (eco_can_mapping_encode_setpoint(map, db, &sps[i], &counter, &f) == ECO_OK)
            eco_can_mapping_decode_setpoint(map, db, &f, &back);
    }
    eco_can_status st = {123, 4, 5, 6, 789.0};
    eco_can_frame f;
    eco_can_mapping_encode_status(map, db, &st, &f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *json = eco_fuzz_text(data, size);
    for (int i = 0; i < 2; i++) {
        eco_can_mapping map;
        if (eco_cfg_mapping_parse(json, "fuzz.json", dbs[i], &map) == ECO_OK)
            use_mapping(&map, dbs[i], rxs[i]);
    }
    free(json);
    return 0;
}
