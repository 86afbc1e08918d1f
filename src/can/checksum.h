/* Checksums and CRCs of CAN payloads by configuration (issue 11): AUTOSAR E2E profiles 1
 * and 2 and the OEM checksums that commaai/opendbc implements, over classic and CAN FD
 * payloads (up to 64 bytes). Private to src/can for now; docs/checksums.md gives each
 * algorithm with its source.
 *
 * Use: fill an eco_can_checksum_config (algorithm, address, where the checksum and the
 * counter sit, data id), call eco_can_checksum_setup() once at init, then compute, check or
 * write per frame. The per-frame functions are pure: no allocation, no I/O, no global state
 * but the CRC tables that setup builds once.
 *
 * Covered bytes: payload bytes 0 .. covered_len - 1 (covered_len 0: the whole payload).
 * CRC algorithms skip the checksum field's bytes (it must fill whole bytes); sums count the
 * covered bytes with the checksum field's bits taken as 0. Either way, what the checksum field
 * holds never changes the computed value. */
#ifndef ECODRIVE_CAN_CHECKSUM_H
#define ECODRIVE_CAN_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

#define ECO_CAN_CHECKSUM_MAX_LEN    64 /* CAN FD payload, ISO 11898-1:2015 */
#define ECO_CAN_CHECKSUM_N_DATA_IDS 16 /* one per value of a 4-bit counter (E2E profile 2) */

/* The algorithms, from checksum.def (ECO_CAN_CHECKSUM_NONE is 0). */
typedef enum {
#define ECO_CAN_CHECKSUM_ALGORITHM(id, name) ECO_CAN_CHECKSUM_##id,
#include "checksum.def"
    ECO_CAN_CHECKSUM_N_ALGORITHMS
} eco_can_checksum_algorithm;

/* How the 16-bit data id of profile 1 enters its CRC (AUTOSAR E2E_P01DataIDMode). */
typedef enum {
    ECO_CAN_P1_DATA_ID_BOTH = 0,   /* low byte, then high byte (ecodrive's only mode so far) */
    ECO_CAN_P1_DATA_ID_ALT = 1,    /* low byte for even counters, high byte for odd ones */
    ECO_CAN_P1_DATA_ID_LOW = 2,    /* low byte only */
    ECO_CAN_P1_DATA_ID_NIBBLE = 3, /* low byte, then 0x00 (the high nibble is sent as data) */
} eco_can_p1_data_id_mode;

/* What the data_id of the mapping means for an algorithm. */
typedef enum {
    ECO_CAN_DATA_ID_UNUSED = 0,
    ECO_CAN_DATA_ID_NUMBER = 1, /* data_id: 0..65535 (xor: the start value, 0..255) */
    ECO_CAN_DATA_ID_LIST = 2,   /* data_id_list: 16 bytes, one per counter value */
} eco_can_data_id_kind;

/* A bit field of the payload as the DBC gives it. */
typedef struct {
    uint16_t start_bit;  /* as in the DBC: LSB for Intel, MSB (sawtooth) for Motorola */
    uint8_t length_bits; /* 0: absent (counter only) */
    uint8_t byte_order;  /* as in the DBC: 0 = Motorola "@0", 1 = Intel "@1" */
} eco_can_bitfield;

typedef struct {
    /* set by the caller */
    eco_can_checksum_algorithm algorithm;
    uint32_t address;          /* CAN id, 11 or 29 bits, without flag bits */
    eco_can_bitfield checksum; /* where the checksum sits */
    eco_can_bitfield counter;  /* the rolling counter (needed by autosar_p2, vw_mqb, P1 ALT) */
    uint16_t data_id;          /* ECO_CAN_DATA_ID_NUMBER algorithms */
    uint8_t data_id_list[ECO_CAN_CHECKSUM_N_DATA_IDS]; /* ECO_CAN_DATA_ID_LIST algorithms */
    uint8_t data_id_mode;                              /* eco_can_p1_data_id_mode (profile 1) */
    uint8_t covered_len; /* bytes covered from byte 0; 0: the whole payload */
    /* filled by eco_can_checksum_setup(); leave zero */
    uint8_t ready;
    uint8_t field_first_byte; /* first payload byte the checksum field touches */
    uint8_t field_n_bytes;    /* 1..3 */
    uint8_t field_mask[3];    /* its bits in those bytes */
    uint8_t min_len;          /* payload bytes the checksum and counter fields need */
} eco_can_checksum_config;

/* The algorithm named s ("autosar_p1", "toyota", ...; the names in the enum above, exactly).
 * ECO_OK, or ECO_ENOENT for an unknown name (*out unchanged). */
int eco_can_checksum_algorithm_from_name(const char *s, eco_can_checksum_algorithm *out);

/* The name of an algorithm, or "?" for a value out of range. */
const char *eco_can_checksum_algorithm_name(eco_can_checksum_algorithm a);

/* What the algorithm takes as data id; whether it needs the counter field to compute. */
eco_can_data_id_kind eco_can_checksum_data_id_kind(eco_can_checksum_algorithm a);
int eco_can_checksum_needs_counter(const eco_can_checksum_config *cfg);

/* Init-time: check cfg against the algorithm and a message of msg_len bytes (1..64), fill
 * its derived members and build the CRC tables (once per process). The checksum field must
 * be 8 bits on a whole byte (4 bits on a nibble for honda and hyundai, 16 bits on two whole
 * bytes for hkg_canfd), inside the covered bytes; the counter must not overlap it, and is
 * 4 bits for autosar_p2 and vw_mqb. ECO_OK, or ECO_EINVAL with eco_last_error()
 * "WHERE: problem" (where: e.g. "$.e2e.ESP_21" or "file.dbc:12"; NULL for none). */
int eco_can_checksum_setup(eco_can_checksum_config *cfg, size_t msg_len, const char *where);

/* The checksum of a payload of len bytes, right-aligned in the field's width, whatever the
 * checksum field holds. 0 if cfg is not set up, the algorithm is none, or len is too short
 * for the fields. */
uint32_t eco_can_checksum_compute(const eco_can_checksum_config *cfg, const uint8_t *data,
                                  size_t len);

/* Compare the checksum field with the computed value. ECO_OK when they agree (always for
 * none); ECO_ECRC when not; ECO_EINVAL if cfg is not set up or len is too short. */
int eco_can_checksum_check(const eco_can_checksum_config *cfg, const uint8_t *data, size_t len);

/* Compute and write the checksum into its field (after the counter and the data are in
 * place). ECO_OK, or ECO_EINVAL as for check. */
int eco_can_checksum_write(const eco_can_checksum_config *cfg, uint8_t *data, size_t len);

/* Raw value of a bit field (up to 32 bits); the caller ensures it fits in the payload. */
uint32_t eco_can_bitfield_get(const eco_can_bitfield *f, const uint8_t *data);

/* Write the low length_bits of v into a bit field, leaving the other bits as they are. */
void eco_can_bitfield_set(const eco_can_bitfield *f, uint32_t v, uint8_t *data);

/* Bytes a bit field needs in the payload (its last byte + 1), 0 if it is malformed (length
 * 0 or over 32, start bit past 511, or running off byte 0 in Motorola order). */
size_t eco_can_bitfield_end(const eco_can_bitfield *f);

/* The CRC kernels, table-driven (sliced by 8 bytes): the register after n bytes, starting
 * from reg, MSB first, no final XOR. poly: 0x1D (SAE J1850) or 0x2F (8H2F); 16 bits: 0x1021.
 * Valid after the first eco_can_checksum_setup() or eco_can_checksum_tables_init(). */
uint8_t eco_can_checksum_crc8(uint8_t poly, uint8_t reg, const uint8_t *p, size_t n);
uint16_t eco_can_checksum_crc16(uint16_t reg, const uint8_t *p, size_t n);

/* Build the CRC tables (idempotent; init-time, before any thread uses them). */
void eco_can_checksum_tables_init(void);

#endif
