/* Lookups in a parsed DBC. By id at run time (binary search over msg_by_id), by name at
 * init time (linear). */
#include "ecodrive/can.h"

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
