/* Weight ranges and weight points for campaigns and tuning (campaign_weights.h). */
#include "campaign_weights.h"

#include "ecodrive/config.h"

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

/* The ranges are calibration choices, not physics (docs/campaign.md, "Weight ranges"): hi
 * lies a decade or more beyond the heaviest preset or the heaviest value the sweeps in
 * docs/sweep.md and models/weights/README.md explored, lo two decades or more below the
 * lightest non-zero preset. engine_switch stops at 0.02, where models/weights/README.md
 * found that the engine never stops again. */
static const eco_campaign_range RANGES[] = {
    {"fuel_per_g", 0.1, 10.0},         {"nox_per_mg", 1e-5, 0.1},
    {"tracking_per_kmh2s", 1e-5, 0.1}, {"terminal_soc_per_pct2", 1e-3, 1.0},
    {"jerk_per_mps3_2s", 1e-5, 1.0},   {"accel_per_mps2_2s", 1e-5, 1.0},
    {"trip_time_per_s", 1e-4, 1.0},    {"engine_switch", 1e-5, 0.02},
    {"engine_start_g", 1e-3, 1.0},
};
#define N_RANGES ((int)(sizeof RANGES / sizeof RANGES[0]))

/* Where each key lives in the struct; a test checks it against eco_cfg_weights_set. */
static const size_t OFFSETS[N_RANGES] = {
    offsetof(eco_mpc_weights, fuel_per_g),         offsetof(eco_mpc_weights, nox_per_mg),
    offsetof(eco_mpc_weights, tracking_per_kmh2s), offsetof(eco_mpc_weights, terminal_soc_per_pct2),
    offsetof(eco_mpc_weights, jerk_per_mps3_2s),   offsetof(eco_mpc_weights, accel_per_mps2_2s),
    offsetof(eco_mpc_weights, trip_time_per_s),    offsetof(eco_mpc_weights, engine_switch),
    offsetof(eco_mpc_weights, engine_start_g),
};

static int range_index(const char *key)
{
    for (int i = 0; i < N_RANGES; i++)
        if (!strcmp(key, RANGES[i].key))
            return i;
    return -1;
}

const eco_campaign_range *eco_campaign_weight_ranges(int *n)
{
    *n = N_RANGES;
    return RANGES;
}

const eco_campaign_range *eco_campaign_weight_range(const char *key)
{
    int i = range_index(key);
    if (i >= 0)
        return &RANGES[i];
    eco_mpc_weights probe;
    eco_mpc_weights_default(&probe);
    if (eco_cfg_weights_set(&probe, key, 0.0) == ECO_OK) /* a key the loader has, we lack */
        eco_set_error("weight '%s' has no range (campaign_weights.c)", key);
    return NULL; /* else the loader's message, with the allowed keys */
}

int eco_campaign_weight_set(eco_mpc_weights *w, const char *key, double v)
{
    const eco_campaign_range *r = eco_campaign_weight_range(key);
    if (!r)
        return ECO_EINVAL;
    if (!(v >= 0.0 && v <= r->hi)) {
        eco_set_error("%s = %g: outside its range [0, %g]", key, v, r->hi);
        return ECO_EINVAL;
    }
    return eco_cfg_weights_set(w, key, v);
}

double eco_campaign_weight_get(const eco_mpc_weights *w, const char *key)
{
    int i = range_index(key);
    return i < 0 ? NAN : *(const double *)((const char *)w + OFFSETS[i]);
}

cJSON *eco_campaign_weights_json(const eco_mpc_weights *w)
{
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; o && i < N_RANGES; i++)
        if (!cJSON_AddNumberToObject(o, RANGES[i].key, eco_campaign_weight_get(w, RANGES[i].key))) {
            cJSON_Delete(o);
            return NULL;
        }
    return o;
}

int eco_campaign_sobol(int n, int dim, double *u)
{
    if (n < 1 || dim < 1 || dim > 40) /* gsl_qrng_sobol's dimensions: 1..40 */
        return ECO_EINVAL;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)dim);
    if (!q)
        return ECO_ENOMEM;
    for (int i = 0; i < n; i++)
        gsl_qrng_get(q, &u[(size_t)i * (size_t)dim]);
    gsl_qrng_free(q);
    return ECO_OK;
}

/* Each dimension cut into n equal strata, one point in each, the strata of the dimensions
 * paired by independent random permutations (McKay, Beckman and Conover 1979). */
int eco_campaign_lhs(int n, int dim, unsigned long seed, double *u)
{
    if (n < 1 || dim < 1)
        return ECO_EINVAL;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int *perm = eco_malloc(sizeof(int) * (size_t)n);
    if (!rng || !perm) {
        gsl_rng_free(rng);
        eco_free(perm);
        return ECO_ENOMEM;
    }
    gsl_rng_set(rng, seed);
    for (int d = 0; d < dim; d++) {
        for (int i = 0; i < n; i++)
            perm[i] = i;
        gsl_ran_shuffle(rng, perm, (size_t)n, sizeof perm[0]);
        for (int i = 0; i < n; i++)
            u[(size_t)i * (size_t)dim + (size_t)d] = (perm[i] + gsl_rng_uniform(rng)) / n;
    }
    eco_free(perm);
    gsl_rng_free(rng);
    return ECO_OK;
}

double eco_campaign_scale(double u, double lo, double hi, int log_scale)
{
    return log_scale ? lo * pow(hi / lo, u) : lo + (hi - lo) * u;
}
