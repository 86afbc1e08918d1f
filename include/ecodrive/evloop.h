/* The event loop (common), after redis ae.c: epoll over file descriptors and timers, each
 * timer a timerfd on CLOCK_MONOTONIC armed at absolute deadlines (TFD_TIMER_ABSTIME), so a
 * periodic timer keeps its grid (first + k period: no drift) however late its callbacks
 * run, and the kernel counts the deadlines that passed (the expirations) for the overrun
 * count. Used by the daemon's live loop (src/rt/loop.c) and by `ecosim bus` (sim/cmd_bus.c).
 *
 * Create, add and free are init time (one allocation in create); run, arm, disarm and stop
 * allocate nothing and print nothing. One thread runs a loop; callbacks run in it. */
#ifndef ECODRIVE_EVLOOP_H
#define ECODRIVE_EVLOOP_H

#include <signal.h>
#include <stdint.h>

#define ECO_EVLOOP_MAX 32 /* file descriptors and timers of one loop, together */

typedef struct eco_evloop eco_evloop;

/* What a timer callback is told about the deadlines it fires for. */
typedef struct {
    uint64_t expirations; /* deadlines passed since it last fired (the timerfd count), >= 1;
                             more than 1: expirations - 1 of them had no callback of their own */
    int64_t deadline_ns;  /* the latest of them, CLOCK_MONOTONIC ns (first + k period) */
    int64_t period_ns;    /* 0 for a one-shot timer */
} eco_evloop_tick;

/* fd is readable (level-triggered: called again while it stays readable). */
typedef void (*eco_evloop_fd_fn)(eco_evloop *el, int fd, void *ctx);
/* timer (the id eco_evloop_add_timer gave) reached tick->deadline_ns. */
typedef void (*eco_evloop_timer_fn)(eco_evloop *el, int timer, const eco_evloop_tick *tick,
                                    void *ctx);

/* A loop with no fd and no timer. Returns ECO_OK, ECO_ENOMEM, or ECO_EIO (epoll_create1,
 * with eco_last_error()). */
int eco_evloop_create(eco_evloop **el);

/* Close every timer the loop made and free it (NULL allowed). The fds added stay open. */
void eco_evloop_free(eco_evloop *el);

/* Call fn(el, fd, ctx) whenever fd is readable. Returns ECO_OK; ECO_EINVAL if the loop is
 * full (ECO_EVLOOP_MAX); ECO_EIO if epoll refuses fd (eco_last_error() says why). */
int eco_evloop_add_fd(eco_evloop *el, int fd, eco_evloop_fd_fn fn, void *ctx);

/* A timer, disarmed, whose deadlines call fn(el, *timer, tick, ctx). Returns ECO_OK,
 * ECO_EINVAL (loop full), ECO_EIO (timerfd_create or epoll, eco_last_error()). */
int eco_evloop_add_timer(eco_evloop *el, eco_evloop_timer_fn fn, void *ctx, int *timer);

/* Arm a timer: first deadline at first_ns (absolute, CLOCK_MONOTONIC; in the past fires at
 * once), then every period_ns (0: once). Re-arming forgets the old schedule and any
 * expirations not yet handed to the callback. Returns ECO_OK, or ECO_EINVAL (no such timer,
 * first_ns <= 0 or period_ns < 0) or ECO_EIO (timerfd_settime). */
int eco_evloop_timer_arm(eco_evloop *el, int timer, int64_t first_ns, int64_t period_ns);

/* Stop a timer until it is armed again. Returns ECO_OK, ECO_EINVAL or ECO_EIO. */
int eco_evloop_timer_disarm(eco_evloop *el, int timer);

/* Wait for events and call their callbacks until eco_evloop_stop is called from one, or
 * *stop (NULL: none) is set: by a signal handler, whose signal interrupts the wait.
 * Returns ECO_OK when stopped, ECO_EIO if epoll_wait fails otherwise. */
int eco_evloop_run(eco_evloop *el, volatile sig_atomic_t *stop);

/* Make eco_evloop_run return after the callback that calls this. Events not yet handled
 * stay pending (level-triggered) for the next run. */
void eco_evloop_stop(eco_evloop *el);

#endif
