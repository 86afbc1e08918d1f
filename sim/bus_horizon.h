/* The map ECU of `ecosim bus --route`: the electronic horizon of a route as the EcoHorizon
 * frames of models/ecodrive.dbc (docs/daemon.md section 9), as a navigation ECU sends them
 * with a limited look-ahead. Pure: the car's distance and the time are passed in; no I/O,
 * no allocation per call. */
#ifndef ECOSIM_BUS_HORIZON_H
#define ECOSIM_BUS_HORIZON_H

#include "ecodrive/can.h"
#include "ecodrive/horizon.h"
#include "ecodrive/route.h"

#include <stdint.h>

#define ECO_SIM_HZ_LOOKAHEAD_M 2000.0 /* issue 10's example of a map ECU's look-ahead */
#define ECO_SIM_HZ_PATH        1      /* the one path of a route (ours) */
/* Each attribute in the look-ahead is repeated once every this many POSITION cycles (1 s;
 * ours), spread over them; per cycle at most this many attributes that enter the look-ahead
 * and this many repeated (ours: they bound the bus load, docs/daemon.md section 9). */
#define ECO_SIM_HZ_REPEAT_CYCLES 10
#define ECO_SIM_HZ_NEW_MAX       32
#define ECO_SIM_HZ_REPEAT_MAX    8
#define ECO_SIM_HZ_FRAMES_MAX    (1 + ECO_SIM_HZ_NEW_MAX + ECO_SIM_HZ_REPEAT_MAX)

typedef struct {
    const eco_can_db *db;
    const eco_route *route;
    eco_hz_signals sig;
    int counter_sig;    /* HzCyclicCounter */
    double lookahead_m; /* HzHorizonLength */
    int64_t period_ns;  /* of POSITION: EcoHorizon's GenMsgCycleTime */
    int64_t t_next_ns;  /* the next cycle */
    int started;
    int next_new; /* the first attribute not yet sent: row * 3 + kind */
    int repeat;   /* the next attribute to repeat */
    unsigned cyclic;
    long frames[ECO_HZ_PROFILE_LONG + 1]; /* sent, by HzMsgType */
} eco_sim_hz_ecu;

/* The map ECU of route on the DBC db (both must outlive it), with its look-ahead. Returns
 * ECO_OK, or ECO_ENOENT (eco_last_error) when the DBC has no EcoHorizon. */
int eco_sim_hz_ecu_init(eco_sim_hz_ecu *e, const eco_can_db *db, const eco_route *route,
                        double lookahead_m);

/* The frames due at t_ns with the car at distance_m along the route: nothing between
 * cycles; at a cycle a POSITION, then the attributes (limit, slope, stop, the end of the
 * path) that entered the look-ahead, then the next few of those in it, repeated in turn.
 * Returns the number written to out. */
int eco_sim_hz_ecu_frames(eco_sim_hz_ecu *e, double distance_m, int64_t t_ns,
                          eco_can_frame out[ECO_SIM_HZ_FRAMES_MAX]);

#endif
