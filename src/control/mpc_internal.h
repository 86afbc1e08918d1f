/* The MPC's workspace and what its files share: mpc_ws.c (dims, layout, create), mpc.c (the
 * step, the co-state, the controller) and mpc_horizon.c (the horizon programme and its
 * pair-cost cache). Not installed. */
#ifndef ECODRIVE_MPC_INTERNAL_H
#define ECODRIVE_MPC_INTERNAL_H

#include "ecodrive/units.h"
#include "transition.h"

#include <stdint.h>

/* The table's speed range: above every shipped cycle's band. */
#define V_MAX_MPS       (160.0 / ECO_KMH_PER_MPS)
#define BAND_EPS_MPS    1e-6
#define BIG             1e30
#define S_QUANTUM       0.05 /* grid of the equivalence factor the pair costs are cached on */
#define TRACK_SHAPE_REF 0.01 /* tracking weight at which the stage path is half reference */
#define ENG_OFF         0
#define ENG_ON          1

struct eco_mpc_ws {
    eco_controller ctl; /* first: eco_mpc_create hands out &ws->ctl */
    const eco_vehicle *veh;
    eco_mpc_settings set;
    eco_mpc_weights w;
    eco_mpc_dims dims;
    eco_mpc_table tab;
    double dt_s, lhv, s0, m_eff, kin_cost_per_j, soc_gain;
    double price0, price_int;     /* distance price: nominal, and its integral (warm start) */
    double regen_share, e_unit_j; /* kinetic energy a stop returns to the battery; J/SOC */
    int hybrid, n_off;
    /* horizon scratch */
    double *vref, *lo, *hi; /* [n_stages + 1] */
    int *jlo, *jhi;         /* [n_stages + 1] */
    /* Index e: the engine during a stage for hybrids (ENG_OFF, ENG_ON); else only [0]. */
    int n_eng;
    double start_cost; /* a planned engine start, cost units */
    int engine_hold;   /* the engine state switched to last, held until engine_hold_until */
    double engine_hold_until;
    double gear_shifted_at_s; /* stepped box: when the present step last chose a new gear */
    int plan_engine;          /* the horizon's engine state for its first stage; -1: none */
    double *V[2];             /* [(n_stages + 1) * n_band_max]: cost-to-go by node and the
                                 engine state of the stage before */
    double *W[2];             /* [(n_stages + 1) * n_band_max]: next-stage terms by stage, made
                               * by the backward pass and read again by the forward one */
    double *acc_term;         /* [n_off]: acceleration cost of each offset */
    float *pair_cost[2];      /* [n_nodes * n_off]: min over levels at the present s */
    float *pair_batt[2];      /* battery energy of that level */
    uint64_t *pair_levels;    /* [n_nodes * n_off]: levels that can be least for some s
                                 (hybrids: engine off, and the on-levels least among on) */
    uint32_t *row_stamp;      /* [n_nodes]: row i holds offsets row_lo..row_hi at this stamp */
    int *row_lo, *row_hi;     /* [n_nodes] */
    uint32_t stamp;           /* of the present slot; 0: none */
    double s_cached; /* equivalence factor the cached pair costs hold, on a S_QUANTUM grid */
    /* Two cache slots, one per equivalence factor: the relaxed co-state mostly steps back
     * to the grid point it left, and then finds its pair costs still there. The pointers
     * above view the present slot. */
    float *slot_cost[2][2], *slot_batt[2][2]; /* [slot][engine] */
    uint32_t *slot_rows[2];
    int *slot_lo[2], *slot_hi[2];
    double slot_s[2];
    uint32_t slot_stamp[2], stamp_ctr;
    int slot;
    double ref_prev; /* the reference speed now: the last step's first preview entry */
    int have_ref_prev;
    /* warm start and fallback */
    double s_equiv;
    eco_setpoint last_safe;
    eco_mpc_stats st;
};

/* SOC after drawing battery_j of chemical energy from the battery at soc (OCV at soc). */
static inline double eco_mpc_soc_after(const eco_battery *b, double soc, double battery_j)
{
    return soc - battery_j / (eco_curve_eval(&b->ocv_v, soc) * (b->capacity_ah * ECO_S_PER_H));
}

/* Point the pair-cost cache at slot k. */
void eco_mpc_slot_view(eco_mpc_ws *ws, int k);

/* Exact trace, hybrids: the engine state over the horizon after its first stage, along the
 * reference, a start priced at start_cost: what stopping the engine now costs later. */
double eco_mpc_engine_stop_liability(eco_mpc_ws *ws);

/* The horizon programme: backward pass over the speed nodes (and, for hybrids, the engine
 * state, a start priced at start_cost) from v0 (previous acceleration a_prev, engine_on
 * now) at distance price `price`; returns the best first-stage node and sets plan_engine,
 * and with soc_end the SOC at the horizon's end along the optimal path from soc0. */
int eco_mpc_horizon_dp(eco_mpc_ws *ws, double v0, double a_prev, int engine_on, double price,
                       double soc0, double *soc_end);

#endif
