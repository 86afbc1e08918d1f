/* The eco MPC: workspace, the SOC co-state, the bounded step with its fallback (the
 * horizon programme is in mpc_horizon.c). See include/ecodrive/mpc.h and docs/mpc.md. */
#include "mpc_internal.h"

#include <math.h>
#include <string.h>

void eco_mpc_settings_default(eco_mpc_settings *s)
{
    memset(s, 0, sizeof *s);
    s->horizon_s = 12.0;
    s->stage_s = 1.0;
    s->grid_kmh = 0.25;
    s->accel_max_mps2 = 2.5;
    s->decel_max_mps2 = 3.5;
    s->n_engine_levels = 12;
    s->n_alloc_levels = 12;
    s->max_iter = 8;
    s->deadline_us = 2000.0;
    s->band_margin_kmh = 0.1;
    s->gap_gain_per_m2 = 0.0002;
    s->gap_integral_per_m2s = 0.0;
    s->gap_cubic_per_m4 = 5e-7;
    s->soc_ref = -1.0;
}

void eco_mpc_weights_default(eco_mpc_weights *w)
{
    /* Keep equal to models/weights/balanced.json (tests/test_weights.c checks). */
    memset(w, 0, sizeof *w);
    w->fuel_per_g = 1.0;
    w->nox_per_mg = 0.002;
    w->tracking_per_kmh2s = 0.0005;
    w->terminal_soc_per_pct2 = 0.02;
    w->jerk_per_mps3_2s = 0.002;
    w->accel_per_mps2_2s = 0.002;
    w->trip_time_per_s = 0.0;
    w->engine_switch = 0.002;
    w->engine_start_g = 0.02;
}

/* By default the solver's own CPU time: a deadline on work done, which preemption by other
 * processes does not trip. Some kernels account CPU time per tick (user-mode Linux; figures
 * in docs/mpc.md, "Bounded"), where a CPU deadline shorter than the tick trips at random;
 * the daemon therefore uses the wall clock with its period's budget. */
static double now_us(const eco_mpc_ws *ws)
{
    clockid_t clock = ws->set.deadline_wall_clock ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID;
    return (double)eco_clock_ns(clock) / (double)ECO_NS_PER_US;
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
        ws->W[e] = eco_mpc_carve(&c, nb * sizeof(double));
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

/* For every pair, the engine levels that can be least (cost + s x battery energy) for some
 * equivalence factor the step can use, [0.2 s0, 4 s0] rounded to S_QUANTUM: a level above
 * another over that whole range never wins, so the minimum skips it. A small tolerance
 * keeps near-ties, so the minimum and its tie-breaking stay those over all levels. */
static void pair_levels_make(eco_mpc_ws *ws)
{
    const eco_mpc_table *t = &ws->tab;
    double f = ws->w.fuel_per_g / ws->lhv;
    double s_lo = (0.2 * ws->s0 - 2.0 * S_QUANTUM) * f, s_hi = (4.0 * ws->s0 + 2.0 * S_QUANTUM) * f;
    size_t pairs = (size_t)t->n_nodes * (size_t)ws->n_off;
    for (size_t p = 0; p < pairs; p++) {
        const float *c = t->cost + p * (size_t)t->n_levels;
        const float *b = t->battery_j + p * (size_t)t->n_levels;
        uint64_t mask = 0;
        /* A hybrid's horizon keeps engine off (level 0) and on apart: off whenever it is
         * feasible, and the on-levels that can be least among the on-levels. */
        int first_on = ws->hybrid ? 1 : 0;
        if (ws->hybrid && isfinite(c[0]) && isfinite(b[0]))
            mask |= 1u;
        for (int l = first_on; l < t->n_levels; l++) {
            if (!isfinite(c[l]) || !isfinite(b[l]))
                continue;
            double a = s_lo, z = s_hi;
            for (int m = first_on; m < t->n_levels && a <= z; m++) {
                if (m == l || !isfinite(c[m]) || !isfinite(b[m]))
                    continue;
                double d0 = (double)c[l] - c[m], db = (double)b[l] - b[m];
                double tol = 1e-6 * (fabs(c[l]) + fabs(c[m]) +
                                     fmax(fabs(s_lo), fabs(s_hi)) * (fabs(b[l]) + fabs(b[m]))) +
                             1e-12;
                if (db > 0.0)
                    z = fmin(z, (tol - d0) / db);
                else if (db < 0.0)
                    a = fmax(a, (tol - d0) / db);
                else if (d0 > tol)
                    z = a - 1.0;
            }
            if (a <= z)
                mask |= (uint64_t)1 << l;
        }
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
    double q_as = b->capacity_ah * 3600.0;
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

int eco_mpc_ws_create(const eco_vehicle *veh, double dt_s, const eco_mpc_settings *s,
                      const eco_mpc_weights *w, const eco_mpc_dims *d, eco_mpc_ws **out, void *mem)
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
    int rc = eco_mpc_table_build(veh, w, soc_ref, &ws->tab, table_mem);
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

/* ---- the horizon ------------------------------------------------------------------- */

static void horizon_samples(eco_mpc_ws *ws, const eco_observation *obs, const eco_preview *pv,
                            int *exact)
{
    int N = ws->dims.n_stages;
    double m = ws->set.band_margin_kmh / ECO_KMH_PER_MPS;
    *exact = 1;
    for (int k = 0; k < pv->n; k++)
        if (pv->speed_hi_mps[k] - pv->speed_lo_mps[k] > BAND_EPS_MPS)
            *exact = 0;
    ws->vref[0] = ws->lo[0] = ws->hi[0] = obs->speed_mps;
    for (int i = 1; i <= N; i++) {
        int k = (int)lround(i * ws->set.stage_s / pv->dt_s) - 1;
        k = k < 0 ? 0 : (k >= pv->n ? pv->n - 1 : k);
        ws->vref[i] = pv->speed_ref_mps[k];
        double lo = pv->speed_lo_mps[k], hi = pv->speed_hi_mps[k];
        if (hi - lo > 2.0 * m) {
            lo += lo > 0.0 ? m : 0.0;
            hi -= m;
        }
        ws->lo[i] = lo;
        ws->hi[i] = hi;
        const eco_mpc_table *t = &ws->tab;
        int jl = (int)ceil(lo / t->dv_mps - 1e-9), jh = (int)floor(hi / t->dv_mps + 1e-9);
        if (jl > jh)
            jl = jh = (int)lround(ws->vref[i] / t->dv_mps);
        if (jh - jl + 1 > ws->dims.n_band_max) {
            int c = (int)lround(ws->vref[i] / t->dv_mps);
            jl = c - ws->dims.n_band_max / 2;
            jh = jl + ws->dims.n_band_max - 1;
        }
        ws->jlo[i] = jl < 0 ? 0 : (jl >= t->n_nodes ? t->n_nodes - 1 : jl);
        ws->jhi[i] = jh < 0 ? 0 : (jh >= t->n_nodes ? t->n_nodes - 1 : jh);
    }
}

/* Predicted SOC at the horizon end on the exact trace, for equivalence factor s. */
static double soc_end_exact(eco_mpc_ws *ws, double soc0, double s)
{
    const eco_mpc_table *t = &ws->tab;
    const eco_battery *b = &ws->veh->battery;
    double q_as = b->capacity_ah * 3600.0, soc = soc0;
    double sc = s * ws->w.fuel_per_g / ws->lhv;
    for (int i = 0; i < ws->dims.n_stages; i++) {
        int n0 = (int)lround(ws->vref[i] / t->dv_mps);
        int d = (int)lround(ws->vref[i + 1] / t->dv_mps) - n0;
        if (n0 >= t->n_nodes || d < t->off_min || d > t->off_max)
            continue;
        double best = INFINITY, bb = 0.0;
        size_t p = (size_t)n0 * (size_t)ws->n_off + (size_t)(d - t->off_min);
        for (uint64_t m = ws->pair_levels[p]; m; m &= m - 1) {
            size_t e = eco_mpc_table_at(t, n0, d, __builtin_ctzll(m));
            double c = t->cost[e] + sc * t->battery_j[e];
            if (c < best) {
                best = c;
                bb = t->battery_j[e];
            }
        }
        soc -= bb / (eco_curve_eval(&b->ocv_v, soc) * q_as);
    }
    return soc;
}

/* The equivalence factor that equals the co-state of the terminal SOC cost:
 * s = s0 + gain * (target - soc_end(s)), found by bisection (monotone in s). */
/* SOC aimed at for the horizon's end: the target, lowered by the regen the kinetic energy
 * at the horizon's end will bring back. */
static double soc_aim(const eco_mpc_ws *ws, double target, double v_end)
{
    return target - ws->regen_share * 0.5 * ws->m_eff * v_end * v_end / ws->e_unit_j;
}

static int costate_exact(eco_mpc_ws *ws, double soc0, double target, double t0)
{
    target = soc_aim(ws, target, ws->vref[ws->dims.n_stages]);
    if (ws->soc_gain <= 0.0) {
        ws->s_equiv = ws->s0;
        return ECO_OK;
    }
    double lo = 0.2 * ws->s0, hi = 4.0 * ws->s0, s = fmin(fmax(ws->s_equiv, lo), hi);
    for (int it = 0; it < ws->set.max_iter; it++) {
        ws->st.iterations++;
        double f = s - ws->s0 - ws->soc_gain * (target - soc_end_exact(ws, soc0, s));
        if (f > 0.0)
            hi = s;
        else
            lo = s;
        s = 0.5 * (lo + hi);
        if (now_us(ws) - t0 > ws->set.deadline_us)
            return ECO_ESOLVER;
    }
    ws->s_equiv = s;
    return ECO_OK;
}

static int fallback(eco_mpc_ws *ws, eco_setpoint *sp)
{
    *sp = ws->last_safe;
    sp->valid = 0;
    ws->st.fallbacks++;
    ws->s_equiv = ws->s0; /* reset the warm start */
    ws->have_ref_prev = 0;
    return ECO_ESOLVER;
}

/* Band: plan over the horizon, then take the first stage's speed for this step. */
static int plan_band(eco_mpc_ws *ws, const eco_observation *obs, const eco_preview *pv, double t0,
                     double *v1)
{
    double vmean = 0.0;
    for (int i = 1; i <= ws->dims.n_stages; i++)
        vmean += ws->vref[i] / ws->dims.n_stages;
    /* PI on the distance gap around the nominal price: the integral finds the constant
     * price that equal distance needs (the DP's distance multiplier). */
    ws->price_int += ws->set.gap_integral_per_m2s * pv->distance_gap_m * pv->dt_s;
    double g = pv->distance_gap_m;
    double price = ws->price_int + ws->set.gap_gain_per_m2 * g +
                   ws->set.gap_cubic_per_m4 * g * g * g + ws->w.trip_time_per_s / fmax(vmean, 2.0);
    ws->st.last_price_per_m = price;
    double soc_end = obs->soc, *pe = ws->hybrid ? &soc_end : NULL;
    /* One programme per step; the co-state takes one relaxed fixed-point step per control
     * step (real-time iteration, warm-started from the last step). */
    int iters = 1;
    int k = -1;
    for (int it = 0; it < iters; it++) {
        ws->st.iterations++;
        k = eco_mpc_horizon_dp(ws, obs->speed_mps, obs->accel_mps2, obs->engine_on, price, obs->soc,
                               pe);
        if (now_us(ws) - t0 > ws->set.deadline_us)
            return ECO_ESOLVER;
        if (!pe || k < 0)
            break;
        /* Fixed-point step on the co-state, relaxed: warm-started across steps. */
        double aim = soc_aim(ws, pv->soc_target, ws->vref[ws->dims.n_stages]);
        double s_new = ws->s0 + ws->soc_gain * (aim - soc_end);
        s_new = fmin(fmax(s_new, 0.2 * ws->s0), 4.0 * ws->s0);
        ws->s_equiv += 0.5 * (s_new - ws->s_equiv);
    }
    double v0 = obs->speed_mps, dt = pv->dt_s;
    double target = k >= 0 ? k * ws->tab.dv_mps : pv->speed_ref_mps[0];
    /* Inside the first stage: a straight line to the planned speed (what the programme
     * costed; it cuts the reference's kinks, which saves energy), or the reference's own
     * shape plus a linearly moving offset (what tracking wants). The tracking weight picks
     * the blend: beta = w / (w + TRACK_SHAPE_REF). */
    double ref_now = pv->n > 1 ? 2.0 * pv->speed_ref_mps[0] - pv->speed_ref_mps[1] : v0;
    if (ws->have_ref_prev)
        ref_now = ws->ref_prev;
    double off0 = v0 - ref_now, off1 = target - ws->vref[1], u = dt / ws->set.stage_s;
    double beta = ws->w.tracking_per_kmh2s / (ws->w.tracking_per_kmh2s + TRACK_SHAPE_REF);
    double v_line = v0 + (target - v0) * u;
    double v_shape = pv->speed_ref_mps[0] + off0 + (off1 - off0) * u;
    double v = k >= 0 ? (1.0 - beta) * v_line + beta * v_shape : target;
    double m = ws->set.band_margin_kmh / ECO_KMH_PER_MPS, lo = pv->speed_lo_mps[0],
           hi = pv->speed_hi_mps[0];
    if (hi - lo > 2.0 * m) {
        lo += lo > 0.0 ? m : 0.0;
        hi -= m;
    } else {
        lo = hi = 0.5 * (lo + hi);
    }
    *v1 = fmin(fmax(v, lo), hi);
    return ECO_OK;
}

int eco_mpc_step(eco_mpc_ws *ws, const eco_observation *obs, const eco_preview *pv,
                 eco_setpoint *sp)
{
    double t0 = now_us(ws);
    ws->st.steps++;
    if (pv->n < 1 || !(pv->dt_s > 0.0) || !isfinite(obs->speed_mps) || !isfinite(obs->soc))
        return fallback(ws, sp);
    int exact;
    eco_mpc_engine_terms eng = {-1, 0.0, 0.0};
    ws->plan_engine = -1;
    horizon_samples(ws, obs, pv, &exact);
    double v1 = pv->speed_ref_mps[0];
    int rc = ECO_OK;
    if (exact) {
        if (ws->hybrid)
            rc = costate_exact(ws, obs->soc, pv->soc_target, t0);
        if (ws->hybrid && ws->veh->engine.start_fuel_g > 0.0 && rc == ECO_OK) {
            /* Where a start costs fuel: the plant charges its own start fuel, and the
             * liability prices the start that stopping now will need within the horizon.
             * With free starts the engine_switch tie-breaker does better (docs/mpc.md,
             * "What a start costing fuel does"). */
            eng.start_cost = ws->w.fuel_per_g * ws->w.engine_start_g;
            eng.stop_cost = eco_mpc_engine_stop_liability(ws);
        }
    } else {
        rc = plan_band(ws, obs, pv, t0, &v1);
    }
    if (rc)
        return fallback(ws, sp);
    eco_state x;
    eco_state_from_observation(obs, &x);
    double s = ws->hybrid ? ws->s_equiv : (ws->veh->powertrain == ECO_PT_BEV ? 1.0 : 0.0);
    double cost;
    memset(sp, 0, sizeof *sp);
    /* In the band the horizon's plan, which prices a start, decides the engine state. Where
     * the plant charges for a start, a switch holds for the stage the plan costed it over:
     * replanning every step otherwise undid starts it had just paid for, most engine runs
     * lasting one step (docs/mpc.md, "What a start costing fuel does"). */
    eng.engine = ws->plan_engine;
    int hold = ws->plan_engine >= 0 && ws->veh->engine.start_fuel_g > 0.0;
    if (hold && obs->time_s < ws->engine_hold_until - ws->set.stage_s)
        ws->engine_hold_until = -INFINITY; /* time went back without a reset */
    if (hold && obs->time_s < ws->engine_hold_until)
        eng.engine = ws->engine_hold;
    eco_mpc_alloc_context ctx = {ws->veh, &ws->w, s, ws->set.n_alloc_levels, eng};
    eco_mpc_alloc_request req = {&x, v1, pv->dt_s, pv->grade_rad[0]};
    eco_mpc_allocate(&ctx, &req, &sp->cmd, &cost);
    if (hold && obs->time_s >= ws->engine_hold_until &&
        sp->cmd.engine_on != (obs->engine_on != 0)) {
        ws->engine_hold = sp->cmd.engine_on; /* what was done, not what was planned */
        ws->engine_hold_until = obs->time_s + ws->set.stage_s - 1e-6;
    }
    if (now_us(ws) - t0 > ws->set.deadline_us)
        return fallback(ws, sp);
    sp->valid = 1;
    ws->last_safe = *sp;
    ws->ref_prev = pv->speed_ref_mps[0];
    ws->have_ref_prev = 1;
    return ECO_OK;
}

/* ---- as a controller --------------------------------------------------------------- */

static int ctl_step(eco_controller *c, const eco_observation *obs, const eco_preview *pv,
                    eco_setpoint *sp)
{
    return eco_mpc_step((eco_mpc_ws *)c, obs, pv, sp);
}

static void ctl_reset(eco_controller *c)
{
    eco_mpc_ws *ws = (eco_mpc_ws *)c;
    eco_mpc_reset(ws);
    memset(&ws->st, 0, sizeof ws->st);
}

static void ctl_destroy(eco_controller *c)
{
    eco_free(c);
}

eco_controller *eco_mpc_create(const eco_vehicle *veh, double dt_s, const eco_mpc_settings *s,
                               const eco_mpc_weights *w)
{
    eco_mpc_settings def;
    eco_mpc_weights wdef;
    if (!s) {
        eco_mpc_settings_default(&def);
        s = &def;
    }
    if (!w) {
        eco_mpc_weights_default(&wdef);
        w = &wdef;
    }
    eco_mpc_dims d;
    if (eco_mpc_dims_make(veh, dt_s, s, &d))
        return NULL;
    void *mem = eco_malloc(eco_mpc_ws_memsize(&d));
    if (!mem) {
        eco_set_error("mpc: out of memory");
        return NULL;
    }
    eco_mpc_ws *ws;
    if (eco_mpc_ws_create(veh, dt_s, s, w, &d, &ws, mem)) {
        eco_free(mem);
        return NULL;
    }
    ws->ctl.name = "mpc";
    ws->ctl.step = ctl_step;
    ws->ctl.reset = ctl_reset;
    ws->ctl.destroy = ctl_destroy;
    ws->ctl.veh = veh;
    ws->ctl.dt_s = dt_s;
    ws->ctl.preview_n = d.preview_n;
    return &ws->ctl;
}

eco_mpc_ws *eco_mpc_controller_ws(eco_controller *c)
{
    return c && c->step == ctl_step ? (eco_mpc_ws *)c : NULL;
}
