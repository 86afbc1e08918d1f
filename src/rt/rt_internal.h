/* The live loop's two helper threads, shared by src/rt/loop.c (the loop thread) and
 * src/rt/threads.c. The loop thread only pushes into the writer's ring and reads and
 * swaps atomics of the helper; everything that blocks, prints, frees or talks netlink runs
 * in one of these threads. */
#ifndef ECODRIVE_RT_INTERNAL_H
#define ECODRIVE_RT_INTERNAL_H

#include "ecodrive/horizon.h"
#include "ecodrive/rt.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>

enum { ECO_RT_REC_RX, ECO_RT_REC_TX, ECO_RT_REC_EVENT };
enum {
    ECO_RT_EV_INVALID,   /* a: fault mask, b: first bad field or -1 */
    ECO_RT_EV_VALID,     /* a: invalid periods before */
    ECO_RT_EV_OVERRUN,   /* a: periods missed, b: us the step ran past the next deadline */
    ECO_RT_EV_LATE_WAKE, /* a: periods missed, b: us the wake-up came after its deadline */
    ECO_RT_EV_TXERR,     /* a: errno */
    ECO_RT_EV_RXERR,     /* a: errno */
    ECO_RT_EV_SWAPPED,
    ECO_RT_EV_INPUTS, /* a: fault mask; v: the observation's bus fields */
};

typedef struct {
    uint8_t kind;
    uint8_t event;
    int64_t t_real_us;
    eco_can_frame frame;
    int64_t a, b;               /* event arguments */
    double v[ECO_CAN_IN_COUNT]; /* ECO_RT_EV_INPUTS: the observation, SI */
} eco_rt_log_rec;

/* Single-producer (the loop), single-consumer (the writer) ring of frames and events. */
typedef struct {
    eco_rt_log_rec ring[ECO_RT_LOG_RING_ENTRIES];
    atomic_size_t head, tail;
    atomic_int stop;
    atomic_ulong dropped;
    FILE *fp; /* candump log or NULL */
    char iface[ECO_CAN_IFNAME_MAX];
    int quiet;
    pthread_t thread;
    int running;
} eco_rt_log_queue;

/* The helper: SIGHUP reloads, destroying replaced controllers, and the CAN link's state
 * and bus-off restart (libsocketcan: netlink round trips), every link_period_ns. */
typedef struct {
    eco_rt_reload_fn fn; /* NULL: no reload */
    void *ctx;
    eco_can_sock link; /* the interface's name for libsocketcan; no socket of its own */
    int restart_bus_off, quiet;
    int64_t link_period_ns;
    sem_t wake;
    atomic_int quit, reload_wanted;
    _Atomic(eco_controller *) pending; /* made by the helper, taken by the loop */
    _Atomic(eco_controller *) retired; /* put by the loop, destroyed by the helper */
    pthread_t thread;
    int running;
} eco_rt_helper;

/* Queue a frame (kind RX/TX) or an event; v: ECO_RT_EV_INPUTS' values or NULL. Never
 * blocks: a full ring drops the entry and counts it. Loop thread only. */
void eco_rt_log_push(eco_rt_log_queue *q, uint8_t kind, uint8_t event, const eco_can_frame *f,
                     int64_t a, int64_t b, const double *v);

/* Queue a frame (kind RX/TX) stamped t_real_us (wall clock, us) instead of now. */
void eco_rt_log_push_frame(eco_rt_log_queue *q, uint8_t kind, const eco_can_frame *f,
                           int64_t t_real_us);

/* Start both threads with every signal blocked in them (signals go to the loop thread).
 * Returns ECO_OK or ECO_EIO with eco_last_error(); on error nothing is left running. */
int eco_rt_threads_start(eco_rt_log_queue *q, eco_rt_helper *h, const eco_can_sock *sock,
                         const eco_rt_live_opts *o, int64_t period_ns);

/* Stop and join both (the writer after it has written everything queued). */
void eco_rt_threads_stop(eco_rt_log_queue *q, eco_rt_helper *h);

/* Loop thread: ask for a reload (SIGHUP). */
void eco_rt_helper_request_reload(eco_rt_helper *h);

/* Loop thread, between steps: a newly built controller to install, or NULL. Only handed out
 * when the previous replaced one has been destroyed, so one slot is enough. */
eco_controller *eco_rt_helper_take(eco_rt_helper *h);

/* Loop thread: hand over the controller eco_rt_swap_controller replaced, to destroy. */
void eco_rt_helper_retire(eco_rt_helper *h, eco_controller *old);

/* One line of decoded inputs (SI) after prefix, and whether the period's setpoint is valid
 * (faults 0): --verbose live (threads.c) and in --replay and --check (replay.c). */
void eco_rt_inputs_print(FILE *f, const char *prefix, const double v[ECO_CAN_IN_COUNT],
                         unsigned faults);

/* Where the car is on a route file (route_track.c), for the core. */
typedef struct {
    const eco_route *route;
    double x_m, prev_speed_mps;
    double stop_at_m, stop_s, dwell_left_s;
    int next_stop, dwelling, done;
} eco_rt_route_track;

void eco_rt_route_track_init(eco_rt_route_track *t, const eco_route *route);
/* One control period: integrate the observed speed over dt_s, then arrive, stand, leave. */
void eco_rt_route_track_step(eco_rt_route_track *t, double speed_mps, double dt_s);
/* The same with the car's place x_m given (the horizon's odometry; kept while it stands). */
void eco_rt_route_track_at(eco_rt_route_track *t, double x_m, double speed_mps, double dt_s);

/* The route MPC on the horizon from the bus (hz_route.c): a window of the road ahead in the
 * route model's form, made again when the horizon says something new about it or the car
 * has driven on REFRESH_M into the look-ahead; the car located on it as on a route file. */
#define ECO_RT_HZ_ROWS (ECO_HZ_CAP + 2)
typedef struct {
    eco_route win; /* the window: distances from where it was made */
    eco_route_row rows[ECO_RT_HZ_ROWS], fresh[ECO_RT_HZ_ROWS];
    double elev[ECO_RT_HZ_ROWS];
    eco_mpc_route_ws *ws;   /* the route MPC on the window (owned) */
    eco_rt_route_track trk; /* arrive, stand, leave on the window */
    double origin_m;        /* the horizon's distance of the window's 0 */
    double served_m;        /* the horizon's distance of the last stop stood out */
    int path, have_win, open_end;
    long windows; /* made since the start */
} eco_rt_hz_route;

/* The route MPC for the look-ahead the horizon can hold (ECO_HZ_CAP attributes over half
 * the offset cycle), for veh with settings s and weights w (NULL: defaults). Init time:
 * allocates. ECO_OK or ECO_ENOMEM/ECO_EINVAL with eco_last_error. */
int eco_rt_hz_route_init(eco_rt_hz_route *r, const eco_vehicle *veh, double dt_s,
                         const eco_mpc_route_settings *s, const eco_mpc_weights *w);
void eco_rt_hz_route_free(eco_rt_hz_route *r);
/* The horizon is not valid: the window is made afresh when it is again. */
void eco_rt_hz_route_drop(eco_rt_hz_route *r);
/* One period on a valid horizon h, the car at speed_mps: the window (made again if need
 * be), the car on it, the MPC located. ECO_OK, or ECO_ERANGE when the rows do not make a
 * window (the caller previews the set speed). No allocation. */
int eco_rt_hz_route_step(eco_rt_hz_route *r, const eco_hz *h, double speed_mps, double dt_s,
                         double soc_target);

#endif
