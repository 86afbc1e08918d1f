/* libFuzzer harness: MPC cost weights, from a parsed tree (cJSON + eco_cfg_weights_from_json)
 * and as a file (eco_cfg_weights_load, which names line and column of malformed JSON). Both
 * must agree; weights that load are finite and non-negative. */
#include "ecodrive/config.h"
#include "ecodrive/mpc.h"
#include "fuzz_util.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = eco_fuzz_text(data, size);
    cJSON *root = cJSON_ParseWithOpts(text, NULL, 1); /* as the file loader parses */
    eco_mpc_weights w, from_file;
    int rc_tree = root ? eco_cfg_weights_from_json(root, "fuzz.json", &w) : ECO_EPARSE;
    cJSON_Delete(root);
    int rc_file = eco_cfg_weights_load(eco_fuzz_file(data, size), &from_file);
    if (strlen(text) == size) /* no NUL cuts the tree's text short of the file's */
        ECO_FUZZ_ASSERT((rc_tree == ECO_OK) == (rc_file == ECO_OK));
    if (rc_tree == ECO_OK && rc_file == ECO_OK) {
        ECO_FUZZ_ASSERT(memcmp(&w, &from_file, sizeof w) == 0);
        const double *v = (const double *)&w;
        for (size_t i = 0; i < sizeof w / sizeof(double); i++)
            ECO_FUZZ_ASSERT(isfinite(v[i]) && v[i] >= 0.0);
    }
    free(text);
    return 0;
}
