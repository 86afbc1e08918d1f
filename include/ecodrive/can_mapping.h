/* The observation <-> signal mapping (the CAN module: see can.h). */
#ifndef ECODRIVE_CAN_MAPPING_H
#define ECODRIVE_CAN_MAPPING_H

#include "ecodrive/can_rx.h"

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
