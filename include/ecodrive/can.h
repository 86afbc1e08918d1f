/* The CAN module: DBC parsing, signal pack/unpack, E2E counter and CRC, signal staleness,
 * candump logs, raw SocketCAN I/O and the observation <-> signal mapping (DESIGN.md).
 *
 * Init-time functions (load, parse, create, open) allocate through eco_malloc and report
 * problems with eco_set_error(). Run-time functions (decode, encode, rx_frame, e2e,
 * sock_read/write) allocate nothing, print nothing and never call eco_set_error(): they
 * return a status and count what they drop.
 *
 * This header includes no socket header: frames are eco_can_frame, whose id uses the same
 * flag bits as SocketCAN's can_id, so the simulator can use the codec without sockets. */
#ifndef ECODRIVE_CAN_H
#define ECODRIVE_CAN_H

#include "ecodrive/common.h"

#include <stdint.h>
#include <stdio.h>

/* Id flags, bit-identical to linux/can.h CAN_EFF_FLAG/CAN_RTR_FLAG/CAN_ERR_FLAG. Bit 31 is
 * also how a DBC marks a 29-bit id in BO_ (Vector DBC format). */
#define ECO_CAN_EFF_FLAG   0x80000000u
#define ECO_CAN_RTR_FLAG   0x40000000u
#define ECO_CAN_ERR_FLAG   0x20000000u
#define ECO_CAN_SFF_MASK   0x000007FFu
#define ECO_CAN_EFF_MASK   0x1FFFFFFFu
#define ECO_CAN_MAX_DLEN     64 /* CAN FD (ISO 11898-1:2015); classic CAN carries 8 */
#define ECO_CAN_CLASSIC_DLEN 8
#define ECO_CAN_IFNAME_MAX   16 /* IFNAMSIZ, including the terminating NUL */

/* eco_can_frame.flags. BRS and ESI have the values of Linux's CANFD_BRS and CANFD_ESI (and
 * of the flags nibble of a candump "ID##F..." line), FD that of CANFD_FDF. */
#define ECO_CAN_FD_BRS 0x01u /* bit rate switch: the data phase at the fast rate */
#define ECO_CAN_FD_ESI 0x02u /* error state indicator of the sender */
#define ECO_CAN_FD     0x04u /* a CAN FD frame (else classic) */

/* A classic or CAN FD frame. id = 11- or 29-bit identifier | ECO_CAN_*_FLAG. */
typedef struct {
    uint32_t id;
    uint8_t dlc;                    /* payload length in bytes, 0..8, FD 0..64 */
    uint8_t data[ECO_CAN_MAX_DLEN]; /* bytes at and past dlc are zero */
    uint8_t flags;                  /* ECO_CAN_FD, ECO_CAN_FD_BRS, ECO_CAN_FD_ESI; 0: classic */
} eco_can_frame;

/* The payload lengths a CAN FD frame can have: 0..8, 12, 16, 20, 24, 32, 48, 64. */
int eco_can_fd_len_valid(unsigned len);

/* ---------------------------------------------------------------------------------------
 * DBC database
 * ------------------------------------------------------------------------------------- */

typedef enum {
    ECO_CAN_MOTOROLA = 0, /* DBC "@0": big endian, start bit = MSB in sawtooth numbering */
    ECO_CAN_INTEL = 1,    /* DBC "@1": little endian, start bit = LSB */
} eco_can_byte_order;

typedef enum {
    ECO_CAN_VT_INT = 0,     /* integer raw value (default) */
    ECO_CAN_VT_FLOAT32 = 1, /* SIG_VALTYPE_ ... : 1 (IEEE single; Vector DBC format) */
    ECO_CAN_VT_FLOAT64 = 2, /* SIG_VALTYPE_ ... : 2 (IEEE double, 64 bits) */
} eco_can_value_type;

typedef enum {
    ECO_CAN_MUX_NONE = 0,
    ECO_CAN_MUX_SWITCH = 1,    /* "M": the multiplexer switch of its message */
    ECO_CAN_MUX_DEPENDENT = 2, /* "mN" (or "mNM", itself a switch too: extended
                                  multiplexing): present when its switch is present and
                                  reads mux_value, or a value in its SG_MUL_VAL_ ranges */
} eco_can_mux_role;

/* A signal as declared by SG_, plus what eco_can_signal_init() precomputes for the codec.
 * Strings point into the database's memory and are never NULL ("" when absent). */
typedef struct {
    const char *name;
    const char *unit;
    const char *comment;   /* CM_ SG_ text */
    const char *receivers; /* comma-separated node names */
    int msg;               /* index of its message in eco_can_db.msgs */
    int line;              /* DBC line of its SG_, for messages */
    uint16_t start_bit;    /* as in the DBC: LSB for Intel, MSB (sawtooth) for Motorola */
    uint8_t length_bits;   /* 1..64 */
    uint8_t byte_order;    /* eco_can_byte_order */
    uint8_t is_signed;     /* "-": two's complement */
    uint8_t value_type;    /* eco_can_value_type */
    uint8_t mux_role;      /* eco_can_mux_role */
    uint8_t has_range;     /* 0 when the DBC range is [0|0], which means "none" */
    uint8_t mux_is_switch; /* "mNM": a dependent signal that is also a switch */
    uint32_t mux_value;    /* for ECO_CAN_MUX_DEPENDENT */
    int mux_switch;        /* the signal (index in signals) whose value it depends on: the
                              message's "M" switch, or the one SG_MUL_VAL_ names; -1 for a
                              signal that is not dependent (set by eco_can_db_finalize) */
    int first_mux_range;   /* SG_MUL_VAL_ ranges: eco_can_db.mux_ranges[first_mux_range ..]; */
    int n_mux_ranges;      /* 0: the one value mux_value */
    double factor, offset; /* physical = raw * factor + offset */
    double min, max;       /* physical range from [min|max] */
    int first_value;       /* VAL_ descriptions: eco_can_db.values[first_value ..] */
    int n_values;
    /* precomputed by eco_can_signal_init() */
    uint8_t byte_offset; /* the signal's 8-byte window: payload bytes byte_offset .. +7 (0 in
                            a classic frame; an FD signal spans at most 8 bytes) */
    uint8_t shift;       /* right shift of the window's 64-bit word (LE for Intel, BE for
                            Motorola) */
    uint8_t min_bytes;   /* payload bytes the signal reaches into */
    uint64_t mask;     /* (1 << length_bits) - 1 */
} eco_can_signal;

/* One range of an SG_MUL_VAL_: the switch's raw values lo..hi, both included. */
typedef struct {
    uint64_t lo, hi;
} eco_can_mux_range;

/* One VAL_ entry: raw value (sign-extended for signed signals) and its description. */
typedef struct {
    int64_t raw;
    const char *text;
} eco_can_value_desc;

typedef struct {
    const char *name;
    const char *transmitter;
    const char *comment; /* CM_ BO_ text */
    uint32_t id;         /* identifier, | ECO_CAN_EFF_FLAG for a 29-bit id */
    uint8_t dlc;         /* declared payload length, bytes */
    uint8_t fd;          /* a CAN FD message: DLC over 8, or BA_ "VFrameFormat" 14 or 15
                            (StandardCAN_FD, ExtendedCAN_FD) */
    int line;            /* DBC line of its BO_, for messages */
    int first_signal;    /* eco_can_db.signals[first_signal .. + n_signals - 1] */
    int n_signals;
    int cycle_time_ms; /* GenMsgCycleTime, else the BA_DEF_DEF_ default; 0 = not cyclic */
    int mux_signal;    /* index of the "M" switch signal, or -1 */
    int mux_extended;  /* 1 if a signal depends on a switch other than "M", or on ranges */
    /* E2E (see the E2E section): counter and CRC signal indices, or -1 when undeclared */
    int e2e_counter;
    int e2e_crc;
    uint16_t e2e_data_id;
} eco_can_message;

/* A parsed DBC: one allocation holding everything, read-only after load. */
typedef struct {
    int n_msgs;
    int n_signals;
    int n_values;
    eco_can_message *msgs;
    eco_can_signal *signals;
    eco_can_value_desc *values;
    int n_mux_ranges;
    eco_can_mux_range *mux_ranges; /* SG_MUL_VAL_ ranges, by signal (first_mux_range) */
    int *msg_by_id;                /* message indices sorted by id, for the run-time lookup */
    int default_cycle_time_ms;     /* BA_DEF_DEF_ "GenMsgCycleTime", 0 when absent */
    const char *comment;           /* file-level CM_ "..." text */
    size_t memsize;                /* bytes of the single allocation */
    int e2e_by_name; /* 1 if the DBC defines the EcoE2E* attributes: E2E pairs by name */
} eco_can_db;

/* Load and parse a DBC file. Reads BO_, SG_ (both byte orders, signedness, factor/offset,
 * range, unit, receivers, multiplexing), VAL_, CM_ (multi-line strings), BA_DEF_,
 * BA_DEF_DEF_, BA_ (GenMsgCycleTime and the Eco* attributes below) and SIG_VALTYPE_; skips
 * other sections (VERSION, NS_, BS_, BU_, VAL_TABLE_, BO_TX_BU_, ...). *db is one
 * eco_malloc'd block, free it with eco_can_db_free().
 * Returns ECO_OK; ECO_ENOENT/ECO_EIO if the file cannot be read; ECO_EPARSE on a syntax
 * or consistency error with eco_last_error() = "FILE:LINE: what is wrong"; ECO_ENOMEM. */
int eco_can_db_load(const char *path, eco_can_db **db);

/* The same from text in memory; name is used in error messages in place of FILE. */
int eco_can_db_parse(const char *text, size_t len, const char *name, eco_can_db **db);

/* Resolve a database whose messages and signals are filled in (eco_can_db_parse calls it;
 * tests may fill one by hand): messages with cycle_time_ms < 0 get the default, the
 * multiplexer switches and E2E pairs are found and checked, msg_by_id is built. Messages
 * with e2e_counter = e2e_crc = -1 get the E2E pair found by signal names when the rule of
 * the E2E section allows (e2e_by_name set, unambiguous, the profile's shape). name prefixes
 * errors. Returns ECO_OK, or ECO_EPARSE with eco_last_error() = "NAME:LINE: what". */
int eco_can_db_finalize(eco_can_db *db, const char *name);

/* Free a database from eco_can_db_load/parse (NULL is allowed). */
void eco_can_db_free(eco_can_db *db);

/* Run-time lookup of a message by id (with ECO_CAN_EFF_FLAG for 29-bit; RTR/ERR flags must
 * be clear). Binary search, no allocation. Returns ECO_OK with *msg set, or ECO_ENOENT. */
int eco_can_db_message_by_id(const eco_can_db *db, uint32_t id, int *msg);

/* Init-time lookup of a message by name. Returns ECO_OK with *msg set, or ECO_ENOENT. */
int eco_can_db_message_find(const eco_can_db *db, const char *name, int *msg);

/* Init-time lookup of a signal by "Signal" or "Message.Signal". Returns ECO_OK with *sig
 * set; ECO_ENOENT if absent; ECO_EINVAL if an unqualified name exists in several messages
 * (eco_last_error() names them). */
int eco_can_db_signal_find(const eco_can_db *db, const char *name, int *sig);

/* VAL_ description of a raw value of signal sig, or NULL if it has none. */
const char *eco_can_db_value_text(const eco_can_db *db, int sig, int64_t raw);

/* ---------------------------------------------------------------------------------------
 * Signal codec (run time: no allocation)
 * ------------------------------------------------------------------------------------- */

/* Validate the layout of a hand-built or parsed signal against a payload of dlc bytes and
 * precompute shift, mask and min_bytes. Motorola start bits use the DBC sawtooth numbering
 * (bit 7 of byte 0 is bit 7, bit 0 of byte 1 is bit 8; start = the MSB), as cantools and
 * opendbc do. Returns ECO_OK, or ECO_EINVAL if the signal does not fit, has length 0 or
 * > 64, or a float type with the wrong length (message in eco_last_error()). Init time. */
int eco_can_signal_init(eco_can_signal *s, unsigned dlc);

/* The unsigned raw bits of a signal from a payload (bytes past dlc must be zero). */
uint64_t eco_can_signal_get_raw(const eco_can_signal *s, const uint8_t data[ECO_CAN_MAX_DLEN]);

/* The raw value as an integer: sign-extended when the signal is signed. */
int64_t eco_can_signal_raw_int(const eco_can_signal *s, uint64_t raw);

/* Write raw bits into a payload, leaving the other bits untouched (raw is masked). */
void eco_can_signal_set_raw(const eco_can_signal *s, uint64_t raw, uint8_t data[ECO_CAN_MAX_DLEN]);

/* Decode one signal to its physical value (DBC unit): raw * factor + offset.
 * Returns ECO_OK; ECO_ERANGE if outside the DBC [min|max] (*value is still set: never
 * clamped); ECO_EINVAL if a float signal holds NaN or infinity (*value set to it). */
int eco_can_signal_decode(const eco_can_signal *s, const uint8_t data[ECO_CAN_MAX_DLEN],
                          double *value);

/* Encode a physical value (DBC unit) into a payload: raw = round((value - offset) / factor).
 * Returns ECO_OK; ECO_ERANGE if outside [min|max] or the raw value does not fit the
 * signal's bits; ECO_EINVAL for NaN/inf. On error data is left untouched. */
int eco_can_signal_encode(const eco_can_signal *s, double value, uint8_t data[ECO_CAN_MAX_DLEN]);

/* Per-signal outcome of eco_can_message_decode. */
typedef enum {
    ECO_CAN_SIG_OK = 0,
    ECO_CAN_SIG_RANGE = 1,  /* outside [min|max]; value still given */
    ECO_CAN_SIG_NAN = 2,    /* float signal holds NaN/inf */
    ECO_CAN_SIG_ABSENT = 3, /* multiplexed signal not selected by this frame */
} eco_can_sig_state;

/* A zeroed frame of message m: its id, its DLC, ECO_CAN_FD for an FD message (with
 * ECO_CAN_FD_BRS: the data phase at the fast rate, as FD buses run). */
eco_can_frame eco_can_message_frame(const eco_can_message *m);

/* Decode all signals of message msg from a payload. values[i] and states[i] are for
 * signal first_signal + i; both arrays hold the message's n_signals entries.
 * Returns ECO_OK, or ECO_EINVAL if dlc is shorter than the message's declared DLC. */
int eco_can_message_decode(const eco_can_db *db, int msg, const eco_can_frame *f, double *values,
                           uint8_t *states);

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

/* ---------------------------------------------------------------------------------------
 * Receive state: latest value, timestamp and range flag of every signal; staleness.
 * ------------------------------------------------------------------------------------- */

typedef struct {
    uint64_t frames;         /* frames handed to eco_can_rx_frame */
    uint64_t accepted;       /* frames decoded into the state */
    uint64_t unknown;        /* id not in the DBC, RTR or error frames (ignored) */
    uint64_t rejected;       /* sum of the four below */
    uint64_t short_frames;   /* dlc below the DBC DLC */
    uint64_t crc_errors;     /* E2E CRC mismatch */
    uint64_t counter_errors; /* E2E counter repeated or jumped */
    uint64_t bad_values;     /* float signal with NaN/inf */
    uint64_t out_of_range;   /* signal values outside [min|max] (frame still accepted) */
} eco_can_rx_stats;

/* Read its fields; change them only through the functions below. */
typedef struct {
    const eco_can_db *db;
    double *value;               /* per signal: last physical value (DBC unit) */
    int64_t *t_ns;               /* per signal: time of the last update, INT64_MIN = never */
    int64_t *timeout_ns;         /* per signal: stale after this age; 0 = never stale */
    uint8_t *state;              /* per signal: eco_can_sig_state of the last update */
    eco_can_e2e_state *e2e;      /* per message */
    eco_can_e2e_config *e2e_cfg; /* per message: the DBC's, or eco_can_rx_set_e2e's */
    double *scratch_value;       /* per-frame workspace, largest message */
    uint8_t *scratch_state;      /* per-frame workspace, largest message */
    unsigned e2e_max_delta;      /* allowed counter step, default 1 */
    eco_can_rx_stats stats;
} eco_can_rx;

/* Create the receive state for db in one allocation. Each signal's stale timeout starts at
 * 3 x its message's cycle time (none if the message has no cycle time). Returns ECO_OK,
 * ECO_EINVAL, ECO_ENOMEM. */
int eco_can_rx_create(const eco_can_db *db, eco_can_rx **rx);

/* Free (NULL allowed). */
void eco_can_rx_free(eco_can_rx *rx);

/* Forget all values, timestamps, E2E states and counters. */
void eco_can_rx_reset(eco_can_rx *rx);

/* Override the cycle time of one signal: it goes stale after 3 x cycle_ms; 0 = never.
 * Returns ECO_OK or ECO_EINVAL. */
int eco_can_rx_set_cycle_ms(eco_can_rx *rx, int sig, int cycle_ms);

/* The stale timeout of one signal, ns (0 = never stale): set (ECO_OK, or ECO_EINVAL for no
 * such signal or a negative timeout) and read (0 for no such signal). Init time. */
int eco_can_rx_set_timeout_ns(eco_can_rx *rx, int sig, int64_t timeout_ns);
int64_t eco_can_rx_timeout_ns(const eco_can_rx *rx, int sig);

/* The largest E2E counter step a frame may make and be accepted (default 1: every frame).
 * Returns ECO_OK, or ECO_EINVAL for 0 or more than 255. Init time. */
int eco_can_rx_set_e2e_max_delta(eco_can_rx *rx, unsigned max_delta);

/* Replace the E2E configuration of message msg (the mapping's "e2e" entry; built with
 * eco_can_e2e_config_init for the same database) and reset its state. Init time. Returns
 * ECO_OK, or ECO_EINVAL for no such message. */
int eco_can_rx_set_e2e(eco_can_rx *rx, int msg, const eco_can_e2e_config *cfg);

/* Time from the last update of signal sig to now_ns, ns; INT64_MAX if it never came. */
int64_t eco_can_rx_age_ns(const eco_can_rx *rx, int sig, int64_t now_ns);

/* Handle one received frame at t_ns (CLOCK_MONOTONIC ns, from the caller). Looks up the
 * message, checks the length and E2E, decodes every signal and stamps it with t_ns.
 * Returns ECO_OK (accepted; out-of-range values are stored and flagged); ECO_ENOENT
 * (unknown id, RTR or error frame: ignored); ECO_EINVAL (too short, or a NaN/inf float:
 * rejected); ECO_ECRC (E2E CRC or counter: rejected). Every outcome is counted in stats. */
int eco_can_rx_frame(eco_can_rx *rx, const eco_can_frame *f, int64_t t_ns);

/* Latest value of signal sig at now_ns. Returns ECO_OK; ECO_ESTALE if never received or
 * older than its timeout (*value holds the last value, or 0); ECO_ERANGE if the last value
 * was outside [min|max] (*value set to it, unclamped). */
int eco_can_rx_get(const eco_can_rx *rx, int sig, int64_t now_ns, double *value);

/* ---------------------------------------------------------------------------------------
 * candump log files: "(sec.usec) iface ID#DATA" as written by can-utils candump -l.
 * ------------------------------------------------------------------------------------- */

typedef struct {
    int64_t t_us;                   /* timestamp, microseconds (candump: wall clock) */
    char iface[ECO_CAN_IFNAME_MAX]; /* interface name */
    char dir;                       /* 'R' or 'T' from candump -x, else 0 */
    eco_can_frame frame;
} eco_can_log_entry;

/* Parse one log line (trailing newline allowed), classic or CAN FD ("ID##F<data>": flags
 * ECO_CAN_FD and the digit F's BRS and ESI). Returns ECO_OK with *e filled; ECO_ENOENT for
 * a line that holds no frame (blank, or not starting with '(': canplayer skips those as
 * comments); ECO_EPARSE if malformed, eco_last_error() saying what is wrong. */
int eco_can_log_parse_line(const char *line, eco_can_log_entry *e);

/* Format one entry as a candump -l line, with '\n', into buf. Returns ECO_OK, or
 * ECO_EINVAL if size is too small (ECO_CAN_LOG_LINE_MAX always suffices) or the entry is
 * invalid. */
#define ECO_CAN_LOG_LINE_MAX 200
int eco_can_log_format(const eco_can_log_entry *e, char *buf, size_t size);

/* Write one entry to fp. Returns ECO_OK, ECO_EINVAL, ECO_EIO. */
int eco_can_log_write(FILE *fp, const eco_can_log_entry *e);

typedef struct {
    FILE *fp;
    char path[256];
    long line; /* number of the last line read */
    char buf[512];
} eco_can_log_reader;

/* Open a log for reading. Returns ECO_OK, or ECO_ENOENT/ECO_EIO naming the file. */
int eco_can_log_open(eco_can_log_reader *r, const char *path);

/* Next frame, classic or FD; skips comment lines. Returns
 * ECO_OK; ECO_ENOENT at the end of the log; ECO_EPARSE with eco_last_error() =
 * "FILE:LINE: what is wrong"; ECO_EIO. */
int eco_can_log_next(eco_can_log_reader *r, eco_can_log_entry *e);

/* Close (safe to call twice). */
void eco_can_log_close(eco_can_log_reader *r);

/* ---------------------------------------------------------------------------------------
 * Raw SocketCAN I/O and link state (libsocketcan)
 * ------------------------------------------------------------------------------------- */

typedef struct {
    int fd; /* non-blocking CAN_RAW socket, for epoll; -1 if closed */
    int ifindex;
    char iface[ECO_CAN_IFNAME_MAX];
    int virtual_link; /* 1 once libsocketcan found no link data (vcan): no state to read */
    int last_errno;   /* errno of the last failed read/write */
    int fd_link;      /* 1: the interface carries CAN FD (MTU 72: ip link set IFACE mtu 72) */
} eco_can_sock;

/* Open a non-blocking CAN_RAW socket bound to iface, with CAN FD frames enabled (classic
 * frames still arrive as before; fd_link says whether FD frames can be sent). Returns ECO_OK; ECO_ENOENT if the
 * interface does not exist; ECO_EINVAL if it is not a CAN interface or the name is too
 * long; ECO_EIO if it is down, or the kernel has no AF_CAN, or socket/bind fail. Each
 * error sets eco_last_error() naming the interface and the cause. */
int eco_can_sock_open(eco_can_sock *s, const char *iface);

/* Close (safe to call twice). */
void eco_can_sock_close(eco_can_sock *s);

/* A DBC with CAN FD messages needs an FD link (a classic controller cannot take part in an FD
 * bus: it flags every FD frame as an error). ECO_OK, or ECO_EINVAL naming the interface and
 * the first FD messages. Init time. */
int eco_can_sock_check_db(const eco_can_sock *s, const eco_can_db *db);

/* Receive only these ids (each with ECO_CAN_EFF_FLAG for 29-bit); n <= 64. n = 0 receives
 * nothing. Returns ECO_OK, ECO_EINVAL, ECO_EIO. Init time. */
int eco_can_sock_set_filter(eco_can_sock *s, const uint32_t *ids, int n);

/* Read one frame, classic or FD, without blocking. Returns ECO_OK with *got = 1 and *f
 * filled, or with *got = 0 if none is pending; ECO_EIO on a socket error (errno in
 * last_errno). */
int eco_can_sock_read(eco_can_sock *s, eco_can_frame *f, int *got);

/* Send one frame without blocking: an FD frame (flags ECO_CAN_FD) needs an FD link. Returns
 * ECO_OK; ECO_EIO if not sent (last_errno; ENOBUFS or EAGAIN when the tx queue is full,
 * EINVAL for an FD frame on a classic link); ECO_EINVAL if dlc > 8 (classic) or is not an FD
 * length. */
int eco_can_sock_write(eco_can_sock *s, const eco_can_frame *f);

typedef enum {
    ECO_CAN_LINK_ERROR_ACTIVE = 0, /* CAN_STATE_* order of linux/can/netlink.h */
    ECO_CAN_LINK_ERROR_WARNING = 1,
    ECO_CAN_LINK_ERROR_PASSIVE = 2,
    ECO_CAN_LINK_BUS_OFF = 3,
    ECO_CAN_LINK_STOPPED = 4,
    ECO_CAN_LINK_SLEEPING = 5,
    ECO_CAN_LINK_VIRTUAL = 6, /* vcan and friends: libsocketcan has no link data */
} eco_can_link_state;

typedef struct {
    eco_can_link_state state;
    unsigned tx_errors, rx_errors; /* error counters; 0 on a virtual link */
} eco_can_link;

/* Link state and error counters of the socket's interface. The first failure of
 * libsocketcan (vcan: "no link data", which libsocketcan itself prints to stderr once)
 * marks the link virtual and later calls skip the query. Returns ECO_OK. */
int eco_can_link_get(eco_can_sock *s, eco_can_link *link);

/* Restart the controller after bus-off (can_do_restart). Returns ECO_OK (also on a virtual
 * link, where there is nothing to restart) or ECO_EIO. Not for the real-time path. */
int eco_can_link_restart(eco_can_sock *s);

/* ---------------------------------------------------------------------------------------
 * Mapping: observation fields and outputs <-> DBC signals. The mapping file is read by
 * config (eco_cfg_mapping_load, config.h, which documents its JSON); here are what it
 * fills and the run-time reads and writes through it.
 * ------------------------------------------------------------------------------------- */

/* The observation fields on the bus, one per ECO_OBS_BUS line of observation.def (in its
 * order; the same values as control.h's eco_obs_field). */
typedef enum {
#define ECO_OBS_BUS(member, NAME, key, unit, type, need) ECO_CAN_IN_##NAME,
#include "ecodrive/observation.def"
    ECO_CAN_IN_COUNT
} eco_can_in_field;

/* observation.def's "need" column. */
#define ECO_CAN_IN_NEED_REQUIRED 1
#define ECO_CAN_IN_NEED_OPTIONAL 0

typedef enum {
    ECO_CAN_OUT_THROTTLE = 0,   /* 0..1 */
    ECO_CAN_OUT_REGEN,          /* 0..1 */
    ECO_CAN_OUT_VALID,          /* 0/1 */
    ECO_CAN_OUT_COUNTER,        /* E2E rolling counter */
    ECO_CAN_OUT_CRC,            /* E2E CRC */
    ECO_CAN_OUT_ENGINE_REQUEST, /* optional: eco_can_engine_request */
    ECO_CAN_OUT_ENGINE_POWER_W, /* optional: W, with ECO_CAN_ENGINE_ON */
    ECO_CAN_OUT_COUNT
} eco_can_out_field;

typedef enum {
    ECO_CAN_ST_FRAMES_RECEIVED = 0,
    ECO_CAN_ST_FRAMES_STALE,
    ECO_CAN_ST_FRAMES_REJECTED,
    ECO_CAN_ST_DEADLINE_OVERRUNS,
    ECO_CAN_ST_SOLVE_TIME_US,
    ECO_CAN_ST_COUNT
} eco_can_status_field;

#define ECO_CAN_MAP_VALUES_MAX 16 /* entries of one input's value table */

typedef struct {
    int signal;     /* index in the database, -1 when not mapped */
    double scale;   /* SI = DBC physical * scale + offset */
    double offset;  /* SI */
    int cycle_ms;   /* staleness override, 0 = the message's cycle time */
    int timeout_ms; /* inputs: stale after this age, 0 = from the cycle time */
    int optional;   /* inputs: the controller goes without it (0) when absent or stale */
    int constant;   /* inputs: no signal; the value is constant_si, always fresh */
    double constant_si;
    int has_range; /* inputs: valid only within [min_si, max_si], replacing the DBC's range */
    double min_si, max_si;
    int n_values; /* inputs: a value table, raw value -> SI meaning; a raw value not in it is
                     out of range */
    int64_t value_raw[ECO_CAN_MAP_VALUES_MAX];
    double value_si[ECO_CAN_MAP_VALUES_MAX];
} eco_can_map_entry;

#define ECO_CAN_MAP_E2E_MAX 32 /* messages with an "e2e" entry in one mapping */

/* A mapping's "e2e" entry: message msg's E2E, replacing the DBC's. */
typedef struct {
    int msg;
    eco_can_e2e_config cfg;
} eco_can_map_e2e;

/* The engagement input (the mapping's "engaged" object): while its condition does not hold,
 * or its signal is stale or bad, the daemon recommends nothing. Values are the signal's DBC
 * physical values; "equals" and "in" are compared as raw values. */
typedef enum {
    ECO_CAN_ENGAGED_NONE = 0, /* no "engaged": the set speed alone decides */
    ECO_CAN_ENGAGED_EQUALS,   /* engaged when the value is value[0] */
    ECO_CAN_ENGAGED_IN,       /* engaged when the value is one of value[0..n_values) */
    ECO_CAN_ENGAGED_ABOVE,    /* engaged when the value is above value[0] */
} eco_can_engaged_rule;

#define ECO_CAN_ENGAGED_VALUES_MAX 16 /* entries of an "in" list */

typedef struct {
    int signal; /* index in the database, -1 without an "engaged" object */
    eco_can_engaged_rule rule;
    int n_values;
    double value[ECO_CAN_ENGAGED_VALUES_MAX]; /* DBC physical values */
    int64_t raw[ECO_CAN_ENGAGED_VALUES_MAX];  /* equals, in: the same as raw values */
    int cycle_ms, timeout_ms;                 /* as an input's; 0 = from the DBC */
} eco_can_engaged;

typedef struct {
    eco_can_map_entry in[ECO_CAN_IN_COUNT];
    eco_can_map_entry out[ECO_CAN_OUT_COUNT];
    eco_can_map_entry status[ECO_CAN_ST_COUNT];
    eco_can_engaged engaged;
    int setpoint_msg; /* message of the outputs */
    int status_msg;   /* message of the status signals, -1 if none mapped */
    int n_e2e;        /* "e2e" entries, applied to the receive state by eco_can_mapping_apply */
    eco_can_map_e2e e2e[ECO_CAN_MAP_E2E_MAX];
    eco_can_e2e_config setpoint_e2e; /* the setpoint message's: its entry, else the DBC's */
} eco_can_mapping;

/* JSON key of a field ("vehicle_speed_mps", ...); "?" if out of range. */
const char *eco_can_in_field_name(eco_can_in_field f);
const char *eco_can_out_field_name(eco_can_out_field f);
const char *eco_can_status_field_name(eco_can_status_field f);

/* 1 if an input field is required (observation.def), 0 if optional or out of range. */
int eco_can_in_field_required(eco_can_in_field f);

/* Apply the mapping's cycle_ms and timeout_ms overrides (inputs and the engagement input)
 * and its "e2e" entries to a receive state. Returns ECO_OK/ECO_EINVAL. */
int eco_can_mapping_apply(const eco_can_mapping *map, eco_can_rx *rx);

/* The mapping's "e2e" entry for message msg, or NULL when it has none (the DBC's own E2E
 * applies to it). */
const eco_can_e2e_config *eco_can_mapping_e2e_of(const eco_can_mapping *map, int msg);

/* One observation field in SI units at now_ns, and (age_ns not NULL) the time since its
 * last good frame, ns (INT64_MAX when it never came or is not mapped). Returns ECO_OK;
 * ECO_ESTALE; ECO_ERANGE (value outside the DBC range, *si still set); ECO_ENOENT if the
 * (optional) field is not mapped. Run time. */
int eco_can_mapping_read(const eco_can_mapping *map, const eco_can_rx *rx, eco_can_in_field f,
                         int64_t now_ns, double *si, int64_t *age_ns);

/* Whether the car is engaged at now_ns (cruise or ACC on, by the mapping's condition).
 * Returns ECO_ENOENT (*engaged = 1) if the mapping has no engagement input; ECO_OK with
 * *engaged 0 or 1; ECO_ESTALE (never came or older than its timeout), ECO_ERANGE (outside
 * the DBC range) or ECO_EINVAL (NaN/inf), each with *engaged = 0. Run time. */
int eco_can_mapping_engaged(const eco_can_mapping *map, const eco_can_rx *rx, int64_t now_ns,
                            int *engaged);

/* The other side (ecosim bus): write the engagement signal into a frame of its message so
 * that it reads as engaged (the first "equals"/"in" value, or the raw step just above
 * "above") or not (the raw value nearest the DBC's 0 that does not meet the condition),
 * inside the DBC range. Returns ECO_OK;
 * ECO_ENOENT (frame untouched) without an engagement input or if f is not its message;
 * ECO_ERANGE if no value in the DBC range reads so. */
int eco_can_mapping_encode_engaged(const eco_can_mapping *map, const eco_can_db *db, int engaged,
                                   eco_can_frame *f);

/* The other side: write one field's SI value into a frame of its message, limited to the
 * DBC range as a car's ECU reports it (what ecosim bus sends); through the field's value
 * table when it has one. Returns ECO_OK; ECO_ENOENT (frame untouched) if the field is not
 * mapped or its signal is not in f's message; ECO_ERANGE if no table entry means si. */
int eco_can_mapping_encode_input(const eco_can_mapping *map, const eco_can_db *db,
                                 eco_can_in_field field, double si, eco_can_frame *f);

/* The distinct messages that carry the mapped inputs, in field order, then the engagement
 * input's, into msgs (at most cap). Returns how many. */
int eco_can_mapping_input_messages(const eco_can_mapping *map, const eco_can_db *db, int *msgs,
                                   int cap);

/* A hybrid's engine request in the setpoint (EcoEngineRequest). */
typedef enum {
    ECO_CAN_ENGINE_NO_REQUEST = 0, /* the car's own strategy decides the engine */
    ECO_CAN_ENGINE_OFF = 1,
    ECO_CAN_ENGINE_ON = 2, /* at engine_power_w */
} eco_can_engine_request;

/* The content of the setpoint message, in SI units. */
typedef struct {
    double throttle;       /* 0..1 */
    double regen;          /* 0..1 */
    int valid;             /* 0/1 */
    int engine_request;    /* eco_can_engine_request; NO_REQUEST for non-hybrids */
    double engine_power_w; /* with ECO_CAN_ENGINE_ON: engine output, W; else 0 */
} eco_can_setpoint;

/* Build the setpoint frame from sp, then E2E by map->setpoint_e2e (counter written from
 * *counter and advanced, checksum computed). The engine request and power are written when the
 * mapping has them (the power only with ECO_CAN_ENGINE_ON, else 0) and ignored when it has not.
 * Returns ECO_OK; ECO_ERANGE if throttle, regen or the engine power do not fit the DBC range (no
 * frame written: send an invalid one); ECO_EINVAL for NaN or an unknown engine request.
 * Run time. */
int eco_can_mapping_encode_setpoint(const eco_can_mapping *map, const eco_can_db *db,
                                    const eco_can_setpoint *sp, uint8_t *counter, eco_can_frame *f);

/* Decode a setpoint frame (the receiving car's side; E2E is the caller's, with
 * eco_can_e2e_check). Unmapped engine fields read as NO_REQUEST and 0 W. Returns ECO_OK;
 * ECO_ERANGE if a value is outside its DBC range or the request is not one of
 * eco_can_engine_request (*sp still filled, unclamped); ECO_EINVAL if f is not the
 * setpoint message, is shorter than its DLC, or holds NaN. Run time. */
int eco_can_mapping_decode_setpoint(const eco_can_mapping *map, const eco_can_db *db,
                                    const eco_can_frame *f, eco_can_setpoint *sp);

typedef struct {
    uint64_t frames_received;
    uint64_t frames_stale;
    uint64_t frames_rejected;
    uint64_t deadline_overruns;
    double solve_time_us;
} eco_can_status;

/* Build the status frame. Counters are written modulo 2^bits (they roll over like any
 * hardware counter); the solve time is limited to the signal's maximum. Returns ECO_OK or
 * ECO_EINVAL if no status message is mapped. Run time. */
int eco_can_mapping_encode_status(const eco_can_mapping *map, const eco_can_db *db,
                                  const eco_can_status *st, eco_can_frame *f);

#endif
