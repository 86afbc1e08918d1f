/* The powertrain model: vehicle parameters and one pure step function shared by the
 * simulator plant, the MPC prediction, the DP and the daemon's bus plant (DESIGN.md). */
#ifndef ECODRIVE_MODEL_H
#define ECODRIVE_MODEL_H

#include "ecodrive/common.h"

#define ECO_CURVE_MAX 48
#define ECO_MAP_MAX   40
#define ECO_GEARS_MAX 10
#define ECO_NAME_MAX  96

#define ECO_G_MPS2            9.80665
#define ECO_AIR_DENSITY_KGPM3 1.2 /* 20 °C, 1013 hPa: the reference of WLTP coast-down */

typedef enum {
    ECO_PT_CONV = 0, /* engine only */
    ECO_PT_HEV = 1,  /* charge-sustaining power-split hybrid */
    ECO_PT_BEV = 2,  /* battery only */
    ECO_PT_PHEV = 3, /* power-split with a plug: charge-depleting, then as HEV */
} eco_powertrain;

typedef enum {
    ECO_TX_STEPPED = 0, /* stepped gearbox with a shift schedule */
    ECO_TX_CVT = 1,     /* belt CVT: engine speed follows an operating line */
    ECO_TX_SINGLE = 2,  /* one fixed ratio (BEV) */
    ECO_TX_SPLIT = 3,   /* planetary power split (eCVT) */
} eco_transmission;

/* Piecewise-linear y(x), x strictly increasing; flat beyond the ends. */
typedef struct {
    int n;
    double x[ECO_CURVE_MAX];
    double y[ECO_CURVE_MAX];
} eco_curve;

/* A regular grid z(x, y) evaluated bilinearly. x varies fastest in z:
 * z[j * nx + i] is the value at (x[i], y[j]). */
typedef struct {
    int nx, ny;
    double x[ECO_MAP_MAX];
    double y[ECO_MAP_MAX];
    double z[ECO_MAP_MAX * ECO_MAP_MAX];
} eco_map;

typedef struct {
    double lhv_j_per_g;     /* lower heating value */
    double density_g_per_l; /* at 15 °C */
    double carbon_fraction; /* mass fraction of carbon, for CO2 by carbon balance */
} eco_fuel;

typedef struct {
    double displacement_l;
    double rated_power_w;
    double idle_speed_radps;
    double max_speed_radps;
    eco_map fuel_gps;       /* fuel rate over speed [rad/s] x brake torque [Nm] */
    eco_curve full_load_nm; /* max brake torque over speed [rad/s] */
    eco_curve friction_nm;  /* motoring torque (>0) over speed, absorbed at fuel cut */
    eco_curve best_speed;   /* BSFC-optimal speed [rad/s] over output power [W] (made at load) */
    double idle_fuel_gps;   /* fuel at idle, hot, no load */
    int start_stop;         /* 1: engine stops at standstill */
    double start_fuel_g;    /* fuel a start burns on top of the running engine's (0: none) */
    /* Cold start: fuel multiplier 1 + cold_fuel_extra * (1 - warm) where warm goes
     * 0 -> 1 as the engine has burned warmup_fuel_energy_j of fuel energy. */
    double cold_fuel_extra;
    double warmup_fuel_energy_j;
    /* Engine-out NOx: emission index over BMEP, g NOx per kg fuel (see src/model/emissions.c). */
    eco_curve nox_g_per_kg_fuel; /* x: BMEP [Pa], y: g/kg */
} eco_engine;

/* Electric machine: efficiency over fraction of max power, symmetric for motoring and
 * generating; torque and power limits. */
typedef struct {
    double max_power_w;
    double max_torque_nm;
    double max_speed_radps;
    double gear_ratio;    /* machine speed / shaft speed it drives */
    eco_curve efficiency; /* over |P| / max_power_w */
} eco_machine;

typedef struct {
    double capacity_ah;
    eco_curve ocv_v; /* open-circuit voltage over SOC (0..1) */
    double r_internal_ohm;
    double max_discharge_w; /* at the terminals */
    double max_charge_w;    /* at the terminals, positive number */
    double max_current_a;
    double soc_min, soc_max; /* usable window */
    double soc_init;
} eco_battery;

typedef struct {
    eco_transmission type;
    int n_gears;
    double ratio[ECO_GEARS_MAX];               /* input/output speed, gear 1 first */
    double upshift_speed_mps[ECO_GEARS_MAX];   /* shift from gear i+1 to i+2 above this */
    double downshift_speed_mps[ECO_GEARS_MAX]; /* shift from gear i+2 to i+1 below this */
    double cvt_ratio_min, cvt_ratio_max;
    double cvt_min_drive_radps; /* CVT: engine speed floor under load (drivability), 0: none */
    double efficiency;          /* gearbox, mechanical */
    double final_drive;
    double final_drive_efficiency;
    double launch_speed_mps; /* below it a stepped box slips its clutch */
    /* Below it the baseline keeps to the shift schedule rather than seek the least-fuel
     * gear (an automatic's converter open, a manual driven to the test's shift points);
     * 0: only below launch_speed_mps. */
    double schedule_below_mps;
    double split_rho; /* power split: sun/ring teeth */
} eco_gearbox;

typedef struct {
    char name[ECO_NAME_MAX];
    eco_powertrain powertrain;
    double mass_kg;          /* test mass (ETW, or WLTP test mass) */
    double rotating_mass_kg; /* equivalent mass of wheels and driveline inertia */
    /* Road load F = f0 + f1 v + f2 v^2, v in m/s, level road (coast-down form). */
    double f0_n, f1_n_per_mps, f2_n_per_mps2;
    double wheel_radius_m;
    double brake_max_n;                             /* friction brakes at full pedal */
    double regen_fade_low_mps, regen_fade_high_mps; /* no regen below low, full above high */
    double aux_power_w;           /* accessories, drawn from the battery (or alternator) */
    double alternator_efficiency; /* conventional: aux power reaches the engine through this */
    double charger_efficiency;    /* wall to battery, plug-ins */
    eco_gearbox gearbox;
    eco_engine engine;
    eco_fuel fuel;
    eco_machine motor;     /* traction machine (MG2 in a power split) */
    eco_machine generator; /* MG1 in a power split */
    eco_battery battery;
} eco_vehicle;

/* Plant state. */
typedef struct {
    double time_s;
    double speed_mps;
    double distance_m;
    double soc;
    double engine_warm; /* 0 cold .. 1 hot */
    int gear;           /* stepped box: 1..n_gears */
    int engine_on;
} eco_state;

/* What a controller commands for one step. Throttle and regen are fractions of the limits
 * that eco_model_limits reports for the current state. */
typedef struct {
    double throttle;       /* 0..1 of propulsion range */
    double regen;          /* 0..1 of max regen force */
    double brake;          /* 0..1 of brake_max_n */
    int gear;              /* stepped box: 1..n, or 0 for the shift schedule */
    int engine_on;         /* hybrids: 1 on, 0 off, -1 leave to the plant */
    double engine_power_w; /* hybrids with engine on: requested engine output */
} eco_command;

/* Force limits at the wheels for the current state and gear. */
typedef struct {
    double traction_max_n; /* throttle 1 */
    double traction_min_n; /* throttle 0: engine overrun drag (<= 0), or 0 */
    double regen_max_n;    /* regen 1 (positive number) */
    double brake_max_n;
} eco_limits;

/* Energy book of one step, all in joules; see eco_model_step for the balance. */
typedef struct {
    double fuel_j;    /* chemical energy of fuel burned */
    double battery_j; /* chemical energy out of the battery (OCV * I * dt) */
    double aero_j, rolling_j, grade_j, kinetic_j;
    double brake_j; /* friction brakes */
    double engine_loss_j, driveline_loss_j, machine_loss_j, battery_loss_j, aux_j;
} eco_energy;

typedef struct {
    double accel_mps2;
    double wheel_force_n;
    double fuel_g, nox_g, co2_g;
    double engine_speed_radps, engine_torque_nm;
    double motor_torque_nm, motor_speed_radps;
    double generator_torque_nm, generator_speed_radps;
    double battery_power_w, battery_current_a;
    int gear;
    int limited; /* 1 if a component limit cut the commanded force */
    eco_energy energy;
} eco_step_out;

/* Build the maps' interpolation objects and derived curves (best-efficiency line). Call once after
 * filling the parameters; returns ECO_OK or ECO_EINVAL with eco_last_error() set. */
int eco_vehicle_init(eco_vehicle *veh);
/* A parallel P2 hybrid: a hybrid powertrain on a stepped gearbox (engine, disconnect clutch,
 * motor on the gearbox input), rather than a power split. */
int eco_vehicle_is_p2(const eco_vehicle *veh);
/* Release what eco_vehicle_init made. */
void eco_vehicle_free(eco_vehicle *veh);
/* Check every parameter; on error eco_last_error() names the field. */
int eco_vehicle_validate(const eco_vehicle *veh);

/* Initial state at standstill: soc_init, engine cold or hot. */
void eco_model_state_init(const eco_vehicle *veh, int engine_hot, eco_state *x);

/* Wheel force limits in state x with gear (0 = the plant's own choice). */
void eco_model_limits(const eco_vehicle *veh, const eco_state *x, int gear, eco_limits *lim);

/* Advance the plant by dt_s at constant acceleration on grade_rad. Energy closes:
 * fuel_j + battery_j = aero + rolling + grade + kinetic + brake + losses + aux.
 * Returns ECO_OK; ECO_EINVAL for a non-finite command. Pure: allocates nothing. */
int eco_model_step(const eco_vehicle *veh, const eco_state *x, const eco_command *u,
                   double grade_rad, double dt_s, eco_state *next, eco_step_out *out);

/* Road load (level) at speed, N. */
double eco_model_road_load_n(const eco_vehicle *veh, double speed_mps);
/* Shift-schedule gear for a speed, given the present gear (hysteresis). */
int eco_model_schedule_gear(const eco_vehicle *veh, double speed_mps, int gear);

/* Lower-level pieces, exposed for the controllers and the tests. */
double eco_curve_eval(const eco_curve *c, double x);
int eco_map_init(eco_map *m);
void eco_map_free(eco_map *m);
/* Bilinear z(x, y), clamped to the grid edges. */
double eco_map_eval(const eco_map *m, double x, double y);
/* Fuel rate g/s at speed and brake torque, hot, incl. overrun cut (torque <= -friction). */
double eco_engine_fuel_gps(const eco_engine *e, double speed_radps, double torque_nm);
/* Brake torque available at a speed: full load capped by rated power; 0 above max speed. */
double eco_engine_max_torque_nm(const eco_engine *e, double speed_radps);
/* Engine-out NOx g/s for a fuel rate at an operating point. */
double eco_engine_nox_gps(const eco_engine *e, double speed_radps, double torque_nm,
                          double fuel_gps);
/* Battery terminal current for a terminal power (positive = discharge), and its losses. */
int eco_battery_current(const eco_battery *b, double soc, double power_w, double *current_a);
/* Electrical power of a machine for a mechanical power (positive = motoring). */
double eco_machine_electric_w(const eco_machine *m, double mech_w);

#endif
