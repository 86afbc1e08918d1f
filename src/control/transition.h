/* What the MPC and the DP predict and decide with, private to src/control (transition.c):
 * one-stage transitions realised by eco_model_step, tabulated over a speed grid at init;
 * a GSL fit of the fuel rate on the engine's best-efficiency line and the equivalence
 * factors it gives; and the present-step allocation (gear, engine on/off and power).
 * Tests that check these include this header by its path. Not installed. */
#ifndef ECODRIVE_TRANSITION_H
#define ECODRIVE_TRANSITION_H

#include "ecodrive/mpc.h"

/* Chemical energy of gasoline per gram that prices a BEV's battery energy in the same
 * unit as fuel: EPA's 33.705 kWh per gallon (40 CFR 600.002) over 2.819 kg per gallon
 * (3.785 L at 745 g/L, EN 228 mid-range density) = 43.0 kJ/g. */
#define ECO_MPC_LHV_REF_J_PER_G 43040.0

/* ---- carving one block of caller memory (STYLE.md §3, after HPIPM) ------------------ */

/* A layout runs twice over the same list of arrays: with base NULL it only counts the
 * bytes (memsize), with base set it hands out the arrays in the same order (create). */
typedef struct {
    char *base; /* NULL: count only */
    size_t used;
} eco_mpc_carver;

static inline size_t eco_mpc_align8(size_t n)
{
    return (n + 7u) & ~(size_t)7u;
}

/* The next `bytes` (rounded up to 8) of the block; NULL when only counting. */
static inline void *eco_mpc_carve(eco_mpc_carver *c, size_t bytes)
{
    void *p = c->base ? c->base + c->used : NULL;
    c->used += eco_mpc_align8(bytes);
    return p;
}

/* Weighted cost of fuel and engine-out NOx, cost units (NOx is weighed per mg: 1e3 mg/g). */
static inline double eco_mpc_fuel_nox_cost(const eco_mpc_weights *w, double fuel_g, double nox_g)
{
    return w->fuel_per_g * fuel_g + w->nox_per_mg * nox_g * 1e3;
}

/* ---- one-stage transitions ---------------------------------------------------------- */

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

/* What a table holds before the weights price it: for every pair (i, d) in reach and
 * every candidate c, eco_mpc_eval's fuel, NOx, battery energy, gear and feasibility. The
 * candidates are the engine levels (n_var = tab.n_levels), or for a stepped box the gears
 * (n_var = n_gears; the table keeps the one of least weighted cost). Every weight point of
 * a vehicle prices the same transitions: they are built once and cached (table_cache.c). */
typedef struct {
    eco_mpc_table tab; /* the table it serves: sizes, grid and soc_ref (arrays unused) */
    int stepped, n_var;
    double *fuel_g, *nox_g; /* [pairs * n_var], pair-major */
    float *battery_j;
    unsigned char *gear, *feasible;
} eco_mpc_transitions;

/* Size the transitions of a sized table t for a vehicle, at soc_ref. */
void eco_mpc_transitions_dims(const eco_vehicle *veh, const eco_mpc_table *t, double soc_ref,
                              eco_mpc_transitions *tr);
/* Bytes the arrays of sized transitions need. */
size_t eco_mpc_transitions_memsize(const eco_mpc_transitions *tr);
/* Carve the arrays of sized transitions from mem (eco_mpc_transitions_memsize bytes,
 * 8-aligned), contents untouched. */
void eco_mpc_transitions_carve(eco_mpc_transitions *tr, void *mem);
/* Carve and evaluate every entry with eco_mpc_eval (init time); the alignment gaps of the
 * block are zeroed, so equal transitions are equal bytes. */
void eco_mpc_transitions_build(const eco_vehicle *veh, eco_mpc_transitions *tr, void *mem);
/* Evaluate n_pairs pairs spread over the table again and compare them bit for bit with tr:
 * 1 if they all agree (tr was made by this model for this vehicle), else 0. */
int eco_mpc_transitions_spot_check(const eco_vehicle *veh, const eco_mpc_transitions *tr,
                                   int n_pairs);

/* Size the table for a vehicle: speeds up to v_max_mps. */
void eco_mpc_table_dims(const eco_vehicle *veh, double v_max_mps, double dv_mps, double stage_s,
                        double accel_max_mps2, double decel_max_mps2, int n_engine_levels,
                        eco_mpc_table *t);
/* Bytes the arrays of a sized table need. */
size_t eco_mpc_table_memsize(const eco_mpc_table *t);
/* Fill a sized table, its arrays carved from mem (eco_mpc_table_memsize bytes, 8-aligned).
 * Calls eco_mpc_eval for every entry (init time). Returns ECO_OK, or ECO_EINVAL if the
 * carve used other than memsize bytes. */
int eco_mpc_table_build(const eco_vehicle *veh, const eco_mpc_weights *w, double soc_ref,
                        eco_mpc_table *t, void *mem);
/* Fill a table sized like tr->tab from weight-free transitions (its arrays carved from mem
 * as in eco_mpc_table_build): the same table, bit for bit, as eco_mpc_table_build gives
 * for tr's vehicle with weights w. Returns ECO_OK, or ECO_EINVAL if t is not sized like
 * tr->tab. */
int eco_mpc_table_from_transitions(const eco_mpc_transitions *tr, const eco_mpc_weights *w,
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

/* ---- the fuel fit and the equivalence factor ---------------------------------------- */

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
 * up the difference (docs/mpc.md, "Prediction"). */
double eco_mpc_equivalence_cost(const eco_vehicle *veh, const eco_mpc_weights *w);

/* ---- the present-step allocation ---------------------------------------------------- */

/* What a hybrid's present-step allocation knows of the engine beyond this step. */
typedef struct {
    int engine;        /* the planned engine state (0 off, 1 on; the other state only where
                          the planned one cannot reach v1), or -1: choose freely */
    double start_cost; /* added to a start now, beyond the fuel the plant burns for it */
    double stop_cost;  /* added to ending this step with the engine off: the start that will
                          be needed later, against being on (cost units) */
} eco_mpc_engine_terms;

/* What the allocation is asked: from state x to v1_mps in dt_s on grade_rad; keep_gear: a
 * stepped box stays in x's gear while that gear can make the step (eco_gear_hold_keep). */
typedef struct {
    const eco_state *x;
    double v1_mps, dt_s, grade_rad;
    int keep_gear;
} eco_mpc_alloc_request;

/* A stepped box's least time in a gear once it has shifted, unless the gear cannot do what
 * is asked: a least-cost choice made afresh every step otherwise saws between two gears of
 * near-equal cost as the force asked wavers (a shift a few tenths of a second after the
 * last, the way back). The baseline holds its gears as long. */
#define ECO_GEAR_HOLD_S 2.0

/* Whether a gear taken at shifted_at_s is still held at now_s (not if time went back). */
static inline int eco_gear_hold_keep(double shifted_at_s, double now_s)
{
    return now_s >= shifted_at_s && now_s - shifted_at_s < ECO_GEAR_HOLD_S;
}

/* What it weighs the choices with. */
typedef struct {
    const eco_vehicle *veh;
    const eco_mpc_weights *w;
    double s_equiv;           /* J of fuel per J of battery chemical energy */
    int n_levels;             /* hybrid: engine power levels searched, off excluded */
    eco_mpc_engine_terms eng; /* {-1, 0, 0}: nothing known */
} eco_mpc_alloc_context;

/* Present-step allocation: the command that drives as asked and, among the discrete and
 * continuous choices, costs least: gear (stepped), or engine off or on at a power (hybrid)
 * by cost + s * battery energy / LHV, with the engine terms. Returns ECO_OK, or
 * ECO_ERANGE if no choice reaches v1 (cmd then the closest); fills cmd and the cost (cost
 * units). */
int eco_mpc_allocate(const eco_mpc_alloc_context *ctx, const eco_mpc_alloc_request *req,
                     eco_command *cmd, double *cost);

#endif
