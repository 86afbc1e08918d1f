#include "route_runner.h"

#include "ecodrive/common.h"
#include "ecodrive/units.h"

#include <math.h>
#include <string.h>

/* A car standing short of a stop, within ECO_ROUTE_STAND_SHORT_M, has arrived once it has stood
 * this long (ours): long enough that a car braking through 0.36 km/h on its way to the
 * point is not taken as standing, short against the shortest dwells of a drive's stops. */
#define STAND_SHORT_S 2.0
/* The reference's braking on a route: the IDM's comfortable deceleration (Treiber et al.). */
#define REF_DECEL_MPS2 1.67

/* The driver means no more than this above what the car does (it cannot keep up on a steep
 * hill or with a weak engine): ours, so that the intention stays a driver's. */
#define IDM_LEAD_MPS 2.0

static void idm_fill(eco_sim_route_planner *p, const eco_sim_route_status *st,
                     const eco_observation *obs, double dt, int n, eco_preview *pv)
{
    (void)n;
    eco_sim_idm_driver *d = p->ctx;
    double v = st->dwelling ? 0.0
                            : eco_idm_target_mps(&d->params, st->route, st->distance_m,
                                                 d->speed_mps, st->stop_at_m, dt);
    d->speed_mps = v = fmin(v, obs->speed_mps + IDM_LEAD_MPS);
    pv->n = 1;
    pv->dt_s = dt;
    pv->speed_ref_mps[0] = pv->speed_lo_mps[0] = pv->speed_hi_mps[0] = v;
    pv->grade_rad[0] = eco_route_grade_rad(st->route, st->distance_m + obs->speed_mps * dt);
    pv->distance_gap_m = 0.0;
    pv->soc_target = st->soc_start;
}

static void idm_reset(eco_sim_route_planner *p)
{
    ((eco_sim_idm_driver *)p->ctx)->speed_mps = 0.0;
}

void eco_sim_route_planner_idm(eco_sim_route_planner *p, eco_sim_idm_driver *d)
{
    eco_idm_params_default(&d->params);
    d->speed_mps = 0.0;
    p->name = "idm";
    p->fill = idm_fill;
    p->reset = idm_reset;
    p->ctx = d;
}

/* Room for one more sample in every per-step array. */
static int reserve(eco_sim_route_result *r, int *cap)
{
    if (r->run.n_series < *cap)
        return ECO_OK;
    int c = *cap ? 2 * *cap : 8192;
    void *s = eco_realloc(r->run.series, sizeof(eco_sim_sample) * (size_t)c);
    if (s)
        r->run.series = s;
    double *u = eco_realloc(r->run.solve_us, sizeof(double) * (size_t)c);
    if (u)
        r->run.solve_us = u;
    double *d = eco_realloc(r->distance_m, sizeof(double) * (size_t)c);
    if (d)
        r->distance_m = d;
    double *l = eco_realloc(r->limit_kmh, sizeof(double) * (size_t)c);
    if (l)
        r->limit_kmh = l;
    if (!s || !u || !d || !l)
        return ECO_ENOMEM;
    *cap = c;
    return ECO_OK;
}

/* The next stop after row k (the end is the last). */
static void aim_at(const eco_route *route, int k, eco_sim_route_status *st)
{
    st->next_stop = k;
    st->stop_at_m = route->row[k].distance_m;
    st->stop_s = route->row[k].stop_s;
}

/* After a step: arrive, stand, leave. Returns 1 once the car rests at the end. */
static int advance(const eco_route *route, const eco_state *x, double dt, eco_sim_route_status *st,
                   eco_sim_route_result *r)
{
    st->distance_m = x->distance_m;
    if (st->dwelling) {
        st->dwell_left_s -= dt;
        if (st->dwell_left_s > 1e-9)
            return 0;
        st->dwelling = 0;
        if (st->next_stop == route->n - 1)
            return 1;
        aim_at(route, eco_route_next_stop(route, st->stop_at_m, 0, NULL, NULL), st);
        return 0;
    }
    double short_m = st->stop_at_m - x->distance_m;
    if (short_m > ECO_ROUTE_STAND_SHORT_M || x->speed_mps > ECO_ROUTE_ARRIVED_MPS) {
        st->standing_s = 0.0;
        return 0;
    }
    if (short_m > ECO_ROUTE_ARRIVE_M) { /* standing short: the daemon's odometry (route.h) */
        st->standing_s += dt;
        if (st->standing_s < STAND_SHORT_S - 1e-9)
            return 0;
        r->stops_short++;
        r->stops_short_max_m = fmax(r->stops_short_max_m, short_m);
    }
    st->standing_s = 0.0;
    r->stops++;
    st->dwelling = 1;
    st->dwell_left_s = st->stop_s;
    return st->stop_s <= 0.0 && st->next_stop == route->n - 1;
}

static void begin(const eco_vehicle *veh, const eco_route *route, const eco_sim_options *o,
                  eco_state *x, eco_sim_route_status *st, eco_sim_route_result *r)
{
    memset(r, 0, sizeof *r);
    eco_model_state_init(veh, o->engine_hot, x);
    memset(st, 0, sizeof *st);
    st->route = route;
    st->soc_start = x->soc;
    r->run.total.soc_start = r->run.total.soc_end = x->soc;
    aim_at(route, eco_route_next_stop(route, 0.0, 1, NULL, NULL), st);
    if (st->stop_at_m <= 0.0) { /* a stand-still before setting off */
        st->dwelling = 1;
        st->dwell_left_s = st->stop_s;
        r->stops = 1;
    }
    r->route_m = eco_route_length_m(route);
    r->dwell_s = eco_route_dwell_s(route);
}

int eco_sim_route_run(const eco_vehicle *veh, const eco_route *route, eco_controller *ctl,
                      eco_sim_route_planner *planner, const eco_sim_options *o,
                      eco_sim_route_result *r)
{
    eco_state x, next;
    eco_sim_route_status st;
    begin(veh, route, o, &x, &st, r);
    double dt = o->dt_s;
    long max_steps = (long)((r->route_m / 1.0 + r->dwell_s + 600.0) / dt);
    eco_step_out out;
    memset(&out, 0, sizeof out);
    ctl->reset(ctl);
    planner->reset(planner);
    int cap = 0, rc, done = 0;
    for (long k = 0; !done; k++) {
        if (k >= max_steps) {
            eco_set_error("%s: the car did not rest at the end within %.0f s (at %.1f of %.1f m)",
                          route->name, max_steps * dt, x.distance_m, r->route_m);
            return ECO_ESOLVER;
        }
        if ((rc = reserve(r, &cap)))
            return rc;
        double grade = eco_route_grade_rad(route, x.distance_m);
        eco_observation obs;
        eco_preview pv;
        eco_observation_from_plant(veh, &x, k ? &out : NULL, grade, &obs);
        planner->fill(planner, &st, &obs, dt, ctl->preview_n, &pv);
        eco_setpoint sp;
        int64_t t0 = eco_clock_ns(CLOCK_MONOTONIC);
        int crc = ctl->step(ctl, &obs, &pv, &sp);
        r->run.solve_us[r->run.n_solve++] =
            (double)(eco_clock_ns(CLOCK_MONOTONIC) - t0) / ECO_NS_PER_US;
        r->run.invalid_setpoints += crc || !sp.valid;
        if ((rc = eco_model_step(veh, &x, &sp.cmd, grade, dt, &next, &out)))
            return rc;
        double limit = eco_route_limit_mps(route, next.distance_m);
        r->over_limit_s += next.speed_mps > limit + 1e-9 ? dt : 0.0;
        r->over_limit_max_kmh =
            fmax(r->over_limit_max_kmh, (next.speed_mps - limit) * ECO_KMH_PER_MPS);
        done = advance(route, &next, dt, &st, r);
        /* The reference stands still exactly while the car must: from its arrival at a
         * stop for the dwell. Otherwise it is the legal limit-following speed at the car's
         * place, no slower than arriving (docs/route.md). */
        double ref = st.dwelling || done
                         ? 0.0
                         : fmax(eco_route_envelope_mps(route, next.distance_m, REF_DECEL_MPS2),
                                ECO_ROUTE_ARRIVED_MPS);
        eco_sim_totals_add(&r->run.total, &x, &next, &out, ref, 0.0, limit, dt);
        r->distance_m[r->run.n_series] = next.distance_m;
        r->limit_kmh[r->run.n_series] = limit * ECO_KMH_PER_MPS;
        eco_sim_series_add(&r->run, &next, &out, &sp.cmd, ref, 0.0, limit);
        x = next;
    }
    r->trip_time_s = r->run.total.duration_s;
    r->run.total.ref_distance_m = r->route_m;
    r->run.n_phases = 1;
    snprintf(r->run.phase_def[0].name, sizeof r->run.phase_def[0].name, "all");
    r->run.phase_def[0].t1_s = r->trip_time_s;
    r->run.phase[0] = r->run.total;
    return ECO_OK;
}

void eco_sim_route_result_free(eco_sim_route_result *r)
{
    eco_sim_result_free(&r->run);
    eco_free(r->distance_m);
    eco_free(r->limit_kmh);
    memset(r, 0, sizeof *r);
}

void eco_sim_route_summarize(const eco_vehicle *veh, const eco_route *route, const char *controller,
                             const eco_sim_route_result *r, eco_sim_summary *sum)
{
    eco_sim_cycle named;
    memset(&named, 0, sizeof named);
    snprintf(named.name, sizeof named.name, "%s", route->name);
    eco_sim_summarize(veh, &named, controller, &r->run, 0, sum);
    /* the reference on a route is the legal envelope, which is at the limit the moment a
     * stop's dwell ends: no driver's acceleration to compare with */
    sum->quality.ref_accel_p95_mps2 = sum->quality.ref_accel_max_mps2 = NAN;
}
