/* E2E protection in the style of AUTOSAR E2E profile 1: a rolling counter and a CRC-8
 * SAE J1850 over the data id and the payload. Where the counter and CRC sit comes from the
 * DBC (see can.h); the parameters are the ones of issue 4. Below, the same by configuration
 * (eco_can_e2e_config, issue 11): any algorithm of the checksum library. */
#include "ecodrive/can.h"

#include "checksum.h"

#include <stdio.h>
#include <string.h>

/* CRC-8/SAE-J1850: width 8, poly 0x1D, init 0xFF, refin/refout false, xorout 0xFF,
 * check("123456789") = 0x4B (Greg Cook's CRC RevEng catalogue). Table: crc of each byte
 * value with a zero register, MSB first; generated, and re-derived bitwise in the tests. */
static const uint8_t crc8_table[256] = {
    0x00, 0x1D, 0x3A, 0x27, 0x74, 0x69, 0x4E, 0x53, 0xE8, 0xF5, 0xD2, 0xCF, 0x9C, 0x81, 0xA6, 0xBB,
    0xCD, 0xD0, 0xF7, 0xEA, 0xB9, 0xA4, 0x83, 0x9E, 0x25, 0x38, 0x1F, 0x02, 0x51, 0x4C, 0x6B, 0x76,
    0x87, 0x9A, 0xBD, 0xA0, 0xF3, 0xEE, 0xC9, 0xD4, 0x6F, 0x72, 0x55, 0x48, 0x1B, 0x06, 0x21, 0x3C,
    0x4A, 0x57, 0x70, 0x6D, 0x3E, 0x23, 0x04, 0x19, 0xA2, 0xBF, 0x98, 0x85, 0xD6, 0xCB, 0xEC, 0xF1,
    0x13, 0x0E, 0x29, 0x34, 0x67, 0x7A, 0x5D, 0x40, 0xFB, 0xE6, 0xC1, 0xDC, 0x8F, 0x92, 0xB5, 0xA8,
    0xDE, 0xC3, 0xE4, 0xF9, 0xAA, 0xB7, 0x90, 0x8D, 0x36, 0x2B, 0x0C, 0x11, 0x42, 0x5F, 0x78, 0x65,
    0x94, 0x89, 0xAE, 0xB3, 0xE0, 0xFD, 0xDA, 0xC7, 0x7C, 0x61, 0x46, 0x5B, 0x08, 0x15, 0x32, 0x2F,
    0x59, 0x44, 0x63, 0x7E, 0x2D, 0x30, 0x17, 0x0A, 0xB1, 0xAC, 0x8B, 0x96, 0xC5, 0xD8, 0xFF, 0xE2,
    0x26, 0x3B, 0x1C, 0x01, 0x52, 0x4F, 0x68, 0x75, 0xCE, 0xD3, 0xF4, 0xE9, 0xBA, 0xA7, 0x80, 0x9D,
    0xEB, 0xF6, 0xD1, 0xCC, 0x9F, 0x82, 0xA5, 0xB8, 0x03, 0x1E, 0x39, 0x24, 0x77, 0x6A, 0x4D, 0x50,
    0xA1, 0xBC, 0x9B, 0x86, 0xD5, 0xC8, 0xEF, 0xF2, 0x49, 0x54, 0x73, 0x6E, 0x3D, 0x20, 0x07, 0x1A,
    0x6C, 0x71, 0x56, 0x4B, 0x18, 0x05, 0x22, 0x3F, 0x84, 0x99, 0xBE, 0xA3, 0xF0, 0xED, 0xCA, 0xD7,
    0x35, 0x28, 0x0F, 0x12, 0x41, 0x5C, 0x7B, 0x66, 0xDD, 0xC0, 0xE7, 0xFA, 0xA9, 0xB4, 0x93, 0x8E,
    0xF8, 0xE5, 0xC2, 0xDF, 0x8C, 0x91, 0xB6, 0xAB, 0x10, 0x0D, 0x2A, 0x37, 0x64, 0x79, 0x5E, 0x43,
    0xB2, 0xAF, 0x88, 0x95, 0xC6, 0xDB, 0xFC, 0xE1, 0x5A, 0x47, 0x60, 0x7D, 0x2E, 0x33, 0x14, 0x09,
    0x7F, 0x62, 0x45, 0x58, 0x0B, 0x16, 0x31, 0x2C, 0x97, 0x8A, 0xAD, 0xB0, 0xE3, 0xFE, 0xD9, 0xC4,
};

uint8_t eco_can_crc8_j1850(const uint8_t *bytes, size_t n)
{
    uint8_t c = 0xFF;
    size_t i;
    for (i = 0; i < n; i++)
        c = crc8_table[c ^ bytes[i]];
    return (uint8_t)(c ^ 0xFF);
}

uint8_t eco_can_e2e_crc(const eco_can_db *db, int msg, const uint8_t data[ECO_CAN_MAX_DLEN])
{
    const eco_can_message *m = &db->msgs[msg];
    const eco_can_signal *crc = &db->signals[m->e2e_crc];
    unsigned crc_byte = crc->start_bit / 8; /* whole byte, checked at load */
    uint8_t c = 0xFF;
    unsigned i;

    /* data id low byte, then high byte (AUTOSAR E2E profile 1, data id mode BOTH), then the
     * payload bytes without the CRC byte */
    c = crc8_table[c ^ (uint8_t)(m->e2e_data_id & 0xFF)];
    c = crc8_table[c ^ (uint8_t)(m->e2e_data_id >> 8)];
    for (i = 0; i < m->dlc; i++)
        if (i != crc_byte)
            c = crc8_table[c ^ data[i]];
    return (uint8_t)(c ^ 0xFF);
}

void eco_can_e2e_reset(eco_can_e2e_state *st)
{
    st->last_counter = 0;
    st->seen = 0;
}

/* The counter's step from the last good frame: 1..max_delta (mod 2^bits) is good, the first
 * frame after a reset too; on a jump the state resynchronises to the new counter. */
static int counter_step(unsigned counter, unsigned bits, unsigned max_delta, eco_can_e2e_state *st,
                        eco_can_e2e_result *res)
{
    unsigned modulus = 1u << bits, delta;
    if (st->seen) {
        delta = (counter + modulus - st->last_counter) % modulus;
        if (delta == 0) {
            *res = ECO_CAN_E2E_REPEATED;
            return ECO_ECRC;
        }
        if (delta > max_delta) {
            st->last_counter = (uint8_t)counter; /* resynchronise on the new sequence */
            *res = ECO_CAN_E2E_JUMP;
            return ECO_ECRC;
        }
    }
    st->last_counter = (uint8_t)counter;
    st->seen = 1;
    *res = ECO_CAN_E2E_OK;
    return ECO_OK;
}

int eco_can_e2e_check(const eco_can_db *db, int msg, const uint8_t data[ECO_CAN_MAX_DLEN],
                      unsigned max_delta, eco_can_e2e_state *st, eco_can_e2e_result *res)
{
    const eco_can_message *m = &db->msgs[msg];
    const eco_can_signal *cs;

    if (m->e2e_crc < 0 || m->e2e_counter < 0)
        return ECO_EINVAL;
    if (eco_can_signal_get_raw(&db->signals[m->e2e_crc], data) != eco_can_e2e_crc(db, msg, data)) {
        *res = ECO_CAN_E2E_BAD_CRC;
        return ECO_ECRC;
    }
    cs = &db->signals[m->e2e_counter];
    return counter_step((unsigned)eco_can_signal_get_raw(cs, data), cs->length_bits, max_delta, st,
                        res);
}

int eco_can_e2e_protect(const eco_can_db *db, int msg, uint8_t data[ECO_CAN_MAX_DLEN],
                        uint8_t *counter)
{
    const eco_can_message *m = &db->msgs[msg];
    const eco_can_signal *cs;

    if (m->e2e_crc < 0 || m->e2e_counter < 0)
        return ECO_EINVAL;
    cs = &db->signals[m->e2e_counter];
    eco_can_signal_set_raw(cs, *counter, data);
    eco_can_signal_set_raw(&db->signals[m->e2e_crc], eco_can_e2e_crc(db, msg, data), data);
    *counter = (uint8_t)((*counter + 1u) & cs->mask);
    return ECO_OK;
}

/* ---- by configuration (the checksum library, src/can/checksum.h) ----------------------- */

static eco_can_bitfield field_of(const eco_can_signal *s)
{
    eco_can_bitfield f = {s->start_bit, s->length_bits, s->byte_order};
    return f;
}

/* A counter or checksum signal: of message msg, an unsigned integer, not multiplexed (its
 * bits would mean something else in another frame). */
static int e2e_signal_ok(const eco_can_db *db, int msg, int sig, const char *role,
                         const char *where)
{
    const eco_can_signal *s;
    if (sig < 0 || sig >= db->n_signals || db->signals[sig].msg != msg) {
        eco_set_error("%s: the %s is not a signal of message %s", where, role, db->msgs[msg].name);
        return ECO_EINVAL;
    }
    s = &db->signals[sig];
    if (s->is_signed || s->value_type || s->mux_role != ECO_CAN_MUX_NONE ||
        (!strcmp(role, "counter") && s->length_bits > 8)) {
        eco_set_error("%s: %s %s must be an unsigned integer%s, not multiplexed", where, role,
                      s->name, strcmp(role, "counter") ? "" : " of 1..8 bits");
        return ECO_EINVAL;
    }
    return ECO_OK;
}

int eco_can_e2e_config_init(const eco_can_db *db, int msg, eco_can_checksum_algorithm a,
                            int counter, int checksum, uint16_t data_id, const uint8_t *list,
                            const char *where, eco_can_e2e_config *out)
{
    const eco_can_message *m = &db->msgs[msg];
    eco_can_e2e_config c;
    int rc;

    memset(&c, 0, sizeof c);
    c.counter = counter;
    c.checksum = checksum;
    c.cks.algorithm = a;
    c.cks.address = m->id & ECO_CAN_EFF_MASK;
    c.cks.data_id = data_id;
    if (list)
        memcpy(c.cks.data_id_list, list, ECO_CAN_CHECKSUM_N_DATA_IDS);
    if (a != ECO_CAN_CHECKSUM_NONE && checksum < 0) {
        eco_set_error("%s: algorithm %s needs a checksum signal", where,
                      eco_can_checksum_algorithm_name(a));
        return ECO_EINVAL;
    }
    if (counter >= 0 && (rc = e2e_signal_ok(db, msg, counter, "counter", where)) != ECO_OK)
        return rc;
    if (checksum >= 0 && (rc = e2e_signal_ok(db, msg, checksum, "checksum", where)) != ECO_OK)
        return rc;
    if (counter >= 0 && counter == checksum) {
        eco_set_error("%s: the counter and the checksum are the same signal", where);
        return ECO_EINVAL;
    }
    if (counter >= 0)
        c.cks.counter = field_of(&db->signals[counter]);
    if (checksum >= 0)
        c.cks.checksum = field_of(&db->signals[checksum]);
    if (m->dlc < 1 && a == ECO_CAN_CHECKSUM_NONE) {
        *out = c; /* a 0-byte message: nothing to protect */
        return ECO_OK;
    }
    if ((rc = eco_can_checksum_setup(&c.cks, m->dlc, where)) != ECO_OK)
        return rc;
    *out = c;
    return ECO_OK;
}

int eco_can_e2e_config_from_db(const eco_can_db *db, int msg, eco_can_e2e_config *out)
{
    const eco_can_message *m = &db->msgs[msg];
    char where[160];
    snprintf(where, sizeof where, "message %s (line %d)", m->name, m->line);
    if (m->e2e_crc < 0 || m->e2e_counter < 0)
        return eco_can_e2e_config_init(db, msg, ECO_CAN_CHECKSUM_NONE, -1, -1, 0, NULL, where, out);
    return eco_can_e2e_config_init(db, msg, ECO_CAN_CHECKSUM_AUTOSAR_P1, m->e2e_counter, m->e2e_crc,
                                   m->e2e_data_id, NULL, where, out);
}

int eco_can_e2e_config_check(const eco_can_e2e_config *cfg, const uint8_t *data, size_t len,
                             unsigned max_delta, eco_can_e2e_state *st, eco_can_e2e_result *res)
{
    int rc;

    *res = ECO_CAN_E2E_OK;
    if (cfg->cks.algorithm == ECO_CAN_CHECKSUM_NONE)
        return ECO_OK;
    if ((rc = eco_can_checksum_check(&cfg->cks, data, len)) != ECO_OK) {
        *res = ECO_CAN_E2E_BAD_CRC;
        return rc;
    }
    if (cfg->counter < 0)
        return ECO_OK;
    return counter_step(eco_can_bitfield_get(&cfg->cks.counter, data), cfg->cks.counter.length_bits,
                        max_delta, st, res);
}

int eco_can_e2e_config_protect(const eco_can_e2e_config *cfg, uint8_t *data, size_t len,
                               uint8_t *counter)
{
    const eco_can_bitfield *cf = &cfg->cks.counter;
    if (cfg->counter >= 0) {
        if (len < eco_can_bitfield_end(cf))
            return ECO_EINVAL;
        eco_can_bitfield_set(cf, *counter, data);
        *counter = (uint8_t)((*counter + 1u) & ((1u << cf->length_bits) - 1u));
    }
    if (cfg->cks.algorithm == ECO_CAN_CHECKSUM_NONE)
        return ECO_OK;
    return eco_can_checksum_write(&cfg->cks, data, len);
}
