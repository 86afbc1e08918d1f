/* A parsed DBC: what is resolved after parsing (cycle defaults, multiplexing, E2E, the id
 * index), lookups by id at run time (binary search) and by name at init time (linear),
 * and loading from a file. */
#include "ecodrive/can.h"

#include "mux.h"

#include <errno.h>
#include <string.h>

void eco_can_db_free(eco_can_db *db)
{
    eco_free(db);
}

int eco_can_db_message_by_id(const eco_can_db *db, uint32_t id, int *msg)
{
    int lo = 0, hi = db->n_msgs - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        uint32_t v = db->msgs[db->msg_by_id[mid]].id;
        if (v == id) {
            *msg = db->msg_by_id[mid];
            return ECO_OK;
        }
        if (v < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return ECO_ENOENT;
}

int eco_can_db_message_find(const eco_can_db *db, const char *name, int *msg)
{
    int i;
    for (i = 0; i < db->n_msgs; i++)
        if (!strcmp(db->msgs[i].name, name)) {
            *msg = i;
            return ECO_OK;
        }
    return ECO_ENOENT;
}

int eco_can_db_signal_find(const eco_can_db *db, const char *name, int *sig)
{
    const char *dot = strchr(name, '.');
    const char *sname = dot ? dot + 1 : name;
    size_t mlen = dot ? (size_t)(dot - name) : 0;
    int i, found = -1;

    for (i = 0; i < db->n_signals; i++) {
        const eco_can_signal *s = &db->signals[i];
        const char *mname = db->msgs[s->msg].name;
        if (strcmp(s->name, sname) != 0)
            continue;
        if (dot && (strlen(mname) != mlen || strncmp(mname, name, mlen) != 0))
            continue;
        if (found >= 0) {
            eco_set_error("signal %s is in both %s and %s: write Message.%s", sname,
                          db->msgs[db->signals[found].msg].name, mname, sname);
            return ECO_EINVAL;
        }
        found = i;
    }
    if (found < 0)
        return ECO_ENOENT;
    *sig = found;
    return ECO_OK;
}

const char *eco_can_db_value_text(const eco_can_db *db, int sig, int64_t raw)
{
    const eco_can_signal *s = &db->signals[sig];
    int i;
    for (i = s->first_value; i < s->first_value + s->n_values; i++)
        if (db->values[i].raw == raw)
            return db->values[i].text;
    return NULL;
}

/* Signals of message m whose name ends in suffix: how many, and the last one in *idx. */
static int count_suffix(const eco_can_db *db, const eco_can_message *m, const char *suffix,
                        int *idx)
{
    int i, n = 0;
    size_t ls = strlen(suffix);
    for (i = m->first_signal; i < m->first_signal + m->n_signals; i++) {
        size_t l = strlen(db->signals[i].name);
        if (l >= ls && !strcmp(db->signals[i].name + l - ls, suffix)) {
            *idx = i;
            n++;
        }
    }
    return n;
}

/* The shape of ecodrive's profile (autosar_p1): an unsigned, unmultiplexed CRC of 8 bits on
 * one whole byte and an unsigned counter of 1..8 bits that is not the CRC. */
static int e2e_shape_ok(const eco_can_signal *c, const eco_can_signal *r, int *bad_crc)
{
    *bad_crc = r->length_bits != 8 || r->is_signed || r->value_type || r->mux_role ||
               r->start_bit % 8 != (r->byte_order == ECO_CAN_INTEL ? 0u : 7u);
    return !*bad_crc &&
           !(c->length_bits > 8 || c->is_signed || c->value_type || c->mux_role || c == r);
}

/* By name, only in a DBC written for ecodrive (it defines the EcoE2E attributes) and only
 * when unambiguous and of the profile's shape; otherwise no E2E unless the mapping's "e2e"
 * configures it (an OEM DBC's counters and checksums follow their own algorithms). */
static void e2e_by_name(const eco_can_db *db, eco_can_message *m)
{
    int cnt = -1, crc = -1, bad_crc;
    if (!db->e2e_by_name || count_suffix(db, m, "Counter", &cnt) != 1 ||
        count_suffix(db, m, "CRC", &crc) != 1 ||
        !e2e_shape_ok(&db->signals[cnt], &db->signals[crc], &bad_crc))
        return;
    m->e2e_counter = cnt;
    m->e2e_crc = crc;
}

static int resolve_e2e(eco_can_db *db, const char *name, eco_can_message *m)
{
    const eco_can_signal *c, *r;
    int bad_crc;

    if ((m->e2e_counter >= 0) != (m->e2e_crc >= 0)) {
        eco_set_error("%s:%d: message %s: EcoE2ECounter and EcoE2ECRC go together", name, m->line,
                      m->name);
        return ECO_EPARSE;
    }
    if (m->e2e_counter < 0) {
        e2e_by_name(db, m);
        return ECO_OK;
    }
    c = &db->signals[m->e2e_counter];
    r = &db->signals[m->e2e_crc];
    if (!e2e_shape_ok(c, r, &bad_crc)) { /* declared by attribute: a mistake to report */
        if (bad_crc)
            eco_set_error("%s:%d: E2E CRC %s must be one whole unsigned byte", name, r->line,
                          r->name);
        else
            eco_set_error("%s:%d: E2E counter %s must be unsigned, 1..8 bits, not the CRC", name,
                          c->line, c->name);
        return ECO_EPARSE;
    }
    return ECO_OK;
}

int eco_can_db_finalize(eco_can_db *db, const char *name)
{
    int i, j, rc;

    if (!db->comment)
        db->comment = "";
    for (i = 0; i < db->n_msgs; i++) {
        eco_can_message *m = &db->msgs[i];
        if (m->cycle_time_ms < 0)
            m->cycle_time_ms = db->default_cycle_time_ms;
        if ((rc = eco_can_mux_resolve(db, name, m)) != ECO_OK ||
            (rc = resolve_e2e(db, name, m)) != ECO_OK)
            return rc;
        /* insertion sort by id: init time, and DBCs hold hundreds of messages at most */
        for (j = i; j > 0 && db->msgs[db->msg_by_id[j - 1]].id > m->id; j--)
            db->msg_by_id[j] = db->msg_by_id[j - 1];
        db->msg_by_id[j] = i;
    }
    for (i = 1; i < db->n_msgs; i++) {
        const eco_can_message *a = &db->msgs[db->msg_by_id[i - 1]];
        const eco_can_message *b = &db->msgs[db->msg_by_id[i]];
        if (a->id == b->id) {
            eco_set_error("%s:%d: message id %u used by both %s and %s", name,
                          a->line > b->line ? a->line : b->line, b->id, a->name, b->name);
            return ECO_EPARSE;
        }
    }
    return ECO_OK;
}

int eco_can_db_load(const char *path, eco_can_db **db)
{
    char *buf;
    size_t n;
    *db = NULL;
    int rc = eco_read_file(path, "DBC", &buf, &n);
    if (rc)
        return rc;
    rc = eco_can_db_parse(buf, n, path, db);
    eco_free(buf);
    return rc;
}
