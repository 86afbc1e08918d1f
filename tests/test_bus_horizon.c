/* The map ECU of ecosim bus --route (sim/bus_horizon.h) into the daemon's horizon core
 * (include/ecodrive/horizon.h): a hand-made route longer than the 8191 m offset cycle,
 * driven by stepping the distance forward and standing at its stops; the core's rebuilt
 * rows and next stop against the route's own queries over the look-ahead. */
#include "bus_horizon.h"
#include "ecodrive/units.h"

#include <criterion/criterion.h>
#include <math.h>

#define DBC      ECO_SOURCE_DIR "/models/ecodrive.dbc"
#define MS       1000000LL
#define DT_NS    (100 * MS) /* the plant's step, as ecosim bus */
#define SPEED    20.0       /* m/s while driving */
#define TIMEOUT  (300 * MS) /* 3 POSITION cycles, as the daemon */
#define EDGE_M   2.0        /* no check this near a row, a stop behind or the look-ahead's edge */
#define KMH(k)   ((k) / ECO_KMH_PER_MPS)
#define ROWS_CAP 64

/* Limits changing, a climb and a descent, two stops with dwells, the end with one; 9.5 km,
 * past the 8191 m cycle, with a stop near the wrap. */
static const eco_route_row ROUTE[] = {
    {0.0, KMH(50), 0.0, 0.0, 0},          {400.0, KMH(70), 0.0, 0.0, 0},
    {1000.0, KMH(70), 0.0399787, 0.0, 0}, {1600.0, KMH(70), 0.0, 0.0, 0},
    {2500.0, KMH(50), 0.0, 20.0, 0},      {2600.0, KMH(90), -0.0199973, 0.0, 0},
    {5000.0, KMH(90), 0.0, 0.0, 0},       {8150.0, KMH(60), 0.0149989, 12.5, 0},
    {8400.0, KMH(80), 0.0, 0.0, 0},       {9500.0, KMH(80), 0.0, 5.0, 0},
};

typedef struct {
    eco_route route;
    eco_can_db *db;
    eco_hz_signals sig;
    eco_sim_hz_ecu ecu;
    eco_hz hz, late; /* the late one joins mid-route (a daemon restarted) */
    int late_on;
    double d_m;
    int64_t t_ns;
    long frames, rejected, checks, checks_wrapped;
} rig;

static void rig_init(rig *g)
{
    memset(g, 0, sizeof *g);
    cr_assert_eq(eco_route_init(&g->route, "t", ROUTE, sizeof ROUTE / sizeof ROUTE[0]), ECO_OK);
    cr_assert_eq(eco_can_db_load(DBC, &g->db), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_hz_signals_find(g->db, &g->sig), ECO_OK);
    cr_assert_eq(eco_sim_hz_ecu_init(&g->ecu, g->db, &g->route, ECO_SIM_HZ_LOOKAHEAD_M), ECO_OK);
    eco_hz_init(&g->hz, TIMEOUT, 1.0);
    eco_hz_init(&g->late, TIMEOUT, 1.0);
}

static void rig_free(rig *g)
{
    eco_route_free(&g->route);
    eco_can_db_free(g->db);
}

/* One step of the plant: odometry into the cores, then the map ECU's frames. */
static void step(rig *g, double speed)
{
    g->t_ns += DT_NS;
    g->d_m += speed * DT_NS * 1e-9;
    eco_can_frame f[ECO_SIM_HZ_FRAMES_MAX];
    eco_hz_advance(&g->hz, speed, g->t_ns);
    eco_hz_advance(&g->late, speed, g->t_ns);
    int n = eco_sim_hz_ecu_frames(&g->ecu, g->d_m, g->t_ns, f);
    for (int i = 0; i < n; i++) {
        g->rejected += eco_hz_frame(&g->hz, g->db, &g->sig, &f[i], g->t_ns) == ECO_EINVAL;
        if (g->late_on)
            g->rejected += eco_hz_frame(&g->late, g->db, &g->sig, &f[i], g->t_ns) == ECO_EINVAL;
    }
    g->frames += n;
}

static int near_row(const eco_route *r, double x)
{
    for (int i = 0; i < r->n; i++)
        if (fabs(r->row[i].distance_m - x) < EDGE_M)
            return 1;
    return 0;
}

/* The core's limit and grade at each distance ahead equal the route's there. */
static void check_rows(rig *g)
{
    eco_route_row rows[ROWS_CAP];
    int n = eco_hz_rows(&g->hz, rows, ROWS_CAP);
    cr_assert_geq(n, 2, "at %.1f m", g->d_m);
    for (int i = 1; i < n; i++) {
        char why[128];
        cr_expect_eq(eco_route_row_check(&rows[i - 1], &rows[i], why, sizeof why), ECO_OK, "%s",
                     why);
    }
    double len = eco_route_length_m(&g->route) - g->d_m;
    double span = fmin(ECO_SIM_HZ_LOOKAHEAD_M, len) - EDGE_M;
    for (double a = 0.0; a < span; a += 7.0) {
        if (near_row(&g->route, g->d_m + a))
            continue;
        int j = 0;
        while (j + 1 < n && rows[j + 1].distance_m <= a)
            j++;
        cr_expect_float_eq(rows[j].limit_mps, eco_route_limit_mps(&g->route, g->d_m + a), 1e-9,
                           "limit %.0f m ahead of %.1f m", a, g->d_m);
        cr_expect_float_eq(rows[j].grade_rad, eco_route_grade_rad(&g->route, g->d_m + a), 1e-6,
                           "grade %.0f m ahead of %.1f m", a, g->d_m);
    }
    if (len > EDGE_M && len < ECO_SIM_HZ_LOOKAHEAD_M - EDGE_M) { /* at the end: see below */
        cr_expect_float_eq(rows[n - 1].distance_m, len, 0.5, "the end ahead of %.1f m", g->d_m);
        cr_expect_float_eq(rows[n - 1].stop_s, 5.0, 1e-9);
    }
}

/* The core's next stop is the route's, within the look-ahead. */
static void check_stop(rig *g)
{
    double at, s, ahead, hs;
    cr_assert_geq(eco_route_next_stop(&g->route, g->d_m, 1, &at, &s), 0);
    int have = eco_hz_next_stop(&g->hz, &ahead, &hs);
    if (at - g->d_m < ECO_SIM_HZ_LOOKAHEAD_M - EDGE_M) {
        cr_assert(have, "the stop at %.0f m seen from %.1f m", at, g->d_m);
        cr_expect_float_eq(ahead, at - g->d_m, 0.5, "at %.1f m", g->d_m);
        cr_expect_float_eq(hs, s, 1e-9, "at %.1f m", g->d_m);
    } else if (at - g->d_m > ECO_SIM_HZ_LOOKAHEAD_M + EDGE_M) {
        cr_expect(!have, "no stop known beyond the look-ahead, from %.1f m", g->d_m);
    }
}

static void check(rig *g)
{
    double prev_stop;
    cr_expect_eq(eco_hz_state_at(&g->hz, g->t_ns), ECO_HZ_STATE_VALID, "at %.1f m", g->d_m);
    int k = eco_route_row_at(&g->route, g->d_m);
    prev_stop = g->route.row[k].stop_s > 0.0 ? g->route.row[k].distance_m : -1e9;
    if (g->d_m - prev_stop > 0.0 && g->d_m - prev_stop < EDGE_M)
        return; /* just leaving a stop: the core keeps it a metre */
    check_rows(g);
    check_stop(g);
    g->checks++;
    g->checks_wrapped += g->d_m > ECO_HZ_OFFSET_MOD;
}

/* Drive to the next stop, stand its dwell, on to the end; check every 37 steps. */
static void drive(rig *g, void (*each)(rig *g, long k))
{
    double at, s;
    long k = 0;
    while (eco_route_next_stop(&g->route, g->d_m, k == 0, &at, &s) >= 0) {
        while (g->d_m + SPEED * DT_NS * 1e-9 < at) {
            step(g, SPEED);
            each(g, k++);
        }
        step(g, (at - g->d_m) / (DT_NS * 1e-9));
        g->d_m = at;
        for (double w = 0.0; w < s; w += DT_NS * 1e-9) {
            step(g, 0.0);
            each(g, k++);
        }
        if (at >= eco_route_length_m(&g->route))
            break;
    }
}

static void every_37th(rig *g, long k)
{
    if (k % 37 == 0)
        check(g);
}

Test(bus_horizon, the_core_rebuilds_the_route_ahead_across_the_wrap)
{
    static rig g;
    rig_init(&g);
    drive(&g, every_37th);
    cr_expect_eq(g.rejected, 0);
    cr_expect(g.hz.st.rejected == 0 && g.hz.st.ignored == 0 && g.hz.st.full == 0,
              "rejected %lu ignored %lu full %lu", (unsigned long)g.hz.st.rejected,
              (unsigned long)g.hz.st.ignored, (unsigned long)g.hz.st.full);
    cr_expect_gt(g.checks, 100);
    cr_expect_gt(g.checks_wrapped, 10, "checks past the 8191 m wrap: %ld", g.checks_wrapped);
    double fps = g.frames / (g.t_ns * 1e-9);
    cr_log_info("bus_horizon: %ld frames in %.1f s: %.1f frames/s (POSITION %ld, SEGMENT %ld, "
                "PROFILE SHORT %ld, PROFILE LONG %ld)",
                g.frames, g.t_ns * 1e-9, fps, g.ecu.frames[ECO_HZ_POSITION],
                g.ecu.frames[ECO_HZ_SEGMENT], g.ecu.frames[ECO_HZ_PROFILE_SHORT],
                g.ecu.frames[ECO_HZ_PROFILE_LONG]);
    cr_expect_leq(fps, 10.0 * (1 + ECO_SIM_HZ_REPEAT_MAX), "the bus load: %.1f/s", fps);
    rig_free(&g);
}

/* A core that joins mid-route (a daemon restarted) has the same horizon as the one that
 * saw it all after a few cycles of repeats. */
static void join_late(rig *g, long k)
{
    (void)k;
    if (!g->late_on && g->d_m >= 3000.0)
        g->late_on = 1;
    if (!g->late_on || g->d_m < 3100.0 || g->checks)
        return;
    eco_route_row a[ROWS_CAP], b[ROWS_CAP];
    int na = eco_hz_rows(&g->hz, a, ROWS_CAP), nb = eco_hz_rows(&g->late, b, ROWS_CAP);
    cr_assert_eq(nb, na, "rows after 5 s of joining");
    for (int i = 0; i < na; i++)
        cr_expect(fabs(a[i].distance_m - b[i].distance_m) < 1e-9 &&
                      a[i].limit_mps == b[i].limit_mps && a[i].grade_rad == b[i].grade_rad &&
                      a[i].stop_s == b[i].stop_s,
                  "row %d", i);
    cr_expect_eq(eco_hz_state_at(&g->late, g->t_ns), ECO_HZ_STATE_VALID);
    g->checks = 1;
}

Test(bus_horizon, a_late_receiver_gets_the_horizon_from_the_repeats)
{
    static rig g;
    rig_init(&g);
    drive(&g, join_late);
    cr_expect_eq(g.checks, 1);
    cr_expect_eq(g.rejected, 0);
    rig_free(&g);
}
