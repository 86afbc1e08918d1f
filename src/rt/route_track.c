/* Where the car is on a route file (ecodrived --route): the distance by integrating
 * VehicleSpeed from the start, re-anchored at each stop where the car stands still, and the
 * stop it drives to, stands at and leaves, as ecosim's route runner does (sim/route_runner.c:
 * arrived within a metre of the stop and below 0.36 km/h). The daemon's distance is an
 * estimate, so a car that stands still a little short of the stop has arrived too (on a
 * route file; on the horizon the map ECU tells the car's place). */
#include "rt_internal.h"

#include "ecodrive/route.h"

/* A car this fast has left the stop it stood at, dwell or not (ours: well above the
 * creep of a car held on its brake, 0.1 m/s, and below any pull-away) */
#define LEFT_MPS 0.5
static void aim_at(eco_rt_route_track *t, int k)
{
    t->next_stop = k;
    t->stop_at_m = t->route->row[k].distance_m;
    t->stop_s = t->route->row[k].stop_s;
}

void eco_rt_route_track_init(eco_rt_route_track *t, const eco_route *route)
{
    t->route = route;
    t->x_m = 0.0;
    t->prev_speed_mps = 0.0;
    t->dwelling = t->done = 0;
    t->dwell_left_s = 0.0;
    aim_at(t, eco_route_next_stop(route, 0.0, 1, NULL, NULL));
    if (t->stop_at_m <= 0.0) { /* a stand-still before setting off */
        t->dwelling = 1;
        t->dwell_left_s = t->stop_s;
    }
}

/* Arrive (at most reach_m short of the stop), stand, leave, with the car at t->x_m at
 * speed v. */
static void stops(eco_rt_route_track *t, double v, double dt_s, double reach_m)
{
    if (t->done)
        return;
    if (t->dwelling) {
        t->dwell_left_s -= dt_s;
        if (t->dwell_left_s > 1e-9 && v <= LEFT_MPS)
            return; /* else the dwell is over, or the driver has left the stop before it */
        t->dwelling = 0;
        if (t->next_stop == t->route->n - 1) {
            t->done = 1;
            return;
        }
        aim_at(t, eco_route_next_stop(t->route, t->stop_at_m, 0, NULL, NULL));
        return;
    }
    if (t->stop_at_m - t->x_m > reach_m || v > ECO_ROUTE_ARRIVED_MPS)
        return;
    t->x_m = t->stop_at_m; /* re-anchored: the car stands at the stop */
    t->dwelling = 1;
    t->dwell_left_s = t->stop_s;
    if (t->stop_s <= 0.0 && t->next_stop == t->route->n - 1)
        t->done = 1;
}

void eco_rt_route_track_step(eco_rt_route_track *t, double speed_mps, double dt_s)
{
    double v = speed_mps > 0.0 ? speed_mps : 0.0;
    if (!t->dwelling && !t->done)
        t->x_m += 0.5 * (t->prev_speed_mps + v) * dt_s; /* trapezoid over the period */
    t->prev_speed_mps = v;
    /* odometry alone: a car standing ECO_ROUTE_STAND_SHORT_M short of a stop stands at it;
     * else one that stopped a little short by odometry was planned to creep to the stop from
     * rest, and the plan stood still (docs/daemon.md) */
    stops(t, v, dt_s, ECO_ROUTE_STAND_SHORT_M);
}

void eco_rt_route_track_at(eco_rt_route_track *t, double x_m, double speed_mps, double dt_s)
{
    double v = speed_mps > 0.0 ? speed_mps : 0.0;
    if (!t->dwelling && !t->done)
        t->x_m = x_m;
    t->prev_speed_mps = v;
    stops(t, v, dt_s, ECO_ROUTE_ARRIVE_M); /* a place from the map, not odometry */
}
