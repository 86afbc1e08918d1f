/* Helpers shared by the model's own files; not part of the public API. */
#ifndef ECODRIVE_MODEL_INTERNAL_H
#define ECODRIVE_MODEL_INTERNAL_H

#include "ecodrive/model.h"

/* Engine speed while the launch clutch or converter slips, as a multiple of idle: about
 * 1200 rpm for an 800 rpm idle, where a driver (or a converter near stall) pulls away. */
#define ECO_LAUNCH_IDLE_RATIO 1.5

double eco_regen_fade(const eco_vehicle *v, double speed_mps);
double eco_battery_discharge_limit_w(const eco_battery *b, double soc);
double eco_battery_charge_limit_w(const eco_battery *b, double soc);
/* Overall engine (or motor shaft) to wheel ratio of a stepped gear or the final drive. */
double eco_drive_ratio(const eco_vehicle *v, int gear);
/* Engine torque that the alternator takes to feed the accessories (conventional only). */
double eco_aux_torque_nm(const eco_vehicle *v, double engine_radps);
/* A P2 motor's torque at the gearbox input turning at w_in, within its torque, speed and
 * power limits and power_w (W, >= 0). */
double eco_p2_motor_torque_nm(const eco_machine *m, double w_in, double power_w);

#endif
