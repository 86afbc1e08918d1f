/* Config: vehicle JSON and engine-map CSV to validated model structs, at start-up only
 * (DESIGN.md: "config: JSON (cJSON) to validated structs with clear errors"). The schema is
 * documented in models/vehicles/SCHEMA.md. Every error sets eco_last_error() to one line that
 * names the file and the place (JSON path such as "$.battery.soc_max", or file:line) and what
 * is wrong, e.g. "prius.json: $.mass_kg: must be > 0, got -5". */
#ifndef ECODRIVE_CONFIG_H
#define ECODRIVE_CONFIG_H

#include "ecodrive/can.h"
#include "ecodrive/model.h"
#include "ecodrive/mpc.h"

#include <cJSON.h>

/* Load a vehicle JSON file into *out: parse, check every key (unknown keys and missing
 * required fields are errors), convert to SI (km/h, kW, rpm, N/(km/h)^n at the edge), load
 * and scale the engine map named by "engine.map" from maps_dir, then eco_vehicle_validate and
 * eco_vehicle_init. On success the caller owns *out and releases it with eco_vehicle_free.
 * On error *out is zeroed.
 * Returns ECO_OK; ECO_ENOENT (vehicle or map file missing), ECO_EIO (unreadable),
 * ECO_EPARSE (malformed JSON or CSV: line and column given when known), ECO_EINVAL (a value
 * out of range, a missing or unknown field), ECO_ENOMEM. */
int eco_cfg_vehicle_load(const char *path, const char *maps_dir, eco_vehicle *out);

/* The same from a parsed tree; label names the source in messages (a file name, or
 * "<from-epa>"). The tree is not modified. Same return codes as eco_cfg_vehicle_load. */
int eco_cfg_vehicle_from_json(const cJSON *root, const char *label, const char *maps_dir,
                              eco_vehicle *out);

/* Read <maps_dir>/<stem>.fuel.csv (header "speed_rpm,<torque_nm>...", rows
 * "<rpm>,<fuel_gps>...") into e->fuel_gps (x: speed rad/s, y: torque Nm, z[j * nx + i]) and
 * <maps_dir>/<stem>.limits.csv ("speed_rpm,full_load_nm,friction_nm") into e->full_load_nm and
 * e->friction_nm, unscaled. Lines starting with '#' are comments; a comment
 * "# displacement_l: X" gives the map's own displacement, returned in *map_displacement_l
 * (0 when the file has none). Only these fields of *e are written.
 * Returns ECO_OK; ECO_ENOENT; ECO_EPARSE with "file:line: ..." for an empty cell (a hole), a
 * non-numeric or non-finite cell, a short or long row, an axis that does not increase, too
 * many points (ECO_MAP_MAX, ECO_CURVE_MAX). */
int eco_cfg_engine_map_load(const char *maps_dir, const char *stem, eco_engine *e,
                            double *map_displacement_l);

/* Scale a map loaded by eco_cfg_engine_map_load to another engine: the torque axis, fuel
 * rate, full-load and friction torque all scale with displacement_ratio (new/map
 * displacement: same BMEP gives the same BSFC), the speed axis is unchanged. The full-load
 * curve is then resampled (ECO_CURVE_MAX points from its first speed to max_speed_radps) and
 * capped so that torque * speed <= rated_power_w and torque <= max_torque_nm (ignored if <= 0).
 * Returns ECO_OK or ECO_EINVAL (non-positive ratio, power or speed; max speed below the
 * curve's first speed). */
int eco_cfg_engine_map_scale(eco_engine *e, double displacement_ratio, double rated_power_w,
                             double max_torque_nm, double max_speed_radps);

/* Build a vehicle JSON (the schema of eco_cfg_vehicle_load) from one EPA test-car record in a
 * CSV with the columns of models/vehicles/epa_testcars_calibration.csv. model matches the
 * "Represented Test Veh Model" column case-insensitively; "MODEL|TRANSMISSION" also requires
 * "Tested Transmission Type" to start with TRANSMISSION ("cvt" stands for "Continuously
 * Variable"). Of several matching rows the first HWFE/Highway row is used (the first row if
 * none is); "sources.record" names it. displacement_l and hp override the record when > 0.
 * Everything the record lacks comes from documented class defaults (SCHEMA.md, "from-EPA");
 * no per-vehicle tuning. On success *out is a new tree the caller frees with cJSON_Delete.
 * Blank lines (empty or white space) are passed over, before the header too.
 * Returns ECO_OK; ECO_ENOENT (no file, or no row for model: the message lists the models);
 * ECO_EPARSE (no header line, a missing column, a bad number: file:line); ECO_EINVAL (a record the
 * defaults do not cover, e.g. a plug-in hybrid or an unknown fuel); ECO_ENOMEM. */
int eco_cfg_vehicle_from_epa(const char *csv_path, const char *model, double displacement_l,
                             double hp, cJSON **out);
/* The same with the powertrain given (conv, hev-split, hev-p2, phev-split, phev-p2, bev) in
 * place of the rules' choice, or NULL for the rules. Powertrains the class defaults cannot
 * build (P2 and plug-in hybrids) are ECO_EINVAL naming the rule that chose them. */
int eco_cfg_vehicle_from_epa_as(const char *csv_path, const char *model, double displacement_l,
                                double hp, const char *powertrain, cJSON **out);

/* A whole test-car list (ecosim fidelity --epa): its rows grouped into test cars (rows that
 * agree on make, model, transmission, engine, ratios, test weight and road load), each with
 * its highway result (HWFE, or a BEV's charge-depleting Highway) and its city result (the
 * FTP, or a BEV's charge-depleting UDDS), RND_ADJ_FE in MPG or MPGe, NAN where absent. */
typedef struct eco_cfg_epa_list eco_cfg_epa_list;
typedef struct {
    const char *make, *model, *tx; /* into the list's text */
    int line;                      /* the record the vehicle is built from */
    int hw_line, city_line;        /* 0: no such test */
    double hw_epa, city_epa;
    int bev, plug_in;
} eco_cfg_epa_car;

int eco_cfg_epa_list_load(const char *path, eco_cfg_epa_list **out);
/* The cars of the list in file order; returns how many. */
int eco_cfg_epa_list_cars(const eco_cfg_epa_list *l, const eco_cfg_epa_car **cars);
/* Car number `car` as a vehicle JSON by the from-EPA path (powertrain: as for
 * eco_cfg_vehicle_from_epa_as). The errors name FILE:LINE of its record. */
int eco_cfg_epa_list_build(const eco_cfg_epa_list *l, int car, const char *powertrain, cJSON **out);
void eco_cfg_epa_list_free(eco_cfg_epa_list *l);

/* MPC cost weights from a parsed JSON object {"fuel_per_g": 1, ...}; "name", "description"
 * and keys ending in "_note" or "_source" (strings) are allowed too. Missing weights keep
 * their default (eco_mpc_weights_default, balanced). label names the source in messages.
 * Returns ECO_OK or ECO_EINVAL with eco_last_error() naming label and the JSON path, e.g.
 * "eco.json: $.fuel_per_g: must be >= 0, got -1" or "x.json: $.fule_per_g: unknown key
 * (allowed: ...)". */
int eco_cfg_weights_from_json(const cJSON *root, const char *label, eco_mpc_weights *w);

/* Read a weights JSON file (models/weights/README.md). Returns ECO_OK, ECO_ENOENT, ECO_EIO,
 * ECO_EPARSE (file:line:col) or ECO_EINVAL (as eco_cfg_weights_from_json). */
int eco_cfg_weights_load(const char *path, eco_mpc_weights *w);

/* Set one MPC cost weight by its JSON key (models/weights/README.md: fuel_per_g, nox_per_mg,
 * ...), looked up in the same table eco_cfg_weights_from_json uses, so a key means the same
 * field in a file and on a command line. value is in the key's own unit.
 * Returns ECO_OK; ECO_EINVAL (w unchanged) for an unknown key, with eco_last_error() listing
 * the allowed keys, or for a value that is negative or not finite. */
int eco_cfg_weights_set(eco_mpc_weights *w, const char *key, double value);

/* ---- Routes (issue 9): the road ahead by distance, see include/ecodrive/route.h ---- */
#include "ecodrive/route.h"

#include <stdio.h>

/* Load a route CSV: a header `distance_m,speed_limit_kmh,grade[,stop_s]` (grade as
 * rise/run), then rows that apply from their distance onward; '#' lines are comments.
 * Checked as eco_route_row_check: distance increasing from 0, limit finite and > 0, grade
 * finite within +-0.3, stop_s >= 0; at least two rows. The route is named after the file.
 * On success the caller releases *out with eco_route_free; on error *out is zeroed.
 * Returns ECO_OK; ECO_ENOENT / ECO_EIO (cannot open); ECO_EPARSE with "file:line: what"
 * (bad header, not a number, a wrong field count, a value out of range); ECO_ENOMEM. */
int eco_cfg_route_load(const char *path, eco_route *out);

/* Load a limits file `distance_m,speed_limit_kmh` (each row from its distance onward,
 * increasing from 0) into *rows (eco_malloc'd, grade and stop_s 0; caller frees with
 * eco_free) and *n. Same return codes and messages as eco_cfg_route_load. */
int eco_cfg_route_limits_load(const char *path, eco_route_row **rows, int *n);

/* Write a route as eco_cfg_route_load reads it (with the stop_s column), whole or not at
 * all (PATH.part renamed). ECO_OK or ECO_EIO with eco_last_error. */
int eco_cfg_route_save(const char *path, const eco_route *r);
/* The same to an open stream (e.g. stdout); ECO_EIO if a write failed. */
int eco_cfg_route_write(FILE *fp, const eco_route *r);

/* ---------------------------------------------------------------------------------------
 * Mapping file: observation fields, outputs and status counters <-> DBC signals
 *
 * {
 *   "comment": "free text",
 *   "inputs":  { "vehicle_speed_mps": "VehicleSpeed",
 *                "engine_speed_radps": { "signal": "EngRpm", "scale": 0.10471975511965977,
 *                                        "cycle_ms": 20 }, ... },
 *   "outputs": { "throttle": "EcoThrottle", "regen": ..., "valid": ..., "counter": ...,
 *                "crc": ..., "engine_request": ..., "engine_power_w": ... },
 *   "status":  { "frames_received": ..., "frames_stale": ..., "frames_rejected": ...,
 *                "deadline_overruns": ..., "solve_time_us": ... },     (optional)
 *   "e2e":     { "MESSAGE": { "counter": SIG, "checksum": SIG, "algorithm": "toyota",
 *                             "data_id": N or [16 x N] }, ... },       (optional)
 *   "engaged": { "signal": "CruiseActive", "equals": "Engaged" }      (optional)
 * }
 * The input keys, their SI units and which are required are observation.def's. A signal is
 * "Name" or "Message.Name". SI value = DBC physical value * scale. Without "scale" the
 * factor comes from the DBC unit (km/h, mph, m/s, rpm, rad/s, deg, rad, %, Nm, V, A, ...)
 * and must match the field's unit. "cycle_ms" overrides the message cycle time for
 * staleness. "e2e" gives a message's counter, checksum and algorithm (can.h's E2E section;
 * docs/daemon.md section 3), replacing the DBC's; "algorithm": "none" switches its checks
 * off. The outputs live in one message whose E2E counter and CRC are "counter" and
 * "crc"; all are required but the hybrid engine request: "engine_request" (an integer
 * signal, factor 1, offset 0, holding eco_can_engine_request) and "engine_power_w" (only
 * with engine_request). A DBC without them carries throttle and regen only, and a
 * hybrid's engine stays with the car. "engaged" (src/config/mapping_engaged.c,
 * docs/daemon.md section 3): the cruise/ACC signal and one of "equals" (a DBC value or a
 * VAL_ name), "in" (a list of those) or "above" (a number); the daemon recommends only
 * while it holds.
 * ------------------------------------------------------------------------------------- */

/* Load a mapping for db into *map. Returns ECO_OK; ECO_ENOENT/ECO_EIO for the file;
 * ECO_EPARSE for bad JSON, an unknown key (named by its JSON path) or a wrong type;
 * ECO_ENOENT for a signal missing from the DBC (named); ECO_EINVAL for a unit that cannot be
 * converted, a missing required field, outputs spread over several messages, an input
 * without a cycle time or an "e2e" entry the DBC or the algorithm refuses. eco_last_error() says
 * "FILE: PATH: what is wrong". */
int eco_cfg_mapping_load(const char *path, const eco_can_db *db, eco_can_mapping *map);
/* The same, but every error it finds is a line "error: FILE: where: what" on report, and
 * *n_errors counts them (ecodrived --check); returns the first error's code. */
int eco_cfg_mapping_load_all(const char *path, const eco_can_db *db, eco_can_mapping *map,
                             FILE *report, int *n_errors);

/* The same from JSON text; name stands for FILE in messages. */
int eco_cfg_mapping_parse(const char *json, const char *name, const eco_can_db *db,
                          eco_can_mapping *map);

/* ---------------------------------------------------------------------------------------
 * Shipped data, found the same way by ecosim and ecodrived: in the data directory of
 * eco_data_path (<exe>/../share/ecodrive or $ECODRIVE_DATA_DIR). Each writes a path of at
 * most n bytes to out and returns ECO_OK, or an error with eco_last_error() saying what is
 * missing (the data directory itself: ECO_ENOENT; a path longer than n: ECO_EINVAL).
 * ------------------------------------------------------------------------------------- */

/* A name given without a '/' that is not a readable file is looked up among the shipped
 * files, by name (with or without the extension) or else by a part of the name that only
 * one shipped file has: "--dbc example_motorola", "--vehicle golf". None: ECO_ENOENT, more
 * than one: ECO_EINVAL, each "NAME: no such file, and no (more than one) shipped vehicle of
 * that name (shipped, in DIR: ...)". */

/* The CAN database: dbc_path as given or by name, or NULL for the shipped
 * models/ecodrive.dbc. */
int eco_cfg_dbc_find(const char *dbc_path, char *out, size_t n);

/* The shipped mapping of a DBC: models/mappings/<file name of dbc_path less ".dbc">.json.
 * ECO_ENOENT "no shipped mapping for DBC (looked for PATH): give --mapping FILE" when that
 * file cannot be read. */
int eco_cfg_mapping_find(const char *dbc_path, char *out, size_t n);

/* The resolved mapping as a table on fp (ecodrived --check): per field its signal, message
 * id, cycle (and timeout), conversion to SI, valid range and E2E. */
void eco_cfg_mapping_print(FILE *fp, const eco_can_db *db, const eco_can_mapping *map);

/* A vehicle JSON into veh: vehicle_path as given or by name (models/vehicles), or NULL for
 * the shipped default (the
 * Toyota Prius, models/vehicles/toyota_prius_2022.json); and the engine maps directory
 * eco_cfg_vehicle_load wants into maps (the shipped models/maps). */
int eco_cfg_vehicle_find(const char *vehicle_path, char *veh, size_t vn, char *maps, size_t mn);

/* MPC weights: a preset name (no '/', no ".json") is models/weights/NAME.json, which must be
 * readable (ECO_ENOENT "'NAME': no such preset (eco, balanced, comfort) or file"); anything
 * else is a path, as given. */
int eco_cfg_weights_find(const char *preset_or_path, char *out, size_t n);

#endif
