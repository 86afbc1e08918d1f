/* The receive state and staleness (the CAN module: see can.h). */
#ifndef ECODRIVE_CAN_RX_H
#define ECODRIVE_CAN_RX_H

#include "ecodrive/can_e2e.h"

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

#endif
