/* What the controllers of src/control (baseline, mpc, dp) share beyond the public
 * interface of ecodrive/control.h: filling their interface record. Not installed. */
#ifndef ECODRIVE_CONTROL_INTERNAL_H
#define ECODRIVE_CONTROL_INTERNAL_H

#include "ecodrive/control.h"

/* A controller implementation: its name and its functions (eco_controller's). */
typedef struct {
    const char *name;
    int (*step)(eco_controller *c, const eco_observation *obs, const eco_preview *pv,
                eco_setpoint *sp);
    void (*reset)(eco_controller *c);
    void (*destroy)(eco_controller *c);
} eco_control_kind;

/* Fill the interface record c of a controller of this kind for a vehicle, a control period
 * and the preview entries it wants. */
void eco_control_init(eco_controller *c, const eco_control_kind *kind, const eco_vehicle *veh,
                      double dt_s, int preview_n);

/* destroy for a controller that lives in one eco_malloc'd block starting with its record. */
void eco_control_free(eco_controller *c);
/* ECO_EINVAL with the reason if `who` (the MPC, the DP) cannot plan for this powertrain:
 * a parallel P2 hybrid's gear and engine choices together are not in their tables yet. */
int eco_control_plans_for(const eco_vehicle *veh, const char *who);

#endif
