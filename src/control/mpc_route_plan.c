/* The route MPC's programme over distance stages: a backward pass over the speed nodes of
 * the band at each grid point, stage costs from the rate table, then the plan forward from
 * the car's place and speed. The MPC runs it to the next stop or its horizon; the DP over
 * each stretch between two stops (the speed is 0 at both ends, so the stretches are
 * independent but for the equivalence factor they share). */
#include "mpc_route_internal.h"

#include <math.h>

double eco_route_stage_cost(const eco_mpc_route_ws *ws, double vi, double vj, double ds,
                            double shift, double *dt_s, double *batt_j)
{
    if (vi + vj < 1e-6 || !(ds > 0.0))
        return INFINITY;
    double a = (vj * vj - vi * vi) / (2.0 * ds);
    if (a > ws->set.accel_max_mps2 + 1e-9 || a < -ws->set.decel_max_mps2 - 1e-9)
        return INFINITY;
    double dt = 2.0 * ds / (vi + vj), bw = 0.0;
    double rate = eco_route_rate(&ws->rt, 0.5 * (vi + vj), a + shift, &bw);
    if (!isfinite(rate))
        return INFINITY;
    *dt_s = dt;
    *batt_j = bw * dt;
    return (rate + ws->price_s) * dt;
}

int eco_route_point_after(const eco_mpc_route_ws *ws, double x, double eps)
{
    int lo = 0, hi = ws->n_pts - 1;
    if (ws->pos_m[hi] <= x + eps)
        return hi;
    while (lo < hi) { /* first pos > x + eps */
        int mid = (lo + hi) / 2;
        if (ws->pos_m[mid] > x + eps)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Nodes j of the band at point k reachable from speed vi over ds. */
static void reach(const eco_mpc_route_ws *ws, double vi, double ds, int k, int *j0, int *j1)
{
    double lo2 = vi * vi - 2.0 * ws->set.decel_max_mps2 * ds;
    double hi2 = vi * vi + 2.0 * ws->set.accel_max_mps2 * ds;
    int a = lo2 > 0.0 ? (int)ceil(sqrt(lo2) / ws->dv_mps - 1e-9) : 0;
    int b = (int)floor(sqrt(hi2) / ws->dv_mps + 1e-9);
    *j0 = a > ws->jlo[k] ? a : ws->jlo[k];
    *j1 = b < ws->jhi[k] ? b : ws->jhi[k];
}

/* The cost to go at point k1 into V: 0 at rest at a stop; else what the kinetic energy is
 * worth. */
static void terminal(const eco_mpc_route_ws *ws, int k1, double *Vall)
{
    double *V = Vall + (size_t)k1 * (size_t)ws->n_nodes;
    for (int j = 0; j < ws->n_nodes; j++) {
        double v = j * ws->dv_mps;
        if (ws->stop[k1])
            V[j] = j == 0 ? 0.0 : INFINITY;
        else
            V[j] = j >= ws->jlo[k1] && j <= ws->jhi[k1]
                       ? -ws->kin_cost_per_j * 0.5 * ws->m_eff * v * v
                       : INFINITY;
    }
}

/* One stage of the backward pass: the cost to go at point k from k + 1's, into V and pol. */
static void backward_stage(const eco_mpc_route_ws *ws, int k, double *Vall, int16_t *polall)
{
    size_t nn = (size_t)ws->n_nodes;
    double *V = Vall + (size_t)k * nn, *Vn = V + nn;
    int16_t *pol = polall + (size_t)k * nn;
    double ds = ws->pos_m[k + 1] - ws->pos_m[k], shift = ws->shift_mps2[k];
    for (int i = 0; i < ws->n_nodes; i++)
        V[i] = INFINITY;
    for (int i = ws->jlo[k]; i <= ws->jhi[k]; i++) {
        double vi = i * ws->dv_mps, best = INFINITY, dt, bj;
        int bj_node = -1, j0, j1;
        reach(ws, vi, ds, k + 1, &j0, &j1);
        for (int j = j0; j <= j1; j++) {
            if (!isfinite(Vn[j]))
                continue;
            double c = eco_route_stage_cost(ws, vi, j * ws->dv_mps, ds, shift, &dt, &bj) + Vn[j];
            if (c < best) {
                best = c;
                bj_node = j;
            }
        }
        V[i] = best;
        pol[i] = (int16_t)bj_node;
    }
}

void eco_route_prepare_start(eco_mpc_route_ws *ws, int k_lo, int k1)
{
    eco_route_prep *p = &ws->prep;
    p->on = 1;
    p->lo = k_lo;
    p->k1 = k1;
    p->k = k1;
    p->price = ws->price_s;
    p->s_coll = ws->rt.s_coll;
}

int eco_route_prepare_some(eco_mpc_route_ws *ws, int n_stages)
{
    eco_route_prep *p = &ws->prep;
    if (!p->on)
        return 0;
    if (p->price != ws->price_s || p->s_coll != ws->rt.s_coll) /* made at another price or */
        eco_route_prepare_start(ws, p->lo, p->k1);             /* table: again from its end */
    if (p->k == p->k1) {
        terminal(ws, p->k1, ws->V_b);
        p->k--;
        n_stages--;
    }
    for (; n_stages > 0 && p->k >= p->lo; n_stages--, p->k--)
        backward_stage(ws, p->k, ws->V_b, ws->pol_b);
    return p->k < p->lo;
}

int eco_route_prepared_take(eco_mpc_route_ws *ws, int k0, int k1)
{
    eco_route_prep *p = &ws->prep;
    if (!p->on || p->k >= p->lo || p->k1 != k1 || k0 < p->lo || p->price != ws->price_s ||
        p->s_coll != ws->rt.s_coll)
        return 0;
    double *V = ws->V;
    int16_t *pol = ws->pol;
    ws->V = ws->V_b;
    ws->pol = ws->pol_b;
    ws->V_b = V;
    ws->pol_b = pol;
    ws->have_v = 1;
    ws->vk0 = p->lo;
    ws->vk1 = k1;
    ws->v_price = p->price;
    ws->v_s_coll = p->s_coll;
    p->on = 0;
    return 1;
}

static void backward(eco_mpc_route_ws *ws, int k0, int k1)
{
    for (int k = k1 - 1; k >= k0; k--)
        backward_stage(ws, k, ws->V, ws->pol);
}

int eco_route_plan(eco_mpc_route_ws *ws, double x0, double v0, int k0, int k1)
{
    terminal(ws, k1, ws->V);
    backward(ws, k0, k1);
    ws->have_v = 1;
    ws->vk0 = k0;
    ws->vk1 = k1;
    ws->v_price = ws->price_s;
    ws->v_s_coll = ws->rt.s_coll;
    return eco_route_plan_from(ws, x0, v0, k0, k1);
}

int eco_route_plan_from(eco_mpc_route_ws *ws, double x0, double v0, int k0, int k1)
{
    size_t nn = (size_t)ws->n_nodes;
    const double *V0 = ws->V + (size_t)k0 * nn;
    double ds = ws->pos_m[k0] - x0, shift = ws->shift_mps2[k0 > 0 ? k0 - 1 : 0];
    double best = INFINITY, near = INFINITY, dt, bj;
    int jb = -1, jn = -1;
    for (int j = ws->jlo[k0]; j <= ws->jhi[k0]; j++) {
        if (!isfinite(V0[j]))
            continue;
        double vj = j * ws->dv_mps;
        double c = eco_route_stage_cost(ws, v0, vj, ds, shift, &dt, &bj) + V0[j];
        if (c < best) {
            best = c;
            jb = j;
        }
        if (fabs(vj - v0) < near) { /* off the reachable band: the nearest node */
            near = fabs(vj - v0);
            jn = j;
        }
    }
    if (jb < 0)
        jb = jn;
    if (jb < 0)
        return ECO_ERANGE;
    int j = jb;
    for (int k = k0; k <= k1; k++) {
        ws->plan_v[k] = j * ws->dv_mps;
        if (k < k1)
            j = ws->pol[(size_t)k * nn + (size_t)j];
        if (j < 0)
            return ECO_ERANGE;
    }
    ws->plan_x0 = x0;
    ws->plan_v0 = v0;
    ws->plan_k0 = k0;
    ws->plan_k1 = k1;
    ws->have_plan = 1;
    return ECO_OK;
}
