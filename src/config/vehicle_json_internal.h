/* Shared by the vehicle JSON loader's own files (vehicle_json*.c); not part of the public API.
 * The field readers check a type or a range and, on error, set eco_last_error() to
 * "FILE: $.path.key: message" and return the code (ECO_EINVAL unless said otherwise), so
 * that callers chain them with ||. */
#ifndef ECODRIVE_VEHICLE_JSON_INTERNAL_H
#define ECODRIVE_VEHICLE_JSON_INTERNAL_H

#include "ecodrive/config.h"
#include "ecodrive/units.h"

#include <math.h>
#include <stddef.h>

typedef struct {
    const char *file; /* label in messages */
    const char *maps_dir;
    char path[256]; /* JSON path of the object being read, "$" at the root */
} eco_cfg_json_ctx;

/* ---- messages and the JSON path ----------------------------------------------------- */

/* Set the message for key (NULL: the path itself; "[i]": an element) and return rc. */
int eco_cfg_json_err(eco_cfg_json_ctx *c, int rc, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Append key to c->path; returns the old length, for eco_cfg_path_pop. */
size_t eco_cfg_path_push(eco_cfg_json_ctx *c, const char *key);
void eco_cfg_path_pop(eco_cfg_json_ctx *c, size_t n);
/* "a number", "a string", ..., for "got ..." in messages. */
const char *eco_cfg_json_type_name(const cJSON *j);
/* Key lists are words separated by spaces: "f0_n f1_n_per_kmh crr". */
/* 1 when k is one of the words of list. */
int eco_cfg_in_list(const char *list, const char *k);
/* The next word of a list from p into word (cut to n - 1 characters); returns where the
 * list goes on, or NULL when no word is left. */
const char *eco_cfg_next_word(const char *p, char *word, size_t n);
/* Refuse duplicate and unknown keys of obj; allowed is a key list. */
int eco_cfg_check_keys(eco_cfg_json_ctx *c, const cJSON *obj, const char *allowed);
/* The member key of o, or NULL. */
const cJSON *eco_cfg_item(const cJSON *o, const char *key);
/* 1 when o has any of the space-separated keys. */
int eco_cfg_any(const cJSON *o, const char *keys);

/* ---- typed fields ------------------------------------------------------------------- */

/* A finite number, if present (*present says whether). */
int eco_cfg_opt_num(eco_cfg_json_ctx *c, const cJSON *o, const char *key, double *v, int *present);
int eco_cfg_req_num(eco_cfg_json_ctx *c, const cJSON *o, const char *key, double *v);
/* ECO_OK when ok, else "must be <cond>, got <v>" at key. */
int eco_cfg_want(eco_cfg_json_ctx *c, const char *key, double v, int ok, const char *cond);
/* A required number > 0. */
int eco_cfg_req_pos(eco_cfg_json_ctx *c, const cJSON *o, const char *key, double *v);
/* A required number in (0, 1]. */
int eco_cfg_req_frac(eco_cfg_json_ctx *c, const cJSON *o, const char *key, double *v);
int eco_cfg_req_obj(eco_cfg_json_ctx *c, const cJSON *o, const char *key, const cJSON **out);
/* Enter the section key of o: a required object with only allowed keys. On ECO_OK the
 * path names the section until eco_cfg_path_pop(c, *mark); on error it is as it was. */
int eco_cfg_section(eco_cfg_json_ctx *c, const cJSON *o, const char *key, const char *allowed,
                    const cJSON **out, size_t *mark);
/* An error if key is present: "not used <why>; remove it". */
int eco_cfg_forbid(eco_cfg_json_ctx *c, const cJSON *o, const char *key, const char *why);
/* nmin..nmax finite numbers into out[], their count in *n. */
int eco_cfg_num_array(eco_cfg_json_ctx *c, const cJSON *o, const char *key, int nmin, int nmax,
                      double *out, int *n);
/* "must be <cond>, got <v>" at element i of array key. */
int eco_cfg_elem_err(eco_cfg_json_ctx *c, const char *key, int i, const char *cond, double v);
/* Object key {"<xk>": [...], "<yk>": [...]}, x strictly increasing, scaled by xs and ys. */
int eco_cfg_curve(eco_cfg_json_ctx *c, const cJSON *o, const char *key, const char *xk,
                  const char *yk, double xs, double ys, eco_curve *out);
/* ECO_OK when exactly one of two alternatives is given (first, second: 0 or 1), else
 * "give either <what>" (", not both" when both are) at the path itself. */
int eco_cfg_either(eco_cfg_json_ctx *c, int first, int second, const char *what);
/* A required non-empty string, owned by the tree. */
int eco_cfg_req_string(eco_cfg_json_ctx *c, const cJSON *o, const char *key, const char **s);
int eco_cfg_req_bool(eco_cfg_json_ctx *c, const cJSON *o, const char *key, int *v);

/* ---- sections, each in its own file ------------------------------------------------- */

/* "stepped", "cvt", "single", "split", NULL: indexed by eco_transmission. */
extern const char *const eco_cfg_vehicle_tx_names[];
/* $.gearbox into v->gearbox (vehicle_json_gearbox.c). */
int eco_cfg_vehicle_gearbox_parse(eco_cfg_json_ctx *c, const cJSON *root, eco_vehicle *v);
/* $.fuel into *f and $.engine into *e, map included (vehicle_json_engine.c). */
int eco_cfg_vehicle_fuel_parse(eco_cfg_json_ctx *c, const cJSON *root, eco_fuel *f);
int eco_cfg_vehicle_engine_parse(eco_cfg_json_ctx *c, const cJSON *root, eco_engine *e);
/* $.<key> ("motor" or "generator") into *mc and $.battery into *bat
 * (vehicle_json_electric.c). */
int eco_cfg_vehicle_machine_parse(eco_cfg_json_ctx *c, const cJSON *root, const char *key,
                                  eco_machine *mc);
int eco_cfg_vehicle_battery_parse(eco_cfg_json_ctx *c, const cJSON *root, eco_battery *bat);

/* A message the model set about a field of the vehicle (eco_vehicle_validate, init) as
 * "LABEL: $.json.path: what" (vehicle_json_paths.c); returns rc. */
int eco_cfg_vehicle_model_err(const char *label, const cJSON *root, int rc);

#endif
