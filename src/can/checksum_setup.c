/* Checksum library, init-time half: bit fields in DBC numbering and the validation of a
 * checksum configuration against its algorithm (see checksum.h). */
#include "checksum.h"

#include "ecodrive/common.h"

#include <stdio.h>
#include <string.h>

#define MAX_FIELD_BITS 32u
#define MAX_START_BIT  (ECO_CAN_CHECKSUM_MAX_LEN * 8u - 1u)

/* Next bit towards the LSB in Motorola order: down within a byte, then to bit 7 of the next
 * byte (the DBC "sawtooth"); next bit towards the MSB in Intel order: up, linearly. */
static unsigned next_bit(const eco_can_bitfield *f, unsigned pos)
{
    if (f->byte_order == 1)
        return pos + 1;
    return (pos & 7u) ? pos - 1 : pos + 15;
}

static int bit_at(const uint8_t *data, unsigned pos)
{
    return (data[pos >> 3] >> (pos & 7u)) & 1;
}

uint32_t eco_can_bitfield_get(const eco_can_bitfield *f, const uint8_t *data)
{
    unsigned pos = f->start_bit, i, n = f->length_bits;
    uint32_t v = 0;

    if (f->byte_order == 1) { /* the start bit is the LSB */
        for (i = 0; i < n; i++, pos++)
            v |= (uint32_t)bit_at(data, pos) << i;
        return v;
    }
    for (i = 0; i < n; i++) { /* the start bit is the MSB */
        v = (v << 1) | (uint32_t)bit_at(data, pos);
        pos = next_bit(f, pos);
    }
    return v;
}

void eco_can_bitfield_set(const eco_can_bitfield *f, uint32_t v, uint8_t *data)
{
    unsigned pos = f->start_bit, i, n = f->length_bits;
    for (i = 0; i < n; i++) {
        unsigned bit = f->byte_order == 1 ? i : n - 1 - i; /* value bit stored at pos */
        uint8_t m = (uint8_t)(1u << (pos & 7u));
        if ((v >> bit) & 1u)
            data[pos >> 3] |= m;
        else
            data[pos >> 3] &= (uint8_t)~m;
        pos = next_bit(f, pos);
    }
}

/* Mark the field's bits in a per-byte mask of the payload; the bytes past the last one the
 * field touches; 0 if malformed. */
static size_t field_bits(const eco_can_bitfield *f, uint8_t mask[ECO_CAN_CHECKSUM_MAX_LEN + 3])
{
    unsigned pos = f->start_bit, i, end = 0;
    if (f->length_bits == 0 || f->length_bits > MAX_FIELD_BITS || f->start_bit > MAX_START_BIT)
        return 0;
    for (i = 0; i < f->length_bits; i++) {
        if ((pos >> 3) >= ECO_CAN_CHECKSUM_MAX_LEN + 3u)
            return 0; /* far past any payload */
        mask[pos >> 3] |= (uint8_t)(1u << (pos & 7u));
        if ((pos >> 3) + 1 > end)
            end = (pos >> 3) + 1;
        pos = next_bit(f, pos);
    }
    return end;
}

size_t eco_can_bitfield_end(const eco_can_bitfield *f)
{
    uint8_t mask[ECO_CAN_CHECKSUM_MAX_LEN + 3] = {0};
    return field_bits(f, mask);
}

/* The shape the algorithm wants for the checksum field. */
typedef enum { FIELD_BYTE, FIELD_NIBBLE, FIELD_TWO_BYTES } field_shape;

static field_shape shape_of(eco_can_checksum_algorithm a)
{
    if (a == ECO_CAN_CHECKSUM_HONDA || a == ECO_CAN_CHECKSUM_HYUNDAI)
        return FIELD_NIBBLE;
    if (a == ECO_CAN_CHECKSUM_HKG_CANFD)
        return FIELD_TWO_BYTES;
    return FIELD_BYTE;
}

static const char *shape_text(field_shape s)
{
    return s == FIELD_NIBBLE      ? "4 bits on one nibble"
           : s == FIELD_TWO_BYTES ? "16 bits on two whole bytes"
                                  : "8 bits on one whole byte";
}

/* Is the field (first..first+n-1 with these masks) of the wanted shape? */
static int shape_ok(field_shape s, const eco_can_bitfield *f, const uint8_t *mask, size_t first,
                    size_t n)
{
    if (s == FIELD_NIBBLE)
        return f->length_bits == 4 && n == 1 && (mask[first] == 0x0F || mask[first] == 0xF0);
    if (f->length_bits != (s == FIELD_TWO_BYTES ? 16 : 8))
        return 0;
    while (n--)
        if (mask[first + n] != 0xFF)
            return 0;
    return 1;
}

static int fail(const char *where, const char *what, const char *algo)
{
    eco_set_error("%s%s%s (algorithm %s)", where ? where : "", where ? ": " : "", what, algo);
    return ECO_EINVAL;
}

/* The field's bits marked in MASK (field_bits); the bytes up to its end, or 0 after the error
 * (NAME: "checksum", "counter") when it is malformed or leaves the MSG_LEN-byte message. */
static size_t field_in_message(const eco_can_bitfield *f, const char *name, size_t msg_len,
                               uint8_t *mask, const char *where, const char *algo)
{
    char msg[160];
    size_t end = field_bits(f, mask);
    if (end == 0 || end > msg_len) {
        snprintf(msg, sizeof msg, "%s field (start bit %u, %u bits) outside the %zu-byte message",
                 name, f->start_bit, f->length_bits, msg_len);
        fail(where, msg, algo);
        return 0;
    }
    return end;
}

/* The checksum field: in the payload and the covered bytes, of the algorithm's shape; its
 * position goes into cfg. */
static int setup_checksum_field(eco_can_checksum_config *cfg, size_t msg_len, size_t covered,
                                uint8_t *mask, const char *where, const char *algo)
{
    char msg[160];
    size_t end = field_in_message(&cfg->checksum, "checksum", msg_len, mask, where, algo),
           first = 0;
    field_shape s = shape_of(cfg->algorithm);

    if (end == 0)
        return ECO_EINVAL;
    while (mask[first] == 0)
        first++;
    if (!shape_ok(s, &cfg->checksum, mask, first, end - first)) {
        snprintf(msg, sizeof msg, "checksum field (start bit %u, %u bits) must be %s",
                 cfg->checksum.start_bit, cfg->checksum.length_bits, shape_text(s));
        return fail(where, msg, algo);
    }
    if (end > covered) {
        snprintf(msg, sizeof msg, "checksum field ends in byte %zu, past the %zu covered bytes",
                 end - 1, covered);
        return fail(where, msg, algo);
    }
    cfg->field_first_byte = (uint8_t)first;
    cfg->field_n_bytes = (uint8_t)(end - first);
    memcpy(cfg->field_mask, mask + first, end - first);
    return ECO_OK;
}

/* The counter: optional unless the algorithm reads it; in the payload, off the checksum. */
static int setup_counter(const eco_can_checksum_config *cfg, size_t msg_len,
                         const uint8_t *cks_mask, const char *where, const char *algo)
{
    uint8_t mask[ECO_CAN_CHECKSUM_MAX_LEN + 3] = {0};
    eco_can_data_id_kind kind = eco_can_checksum_data_id_kind(cfg->algorithm);
    size_t end, i;

    if (cfg->counter.length_bits == 0) {
        if (eco_can_checksum_needs_counter(cfg))
            return fail(where, "the counter field is needed: the data id depends on it", algo);
        return ECO_OK;
    }
    end = field_in_message(&cfg->counter, "counter", msg_len, mask, where, algo);
    if (end == 0)
        return ECO_EINVAL;
    for (i = 0; i < end; i++)
        if (mask[i] & cks_mask[i])
            return fail(where, "the counter field overlaps the checksum field", algo);
    if (kind == ECO_CAN_DATA_ID_LIST && cfg->counter.length_bits > 4)
        return fail(where, "the counter must have at most 4 bits: it indexes 16 data ids", algo);
    return ECO_OK;
}

int eco_can_checksum_setup(eco_can_checksum_config *cfg, size_t msg_len, const char *where)
{
    uint8_t mask[ECO_CAN_CHECKSUM_MAX_LEN + 3] = {0};
    const char *algo = eco_can_checksum_algorithm_name(cfg->algorithm);
    size_t covered = cfg->covered_len ? cfg->covered_len : msg_len, end;
    int rc;

    cfg->ready = 0;
    if ((unsigned)cfg->algorithm >= ECO_CAN_CHECKSUM_N_ALGORITHMS)
        return fail(where, "unknown algorithm", algo);
    if (msg_len < 1 || msg_len > ECO_CAN_CHECKSUM_MAX_LEN)
        return fail(where, "message length must be 1..64 bytes", algo);
    if (covered > msg_len)
        return fail(where, "covered_len is longer than the message", algo);
    eco_can_checksum_tables_init();
    if (cfg->algorithm == ECO_CAN_CHECKSUM_NONE) {
        cfg->ready = 1;
        return ECO_OK;
    }
    if ((rc = setup_checksum_field(cfg, msg_len, covered, mask, where, algo)) != ECO_OK)
        return rc;
    if ((rc = setup_counter(cfg, msg_len, mask, where, algo)) != ECO_OK)
        return rc;
    if ((cfg->algorithm == ECO_CAN_CHECKSUM_AUTOSAR_P1 ||
         cfg->algorithm == ECO_CAN_CHECKSUM_AUTOSAR_P1_SPEC) &&
        cfg->data_id_mode > ECO_CAN_P1_DATA_ID_NIBBLE)
        return fail(where, "data_id_mode must be 0..3 (both, alt, low, nibble)", algo);
    if (cfg->algorithm == ECO_CAN_CHECKSUM_XOR && cfg->data_id > 0xFF)
        return fail(where, "data_id (the start value) must be 0..255", algo);
    end = (size_t)cfg->field_first_byte + cfg->field_n_bytes;
    if (cfg->counter.length_bits && eco_can_bitfield_end(&cfg->counter) > end)
        end = eco_can_bitfield_end(&cfg->counter);
    cfg->min_len = (uint8_t)end;
    cfg->ready = 1;
    return ECO_OK;
}
