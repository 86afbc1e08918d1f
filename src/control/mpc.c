/* The eco MPC's step: the horizon samples, the SOC co-state, the bounded step with its
 * fallback, and the MPC as a controller (the horizon programme is in mpc_horizon.c, the
 * workspace in mpc_ws.c). See include/ecodrive/mpc.h and docs/mpc.md. */
#include "control_internal.h"
#include "ecodrive/mpc_route.h"
#include "mpc_internal.h"
#include "table_cache.h"

#include <math.h>
#include <string.h>

/* By default the solver's own CPU time: a deadline on work done, which preemption by other
 * processes does not trip. Some kernels account CPU time per tick (user-mode Linux; figures
 * in docs/mpc.md, "Bounded"), where a CPU deadline shorter than the tick trips at random;
 * the daemon therefore uses the wall clock with its period's budget. */
static double now_us(const eco_mpc_ws *ws)
{
    clockid_t clock = ws->set.deadline_wall_clock ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID;
    return (double)eco_clock_ns(clock) / (double)ECO_NS_PER_US;
}

/* ---- the horizon ------------------------------------------------------------------- */

static void horizon_samples(eco_mpc_ws *ws, const eco_observation *obs, const eco_preview *pv,
                            int *exact)
{
    int N = ws->dims.n_stages;
    double m = ws->set.band_margin_kmh / ECO_KMH_PER_MPS;
    *exact = 1;
    for (int k = 0; k < pv->n; k++)
        if (pv->speed_hi_mps[k] - pv->speed_lo_mps[k] > BAND_EPS_MPS)
            *exact = 0;
    ws->vref[0] = ws->lo[0] = ws->hi[0] = obs->speed_mps;
    for (int i = 1; i <= N; i++) {
        int k = (int)lround(i * ws->set.stage_s / pv->dt_s) - 1;
        k = k < 0 ? 0 : (k >= pv->n ? pv->n - 1 : k);
        ws->vref[i] = pv->speed_ref_mps[k];
        double lo = pv->speed_lo_mps[k], hi = pv->speed_hi_mps[k];
        if (hi - lo > 2.0 * m) {
            lo += lo > 0.0 ? m : 0.0;
            hi -= m;
        }
        ws->lo[i] = lo;
        ws->hi[i] = hi;
        const eco_mpc_table *t = &ws->tab;
        int jl = (int)ceil(lo / t->dv_mps - 1e-9), jh = (int)floor(hi / t->dv_mps + 1e-9);
        if (jl > jh)
            jl = jh = (int)lround(ws->vref[i] / t->dv_mps);
        if (jh - jl + 1 > ws->dims.n_band_max) {
            int c = (int)lround(ws->vref[i] / t->dv_mps);
            jl = c - ws->dims.n_band_max / 2;
            jh = jl + ws->dims.n_band_max - 1;
        }
        ws->jlo[i] = jl < 0 ? 0 : (jl >= t->n_nodes ? t->n_nodes - 1 : jl);
        ws->jhi[i] = jh < 0 ? 0 : (jh >= t->n_nodes ? t->n_nodes - 1 : jh);
    }
}

/* Predicted SOC at the horizon end on the exact trace, for equivalence factor s. */
static double soc_end_exact(eco_mpc_ws *ws, double soc0, double s)
{
    const eco_mpc_table *t = &ws->tab;
    const eco_battery *b = &ws->veh->battery;
    double soc = soc0, sc = s * ws->w.fuel_per_g / ws->lhv;
    for (int i = 0; i < ws->dims.n_stages; i++) {
        int n0 = (int)lround(ws->vref[i] / t->dv_mps);
        int d = (int)lround(ws->vref[i + 1] / t->dv_mps) - n0;
        if (n0 >= t->n_nodes || d < t->off_min || d > t->off_max)
            continue;
        double best = INFINITY, bb = 0.0;
        size_t p = (size_t)n0 * (size_t)ws->n_off + (size_t)(d - t->off_min);
        for (uint64_t m = ws->pair_levels[p]; m; m &= m - 1) {
            size_t e = eco_mpc_table_at(t, n0, d, __builtin_ctzll(m));
            double c = t->cost[e] + sc * t->battery_j[e];
            if (c < best) {
                best = c;
                bb = t->battery_j[e];
            }
        }
        soc = eco_mpc_soc_after(b, soc, bb);
    }
    return soc;
}

/* The equivalence factor that equals the co-state of the terminal SOC cost:
 * s = s0 + gain * (target - soc_end(s)), found by bisection (monotone in s). */
/* SOC aimed at for the horizon's end: the target, lowered by the regen the kinetic energy
 * at the horizon's end will bring back. */
static double soc_aim(const eco_mpc_ws *ws, double target, double v_end)
{
    return target - ws->regen_share * 0.5 * ws->m_eff * v_end * v_end / ws->e_unit_j;
}

static int costate_exact(eco_mpc_ws *ws, double soc0, double target, double t0)
{
    target = soc_aim(ws, target, ws->vref[ws->dims.n_stages]);
    if (ws->soc_gain <= 0.0) {
        ws->s_equiv = ws->s0;
        return ECO_OK;
    }
    double lo = 0.2 * ws->s0, hi = 4.0 * ws->s0, s = fmin(fmax(ws->s_equiv, lo), hi);
    for (int it = 0; it < ws->set.max_iter; it++) {
        ws->st.iterations++;
        double f = s - ws->s0 - ws->soc_gain * (target - soc_end_exact(ws, soc0, s));
        if (f > 0.0)
            hi = s;
        else
            lo = s;
        s = 0.5 * (lo + hi);
        if (now_us(ws) - t0 > ws->set.deadline_us)
            return ECO_ESOLVER;
    }
    ws->s_equiv = s;
    return ECO_OK;
}

static int fallback(eco_mpc_ws *ws, eco_setpoint *sp)
{
    *sp = ws->last_safe;
    sp->valid = 0;
    ws->st.fallbacks++;
    ws->s_equiv = ws->s0; /* reset the warm start */
    ws->have_ref_prev = 0;
    return ECO_ESOLVER;
}

/* The band at preview entry k, kept band_margin inside it where it is wide enough. */
static void band_inside(const eco_mpc_ws *ws, const eco_preview *pv, int k, double *lo, double *hi)
{
    double m = ws->set.band_margin_kmh / ECO_KMH_PER_MPS;
    *lo = pv->speed_lo_mps[k];
    *hi = pv->speed_hi_mps[k];
    if (*hi - *lo > 2.0 * m) {
        *lo += *lo > 0.0 ? m : 0.0;
        *hi -= m;
    } else {
        *lo = *hi = 0.5 * (*lo + *hi);
    }
}

/* The speeds this step may end at from v0 so that a straight line on from it still meets
 * the band at every preview entry inside the first stage. The stages are a second long and
 * the band can close to 0 between two of them (a stop: docs/mpc.md, "Stops in the band"):
 * the step then aims at the stop's time, not at the next stage's. */
static void first_stage_corridor(const eco_mpc_ws *ws, const eco_preview *pv, double v0, double *lo,
                                 double *hi)
{
    int n = (int)lround(ws->set.stage_s / pv->dt_s);
    n = n < 1 ? 1 : (n > pv->n ? pv->n : n);
    *lo = -INFINITY;
    *hi = INFINITY;
    for (int k = 0; k < n; k++) {
        double l, h;
        band_inside(ws, pv, k, &l, &h);
        *lo = fmax(*lo, v0 + (l - v0) / (k + 1));
        *hi = fmin(*hi, v0 + (h - v0) / (k + 1));
    }
}

/* Band: plan over the horizon, then take the first stage's speed for this step. */
static int plan_band(eco_mpc_ws *ws, const eco_observation *obs, const eco_preview *pv, double t0,
                     double *v1)
{
    double vmean = 0.0;
    for (int i = 1; i <= ws->dims.n_stages; i++)
        vmean += ws->vref[i] / ws->dims.n_stages;
    /* PI on the distance gap around the nominal price: the integral finds the constant
     * price that equal distance needs (the DP's distance multiplier). */
    ws->price_int += ws->set.gap_integral_per_m2s * pv->distance_gap_m * pv->dt_s;
    double g = pv->distance_gap_m;
    double price = ws->price_int + ws->set.gap_gain_per_m2 * g +
                   ws->set.gap_cubic_per_m4 * g * g * g + ws->w.trip_time_per_s / fmax(vmean, 2.0);
    ws->st.last_price_per_m = price;
    double soc_end = obs->soc, *pe = ws->hybrid ? &soc_end : NULL;
    /* One programme per step; the co-state takes one relaxed fixed-point step per control
     * step (real-time iteration, warm-started from the last step). */
    int iters = 1;
    int k = -1;
    for (int it = 0; it < iters; it++) {
        ws->st.iterations++;
        k = eco_mpc_horizon_dp(ws, obs->speed_mps, obs->accel_mps2, obs->engine_on, price, obs->soc,
                               pe);
        if (now_us(ws) - t0 > ws->set.deadline_us)
            return ECO_ESOLVER;
        if (!pe || k < 0)
            break;
        /* Fixed-point step on the co-state, relaxed: warm-started across steps. */
        double aim = soc_aim(ws, pv->soc_target, ws->vref[ws->dims.n_stages]);
        double s_new = ws->s0 + ws->soc_gain * (aim - soc_end);
        s_new = fmin(fmax(s_new, 0.2 * ws->s0), 4.0 * ws->s0);
        ws->s_equiv += 0.5 * (s_new - ws->s_equiv);
    }
    double v0 = obs->speed_mps, dt = pv->dt_s;
    double target = k >= 0 ? k * ws->tab.dv_mps : pv->speed_ref_mps[0];
    /* Inside the first stage: a straight line to the planned speed (what the programme
     * costed; it cuts the reference's kinks, which saves energy), or the reference's own
     * shape plus a linearly moving offset (what tracking wants). The tracking weight picks
     * the blend: beta = w / (w + TRACK_SHAPE_REF). */
    double ref_now = pv->n > 1 ? 2.0 * pv->speed_ref_mps[0] - pv->speed_ref_mps[1] : v0;
    if (ws->have_ref_prev)
        ref_now = ws->ref_prev;
    double off0 = v0 - ref_now, off1 = target - ws->vref[1], u = dt / ws->set.stage_s;
    double beta = ws->w.tracking_per_kmh2s / (ws->w.tracking_per_kmh2s + TRACK_SHAPE_REF);
    double v_line = v0 + (target - v0) * u;
    double v_shape = pv->speed_ref_mps[0] + off0 + (off1 - off0) * u;
    double v = k >= 0 ? (1.0 - beta) * v_line + beta * v_shape : target;
    double lo, hi;
    first_stage_corridor(ws, pv, v0, &lo, &hi);
    *v1 = fmin(fmax(v, lo), hi);
    return ECO_OK;
}

/* The horizon's plan: the speed to aim at this step (*v1) and what is known of the engine
 * beyond it (*eng). ECO_OK, or ECO_ESOLVER past the deadline. */
static int plan(eco_mpc_ws *ws, const eco_observation *obs, const eco_preview *pv, double t0,
                double *v1, eco_mpc_engine_terms *eng)
{
    int exact;
    horizon_samples(ws, obs, pv, &exact);
    *v1 = pv->speed_ref_mps[0];
    if (!exact)
        return plan_band(ws, obs, pv, t0, v1);
    int rc = ws->hybrid ? costate_exact(ws, obs->soc, pv->soc_target, t0) : ECO_OK;
    if (ws->hybrid && ws->veh->engine.start_fuel_g > 0.0 && rc == ECO_OK) {
        /* Where a start costs fuel: the plant charges its own start fuel, and the liability
         * prices the start that stopping now will need within the horizon. With free starts
         * the engine_switch tie-breaker does better (docs/mpc.md, "What a start costing fuel
         * does"). */
        eng->start_cost = ws->w.fuel_per_g * ws->w.engine_start_g;
        eng->stop_cost = eco_mpc_engine_stop_liability(ws);
    }
    return rc;
}

/* The present step's command toward v1. In the band the horizon's plan, which prices a
 * start, decides the engine state. Where the plant charges for a start, a switch holds for
 * the stage the plan costed it over: replanning every step otherwise undid starts it had
 * just paid for, most engine runs lasting one step (docs/mpc.md, "What a start costing
 * fuel does"). */
static void allocate(eco_mpc_ws *ws, const eco_observation *obs, const eco_preview *pv, double v1,
                     eco_mpc_engine_terms eng, eco_command *cmd)
{
    eco_state x;
    eco_state_from_observation(obs, &x);
    double s = ws->hybrid ? ws->s_equiv : (ws->veh->powertrain == ECO_PT_BEV ? 1.0 : 0.0);
    eng.engine = ws->plan_engine;
    int hold = ws->plan_engine >= 0 && ws->veh->engine.start_fuel_g > 0.0;
    if (hold && obs->time_s < ws->engine_hold_until - ws->set.stage_s)
        ws->engine_hold_until = -INFINITY; /* time went back without a reset */
    if (hold && obs->time_s < ws->engine_hold_until)
        eng.engine = ws->engine_hold;
    eco_mpc_alloc_context ctx = {ws->veh, &ws->w, s, ws->set.n_alloc_levels, eng};
    eco_mpc_alloc_request req = {&x, v1, pv->dt_s, pv->grade_rad[0],
                                 eco_gear_hold_keep(ws->gear_shifted_at_s, obs->time_s)};
    double cost;
    eco_mpc_allocate(&ctx, &req, cmd, &cost);
    if (cmd->gear != x.gear)
        ws->gear_shifted_at_s = obs->time_s;
    if (hold && obs->time_s >= ws->engine_hold_until && cmd->engine_on != (obs->engine_on != 0)) {
        ws->engine_hold = cmd->engine_on; /* what was done, not what was planned */
        ws->engine_hold_until = obs->time_s + ws->set.stage_s - 1e-6;
    }
}

int eco_mpc_step(eco_mpc_ws *ws, const eco_observation *obs, const eco_preview *pv,
                 eco_setpoint *sp)
{
    double t0 = now_us(ws);
    ws->st.steps++;
    if (pv->n < 1 || !(pv->dt_s > 0.0) || !isfinite(obs->speed_mps) || !isfinite(obs->soc))
        return fallback(ws, sp);
    eco_mpc_engine_terms eng = {-1, 0.0, 0.0};
    ws->plan_engine = -1;
    double v1;
    if (plan(ws, obs, pv, t0, &v1, &eng))
        return fallback(ws, sp);
    memset(sp, 0, sizeof *sp);
    allocate(ws, obs, pv, v1, eng, &sp->cmd);
    if (now_us(ws) - t0 > ws->set.deadline_us)
        return fallback(ws, sp);
    sp->valid = 1;
    ws->last_safe = *sp;
    ws->ref_prev = pv->speed_ref_mps[0];
    ws->have_ref_prev = 1;
    return ECO_OK;
}

/* ---- as a controller --------------------------------------------------------------- */

static int ctl_step(eco_controller *c, const eco_observation *obs, const eco_preview *pv,
                    eco_setpoint *sp)
{
    return eco_mpc_step((eco_mpc_ws *)c, obs, pv, sp);
}

static void ctl_reset(eco_controller *c)
{
    eco_mpc_ws *ws = (eco_mpc_ws *)c;
    eco_mpc_reset(ws);
    memset(&ws->st, 0, sizeof ws->st);
}

static const eco_control_kind MPC = {"mpc", ctl_step, ctl_reset, eco_control_free};

void eco_mpc_create_args(const eco_mpc_settings **s, const eco_mpc_weights **w,
                         eco_mpc_settings *sbuf, eco_mpc_weights *wbuf)
{
    if (!*s) {
        eco_mpc_settings_default(sbuf);
        *s = sbuf;
    }
    if (!*w) {
        eco_mpc_weights_default(wbuf);
        *w = wbuf;
    }
}

eco_controller *eco_mpc_create(const eco_vehicle *veh, double dt_s, const eco_mpc_settings *s,
                               const eco_mpc_weights *w)
{
    eco_mpc_settings def;
    eco_mpc_weights wdef;
    eco_mpc_create_args(&s, &w, &def, &wdef);
    return eco_mpc_create_from(veh, dt_s, s, w, NULL);
}

eco_controller *eco_mpc_create_from(const eco_vehicle *veh, double dt_s, const eco_mpc_settings *s,
                                    const eco_mpc_weights *w, const eco_mpc_transitions *tr)
{
    eco_mpc_dims d;
    if (eco_mpc_dims_make(veh, dt_s, s, &d))
        return NULL;
    void *mem = eco_malloc(eco_mpc_ws_memsize(&d));
    if (!mem) {
        eco_set_error("mpc: out of memory");
        return NULL;
    }
    eco_mpc_ws *ws;
    if (eco_mpc_ws_create_from(veh, dt_s, s, w, &d, tr, &ws, mem)) {
        eco_free(mem);
        return NULL;
    }
    eco_control_init(&ws->ctl, &MPC, veh, dt_s, d.preview_n);
    return &ws->ctl;
}

eco_mpc_ws *eco_mpc_controller_ws(eco_controller *c)
{
    return c && c->step == ctl_step ? (eco_mpc_ws *)c : NULL;
}

const eco_mpc_weights *eco_mpc_controller_weights(eco_controller *c)
{
    eco_mpc_ws *ws = eco_mpc_controller_ws(c);
    eco_mpc_route_ws *route = eco_mpc_route_controller_ws(c);
    return ws ? &ws->w : route ? eco_mpc_route_weights(route) : NULL;
}
