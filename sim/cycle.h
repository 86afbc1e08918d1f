/* Drive cycles: loading, checking, sampling and the named phases of the standard ones. */
#ifndef ECOSIM_CYCLE_H
#define ECOSIM_CYCLE_H

#define ECO_PHASES_MAX 8

/* What a cycle file may span. Rows closer than the finest simulation step (--dt 0.01) are
 * never sampled apart; a cycle shorter than the coarsest step (--dt 1) gives no step at all;
 * one longer than a day is not a drive, and its step count at 0.01 s would not fit an int.
 * Our choice (issue 14), far outside what any shipped cycle or drive uses (1 s rows, 2 h). */
#define ECO_SIM_CYCLE_MIN_STEP_S     0.01
#define ECO_SIM_CYCLE_MIN_DURATION_S 1.0
#define ECO_SIM_CYCLE_MAX_DURATION_S 86400.0
/* A reference speed no road vehicle reaches (the fastest production cars stay under 500 km/h):
 * beyond it a number is a typo, and a huge one makes the distance infinite. Our choice. */
#define ECO_SIM_CYCLE_MAX_SPEED_KMH 500.0

typedef struct {
    char name[24];
    double t0_s, t1_s;
} eco_sim_phase;

typedef struct {
    char name[64];
    int n;
    double *time_s;
    double *speed_mps;
    double *grade_rad;
    double *distance_m; /* trapezoidal, from the start */
    int n_phases;
    eco_sim_phase phase[ECO_PHASES_MAX];
    int ftp_bags; /* 1: phases are the FTP-75 bags, weighted 0.43 / 0.57 */
} eco_sim_cycle;

/* Load `time_s,speed_kmh[,grade]` (grade as rise/run); a header line is optional, lines
 * starting with '#' and blank lines are skipped. Rows at least ECO_SIM_CYCLE_MIN_STEP_S
 * apart, lasting ECO_SIM_CYCLE_MIN_DURATION_S to ECO_SIM_CYCLE_MAX_DURATION_S from the first
 * row, speeds up to ECO_SIM_CYCLE_MAX_SPEED_KMH. Errors name FILE:LINE (ECO_EPARSE), or the file
 * (ECO_ENOENT, ECO_EIO: eco_read_file). `name` picks the standard phases, or NULL to take it from
 * the file name. */
int eco_sim_cycle_load(const char *path, const char *name, eco_sim_cycle *c);
void eco_sim_cycle_free(eco_sim_cycle *c);
/* Reference speed, grade and distance at time t (linear between samples). */
void eco_sim_cycle_sample(const eco_sim_cycle *c, double t_s, double *speed_mps, double *grade_rad,
                          double *distance_m);
/* A reference speed at or below this stands still (the trace's zeros, and what a time a
 * fraction of a nanosecond off a stop's edge makes of them). */
#define ECO_SIM_STILL_MPS 1e-9

/* Speed band at t: min and max of the reference over [t - dt_band, t + dt_band], widened
 * by dv_band; but 0 and 0 where the reference stands still over the whole window, so that
 * the car stands still at a stop but for dt_band at each end (no creep). The WLTP trace
 * tolerance is dv 2 km/h, dt 1 s. The one place the band is made: the runner's preview
 * (MPC), the DP's trace and the tolerance check all take it from here. */
void eco_sim_cycle_band(const eco_sim_cycle *c, double t_s, double dv_mps, double dt_s,
                        double *lo_mps, double *hi_mps);
/* The same values as eco_sim_cycle_sample and eco_sim_cycle_band, for a run of nearby times
 * (a preview): the segment is walked to from *seg (-1 to begin with: a search), and *seg
 * is left near t for the next call. */
void eco_sim_cycle_sample_near(const eco_sim_cycle *c, int *seg, double t_s, double *speed_mps,
                               double *grade_rad, double *distance_m);
void eco_sim_cycle_band_near(const eco_sim_cycle *c, int *seg, double t_s, double dv_mps,
                             double dt_s, double *lo_mps, double *hi_mps);
double eco_sim_cycle_duration_s(const eco_sim_cycle *c);
/* The test procedure of a shipped cycle starts cold: FTP-75 (bag 1, 40 CFR 86.135: after a
 * 12 to 36 h soak at 20 to 30 C), the WLTC (GTR 15's Type 1 test, after a soak at 23 C) and
 * the NEDC (UNECE R83 Type I, after a soak at 20 to 30 C). Other cycles and files start
 * hot. */
int eco_sim_cycle_starts_cold(const eco_sim_cycle *c);

#endif
