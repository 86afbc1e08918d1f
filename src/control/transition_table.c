/* The transition table over a speed grid (transition.h): its sizes and one-block layout,
 * the weight-free transitions eco_mpc_eval gives for every entry, and the table priced from
 * them by the weights. eco_mpc_table_build and eco_mpc_table_from_transitions price a pair
 * by the same code from the same stored form, so a table made from cached transitions is
 * the one built afresh. */
#include "transition.h"

#include <math.h>
#include <string.h>

/* Candidates of one pair: the engine levels, or a stepped box's gears. */
#define VAR_MAX (ECO_MPC_LEVELS_MAX > ECO_GEARS_MAX ? ECO_MPC_LEVELS_MAX : ECO_GEARS_MAX)

static int is_hybrid(const eco_vehicle *v)
{
    return v->powertrain == ECO_PT_HEV || v->powertrain == ECO_PT_PHEV;
}

void eco_mpc_table_dims(const eco_vehicle *v, double v_max, double dv, double stage_s,
                        double acc_max, double dec_max, int n_levels, eco_mpc_table *t)
{
    memset(t, 0, sizeof *t);
    t->dv_mps = dv;
    t->stage_s = stage_s;
    t->n_nodes = (int)ceil(v_max / dv) + 1;
    t->off_max = (int)ceil(acc_max * stage_s / dv);
    t->off_min = -(int)ceil(dec_max * stage_s / dv);
    if (n_levels > ECO_MPC_LEVELS_MAX - 1)
        n_levels = ECO_MPC_LEVELS_MAX - 1;
    t->n_levels = is_hybrid(v) ? 1 + n_levels : 1;
    for (int l = 0; l < t->n_levels; l++)
        t->level_power_w[l] = is_hybrid(v) ? eco_mpc_level_power_w(v, l, n_levels) : 0.0;
}

static size_t n_pairs(const eco_mpc_table *t)
{
    return (size_t)t->n_nodes * (size_t)(t->off_max - t->off_min + 1);
}

/* The table's arrays in one block: cost, battery energy, gear. One list for both uses:
 * with mem NULL it only counts (eco_mpc_table_memsize), with the block it carves it
 * (eco_mpc_table_build). Returns the bytes used. */
static size_t table_layout(eco_mpc_table *t, char *mem)
{
    size_t pairs = n_pairs(t), n = pairs * (size_t)t->n_levels;
    eco_mpc_carver c = {mem, 0};
    t->cost = eco_mpc_carve(&c, n * sizeof(float));
    t->battery_j = eco_mpc_carve(&c, n * sizeof(float));
    t->gear = eco_mpc_carve(&c, pairs);
    return c.used;
}

size_t eco_mpc_table_memsize(const eco_mpc_table *t)
{
    eco_mpc_table counting = *t;
    return table_layout(&counting, NULL);
}

/* ---- the weight-free transitions ---------------------------------------------------- */

void eco_mpc_transitions_dims(const eco_vehicle *v, const eco_mpc_table *t, double soc_ref,
                              eco_mpc_transitions *tr)
{
    memset(tr, 0, sizeof *tr);
    tr->tab = *t;
    tr->tab.cost = tr->tab.battery_j = NULL;
    tr->tab.gear = NULL;
    tr->tab.soc_ref = soc_ref;
    tr->stepped = v->powertrain != ECO_PT_BEV && v->gearbox.type == ECO_TX_STEPPED;
    tr->n_var = tr->stepped ? v->gearbox.n_gears : t->n_levels;
}

static size_t transitions_layout(eco_mpc_transitions *tr, char *mem)
{
    size_t n = n_pairs(&tr->tab) * (size_t)tr->n_var;
    eco_mpc_carver c = {mem, 0};
    tr->fuel_g = eco_mpc_carve(&c, n * sizeof(double));
    tr->nox_g = eco_mpc_carve(&c, n * sizeof(double));
    tr->battery_j = eco_mpc_carve(&c, n * sizeof(float));
    tr->gear = eco_mpc_carve(&c, n);
    tr->feasible = eco_mpc_carve(&c, n);
    return c.used;
}

size_t eco_mpc_transitions_memsize(const eco_mpc_transitions *tr)
{
    eco_mpc_transitions counting = *tr;
    return transitions_layout(&counting, NULL);
}

void eco_mpc_transitions_carve(eco_mpc_transitions *tr, void *mem)
{
    transitions_layout(tr, mem);
}

/* Pair p = (i, d) is in reach when v_{i+d} is on the grid. */
static int in_reach(const eco_mpc_table *t, int i, int d)
{
    return i + d >= 0 && i + d < t->n_nodes;
}

/* One pair's candidates in the form the transitions keep them: battery energy as the float
 * the table holds, the gear as its byte. */
typedef struct {
    double fuel_g[VAR_MAX], nox_g[VAR_MAX];
    float battery_j[VAR_MAX];
    unsigned char gear[VAR_MAX], feasible[VAR_MAX];
} pair_scratch;

/* A pair's candidates to price, in the transitions or in a scratch. */
typedef struct {
    const double *fuel_g, *nox_g;
    const float *battery_j;
    const unsigned char *gear, *feasible;
} pair_view;

static pair_view view_of(const eco_mpc_transitions *tr, size_t pair)
{
    size_t e = pair * (size_t)tr->n_var;
    return (pair_view){tr->fuel_g + e, tr->nox_g + e, tr->battery_j + e, tr->gear + e,
                       tr->feasible + e};
}

static pair_view view_of_scratch(const pair_scratch *s)
{
    return (pair_view){s->fuel_g, s->nox_g, s->battery_j, s->gear, s->feasible};
}

/* eco_mpc_eval of every candidate of pair (i, d): the engine levels at soc_ref, or the
 * gears of a stepped box (at SOC 0, engine power 0, as the gear choice has always been). */
static void pair_eval(const eco_vehicle *v, const eco_mpc_transitions *tr, int i, int d,
                      pair_scratch *s)
{
    const eco_mpc_table *t = &tr->tab;
    double v0 = i * t->dv_mps, v1 = (i + d) * t->dv_mps;
    for (int c = 0; c < tr->n_var; c++) {
        eco_mpc_eval_out o;
        if (tr->stepped)
            eco_mpc_eval(v, v0, v1, t->stage_s, 0.0, 0.0, c + 1, 0.0, &o);
        else
            eco_mpc_eval(v, v0, v1, t->stage_s, 0.0, t->soc_ref, 0, t->level_power_w[c], &o);
        s->fuel_g[c] = o.fuel_g;
        s->nox_g[c] = o.nox_g;
        s->battery_j[c] = (float)o.battery_j;
        s->gear[c] = (unsigned char)o.gear;
        s->feasible[c] = o.feasible != 0;
    }
}

void eco_mpc_transitions_build(const eco_vehicle *v, eco_mpc_transitions *tr, void *mem)
{
    memset(mem, 0, eco_mpc_transitions_memsize(tr));
    transitions_layout(tr, mem);
    const eco_mpc_table *t = &tr->tab;
    size_t n = (size_t)tr->n_var;
    pair_scratch s;
    for (int i = 0; i < t->n_nodes; i++)
        for (int d = t->off_min; d <= t->off_max; d++) {
            if (!in_reach(t, i, d))
                continue;
            pair_eval(v, tr, i, d, &s);
            size_t e =
                ((size_t)i * (size_t)(t->off_max - t->off_min + 1) + (size_t)(d - t->off_min)) * n;
            memcpy(tr->fuel_g + e, s.fuel_g, n * sizeof s.fuel_g[0]);
            memcpy(tr->nox_g + e, s.nox_g, n * sizeof s.nox_g[0]);
            memcpy(tr->battery_j + e, s.battery_j, n * sizeof s.battery_j[0]);
            memcpy(tr->gear + e, s.gear, n);
            memcpy(tr->feasible + e, s.feasible, n);
        }
}

/* The pair of draw k of a spot check: a multiplicative hash spreads the draws over speeds
 * and offsets alike (Knuth, TAOCP vol. 3, 6.4: the golden ratio's 2^64 multiple). */
static size_t spot_pair(int k, size_t pairs)
{
    uint64_t h = (uint64_t)(k + 1) * 0x9E3779B97F4A7C15ull;
    return (size_t)((h >> 11) % pairs);
}

int eco_mpc_transitions_spot_check(const eco_vehicle *v, const eco_mpc_transitions *tr, int n_check)
{
    const eco_mpc_table *t = &tr->tab;
    int n_off = t->off_max - t->off_min + 1;
    size_t pairs = n_pairs(t), n = (size_t)tr->n_var;
    pair_scratch s;
    for (int k = 0; k < n_check && pairs > 0; k++) {
        size_t p = spot_pair(k, pairs);
        int i = (int)(p / (size_t)n_off), d = (int)(p % (size_t)n_off) + t->off_min;
        memset(&s, 0, sizeof s); /* out of reach: the zeros the build leaves */
        if (in_reach(t, i, d))
            pair_eval(v, tr, i, d, &s);
        pair_view kept = view_of(tr, p);
        if (memcmp(s.fuel_g, kept.fuel_g, n * sizeof s.fuel_g[0]) ||
            memcmp(s.nox_g, kept.nox_g, n * sizeof s.nox_g[0]) ||
            memcmp(s.battery_j, kept.battery_j, n * sizeof s.battery_j[0]) ||
            memcmp(s.gear, kept.gear, n) || memcmp(s.feasible, kept.feasible, n))
            return 0;
    }
    return 1;
}

/* ---- the table priced by the weights ------------------------------------------------ */

/* Best gear of a stepped box for one transition, by weighted cost (the first of equal
 * cost): its candidate, or -1 when no gear makes it. */
static int best_gear(const eco_mpc_weights *w, const pair_view *o, int n_gears)
{
    double best_cost = INFINITY;
    int best = -1;
    for (int k = 0; k < n_gears; k++) {
        double c = eco_mpc_fuel_nox_cost(w, o->fuel_g[k], o->nox_g[k]);
        if (o->feasible[k] && c < best_cost) {
            best_cost = c;
            best = k;
        }
    }
    return best;
}

/* Entries (i, d, *) of the table from the candidates o (NULL: out of reach). */
static void pair_price(const eco_mpc_weights *w, const eco_mpc_transitions *tr, const pair_view *o,
                       eco_mpc_table *t, int i, int d)
{
    size_t pair = (size_t)i * (size_t)(t->off_max - t->off_min + 1) + (size_t)(d - t->off_min);
    int best = o && tr->stepped ? best_gear(w, o, tr->n_var) : -1;
    t->gear[pair] = 0;
    for (int l = 0; l < t->n_levels; l++) {
        size_t k = eco_mpc_table_at(t, i, d, l);
        t->cost[k] = INFINITY;
        t->battery_j[k] = 0.0f;
        int e = tr->stepped ? best : l;
        if (!o || e < 0 || !o->feasible[e])
            continue;
        t->cost[k] = (float)eco_mpc_fuel_nox_cost(w, o->fuel_g[e], o->nox_g[e]);
        t->battery_j[k] = o->battery_j[e];
        t->gear[pair] = o->gear[e];
    }
}

static int carve_table(eco_mpc_table *t, void *mem)
{
    size_t used = table_layout(t, mem);
    if (used != eco_mpc_table_memsize(t)) {
        eco_set_error("mpc table: the carve used %zu bytes, its memsize is %zu", used,
                      eco_mpc_table_memsize(t));
        return ECO_EINVAL;
    }
    return ECO_OK;
}

int eco_mpc_table_build(const eco_vehicle *v, const eco_mpc_weights *w, double soc_ref,
                        eco_mpc_table *t, void *mem)
{
    int rc = carve_table(t, mem);
    if (rc)
        return rc;
    t->soc_ref = soc_ref;
    eco_mpc_transitions tr;
    eco_mpc_transitions_dims(v, t, soc_ref, &tr);
    pair_scratch s;
    pair_view o = view_of_scratch(&s);
    for (int i = 0; i < t->n_nodes; i++)
        for (int d = t->off_min; d <= t->off_max; d++) {
            int reach = in_reach(t, i, d);
            if (reach)
                pair_eval(v, &tr, i, d, &s);
            pair_price(w, &tr, reach ? &o : NULL, t, i, d);
        }
    return ECO_OK;
}

static int same_sizes(const eco_mpc_table *a, const eco_mpc_table *b)
{
    return a->n_nodes == b->n_nodes && a->off_min == b->off_min && a->off_max == b->off_max &&
           a->n_levels == b->n_levels && !memcmp(&a->dv_mps, &b->dv_mps, sizeof a->dv_mps) &&
           !memcmp(&a->stage_s, &b->stage_s, sizeof a->stage_s) &&
           !memcmp(a->level_power_w, b->level_power_w, sizeof a->level_power_w);
}

int eco_mpc_table_from_transitions(const eco_mpc_transitions *tr, const eco_mpc_weights *w,
                                   eco_mpc_table *t, void *mem)
{
    if (!same_sizes(t, &tr->tab)) {
        eco_set_error("mpc table: the transitions were made for another grid");
        return ECO_EINVAL;
    }
    int rc = carve_table(t, mem);
    if (rc)
        return rc;
    t->soc_ref = tr->tab.soc_ref;
    int n_off = t->off_max - t->off_min + 1;
    for (int i = 0; i < t->n_nodes; i++)
        for (int d = t->off_min; d <= t->off_max; d++) {
            pair_view o = view_of(tr, (size_t)i * (size_t)n_off + (size_t)(d - t->off_min));
            pair_price(w, tr, in_reach(t, i, d) ? &o : NULL, t, i, d);
        }
    return ECO_OK;
}
