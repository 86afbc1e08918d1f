/* Printing a run: table, JSON and the CSV time series. */
#ifndef ECOSIM_REPORT_H
#define ECOSIM_REPORT_H

#include "outfile.h"
#include "summary.h"

#include <cjson/cJSON.h>
#include <stdio.h>

void eco_sim_print_table(FILE *fp, const eco_sim_summary *s);
/* The run summary as a JSON object (caller deletes). NULL on ENOMEM. */
cJSON *eco_sim_summary_json(const eco_sim_summary *s);
/* Print a JSON object as one line on stdout and delete it; ECO_ENOMEM if o is NULL or
 * printing fails. */
int eco_sim_print_json(cJSON *o);
/* A run summary as JSON (json != 0) or as the table, on stdout. */
void eco_sim_print_summary(const eco_sim_summary *s, int json);
/* Write the time series; ECO_EIO with eco_last_error on failure. Writes to a temporary
 * file and renames it, so a failed run leaves no half-written file. */
int eco_sim_write_csv(const char *path, const eco_sim_result *r);
/* --csv PATH of a run (NULL: none): 0, or 1 after `ecosim: reason` on stderr. */
int eco_sim_csv_out(const char *path, const eco_sim_result *r);

#endif
