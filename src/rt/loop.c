/* The live loop: the event loop (common's eco_evloop) over the CAN socket and one periodic
 * timer on the control period's absolute CLOCK_MONOTONIC grid; status at 1 Hz. The loop
 * thread reads frames, steps, sends, and pushes log records; the writer and the helper
 * threads (threads.c) do the printing, file I/O, reloads, frees and link supervision. */
#include "ecodrive/evloop.h"
#include "ecodrive/units.h"
#include "rt_internal.h"

#include <string.h>

#define DRAIN_MAX 256 /* frames read per wake-up, so a flood cannot hold off a step */

typedef struct {
    eco_rt *rt;
    eco_can_sock *sock;
    const eco_rt_live_opts *o;
    eco_rt_log_queue *q;
    eco_rt_helper *h;
    int rx_err, tx_err; /* an error event was pushed: once until the next success */
    unsigned last_faults;
    long invalid_run, steps;
    int ran_over;               /* the last step ended after the next deadline */
    int64_t ran_over_by_ns;     /* by how much */
    int64_t wall_minus_mono_ns; /* at start: the log's times are the core's, on the wall clock */
} live;

/* A frame into the log at the core's time t_ns (CLOCK_MONOTONIC) on the wall clock: a frame
 * received at the time the core got it, a step's frames at the step's time, so that a replay
 * (--logged-steps) sees the same ages of inputs as the live core did. */
static void log_frame(live *L, uint8_t kind, const eco_can_frame *f, int64_t t_ns)
{
    eco_rt_log_push_frame(L->q, kind, f, (t_ns + L->wall_minus_mono_ns) / ECO_NS_PER_US);
}

/* Read every pending frame (at most DRAIN_MAX) into the core. */
static void drain(live *L)
{
    for (int i = 0; i < DRAIN_MAX; i++) {
        eco_can_frame f;
        int got = 0;
        if (eco_can_sock_read(L->sock, &f, &got) != ECO_OK) {
            if (!L->rx_err)
                eco_rt_log_push(L->q, ECO_RT_REC_EVENT, ECO_RT_EV_RXERR, NULL, L->sock->last_errno,
                                0, NULL);
            L->rx_err = 1;
            return;
        }
        if (!got)
            return;
        L->rx_err = 0;
        int64_t now = eco_clock_ns(CLOCK_MONOTONIC);
        eco_rt_frame(L->rt, &f, now);
        log_frame(L, ECO_RT_REC_RX, &f, now);
    }
}

static void on_frames(eco_evloop *el, int fd, void *ctx)
{
    (void)el;
    (void)fd;
    drain(ctx);
}

/* Send a frame of the step at t_ns. */
static void send_frame(live *L, const eco_can_frame *f, int64_t t_ns)
{
    if (eco_can_sock_write(L->sock, f) == ECO_OK) {
        L->tx_err = 0;
        log_frame(L, ECO_RT_REC_TX, f, t_ns);
        return;
    }
    if (!L->tx_err)
        eco_rt_log_push(L->q, ECO_RT_REC_EVENT, ECO_RT_EV_TXERR, NULL, L->sock->last_errno, 0,
                        NULL);
    L->tx_err = 1;
}

static void push_inputs(live *L, unsigned faults)
{
    const eco_observation *o = eco_rt_last_observation(L->rt);
    double v[ECO_CAN_IN_COUNT];
#define ECO_OBS_BUS(member, NAME, key, unit, type, need) v[ECO_CAN_IN_##NAME] = o->member;
#include "ecodrive/observation.def"
    eco_rt_log_push(L->q, ECO_RT_REC_EVENT, ECO_RT_EV_INPUTS, NULL, faults, 0, v);
}

/* Deadlines that passed without a step of their own, from the timer's expiration count:
 * after a step that ran past the next deadline, every expiration since (that one started
 * late, the rest were skipped); else all but the one this step is for (a late wake-up). */
static void count_overruns(live *L, const eco_evloop_tick *t)
{
    uint64_t missed = L->ran_over ? t->expirations : t->expirations - 1;
    if (!missed)
        return;
    eco_rt_note_overruns(L->rt, (unsigned)missed);
    /* late: past the next deadline, or from the first deadline that had no wake-up */
    int64_t late_ns = L->ran_over ? L->ran_over_by_ns
                                  : eco_clock_ns(CLOCK_MONOTONIC) -
                                        (t->deadline_ns - (int64_t)missed * t->period_ns);
    eco_rt_log_push(L->q, ECO_RT_REC_EVENT, L->ran_over ? ECO_RT_EV_OVERRUN : ECO_RT_EV_LATE_WAKE,
                    NULL, (int64_t)missed, late_ns / ECO_NS_PER_US, NULL);
}

/* After a step: events on fault transitions, a reload asked for or ready. */
static void housekeeping(live *L, unsigned faults)
{
    if (faults && faults != L->last_faults)
        eco_rt_log_push(L->q, ECO_RT_REC_EVENT, ECO_RT_EV_INVALID, NULL, faults,
                        eco_rt_stats_get(L->rt)->first_fault_field, NULL);
    if (!faults && L->last_faults && L->invalid_run > 0)
        eco_rt_log_push(L->q, ECO_RT_REC_EVENT, ECO_RT_EV_VALID, NULL, L->invalid_run, 0, NULL);
    L->invalid_run = faults ? L->invalid_run + 1 : 0;
    L->last_faults = faults;
    if (*L->o->hup) {
        *L->o->hup = 0;
        eco_rt_helper_request_reload(L->h);
    }
    eco_rt_swap *fresh = eco_rt_helper_take(L->h);
    if (fresh) { /* after the step's frame is out; the helper destroys the old ones */
        eco_rt_swap_install(L->rt, fresh);
        eco_rt_helper_retire(L->h, fresh);
        eco_rt_log_push(L->q, ECO_RT_REC_EVENT, ECO_RT_EV_SWAPPED, NULL, 0, 0, NULL);
    }
}

/* One control period: the frames that came since the last wake-up, the step, its frame,
 * every ECO_RT_STATUS_PERIODS the status (and with --verbose the inputs). */
static void on_period(eco_evloop *el, int timer, const eco_evloop_tick *t, void *ctx)
{
    (void)el;
    (void)timer;
    live *L = ctx;
    count_overruns(L, t);
    drain(L);
    eco_can_frame sp;
    int64_t now = eco_clock_ns(CLOCK_MONOTONIC);
    unsigned faults = eco_rt_step(L->rt, now, &sp);
    eco_can_frame brake; /* first: a car that acts on the setpoint has the brake beside it */
    if (eco_rt_brake_frame(L->rt, &brake) != ECO_ENOENT)
        send_frame(L, &brake, now);
    send_frame(L, &sp, now);
    if (++L->steps % ECO_RT_STATUS_PERIODS == 0) {
        eco_can_frame st;
        if (eco_rt_status(L->rt, &st) == ECO_OK)
            send_frame(L, &st, now);
        if (eco_rt_horizon_status(L->rt, &st) == ECO_OK)
            send_frame(L, &st, now);
        if (L->o->verbose)
            push_inputs(L, faults);
    }
    housekeeping(L, faults);
    int64_t over = eco_clock_ns(CLOCK_MONOTONIC) - (t->deadline_ns + t->period_ns);
    L->ran_over = over > 0;
    L->ran_over_by_ns = over;
}

/* The loop over an event loop built for it; returns ECO_OK or ECO_EIO. */
static int run_loop(live *L, int64_t period)
{
    eco_evloop *el = NULL;
    int timer = -1;
    int rc = eco_evloop_create(&el);
    if (rc == ECO_OK)
        rc = eco_evloop_add_fd(el, L->sock->fd, on_frames, L);
    if (rc == ECO_OK)
        rc = eco_evloop_add_timer(el, on_period, L, &timer);
    if (rc == ECO_OK)
        rc = eco_evloop_timer_arm(el, timer, eco_clock_ns(CLOCK_MONOTONIC) + period, period);
    if (rc == ECO_OK && eco_evloop_run(el, L->o->stop) != ECO_OK) {
        eco_set_error("event loop: epoll_wait failed");
        rc = ECO_EIO;
    }
    eco_evloop_free(el);
    return rc == ECO_OK ? ECO_OK : ECO_EIO;
}

int eco_rt_run_live(eco_rt *rt, eco_can_sock *sock, const eco_rt_live_opts *o)
{
    static eco_rt_log_queue q; /* large ring: static, the daemon runs one loop */
    static eco_rt_helper h;
    memset(&q, 0, sizeof q);
    memset(&h, 0, sizeof h);
    h.rt = rt;
    const int64_t period = eco_rt_period_ns(eco_rt_config_get(rt));
    int rc = eco_rt_threads_start(&q, &h, sock, o, period);
    if (rc != ECO_OK)
        return rc;
    live L = {.rt = rt,
              .sock = sock,
              .o = o,
              .q = &q,
              .h = &h,
              .wall_minus_mono_ns = eco_clock_ns(CLOCK_REALTIME) - eco_clock_ns(CLOCK_MONOTONIC)};
    rc = run_loop(&L, period);
    if (L.ran_over) { /* the last step's overrun, which no later wake-up counts */
        eco_rt_note_overruns(rt, 1);
        eco_rt_log_push(&q, ECO_RT_REC_EVENT, ECO_RT_EV_OVERRUN, NULL, 1,
                        L.ran_over_by_ns / ECO_NS_PER_US, NULL);
    }
    eco_can_frame last;
    eco_rt_shutdown_frame(rt, &last);
    eco_can_frame brake;
    int64_t now = eco_clock_ns(CLOCK_MONOTONIC);
    if (eco_rt_brake_frame(rt, &brake) != ECO_ENOENT)
        send_frame(&L, &brake, now);
    send_frame(&L, &last, now);
    eco_rt_threads_stop(&q, &h);
    return rc;
}
