/* Routes: the CSV reader and its errors by line, the queries against hand-computed values,
 * the stop check, and the IDM driver. */
#include "ecodrive/config.h"
#include "ecodrive/route.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KMH (1.0 / 3.6)

static char dir[256];

static void make_dir(void)
{
    const char *env = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/eco_route_XXXXXX", env && *env ? env : P_tmpdir);
    cr_assert_not_null(mkdtemp(dir));
}

static void drop_dir(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

static const char *write_file(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs(text, fp);
    fclose(fp);
    return path;
}

/* 50 km/h to 100 m, 80 km/h up 2 % to 300 m, a 20 s stop there, 80 km/h down 1 % to
 * 500 m where the route ends. */
static const char *GOOD = "# a hand-made route\n"
                          "distance_m,speed_limit_kmh,grade,stop_s\n"
                          "0,50,0,0\n"
                          "100,80,0.02,0\n"
                          "300,80,-0.01,20\n"
                          "500,30,0,0\n";

static void load_good(eco_route *r)
{
    const char *p = write_file("good.csv", GOOD);
    cr_assert_eq(eco_cfg_route_load(p, r), ECO_OK, "%s", eco_last_error());
}

Test(route, good_file_queries, .init = make_dir, .fini = drop_dir)
{
    eco_route r;
    load_good(&r);
    cr_assert_str_eq(r.name, "good");
    cr_assert_eq(r.n, 4);
    cr_assert_eq(r.row[2].source_line, 5);
    cr_assert_float_eq(eco_route_length_m(&r), 500.0, 1e-12);
    cr_assert_float_eq(eco_route_limit_mps(&r, 50.0), 50 * KMH, 1e-12);
    cr_assert_float_eq(eco_route_limit_mps(&r, 100.0), 80 * KMH, 1e-12);
    cr_assert_float_eq(eco_route_limit_mps(&r, 299.9), 80 * KMH, 1e-12);
    cr_assert_float_eq(eco_route_limit_mps(&r, 600.0), 30 * KMH, 1e-12);
    cr_assert_float_eq(eco_route_grade_rad(&r, 150.0), atan(0.02), 1e-12);
    cr_assert_float_eq(eco_route_grade_rad(&r, 99.0), 0.0, 1e-12);
    /* 2 % over 200 m rises 4 m, then 1 % down loses 1 m per 100 m. */
    const double at[] = {0, 100, 200, 300, 400, 500, 600};
    const double h[] = {0, 0, 2, 4, 3, 2, 2};
    for (int i = 0; i < 7; i++)
        cr_assert_float_eq(eco_route_elevation_m(&r, at[i]), h[i], 1e-9, "at %g m", at[i]);
    eco_route_free(&r);
}

Test(route, stops_and_dwell, .init = make_dir, .fini = drop_dir)
{
    eco_route r;
    load_good(&r);
    double at, dwell;
    cr_assert_eq(eco_route_next_stop(&r, 0.0, 0, &at, &dwell), 2);
    cr_assert_float_eq(at, 300.0, 1e-12);
    cr_assert_float_eq(dwell, 20.0, 1e-12);
    cr_assert_eq(eco_route_next_stop(&r, 300.0, 1, &at, NULL), 2);
    cr_assert_eq(eco_route_next_stop(&r, 300.0, 0, &at, &dwell), 3); /* the end */
    cr_assert_float_eq(at, 500.0, 1e-12);
    cr_assert_float_eq(dwell, 0.0, 1e-12);
    cr_assert_eq(eco_route_next_stop(&r, 500.0, 0, NULL, NULL), -1);
    cr_assert_eq(eco_route_stops(&r), 2);
    cr_assert_float_eq(eco_route_dwell_s(&r), 20.0, 1e-12);
    eco_route_free(&r);
}

Test(route, limit_ahead_and_envelope, .init = make_dir, .fini = drop_dir)
{
    eco_route r;
    load_good(&r);
    /* At 400 m, b = 1: the 30 km/h at 500 m binds: sqrt((30/3.6)^2 + 2 * 100). */
    double want = sqrt(pow(30 * KMH, 2) + 200.0);
    cr_assert_float_eq(eco_route_limit_ahead_mps(&r, 400.0, 1.0), want, 1e-9);
    /* Far from any lower limit the present one holds. */
    cr_assert_float_eq(eco_route_limit_ahead_mps(&r, 150.0, 1.0), 80 * KMH, 1e-12);
    /* 50 m before the stop: sqrt(2 * 1 * 50) = 10 m/s, below the limit. */
    cr_assert_float_eq(eco_route_envelope_mps(&r, 250.0, 1.0), 10.0, 1e-9);
    cr_assert_float_eq(eco_route_envelope_mps(&r, 300.0, 1.0), 0.0, 1e-12);
    eco_route_free(&r);
}

typedef struct {
    const char *text;
    const char *expect; /* in the message, after FILE:LINE */
} bad_case;

Test(route, errors_name_file_and_line, .init = make_dir, .fini = drop_dir)
{
    static const bad_case cases[] = {
        {"distance,limit\n0,50,0\n", "bad.csv:1: the header must be"},
        {"distance_m,speed_limit_kmh,grade\n5,50,0\n10,50,0\n",
         "bad.csv:2: distance_m must start at 0"},
        {"distance_m,speed_limit_kmh,grade\n0,50,0\n10,50,0\n10,50,0\n",
         "bad.csv:4: distance_m must increase"},
        {"distance_m,speed_limit_kmh,grade\n0,50,0\n10,0,0\n",
         "bad.csv:3: speed_limit_kmh must be"},
        {"distance_m,speed_limit_kmh,grade\n0,nan,0\n10,50,0\n",
         "bad.csv:2: speed_limit_kmh must be"},
        {"distance_m,speed_limit_kmh,grade\n0,50,0.31\n10,50,0\n", "bad.csv:2: grade must be"},
        {"distance_m,speed_limit_kmh,grade\n0,50,inf\n10,50,0\n", "bad.csv:2: grade must be"},
        {"distance_m,speed_limit_kmh,grade,stop_s\n0,50,0,-1\n10,50,0,0\n",
         "bad.csv:2: stop_s must be"},
        {"distance_m,speed_limit_kmh,grade\n0,50,0\n10,fast,0\n",
         "bad.csv:3: not a row of numbers"},
        {"distance_m,speed_limit_kmh,grade\n0,50\n", "bad.csv:2: need distance_m,speed_limit_kmh"},
        {"distance_m,speed_limit_kmh,grade\n0,50,0,0,1\n", "bad.csv:2: need"},
        {"distance_m,speed_limit_kmh,grade\n0,50,0\n", "at least two rows"},
        {"", "empty file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *p = write_file("bad.csv", cases[i].text);
        eco_route r;
        int rc = eco_cfg_route_load(p, &r);
        cr_assert_eq(rc, ECO_EPARSE, "case %zu", i);
        cr_assert(strstr(eco_last_error(), cases[i].expect), "case %zu: '%s' lacks '%s'", i,
                  eco_last_error(), cases[i].expect);
        cr_assert_null(r.row);
    }
    eco_route r;
    char missing[600];
    snprintf(missing, sizeof missing, "%s/none.csv", dir);
    cr_assert_eq(eco_cfg_route_load(missing, &r), ECO_ENOENT);
    cr_assert(strstr(eco_last_error(), "none.csv: cannot open"), "%s", eco_last_error());
}

Test(route, save_then_load_is_the_same, .init = make_dir, .fini = drop_dir)
{
    eco_route a, b;
    load_good(&a);
    char out[600];
    snprintf(out, sizeof out, "%s/again.csv", dir);
    cr_assert_eq(eco_cfg_route_save(out, &a), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_cfg_route_load(out, &b), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(a.n, b.n);
    for (int i = 0; i < a.n; i++) {
        cr_assert_float_eq(a.row[i].distance_m, b.row[i].distance_m, 1e-9);
        cr_assert_float_eq(a.row[i].limit_mps, b.row[i].limit_mps, 1e-9);
        cr_assert_float_eq(a.row[i].grade_rad, b.row[i].grade_rad, 1e-9);
        cr_assert_float_eq(a.row[i].stop_s, b.row[i].stop_s, 1e-9);
    }
    eco_route_free(&a);
    eco_route_free(&b);
}

Test(route, limits_file, .init = make_dir, .fini = drop_dir)
{
    eco_route_row *rows;
    int n;
    const char *p = write_file("lim.csv", "distance_m,speed_limit_kmh\n0,50\n1200,90\n");
    cr_assert_eq(eco_cfg_route_limits_load(p, &rows, &n), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(n, 2);
    cr_assert_float_eq(rows[1].distance_m, 1200.0, 1e-12);
    cr_assert_float_eq(rows[1].limit_mps, 90 * KMH, 1e-12);
    eco_free(rows);
    p = write_file("lim.csv", "distance_m,speed_limit_kmh\n0,50\n1200,-5\n");
    cr_assert_eq(eco_cfg_route_limits_load(p, &rows, &n), ECO_EPARSE);
    cr_assert(strstr(eco_last_error(), "lim.csv:3: speed_limit_kmh"), "%s", eco_last_error());
}

/* A car of 1000 kg whose brakes give 8000 N: 8 m/s^2 on the level. */
static eco_vehicle braking_car(void)
{
    eco_vehicle v;
    memset(&v, 0, sizeof v);
    v.mass_kg = 1000.0;
    v.brake_max_n = 8000.0;
    return v;
}

Test(route, unreachable_stop_is_named, .init = make_dir, .fini = drop_dir)
{
    eco_vehicle car = braking_car();
    eco_route r;
    load_good(&r); /* 80 km/h from 100 m to the stop at 300 m: 30.9 m of braking */
    cr_assert_eq(eco_route_check_stops(&r, &car), ECO_OK, "%s", eco_last_error());
    eco_route_free(&r);
    /* 120 km/h from 100 m and a stop at 150 m: (120/3.6)^2 / 16 = 69.4 m > 50 m. */
    const char *p = write_file("short.csv", "distance_m,speed_limit_kmh,grade,stop_s\n"
                                            "0,30,0,0\n100,120,0,0\n150,50,0,10\n200,50,0,0\n");
    cr_assert_eq(eco_cfg_route_load(p, &r), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_route_check_stops(&r, &car), ECO_EINVAL);
    cr_assert(strstr(eco_last_error(), "stop 1 at 150.0 m (line 4)"), "%s", eco_last_error());
    cr_assert(strstr(eco_last_error(), "69.4 m"), "%s", eco_last_error());
    eco_route_free(&r);
    /* From rest at the start no car arrives at the limit: reachable however short. */
    p = write_file("start.csv", "distance_m,speed_limit_kmh,grade,stop_s\n0,120,0,0\n20,50,0,0\n");
    cr_assert_eq(eco_cfg_route_load(p, &r), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(eco_route_check_stops(&r, &car), ECO_OK, "%s", eco_last_error());
    eco_route_free(&r);
}

Test(idm, free_road_and_equilibrium)
{
    eco_idm_params p;
    eco_idm_params_default(&p);
    /* From rest on an open road the IDM pulls at a; at the desired speed it holds. */
    cr_assert_float_eq(eco_idm_accel_mps2(&p, 0.0, 20.0, 1e9, 0.0), 0.73, 1e-9);
    cr_assert_float_eq(eco_idm_accel_mps2(&p, 20.0, 20.0, 1e9, 0.0), 0.0, 1e-6);
    /* Half the desired speed: a (1 - 1/16). */
    cr_assert_float_eq(eco_idm_accel_mps2(&p, 10.0, 20.0, 1e9, 0.0), 0.73 * 15.0 / 16.0, 1e-6);
    /* Standing still at the jam distance behind a standing car: no motion (s* = s0). */
    cr_assert_float_eq(eco_idm_accel_mps2(&p, 0.0, 20.0, 2.0, 0.0), 0.0, 1e-12);
}

/* Drive the IDM as a point mass over the hand-made route up to its stop at 300 m. */
Test(idm, brakes_early_and_stops_at_the_point, .init = make_dir, .fini = drop_dir)
{
    eco_route r;
    load_good(&r);
    eco_idm_params p;
    eco_idm_params_default(&p);
    double x = 0.0, v = 0.0, dt = 0.1, worst_decel = 0.0, brake_from = -1.0, vmax = 0.0;
    for (int k = 0; k < 2000; k++) {
        double v1 = eco_idm_target_mps(&p, &r, x, v, 300.0, dt);
        if (v1 < v && brake_from < 0.0 && x > 150.0)
            brake_from = x;
        worst_decel = fmax(worst_decel, (v - v1) / dt);
        x += 0.5 * (v + v1) * dt;
        v = v1;
        vmax = fmax(vmax, v);
        cr_assert(v <= eco_route_limit_mps(&r, x) + 1e-9, "over the limit at %g m", x);
    }
    cr_assert_float_eq(x, 300.0, p.arrive_m, "rests at %g m", x);
    cr_assert_float_eq(v, 0.0, 1e-12);
    cr_assert(vmax > 40 * KMH, "reaches speed: %g km/h", vmax * 3.6);
    /* A driver: braking begins more than 60 m out (here at 48 km/h), and never harder than 2 b. */
    cr_assert(brake_from > 0.0 && brake_from < 240.0, "brakes from %g m", brake_from);
    cr_assert(worst_decel < 2.0 * p.decel_mps2, "peak deceleration %g m/s^2", worst_decel);
    eco_route_free(&r);
}

/* Issue 14 (found by fuzzing): rows less than a millimetre apart loaded, but the route file
 * keeps distances to the millimetre, so the route saved could not be read back ("must
 * increase"). Such rows are refused at load, by line; rows a millimetre apart still load and
 * come back. */
Test(route, rows_closer_than_a_millimetre, .init = make_dir, .fini = drop_dir)
{
    eco_route r;
    const char *p = write_file("close.csv", "distance_m,speed_limit_kmh,grade\n0,50,0\n\n"
                                            "101e-308,80,0\n");
    cr_assert_eq(eco_cfg_route_load(p, &r), ECO_EPARSE);
    cr_assert(strstr(eco_last_error(), "close.csv:4: distance_m 1.01e-306 is less than a "
                                       "millimetre after 0"),
              "%s", eco_last_error());
    p = write_file("close.csv", "distance_m,speed_limit_kmh,grade\n0,50,0\n10.0001,50,0\n"
                                "10.0004,50,0\n");
    cr_assert_eq(eco_cfg_route_load(p, &r), ECO_EPARSE);
    cr_assert(strstr(eco_last_error(), "close.csv:4:"), "%s", eco_last_error());
    p = write_file("close.csv", "distance_m,speed_limit_kmh,grade\n0,50,0\n0.001,50,0\n"
                                "0.002,50,0\n");
    cr_assert_eq(eco_cfg_route_load(p, &r), ECO_OK, "%s", eco_last_error());
    char out[600];
    snprintf(out, sizeof out, "%s/again.csv", dir);
    cr_assert_eq(eco_cfg_route_save(out, &r), ECO_OK, "%s", eco_last_error());
    eco_route_free(&r);
    cr_assert_eq(eco_cfg_route_load(out, &r), ECO_OK, "%s", eco_last_error());
    cr_expect_eq(r.n, 3);
    eco_route_free(&r);
}
