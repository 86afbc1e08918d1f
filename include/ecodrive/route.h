/* A route: the road ahead indexed by distance (speed limits, grade, stops), and the
 * human-like driver that drives it (the Intelligent Driver Model). Pure: no I/O, no
 * allocation after eco_route_init (DESIGN.md: control must not know about files; the CSV
 * reader is eco_cfg_route_load in config.h). One model serves ecosim and the car. */
#ifndef ECODRIVE_ROUTE_H
#define ECODRIVE_ROUTE_H

#include "ecodrive/model.h"

#include <stddef.h>

/* Largest grade a route may carry, as rise/run (issue 9's check: +-0.3). */
#define ECO_ROUTE_GRADE_MAX 0.3

/* Arrived at a stop: within a metre of its point and still (0.36 km/h); ours, a car length's
 * fifth, enough for the IDM's arrive_m and any controller that stops at the point. The
 * simulator's runner and the daemon's route tracking judge arrival alike. */
#define ECO_ROUTE_ARRIVE_M    1.0
#define ECO_ROUTE_ARRIVED_MPS 0.1

/* A car standing still at most this far short of a stop has arrived at it, when its place
 * comes from odometry alone (ours): the daemon's on a route file counts the speed up from the
 * last stop, in 0.01 m/s steps sampled once a period at times the bus makes late, and it
 * drifts metres over a few km (more with a speedometer's own error). The simulator's runner,
 * judging where the car stands, accepts it too once the car has stood there a while. */
#define ECO_ROUTE_STAND_SHORT_M 10.0

/* One row: from distance_m onward (until the next row) the limit and the grade apply.
 * stop_s > 0: the car must stand still at distance_m for that long. The last row marks
 * the route's end, where the car comes to rest (its stop_s is the dwell there). */
typedef struct {
    double distance_m;
    double limit_mps;
    double grade_rad; /* atan of rise/run */
    double stop_s;
    int source_line; /* where the row came from (a file's line), for messages; 0: none */
} eco_route_row;

typedef struct {
    char name[64];
    int n;
    eco_route_row *row;
    double *elevation_m; /* at each row's distance, from 0 at the start */
    double limit_max_mps;
} eco_route;

/* Check a row against the one before it (NULL for the first): distance increasing from 0,
 * limit finite and > 0, grade finite and within +-ECO_ROUTE_GRADE_MAX rise/run, stop_s
 * finite and >= 0. Returns ECO_OK, or ECO_EINVAL with the reason in why[0..n) (the caller
 * names the place). */
int eco_route_row_check(const eco_route_row *prev, const eco_route_row *row, char *why, size_t n);

/* Copy n >= 2 checked rows into a new route (eco_malloc'd; release with eco_route_free).
 * Returns ECO_OK; ECO_EINVAL (eco_last_error: "row K: reason") or ECO_ENOMEM. */
int eco_route_init(eco_route *r, const char *name, const eco_route_row *rows, int n);
void eco_route_free(eco_route *r);
/* The same into the caller's arrays of cap rows (rows may be row_buf itself), allocating
 * nothing (a moving window, made again each time: not for eco_route_free). ECO_OK,
 * ECO_EINVAL as eco_route_init, or ECO_ERANGE when n > cap. */
int eco_route_init_in(eco_route *r, const char *name, const eco_route_row *rows, int n,
                      eco_route_row *row_buf, double *elevation_buf, int cap);

/* Length of the route (the last row's distance), m. */
double eco_route_length_m(const eco_route *r);
/* Index of the row that applies at distance d (0 before the start, n - 1 at or past the
 * end). O(log n). */
int eco_route_row_at(const eco_route *r, double distance_m);
double eco_route_limit_mps(const eco_route *r, double distance_m);
double eco_route_grade_rad(const eco_route *r, double distance_m);
/* Height above the start, m: the integral of the grade (linear within a row). */
double eco_route_elevation_m(const eco_route *r, double distance_m);
/* The first stop strictly after distance_m, or at it when at_or_after is set: its row
 * index, with its distance and dwell time. The route's end counts as a stop (its dwell
 * may be 0). Returns -1 past the end. */
int eco_route_next_stop(const eco_route *r, double distance_m, int at_or_after, double *stop_at_m,
                        double *stop_s);
/* Number of stops the car makes: rows with stop_s > 0 before the end, plus the end. */
int eco_route_stops(const eco_route *r);
/* Sum of the dwell times, s. */
double eco_route_dwell_s(const eco_route *r);

/* The limit a driver keeps at distance_m who slows at decel_mps2 so as to reach each
 * lower limit ahead at its sign: min over the present limit and sqrt(L_j^2 + 2 b (d_j - d))
 * for the rows ahead within braking reach. */
double eco_route_limit_ahead_mps(const eco_route *r, double distance_m, double decel_mps2);
/* The limit-following reference at distance_m: the limit ahead, and no faster than the
 * comfortable braking curve sqrt(2 b gap) to the next stop (0 at a stop). */
double eco_route_envelope_mps(const eco_route *r, double distance_m, double decel_mps2);

/* The braking limit of the car on a level road: its friction brakes at full pedal over its
 * mass and the equivalent mass of what rotates, m/s^2. */
double eco_route_brake_decel_mps2(const eco_vehicle *veh);
/* Every stop reachable: the stretch of constant limit before each stop must be long enough
 * to brake from that limit to rest at the car's braking limit (on the stretch's steepest
 * descent). Returns ECO_OK, or ECO_EINVAL with eco_last_error naming the first stop that
 * is not ("stop 3 at 1200.0 m (line 14): ..."). */
int eco_route_check_stops(const eco_route *r, const eco_vehicle *veh);

/* The Intelligent Driver Model (Treiber, Hennecke and Helbing, Phys. Rev. E 62, 1805,
 * 2000): a human driver's acceleration from the speed, the desired speed, the gap to the
 * obstacle ahead and the closing speed. Parameters as the paper's Table I (highway). */
typedef struct {
    double accel_mps2; /* a: maximum acceleration */
    double decel_mps2; /* b: comfortable deceleration */
    double delta;      /* acceleration exponent */
    double gap_min_m;  /* s0: jam distance */
    double headway_s;  /* T: safe time headway */
    double arrive_m;   /* within this of a stop and nearly still: arrived (not in the paper) */
} eco_idm_params;

void eco_idm_params_default(eco_idm_params *p);
/* dv/dt = a [1 - (v / v0)^delta - (s*(v, dv) / s)^2], s* = s0 + v T + v dv / (2 sqrt(a b)).
 * gap_m <= 0 gives the strongest braking the formula allows (finite). */
double eco_idm_accel_mps2(const eco_idm_params *p, double speed_mps, double desired_mps,
                          double gap_m, double closing_mps);
/* The speed the driver aims at dt_s from now at distance_m on the route, driving to the stop
 * at stop_at_m (a standing obstacle there: the gap is measured to s0 past it, so the car
 * comes to rest at the stop point, not s0 short of it). Desired speed: the limit ahead.
 * Capped at the comfortable braking curve sqrt(2 b gap) to the stop and at the limit ahead
 * (the IDM alone overshoots a stop a little and a lowered limit by a lot). Never negative;
 * 0 once arrived. */
double eco_idm_target_mps(const eco_idm_params *p, const eco_route *r, double distance_m,
                          double speed_mps, double stop_at_m, double dt_s);

#endif
