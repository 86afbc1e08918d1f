/* The controller interface shared by ecosim and ecodrived, and the baseline controller. */
#ifndef ECODRIVE_CONTROL_H
#define ECODRIVE_CONTROL_H

#include "ecodrive/model.h"

#define ECO_PREVIEW_MAX 400

/* The fields the car reports on the bus, in the order of observation.def. */
typedef enum {
#define ECO_OBS_BUS(member, NAME, key, unit, type, need) ECO_OBS_##NAME,
#include "ecodrive/observation.def"
    ECO_OBS_COUNT
} eco_obs_field;

/* What the car reports, in SI units, each bus field with its age. The simulator fills it
 * from the plant, the daemon from decoded CAN signals; a controller cannot tell which. The
 * members are listed, with their units and meaning, in observation.def. */
typedef struct {
#define ECO_OBS_BUS(member, NAME, key, unit, type, need) type member;
#define ECO_OBS_HOST(member, unit, type)                 type member;
#include "ecodrive/observation.def"
    /* per bus field: time since its last good frame, s of vehicle time; 0 in the simulator,
     * INFINITY when it never came or is not mapped */
    double age_s[ECO_OBS_COUNT];
} eco_observation;

/* What lies ahead, sampled every dt_s from now: entry k is at time_s + (k + 1) dt_s.
 * speed_lo/hi bound the speed the car may drive (the trace band); equal to speed_ref on an
 * exact trace. target_distance_m is the distance the reference covers up to each entry,
 * counted from the car's present distance. */
typedef struct {
    int n;
    double dt_s;
    double speed_ref_mps[ECO_PREVIEW_MAX];
    double speed_lo_mps[ECO_PREVIEW_MAX];
    double speed_hi_mps[ECO_PREVIEW_MAX];
    double grade_rad[ECO_PREVIEW_MAX];
    double distance_gap_m; /* reference distance so far minus the car's */
    double soc_target;     /* charge-sustaining target for hybrids */
} eco_preview;

/* A recommendation. valid = 0 means none: the car falls back to the driver. */
typedef struct {
    eco_command cmd;
    int valid;
    double solve_us; /* time the controller spent, for reports */
} eco_setpoint;

typedef struct eco_controller eco_controller;
struct eco_controller {
    const char *name;
    /* Compute a setpoint; returns ECO_OK, or an error with a safe invalid setpoint. */
    int (*step)(eco_controller *c, const eco_observation *obs, const eco_preview *pv,
                eco_setpoint *sp);
    void (*reset)(eco_controller *c);
    void (*destroy)(eco_controller *c);
    const eco_vehicle *veh;
    double dt_s;   /* control period */
    int preview_n; /* preview entries the controller wants (>= 1) */
};

/* Build the observation a car would report from a plant state and its last step. */
void eco_observation_from_plant(const eco_vehicle *veh, const eco_state *x,
                                const eco_step_out *last, double grade_rad, eco_observation *obs);

/* The plant state a controller reasons from: what the observation tells of it. */
void eco_state_from_observation(const eco_observation *obs, eco_state *x);

/* Baseline: a driver that follows the trace with model feedforward plus PI, using throttle,
 * regen first then friction brakes, an efficiency-seeking gear choice, and for hybrids a
 * rule-based charge-sustaining engine on/off and power strategy. Returns NULL on ENOMEM. */
eco_controller *eco_baseline_create(const eco_vehicle *veh, double dt_s);

/* Setpoint that makes a wheel force F (N) in state x, with the gear given, splitting
 * braking into regen first, then friction. Shared by the controllers. */
void eco_control_force_to_command(const eco_vehicle *veh, const eco_state *x, int gear,
                                  double force_n, eco_command *cmd);

/* Force needed to go from speed v0 to v1 in dt on grade: m_eff a + road load + grade. */
double eco_control_force_for(const eco_vehicle *veh, double v0_mps, double v1_mps, double dt_s,
                             double grade_rad);

#endif
