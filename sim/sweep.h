/* ecosim sweep: MPC cost weights varied over lists of values (one, or a grid of several),
 * the MPC run at each point, and the trade-off figures of every run beside the baseline
 * controller and the three presets. A sweep is the one-vehicle, one-cycle campaign
 * (campaign.h) and runs through the same code. */
#ifndef ECOSIM_SWEEP_H
#define ECOSIM_SWEEP_H

#include "campaign.h"
#include "ecodrive/mpc.h"
#include "runner.h"

#include <stdio.h>

#define ECO_SWEEP_POINTS_MAX 64 /* values of one --vary */
#define ECO_SWEEP_N_PRESETS  3
#define ECO_SWEEP_GRID_MAX   ECO_CAMPAIGN_KEYS_MAX /* --vary options */

typedef enum {
    ECO_SWEEP_LIST,   /* KEY=V1,V2,...: the values as given */
    ECO_SWEEP_LOG,    /* KEY=LO:HI:N with LO > 0: N values log-spaced */
    ECO_SWEEP_LINEAR, /* KEY=0:HI:N: N values evenly spaced (a log scale cannot start at 0) */
} eco_sweep_spacing;

/* What --vary asked for: a weights key (models/weights/README.md) and its values. */
typedef struct {
    char key[64];
    eco_sweep_spacing spacing;
    int n;
    double value[ECO_SWEEP_POINTS_MAX];
} eco_sweep_values;

/* The figures of one run, at the edges' units. */
typedef struct {
    char label[96]; /* "baseline", a preset name, or the swept values as text, "/" between */
    double value;   /* the (first) swept value; NAN for a reference run */
    double values[ECO_SWEEP_GRID_MAX]; /* every swept key's value, in --vary order */
    double metric; /* SOC-corrected fuel L/100 km; BEV: battery energy kWh/100 km */
    double nox_mg_per_km, trace_rms_kmh, outside_tolerance_s, distance_error_pct, soc_end;
    double jerk_rms_mps3, accel_rms_mps2; /* over the run, from the time series */
    double saving_pct;                    /* of metric against the baseline controller */
    int invalid_setpoints;
    int engine_starts;
} eco_sweep_point;

/* A whole sweep: the case, the references and the points in sweep order (the grid's first
 * --vary varying slowest). */
typedef struct {
    char vehicle[ECO_NAME_MAX], cycle[64];
    const char *base; /* --weights as given (NULL: balanced) */
    double band_kmh, band_s;
    int bev; /* the metric is battery energy, not fuel */
    int n_vary;
    eco_sweep_values vary[ECO_SWEEP_GRID_MAX];
    eco_sweep_point refs[1 + ECO_SWEEP_N_PRESETS]; /* the baseline controller, then presets */
    int n_points;
    eco_sweep_point *points; /* eco_malloc'd, n_points */
} eco_sweep_report;

/* Parse --vary "KEY=V1,V2,..." or "KEY=LO:HI:N" (N >= 2; log-spaced if LO > 0, linear if
 * LO = 0). The key must be a weights key and every value finite and >= 0. Prints one
 * message naming the problem (the allowed keys for an unknown key) and returns 2, or 0. */
int eco_sweep_parse_vary(const char *arg, eco_sweep_values *out);

/* A sweep point's figures from a campaign case's result (saving_pct left 0). */
void eco_sweep_point_of(const eco_campaign_result *r, int bev, eco_sweep_point *p);

/* The metric's JSON and CSV name: fuel_soc_corrected_l_per_100km or energy_kwh_per_100km. */
const char *eco_sweep_metric_name(const eco_sweep_report *r);

/* Output: the table on fp; one JSON object on stdout (returns ECO_OK or ECO_ENOMEM). */
void eco_sweep_print_table(FILE *fp, const eco_sweep_report *r);
int eco_sweep_print_json(const eco_sweep_report *r);
/* n rows (r's points, or its references) as CSV with a header, one row each: label, value
 * (empty for a reference; a grid has one column per key, named by it), then the figures. Written to
 * PATH.part and renamed, so a failure leaves no half-written file. ECO_OK, or ECO_EIO with
 * eco_last_error(). */
int eco_sweep_write_csv(const char *path, const eco_sweep_report *r, const eco_sweep_point *rows,
                        int n);
/* The CSV's column (from 1) of the metric: the figures follow it. */
int eco_sweep_csv_metric_column(const eco_sweep_report *r);

/* Write DIR/sweep_points.csv, DIR/sweep_refs.csv and DIR/sweep_tradeoff.gp, then run
 * gnuplot there to make sweep_tradeoff.png. Prints a clear message and returns 1 on
 * failure (a missing gnuplot included; the script is still written), else 0. */
int eco_sweep_plot(const char *dir, const eco_sweep_report *r);

#endif
