/* The mapping's "e2e" object (issue 11): per message, which signal is its counter, which its
 * checksum, and the algorithm with its data id, for inputs and outputs alike. It replaces what
 * the DBC declares for that message; "algorithm": "none" switches the checks off. Checked
 * here against the DBC and the checksum library (eco_can_e2e_config_init); applied to the
 * receive state by eco_can_mapping_apply and to the setpoint by its encoder. */
#include "mapping_e2e.h"

#include "ecodrive/common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *file;
    const eco_can_db *db;
    char path[160]; /* "$.e2e.MSG" */
} ctx;

int eco_cfg_map_reported(FILE *report, int *n_errors, int rc)
{
    if (rc != ECO_OK && report) {
        fprintf(report, "error: %s\n", eco_last_error());
        ++*n_errors;
    }
    return rc;
}

void eco_cfg_map_verror(const char *file, const char *path, const char *fmt, va_list ap)
{
    char what[400];
    vsnprintf(what, sizeof what, fmt, ap);
    eco_set_error("%s: %s%s", file, path, what);
}

static int err(const ctx *c, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int err(const ctx *c, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    eco_cfg_map_verror(c->file, c->path, fmt, ap);
    va_end(ap);
    return rc;
}

/* The algorithms' names for a message, in checksum.def order. */
static void algorithm_list(char *out, size_t n)
{
    size_t used = 0;
    out[0] = 0;
    for (int a = 0; a < ECO_CAN_CHECKSUM_N_ALGORITHMS && used < n; a++)
        used += (size_t)snprintf(out + used, n - used, "%s%s", a ? ", " : "",
                                 eco_can_checksum_algorithm_name((eco_can_checksum_algorithm)a));
}

/* "counter" or "checksum": a signal of message msg by name ("Sig" or "Msg.Sig"), or -1 when
 * the key is absent. */
static int entry_signal(const ctx *c, int msg, const cJSON *v, const char *key, int *sig)
{
    const eco_can_message *m = &c->db->msgs[msg];
    const char *name;
    size_t ml = strlen(m->name);

    *sig = -1;
    if (!v)
        return ECO_OK;
    if (!cJSON_IsString(v))
        return err(c, ECO_EPARSE, ".%s: expected a signal name", key);
    name = v->valuestring;
    if (!strncmp(name, m->name, ml) && name[ml] == '.')
        name += ml + 1;
    for (int i = m->first_signal; i < m->first_signal + m->n_signals; i++)
        if (!strcmp(c->db->signals[i].name, name)) {
            *sig = i;
            return ECO_OK;
        }
    return err(c, ECO_ENOENT, ".%s: message %s has no signal %s", key, m->name, v->valuestring);
}

static int whole(const cJSON *v, double lo, double hi)
{
    return cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble >= lo &&
           v->valuedouble <= hi && v->valuedouble == (double)(long)v->valuedouble;
}

/* "data_id" as the algorithm takes it: a number 0..65535 (the DBC's data id when absent),
 * or a list of 16 bytes (required), or nothing. */
static int entry_data_id(const ctx *c, int msg, eco_can_checksum_algorithm a, const cJSON *v,
                         uint16_t *id, uint8_t list[ECO_CAN_CHECKSUM_N_DATA_IDS])
{
    eco_can_data_id_kind kind = eco_can_checksum_data_id_kind(a);
    const char *name = eco_can_checksum_algorithm_name(a);
    int i = 0;
    const cJSON *e;

    *id = a == ECO_CAN_CHECKSUM_XOR ? 0 : c->db->msgs[msg].e2e_data_id;
    if (kind == ECO_CAN_DATA_ID_UNUSED)
        return v ? err(c, ECO_EPARSE, ".data_id: algorithm %s takes no data id", name) : ECO_OK;
    if (kind == ECO_CAN_DATA_ID_NUMBER) {
        if (v && !whole(v, 0, 65535))
            return err(c, ECO_EPARSE, ".data_id: expected an integer 0..65535");
        if (v)
            *id = (uint16_t)v->valuedouble;
        return ECO_OK;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != ECO_CAN_CHECKSUM_N_DATA_IDS)
        return err(c, ECO_EPARSE,
                   ".data_id: algorithm %s needs a list of %d data ids 0..255, one per counter "
                   "value (got %s%d)",
                   name, ECO_CAN_CHECKSUM_N_DATA_IDS, cJSON_IsArray(v) ? "a list of " : "",
                   cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0);
    cJSON_ArrayForEach(e, v)
    {
        if (!whole(e, 0, 255))
            return err(c, ECO_EPARSE, ".data_id[%d]: expected an integer 0..255", i);
        list[i++] = (uint8_t)e->valuedouble;
    }
    return ECO_OK;
}

/* The keys of one entry. */
typedef struct {
    const cJSON *counter, *checksum, *algorithm, *data_id;
} entry_json;

static int entry_keys(const ctx *c, const cJSON *v, entry_json *j)
{
    const cJSON *k;
    memset(j, 0, sizeof *j);
    if (!cJSON_IsObject(v))
        return err(c, ECO_EPARSE,
                   ": expected an object {\"counter\", \"checksum\", \"algorithm\", \"data_id\"}");
    cJSON_ArrayForEach(k, v)
    {
        const cJSON **slot = !strcmp(k->string, "counter")     ? &j->counter
                             : !strcmp(k->string, "checksum")  ? &j->checksum
                             : !strcmp(k->string, "algorithm") ? &j->algorithm
                             : !strcmp(k->string, "data_id")   ? &j->data_id
                                                               : NULL;
        if (!slot && !strcmp(k->string, "comment"))
            continue;
        if (!slot || *slot)
            return err(c, ECO_EPARSE, ".%s: unknown or repeated key", k->string);
        *slot = k;
    }
    return ECO_OK;
}

/* One entry, "$.e2e.MSG": {...}. */
static int parse_entry(ctx *c, const cJSON *v, eco_can_map_e2e *out)
{
    entry_json j;
    eco_can_checksum_algorithm a;
    uint8_t list[ECO_CAN_CHECKSUM_N_DATA_IDS] = {0};
    uint16_t id;
    char names[200], where[400];
    int rc, counter, checksum;

    if (eco_can_db_message_find(c->db, v->string, &out->msg) != ECO_OK)
        return err(c, ECO_ENOENT, ": no message %s in the DBC", v->string);
    if ((rc = entry_keys(c, v, &j)) != ECO_OK)
        return rc;
    algorithm_list(names, sizeof names);
    if (!j.algorithm)
        return err(c, ECO_EPARSE, ".algorithm: missing (one of %s)", names);
    if (!cJSON_IsString(j.algorithm) ||
        eco_can_checksum_algorithm_from_name(j.algorithm->valuestring, &a) != ECO_OK)
        return err(c, ECO_EPARSE, ".algorithm: unknown algorithm %s (one of %s)",
                   cJSON_IsString(j.algorithm) ? j.algorithm->valuestring : "(not a string)",
                   names);
    if ((rc = entry_signal(c, out->msg, j.counter, "counter", &counter)) ||
        (rc = entry_signal(c, out->msg, j.checksum, "checksum", &checksum)) ||
        (rc = entry_data_id(c, out->msg, a, j.data_id, &id, list)))
        return rc;
    if (a != ECO_CAN_CHECKSUM_NONE && !j.checksum)
        return err(c, ECO_EPARSE, ".checksum: missing (algorithm %s)", j.algorithm->valuestring);
    snprintf(where, sizeof where, "%s: %s", c->file, c->path);
    if (a == ECO_CAN_CHECKSUM_NONE) /* checks off: the signals are named, not used */
        counter = checksum = -1;
    return eco_can_e2e_config_init(c->db, out->msg, a, counter, checksum, id, list, where,
                                   &out->cfg) == ECO_OK
               ? ECO_OK
               : ECO_EINVAL;
}

/* The setpoint's E2E, and the outputs that must be its signals. */
static int resolve_setpoint(ctx *c, eco_can_mapping *map)
{
    const eco_can_e2e_config *e = &map->setpoint_e2e;
    int cs = map->out[ECO_CAN_OUT_COUNTER].signal, crc = map->out[ECO_CAN_OUT_CRC].signal;
    const eco_can_e2e_config *own = eco_can_mapping_e2e_of(map, map->setpoint_msg);
    int rc = ECO_OK;

    if (own)
        map->setpoint_e2e = *own;
    else if ((rc = eco_can_e2e_config_from_db(c->db, map->setpoint_msg, &map->setpoint_e2e)))
        return rc;
    c->path[0] = 0;
    if (!own && e->cks.algorithm == ECO_CAN_CHECKSUM_NONE) /* nothing said: ask */
        return err(c, ECO_EINVAL,
                   "$.outputs: message %s has no E2E in the DBC; give it an $.e2e.%s entry "
                   "(\"algorithm\": \"none\" to send it unprotected)",
                   c->db->msgs[map->setpoint_msg].name, c->db->msgs[map->setpoint_msg].name);
    if (e->cks.algorithm == ECO_CAN_CHECKSUM_NONE || (e->counter == cs && e->checksum == crc))
        return ECO_OK;
    return err(c, ECO_EINVAL,
               "$.outputs.counter, $.outputs.crc: %s and %s are not the E2E counter and CRC of "
               "message %s (%s)",
               cs >= 0 ? c->db->signals[cs].name : "-", crc >= 0 ? c->db->signals[crc].name : "-",
               c->db->msgs[map->setpoint_msg].name,
               own ? "its $.e2e entry" : "as the DBC declares them");
}

int eco_cfg_mapping_e2e(const cJSON *e2e, const char *file, const eco_can_db *db,
                        eco_can_mapping *map, FILE *report, int *n_errors)
{
    ctx c = {file, db, "$.e2e"};
    const cJSON *k;
    int rc, first = ECO_OK;

    if (e2e && !cJSON_IsObject(e2e))
        return eco_cfg_map_reported(
            report, n_errors, err(&c, ECO_EPARSE, ": expected an object keyed by message name"));
    cJSON_ArrayForEach(k, e2e)
    {
        snprintf(c.path, sizeof c.path, "$.e2e.%s", k->string);
        if (map->n_e2e == ECO_CAN_MAP_E2E_MAX)
            return eco_cfg_map_reported(
                report, n_errors,
                err(&c, ECO_EPARSE, ": more than %d messages", ECO_CAN_MAP_E2E_MAX));
        rc = parse_entry(&c, k, &map->e2e[map->n_e2e]);
        for (int i = 0; rc == ECO_OK && i < map->n_e2e; i++)
            if (map->e2e[i].msg == map->e2e[map->n_e2e].msg)
                rc = err(&c, ECO_EPARSE, ": given twice");
        if (rc == ECO_OK)
            map->n_e2e++;
        else if (eco_cfg_map_reported(report, n_errors, rc) && first == ECO_OK)
            first = rc;
        if (first != ECO_OK && !report)
            return first; /* else on to the next entry: every error in one run */
    }
    return first != ECO_OK ? first
                           : eco_cfg_map_reported(report, n_errors, resolve_setpoint(&c, map));
}
