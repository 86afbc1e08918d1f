/* The route MPC: settings, the workspace in one block, the step (re-plan at a stage
 * boundary, follow the plan between, allocate the present step) and the controller. See
 * include/ecodrive/mpc_route.h and docs/route.md. */
#include "control_internal.h"
#include "ecodrive/units.h"
#include "mpc_route_internal.h"

#include <math.h>
#include <string.h>

/* The equivalence factor moves on a grid of this share of its nominal value, so the rate
 * table's levels are collapsed again only when the SOC has moved (ours). */
#define S_STEP_REL 0.02
/* The speed the kinetic energy's worth is measured at, and the acceleration (ours: a
 * mid-range cruise). */
#define KIN_V_MPS  20.0
#define KIN_A_MPS2 0.3

void eco_mpc_route_settings_default(eco_mpc_route_settings *s)
{
    s->stage_m = 20.0;
    s->stage_s = 1.8;
    s->grid_kmh = 1.8;
    s->horizon_m = 2000.0;
    s->block_m = 500.0;
    s->lo_drop_kmh = 20.0;
    s->lo_frac = 0.7;
    s->lo_launch_mps2 = 0.5;
    s->lo_brake_mps2 = 0.5;
    s->accel_max_mps2 = 2.5;
    s->decel_max_mps2 = 3.0;
    s->margin_kmh = 0.2;
    s->n_engine_levels = 12;
    s->soc_gain = 10.0;
    s->time_price_per_s = 0.3;
    s->lo_scale = 1.0;
}

static int settings_check(const eco_mpc_route_settings *s)
{
    if (!(s->stage_m >= 1.0 && s->stage_m <= 200.0) || !(s->stage_s >= 0.0 && s->stage_s <= 10.0) ||
        !(s->grid_kmh >= 0.1 && s->grid_kmh <= 10.0) || !(s->horizon_m >= s->stage_m) ||
        !(s->block_m >= 0.0) || !(s->lo_frac >= 0.0 && s->lo_frac <= 1.0) ||
        !(s->lo_drop_kmh >= 0.0) || !(s->lo_launch_mps2 > 0.0) || !(s->lo_brake_mps2 > 0.0) ||
        !(s->accel_max_mps2 > 0.0) || !(s->decel_max_mps2 > 0.0) || !(s->margin_kmh >= 0.0) ||
        s->n_engine_levels < 1 || !(s->soc_gain >= 0.0) || !(s->time_price_per_s >= 0.0) ||
        !(s->lo_scale >= 0.0 && s->lo_scale <= 1.0)) {
        eco_set_error("mpc route: settings out of range");
        return ECO_EINVAL;
    }
    return ECO_OK;
}

/* The block: the workspace, then its arrays (count with base NULL, carve with it). */
static size_t layout(eco_mpc_route_ws *ws, char *base)
{
    eco_mpc_carver c = {base, 0};
    eco_mpc_carve(&c, sizeof *ws);
    size_t np = (size_t)ws->n_pts, cells = (size_t)ws->rt.n_v * (size_t)ws->rt.n_a,
           lev = cells * (size_t)ws->rt.n_lev;
    ws->rt.cost_gps = eco_mpc_carve(&c, lev * sizeof(float));
    ws->rt.batt_w = eco_mpc_carve(&c, lev * sizeof(float));
    ws->rt.eq_gps = eco_mpc_carve(&c, cells * sizeof(float));
    ws->rt.eq_batt_w = eco_mpc_carve(&c, cells * sizeof(float));
    ws->rt.eq_gps_b = eco_mpc_carve(&c, cells * sizeof(float));
    ws->rt.eq_batt_w_b = eco_mpc_carve(&c, cells * sizeof(float));
    ws->pos_m = eco_mpc_carve(&c, np * sizeof(double));
    ws->shift_mps2 = eco_mpc_carve(&c, np * sizeof(double));
    ws->jlo = eco_mpc_carve(&c, np * sizeof(int));
    ws->jhi = eco_mpc_carve(&c, np * sizeof(int));
    ws->stop = eco_mpc_carve(&c, np);
    ws->V = eco_mpc_carve(&c, np * (size_t)ws->n_nodes * sizeof(double));
    ws->pol = eco_mpc_carve(&c, np * (size_t)ws->n_nodes * sizeof(int16_t));
    ws->V_b = eco_mpc_carve(&c, np * (size_t)ws->n_nodes * sizeof(double));
    ws->pol_b = eco_mpc_carve(&c, np * (size_t)ws->n_nodes * sizeof(int16_t));
    ws->plan_v = eco_mpc_carve(&c, np * sizeof(double));
    return c.used;
}

double eco_route_collapse_value(const eco_mpc_route_ws *ws, double s)
{
    double q = S_STEP_REL * ws->s_nom;
    if (ws->hybrid && q > 0.0)
        s = q * round(s / q);
    return s * ws->w.fuel_per_g / ws->lhv;
}

void eco_route_collapse_at(eco_mpc_route_ws *ws, double s)
{
    double sc = eco_route_collapse_value(ws, s);
    if (!(ws->rt.s_coll == sc))
        eco_route_rates_collapse(&ws->rt, sc);
}

/* What a joule of kinetic energy costs to make at a cruise: the horizon's end values it so. */
static double kinetic_cost_per_j(const eco_mpc_route_ws *ws)
{
    double b, c0 = eco_route_rate(&ws->rt, KIN_V_MPS, 0.0, &b);
    double c1 = eco_route_rate(&ws->rt, KIN_V_MPS, KIN_A_MPS2, &b);
    double k = (c1 - c0) / (ws->m_eff * KIN_A_MPS2 * KIN_V_MPS);
    return isfinite(k) && k > 0.0 ? k : 0.0;
}

static const eco_control_kind ROUTE_MPC;

/* The workspace for n_pts grid points and limits up to v_max_mps (route may be NULL: a
 * window, eco_mpc_route_window_set gives it later). */
static eco_mpc_route_ws *create_sized(const eco_vehicle *veh, const eco_route *route, int n_pts,
                                      double v_max_mps, double dt_s,
                                      const eco_mpc_route_settings *s, const eco_mpc_weights *w)
{
    eco_mpc_route_settings sdef;
    eco_mpc_weights wdef;
    if (!s) {
        eco_mpc_route_settings_default(&sdef);
        s = &sdef;
    }
    if (!w) {
        eco_mpc_weights_default(&wdef);
        w = &wdef;
    }
    if (settings_check(s) || eco_control_plans_for(veh, "route mpc"))
        return NULL;
    eco_mpc_route_ws tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.set = *s;
    tmp.dv_mps = s->grid_kmh / ECO_KMH_PER_MPS;
    tmp.n_nodes = (int)ceil(v_max_mps / tmp.dv_mps) + 2;
    tmp.n_pts = tmp.cap_pts = n_pts;
    tmp.v_max_mps = v_max_mps;
    eco_route_rates_count(veh, s, v_max_mps + 2.0 * tmp.dv_mps, &tmp.rt);
    size_t bytes = layout(&tmp, NULL);
    char *mem = eco_malloc(bytes);
    if (!mem) {
        eco_set_error("mpc route: out of memory (%zu bytes)", bytes);
        return NULL;
    }
    eco_mpc_route_ws *ws = (eco_mpc_route_ws *)mem;
    *ws = tmp;
    layout(ws, mem);
    ws->veh = veh;
    ws->route = route;
    ws->w = *w;
    ws->dt_s = dt_s;
    ws->hybrid = veh->powertrain == ECO_PT_HEV || veh->powertrain == ECO_PT_PHEV;
    ws->lhv = ws->hybrid ? veh->fuel.lhv_j_per_g : ECO_MPC_LHV_REF_J_PER_G;
    ws->s_nom =
        ws->hybrid ? eco_mpc_equivalence_cost(veh, w) : (veh->powertrain == ECO_PT_BEV ? 1.0 : 0.0);
    ws->s_equiv = ws->s_nom;
    ws->m_eff = veh->mass_kg + veh->rotating_mass_kg;
    ws->price_s = s->time_price_per_s;
    ws->soc_target = veh->battery.soc_init;
    eco_route_rates_build(veh, w, veh->battery.soc_init, &ws->rt);
    eco_route_collapse_at(ws, ws->s_nom);
    ws->kin_cost_per_j = kinetic_cost_per_j(ws);
    if (route)
        eco_route_grid_fill(ws);
    eco_control_init(&ws->ctl, &ROUTE_MPC, veh, dt_s, 1);
    eco_mpc_route_reset(ws);
    return ws;
}

eco_mpc_route_ws *eco_mpc_route_create(const eco_vehicle *veh, const eco_route *route, double dt_s,
                                       const eco_mpc_route_settings *s, const eco_mpc_weights *w)
{
    eco_mpc_route_settings sdef;
    if (!s) {
        eco_mpc_route_settings_default(&sdef);
        s = &sdef;
    }
    return create_sized(veh, route, eco_route_grid_count(route, s), route->limit_max_mps, dt_s, s,
                        w);
}

eco_mpc_route_ws *eco_mpc_route_create_window(const eco_vehicle *veh, double v_max_mps, int max_pts,
                                              double dt_s, const eco_mpc_route_settings *s,
                                              const eco_mpc_weights *w)
{
    if (!(v_max_mps > 0.0) || max_pts < 2) {
        eco_set_error("mpc route: a window needs a top speed > 0 and at least 2 points");
        return NULL;
    }
    return create_sized(veh, NULL, max_pts, v_max_mps, dt_s, s, w);
}

int eco_mpc_route_points(const eco_route *route, const eco_mpc_route_settings *s)
{
    return eco_route_grid_count(route, s);
}

int eco_mpc_route_window_set(eco_mpc_route_ws *ws, const eco_route *route, int open_end)
{
    int n = eco_route_grid_count(route, &ws->set);
    if (n > ws->cap_pts || route->limit_max_mps > ws->v_max_mps + 1e-9)
        return ECO_ERANGE;
    ws->route = route;
    ws->n_pts = n;
    ws->open_end = open_end != 0;
    eco_route_grid_fill(ws);
    ws->follow = 0;
    ws->have_v = ws->prep.on = 0;
    eco_mpc_route_reset(ws);
    return ECO_OK;
}

void eco_mpc_route_free(eco_mpc_route_ws *ws)
{
    eco_free(ws);
}

void eco_mpc_route_locate(eco_mpc_route_ws *ws, double x, double stop_at_m, int dwelling)
{
    ws->x_m = x;
    ws->stop_at_m = stop_at_m;
    ws->dwelling = dwelling;
}

void eco_mpc_route_time_price_set(eco_mpc_route_ws *ws, double p)
{
    ws->price_s = p >= 0.0 ? p : 0.0;
}

void eco_mpc_route_soc_target_set(eco_mpc_route_ws *ws, double soc)
{
    ws->soc_target = soc;
}

void eco_mpc_route_equivalence_set(eco_mpc_route_ws *ws, double s)
{
    if (s > 0.0 && ws->hybrid)
        ws->s_nom = s;
}

void eco_mpc_route_lo_scale_set(eco_mpc_route_ws *ws, double scale)
{
    ws->set.lo_scale = scale > 1.0 ? 1.0 : (scale > 0.0 ? scale : 0.0);
    eco_route_grid_fill(ws);
    ws->follow = 0;
    ws->have_plan = ws->have_v = ws->prep.on = 0;
}

double eco_mpc_route_lo_scale(const eco_mpc_route_ws *ws)
{
    return ws->set.lo_scale;
}

void eco_mpc_route_reset(eco_mpc_route_ws *ws)
{
    if (!ws->follow)
        ws->have_plan = 0;
    ws->was_dwelling = 0;
    ws->replan_pending = 0;
    ws->left_stop_m = 0.0;
    ws->replans = ws->full_replans = 0;
    ws->s_equiv = ws->s_nom;
    ws->gear_shifted_at_s = -INFINITY;
    memset(&ws->last_safe, 0, sizeof ws->last_safe);
}

void eco_mpc_route_stats(const eco_mpc_route_ws *ws, long *replans, double *s_equiv)
{
    *replans = ws->replans;
    *s_equiv = ws->s_equiv;
}

/* ---- as a controller --------------------------------------------------------------- */

static int ctl_step(eco_controller *c, const eco_observation *obs, const eco_preview *pv,
                    eco_setpoint *sp)
{
    (void)pv; /* the route is the preview: eco_mpc_route_locate says where the car is */
    return eco_mpc_route_step((eco_mpc_route_ws *)c, obs, sp);
}

static void ctl_reset(eco_controller *c)
{
    eco_mpc_route_reset((eco_mpc_route_ws *)c);
}

static const eco_control_kind ROUTE_MPC = {"mpc", ctl_step, ctl_reset, eco_control_free};

eco_controller *eco_mpc_route_controller(eco_mpc_route_ws *ws)
{
    return &ws->ctl;
}

eco_mpc_route_ws *eco_mpc_route_controller_ws(eco_controller *c)
{
    return c && c->step == ctl_step ? (eco_mpc_route_ws *)c : NULL;
}

const eco_mpc_weights *eco_mpc_route_weights(const eco_mpc_route_ws *ws)
{
    return &ws->w;
}

/* ---- the step ---------------------------------------------------------------------- */

void eco_route_equivalence_update(eco_mpc_route_ws *ws, double soc)
{
    if (!ws->hybrid)
        return;
    double s = ws->s_nom * (1.0 + ws->set.soc_gain * (ws->soc_target - soc));
    ws->s_equiv = fmin(fmax(s, 0.2 * ws->s_nom), 4.0 * ws->s_nom);
}
