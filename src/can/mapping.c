/* The mapping at run time: reading observation fields and writing the setpoint and status
 * through it only indexes arrays. The mapping file itself is read by config
 * (src/config/mapping_json.c). */
#include "ecodrive/can.h"

#include <math.h>
#include <string.h>

/* The inputs' keys and needs, from the one list of them. */
static const char *const in_keys[ECO_CAN_IN_COUNT] = {
#define ECO_OBS_BUS(member, NAME, key, unit, type, need) key,
#include "ecodrive/observation.def"
};
static const unsigned char in_required[ECO_CAN_IN_COUNT] = {
#define ECO_OBS_BUS(member, NAME, key, unit, type, need) ECO_CAN_IN_NEED_##need,
#include "ecodrive/observation.def"
};
static const char *const out_keys[ECO_CAN_OUT_COUNT] = {
    "throttle", "regen", "valid", "counter", "crc", "engine_request", "engine_power_w"};
static const char *const status_keys[ECO_CAN_ST_COUNT] = {
    "frames_received", "frames_stale", "frames_rejected", "deadline_overruns", "solve_time_us"};

const char *eco_can_in_field_name(eco_can_in_field f)
{
    return (unsigned)f < ECO_CAN_IN_COUNT ? in_keys[f] : "?";
}

const char *eco_can_out_field_name(eco_can_out_field f)
{
    return (unsigned)f < ECO_CAN_OUT_COUNT ? out_keys[f] : "?";
}

const char *eco_can_status_field_name(eco_can_status_field f)
{
    return (unsigned)f < ECO_CAN_ST_COUNT ? status_keys[f] : "?";
}

int eco_can_in_field_required(eco_can_in_field f)
{
    return (unsigned)f < ECO_CAN_IN_COUNT ? in_required[f] : 0;
}

/* One signal's cycle and timeout overrides (0: none). */
static int apply_timing(eco_can_rx *rx, int sig, int cycle_ms, int timeout_ms)
{
    if (sig < 0)
        return ECO_OK;
    if ((cycle_ms > 0 && eco_can_rx_set_cycle_ms(rx, sig, cycle_ms) != ECO_OK) ||
        (timeout_ms > 0 &&
         eco_can_rx_set_timeout_ns(rx, sig, (int64_t)timeout_ms * 1000000) != ECO_OK))
        return ECO_EINVAL;
    return ECO_OK;
}

int eco_can_mapping_apply(const eco_can_mapping *map, eco_can_rx *rx)
{
    for (int i = 0; i < ECO_CAN_IN_COUNT; i++)
        if (apply_timing(rx, map->in[i].signal, map->in[i].cycle_ms, map->in[i].timeout_ms))
            return ECO_EINVAL;
    for (int i = 0; i < map->n_e2e; i++)
        if (eco_can_rx_set_e2e(rx, map->e2e[i].msg, &map->e2e[i].cfg) != ECO_OK)
            return ECO_EINVAL;
    const eco_can_engaged *g = &map->engaged;
    return apply_timing(rx, g->signal, g->cycle_ms, g->timeout_ms);
}

const eco_can_e2e_config *eco_can_mapping_e2e_of(const eco_can_mapping *map, int msg)
{
    for (int i = 0; i < map->n_e2e; i++)
        if (map->e2e[i].msg == msg)
            return &map->e2e[i].cfg;
    return NULL;
}

/* Whether a DBC physical value meets the engagement condition. */
static int engaged_by(const eco_can_engaged *g, const eco_can_signal *s, double v)
{
    if (g->rule == ECO_CAN_ENGAGED_ABOVE)
        return v > g->value[0];
    int64_t raw = llround((v - s->offset) / s->factor);
    for (int i = 0; i < g->n_values; i++)
        if (g->raw[i] == raw)
            return 1;
    return 0;
}

int eco_can_mapping_engaged(const eco_can_mapping *map, const eco_can_rx *rx, int64_t now_ns,
                            int *engaged)
{
    const eco_can_engaged *g = &map->engaged;
    double v = 0.0;
    *engaged = g->signal < 0;
    if (g->signal < 0)
        return ECO_ENOENT;
    int rc = eco_can_rx_get(rx, g->signal, now_ns, &v);
    if (rc == ECO_OK && !isfinite(v))
        rc = ECO_EINVAL;
    if (rc == ECO_OK)
        *engaged = engaged_by(g, &rx->db->signals[g->signal], v);
    return rc;
}

int eco_can_mapping_encode_engaged(const eco_can_mapping *map, const eco_can_db *db, int engaged,
                                   eco_can_frame *f)
{
    const eco_can_engaged *g = &map->engaged;
    if (g->signal < 0 || db->msgs[db->signals[g->signal].msg].id != f->id)
        return ECO_ENOENT;
    const eco_can_signal *s = &db->signals[g->signal];
    if (engaged && g->rule != ECO_CAN_ENGAGED_ABOVE) {
        eco_can_signal_encode(s, g->value[0], f->data);
        return ECO_OK;
    }
    double lo = s->has_range ? s->min : -INFINITY, hi = s->has_range ? s->max : INFINITY;
    int64_t raw0 = llround((fmin(fmax(0.0, lo), hi) - s->offset) / s->factor);
    int64_t at = g->rule == ECO_CAN_ENGAGED_ABOVE
                     ? (int64_t)floor((g->value[0] - s->offset) / s->factor)
                     : raw0;
    /* the raw steps around the threshold ("above") or the DBC's 0, outwards */
    for (int k = 0; k < 64; k++) {
        int64_t raw = (engaged ? at : raw0) + (k % 2 ? (k + 1) / 2 : -(k / 2));
        double v = (double)raw * s->factor + s->offset;
        if (v < lo || v > hi || engaged_by(g, s, v) != !!engaged)
            continue;
        eco_can_signal_encode(s, v, f->data);
        return ECO_OK;
    }
    return ECO_ERANGE;
}

/* An input read through its value table: the raw value the DBC value stands for, looked
 * up; one not in the table is out of range (as is a DBC range error, judged on the raw). */
static int table_value(const eco_can_map_entry *e, const eco_can_signal *s, double v, int rc,
                       double *si)
{
    int64_t raw = llround((v - s->offset) / s->factor);
    *si = 0.0;
    if (rc != ECO_OK && rc != ECO_ERANGE)
        return rc;
    for (int i = 0; i < e->n_values; i++)
        if (e->value_raw[i] == raw) {
            *si = e->value_si[i];
            return ECO_OK;
        }
    return ECO_ERANGE;
}

int eco_can_mapping_read(const eco_can_mapping *map, const eco_can_rx *rx, eco_can_in_field f,
                         int64_t now_ns, double *si, int64_t *age_ns)
{
    const eco_can_map_entry *e = &map->in[f];
    double v;
    int rc;
    if (e->constant) {
        if (age_ns)
            *age_ns = 0;
        *si = e->constant_si;
        return ECO_OK;
    }
    if (age_ns)
        *age_ns = e->signal >= 0 ? eco_can_rx_age_ns(rx, e->signal, now_ns) : INT64_MAX;
    if (e->signal < 0)
        return ECO_ENOENT;
    rc = eco_can_rx_get(rx, e->signal, now_ns, &v);
    if (e->n_values > 0)
        return table_value(e, &rx->db->signals[e->signal], v, rc, si);
    *si = v * e->scale + e->offset;
    if (e->has_range && (rc == ECO_OK || rc == ECO_ERANGE)) /* the mapping's range instead */
        rc = *si >= e->min_si && *si <= e->max_si ? ECO_OK : ECO_ERANGE;
    return rc;
}

int eco_can_mapping_encode_input(const eco_can_mapping *map, const eco_can_db *db,
                                 eco_can_in_field field, double si, eco_can_frame *f)
{
    const eco_can_map_entry *e = &map->in[field];
    if (e->signal < 0 || db->msgs[db->signals[e->signal].msg].id != f->id)
        return ECO_ENOENT;
    const eco_can_signal *s = &db->signals[e->signal];
    double v;
    if (e->n_values > 0) { /* the first raw value of the table that means si */
        int i = 0;
        while (i < e->n_values && e->value_si[i] != si)
            i++;
        if (i == e->n_values)
            return ECO_ERANGE;
        v = (double)e->value_raw[i] * s->factor + s->offset;
    } else {
        v = (si - e->offset) / e->scale;
    }
    if (s->has_range)
        v = fmin(fmax(v, s->min), s->max);
    eco_can_signal_encode(s, v, f->data);
    return ECO_OK;
}

int eco_can_mapping_input_messages(const eco_can_mapping *map, const eco_can_db *db, int *msgs,
                                   int cap)
{
    int n = 0;
    for (int f = 0; f < ECO_CAN_IN_COUNT && n < cap; f++) {
        if (map->in[f].signal < 0)
            continue;
        int msg = db->signals[map->in[f].signal].msg, dup = 0;
        for (int i = 0; i < n; i++)
            dup |= msgs[i] == msg;
        if (!dup)
            msgs[n++] = msg;
    }
    if (map->engaged.signal >= 0 && n < cap) {
        int msg = db->signals[map->engaged.signal].msg, dup = 0;
        for (int i = 0; i < n; i++)
            dup |= msgs[i] == msg;
        if (!dup)
            msgs[n++] = msg;
    }
    return n;
}

int eco_can_mapping_encode_setpoint(const eco_can_mapping *map, const eco_can_db *db,
                                    const eco_can_setpoint *sp, uint8_t *counter, eco_can_frame *f)
{
    const eco_can_message *m = &db->msgs[map->setpoint_msg];
    const eco_can_map_entry *o = map->out;
    eco_can_frame fr = eco_can_message_frame(m);
    int rc;

    if (!isfinite(sp->throttle) || !isfinite(sp->regen))
        return ECO_EINVAL;
    rc = eco_can_signal_encode(&db->signals[o[ECO_CAN_OUT_THROTTLE].signal],
                               sp->throttle / o[ECO_CAN_OUT_THROTTLE].scale, fr.data);
    if (rc == ECO_OK)
        rc = eco_can_signal_encode(&db->signals[o[ECO_CAN_OUT_REGEN].signal],
                                   sp->regen / o[ECO_CAN_OUT_REGEN].scale, fr.data);
    if (rc == ECO_OK)
        rc = eco_can_signal_encode(&db->signals[o[ECO_CAN_OUT_VALID].signal], sp->valid ? 1.0 : 0.0,
                                   fr.data);
    if (rc == ECO_OK && o[ECO_CAN_OUT_ENGINE_REQUEST].signal >= 0) {
        if (sp->engine_request < ECO_CAN_ENGINE_NO_REQUEST ||
            sp->engine_request > ECO_CAN_ENGINE_ON)
            return ECO_EINVAL;
        /* 0 (no request) leaves the bits as a DBC without the field would: zero */
        rc = eco_can_signal_encode(&db->signals[o[ECO_CAN_OUT_ENGINE_REQUEST].signal],
                                   (double)sp->engine_request, fr.data);
        if (rc == ECO_OK && sp->engine_request == ECO_CAN_ENGINE_ON &&
            o[ECO_CAN_OUT_ENGINE_POWER_W].signal >= 0)
            rc = eco_can_signal_encode(&db->signals[o[ECO_CAN_OUT_ENGINE_POWER_W].signal],
                                       sp->engine_power_w / o[ECO_CAN_OUT_ENGINE_POWER_W].scale,
                                       fr.data);
    }
    if (rc == ECO_OK)
        rc = map->setpoint_e2e.cks.ready /* a mapping built by hand: the DBC's E2E */
                 ? eco_can_e2e_config_protect(&map->setpoint_e2e, fr.data, m->dlc, counter)
                 : eco_can_e2e_protect(db, map->setpoint_msg, fr.data, counter);
    if (rc == ECO_OK)
        *f = fr;
    return rc;
}

/* One output in SI; ECO_OK, ECO_ERANGE (value set) or ECO_EINVAL (NaN). */
static int out_get(const eco_can_mapping *map, const eco_can_db *db, eco_can_out_field k,
                   const eco_can_frame *f, double *si)
{
    const eco_can_map_entry *e = &map->out[k];
    double v = 0.0;
    int rc = eco_can_signal_decode(&db->signals[e->signal], f->data, &v);
    *si = v * e->scale;
    return rc == ECO_OK && !isfinite(*si) ? ECO_EINVAL : rc;
}

int eco_can_mapping_decode_setpoint(const eco_can_mapping *map, const eco_can_db *db,
                                    const eco_can_frame *f, eco_can_setpoint *sp)
{
    const eco_can_message *m = &db->msgs[map->setpoint_msg];
    double v[ECO_CAN_OUT_COUNT] = {0};
    int rc = ECO_OK;

    memset(sp, 0, sizeof *sp);
    if (f->id != m->id || f->dlc < m->dlc)
        return ECO_EINVAL;
    for (int k = 0; k < ECO_CAN_OUT_COUNT; k++) {
        int r;
        if (map->out[k].signal < 0 || k == ECO_CAN_OUT_COUNTER || k == ECO_CAN_OUT_CRC)
            continue;
        r = out_get(map, db, (eco_can_out_field)k, f, &v[k]);
        if (r == ECO_EINVAL)
            return ECO_EINVAL;
        if (r != ECO_OK)
            rc = ECO_ERANGE;
    }
    sp->throttle = v[ECO_CAN_OUT_THROTTLE];
    sp->regen = v[ECO_CAN_OUT_REGEN];
    sp->valid = v[ECO_CAN_OUT_VALID] >= 0.5;
    sp->engine_request = (int)v[ECO_CAN_OUT_ENGINE_REQUEST];
    sp->engine_power_w = v[ECO_CAN_OUT_ENGINE_POWER_W];
    if (sp->engine_request < ECO_CAN_ENGINE_NO_REQUEST || sp->engine_request > ECO_CAN_ENGINE_ON)
        rc = ECO_ERANGE;
    return rc;
}

int eco_can_mapping_encode_status(const eco_can_mapping *map, const eco_can_db *db,
                                  const eco_can_status *st, eco_can_frame *f)
{
    const uint64_t counts[4] = {st->frames_received, st->frames_stale, st->frames_rejected,
                                st->deadline_overruns};
    const eco_can_message *m;
    int i;

    if (map->status_msg < 0)
        return ECO_EINVAL;
    m = &db->msgs[map->status_msg];
    *f = eco_can_message_frame(m);
    for (i = 0; i < 4; i++) {
        const eco_can_map_entry *e = &map->status[i];
        const eco_can_signal *s;
        if (e->signal < 0)
            continue;
        s = &db->signals[e->signal];
        /* raw counts (checked at load); they roll over modulo 2^bits like hardware ones */
        eco_can_signal_set_raw(s, counts[i], f->data);
    }
    if (map->status[ECO_CAN_ST_SOLVE_TIME_US].signal >= 0) {
        const eco_can_map_entry *e = &map->status[ECO_CAN_ST_SOLVE_TIME_US];
        const eco_can_signal *s = &db->signals[e->signal];
        double v = st->solve_time_us / e->scale;
        if (!isfinite(v) || (s->has_range && v > s->max))
            v = s->has_range ? s->max : 0.0; /* a report saturates; documented in can.h */
        if (s->has_range && v < s->min)
            v = s->min;
        if (eco_can_signal_encode(s, v, f->data) != ECO_OK)
            return ECO_EINVAL;
    }
    return ECO_OK;
}
