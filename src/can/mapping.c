/* Mapping file: which DBC signal carries each observation field and output, and the
 * factor from the DBC unit to SI. Parsed once at init with cJSON; the run-time helpers
 * only index arrays. */
#include "ecodrive/can.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#define PI 3.14159265358979323846

typedef enum {
    D_SPEED,
    D_ANGVEL,
    D_TORQUE,
    D_FRACTION,
    D_COUNT,
    D_VOLT,
    D_AMP,
    D_ANGLE,
    D_TIME_US,
    D_POWER,
    D_RAW
} dim;

static const char *const dim_si[] = {
    "m/s", "rad/s", "Nm", "fraction 0..1", "a count", "V", "A", "rad", "us", "W", "raw"};

typedef struct {
    const char *key;
    dim d;
    int required;
} field_def;

static const field_def in_defs[ECO_CAN_IN_COUNT] = {
    {"vehicle_speed_mps", D_SPEED, 1}, {"engine_speed_radps", D_ANGVEL, 1},
    {"engine_torque_nm", D_TORQUE, 1}, {"accel_pedal", D_FRACTION, 1},
    {"brake_pedal", D_FRACTION, 1},    {"gear", D_COUNT, 1},
    {"battery_soc", D_FRACTION, 1},    {"battery_voltage_v", D_VOLT, 1},
    {"battery_current_a", D_AMP, 1},   {"set_speed_mps", D_SPEED, 1},
    {"road_grade_rad", D_ANGLE, 0},
};
static const field_def out_defs[ECO_CAN_OUT_COUNT] = {
    {"throttle", D_FRACTION, 1},    {"regen", D_FRACTION, 1}, {"valid", D_RAW, 1},
    {"counter", D_RAW, 1},          {"crc", D_RAW, 1},        {"engine_request", D_RAW, 0},
    {"engine_power_w", D_POWER, 0},
};
static const field_def st_defs[ECO_CAN_ST_COUNT] = {
    {"frames_received", D_COUNT, 0}, {"frames_stale", D_COUNT, 0},
    {"frames_rejected", D_COUNT, 0}, {"deadline_overruns", D_COUNT, 0},
    {"solve_time_us", D_TIME_US, 0},
};

/* DBC unit -> SI factor. Conversions: 1 km/h = 1/3.6 m/s; 1 mph = 0.44704 m/s exactly
 * (international mile, NIST SP 811); 1 rpm = 2*pi/60 rad/s; 1 deg = pi/180 rad. */
static const struct {
    const char *unit;
    dim d;
    double scale;
} units[] = {
    {"m/s", D_SPEED, 1.0},
    {"km/h", D_SPEED, 1.0 / 3.6},
    {"kph", D_SPEED, 1.0 / 3.6},
    {"kmh", D_SPEED, 1.0 / 3.6},
    {"mph", D_SPEED, 0.44704},
    {"rad/s", D_ANGVEL, 1.0},
    {"rpm", D_ANGVEL, PI / 30.0},
    {"1/min", D_ANGVEL, PI / 30.0},
    {"Nm", D_TORQUE, 1.0},
    {"N.m", D_TORQUE, 1.0},
    {"N*m", D_TORQUE, 1.0},
    {"%", D_FRACTION, 0.01},
    {"V", D_VOLT, 1.0},
    {"mV", D_VOLT, 0.001},
    {"A", D_AMP, 1.0},
    {"mA", D_AMP, 0.001},
    {"rad", D_ANGLE, 1.0},
    {"deg", D_ANGLE, PI / 180.0},
    {"\xc2\xb0", D_ANGLE, PI / 180.0},
    {"", D_COUNT, 1.0},
    {"frames", D_COUNT, 1.0},
    {"count", D_COUNT, 1.0},
    {"us", D_TIME_US, 1.0},
    {"\xc2\xb5s", D_TIME_US, 1.0},
    {"ms", D_TIME_US, 1000.0},
    {"s", D_TIME_US, 1e6},
    {"W", D_POWER, 1.0},
    {"kW", D_POWER, 1000.0},
};

typedef struct {
    const char *file;
    const eco_can_db *db;
} ctx;

static int err(const ctx *c, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int err(const ctx *c, int rc, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    eco_set_error("%s: %s", c->file, what);
    return rc;
}

const char *eco_can_in_field_name(eco_can_in_field f)
{
    return (unsigned)f < ECO_CAN_IN_COUNT ? in_defs[f].key : "?";
}

const char *eco_can_out_field_name(eco_can_out_field f)
{
    return (unsigned)f < ECO_CAN_OUT_COUNT ? out_defs[f].key : "?";
}

const char *eco_can_status_field_name(eco_can_status_field f)
{
    return (unsigned)f < ECO_CAN_ST_COUNT ? st_defs[f].key : "?";
}

/* One entry: "Signal" or {"signal": ..., "scale": ..., "cycle_ms": ...}. */
static int parse_entry(const ctx *c, const char *path, const cJSON *v, dim d, int is_input,
                       eco_can_map_entry *e)
{
    const cJSON *name = v, *scale = NULL, *cycle = NULL, *k;
    const eco_can_signal *s;
    int rc;
    size_t i;

    if (cJSON_IsObject(v)) {
        name = NULL;
        cJSON_ArrayForEach(k, v)
        {
            if (!strcmp(k->string, "signal"))
                name = k;
            else if (!strcmp(k->string, "scale") && d != D_RAW)
                scale = k;
            else if (!strcmp(k->string, "cycle_ms") && is_input)
                cycle = k;
            else
                return err(c, ECO_EPARSE, "%s.%s: unknown key", path, k->string);
        }
    }
    if (!cJSON_IsString(name))
        return err(c, ECO_EPARSE, "%s: expected a signal name or {\"signal\": NAME, ...}", path);
    rc = eco_can_db_signal_find(c->db, name->valuestring, &e->signal);
    if (rc == ECO_ENOENT)
        return err(c, ECO_ENOENT, "%s: signal %s is not in the DBC", path, name->valuestring);
    if (rc != ECO_OK) {
        char why[256];
        snprintf(why, sizeof why, "%s", eco_last_error());
        return err(c, rc, "%s: %s", path, why);
    }
    s = &c->db->signals[e->signal];
    e->scale = 1.0;
    e->cycle_ms = 0;
    if (scale) {
        if (!cJSON_IsNumber(scale) || !isfinite(scale->valuedouble) || scale->valuedouble == 0)
            return err(c, ECO_EPARSE, "%s.scale: expected a non-zero number", path);
        e->scale = scale->valuedouble;
    } else if (d != D_RAW) {
        for (i = 0; i < sizeof units / sizeof units[0]; i++)
            if (!strcasecmp(units[i].unit, s->unit) && units[i].d == d)
                break;
        if (i == sizeof units / sizeof units[0])
            return err(c, ECO_EINVAL,
                       "%s: cannot convert unit \"%s\" of signal %s to %s; give \"scale\"", path,
                       s->unit, s->name, dim_si[d]);
        e->scale = units[i].scale;
    }
    if (cycle) {
        if (!cJSON_IsNumber(cycle) || cycle->valuedouble < 1 || cycle->valuedouble > 3600000 ||
            cycle->valuedouble != (int)cycle->valuedouble)
            return err(c, ECO_EPARSE, "%s.cycle_ms: expected an integer 1..3600000", path);
        e->cycle_ms = (int)cycle->valuedouble;
    }
    return ECO_OK;
}

/* A section: an object whose keys are field names of defs. */
static int parse_section(const ctx *c, const cJSON *sec, const char *sname, const field_def *defs,
                         int n, eco_can_map_entry *out)
{
    const cJSON *k;
    char path[128];
    int i, rc;

    if (!cJSON_IsObject(sec))
        return err(c, ECO_EPARSE, "%s: expected an object", sname);
    cJSON_ArrayForEach(k, sec)
    {
        for (i = 0; i < n && strcmp(defs[i].key, k->string); i++)
            ;
        snprintf(path, sizeof path, "%s.%s", sname, k->string);
        if (i == n)
            return err(c, ECO_EPARSE, "%s: unknown key", path);
        if (out[i].signal >= 0)
            return err(c, ECO_EPARSE, "%s: given twice", path);
        rc = parse_entry(c, path, k, defs[i].d, defs == in_defs, &out[i]);
        if (rc != ECO_OK)
            return rc;
    }
    for (i = 0; i < n; i++)
        if (defs[i].required && out[i].signal < 0)
            return err(c, ECO_EINVAL, "%s.%s: missing (required)", sname, defs[i].key);
    return ECO_OK;
}

/* All mapped entries of a section in one message; returns it, or -1 if none mapped. */
static int one_message(const ctx *c, const char *sname, const field_def *defs, int n,
                       const eco_can_map_entry *e, int *msg)
{
    int i;
    *msg = -1;
    for (i = 0; i < n; i++) {
        int m;
        if (e[i].signal < 0)
            continue;
        m = c->db->signals[e[i].signal].msg;
        if (*msg >= 0 && m != *msg)
            return err(c, ECO_EINVAL, "%s.%s: signal %s is in message %s, not %s like the others",
                       sname, defs[i].key, c->db->signals[e[i].signal].name, c->db->msgs[m].name,
                       c->db->msgs[*msg].name);
        *msg = m;
    }
    return ECO_OK;
}

/* The optional hybrid engine outputs: the request must hold the eco_can_engine_request
 * codes as they are, and a power means nothing without a request. */
static int check_engine(const ctx *c, const eco_can_mapping *map)
{
    const eco_can_map_entry *rq = &map->out[ECO_CAN_OUT_ENGINE_REQUEST];
    const eco_can_signal *s;

    if (rq->signal < 0) {
        if (map->out[ECO_CAN_OUT_ENGINE_POWER_W].signal >= 0)
            return err(c, ECO_EINVAL, "outputs.engine_power_w: needs outputs.engine_request");
        return ECO_OK;
    }
    s = &c->db->signals[rq->signal];
    if (s->factor != 1.0 || s->offset != 0.0 || s->value_type || s->length_bits < 2 ||
        (s->has_range && (s->min > 0.0 || s->max < ECO_CAN_ENGINE_ON)))
        return err(c, ECO_EINVAL,
                   "outputs.engine_request: signal %s must be a raw integer (factor 1, offset 0, "
                   "at least 2 bits) whose range holds 0..2",
                   s->name);
    return ECO_OK;
}

static int check(const ctx *c, eco_can_mapping *map)
{
    const eco_can_db *db = c->db;
    const eco_can_message *m;
    int i, rc;

    for (i = 0; i < ECO_CAN_IN_COUNT; i++) {
        const eco_can_map_entry *e = &map->in[i];
        if (e->signal >= 0 && !e->cycle_ms && !db->msgs[db->signals[e->signal].msg].cycle_time_ms)
            return err(c, ECO_EINVAL,
                       "inputs.%s: message %s has no GenMsgCycleTime, so staleness cannot be "
                       "judged; give \"cycle_ms\"",
                       in_defs[i].key, db->msgs[db->signals[e->signal].msg].name);
    }
    rc = one_message(c, "outputs", out_defs, ECO_CAN_OUT_COUNT, map->out, &map->setpoint_msg);
    if (rc == ECO_OK)
        rc = one_message(c, "status", st_defs, ECO_CAN_ST_COUNT, map->status, &map->status_msg);
    if (rc != ECO_OK)
        return rc;
    for (i = 0; i < ECO_CAN_ST_SOLVE_TIME_US; i++) {
        const eco_can_map_entry *e = &map->status[i];
        const eco_can_signal *s = e->signal >= 0 ? &db->signals[e->signal] : NULL;
        if (s && (s->factor != 1.0 || s->offset != 0.0 || e->scale != 1.0 || s->value_type))
            return err(c, ECO_EINVAL,
                       "status.%s: counter signal %s must be a raw integer count "
                       "(factor 1, offset 0, scale 1)",
                       st_defs[i].key, s->name);
    }
    rc = check_engine(c, map);
    if (rc != ECO_OK)
        return rc;
    m = &db->msgs[map->setpoint_msg];
    if (m->e2e_counter != map->out[ECO_CAN_OUT_COUNTER].signal ||
        m->e2e_crc != map->out[ECO_CAN_OUT_CRC].signal)
        return err(c, ECO_EINVAL,
                   "outputs.counter/crc: %s and %s are not the E2E counter and CRC that "
                   "the DBC declares for message %s",
                   db->signals[map->out[ECO_CAN_OUT_COUNTER].signal].name,
                   db->signals[map->out[ECO_CAN_OUT_CRC].signal].name, m->name);
    return ECO_OK;
}

int eco_can_mapping_parse(const char *json, const char *name, const eco_can_db *db,
                          eco_can_mapping *map)
{
    ctx c = {name ? name : "<mapping>", db};
    cJSON_Hooks hooks = {eco_malloc, eco_free};
    const cJSON *k, *in = NULL, *out = NULL, *st = NULL;
    cJSON *root;
    int i, rc = ECO_OK;

    memset(map, 0, sizeof *map);
    for (i = 0; i < ECO_CAN_IN_COUNT; i++)
        map->in[i].signal = -1;
    for (i = 0; i < ECO_CAN_OUT_COUNT; i++)
        map->out[i].signal = -1;
    for (i = 0; i < ECO_CAN_ST_COUNT; i++)
        map->status[i].signal = -1;
    map->setpoint_msg = map->status_msg = -1;

    cJSON_InitHooks(&hooks);
    root = cJSON_Parse(json);
    if (!root) {
        const char *at = cJSON_GetErrorPtr(), *p;
        int line = 1;
        for (p = json; at && p < at && *p; p++)
            line += *p == '\n';
        eco_set_error("%s:%d: invalid JSON near '%.20s'", c.file, line, at ? at : "");
        return ECO_EPARSE;
    }
    if (!cJSON_IsObject(root)) {
        rc = err(&c, ECO_EPARSE, "top level: expected an object");
        goto done;
    }
    cJSON_ArrayForEach(k, root)
    {
        if (!strcmp(k->string, "inputs") && !in)
            in = k;
        else if (!strcmp(k->string, "outputs") && !out)
            out = k;
        else if (!strcmp(k->string, "status") && !st)
            st = k;
        else if (!strcmp(k->string, "comment") && cJSON_IsString(k))
            continue;
        else {
            rc = err(&c, ECO_EPARSE, "%s: unknown or repeated key", k->string);
            goto done;
        }
    }
    if (!in || !out) {
        rc = err(&c, ECO_EINVAL, "%s: missing (required)", in ? "outputs" : "inputs");
        goto done;
    }
    rc = parse_section(&c, in, "inputs", in_defs, ECO_CAN_IN_COUNT, map->in);
    if (rc == ECO_OK)
        rc = parse_section(&c, out, "outputs", out_defs, ECO_CAN_OUT_COUNT, map->out);
    if (rc == ECO_OK && st)
        rc = parse_section(&c, st, "status", st_defs, ECO_CAN_ST_COUNT, map->status);
    if (rc == ECO_OK)
        rc = check(&c, map);
done:
    cJSON_Delete(root);
    return rc;
}

int eco_can_mapping_load(const char *path, const eco_can_db *db, eco_can_mapping *map)
{
    char *buf;
    int rc = eco_read_file(path, "mapping", &buf, NULL);
    if (rc)
        return rc;
    rc = eco_can_mapping_parse(buf, path, db, map);
    eco_free(buf);
    return rc;
}

int eco_can_mapping_apply(const eco_can_mapping *map, eco_can_rx *rx)
{
    int i;
    for (i = 0; i < ECO_CAN_IN_COUNT; i++)
        if (map->in[i].signal >= 0 && map->in[i].cycle_ms > 0 &&
            eco_can_rx_set_cycle_ms(rx, map->in[i].signal, map->in[i].cycle_ms) != ECO_OK)
            return ECO_EINVAL;
    return ECO_OK;
}

int eco_can_mapping_read(const eco_can_mapping *map, const eco_can_rx *rx, eco_can_in_field f,
                         int64_t now_ns, double *si)
{
    const eco_can_map_entry *e = &map->in[f];
    double v;
    int rc;
    if (e->signal < 0)
        return ECO_ENOENT;
    rc = eco_can_rx_get(rx, e->signal, now_ns, &v);
    *si = v * e->scale;
    return rc;
}

int eco_can_mapping_encode_setpoint(const eco_can_mapping *map, const eco_can_db *db,
                                    const eco_can_setpoint *sp, uint8_t *counter, eco_can_frame *f)
{
    const eco_can_message *m = &db->msgs[map->setpoint_msg];
    const eco_can_map_entry *o = map->out;
    eco_can_frame fr = {m->id, m->dlc, {0}};
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
        rc = eco_can_e2e_protect(db, map->setpoint_msg, fr.data, counter);
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
    memset(f, 0, sizeof *f);
    f->id = m->id;
    f->dlc = m->dlc;
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
