/* The live loop's helper threads: the writer (candump log and event lines, so the loop
 * thread never does file I/O or prints) and the helper (SIGHUP reloads, destroying replaced
 * controllers, the CAN link's state and bus-off restart: the work that blocks or frees). */
#include "rt_internal.h"

#include "ecodrive/common.h"
#include "ecodrive/units.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define WRITER_PERIOD_NS 20000000L /* the writer empties the ring 50 times a second */

static void push(eco_rt_log_queue *q, uint8_t kind, uint8_t event, const eco_can_frame *f,
                 int64_t a, int64_t b, const double *v, int64_t t_real_us)
{
    size_t h = atomic_load_explicit(&q->head, memory_order_relaxed);
    size_t t = atomic_load_explicit(&q->tail, memory_order_acquire);
    if (h - t >= ECO_RT_LOG_RING_ENTRIES) {
        atomic_fetch_add_explicit(&q->dropped, 1, memory_order_relaxed);
        return;
    }
    eco_rt_log_rec *r = &q->ring[h % ECO_RT_LOG_RING_ENTRIES];
    r->kind = kind;
    r->event = event;
    r->t_real_us = t_real_us;
    if (f)
        r->frame = *f;
    r->a = a;
    r->b = b;
    if (v)
        memcpy(r->v, v, sizeof r->v);
    atomic_store_explicit(&q->head, h + 1, memory_order_release);
}

void eco_rt_log_push(eco_rt_log_queue *q, uint8_t kind, uint8_t event, const eco_can_frame *f,
                     int64_t a, int64_t b, const double *v)
{
    push(q, kind, event, f, a, b, v, eco_clock_ns(CLOCK_REALTIME) / ECO_NS_PER_US);
}

void eco_rt_log_push_frame(eco_rt_log_queue *q, uint8_t kind, const eco_can_frame *f,
                           int64_t t_real_us)
{
    push(q, kind, 0, f, 0, 0, NULL, t_real_us);
}

static void print_invalid(const eco_rt_log_rec *r)
{
    unsigned faults = (unsigned)r->a;
    fprintf(stderr, "ecodrived: setpoint invalid:");
    for (unsigned bit = 1; bit <= ECO_RT_FAULT_SHUTDOWN; bit <<= 1)
        if (faults & bit)
            fprintf(stderr, " %s", eco_rt_fault_name(bit));
    if (r->b >= 0)
        fprintf(stderr, " (first: %s)", eco_can_in_field_name((eco_can_in_field)r->b));
    fprintf(stderr, "\n");
}

void eco_rt_inputs_print(FILE *f, const char *prefix, const double v[ECO_CAN_IN_COUNT],
                         unsigned faults)
{
    fputs(prefix, f);
    for (int i = 0; i < ECO_CAN_IN_COUNT; i++)
        fprintf(f, " %s=%.4f", eco_can_in_field_name((eco_can_in_field)i), v[i]);
    fprintf(f, "; setpoint %s\n", faults ? "invalid" : "valid");
}

static void print_event(const eco_rt_log_queue *q, const eco_rt_log_rec *r)
{
    long long a = (long long)r->a, b = (long long)r->b;
    switch (r->event) {
    case ECO_RT_EV_INVALID:
        print_invalid(r);
        break;
    case ECO_RT_EV_VALID:
        fprintf(stderr, "ecodrived: setpoint valid again after %lld invalid period(s)\n", a);
        break;
    case ECO_RT_EV_OVERRUN:
        fprintf(stderr,
                "ecodrived: deadline overrun: %lld period(s) missed, step ended %lld us late\n", a,
                b);
        break;
    case ECO_RT_EV_LATE_WAKE:
        fprintf(stderr, "ecodrived: deadline overrun: %lld period(s) missed, woke %lld us late\n",
                a, b);
        break;
    case ECO_RT_EV_TXERR:
        fprintf(stderr, "ecodrived: %s: cannot send: %s\n", q->iface, strerror((int)r->a));
        break;
    case ECO_RT_EV_RXERR:
        fprintf(stderr, "ecodrived: %s: read error: %s\n", q->iface, strerror((int)r->a));
        break;
    case ECO_RT_EV_INPUTS:
        eco_rt_inputs_print(stderr, "ecodrived: inputs:", r->v, (unsigned)r->a);
        break;
    case ECO_RT_EV_SWAPPED:
        fprintf(stderr, "ecodrived: new weights in use\n");
        break;
    }
}

static void write_rec(eco_rt_log_queue *q, const eco_rt_log_rec *r)
{
    if (r->kind == ECO_RT_REC_EVENT) {
        if (!q->quiet)
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
    eco_rt_log_queue *q = arg;
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

static void free_swap(eco_rt_swap *s)
{
    if (s)
        eco_rt_swap_free(s);
    eco_free(s);
}

static void reload(eco_rt_helper *h)
{
    char err[512] = "";
    eco_rt_swap *s = eco_calloc(1, sizeof *s);
    int rc = s ? h->fn(h->ctx, &s->ctl, err, sizeof err) : ECO_ENOMEM;
    if (rc == ECO_OK && !s->ctl)
        rc = ECO_EINVAL;
    if (rc == ECO_OK && (rc = eco_rt_swap_prepare(h->rt, s)) != ECO_OK)
        snprintf(err, sizeof err, "the horizon's route MPC: %s", eco_last_error());
    if (rc != ECO_OK) {
        fprintf(stderr, "ecodrived: SIGHUP: weights not reloaded, the old ones stay: %s\n",
                s ? err : "out of memory");
        free_swap(s);
        return;
    }
    free_swap(atomic_exchange(&h->pending, s)); /* never installed: a newer reload won */
    fprintf(stderr, "ecodrived: SIGHUP: weights loaded, in use from the next period\n");
}

/* The link's state, printed when it changes; bus-off restarts the controller if asked. */
static void check_link(eco_rt_helper *h, int *last_state)
{
    eco_can_link link;
    if (h->link.virtual_link || eco_can_link_get(&h->link, &link) != ECO_OK || h->link.virtual_link)
        return;
    int restarted = 0;
    if (link.state == ECO_CAN_LINK_BUS_OFF && h->restart_bus_off)
        restarted = eco_can_link_restart(&h->link) == ECO_OK;
    if ((int)link.state != *last_state && !h->quiet)
        fprintf(stderr, "ecodrived: %s: link state %d (0 active .. 3 bus-off)%s\n", h->link.iface,
                (int)link.state, restarted ? ", restarted" : "");
    *last_state = (int)link.state;
}

static void destroy_retired(eco_rt_helper *h)
{
    free_swap(atomic_exchange(&h->retired, NULL));
}

static void *helper_main(void *arg)
{
    eco_rt_helper *h = arg;
    int64_t next_link = eco_clock_ns(CLOCK_MONOTONIC) + h->link_period_ns;
    int link_state = -1;
    while (!atomic_load(&h->quit)) {
        struct timespec at = {(time_t)(next_link / ECO_NS_PER_S), (long)(next_link % ECO_NS_PER_S)};
        if (sem_clockwait(&h->wake, CLOCK_MONOTONIC, &at) != 0 && errno == EINTR)
            continue;
        destroy_retired(h);
        if (h->fn && atomic_exchange(&h->reload_wanted, 0))
            reload(h);
        if (eco_clock_ns(CLOCK_MONOTONIC) >= next_link) {
            check_link(h, &link_state);
            next_link += h->link_period_ns;
        }
    }
    destroy_retired(h);
    free_swap(atomic_exchange(&h->pending, NULL));
    return NULL;
}

void eco_rt_helper_request_reload(eco_rt_helper *h)
{
    if (!h->fn)
        return;
    atomic_store(&h->reload_wanted, 1);
    sem_post(&h->wake);
}

eco_rt_swap *eco_rt_helper_take(eco_rt_helper *h)
{
    if (atomic_load(&h->retired) || !atomic_load(&h->pending))
        return NULL;
    return atomic_exchange(&h->pending, NULL);
}

void eco_rt_helper_retire(eco_rt_helper *h, eco_rt_swap *old)
{
    atomic_store(&h->retired, old);
    sem_post(&h->wake);
}

static int start_writer(eco_rt_log_queue *q, const eco_can_sock *sock, const eco_rt_live_opts *o)
{
    snprintf(q->iface, sizeof q->iface, "%s", sock->iface);
    q->quiet = o->quiet;
    if (o->log_path && !(q->fp = fopen(o->log_path, "a"))) {
        eco_set_error("--log %s: %s", o->log_path, strerror(errno));
        return ECO_EIO;
    }
    if (pthread_create(&q->thread, NULL, writer_main, q) != 0) {
        eco_set_error("cannot start the log writer thread");
        return ECO_EIO;
    }
    q->running = 1;
    return ECO_OK;
}

static int start_helper(eco_rt_helper *h, const eco_can_sock *sock, const eco_rt_live_opts *o,
                        int64_t period_ns)
{
    memset(&h->link, 0, sizeof h->link);
    h->link.fd = -1;
    snprintf(h->link.iface, sizeof h->link.iface, "%s", sock->iface);
    h->link.virtual_link = sock->virtual_link;
    h->fn = o->reload;
    h->ctx = o->reload_ctx;
    h->restart_bus_off = o->restart_bus_off;
    h->quiet = o->quiet;
    h->link_period_ns = period_ns * ECO_RT_STATUS_PERIODS;
    sem_init(&h->wake, 0, 0);
    if (pthread_create(&h->thread, NULL, helper_main, h) != 0) {
        sem_destroy(&h->wake);
        eco_set_error("cannot start the helper thread");
        return ECO_EIO;
    }
    h->running = 1;
    return ECO_OK;
}

int eco_rt_threads_start(eco_rt_log_queue *q, eco_rt_helper *h, const eco_can_sock *sock,
                         const eco_rt_live_opts *o, int64_t period_ns)
{
    /* The threads block every signal, so SIGTERM/SIGHUP interrupt the loop's epoll_wait. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = start_writer(q, sock, o);
    if (rc == ECO_OK)
        rc = start_helper(h, sock, o, period_ns);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != ECO_OK)
        eco_rt_threads_stop(q, h);
    return rc;
}

void eco_rt_threads_stop(eco_rt_log_queue *q, eco_rt_helper *h)
{
    if (h->running) {
        atomic_store(&h->quit, 1);
        sem_post(&h->wake);
        pthread_join(h->thread, NULL);
        sem_destroy(&h->wake);
        h->running = 0;
    }
    if (q->running) {
        atomic_store(&q->stop, 1);
        pthread_join(q->thread, NULL);
        q->running = 0;
    }
    unsigned long dropped = atomic_load(&q->dropped);
    if (dropped)
        fprintf(stderr, "ecodrived: %lu log entries dropped (writer too slow)\n", dropped);
    if (q->fp)
        fclose(q->fp);
    q->fp = NULL;
}
