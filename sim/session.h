/* What every ecosim command sets up: a vehicle and a cycle, found and checked. */
#ifndef ECOSIM_SESSION_H
#define ECOSIM_SESSION_H

#include "cycle.h"
#include "ecodrive/model.h"

#include <stdio.h>

#define ECO_DEFAULT_VEHICLE "models/vehicles/toyota_prius_2022.json"

/* Load the vehicle (NULL: the shipped default) and the cycle (shipped name or CSV path).
 * On error prints one clear message to stderr and returns non-zero. */
int eco_sim_load_vehicle(const char *path, eco_vehicle *veh);
int eco_sim_load_cycle(const char *name_or_path, eco_sim_cycle *cyc);

/* Both of the above; on error nothing is left loaded. Returns 0 or the exit status (2). */
int eco_sim_load_case(const char *vehicle, const char *cycle, eco_vehicle *veh, eco_sim_cycle *cyc);

/* The checks every case command ends its parsing with: no stray argument, and a --cycle.
 * Prints the message (and usage) as `ecosim CMD: ...`; returns 0 or the exit status 2. */
int eco_sim_args_done(const char *cmd, int argc, char **argv, const char *cycle,
                      void (*usage)(FILE *));

#endif
