/* EcoBrake received by the simulated car (bus_brake.h). */
#include "bus_brake.h"

#include <string.h>

int eco_sim_bus_brake_init(eco_sim_bus_brake *b, const eco_can_db *db)
{
    memset(b, 0, sizeof *b);
    return eco_rt_brake_layout_find(db, &b->layout) == ECO_OK;
}

int eco_sim_bus_brake_take(eco_sim_bus_brake *b, const eco_can_db *db, const eco_can_frame *f)
{
    int msg = b->layout.msg;
    if (msg < 0 || f->id != db->msgs[msg].id)
        return 0;
    b->frames++;
    eco_can_e2e_result res = ECO_CAN_E2E_OK;
    if (db->msgs[msg].e2e_crc >= 0 &&
        eco_can_e2e_check(db, msg, f->data, 1, &b->e2e, &res) != ECO_OK &&
        res != ECO_CAN_E2E_JUMP) { /* a jump: a restarted daemon, resynced */
        b->e2e_errors++;
        return 1;
    }
    double brake;
    int valid;
    if (eco_rt_brake_decode(&b->layout, db, f, &brake, &valid) != ECO_OK) {
        b->rejected++;
        return 1;
    }
    b->fresh = 1;
    b->valid = valid;
    b->brake = brake;
    return 1;
}

int eco_sim_bus_brake_pair(eco_sim_bus_brake *b, double *brake)
{
    int ok = b->fresh && b->valid;
    b->fresh = 0;
    *brake = ok ? b->brake : 0.0;
    return ok;
}
