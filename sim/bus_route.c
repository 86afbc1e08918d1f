/* ecosim bus --route: the driver's preview and the map ECU's frames each step (bus_route.h). */
#include "bus_route.h"

#include "ecodrive/units.h"

#include <math.h>

static void fill(eco_sim_route_planner *p, const eco_sim_route_status *st,
                 const eco_observation *obs, double dt_s, int n, eco_preview *pv)
{
    eco_sim_bus_route *r = p->ctx;
    r->driver.fill(&r->driver, st, obs, dt_s, n, pv);
    eco_can_frame f[ECO_SIM_HZ_FRAMES_MAX];
    int64_t t_ns = (int64_t)llround((double)r->steps++ * dt_s * ECO_NS_PER_S);
    int k = eco_sim_hz_ecu_frames(&r->ecu, st->distance_m, t_ns, f);
    for (int i = 0; i < k; i++)
        r->send(r->send_ctx, &f[i]);
}

static void reset(eco_sim_route_planner *p)
{
    eco_sim_bus_route *r = p->ctx;
    r->driver.reset(&r->driver);
    eco_sim_hz_ecu_init(&r->ecu, r->ecu.db, r->ecu.route, r->ecu.lookahead_m);
    r->steps = 0;
}

int eco_sim_bus_route_planner(eco_sim_route_planner *p, eco_sim_bus_route *r, const eco_can_db *db,
                              const eco_route *route, eco_sim_bus_send send, void *ctx)
{
    eco_sim_route_planner_idm(&r->driver, &r->idm);
    r->send = send;
    r->send_ctx = ctx;
    r->steps = 0;
    p->name = "bus";
    p->fill = fill;
    p->reset = reset;
    p->ctx = r;
    return eco_sim_hz_ecu_init(&r->ecu, db, route, ECO_SIM_HZ_LOOKAHEAD_M);
}
