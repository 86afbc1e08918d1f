/* The event loop: one epoll set over the added fds and one timerfd per timer. epoll's data
 * holds the handler's index, so an event finds its callback without a search. */
#include "ecodrive/evloop.h"

#include "ecodrive/common.h"
#include "ecodrive/units.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

typedef struct {
    int fd; /* the added fd, or the timer's timerfd */
    int is_timer;
    eco_evloop_fd_fn on_fd;
    eco_evloop_timer_fn on_timer;
    void *ctx;
    int64_t first_ns, period_ns; /* the timer's schedule */
    uint64_t fired;              /* expirations handed to the callback since it was armed */
} handler;

struct eco_evloop {
    int ep;
    int n;
    int stopped; /* set by eco_evloop_stop, from a callback */
    handler h[ECO_EVLOOP_MAX];
};

int eco_evloop_create(eco_evloop **out)
{
    *out = NULL;
    eco_evloop *el = eco_calloc(1, sizeof *el);
    if (!el) {
        eco_set_error("event loop: out of memory");
        return ECO_ENOMEM;
    }
    el->ep = epoll_create1(EPOLL_CLOEXEC);
    if (el->ep < 0) {
        eco_set_error("event loop: epoll_create1: %s", strerror(errno));
        eco_free(el);
        return ECO_EIO;
    }
    *out = el;
    return ECO_OK;
}

void eco_evloop_free(eco_evloop *el)
{
    if (!el)
        return;
    for (int i = 0; i < el->n; i++)
        if (el->h[i].is_timer)
            close(el->h[i].fd);
    close(el->ep);
    eco_free(el);
}

/* Watch fd for input as handler *index. */
static int add(eco_evloop *el, int fd, int *index)
{
    if (el->n == ECO_EVLOOP_MAX) {
        eco_set_error("event loop: more than %d fds and timers", ECO_EVLOOP_MAX);
        return ECO_EINVAL;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)el->n};
    if (epoll_ctl(el->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
        eco_set_error("event loop: cannot watch fd %d: %s", fd, strerror(errno));
        return ECO_EIO;
    }
    *index = el->n++;
    memset(&el->h[*index], 0, sizeof el->h[*index]);
    el->h[*index].fd = fd;
    return ECO_OK;
}

int eco_evloop_add_fd(eco_evloop *el, int fd, eco_evloop_fd_fn fn, void *ctx)
{
    int i;
    int rc = add(el, fd, &i);
    if (rc == ECO_OK) {
        el->h[i].on_fd = fn;
        el->h[i].ctx = ctx;
    }
    return rc;
}

int eco_evloop_add_timer(eco_evloop *el, eco_evloop_timer_fn fn, void *ctx, int *timer)
{
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (tfd < 0) {
        eco_set_error("event loop: timerfd_create: %s", strerror(errno));
        return ECO_EIO;
    }
    int rc = add(el, tfd, timer);
    if (rc != ECO_OK) {
        close(tfd);
        return rc;
    }
    el->h[*timer].is_timer = 1;
    el->h[*timer].on_timer = fn;
    el->h[*timer].ctx = ctx;
    return ECO_OK;
}

static struct timespec to_timespec(int64_t ns)
{
    struct timespec ts = {(time_t)(ns / ECO_NS_PER_S), (long)(ns % ECO_NS_PER_S)};
    return ts;
}

static int set_time(handler *t, int64_t first_ns, int64_t period_ns)
{
    struct itimerspec its = {to_timespec(period_ns), to_timespec(first_ns)};
    if (timerfd_settime(t->fd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
        return ECO_EIO;
    t->first_ns = first_ns;
    t->period_ns = period_ns;
    t->fired = 0;
    return ECO_OK;
}

int eco_evloop_timer_arm(eco_evloop *el, int timer, int64_t first_ns, int64_t period_ns)
{
    if (timer < 0 || timer >= el->n || !el->h[timer].is_timer || first_ns <= 0 || period_ns < 0)
        return ECO_EINVAL;
    return set_time(&el->h[timer], first_ns, period_ns);
}

int eco_evloop_timer_disarm(eco_evloop *el, int timer)
{
    if (timer < 0 || timer >= el->n || !el->h[timer].is_timer)
        return ECO_EINVAL;
    return set_time(&el->h[timer], 0, 0); /* an all-zero it_value disarms */
}

/* A timer's fd is readable: read the expirations and hand them to the callback. Nothing
 * to read (EAGAIN) means a callback re-armed or disarmed it since epoll_wait returned. */
static void fire(eco_evloop *el, int index)
{
    handler *t = &el->h[index];
    uint64_t n = 0;
    if (read(t->fd, &n, sizeof n) != (ssize_t)sizeof n || n == 0)
        return;
    t->fired += n;
    eco_evloop_tick tick = {n, t->first_ns + (int64_t)(t->fired - 1) * t->period_ns, t->period_ns};
    t->on_timer(el, index, &tick, t->ctx);
}

int eco_evloop_run(eco_evloop *el, volatile sig_atomic_t *stop)
{
    el->stopped = 0;
    while (!el->stopped && !(stop && *stop)) {
        struct epoll_event ev[ECO_EVLOOP_MAX];
        int n = epoll_wait(el->ep, ev, ECO_EVLOOP_MAX, -1);
        if (n < 0 && errno != EINTR)
            return ECO_EIO;
        for (int i = 0; i < n && !el->stopped; i++) {
            int k = (int)ev[i].data.u32;
            if (el->h[k].is_timer)
                fire(el, k);
            else
                el->h[k].on_fd(el, el->h[k].fd, el->h[k].ctx);
        }
    }
    return ECO_OK;
}

void eco_evloop_stop(eco_evloop *el)
{
    el->stopped = 1;
}
