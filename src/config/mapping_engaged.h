/* The mapping file's "engaged" object (src/config/mapping_engaged.c), read for
 * mapping_json.c; not part of the public API. */
#ifndef ECODRIVE_MAPPING_ENGAGED_H
#define ECODRIVE_MAPPING_ENGAGED_H

#include "ecodrive/can.h"

#include <cjson/cJSON.h>

/* Read $.engaged (v) against db into *g: {"signal": NAME, one of "equals" (a number or a
 * VAL_ name), "in" (a list of those) or "above" (a number), optional "cycle_ms" and
 * "timeout_ms"}. On error sets eco_last_error() to "FILE: $.engaged...: message" and
 * returns ECO_EPARSE (a malformed entry), ECO_ENOENT (no such signal) or ECO_EINVAL (a
 * value the signal cannot take, a staleness that cannot be judged). */
int eco_cfg_mapping_engaged_parse(const cJSON *v, const char *file, const eco_can_db *db,
                                  eco_can_engaged *g);

#endif
