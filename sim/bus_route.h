/* The road side of `ecosim bus --route`: the IDM driver's preview (the set speed the bus
 * carries, as `ecosim run --route`'s baseline) and, each step, the map ECU's horizon frames
 * (bus_horizon.h) for the car's distance, handed to a sender. */
#ifndef ECOSIM_BUS_ROUTE_H
#define ECOSIM_BUS_ROUTE_H

#include "bus_horizon.h"
#include "route_runner.h"

typedef void (*eco_sim_bus_send)(void *ctx, const eco_can_frame *f);

typedef struct {
    eco_sim_idm_driver idm;
    eco_sim_route_planner driver;
    eco_sim_hz_ecu ecu;
    eco_sim_bus_send send;
    void *send_ctx;
    long steps;
} eco_sim_bus_route;

/* A planner p for eco_sim_route_run over route; r, db and route must outlive it. Returns
 * ECO_OK, or ECO_ENOENT when the DBC has no EcoHorizon (eco_last_error). */
int eco_sim_bus_route_planner(eco_sim_route_planner *p, eco_sim_bus_route *r, const eco_can_db *db,
                              const eco_route *route, eco_sim_bus_send send, void *ctx);

#endif
