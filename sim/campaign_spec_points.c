/* A campaign's weight points: $.base_weights, $.presets and $.weights (a grid, a list and a
 * space-filling sample), every value checked against its key's range. */
#include "campaign_spec.h"

#include "campaign_weights.h"
#include "controllers.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const PRESETS[] = {"eco", "balanced", "comfort"};

typedef struct {
    const eco_campaign_spec *s;
    eco_campaign *c;
    eco_mpc_weights base;
    int cap;
} points_ctx;

static int add_point(points_ctx *p, const char *label, const eco_mpc_weights *w, const char *path)
{
    eco_campaign *c = p->c;
    if (!(w->fuel_per_g > 0.0 || w->tracking_per_kmh2s > 0.0)) {
        eco_campaign_spec_error(
            p->s, path, "fuel_per_g and tracking_per_kmh2s are both zero: nothing to optimise");
        return 2;
    }
    if (c->n_points == ECO_CAMPAIGN_POINTS_MAX) {
        eco_campaign_spec_error(p->s, path, "more than %d weight points", ECO_CAMPAIGN_POINTS_MAX);
        return 2;
    }
    if (c->n_points == p->cap) {
        int cap = p->cap ? 2 * p->cap : 64;
        eco_campaign_point *grown = eco_realloc(c->points, sizeof grown[0] * (size_t)cap);
        if (!grown)
            return 1;
        c->points = grown;
        p->cap = cap;
    }
    eco_campaign_point *pt = &c->points[c->n_points];
    if (label)
        snprintf(pt->label, sizeof pt->label, "%s", label);
    else
        snprintf(pt->label, sizeof pt->label, "p%d", c->n_points);
    pt->w = *w;
    c->n_points++;
    return 0;
}

/* key = v on *w, the key noted among the varied ones. */
static int set_weight(points_ctx *p, eco_mpc_weights *w, const char *key, double v,
                      const char *path)
{
    if (eco_campaign_weight_set(w, key, v)) {
        eco_campaign_spec_error(p->s, path, "%s", eco_last_error());
        return 2;
    }
    eco_campaign *c = p->c;
    for (int k = 0; k < c->n_keys; k++)
        if (!strcmp(c->keys[k], key))
            return 0;
    snprintf(c->keys[c->n_keys++], sizeof c->keys[0], "%s", key);
    return 0;
}

static int weight_number(points_ctx *p, const cJSON *v, const char *path, double *out)
{
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
        eco_campaign_spec_error(p->s, path, "must be a number");
        return 2;
    }
    *out = v->valuedouble;
    return 0;
}

/* A grid axis: [V1, V2, ...] or {"lo": LO, "hi": HI, "n": N, "scale": "log"|"linear"}. */
static int grid_axis(points_ctx *p, const cJSON *o, const char *path, double *v, int *n)
{
    static const char *const keys[] = {"lo", "hi", "n", "scale"};
    char sub[160];
    if (cJSON_IsArray(o)) {
        *n = 0;
        for (const cJSON *it = o->child; it; it = it->next) {
            eco_campaign_spec_format(sub, sizeof sub, "%s[%d]", path, *n);
            if (*n == 1000) {
                eco_campaign_spec_error(p->s, path, "at most 1000 values");
                return 2;
            }
            if (weight_number(p, it, sub, &v[*n]))
                return 2;
            (*n)++;
        }
        if (*n == 0)
            eco_campaign_spec_error(p->s, path, "no values");
        return *n ? 0 : 2;
    }
    double lo, hi, n_d;
    const cJSON *scale = cJSON_GetObjectItemCaseSensitive(o, "scale");
    if (!cJSON_IsObject(o)) {
        eco_campaign_spec_error(p->s, path, "must be an array of values or {lo, hi, n}");
        return 2;
    }
    if (eco_campaign_spec_keys(p->s, o, path, keys, 4))
        return 2;
    eco_campaign_spec_format(sub, sizeof sub, "%s.n", path);
    if (eco_campaign_spec_number(p->s, cJSON_GetObjectItemCaseSensitive(o, "n"), sub, 2, 1000,
                                 &n_d) ||
        weight_number(p, cJSON_GetObjectItemCaseSensitive(o, "lo"), path, &lo) ||
        weight_number(p, cJSON_GetObjectItemCaseSensitive(o, "hi"), path, &hi))
        return 2;
    int log_scale = !scale || (cJSON_IsString(scale) && !strcmp(scale->valuestring, "log"));
    if (scale && !log_scale && !(cJSON_IsString(scale) && !strcmp(scale->valuestring, "linear"))) {
        eco_campaign_spec_error(p->s, path, "scale must be \"log\" or \"linear\"");
        return 2;
    }
    if (!(hi > lo && lo >= 0.0) || (log_scale && !(lo > 0.0)) || n_d != floor(n_d)) {
        eco_campaign_spec_error(p->s, path, "needs 0 <= lo < hi (lo > 0 on a log scale), n whole");
        return 2;
    }
    *n = (int)n_d;
    for (int i = 0; i < *n; i++)
        v[i] = eco_campaign_scale((double)i / (*n - 1), lo, hi, log_scale);
    v[*n - 1] = hi; /* exact, not lo * (hi/lo)^1 */
    return 0;
}

static int load_grid(points_ctx *p, const cJSON *g)
{
    static double values[ECO_CAMPAIGN_KEYS_MAX][1000];
    const char *keys[ECO_CAMPAIGN_KEYS_MAX];
    int n[ECO_CAMPAIGN_KEYS_MAX], dims = 0, rc;
    long total = 1;
    if (!cJSON_IsObject(g) || !g->child) {
        eco_campaign_spec_error(p->s, "$.weights.grid", "must be an object of weight: values");
        return 2;
    }
    for (const cJSON *it = g->child; it; it = it->next, dims++) {
        char path[160];
        eco_campaign_spec_format(path, sizeof path, "$.weights.grid.%s", it->string);
        if (!eco_campaign_weight_range(it->string)) { /* at most one axis per key */
            eco_campaign_spec_error(p->s, path, "%s", eco_last_error());
            return 2;
        }
        if ((rc = grid_axis(p, it, path, values[dims], &n[dims])))
            return rc;
        eco_mpc_weights probe = p->base;
        for (int i = 0; i < n[dims]; i++)
            if ((rc = set_weight(p, &probe, it->string, values[dims][i], path)))
                return rc;
        keys[dims] = it->string;
        total *= n[dims];
        if (total > ECO_CAMPAIGN_POINTS_MAX) {
            eco_campaign_spec_error(p->s, "$.weights.grid", "more than %d points",
                                    ECO_CAMPAIGN_POINTS_MAX);
            return 2;
        }
    }
    for (long i = 0; i < total; i++) { /* the first key varies slowest */
        eco_mpc_weights w = p->base;
        long rest = i;
        for (int d = dims - 1; d >= 0; d--) {
            eco_campaign_weight_set(&w, keys[d], values[d][rest % n[d]]);
            rest /= n[d];
        }
        if ((rc = add_point(p, NULL, &w, "$.weights.grid")))
            return rc;
    }
    return 0;
}

static int load_list(points_ctx *p, const cJSON *a)
{
    if (!cJSON_IsArray(a) || !a->child) {
        eco_campaign_spec_error(p->s, "$.weights.list",
                                "must be a non-empty array of {weight: value}");
        return 2;
    }
    int i = 0, rc;
    for (const cJSON *it = a->child; it; it = it->next, i++) {
        char path[160];
        eco_campaign_spec_format(path, sizeof path, "$.weights.list[%d]", i);
        if (!cJSON_IsObject(it)) {
            eco_campaign_spec_error(p->s, path, "must be an object of weight: value");
            return 2;
        }
        eco_mpc_weights w = p->base;
        for (const cJSON *kv = it->child; kv; kv = kv->next) {
            char sub[200];
            double v;
            eco_campaign_spec_format(sub, sizeof sub, "%s.%s", path, kv->string);
            if ((rc = weight_number(p, kv, sub, &v)) ||
                (rc = set_weight(p, &w, kv->string, v, sub)))
                return rc;
        }
        if ((rc = add_point(p, NULL, &w, path)))
            return rc;
    }
    return 0;
}

/* "ranges": {key: [lo, hi]}: the box of a sample, inside each key's range. */
static int sample_ranges(points_ctx *p, const cJSON *r, int log_scale, const char **keys,
                         double lo[], double hi[], int *dims)
{
    *dims = 0;
    if (!cJSON_IsObject(r) || !r->child) {
        eco_campaign_spec_error(p->s, "$.weights.sample.ranges",
                                "must be an object of weight: [lo, hi]");
        return 2;
    }
    for (const cJSON *it = r->child; it; it = it->next, (*dims)++) {
        char path[160];
        eco_mpc_weights probe = p->base;
        eco_campaign_spec_format(path, sizeof path, "$.weights.sample.ranges.%s", it->string);
        if (!eco_campaign_weight_range(it->string)) {
            eco_campaign_spec_error(p->s, path, "%s", eco_last_error());
            return 2;
        }
        if (cJSON_GetArraySize(it) != 2 || !cJSON_IsArray(it) ||
            weight_number(p, it->child, path, &lo[*dims]) ||
            weight_number(p, it->child->next, path, &hi[*dims])) {
            eco_campaign_spec_error(p->s, path, "must be [lo, hi]");
            return 2;
        }
        if (!(hi[*dims] > lo[*dims]) || (log_scale && !(lo[*dims] > 0.0))) {
            eco_campaign_spec_error(p->s, path, "needs lo < hi (lo > 0 on a log scale)");
            return 2;
        }
        if (set_weight(p, &probe, it->string, lo[*dims], path) ||
            set_weight(p, &probe, it->string, hi[*dims], path))
            return 2;
        keys[*dims] = it->string;
    }
    return 0;
}

/* {"method": "sobol"|"lhs", "n": N, "seed": S, "scale": "log"|"linear", "ranges": {...}} */
static int load_sample(points_ctx *p, const cJSON *o)
{
    static const char *const keys[] = {"method", "n", "seed", "scale", "ranges"};
    const char *names[ECO_CAMPAIGN_KEYS_MAX];
    double lo[ECO_CAMPAIGN_KEYS_MAX], hi[ECO_CAMPAIGN_KEYS_MAX], n_d, seed = 1.0;
    int dims, rc;
    if (!cJSON_IsObject(o)) {
        eco_campaign_spec_error(p->s, "$.weights.sample", "must be an object");
        return 2;
    }
    const cJSON *method = cJSON_GetObjectItemCaseSensitive(o, "method");
    const cJSON *scale = cJSON_GetObjectItemCaseSensitive(o, "scale");
    const cJSON *seed_j = cJSON_GetObjectItemCaseSensitive(o, "seed");
    int sobol = cJSON_IsString(method) && !strcmp(method->valuestring, "sobol");
    int lhs = cJSON_IsString(method) && !strcmp(method->valuestring, "lhs");
    int log_scale = !scale || (cJSON_IsString(scale) && !strcmp(scale->valuestring, "log"));
    if (eco_campaign_spec_keys(p->s, o, "$.weights.sample", keys, 5))
        return 2;
    if (!sobol && !lhs) {
        eco_campaign_spec_error(p->s, "$.weights.sample.method", "must be \"sobol\" or \"lhs\"");
        return 2;
    }
    if (scale && !log_scale && !(cJSON_IsString(scale) && !strcmp(scale->valuestring, "linear"))) {
        eco_campaign_spec_error(p->s, "$.weights.sample.scale", "must be \"log\" or \"linear\"");
        return 2;
    }
    if (eco_campaign_spec_number(p->s, cJSON_GetObjectItemCaseSensitive(o, "n"),
                                 "$.weights.sample.n", 1, ECO_CAMPAIGN_POINTS_MAX, &n_d) ||
        (seed_j &&
         eco_campaign_spec_number(p->s, seed_j, "$.weights.sample.seed", 0, 4294967295.0, &seed)) ||
        sample_ranges(p, cJSON_GetObjectItemCaseSensitive(o, "ranges"), log_scale, names, lo, hi,
                      &dims))
        return 2;
    int n = (int)n_d;
    double *u = eco_malloc(sizeof(double) * (size_t)n * (size_t)dims);
    if (!u || (sobol ? eco_campaign_sobol(n, dims, u)
                     : eco_campaign_lhs(n, dims, (unsigned long)seed, u))) {
        eco_free(u);
        return 1;
    }
    rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        eco_mpc_weights w = p->base;
        for (int d = 0; d < dims; d++) /* clamped: exp(log) may round a hair outside */
            eco_campaign_weight_set(
                &w, names[d],
                fmin(hi[d], fmax(lo[d], eco_campaign_scale(u[(size_t)i * (size_t)dims + (size_t)d],
                                                           lo[d], hi[d], log_scale))));
        rc = add_point(p, NULL, &w, "$.weights.sample");
    }
    eco_free(u);
    return rc;
}

static int load_base(points_ctx *p, const cJSON *root)
{
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(root, "base_weights");
    if (!b) {
        eco_mpc_weights_default(&p->base);
        return 0;
    }
    if (!cJSON_IsString(b)) {
        eco_campaign_spec_error(p->s, "$.base_weights", "must be a preset name or a weights file");
        return 2;
    }
    char file[4096];
    if (strchr(b->valuestring, '/') || strstr(b->valuestring, ".json"))
        eco_campaign_spec_path(p->s, b->valuestring, file, sizeof file);
    else
        snprintf(file, sizeof file, "%s", b->valuestring);
    if (eco_sim_weights_resolve(file, &p->base)) {
        eco_campaign_spec_error(p->s, "$.base_weights", "cannot load '%s' (see above)",
                                b->valuestring);
        return 2;
    }
    return 0;
}

int eco_campaign_spec_points(const eco_campaign_spec *s, const cJSON *root, eco_campaign *c)
{
    static const char *const keys[] = {"grid", "list", "sample"};
    points_ctx p = {.s = s, .c = c};
    const cJSON *presets = cJSON_GetObjectItemCaseSensitive(root, "presets");
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(root, "weights");
    int rc;
    if ((rc = load_base(&p, root)))
        return rc;
    if (presets && !cJSON_IsBool(presets)) {
        eco_campaign_spec_error(s, "$.presets", "must be true or false");
        return 2;
    }
    for (int k = 0; cJSON_IsTrue(presets) && k < 3; k++) {
        eco_mpc_weights pw;
        if (eco_sim_weights_resolve(PRESETS[k], &pw) ||
            (rc = add_point(&p, PRESETS[k], &pw, "$.presets")))
            return rc ? rc : 2;
    }
    if (w && !cJSON_IsObject(w)) {
        eco_campaign_spec_error(s, "$.weights", "must be an object of grid, list, sample");
        return 2;
    }
    if (w && eco_campaign_spec_keys(s, w, "$.weights", keys, 3))
        return 2;
    const cJSON *grid = cJSON_GetObjectItemCaseSensitive(w, "grid");
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(w, "list");
    const cJSON *sample = cJSON_GetObjectItemCaseSensitive(w, "sample");
    if ((grid && (rc = load_grid(&p, grid))) || (list && (rc = load_list(&p, list))) ||
        (sample && (rc = load_sample(&p, sample))))
        return rc;
    if (c->n_points == 0)
        return add_point(&p, "base", &p.base, "$.base_weights");
    return 0;
}
