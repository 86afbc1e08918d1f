/* The electronic horizon rebuilt from the bus (issue 10; docs/daemon.md section 9): the
 * attributes of the vehicle's path (speed limit, slope, stops) kept by distance ahead,
 * moved on between POSITION messages by odometry, and the road ahead read from them in the
 * route model's form (include/ecodrive/route.h rows). Pure: no I/O, no clock (every time is
 * passed in), no allocation (the buffer is part of the struct). Part of the rt module. */
#ifndef ECODRIVE_HORIZON_H
#define ECODRIVE_HORIZON_H

#include "ecodrive/can.h"
#include "ecodrive/route.h"

#include <stdint.h>

#define ECO_HZ_OFFSET_MOD     8191 /* ADASIS v2 offsets: 13 bits, 0..8190 cyclic */
#define ECO_HZ_OFFSET_INVALID 8191 /* ... and 8191 invalid (ADASIS v2 Protocol 2.0.3.0) */
#define ECO_HZ_CAP            256  /* attributes kept ahead of the car */
#define ECO_HZ_BACK_TOL_M     2.0  /* a POSITION may go back this far (map matching; ours) */
#define ECO_HZ_OFFSET_HALF_M  0.5  /* half the offsets' 1 m resolution (ADASIS v2) */
#define ECO_HZ_SLOPE_MAX_PCT  30.0 /* the route model's +-0.3 rise/run (route.h) */
#define ECO_HZ_STOP_UNKNOWN_S 1.0  /* dwell assumed when the map does not know it (ours) */
#define ECO_HZ_STOP_MIN_S     0.1  /* a stop is a stand-still, however short (ours) */
/* The path ends at the car: the rows' end this far on (they must increase), nearer than the
 * route MPC's merge distance of stops (0.2 m: one point with the stand-still at the car). */
#define ECO_HZ_END_AT_CAR_M 0.1

/* HzMsgType values (ADASIS v2 message types). */
enum {
    ECO_HZ_POSITION = 1,
    ECO_HZ_SEGMENT = 2,
    ECO_HZ_STUB = 3,
    ECO_HZ_PROFILE_SHORT = 4,
    ECO_HZ_PROFILE_LONG = 5,
    ECO_HZ_META_DATA = 6,
};

/* HzStopKind values. */
enum { ECO_HZ_STOP_SIGN = 1, ECO_HZ_STOP_SIGNAL = 2, ECO_HZ_STOP_QUEUE = 3, ECO_HZ_STOP_END = 4 };

/* Which preview the daemon uses (EcoHorizonState). */
typedef enum {
    ECO_HZ_STATE_NONE = 0,     /* no usable horizon yet (set speed) */
    ECO_HZ_STATE_VALID = 1,    /* the horizon from the bus */
    ECO_HZ_STATE_STALE = 2,    /* its last POSITION is older than the timeout (set speed) */
    ECO_HZ_STATE_REJECTED = 3, /* a frame was rejected within the timeout (set speed) */
    ECO_HZ_STATE_ROUTE = 4,    /* a route file (ecodrived --route) */
    ECO_HZ_STATE_NO_DBC = 5,   /* the DBC has no horizon message (set speed) */
} eco_hz_state;

/* One decoded horizon message, in the DBC's units. */
typedef struct {
    int type, path, offset; /* HzMsgType, HzPathIndex, HzOffset (raw metres) */
    double length_m;        /* POSITION: HzHorizonLength */
    int limit_kmh;          /* SEGMENT: HzSpeedLimit (raw; 255 unknown) */
    double slope_pct;       /* PROFILE SHORT: HzSlope */
    int stop_kind;          /* PROFILE LONG: HzStopKind */
    double stop_s;          /* PROFILE LONG: HzStopTime (6553.5 unknown) */
} eco_hz_msg;

/* The DBC signals of the horizon message (indices into eco_can_db.signals). */
typedef struct {
    int msg;
    int type, path, offset, length, limit, slope, stop_kind, stop_time;
} eco_hz_signals;

typedef struct {
    uint64_t received; /* frames handed to eco_hz_frame */
    uint64_t rejected; /* the sum of the rej_* below */
    uint64_t ignored;  /* STUB, META-DATA, other paths, unknown values, before any POSITION */
    uint64_t rej_short, rej_type, rej_offset, rej_backward, rej_limit, rej_slope, rej_stop;
    uint64_t full; /* attributes dropped because the buffer was full (the farthest go) */
} eco_hz_stats;

enum { ECO_HZ_LIMIT, ECO_HZ_GRADE, ECO_HZ_STOP };

typedef struct {
    double d_m;   /* unwrapped distance along the path */
    int kind;     /* ECO_HZ_LIMIT, ECO_HZ_GRADE, ECO_HZ_STOP */
    double value; /* limit m/s, grade rad, or dwell s */
    int end;      /* a stop: the end of the path */
} eco_hz_entry;

/* The horizon. Plain data: eco_hz_init, then frames and advances. */
typedef struct {
    int64_t timeout_ns; /* stale after this since the last POSITION; rejections hold as long */
    double time_scale;  /* vehicle seconds per second of the clock passed in (--speedup) */
    int have_pos, path;
    int pos_offset;       /* raw offset of the last POSITION */
    double anchor_m;      /* its unwrapped distance */
    double pos_m;         /* the car's distance: the anchor moved on by odometry */
    double end_m;         /* the attributes are known up to here */
    int64_t t_pos_ns;     /* time of the last POSITION */
    int64_t t_odo_ns;     /* time pos_m holds for */
    double odo_speed_mps; /* the speed of the last advance, carried on to a POSITION */
    int64_t t_reject_ns;  /* time of the last rejection, INT64_MIN none */
    int n;
    eco_hz_entry e[ECO_HZ_CAP]; /* ordered by distance */
    eco_hz_stats st;
} eco_hz;

/* Find the horizon signals by their names in models/ecodrive.dbc (EcoHorizon, HzMsgType,
 * ...). Returns ECO_OK, or ECO_ENOENT when the DBC has no horizon (the caller notes it and
 * uses the set-speed preview). Init time. */
int eco_hz_signals_find(const eco_can_db *db, eco_hz_signals *sig);

/* An empty horizon; staleness after timeout_ns of the clock passed in, odometry in vehicle
 * time = clock time x time_scale. */
void eco_hz_init(eco_hz *h, int64_t timeout_ns, double time_scale);

/* Decode a frame of the horizon message. Returns ECO_OK or ECO_EINVAL (too short). */
int eco_hz_decode(const eco_can_db *db, const eco_hz_signals *sig, const eco_can_frame *f,
                  eco_hz_msg *m);

/* Take one message at t_ns. Returns ECO_OK (used), ECO_ENOENT (ignored: STUB, META-DATA,
 * another path, an unknown value, a profile before any POSITION) or ECO_EINVAL (rejected
 * and counted: offset 8191, an unknown type, a POSITION that goes back more than
 * ECO_HZ_BACK_TOL_M on the same path, a limit of 0, a slope beyond ECO_HZ_SLOPE_MAX_PCT, an
 * unknown stop kind). A POSITION on a new path index starts an empty horizon there. */
int eco_hz_update(eco_hz *h, const eco_hz_msg *m, int64_t t_ns);

/* Decode and update; a frame too short counts as rejected. Returns as eco_hz_update. */
int eco_hz_frame(eco_hz *h, const eco_can_db *db, const eco_hz_signals *sig, const eco_can_frame *f,
                 int64_t t_ns);

/* Odometry: move the car on by speed_mps over the time since the last POSITION or advance,
 * and drop what lies behind it (the last limit and slope behind still apply). */
void eco_hz_advance(eco_hz *h, double speed_mps, int64_t t_ns);

/* The state at now_ns: NONE (no POSITION, or no limit known at the car), REJECTED, STALE
 * or VALID. */
eco_hz_state eco_hz_state_at(const eco_hz *h, int64_t now_ns);

/* The road ahead of the car in the route model's form: row 0 at distance 0 (the car) with
 * the limit and grade there, a row at each change and at each stop ahead (stop_s > 0), and
 * the last row at the end of what is known (the end of the path if it is known; else
 * end_m, dwell 0). Distances are from the car. A stop the car stands at (eco_hz_next_stop
 * at or behind it) is row 0's stop_s, as a route's stand-still before setting off (the
 * caller knows whether it has stood it out); when it is the path's end the rows are row 0
 * and the end ECO_HZ_END_AT_CAR_M on with dwell 0. Returns the number of rows (>= 2,
 * distances increasing), or 0 when no limit is known at the car or the rows do not fit
 * cap. */
int eco_hz_rows(const eco_hz *h, eco_route_row *rows, int cap);
/* The end of the path is within what is known (the rows' last is it, not the look-ahead's
 * edge). */
int eco_hz_end_known(const eco_hz *h);

/* The first stop ahead of the car (within the known horizon): its distance from the car
 * (negative, by up to 1 m, for a stop the car has just reached and stands at) and dwell;
 * returns 0 when none is known. */
int eco_hz_next_stop(const eco_hz *h, double *ahead_m, double *stop_s);

#endif
