/* The mapping file's "engaged" object (issue 11): the signal that says the cruise control or
 * ACC is on, and the condition on it. Read once at start-up into can's eco_can_engaged; the
 * run-time side is eco_can_mapping_engaged (src/can/mapping.c). */
#include "mapping_engaged.h"
#include "mapping_e2e.h"

#include "ecodrive/common.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *file;
    const eco_can_db *db;
    const eco_can_signal *s;
} ctx;

/* Set "FILE: $.engaged[.KEY]: message" and return rc; key NULL: the object itself. */
static int err(const ctx *c, int rc, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int err(const ctx *c, int rc, const char *key, const char *fmt, ...)
{
    char path[64];
    va_list ap;
    snprintf(path, sizeof path, "$.engaged%s%s: ", key ? "." : "", key ? key : "");
    va_start(ap, fmt);
    eco_cfg_map_verror(c->file, path, fmt, ap);
    va_end(ap);
    return rc;
}

/* The keys of the object; each at most once (cJSON keeps repeated keys). */
typedef struct {
    const cJSON *signal, *equals, *in, *above, *cycle, *timeout;
} engaged_json;

static int keys(const ctx *c, const cJSON *v, engaged_json *j)
{
    const struct {
        const char *key;
        size_t at;
    } known[] = {
        {"signal", offsetof(engaged_json, signal)},
        {"equals", offsetof(engaged_json, equals)},
        {"in", offsetof(engaged_json, in)},
        {"above", offsetof(engaged_json, above)},
        {"cycle_ms", offsetof(engaged_json, cycle)},
        {"timeout_ms", offsetof(engaged_json, timeout)},
    };
    const cJSON *k;
    memset(j, 0, sizeof *j);
    if (!cJSON_IsObject(v))
        return err(c, ECO_EPARSE, NULL,
                   "expected an object {\"signal\": NAME, \"equals\"|\"in\"|\"above\": "
                   "...}");
    cJSON_ArrayForEach(k, v)
    {
        size_t i = 0;
        while (i < sizeof known / sizeof known[0] && strcmp(k->string, known[i].key))
            i++;
        if (i == sizeof known / sizeof known[0])
            return err(c, ECO_EPARSE, k->string, "unknown key");
        const cJSON **slot = (const cJSON **)((char *)j + known[i].at);
        if (*slot)
            return err(c, ECO_EPARSE, k->string, "given twice");
        *slot = k;
    }
    if (!j->signal)
        return err(c, ECO_EINVAL, "signal", "missing (required)");
    if (!!j->equals + !!j->in + !!j->above != 1)
        return err(c, ECO_EPARSE, NULL, "give exactly one of \"equals\", \"in\" or \"above\"%s",
                   j->equals || j->in || j->above ? ", not several" : "");
    return ECO_OK;
}

/* One value of "equals" or "in" (key "equals", "in[i]"): a DBC physical value the signal can take
 * (a whole raw step, inside its range) or a VAL_ name of the signal. */
static int one_value(const ctx *c, const char *key, const cJSON *v, double *phys, int64_t *raw)
{
    const eco_can_signal *s = c->s;
    if (cJSON_IsString(v)) {
        for (int i = s->first_value; i < s->first_value + s->n_values; i++)
            if (!strcmp(c->db->values[i].text, v->valuestring)) {
                *raw = c->db->values[i].raw;
                *phys = (double)*raw * s->factor + s->offset;
                return ECO_OK;
            }
        return err(c, ECO_EINVAL, key, "\"%s\" is not a VAL_ name of signal %s", v->valuestring,
                   s->name);
    }
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return err(c, ECO_EPARSE, key, "expected a number or a VAL_ name of %s", s->name);
    *phys = v->valuedouble;
    *raw = llround((*phys - s->offset) / s->factor);
    double back = (double)*raw * s->factor + s->offset;
    if (fabs(back - *phys) > 1e-9 * fmax(1.0, fabs(*phys)))
        return err(c, ECO_EINVAL, key, "%g is not a value of signal %s (factor %g, offset %g)",
                   *phys, s->name, s->factor, s->offset);
    if (s->has_range && (*phys < s->min || *phys > s->max))
        return err(c, ECO_EINVAL, key, "%g is outside the DBC range [%g|%g] of signal %s", *phys,
                   s->min, s->max, s->name);
    return ECO_OK;
}

/* "equals" (one value), "in" (a list of 1..16) or "above". */
static int condition(const ctx *c, const engaged_json *j, eco_can_engaged *g)
{
    if (j->above) {
        g->rule = ECO_CAN_ENGAGED_ABOVE;
        g->n_values = 1;
        if (!cJSON_IsNumber(j->above) || !isfinite(j->above->valuedouble))
            return err(c, ECO_EPARSE, "above", "expected a number");
        g->value[0] = j->above->valuedouble;
        if (c->s->has_range && g->value[0] >= c->s->max)
            return err(c, ECO_EINVAL, "above",
                       "%g is not below the DBC maximum %g of signal %s: never "
                       "engaged",
                       g->value[0], c->s->max, c->s->name);
        return ECO_OK;
    }
    if (j->equals) {
        g->rule = ECO_CAN_ENGAGED_EQUALS;
        g->n_values = 1;
        return one_value(c, "equals", j->equals, &g->value[0], &g->raw[0]);
    }
    g->rule = ECO_CAN_ENGAGED_IN;
    int n = cJSON_IsArray(j->in) ? cJSON_GetArraySize(j->in) : 0;
    if (n < 1 || n > ECO_CAN_ENGAGED_VALUES_MAX)
        return err(c, ECO_EPARSE, "in", "expected a list of 1..%d numbers or VAL_ names",
                   ECO_CAN_ENGAGED_VALUES_MAX);
    for (int i = 0; i < n; i++) {
        char path[40];
        snprintf(path, sizeof path, "in[%d]", i);
        int rc = one_value(c, path, cJSON_GetArrayItem(j->in, i), &g->value[i], &g->raw[i]);
        if (rc)
            return rc;
    }
    g->n_values = n;
    return ECO_OK;
}

/* A whole number of milliseconds 1..3600000, as an input's. */
static int millis(const ctx *c, const char *key, const cJSON *v, int *out)
{
    if (!v)
        return ECO_OK;
    if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 3600000 ||
        v->valuedouble != (int)v->valuedouble)
        return err(c, ECO_EPARSE, key, "expected an integer 1..3600000");
    *out = (int)v->valuedouble;
    return ECO_OK;
}

static int find(ctx *c, const cJSON *name, eco_can_engaged *g)
{
    if (!cJSON_IsString(name))
        return err(c, ECO_EPARSE, "signal", "expected a signal name");
    int rc = eco_can_db_signal_find(c->db, name->valuestring, &g->signal);
    if (rc == ECO_ENOENT)
        return err(c, ECO_ENOENT, "signal", "signal %s is not in the DBC", name->valuestring);
    if (rc != ECO_OK) {
        char why[256];
        snprintf(why, sizeof why, "%s", eco_last_error());
        return err(c, rc, "signal", "%s", why);
    }
    c->s = &c->db->signals[g->signal];
    return ECO_OK;
}

int eco_cfg_mapping_engaged_parse(const cJSON *v, const char *file, const eco_can_db *db,
                                  eco_can_engaged *g)
{
    ctx c = {file, db, NULL};
    engaged_json j;
    eco_can_engaged e;
    memset(&e, 0, sizeof e);
    e.signal = -1;
    int rc = keys(&c, v, &j);
    if (rc == ECO_OK)
        rc = find(&c, j.signal, &e);
    if (rc == ECO_OK)
        rc = condition(&c, &j, &e);
    if (rc == ECO_OK && !(rc = millis(&c, "cycle_ms", j.cycle, &e.cycle_ms)))
        rc = millis(&c, "timeout_ms", j.timeout, &e.timeout_ms);
    if (rc == ECO_OK && !e.cycle_ms && !e.timeout_ms && !db->msgs[c.s->msg].cycle_time_ms)
        rc = err(&c, ECO_EINVAL, "signal",
                 "message %s has no GenMsgCycleTime, so staleness cannot be "
                 "judged; give \"cycle_ms\"",
                 db->msgs[c.s->msg].name);
    if (rc == ECO_OK)
        *g = e;
    return rc;
}
