/* E2E: counters and checksums per message (the CAN module: see can.h). */
#ifndef ECODRIVE_CAN_E2E_H
#define ECODRIVE_CAN_E2E_H

#include "ecodrive/can_dbc.h"

/* ---------------------------------------------------------------------------------------
 * E2E: a rolling counter and a checksum per message, by configuration (docs/checksums.md).
 *
 * Each message has one eco_can_e2e_config: which signal is its counter, which its checksum,
 * and the checksum algorithm with its data id. It comes from, in this order of precedence:
 *   - the mapping's "e2e" entry for the message (eco_cfg_mapping_load; config.h);
 *   - the DBC string attributes BA_ "EcoE2ECounter" BO_ id "Sig"; and BA_ "EcoE2ECRC"
 *     BO_ id "Sig"; (ecodrive's profile, autosar_p1; the CRC must then be 8 bits on one
 *     whole byte, the counter unsigned 1..8 bits, or the DBC is refused);
 *   - in a DBC that defines those attributes (BA_DEF_ BO_ "EcoE2ECounter", as the project's
 *     own DBCs do), by name: exactly one signal ending in "Counter" and exactly one ending in
 *     "CRC" (case-sensitive), of the shapes above; anything else (several counters, a 4-bit
 *     CRC, an OEM DBC) is no E2E unless the mapping configures it.
 * The DBC's data id is BA_ "EcoE2EDataId" BO_ id N; (0..65535), by default the low 16 bits
 * of the CAN id. autosar_p1 = CRC-8/SAE-J1850 over data id low byte, data id high byte, then
 * payload bytes 0..dlc-1 except the CRC byte.
 * ------------------------------------------------------------------------------------- */

#define ECO_CAN_CHECKSUM_MAX_LEN    64 /* CAN FD payload, ISO 11898-1:2015 */
#define ECO_CAN_CHECKSUM_N_DATA_IDS 16 /* one per value of a 4-bit counter (E2E profile 2) */

/* The algorithms, from checksum.def (ECO_CAN_CHECKSUM_NONE is 0). */
typedef enum {
#define ECO_CAN_CHECKSUM_ALGORITHM(id, name) ECO_CAN_CHECKSUM_##id,
#include "ecodrive/checksum.def"
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

/* One message's E2E: what the receive path checks and the setpoint writes. Algorithm
 * ECO_CAN_CHECKSUM_NONE: nothing is checked or written (not even the counter). */
typedef struct {
    int counter;                 /* signal index in the database, -1: no counter */
    int checksum;                /* signal index, -1 only with ECO_CAN_CHECKSUM_NONE */
    eco_can_checksum_config cks; /* set up for the message's DBC length */
} eco_can_e2e_config;

/* Build and check the E2E of message msg: algorithm a, counter and checksum signals (indices,
 * -1 for none; both must be signals of msg, unsigned integers, not multiplexed, the counter
 * 1..8 bits), data_id or, for the data id list algorithms (autosar_p2, vw_mqb), list[16].
 * Init time. Returns ECO_OK, or ECO_EINVAL with eco_last_error() = "WHERE: problem". */
int eco_can_e2e_config_init(const eco_can_db *db, int msg, eco_can_checksum_algorithm a,
                            int counter, int checksum, uint16_t data_id, const uint8_t *list,
                            const char *where, eco_can_e2e_config *out);

/* The DBC's own E2E of message msg (autosar_p1 with its declared pair and data id), or
 * algorithm none when it declares none. Init time. Returns ECO_OK or ECO_EINVAL. */
int eco_can_e2e_config_from_db(const eco_can_db *db, int msg, eco_can_e2e_config *out);

/* CRC-8/SAE-J1850 (poly 0x1D, init 0xFF, no reflection, final XOR 0xFF) of n bytes. */
uint8_t eco_can_crc8_j1850(const uint8_t *bytes, size_t n);

/* The E2E CRC of message msg's payload as defined above (whatever the CRC byte holds). */
uint8_t eco_can_e2e_crc(const eco_can_db *db, int msg, const uint8_t data[ECO_CAN_MAX_DLEN]);

/* Receiver state of one E2E message; zero it (or call eco_can_e2e_reset) before use. */
typedef struct {
    uint8_t last_counter;
    uint8_t seen; /* 0 until the first good frame */
} eco_can_e2e_state;

typedef enum {
    ECO_CAN_E2E_OK = 0,
    ECO_CAN_E2E_BAD_CRC = 1,  /* CRC mismatch: state unchanged */
    ECO_CAN_E2E_REPEATED = 2, /* same counter as the last good frame */
    ECO_CAN_E2E_JUMP = 3,     /* counter advanced by more than max_delta: resynchronised */
} eco_can_e2e_result;

void eco_can_e2e_reset(eco_can_e2e_state *st);

/* Check a received payload of an E2E message: CRC first, then the counter. The counter
 * must advance by 1..max_delta (mod 2^bits) from the last good frame; the first frame
 * after a reset is accepted. On a jump the state resynchronises to the new counter, so the
 * next consecutive frame is good again. Returns ECO_OK; ECO_ECRC with *res saying why;
 * ECO_EINVAL if msg declares no E2E. */
int eco_can_e2e_check(const eco_can_db *db, int msg, const uint8_t data[ECO_CAN_MAX_DLEN],
                      unsigned max_delta, eco_can_e2e_state *st, eco_can_e2e_result *res);

/* Protect an outgoing payload: write *counter into the counter signal, compute and write
 * the CRC, then advance *counter (mod 2^bits). Returns ECO_OK, or ECO_EINVAL if msg
 * declares no E2E. */
int eco_can_e2e_protect(const eco_can_db *db, int msg, uint8_t data[ECO_CAN_MAX_DLEN],
                        uint8_t *counter);

/* The same two by configuration (any algorithm), on a payload of len bytes (the message's
 * DBC length). Check: the checksum first (ECO_CAN_E2E_BAD_CRC), then the counter when the
 * configuration has one, as above; algorithm none: ECO_OK, state untouched. Protect: the
 * counter (if any) from *counter, advanced mod 2^bits, then the checksum (none: the counter
 * only). Both return ECO_OK, ECO_ECRC (check) with *res, or ECO_EINVAL for a payload too
 * short for the fields. Run time: no allocation. */
int eco_can_e2e_config_check(const eco_can_e2e_config *cfg, const uint8_t *data, size_t len,
                             unsigned max_delta, eco_can_e2e_state *st, eco_can_e2e_result *res);
int eco_can_e2e_config_protect(const eco_can_e2e_config *cfg, uint8_t *data, size_t len,
                               uint8_t *counter);

#endif
