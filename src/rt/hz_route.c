/* The route MPC on the horizon from the bus (issue 10; docs/daemon.md section 9): the
 * road ahead as the horizon core rebuilds it (eco_hz_rows), kept as a window in the route
 * model's form from where the car was when it was made, and the car located on it as on a
 * route file (route_track.c). The window is made again when the horizon says something new
 * about the road it covers (a stop, a limit or a slope that came in or changed), when the
 * car has driven REFRESH_M into an open look-ahead, or after the horizon was lost. All
 * memory is set up at init: a step allocates nothing. */
#include "ecodrive/units.h"
#include "rt_internal.h"

#include <math.h>
#include <string.h>

/* The window is made again after this much driving into an open look-ahead, so the MPC's
 * plan always reaches at least the look-ahead less this (ours: under half the route MPC's
 * block, so a 2 km look-ahead keeps its horizon at 1.8 km or more). */
#define REFRESH_M 200.0
/* Rows this near in distance are the same row (the horizon's own SAME_M: providers
 * retransmit; offsets are whole metres). */
#define SAME_M 0.5
/* A stop the car stands at is the one it stood out when this near it (the horizon core
 * keeps a stop 1 m behind the car). */
#define SERVED_M 1.5
/* The fastest limit the window plans at; a faster one is planned as this (never above the
 * limit). Ours: above every motorway limit but the German advisory-only stretches. */
#define V_MAX_KMH 160.0

/* The grid points the biggest window takes: a stop per attribute at most, each stretch
 * between stops at least 2 stages, and stages of at least stage_m over half the offset
 * cycle (the look-ahead's most). */
static int max_points(const eco_mpc_route_settings *s)
{
    return 1 + 3 * (ECO_HZ_CAP + 1) + (int)ceil(ECO_HZ_OFFSET_MOD / 2.0 / s->stage_m);
}

int eco_rt_hz_route_init(eco_rt_hz_route *r, const eco_vehicle *veh, double dt_s,
                         const eco_mpc_route_settings *s, const eco_mpc_weights *w)
{
    memset(r, 0, sizeof *r);
    r->ws = eco_rt_hz_route_make_ws(veh, dt_s, s, w);
    r->served_m = -INFINITY;
    return r->ws ? ECO_OK : ECO_ENOMEM;
}

eco_mpc_route_ws *eco_rt_hz_route_make_ws(const eco_vehicle *veh, double dt_s,
                                          const eco_mpc_route_settings *s, const eco_mpc_weights *w)
{
    eco_mpc_route_settings def;
    if (!s) {
        eco_mpc_route_settings_default(&def);
        s = &def;
    }
    return eco_mpc_route_create_window(veh, V_MAX_KMH / ECO_KMH_PER_MPS, max_points(s), dt_s, s, w);
}

eco_mpc_route_ws *eco_rt_hz_route_swap_ws(eco_rt_hz_route *r, eco_mpc_route_ws *ws)
{
    eco_mpc_route_ws *old = r->ws;
    r->ws = ws;
    r->have_win = 0; /* the window's grid is the workspace's: made on the new one */
    return old;
}

void eco_rt_hz_route_free(eco_rt_hz_route *r)
{
    eco_mpc_route_free(r->ws);
    r->ws = NULL;
}

void eco_rt_hz_route_drop(eco_rt_hz_route *r)
{
    r->have_win = 0;
}

static int same_row(const eco_route_row *a, const eco_route_row *b, double shift)
{
    return fabs(a->distance_m + shift - b->distance_m) <= SAME_M && a->limit_mps == b->limit_mps &&
           a->grade_rad == b->grade_rad && a->stop_s == b->stop_s;
}

/* The fresh rows f[0..n) (from the car, shift on from the window's 0) say the same of the
 * road as the window, where both know it: row by row from the car on, an open end (of
 * either) only bounding what is compared. */
static int same_road(const eco_rt_hz_route *r, const eco_route_row *f, int n, int open_end,
                     double shift)
{
    const eco_route *w = &r->win;
    /* the fresh rows after row 0 are what lies beyond the car, so are the window's rows
     * beyond shift (a row within SAME_M ahead is one of them: the car creeps onto a stop) */
    int i = 1, j = eco_route_row_at(w, shift) + 1;
    int fi = open_end ? n - 1 : n, wj = r->open_end ? w->n - 1 : w->n;
    for (; i < fi && j < wj; i++, j++)
        if (!same_row(&f[i], &w->row[j], shift))
            return 0;
    if (i < fi && !(r->open_end && f[i].distance_m + shift > eco_route_length_m(w) - SAME_M))
        return 0; /* the fresh rows know more of the window's stretch */
    if (j < wj && !(open_end && w->row[j].distance_m - shift > f[n - 1].distance_m - SAME_M))
        return 0;            /* the window knows a row the horizon no longer has */
    if (f[0].stop_s > 0.0) { /* standing at a stop: the window's */
        int k = eco_route_next_stop(w, shift - SERVED_M, 1, NULL, NULL);
        return k >= 0 && fabs(w->row[k].distance_m - shift) <= SERVED_M;
    }
    return 1;
}

/* A new window from the fresh rows, the car at its 0. A car standing at a stop (at most
 * SERVED_M from it: it may have stopped short) stands on there for the dwell it had left,
 * also when the horizon was lost a while (a window dropped: frames late on a loaded bus),
 * else the dwell began again whole (docs/daemon.md). The periods without the horizon are
 * not counted into the dwell: the window was not stepped. */
static int make_window(eco_rt_hz_route *r, const eco_hz *h, int n, int open_end)
{
    int dwelling = r->windows > 0 && r->trk.dwelling && h->path == r->path &&
                   fabs(h->pos_m - (r->origin_m + r->trk.stop_at_m)) <= SERVED_M;
    double left = r->trk.dwell_left_s;
    if (eco_route_init_in(&r->win, "horizon", r->fresh, n, r->rows, r->elev, ECO_RT_HZ_ROWS) ||
        eco_mpc_route_window_set(r->ws, &r->win, open_end)) {
        r->have_win = 0;
        return ECO_ERANGE;
    }
    r->origin_m = h->pos_m;
    r->path = h->path;
    r->open_end = open_end;
    r->have_win = 1;
    r->windows++;
    eco_rt_route_track_init(&r->trk, &r->win);
    if (dwelling && r->trk.stop_at_m <= SERVED_M) {
        r->trk.dwelling = 1;
        r->trk.dwell_left_s = left;
        r->trk.x_m = r->trk.stop_at_m;
    }
    return ECO_OK;
}

int eco_rt_hz_route_step(eco_rt_hz_route *r, const eco_hz *h, double speed_mps, double dt_s,
                         double soc_target)
{
    int n = eco_hz_rows(h, r->fresh, ECO_RT_HZ_ROWS);
    if (n < 2) {
        r->have_win = 0;
        return ECO_ERANGE;
    }
    double vmax = V_MAX_KMH / ECO_KMH_PER_MPS;
    for (int i = 0; i < n; i++)
        r->fresh[i].limit_mps = fmin(r->fresh[i].limit_mps, vmax);
    for (int i = 0; i < n && r->fresh[i].distance_m <= SERVED_M; i++)
        if (fabs(h->pos_m + r->fresh[i].distance_m - r->served_m) <= SERVED_M)
            r->fresh[i].stop_s = 0.0; /* stood out already (the car may stand short of it) */
    int open_end = !eco_hz_end_known(h);
    double shift = h->pos_m - r->origin_m;
    int again = !r->have_win || h->path != r->path || (r->open_end && shift >= REFRESH_M) ||
                !same_road(r, r->fresh, n, open_end, shift);
    if (again && make_window(r, h, n, open_end))
        return ECO_ERANGE;
    eco_rt_route_track *t = &r->trk;
    int was_dwelling = t->dwelling;
    eco_rt_route_track_at(t, h->pos_m - r->origin_m, speed_mps, dt_s);
    if (was_dwelling && !t->dwelling)
        r->served_m = r->origin_m + t->x_m;
    eco_mpc_route_locate(r->ws, t->x_m, t->stop_at_m, t->dwelling || t->done);
    eco_mpc_route_soc_target_set(r->ws, soc_target);
    return ECO_OK;
}
