/* libFuzzer harness: the electronic horizon from the bus (issue 10; src/rt/horizon.c),
 * decoded from EcoHorizon frames of models/ecodrive.dbc and rebuilt by distance. Input:
 * records of 12 bytes: 8 data bytes, a control byte (dlc = low nibble mod 9; bit 4: the
 * message type is forced to one of the six ADASIS v2 types, so that most frames reach the
 * update), the speed for the odometry (m/s, 1 byte) and the time step in ms (2 bytes).
 * After each frame the horizon advances and is read; what it gives must hold: its
 * counters add up, its attributes stay in distance order, and its rows are rows the route
 * model accepts (eco_route_row_check), starting at the car; the next stop is at most 1 m
 * behind the car (where it stands at a stop it has just reached) with a dwell >= 0 (0: the
 * end of the path). */
#include "ecodrive/horizon.h"
#include "fuzz_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RECORD 12

static eco_can_db *db;
static eco_hz_signals sig;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char dbc[4096];
    eco_fuzz_source_path("models/ecodrive.dbc", dbc, sizeof dbc);
    if (eco_can_db_load(dbc, &db) || eco_hz_signals_find(db, &sig))
        abort();
    return 0;
}

static void check(const eco_hz *h, int64_t t_ns)
{
    const eco_hz_stats *s = &h->st;
    ECO_FUZZ_ASSERT(s->rejected == s->rej_short + s->rej_type + s->rej_offset + s->rej_backward +
                                       s->rej_limit + s->rej_slope + s->rej_stop);
    ECO_FUZZ_ASSERT(h->n >= 0 && h->n <= ECO_HZ_CAP);
    for (int i = 1; i < h->n; i++)
        ECO_FUZZ_ASSERT(h->e[i - 1].d_m <= h->e[i].d_m);
    eco_hz_state st = eco_hz_state_at(h, t_ns);
    ECO_FUZZ_ASSERT(st >= ECO_HZ_STATE_NONE && st <= ECO_HZ_STATE_REJECTED);
    static eco_route_row rows[2 * ECO_HZ_CAP + 4];
    int n = eco_hz_rows(h, rows, (int)(sizeof rows / sizeof rows[0]));
    ECO_FUZZ_ASSERT(n == 0 || n >= 2);
    char why[256];
    for (int i = 0; i < n; i++)
        ECO_FUZZ_ASSERT(eco_route_row_check(i ? &rows[i - 1] : NULL, &rows[i], why, sizeof why) ==
                        ECO_OK);
    ECO_FUZZ_ASSERT(n == 0 || rows[0].distance_m == 0.0);
    double ahead, dwell;
    if (eco_hz_next_stop(h, &ahead, &dwell))
        ECO_FUZZ_ASSERT(isfinite(ahead) && ahead >= -1.0 && isfinite(dwell) && dwell >= 0.0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eco_hz h;
    eco_hz_init(&h, 300 * 1000000LL, 1.0);
    int64_t t_ns = 0;
    for (size_t at = 0; at + RECORD <= size; at += RECORD) {
        const uint8_t *r = data + at;
        eco_can_frame f = {.id = db->msgs[sig.msg].id};
        f.dlc = (uint8_t)((r[8] & 0x0F) % (ECO_CAN_CLASSIC_DLEN + 1));
        memcpy(f.data, r, f.dlc);
        if (r[8] & 0x10)
            f.data[0] = (uint8_t)((f.data[0] & ~7u) | (1u + r[0] % 6u));
        t_ns += (int64_t)(r[10] | r[11] << 8) * 1000000;
        int rc = eco_hz_frame(&h, db, &sig, &f, t_ns);
        ECO_FUZZ_ASSERT(rc == ECO_OK || rc == ECO_ENOENT || rc == ECO_EINVAL);
        eco_hz_advance(&h, r[9], t_ns);
        check(&h, t_ns);
    }
    return 0;
}
