/* The eco MPC: cost weights, settings, the workspace and the controller; what a host needs
 * (the transition table and the allocation it shares with the DP are private to
 * src/control, in transition.h). Method (docs/mpc.md):
 *  - speed shaping: a dynamic programme over a speed grid on the horizon (stages of
 *    stage_s, default 1 s, over horizon_s, default 12 s) inside the speed band, with a price
 *    on distance that closes the runner's distance gap (equal distance);
 *  - discrete choices by enumeration: the gear of a stepped box, engine on/off and engine
 *    power of a power-split hybrid (ECMS with an equivalence factor s solved over the
 *    horizon so that it equals the co-state of the terminal SOC cost); in the band a
 *    hybrid's horizon nodes carry the engine state, and a planned start has a price;
 *  - prediction by a table of one-stage transitions built at create time by
 *    eco_model_step itself (the same physics as the plant), and the present step decided
 *    by eco_model_step directly.
 * Everything is allocated once at create; eco_mpc_step allocates nothing. */
#ifndef ECODRIVE_MPC_H
#define ECODRIVE_MPC_H

#include "ecodrive/control.h"

/* Engine power levels a transition table or a DP can hold, off included. */
#define ECO_MPC_LEVELS_MAX 64

/* Cost weights, one member per line of weights.def (where each is documented). */
typedef struct {
#define ECO_MPC_WEIGHT(name, balanced) double name;
#include "ecodrive/weights.def"
} eco_mpc_weights;

/* The "balanced" preset (equal to models/weights/balanced.json; a test checks it). Files
 * of weights are read by the config module (eco_cfg_weights_load). */
void eco_mpc_weights_default(eco_mpc_weights *w);

/* Solver settings, one member per line of mpc_settings.def (where each is documented, with
 * its default). */
typedef struct {
#define ECO_MPC_SETTING(type, name, default_value) type name;
#include "ecodrive/mpc_settings.def"
} eco_mpc_settings;

void eco_mpc_settings_default(eco_mpc_settings *s);

/* Workspace (STYLE.md §3): dims -> memsize -> one allocation -> create. */
typedef struct {
    int n_stages;       /* horizon_s / stage_s */
    int preview_n;      /* preview entries at dt_s the step reads */
    int n_band_max;     /* speed nodes a stage can hold */
    int n_nodes;        /* speed nodes of the transition table */
    int n_offsets;      /* speed steps between nodes a stage can take */
    int n_levels;       /* table entries per transition (hybrid: off and each engine level) */
    size_t table_bytes; /* the transition table's arrays */
} eco_mpc_dims;

typedef struct eco_mpc_ws eco_mpc_ws;

/* Solver figures since the last reset. */
typedef struct {
    long steps, fallbacks, iterations;
    double last_s_equiv;     /* equivalence factor used by the last step */
    double last_price_per_m; /* distance price of the last step, cost/m */
} eco_mpc_stats;

/* Size the workspace for a vehicle, a control period and settings. Returns ECO_OK or
 * ECO_EINVAL (settings out of range; eco_last_error says which). */
int eco_mpc_dims_make(const eco_vehicle *veh, double dt_s, const eco_mpc_settings *s,
                      eco_mpc_dims *d);
/* Bytes the workspace of d needs. */
size_t eco_mpc_ws_memsize(const eco_mpc_dims *d);
/* Build the workspace in mem (eco_mpc_ws_memsize bytes, max-aligned): the table, the fit.
 * veh, dt_s and s must be those d was made from; veh must outlive the workspace. Returns
 * ECO_OK or ECO_EINVAL (d does not fit them, or the layout used other than memsize bytes). */
int eco_mpc_ws_create(const eco_vehicle *veh, double dt_s, const eco_mpc_settings *s,
                      const eco_mpc_weights *w, const eco_mpc_dims *d, eco_mpc_ws **ws, void *mem);
/* One control step (real time: no allocation, no I/O). ECO_OK with a valid setpoint, or
 * ECO_ESOLVER after a timeout (deadline_us) or a failure: then sp holds the last safe
 * setpoint with valid = 0, and the warm start is reset. */
int eco_mpc_step(eco_mpc_ws *ws, const eco_observation *obs, const eco_preview *pv,
                 eco_setpoint *sp);
void eco_mpc_reset(eco_mpc_ws *ws);
/* Change the solver deadline (us, > 0) of a live workspace; ECO_EINVAL otherwise. */
int eco_mpc_deadline_set(eco_mpc_ws *ws, double deadline_us);
void eco_mpc_stats_get(const eco_mpc_ws *ws, eco_mpc_stats *st);

/* The MPC as an eco_controller (one allocation). NULL on ENOMEM or bad settings, with
 * eco_last_error() set. */
eco_controller *eco_mpc_create(const eco_vehicle *veh, double dt_s, const eco_mpc_settings *s,
                               const eco_mpc_weights *w);
/* The workspace of a controller made by eco_mpc_create (NULL for another controller). */
eco_mpc_ws *eco_mpc_controller_ws(eco_controller *c);
/* The weights of an MPC, of cycles or of a route (NULL for another controller). */
const eco_mpc_weights *eco_mpc_controller_weights(eco_controller *c);

#endif
