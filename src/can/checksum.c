/* Checksum library, per-frame half: the algorithms, their names, compute / check / write.
 * Each algorithm's definition and source is in docs/checksums.md; the comments here say
 * where each constant comes from. */
#include "checksum.h"

#include "ecodrive/common.h"

#include <string.h>

static const char *const algorithm_names[ECO_CAN_CHECKSUM_N_ALGORITHMS] = {
#define ECO_CAN_CHECKSUM_ALGORITHM(id, name) [ECO_CAN_CHECKSUM_##id] = #name,
#include "ecodrive/checksum.def"
};

int eco_can_checksum_algorithm_from_name(const char *s, eco_can_checksum_algorithm *out)
{
    int i;
    for (i = 0; s && i < ECO_CAN_CHECKSUM_N_ALGORITHMS; i++)
        if (strcmp(s, algorithm_names[i]) == 0) {
            *out = (eco_can_checksum_algorithm)i;
            return ECO_OK;
        }
    return ECO_ENOENT;
}

const char *eco_can_checksum_algorithm_name(eco_can_checksum_algorithm a)
{
    return (unsigned)a < ECO_CAN_CHECKSUM_N_ALGORITHMS ? algorithm_names[a] : "?";
}

eco_can_data_id_kind eco_can_checksum_data_id_kind(eco_can_checksum_algorithm a)
{
    switch (a) {
    case ECO_CAN_CHECKSUM_AUTOSAR_P1:
    case ECO_CAN_CHECKSUM_AUTOSAR_P1_SPEC:
    case ECO_CAN_CHECKSUM_XOR:
        return ECO_CAN_DATA_ID_NUMBER;
    case ECO_CAN_CHECKSUM_AUTOSAR_P2:
    case ECO_CAN_CHECKSUM_VW_MQB:
        return ECO_CAN_DATA_ID_LIST;
    default:
        return ECO_CAN_DATA_ID_UNUSED;
    }
}

int eco_can_checksum_needs_counter(const eco_can_checksum_config *cfg)
{
    if (eco_can_checksum_data_id_kind(cfg->algorithm) == ECO_CAN_DATA_ID_LIST)
        return 1;
    return (cfg->algorithm == ECO_CAN_CHECKSUM_AUTOSAR_P1 ||
            cfg->algorithm == ECO_CAN_CHECKSUM_AUTOSAR_P1_SPEC) &&
           cfg->data_id_mode == ECO_CAN_P1_DATA_ID_ALT;
}

/* ---- building blocks ------------------------------------------------------------------ */

/* A CRC-8 over bytes 0..n-1 without the checksum field's (whole) bytes. */
static uint8_t crc8_skip_field(const eco_can_checksum_config *cfg, uint8_t poly, uint8_t reg,
                               const uint8_t *data, size_t n)
{
    size_t first = cfg->field_first_byte, after = first + cfg->field_n_bytes;
    reg = eco_can_checksum_crc8(poly, reg, data, first);
    return eco_can_checksum_crc8(poly, reg, data + after, n - after);
}

static uint16_t crc16_skip_field(const eco_can_checksum_config *cfg, uint16_t reg,
                                 const uint8_t *data, size_t n)
{
    size_t first = cfg->field_first_byte, after = first + cfg->field_n_bytes;
    reg = eco_can_checksum_crc16(reg, data, first);
    return eco_can_checksum_crc16(reg, data + after, n - after);
}

/* Sum of bytes 0..n-1, the checksum field's bits taken as 0. */
static unsigned byte_sum(const eco_can_checksum_config *cfg, const uint8_t *data, size_t n)
{
    unsigned s = 0;
    size_t i; /* of the type of n, so that the compiler knows the trip count (vectorises) */
    for (i = 0; i < n; i++)
        s += data[i];
    for (i = 0; i < cfg->field_n_bytes; i++)
        s -= data[cfg->field_first_byte + i] & cfg->field_mask[i];
    return s;
}

static unsigned nibbles(unsigned b)
{
    return (b >> 4) + (b & 0x0Fu);
}

/* Sum of the nibbles of bytes 0..n-1, the checksum field's bits taken as 0. */
static unsigned nibble_sum(const eco_can_checksum_config *cfg, const uint8_t *data, size_t n)
{
    unsigned s = 0;
    size_t i;
    for (i = 0; i < n; i++)
        s += nibbles(data[i]);
    for (i = 0; i < cfg->field_n_bytes; i++) {
        unsigned b = data[cfg->field_first_byte + i];
        s -= nibbles(b) - nibbles(b & (uint8_t)~cfg->field_mask[i]);
    }
    return s;
}

/* The address's bytes (Toyota, Subaru) or nibbles (Honda), summed. */
static unsigned address_byte_sum(uint32_t a)
{
    unsigned s = 0;
    for (; a; a >>= 8)
        s += a & 0xFFu;
    return s;
}

static unsigned address_nibble_sum(uint32_t a)
{
    unsigned s = 0;
    for (; a; a >>= 4)
        s += a & 0x0Fu;
    return s;
}

/* ---- the algorithms ------------------------------------------------------------------- */

/* Profile 1: the data id bytes the mode selects, then the payload without the CRC byte.
 * ecodrive's autosar_p1 presets the register to 0xFF and inverts the result (src/can/e2e.c);
 * AUTOSAR's own profile 1 uses 0x00 for both (PRS E2E protocol, E2E_P01: Crc_CalculateCRC8
 * chained from start value 0xFF with IsFirstCall FALSE, result XOR 0xFF). */
static uint8_t autosar_p1(const eco_can_checksum_config *cfg, const uint8_t *data, size_t n,
                          uint8_t preset, uint8_t xorout)
{
    uint8_t id[2] = {(uint8_t)(cfg->data_id & 0xFFu), (uint8_t)(cfg->data_id >> 8)};
    size_t n_id = 2;
    uint8_t reg;

    switch (cfg->data_id_mode) {
    case ECO_CAN_P1_DATA_ID_ALT:
        if (eco_can_bitfield_get(&cfg->counter, data) & 1u)
            id[0] = id[1];
        n_id = 1;
        break;
    case ECO_CAN_P1_DATA_ID_LOW:
        n_id = 1;
        break;
    case ECO_CAN_P1_DATA_ID_NIBBLE:
        id[1] = 0;
        break;
    default:
        break;
    }
    reg = eco_can_checksum_crc8(0x1D, preset, id, n_id);
    return (uint8_t)(crc8_skip_field(cfg, 0x1D, reg, data, n) ^ xorout);
}

/* Profile 2 and VW MQB: CRC-8H2F (preset 0xFF, result inverted) over the payload without the
 * CRC byte, then the data id picked by the counter (AUTOSAR E2E_P02; opendbc mqbcan.py). */
static uint8_t autosar_p2(const eco_can_checksum_config *cfg, const uint8_t *data, size_t n)
{
    uint8_t id = cfg->data_id_list[eco_can_bitfield_get(&cfg->counter, data) & 0x0Fu];
    uint8_t reg = crc8_skip_field(cfg, 0x2F, 0xFF, data, n);
    return (uint8_t)(eco_can_checksum_crc8(0x2F, reg, &id, 1) ^ 0xFF);
}

/* Honda: 8 minus the nibble sum of address and data, plus 3 for an id above 0x7FF (opendbc
 * hondacan.py honda_checksum; it takes such an id as extended). */
static uint8_t honda(const eco_can_checksum_config *cfg, const uint8_t *data, size_t n)
{
    unsigned s = address_nibble_sum(cfg->address) + nibble_sum(cfg, data, n);
    unsigned c = 8u - s;
    if (cfg->address > 0x7FFu)
        c += 3u;
    return (uint8_t)(c & 0x0Fu);
}

/* HKG CAN FD: CRC-16/XMODEM over the payload without the checksum, then the address low and
 * high bytes, then an XOR by payload length (opendbc hyundaicanfd.py hkg_can_fd_checksum;
 * lengths without a constant there get none). */
static uint16_t hkg_canfd(const eco_can_checksum_config *cfg, const uint8_t *data, size_t n,
                          size_t len)
{
    uint8_t addr[2] = {(uint8_t)(cfg->address & 0xFFu), (uint8_t)((cfg->address >> 8) & 0xFFu)};
    uint16_t reg = eco_can_checksum_crc16(crc16_skip_field(cfg, 0, data, n), addr, 2);
    switch (len) {
    case 8:
        return reg ^ 0x5F29;
    case 16:
        return reg ^ 0x041D;
    case 24:
        return reg ^ 0x819D;
    case 32:
        return reg ^ 0x9F5B;
    default:
        return reg;
    }
}

static uint8_t xor_bytes(const eco_can_checksum_config *cfg, const uint8_t *data, size_t n)
{
    uint8_t x = (uint8_t)cfg->data_id; /* start value: 0 for VW PQ, per message for VW MLB */
    size_t i;
    for (i = 0; i < n; i++)
        x ^= data[i];
    return x ^ data[cfg->field_first_byte]; /* XOR-ing the checksum byte again takes it out */
}

uint32_t eco_can_checksum_compute(const eco_can_checksum_config *cfg, const uint8_t *data,
                                  size_t len)
{
    size_t n = cfg->covered_len && cfg->covered_len < len ? cfg->covered_len : len;

    if (!cfg->ready || len < cfg->min_len)
        return 0;
    switch (cfg->algorithm) {
    case ECO_CAN_CHECKSUM_AUTOSAR_P1:
        return autosar_p1(cfg, data, n, 0xFF, 0xFF);
    case ECO_CAN_CHECKSUM_AUTOSAR_P1_SPEC:
        return autosar_p1(cfg, data, n, 0x00, 0x00);
    case ECO_CAN_CHECKSUM_AUTOSAR_P2:
    case ECO_CAN_CHECKSUM_VW_MQB:
        return autosar_p2(cfg, data, n);
    case ECO_CAN_CHECKSUM_TOYOTA: /* opendbc toyotacan.py toyota_checksum */
        return (byte_sum(cfg, data, n) + address_byte_sum(cfg->address) + (unsigned)len) & 0xFFu;
    case ECO_CAN_CHECKSUM_SUBARU: /* opendbc subarucan.py subaru_checksum */
        return (byte_sum(cfg, data, n) + address_byte_sum(cfg->address)) & 0xFFu;
    case ECO_CAN_CHECKSUM_HONDA:
        return honda(cfg, data, n);
    case ECO_CAN_CHECKSUM_HYUNDAI: /* opendbc safety/modes/hyundai.h: (16 - s % 16) % 16 */
        return (0u - nibble_sum(cfg, data, n)) & 0x0Fu;
    case ECO_CAN_CHECKSUM_HYUNDAI_CRC8:
        /* opendbc hyundaican.py: mk_crc8_fun(CRC8J1850, init_crc=0xFD, xor_out=0xDF), whose
         * register starts at init_crc ^ xor_out = 0x22 (crcmod's convention) */
        return crc8_skip_field(cfg, 0x1D, 0xFD ^ 0xDF, data, n) ^ 0xDFu;
    case ECO_CAN_CHECKSUM_HKG_CANFD:
        return hkg_canfd(cfg, data, n, len);
    case ECO_CAN_CHECKSUM_CHRYSLER: /* opendbc chryslercan.py: CRC-8/SAE-J1850, see the docs */
        return crc8_skip_field(cfg, 0x1D, 0xFF, data, n) ^ 0xFFu;
    case ECO_CAN_CHECKSUM_XOR:
        return xor_bytes(cfg, data, n);
    default:
        return 0;
    }
}

/* The checksum field's value from the byte masks setup found: the field is one run of bits
 * (a nibble, a byte or two whole bytes), so its masked bytes, joined in the field's byte
 * order and shifted down to the lowest bit, are the value, without a loop over bits. */
static uint32_t field_value(const eco_can_checksum_config *cfg, const uint8_t *data)
{
    const uint8_t *p = data + cfg->field_first_byte;
    unsigned n = cfg->field_n_bytes, i, low = cfg->checksum.byte_order == 1 ? 0 : n - 1;
    uint32_t v = 0;
    uint8_t m = cfg->field_mask[low];
    for (i = 0; i < n; i++) {
        unsigned at = cfg->checksum.byte_order == 1 ? i : n - 1 - i; /* byte significance */
        v |= (uint32_t)(p[i] & cfg->field_mask[i]) << (8 * at);
    }
    while (!(m & 1u)) { /* the field's lowest bit is the lowest set bit of its lowest byte */
        m >>= 1;
        v >>= 1;
    }
    return v;
}

int eco_can_checksum_check(const eco_can_checksum_config *cfg, const uint8_t *data, size_t len)
{
    if (!cfg->ready || len < cfg->min_len)
        return ECO_EINVAL;
    if (cfg->algorithm == ECO_CAN_CHECKSUM_NONE)
        return ECO_OK;
    return field_value(cfg, data) == eco_can_checksum_compute(cfg, data, len) ? ECO_OK : ECO_ECRC;
}

int eco_can_checksum_write(const eco_can_checksum_config *cfg, uint8_t *data, size_t len)
{
    if (!cfg->ready || len < cfg->min_len)
        return ECO_EINVAL;
    if (cfg->algorithm != ECO_CAN_CHECKSUM_NONE)
        eco_can_bitfield_set(&cfg->checksum, eco_can_checksum_compute(cfg, data, len), data);
    return ECO_OK;
}
