/* The car's side of EcoBrake in `ecosim bus`: the friction brake the daemon recommends, sent
 * just before each EcoSetpoint, checked (E2E by the DBC) and paired with that setpoint. */
#ifndef ECOSIM_BUS_BRAKE_H
#define ECOSIM_BUS_BRAKE_H

#include "ecodrive/rt.h"

typedef struct {
    eco_rt_brake_layout layout; /* msg -1: the DBC has no EcoBrake, the brake is the driver's */
    eco_can_e2e_state e2e;
    int fresh;    /* a good frame came since the last setpoint */
    int valid;    /* its EcoBrakeValid */
    double brake; /* 0..1 */
    long frames, e2e_errors, rejected;
} eco_sim_bus_brake;

/* Find EcoBrake in db. Returns 1 when the DBC has it, else 0. */
int eco_sim_bus_brake_init(eco_sim_bus_brake *b, const eco_can_db *db);

/* A received frame: 1 if it was EcoBrake (taken when it passes E2E and decodes), else 0. */
int eco_sim_bus_brake_take(eco_sim_bus_brake *b, const eco_can_db *db, const eco_can_frame *f);

/* A setpoint frame was taken: the brake that came just before it, if valid (1, *brake), else 0.
 * Either way the brake frame is used up. */
int eco_sim_bus_brake_pair(eco_sim_bus_brake *b, double *brake);

#endif
