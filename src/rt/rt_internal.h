/* The core's state (core.c, swap.c), and the live loop's two helper threads, shared by
 * src/rt/loop.c (the loop thread) and src/rt/threads.c. The loop thread only pushes into the
 * writer's ring and reads and swaps atomics of the helper; everything that blocks, prints, frees or
 * talks netlink runs in one of these threads. */
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
    const eco_rt *rt;               /* the core reloaded (its configuration is read only) */
    _Atomic(eco_rt_swap *) pending; /* made by the helper, taken by the loop */
    _Atomic(eco_rt_swap *) retired; /* put by the loop (the replaced), destroyed by the helper */
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

/* Loop thread, between steps: newly built controllers to install, or NULL. Only handed out
 * when the previous replaced ones have been destroyed, so one slot is enough. */
eco_rt_swap *eco_rt_helper_take(eco_rt_helper *h);

/* Loop thread: hand over what eco_rt_swap_install replaced, to destroy. */
void eco_rt_helper_retire(eco_rt_helper *h, eco_rt_swap *old);

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
/* That route MPC alone (allocates: not for the real-time step), NULL with eco_last_error. */
eco_mpc_route_ws *eco_rt_hz_route_make_ws(const eco_vehicle *veh, double dt_s,
                                          const eco_mpc_route_settings *s,
                                          const eco_mpc_weights *w);
/* Plan on ws from the next period (the window made on it afresh); returns the one replaced,
 * for the caller to free off the real-time path. */
eco_mpc_route_ws *eco_rt_hz_route_swap_ws(eco_rt_hz_route *r, eco_mpc_route_ws *ws);
void eco_rt_hz_route_free(eco_rt_hz_route *r);
/* The horizon is not valid: the window is made afresh when it is again. */
void eco_rt_hz_route_drop(eco_rt_hz_route *r);
/* One period on a valid horizon h, the car at speed_mps: the window (made again if need
 * be), the car on it, the MPC located. ECO_OK, or ECO_ERANGE when the rows do not make a
 * window (the caller previews the set speed). No allocation. */
int eco_rt_hz_route_step(eco_rt_hz_route *r, const eco_hz *h, double speed_mps, double dt_s,
                         double soc_target);

/* The core (core.c; swap.c replaces its controllers). */
struct eco_rt {
    eco_rt_config cfg;
    eco_controller *ctl;      /* the one stepped: base_ctl, or the route MPC on the horizon */
    eco_controller *base_ctl; /* the one made for the core (set speed or route file) */
    eco_can_rx *rx;
    uint8_t *msg_required; /* per DBC message: 1 if it carries a required input */
    eco_observation obs;
    eco_preview pv;
    eco_rt_stats st;
    int64_t period_ns;
    uint8_t counter; /* E2E counter of the next EcoSetpoint */
    int last_valid;
    int ctl_warm;        /* the controller stepped without a fault on the last step */
    int garbage_pending; /* a frame of a required message was rejected since the last step */
    double prev_speed_mps;
    int have_prev_speed;
    /* the electronic horizon (horizon.h): kept and reported, and planned on by the route
     * MPC of hzr while it is valid */
    int have_hz, hz_state, have_hzr;
    eco_rt_hz_route hzr;
    eco_hz_signals hz_sig;
    int hz_status_sig[3]; /* EcoHorizonState, EcoHorizonReceived, EcoHorizonRejected or -1 */
    eco_hz hz;
    eco_rt_route_track trk;    /* route mode */
    int64_t odo_t_ns;          /* when trk last moved on by odometry; INT64_MIN not yet */
    int reason_sig;            /* EcoReason (EcoStatus2) or -1 */
    eco_rt_brake_layout brake; /* EcoBrake, msg -1 when the DBC lacks it */
    uint8_t brake_counter;
    double brake_cmd; /* the last valid step's friction brake, 0..1 */
};

#endif
