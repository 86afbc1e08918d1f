/* The route MPC's step: re-plan when the car crosses a stage boundary (or leaves a stop),
 * follow the plan between (the speed squared is linear in distance within a stage: constant
 * acceleration), and allocate the present step by eco_mpc_allocate. */
#include "ecodrive/units.h"
#include "mpc_route_internal.h"

#include <math.h>
#include <string.h>

#define MERGE_M    0.5  /* a first stage shorter than this merges into the next */
#define STOP_EPS_M 0.01 /* a grid point this near a stop's distance is the stop's */
/* Off the plan by more than this: made again (ours: twice the speed grid's half step; the
 * car in process follows its plan to well within it). */
#define OFF_PLAN_MPS 0.1
/* The cost to go is kept while the equivalence factor (which follows the SOC in steps of
 * 2 %) stays within this share of the one it was made at (ours: five steps; the block
 * renews it anyway). */
#define S_REUSE_REL 0.1
/* Cells of the rate table's second copy collapsed per step at the factor the SOC has moved
 * to (a few tens of microseconds; the whole table in a second or two), so that a re-plan
 * takes it instead of collapsing the table itself. */
#define COLLAPSE_CELLS_PER_STEP 1024
/* Stages of the next block's backward pass made per step (a few tens of microseconds): it
 * is whole long before the car needs it (it drives block_m meanwhile, a stage of 20 m or
 * 1.8 s of driving at most every 2 steps at 10 Hz, while the block has (horizon + 2 blocks)
 * / stage of them: 3 km over 0.5 km, six stages per stage driven, 0.3 per step). */
#define PREP_STAGES_PER_STEP 2

/* The grid point of the stop the car drives to: the last point at or before it (a stop
 * merged into the one before it has that one's point). */
static int stop_point(const eco_mpc_route_ws *ws)
{
    int k = eco_route_point_after(ws, ws->stop_at_m, STOP_EPS_M);
    return ws->pos_m[k] <= ws->stop_at_m + STOP_EPS_M ? k : k - 1;
}

/* The end of the block after the one that ends at k1: block_m further on, the stop ks at
 * most. */
static int next_end(const eco_mpc_route_ws *ws, int k1, int ks)
{
    int k = eco_route_point_after(ws, ws->pos_m[k1], ws->set.block_m);
    return k > ks ? ks : k;
}

/* The end of a new block: block_m after the end of the one the car is in (a chain of
 * blocks, so the next one's backward pass can be made ahead), or, when there is none or
 * that falls short of the horizon, horizon_m + block_m ahead of the car; the stop ks at
 * most. */
static int block_end(const eco_mpc_route_ws *ws, double x, int k0, int k_need, int ks)
{
    int chain = ws->have_v && k0 >= ws->vk0 && k0 <= ws->vk1 && ws->vk1 < ks &&
                fabs(ws->plan_stop_m - ws->stop_at_m) <= 0.01;
    int k1 = chain ? next_end(ws, ws->vk1, ks) : ks;
    if (!chain || k1 < k_need) {
        k1 = eco_route_point_after(ws, x, ws->set.horizon_m + ws->set.block_m);
        k1 = k1 > ks ? ks : k1;
    }
    return k1 < k0 ? k0 : k1;
}

/* The horizon's end is anchored: the cost to go is made to a point between horizon_m and
 * horizon_m + block_m ahead and kept while that point is still horizon_m ahead (and the
 * price is the one it was made at, the factor near it), so a re-plan at a stage boundary is
 * mostly the first stage and the plan forward; the backward pass over the horizon comes
 * once per block. */
static int replan(eco_mpc_route_ws *ws, double x, double v0)
{
    int ks = stop_point(ws);
    int k0 = eco_route_point_after(ws, x, MERGE_M);
    /* A stop counts as made within the runner's arrival radius, so the car may have stood
     * short of its point; that point (a rest node) is behind it now, or the plan would hold
     * the car at rest before it for good. */
    int k_left = eco_route_point_after(ws, ws->left_stop_m, STOP_EPS_M);
    if (k0 < k_left)
        k0 = k_left;
    if (k0 > ks)
        k0 = ks;
    int k_need = eco_route_point_after(ws, x, ws->set.horizon_m);
    if (k_need > ks)
        k_need = ks;
    ws->replans++;
    /* the cost to go is kept while it reaches the horizon, at the price and near the factor it
     * was made at */
    double sc = eco_route_collapse_value(ws, ws->s_equiv);
    int s_ok = fabs(sc - ws->v_s_coll) <= S_REUSE_REL * fabs(ws->v_s_coll);
    int geo = ws->have_v && k0 >= ws->vk0 && !ws->was_dwelling && ws->vk1 >= k_need &&
              ws->vk1 <= ks && k0 <= ws->vk1 && fabs(ws->plan_stop_m - ws->stop_at_m) <= 0.01 &&
              ws->v_price == ws->price_s;
    int keep = geo && s_ok && !ws->replan_pending;
    int k1 = block_end(ws, x, k0, k_need, ks);
    ws->plan_stop_m = ws->stop_at_m;
    if (keep)
        return eco_route_plan_from(ws, x, v0, k0, ws->vk1);
    ws->full_replans++;
    /* the next block made ahead, at the table in use: taken while that is near the factor
     * (as the keep rule keeps a cost to go), the table's new copy then waits a block more */
    if (fabs(sc - ws->rt.s_coll) <= S_REUSE_REL * fabs(ws->rt.s_coll) &&
        eco_route_prepared_take(ws, k0, k1)) {
        ws->replan_pending = 0;
        int rc = eco_route_plan_from(ws, x, v0, k0, k1);
        if (k1 < ks)
            eco_route_prepare_start(ws, k0, next_end(ws, k1, ks));
        return rc;
    }
    eco_route_rates_take(&ws->rt, sc);
    if (!(ws->rt.s_coll == sc)) {
        eco_route_rates_collapse(&ws->rt, sc);
        if (geo) { /* the cost to go still fits: its backward pass in the next step */
            ws->replan_pending = 1;
            return eco_route_plan_from(ws, x, v0, k0, ws->vk1);
        }
    }
    ws->replan_pending = 0;
    int rc = eco_route_plan(ws, x, v0, k0, k1);
    ws->prep.on = 0;
    if (k1 < ks) /* the next block's end, as block_end will choose it, made ahead */
        eco_route_prepare_start(ws, k0, next_end(ws, k1, ks));
    return rc;
}

/* The plan's speed squared at distance x, and its acceleration there. */
static double plan_v2(const eco_mpc_route_ws *ws, double x, double *a)
{
    double xa = ws->plan_x0, va = ws->plan_v0, xb, vb;
    int k = ws->plan_k0;
    if (x >= ws->pos_m[k]) {
        int lo = k, hi = ws->plan_k1;
        if (x >= ws->pos_m[hi]) {
            *a = 0.0;
            return ws->plan_v[hi] * ws->plan_v[hi];
        }
        while (hi - lo > 1) { /* pos[lo] <= x < pos[hi] */
            int mid = (lo + hi) / 2;
            if (ws->pos_m[mid] <= x)
                lo = mid;
            else
                hi = mid;
        }
        xa = ws->pos_m[lo];
        va = ws->plan_v[lo];
        k = hi;
    }
    xb = ws->pos_m[k];
    vb = ws->plan_v[k];
    double ds = xb - xa;
    if (!(ds > 1e-9)) {
        *a = 0.0;
        return vb * vb;
    }
    *a = (vb * vb - va * va) / (2.0 * ds);
    double v2 = va * va + 2.0 * *a * (x - xa);
    return v2 > 0.0 ? v2 : 0.0;
}

/* The speed to aim at this step: the plan's at the place the car will have reached. */
static double track(const eco_mpc_route_ws *ws, double x, double v0, double dt)
{
    double a;
    plan_v2(ws, x, &a);
    double xp = x + v0 * dt + 0.5 * a * dt * dt;
    double v2 = plan_v2(ws, xp > x ? xp : x, &a);
    return sqrt(v2);
}

/* The car is slower than a plan that slows down, by more than OFF_PLAN_MPS: a brake the plan
 * does not command acted (on the bus the friction brake is the driver's, sim/cmd_bus.c).
 * The plan is made again from where the car is: followed back, it would throttle up to a
 * speed it then coasts or brakes away. */
static int braked_off_plan(const eco_mpc_route_ws *ws, double x, double v0)
{
    double a, v = sqrt(plan_v2(ws, x, &a));
    return a < 0.0 && v0 < v - OFF_PLAN_MPS;
}

static int fallback(eco_mpc_route_ws *ws, eco_setpoint *sp)
{
    *sp = ws->last_safe;
    sp->valid = 0;
    ws->have_plan = ws->follow;
    return ECO_ESOLVER;
}

int eco_mpc_route_step(eco_mpc_route_ws *ws, const eco_observation *obs, eco_setpoint *sp)
{
    double x = ws->x_m, v0 = obs->speed_mps, dt = ws->dt_s;
    if (!isfinite(v0) || !isfinite(obs->soc) || !isfinite(x))
        return fallback(ws, sp);
    eco_route_equivalence_update(ws, obs->soc);
    double v1 = 0.0;
    long full = ws->full_replans;
    if (!ws->dwelling) {
        int need = !ws->follow &&
                   (!ws->have_plan || ws->was_dwelling || ws->replan_pending ||
                    x >= ws->pos_m[ws->plan_k0] - 1e-9 ||
                    fabs(ws->plan_stop_m - ws->stop_at_m) > 0.01 || braked_off_plan(ws, x, v0));
        if (need && replan(ws, x, v0))
            return fallback(ws, sp);
        v1 = track(ws, x, v0, dt);
        double lim = fmin(eco_route_limit_mps(ws->route, x),
                          eco_route_limit_mps(ws->route, x + (v0 + v1) * dt)) -
                     0.5 * ws->set.margin_kmh / ECO_KMH_PER_MPS;
        v1 = fmin(v1, lim);
    }
    if (!ws->follow && ws->full_replans == full) /* the next block, ahead */
        eco_route_prepare_some(ws, PREP_STAGES_PER_STEP);
    if (ws->hybrid && !ws->follow && ws->full_replans == full) { /* the collapse, behind */
        double sc = eco_route_collapse_value(ws, ws->s_equiv);
        int busy = ws->rt.cell_b < (size_t)ws->rt.n_v * (size_t)ws->rt.n_a;
        if (busy || !(ws->rt.s_coll == sc))
            eco_route_rates_collapse_some(&ws->rt, sc, COLLAPSE_CELLS_PER_STEP);
    }
    if (ws->dwelling)
        ws->left_stop_m = ws->stop_at_m;
    ws->was_dwelling = ws->dwelling;
    eco_state st;
    eco_state_from_observation(obs, &st);
    eco_mpc_alloc_context ctx = {ws->veh, &ws->w, ws->s_equiv, ws->set.n_engine_levels, {-1, 0, 0}};
    eco_mpc_alloc_request req = {&st, v1, dt, obs->grade_rad,
                                 eco_gear_hold_keep(ws->gear_shifted_at_s, obs->time_s)};
    double cost;
    memset(sp, 0, sizeof *sp);
    eco_mpc_allocate(&ctx, &req, &sp->cmd, &cost);
    if (sp->cmd.gear != st.gear)
        ws->gear_shifted_at_s = obs->time_s;
    sp->valid = 1;
    ws->last_safe = *sp;
    return ECO_OK;
}
