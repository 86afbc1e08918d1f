/* libFuzzer harness: the campaign file (eco_campaign_load, sim/campaign_spec*.c), written as
 * a file in a private folder on tmpfs (its relative paths resolve there, where nothing
 * else is; shipped vehicles and cycles are found by name). A campaign that loads has its
 * cases listed in range. The loader prints its one message on stderr: run with
 * -close_fd_mask=2 to keep the log short (tools/fuzz-ci.sh does). */
#include "campaign.h"
#include "ecodrive/common.h"
#include "fuzz_util.h"

#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Device and process files are not campaign inputs: reading /dev/zero never ends. */
    if (memmem(data, size, "/dev", 4) || memmem(data, size, "/proc", 5) ||
        memmem(data, size, "/sys", 4))
        return 0;
    char path[4200];
    snprintf(path, sizeof path, "%s/campaign.json",
             eco_fuzz_dir_write("campaign.json", data, size));
    eco_campaign c;
    if (eco_campaign_load(path, &c) != 0)
        return 0;
    ECO_FUZZ_ASSERT(c.n_vehicles >= 1 && c.n_cycles >= 1 && c.n_controllers >= 1);
    ECO_FUZZ_ASSERT(c.n_cases >= 1);
    for (int i = 0; i < c.n_cases; i++) {
        const eco_campaign_case *k = &c.cases[i];
        ECO_FUZZ_ASSERT(k->vehicle >= 0 && k->vehicle < c.n_vehicles);
        ECO_FUZZ_ASSERT(k->cycle >= 0 && k->cycle < c.n_cycles);
        ECO_FUZZ_ASSERT(k->point >= -1 && k->point < c.n_points);
    }
    eco_campaign_free(&c);
    return 0;
}
