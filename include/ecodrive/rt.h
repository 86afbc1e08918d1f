/* The rt module: the fixed-rate control loop of ecodrived, its deadlines, overrun counting
 * and the fail-safe (DESIGN.md: "rt: the fixed-rate loop, deadlines, overrun counting,
 * fail-safe; must not allocate in the loop").
 *
 * Three layers:
 *  - the core (eco_rt_create/frame/step/...): decoded frames in, one setpoint frame out per
 *    control period. No I/O, no clock of its own except the solve timer: the caller gives
 *    every time. Unit-tested without a bus (tests/test_rt.c).
 *  - the live loop (eco_rt_run_live): the event loop (evloop.h) over the CAN socket and a
 *    periodic timer on absolute CLOCK_MONOTONIC deadlines, status at 1 Hz; a helper thread
 *    for SIGHUP reloads, destroying replaced controllers and the CAN link (libsocketcan),
 *    and a writer thread for the candump log and the event lines.
 *  - replay (eco_rt_replay): the core over a candump log, as fast as possible or paced in
 *    real time; bit-identical output for the same log.
 *
 * Fail-safe: a step sends EcoValid = 0 (throttle and regen 0) whenever a required input is
 * stale or outside its DBC range, a frame left a required signal holding garbage, the car
 * is not engaged (the mapping's "engaged" input false, stale or bad), the set speed is 0 or
 * not there, the controller fails, or its solve overran the budget; the next step whose inputs are
 * good sends a valid setpoint again (the controller is reset first). Times are CLOCK_MONOTONIC
 * nanoseconds in live mode, log time in replay. */
#ifndef ECODRIVE_RT_H
#define ECODRIVE_RT_H

#include "ecodrive/can.h"
#include "ecodrive/control.h"
#include "ecodrive/horizon.h"
#include "ecodrive/mpc_route.h"

#include <signal.h>
#include <stdint.h>

#define ECO_RT_PERIOD_NS        100000000LL /* 10 Hz control (issue 4) */
#define ECO_RT_STATUS_PERIODS   10          /* EcoStatus every 10 periods: 1 Hz */
#define ECO_RT_LOG_RING_ENTRIES 8192        /* frames and events buffered for the writer */

/* Why a step's setpoint is invalid: a bit mask (0 = valid). The engagement input (the
 * mapping's "engaged") counts as a required input for STALE, RANGE and GARBAGE, and sets
 * NOT_ENGAGED as well then. SHUTDOWN is the highest bit. */
enum {
    ECO_RT_FAULT_STALE = 1u << 0,        /* a required input is stale or was never received */
    ECO_RT_FAULT_RANGE = 1u << 1,        /* a required input is outside its DBC range */
    ECO_RT_FAULT_GARBAGE = 1u << 2,      /* a required input holds NaN/inf */
    ECO_RT_FAULT_SOLVER = 1u << 3,       /* the controller returned an error or invalid */
    ECO_RT_FAULT_OVERRUN = 1u << 4,      /* the solve took longer than its budget */
    ECO_RT_FAULT_ENCODE = 1u << 5,       /* the setpoint does not fit the DBC range */
    ECO_RT_FAULT_NOT_ENGAGED = 1u << 6,  /* the cruise/ACC is off, or its signal is bad */
    ECO_RT_FAULT_NO_SET_SPEED = 1u << 7, /* the set speed is 0 (or below), or not there */
    ECO_RT_FAULT_SHUTDOWN = 1u << 8,     /* the last frame sent at exit */
};

/* The one reason of a setpoint, as EcoReason carries it (models/ecodrive.dbc, EcoStatus2):
 * the most serious of its faults. The values are the DBC's VAL_ table: keep them. */
typedef enum {
    ECO_RT_REASON_OK = 0,
    ECO_RT_REASON_NOT_ENGAGED = 1,
    ECO_RT_REASON_NO_SET_SPEED = 2,
    ECO_RT_REASON_INPUT_STALE = 3,
    ECO_RT_REASON_INPUT_RANGE = 4,
    ECO_RT_REASON_INPUT_GARBAGE = 5,
    ECO_RT_REASON_SOLVER = 6,
    ECO_RT_REASON_OVERRUN = 7,
    ECO_RT_REASON_ENCODE = 8,
    ECO_RT_REASON_SHUTDOWN = 9,
    ECO_RT_REASON_COUNT
} eco_rt_reason;

/* The reason of a fault mask, most serious first: shutdown; a bad input (garbage, out of
 * range, stale: the daemon's or the bus's fault); not engaged; no set speed (the driver's
 * choice); then the controller's solver, overrun and encode faults (which only happen with
 * good inputs). 0 gives ECO_RT_REASON_OK. */
eco_rt_reason eco_rt_reason_of(unsigned faults);

/* Text of a reason ("not engaged", ...). */
const char *eco_rt_reason_name(eco_rt_reason r);

typedef struct {
    const eco_can_db *db;       /* the DBC; outlives the core */
    const eco_can_mapping *map; /* its mapping */
    const eco_vehicle *veh;     /* the vehicle the controller was made for */
    double dt_s;                /* controller period in vehicle time (0.1 s) */
    double speedup;             /* wall periods and staleness are divided by this (>= 1) */
    int64_t solve_budget_ns;    /* solve longer than this -> invalid; 0 = no check (replay) */
    double soc_target;          /* charge-sustaining target given to the controller */
    /* ecodrived --route: the route file and the route MPC made on it (whose controller is
     * the core's); the core tracks the car along it and locates the MPC before each step.
     * NULL: none. */
    const eco_route *route;
    eco_mpc_route_ws *route_mpc;
    /* With plan_horizon (the default) and veh set, the core makes a route MPC for a horizon
     * on the bus (when the DBC has EcoHorizon), with these settings and weights (NULL: the
     * defaults; copied at create). It plans whenever the horizon is valid, over a route
     * file too. */
    int plan_horizon;
    const eco_mpc_route_settings *route_settings;
    const eco_mpc_weights *weights;
} eco_rt_config;

/* Defaults: dt 0.1 s, speedup 1, budget half a period, SOC target from the vehicle, the
 * horizon planned on. */
void eco_rt_config_default(eco_rt_config *c, const eco_can_db *db, const eco_can_mapping *map,
                           const eco_vehicle *veh);

/* Wall (or log) control period of a configuration, ns: dt_s / speedup. */
int64_t eco_rt_period_ns(const eco_rt_config *c);

typedef struct {
    uint64_t steps, valid_steps, invalid_steps;
    uint64_t stale_steps;     /* steps with a stale required input (EcoFramesStale) */
    uint64_t range_steps;     /* steps with an out-of-range or garbage input */
    uint64_t solver_failures; /* controller errors, invalid results and overran solves */
    uint64_t overruns;        /* control periods that missed their deadline (the loop's) */
    uint64_t recoveries;      /* invalid -> valid transitions */
    double last_solve_us;
    unsigned faults;       /* of the last step: ECO_RT_FAULT_* */
    int first_fault_field; /* eco_can_in_field of the first bad input of the last step, -1 */
} eco_rt_stats;

typedef struct eco_rt eco_rt;

/* Make a core for cfg driving ctl (which it then owns and destroys in eco_rt_free).
 * Staleness timeouts are 3 x each signal's cycle time (the mapping's cycle_ms override
 * applied) divided by speedup. Init time: allocates. Returns ECO_OK, ECO_EINVAL (with
 * eco_last_error()), ECO_ENOMEM. */
int eco_rt_create(const eco_rt_config *cfg, eco_controller *ctl, eco_rt **rt);

/* Free the core and its controller (NULL allowed). */
void eco_rt_free(eco_rt *rt);

/* Hand one received frame to the core at t_ns. Frames of the core's own output messages
 * are ignored. Returns what eco_can_rx_frame returns (never fatal). Run time. */
int eco_rt_frame(eco_rt *rt, const eco_can_frame *f, int64_t t_ns);

/* One control step at now_ns: read the observation, run the controller, build the
 * EcoSetpoint frame (E2E counter and CRC) into *out. Returns the fault mask (0: a valid
 * setpoint was built). Allocates nothing, prints nothing. */
unsigned eco_rt_step(eco_rt *rt, int64_t now_ns, eco_can_frame *out);

/* The EcoStatus frame from the counters. Returns ECO_OK, or ECO_ENOENT if the mapping has
 * no status message. Run time. */
int eco_rt_status(eco_rt *rt, eco_can_frame *out);

/* The EcoStatus2 frame (was EcoHorizonStatus, id 0x202): the horizon state (eco_hz_state),
 * the horizon frames received and rejected, modulo 65536, and the last step's reason
 * (EcoReason, eco_rt_reason) when the DBC has it. ECO_OK, or ECO_ENOENT if the DBC lacks
 * EcoHorizonState. */
int eco_rt_horizon_status(eco_rt *rt, eco_can_frame *out);
/* The EcoBrake frame of the last step: the controller's friction brake with EcoBrakeValid 1 when
 * the step's EcoSetpoint was valid, else 0 and no brake; the live loop and --replay send it just
 * before that EcoSetpoint. ECO_OK; ECO_ENOENT if the DBC lacks EcoFrictionBrake (the brake stays
 * the driver's); ECO_ERANGE if the brake did not fit (sent with EcoBrakeValid 0). Run time. */
int eco_rt_brake_frame(eco_rt *rt, eco_can_frame *out);

/* The horizon state of the last step (an eco_hz_state value, horizon.h), and the horizon. */
int eco_rt_horizon_state(const eco_rt *rt);
const eco_hz *eco_rt_horizon(const eco_rt *rt);
/* Route mode: the car's distance on the route file and whether it stands at a stop. */
double eco_rt_route_distance_m(const eco_rt *rt, int *dwelling);

/* The frame sent at exit: EcoValid = 0 with a fresh counter and CRC. Returns ECO_OK. */
int eco_rt_shutdown_frame(eco_rt *rt, eco_can_frame *out);

/* Count n missed deadlines (the live loop calls it). */
void eco_rt_note_overruns(eco_rt *rt, unsigned n);

/* Install another controller between two steps and return the old one (the caller
 * destroys it outside the real-time step). Its state starts from a reset; a route MPC
 * replacing a route file's is located on the route from the next step. */
eco_controller *eco_rt_swap_controller(eco_rt *rt, eco_controller *ctl);

const eco_rt_stats *eco_rt_stats_get(const eco_rt *rt);
const eco_can_rx_stats *eco_rt_rx_stats(const eco_rt *rt);
/* The observation and preview of the last step (for tests and the decode check). */
const eco_observation *eco_rt_last_observation(const eco_rt *rt);
const eco_preview *eco_rt_last_preview(const eco_rt *rt);
const eco_controller *eco_rt_controller(const eco_rt *rt);
const eco_rt_config *eco_rt_config_get(const eco_rt *rt);

/* Text for one fault bit ("stale input", ...); "" for 0. */
const char *eco_rt_fault_name(unsigned fault_bit);

/* ---------------------------------------------------------------------------------------
 * The friction brake recommendation (EcoBrake), by its signal names in the DBC
 * ------------------------------------------------------------------------------------- */

typedef struct {
    int msg; /* DBC message index of EcoFrictionBrake and EcoBrakeValid; -1 none */
    int brake_sig, valid_sig;
} eco_rt_brake_layout;

/* Find the message. ECO_OK, or ECO_ENOENT (out->msg -1) if the DBC lacks either signal or they
 * are in different messages. Init time. */
int eco_rt_brake_layout_find(const eco_can_db *db, eco_rt_brake_layout *out);

/* The frame for brake (0..1 of the full brake force) and valid, E2E protected when the DBC
 * declares it (*counter written and advanced). A brake outside 0..1 or NaN goes out as no
 * recommendation (valid 0). ECO_OK, ECO_ERANGE (sent invalid), ECO_ENOENT (no layout). */
int eco_rt_brake_encode(const eco_rt_brake_layout *l, const eco_can_db *db, double brake, int valid,
                        uint8_t *counter, eco_can_frame *out);

/* The receiving car's side (E2E is the caller's, with eco_can_e2e_check): *brake 0..1 and
 * *valid. ECO_OK; ECO_ERANGE (outside the DBC range, values 0); ECO_EINVAL (another id, short,
 * NaN). */
int eco_rt_brake_decode(const eco_rt_brake_layout *l, const eco_can_db *db, const eco_can_frame *f,
                        double *brake, int *valid);

/* ---------------------------------------------------------------------------------------
 * Weights reload (SIGHUP): build a new controller off the real-time path.
 * ------------------------------------------------------------------------------------- */

/* Called in a helper thread: make a new controller or return an error (the message in
 * eco_last_error-style text written to err). The old controller is kept on error. */
typedef int (*eco_rt_reload_fn)(void *ctx, eco_controller **out, char *err, size_t err_size);

/* What a reload puts in: the new controller and, when the core plans on a horizon, a
 * route MPC made with that controller's weights for it. After eco_rt_swap_install it holds
 * the ones replaced. */
typedef struct {
    eco_controller *ctl;
    eco_mpc_route_ws *hz_ws;
} eco_rt_swap;

/* Off the real-time path (allocates): s->ctl given, make s->hz_ws if the core plans on a
 * horizon and s->ctl is an MPC (else NULL). ECO_OK or ECO_ENOMEM with eco_last_error. */
int eco_rt_swap_prepare(const eco_rt *rt, eco_rt_swap *s);
/* Between two steps (no allocation): install both, each from a reset (a route file's MPC
 * is located on the route from the next step; the horizon's window is made afresh), and
 * leave the replaced ones in *s. */
void eco_rt_swap_install(eco_rt *rt, eco_rt_swap *s);
/* Destroy what *s holds (off the real-time path). */
void eco_rt_swap_free(eco_rt_swap *s);

/* Reload synchronously: on success swap the new controller (and the horizon's route MPC with
 * its weights) in and destroy the old ones; on failure keep the old ones. Returns ECO_OK or
 * the reload function's error. Not for the real-time step (the live loop runs reload_fn and
 * eco_rt_swap_prepare in a thread and installs between steps). */
int eco_rt_reload(eco_rt *rt, eco_rt_reload_fn fn, void *ctx, char *err, size_t err_size);

/* ---------------------------------------------------------------------------------------
 * The live loop
 * ------------------------------------------------------------------------------------- */

typedef struct {
    const char *log_path;        /* candump log of every frame received and sent, or NULL */
    int restart_bus_off;         /* restart the controller after bus-off (libsocketcan) */
    eco_rt_reload_fn reload;     /* SIGHUP handler's work, or NULL (reload not supported) */
    void *reload_ctx;            /* its context */
    int quiet;                   /* no event lines on stderr */
    int verbose;                 /* also the decoded inputs (SI) once per status period */
    volatile sig_atomic_t *stop; /* set by SIGTERM/SIGINT handlers */
    volatile sig_atomic_t *hup;  /* set by the SIGHUP handler */
} eco_rt_live_opts;

/* Run on an open socket until *stop: drain frames as they arrive, step every period on
 * absolute CLOCK_MONOTONIC deadlines (no drift), send EcoStatus every ECO_RT_STATUS_PERIODS,
 * reload on *hup, and at the end send a last invalid setpoint. A deadline that passes
 * without its step on time (the step before ran past it, or the wake-up came a period
 * late) counts an overrun. The loop thread reads frames, steps, sends and queues log
 * records, nothing else: event lines (fault transitions, overruns, reloads) go to stderr
 * from the writer thread; reloads, freeing the replaced controller, the link state (every
 * ECO_RT_STATUS_PERIODS) and the bus-off restart happen in the helper thread.
 * Returns ECO_OK, or ECO_EIO (with eco_last_error()) if the loop could not start. */
int eco_rt_run_live(eco_rt *rt, eco_can_sock *sock, const eco_rt_live_opts *opts);

/* Process settings, each with a clear message in eco_last_error() on failure:
 * SCHED_FIFO at prio (ECO_EINVAL out of range, ECO_EIO not permitted), pin to one CPU
 * (ECO_EINVAL no such CPU), mlockall(MCL_CURRENT | MCL_FUTURE) (ECO_EIO). */
int eco_rt_sched_fifo(int prio);
int eco_rt_pin_cpu(int cpu);
int eco_rt_lock_memory(void);
/* Keep the CPUs out of idle states that take longer than us microseconds to leave (PM QoS,
 * /dev/cpu_dma_latency; 0: poll, never halt) for as long as the returned descriptor stays
 * open. -1 with eco_last_error() when it cannot (not root, no such device, us < 0). */
int eco_rt_hold_cpu_latency(int us);

/* ---------------------------------------------------------------------------------------
 * Replay
 * ------------------------------------------------------------------------------------- */

/* What a replay saw (issue 11's summary): filled step by step by eco_rt_replay. */
#define ECO_RT_N_FAULTS 9 /* the ECO_RT_FAULT_* bits */
typedef struct {
    uint64_t lines;                              /* log lines read */
    uint64_t steps, valid;                       /* control periods, valid setpoints */
    uint64_t invalid_by_fault[ECO_RT_N_FAULTS];  /* invalid periods with each fault bit */
    uint64_t invalid_by_field[ECO_CAN_IN_COUNT]; /* invalid periods by their first bad input
                                                    (stale, out of range or garbage) */
    uint64_t by_reason[ECO_RT_REASON_COUNT];     /* periods by their reason (EcoReason) */
} eco_rt_replay_summary;

/* The summary, as lines on f: frames read, decoded, unknown and rejected by cause (the
 * core's receive counters, and the lines of its own output ids, skipped), valid setpoints
 * in % and the reasons of the invalid ones: each fault, and the first bad input. */
void eco_rt_replay_summary_print(const eco_rt *rt, const eco_rt_replay_summary *s,
                                 const char *log_path, FILE *f);

typedef struct {
    int realtime;          /* pace frames and steps at the log's pace (clock_nanosleep) */
    int logged_steps;      /* step where the log's daemon did (its own brake or setpoint frames) */
    const char *out_iface; /* interface name in the output, NULL: the input's */
    int64_t *late_ns;      /* realtime: per step, wake-up lateness (caller's array), or NULL */
    long late_cap;         /* entries late_ns holds */
    long *n_late;          /* entries written */
    volatile sig_atomic_t *stop;    /* stop early when set (may be NULL) */
    eco_rt_replay_summary *summary; /* filled in when not NULL (zero it first) */
    FILE *inputs;                   /* the decoded inputs once a second here, or NULL */
} eco_rt_replay_opts;

/* Run the core over a candump log: step k happens at t_first + (k + 1) period of log time,
 * on the frames before it; with logged_steps instead at each frame of the core's brake or
 * setpoint message the log holds (the first of a brake-setpoint pair), so that a daemon's
 * --log replays with the inputs it stepped on. Each step's setpoint frame is written to out
 * at the step's time, in candump format. Frames with the ids of the core's own output messages are
 * skipped. The output depends only on the log (the solve budget is not checked).
 * Returns ECO_OK; ECO_ENOENT/ECO_EIO/ECO_EPARSE for the log (eco_last_error() names it);
 * ECO_EINVAL "LOG: the log is empty" for a log without a frame, or with logged_steps
 * without a setpoint frame. */
int eco_rt_replay(eco_rt *rt, const char *log_path, FILE *out, const eco_rt_replay_opts *opts);

#endif
