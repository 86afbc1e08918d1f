/* Drive quality of a run: the SAE J2951 metrics of the driven speed against the reference
 * trace, engine starts per km, the pulse-and-glide amplitude at steady reference speed, and
 * creep (motion while the reference stands still). Definitions in docs/route.md. */
#ifndef ECOSIM_DRIVE_QUALITY_H
#define ECOSIM_DRIVE_QUALITY_H

#include "ecodrive/model.h"

#include <cjson/cJSON.h>
#include <stdio.h>

typedef struct {
    /* SAE J2951: each rating is 100 (driven - reference) / reference; NAN where the
     * reference's figure is 0 (e.g. no acceleration at all for ASCR and IWR). */
    double er_pct;    /* energy rating: cycle energy (positive road load + inertia work) */
    double dr_pct;    /* distance rating */
    double eer_pct;   /* energy economy rating: 100 (1 - (1 + DR) / (1 + ER)) */
    double ascr_pct;  /* absolute speed change rating */
    double iwr_pct;   /* inertial work rating */
    double rmsse_kmh; /* root-mean-square speed error */
    double engine_starts_per_km;
    double oscillation_kmh; /* pulse-and-glide amplitude at steady reference; NAN if none */
    double steady_s;        /* time at steady reference speed it was measured over */
    double creep_s;         /* above 0.5 km/h while the reference stood still (outside band) */
    /* how hard it speeds up: the speed gained over each 1 s, where the car gains any,
     * 95th percentile and most, m/s^2 (the driven trace and the reference's); NAN if it
     * never does */
    double accel_p95_mps2, accel_max_mps2, ref_accel_p95_mps2, ref_accel_max_mps2;
    /* a stepped box's gear changes per km driven, and its hunts: shifts that undo the shift
     * before within ECO_SIM_GEAR_HUNT_S (NAN for a car without a stepped box) */
    double gear_shifts_per_km, gear_hunts;
} eco_sim_drive_quality;

/* A shift back within this long of the last is a hunt: longer than a gear change takes and
 * than the controllers' least time in a gear, short enough that no change of the road or
 * the trace asked for it. */
#define ECO_SIM_GEAR_HUNT_S 3.0

/* Gear changes of a gear series at a fixed step (gear[i] at stride bytes) and those of them
 * that reverse the one before within ECO_SIM_GEAR_HUNT_S. */
void eco_sim_gear_shifts(const int *gear, size_t stride_bytes, int n, double dt_s, int *shifts,
                         int *hunts);

/* A driven and a reference speed trace at a fixed step, and what the metrics need of the
 * car: its coast-down road load and test mass (J2951 uses the dynamometer's). */
typedef struct {
    int n;
    double dt_s;
    const double *speed_mps;
    const double *ref_mps;
    double f0_n, f1_n_per_mps, f2_n_per_mps2, mass_kg;
    double band_s; /* the band's time window: that long at each end of a stop is free */
    int engine_starts;
    double distance_m; /* driven, for starts per km */
} eco_sim_dq_input;

/* Compute every metric of q from in. Returns ECO_OK, ECO_EINVAL (n < 2, dt <= 0) or
 * ECO_ENOMEM. */
int eco_sim_drive_quality_compute(const eco_sim_dq_input *in, eco_sim_drive_quality *q);

/* The same from speeds in km/h with a stride (e.g. the fields of the runner's samples). */
int eco_sim_drive_quality_kmh(const eco_vehicle *veh, const double *speed_kmh,
                              const double *ref_kmh, int n, size_t stride_bytes, double dt_s,
                              double band_s, int engine_starts, double distance_m,
                              eco_sim_drive_quality *q);

/* Add "drive_quality": {er_pct, dr_pct, eer_pct, ascr_pct, iwr_pct, rmsse_kmh,
 * engine_starts_per_km, oscillation_kmh, steady_s, accel_p95_mps2, accel_max_mps2,
 * ref_accel_p95_mps2, ref_accel_max_mps2, gear_shifts_per_km, gear_hunts} to o (NAN as
 * null). */
void eco_sim_drive_quality_json(cJSON *o, const eco_sim_drive_quality *q);
/* The same as one line of the text summary. */
void eco_sim_drive_quality_print(FILE *fp, const eco_sim_drive_quality *q);

#endif
