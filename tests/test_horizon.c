/* The electronic horizon core (include/ecodrive/horizon.h) against hand-worked facts:
 * frames of models/ecodrive.dbc decoded bit by bit, distances after odometry, an offset that
 * wraps at 8191, each rejection, staleness by the time passed in, and the route rows. */
#include "ecodrive/horizon.h"
#include "ecodrive/units.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#define DBC      ECO_SOURCE_DIR "/models/ecodrive.dbc"
#define DBC_MOTO ECO_SOURCE_DIR "/models/example_motorola.dbc"
#define MS       1000000LL
#define TIMEOUT  (300 * MS) /* 3 x the 100 ms POSITION cycle */

static eco_hz hz;

static int pos(int path, int offset, double length_m, int64_t t)
{
    eco_hz_msg m = {ECO_HZ_POSITION, path, offset, length_m, 0, 0.0, 0, 0.0};
    return eco_hz_update(&hz, &m, t);
}

static int limit(int path, int offset, int kmh, int64_t t)
{
    eco_hz_msg m = {ECO_HZ_SEGMENT, path, offset, 0.0, kmh, 0.0, 0, 0.0};
    return eco_hz_update(&hz, &m, t);
}

static int slope(int path, int offset, double pct, int64_t t)
{
    eco_hz_msg m = {ECO_HZ_PROFILE_SHORT, path, offset, 0.0, 0, pct, 0, 0.0};
    return eco_hz_update(&hz, &m, t);
}

static int stop(int path, int offset, int kind, double s, int64_t t)
{
    eco_hz_msg m = {ECO_HZ_PROFILE_LONG, path, offset, 0.0, 0, 0.0, kind, s};
    return eco_hz_update(&hz, &m, t);
}

static void setup(void)
{
    eco_hz_init(&hz, TIMEOUT, 1.0);
}

TestSuite(horizon, .init = setup);

Test(horizon, signals_are_in_the_default_dbc_only)
{
    eco_can_db *db = NULL, *moto = NULL;
    eco_hz_signals s;
    cr_assert_eq(eco_can_db_load(DBC, &db), ECO_OK, "%s", eco_last_error());
    cr_expect_eq(eco_hz_signals_find(db, &s), ECO_OK);
    cr_expect_eq(db->msgs[s.msg].id, 0x180u);
    cr_assert_eq(eco_can_db_load(DBC_MOTO, &moto), ECO_OK, "%s", eco_last_error());
    cr_expect_eq(eco_hz_signals_find(moto, &s), ECO_ENOENT, "a DBC without the horizon");
    eco_can_db_free(db);
    eco_can_db_free(moto);
}

/* Frames worked by hand: type bits 0-2, path 5-10, offset 11-23, payload from bit 24. */
Test(horizon, frames_decode_bit_by_bit)
{
    eco_can_db *db = NULL;
    eco_hz_signals s;
    cr_assert_eq(eco_can_db_load(DBC, &db), ECO_OK);
    cr_assert_eq(eco_hz_signals_find(db, &s), ECO_OK);
    /* POSITION, path 3, offset 1000, length 2000: 1 + 3<<5 + 1000<<11 + 2000<<24 */
    eco_can_frame p = {0x180, 8, {0x61, 0x40, 0x1f, 0xd0, 0x07, 0, 0, 0}, 0};
    eco_hz_msg m;
    cr_assert_eq(eco_hz_decode(db, &s, &p, &m), ECO_OK);
    cr_expect(m.type == 1 && m.path == 3 && m.offset == 1000 && m.length_m == 2000.0);
    eco_can_frame seg = {0x180, 8, {0x62, 0x80, 0x25, 0x50, 0, 0, 0, 0}, 0}; /* 80 km/h at 1200 */
    cr_assert_eq(eco_hz_decode(db, &s, &seg, &m), ECO_OK);
    cr_expect(m.type == 2 && m.offset == 1200 && m.limit_kmh == 80);
    eco_can_frame sl = {0x180, 8, {0x64, 0xa0, 0x28, 0xd3, 0x0f, 0, 0, 0}, 0}; /* -4.5 % at 1300 */
    cr_assert_eq(eco_hz_decode(db, &s, &sl, &m), ECO_OK);
    cr_expect(m.type == 4 && m.offset == 1300 && fabs(m.slope_pct + 4.5) < 1e-9);
    eco_can_frame st = {0x180, 8, {0x65, 0xe0, 0x2e, 0x02, 0x2c, 0x01, 0, 0}, 0}; /* signal, 30 s */
    cr_assert_eq(eco_hz_decode(db, &s, &st, &m), ECO_OK);
    cr_expect(m.type == 5 && m.offset == 1500 && m.stop_kind == 2 && fabs(m.stop_s - 30.0) < 1e-9);

    cr_expect_eq(eco_hz_frame(&hz, db, &s, &p, 0), ECO_OK);
    cr_expect_eq(eco_hz_frame(&hz, db, &s, &seg, 0), ECO_OK);
    eco_can_frame shorty = {0x180, 3, {0x61, 0x40, 0x1f}, 0};
    cr_expect_eq(eco_hz_frame(&hz, db, &s, &shorty, 0), ECO_EINVAL);
    cr_expect(hz.st.received == 3 && hz.st.rej_short == 1 && hz.st.rejected == 1);
    eco_can_db_free(db);
}

/* 10 m/s for 0.5 s after a POSITION at offset 100 puts the car 5 m on; a limit from 300 on
 * is then 195 m ahead. */
Test(horizon, odometry_moves_the_car_between_positions)
{
    cr_assert_eq(pos(1, 100, 2000, 0), ECO_OK);
    cr_assert_eq(limit(1, 100, 50, 0), ECO_OK);
    cr_assert_eq(limit(1, 300, 70, 0), ECO_OK);
    cr_assert_eq(slope(1, 250, 2.0, 0), ECO_OK);
    eco_hz_advance(&hz, 10.0, 500 * MS);
    cr_expect_float_eq(hz.pos_m, 105.0, 1e-9);
    eco_route_row r[8];
    int n = eco_hz_rows(&hz, r, 8);
    cr_assert_eq(n, 4, "car, slope at 145 m, limit at 195 m, end at 1995 m");
    cr_expect_float_eq(r[0].limit_mps, 50.0 / ECO_KMH_PER_MPS, 1e-12);
    cr_expect_float_eq(r[0].grade_rad, 0.0, 1e-12);
    cr_expect_float_eq(r[1].distance_m, 145.0, 1e-9);
    cr_expect_float_eq(r[1].grade_rad, atan(0.02), 1e-12);
    cr_expect_float_eq(r[2].distance_m, 195.0, 1e-9);
    cr_expect_float_eq(r[2].limit_mps, 70.0 / ECO_KMH_PER_MPS, 1e-12);
    cr_expect_float_eq(r[3].distance_m, 1995.0, 1e-9, "the look-ahead: 100 + 2000 - 105");
    cr_expect_eq(r[3].stop_s, 0.0);
    /* the next POSITION re-anchors: offset 108 at 0.6 s, where odometry (10 m/s on to 0.6 s)
     * says 106 m; a whole-metre offset allows 107.5..108.5, so the car goes to 107.5 */
    cr_assert_eq(pos(1, 108, 2000, 600 * MS), ECO_OK);
    cr_expect_float_eq(hz.pos_m, 107.5, 1e-9);
    eco_hz_advance(&hz, 20.0, 700 * MS);
    cr_expect_float_eq(hz.pos_m, 109.5, 1e-9);
    /* odometry that agrees with an offset stays: 20 m/s on to 0.75 s is 110.5 m, offset 110 */
    cr_assert_eq(pos(1, 110, 2000, 750 * MS), ECO_OK);
    cr_expect_float_eq(hz.pos_m, 110.5, 1e-9);
}

Test(horizon, odometry_is_in_vehicle_time)
{
    eco_hz_init(&hz, TIMEOUT, 5.0); /* --speedup 5 */
    pos(1, 0, 1000, 0);
    eco_hz_advance(&hz, 10.0, 100 * MS);
    cr_expect_float_eq(hz.pos_m, 5.0, 1e-9, "0.1 s of clock is 0.5 s of vehicle time");
}

/* Offsets cycle modulo 8191: from 8100, offset 50 is 8191 - 8100 + 50 = 141 m ahead. */
Test(horizon, offsets_wrap)
{
    cr_assert_eq(pos(2, 8100, 1000, 0), ECO_OK);
    limit(2, 8100, 60, 0);
    cr_assert_eq(slope(2, 50, -3.0, 0), ECO_OK);
    eco_route_row r[4];
    cr_assert_eq(eco_hz_rows(&hz, r, 4), 3);
    cr_expect_float_eq(r[1].distance_m, 141.0, 1e-9);
    cr_assert_eq(pos(2, 20, 1000, 100 * MS), ECO_OK, "forward across the wrap: 111 m on");
    /* no odometry in between: the car goes to the nearest place offset 20 allows, 8211 - 0.5 */
    cr_expect_float_eq(hz.pos_m, 8210.5, 1e-9);
    cr_assert_eq(eco_hz_rows(&hz, r, 4), 3);
    cr_expect_float_eq(r[1].distance_m, 30.5, 1e-9);
    cr_expect_float_eq(r[2].distance_m, 1000.5, 1e-9);
    cr_expect_eq(eco_hz_state_at(&hz, 100 * MS), ECO_HZ_STATE_VALID);
}

Test(horizon, a_position_that_goes_back_is_rejected_unless_on_a_new_path)
{
    pos(1, 1000, 2000, 0);
    limit(1, 1000, 50, 0);
    cr_expect_eq(pos(1, 999, 2000, 100 * MS), ECO_OK, "1 m back: map matching");
    cr_expect_eq(pos(1, 990, 2000, 200 * MS), ECO_EINVAL);
    cr_expect_eq(hz.st.rej_backward, 1);
    cr_expect_float_eq(hz.anchor_m, 999.0, 1e-9, "the rejected one is not taken");
    cr_expect_eq(eco_hz_state_at(&hz, 200 * MS), ECO_HZ_STATE_REJECTED);
    cr_expect_eq(pos(2, 10, 2000, 300 * MS), ECO_OK, "a new path index");
    cr_expect_eq(hz.n, 0, "a new path starts an empty horizon");
    cr_expect_eq(eco_hz_state_at(&hz, 300 * MS), ECO_HZ_STATE_REJECTED, "the hold runs on");
    limit(2, 10, 50, 300 * MS);
    pos(2, 12, 2000, 510 * MS);
    cr_expect_eq(eco_hz_state_at(&hz, 510 * MS), ECO_HZ_STATE_VALID);
}

Test(horizon, each_inconsistent_attribute_is_rejected_and_counted)
{
    pos(1, 0, 2000, 0);
    cr_expect_eq(limit(1, 100, 0, 0), ECO_EINVAL);
    cr_expect_eq(slope(1, 100, 30.1, 0), ECO_EINVAL);
    cr_expect_eq(slope(1, 100, NAN, 0), ECO_EINVAL);
    cr_expect_eq(stop(1, 100, 0, 5.0, 0), ECO_EINVAL);
    cr_expect_eq(limit(1, ECO_HZ_OFFSET_INVALID, 50, 0), ECO_EINVAL);
    eco_hz_msg bad = {7, 1, 100, 0.0, 0, 0.0, 0, 0.0};
    cr_expect_eq(eco_hz_update(&hz, &bad, 0), ECO_EINVAL);
    cr_expect(hz.st.rej_limit == 1 && hz.st.rej_slope == 2 && hz.st.rej_stop == 1 &&
              hz.st.rej_offset == 1 && hz.st.rej_type == 1);
    cr_expect_eq(hz.st.rejected, 6);
    cr_expect_eq(hz.n, 0, "nothing kept");
    /* ignored, not rejected: a STUB, an unknown limit, another path */
    eco_hz_msg stub = {ECO_HZ_STUB, 1, 100, 0.0, 0, 0.0, 0, 0.0};
    cr_expect_eq(eco_hz_update(&hz, &stub, 0), ECO_ENOENT);
    cr_expect_eq(limit(1, 100, 255, 0), ECO_ENOENT);
    cr_expect_eq(limit(5, 100, 50, 0), ECO_ENOENT);
    cr_expect(hz.st.ignored == 3 && hz.st.rejected == 6 && hz.st.received == 10);
}

Test(horizon, stale_after_the_timeout_and_rejections_hold_as_long)
{
    cr_expect_eq(eco_hz_state_at(&hz, 0), ECO_HZ_STATE_NONE);
    pos(1, 0, 2000, 0);
    cr_expect_eq(eco_hz_state_at(&hz, 0), ECO_HZ_STATE_NONE, "no limit known at the car");
    limit(1, 0, 50, 0);
    cr_expect_eq(eco_hz_state_at(&hz, 300 * MS), ECO_HZ_STATE_VALID);
    cr_expect_eq(eco_hz_state_at(&hz, 300 * MS + 1), ECO_HZ_STATE_STALE);
    pos(1, 10, 2000, 400 * MS);
    cr_expect_eq(eco_hz_state_at(&hz, 400 * MS), ECO_HZ_STATE_VALID, "back with a POSITION");
    limit(1, 50, 0, 450 * MS);
    pos(1, 12, 2000, 500 * MS);
    cr_expect_eq(eco_hz_state_at(&hz, 750 * MS), ECO_HZ_STATE_REJECTED);
    pos(1, 14, 2000, 760 * MS);
    cr_expect_eq(eco_hz_state_at(&hz, 760 * MS), ECO_HZ_STATE_VALID, "300 ms after it");
}

Test(horizon, what_lies_behind_is_dropped_and_stops_are_rows)
{
    pos(1, 0, 3000, 0);
    limit(1, 0, 50, 0);
    limit(1, 200, 30, 0);
    stop(1, 250, ECO_HZ_STOP_SIGNAL, 20.0, 0);
    stop(1, 400, ECO_HZ_STOP_SIGN, 0.0, 0);
    stop(1, 900, ECO_HZ_STOP_END, 0.0, 0);
    limit(1, 200, 40, 0); /* retransmitted with a new value: replaces */
    cr_expect_eq(hz.n, 5);
    double ahead, s;
    cr_assert(eco_hz_next_stop(&hz, &ahead, &s));
    cr_expect(ahead == 250.0 && s == 20.0);
    eco_route_row r[8];
    int n = eco_hz_rows(&hz, r, 8);
    cr_assert_eq(n, 5, "car, limit at 200, stop at 250, stop at 400, the end at 900");
    cr_expect_float_eq(r[1].limit_mps, 40.0 / ECO_KMH_PER_MPS, 1e-12);
    cr_expect(r[2].distance_m == 250.0 && r[2].stop_s == 20.0);
    cr_expect(r[3].distance_m == 400.0 && r[3].stop_s == ECO_HZ_STOP_MIN_S);
    cr_expect(r[4].distance_m == 900.0 && r[4].stop_s == 0.0, "the path's end, not 3000 m");
    for (int i = 1; i < n; i++) {
        char why[128];
        cr_expect_eq(eco_route_row_check(&r[i - 1], &r[i], why, sizeof why), ECO_OK, "%s", why);
    }
    eco_hz_advance(&hz, 10.0, 25 * 1000 * MS); /* 250 m on: at the stop */
    cr_expect_eq(hz.n, 4, "the first limit is gone, the one at 200 m applies");
    cr_assert(eco_hz_next_stop(&hz, &ahead, &s));
    cr_expect(fabs(ahead) < 1e-9 && s == 20.0, "standing at the stop it is still the next: %g",
              ahead);
    eco_hz_advance(&hz, 2.0, 26 * 1000 * MS); /* 2 m past it */
    cr_assert(eco_hz_next_stop(&hz, &ahead, &s));
    cr_expect_float_eq(ahead, 148.0, 1e-9);
    cr_expect_eq(hz.n, 3);
}

Test(horizon, a_full_buffer_keeps_the_nearest)
{
    pos(1, 0, 4000, 0);
    for (int i = 0; i < ECO_HZ_CAP; i++)
        limit(1, 10 + i * 10, 50, 0);
    cr_expect_eq(hz.n, ECO_HZ_CAP);
    limit(1, 5, 60, 0);
    cr_expect(hz.n == ECO_HZ_CAP && hz.st.full == 1 && hz.e[0].d_m == 5.0);
    cr_expect_float_eq(hz.e[ECO_HZ_CAP - 1].d_m, 10.0 + (ECO_HZ_CAP - 2) * 10.0, 1e-9);
    limit(1, 3000, 60, 0);
    cr_expect(hz.st.full == 2 && hz.e[ECO_HZ_CAP - 1].d_m < 3000.0);
}

/* A car standing at a stop (or up to 1 m past it: it may have rolled a little) gets it as
 * row 0's dwell, as a route's stand-still before setting off; at the path's end the rows
 * are the car with the dwell and the end ECO_HZ_END_AT_CAR_M on (rows increase, >= 2). */
Test(horizon, core_rows_keep_the_end_the_car_stands_at)
{
    pos(1, 900, 2000, 0);
    limit(1, 0, 50, 0);
    stop(1, 900, ECO_HZ_STOP_END, 5.0, 0);
    eco_route_row r[4];
    int n = eco_hz_rows(&hz, r, 4);
    cr_assert_eq(n, 2);
    cr_expect(r[0].distance_m == 0.0 && r[0].stop_s == 5.0, "the end at the car: dwell %.1f",
              r[0].stop_s);
    cr_expect(r[1].distance_m == ECO_HZ_END_AT_CAR_M && r[1].stop_s == 0.0);
    char why[128];
    cr_expect_eq(eco_route_row_check(&r[0], &r[1], why, sizeof why), ECO_OK, "%s", why);
    cr_expect(eco_hz_end_known(&hz));
}

Test(horizon, a_stop_the_car_stands_at_is_row_0s_dwell)
{
    pos(1, 100, 2000, 0);
    limit(1, 0, 50, 0);
    stop(1, 100, ECO_HZ_STOP_SIGNAL, 30.0, 0);
    stop(1, 400, ECO_HZ_STOP_SIGN, 2.0, 0);
    eco_hz_advance(&hz, 5.0, 100 * MS); /* 0.5 m past it */
    eco_route_row r[6];
    int n = eco_hz_rows(&hz, r, 6);
    cr_assert_eq(n, 3, "the car, the sign at 299.5 m, the look-ahead's edge");
    cr_expect(r[0].stop_s == 30.0 && r[1].stop_s == 2.0);
    cr_expect_float_eq(r[1].distance_m, 299.5, 1e-9);
    cr_expect(!eco_hz_end_known(&hz));
    eco_hz_advance(&hz, 10.0, 200 * MS); /* 1.5 m past it: behind */
    cr_assert_eq(eco_hz_rows(&hz, r, 6), 3);
    cr_expect_eq(r[0].stop_s, 0.0);
}
