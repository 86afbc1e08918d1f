/* libFuzzer harness: the DBC parser (eco_can_db_parse) on arbitrary text, then what a
 * loaded database is used for: lookups by id and name, value descriptions, and decoding,
 * encoding and E2E-protecting a frame of every message. */
#include "ecodrive/can.h"
#include "fuzz_util.h"

#include <stdlib.h>
#include <string.h>

/* Every message's frame from the input's first bytes: decode it, protect it, decode again. */
static void use_message(const eco_can_db *db, int mi, const uint8_t *data, size_t size)
{
    const eco_can_message *m = &db->msgs[mi];
    eco_can_frame f = {.id = m->id, .dlc = m->dlc};
    memcpy(f.data, data, size < m->dlc ? size : m->dlc);
    int found;
    ECO_FUZZ_ASSERT(eco_can_db_message_by_id(db, m->id, &found) == ECO_OK);
    ECO_FUZZ_ASSERT(db->msgs[found].id == m->id);
    ECO_FUZZ_ASSERT(eco_can_db_message_find(db, m->name, &found) == ECO_OK);
    double values[1024];
    uint8_t states[1024];
    if (m->n_signals <= 1024)
        eco_can_message_decode(db, mi, &f, values, states);
    if (m->e2e_crc >= 0) {
        uint8_t counter = data[0];
        eco_can_e2e_state st = {0};
        eco_can_e2e_result res;
        ECO_FUZZ_ASSERT(eco_can_e2e_protect(db, mi, f.data, &counter) == ECO_OK);
        ECO_FUZZ_ASSERT(eco_can_e2e_check(db, mi, f.data, 1, &st, &res) == ECO_OK);
    }
    for (int i = 0; i < m->n_signals; i++) {
        const eco_can_signal *s = &db->signals[m->first_signal + i];
        double v;
        if (eco_can_signal_decode(s, f.data, &v) == ECO_OK)
            eco_can_signal_encode(s, v, f.data);
        eco_can_db_value_text(db, m->first_signal + i, eco_can_signal_raw_int(s, 0));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eco_can_db *db = NULL;
    if (eco_can_db_parse((const char *)data, size, "fuzz.dbc", &db) != ECO_OK) {
        ECO_FUZZ_ASSERT(db == NULL); /* nothing is left allocated */
        return 0;
    }
    static const uint8_t zero[8];
    for (int mi = 0; mi < db->n_msgs; mi++)
        use_message(db, mi, size >= 8 ? data : zero, 8);
    for (int si = 0; si < db->n_signals; si++) {
        int found;
        eco_can_db_signal_find(db, db->signals[si].name, &found);
    }
    eco_can_db_free(db);
    return 0;
}
