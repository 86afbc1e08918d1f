/* The route MPC's distance grid: stage boundaries at every stop (so a stop is a point where
 * the speed is 0), stages of about stage_m between, and the speed band at each point. */
#include "ecodrive/units.h"
#include "mpc_route_internal.h"

#include <math.h>

/* The points: the start, each stop, the end, and the stage boundaries between; counts them,
 * and with pos fills them. A stretch between stops gets stages of stage_m, or of stage_s
 * at its highest limit if longer: a stage from node to node changes the speed squared by
 * at least 2 v dv, so the gentlest acceleration it can plan is about v dv / ds, and at
 * highway speed 20 m stages could only cruise or change speed hard (about 0.7 m/s^2 at
 * 100 km/h). */
static int segment_points(const eco_route *r, const eco_mpc_route_settings *s, double *pos)
{
    int n = 0;
    double prev = 0.0, lmax = 0.0;
    if (pos)
        pos[0] = 0.0;
    n = 1;
    for (int i = 1; i < r->n; i++) {
        lmax = fmax(lmax, r->row[i - 1].limit_mps);
        if (!(r->row[i].stop_s > 0.0) && i != r->n - 1)
            continue;
        double d = r->row[i].distance_m, len = d - prev;
        if (len < ECO_ROUTE_MERGE_STOP_M)
            continue; /* one with the stop before it (see the header) */
        double stage = fmax(s->stage_m, s->stage_s * lmax);
        /* at least two stages: from rest to rest needs a point in between to move at */
        int m = (int)ceil(len / stage - 1e-9);
        m = m < 2 ? 2 : m;
        for (int k = 1; k <= m; k++, n++)
            if (pos)
                pos[n] = k == m ? d : prev + len * k / m;
        prev = d;
        lmax = 0.0;
    }
    return n;
}

int eco_route_grid_count(const eco_route *r, const eco_mpc_route_settings *s)
{
    return segment_points(r, s, NULL);
}

/* The least limit over [a, b]. */
static double limit_over(const eco_route *r, double a, double b)
{
    int i = eco_route_row_at(r, a), j = eco_route_row_at(r, b);
    double lim = r->row[i].limit_mps;
    for (int k = i + 1; k <= j && k < r->n; k++)
        if (r->row[k].distance_m < b)
            lim = fmin(lim, r->row[k].limit_mps);
    return lim;
}

/* The lower bound at a point of limit L, d_prev after the last stop and d_next before the
 * next: the smaller of L - drop and frac L, and no more than the launch and braking
 * envelopes sqrt(2 a d). */
static double lower_bound(const eco_mpc_route_settings *s, double L, double d_prev, double d_next)
{
    double lo = s->lo_scale * fmin(L - s->lo_drop_kmh / ECO_KMH_PER_MPS, s->lo_frac * L);
    lo = fmin(lo, sqrt(2.0 * s->lo_launch_mps2 * fmax(d_prev, 0.0)));
    lo = fmin(lo, sqrt(2.0 * s->lo_brake_mps2 * fmax(d_next, 0.0)));
    return fmax(lo, 0.0);
}

void eco_route_grid_fill(eco_mpc_route_ws *ws)
{
    const eco_route *r = ws->route;
    int n = segment_points(r, &ws->set, ws->pos_m);
    for (int k = 0; k < n; k++) {
        double d = ws->pos_m[k];
        int row = eco_route_row_at(r, d);
        ws->stop[k] = k == 0 || (k == n - 1 && !ws->open_end) ||
                      (fabs(r->row[row].distance_m - d) < 1e-9 && r->row[row].stop_s > 0.0);
    }
    for (int k = 0; k + 1 < n; k++) {
        double ds = ws->pos_m[k + 1] - ws->pos_m[k];
        double rise =
            eco_route_elevation_m(r, ws->pos_m[k + 1]) - eco_route_elevation_m(r, ws->pos_m[k]);
        ws->shift_mps2[k] = ECO_G_MPS2 * sin(atan(rise / ds)) * ws->veh->mass_kg / ws->m_eff;
    }
    ws->shift_mps2[n - 1] = 0.0;
    double margin = ws->set.margin_kmh / ECO_KMH_PER_MPS, last_stop = 0.0;
    for (int k = 0; k < n; k++) {
        double d = ws->pos_m[k];
        if (ws->stop[k]) {
            ws->jlo[k] = ws->jhi[k] = 0;
            last_stop = d;
            continue;
        }
        double lim = limit_over(r, ws->pos_m[k - 1], d);
        if (k + 1 < n)
            lim = fmin(lim, limit_over(r, d, ws->pos_m[k + 1]));
        /* an open end (a window's) is no stop: nothing to brake for within it */
        double hi = lim - margin, next_stop = ws->open_end ? INFINITY : d;
        for (int j = k + 1; j < n; j++)
            if (ws->stop[j]) {
                next_stop = ws->pos_m[j];
                break;
            }
        double lo = lower_bound(&ws->set, lim, d - last_stop, next_stop - d);
        int jh = (int)floor(hi / ws->dv_mps + 1e-9), jl = (int)ceil(lo / ws->dv_mps - 1e-9);
        jh = jh >= ws->n_nodes ? ws->n_nodes - 1 : (jh < 1 ? 1 : jh);
        ws->jhi[k] = jh;
        ws->jlo[k] = jl > jh ? jh : (jl < 0 ? 0 : jl);
    }
}
