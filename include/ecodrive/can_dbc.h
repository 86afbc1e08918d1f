/* Frames, the DBC database and the signal codec (the CAN module: see can.h). */
#ifndef ECODRIVE_CAN_DBC_H
#define ECODRIVE_CAN_DBC_H

#include "ecodrive/common.h"

#include <stdint.h>
#include <stdio.h>

/* Id flags, bit-identical to linux/can.h CAN_EFF_FLAG/CAN_RTR_FLAG/CAN_ERR_FLAG. Bit 31 is
 * also how a DBC marks a 29-bit id in BO_ (Vector DBC format). */
#define ECO_CAN_EFF_FLAG     0x80000000u
#define ECO_CAN_RTR_FLAG     0x40000000u
#define ECO_CAN_ERR_FLAG     0x20000000u
#define ECO_CAN_SFF_MASK     0x000007FFu
#define ECO_CAN_EFF_MASK     0x1FFFFFFFu
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
    uint64_t mask;       /* (1 << length_bits) - 1 */
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

#endif
