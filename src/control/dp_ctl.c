/* The DP as a controller: it replays the optimum through the same plant. */
#include "control_internal.h"
#include "dp_internal.h"

#include <math.h>
#include <string.h>

typedef struct {
    eco_controller base;
    const eco_dp_solution *sol;
    double gear_shifted_at_s; /* stepped box: when the replay last chose a new gear */
} dp_ctl;

/* Cost-to-go of step k at this SOC, with the engine on or not before it. */
static double cost_to_go(const eco_dp_solution *sol, int k, double soc, int engine_on)
{
    if (k > sol->n)
        k = sol->n;
    int e = sol->n_eng == 2 && engine_on;
    return eco_dp_value_at(sol, eco_dp_values(sol, k, e), soc, 1);
}

/* Exact hybrid: least cost now plus cost-to-go at the SOC the plant reaches. */
static void step_exact_hybrid(const dp_ctl *c, const eco_state *x, const eco_preview *pv,
                              eco_command *cmd)
{
    const eco_dp_solution *sol = c->sol;
    const eco_vehicle *v = c->base.veh;
    const eco_mpc_weights *w = &sol->set.weights;
    int k = (int)lround((x->time_s - sol->t0_s) / sol->dt_s);
    double f =
        eco_control_force_for(v, x->speed_mps, pv->speed_ref_mps[0], pv->dt_s, pv->grade_rad[0]);
    eco_command base;
    eco_control_force_to_command(v, x, 0, f, &base);
    double best = INFINITY, best_miss = INFINITY;
    int bl = 0, closest = sol->n_levels - 1;
    for (int l = 0; l < sol->n_levels; l++) {
        eco_command u = base;
        u.engine_on = l > 0;
        u.engine_power_w = fmax(sol->level_power_w[l], 0.0);
        eco_state next;
        eco_step_out out;
        if (eco_model_step(v, x, &u, pv->grade_rad[0], pv->dt_s, &next, &out))
            continue;
        double miss = fabs(next.speed_mps - pv->speed_ref_mps[0]);
        if (miss < best_miss) {
            best_miss = miss;
            closest = l;
        }
        if (miss > 1e-4)
            continue;
        double cost = eco_mpc_fuel_nox_cost(w, out.fuel_g, out.nox_g) +
                      cost_to_go(sol, k + 1, next.soc, next.engine_on);
        if (cost < best) {
            best = cost;
            bl = l;
        }
    }
    if (!isfinite(best))
        bl = closest;
    *cmd = base;
    cmd->engine_on = bl > 0;
    cmd->engine_power_w = fmax(sol->level_power_w[bl], 0.0);
}

static double plan_speed(const eco_dp_solution *sol, double t)
{
    double stage = sol->stage_steps * sol->dt_s;
    double u = (t - sol->t0_s) / stage;
    if (u <= 0.0)
        return sol->plan_mps[0];
    int i = (int)floor(u);
    if (i >= sol->n_stages)
        return sol->plan_mps[sol->n_stages];
    double th = u - i;
    return sol->plan_mps[i] + th * (sol->plan_mps[i + 1] - sol->plan_mps[i]);
}

static int dp_step(eco_controller *c, const eco_observation *obs, const eco_preview *pv,
                   eco_setpoint *sp)
{
    dp_ctl *d = (dp_ctl *)c;
    const eco_dp_solution *sol = d->sol;
    const eco_vehicle *v = c->veh;
    eco_state x;
    eco_state_from_observation(obs, &x);
    memset(sp, 0, sizeof *sp);
    if (pv->n < 1)
        return ECO_EINVAL;
    if (sol->exact_hybrid) {
        step_exact_hybrid(d, &x, pv, &sp->cmd);
    } else {
        double v1 = sol->plan_mps ? plan_speed(sol, obs->time_s + pv->dt_s) : pv->speed_ref_mps[0];
        double s = sol->res.s_equiv;
        double cost;
        /* With priced starts the plan holds the engine's state per stage too. */
        eco_mpc_engine_terms eng = {-1, 0.0, 0.0};
        if (sol->plan_engine) {
            int i = (int)floor((obs->time_s - sol->t0_s) / (sol->stage_steps * sol->dt_s) + 1e-6);
            eng.engine = sol->plan_engine[i < 0 ? 0 : (i >= sol->n_stages ? sol->n_stages - 1 : i)];
        }
        eco_mpc_alloc_context ctx = {v, &sol->set.weights, s, sol->set.n_engine_levels, eng};
        eco_mpc_alloc_request req = {&x, v1, pv->dt_s, pv->grade_rad[0],
                                     eco_gear_hold_keep(d->gear_shifted_at_s, obs->time_s)};
        eco_mpc_allocate(&ctx, &req, &sp->cmd, &cost);
        if (sp->cmd.gear != x.gear)
            d->gear_shifted_at_s = obs->time_s;
    }
    sp->valid = 1;
    return ECO_OK;
}

static void dp_reset(eco_controller *c)
{
    ((dp_ctl *)c)->gear_shifted_at_s = -INFINITY;
}

static const eco_control_kind DP = {"dp", dp_step, dp_reset, eco_control_free};

eco_controller *eco_dp_controller_create(const eco_vehicle *veh, const eco_dp_solution *sol,
                                         double dt_s)
{
    if (fabs(dt_s - sol->dt_s) > 1e-9) {
        eco_set_error("dp controller: step %g s differs from the solution's %g s", dt_s, sol->dt_s);
        return NULL;
    }
    dp_ctl *d = eco_calloc(1, sizeof *d);
    if (!d) {
        eco_set_error("dp controller: out of memory");
        return NULL;
    }
    d->sol = sol;
    d->gear_shifted_at_s = -INFINITY;
    eco_control_init(&d->base, &DP, veh, dt_s, 1);
    return &d->base;
}
