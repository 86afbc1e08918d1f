/* The cycle runner: a controller drives the plant over a cycle; totals per phase. */
#ifndef ECOSIM_RUNNER_H
#define ECOSIM_RUNNER_H

#include "cycle.h"
#include "ecodrive/control.h"

typedef struct {
    double dt_s;     /* plant and control step, s (default 0.1: the controller's 10 Hz) */
    int engine_hot;  /* start with a warm engine */
    double band_kmh; /* speed band the controller may use: +- km/h ... */
    double band_s;   /* ... and +- s around the reference (0, 0: exact trace) */
    int keep_series; /* record the time series */
    int quiet;       /* no progress on stderr */
    int untimed;     /* no solve times (no clock reads; solve_us stays empty): for callers
                        that drop them, as a campaign does */
} eco_sim_options;

/* Sums over a stretch of the run. Energies are in joules. */
typedef struct {
    double duration_s, distance_m, ref_distance_m;
    double fuel_g, nox_g, co2_g;
    double battery_chem_j;               /* out of the battery, OCV * I (net) */
    double battery_terminal_j;           /* at the terminals (net) */
    double engine_work_j, engine_fuel_j; /* positive engine work and the fuel energy behind it */
    int engine_starts;                   /* off -> on; each burns engine.start_fuel_g */
    double soc_start, soc_end;
    double sq_err_kmh2, max_dev_kmh, outside_s;
    eco_energy energy;
} eco_sim_totals;

typedef struct {
    double time_s, speed_ref_kmh, speed_kmh, band_lo_kmh, band_hi_kmh;
    double accel_mps2, fuel_g_cum, nox_mg_cum, soc, throttle, regen, brake;
    double engine_speed_rpm, engine_torque_nm, motor_torque_nm, battery_power_kw;
    int gear, engine_on;
} eco_sim_sample;

typedef struct {
    eco_sim_totals total;
    int n_phases;
    eco_sim_phase phase_def[ECO_PHASES_MAX];
    eco_sim_totals phase[ECO_PHASES_MAX];
    eco_sim_sample *series;
    int n_series;
    int invalid_setpoints;
    double *solve_us; /* per control step */
    int n_solve;
    double band_kmh, band_s; /* the band the controller was offered (0, 0: exact trace) */
    int cold_start;          /* the engine started cold (options' engine_hot 0) */
} eco_sim_result;

void eco_sim_options_default(eco_sim_options *o);
/* The WLTP trace tolerance as the band (UN GTR 15: +-2 km/h, +-1 s): what run, compare and
 * dp use unless told otherwise. */
void eco_sim_options_band_wltp(eco_sim_options *o);
/* Parse a band "KMH,S" (e.g. "2,1"), or "KMH" with 1 s, or "0" for the exact trace, into o.
 * Returns 0, or -1 if malformed, negative or beyond 50 km/h, 10 s (o then unchanged). */
int eco_sim_options_parse_band(const char *s, eco_sim_options *o);

/* Run the controller over the cycle. Returns ECO_OK or an error from the plant. */
int eco_sim_run(const eco_vehicle *veh, const eco_sim_cycle *cyc, eco_controller *ctl,
                const eco_sim_options *opt, eco_sim_result *res);
void eco_sim_result_free(eco_sim_result *res);

/* One step into the totals, and one sample appended to r->series (room for it is the
 * caller's), as eco_sim_run does: for runners other than the cycle's (sim/route_runner.c). */
void eco_sim_totals_add(eco_sim_totals *t, const eco_state *x0, const eco_state *x1,
                        const eco_step_out *out, double v_ref, double lo, double hi, double dt);
void eco_sim_series_add(eco_sim_result *r, const eco_state *x, const eco_step_out *out,
                        const eco_command *u, double v_ref, double lo, double hi);

#endif
