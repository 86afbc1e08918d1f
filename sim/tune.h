/* ecosim tune: the MPC weights that minimise fuel (or a BEV's energy) over a set of cycles,
 * a weighted mean, subject to limits on other summary figures; NLopt's COBYLA over the
 * logarithms of the weights, within their ranges (docs/campaign.md). */
#ifndef ECOSIM_TUNE_H
#define ECOSIM_TUNE_H

#include "campaign.h"
#include "progress.h"

#include <stdio.h>

#define ECO_TUNE_CONSTRAINTS_MAX 8
#define ECO_TUNE_EVALS_MAX       1000

typedef struct {
    char key[64]; /* a numeric key of a campaign line: nox_mg_per_km, jerk_rms_mps3, ... */
    double max;
} eco_tune_constraint;

/* One evaluation: the weights tried and the weighted means they gave. */
typedef struct {
    eco_mpc_weights w;
    double objective;
    double constraint[ECO_TUNE_CONSTRAINTS_MAX];
    int feasible;
} eco_tune_eval;

typedef struct {
    eco_campaign c;            /* one vehicle, the cycles, the MPC; points[0] is set per run */
    const char *objective;     /* "fuel" or "energy" */
    const char *objective_key; /* its key in the lines */
    double *case_weight;       /* per cycle, summing to 1 */
    int n_constraints;
    eco_tune_constraint constraint[ECO_TUNE_CONSTRAINTS_MAX];
    int n_tune;
    int tune[ECO_CAMPAIGN_KEYS_MAX]; /* indices into eco_campaign_weight_ranges */
    eco_mpc_weights start;
    int max_evals, jobs, quiet;
    eco_sim_progress progress; /* of the evaluations, up to max_evals */
    /* results */
    int n_evals, best; /* best: the feasible evaluation of least objective, -1 if none */
    eco_tune_eval *evals;
    double *case_values; /* per evaluation, per cycle: the objective, then each constraint */
    int nlopt_result;
} eco_tune;

/* Parse 'KEY<=X'. Prints a message and returns 2 if malformed, else 0. */
int eco_tune_parse_constraint(const char *arg, eco_tune_constraint *out);
/* Parse "KEY,KEY,..." (weights keys) into t->tune. 2 after a message, or 0. */
int eco_tune_parse_keys(const char *arg, eco_tune *t);

/* Search: every evaluation runs the MPC on every cycle (t->jobs at a time). Returns 0 with
 * t->best >= 0; 1 if a run failed or no evaluation met the constraints (a message says). */
int eco_tune_run(eco_tune *t);

/* The weights file (loads with eco_cfg_weights_load, as ecodrived --weights reads it) and
 * the report (JSON: the search's path, the best point's cases, the number of runs). */
int eco_tune_write_weights(const eco_tune *t, const char *path);
cJSON *eco_tune_report_json(const eco_tune *t);
void eco_tune_print_report(FILE *fp, const eco_tune *t);

#endif
