/* The route MPC's workspace, shared by its files: mpc_route_table.c (the rate table),
 * mpc_route_grid.c (the distance grid and the band), mpc_route_plan.c (the programme over
 * distance stages), mpc_route.c (the step and the controller), dp_route.c (the whole route).
 * Not installed. */
#ifndef ECODRIVE_MPC_ROUTE_INTERNAL_H
#define ECODRIVE_MPC_ROUTE_INTERNAL_H

#include "ecodrive/mpc_route.h"
#include "transition.h"

#include <stdint.h>

/* Rates by speed (on half the node grid, so a stage's mean speed falls on it) and by the
 * acceleration the powertrain sees (grade included), per engine level (hybrids) or one. */
typedef struct {
    int n_v, n_a, n_lev;
    double dv_mps, a_min_mps2, da_mps2;
    double level_power_w[ECO_MPC_LEVELS_MAX];
    float *cost_gps;  /* [v][a][lev]: fuel and NOx cost per s (INFINITY: infeasible) */
    float *batt_w;    /* [v][a][lev]: chemical power out of the battery */
    float *eq_gps;    /* [v][a]: least cost + s x battery energy per s at s_coll */
    float *eq_batt_w; /* [v][a]: battery power of that level */
    double s_coll;    /* the equivalence factor eq holds (cost units per J: s fuel/lhv) */
    /* A second copy, collapsed behind a little each step at the factor the SOC has moved
     * to (eco_route_rates_collapse_some); a re-plan swaps it in instead of collapsing. */
    float *eq_gps_b, *eq_batt_w_b;
    double s_coll_b; /* what it is being made at (NAN: nothing) */
    size_t cell_b;   /* cells done; all: ready */
} eco_route_rates;

/* The next block's cost to go, made ahead a few stages a step in the second buffer (V_b,
 * pol_b): from its end k1 down to lo, at the price and table factor it started at. */
typedef struct {
    int on, lo, k1, k; /* k: the next stage to do (done when k < lo) */
    double price, s_coll;
} eco_route_prep;

struct eco_mpc_route_ws {
    eco_controller ctl; /* first: the controller hands out &ws->ctl */
    const eco_vehicle *veh;
    const eco_route *route;
    eco_mpc_route_settings set;
    eco_mpc_weights w;
    eco_route_rates rt;
    double dt_s, lhv, m_eff, s_nom, s_equiv, kin_cost_per_j, price_s, soc_target;
    int hybrid;
    /* the distance grid: points (stage boundaries; every stop is one) */
    int n_pts, n_nodes;
    int cap_pts;      /* points the block holds (n_pts, or a window's most) */
    double v_max_mps; /* the fastest limit the rate table and the nodes cover */
    int open_end;     /* a window: its last point is where the known road ends, not a stop */
    double dv_mps;
    double *pos_m;       /* [n_pts] */
    double *shift_mps2;  /* [n_pts]: stage k (pos k .. k+1): grade as acceleration */
    int *jlo, *jhi;      /* [n_pts]: the band's nodes at each point */
    unsigned char *stop; /* [n_pts]: a stop (or the end) is at this point */
    /* the programme */
    double *V;      /* [n_pts * n_nodes]: cost to go */
    int16_t *pol;   /* [n_pts * n_nodes]: the next point's node */
    double *plan_v; /* [n_pts]: planned speed at each point */
    double plan_x0, plan_v0, plan_stop_m;
    int plan_k0, plan_k1, have_plan, follow;
    int replan_pending; /* the table was collapsed in this step; the backward pass is next */
    /* what the cost to go V holds: whether it holds one (a reset keeps it: it is the
     * route's, not the car's), its first and end points, and the price and factor it was
     * made at */
    int have_v, vk0, vk1;
    double *V_b;    /* [n_pts * n_nodes]: the next block's, being made */
    int16_t *pol_b; /* [n_pts * n_nodes] */
    eco_route_prep prep;
    double v_price, v_s_coll;
    /* where the car is */
    double x_m, stop_at_m;
    double left_stop_m; /* the stop stood at last (0 before any): behind the car from now on */
    int dwelling, was_dwelling;
    long replans, full_replans; /* all, and those with the backward pass */
    eco_setpoint last_safe;
    double gear_shifted_at_s; /* stepped box: when the present step last chose a new gear */
};

/* ---- mpc_route_table.c -------------------------------------------------------------- */
size_t eco_route_rates_count(const eco_vehicle *veh, const eco_mpc_route_settings *s,
                             double v_max_mps, eco_route_rates *rt);
void eco_route_rates_build(const eco_vehicle *veh, const eco_mpc_weights *w, double soc_ref,
                           eco_route_rates *rt);
/* Collapse the levels at s (cost units per J of battery energy). */
void eco_route_rates_collapse(eco_route_rates *rt, double s_cost_per_j);
/* Collapse up to n_cells more cells of the second copy: of the collapse under way, or, once
 * that is whole, a new one at s; 1 once it holds s whole. */
int eco_route_rates_collapse_some(eco_route_rates *rt, double s_cost_per_j, size_t n_cells);
/* The second copy is whole and nearer s than the one in use; and swap it in if so (1). */
int eco_route_rates_nearer(const eco_route_rates *rt, double s_cost_per_j);
int eco_route_rates_take(eco_route_rates *rt, double s_cost_per_j);
/* Cost per s and battery power at speed v and powertrain acceleration a (interpolated);
 * INFINITY when infeasible. */
double eco_route_rate(const eco_route_rates *rt, double v_mps, double a_mps2, double *batt_w);

/* ---- mpc_route_grid.c --------------------------------------------------------------- */
/* A stop nearer than this to the one before it has no point of its own: it is that one's
 * (a recorded driver who stood, rolled a few centimetres and stood again). Rest to rest
 * over a stretch needs a node between, 0.5 m/s, within the acceleration limits: at
 * 2.5 m/s^2, two stages of at least 0.05 m. */
#define ECO_ROUTE_MERGE_STOP_M 0.2
/* Points of the grid for a route (count only). */
int eco_route_grid_count(const eco_route *r, const eco_mpc_route_settings *s);
/* Fill pos, shift, stop, jlo, jhi. */
void eco_route_grid_fill(eco_mpc_route_ws *ws);

/* ---- mpc_route.c -------------------------------------------------------------------- */
/* The equivalence factor from the SOC (hybrids; the allocation uses it at once, the rate
 * table is collapsed at it when the programme is made again). */
void eco_route_equivalence_update(eco_mpc_route_ws *ws, double soc);
/* The rate table's factor (cost units per J) for the equivalence factor s, on its 2 % grid,
 * and the table collapsed at it (at create and by the DP: not in the step, which takes the
 * second copy when it is nearer, eco_route_rates_take). */
double eco_route_collapse_value(const eco_mpc_route_ws *ws, double s);
void eco_route_collapse_at(eco_mpc_route_ws *ws, double s);

/* ---- mpc_route_plan.c --------------------------------------------------------------- */
/* One stage's cost (cost units, time priced) from vi to vj over ds with the grade shift;
 * INFINITY when infeasible; *dt_s and *batt_j of it. */
double eco_route_stage_cost(const eco_mpc_route_ws *ws, double vi, double vj, double ds,
                            double shift, double *dt_s, double *batt_j);
/* Plan from (x0, v0) through points k0..k1 (v = 0 at k1 when it is a stop, else the
 * kinetic energy's value): fills plan_v[k0..k1]. ECO_OK or ECO_ERANGE (nothing feasible). */
int eco_route_plan(eco_mpc_route_ws *ws, double x0, double v0, int k0, int k1);
/* The same from the cost to go already held for the horizon's end k1 (eco_route_plan made
 * it): the first stage from (x0, v0) and the plan forward only. */
int eco_route_plan_from(eco_mpc_route_ws *ws, double x0, double v0, int k0, int k1);
/* The next block's backward pass ahead, in the second buffer: start it (end k1, down to
 * k_lo), do up to n_stages more of it (1 once whole), and take it (swap it in as the cost to
 * go) when it is whole, ends at k1, reaches down to k0 and was made at the price and table
 * in use: 1 if taken. */
void eco_route_prepare_start(eco_mpc_route_ws *ws, int k_lo, int k1);
int eco_route_prepare_some(eco_mpc_route_ws *ws, int n_stages);
int eco_route_prepared_take(eco_mpc_route_ws *ws, int k0, int k1);
/* First grid point strictly after x + eps. */
int eco_route_point_after(const eco_mpc_route_ws *ws, double x_m, double eps_m);

#endif
