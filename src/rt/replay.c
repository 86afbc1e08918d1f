/* Replay: the core over a candump log, on the log's own clock. Step k happens at
 * t_first + (k + 1) period, or (logged steps) where the daemon that wrote the log stepped;
 * everything the output depends on comes from the log. */
#include "ecodrive/rt.h"
#include "replay_summary.h"
#include "rt_internal.h"
#include "ecodrive/units.h"

#include <errno.h>
#include <string.h>
#include <time.h>

typedef struct {
    eco_rt *rt;
    FILE *out;
    const eco_rt_replay_opts *o;
    char iface[ECO_CAN_IFNAME_MAX];
    int64_t t_first_ns, mono_start_ns;
    long steps, setpoints_seen;
    int brake_msg, setpoint_msg; /* the core's output messages, or -1 */
    int after_brake;             /* the last frame was the core's brake message */
} replay;

/* Logged steps: the live loop sends its brake frame, then its setpoint, right after a step
 * on the frames it had received, so a step goes before the first of the pair. */
static int is_logged_step(replay *p, uint32_t id)
{
    const eco_can_db *db = eco_rt_config_get(p->rt)->db;
    int sp = p->setpoint_msg >= 0 && db->msgs[p->setpoint_msg].id == id;
    int brake = p->brake_msg >= 0 && db->msgs[p->brake_msg].id == id;
    int after_brake = p->after_brake;
    p->after_brake = brake;
    p->setpoints_seen += sp;
    return brake || (sp && !after_brake);
}

/* --realtime: sleep until log time t (absolute CLOCK_MONOTONIC deadline, no drift);
 * returns how late the wake-up was, ns. */
static int64_t sleep_until(const replay *p, int64_t t_log_ns)
{
    int64_t deadline = p->mono_start_ns + (t_log_ns - p->t_first_ns);
    struct timespec ts = {(time_t)(deadline / ECO_NS_PER_S), (long)(deadline % ECO_NS_PER_S)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
        if (p->o->stop && *p->o->stop)
            break;
    }
    return eco_clock_ns(CLOCK_MONOTONIC) - deadline;
}

/* The decoded inputs once a second of log time (--verbose, --check). */
static void print_inputs(const replay *p, int64_t t_ns, unsigned faults)
{
    const eco_observation *o = eco_rt_last_observation(p->rt);
    double v[ECO_CAN_IN_COUNT];
#define ECO_OBS_BUS(member, NAME, key, unit, type, need) v[ECO_CAN_IN_##NAME] = o->member;
#include "ecodrive/observation.def"
    char prefix[48];
    snprintf(prefix, sizeof prefix, "t=%.1f s inputs:", (double)(t_ns - p->t_first_ns) * 1e-9);
    eco_rt_inputs_print(p->o->inputs, prefix, v, faults);
}

static int step(replay *p, int64_t t_ns)
{
    if (p->o->realtime) {
        int64_t late = sleep_until(p, t_ns);
        if (p->o->late_ns && p->o->n_late && *p->o->n_late < p->o->late_cap)
            p->o->late_ns[(*p->o->n_late)++] = late;
    }
    eco_can_log_entry e;
    memset(&e, 0, sizeof e);
    unsigned faults = eco_rt_step(p->rt, t_ns, &e.frame);
    if (p->o->inputs && ++p->steps % ECO_RT_STATUS_PERIODS == 0)
        print_inputs(p, t_ns, faults);
    if (p->o->summary)
        eco_rt_replay_summary_step(p->o->summary, p->rt, t_ns);
    e.t_us = t_ns / 1000;
    snprintf(e.iface, sizeof e.iface, "%s", p->iface);
    eco_can_log_entry brake = e; /* sent just before the setpoint, as the live loop does */
    int have_brake = eco_rt_brake_frame(p->rt, &brake.frame) != ECO_ENOENT;
    if ((have_brake && eco_can_log_write(p->out, &brake) != ECO_OK) ||
        eco_can_log_write(p->out, &e) != ECO_OK) {
        eco_set_error("replay: cannot write the output: %s", strerror(errno));
        return ECO_EIO;
    }
    return ECO_OK;
}

int eco_rt_replay(eco_rt *rt, const char *log_path, FILE *out, const eco_rt_replay_opts *opts)
{
    static const eco_rt_replay_opts none;
    const eco_rt_config *cfg = eco_rt_config_get(rt);
    eco_rt_brake_layout brake;
    replay p = {rt, out, opts ? opts : &none, "", 0, 0, 0, 0, -1, cfg->map->setpoint_msg, 0};
    if (eco_rt_brake_layout_find(cfg->db, &brake) == ECO_OK)
        p.brake_msg = brake.msg;
    eco_can_log_reader r;
    int rc = eco_can_log_open(&r, log_path);
    if (rc != ECO_OK)
        return rc;
    const int64_t period = eco_rt_period_ns(cfg);
    int64_t next = 0, last_t = 0;
    int first = 1;
    eco_can_log_entry e;
    while ((rc = eco_can_log_next(&r, &e)) == ECO_OK) {
        if (p.o->stop && *p.o->stop)
            break;
        int64_t t = e.t_us * 1000;
        if (p.o->summary)
            p.o->summary->lines++;
        if (first) {
            p.t_first_ns = last_t = t;
            p.mono_start_ns = eco_clock_ns(CLOCK_MONOTONIC);
            next = t + period;
            snprintf(p.iface, sizeof p.iface, "%s", p.o->out_iface ? p.o->out_iface : e.iface);
            first = 0;
        }
        if (t < last_t)
            t = last_t; /* a log that steps back in time: keep the order of its lines */
        last_t = t;
        if (p.o->logged_steps) {
            if (is_logged_step(&p, e.frame.id) && (rc = step(&p, t)) != ECO_OK)
                goto out;
        } else {
            for (; t >= next; next += period)
                if ((rc = step(&p, next)) != ECO_OK)
                    goto out;
        }
        if (p.o->realtime)
            sleep_until(&p, t);
        eco_rt_frame(rt, &e.frame, t);
    }
    if (rc == ECO_ENOENT) /* end of the log */
        rc = ECO_OK;
    if (rc == ECO_OK && first) {
        eco_set_error("%s: the log is empty (no frame)", log_path);
        rc = ECO_EINVAL;
    } else if (rc == ECO_OK && p.o->logged_steps && !p.setpoints_seen) {
        const eco_can_db *db = cfg->db;
        int sp = p.setpoint_msg;
        eco_set_error("%s: logged steps: no %s frame (id 0x%X) in the log to step at (not a "
                      "--log of ecodrived?)",
                      log_path, sp >= 0 ? db->msgs[sp].name : "setpoint",
                      sp >= 0 ? (unsigned)db->msgs[sp].id : 0u);
        rc = ECO_EINVAL;
    }
out:
    eco_can_log_close(&r);
    if (fflush(out) != 0 && rc == ECO_OK) {
        eco_set_error("replay: cannot write the output: %s", strerror(errno));
        rc = ECO_EIO;
    }
    return rc;
}
