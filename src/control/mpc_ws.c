/* The eco MPC's workspace: settings and the balanced weights, dims, the one-block layout,
 * and what the table fixes for the workspace's life (the kinetic-energy and distance
 * prices, the regen share, the levels each pair can use). See include/ecodrive/mpc.h. */
#include "control_internal.h"
#include "mpc_internal.h"
#include "table_cache.h"

#include <math.h>
#include <string.h>

/* The defaults (mpc_settings.def). */
static const eco_mpc_settings SETTINGS_DEFAULT = {
#define ECO_MPC_SETTING(type, name, default_value) .name = (default_value),
#include "ecodrive/mpc_settings.def"
};

/* The balanced preset (weights.def). */
static const eco_mpc_weights WEIGHTS_BALANCED = {
#define ECO_MPC_WEIGHT(name, balanced) .name = (balanced),
#include "ecodrive/weights.def"
};

void eco_mpc_settings_default(eco_mpc_settings *s)
{
    *s = SETTINGS_DEFAULT;
}

void eco_mpc_weights_default(eco_mpc_weights *w)
{
    *w = WEIGHTS_BALANCED;
}

/* The table the settings ask for: speeds up to V_MAX_MPS on the settings' grid. */
static void table_dims(const eco_vehicle *veh, const eco_mpc_settings *s, eco_mpc_table *t)
{
    eco_mpc_table_dims(veh, V_MAX_MPS, s->grid_kmh / ECO_KMH_PER_MPS, s->stage_s, s->accel_max_mps2,
                       s->decel_max_mps2, s->n_engine_levels, t);
}

int eco_mpc_dims_make(const eco_vehicle *veh, double dt_s, const eco_mpc_settings *s,
                      eco_mpc_dims *d)
{
    memset(d, 0, sizeof *d);
    if (eco_control_plans_for(veh, "mpc"))
        return ECO_EINVAL;
    if (!(s->horizon_s >= 1.0 && s->horizon_s <= 60.0) || !(s->stage_s >= dt_s) || !(dt_s > 0.0) ||
        !(s->grid_kmh > 0.01) || s->n_engine_levels < 1 || s->n_alloc_levels < 1 ||
        s->max_iter < 1 || !(s->deadline_us > 0.0)) {
        eco_set_error("mpc settings: horizon_s in [1, 60], stage_s >= dt, grid_kmh > 0.01, "
                      "levels, max_iter >= 1 and deadline_us > 0 required");
        return ECO_EINVAL;
    }
    d->n_stages = (int)floor(s->horizon_s / s->stage_s + 1e-9);
    d->preview_n = (int)lround(d->n_stages * s->stage_s / dt_s);
    if (d->preview_n > ECO_PREVIEW_MAX) {
        eco_set_error("mpc settings: horizon %g s needs %d preview entries (max %d)", s->horizon_s,
                      d->preview_n, ECO_PREVIEW_MAX);
        return ECO_EINVAL;
    }
    eco_mpc_table t;
    table_dims(veh, s, &t);
    /* The WLTP band is 4 km/h plus what the trace changes in 2 s; 40 km/h is ample. */
    d->n_band_max = (int)ceil(40.0 / s->grid_kmh) + 1;
    d->n_nodes = t.n_nodes;
    d->n_offsets = t.off_max - t.off_min + 1;
    d->n_levels = t.n_levels;
    d->table_bytes = eco_mpc_table_memsize(&t);
    return ECO_OK;
}

/* The workspace's block, in order: the struct, the table's arrays, the horizon scratch and
 * the pair-cost cache (two slots). One list for both uses: with mem NULL it only counts
 * the bytes (eco_mpc_ws_memsize; ws a stand-in), with the block it carves it into ws, the
 * block's start (eco_mpc_ws_create), so the size and the carve cannot disagree. The
 * table's arrays to *table_mem. Returns the bytes used. */
static size_t ws_layout(const eco_mpc_dims *d, char *mem, eco_mpc_ws *ws, void **table_mem)
{
    eco_mpc_carver c = {mem, 0};
    eco_mpc_carve(&c, sizeof *ws); /* ws itself when carving */
    *table_mem = eco_mpc_carve(&c, d->table_bytes);
    size_t ns = (size_t)d->n_stages + 1, nb = (size_t)d->n_band_max;
    size_t nodes = (size_t)d->n_nodes, pairs = nodes * (size_t)d->n_offsets;
    ws->vref = eco_mpc_carve(&c, ns * sizeof(double));
    ws->lo = eco_mpc_carve(&c, ns * sizeof(double));
    ws->hi = eco_mpc_carve(&c, ns * sizeof(double));
    ws->jlo = eco_mpc_carve(&c, ns * sizeof(int));
    ws->jhi = eco_mpc_carve(&c, ns * sizeof(int));
    for (int e = 0; e < 2; e++) {
        ws->V[e] = eco_mpc_carve(&c, ns * nb * sizeof(double));
        ws->W[e] = eco_mpc_carve(&c, ns * nb * sizeof(double));
    }
    ws->acc_term = eco_mpc_carve(&c, (size_t)d->n_offsets * sizeof(double));
    ws->pair_levels = eco_mpc_carve(&c, pairs * sizeof(uint64_t));
    for (int k = 0; k < 2; k++) {
        for (int e = 0; e < 2; e++) {
            ws->slot_cost[k][e] = eco_mpc_carve(&c, pairs * sizeof(float));
            ws->slot_batt[k][e] = eco_mpc_carve(&c, pairs * sizeof(float));
        }
        ws->slot_rows[k] = eco_mpc_carve(&c, nodes * sizeof(uint32_t));
        ws->slot_lo[k] = eco_mpc_carve(&c, nodes * sizeof(int));
        ws->slot_hi[k] = eco_mpc_carve(&c, nodes * sizeof(int));
    }
    return c.used;
}

size_t eco_mpc_ws_memsize(const eco_mpc_dims *d)
{
    eco_mpc_ws counting;
    void *table_mem;
    return ws_layout(d, NULL, &counting, &table_mem);
}

/* Marginal cost of kinetic energy at 50 km/h from the table: the terminal value of speed. */
static double kinetic_cost_per_j(const eco_mpc_ws *ws)
{
    const eco_mpc_table *t = &ws->tab;
    int i = (int)lround(50.0 / ECO_KMH_PER_MPS / t->dv_mps),
        k = t->off_max / 2 > 0 ? t->off_max / 2 : 1;
    double c[2];
    for (int m = 0; m < 2; m++) {
        c[m] = INFINITY;
        for (int l = 0; l < t->n_levels; l++) {
            size_t e = eco_mpc_table_at(t, i, m ? k : 0, l);
            double s = ws->s0 * ws->w.fuel_per_g / ws->lhv;
            c[m] = fmin(c[m], t->cost[e] + s * t->battery_j[e]);
        }
    }
    double v0 = i * t->dv_mps, v1 = (i + k) * t->dv_mps;
    double dke = 0.5 * ws->m_eff * (v1 * v1 - v0 * v0);
    return isfinite(c[0]) && isfinite(c[1]) && dke > 0.0 ? fmax(0.0, (c[1] - c[0]) / dke) : 0.0;
}

/* Share of kinetic energy that a stop from 100 km/h at 1 m/s^2 returns to the battery,
 * engine off, from the table. A hybrid's SOC target falls by this share of its kinetic
 * energy (Ambühl & Guzzella, "Predictive reference signal generator for hybrid electric
 * vehicles", IEEE TVT 58(9), 2009): the energy comes back when the car stops. */
static double regen_share(const eco_mpc_ws *ws)
{
    const eco_mpc_table *t = &ws->tab;
    int d = -(int)lround(1.0 * t->stage_s / t->dv_mps);
    if (d == 0 || d < t->off_min)
        return 0.0;
    int i = (int)lround(100.0 / ECO_KMH_PER_MPS / t->dv_mps);
    double v0 = i * t->dv_mps, e = 0.0;
    for (; i + d >= 0; i += d)
        e -= t->battery_j[eco_mpc_table_at(t, i, d, 0)];
    double ke = 0.5 * ws->m_eff * v0 * v0;
    return ke > 0.0 ? fmin(fmax(e / ke, 0.0), 1.0) : 0.0;
}

/* Marginal cost of distance at 50 km/h from the table: what one more metre costs when
 * cruising a little faster over the same time. The start of the distance price. */
static double nominal_price(const eco_mpc_ws *ws)
{
    const eco_mpc_table *t = &ws->tab;
    int i = (int)lround(50.0 / ECO_KMH_PER_MPS / t->dv_mps), k = 4;
    double c[2], s = ws->s0 * ws->w.fuel_per_g / ws->lhv;
    for (int m = 0; m < 2; m++) {
        c[m] = INFINITY;
        for (int l = 0; l < t->n_levels; l++) {
            size_t e = eco_mpc_table_at(t, i + m * k, 0, l);
            c[m] = fmin(c[m], t->cost[e] + s * t->battery_j[e]);
        }
    }
    return isfinite(c[0]) && isfinite(c[1])
               ? fmax(0.0, (c[1] - c[0]) / (k * t->dv_mps * t->stage_s))
               : 0.0;
}

/* The range [*a, *z] of scaled equivalence factors over which level l of a pair is not above
 * level m (cost + s x battery energy, within tol), narrowed. The values are the table's
 * floats as doubles with their magnitudes; s_abs the largest |s| of the range. The bounds
 * never are NaN (they start finite and only take finite values or a - 1), so a comparison
 * does what fmin and fmax would, inline. */
typedef struct {
    double c, b, abs_c, abs_b;
} level_values;

static void narrow(const level_values *l, const level_values *m, double s_abs, double *a, double *z)
{
    double d0 = l->c - m->c, db = l->b - m->b;
    double tol = 1e-6 * (l->abs_c + m->abs_c + s_abs * (l->abs_b + m->abs_b)) + 1e-12;
    if (db > 0.0) {
        double x = (tol - d0) / db;
        *z = x < *z ? x : *z;
    } else if (db < 0.0) {
        double x = (tol - d0) / db;
        *a = x > *a ? x : *a;
    } else if (d0 > tol) {
        *z = *a - 1.0;
    }
}

/* Whether level l can be least for some scaled factor in [s_lo, s_hi]: no other feasible
 * level m is below it over the whole range. The verdict does not depend on the order the
 * levels m are tried in (the range only narrows, and an empty range stays empty), so the
 * one that ruled out the last level is tried first: it mostly rules this one out too. */
static int can_be_least(const level_values *v, const int *ok, int first_on, int n, int l,
                        const double s_range[3], int *killer)
{
    double a = s_range[0], z = s_range[1];
    int k = *killer;
    if (k != l && k >= first_on && ok[k])
        narrow(&v[l], &v[k], s_range[2], &a, &z);
    for (int m = first_on; m < n && a <= z; m++) {
        if (m == l || m == k || !ok[m])
            continue;
        narrow(&v[l], &v[m], s_range[2], &a, &z);
        if (!(a <= z))
            *killer = m;
    }
    return a <= z;
}

/* For every pair, the engine levels that can be least (cost + s x battery energy) for some
 * equivalence factor the step can use, [0.2 s0, 4 s0] rounded to S_QUANTUM: a level above
 * another over that whole range never wins, so the minimum skips it. A small tolerance
 * keeps near-ties, so the minimum and its tie-breaking stay those over all levels. */
static void pair_levels_make(eco_mpc_ws *ws)
{
    const eco_mpc_table *t = &ws->tab;
    double f = ws->w.fuel_per_g / ws->lhv;
    double s_lo = (0.2 * ws->s0 - 2.0 * S_QUANTUM) * f, s_hi = (4.0 * ws->s0 + 2.0 * S_QUANTUM) * f;
    const double s_range[3] = {s_lo, s_hi, fmax(fabs(s_lo), fabs(s_hi))};
    size_t pairs = (size_t)t->n_nodes * (size_t)ws->n_off;
    /* A hybrid's horizon keeps engine off (level 0) and on apart: off whenever it is
     * feasible, and the on-levels that can be least among the on-levels. */
    int first_on = ws->hybrid ? 1 : 0, killer = -1;
    level_values v[ECO_MPC_LEVELS_MAX];
    int ok[ECO_MPC_LEVELS_MAX];
    for (size_t p = 0; p < pairs; p++) {
        const float *c = t->cost + p * (size_t)t->n_levels;
        const float *b = t->battery_j + p * (size_t)t->n_levels;
        uint64_t mask = 0;
        for (int l = 0; l < t->n_levels; l++) {
            ok[l] = isfinite(c[l]) && isfinite(b[l]);
            v[l] = (level_values){c[l], b[l], fabs(c[l]), fabs(b[l])};
        }
        if (ws->hybrid && ok[0])
            mask |= 1u;
        for (int l = first_on; l < t->n_levels; l++)
            if (ok[l] && can_be_least(v, ok, first_on, t->n_levels, l, s_range, &killer))
                mask |= (uint64_t)1 << l;
        ws->pair_levels[p] = mask;
    }
}

/* The hybrid's SOC terms: d(cost)/d(battery J) of the terminal SOC cost per unit of SOC
 * error, turned into an equivalence factor: s = s0 + soc_gain * (target - SOC at the
 * horizon end); and the share of kinetic energy a stop returns (soc_aim). */
static void hybrid_terms(eco_mpc_ws *ws, double soc_ref)
{
    const eco_battery *b = &ws->veh->battery;
    const eco_mpc_weights *w = &ws->w;
    double ocv = eco_curve_eval(&b->ocv_v, soc_ref);
    double q_as = b->capacity_ah * ECO_S_PER_H;
    ws->e_unit_j = ocv * q_as;
    ws->regen_share = regen_share(ws);
    ws->soc_gain = w->fuel_per_g > 0.0 ? 2.0 * w->terminal_soc_per_pct2 * 1e4 * ws->lhv /
                                             (w->fuel_per_g * ocv * q_as)
                                       : 0.0;
}

/* What the table, the weights and the vehicle fix for the workspace's life. */
static void ws_terms(eco_mpc_ws *ws, double soc_ref)
{
    const eco_vehicle *veh = ws->veh;
    const eco_mpc_weights *w = &ws->w;
    ws->n_eng = ws->hybrid ? 2 : 1;
    /* A start costs the fuel the plant burns for it, and the calibration's price on top. */
    ws->start_cost = w->fuel_per_g * (veh->engine.start_fuel_g + w->engine_start_g);
    for (int o = 0; o < ws->n_off; o++) {
        double a = (o + ws->tab.off_min) * ws->tab.dv_mps / ws->tab.stage_s;
        ws->acc_term[o] = w->accel_per_mps2_2s * a * a * ws->tab.stage_s;
    }
    eco_mpc_slot_view(ws, 0);
    if (ws->hybrid)
        hybrid_terms(ws, soc_ref);
    ws->kin_cost_per_j = kinetic_cost_per_j(ws);
    ws->price0 = nominal_price(ws);
    pair_levels_make(ws);
}

void eco_mpc_ws_table_dims(const eco_vehicle *veh, const eco_mpc_settings *s, eco_mpc_table *t,
                           double *soc_ref)
{
    table_dims(veh, s, t);
    *soc_ref = s->soc_ref >= 0.0 ? s->soc_ref : veh->battery.soc_init;
}

int eco_mpc_ws_create(const eco_vehicle *veh, double dt_s, const eco_mpc_settings *s,
                      const eco_mpc_weights *w, const eco_mpc_dims *d, eco_mpc_ws **out, void *mem)
{
    return eco_mpc_ws_create_from(veh, dt_s, s, w, d, NULL, out, mem);
}

int eco_mpc_ws_create_from(const eco_vehicle *veh, double dt_s, const eco_mpc_settings *s,
                           const eco_mpc_weights *w, const eco_mpc_dims *d,
                           const eco_mpc_transitions *tr, eco_mpc_ws **out, void *mem)
{
    eco_mpc_ws *ws = mem;
    memset(ws, 0, sizeof *ws);
    void *table_mem;
    size_t used = ws_layout(d, mem, ws, &table_mem);
    if (used != eco_mpc_ws_memsize(d)) {
        eco_set_error("mpc: the workspace carve used %zu bytes, its memsize is %zu", used,
                      eco_mpc_ws_memsize(d));
        return ECO_EINVAL;
    }
    ws->veh = veh;
    ws->set = *s;
    ws->w = *w;
    ws->dims = *d;
    table_dims(veh, s, &ws->tab);
    if (ws->tab.n_nodes != d->n_nodes || ws->tab.off_max - ws->tab.off_min + 1 != d->n_offsets ||
        ws->tab.n_levels != d->n_levels || eco_mpc_table_memsize(&ws->tab) != d->table_bytes) {
        eco_set_error("mpc: the dims were made for another vehicle or other settings");
        return ECO_EINVAL;
    }
    ws->dt_s = dt_s;
    ws->hybrid = veh->powertrain == ECO_PT_HEV || veh->powertrain == ECO_PT_PHEV;
    ws->lhv = ws->hybrid ? veh->fuel.lhv_j_per_g : ECO_MPC_LHV_REF_J_PER_G;
    ws->s0 = eco_mpc_equivalence_cost(veh, w);
    ws->m_eff = veh->mass_kg + veh->rotating_mass_kg;
    ws->n_off = d->n_offsets;
    double soc_ref = s->soc_ref >= 0.0 ? s->soc_ref : veh->battery.soc_init;
    if (tr && memcmp(&tr->tab.soc_ref, &soc_ref, sizeof soc_ref)) {
        eco_set_error("mpc: the transitions were made at another SOC");
        return ECO_EINVAL;
    }
    int rc = tr ? eco_mpc_table_from_transitions(tr, w, &ws->tab, table_mem)
                : eco_mpc_table_build(veh, w, soc_ref, &ws->tab, table_mem);
    if (rc)
        return rc;
    ws_terms(ws, soc_ref);
    eco_mpc_reset(ws);
    *out = ws;
    return ECO_OK;
}

void eco_mpc_reset(eco_mpc_ws *ws)
{
    ws->s_equiv = ws->s0;
    ws->price_int = ws->price0;
    ws->stamp = 0; /* invalidate the pair-cost cache */
    ws->have_ref_prev = 0;
    ws->s_cached = -1.0;
    for (int k = 0; k < 2; k++) {
        memset(ws->slot_rows[k], 0, (size_t)ws->tab.n_nodes * sizeof(uint32_t));
        ws->slot_stamp[k] = 0;
        ws->slot_s[k] = -1.0;
    }
    ws->stamp_ctr = 0;
    eco_mpc_slot_view(ws, 0);
    memset(&ws->last_safe, 0, sizeof ws->last_safe);
    ws->last_safe.cmd.engine_on = -1;
    ws->plan_engine = -1;
    ws->engine_hold_until = -INFINITY;
    ws->gear_shifted_at_s = -INFINITY;
    ws->last_safe.cmd.brake = 0.2; /* never used unless no step ever succeeded */
}

int eco_mpc_deadline_set(eco_mpc_ws *ws, double deadline_us)
{
    if (!(deadline_us > 0.0))
        return ECO_EINVAL;
    ws->set.deadline_us = deadline_us;
    return ECO_OK;
}

void eco_mpc_stats_get(const eco_mpc_ws *ws, eco_mpc_stats *st)
{
    *st = ws->st;
    st->last_s_equiv = ws->s_equiv;
}
