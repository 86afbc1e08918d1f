/* The non-dominated set and a campaign's cases grouped for it (pareto.h). */
#include "pareto.h"

#include "campaign_weights.h"
#include "jsonl.h"

#include "ecodrive/config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Aliases for the figures calibration trades; any other numeric key of a line is taken as
 * it is. */
static const struct {
    const char *name, *key, *label;
} ALIASES[] = {
    {"fuel", "fuel_soc_corrected_l_per_100km", "fuel, SOC-corrected [L/100 km]"},
    {"energy", "energy_kwh_per_100km", "battery energy [kWh/100 km]"},
    {"nox", "nox_mg_per_km", "engine-out NOx [mg/km]"},
    {"jerk", "jerk_rms_mps3", "rms jerk [m/s^3]"},
    {"time", NULL, "trip time [s]"},
    {"starts", NULL, "engine starts per km"},
};
#define N_ALIASES ((int)(sizeof ALIASES / sizeof ALIASES[0]))

static const double *sort_f;
static int sort_m;

/* Lexicographic order of the objective vectors: no point dominates one before it. */
static int lex_cmp(const void *a, const void *b)
{
    const double *x = sort_f + (size_t) * (const int *)a * (size_t)sort_m;
    const double *y = sort_f + (size_t) * (const int *)b * (size_t)sort_m;
    for (int k = 0; k < sort_m; k++)
        if (x[k] != y[k])
            return x[k] < y[k] ? -1 : 1;
    return *(const int *)a - *(const int *)b;
}

static int dominates(const double *a, const double *b, int m)
{
    int better = 0;
    for (int k = 0; k < m; k++) {
        if (a[k] > b[k])
            return 0;
        better |= a[k] < b[k];
    }
    return better;
}

int eco_pareto_front(const double *f, int n, int m, int *on_front)
{
    int *order = eco_malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    int *front = eco_malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    if (!order || !front) {
        eco_free(order);
        eco_free(front);
        return -1;
    }
    int n_ok = 0, n_front = 0;
    for (int i = 0; i < n; i++) {
        int finite = 1;
        for (int k = 0; k < m; k++)
            finite &= isfinite(f[(size_t)i * (size_t)m + (size_t)k]) != 0;
        on_front[i] = 0;
        if (finite)
            order[n_ok++] = i;
    }
    sort_f = f;
    sort_m = m;
    qsort(order, (size_t)n_ok, sizeof order[0], lex_cmp);
    /* A point dominated by anything is dominated by a front point (dominance is
     * transitive), and only points before it in this order can dominate it. */
    for (int j = 0; j < n_ok; j++) {
        const double *x = f + (size_t)order[j] * (size_t)m;
        int dominated = 0;
        for (int q = 0; q < n_front && !dominated; q++)
            dominated = dominates(f + (size_t)front[q] * (size_t)m, x, m);
        if (!dominated) {
            front[n_front++] = order[j];
            on_front[order[j]] = 1;
        }
    }
    eco_free(order);
    eco_free(front);
    return n_front;
}

int eco_pareto_parse_objectives(const char *arg, eco_pareto_set *s)
{
    static char names[1024];
    snprintf(names, sizeof names, "%s", arg);
    s->n_objectives = 0;
    for (char *save = NULL, *t = strtok_r(names, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (s->n_objectives == ECO_PARETO_OBJECTIVES_MAX) {
            fprintf(stderr, "ecosim pareto: at most %d objectives\n", ECO_PARETO_OBJECTIVES_MAX);
            return 2;
        }
        eco_pareto_objective *o = &s->objective[s->n_objectives++];
        o->name = o->label = t;
        for (int a = 0; a < N_ALIASES; a++)
            if (!strcmp(t, ALIASES[a].name))
                o->label = ALIASES[a].label;
    }
    if (s->n_objectives < 2) {
        fprintf(stderr,
                "ecosim pareto: --objectives takes 2 or more of fuel, energy, nox, jerk, "
                "time, starts (or summary keys), comma-separated; got '%s'\n",
                arg);
        return 2;
    }
    return 0;
}

static double key_value(const cJSON *line, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(line, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* An objective's value on a line; NAN if the line lacks it. Trip time is the time to drive
 * the reference distance at the run's mean speed; starts are per km driven. */
static double objective_value(const cJSON *line, const char *name)
{
    for (int a = 0; a < N_ALIASES; a++)
        if (!strcmp(name, ALIASES[a].name) && ALIASES[a].key)
            return key_value(line, ALIASES[a].key);
    if (!strcmp(name, "time"))
        return key_value(line, "duration_s") /
               (1.0 + key_value(line, "distance_error_pct") / 100.0);
    if (!strcmp(name, "starts"))
        return key_value(line, "engine_starts") / key_value(line, "distance_km");
    return key_value(line, name);
}

static const char *str_of(const cJSON *line, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(line, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static int group_of(eco_pareto_set *s, const cJSON *line)
{
    const char *src = str_of(line, "vehicle_source"), *cycle = str_of(line, "cycle");
    for (int g = 0; g < s->n_groups; g++)
        if (!strcmp(s->groups[g].vehicle_source, src) && !strcmp(s->groups[g].cycle, cycle))
            return g;
    eco_pareto_group *grown = eco_realloc(s->groups, sizeof grown[0] * (size_t)(s->n_groups + 1));
    if (!grown)
        return -1;
    s->groups = grown;
    eco_pareto_group *g = &s->groups[s->n_groups];
    memset(g, 0, sizeof *g);
    snprintf(g->vehicle_source, sizeof g->vehicle_source, "%s", src);
    snprintf(g->vehicle, sizeof g->vehicle, "%s", str_of(line, "vehicle"));
    snprintf(g->cycle, sizeof g->cycle, "%s", cycle);
    return s->n_groups++;
}

static void case_of(const eco_pareto_set *s, const cJSON *line, const eco_sim_jsonl_head *h,
                    eco_pareto_case *c)
{
    memset(c, 0, sizeof *c);
    c->case_index = h->case_index;
    snprintf(c->label, sizeof c->label, "%s", str_of(line, "label"));
    snprintf(c->controller, sizeof c->controller, "%s", str_of(line, "controller"));
    c->kind =
        !strcmp(c->controller, "baseline") ? ECO_PARETO_BASELINE
        : !strcmp(c->label, "eco") || !strcmp(c->label, "balanced") || !strcmp(c->label, "comfort")
            ? ECO_PARETO_PRESET
            : ECO_PARETO_POINT;
    for (int k = 0; k < s->n_objectives; k++)
        c->f[k] = objective_value(line, s->objective[k].name);
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(line, "weights");
    c->has_weights = cJSON_IsObject(w) && eco_cfg_weights_from_json(w, "line", &c->w) == ECO_OK;
}

static int take_lines(const char *path, const char *controller, const eco_sim_jsonl *j,
                      eco_pareto_set *s)
{
    s->cases = eco_calloc((size_t)(j->n ? j->n : 1), sizeof s->cases[0]);
    if (!s->cases)
        return 1;
    for (int i = 0; i < j->n; i++) {
        eco_sim_jsonl_head h;
        cJSON *line;
        if (eco_sim_jsonl_head_of(j->lines[i].text, &h, &line)) {
            fprintf(stderr, "ecosim pareto: %s:%d: %s\n", path, j->lines[i].line_no,
                    eco_last_error());
            return 2;
        }
        if (s->n_cases == 0)
            snprintf(s->hash, sizeof s->hash, "%s", h.hash);
        else if (strcmp(h.hash, s->hash)) {
            fprintf(stderr, "ecosim pareto: %s:%d: campaign %s, the first line's is %s\n", path,
                    j->lines[i].line_no, h.hash, s->hash);
            cJSON_Delete(line);
            return 2;
        }
        eco_pareto_case *c = &s->cases[s->n_cases];
        if (!controller || !strcmp(str_of(line, "controller"), controller)) {
            case_of(s, line, &h, c);
            c->group = group_of(s, line);
            s->n_cases++;
        }
        cJSON_Delete(line);
        if (c->group < 0)
            return 1;
    }
    return 0;
}

/* Each group's front over its own cases. */
static int mark_fronts(eco_pareto_set *s)
{
    int m = s->n_objectives;
    double *f = eco_malloc(sizeof(double) * (size_t)(s->n_cases + 1) * (size_t)m);
    int *idx = eco_malloc(sizeof(int) * (size_t)(s->n_cases + 1));
    int *on = eco_malloc(sizeof(int) * (size_t)(s->n_cases + 1));
    int rc = f && idx && on ? 0 : 1;
    for (int g = 0; !rc && g < s->n_groups; g++) {
        int n = 0;
        for (int i = 0; i < s->n_cases; i++)
            if (s->cases[i].group == g) {
                memcpy(f + (size_t)n * (size_t)m, s->cases[i].f, sizeof(double) * (size_t)m);
                idx[n++] = i;
            }
        s->groups[g].n_cases = n;
        s->groups[g].n_front = eco_pareto_front(f, n, m, on);
        rc = s->groups[g].n_front < 0;
        for (int q = 0; !rc && q < n; q++)
            s->cases[idx[q]].on_front = on[q];
    }
    eco_free(f);
    eco_free(idx);
    eco_free(on);
    return rc;
}

int eco_pareto_load(const char *path, const char *controller, eco_pareto_set *s)
{
    eco_sim_jsonl j;
    if (eco_sim_jsonl_read(path, &j)) {
        fprintf(stderr, "ecosim pareto: %s\n", eco_last_error());
        return 2;
    }
    int rc = take_lines(path, controller, &j, s);
    eco_sim_jsonl_free(&j);
    if (!rc && s->n_cases == 0) {
        fprintf(stderr, "ecosim pareto: %s: no case%s%s\n", path,
                controller ? " of controller " : "", controller ? controller : "");
        rc = 2;
    }
    for (int k = 0; !rc && k < s->n_objectives; k++) {
        int any = 0;
        for (int i = 0; i < s->n_cases && !any; i++)
            any = isfinite(s->cases[i].f[k]) != 0;
        if (!any) {
            fprintf(stderr,
                    "ecosim pareto: %s: no line has objective '%s' (fuel, energy, nox, "
                    "jerk, time, starts, or a numeric key of the lines)\n",
                    path, s->objective[k].name);
            rc = 2;
        }
    }
    if (!rc && mark_fronts(s)) {
        fprintf(stderr, "ecosim pareto: out of memory\n");
        rc = 1;
    }
    return rc;
}

void eco_pareto_free(eco_pareto_set *s)
{
    eco_free(s->cases);
    eco_free(s->groups);
    s->cases = NULL;
    s->groups = NULL;
}

int eco_pareto_varied_keys(const eco_pareto_set *s, int group, int *keys)
{
    int n_ranges, n = 0;
    const eco_campaign_range *r = eco_campaign_weight_ranges(&n_ranges);
    for (int k = 0; k < n_ranges; k++) {
        double first = NAN;
        int varies = 0;
        for (int i = 0; i < s->n_cases && !varies; i++) {
            const eco_pareto_case *c = &s->cases[i];
            if (c->group != group || !c->has_weights)
                continue;
            double v = eco_campaign_weight_get(&c->w, r[k].key);
            varies = isfinite(first) && v != first;
            first = isfinite(first) ? first : v;
        }
        if (varies)
            keys[n++] = k;
    }
    return n;
}

static const eco_pareto_set *sort_set;

static int by_first_objective(const void *a, const void *b)
{
    double x = sort_set->cases[*(const int *)a].f[0], y = sort_set->cases[*(const int *)b].f[0];
    return x < y ? -1 : x > y ? 1 : *(const int *)a - *(const int *)b;
}

int eco_pareto_group_front(const eco_pareto_set *s, int group, int *idx)
{
    int n = 0;
    for (int i = 0; i < s->n_cases; i++)
        if (s->cases[i].group == group && s->cases[i].on_front)
            idx[n++] = i;
    sort_set = s;
    qsort(idx, (size_t)n, sizeof idx[0], by_first_objective);
    return n;
}
