/* ecosim tune's search (tune.h). COBYLA (Powell 1994, in NLopt) because it is derivative-free
 * and takes inequality constraints as they are, without penalties: each evaluation is a set
 * of simulations whose figures step as the MPC's discrete choices change, so no gradient
 * exists to use. */
#include "tune.h"

#include "campaign_exec.h"
#include "campaign_pool.h"
#include "campaign_weights.h"
#include "jsonl.h"

#include "ecodrive/config.h"

#include <math.h>
#include <nlopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An evaluation whose runs give no figure is pushed away by this objective (cost units are
 * L/100 km or kWh/100 km: no real case comes near). */
#define UNUSABLE 1e6

int eco_tune_parse_constraint(const char *arg, eco_tune_constraint *out)
{
    const char *le = strstr(arg, "<=");
    char *end;
    if (le && le > arg && (size_t)(le - arg) < sizeof out->key) {
        out->max = strtod(le + 2, &end);
        if (end != le + 2 && *end == '\0' && isfinite(out->max)) {
            snprintf(out->key, sizeof out->key, "%.*s", (int)(le - arg), arg);
            return 0;
        }
    }
    fprintf(stderr,
            "ecosim tune: --constraint takes KEY<=X (a summary key, e.g. "
            "nox_mg_per_km<=400), got '%s'\n",
            arg);
    return 2;
}

int eco_tune_parse_keys(const char *arg, eco_tune *t)
{
    char buf[1024];
    int n_ranges;
    const eco_campaign_range *r = eco_campaign_weight_ranges(&n_ranges);
    snprintf(buf, sizeof buf, "%s", arg);
    t->n_tune = 0;
    for (char *save = NULL, *k = strtok_r(buf, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
        const eco_campaign_range *found = eco_campaign_weight_range(k);
        if (!found) {
            fprintf(stderr, "ecosim tune: --tune: %s\n", eco_last_error());
            return 2;
        }
        int index = (int)(found - r);
        for (int j = 0; j < t->n_tune; j++)
            if (t->tune[j] == index) {
                fprintf(stderr, "ecosim tune: --tune: %s is named twice\n", k);
                return 2;
            }
        t->tune[t->n_tune++] = index;
    }
    if (t->n_tune == 0) {
        fprintf(stderr, "ecosim tune: --tune names no weight\n");
        return 2;
    }
    return 0;
}

typedef struct {
    eco_tune *t;
    eco_campaign_result *results;
} eval_ctx;

static int run_one(void *ctx, int job, void *result)
{
    eval_ctx *e = ctx;
    return eco_campaign_run_case(&e->t->c, &e->t->c.cases[job], result);
}

static int take_one(void *ctx, int job, int rc, const void *result)
{
    eval_ctx *e = ctx;
    if (rc)
        return 1;
    e->results[job] = *(const eco_campaign_result *)result;
    return 0;
}

static double line_value(const cJSON *line, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(line, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* A case's figures as its campaign line names them, so that any summary key can be used. */
static void case_figures(const eco_tune *t, int i, const eco_campaign_result *r, double *out)
{
    char *text = eco_campaign_line(&t->c, NULL, i, r, NULL);
    cJSON *line = text ? cJSON_Parse(text) : NULL;
    eco_free(text);
    out[0] = line_value(line, t->objective_key);
    for (int k = 0; k < t->n_constraints; k++)
        out[1 + k] = line_value(line, t->constraint[k].key);
    cJSON_Delete(line);
}

static int stride(const eco_tune *t)
{
    return t->c.n_cycles * (1 + t->n_constraints);
}

/* Run every cycle with w; the weighted means into a new evaluation. */
static int evaluate(eco_tune *t, const eco_mpc_weights *w)
{
    eco_tune_eval *ev = &t->evals[t->n_evals];
    double *values = t->case_values + (size_t)t->n_evals * (size_t)stride(t);
    eval_ctx e = {t, eco_calloc((size_t)t->c.n_cases, sizeof(eco_campaign_result))};
    if (!e.results)
        return 1;
    t->c.points[0].w = *w;
    eco_sim_pool pool = {t->c.n_cases, t->jobs, sizeof(eco_campaign_result), run_one, take_one,
                         &e,           NULL};
    int rc = eco_sim_pool_run(&pool);
    memset(ev, 0, sizeof *ev);
    ev->w = *w;
    for (int i = 0; !rc && i < t->c.n_cases; i++)
        case_figures(t, i, &e.results[i], values + i * (1 + t->n_constraints));
    eco_free(e.results);
    if (rc)
        return rc;
    for (int k = 0; t->n_evals == 0 && k <= t->n_constraints; k++)
        if (!isfinite(values[k])) { /* the first run tells a key the lines do not have */
            fprintf(stderr,
                    "ecosim tune: '%s' is not a numeric key of the run summary (e.g. "
                    "nox_mg_per_km, jerk_rms_mps3, trace_rms_kmh)\n",
                    k ? t->constraint[k - 1].key : t->objective_key);
            return 2;
        }
    for (int k = 0; k <= t->n_constraints; k++) {
        double mean = 0.0;
        for (int i = 0; i < t->c.n_cases; i++)
            mean += t->case_weight[i] * values[i * (1 + t->n_constraints) + k];
        if (k == 0)
            ev->objective = mean;
        else
            ev->constraint[k - 1] = mean;
    }
    ev->feasible = isfinite(ev->objective);
    for (int k = 0; k < t->n_constraints; k++)
        ev->feasible &= ev->constraint[k] <= t->constraint[k].max;
    t->n_evals++;
    eco_sim_progress_update(&t->progress, t->n_evals);
    return 0;
}

typedef struct {
    eco_tune *t;
    nlopt_opt opt;
    int failed;
} search_ctx;

static eco_mpc_weights weights_at(const eco_tune *t, const double *x)
{
    int n_ranges;
    const eco_campaign_range *r = eco_campaign_weight_ranges(&n_ranges);
    eco_mpc_weights w = t->start;
    for (int k = 0; k < t->n_tune; k++) {
        const eco_campaign_range *rk = &r[t->tune[k]];
        /* x is log10 of the weight, within the range's bounds: clamp what rounding leaves */
        eco_cfg_weights_set(&w, rk->key, fmin(rk->hi, fmax(rk->lo, pow(10.0, x[k]))));
    }
    return w;
}

/* The evaluation at x: an earlier one at the same weights (the objective and the constraints
 * are asked for one after the other), else a new one. NULL when out of runs or failed. */
static const eco_tune_eval *eval_at(search_ctx *s, const double *x)
{
    eco_tune *t = s->t;
    eco_mpc_weights w = weights_at(t, x);
    for (int i = t->n_evals - 1; i >= 0; i--)
        if (!memcmp(&t->evals[i].w, &w, sizeof w))
            return &t->evals[i];
    if (s->failed || t->n_evals == t->max_evals)
        return NULL;
    int rc = evaluate(t, &w);
    if (rc) {
        s->failed = rc;
        return NULL;
    }
    return &t->evals[t->n_evals - 1];
}

static double objective_fn(unsigned n, const double *x, double *grad, void *data)
{
    (void)n;
    (void)grad; /* COBYLA asks for none */
    search_ctx *s = data;
    const eco_tune_eval *ev = eval_at(s, x);
    if (!ev || s->failed)
        nlopt_force_stop(s->opt);
    return ev && isfinite(ev->objective) ? ev->objective : UNUSABLE;
}

/* c_k = (mean_k - max_k) / scale_k <= 0, scaled so that each limit counts alike. */
static void constraints_fn(unsigned m, double *result, unsigned n, const double *x, double *grad,
                           void *data)
{
    (void)n;
    (void)grad;
    search_ctx *s = data;
    const eco_tune_eval *ev = eval_at(s, x);
    for (unsigned k = 0; k < m; k++) {
        double max = s->t->constraint[k].max, scale = fabs(max) > 0.0 ? fabs(max) : 1.0;
        double v = ev ? ev->constraint[k] : NAN;
        result[k] = isfinite(v) ? (v - max) / scale : UNUSABLE;
    }
}

static nlopt_opt make_opt(eco_tune *t, search_ctx *s, double *x)
{
    int n_ranges;
    const eco_campaign_range *r = eco_campaign_weight_ranges(&n_ranges);
    double lb[ECO_CAMPAIGN_KEYS_MAX], ub[ECO_CAMPAIGN_KEYS_MAX], tol[ECO_TUNE_CONSTRAINTS_MAX];
    nlopt_opt opt = nlopt_create(NLOPT_LN_COBYLA, (unsigned)t->n_tune);
    if (!opt)
        return NULL;
    for (int k = 0; k < t->n_tune; k++) {
        const eco_campaign_range *rk = &r[t->tune[k]];
        lb[k] = log10(rk->lo);
        ub[k] = log10(rk->hi);
        double w0 = eco_campaign_weight_get(&t->start, rk->key);
        x[k] = fmin(ub[k], fmax(lb[k], w0 > 0.0 ? log10(w0) : lb[k]));
    }
    for (int k = 0; k < t->n_constraints; k++)
        tol[k] = 0.0;
    /* Steps of half a decade first, a quarter-percent of a decade at the end: finer than
     * any weight can be set by hand, coarser than the runs' discrete steps. */
    nlopt_set_lower_bounds(opt, lb);
    nlopt_set_upper_bounds(opt, ub);
    nlopt_set_min_objective(opt, objective_fn, s);
    if (t->n_constraints)
        nlopt_add_inequality_mconstraint(opt, (unsigned)t->n_constraints, constraints_fn, s, tol);
    nlopt_set_initial_step1(opt, 0.5);
    nlopt_set_xtol_abs1(opt, 0.0025);
    nlopt_set_maxeval(opt, t->max_evals);
    return opt;
}

int eco_tune_run(eco_tune *t)
{
    search_ctx s = {t, NULL, 0};
    double x[ECO_CAMPAIGN_KEYS_MAX], f;
    t->evals = eco_calloc((size_t)t->max_evals, sizeof t->evals[0]);
    t->case_values = eco_calloc((size_t)t->max_evals * (size_t)stride(t), sizeof(double));
    nlopt_opt opt = t->evals && t->case_values ? make_opt(t, &s, x) : NULL;
    s.opt = opt;
    if (!opt) {
        fprintf(stderr, "ecosim tune: out of memory\n");
        return 1;
    }
    /* every evaluation forks its workers: they take the table from here */
    eco_campaign_warm_tables(&t->c, t->c.cases, t->c.n_cases, t->jobs);
    eco_sim_progress_begin(&t->progress, "tune: evaluations (at most)", t->max_evals, t->quiet);
    t->nlopt_result = nlopt_optimize(opt, x, &f);
    eco_sim_progress_end(&t->progress);
    nlopt_destroy(opt);
    if (s.failed)
        return s.failed;
    t->best = -1;
    for (int i = 0; i < t->n_evals; i++)
        if (t->evals[i].feasible &&
            (t->best < 0 || t->evals[i].objective < t->evals[t->best].objective))
            t->best = i;
    if (t->best < 0) {
        fprintf(stderr,
                "ecosim tune: none of the %d evaluations met the constraints (the report "
                "shows how near they came)\n",
                t->n_evals);
        return 1;
    }
    return 0;
}
