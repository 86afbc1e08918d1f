/* Operating points that realise a wheel force; internal to the model. */
#ifndef ECODRIVE_MODEL_POWERTRAIN_H
#define ECODRIVE_MODEL_POWERTRAIN_H

#include "model_internal.h"

typedef struct {
    double f_pt_n; /* wheel force the powertrain delivers (<0 braking) */
    int gear, engine_on;
    double engine_speed_radps, engine_torque_nm, fuel_hot_gps;
    double motor_speed_radps, motor_torque_nm, p_motor_mech_w, p_motor_elec_w;
    double gen_speed_radps, gen_torque_nm, p_gen_mech_w, p_gen_elec_w;
    double p_aux_mech_w;     /* conventional: alternator shaft power */
    double p_batt_w;         /* battery terminal power, accessories included */
    double p_driveline_in_w; /* mechanical power into the gears toward the wheels */
} eco_pt_ops;

void eco_realize_engine(const eco_vehicle *v, const eco_state *x, const eco_command *u, int gear,
                        double speed, double f_n, eco_pt_ops *o);
void eco_realize_bev(const eco_vehicle *v, const eco_state *x, double speed, double f_n,
                     eco_pt_ops *o);
void eco_realize_p2(const eco_vehicle *v, const eco_state *x, const eco_command *u, int gear,
                    double speed, double f_n, eco_pt_ops *o);
void eco_realize_split(const eco_vehicle *v, const eco_state *x, const eco_command *u, double speed,
                       double f_n, eco_pt_ops *o);

#endif
