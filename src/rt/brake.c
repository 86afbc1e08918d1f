/* The friction brake recommendation (EcoBrake): the controller's brake beside its throttle and
 * regen. EcoSetpoint has no room for it (5 free bits), so it is a message of its own, found in
 * the DBC by its signal names as EcoStatus2 is, and E2E protected by the DBC's entry. */
#include "ecodrive/rt.h"

#include <math.h>
#include <string.h>

#define BRAKE_SIGNAL "EcoFrictionBrake" /* percent of the full brake force */
#define VALID_SIGNAL "EcoBrakeValid"

int eco_rt_brake_layout_find(const eco_can_db *db, eco_rt_brake_layout *out)
{
    out->msg = out->brake_sig = out->valid_sig = -1;
    int b, v;
    if (eco_can_db_signal_find(db, BRAKE_SIGNAL, &b) != ECO_OK ||
        eco_can_db_signal_find(db, VALID_SIGNAL, &v) != ECO_OK ||
        db->signals[b].msg != db->signals[v].msg)
        return ECO_ENOENT;
    out->msg = db->signals[b].msg;
    out->brake_sig = b;
    out->valid_sig = v;
    return ECO_OK;
}

int eco_rt_brake_encode(const eco_rt_brake_layout *l, const eco_can_db *db, double brake, int valid,
                        uint8_t *counter, eco_can_frame *out)
{
    if (l->msg < 0)
        return ECO_ENOENT;
    const eco_can_message *m = &db->msgs[l->msg];
    *out = eco_can_message_frame(m);
    /* a brake the signal cannot carry is no recommendation: the car's own brake decides */
    if (!(brake >= 0.0 && brake <= 1.0)) {
        brake = 0.0;
        valid = 0;
    }
    int rc =
        eco_can_signal_encode(&db->signals[l->brake_sig], valid ? brake * 100.0 : 0.0, out->data);
    if (rc != ECO_OK)
        valid = 0;
    eco_can_signal_encode(&db->signals[l->valid_sig], valid ? 1.0 : 0.0, out->data);
    if (m->e2e_crc >= 0)
        eco_can_e2e_protect(db, l->msg, out->data, counter);
    return rc == ECO_OK ? ECO_OK : ECO_ERANGE;
}

int eco_rt_brake_decode(const eco_rt_brake_layout *l, const eco_can_db *db, const eco_can_frame *f,
                        double *brake, int *valid)
{
    *brake = 0.0;
    *valid = 0;
    if (l->msg < 0 || f->id != db->msgs[l->msg].id || f->dlc < db->msgs[l->msg].dlc)
        return ECO_EINVAL;
    double pct = 0.0, v = 0.0;
    int rb = eco_can_signal_decode(&db->signals[l->brake_sig], f->data, &pct);
    int rv = eco_can_signal_decode(&db->signals[l->valid_sig], f->data, &v);
    if (!isfinite(pct) || !isfinite(v))
        return ECO_EINVAL;
    if (rb != ECO_OK || rv != ECO_OK)
        return ECO_ERANGE;
    *brake = pct / 100.0;
    *valid = v >= 0.5;
    return ECO_OK;
}
