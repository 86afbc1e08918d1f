/* libFuzzer harness: the drive-cycle CSV (eco_sim_cycle_load, sim/cycle.c) from a memfd,
 * under no name or a shipped cycle's name (which picks its phases). A cycle that loads is
 * sampled at, between and beyond its rows, with the tolerance band; its duration stays
 * inside the documented limits, so that every simulation step count fits. */
#include "cycle.h"
#include "ecodrive/common.h"
#include "fuzz_util.h"

#include <limits.h>
#include <math.h>

static void sample(const eco_sim_cycle *c)
{
    double v, g, d, lo, hi;
    for (int i = 0; i < c->n; i++) {
        double t = c->time_s[i];
        double mid = i + 1 < c->n ? 0.5 * (t + c->time_s[i + 1]) : t + 1.0;
        double probes[3] = {t, mid, t - 1.0};
        for (int k = 0; k < 3; k++) {
            eco_sim_cycle_sample(c, probes[k], &v, &g, &d);
            ECO_FUZZ_ASSERT(isfinite(v) && isfinite(g) && isfinite(d));
            eco_sim_cycle_band(c, probes[k], 0.5, 1.0, &lo, &hi);
            ECO_FUZZ_ASSERT(lo <= hi);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {NULL, "wltc_class3b", "ftp75", "nedc"};
    eco_sim_cycle c;
    const char *name = names[size % 4];
    if (eco_sim_cycle_load(eco_fuzz_file(data, size), name, &c) != ECO_OK)
        return 0;
    double span = eco_sim_cycle_duration_s(&c);
    ECO_FUZZ_ASSERT(c.n >= 2 && span >= ECO_SIM_CYCLE_MIN_DURATION_S &&
                    span <= ECO_SIM_CYCLE_MAX_DURATION_S);
    ECO_FUZZ_ASSERT(span / 0.01 < (double)INT_MAX); /* ecosim's finest step, --dt 0.01 */
    ECO_FUZZ_ASSERT(c.n_phases >= 1 && c.n_phases <= ECO_PHASES_MAX);
    sample(&c);
    eco_sim_cycle_free(&c);
    return 0;
}
