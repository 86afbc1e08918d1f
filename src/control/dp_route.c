/* The DP over a whole route: the programme of mpc_route_plan.c over each stretch between two
 * stops (the speed is 0 at both ends, so the stretches are independent given the
 * equivalence factor), the factor found by bisection for charge-sustaining (the predicted
 * battery energy over the route is 0, as the band DP does with its multiplier), and the time
 * price by bisection for a trip time. */
#include "mpc_route_internal.h"

#include <math.h>

#define S_ITER         24   /* bisection steps on the equivalence factor */
#define PRICE_ITER     40   /* and on the time price */
#define TIME_TOL       2e-4 /* relative trip time the price bisection stops within */
#define PRICE_MIN_TIME 1e4  /* a time price beside which fuel is nothing: the shortest trip */

/* Plan every stretch at the present price and collapse; sum the plan's figures. */
static int plan_all(eco_mpc_route_ws *ws, eco_mpc_route_plan_info *in)
{
    in->trip_time_s = eco_route_dwell_s(ws->route);
    in->fuel_g = in->battery_j = 0.0;
    int a = 0;
    ws->plan_v[0] = 0.0;
    for (int b = 1; b < ws->n_pts; b++) {
        if (!ws->stop[b])
            continue;
        if (eco_route_plan(ws, ws->pos_m[a], 0.0, a + 1, b))
            return ECO_ERANGE;
        double v = 0.0;
        for (int k = a; k < b; k++) {
            double dt, bj, vn = ws->plan_v[k + 1];
            double c = eco_route_stage_cost(ws, v, vn, ws->pos_m[k + 1] - ws->pos_m[k],
                                            ws->shift_mps2[k], &dt, &bj);
            if (!isfinite(c))
                return ECO_ERANGE;
            in->trip_time_s += dt;
            in->battery_j += bj;
            in->fuel_g += c - ws->price_s * dt - ws->rt.s_coll * bj;
            v = vn;
        }
        a = b;
    }
    in->fuel_g /= ws->w.fuel_per_g > 0.0 ? ws->w.fuel_per_g : 1.0;
    return ECO_OK;
}

static void collapse_s(eco_mpc_route_ws *ws, double s)
{
    eco_route_rates_collapse(&ws->rt, s * ws->w.fuel_per_g / ws->lhv);
}

/* Hybrids: the factor at which the route's battery energy is 0 (more s, less battery). */
static int sustain(eco_mpc_route_ws *ws, double s_nom, eco_mpc_route_plan_info *in)
{
    double lo = 0.2 * s_nom, hi = 4.0 * s_nom, s = s_nom;
    int rc = ECO_OK;
    for (int it = 0; it < S_ITER; it++) {
        collapse_s(ws, s);
        if ((rc = plan_all(ws, in)))
            return rc;
        if (in->battery_j > 0.0)
            lo = s;
        else
            hi = s;
        s = 0.5 * (lo + hi);
    }
    collapse_s(ws, s);
    in->s_equiv = s;
    return plan_all(ws, in);
}

int eco_mpc_route_dp(eco_mpc_route_ws *ws, double price, int follow, eco_mpc_route_plan_info *in)
{
    double keep = ws->price_s;
    ws->price_s = price >= 0.0 ? price : 0.0;
    in->s_equiv = ws->s_nom;
    in->time_price_per_s = ws->price_s;
    int rc = ws->hybrid ? sustain(ws, ws->s_nom, in) : plan_all(ws, in);
    if (rc == ECO_OK && ws->hybrid)
        ws->s_nom = ws->s_equiv = in->s_equiv;
    ws->follow = follow && rc == ECO_OK;
    ws->have_v = ws->prep.on = 0; /* V holds the whole route's programme now */
    if (ws->follow) {             /* the plan from the start, whole */
        ws->plan_x0 = 0.0;
        ws->plan_v0 = 0.0;
        ws->plan_k0 = 1;
        ws->plan_k1 = ws->n_pts - 1;
        ws->have_plan = 1;
    } else {
        ws->price_s = keep;
        ws->have_plan = 0;
    }
    return rc;
}

double eco_mpc_route_min_time_s(eco_mpc_route_ws *ws)
{
    double keep = ws->price_s, s = ws->rt.s_coll;
    ws->price_s = PRICE_MIN_TIME;
    eco_mpc_route_plan_info in;
    int rc = plan_all(ws, &in);
    ws->price_s = keep;
    ws->have_plan = ws->follow;
    (void)s;
    return rc ? INFINITY : in.trip_time_s;
}

/* Trip time of the plan at price 0 (the factor as it is). */
static int slowest(eco_mpc_route_ws *ws, double *t)
{
    double keep = ws->price_s;
    ws->price_s = 0.0;
    eco_mpc_route_plan_info in;
    int rc = plan_all(ws, &in);
    ws->price_s = keep;
    *t = in.trip_time_s;
    return rc;
}

/* Scale the lower bound down until a price of 0 takes at least target (the bound, not the
 * fuel, set the pace), by bisection on lo_scale. */
static int relax_floor(eco_mpc_route_ws *ws, double target)
{
    double t;
    int rc;
    ws->set.lo_scale = 1.0;
    eco_route_grid_fill(ws);
    if ((rc = slowest(ws, &t)) || t >= target)
        return rc;
    double lo = 0.0, hi = 1.0; /* lo: slow enough */
    for (int it = 0; it < 14; it++) {
        ws->set.lo_scale = 0.5 * (lo + hi);
        eco_route_grid_fill(ws);
        if ((rc = slowest(ws, &t)))
            return rc;
        if (t >= target)
            lo = ws->set.lo_scale;
        else
            hi = ws->set.lo_scale;
    }
    ws->set.lo_scale = lo;
    eco_route_grid_fill(ws);
    return ECO_OK;
}

int eco_mpc_route_dp_at_time(eco_mpc_route_ws *ws, double target, int follow,
                             eco_mpc_route_plan_info *in, double *min_time_s)
{
    *min_time_s = eco_mpc_route_min_time_s(ws);
    if (!(target >= *min_time_s))
        return ECO_ERANGE;
    int rc = relax_floor(ws, target);
    if (rc)
        return rc;
    /* The factor first at a rough price, then the price at that factor (the trip time
     * depends little on the factor), then both once more. */
    double lo = 0.0, hi = 1.0, p = 0.3;
    for (int pass = 0; pass < 2; pass++) {
        if ((rc = eco_mpc_route_dp(ws, p, 0, in)))
            return rc;
        double s = ws->hybrid ? in->s_equiv : ws->rt.s_coll;
        int saved_hybrid = ws->hybrid;
        ws->hybrid = 0; /* the price alone, at this factor */
        collapse_s(ws, saved_hybrid ? s : ws->s_nom);
        for (int it = 0; it < 60 && ws->price_s < 1e3; it++) {
            ws->price_s = hi;
            if ((rc = plan_all(ws, in)) || in->trip_time_s <= target)
                break;
            lo = hi;
            hi *= 2.0;
        }
        for (int it = 0; it < PRICE_ITER && !rc; it++) {
            p = 0.5 * (lo + hi);
            ws->price_s = p;
            if ((rc = plan_all(ws, in)))
                break;
            if (fabs(in->trip_time_s - target) < TIME_TOL * target)
                break;
            if (in->trip_time_s > target)
                lo = p;
            else
                hi = p;
        }
        ws->hybrid = saved_hybrid;
        if (rc)
            return rc;
        lo = 0.0;
        hi = 2.0 * p + 1e-3;
    }
    return eco_mpc_route_dp(ws, p, follow, in);
}
