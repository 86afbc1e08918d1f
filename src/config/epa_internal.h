/* Shared by the from-EPA files (epa*.c); not part of the public API. A vehicle JSON from one
 * EPA test-car record: epa.c finds the record, epa_record.c reads and checks its columns,
 * epa_class.c classifies it by the rules of models/vehicles/SCHEMA.md ("from-EPA"), and
 * epa_build.c writes the JSON from the record and the class defaults. */
#ifndef ECODRIVE_EPA_INTERNAL_H
#define ECODRIVE_EPA_INTERNAL_H

#include "ecodrive/config.h"

#include <stddef.h>

#define ECO_CFG_EPA_MAX_COLS 80

/* One CSV row cut into fields; the fields point into the reader's text. */
typedef struct {
    char *cells[ECO_CFG_EPA_MAX_COLS];
    int n, line;
} eco_cfg_epa_row;

/* Where each column used is in the header; -1 for an optional one that is absent. */
typedef struct {
    int model, make, disp, hp, tx, gears, axle, nv, proc, fuel;
    int etw_kg, etw_lb, f0, f1, f2, a, b, c;
    int fe, fe_unit; /* the test's result (RND_ADJ_FE, FE_UNIT); optional */
} eco_cfg_epa_cols;

/* The chosen record: its text fields and its numbers, converted to SI where the CSV has only
 * US units (road load in N, N/(km/h), N/(km/h)^2). */
typedef struct {
    const char *model_col, *proc, *fuel, *tx, *make;
    double disp_l, hp, gears, axle, nv, etw_kg, f0, f1, f2;
    int line;
} eco_cfg_epa_rec;

/* What the rules of SCHEMA.md make of one record. */
/* The powertrains a record may have, as --powertrain names them. */
typedef enum {
    ECO_CFG_EPA_CONV,
    ECO_CFG_EPA_HEV_SPLIT,
    ECO_CFG_EPA_HEV_P2,
    ECO_CFG_EPA_PHEV_SPLIT,
    ECO_CFG_EPA_PHEV_P2,
    ECO_CFG_EPA_BEV,
    ECO_CFG_EPA_N
} eco_cfg_epa_powertrain;

typedef struct {
    const eco_cfg_epa_rec *r;
    double p_kw, w_per_kg, rw;
    double overall_top;                   /* engine or motor speed / wheel speed in top gear */
    int bev, hev, p2, cvt, diesel, turbo; /* hev: a power split; p2: a parallel P2 hybrid */
    eco_cfg_epa_powertrain pt;
    char why[200]; /* the rule that decided pt */
} eco_cfg_epa_class;

/* ---- epa_record.c: the columns and the numbers of a record ---- */

/* Case-insensitive substring test. */
int eco_cfg_epa_contains(const char *hay, const char *needle);
/* Whether a test fuel is an ethanol blend (E85) that the class defaults do not cover. */
int eco_cfg_epa_is_ethanol(const char *fuel);
/* Field col of a row, "" when the row is shorter or col is -1. */
const char *eco_cfg_epa_cell(const eco_cfg_epa_row *r, int col);
/* Cut a CSV line into row cells; ECO_EPARSE "FILE:LINE: malformed CSV (...)". */
int eco_cfg_epa_split_row(const eco_csv *f, char *line, char **cells, int *n);
/* Find the columns in the header, f's current line; ECO_EPARSE "FILE:LINE: missing column". */
int eco_cfg_epa_find_cols(const eco_csv *f, char **hdr, int n, eco_cfg_epa_cols *c);
/* Read the numbers of a row; ECO_EPARSE "FILE:LINE: column ...: not a number". */
int eco_cfg_epa_read_rec(const char *path, const eco_cfg_epa_row *row, const eco_cfg_epa_cols *c,
                         eco_cfg_epa_rec *r);
/* Apply the overrides (> 0) and check that the class defaults cover the record;
 * ECO_EINVAL "FILE:LINE: ...". */
int eco_cfg_epa_check_rec(const char *path, eco_cfg_epa_rec *r, double displacement_l, double hp);

/* ---- epa_class.c: the powertrain class and what it picks ---- */

/* The class of a record of the file at path. plug_in: the model also has charge-depleting
 * tests. override: a --powertrain name, or NULL to decide by the rules of SCHEMA.md.
 * ECO_EINVAL for an unknown override or a powertrain the class defaults cannot build (a
 * plug-in), with the reason ("PATH:LINE: ..."); k->pt says what it is either way. */
int eco_cfg_epa_classify(const char *path, const eco_cfg_epa_rec *r, int plug_in,
                         const char *override, eco_cfg_epa_class *k);
const char *eco_cfg_epa_powertrain_name(eco_cfg_epa_powertrain pt);
/* Why the powertrain is what it is, and why the engine map is the one chosen. */
void eco_cfg_epa_powertrain_why(const eco_cfg_epa_class *k, char *s, size_t n);
void eco_cfg_epa_map_why(const eco_cfg_epa_class *k, char *s, size_t n);
/* The engine map of the class (file stem) and the displacement of the map's engine. */
const char *eco_cfg_epa_map(const eco_cfg_epa_class *k, double *map_disp_l);
double eco_cfg_epa_idle_rpm(const eco_cfg_epa_class *k);
/* Ratio spread of a stepped box of n gears. */
double eco_cfg_epa_spread(int n);

/* ---- epa_build.c: the JSON ---- */

/* The vehicle JSON of a checked record; why_row names the record for "sources.record".
 * NULL, or *oom set, when an allocation failed. */
cJSON *eco_cfg_epa_build(const eco_cfg_epa_class *k, const char *why_row, int *oom);

#endif
