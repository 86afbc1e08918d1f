/* The core of the loop: observation from the receive state, preview from the set speed,
 * one controller step, the fail-safe, and the setpoint and status frames. No I/O. */
#include "ecodrive/horizon.h"
#include "ecodrive/rt.h"
#include "rt_internal.h"

#include <math.h>
#include <string.h>
#include <time.h>

_Static_assert((int)ECO_CAN_IN_COUNT == (int)ECO_OBS_COUNT,
               "can.h and control.h expand observation.def to the same fields");

#define ENGINE_ON_MIN_RADPS 1.0 /* engine speed above which the engine counts as running */

void eco_rt_config_default(eco_rt_config *c, const eco_can_db *db, const eco_can_mapping *map,
                           const eco_vehicle *veh)
{
    memset(c, 0, sizeof *c);
    c->db = db;
    c->map = map;
    c->veh = veh;
    c->dt_s = 0.1;
    c->speedup = 1.0;
    c->solve_budget_ns = ECO_RT_PERIOD_NS / 2;
    c->soc_target = veh ? veh->battery.soc_init : 0.0;
    c->plan_horizon = 1;
}

int64_t eco_rt_period_ns(const eco_rt_config *c)
{
    return (int64_t)llround(c->dt_s * 1e9 / c->speedup);
}

static int mark_required(eco_rt *rt)
{
    const eco_can_mapping *map = rt->cfg.map;
    for (int f = 0; f < ECO_CAN_IN_COUNT; f++) {
        int s = map->in[f].signal,
            required = eco_can_in_field_required((eco_can_in_field)f) && !map->in[f].optional;
        if (s < 0 && required && !map->in[f].constant) {
            eco_set_error("rt: required input '%s' is not mapped",
                          eco_can_in_field_name((eco_can_in_field)f));
            return ECO_EINVAL;
        }
        if (s >= 0 && required)
            rt->msg_required[rt->cfg.db->signals[s].msg] = 1;
    }
    if (map->engaged.signal >= 0) /* a bad frame of it is a bad required input */
        rt->msg_required[rt->cfg.db->signals[map->engaged.signal].msg] = 1;
    return ECO_OK;
}

/* Accept a counter that skips one value: one lost or rejected frame is not a second error
 * (AUTOSAR E2E profile 1's MaxDeltaCounter, E2E protocol specification); and judge
 * staleness on the sped-up clock. */
static int set_up_rx(eco_rt *rt)
{
    int rc = eco_can_rx_set_e2e_max_delta(rt->rx, 2);
    for (int i = 0; rc == ECO_OK && i < rt->cfg.db->n_signals; i++)
        rc = eco_can_rx_set_timeout_ns(
            rt->rx, i,
            (int64_t)llround((double)eco_can_rx_timeout_ns(rt->rx, i) / rt->cfg.speedup));
    return rc;
}

/* The horizon, when the DBC has it: stale 3 POSITION cycles after the last, as every input
 * (docs/daemon.md section 4), on the sped-up clock; odometry in vehicle time. */
static void set_up_horizon(eco_rt *rt)
{
    static const char *const st[3] = {"EcoHorizonState", "EcoHorizonReceived",
                                      "EcoHorizonRejected"};
    const eco_can_db *db = rt->cfg.db;
    rt->have_hz = eco_hz_signals_find(db, &rt->hz_sig) == ECO_OK;
    rt->hz_state = rt->have_hz ? ECO_HZ_STATE_NONE : ECO_HZ_STATE_NO_DBC;
    int cycle_ms = rt->have_hz ? db->msgs[rt->hz_sig.msg].cycle_time_ms : 0;
    double timeout_ns = 3.0 * (cycle_ms > 0 ? cycle_ms : 100) * 1e6 / rt->cfg.speedup;
    eco_hz_init(&rt->hz, (int64_t)llround(timeout_ns), rt->cfg.speedup);
    for (int i = 0; i < 3; i++)
        if (eco_can_db_signal_find(db, st[i], &rt->hz_status_sig[i]) != ECO_OK)
            rt->hz_status_sig[i] = -1;
}

int eco_rt_create(const eco_rt_config *cfg, eco_controller *ctl, eco_rt **out)
{
    *out = NULL;
    if (!cfg->db || !cfg->map || !ctl || !(cfg->dt_s > 0.0) || !(cfg->speedup >= 1.0) ||
        cfg->solve_budget_ns < 0) {
        eco_set_error("rt: invalid configuration (dt > 0, speedup >= 1, a controller)");
        return ECO_EINVAL;
    }
    eco_rt *rt = eco_calloc(1, sizeof *rt);
    if (!rt) {
        eco_set_error("rt: out of memory");
        return ECO_ENOMEM;
    }
    rt->cfg = *cfg;
    rt->period_ns = eco_rt_period_ns(cfg);
    rt->msg_required = eco_calloc((size_t)cfg->db->n_msgs + 1, 1);
    int rc = rt->msg_required ? ECO_OK : ECO_ENOMEM;
    if (rc == ECO_OK)
        rc = eco_can_rx_create(cfg->db, &rt->rx);
    if (rc == ECO_OK)
        rc = eco_can_mapping_apply(cfg->map, rt->rx);
    if (rc == ECO_OK)
        rc = mark_required(rt);
    if (rc == ECO_OK)
        rc = set_up_rx(rt);
    if (rc != ECO_OK)
        goto fail;
    set_up_horizon(rt);
    if (eco_can_db_signal_find(cfg->db, "EcoReason", &rt->reason_sig) != ECO_OK)
        rt->reason_sig = -1;
    eco_rt_brake_layout_find(cfg->db, &rt->brake);
    if (rt->have_hz && cfg->veh && cfg->plan_horizon) {
        rc = eco_rt_hz_route_init(&rt->hzr, cfg->veh, cfg->dt_s, cfg->route_settings, cfg->weights);
        if (rc != ECO_OK)
            goto fail;
        rt->have_hzr = 1;
    }
    if (cfg->route)
        eco_rt_route_track_init(&rt->trk, cfg->route);
    rt->odo_t_ns = INT64_MIN;
    rt->ctl = rt->base_ctl = ctl;
    rt->last_valid = 0;
    rt->st.first_fault_field = -1;
    ctl->reset(ctl);
    *out = rt;
    return ECO_OK;
fail:
    eco_can_rx_free(rt->rx);
    eco_free(rt->msg_required);
    eco_free(rt);
    return rc;
}

void eco_rt_free(eco_rt *rt)
{
    if (!rt)
        return;
    if (rt->base_ctl)
        rt->base_ctl->destroy(rt->base_ctl);
    if (rt->have_hzr)
        eco_rt_hz_route_free(&rt->hzr);
    eco_can_rx_free(rt->rx);
    eco_free(rt->msg_required);
    eco_free(rt);
}

static int is_own_output(const eco_rt *rt, uint32_t id)
{
    const eco_can_mapping *m = rt->cfg.map;
    const eco_can_db *db = rt->cfg.db;
    return (m->setpoint_msg >= 0 && db->msgs[m->setpoint_msg].id == id) ||
           (m->status_msg >= 0 && db->msgs[m->status_msg].id == id) ||
           (rt->hz_status_sig[0] >= 0 &&
            db->msgs[db->signals[rt->hz_status_sig[0]].msg].id == id) ||
           (rt->brake.msg >= 0 && db->msgs[rt->brake.msg].id == id);
}

int eco_rt_frame(eco_rt *rt, const eco_can_frame *f, int64_t t_ns)
{
    if (is_own_output(rt, f->id))
        return ECO_ENOENT;
    if (rt->have_hz && f->id == rt->cfg.db->msgs[rt->hz_sig.msg].id)
        eco_hz_frame(&rt->hz, rt->cfg.db, &rt->hz_sig, f, t_ns);
    int rc = eco_can_rx_frame(rt->rx, f, t_ns);
    if (rc == ECO_EINVAL || rc == ECO_ECRC) {
        int msg;
        if (eco_can_db_message_by_id(rt->cfg.db, f->id, &msg) == ECO_OK && rt->msg_required[msg])
            rt->garbage_pending = 1;
    }
    return rc;
}

/* Read every input, with its age, into in[] and age_ns[]; returns the input fault bits. */
static unsigned read_inputs(eco_rt *rt, int64_t now_ns, double in[ECO_CAN_IN_COUNT],
                            int64_t age_ns[ECO_CAN_IN_COUNT])
{
    unsigned faults = 0;
    rt->st.first_fault_field = -1;
    for (int f = 0; f < ECO_CAN_IN_COUNT; f++) {
        int optional =
            !eco_can_in_field_required((eco_can_in_field)f) || rt->cfg.map->in[f].optional;
        double v = 0.0;
        int rc =
            eco_can_mapping_read(rt->cfg.map, rt->rx, (eco_can_in_field)f, now_ns, &v, &age_ns[f]);
        unsigned bit = 0;
        if (rc == ECO_ENOENT || (optional && rc == ECO_ESTALE))
            v = 0.0; /* optional and absent: level road */
        else if (rc == ECO_ESTALE)
            bit = ECO_RT_FAULT_STALE;
        else if (rc == ECO_ERANGE)
            bit = ECO_RT_FAULT_RANGE;
        else if (rc != ECO_OK || !isfinite(v))
            bit = ECO_RT_FAULT_GARBAGE;
        if (bit && rt->st.first_fault_field < 0)
            rt->st.first_fault_field = f;
        faults |= bit;
        in[f] = v;
    }
    if (rt->garbage_pending)
        faults |= ECO_RT_FAULT_GARBAGE;
    rt->garbage_pending = 0;
    return faults;
}

/* A decoded SI value as the observation member's type (observation.def). */
#define AS_double(v) (v)
#define AS_int(v)    ((int)lround(v))

static void fill_observation(eco_rt *rt, const double in[ECO_CAN_IN_COUNT],
                             const int64_t age_ns[ECO_CAN_IN_COUNT])
{
    eco_observation *o = &rt->obs;
    memset(o, 0, sizeof *o);
#define ECO_OBS_BUS(member, NAME, key, unit, type, need)                                           \
    o->member = AS_##type(in[ECO_CAN_IN_##NAME]);
#include "ecodrive/observation.def"
    for (int f = 0; f < ECO_CAN_IN_COUNT; f++) /* vehicle time: the wall age x speedup */
        o->age_s[f] =
            age_ns[f] == INT64_MAX ? INFINITY : (double)age_ns[f] * 1e-9 * rt->cfg.speedup;
    o->time_s = (double)rt->st.steps * rt->cfg.dt_s;
    o->accel_mps2 = rt->have_prev_speed ? (o->speed_mps - rt->prev_speed_mps) / rt->cfg.dt_s : 0.0;
    o->engine_on = o->engine_speed_radps > ENGINE_ON_MIN_RADPS;
    o->engine_warm = 1.0; /* not on the bus: a running car's engine is taken as warm */

    /* The car's preview is its set speed, held over the horizon (no route profile). */
    eco_preview *pv = &rt->pv;
    int n = rt->ctl->preview_n;
    pv->n = n < 1 ? 1 : (n > ECO_PREVIEW_MAX ? ECO_PREVIEW_MAX : n);
    pv->dt_s = rt->cfg.dt_s;
    for (int k = 0; k < pv->n; k++) {
        pv->speed_ref_mps[k] = pv->speed_lo_mps[k] = pv->speed_hi_mps[k] = o->set_speed_mps;
        pv->grade_rad[k] = o->grade_rad;
    }
    pv->distance_gap_m = 0.0;
    pv->soc_target = rt->cfg.soc_target;
}

/* Engagement and the set speed (docs/daemon.md section 4): no recommendation while the car
 * is not engaged or has no set speed. A stale or bad engagement signal is a bad required
 * input and not engaged. */
static unsigned engagement(const eco_rt *rt, int64_t now_ns)
{
    int on = 1;
    int rc = eco_can_mapping_engaged(rt->cfg.map, rt->rx, now_ns, &on);
    unsigned f = on ? 0u : ECO_RT_FAULT_NOT_ENGAGED;
    if (rc == ECO_ESTALE)
        f |= ECO_RT_FAULT_STALE;
    else if (rc == ECO_ERANGE)
        f |= ECO_RT_FAULT_RANGE;
    else if (rc != ECO_OK && rc != ECO_ENOENT)
        f |= ECO_RT_FAULT_GARBAGE;
    if (!(rt->obs.set_speed_mps > 0.0))
        f |= ECO_RT_FAULT_NO_SET_SPEED;
    return f;
}

static void encode_invalid(eco_rt *rt, eco_can_frame *out)
{
    /* 0, 0 are inside every sane DBC range; if not, the frame stays all-zero (invalid). */
    const eco_can_setpoint none = {0.0, 0.0, 0, ECO_CAN_ENGINE_NO_REQUEST, 0.0};
    if (eco_can_mapping_encode_setpoint(rt->cfg.map, rt->cfg.db, &none, &rt->counter, out) !=
        ECO_OK) {
        memset(out, 0, sizeof *out);
        out->id = rt->cfg.db->msgs[rt->cfg.map->setpoint_msg].id;
        out->dlc = rt->cfg.db->msgs[rt->cfg.map->setpoint_msg].dlc;
    }
}

/* The bus form of a valid controller setpoint. Only a hybrid's engine is requested, and
 * only when the controller decided it (engine_on >= 0); else the car's strategy keeps it. */
static void bus_setpoint(const eco_rt *rt, const eco_setpoint *sp, eco_can_setpoint *out)
{
    const eco_vehicle *v = rt->cfg.veh;
    int hybrid = v && (v->powertrain == ECO_PT_HEV || v->powertrain == ECO_PT_PHEV);

    out->throttle = sp->cmd.throttle;
    out->regen = sp->cmd.regen;
    out->valid = 1;
    out->engine_request = ECO_CAN_ENGINE_NO_REQUEST;
    out->engine_power_w = 0.0;
    if (hybrid && sp->cmd.engine_on >= 0) {
        out->engine_request = sp->cmd.engine_on ? ECO_CAN_ENGINE_ON : ECO_CAN_ENGINE_OFF;
        out->engine_power_w = sp->cmd.engine_on ? sp->cmd.engine_power_w : 0.0;
    }
}

#define ODO_MAX_PERIODS 10.0

/* Route mode: where the car is on the route file, told to the route MPC (tracked under a
 * horizon on the bus too, so that it can take over). Odometry only from a good speed. */
static void locate_on_route(eco_rt *rt, unsigned faults, int64_t now_ns)
{
    eco_rt_route_track *t = &rt->trk;
    if (!(faults & (ECO_RT_FAULT_STALE | ECO_RT_FAULT_RANGE))) {
        /* Over the vehicle time since the last odometry, not one period: a period the live
         * loop missed (an overrun) would lose its distance, metres a time. At most
         * ODO_MAX_PERIODS: a longer gap is a fault the fallback handles. */
        double dt = rt->cfg.dt_s;
        if (rt->odo_t_ns != INT64_MIN && now_ns > rt->odo_t_ns)
            dt = fmin((double)(now_ns - rt->odo_t_ns) * 1e-9 * rt->cfg.speedup,
                      ODO_MAX_PERIODS * rt->cfg.dt_s);
        rt->odo_t_ns = now_ns;
        eco_rt_route_track_step(t, rt->obs.speed_mps, dt);
    }
    eco_mpc_route_locate(rt->cfg.route_mpc, t->x_m, t->stop_at_m, t->dwelling || t->done);
    eco_mpc_route_soc_target_set(rt->cfg.route_mpc, rt->cfg.soc_target);
}

/* The preview of this period, and the controller that plans on it: the horizon on the bus
 * while it is valid (the route MPC on its window; the bus wins over a route file), else the
 * route file, else the set speed. A controller taken over starts from a reset. */
static void choose_preview(eco_rt *rt, unsigned faults, int64_t now_ns)
{
    eco_controller *want = rt->base_ctl;
    if (rt->cfg.route_mpc)
        locate_on_route(rt, faults, now_ns);
    if (rt->hz_state == ECO_HZ_STATE_VALID) {
        if (eco_rt_hz_route_step(&rt->hzr, &rt->hz, rt->obs.speed_mps, rt->cfg.dt_s,
                                 rt->cfg.soc_target) == ECO_OK)
            want = eco_mpc_route_controller(rt->hzr.ws);
        else
            rt->hz_state = ECO_HZ_STATE_NONE; /* rows the route model does not take */
    } else if (rt->have_hzr) {
        eco_rt_hz_route_drop(&rt->hzr);
    }
    if (rt->hz_state != ECO_HZ_STATE_VALID && rt->cfg.route_mpc)
        rt->hz_state = ECO_HZ_STATE_ROUTE;
    if (want != rt->ctl) {
        want->reset(want);
        rt->ctl = want;
    }
}

double eco_rt_route_distance_m(const eco_rt *rt, int *dwelling)
{
    if (dwelling)
        *dwelling = rt->cfg.route ? rt->trk.dwelling : 0;
    return rt->cfg.route ? rt->trk.x_m : 0.0;
}

/* The faults that are the driver's state, not a fault of the inputs or the controller. */
#define DRIVER_STATE (ECO_RT_FAULT_NOT_ENGAGED | ECO_RT_FAULT_NO_SET_SPEED)

/* One controller step on good inputs, and the valid setpoint into *out unless faults (the
 * driver's state, or what the step adds) say otherwise. The controller steps while the car
 * is not engaged too, so that it is warm, not reset, when the driver engages (a cold solve
 * may not fit the budget); its setpoint is not sent then. Returns the faults. */
static unsigned run_controller(eco_rt *rt, unsigned faults, eco_can_frame *out)
{
    if (!rt->ctl_warm)
        rt->ctl->reset(rt->ctl); /* fresh start after a fault: no stale warm start */
    eco_setpoint sp;
    memset(&sp, 0, sizeof sp);
    int64_t t0 = eco_clock_ns(CLOCK_MONOTONIC);
    int rc = rt->ctl->step(rt->ctl, &rt->obs, &rt->pv, &sp);
    int64_t dt = eco_clock_ns(CLOCK_MONOTONIC) - t0;
    rt->st.last_solve_us = (double)dt * 1e-3;
    if (rc != ECO_OK || !sp.valid)
        faults |= ECO_RT_FAULT_SOLVER;
    else if (rt->cfg.solve_budget_ns > 0 && dt > rt->cfg.solve_budget_ns)
        faults |= ECO_RT_FAULT_OVERRUN;
    if (!faults) {
        uint8_t c = rt->counter;
        eco_can_setpoint bsp;
        bus_setpoint(rt, &sp, &bsp);
        if (eco_can_mapping_encode_setpoint(rt->cfg.map, rt->cfg.db, &bsp, &c, out) == ECO_OK) {
            rt->counter = c;
            rt->brake_cmd = sp.cmd.brake;
        } else
            faults |= ECO_RT_FAULT_ENCODE;
    }
    if (faults & (ECO_RT_FAULT_SOLVER | ECO_RT_FAULT_OVERRUN))
        rt->st.solver_failures++;
    return faults;
}

unsigned eco_rt_step(eco_rt *rt, int64_t now_ns, eco_can_frame *out)
{
    double in[ECO_CAN_IN_COUNT];
    int64_t age_ns[ECO_CAN_IN_COUNT];
    unsigned faults = read_inputs(rt, now_ns, in, age_ns);
    fill_observation(rt, in, age_ns);
    if (rt->have_hz) {
        eco_hz_advance(&rt->hz, rt->obs.speed_mps, now_ns);
        rt->hz_state = (int)eco_hz_state_at(&rt->hz, now_ns);
        if (!rt->have_hzr && rt->hz_state == ECO_HZ_STATE_VALID)
            rt->hz_state = ECO_HZ_STATE_NONE; /* no vehicle to plan for: the set speed */
    }
    choose_preview(rt, faults, now_ns);
    faults |= engagement(rt, now_ns);
    if (!(faults & ~DRIVER_STATE))
        faults = run_controller(rt, faults, out);
    rt->ctl_warm = !(faults & ~DRIVER_STATE);
    if (faults)
        encode_invalid(rt, out);
    rt->prev_speed_mps = rt->obs.speed_mps;
    rt->have_prev_speed = !(faults & (ECO_RT_FAULT_STALE | ECO_RT_FAULT_RANGE));
    rt->st.steps++;
    if (faults & ECO_RT_FAULT_STALE)
        rt->st.stale_steps++;
    if (faults & (ECO_RT_FAULT_RANGE | ECO_RT_FAULT_GARBAGE))
        rt->st.range_steps++;
    if (faults) {
        rt->st.invalid_steps++;
    } else {
        rt->st.valid_steps++;
        if (!rt->last_valid && rt->st.steps > 1)
            rt->st.recoveries++;
    }
    rt->last_valid = !faults;
    rt->st.faults = faults;
    return faults;
}

int eco_rt_status(eco_rt *rt, eco_can_frame *out)
{
    if (rt->cfg.map->status_msg < 0)
        return ECO_ENOENT;
    eco_can_status s;
    s.frames_received = rt->rx->stats.frames;
    s.frames_stale = rt->st.stale_steps;
    s.frames_rejected = rt->rx->stats.rejected;
    s.deadline_overruns = rt->st.overruns;
    s.solve_time_us = rt->st.last_solve_us;
    return eco_can_mapping_encode_status(rt->cfg.map, rt->cfg.db, &s, out);
}

/* EcoReason of the last step into the EcoStatus2 frame, when the DBC has it there. */
static int encode_reason(const eco_rt *rt, eco_can_frame *out)
{
    const eco_can_db *db = rt->cfg.db;
    if (rt->reason_sig < 0 || db->msgs[db->signals[rt->reason_sig].msg].id != out->id)
        return ECO_OK;
    double r = (double)eco_rt_reason_of(rt->st.faults);
    return eco_can_signal_encode(&db->signals[rt->reason_sig], r, out->data) == ECO_OK ? ECO_OK
                                                                                       : ECO_ERANGE;
}

int eco_rt_horizon_status(eco_rt *rt, eco_can_frame *out)
{
    const eco_can_db *db = rt->cfg.db;
    if (rt->hz_status_sig[0] < 0)
        return ECO_ENOENT;
    const eco_can_message *m = &db->msgs[db->signals[rt->hz_status_sig[0]].msg];
    *out = eco_can_message_frame(m);
    const double v[3] = {(double)rt->hz_state, (double)(rt->hz.st.received % 65536u),
                         (double)(rt->hz.st.rejected % 65536u)};
    for (int i = 0; i < 3; i++)
        if (rt->hz_status_sig[i] >= 0 &&
            eco_can_signal_encode(&db->signals[rt->hz_status_sig[i]], v[i], out->data) != ECO_OK)
            return ECO_ERANGE;
    return encode_reason(rt, out);
}

int eco_rt_brake_frame(eco_rt *rt, eco_can_frame *out)
{
    return eco_rt_brake_encode(&rt->brake, rt->cfg.db, rt->brake_cmd, rt->last_valid,
                               &rt->brake_counter, out);
}

int eco_rt_horizon_state(const eco_rt *rt)
{
    return rt->hz_state;
}

const eco_hz *eco_rt_horizon(const eco_rt *rt)
{
    return &rt->hz;
}

int eco_rt_shutdown_frame(eco_rt *rt, eco_can_frame *out)
{
    encode_invalid(rt, out);
    rt->st.faults = ECO_RT_FAULT_SHUTDOWN;
    rt->last_valid = rt->ctl_warm = 0;
    return ECO_OK;
}

void eco_rt_note_overruns(eco_rt *rt, unsigned n)
{
    rt->st.overruns += n;
}

const eco_rt_stats *eco_rt_stats_get(const eco_rt *rt)
{
    return &rt->st;
}

const eco_can_rx_stats *eco_rt_rx_stats(const eco_rt *rt)
{
    return &rt->rx->stats;
}

const eco_observation *eco_rt_last_observation(const eco_rt *rt)
{
    return &rt->obs;
}

const eco_preview *eco_rt_last_preview(const eco_rt *rt)
{
    return &rt->pv;
}

const eco_controller *eco_rt_controller(const eco_rt *rt)
{
    return rt->ctl;
}

const eco_rt_config *eco_rt_config_get(const eco_rt *rt)
{
    return &rt->cfg;
}

const char *eco_rt_fault_name(unsigned bit)
{
    /* name i is bit i's, in the order of the ECO_RT_FAULT_* bits */
    static const char *const names[] = {"stale input",
                                        "input out of its DBC range",
                                        "rejected or garbage input frame",
                                        "controller failed",
                                        "solve overran its budget",
                                        "setpoint outside the DBC range",
                                        "not engaged",
                                        "no set speed",
                                        "shutdown"};
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
        if (bit == 1u << i)
            return names[i];
    return "";
}
