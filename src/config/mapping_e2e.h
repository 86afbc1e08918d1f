/* The mapping's "e2e" object (mapping_e2e.c), read after the inputs and outputs. Internal to
 * the config module. */
#ifndef ECODRIVE_MAPPING_E2E_H
#define ECODRIVE_MAPPING_E2E_H

#include "ecodrive/can.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>

/* In all errors mode (report not NULL: --check), the error just set (rc not ECO_OK) as a
 * line "error: ..." of the report, counted in *n_errors; returns rc. */
int eco_cfg_map_reported(FILE *report, int *n_errors, int rc);

/* eco_set_error("FILE: PATHWHAT") with WHAT formatted from fmt (the mapping reader's errors). */
void eco_cfg_map_verror(const char *file, const char *path, const char *fmt, va_list ap);

/* Read e2e (the "e2e" value, or NULL when the file has none) into map->e2e, then resolve
 * map->setpoint_e2e (its entry, else the DBC's) and check that $.outputs.counter and
 * $.outputs.crc are its signals. file names the mapping in errors. Returns ECO_OK, or
 * ECO_EPARSE / ECO_EINVAL with eco_last_error() = "FILE: $.e2e.MSG...: problem". With
 * report (all errors mode, --check), each error is also a line "error: ..." there, counted
 * in *n_errors, and every entry is read (the first error's code is returned). */
int eco_cfg_mapping_e2e(const cJSON *e2e, const char *file, const eco_can_db *db,
                        eco_can_mapping *map, FILE *report, int *n_errors);

#endif
