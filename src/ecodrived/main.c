/* ecodrived: the real-time eco-driving daemon on SocketCAN (thin main; the loop is src/rt). */
#include "ecodrived.h"

#include "ecodrive/can.h"
#include "ecodrive/config.h"
#include "ecodrive/mpc.h"
#include "ecodrive/rt.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { /* what a SIGHUP reload needs */
    const eco_vehicle *veh;
    const char *weights_path; /* resolved file, NULL: none given */
    double dt_s;
    eco_mpc_settings set;
    const eco_route *route; /* --route: the route MPC is made again on it, with route_set */
    eco_mpc_route_settings route_set;
} reload_ctx;

static volatile sig_atomic_t stop_flag, hup_flag;

static void on_stop(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void on_hup(int sig)
{
    (void)sig;
    hup_flag = 1;
}

static int reload_weights(void *p, eco_controller **out, char *err, size_t n)
{
    const reload_ctx *c = p;
    eco_mpc_weights w;
    if (!c->weights_path) {
        snprintf(err, n, "no --weights file was given, nothing to reload");
        return ECO_EINVAL;
    }
    int rc = eco_cfg_weights_load(c->weights_path, &w);
    if (rc != ECO_OK) {
        snprintf(err, n, "%s", eco_last_error());
        return rc;
    }
    if (c->route) {
        eco_mpc_route_ws *ws = eco_mpc_route_create(c->veh, c->route, c->dt_s, &c->route_set, &w);
        *out = ws ? eco_mpc_route_controller(ws) : NULL;
    } else {
        *out = eco_mpc_create(c->veh, c->dt_s, &c->set, &w);
    }
    if (!*out) {
        snprintf(err, n, "%s", eco_last_error());
        return ECO_EINVAL;
    }
    return ECO_OK;
}

static eco_controller *make_controller(const args *a, reload_ctx *rc)
{
    if (!strcmp(a->controller, "baseline"))
        return eco_baseline_create(rc->veh, rc->dt_s);
    eco_mpc_weights w;
    eco_mpc_weights_default(&w);
    if (rc->weights_path && eco_cfg_weights_load(rc->weights_path, &w) != ECO_OK) {
        fprintf(stderr, "ecodrived: --weights %s: %s\n", a->weights, eco_last_error());
        return NULL;
    }
    eco_controller *c = eco_mpc_create(rc->veh, rc->dt_s, &rc->set, &w);
    if (!c)
        fprintf(stderr, "ecodrived: cannot create the MPC: %s\n", eco_last_error());
    return c;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_stop; /* no SA_RESTART: epoll_wait returns EINTR at once */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_hup;
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static int rt_options(const args *a)
{
    /* the PM QoS request lasts while its descriptor is open: until the process exits */
    if ((a->fifo_prio && eco_rt_sched_fifo(a->fifo_prio)) ||
        (a->cpu >= 0 && eco_rt_pin_cpu(a->cpu)) || (a->mlock && eco_rt_lock_memory()) ||
        (a->cpu_latency_us >= 0 && eco_rt_hold_cpu_latency(a->cpu_latency_us) < 0)) {
        fprintf(stderr, "ecodrived: %s\n", eco_last_error());
        return 1;
    }
    return 0;
}

/* --replay, and --check with it: the setpoints to --out (whole or not at all: a log that
 * fails leaves no file behind), else to stdout, or nowhere for --check, whose stdout has the
 * inputs once a second and the summary. */
static int replay(const args *a, eco_rt *rt)
{
    char tmp[4200];
    FILE *out = a->out     ? eco_out_begin(a->out, tmp, sizeof tmp)
                : a->check ? fopen("/dev/null", "w")
                           : stdout;
    if (!out) {
        fprintf(stderr, "ecodrived: --out %s\n", a->out ? eco_last_error() : "/dev/null");
        return a->out ? 2 : 1;
    }
    eco_rt_replay_summary summary = {0};
    eco_rt_replay_opts ro = {.realtime = a->realtime,
                             .logged_steps = a->logged_steps,
                             .out_iface = a->iface,
                             .stop = &stop_flag,
                             .summary = &summary,
                             .inputs = a->check     ? stdout
                                       : a->verbose ? stderr
                                                    : NULL};
    int st = eco_rt_replay(rt, a->replay, out, &ro);
    if (st == ECO_OK && (!a->quiet || a->check))
        eco_rt_replay_summary_print(rt, &summary, a->replay, a->check ? stdout : stderr);
    if (!a->out && a->check)
        fclose(out);
    if (st != ECO_OK) {
        if (a->out)
            eco_out_discard(out, tmp);
        fprintf(stderr, "ecodrived: --replay: %s\n", eco_last_error());
        return st == ECO_EIO ? 1 : 2;
    }
    if (a->out && eco_out_end(out, tmp, a->out)) {
        fprintf(stderr, "ecodrived: --out %s\n", eco_last_error());
        return 1;
    }
    return 0;
}

static int run(const args *a, eco_rt *rt, eco_can_sock *sock, reload_ctx *rctx)
{
    int rc = rt_options(a);
    if (rc)
        return rc;
    install_signals();
    if (a->replay)
        return replay(a, rt);
    eco_rt_live_opts lo;
    memset(&lo, 0, sizeof lo);
    lo.log_path = a->log;
    lo.restart_bus_off = a->restart_bus_off;
    lo.reload = strcmp(a->controller, "mpc") ? NULL : reload_weights;
    lo.reload_ctx = rctx;
    lo.quiet = a->quiet;
    lo.verbose = a->verbose;
    lo.stop = &stop_flag;
    lo.hup = &hup_flag;
    if (!a->quiet)
        fprintf(stderr, "ecodrived: %s: running (%s, period %.1f ms)\n", a->iface, a->controller,
                eco_rt_period_ns(eco_rt_config_get(rt)) * 1e-6);
    if (eco_rt_run_live(rt, sock, &lo) != ECO_OK) {
        fprintf(stderr, "ecodrived: %s\n", eco_last_error());
        return 1;
    }
    const eco_rt_stats *s = eco_rt_stats_get(rt);
    const eco_can_rx_stats *r = eco_rt_rx_stats(rt);
    if (!a->quiet)
        fprintf(stderr,
                "ecodrived: stopped: %llu periods (%llu valid, %llu invalid), %llu overruns; "
                "frames %llu received, %llu rejected, %llu unknown\n",
                (unsigned long long)s->steps, (unsigned long long)s->valid_steps,
                (unsigned long long)s->invalid_steps, (unsigned long long)s->overruns,
                (unsigned long long)r->frames, (unsigned long long)r->rejected,
                (unsigned long long)r->unknown);
    return 0;
}

static int open_bus(const args *a, const eco_can_db *db, const eco_can_mapping *map,
                    eco_can_sock *sock)
{
    if (eco_can_sock_open(sock, a->iface) != ECO_OK || eco_can_sock_check_db(sock, db) != ECO_OK) {
        fprintf(stderr, "ecodrived: %s\n", eco_last_error());
        eco_can_sock_close(sock);
        return 2;
    }
    int msgs[ECO_CAN_IN_COUNT];
    uint32_t ids[ECO_CAN_IN_COUNT + 1];
    int n = eco_can_mapping_input_messages(map, db, msgs, ECO_CAN_IN_COUNT);
    for (int i = 0; i < n; i++)
        ids[i] = db->msgs[msgs[i]].id;
    eco_hz_signals hz;
    if (eco_hz_signals_find(db, &hz) == ECO_OK) /* the map ECU's horizon too */
        ids[n++] = db->msgs[hz.msg].id;
    if (eco_can_sock_set_filter(sock, ids, n) != ECO_OK) {
        fprintf(stderr, "ecodrived: %s\n", eco_last_error());
        return 1;
    }
    eco_can_link link; /* vcan: libsocketcan says "no link data found": a virtual link */
    eco_can_link_get(sock, &link);
    if (link.state == ECO_CAN_LINK_BUS_OFF || link.state == ECO_CAN_LINK_STOPPED)
        fprintf(stderr, "ecodrived: %s: warning: the controller is %s\n", a->iface,
                link.state == ECO_CAN_LINK_BUS_OFF ? "bus-off" : "stopped");
    return 0;
}

/* Everything the daemon loads, released by unload(). */
typedef struct {
    eco_can_db *db;
    eco_can_mapping map;
    eco_vehicle veh;
    int have_veh;
    eco_can_sock sock;
    reload_ctx rctx;
    eco_rt *rt;
    eco_route route; /* --route */
    int have_route;
} daemon_state;

/* The DBC, its mapping, the bus (live) and the vehicle. Returns 0 or the exit status. */
static int load(const args *a, const files *f, daemon_state *d)
{
    if (eco_can_db_load(f->dbc, &d->db) != ECO_OK ||
        eco_cfg_mapping_load(f->mapping, d->db, &d->map) != ECO_OK) {
        fprintf(stderr, "ecodrived: %s\n", eco_last_error());
        return 2;
    }
    eco_hz_signals hz;
    if (eco_hz_signals_find(d->db, &hz) != ECO_OK && !a->quiet)
        fprintf(stderr,
                "ecodrived: note: %s has no horizon message (EcoHorizon): the MPC "
                "previews the set speed\n",
                f->dbc);
    eco_rt_brake_layout brake;
    if (eco_rt_brake_layout_find(d->db, &brake) != ECO_OK && !a->quiet)
        fprintf(stderr,
                "ecodrived: note: %s has no brake message (EcoBrake: EcoFrictionBrake, "
                "EcoBrakeValid): the friction brake stays the driver's\n",
                f->dbc);
    int rc = a->iface ? open_bus(a, d->db, &d->map, &d->sock) : 0;
    if (rc)
        return rc;
    if (eco_cfg_vehicle_load(f->vehicle, f->maps, &d->veh) != ECO_OK) {
        fprintf(stderr, "ecodrived: %s\n", eco_last_error());
        return 2;
    }
    d->have_veh = 1;
    return 0;
}

/* --route: the file checked as ecosim checks it (file, line, what), and the route MPC on it. */
static eco_controller *make_route_mpc(const args *a, reload_ctx *r, daemon_state *d,
                                      eco_rt_config *cfg)
{
    if (eco_cfg_route_load(a->route, &d->route) != ECO_OK) {
        fprintf(stderr, "ecodrived: %s\n", eco_last_error());
        return NULL;
    }
    d->have_route = 1;
    if (eco_route_check_stops(&d->route, r->veh) != ECO_OK) {
        fprintf(stderr, "ecodrived: %s: %s\n", a->route, eco_last_error());
        return NULL;
    }
    eco_mpc_weights w;
    eco_mpc_weights_default(&w);
    if (r->weights_path && eco_cfg_weights_load(r->weights_path, &w) != ECO_OK) {
        fprintf(stderr, "ecodrived: --weights %s: %s\n", a->weights, eco_last_error());
        return NULL;
    }
    eco_mpc_route_settings *set = &r->route_set;
    eco_mpc_route_settings_default(set);
    if (a->time_price >= 0.0)
        set->time_price_per_s = a->time_price;
    r->route = &d->route;
    eco_mpc_route_ws *ws = eco_mpc_route_create(r->veh, &d->route, r->dt_s, set, &w);
    if (!ws) {
        fprintf(stderr, "ecodrived: cannot create the route MPC: %s\n", eco_last_error());
        return NULL;
    }
    cfg->route = &d->route;
    cfg->route_mpc = ws;
    return eco_mpc_route_controller(ws);
}

/* The controller and the core that runs it. Returns 0 or the exit status. */
static int make_core(const args *a, const files *f, daemon_state *d)
{
    eco_rt_config cfg;
    eco_rt_config_default(&cfg, d->db, &d->map, &d->veh);
    cfg.speedup = a->speedup;
    cfg.solve_budget_ns = a->replay ? 0 : eco_rt_period_ns(&cfg) / 2;
    reload_ctx *r = &d->rctx;
    r->veh = &d->veh;
    r->weights_path = f->weights[0] ? f->weights : NULL;
    r->dt_s = cfg.dt_s;
    eco_mpc_settings_default(&r->set);
    /* The solver may use the period's solve budget, on the clock the period runs on: the
     * sim's 2 ms CPU-time default trips at random where the kernel accounts CPU time per tick
     * (user-mode Linux). Replay output may not depend on the machine's speed. */
    r->set.deadline_wall_clock = 1;
    r->set.deadline_us = a->replay ? 1e12 : (double)cfg.solve_budget_ns * 1e-3;
    eco_controller *ctl = a->route ? make_route_mpc(a, r, d, &cfg) : make_controller(a, r);
    if (!ctl)
        return 2;
    /* the route MPC on a horizon from the bus: the same weights and time price */
    static eco_mpc_route_settings hz_set;
    static eco_mpc_weights hz_w;
    eco_mpc_route_settings_default(&hz_set);
    eco_mpc_weights_default(&hz_w);
    if (a->time_price >= 0.0)
        hz_set.time_price_per_s = a->time_price;
    if (r->weights_path && eco_cfg_weights_load(r->weights_path, &hz_w) != ECO_OK) {
        ctl->destroy(ctl);
        fprintf(stderr, "ecodrived: --weights %s: %s\n", a->weights, eco_last_error());
        return 2;
    }
    cfg.route_settings = &hz_set;
    cfg.weights = &hz_w;
    cfg.plan_horizon = !strcmp(a->controller, "mpc");
    if (eco_rt_create(&cfg, ctl, &d->rt) != ECO_OK) {
        ctl->destroy(ctl);
        fprintf(stderr, "ecodrived: %s\n", eco_last_error());
        return 1;
    }
    return 0;
}

static void unload(daemon_state *d)
{
    eco_rt_free(d->rt);
    if (d->have_route)
        eco_route_free(&d->route);
    eco_can_sock_close(&d->sock);
    if (d->have_veh)
        eco_vehicle_free(&d->veh);
    eco_can_db_free(d->db);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* GSL's default handler aborts; we check return codes */
    args a;
    int rc = ecodrived_parse_args(argc, argv, &a);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (a.check && ((rc = ecodrived_check(&a)) || !a.replay))
        return rc;
    static files f;
    static daemon_state d; /* zeroed: nothing loaded */
    d.sock.fd = -1;
    if ((rc = ecodrived_resolve_files(&a, &f)) == 0 && (rc = load(&a, &f, &d)) == 0 &&
        (rc = make_core(&a, &f, &d)) == 0)
        rc = run(&a, d.rt, &d.sock, &d.rctx);
    unload(&d);
    return rc;
}
