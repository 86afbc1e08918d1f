/* The MPC weights a campaign or a tuning may set: each key's range, and weight points as a
 * grid, a list or a space-filling sample (Sobol or Latin hypercube) over ranges. */
#ifndef ECOSIM_CAMPAIGN_WEIGHTS_H
#define ECOSIM_CAMPAIGN_WEIGHTS_H

#include "campaign.h"

/* A weight's range: a campaign accepts 0 <= v <= hi; tuning and log-spaced samples search
 * [lo, hi] (lo > 0: the floor of the log scale, where the term no longer counts). */
typedef struct {
    const char *key;
    double lo, hi;
} eco_campaign_range;

/* The range of a weights key, or NULL with eco_last_error listing the keys. */
const eco_campaign_range *eco_campaign_weight_range(const char *key);
/* Every range, in the weights JSON's key order; *n set to their number. */
const eco_campaign_range *eco_campaign_weight_ranges(int *n);
/* Set key to v in *w if v is within the key's range; else ECO_EINVAL with eco_last_error
 * ("nox_per_mg = 2: outside its range [0, 0.1]"). */
int eco_campaign_weight_set(eco_mpc_weights *w, const char *key, double v);
/* One weight by key (the key must exist). */
double eco_campaign_weight_get(const eco_mpc_weights *w, const char *key);
/* The weights as a JSON object with every key, in the loader's order (a file the weights
 * loader, and so ecodrived --weights, reads back to the same values). NULL on ENOMEM. */
cJSON *eco_campaign_weights_json(const eco_mpc_weights *w);

/* Space-filling samples of n points in the unit cube of dim dimensions into u[i * dim + d]:
 * Sobol (GSL gsl_qrng_sobol, dim <= 40) or a Latin hypercube from seed (GSL mt19937).
 * ECO_OK, ECO_EINVAL, ECO_ENOMEM. */
int eco_campaign_sobol(int n, int dim, double *u);
int eco_campaign_lhs(int n, int dim, unsigned long seed, double *u);

/* u in [0, 1] to [lo, hi]: log-spaced (lo > 0) or linear. */
double eco_campaign_scale(double u, double lo, double hi, int log_scale);

#endif
