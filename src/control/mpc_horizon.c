/* The MPC's horizon programme: a dynamic programme over the speed grid inside the band,
 * on pair costs (least over the engine levels at the present equivalence factor) cached
 * per solve. See docs/mpc.md. */
#include "mpc_internal.h"

#include <math.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define ECO_HAVE_AVX2_PATH 1
#endif

void eco_mpc_slot_view(eco_mpc_ws *ws, int k)
{
    ws->slot = k;
    for (int e = 0; e < 2; e++) {
        ws->pair_cost[e] = ws->slot_cost[k][e];
        ws->pair_batt[e] = ws->slot_batt[k][e];
    }
    ws->row_stamp = ws->slot_rows[k];
    ws->row_lo = ws->slot_lo[k];
    ws->row_hi = ws->slot_hi[k];
    ws->stamp = ws->slot_stamp[k];
    ws->s_cached = ws->slot_s[k];
}

/* Fill the cached least cost over the engine levels of pairs (i, dlo..dhi), offsets
 * relative to off_min, at the present equivalence factor: for a hybrid with the engine
 * off (level 0) and on (the least of the others), else over all levels. */
static void pair_fill(eco_mpc_ws *ws, int i, int dlo, int dhi)
{
    const eco_mpc_table *t = &ws->tab;
    double s = ws->s_cached * ws->w.fuel_per_g / ws->lhv;
    size_t p = (size_t)i * (size_t)ws->n_off + (size_t)dlo;
    uint64_t on_mask = ws->hybrid ? ~(uint64_t)1 : ~(uint64_t)0;
    for (int d = dlo; d <= dhi; d++, p++) {
        double best = INFINITY, bb = 0.0;
        const float *c = t->cost + p * (size_t)t->n_levels;
        const float *b = t->battery_j + p * (size_t)t->n_levels;
        for (uint64_t m = ws->pair_levels[p] & on_mask; m; m &= m - 1) {
            int l = __builtin_ctzll(m);
            double v = c[l] + s * b[l];
            if (v < best) {
                best = v;
                bb = b[l];
            }
        }
        int e = ws->hybrid ? ENG_ON : 0;
        ws->pair_cost[e][p] = (float)best;
        ws->pair_batt[e][p] = (float)bb;
        if (ws->hybrid) {
            int off = (ws->pair_levels[p] & 1u) != 0;
            ws->pair_cost[ENG_OFF][p] = off ? (float)(c[0] + s * b[0]) : INFINITY;
            ws->pair_batt[ENG_OFF][p] = off ? b[0] : 0.0f;
        }
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

/* Cost of pair (i, d) with engine state e at the present equivalence factor: least over
 * the engine levels of cost + s * battery energy. Cached per solve with a stamp. */
static float pair_cost(eco_mpc_ws *ws, int i, int d, int e, float *batt)
{
    if (d < ws->tab.off_min || d > ws->tab.off_max || i < 0 || i >= ws->tab.n_nodes) {
        *batt = 0.0f;
        return INFINITY;
    }
    int o = d - ws->tab.off_min;
    pair_ensure(ws, i, o, o);
    size_t p = (size_t)i * (size_t)ws->n_off + (size_t)o;
    *batt = ws->pair_batt[e][p];
    return ws->pair_cost[e][p];
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

/* Make the pair-cost cache hold the present equivalence factor, rounded to its S_QUANTUM
 * grid: the pair costs depend on s only, so they are kept while s stays on its grid point,
 * which spares the minimum over the engine levels on most steps. */
static void slot_for_s(eco_mpc_ws *ws)
{
    double sq = floor(ws->s_equiv / S_QUANTUM + 0.5) * S_QUANTUM;
    if (sq != ws->s_cached || ws->stamp == 0)
        slot_select(ws, sq);
}

/* Stage cost of j -> k with engine state e between stages i and i + 1 (cost units),
 * battery energy to *batt. */
static double stage_cost(eco_mpc_ws *ws, int i, int j, int k, int e, double price, float *batt)
{
    const eco_mpc_table *t = &ws->tab;
    double c = pair_cost(ws, j, k - j, e, batt);
    if (!isfinite(c))
        return BIG;
    double vj = j * t->dv_mps, vk = k * t->dv_mps, ts = t->stage_s;
    double e_kmh = (vk - ws->vref[i + 1]) * ECO_KMH_PER_MPS, a = (vk - vj) / ts;
    return c - price * 0.5 * (vj + vk) * ts + ws->w.tracking_per_kmh2s * e_kmh * e_kmh * ts +
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

#ifdef ECO_HAVE_AVX2_PATH
/* least_pair_sum four lanes at a time, for a CPU that has AVX2 (chosen at run time, so the
 * build stays for every x86-64): the same sums, and the least of them is the same value
 * whatever the order it is taken in. */
__attribute__((target("avx2"))) static double
least_pair_sum_avx2(const float *pc, const double *at, const double *wk, int n, double best)
{
    int q = 0;
    __m256d vb = _mm256_set1_pd(best);
    for (; q + 3 < n; q += 4) {
        __m256d p = _mm256_cvtps_pd(_mm_loadu_ps(pc + q));
        __m256d c =
            _mm256_add_pd(p, _mm256_add_pd(_mm256_loadu_pd(at + q), _mm256_loadu_pd(wk + q)));
        vb = _mm256_min_pd(c, vb);
    }
    double lane[4];
    _mm256_storeu_pd(lane, vb);
    for (int k = 0; k < 4; k++)
        best = lane[k] < best ? lane[k] : best;
    for (; q < n; q++) {
        double c = pc[q] + (at[q] + wk[q]);
        if (c < best)
            best = c;
    }
    return best;
}
#endif

static inline double least_pair_sum_best(const float *pc, const double *at, const double *wk, int n,
                                         double best)
{
#ifdef ECO_HAVE_AVX2_PATH
    if (__builtin_cpu_supports("avx2"))
        return least_pair_sum_avx2(pc, at, wk, n, best);
#endif
    return least_pair_sum(pc, at, wk, n, best);
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

/* What depends on the next node only, once per stage i: W[e][i * n_band_max + k - kl] is
 * node k's cost-to-go at stage i + 1 after engine state e, its tracking, and its half of
 * the distance price. */
static void stage_next_terms(eco_mpc_ws *ws, int i, double half)
{
    const eco_mpc_table *t = &ws->tab;
    int kl = ws->jlo[i + 1], kh = ws->jhi[i + 1];
    size_t nb = (size_t)ws->dims.n_band_max, row = (size_t)(i + 1) * nb, own = (size_t)i * nb;
    for (int k = kl; k <= kh; k++) {
        double e = (k * t->dv_mps - ws->vref[i + 1]) * ECO_KMH_PER_MPS;
        double rest = ws->w.tracking_per_kmh2s * e * e * t->stage_s - half * k;
        for (int g = 0; g < ws->n_eng; g++)
            ws->W[g][own + (k - kl)] = ws->V[g][row + (k - kl)] + rest;
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

/* Least cost over the next nodes from node j of stage i with engine state e for the stage
 * (klo, o0, n from stage_reach); the argument to *q when q is given. */
static double stage_least(eco_mpc_ws *ws, int i, int j, int e, int klo, int o0, int n, int *q)
{
    const float *pc = ws->pair_cost[e] + (size_t)j * (size_t)ws->n_off + (size_t)o0;
    const double *at = ws->acc_term + o0;
    const double *wk = ws->W[e] + (size_t)i * ws->dims.n_band_max + (klo - ws->jlo[i + 1]);
    if (!q)
        return least_pair_sum_best(pc, at, wk, n, BIG);
    *q = first_least_pair_sum(pc, at, wk, n, BIG);
    return *q < 0 ? BIG : pc[*q] + (at[*q] + wk[*q]);
}

/* The engine state for a stage after state `prev`, given the least costs with it off and
 * on: a start costs start_cost, a stop nothing. Ties go to off. */
static int engine_choice(const eco_mpc_ws *ws, int prev, double c_off, double c_on, double *c)
{
    double on = prev == ENG_OFF ? c_on + ws->start_cost : c_on;
    *c = on < c_off ? on : c_off;
    return on < c_off ? ENG_ON : ENG_OFF;
}

/* Backward pass over the nodes (speed, and the engine state of the stage before). */
static void backward(eco_mpc_ws *ws, double half)
{
    int N = ws->dims.n_stages, nb = ws->dims.n_band_max;
    for (int i = N - 1; i >= 1; i--) {
        stage_next_terms(ws, i, half);
        size_t row = (size_t)i * nb;
        for (int j = ws->jlo[i]; j <= ws->jhi[i]; j++) {
            double a[2] = {BIG, BIG};
            int klo, o0, n;
            if (stage_reach(ws, i, j, &klo, &o0, &n))
                for (int e = 0; e < ws->n_eng; e++)
                    a[e] = stage_least(ws, i, j, e, klo, o0, n, NULL);
            if (!ws->hybrid) {
                ws->V[0][row + (j - ws->jlo[i])] = a[0] - half * j;
                continue;
            }
            for (int prev = 0; prev < 2; prev++) {
                double c;
                engine_choice(ws, prev, a[ENG_OFF], a[ENG_ON], &c);
                ws->V[prev][row + (j - ws->jlo[i])] = c - half * j;
            }
        }
    }
}

/* Exact trace: the speeds are the reference's, so the plan is over the engine state alone,
 * on the pairs nearest the reference. Returns what stopping the engine now costs later: the
 * cost-to-go after the first stage with the engine off less with it on (0 up to a start). */
double eco_mpc_engine_stop_liability(eco_mpc_ws *ws)
{
    const eco_mpc_table *t = &ws->tab;
    int N = ws->dims.n_stages;
    slot_for_s(ws);
    double v_off = 0.0, v_on = 0.0, a[2] = {0.0, 0.0};
    for (int i = N - 1; i >= 1; i--) {
        int n0 = (int)lround(ws->vref[i] / t->dv_mps);
        int d = (int)lround(ws->vref[i + 1] / t->dv_mps) - n0;
        if (n0 < 0 || n0 >= t->n_nodes)
            continue; /* off the table: the stage adds nothing (as in soc_end_exact) */
        float b;
        double c[2] = {pair_cost(ws, n0, d, ENG_OFF, &b), pair_cost(ws, n0, d, ENG_ON, &b)};
        if (!isfinite(c[0]) && !isfinite(c[1]))
            continue; /* a pair the table cannot make (US06's steepest steps): no verdict */
        for (int e = 0; e < 2; e++)
            a[e] = (isfinite(c[e]) ? c[e] : BIG) + (e ? v_on : v_off);
        engine_choice(ws, ENG_OFF, a[ENG_OFF], a[ENG_ON], &v_off);
        engine_choice(ws, ENG_ON, a[ENG_OFF], a[ENG_ON], &v_on);
    }
    return v_off - v_on;
}

/* Node values at the horizon's end: the kinetic energy's worth, and for a hybrid an engine
 * off owes a start, since a charge-sustaining hybrid runs its engine again sooner or later
 * (docs/mpc.md, "Engine state in the horizon"). */
static void terminal_values(eco_mpc_ws *ws)
{
    const eco_mpc_table *t = &ws->tab;
    int N = ws->dims.n_stages, nb = ws->dims.n_band_max;
    for (int j = ws->jlo[N]; j <= ws->jhi[N]; j++) {
        double v = j * t->dv_mps;
        for (int e = 0; e < ws->n_eng; e++)
            ws->V[e][(size_t)N * nb + (j - ws->jlo[N])] =
                -ws->kin_cost_per_j * 0.5 * ws->m_eff * v * v +
                (ws->hybrid && e == ENG_OFF ? ws->start_cost : 0.0);
    }
}

/* Stage 0 from the measured speed v0, off the grid: the costs interpolated between its two
 * nodes, with jerk against a_prev and a start from the engine state now. Returns the best
 * first-stage node (-1: none) and its engine state to *e_best. */
static int first_stage(eco_mpc_ws *ws, double v0, double a_prev, int engine_on, double price,
                       int *e_best)
{
    const eco_mpc_table *t = &ws->tab;
    int nb = ws->dims.n_band_max;
    int i0 = (int)floor(v0 / t->dv_mps), e_now = ws->hybrid && !engine_on ? ENG_OFF : ENG_ON;
    double th = v0 / t->dv_mps - i0, best = BIG;
    int kbest = -1;
    *e_best = -1;
    for (int k = ws->jlo[1]; k <= ws->jhi[1]; k++) {
        double vk = k * t->dv_mps, a = (vk - v0) / t->stage_s;
        double jerk = (a - a_prev) / t->stage_s;
        double cj = ws->w.jerk_per_mps3_2s * jerk * jerk * t->stage_s;
        for (int e = 0; e < ws->n_eng; e++) {
            float b0, b1;
            double c0 = stage_cost(ws, 0, i0, k, e, price, &b0);
            double c1 = stage_cost(ws, 0, i0 + 1, k, e, price, &b1);
            if (c0 >= BIG || c1 >= BIG)
                continue;
            double c = (1.0 - th) * c0 + th * c1 + cj + ws->V[e][(size_t)nb + (k - ws->jlo[1])];
            if (ws->hybrid && e == ENG_ON && e_now == ENG_OFF)
                c += ws->start_cost;
            if (c < best) {
                best = c;
                kbest = k;
                *e_best = e;
            }
        }
    }
    return kbest;
}

/* Forward along the optimal path from (v0's lower node, soc0) through first-stage node k1
 * with engine state e1: the SOC it predicts at the horizon's end. */
static double forward_soc(eco_mpc_ws *ws, double v0, int k1, int e1, double soc0)
{
    const eco_battery *b = &ws->veh->battery;
    int i0 = (int)floor(v0 / ws->tab.dv_mps);
    float batt;
    pair_cost(ws, i0, k1 - i0, e1, &batt);
    double soc = eco_mpc_soc_after(b, soc0, batt);
    int j = k1, prev = e1;
    for (int i = 1; i < ws->dims.n_stages && j >= 0; i++) {
        int klo = 0, o0, n, q[2] = {-1, -1};
        double c[2] = {BIG, BIG};
        if (stage_reach(ws, i, j, &klo, &o0, &n)) { /* W of stage i: the backward pass's */
            for (int e = 0; e < ws->n_eng; e++)
                c[e] = stage_least(ws, i, j, e, klo, o0, n, &q[e]);
        }
        double cc;
        int e = ws->hybrid ? engine_choice(ws, prev, c[ENG_OFF], c[ENG_ON], &cc) : 0;
        if (q[e] < 0)
            break;
        int k = klo + q[e];
        pair_cost(ws, j, k - j, e, &batt);
        soc = eco_mpc_soc_after(b, soc, batt);
        j = k;
        prev = e;
    }
    return soc;
}

int eco_mpc_horizon_dp(eco_mpc_ws *ws, double v0, double a_prev, int engine_on, double price,
                       double soc0, double *soc_end)
{
    slot_for_s(ws);
    terminal_values(ws);
    const double half = 0.5 * price * ws->tab.stage_s * ws->tab.dv_mps;
    backward(ws, half);
    int e1;
    int k1 = first_stage(ws, v0, a_prev, engine_on, price, &e1);
    ws->plan_engine = ws->hybrid ? e1 : -1;
    if (k1 >= 0 && soc_end)
        *soc_end = forward_soc(ws, v0, k1, e1, soc0);
    return k1;
}
