/* A campaign's cases, one case's run and its JSON line (campaign.h). */
#include "campaign.h"

#include "campaign_weights.h"
#include "controllers.h"
#include "json_number.h"
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const CONTROLLER_NAMES[] = {"baseline", "mpc", "dp"};

const char *eco_campaign_controller_name(eco_campaign_controller k)
{
    return CONTROLLER_NAMES[k];
}

int eco_campaign_controller_from_name(const char *name)
{
    for (int k = 0; k < 3; k++)
        if (!strcmp(name, CONTROLLER_NAMES[k]))
            return k;
    return -1;
}

uint64_t eco_campaign_fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ULL; /* the 64-bit FNV prime (Fowler, Noll, Vo) */
    }
    return h;
}

int eco_campaign_parse_shard(const char *cmd, const char *arg, eco_campaign_shard *out)
{
    char *end;
    long k = strtol(arg, &end, 10), n = -1;
    if (end != arg && *end == '/' && end[1] >= '0' && end[1] <= '9') {
        const char *s = end + 1;
        n = strtol(s, &end, 10);
        if (*end)
            n = -1;
    }
    if (!(arg[0] >= '0' && arg[0] <= '9') || n < 1 || n > 1000000 || k < 0 || k >= n) {
        fprintf(stderr, "ecosim %s: --shard takes K/N with 0 <= K < N (shard K of N), got '%s'\n",
                cmd, arg);
        return 2;
    }
    out->k = (int)k;
    out->n = (int)n;
    return 0;
}

static void hex64(uint64_t h, char *out)
{
    snprintf(out, ECO_CAMPAIGN_HASH_CHARS, "%016llx", (unsigned long long)h);
}

/* What decides the results, printed canonically: the contents the cars and cycles were
 * loaded from (not where they lay), the options and every point's full weights. */
static cJSON *canonical(const eco_campaign *c)
{
    char hex[ECO_CAMPAIGN_HASH_CHARS];
    cJSON *o = cJSON_CreateObject(), *a;
    cJSON_AddNumberToObject(o, "format", 1);
    a = cJSON_AddArrayToObject(o, "vehicles");
    for (int v = 0; v < c->n_vehicles; v++) {
        hex64(c->vehicle_content[v], hex);
        cJSON_AddItemToArray(a, cJSON_CreateString(hex));
    }
    a = cJSON_AddArrayToObject(o, "cycles");
    for (int k = 0; k < c->n_cycles; k++) {
        hex64(c->cycle_content[k], hex);
        cJSON_AddItemToArray(a, cJSON_CreateString(hex));
    }
    a = cJSON_AddArrayToObject(o, "controllers");
    for (int k = 0; k < c->n_controllers; k++)
        cJSON_AddItemToArray(a, cJSON_CreateString(CONTROLLER_NAMES[c->controller[k]]));
    a = cJSON_AddArrayToObject(o, "points");
    for (int p = 0; p < c->n_points; p++) {
        cJSON *e = eco_campaign_weights_json(&c->points[p].w);
        cJSON_AddStringToObject(e, "label", c->points[p].label);
        cJSON_AddItemToArray(a, e);
    }
    cJSON_AddNumberToObject(o, "band_kmh", c->sim.band_kmh);
    cJSON_AddNumberToObject(o, "band_s", c->sim.band_s);
    cJSON_AddNumberToObject(o, "dt_s", c->sim.dt_s);
    cJSON_AddNumberToObject(o, "start_fuel_g", c->start_fuel_g);
    cJSON_AddNumberToObject(o, "sweep_value", c->sweep_value);
    return o;
}

static int count_cases(const eco_campaign *c, long *n)
{
    long per_pair = 0;
    for (int k = 0; k < c->n_controllers; k++)
        per_pair += c->controller[k] == ECO_CAMPAIGN_BASELINE ? 1 : c->n_points;
    *n = per_pair * c->n_vehicles * c->n_cycles;
    return *n >= 1 && *n <= 10 * (long)ECO_CAMPAIGN_POINTS_MAX ? 0 : -1;
}

int eco_campaign_unplanned(const eco_campaign *c, int *vehicle, int *controller)
{
    for (int v = 0; v < c->n_vehicles; v++)
        for (int k = 0; k < c->n_controllers; k++)
            if (c->controller[k] != ECO_CAMPAIGN_BASELINE && eco_vehicle_is_p2(&c->vehicles[v])) {
                *vehicle = v;
                *controller = k;
                return 1;
            }
    return 0;
}

int eco_campaign_finish(eco_campaign *c)
{
    long n;
    int pv, pk;
    if (eco_campaign_unplanned(c, &pv, &pk)) { /* before any case starts and fails */
        fprintf(stderr,
                "ecosim: %s is a parallel P2 hybrid, which only the baseline drives so far: not "
                "with the controller '%s'\n",
                c->vehicles[pv].name, CONTROLLER_NAMES[c->controller[pk]]);
        return 2;
    }
    if (count_cases(c, &n)) {
        fprintf(stderr, "ecosim: a campaign of %ld cases (1 to %ld)\n", n,
                10 * (long)ECO_CAMPAIGN_POINTS_MAX);
        return 2;
    }
    for (int k = 0; k < c->n_controllers; k++)
        if (c->controller[k] != ECO_CAMPAIGN_BASELINE && c->n_points == 0) {
            fprintf(stderr, "ecosim: the %s controller needs weight points\n",
                    CONTROLLER_NAMES[c->controller[k]]);
            return 2;
        }
    c->cases = eco_malloc(sizeof c->cases[0] * (size_t)n);
    cJSON *canon = canonical(c);
    char *text = canon ? cJSON_PrintUnformatted(canon) : NULL;
    cJSON_Delete(canon);
    if (!c->cases || !text) {
        cJSON_free(text);
        fprintf(stderr, "ecosim: out of memory for %ld cases\n", n);
        return 1;
    }
    hex64(eco_campaign_fnv(ECO_FNV_OFFSET, text, strlen(text)), c->hash);
    cJSON_free(text);
    c->n_cases = 0;
    for (int v = 0; v < c->n_vehicles; v++)
        for (int y = 0; y < c->n_cycles; y++)
            for (int k = 0; k < c->n_controllers; k++) {
                int baseline = c->controller[k] == ECO_CAMPAIGN_BASELINE;
                for (int p = baseline ? -1 : 0; p < (baseline ? 0 : c->n_points); p++)
                    c->cases[c->n_cases++] = (eco_campaign_case){v, y, (int)c->controller[k], p};
            }
    return 0;
}

void eco_campaign_free(eco_campaign *c)
{
    for (int v = 0; c->vehicles && v < c->n_vehicles; v++)
        eco_vehicle_free(&c->vehicles[v]);
    for (int y = 0; c->cycles && y < c->n_cycles; y++)
        eco_sim_cycle_free(&c->cycles[y]);
    void *own[] = {c->vehicles, c->cycles, c->vehicle_source, c->vehicle_content,
                   c->points,   c->cases,  c->cycle_content};
    eco_campaign_free_each(own, sizeof own / sizeof own[0]);
    memset(c, 0, sizeof *c);
}

void eco_campaign_free_each(void *const *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        eco_free(p[i]);
}

/* rms acceleration and rms jerk (successive accelerations over dt) of a run. */
static void comfort_of(const eco_sim_result *res, double dt_s, eco_campaign_result *r)
{
    double a2 = 0.0, j2 = 0.0;
    for (int k = 0; k < res->n_series; k++) {
        double a = res->series[k].accel_mps2;
        a2 += a * a;
        if (k > 0) {
            double jerk = (a - res->series[k - 1].accel_mps2) / dt_s;
            j2 += jerk * jerk;
        }
    }
    r->accel_rms_mps2 = res->n_series > 0 ? sqrt(a2 / res->n_series) : 0.0;
    r->jerk_rms_mps3 = res->n_series > 1 ? sqrt(j2 / (res->n_series - 1)) : 0.0;
}

static eco_controller *create_controller(const eco_campaign *c, const eco_campaign_case *cs,
                                         const eco_sim_options *o, eco_dp_solution **dp)
{
    const eco_vehicle *veh = &c->vehicles[cs->vehicle];
    eco_campaign_controller kind = (eco_campaign_controller)cs->controller;
    if (kind == ECO_CAMPAIGN_BASELINE)
        return eco_baseline_create(veh, o->dt_s);
    const eco_mpc_weights *w = &c->points[cs->point].w;
    if (kind == ECO_CAMPAIGN_MPC)
        return eco_sim_mpc_create(veh, o->dt_s, w);
    eco_dp_settings ds;
    eco_dp_settings_default(&ds);
    ds.weights = *w;
    ds.progress = 0;
    if (eco_sim_dp_solve(veh, &c->cycles[cs->cycle], o, &ds, dp))
        return NULL;
    return eco_dp_controller_create(veh, *dp, o->dt_s);
}

int eco_campaign_run_case(const eco_campaign *c, const eco_campaign_case *cs,
                          eco_campaign_result *r)
{
    const eco_vehicle *veh = &c->vehicles[cs->vehicle];
    const eco_sim_cycle *cyc = &c->cycles[cs->cycle];
    const char *name = CONTROLLER_NAMES[cs->controller];
    eco_sim_options o = c->sim;
    o.keep_series = 1;             /* for jerk and acceleration */
    o.quiet = 1;                   /* the campaign reports its own progress */
    o.untimed = 1;                 /* its lines leave out the solve times */
    o.engine_hot = !cyc->ftp_bags; /* as compare: FTP-75 runs its cold-start composite */
    eco_dp_solution *dp = NULL;
    eco_controller *ctl = create_controller(c, cs, &o, &dp);
    if (!ctl) {
        fprintf(stderr, "ecosim: cannot create the %s controller: %s\n", name, eco_last_error());
        eco_dp_free(dp);
        return 1;
    }
    eco_sim_result res;
    int rc = eco_sim_run(veh, cyc, ctl, &o, &res);
    ctl->destroy(ctl);
    eco_dp_free(dp);
    if (rc) {
        fprintf(stderr, "ecosim: %s on %s: simulation failed: %s\n", name, cyc->name,
                eco_strerror(rc));
    } else {
        eco_sim_summarize(veh, cyc, name, &res, 1, &r->sum);
        comfort_of(&res, o.dt_s, r);
    }
    eco_sim_result_free(&res);
    return rc ? 1 : 0;
}

/* The head every line starts with, in a fixed order that ecosim merge relies on. */
static cJSON *line_head(const eco_campaign *c, const eco_campaign_shard *shard, int i)
{
    const eco_campaign_case *cs = &c->cases[i];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "campaign", c->hash);
    if (shard && shard->n > 1) {
        char s[32];
        snprintf(s, sizeof s, "%d/%d", shard->k, shard->n);
        cJSON_AddStringToObject(o, "shard", s);
    }
    cJSON_AddNumberToObject(o, "case", i);
    cJSON_AddNumberToObject(o, "cases", c->n_cases);
    cJSON_AddStringToObject(o, "vehicle_source", c->vehicle_source[cs->vehicle]);
    cJSON_AddStringToObject(o, "label", cs->point < 0 ? "baseline" : c->points[cs->point].label);
    if (cs->point < 0)
        cJSON_AddNullToObject(o, "weights");
    else
        cJSON_AddItemToObject(o, "weights", eco_campaign_weights_json(&c->points[cs->point].w));
    if (c->sweep_value)
        eco_sim_json_add_number(
            o, "value",
            cs->point < 0 ? NAN : eco_campaign_weight_get(&c->points[cs->point].w, c->keys[0]));
    return o;
}

char *eco_campaign_line(const eco_campaign *c, const eco_campaign_shard *shard, int i,
                        const eco_campaign_result *r, const eco_campaign_result *baseline)
{
    cJSON *o = line_head(c, shard, i), *sum = eco_sim_summary_json(&r->sum);
    if (!o || !sum) {
        cJSON_Delete(o);
        cJSON_Delete(sum);
        return NULL;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(sum, "mpc_solve_us"); /* wall-clock timings */
    while (sum->child) {
        cJSON *item = cJSON_DetachItemViaPointer(sum, sum->child);
        cJSON_AddItemToObject(o, item->string, item); /* copies the key before freeing it */
    }
    cJSON_Delete(sum);
    int bev = c->vehicles[c->cases[i].vehicle].powertrain == ECO_PT_BEV;
    eco_sim_json_add_number(o, "jerk_rms_mps3", r->jerk_rms_mps3);
    eco_sim_json_add_number(o, "accel_rms_mps2", r->accel_rms_mps2);
    eco_sim_json_add_number(o, "saving_vs_baseline_pct",
                            baseline ? 100.0 * (1.0 - eco_sim_metric(bev, &r->sum.total) /
                                                          eco_sim_metric(bev, &baseline->sum.total))
                                     : NAN);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text)
        return NULL;
    char *copy = eco_malloc(strlen(text) + 1);
    if (copy)
        strcpy(copy, text);
    cJSON_free(text);
    return copy;
}
