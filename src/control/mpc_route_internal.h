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
} eco_route_rates;

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
    /* where the car is */
    double x_m, stop_at_m;
    int dwelling, was_dwelling;
    long replans;
    eco_setpoint last_safe;
};

/* ---- mpc_route_table.c -------------------------------------------------------------- */
size_t eco_route_rates_count(const eco_vehicle *veh, const eco_mpc_route_settings *s,
                             double v_max_mps, eco_route_rates *rt);
void eco_route_rates_build(const eco_vehicle *veh, const eco_mpc_weights *w, double soc_ref,
                           eco_route_rates *rt);
/* Collapse the levels at s (cost units per J of battery energy). */
void eco_route_rates_collapse(eco_route_rates *rt, double s_cost_per_j);
/* Cost per s and battery power at speed v and powertrain acceleration a (interpolated);
 * INFINITY when infeasible. */
double eco_route_rate(const eco_route_rates *rt, double v_mps, double a_mps2, double *batt_w);

/* ---- mpc_route_grid.c --------------------------------------------------------------- */
/* Points of the grid for a route (count only). */
int eco_route_grid_count(const eco_route *r, double stage_m);
/* Fill pos, shift, stop, jlo, jhi. */
void eco_route_grid_fill(eco_mpc_route_ws *ws);

/* ---- mpc_route.c -------------------------------------------------------------------- */
/* The equivalence factor from the SOC (hybrids), and the rate table collapsed at it. */
void eco_route_equivalence_update(eco_mpc_route_ws *ws, double soc);

/* ---- mpc_route_plan.c --------------------------------------------------------------- */
/* One stage's cost (cost units, time priced) from vi to vj over ds with the grade shift;
 * INFINITY when infeasible; *dt_s and *batt_j of it. */
double eco_route_stage_cost(const eco_mpc_route_ws *ws, double vi, double vj, double ds,
                            double shift, double *dt_s, double *batt_j);
/* Plan from (x0, v0) through points k0..k1 (v = 0 at k1 when it is a stop, else the
 * kinetic energy's value): fills plan_v[k0..k1]. ECO_OK or ECO_ERANGE (nothing feasible). */
int eco_route_plan(eco_mpc_route_ws *ws, double x0, double v0, int k0, int k1);
/* First grid point strictly after x + eps. */
int eco_route_point_after(const eco_mpc_route_ws *ws, double x_m, double eps_m);

#endif
