/* The route MPC's window on the bus horizon (src/rt/hz_route.c), stepped by hand: a car
 * creeping onto a stop keeps its window (the road it knows has not changed), a stop it
 * stood out a little short of is not stood out again when the window is made anew, and a
 * dwell goes on, not from its start, when the horizon was lost for a moment. All were seen
 * on vcan: a window made every period near a stop, a second dwell of the whole stand-still
 * time after the first, and a dwell begun again after a stale horizon. */
#include "../src/rt/rt_internal.h" /* private: the window */
#include "ecodrive/config.h"
#include "ecodrive/horizon.h"
#include "ecodrive/units.h"

#include <criterion/criterion.h>
#include <math.h>

#define MS     1000000LL
#define DT_S   0.1
#define STOP_M 100
#define DWELL  30.0

static eco_hz hz;
static eco_vehicle veh;
static eco_rt_hz_route hr;
static int64_t now;

static void update(int type, int offset, double length_m, int kmh, int kind, double s)
{
    eco_hz_msg m = {type, 1, offset, length_m, kmh, 0.0, kind, s};
    cr_assert_eq(eco_hz_update(&hz, &m, now), ECO_OK, "message type %d at %d", type, offset);
}

/* A 50 km/h road with a 30 s signal at 100 m and the path's end at 600 m; the car at the
 * offset `at`, as a map ECU says it every 100 ms. */
static void map_ecu(int at)
{
    update(ECO_HZ_POSITION, at, 2000.0, 0, 0, 0.0);
    update(ECO_HZ_SEGMENT, 0, 0.0, 50, 0, 0.0);
    update(ECO_HZ_PROFILE_LONG, STOP_M, 0.0, 0, ECO_HZ_STOP_SIGNAL, DWELL);
    update(ECO_HZ_PROFILE_LONG, 600, 0.0, 0, ECO_HZ_STOP_END, 0.0);
}

/* One period: the odometry at speed v, then the window's step. */
static void period(double v)
{
    now += (int64_t)(DT_S * 1e3) * MS;
    eco_hz_advance(&hz, v, now);
    cr_assert_eq(eco_rt_hz_route_step(&hr, &hz, v, DT_S, 0.6), ECO_OK, "%s", eco_last_error());
}

static void setup(void)
{
    cr_assert_eq(eco_cfg_vehicle_load(ECO_SOURCE_DIR "/models/vehicles/toyota_corolla_1p8_cvt.json",
                                      ECO_SOURCE_DIR "/models/maps", &veh),
                 ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_rt_hz_route_init(&hr, &veh, DT_S, NULL, NULL), ECO_OK, "%s", eco_last_error());
    eco_hz_init(&hz, 300 * MS, 1.0);
    now = 0;
}

static void teardown(void)
{
    eco_rt_hz_route_free(&hr);
    eco_vehicle_free(&veh);
}

TestSuite(hz_route, .init = setup, .fini = teardown);

Test(hz_route, a_car_creeping_onto_a_stop_keeps_its_window)
{
    map_ecu(STOP_M - 2);
    period(0.5);
    long made = hr.windows;
    /* 0.05 m a period: from 1.95 m short of the stop to 0.45 m (inside the half-metre
     * rows are the same within), the offset sent each period as a map ECU rounds it */
    for (int k = 0; k < 30; k++) {
        period(0.5);
        map_ecu((int)lround(hz.pos_m));
    }
    cr_expect_float_eq(hz.pos_m, STOP_M - 0.45, 1e-6, "the car at %.3f m", hz.pos_m);
    cr_expect_eq(hr.windows, made, "%ld windows made while nothing on the road changed",
                 hr.windows - made);
    cr_expect(!hr.trk.dwelling, "not yet at the stop");
}

Test(hz_route, a_stop_stood_out_short_is_not_stood_out_again)
{
    map_ecu(STOP_M - 1);
    for (int k = 0; k < 8; k++) { /* creeps to 0.6 m short and stands: arrived */
        period(0.5);
        map_ecu(STOP_M - 1);
    }
    period(0.0);
    cr_assert(hr.trk.dwelling, "standing 0.6 m short of the signal: arrived (%.2f m)", hz.pos_m);
    int k = 0;
    for (; hr.trk.dwelling && k < 400; k++) {
        map_ecu(STOP_M - 1);
        period(0.0);
    }
    cr_expect_float_eq(k * DT_S, DWELL, 0.15, "stood %.1f s", k * DT_S);
    /* the road ahead changes (a limit at 300 m): a new window, the car still short of it */
    update(ECO_HZ_SEGMENT, 300, 0.0, 30, 0, 0.0);
    long made = hr.windows;
    for (int j = 0; j < 20; j++) {
        map_ecu(STOP_M - 1);
        period(0.0);
        cr_assert(!hr.trk.dwelling, "a second dwell %.1f s after the first", (j + 1) * DT_S);
    }
    cr_expect_gt(hr.windows, made, "the new limit made a new window");
    cr_expect_gt(hr.trk.stop_at_m, 400.0, "the next stop is the path's end (%.1f m on)",
                 hr.trk.stop_at_m);
}

/* Standing at the signal 20 s of its 30, the horizon lost for 0.5 s (the core drops the
 * window when it goes stale) and back: the car stands the 10 s it had left, not 30. A car
 * that is no longer where it stood starts afresh. */
Test(hz_route, a_dwell_goes_on_after_the_horizon_was_lost)
{
    map_ecu(STOP_M);
    period(0.0);
    cr_assert(hr.trk.dwelling, "standing at the signal");
    for (int k = 0; k < 200; k++) {
        map_ecu(STOP_M);
        period(0.0);
    }
    cr_assert_float_eq(hr.trk.dwell_left_s, DWELL - 20.1, 1e-6, "%.2f s left", hr.trk.dwell_left_s);
    eco_rt_hz_route_drop(&hr);
    now += 500 * MS;
    long made = hr.windows;
    int k = 0;
    for (; k < 400; k++) {
        map_ecu(STOP_M);
        period(0.0);
        if (!hr.trk.dwelling)
            break;
    }
    cr_expect_eq(hr.windows, made + 1, "a window made again when the horizon came back");
    cr_expect_float_eq((k + 1) * DT_S, DWELL - 20.1, 0.15, "stood %.1f s more", (k + 1) * DT_S);
}
