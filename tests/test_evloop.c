/* The event loop on the real clock: periodic timers fire on their absolute grid the right
 * number of times, late callbacks are told the deadlines they missed (the expiration
 * count), one-shot timers and re-arming, fd callbacks, and both ways to stop. Periods are
 * tens of ms, so the checks hold on a loaded machine: lateness is allowed, earliness not. */
#include "ecodrive/common.h"
#include "ecodrive/evloop.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000LL

typedef struct {
    int calls, stop_after;
    uint64_t expirations[16];
    int64_t deadline[16], woke[16];
} ticks;

static void on_tick(eco_evloop *el, int timer, const eco_evloop_tick *t, void *ctx)
{
    (void)timer;
    ticks *k = ctx;
    if (k->calls < 16) {
        k->expirations[k->calls] = t->expirations;
        k->deadline[k->calls] = t->deadline_ns;
        k->woke[k->calls] = eco_clock_ns(CLOCK_MONOTONIC);
    }
    if (++k->calls == k->stop_after)
        eco_evloop_stop(el);
}

static eco_evloop *make(void)
{
    eco_evloop *el;
    cr_assert_eq(eco_evloop_create(&el), ECO_OK, "%s", eco_last_error());
    return el;
}

/* A 20 ms timer calling fn from 20 ms on, run until fn stops the loop; returns its first
 * deadline. */
static int64_t run_every_20_ms(eco_evloop_timer_fn fn, ticks *k)
{
    eco_evloop *el = make();
    int t;
    cr_assert_eq(eco_evloop_add_timer(el, fn, k, &t), ECO_OK);
    int64_t first = eco_clock_ns(CLOCK_MONOTONIC) + 20 * MS;
    cr_assert_eq(eco_evloop_timer_arm(el, t, first, 20 * MS), ECO_OK);
    cr_assert_eq(eco_evloop_run(el, NULL), ECO_OK);
    eco_evloop_free(el);
    return first;
}

Test(evloop, periodic_timer_fires_on_its_absolute_grid)
{
    ticks k = {.stop_after = 5};
    int64_t first = run_every_20_ms(on_tick, &k);
    cr_expect_eq(k.calls, 5);
    for (int i = 0; i < 5; i++) {
        cr_expect_eq(k.deadline[i], first + i * 20 * MS, "tick %d on the grid: no drift", i);
        cr_expect_geq(k.woke[i], k.deadline[i], "tick %d never early", i);
        cr_expect_geq(k.expirations[i], 1u);
    }
}

static void on_slow_tick(eco_evloop *el, int timer, const eco_evloop_tick *t, void *ctx)
{
    on_tick(el, timer, t, ctx);
    ticks *k = ctx;
    if (k->calls == 1) { /* overrun: 2.5 periods of work */
        struct timespec ts = {0, 50 * MS};
        nanosleep(&ts, NULL);
    }
}

Test(evloop, a_late_callback_is_told_the_deadlines_it_missed)
{
    ticks k = {.stop_after = 3};
    int64_t first = run_every_20_ms(on_slow_tick, &k);
    /* the first call ends 50 ms after it began: the deadlines at +20 and +40 ms passed */
    cr_expect_geq(k.expirations[1], 2u, "missed deadlines counted: %lu",
                  (unsigned long)k.expirations[1]);
    cr_expect_eq(k.deadline[1], first + (int64_t)k.expirations[1] * 20 * MS,
                 "told the latest of them");
    cr_expect_eq(k.deadline[2], k.deadline[1] + 20 * MS, "then back on the grid");
}

Test(evloop, one_shot_timer_and_rearming)
{
    eco_evloop *el = make();
    ticks a = {.stop_after = 1}, b = {0};
    int ta, tb;
    cr_assert_eq(eco_evloop_add_timer(el, on_tick, &a, &ta), ECO_OK);
    cr_assert_eq(eco_evloop_add_timer(el, on_tick, &b, &tb), ECO_OK);
    int64_t now = eco_clock_ns(CLOCK_MONOTONIC);
    cr_assert_eq(eco_evloop_timer_arm(el, tb, now + 10 * MS, 0), ECO_OK);
    cr_assert_eq(eco_evloop_timer_arm(el, ta, now + 60 * MS, 0), ECO_OK);
    cr_assert_eq(eco_evloop_run(el, NULL), ECO_OK);
    cr_expect_eq(b.calls, 1, "a one-shot timer fires once");
    cr_expect_eq(b.deadline[0], now + 10 * MS);
    cr_expect_eq(a.calls, 1);
    /* re-armed, then disarmed before its deadline: it never fires */
    a.stop_after = 2;
    cr_assert_eq(eco_evloop_timer_arm(el, tb, now + 70 * MS, 0), ECO_OK);
    cr_assert_eq(eco_evloop_timer_disarm(el, tb), ECO_OK);
    cr_assert_eq(eco_evloop_timer_arm(el, ta, now + 100 * MS, 0), ECO_OK);
    cr_assert_eq(eco_evloop_run(el, NULL), ECO_OK);
    cr_expect_eq(b.calls, 1, "disarmed");
    cr_expect_eq(a.deadline[1], now + 100 * MS, "re-armed: the new schedule");
    cr_expect_eq(eco_evloop_timer_arm(el, 7, now, 0), ECO_EINVAL, "no such timer");
    eco_evloop_free(el);
}

typedef struct {
    int calls;
    char got[16];
} reader;

static void on_readable(eco_evloop *el, int fd, void *ctx)
{
    reader *r = ctx;
    ssize_t n = read(fd, r->got + r->calls, 1); /* one byte a call: level-triggered */
    cr_assert_eq(n, 1);
    if (++r->calls == 3)
        eco_evloop_stop(el);
}

Test(evloop, fd_callbacks_until_drained)
{
    eco_evloop *el = make();
    int p[2];
    cr_assert_eq(pipe(p), 0);
    reader r = {0};
    cr_assert_eq(eco_evloop_add_fd(el, p[0], on_readable, &r), ECO_OK);
    cr_assert_eq(write(p[1], "abc", 3), 3);
    cr_assert_eq(eco_evloop_run(el, NULL), ECO_OK);
    cr_expect_eq(r.calls, 3, "called again while data is left");
    cr_expect_eq(memcmp(r.got, "abc", 3), 0);
    eco_evloop_free(el);
    close(p[0]);
    close(p[1]);
}

static volatile sig_atomic_t stop_flag;

static void on_alarm(int sig)
{
    (void)sig;
    stop_flag = 1;
}

Test(evloop, a_signal_handlers_flag_stops_the_loop)
{
    eco_evloop *el = make();
    ticks k = {0};
    int t;
    cr_assert_eq(eco_evloop_add_timer(el, on_tick, &k, &t), ECO_OK);
    int64_t t0 = eco_clock_ns(CLOCK_MONOTONIC);
    cr_assert_eq(eco_evloop_timer_arm(el, t, t0 + 10000 * MS, 0), ECO_OK);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART: the signal interrupts epoll_wait */
    sigaction(SIGALRM, &sa, NULL);
    stop_flag = 0;
    alarm(1);
    cr_assert_eq(eco_evloop_run(el, &stop_flag), ECO_OK);
    int64_t took = eco_clock_ns(CLOCK_MONOTONIC) - t0;
    cr_expect(took >= 900 * MS && took < 5000 * MS,
              "stopped by the flag after %lld ms, long before the timer", (long long)(took / MS));
    cr_expect_eq(k.calls, 0);
    eco_evloop_free(el);
}
