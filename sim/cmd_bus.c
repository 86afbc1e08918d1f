/* ecosim bus: the simulated vehicle on a CAN bus. The cycle runner drives the same plant
 * (eco_model_step) as `ecosim run`, but its controller is the bus: each step publishes the
 * plant's signals (DBC encoded, E2E protected), keeps sending them at their DBC cycle
 * times, and waits for the EcoSetpoint of ecodrived. A valid setpoint's throttle and regen
 * are applied, and so is a hybrid's engine on/off and power when it carries an engine
 * request (EcoEngineRequest 1 or 2), and the friction brake of the EcoBrake frame sent just
 * before the setpoint when the DBC has that message; the rest of the command (gear, the engine
 * when there is no request, the brake without EcoBrake) stays with the car's own driver and
 * ECUs, played by the baseline. With EcoValid = 0, or no setpoint in time for a third step running
 * (the car acts on the last valid one for two), the driver (the baseline) drives the step. The
 * plant steps when a setpoint arrives, so a step sees the setpoint computed from the signals of the
 * step before, as in-process. The driver's cruise control is on while the set speed is above 0,
 * outside a --disengage window; the mapping's engagement signal says so, and a car does not act on
 * a setpoint while its cruise is off. */
#include "bus_brake.h"
#include "bus_route.h"
#include "commands.h"
#include "controllers.h"
#include "ecodrive/can.h"
#include "ecodrive/config.h"
#include "ecodrive/evloop.h"
#include "ecodrive/units.h"
#include "report.h"
#include "session.h"

#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BUS_MSGS_MAX    16
#define SETPOINT_WAIT   1.5  /* periods to wait for a setpoint before the driver steps in */
#define START_TIMEOUT_S 30.0 /* wait for the daemon's first valid setpoint */
/* Steps a car keeps acting on the last valid setpoint while the next is late, before its
 * driver takes over on the third (ours: a receiver's timeout of three cycles of the
 * message; AUTOSAR E2E leaves it to the configuration). An EcoValid = 0 hands over at
 * once. Without it one late frame of a loaded bus was a step of the driver's full
 * throttle, some 0.4 g of fuel each on the CVT car. */
#define SETPOINT_HOLD_STEPS 2

typedef struct {
    int msg;
    int64_t period_ns;
    int timer;              /* its event loop timer */
    eco_can_e2e_config e2e; /* the mapping's "e2e" entry for it, else the DBC's */
    uint8_t counter;
    eco_can_frame frame;
} bus_msg;

typedef struct {
    eco_controller base;
    eco_controller *driver;
    const eco_can_db *db;
    const eco_can_mapping *map;
    eco_can_sock sock;
    eco_evloop *el;
    int wait_timer;
    bus_msg msgs[BUS_MSGS_MAX];
    int n_msgs;
    int64_t wait_ns;
    int started;
    int result;           /* of the wait: as take_setpoint, -1 on timeout */
    eco_can_setpoint *rx; /* where the wait puts a setpoint */
    eco_can_e2e_state sp_e2e;
    long applied, invalid, timeouts, e2e_errors, sent, send_errors;
    long engine_requests;        /* valid setpoints that carried a hybrid engine request */
    long horizon_sent;           /* of sent: EcoHorizon frames (--route) */
    int cruise;                  /* the driver's cruise control is on (the last publish) */
    double off_from_s, off_to_s; /* --disengage: cruise off over [from, to) s, else none */
    long cruise_steps;           /* steps driven with the cruise on */
    long off_valid;        /* valid setpoints that came while the cruise was off (not applied) */
    eco_can_setpoint last; /* the last valid setpoint applied, while held_run < the hold */
    int have_last, held_run;
    long held;               /* of applied: steps on the last setpoint while the next was late */
    eco_sim_bus_brake brake; /* EcoBrake, when the DBC has it */
    double last_brake;       /* with the last valid setpoint: its brake, when it had one */
    int last_has_brake;
    long brake_steps; /* of applied: steps on the daemon's friction brake */
} bus_ctl;

static volatile sig_atomic_t bus_stop;

static void on_signal(int sig)
{
    (void)sig;
    bus_stop = 1;
}

static void send_msg(bus_ctl *b, bus_msg *m)
{
    eco_can_e2e_config_protect(&m->e2e, m->frame.data, m->frame.dlc, &m->counter);
    if (eco_can_sock_write(&b->sock, &m->frame) == ECO_OK)
        b->sent++;
    else
        b->send_errors++;
}

/* The plant's signals into the input frames, each limited to its DBC range as a car's ECU
 * would report it. The pedals are the driver's (the baseline's command); the set speed and
 * the grade are the cycle's, from the preview. */
static void publish(bus_ctl *b, const eco_observation *obs, const eco_preview *pv,
                    const eco_command *driver)
{
    eco_observation o = *obs;
    o.accel_pedal = driver->throttle;
    o.brake_pedal = driver->brake;
    o.set_speed_mps = pv->speed_ref_mps[0];
    o.grade_rad = pv->grade_rad[0];
    b->cruise =
        o.set_speed_mps > 0.0 && !(obs->time_s >= b->off_from_s && obs->time_s < b->off_to_s);
    for (int i = 0; i < b->n_msgs; i++) {
        eco_can_frame *f = &b->msgs[i].frame;
        eco_can_mapping_encode_engaged(b->map, b->db, b->cruise, f);
#define ECO_OBS_BUS(member, NAME, key, unit, type, need)                                           \
    eco_can_mapping_encode_input(b->map, b->db, ECO_CAN_IN_##NAME, o.member, f);
#include "ecodrive/observation.def"
    }
    int64_t now = eco_clock_ns(CLOCK_MONOTONIC);
    for (int i = 0; i < b->n_msgs; i++) { /* now, then at their cycle times from now */
        send_msg(b, &b->msgs[i]);
        eco_evloop_timer_arm(b->el, b->msgs[i].timer, now + b->msgs[i].period_ns,
                             b->msgs[i].period_ns);
    }
}

/* A setpoint frame that passes E2E: 1 valid (*sp filled), 0 invalid or not usable (a value
 * outside its DBC range: the car does not act on it), -1 none. */
static int take_setpoint(bus_ctl *b, const eco_can_frame *f, eco_can_setpoint *sp)
{
    int msg = b->map->setpoint_msg;
    if (f->id != b->db->msgs[msg].id)
        return -1;
    /* as the daemon protects it: the mapping's entry, else the DBC's own */
    const eco_can_e2e_config *e2e = &b->map->setpoint_e2e;
    eco_can_e2e_result res = ECO_CAN_E2E_OK;
    int rc = e2e->cks.ready
                 ? eco_can_e2e_config_check(e2e, f->data, b->db->msgs[msg].dlc, 1, &b->sp_e2e, &res)
                 : eco_can_e2e_check(b->db, msg, f->data, 1, &b->sp_e2e, &res);
    if (rc != ECO_OK && res != ECO_CAN_E2E_JUMP) { /* a jump: a restarted daemon, resynced */
        b->e2e_errors++;
        return -1;
    }
    if (eco_can_mapping_decode_setpoint(b->map, b->db, f, sp) != ECO_OK)
        return 0;
    return sp->valid ? 1 : 0;
}

/* An input message is due: send it once however many periods passed (no burst). */
static void on_message_due(eco_evloop *el, int timer, const eco_evloop_tick *t, void *ctx)
{
    (void)el;
    (void)t;
    bus_ctl *b = ctx;
    for (int i = 0; i < b->n_msgs; i++)
        if (b->msgs[i].timer == timer)
            send_msg(b, &b->msgs[i]);
}

static void on_wait_over(eco_evloop *el, int timer, const eco_evloop_tick *t, void *ctx)
{
    (void)timer;
    (void)t;
    ((bus_ctl *)ctx)->result = -1;
    eco_evloop_stop(el);
}

static void on_frames(eco_evloop *el, int fd, void *ctx)
{
    (void)fd;
    bus_ctl *b = ctx;
    eco_can_frame f;
    int got = 1;
    while (eco_can_sock_read(&b->sock, &f, &got) == ECO_OK && got) {
        if (eco_sim_bus_brake_take(&b->brake, b->db, &f))
            continue;
        int r = take_setpoint(b, &f, b->rx);
        /* before the start, an invalid setpoint is the daemon without inputs yet; with the
         * cruise off it is the answer */
        if (r == 1 || (r == 0 && (b->started || !b->cruise))) {
            b->result = r;
            eco_evloop_stop(el);
            return;
        }
    }
}

/* Keep the inputs flowing at their cycle times until a setpoint comes or the wait ends.
 * Returns as take_setpoint, -1 on timeout or a stop signal. */
static int wait_setpoint(bus_ctl *b, eco_can_setpoint *sp)
{
    int64_t wait = b->started ? b->wait_ns : (int64_t)(START_TIMEOUT_S * ECO_NS_PER_S);
    b->result = -1;
    b->rx = sp;
    eco_evloop_timer_arm(b->el, b->wait_timer, eco_clock_ns(CLOCK_MONOTONIC) + wait, 0);
    eco_evloop_run(b->el, &bus_stop);
    eco_evloop_timer_disarm(b->el, b->wait_timer);
    return bus_stop ? -1 : b->result;
}

static int bus_step(eco_controller *c, const eco_observation *obs, const eco_preview *pv,
                    eco_setpoint *sp)
{
    bus_ctl *b = (bus_ctl *)c;
    eco_setpoint drv;
    b->driver->step(b->driver, obs, pv, &drv);
    *sp = drv;
    publish(b, obs, pv, &drv.cmd);
    eco_can_setpoint rx;
    int r = wait_setpoint(b, &rx);
    double brake = 0.0;
    int has_brake = r != -1 && eco_sim_bus_brake_pair(&b->brake, &brake);
    b->cruise_steps += b->cruise;
    if (r == 1 && !b->cruise) { /* made from the frames before the driver switched off */
        b->off_valid++;
        r = 0;
    }
    int held = r == -1 && b->started && b->cruise && b->have_last &&
               b->held_run < SETPOINT_HOLD_STEPS && !bus_stop;
    if (held) { /* late: the car acts on the last one, as its receiver does until timeout */
        rx = b->last;
        brake = b->last_brake;
        has_brake = b->last_has_brake;
        b->held_run++;
        b->held++;
        r = 1;
    } else if (r == 1) {
        b->last = rx;
        b->last_brake = brake;
        b->last_has_brake = has_brake;
        b->held_run = 0;
    }
    b->have_last = r == 1;
    if (r == 1) {
        b->started = 1;
        b->applied++;
        sp->cmd.throttle = rx.throttle;
        sp->cmd.regen = rx.regen;
        if (has_brake) { /* the controller's, as in process */
            sp->cmd.brake = brake;
            b->brake_steps++;
        } else if (rx.throttle > 0.0) {
            sp->cmd.brake = 0.0; /* the driver's foot is off the brake while the car drives */
        }
        if (rx.engine_request != ECO_CAN_ENGINE_NO_REQUEST) { /* else the car's strategy */
            sp->cmd.engine_on = rx.engine_request == ECO_CAN_ENGINE_ON;
            sp->cmd.engine_power_w = sp->cmd.engine_on ? rx.engine_power_w : 0.0;
            b->engine_requests++;
        }
        sp->valid = 1;
        return ECO_OK;
    }
    b->started = 1; /* after the start-up wait, a missing setpoint is a timeout */
    if (r == 0)
        b->invalid++;
    else
        b->timeouts++;
    sp->valid = 0; /* the driver's step; counted by the runner as an invalid setpoint */
    return ECO_OK;
}

static void bus_reset(eco_controller *c)
{
    bus_ctl *b = (bus_ctl *)c;
    b->driver->reset(b->driver);
}

static void bus_destroy(eco_controller *c)
{
    (void)c;
}

/* A message's send period: the mapping's cycle_ms of the first input it carries, else the
 * DBC's cycle time. */
static int cycle_ms(const bus_ctl *b, int msg)
{
    for (int f = 0; f < ECO_CAN_IN_COUNT; f++) {
        const eco_can_map_entry *e = &b->map->in[f];
        if (e->signal >= 0 && b->db->signals[e->signal].msg == msg)
            return e->cycle_ms > 0 ? e->cycle_ms : b->db->msgs[msg].cycle_time_ms;
    }
    return b->db->msgs[msg].cycle_time_ms;
}

static int add_input_messages(bus_ctl *b, double speedup)
{
    int msgs[BUS_MSGS_MAX + 1];
    b->n_msgs = eco_can_mapping_input_messages(b->map, b->db, msgs, BUS_MSGS_MAX + 1);
    if (b->n_msgs > BUS_MSGS_MAX) {
        fprintf(stderr, "ecosim bus: more than %d input messages\n", BUS_MSGS_MAX);
        return 2;
    }
    for (int i = 0; i < b->n_msgs; i++) {
        bus_msg *m = &b->msgs[i];
        const eco_can_message *dm = &b->db->msgs[msgs[i]];
        m->msg = msgs[i];
        m->period_ns = (int64_t)llround(cycle_ms(b, msgs[i]) * 1e6 / speedup);
        m->frame = eco_can_message_frame(dm);
        /* as the daemon checks it: the mapping's entry, else the DBC's own */
        const eco_can_e2e_config *own = eco_can_mapping_e2e_of(b->map, m->msg);
        if (own)
            m->e2e = *own;
        else if (eco_can_e2e_config_from_db(b->db, m->msg, &m->e2e) != ECO_OK) {
            fprintf(stderr, "ecosim bus: %s\n", eco_last_error());
            return 2;
        }
    }
    return 0;
}

/* The socket, receiving only the setpoint, and an event loop over it with a timer per
 * input message and one for the wait. */
static int open_bus(bus_ctl *b, const char *iface)
{
    if (eco_can_sock_open(&b->sock, iface) != ECO_OK ||
        eco_can_sock_check_db(&b->sock, b->db) != ECO_OK) {
        fprintf(stderr, "ecosim bus: %s\n", eco_last_error());
        return 2;
    }
    uint32_t ids[2] = {b->db->msgs[b->map->setpoint_msg].id, 0};
    int n_ids = 1;
    if (eco_sim_bus_brake_init(&b->brake, b->db))
        ids[n_ids++] = b->db->msgs[b->brake.layout.msg].id;
    int rc = eco_can_sock_set_filter(&b->sock, ids, n_ids);
    if (rc == ECO_OK)
        rc = eco_evloop_create(&b->el);
    if (rc == ECO_OK)
        rc = eco_evloop_add_fd(b->el, b->sock.fd, on_frames, b);
    if (rc == ECO_OK)
        rc = eco_evloop_add_timer(b->el, on_wait_over, b, &b->wait_timer);
    for (int i = 0; rc == ECO_OK && i < b->n_msgs; i++)
        rc = eco_evloop_add_timer(b->el, on_message_due, b, &b->msgs[i].timer);
    if (rc != ECO_OK) {
        fprintf(stderr, "ecosim bus: %s: cannot set up the socket: %s\n", iface, eco_last_error());
        return 1;
    }
    return 0;
}

typedef struct {
    eco_sim_args c;
    const char *iface, *dbc, *mapping, *route, *disengage;
    double speedup;
} bus_args;

static void bus_usage(FILE *fp)
{
    fprintf(fp, "usage: ecosim bus --iface IFACE [--vehicle FILE] --cycle NAME|FILE|--route FILE\n"
                "                  [--dbc FILE] [--mapping FILE] [--speedup N] [--json] [--hot]\n"
                "\n"
                "Plays the vehicle on a CAN bus against ecodrived: sends the DBC input messages\n"
                "at their cycle times from the simulated plant, applies the EcoSetpoint it\n"
                "receives (a hybrid's engine too when it carries EcoEngineRequest; the baseline\n"
                "driver drives when EcoValid = 0 or no setpoint comes; a late one: the last\n"
                "valid setpoint is kept for 2 steps),\n"
                "and prints the summary of `ecosim run`. A window of a cycle: cut its CSV.\n"
                "  --route FILE  drive a route (see ecosim run --route) with its IDM driver's\n"
                "                speed as the set speed, and play the map ECU: its EcoHorizon\n"
                "                (2 km look-ahead; docs/daemon.md section 9)\n"
                "  --speedup N   divide every period by N (ecodrived must get the same N)\n"
                "  --disengage FROM,TO  the driver's cruise control off from FROM to TO s of\n"
                "                the drive (the mapping's engaged signal says so; else the\n"
                "                cruise is on while the set speed is above 0)\n");
}

static int parse_bus_args(int argc, char **argv, bus_args *a)
{
    static const eco_cli_opt opts[] = {ECO_CLI_TEXT("iface", bus_args, iface),
                                       ECO_OPT_VEHICLE(bus_args),
                                       ECO_OPT_CYCLE(bus_args),
                                       ECO_CLI_TEXT("route", bus_args, route),
                                       ECO_CLI_TEXT("dbc", bus_args, dbc),
                                       ECO_CLI_TEXT("mapping", bus_args, mapping),
                                       ECO_CLI_TEXT("disengage", bus_args, disengage),
                                       ECO_CLI_NUMBER("speedup", bus_args, speedup, 1.0, 100.0),
                                       ECO_OPT_JSON(bus_args),
                                       ECO_OPT_HOT(bus_args),
                                       ECO_CLI_HELP,
                                       ECO_CLI_END};
    static const eco_cli cli = {"bus", bus_usage, opts, NULL};
    a->iface = a->dbc = a->mapping = a->route = a->disengage = NULL;
    a->speedup = 1.0;
    memset(&a->c, 0, sizeof a->c); /* bus reads only the vehicle, the case, --json, --hot */
    int rc = eco_cli_parse(&cli, argc, argv, a);
    if (!rc)
        rc = eco_cli_no_operand("bus", argc, argv);
    if (!rc && a->route && a->c.cycle) {
        fprintf(stderr, "ecosim bus: --cycle or --route, not both\n");
        rc = 2;
    }
    if (!rc && !a->route)
        rc = eco_sim_require("bus", a->c.cycle != NULL, "--cycle or --route", bus_usage);
    return rc ? rc : eco_sim_require("bus", a->iface != NULL, "--iface", bus_usage);
}

/* --disengage FROM,TO (s, FROM < TO) into the window; none: an empty one. */
static int parse_disengage(const char *arg, bus_ctl *b)
{
    char *end = NULL;
    b->off_from_s = b->off_to_s = 0.0;
    if (!arg)
        return 0;
    b->off_from_s = strtod(arg, &end);
    if (end != arg && *end == ',')
        b->off_to_s = strtod(end + 1, &end);
    if (!end || *end || !(b->off_from_s >= 0.0) || !(b->off_to_s > b->off_from_s) ||
        !isfinite(b->off_to_s)) {
        fprintf(stderr, "ecosim bus: --disengage %s: expected FROM,TO in s, 0 <= FROM < TO\n", arg);
        return 2;
    }
    return 0;
}

/* The DBC (the shipped one by default) and its mapping: --mapping, else the DBC's shipped
 * one, found as ecodrived finds it. */
static int load_can(const bus_args *a, eco_can_db **db, eco_can_mapping *map)
{
    char dbc[4096], mp[4096];
    int rc = eco_cfg_dbc_find(a->dbc, dbc, sizeof dbc);
    if (rc == ECO_OK && !a->mapping)
        rc = eco_cfg_mapping_find(dbc, mp, sizeof mp);
    if (rc == ECO_OK && (rc = eco_can_db_load(dbc, db)) == ECO_OK)
        rc = eco_cfg_mapping_load(a->mapping ? a->mapping : mp, *db, map);
    if (rc != ECO_OK) {
        fprintf(stderr, "ecosim bus: %s\n", eco_last_error());
        return 2;
    }
    return 0;
}

static void print_summary(const eco_sim_summary *sum, int json)
{
    if (!json) {
        eco_sim_print_table(stdout, sum);
        return;
    }
    cJSON *o = eco_sim_summary_json(sum);
    char *txt = o ? cJSON_PrintUnformatted(o) : NULL;
    if (txt)
        printf("%s\n", txt);
    cJSON_free(txt);
    cJSON_Delete(o);
}

static void send_horizon(void *ctx, const eco_can_frame *f)
{
    bus_ctl *b = ctx;
    if (eco_can_sock_write(&b->sock, f) == ECO_OK) {
        b->sent++;
        b->horizon_sent++;
    } else {
        b->send_errors++;
    }
}

/* The route with the bus as the controller and the map ECU beside the IDM driver. Returns
 * the steps driven, or -1 after a message. */
static int drive_route(const bus_args *a, bus_ctl *b, const eco_vehicle *veh,
                       const eco_route *route, const eco_sim_options *opt)
{
    static eco_sim_bus_route road; /* the map ECU's state */
    eco_sim_route_planner planner;
    eco_sim_route_result res;
    memset(&res, 0, sizeof res);
    int rc = eco_sim_bus_route_planner(&planner, &road, b->db, route, send_horizon, b);
    if (rc == ECO_OK && (rc = eco_sim_route_run(veh, route, &b->base, &planner, opt, &res)))
        fprintf(stderr, "ecosim bus: route run failed: %s (%s)\n", eco_strerror(rc),
                eco_last_error());
    else if (rc != ECO_OK)
        fprintf(stderr, "ecosim bus: --route: %s\n", eco_last_error());
    int steps = rc == ECO_OK ? res.run.n_solve : -1;
    if (rc == ECO_OK) {
        eco_sim_summary sum;
        eco_sim_route_summarize(veh, route, "bus", &res, &sum);
        print_summary(&sum, a->c.json);
        fprintf(stderr,
                "ecosim bus: route %.3f km, trip %.1f s, %d stops (%d standing short, by up to "
                "%.1f m); %ld horizon frames\n",
                res.route_m / 1000.0, res.trip_time_s, res.stops, res.stops_short,
                res.stops_short_max_m, b->horizon_sent);
    }
    eco_sim_route_result_free(&res);
    return steps;
}

static int drive_cycle(const bus_args *a, bus_ctl *b, const eco_vehicle *veh,
                       const eco_sim_cycle *cyc, const eco_sim_options *opt)
{
    eco_sim_result res;
    memset(&res, 0, sizeof res);
    int rc = eco_sim_run(veh, cyc, &b->base, opt, &res);
    if (rc != ECO_OK)
        fprintf(stderr, "ecosim bus: simulation failed: %s\n", eco_strerror(rc));
    int steps = rc == ECO_OK ? res.n_solve : -1;
    if (rc == ECO_OK) {
        eco_sim_summary sum;
        eco_sim_summarize(veh, cyc, "bus", &res, !a->c.hot, &sum);
        print_summary(&sum, a->c.json);
    }
    eco_sim_result_free(&res);
    return steps;
}

/* A cycle, or with route a route (cyc unused). */
static int bus_run(const bus_args *a, bus_ctl *b, eco_vehicle *veh, eco_sim_cycle *cyc,
                   const eco_route *route)
{
    eco_sim_options opt;
    eco_sim_options_default(&opt);
    opt.engine_hot = route || a->c.hot || !cyc->ftp_bags; /* a route: hot, as run --route */
    opt.quiet = 1;
    b->driver = eco_baseline_create(veh, opt.dt_s);
    if (!b->driver) {
        fprintf(stderr, "ecosim bus: out of memory\n");
        return 1;
    }
    b->base.name = "bus";
    b->base.step = bus_step;
    b->base.reset = bus_reset;
    b->base.destroy = bus_destroy;
    b->base.veh = veh;
    b->base.dt_s = opt.dt_s;
    b->base.preview_n = 1;
    b->wait_ns = (int64_t)llround(SETPOINT_WAIT * opt.dt_s * 1e9 / a->speedup);
    int rc = add_input_messages(b, a->speedup);
    if (rc == 0)
        rc = open_bus(b, a->iface);
    if (rc == 0) {
        int steps = route ? drive_route(a, b, veh, route, &opt) : drive_cycle(a, b, veh, cyc, &opt);
        if (steps >= 0)
            fprintf(stderr,
                    "ecosim bus: %d steps: %ld on valid setpoints (%ld with an engine request, "
                    "%ld on the last one while the next was late), %ld on EcoValid = 0, %ld "
                    "without a setpoint in time; %ld with the cruise on, %ld valid setpoints "
                    "not applied with it off; %ld frames sent, %ld send errors, %ld setpoint "
                    "E2E errors; %ld steps on the daemon's brake (EcoBrake: %ld frames, %ld "
                    "E2E errors, %ld rejected)\n",
                    steps, b->applied, b->engine_requests, b->held, b->invalid, b->timeouts,
                    b->cruise_steps, b->off_valid, b->sent, b->send_errors, b->e2e_errors,
                    b->brake_steps, b->brake.frames, b->brake.e2e_errors, b->brake.rejected);
        rc = steps < 0 ? 1 : bus_stop ? 1 : 0;
    }
    b->driver->destroy(b->driver);
    eco_evloop_free(b->el);
    eco_can_sock_close(&b->sock);
    return rc;
}

int eco_cmd_bus(int argc, char **argv)
{
    bus_args a;
    int rc = parse_bus_args(argc, argv, &a);
    if (rc)
        return rc == 1 ? 0 : rc;
    static bus_ctl b; /* zeroed; holds the frames */
    memset(&b, 0, sizeof b);
    b.sock.fd = -1;
    if ((rc = parse_disengage(a.disengage, &b)))
        return rc;
    eco_can_db *db = NULL;
    eco_can_mapping map;
    if ((rc = load_can(&a, &db, &map))) {
        eco_can_db_free(db);
        return rc;
    }
    b.db = db;
    b.map = &map;
    eco_vehicle veh;
    eco_sim_cycle cyc;
    if ((rc = eco_sim_load_vehicle(a.c.vehicle, &veh)) == 0) {
        eco_route route;
        rc = a.route ? eco_sim_load_route(a.route, &veh, 0, &route)
                     : eco_sim_load_cycle(a.c.cycle, &cyc);
        if (rc == 0) {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = on_signal;
            sigaction(SIGTERM, &sa, NULL);
            sigaction(SIGINT, &sa, NULL);
            rc = bus_run(&a, &b, &veh, &cyc, a.route ? &route : NULL);
            if (a.route)
                eco_route_free(&route);
            else
                eco_sim_cycle_free(&cyc);
        }
        eco_vehicle_free(&veh);
    }
    eco_can_db_free(db);
    return rc;
}
