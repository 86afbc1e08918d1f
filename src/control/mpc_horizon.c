/* The MPC's horizon programme: a dynamic programme over the speed grid inside the band,
 * on pair costs (least over the engine levels at the present equivalence factor) cached
 * per solve. See docs/mpc.md. */
#include "mpc_internal.h"

#include <math.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

void eco_mpc_slot_view(eco_mpc_ws *ws, int k)
{
    ws->slot = k;
    ws->pair_cost = ws->slot_cost[k];
    ws->pair_batt = ws->slot_batt[k];
    ws->row_stamp = ws->slot_rows[k];
    ws->row_lo = ws->slot_lo[k];
    ws->row_hi = ws->slot_hi[k];
    ws->stamp = ws->slot_stamp[k];
    ws->s_cached = ws->slot_s[k];
}

/* Fill the cached least cost over the engine levels of pairs (i, dlo..dhi), offsets
 * relative to off_min, at the present equivalence factor. */
static void pair_fill(eco_mpc_ws *ws, int i, int dlo, int dhi)
{
    const eco_mpc_table *t = &ws->tab;
    double s = ws->s_cached * ws->w.fuel_per_g / ws->lhv;
    size_t p = (size_t)i * (size_t)ws->n_off + (size_t)dlo;
    for (int d = dlo; d <= dhi; d++, p++) {
        double best = INFINITY, bb = 0.0;
        const float *c = t->cost + p * (size_t)t->n_levels;
        const float *b = t->battery_j + p * (size_t)t->n_levels;
        for (uint64_t m = ws->pair_levels[p]; m; m &= m - 1) {
            int l = __builtin_ctzll(m);
            double v = c[l] + s * b[l];
            if (v < best) {
                best = v;
                bb = b[l];
            }
        }
        ws->pair_cost[p] = (float)best;
        ws->pair_batt[p] = (float)bb;
    }
}

/* Make sure row i holds offsets dlo..dhi (relative to off_min) at the present stamp: each
 * row caches one contiguous run of offsets, extended on demand. */
static inline void pair_ensure(eco_mpc_ws *ws, int i, int dlo, int dhi)
{
    if (ws->row_stamp[i] != ws->stamp) {
        pair_fill(ws, i, dlo, dhi);
        ws->row_stamp[i] = ws->stamp;
        ws->row_lo[i] = dlo;
        ws->row_hi[i] = dhi;
        return;
    }
    if (dlo < ws->row_lo[i]) {
        pair_fill(ws, i, dlo, ws->row_lo[i] - 1);
        ws->row_lo[i] = dlo;
    }
    if (dhi > ws->row_hi[i]) {
        pair_fill(ws, i, ws->row_hi[i] + 1, dhi);
        ws->row_hi[i] = dhi;
    }
}

/* Cost of pair (i, d) at the present equivalence factor: least over the engine levels of
 * cost + s * battery energy. Cached per solve with a stamp. */
static float pair_cost(eco_mpc_ws *ws, int i, int d, float *batt)
{
    if (d < ws->tab.off_min || d > ws->tab.off_max || i < 0 || i >= ws->tab.n_nodes) {
        *batt = 0.0f;
        return INFINITY;
    }
    int o = d - ws->tab.off_min;
    pair_ensure(ws, i, o, o);
    size_t p = (size_t)i * (size_t)ws->n_off + (size_t)o;
    *batt = ws->pair_batt[p];
    return ws->pair_cost[p];
}

/* Make the cache slot of equivalence factor sq the present one: the other slot if it
 * holds sq, else the other slot emptied for sq (a new stamp outdates its rows). */
static void slot_select(eco_mpc_ws *ws, double sq)
{
    int o = 1 - ws->slot;
    if (!(ws->slot_stamp[o] != 0 && ws->slot_s[o] == sq)) {
        if (++ws->stamp_ctr == 0) {
            for (int k = 0; k < 2; k++) {
                memset(ws->slot_rows[k], 0, (size_t)ws->tab.n_nodes * sizeof(uint32_t));
                ws->slot_stamp[k] = 0;
            }
            ws->stamp_ctr = 1;
        }
        ws->slot_stamp[o] = ws->stamp_ctr;
        ws->slot_s[o] = sq;
    }
    eco_mpc_slot_view(ws, o);
}

/* Stage cost of j -> k between stages i and i + 1 (cost units), battery energy to *batt. */
static double stage_cost(eco_mpc_ws *ws, int i, int j, int k, double price, float *batt)
{
    const eco_mpc_table *t = &ws->tab;
    double c = pair_cost(ws, j, k - j, batt);
    if (!isfinite(c))
        return BIG;
    double vj = j * t->dv_mps, vk = k * t->dv_mps, ts = t->stage_s;
    double e = (vk - ws->vref[i + 1]) * KMH, a = (vk - vj) / ts;
    return c - price * 0.5 * (vj + vk) * ts + ws->w.tracking_per_kmh2s * e * e * ts +
           ws->w.accel_per_mps2_2s * a * a * ts;
}

/* The inner loop of the horizon programme: the least pc[q] + (at[q] + wk[q]) over q < n,
 * and below `best`. The backward pass needs only this value; the forward pass recovers
 * the argument along the one optimal path (first_least_pair_sum), with the same sums, so
 * the plan is the one a loop tracking both would make. SSE2 (every x86-64) takes two
 * lanes at a time. */
static inline double least_pair_sum(const float *pc, const double *at, const double *wk, int n,
                                    double best)
{
    int q = 0;
#ifdef __SSE2__
    __m128d vb = _mm_set1_pd(best);
    for (; q + 1 < n; q += 2) {
        __m128d p = _mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64((const __m128i *)(pc + q))));
        __m128d c = _mm_add_pd(p, _mm_add_pd(_mm_loadu_pd(at + q), _mm_loadu_pd(wk + q)));
        vb = _mm_min_pd(c, vb); /* c < vb ? c : vb */
    }
    double lane[2];
    _mm_storeu_pd(lane, vb);
    best = lane[0] < lane[1] ? lane[0] : lane[1];
#endif
    for (; q < n; q++) {
        double c = pc[q] + (at[q] + wk[q]);
        if (c < best)
            best = c;
    }
    return best;
}

/* First q with the least pc[q] + (at[q] + wk[q]) below `best`, or -1. */
static int first_least_pair_sum(const float *pc, const double *at, const double *wk, int n,
                                double best)
{
    int bq = -1;
    for (int q = 0; q < n; q++) {
        double c = pc[q] + (at[q] + wk[q]);
        if (c < best) {
            best = c;
            bq = q;
        }
    }
    return bq;
}

/* What depends on the next node only, once per stage i: W[k - kl] is node k's cost-to-go
 * at stage i + 1, its tracking, and its half of the distance price. */
static void stage_next_terms(eco_mpc_ws *ws, int i, double half)
{
    const eco_mpc_table *t = &ws->tab;
    int kl = ws->jlo[i + 1], kh = ws->jhi[i + 1];
    const double *V1 = ws->V + (size_t)(i + 1) * ws->dims.n_band_max;
    for (int k = kl; k <= kh; k++) {
        double e = (k * t->dv_mps - ws->vref[i + 1]) * KMH;
        ws->W[k - kl] = V1[k - kl] + ws->w.tracking_per_kmh2s * e * e * t->stage_s - half * k;
    }
}

/* The next nodes node j of stage i reaches: klo + q for q < *n, offsets from o0 (relative
 * to off_min). Returns 0 if none. Makes sure the pair costs are cached. */
static int stage_reach(eco_mpc_ws *ws, int i, int j, int *klo, int *o0, int *n)
{
    const eco_mpc_table *t = &ws->tab;
    int kl = ws->jlo[i + 1], kh = ws->jhi[i + 1];
    int lo = j + t->off_min > kl ? j + t->off_min : kl;
    int hi = j + t->off_max < kh ? j + t->off_max : kh;
    if (lo > hi)
        return 0;
    *klo = lo;
    *o0 = lo - j - t->off_min;
    *n = hi - lo + 1;
    pair_ensure(ws, j, *o0, *o0 + *n - 1);
    return 1;
}

/* Backward pass over the speed nodes; returns the best first-stage node and its battery
 * energy along the optimal path (*soc_end). */
int eco_mpc_horizon_dp(eco_mpc_ws *ws, double v0, double a_prev, double price, double soc0,
                       double *soc_end)
{
    const eco_mpc_table *t = &ws->tab;
    int N = ws->dims.n_stages, nb = ws->dims.n_band_max;
    /* The pair costs depend on s only: keep them while s stays on its 0.01 grid point,
     * which spares the minimum over the engine levels on most steps. */
    double sq = floor(ws->s_equiv / S_QUANTUM + 0.5) * S_QUANTUM;
    if (sq != ws->s_cached || ws->stamp == 0)
        slot_select(ws, sq);
    for (int j = ws->jlo[N]; j <= ws->jhi[N]; j++) {
        double v = j * t->dv_mps;
        ws->V[(size_t)N * nb + (j - ws->jlo[N])] = -ws->kin_cost_per_j * 0.5 * ws->m_eff * v * v;
    }
    float batt;
    const double half = 0.5 * price * t->stage_s * t->dv_mps;
    for (int i = N - 1; i >= 1; i--) {
        stage_next_terms(ws, i, half);
        for (int j = ws->jlo[i]; j <= ws->jhi[i]; j++) {
            double best = BIG;
            int klo, o0, n;
            if (stage_reach(ws, i, j, &klo, &o0, &n))
                best = least_pair_sum(ws->pair_cost + (size_t)j * (size_t)ws->n_off + (size_t)o0,
                                      ws->acc_term + o0, ws->W + (klo - ws->jlo[i + 1]), n, best);
            ws->V[(size_t)i * nb + (j - ws->jlo[i])] = best - half * j;
        }
    }
    /* Stage 0 from the measured speed, off the grid: interpolate between its two nodes. */
    int i0 = (int)floor(v0 / t->dv_mps);
    double th = v0 / t->dv_mps - i0, best = BIG;
    int kbest = -1;
    for (int k = ws->jlo[1]; k <= ws->jhi[1]; k++) {
        float b0, b1;
        double c0 = stage_cost(ws, 0, i0, k, price, &b0);
        double c1 = stage_cost(ws, 0, i0 + 1, k, price, &b1);
        if (c0 >= BIG || c1 >= BIG)
            continue;
        double vk = k * t->dv_mps, a = (vk - v0) / t->stage_s;
        double jerk = (a - a_prev) / t->stage_s;
        double c = (1.0 - th) * c0 + th * c1 + ws->w.jerk_per_mps3_2s * jerk * jerk * t->stage_s +
                   ws->V[(size_t)nb + (k - ws->jlo[1])];
        if (c < best) {
            best = c;
            kbest = k;
        }
    }
    if (kbest < 0 || !soc_end)
        return kbest;
    /* Forward along the optimal path for the SOC it predicts. */
    const eco_battery *b = &ws->veh->battery;
    double q_as = b->capacity_ah * 3600.0, soc = soc0;
    pair_cost(ws, i0, kbest - i0, &batt);
    soc -= batt / (eco_curve_eval(&b->ocv_v, soc) * q_as);
    int j = kbest;
    for (int i = 1; i < N && j >= 0; i++) {
        int klo, o0, n, q = -1;
        if (stage_reach(ws, i, j, &klo, &o0, &n)) {
            stage_next_terms(ws, i, half);
            q = first_least_pair_sum(ws->pair_cost + (size_t)j * (size_t)ws->n_off + (size_t)o0,
                                     ws->acc_term + o0, ws->W + (klo - ws->jlo[i + 1]), n, BIG);
        }
        if (q < 0)
            break;
        int k = klo + q;
        pair_cost(ws, j, k - j, &batt);
        soc -= batt / (eco_curve_eval(&b->ocv_v, soc) * q_as);
        j = k;
    }
    *soc_end = soc;
    return kbest;
}
