/* libFuzzer harness: the checksum library (src/can/checksum.h), every algorithm, classic
 * and CAN FD payload lengths. The input is a configuration and a payload:
 *   byte 0 algorithm (mod the number of algorithms), 1 message length (1..64), 2 covered
 *   length, 3 flags, 4-7 address, 8-11 checksum field, 12-15 counter field, 16-17 data id,
 *   18 data id mode, 19-34 data id list, then the payload and a counter value.
 * A field is 2 bytes of start bit, 1 of length, 1 of byte order; flag bit 0 (checksum) and
 * bit 1 (counter) instead place it on the whole byte or nibble its first byte names, in the
 * shape the algorithm wants, so that most configurations pass setup. What must hold for a
 * configuration that passes: after write, check passes; the checksum field's content never
 * changes the computed value; a bit field reads back what was set in it. */
#include "checksum.h"
#include "ecodrive/common.h"
#include "fuzz_util.h"

#include <string.h>

#define HEADER 35

static uint16_t u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* The checksum's shape for an algorithm: bits of the field (setup rejects the others). */
static uint8_t field_bits(eco_can_checksum_algorithm a)
{
    if (a == ECO_CAN_CHECKSUM_HONDA || a == ECO_CAN_CHECKSUM_HYUNDAI)
        return 4;
    return a == ECO_CAN_CHECKSUM_HKG_CANFD ? 16 : 8;
}

static void field_from(const uint8_t *p, int placed, uint8_t bits, size_t len, eco_can_bitfield *f)
{
    if (!placed) {
        f->start_bit = u16(p);
        f->length_bits = p[2];
        f->byte_order = p[3] & 1;
        return;
    }
    unsigned byte = p[0] % len, motorola = p[3] & 1, high = p[2] & 1;
    f->byte_order = motorola ? 0 : 1;
    f->length_bits = bits;
    /* Intel: the LSB; Motorola: the MSB of the first byte (DBC sawtooth numbering). */
    f->start_bit =
        (uint16_t)(byte * 8 + (motorola ? 7 : 0) - (motorola && bits == 4 && !high ? 4 : 0) +
                   (!motorola && bits == 4 && high ? 4 : 0));
}

static void check_properties(const eco_can_checksum_config *cfg, uint8_t *payload, size_t len,
                             uint32_t counter)
{
    size_t counter_end = eco_can_bitfield_end(&cfg->counter); /* none checks no counter */
    if (cfg->counter.length_bits && counter_end > 0 && counter_end <= len) {
        uint32_t mask = cfg->counter.length_bits >= 32 ? ~0u : (1u << cfg->counter.length_bits) - 1;
        eco_can_bitfield_set(&cfg->counter, counter, payload);
        ECO_FUZZ_ASSERT(eco_can_bitfield_get(&cfg->counter, payload) == (counter & mask));
    }
    uint32_t before = eco_can_checksum_compute(cfg, payload, len);
    ECO_FUZZ_ASSERT(eco_can_checksum_write(cfg, payload, len) == ECO_OK);
    ECO_FUZZ_ASSERT(eco_can_checksum_check(cfg, payload, len) == ECO_OK);
    ECO_FUZZ_ASSERT(eco_can_checksum_compute(cfg, payload, len) == before);
    if (cfg->algorithm == ECO_CAN_CHECKSUM_NONE)
        return;
    uint32_t written = eco_can_bitfield_get(&cfg->checksum, payload);
    ECO_FUZZ_ASSERT(written == before);
    for (unsigned i = 0; i < cfg->field_n_bytes; i++) /* invert the field: same value */
        payload[cfg->field_first_byte + i] ^= cfg->field_mask[i];
    ECO_FUZZ_ASSERT(eco_can_checksum_compute(cfg, payload, len) == before);
    ECO_FUZZ_ASSERT(eco_can_checksum_check(cfg, payload, len) == ECO_ECRC);
    if (cfg->min_len > 0) /* too short for the fields */
        ECO_FUZZ_ASSERT(eco_can_checksum_check(cfg, payload, cfg->min_len - 1u) == ECO_EINVAL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HEADER)
        return 0;
    eco_can_checksum_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.algorithm = (eco_can_checksum_algorithm)(data[0] % ECO_CAN_CHECKSUM_N_ALGORITHMS);
    size_t len = 1u + data[1] % ECO_CAN_CHECKSUM_MAX_LEN;
    cfg.covered_len = data[2] % 2 ? 0 : (uint8_t)(data[2] % (len + 1));
    cfg.address = (uint32_t)u16(data + 4) | (uint32_t)u16(data + 6) << 16;
    field_from(data + 8, data[3] & 1, field_bits(cfg.algorithm), len, &cfg.checksum);
    field_from(data + 12, data[3] & 2, 4, len, &cfg.counter);
    if (data[3] & 4)
        cfg.counter.length_bits = 0;
    cfg.data_id = u16(data + 16);
    cfg.data_id_mode = data[18];
    memcpy(cfg.data_id_list, data + 19, sizeof cfg.data_id_list);
    if (eco_can_checksum_setup(&cfg, len, "fuzz") != ECO_OK)
        return 0;
    ECO_FUZZ_ASSERT(cfg.ready && cfg.min_len <= len);
    uint8_t payload[ECO_CAN_CHECKSUM_MAX_LEN + 3] = {0};
    size_t have = size - HEADER;
    memcpy(payload, data + HEADER, have < len ? have : len);
    uint32_t counter = have > len ? data[HEADER + len] : 0;
    check_properties(&cfg, payload, len, counter);
    return 0;
}
