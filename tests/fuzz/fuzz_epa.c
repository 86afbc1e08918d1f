/* libFuzzer harness: the EPA test-car CSV (eco_cfg_vehicle_from_epa). Input: the model
 * query on the first line ("PRIUS", "COROLLA|cvt"), then the CSV, given as a file. A record
 * that converts gives a vehicle JSON that must load as a vehicle (with the shipped maps) or
 * be refused with a message, never crash. */
#include "ecodrive/config.h"
#include "fuzz_util.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

static char maps_dir[4096];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    eco_fuzz_source_path("models/maps", maps_dir, sizeof maps_dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *csv;
    size_t csv_size;
    size_t qlen = eco_fuzz_split(data, size, "\n", &csv, &csv_size);
    if (!csv)
        return 0;
    char *query = eco_fuzz_text(data, qlen);
    cJSON *root = NULL;
    if (eco_cfg_vehicle_from_epa(eco_fuzz_file(csv, csv_size), query, 0.0, 0.0, &root) == ECO_OK) {
        ECO_FUZZ_ASSERT(root != NULL);
        eco_vehicle v;
        if (eco_cfg_vehicle_from_json(root, "<from-epa>", maps_dir, &v) == ECO_OK)
            eco_vehicle_free(&v);
        cJSON_Delete(root);
    } else {
        ECO_FUZZ_ASSERT(root == NULL);
        ECO_FUZZ_ASSERT(eco_last_error()[0] != '\0');
    }
    free(query);
    return 0;
}
