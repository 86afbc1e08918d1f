/* What the MPC and the DP predict with: one-stage transitions realised by eco_model_step
 * (tabulated over a speed grid in transition_table.c), a GSL fit of the fuel rate on the
 * best-efficiency line, and the present-step allocation (gear, engine on/off and power). */
#include "transition.h"

#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FEASIBLE_TOL_MPS  1e-6
#define FIT_POINTS        40
#define CVT_RETRY_TOL_MPS 0.01

static int is_hybrid(const eco_vehicle *v)
{
    return v->powertrain == ECO_PT_HEV || v->powertrain == ECO_PT_PHEV;
}

static void state_at(const eco_vehicle *v, double v0, double soc, int gear, eco_state *x)
{
    memset(x, 0, sizeof *x);
    x->speed_mps = v0;
    x->soc = v->powertrain == ECO_PT_CONV ? 0.0 : soc;
    x->engine_warm = 1.0;
    x->gear = gear > 0 ? gear : eco_model_schedule_gear(v, v0, 1);
    x->engine_on = 1;
}

/* One model step with the command that asks for force f; NAN speed on a model error. */
static double eval_force(const eco_vehicle *v, const eco_state *x, double f, double dt,
                         double grade, int gear, double pe, eco_step_out *out)
{
    eco_state next;
    eco_command u;
    memset(&u, 0, sizeof u);
    eco_control_force_to_command(v, x, gear, f, &u);
    u.engine_on = 1;
    if (is_hybrid(v)) {
        u.engine_on = pe >= 0.0;
        u.engine_power_w = fmax(pe, 0.0);
    }
    if (eco_model_step(v, x, &u, grade, dt, &next, out) != ECO_OK)
        return NAN;
    return next.speed_mps;
}

void eco_mpc_eval(const eco_vehicle *v, double v0, double v1, double dt, double grade, double soc,
                  int gear, double pe, eco_mpc_eval_out *o)
{
    eco_state x;
    state_at(v, v0, soc, gear, &x);
    double f = eco_control_force_for(v, v0, v1, dt, grade);
    eco_step_out out;
    memset(o, 0, sizeof *o);
    double vn = eval_force(v, &x, f, dt, grade, gear, pe, &out);
    double tol = FEASIBLE_TOL_MPS, m_eff = v->mass_kg + v->rotating_mass_kg;
    /* Where the command's force is not what the plant delivers (its limits and its
     * realisation differ, e.g. a CVT's overrun drag), correct the force by the miss. Not for
     * electric drives: there a miss is a battery or machine limit, which no force undoes. */
    for (int it = 0;
         it < 3 && v->powertrain == ECO_PT_CONV && isfinite(vn) && !(fabs(vn - v1) <= tol); it++)
        vn = eval_force(v, &x, f += m_eff * (v1 - vn) / dt, dt, grade, gear, pe, &out);
    if (!(fabs(vn - v1) <= tol) && v->powertrain == ECO_PT_CONV && v->gearbox.type == ECO_TX_CVT &&
        f > 0.0) {
        /* The CVT realisation has isolated points where a force within the limits is not
         * delivered (see docs/mpc.md, "model notes"): try forces 0.2 % to 1 % lower, and
         * count the transition to CVT_RETRY_TOL_MPS. */
        for (int i = 1; i <= 5 && !(fabs(vn - v1) <= tol); i++) {
            vn = eval_force(v, &x, f * (1.0 - 0.002 * i), dt, grade, gear, pe, &out);
            tol = CVT_RETRY_TOL_MPS;
        }
    }
    if (isnan(vn))
        return;
    o->fuel_g = out.fuel_g;
    o->nox_g = out.nox_g;
    o->battery_j = out.energy.battery_j;
    o->gear = out.gear;
    o->feasible = fabs(vn - v1) <= tol &&
                  (gear <= 0 || v->gearbox.type != ECO_TX_STEPPED || out.gear == gear);
}

double eco_mpc_level_power_w(const eco_vehicle *v, int l, int n)
{
    return l <= 0 ? -1.0 : v->engine.rated_power_w * pow((double)l / n, 1.5);
}

static double best_line_fuel(const eco_engine *e, double p)
{
    double w = eco_curve_eval(&e->best_speed, p);
    return eco_engine_fuel_gps(e, w, p / w);
}

int eco_mpc_fuel_fit_make(const eco_vehicle *v, eco_mpc_fuel_fit *fit)
{
    memset(fit, 0, sizeof *fit);
    if (v->powertrain == ECO_PT_BEV)
        return ECO_EINVAL;
    const eco_engine *e = &v->engine;
    fit->p_lo_w = 0.1 * e->rated_power_w;
    fit->p_hi_w = 0.9 * e->rated_power_w;
    gsl_matrix *X = gsl_matrix_alloc(FIT_POINTS, 3);
    gsl_vector *y = gsl_vector_alloc(FIT_POINTS);
    gsl_vector *c = gsl_vector_alloc(3);
    gsl_matrix *cov = gsl_matrix_alloc(3, 3);
    gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(FIT_POINTS, 3);
    int rc = ECO_ENOMEM;
    if (!X || !y || !c || !cov || !ws)
        goto out;
    for (int k = 0; k < FIT_POINTS; k++) {
        double p = fit->p_lo_w + (fit->p_hi_w - fit->p_lo_w) * k / (FIT_POINTS - 1);
        gsl_matrix_set(X, k, 0, 1.0);
        gsl_matrix_set(X, k, 1, p);
        gsl_matrix_set(X, k, 2, p * p);
        gsl_vector_set(y, k, best_line_fuel(e, p));
    }
    double chisq;
    rc = ECO_EINVAL;
    if (gsl_multifit_linear(X, y, c, cov, &chisq, ws) != GSL_SUCCESS)
        goto out;
    fit->a0 = gsl_vector_get(c, 0);
    fit->a1 = gsl_vector_get(c, 1);
    fit->a2 = gsl_vector_get(c, 2);
    for (int k = 0; k < FIT_POINTS; k++) {
        double p = gsl_matrix_get(X, k, 1), m = gsl_vector_get(y, k);
        fit->max_rel_err = fmax(fit->max_rel_err, fabs(eco_mpc_fuel_fit_eval(fit, p) - m) / m);
    }
    /* Best efficiency: min of f(P)/P, at P = sqrt(a0/a2) for a convex fit. */
    double pb = fit->a2 > 0.0 && fit->a0 > 0.0 ? sqrt(fit->a0 / fit->a2) : fit->p_hi_w;
    fit->p_best_w = fmin(fmax(pb, fit->p_lo_w), fit->p_hi_w);
    rc = ECO_OK;
out:
    gsl_multifit_linear_free(ws);
    gsl_matrix_free(cov);
    gsl_vector_free(c);
    gsl_vector_free(y);
    gsl_matrix_free(X);
    return rc;
}

double eco_mpc_fuel_fit_eval(const eco_mpc_fuel_fit *f, double p)
{
    return f->a0 + f->a1 * p + f->a2 * p * p;
}

double eco_mpc_equivalence_nominal(const eco_vehicle *v)
{
    if (v->powertrain == ECO_PT_BEV)
        return 1.0;
    if (!is_hybrid(v))
        return 0.0;
    eco_mpc_fuel_fit fit;
    if (eco_mpc_fuel_fit_make(v, &fit))
        return 2.5;
    /* Fuel energy per J of engine work at the margin, at the engine's best point. */
    return v->fuel.lhv_j_per_g * (fit.a1 + 2.0 * fit.a2 * fit.p_best_w);
}

/* Least cost per J of engine work along the engine's best line (the line the split runs
 * it on), sampled at 1 % of rated power: fuel_per_g x fuel + nox_per_mg x NOx per J. */
static double least_cost_per_j(const eco_vehicle *veh, double fuel_per_g, double nox_per_mg)
{
    const eco_engine *e = &veh->engine;
    double best = INFINITY;
    for (int i = 1; i <= 100; i++) {
        double p = e->rated_power_w * i / 100.0;
        double we = eco_curve_eval(&e->best_speed, p);
        double te = we > 0.0 ? p / we : 0.0;
        if (!(te > 0.0) || te > eco_engine_max_torque_nm(e, we) + 1e-9)
            continue;
        double fuel = eco_engine_fuel_gps(e, we, te);
        double nox = eco_engine_nox_gps(e, we, te, fuel);
        best = fmin(best, (fuel_per_g * fuel + nox_per_mg * 1e3 * nox) / p);
    }
    return best;
}

double eco_mpc_equivalence_cost(const eco_vehicle *veh, const eco_mpc_weights *w)
{
    double s0 = eco_mpc_equivalence_nominal(veh);
    if (!is_hybrid(veh) || !(w->fuel_per_g > 0.0) || !(w->nox_per_mg > 0.0))
        return s0;
    double with_nox = least_cost_per_j(veh, w->fuel_per_g, w->nox_per_mg);
    double fuel_only = least_cost_per_j(veh, w->fuel_per_g, 0.0);
    return isfinite(with_nox) && isfinite(fuel_only) && fuel_only > 0.0 ? s0 * with_nox / fuel_only
                                                                        : s0;
}

/* ---- present-step allocation ------------------------------------------------------- */

typedef struct {
    const eco_vehicle *v;
    const eco_state *x;
    const eco_mpc_weights *w;
    double v1, dt, grade, force, s, lhv;
    eco_mpc_engine_terms eng;
    int keep_gear;
} alloc_ctx;

/* Cost of a command, or INFINITY if it misses v1; *miss gets the speed error. */
static double try_cmd(const alloc_ctx *a, const eco_command *u, double *miss)
{
    eco_state next;
    eco_step_out out;
    if (eco_model_step(a->v, a->x, u, a->grade, a->dt, &next, &out) != ECO_OK) {
        *miss = INFINITY;
        return INFINITY;
    }
    *miss = fabs(next.speed_mps - a->v1);
    double c =
        eco_mpc_fuel_nox_cost(a->w, out.fuel_g + a->s * out.energy.battery_j / a->lhv, out.nox_g);
    return *miss <= 1e-4 ? c : INFINITY;
}

static double try_power(const alloc_ctx *a, const eco_command *base, double pe, double *miss)
{
    eco_command u = *base;
    u.engine_on = pe >= 0.0;
    u.engine_power_w = fmax(pe, 0.0);
    /* Near a tie between engine on and off the cheaper side flips from step to step: without
     * a price on switching the MPC started the engine many times more often than the DP or
     * the baseline (docs/mpc.md, "Engine starts are free in the model"). */
    double c = try_cmd(a, &u, miss);
    int was_on = a->x->engine_on != 0;
    if (u.engine_on && !was_on)
        c += a->eng.start_cost;
    if (!u.engine_on)
        c += a->eng.stop_cost; /* stopped after this step: a start later, or not */
    return u.engine_on != was_on ? c + a->w->engine_switch : c;
}

/* The least cost and the least speed miss over the choices tried, and the choice that gave
 * each: an engine power (W, -1 off) for a hybrid, a gear for a stepped box. */
typedef struct {
    double cost, miss;
    double best, closest;
} alloc_pick;

static void pick(alloc_pick *p, double choice, double cost, double miss)
{
    if (cost < p->cost) {
        p->cost = cost;
        p->best = choice;
    }
    if (miss < p->miss) {
        p->miss = miss;
        p->closest = choice;
    }
}

/* Golden section on the engine power between the neighbouring levels of power p_level (the
 * cost is smooth in power): the least cost of the last bracket, its power to *p_best. */
static double golden_power(const alloc_ctx *a, const eco_command *base, double p_level,
                           double *p_best)
{
    const double g = 0.6180339887498949;
    double lo = fmax(1.0, p_level * 0.6), hi = fmin(a->v->engine.rated_power_w, p_level * 1.4);
    double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo), miss;
    double c1 = try_power(a, base, x1, &miss), c2 = try_power(a, base, x2, &miss);
    for (int it = 0; it < 4; it++) {
        if (c1 <= c2) {
            hi = x2;
            x2 = x1;
            c2 = c1;
            x1 = hi - g * (hi - lo);
            c1 = try_power(a, base, x1, &miss);
        } else {
            lo = x1;
            x1 = x2;
            c1 = c2;
            x2 = lo + g * (hi - lo);
            c2 = try_power(a, base, x2, &miss);
        }
    }
    *p_best = c1 <= c2 ? x1 : x2;
    return fmin(c1, c2);
}

static int alloc_hybrid(alloc_ctx *a, int n_levels, eco_command *cmd, double *cost)
{
    int engine = a->eng.engine;
    eco_command base;
    eco_control_force_to_command(a->v, a->x, 0, a->force, &base);
    alloc_pick pk = {INFINITY, INFINITY, -1.0, -1.0};
    for (int l = engine == 1 ? 1 : 0; l <= (engine == 0 ? 0 : n_levels); l++) {
        double p = eco_mpc_level_power_w(a->v, l, n_levels), miss;
        double c = try_power(a, &base, p, &miss);
        pick(&pk, p, c, miss);
    }
    if (pk.best > 0.0) {
        double p;
        double c = golden_power(a, &base, pk.best, &p);
        pick(&pk, p, c, INFINITY);
    }
    if (!isfinite(pk.cost) && engine >= 0) {
        a->eng.engine = -1; /* the plan's state cannot do it */
        return alloc_hybrid(a, n_levels, cmd, cost);
    }
    int rc = ECO_OK;
    double p = pk.best;
    if (!isfinite(pk.cost)) {
        p = pk.closest;
        rc = ECO_ERANGE;
    }
    *cmd = base;
    cmd->engine_on = p >= 0.0;
    cmd->engine_power_w = fmax(p, 0.0);
    *cost = pk.cost;
    return rc;
}

/* Of the gears that make the step at no more than `within` cost, the one nearest to the
 * present gear (of two as near, the cheaper), or 0 if none: a gear that cannot go on is left
 * for the next that can, as a driver shifts down through the box, and of gears that cost
 * alike (all of them nothing on overrun) the one fewest steps away wins. */
static int nearest_gear(const double *cost_by_gear, int n_gears, int present, double within)
{
    int near = 0;
    for (int k = 1; k <= n_gears; k++) {
        if (!isfinite(cost_by_gear[k]) || !(cost_by_gear[k] <= within))
            continue;
        int d = abs(k - present), dn = abs(near - present);
        if (!near || d < dn || (d == dn && cost_by_gear[k] < cost_by_gear[near]))
            near = k;
    }
    return near;
}

/* A stepped box: the cheapest gear, but the present one while a shift saves less than 1 %
 * or the gear is within its hold time (a->keep_gear) and can make the step; when the
 * present gear must be left, the nearest that will do. */
static int alloc_stepped(const alloc_ctx *a, eco_command *cmd, double *cost)
{
    const eco_vehicle *v = a->v;
    double by_gear[ECO_GEARS_MAX + 1];
    int present = a->x->gear, n = v->gearbox.n_gears;
    alloc_pick pk = {INFINITY, INFINITY, 0.0, present};
    eco_command u;
    for (int k = 1; k <= n; k++) {
        eco_control_force_to_command(v, a->x, k, a->force, &u);
        u.engine_on = 1;
        double miss;
        by_gear[k] = try_cmd(a, &u, &miss);
        pick(&pk, k, by_gear[k], miss);
    }
    /* Only gears that keep the engine clear of idle to the step's end (by the baseline's
     * margin, 1.15 x idle) are chosen while any can make the step: at idle the clutch
     * slips and the idling engine pushes, which the cost of the step does not see. */
    double clear[ECO_GEARS_MAX + 1], least = INFINITY;
    double ww = fmin(a->x->speed_mps, a->v1) / v->wheel_radius_m * v->gearbox.final_drive;
    for (int k = 1; k <= n; k++) {
        int clear_of_idle = ww * v->gearbox.ratio[k - 1] >= 1.15 * v->engine.idle_speed_radps;
        clear[k] = clear_of_idle ? by_gear[k] : INFINITY;
        least = fmin(least, clear[k]);
    }
    const double *c = isfinite(least) ? clear : by_gear;
    double cheapest = isfinite(least) ? least : pk.cost;
    int held = a->keep_gear && present >= 1 && present <= n;
    double within = held && isfinite(c[present]) ? c[present]
                    : held                       ? INFINITY
                                                 : cheapest * 1.01 + 1e-9;
    int rc = ECO_OK, gear = isfinite(cheapest) ? nearest_gear(c, n, present, within) : 0;
    if (!gear) {
        gear = (int)pk.closest;
        rc = ECO_ERANGE;
    }
    eco_control_force_to_command(v, a->x, gear, a->force, cmd);
    cmd->engine_on = 1;
    *cost = rc == ECO_OK ? by_gear[gear] : pk.cost;
    return rc;
}

int eco_mpc_allocate(const eco_mpc_alloc_context *ctx, const eco_mpc_alloc_request *req,
                     eco_command *cmd, double *cost)
{
    const eco_vehicle *v = ctx->veh;
    const eco_state *x = req->x;
    double v1 = req->v1_mps, dt = req->dt_s, grade = req->grade_rad;
    if (v1 < 1e-3)
        v1 = 0.0; /* a stop, not a crawl at a millimetre a second */
    double lhv = is_hybrid(v) ? v->fuel.lhv_j_per_g : ECO_MPC_LHV_REF_J_PER_G;
    alloc_ctx a = {.v = v,
                   .x = x,
                   .w = ctx->w,
                   .v1 = v1,
                   .dt = dt,
                   .grade = grade,
                   .s = ctx->s_equiv,
                   .lhv = lhv,
                   .eng = ctx->eng,
                   .keep_gear = req->keep_gear};
    a.force = eco_control_force_for(v, x->speed_mps, v1, dt, grade);
    if (v1 <= 0.0)
        a.force = fmin(a.force, 0.0); /* road load does the stopping; never throttle to stop */
    memset(cmd, 0, sizeof *cmd);
    if (is_hybrid(v))
        return alloc_hybrid(&a, ctx->n_levels, cmd, cost);
    if (v->powertrain == ECO_PT_CONV && v->gearbox.type == ECO_TX_STEPPED)
        return alloc_stepped(&a, cmd, cost);
    eco_control_force_to_command(v, x, 0, a.force, cmd);
    cmd->engine_on = 1;
    double miss;
    *cost = try_cmd(&a, cmd, &miss);
    if (isfinite(*cost))
        return ECO_OK;
    /* Not realised (a limit binds): the throttle that comes closest, a little below the
     * one asked, since near its limit the plant can deliver less at more throttle. */
    if (cmd->throttle > 0.0) {
        eco_command u = *cmd, best = *cmd;
        double best_miss = miss;
        for (int i = 1; i <= 6; i++) {
            u.throttle = cmd->throttle * (1.0 - 0.03 * i);
            double m;
            try_cmd(&a, &u, &m);
            if (m < best_miss) {
                best_miss = m;
                best = u;
            }
        }
        *cmd = best;
    }
    return ECO_ERANGE;
}
