/* The mapping file (JSON, cJSON): which DBC signal carries each observation field, output
 * and status counter, and the factor from the DBC unit to SI. Read once at start-up into
 * can's eco_can_mapping, checked against the DBC; the run-time side is src/can/mapping.c. */
#include "mapping_e2e.h"
#include "mapping_engaged.h"
#include "mapping_units.h"

#include "ecodrive/config.h"
#include "ecodrive/units.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    const char *file;
    const eco_can_db *db;
    FILE *report;  /* all errors mode (--check): each error as a line here, and go on */
    int *n_errors; /* with report: errors so far */
} ctx;

static int err(const ctx *c, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* In all errors mode, the error just set as a line of the report; rc. */
static int reported(const ctx *c, int rc)
{
    return eco_cfg_map_reported(c->report, c->n_errors, rc);
}

static int err(const ctx *c, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    eco_cfg_map_verror(c->file, "", fmt, ap);
    va_end(ap);
    return reported(c, rc);
}

/* After a failed part: whether to go on to the next (all errors mode), keeping the first
 * failure's code in *first. */
static int go_on(const ctx *c, int rc, int *first)
{
    if (rc != ECO_OK && *first == ECO_OK)
        *first = rc;
    return rc == ECO_OK || c->report;
}

/* The keys of an entry's object form, and which an input may have beyond "signal",
 * "scale" (not on raw fields) and "cycle_ms". */
typedef struct {
    const cJSON *name, *scale, *offset, *cycle, *timeout, *optional, *constant, *min, *max, *values;
} entry_json;

static int entry_keys(const ctx *c, const char *path, const cJSON *v, eco_cfg_dim d, int is_input,
                      entry_json *j)
{
    const struct {
        const char *key;
        size_t at;
        int input_only;
    } keys[] = {
        {"signal", offsetof(entry_json, name), 0},
        {"scale", offsetof(entry_json, scale), 0},
        {"offset", offsetof(entry_json, offset), 1},
        {"cycle_ms", offsetof(entry_json, cycle), 1},
        {"timeout_ms", offsetof(entry_json, timeout), 1},
        {"optional", offsetof(entry_json, optional), 1},
        {"constant", offsetof(entry_json, constant), 1},
        {"min", offsetof(entry_json, min), 1},
        {"max", offsetof(entry_json, max), 1},
        {"values", offsetof(entry_json, values), 1},
    };
    const cJSON *k;
    memset(j, 0, sizeof *j);
    cJSON_ArrayForEach(k, v)
    {
        size_t i = 0;
        while (i < sizeof keys / sizeof keys[0] &&
               (strcmp(k->string, keys[i].key) || (keys[i].input_only && !is_input) ||
                (d == ECO_CFG_DIM_RAW && (i == 1 || i == 2))))
            i++;
        if (i == sizeof keys / sizeof keys[0])
            return err(c, ECO_EPARSE, "%s.%s: unknown key", path, k->string);
        *(const cJSON **)((char *)j + keys[i].at) = k;
    }
    return ECO_OK;
}

/* A finite number, or an error naming path.key. */
static int number(const ctx *c, const char *path, const char *key, const cJSON *v, double *out)
{
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return err(c, ECO_EPARSE, "%s.%s: expected a number", path, key);
    *out = v->valuedouble;
    return ECO_OK;
}

/* A whole number of milliseconds 1..3600000. */
static int millis(const ctx *c, const char *path, const char *key, const cJSON *v, int *out)
{
    if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 3600000 ||
        v->valuedouble != (int)v->valuedouble)
        return err(c, ECO_EPARSE, "%s.%s: expected an integer 1..3600000", path, key);
    *out = (int)v->valuedouble;
    return ECO_OK;
}

/* "optional", "constant", "min"/"max" and "timeout_ms" of an input. */
static int input_extras(const ctx *c, const char *path, const entry_json *j, eco_can_map_entry *e)
{
    int rc = ECO_OK;
    if (j->optional && !cJSON_IsBool(j->optional))
        return err(c, ECO_EPARSE, "%s.optional: expected true or false", path);
    e->optional = j->optional && cJSON_IsTrue(j->optional);
    if (j->constant &&
        (j->name || j->scale || j->offset || j->cycle || j->timeout || j->min || j->max))
        return err(c, ECO_EPARSE,
                   "%s.constant: a constant takes no signal, scale, offset, "
                   "range or timing",
                   path);
    if (j->constant && (rc = number(c, path, "constant", j->constant, &e->constant_si)))
        return rc;
    e->constant = j->constant != NULL;
    if (!j->min != !j->max)
        return err(c, ECO_EPARSE, "%s: give both \"min\" and \"max\"", path);
    if (j->min && ((rc = number(c, path, "min", j->min, &e->min_si)) ||
                   (rc = number(c, path, "max", j->max, &e->max_si))))
        return rc;
    if (j->min && e->min_si > e->max_si)
        return err(c, ECO_EPARSE, "%s: min %g is above max %g", path, e->min_si, e->max_si);
    e->has_range = j->min != NULL;
    if (j->timeout && (rc = millis(c, path, "timeout_ms", j->timeout, &e->timeout_ms)))
        return rc;
    return ECO_OK;
}

static int find_signal(const ctx *c, const char *path, const cJSON *name, int *sig)
{
    if (!cJSON_IsString(name))
        return err(c, ECO_EPARSE, "%s: expected a signal name or {\"signal\": NAME, ...}", path);
    int rc = eco_can_db_signal_find(c->db, name->valuestring, sig);
    if (rc == ECO_ENOENT)
        return err(c, ECO_ENOENT, "%s: signal %s is not in the DBC", path, name->valuestring);
    if (rc != ECO_OK) {
        char why[256];
        snprintf(why, sizeof why, "%s", eco_last_error());
        return err(c, rc, "%s: %s", path, why);
    }
    return ECO_OK;
}

/* The signal's scale to SI: given, or from its DBC unit. */
static int entry_scale(const ctx *c, const char *path, const entry_json *j, eco_cfg_dim d,
                       eco_can_map_entry *e)
{
    const eco_can_signal *s = &c->db->signals[e->signal];
    e->scale = 1.0;
    if (j->scale) {
        if (!cJSON_IsNumber(j->scale) || !isfinite(j->scale->valuedouble) ||
            j->scale->valuedouble == 0)
            return err(c, ECO_EPARSE, "%s.scale: expected a non-zero number", path);
        e->scale = j->scale->valuedouble;
    } else if (d != ECO_CFG_DIM_RAW && !(e->scale = eco_cfg_map_unit_scale(s->unit, d))) {
        return err(c, ECO_EINVAL,
                   "%s: cannot convert unit \"%s\" of signal %s to %s; give \"scale\"", path,
                   s->unit, s->name, eco_cfg_map_dim_si(d));
    }
    return j->offset ? number(c, path, "offset", j->offset, &e->offset) : ECO_OK;
}

/* The meaning of a value-table entry: a number, or for the gear a word (the observation's
 * gear: 0 neutral or park, -1 reverse, 1..10 forward, "drive" 1 for a CVT, hybrid or BEV). */
static int table_meaning(const ctx *c, const char *path, const cJSON *v, int gear, double *si)
{
    static const struct {
        const char *word;
        double gear;
    } words[] = {{"park", 0}, {"neutral", 0}, {"reverse", -1}, {"drive", 1}};
    for (size_t i = 0; gear && cJSON_IsString(v) && i < sizeof words / sizeof words[0]; i++)
        if (!strcmp(v->valuestring, words[i].word)) {
            *si = words[i].gear;
            return ECO_OK;
        }
    if (cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
        (!gear ||
         (v->valuedouble == (int)v->valuedouble && v->valuedouble >= 1 && v->valuedouble <= 10))) {
        *si = v->valuedouble;
        return ECO_OK;
    }
    return err(c, ECO_EPARSE, "%s.values.%s: expected %s", path, v->string,
               gear ? "park, reverse, neutral, drive or a forward gear 1..10" : "a number");
}

/* "values": {RAW or VAL_ name: meaning, ...} for signal sig. */
static int parse_values(const ctx *c, const char *path, const cJSON *vals, int sig, int gear,
                        eco_can_map_entry *e)
{
    const eco_can_signal *s = &c->db->signals[sig];
    const cJSON *k;
    if (!cJSON_IsObject(vals) || !cJSON_GetArraySize(vals))
        return err(c, ECO_EPARSE, "%s.values: expected an object {raw value or VAL_ name: meaning}",
                   path);
    cJSON_ArrayForEach(k, vals)
    {
        if (e->n_values == ECO_CAN_MAP_VALUES_MAX)
            return err(c, ECO_EPARSE, "%s.values: more than %d entries", path,
                       ECO_CAN_MAP_VALUES_MAX);
        char *end;
        long long raw = strtoll(k->string, &end, 10);
        int found = *k->string && !*end;
        for (int i = s->first_value; !found && i < s->first_value + s->n_values; i++)
            if (!strcmp(c->db->values[i].text, k->string)) {
                raw = c->db->values[i].raw;
                found = 1;
            }
        if (!found)
            return err(c, ECO_EPARSE, "%s.values.%s: neither a raw value nor a VAL_ name of %s",
                       path, k->string, s->name);
        e->value_raw[e->n_values] = raw;
        int rc = table_meaning(c, path, k, gear, &e->value_si[e->n_values]);
        if (rc)
            return rc;
        e->n_values++;
    }
    return ECO_OK;
}

/* One entry: "Signal" or {"signal": ..., "scale": ..., ...} (docs/daemon.md, section 3). */
static int parse_entry(const ctx *c, const char *path, const cJSON *v, eco_cfg_dim d, int is_input,
                       eco_can_map_entry *e)
{
    entry_json j = {.name = v};
    int rc = cJSON_IsObject(v) ? entry_keys(c, path, v, d, is_input, &j) : ECO_OK;
    if (rc == ECO_OK && is_input)
        rc = input_extras(c, path, &j, e);
    if (rc != ECO_OK || e->constant || (e->optional && !j.name))
        return rc;
    if (!j.name)
        return err(c, ECO_EPARSE,
                   "%s: no \"signal\" (give one, or \"constant\", or "
                   "\"optional\": true)",
                   path);
    if (j.values && (j.scale || j.offset || j.min))
        return err(c, ECO_EPARSE, "%s.values: a value table takes no scale, offset or range", path);
    if ((rc = find_signal(c, path, j.name, &e->signal)) ||
        (rc = j.values
                  ? parse_values(c, path, j.values, e->signal,
                                 strlen(path) > 5 && !strcmp(path + strlen(path) - 5, ".gear"), e)
                  : entry_scale(c, path, &j, d, e)))
        return rc;
    return j.cycle ? millis(c, path, "cycle_ms", j.cycle, &e->cycle_ms) : ECO_OK;
}

/* A section: an object whose keys are field names of defs. */
static int parse_section(const ctx *c, const cJSON *sec, const char *sname,
                         const eco_cfg_map_field_def *defs, int n, int is_input,
                         eco_can_map_entry *out)
{
    const cJSON *k;
    char path[128];
    int i, rc, first = ECO_OK;
    unsigned char failed[64] = {0}; /* a field that failed is not also missing */

    if (!cJSON_IsObject(sec))
        return err(c, ECO_EPARSE, "%s: expected an object", sname);
    cJSON_ArrayForEach(k, sec)
    {
        for (i = 0; i < n && strcmp(defs[i].key, k->string); i++)
            ;
        snprintf(path, sizeof path, "%s.%s", sname, k->string);
        if (i == n)
            rc = err(c, ECO_EPARSE, "%s: unknown key", path);
        else if (out[i].signal >= 0 || out[i].optional || out[i].constant)
            rc = err(c, ECO_EPARSE, "%s: given twice", path);
        else if ((rc = parse_entry(c, path, k, defs[i].d, is_input, &out[i])) != ECO_OK &&
                 i < (int)sizeof failed)
            failed[i] = 1;
        if (!go_on(c, rc, &first))
            return rc;
    }
    for (i = 0; i < n; i++)
        if (defs[i].required && out[i].signal < 0 && !out[i].optional && !out[i].constant &&
            !(i < (int)sizeof failed && failed[i]) &&
            !go_on(c, err(c, ECO_EINVAL, "%s.%s: missing (required)", sname, defs[i].key), &first))
            return first;
    return first;
}

/* All mapped entries of a section in one message, returned in *msg (-1 if none mapped). */
static int one_message(const ctx *c, const char *sname, const char *(*key)(int), int n,
                       const eco_can_map_entry *e, int *msg)
{
    *msg = -1;
    for (int i = 0; i < n; i++) {
        if (e[i].signal < 0)
            continue;
        int m = c->db->signals[e[i].signal].msg;
        if (*msg >= 0 && m != *msg)
            return err(c, ECO_EINVAL, "%s.%s: signal %s is in message %s, not %s like the others",
                       sname, key(i), c->db->signals[e[i].signal].name, c->db->msgs[m].name,
                       c->db->msgs[*msg].name);
        *msg = m;
    }
    return ECO_OK;
}

static const char *out_key(int i)
{
    return eco_can_out_field_name((eco_can_out_field)i);
}

static const char *status_key(int i)
{
    return eco_can_status_field_name((eco_can_status_field)i);
}

/* The optional hybrid engine outputs: the request must hold the eco_can_engine_request
 * codes as they are, and a power means nothing without a request. */
static int check_engine(const ctx *c, const eco_can_mapping *map)
{
    const eco_can_map_entry *rq = &map->out[ECO_CAN_OUT_ENGINE_REQUEST];
    const eco_can_signal *s;

    if (rq->signal < 0) {
        if (map->out[ECO_CAN_OUT_ENGINE_POWER_W].signal >= 0)
            return err(c, ECO_EINVAL, "$.outputs.engine_power_w: needs $.outputs.engine_request");
        return ECO_OK;
    }
    s = &c->db->signals[rq->signal];
    if (s->factor != 1.0 || s->offset != 0.0 || s->value_type || s->length_bits < 2 ||
        (s->has_range && (s->min > 0.0 || s->max < ECO_CAN_ENGINE_ON)))
        return err(c, ECO_EINVAL,
                   "$.outputs.engine_request: signal %s must be a raw integer (factor 1, offset 0, "
                   "at least 2 bits) whose range holds 0..2",
                   s->name);
    return ECO_OK;
}

/* Every input's staleness can be judged. */
static int check_inputs(const ctx *c, const eco_can_mapping *map)
{
    const eco_can_db *db = c->db;
    int first = ECO_OK;
    for (int i = 0; i < ECO_CAN_IN_COUNT; i++) {
        const eco_can_map_entry *e = &map->in[i];
        if (e->signal >= 0 && !e->cycle_ms && !db->msgs[db->signals[e->signal].msg].cycle_time_ms &&
            !go_on(c,
                   err(c, ECO_EINVAL,
                       "$.inputs.%s: message %s has no GenMsgCycleTime, so staleness cannot be "
                       "judged; give \"cycle_ms\"",
                       eco_cfg_map_in_defs[i].key, db->msgs[db->signals[e->signal].msg].name),
                   &first))
            break;
    }
    return first;
}

/* The status counters are raw counts (they roll over like hardware counters). */
static int check_counters(const ctx *c, const eco_can_mapping *map)
{
    const eco_can_db *db = c->db;
    int first = ECO_OK;
    for (int i = 0; i < ECO_CAN_ST_SOLVE_TIME_US; i++) {
        const eco_can_map_entry *e = &map->status[i];
        const eco_can_signal *s = e->signal >= 0 ? &db->signals[e->signal] : NULL;
        if (s && (s->factor != 1.0 || s->offset != 0.0 || e->scale != 1.0 || s->value_type) &&
            !go_on(c,
                   err(c, ECO_EINVAL,
                       "$.status.%s: counter signal %s must be a raw integer count "
                       "(factor 1, offset 0, scale 1)",
                       status_key(i), s->name),
                   &first))
            break;
    }
    return first;
}

static int check(const ctx *c, eco_can_mapping *map)
{
    int first = ECO_OK;
    /* the setpoint's E2E is checked with the "e2e" object, after these (mapping_e2e.c) */
    if (!go_on(c, check_inputs(c, map), &first) ||
        !go_on(
            c,
            one_message(c, "$.outputs", out_key, ECO_CAN_OUT_COUNT, map->out, &map->setpoint_msg),
            &first) ||
        !go_on(
            c,
            one_message(c, "$.status", status_key, ECO_CAN_ST_COUNT, map->status, &map->status_msg),
            &first) ||
        !go_on(c, check_counters(c, map), &first))
        return first;
    go_on(c, check_engine(c, map), &first);
    return first;
}

static void unmapped(eco_can_map_entry *e, int n)
{
    for (int i = 0; i < n; i++)
        e[i].signal = -1;
}

/* The three sections, checked against their fields. */
static int parse_sections(const ctx *c, const cJSON *in, const cJSON *out, const cJSON *st,
                          eco_can_mapping *map)
{
    eco_cfg_map_field_def outs[ECO_CAN_OUT_COUNT], stats[ECO_CAN_ST_COUNT];
    for (int i = 0; i < ECO_CAN_OUT_COUNT; i++)
        outs[i] = (eco_cfg_map_field_def){out_key(i), eco_cfg_map_out_units[i].d,
                                          eco_cfg_map_out_units[i].required};
    for (int i = 0; i < ECO_CAN_ST_COUNT; i++)
        stats[i] = (eco_cfg_map_field_def){status_key(i), eco_cfg_map_status_units[i].d,
                                           eco_cfg_map_status_units[i].required};
    int first = ECO_OK;
    if (go_on(c,
              parse_section(c, in, "$.inputs", eco_cfg_map_in_defs, ECO_CAN_IN_COUNT, 1, map->in),
              &first) &&
        go_on(c, parse_section(c, out, "$.outputs", outs, ECO_CAN_OUT_COUNT, 0, map->out),
              &first) &&
        st)
        go_on(c, parse_section(c, st, "$.status", stats, ECO_CAN_ST_COUNT, 0, map->status), &first);
    /* the checks across fields only on fields that all parsed */
    return first == ECO_OK ? check(c, map) : first;
}

/* The top level: "inputs", "outputs", optional "status", "e2e", "engaged" and "comment". */
static int parse_root(const ctx *c, const cJSON *root, eco_can_mapping *map)
{
    const cJSON *k, *in = NULL, *out = NULL, *st = NULL, *e2e = NULL, *eng = NULL;
    int first = ECO_OK;
    if (!cJSON_IsObject(root))
        return err(c, ECO_EPARSE, "$: expected an object");
    cJSON_ArrayForEach(k, root)
    {
        int rc = ECO_OK;
        if (!strcmp(k->string, "inputs") && !in)
            in = k;
        else if (!strcmp(k->string, "outputs") && !out)
            out = k;
        else if (!strcmp(k->string, "status") && !st)
            st = k;
        else if (!strcmp(k->string, "e2e") && !e2e)
            e2e = k;
        else if (!strcmp(k->string, "engaged") && !eng)
            rc = reported(c, eco_cfg_mapping_engaged_parse(eng = k, c->file, c->db, &map->engaged));
        else if (!strcmp(k->string, "comment") && !cJSON_IsString(k))
            rc = err(c, ECO_EPARSE, "$.comment: expected a string");
        else if (strcmp(k->string, "comment"))
            rc = err(c, ECO_EPARSE, "$.%s: unknown or repeated key", k->string);
        if (!go_on(c, rc, &first))
            return rc;
    }
    if (!in || !out)
        return err(c, ECO_EINVAL, "$.%s: missing (required)", in ? "outputs" : "inputs");
    int rc = parse_sections(c, in, out, st, map);
    if (rc == ECO_OK && first == ECO_OK)
        rc = eco_cfg_mapping_e2e(e2e, c->file, c->db, map, c->report, c->n_errors);
    return first != ECO_OK ? first : rc;
}

static int parse_text(const ctx *c, const char *json, eco_can_mapping *map)
{
    cJSON_Hooks hooks = {eco_malloc, eco_free};

    memset(map, 0, sizeof *map);
    unmapped(map->in, ECO_CAN_IN_COUNT);
    unmapped(map->out, ECO_CAN_OUT_COUNT);
    unmapped(map->status, ECO_CAN_ST_COUNT);
    map->setpoint_msg = map->status_msg = map->engaged.signal = -1;

    cJSON_InitHooks(&hooks);
    cJSON *root = cJSON_Parse(json);
    if (!root) {
        const char *at = cJSON_GetErrorPtr(), *p;
        int line = 1;
        for (p = json; at && p < at && *p; p++)
            line += *p == '\n';
        eco_set_error("%s:%d: invalid JSON near '%.20s'", c->file, line, at ? at : "");
        return reported(c, ECO_EPARSE);
    }
    int rc = parse_root(c, root, map);
    cJSON_Delete(root);
    return rc;
}

int eco_cfg_mapping_parse(const char *json, const char *name, const eco_can_db *db,
                          eco_can_mapping *map)
{
    ctx c = {name ? name : "<mapping>", db, NULL, NULL};
    return parse_text(&c, json, map);
}

static int load(const ctx *c, eco_can_mapping *map)
{
    char *buf;
    int rc = eco_read_file(c->file, "mapping", &buf, NULL);
    if (rc)
        return reported(c, rc);
    rc = parse_text(c, buf, map);
    eco_free(buf);
    return rc;
}

int eco_cfg_mapping_load(const char *path, const eco_can_db *db, eco_can_mapping *map)
{
    ctx c = {path, db, NULL, NULL};
    return load(&c, map);
}

int eco_cfg_mapping_load_all(const char *path, const eco_can_db *db, eco_can_mapping *map,
                             FILE *report, int *n_errors)
{
    ctx c = {path, db, report, n_errors};
    return load(&c, map);
}
