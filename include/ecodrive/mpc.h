/* The eco MPC: cost weights, settings, the transition table it predicts with, and the
 * controller. Method (docs/mpc.md):
 *  - speed shaping: a dynamic programme over a speed grid on the horizon (stages of
 *    stage_s, default 1 s, over horizon_s, default 15 s) inside the speed band, with a price
 *    on distance that closes the runner's distance gap (equal distance);
 *  - discrete choices by enumeration: the gear of a stepped box, engine on/off and engine
 *    power of a power-split hybrid (ECMS with an equivalence factor s solved over the
 *    horizon so that it equals the co-state of the terminal SOC cost); in the band a
 *    hybrid's horizon nodes carry the engine state, and a planned start has a price;
 *  - prediction by a table of one-stage transitions built at create time by
 *    eco_model_step itself (the same physics as the plant), and the present step decided
 *    by eco_model_step directly.
 * Everything is allocated once at create; eco_mpc_step allocates nothing. */
#ifndef ECODRIVE_MPC_H
#define ECODRIVE_MPC_H

#include "ecodrive/control.h"

/* Chemical energy of gasoline per gram that prices a BEV's battery energy in the same
 * unit as fuel: EPA's 33.705 kWh per gallon (40 CFR 600.002) over 2.819 kg per gallon
 * (3.785 L at 745 g/L, EN 228 mid-range density) = 43.0 kJ/g. */
#define ECO_MPC_LHV_REF_J_PER_G 43040.0

#define ECO_MPC_LEVELS_MAX 64

/* Cost weights (models/weights/README.md). The cost is in "cost units"; with fuel_per_g = 1
 * a cost unit is a gram of fuel. Every weight is >= 0. */
typedef struct {
    double fuel_per_g;            /* per g of fuel (battery energy counts as fuel through s) */
    double nox_per_mg;            /* per mg of engine-out NOx */
    double tracking_per_kmh2s;    /* per (km/h)^2 * s of speed off the reference */
    double terminal_soc_per_pct2; /* per (%SOC)^2 of horizon-end SOC off the target */
    double jerk_per_mps3_2s;      /* per (m/s^3)^2 * s of jerk (comfort) */
    double accel_per_mps2_2s;     /* per (m/s^2)^2 * s of acceleration (comfort) */
    double trip_time_per_s;       /* per s of time lost against the reference */
    double engine_switch;         /* hybrids: per engine start or stop decided at a step */
    double engine_start_g;        /* hybrids: a start the horizon plans, priced as g of fuel */
} eco_mpc_weights;

/* The "balanced" preset (equal to models/weights/balanced.json; a test checks it). Files
 * of weights are read by config (eco_cfg_weights_load in ecodrive/config.h). */
void eco_mpc_weights_default(eco_mpc_weights *w);

/* Solver settings (osqp-style: fill with the defaults, then override). */
typedef struct {
    double horizon_s;            /* prediction horizon, s (10..20; default 12) */
    double stage_s;              /* horizon stage length, s (default 1) */
    double grid_kmh;             /* speed grid of the horizon programme, km/h (default 0.25) */
    double accel_max_mps2;       /* transitions considered, up to (default 2.5) */
    double decel_max_mps2;       /* and down to (positive, default 3.5) */
    int n_engine_levels;         /* hybrid: engine power levels in the table, off excluded (12) */
    int n_alloc_levels;          /* hybrid: levels searched at the present step (12) */
    int max_iter;                /* co-state (equivalence factor) iterations per step (8) */
    double deadline_us;          /* solve time beyond which the step falls back (2000) */
    int deadline_wall_clock;     /* 0: deadline_us is the thread's CPU time (preemption does not
                                    trip it; needs a fine-grained CPU clock); 1: wall clock
                                    (CLOCK_MONOTONIC), what a real-time loop's period is in */
    double band_margin_kmh;      /* keep this far inside the band (0.1) */
    double gap_gain_per_m2;      /* distance price per m of distance gap, cost/m^2 (0.0002) */
    double gap_integral_per_m2s; /* its integral action, cost/(m^2 s) (0: off) */
    double gap_cubic_per_m4;     /* cubic term: a gap of tens of metres costs steeply (5e-7) */
    double soc_ref;              /* SOC the table is built at; < 0: battery.soc_init */
} eco_mpc_settings;

void eco_mpc_settings_default(eco_mpc_settings *s);

/* One-stage transition v0 -> v1 in dt at constant acceleration, realised by the model. */
typedef struct {
    double fuel_g, nox_g;
    double battery_j; /* chemical energy out of the battery (OCV * I * dt) */
    int gear;
    int feasible; /* 0: the powertrain cannot make this transition */
} eco_mpc_eval_out;

/* Evaluate with eco_model_step from (v0, soc, gear) at a warm engine. engine_power_w < 0
 * means engine off (hybrids); ignored for other powertrains. gear 0: the schedule. */
void eco_mpc_eval(const eco_vehicle *veh, double v0_mps, double v1_mps, double dt_s,
                  double grade_rad, double soc, int gear, double engine_power_w,
                  eco_mpc_eval_out *out);

/* Transition table over a speed grid: entry (i, d, l) is the transition from v_i = i dv to
 * v_{i+d} in stage_s with engine level l (hybrid; level 0 = off) or the best gear (stepped
 * box; by the weighted cost). cost = fuel_per_g * fuel + nox_per_mg * NOx (INFINITY when
 * infeasible), battery_j as in eco_mpc_eval. */
typedef struct {
    int n_nodes, off_min, off_max, n_levels;
    double dv_mps, stage_s, soc_ref;
    double level_power_w[ECO_MPC_LEVELS_MAX]; /* level 0: off (-1) */
    float *cost;
    float *battery_j;
    unsigned char *gear;
} eco_mpc_table;

/* Size the table for a vehicle: speeds up to v_max_mps. */
void eco_mpc_table_dims(const eco_vehicle *veh, double v_max_mps, double dv_mps, double stage_s,
                        double accel_max_mps2, double decel_max_mps2, int n_engine_levels,
                        eco_mpc_table *t);
/* Bytes the arrays of a sized table need. */
size_t eco_mpc_table_memsize(const eco_mpc_table *t);
/* Fill a sized table, its arrays carved from mem (eco_mpc_table_memsize bytes). Calls
 * eco_mpc_eval for every entry (init time). Returns ECO_OK. */
int eco_mpc_table_build(const eco_vehicle *veh, const eco_mpc_weights *w, double soc_ref,
                        eco_mpc_table *t, void *mem);
/* Index of entry (i, d, l). */
static inline size_t eco_mpc_table_at(const eco_mpc_table *t, int i, int d, int l)
{
    return ((size_t)i * (size_t)(t->off_max - t->off_min + 1) + (size_t)(d - t->off_min)) *
               (size_t)t->n_levels +
           (size_t)l;
}

/* Engine power of level l of n (level 0: off, -1 W): rated * (l / n)^1.5, denser at low
 * power where a hybrid's engine spends its time. */
double eco_mpc_level_power_w(const eco_vehicle *veh, int l, int n_levels);

/* Fuel rate along a hybrid's or CVT's best-efficiency line fitted at load time with GSL
 * (least squares): fuel_gps(P) = a0 + a1 P + a2 P^2 for P in [p_lo_w, p_hi_w]. */
typedef struct {
    double a0, a1, a2;
    double p_lo_w, p_hi_w;
    double max_rel_err; /* largest |fit - model| / model over the fitted points above p_lo */
    double p_best_w;    /* power of the best efficiency P / (LHV fuel) of the fit */
} eco_mpc_fuel_fit;

/* Fit the engine's fuel rate on its best line. ECO_OK, ECO_EINVAL (no engine). */
int eco_mpc_fuel_fit_make(const eco_vehicle *veh, eco_mpc_fuel_fit *fit);
double eco_mpc_fuel_fit_eval(const eco_mpc_fuel_fit *fit, double power_w);

/* Nominal equivalence factor (J of fuel per J of battery chemical energy) from the fit:
 * the inverse of the engine's marginal efficiency at its best point, for hybrids. 1 for a
 * BEV, 0 for a conventional car. */
double eco_mpc_equivalence_nominal(const eco_vehicle *veh);
/* The same factor priced in the weights' cost units: a joule from the battery stands for
 * engine work made where it is cheapest, and with a NOx weight that work costs its NOx too.
 * The nominal factor times (least fuel + NOx cost per J along the best line) / (least fuel
 * cost per J). Without a NOx weight (or for a BEV or a conventional car) it is the nominal
 * factor. Without it a NOx weight drains a hybrid's battery until the SOC feedback makes
 * up the difference (SOC 0.60 -> 0.38 on the Prius over WLTC 3b at nox_per_mg 0.016). */
double eco_mpc_equivalence_cost(const eco_vehicle *veh, const eco_mpc_weights *w);

/* What a hybrid's present-step allocation knows of the engine beyond this step. */
typedef struct {
    int engine;        /* the planned engine state (0 off, 1 on; the other state only where
                          the planned one cannot reach v1), or -1: choose freely */
    double start_cost; /* added to a start now, beyond the fuel the plant burns for it */
    double stop_cost;  /* added to ending this step with the engine off: the start that will
                          need later, against being on (cost units) */
} eco_mpc_engine_terms;

/* Present-step allocation: the command that drives from the state to v1_mps in dt_s and,
 * among the discrete and continuous choices, costs least: gear (stepped), or engine off or
 * on at a power (hybrid) by cost + s * battery energy / LHV, with the engine terms (NULL:
 * none). Returns the cost (cost units) and fills cmd; ECO_OK, or ECO_ERANGE if no choice
 * reaches v1 (cmd then the closest). */
int eco_mpc_allocate(const eco_vehicle *veh, const eco_state *x, double v1_mps, double dt_s,
                     double grade_rad, const eco_mpc_weights *w, double s_equiv, int n_levels,
                     const eco_mpc_engine_terms *eng, eco_command *cmd, double *cost);

/* Workspace (STYLE.md §3): dims -> memsize -> one allocation -> create. */
typedef struct {
    int n_stages;   /* horizon_s / stage_s */
    int preview_n;  /* preview entries at dt_s the step reads */
    int n_band_max; /* speed nodes a stage can hold */
    size_t table_bytes;
    eco_mpc_table table; /* sized, arrays unset */
} eco_mpc_dims;

typedef struct eco_mpc_ws eco_mpc_ws;

/* Solver figures since the last reset. */
typedef struct {
    long steps, fallbacks, iterations;
    double last_s_equiv;     /* equivalence factor used by the last step */
    double last_price_per_m; /* distance price of the last step, cost/m */
} eco_mpc_stats;

int eco_mpc_dims_make(const eco_vehicle *veh, double dt_s, const eco_mpc_settings *s,
                      eco_mpc_dims *d);
size_t eco_mpc_ws_memsize(const eco_mpc_dims *d);
/* Build the workspace in mem (eco_mpc_ws_memsize bytes, max-aligned): the table, the fit.
 * veh must outlive the workspace. Returns ECO_OK or ECO_EINVAL. */
int eco_mpc_ws_create(const eco_vehicle *veh, double dt_s, const eco_mpc_settings *s,
                      const eco_mpc_weights *w, const eco_mpc_dims *d, eco_mpc_ws **ws, void *mem);
/* One control step (real time: no allocation, no I/O). ECO_OK with a valid setpoint, or
 * ECO_ESOLVER after a timeout (deadline_us) or a failure: then sp holds the last safe
 * setpoint with valid = 0, and the warm start is reset. */
int eco_mpc_step(eco_mpc_ws *ws, const eco_observation *obs, const eco_preview *pv,
                 eco_setpoint *sp);
void eco_mpc_reset(eco_mpc_ws *ws);
/* Change the solver deadline (us, > 0) of a live workspace; ECO_EINVAL otherwise. */
int eco_mpc_deadline_set(eco_mpc_ws *ws, double deadline_us);
void eco_mpc_stats_get(const eco_mpc_ws *ws, eco_mpc_stats *st);

/* The MPC as an eco_controller (one allocation). NULL on ENOMEM or bad settings, with
 * eco_last_error() set. */
eco_controller *eco_mpc_create(const eco_vehicle *veh, double dt_s, const eco_mpc_settings *s,
                               const eco_mpc_weights *w);
/* The workspace of a controller made by eco_mpc_create (NULL for another controller). */
eco_mpc_ws *eco_mpc_controller_ws(eco_controller *c);

#endif
