/* The live loop: epoll over the CAN socket, absolute deadlines on CLOCK_MONOTONIC, status at
 * 1 Hz, SIGHUP reload in a helper thread, and a writer thread for the candump log and the
 * event lines, so that the loop thread itself never does file I/O or prints. */
#include "ecodrive/rt.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define SLEEP_MARGIN_NS  1500000LL /* the last stretch before a deadline is clock_nanosleep */
#define DRAIN_MAX        256       /* frames read per wake-up before the deadline is checked */
#define WRITER_PERIOD_NS 20000000L

enum { REC_RX, REC_TX, REC_EVENT };
enum { EV_INVALID, EV_VALID, EV_OVERRUN, EV_TXERR, EV_RXERR, EV_LINK, EV_SWAPPED, EV_INPUTS };

typedef struct {
    uint8_t kind;
    uint8_t event;
    int64_t t_real_us;
    eco_can_frame frame;
    int64_t a, b;               /* event arguments */
    double v[ECO_CAN_IN_COUNT]; /* EV_INPUTS: the observation, SI */
} log_rec;

/* Single-producer (the loop), single-consumer (the writer) ring. */
typedef struct {
    log_rec ring[ECO_RT_LOG_RING_ENTRIES];
    atomic_size_t head, tail;
    atomic_int stop;
    atomic_ulong dropped;
    FILE *fp; /* candump log or NULL */
    char iface[ECO_CAN_IFNAME_MAX];
    int quiet;
    pthread_t thread;
} log_queue;

typedef struct {
    eco_rt_reload_fn fn;
    void *ctx;
    sem_t request;
    atomic_int quit;
    _Atomic(eco_controller *) pending; /* made by the helper, taken by the loop */
    pthread_t thread;
} reloader;

static int64_t now_ns(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void push_v(log_queue *q, uint8_t kind, uint8_t event, const eco_can_frame *f, int64_t a,
                   int64_t b, const double *v)
{
    size_t h = atomic_load_explicit(&q->head, memory_order_relaxed);
    size_t t = atomic_load_explicit(&q->tail, memory_order_acquire);
    if (h - t >= ECO_RT_LOG_RING_ENTRIES) {
        atomic_fetch_add_explicit(&q->dropped, 1, memory_order_relaxed);
        return;
    }
    log_rec *r = &q->ring[h % ECO_RT_LOG_RING_ENTRIES];
    r->kind = kind;
    r->event = event;
    r->t_real_us = now_ns(CLOCK_REALTIME) / 1000; /* candump logs carry wall time */
    if (f)
        r->frame = *f;
    r->a = a;
    r->b = b;
    if (v)
        memcpy(r->v, v, sizeof r->v);
    atomic_store_explicit(&q->head, h + 1, memory_order_release);
}

static void push(log_queue *q, uint8_t kind, uint8_t event, const eco_can_frame *f, int64_t a,
                 int64_t b)
{
    push_v(q, kind, event, f, a, b, NULL);
}

static void print_event(const log_queue *q, const log_rec *r)
{
    if (q->quiet)
        return;
    switch (r->event) {
    case EV_INVALID: {
        unsigned faults = (unsigned)r->a;
        fprintf(stderr, "ecodrived: setpoint invalid:");
        for (unsigned bit = 1; bit <= ECO_RT_FAULT_SHUTDOWN; bit <<= 1)
            if (faults & bit)
                fprintf(stderr, " %s", eco_rt_fault_name(bit));
        if (r->b >= 0)
            fprintf(stderr, " (first: %s)", eco_can_in_field_name((eco_can_in_field)r->b));
        fprintf(stderr, "\n");
        break;
    }
    case EV_VALID:
        fprintf(stderr, "ecodrived: setpoint valid again after %lld invalid period(s)\n",
                (long long)r->a);
        break;
    case EV_OVERRUN:
        fprintf(stderr,
                "ecodrived: deadline overrun: %lld period(s) missed, step ended %lld us late\n",
                (long long)r->a, (long long)r->b);
        break;
    case EV_TXERR:
        fprintf(stderr, "ecodrived: %s: cannot send: %s\n", q->iface, strerror((int)r->a));
        break;
    case EV_RXERR:
        fprintf(stderr, "ecodrived: %s: read error: %s\n", q->iface, strerror((int)r->a));
        break;
    case EV_LINK:
        fprintf(stderr, "ecodrived: %s: link state %lld (0 active .. 3 bus-off)%s\n", q->iface,
                (long long)r->a, r->b ? ", restarted" : "");
        break;
    case EV_INPUTS:
        fprintf(stderr, "ecodrived: inputs:");
        for (int f = 0; f < ECO_CAN_IN_COUNT; f++)
            fprintf(stderr, " %s=%.4f", eco_can_in_field_name((eco_can_in_field)f), r->v[f]);
        fprintf(stderr, "; setpoint %s\n", r->a ? "invalid" : "valid");
        break;
    case EV_SWAPPED:
        fprintf(stderr, "ecodrived: new weights in use\n");
        break;
    }
}

static void write_rec(log_queue *q, const log_rec *r)
{
    if (r->kind == REC_EVENT) {
        print_event(q, r);
        return;
    }
    if (!q->fp)
        return;
    eco_can_log_entry e;
    memset(&e, 0, sizeof e);
    e.t_us = r->t_real_us;
    snprintf(e.iface, sizeof e.iface, "%s", q->iface);
    e.frame = r->frame;
    eco_can_log_write(q->fp, &e);
}

static void *writer_main(void *arg)
{
    log_queue *q = arg;
    for (;;) {
        int stopping = atomic_load(&q->stop);
        size_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);
        size_t h = atomic_load_explicit(&q->head, memory_order_acquire);
        for (; t != h; t++) {
            write_rec(q, &q->ring[t % ECO_RT_LOG_RING_ENTRIES]);
            atomic_store_explicit(&q->tail, t + 1, memory_order_release);
        }
        if (q->fp)
            fflush(q->fp);
        if (stopping)
            break;
        struct timespec ts = {0, WRITER_PERIOD_NS};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static void *reloader_main(void *arg)
{
    reloader *r = arg;
    for (;;) {
        while (sem_wait(&r->request) != 0 && errno == EINTR)
            ;
        if (atomic_load(&r->quit))
            break;
        char err[512] = "";
        eco_controller *ctl = NULL;
        int rc = r->fn(r->ctx, &ctl, err, sizeof err);
        if (rc != ECO_OK || !ctl) {
            fprintf(stderr, "ecodrived: SIGHUP: weights not reloaded, the old ones stay: %s\n",
                    err);
            continue;
        }
        eco_controller *older = atomic_exchange(&r->pending, ctl);
        if (older)
            older->destroy(older); /* never installed: a newer reload won */
        fprintf(stderr, "ecodrived: SIGHUP: weights loaded, in use from the next period\n");
    }
    return NULL;
}

/* Read every pending frame (at most DRAIN_MAX) into the core. */
static void drain(eco_rt *rt, eco_can_sock *sock, log_queue *q, int *rx_err_reported)
{
    for (int i = 0; i < DRAIN_MAX; i++) {
        eco_can_frame f;
        int got = 0;
        if (eco_can_sock_read(sock, &f, &got) != ECO_OK) {
            if (!*rx_err_reported)
                push(q, REC_EVENT, EV_RXERR, NULL, sock->last_errno, 0);
            *rx_err_reported = 1;
            return;
        }
        if (!got)
            return;
        *rx_err_reported = 0;
        eco_rt_frame(rt, &f, now_ns(CLOCK_MONOTONIC));
        push(q, REC_RX, 0, &f, 0, 0);
    }
}

/* Wait for the deadline: epoll for frames until shortly before it, then clock_nanosleep
 * TIMER_ABSTIME on CLOCK_MONOTONIC for the exact wake-up. Returns early if *stop. */
static void wait_deadline(eco_rt *rt, eco_can_sock *sock, int ep, log_queue *q, int64_t deadline,
                          const eco_rt_live_opts *o, int *rx_err)
{
    struct epoll_event ev[4];
    for (;;) {
        if (*o->stop)
            return;
        int64_t left = deadline - now_ns(CLOCK_MONOTONIC);
        if (left <= 0)
            return;
        if (left > SLEEP_MARGIN_NS) {
            int ms = (int)((left - SLEEP_MARGIN_NS) / 1000000LL) + 1;
            if (epoll_wait(ep, ev, 4, ms) > 0)
                drain(rt, sock, q, rx_err);
            continue;
        }
        struct timespec ts = {(time_t)(deadline / 1000000000LL), (long)(deadline % 1000000000LL)};
        if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == 0)
            return;
    }
}

static void send_frame(eco_can_sock *sock, log_queue *q, const eco_can_frame *f, int *tx_err)
{
    if (eco_can_sock_write(sock, f) == ECO_OK) {
        *tx_err = 0;
        push(q, REC_TX, 0, f, 0, 0);
        return;
    }
    if (!*tx_err)
        push(q, REC_EVENT, EV_TXERR, NULL, sock->last_errno, 0);
    *tx_err = 1;
}

static void check_link(eco_can_sock *sock, log_queue *q, int restart, int *last_state)
{
    eco_can_link link;
    if (sock->virtual_link || eco_can_link_get(sock, &link) != ECO_OK || sock->virtual_link)
        return;
    int restarted = 0;
    if (link.state == ECO_CAN_LINK_BUS_OFF && restart)
        restarted = eco_can_link_restart(sock) == ECO_OK;
    if ((int)link.state != *last_state)
        push(q, REC_EVENT, EV_LINK, NULL, link.state, restarted);
    *last_state = (int)link.state;
}

static int start_threads(log_queue *q, reloader *r, eco_can_sock *sock, const eco_rt_live_opts *o)
{
    snprintf(q->iface, sizeof q->iface, "%s", sock->iface);
    q->quiet = o->quiet;
    if (o->log_path && !(q->fp = fopen(o->log_path, "a"))) {
        eco_set_error("--log %s: %s", o->log_path, strerror(errno));
        return ECO_EIO;
    }
    /* The helpers block every signal, so SIGTERM/SIGHUP interrupt the loop's epoll_wait. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = ECO_OK;
    if (pthread_create(&q->thread, NULL, writer_main, q) != 0) {
        eco_set_error("cannot start the log writer thread");
        rc = ECO_EIO;
    }
    r->fn = rc == ECO_OK ? o->reload : NULL;
    r->ctx = o->reload_ctx;
    if (r->fn) {
        sem_init(&r->request, 0, 0);
        if (pthread_create(&r->thread, NULL, reloader_main, r) != 0) {
            eco_set_error("cannot start the reload thread");
            r->fn = NULL;
            rc = ECO_EIO;
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

static void stop_threads(log_queue *q, reloader *r)
{
    if (r->fn) {
        atomic_store(&r->quit, 1);
        sem_post(&r->request);
        pthread_join(r->thread, NULL);
        sem_destroy(&r->request);
        eco_controller *p = atomic_exchange(&r->pending, NULL);
        if (p)
            p->destroy(p);
    }
    atomic_store(&q->stop, 1);
    pthread_join(q->thread, NULL);
    unsigned long dropped = atomic_load(&q->dropped);
    if (dropped)
        fprintf(stderr, "ecodrived: %lu log entries dropped (writer too slow)\n", dropped);
    if (q->fp)
        fclose(q->fp);
}

static void push_inputs(log_queue *q, const eco_rt *rt, unsigned faults)
{
    const eco_observation *o = eco_rt_last_observation(rt);
    double v[ECO_CAN_IN_COUNT];
#define ECO_OBS_BUS(member, NAME, key, unit, type, need) v[ECO_CAN_IN_##NAME] = o->member;
#include "ecodrive/observation.def"
    push_v(q, REC_EVENT, EV_INPUTS, NULL, faults, 0, v);
}

/* After a step: events on fault transitions, a waiting reload, the link state. */
static void housekeeping(eco_rt *rt, eco_can_sock *sock, log_queue *q, reloader *r,
                         const eco_rt_live_opts *o, unsigned faults, unsigned *last_faults,
                         long *invalid_run)
{
    if (faults && faults != *last_faults)
        push(q, REC_EVENT, EV_INVALID, NULL, faults, eco_rt_stats_get(rt)->first_fault_field);
    if (!faults && *last_faults && *invalid_run > 0)
        push(q, REC_EVENT, EV_VALID, NULL, *invalid_run, 0);
    *invalid_run = faults ? *invalid_run + 1 : 0;
    *last_faults = faults;
    if (r->fn && *o->hup) {
        *o->hup = 0;
        sem_post(&r->request);
    }
    eco_controller *fresh = r->fn ? atomic_exchange(&r->pending, NULL) : NULL;
    if (fresh) {
        eco_controller *old = eco_rt_swap_controller(rt, fresh);
        old->destroy(old); /* after the step's frame is out */
        push(q, REC_EVENT, EV_SWAPPED, NULL, 0, 0);
    }
    (void)sock;
}

int eco_rt_run_live(eco_rt *rt, eco_can_sock *sock, const eco_rt_live_opts *o)
{
    static log_queue q; /* large ring: static, the daemon runs one loop */
    reloader r;
    memset(&q, 0, sizeof q);
    memset(&r, 0, sizeof r);
    int rc = start_threads(&q, &r, sock, o);
    int ep = rc == ECO_OK ? epoll_create1(EPOLL_CLOEXEC) : -1;
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = sock->fd};
    if (rc == ECO_OK && (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, sock->fd, &ev) < 0)) {
        eco_set_error("epoll: %s", strerror(errno));
        rc = ECO_EIO;
    }
    if (rc != ECO_OK) {
        atomic_store(&q.stop, 1);
        if (q.thread)
            stop_threads(&q, &r);
        return rc;
    }
    const int64_t period = eco_rt_period_ns(eco_rt_config_get(rt));
    int64_t next = now_ns(CLOCK_MONOTONIC) + period;
    int rx_err = 0, tx_err = 0, link_state = -1;
    unsigned last_faults = 0;
    long invalid_run = 0, k = 0;
    while (!*o->stop) {
        wait_deadline(rt, sock, ep, &q, next, o, &rx_err);
        if (*o->stop)
            break;
        drain(rt, sock, &q, &rx_err); /* what came during the final sleep */
        eco_can_frame sp;
        unsigned faults = eco_rt_step(rt, now_ns(CLOCK_MONOTONIC), &sp);
        send_frame(sock, &q, &sp, &tx_err);
        if (++k % ECO_RT_STATUS_PERIODS == 0) {
            eco_can_frame st;
            if (eco_rt_status(rt, &st) == ECO_OK)
                send_frame(sock, &q, &st, &tx_err);
            check_link(sock, &q, o->restart_bus_off, &link_state);
        }
        if (o->verbose && k % ECO_RT_STATUS_PERIODS == 0)
            push_inputs(&q, rt, faults);
        housekeeping(rt, sock, &q, &r, o, faults, &last_faults, &invalid_run);
        int64_t done = now_ns(CLOCK_MONOTONIC);
        next += period;
        if (done > next) { /* this period's work ran into the next one */
            int64_t missed = (done - next) / period + 1;
            eco_rt_note_overruns(rt, (unsigned)missed);
            push(&q, REC_EVENT, EV_OVERRUN, NULL, missed, (done - next) / 1000);
            next += (missed - 1) * period; /* stay on the grid: no drift */
        }
    }
    eco_can_frame last;
    eco_rt_shutdown_frame(rt, &last);
    send_frame(sock, &q, &last, &tx_err);
    close(ep);
    stop_threads(&q, &r);
    return ECO_OK;
}

int eco_rt_sched_fifo(int prio)
{
    int lo = sched_get_priority_min(SCHED_FIFO), hi = sched_get_priority_max(SCHED_FIFO);
    if (prio < lo || prio > hi) {
        eco_set_error("--sched-fifo %d: the priority must be in %d..%d", prio, lo, hi);
        return ECO_EINVAL;
    }
    struct sched_param sp = {.sched_priority = prio};
    if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0) {
        int e = errno;
        eco_set_error("--sched-fifo %d: %s%s", prio, strerror(e),
                      e == EPERM ? " (needs CAP_SYS_NICE or an RLIMIT_RTPRIO of at least the "
                                   "priority; the systemd unit grants CAP_SYS_NICE)"
                                 : "");
        return e == EPERM ? ECO_EIO : ECO_EINVAL;
    }
    return ECO_OK;
}

int eco_rt_pin_cpu(int cpu)
{
    long n = sysconf(_SC_NPROCESSORS_CONF);
    if (cpu < 0 || cpu >= CPU_SETSIZE || (n > 0 && cpu >= n)) {
        eco_set_error("--cpu %d: no such CPU (this machine has CPUs 0..%ld)", cpu, n - 1);
        return ECO_EINVAL;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
        int e = errno;
        eco_set_error("--cpu %d: %s%s", cpu, strerror(e),
                      e == EINVAL ? " (the CPU is offline or outside this process's cpuset)" : "");
        return e == EPERM ? ECO_EIO : ECO_EINVAL;
    }
    return ECO_OK;
}

int eco_rt_lock_memory(void)
{
    if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0) {
        int e = errno;
        eco_set_error("--mlockall: %s%s", strerror(e),
                      e == EPERM || e == ENOMEM
                          ? " (needs CAP_IPC_LOCK or an RLIMIT_MEMLOCK large enough; systemd: "
                            "LimitMEMLOCK=infinity)"
                          : "");
        return ECO_EIO;
    }
    return ECO_OK;
}
