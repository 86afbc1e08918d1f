/* Routes from drives: distance, stops and limits on hand-made drives, the shipped drives'
 * distance against the integral of their speed, and the ecosim route command. */
#include "cli_fixture.h"
#include "cycle.h"
#include "ecodrive/config.h"
#include "route_build.h"

#include <math.h>
#include <string.h>

#define KMH (1.0 / 3.6)

static char tmp[512];

static void make_tmp(void)
{
    make_cycle();
    snprintf(tmp, sizeof tmp, "%s", cli_dir);
    (void)num; /* the fixture's JSON reader serves other tests */
}

static void write_drive(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void route_of(const char *text, eco_route *r)
{
    char path[600];
    snprintf(path, sizeof path, "%s/drive.csv", tmp);
    write_drive(path, text);
    eco_sim_cycle c;
    cr_assert_eq(eco_sim_cycle_load(path, NULL, &c), ECO_OK, "%s", eco_last_error());
    eco_sim_route_rule rule;
    eco_sim_route_rule_default(&rule);
    cr_assert_eq(eco_sim_route_from_drive(&c, &rule, NULL, 0, r), ECO_OK, "%s", eco_last_error());
    eco_sim_cycle_free(&c);
}

/* 0 0 0 36 72 72 36 0 0 0 0 36 0 km/h at 1 Hz. Trapezoids: 5 + 15 + 20 + 15 + 5 then
 * 5 + 5 m = 70 m. Stand-stills: 0-2 s (2 s, a stop at 0 m), 7-10 s (3 s at 60 m), the end
 * (one sample, 0 s). Stretch 1 moves at 36 36 72 72: the 95th percentile (4th of 4) is 72,
 * so 80 km/h; stretch 2 at 36 alone: 40 km/h. */
Test(route_build, stops_and_limits_by_hand, .init = make_tmp, .fini = drop_cycle)
{
    eco_route r;
    route_of("time_s,speed_kmh\n0,0\n1,0\n2,0\n3,36\n4,72\n5,72\n6,36\n7,0\n8,0\n9,0\n10,0\n"
             "11,36\n12,0\n",
             &r);
    cr_assert_eq(r.n, 3);
    cr_assert_float_eq(eco_route_length_m(&r), 70.0, 1e-9);
    cr_assert_float_eq(r.row[0].distance_m, 0.0, 1e-12);
    cr_assert_float_eq(r.row[0].stop_s, 2.0, 1e-12);
    cr_assert_float_eq(r.row[0].limit_mps, 80 * KMH, 1e-12);
    cr_assert_float_eq(r.row[1].distance_m, 60.0, 1e-9);
    cr_assert_float_eq(r.row[1].stop_s, 3.0, 1e-12);
    cr_assert_float_eq(r.row[1].limit_mps, 40 * KMH, 1e-12);
    cr_assert_float_eq(r.row[2].stop_s, 0.0, 1e-12);
    cr_assert_eq(eco_route_stops(&r), 3);
    eco_route_free(&r);
}

/* A 1 s stand-still is no stop: 0 36 0 0 36 0 has one at the end only. */
Test(route_build, short_halt_is_no_stop, .init = make_tmp, .fini = drop_cycle)
{
    eco_route r;
    route_of("time_s,speed_kmh\n0,0\n1,36\n2,0\n3,0\n4,36\n5,0\n", &r);
    cr_assert_eq(eco_route_stops(&r), 1);
    cr_assert_float_eq(eco_route_dwell_s(&r), 0.0, 1e-12);
    cr_assert_float_eq(eco_route_length_m(&r), 20.0, 1e-9);
    eco_route_free(&r);
}

/* Grade by distance: 0 36 36 36 0 km/h with grades 0 .01 .02 .02 0 gives rows at 0, 5 and
 * 15 m; the rise is 0.01 x 10 + 0.02 x 15 = 0.4 m. */
Test(route_build, grade_kept_by_distance, .init = make_tmp, .fini = drop_cycle)
{
    eco_route r;
    route_of("time_s,speed_kmh,grade\n0,0,0\n1,36,0.01\n2,36,0.02\n3,36,0.02\n4,0,0\n", &r);
    cr_assert_float_eq(eco_route_length_m(&r), 30.0, 1e-9);
    cr_assert_float_eq(eco_route_grade_rad(&r, 2.0), 0.0, 1e-12);
    cr_assert_float_eq(eco_route_grade_rad(&r, 10.0), atan(0.01), 1e-12);
    cr_assert_float_eq(eco_route_grade_rad(&r, 20.0), atan(0.02), 1e-12);
    cr_assert_float_eq(eco_route_elevation_m(&r, 30.0), 0.4, 1e-9);
    eco_route_free(&r);
}

Test(route_build, limit_rule_by_hand)
{
    eco_sim_route_rule rule;
    eco_sim_route_rule_default(&rule);
    double v[100];
    for (int i = 0; i < 100; i++) /* 1..100 km/h: the 95th of 100 is 95 -> 100 km/h */
        v[i] = (100 - i) * KMH;
    cr_assert_float_eq(eco_sim_route_rule_limit_mps(&rule, v, 100), 100 * KMH, 1e-12);
    for (int i = 0; i < 20; i++) /* 1..20: the 19th is 19 -> 20, raised to the 30 floor */
        v[i] = (i + 1) * KMH;
    cr_assert_float_eq(eco_sim_route_rule_limit_mps(&rule, v, 20), 30 * KMH, 1e-12);
    v[0] = 47 * KMH;
    cr_assert_float_eq(eco_sim_route_rule_limit_mps(&rule, v, 1), 50 * KMH, 1e-12);
    v[0] = 50 * KMH; /* on a step: stays */
    cr_assert_float_eq(eco_sim_route_rule_limit_mps(&rule, v, 1), 50 * KMH, 1e-12);
}

Test(route_build, no_motion_is_refused, .init = make_tmp, .fini = drop_cycle)
{
    char path[600];
    snprintf(path, sizeof path, "%s/still.csv", tmp);
    write_drive(path, "time_s,speed_kmh\n0,0\n1,0\n2,0\n");
    eco_sim_cycle c;
    cr_assert_eq(eco_sim_cycle_load(path, NULL, &c), ECO_OK);
    eco_sim_route_rule rule;
    eco_sim_route_rule_default(&rule);
    eco_route r;
    cr_assert_eq(eco_sim_route_from_drive(&c, &rule, NULL, 0, &r), ECO_EINVAL);
    cr_assert(strstr(eco_last_error(), "still: no motion"), "%s", eco_last_error());
    eco_sim_cycle_free(&c);
}

/* The integral of the speed, read from the file here, against the route's length. */
static double trapezoid_m(const char *path)
{
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp);
    char line[256];
    double t0 = 0, v0 = 0, d = 0;
    int first = 1;
    cr_assert_not_null(fgets(line, sizeof line, fp)); /* header */
    while (fgets(line, sizeof line, fp)) {
        double t, v;
        cr_assert_geq(sscanf(line, "%lf,%lf", &t, &v), 2);
        if (!first)
            d += 0.5 * (v + v0) / 3.6 * (t - t0);
        first = 0;
        t0 = t;
        v0 = v;
    }
    fclose(fp);
    return d;
}

Test(route_build, shipped_drives_keep_their_distance, .init = make_tmp, .fini = drop_cycle)
{
    const char *names[] = {"cmap_4116880_1_2007-04-23", "longhaul_highway_2"};
    for (int i = 0; i < 2; i++) {
        char drive[600], route[600], cmd[2048], out[4096];
        snprintf(drive, sizeof drive, "%s/sim/drives/%s.csv", ECO_SOURCE_DIR, names[i]);
        snprintf(route, sizeof route, "%s/%s.route.csv", tmp, names[i]);
        snprintf(cmd, sizeof cmd, "%s route --from-drive %s -o %s 2>&1", ECOSIM, names[i], route);
        cr_assert_eq(run(cmd, out, sizeof out), 0, "%s", out);
        eco_route r;
        cr_assert_eq(eco_cfg_route_load(route, &r), ECO_OK, "%s", eco_last_error());
        cr_assert_float_eq(eco_route_length_m(&r), trapezoid_m(drive), 1e-3, "%s", names[i]);
        eco_route_free(&r);
    }
}

Test(route_build, command_bad_input, .init = make_tmp, .fini = drop_cycle)
{
    char out[4096], cmd[2048];
    cr_assert_eq(run(ECOSIM " route 2>&1", out, sizeof out), 2);
    cr_assert(strstr(out, "--from-drive is required"), "%s", out);
    cr_assert_eq(run(ECOSIM " route --from-drive no_such_drive 2>&1", out, sizeof out), 2);
    cr_assert(strstr(out, "no_such_drive"), "%s", out);
    snprintf(cmd, sizeof cmd, "%s route --from-drive %s --limits /nonexistent.csv 2>&1", ECOSIM,
             cycle_path);
    cr_assert_eq(run(cmd, out, sizeof out), 2);
    cr_assert(strstr(out, "/nonexistent.csv: cannot open"), "%s", out);
    cr_assert_eq(run(ECOSIM " route --help", out, sizeof out), 0);
    cr_assert(strstr(out, "95th-percentile"), "%s", out);
}

/* A limits file replaces the rule: 50 km/h, then 90 from 500 m of the WLTC's first 120 s. */
Test(route_build, limits_file_applies, .init = make_tmp, .fini = drop_cycle)
{
    char lim[600], route[600], cmd[2048], out[4096];
    snprintf(lim, sizeof lim, "%s/lim.csv", tmp);
    snprintf(route, sizeof route, "%s/r.csv", tmp);
    write_drive(lim, "distance_m,speed_limit_kmh\n0,50\n500,90\n");
    snprintf(cmd, sizeof cmd, "%s route --from-drive %s --limits %s -o %s 2>&1", ECOSIM, cycle_path,
             lim, route);
    cr_assert_eq(run(cmd, out, sizeof out), 0, "%s", out);
    eco_route r;
    cr_assert_eq(eco_cfg_route_load(route, &r), ECO_OK, "%s", eco_last_error());
    cr_assert_float_eq(eco_route_limit_mps(&r, 499.0), 50 * KMH, 1e-9);
    cr_assert_float_eq(eco_route_limit_mps(&r, 501.0), 90 * KMH, 1e-9);
    /* The stand-stills are kept: 11 s at the start (0-11 s), the end's from 99 s. */
    cr_assert_eq(eco_route_stops(&r), 2);
    cr_assert_float_eq(r.row[0].stop_s, 11.0, 1e-12);
    cr_assert_float_eq(r.row[r.n - 1].stop_s, 21.0, 1e-12);
    eco_route_free(&r);
}
