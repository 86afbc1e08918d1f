/* Cycles: shipped traces against their official distances, and CSV errors naming lines. */
#include "cycle.h"
#include "ecodrive/common.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
    char name[24];
    double km; /* reference distance */
    double tol_km;
    double span_s;
} cycle_fact;

/* Distances: UN GTR 15 Annex 1 (WLTC), UNECE R83 (NEDC), EPA dynamometer schedules
 * (UDDS 7.45 mi, FTP-75 11.04 mi, HWFET 10.26 mi, US06 8.01 mi); see sim/cycles/SOURCES.md. */
static cycle_fact FACTS[] = {
    {"wltc_class3b", 23.266, 0.01, 1800}, {"wltc_class3a", 23.19, 0.01, 1800},
    {"wltc_class2", 22.649, 0.01, 1800},  {"wltc_class1", 11.44, 0.02, 1611},
    {"nedc", 11.01, 0.02, 1179},          {"udds", 11.99, 0.02, 1369},
    {"ftp75", 17.77, 0.02, 1874},         {"hwfet", 16.51, 0.02, 765},
    {"us06", 12.89, 0.02, 600},
};

ParameterizedTestParameters(cycle, shipped_distance)
{
    return cr_make_param_array(cycle_fact, FACTS, sizeof FACTS / sizeof FACTS[0]);
}

static void load_shipped(const char *name, eco_sim_cycle *c)
{
    char path[512];
    snprintf(path, sizeof path, "%s/sim/cycles/%s.csv", ECO_SOURCE_DIR, name);
    cr_assert_eq(eco_sim_cycle_load(path, name, c), ECO_OK, "%s", eco_last_error());
}

ParameterizedTest(cycle_fact *f, cycle, shipped_distance)
{
    eco_sim_cycle c;
    load_shipped(f->name, &c);
    cr_assert_float_eq(c.distance_m[c.n - 1] / 1000.0, f->km, f->tol_km, "%s", f->name);
    cr_assert_float_eq(eco_sim_cycle_duration_s(&c), f->span_s, 1e-9);
    eco_sim_cycle_free(&c);
}

Test(cycle, wltc_3b_phases_match_gtr15)
{
    eco_sim_cycle c;
    load_shipped("wltc_class3b", &c);
    cr_assert_eq(c.n_phases, 4);
    const double km[] = {3.095, 4.756, 7.162, 8.254}; /* GTR 15 Annex 1 */
    for (int p = 0; p < 4; p++) {
        double d0, d1;
        eco_sim_cycle_sample(&c, c.phase[p].t0_s, NULL, NULL, &d0);
        eco_sim_cycle_sample(&c, c.phase[p].t1_s, NULL, NULL, &d1);
        cr_assert_float_eq((d1 - d0) / 1000.0, km[p], 0.001, "phase %s", c.phase[p].name);
    }
    eco_sim_cycle_free(&c);
}

Test(cycle, ftp75_has_three_bags)
{
    eco_sim_cycle c;
    load_shipped("ftp75", &c);
    cr_assert_eq(c.ftp_bags, 1);
    cr_assert_eq(c.n_phases, 3);
    cr_assert_float_eq(c.phase[1].t1_s - c.phase[1].t0_s, 864.0, 1e-9); /* bag 2: 864 s */
    eco_sim_cycle_free(&c);
}

Test(cycle, band_is_window_extremes_widened)
{
    eco_sim_cycle c;
    load_shipped("wltc_class3b", &c);
    /* around t = 300 s, on the move: min/max of the trace over [299, 301] -/+ 2 km/h */
    double lo, hi, vmin = 1e9, vmax = 0;
    for (int i = 299; i <= 301; i++) {
        vmin = fmin(vmin, c.speed_mps[i]);
        vmax = fmax(vmax, c.speed_mps[i]);
    }
    eco_sim_cycle_band(&c, 300.0, 2.0 / 3.6, 1.0, &lo, &hi);
    cr_assert_float_eq(lo, fmax(0.0, vmin - 2.0 / 3.6), 1e-12);
    cr_assert_float_eq(hi, vmax + 2.0 / 3.6, 1e-12);
    /* around t = 1000 s the trace stands still over the whole window: so does the band
     * (tests/test_stops.c has the edges) */
    for (int i = 999; i <= 1001; i++)
        cr_assert_eq(c.speed_mps[i], 0.0);
    eco_sim_cycle_band(&c, 1000.0, 2.0 / 3.6, 1.0, &lo, &hi);
    cr_assert(lo == 0.0 && hi == 0.0);
    eco_sim_cycle_free(&c);
}

/* The walked samples a preview takes are the searched ones, bit for bit: a preview's worth of
 * points 0.1 s apart from every 0.7 s of FTP-75 (an uneven start), past both ends too. */
Test(cycle, walked_samples_are_the_searched_ones)
{
    eco_sim_cycle c;
    load_shipped("ftp75", &c);
    int points = 0;
    for (double t0 = -5.0; t0 < c.time_s[c.n - 1] + 5.0; t0 += 0.7) {
        int seg = -1, seg_band = -1;
        for (int k = 0; k < 120; k++) {
            double t = t0 + (k + 1) * 0.1, want[5], got[5];
            eco_sim_cycle_sample(&c, t, &want[0], &want[1], &want[2]);
            eco_sim_cycle_band(&c, t, 2.0 / 3.6, 1.0, &want[3], &want[4]);
            eco_sim_cycle_sample_near(&c, &seg, t, &got[0], &got[1], &got[2]);
            eco_sim_cycle_band_near(&c, &seg_band, t, 2.0 / 3.6, 1.0, &got[3], &got[4]);
            cr_assert(memcmp(want, got, 5 * sizeof(double)) == 0, "t = %.17g", t);
            points++;
        }
    }
    cr_assert_gt(points, 300000);
    eco_sim_cycle_free(&c);
}

static int load_text(const char *text, eco_sim_cycle *c, char *path, size_t n)
{
    snprintf(path, n, "%s/eco_cycle_XXXXXX", P_tmpdir);
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    int rc = eco_sim_cycle_load(path, NULL, c);
    unlink(path);
    return rc;
}

Test(cycle, csv_with_grade_and_header)
{
    eco_sim_cycle c;
    char path[64];
    cr_assert_eq(
        load_text("time_s,speed_kmh,grade\n0,0,0\n1,36,0.02\n2,36,0.02\n", &c, path, sizeof path),
        ECO_OK, "%s", eco_last_error());
    cr_assert_eq(c.n, 3);
    cr_assert_float_eq(c.speed_mps[1], 10.0, 1e-12);
    cr_assert_float_eq(c.grade_rad[1], atan(0.02), 1e-12);
    cr_assert_float_eq(c.distance_m[2], 15.0, 1e-12); /* 5 m + 10 m, trapezoids */
    cr_assert_eq(c.n_phases, 1);
    eco_sim_cycle_free(&c);
}

static void expect_error(const char *text, const char *needle)
{
    eco_sim_cycle c;
    char path[64];
    cr_assert_eq(load_text(text, &c, path, sizeof path), ECO_EPARSE);
    cr_assert(strstr(eco_last_error(), needle) != NULL, "message '%s' lacks '%s'", eco_last_error(),
              needle);
    cr_assert(strstr(eco_last_error(), path) != NULL, "message names the file");
}

Test(cycle, time_must_increase_and_line_is_named)
{
    expect_error("time_s,speed_kmh\n0,0\n1,5\n1,6\n", ":4: time_s must increase");
}

Test(cycle, speed_must_be_finite_and_non_negative)
{
    expect_error("time_s,speed_kmh\n0,0\n1,-3\n", ":3: speed_kmh must be finite and >= 0");
    expect_error("time_s,speed_kmh\n0,0\n1,nan\n", ":3: speed_kmh");
}

Test(cycle, malformed_rows_name_the_line)
{
    expect_error("time_s,speed_kmh\n0,0\n1,abc\n", ":3:");
    expect_error("0,0\n1\n", ":2: need time_s,speed_kmh");
    expect_error("time_s,speed_kmh\n0,0\n", "at least two rows");
}

Test(cycle, missing_file)
{
    eco_sim_cycle c;
    cr_assert_eq(eco_sim_cycle_load("/nonexistent/cycle.csv", NULL, &c), ECO_ENOENT);
    cr_assert(strstr(eco_last_error(), "/nonexistent/cycle.csv") != NULL);
}

/* Issue 14 (found by fuzzing): the span of a cycle. 1e308 s used to reach the runner, whose
 * step count overflowed (exit 1, "out of memory"); 1e-300 s ran no step and printed a
 * summary of nothing. Both are refused at load, by name, as is a speed that made the
 * distance infinite; the limits are those of cycle.h. */
Test(cycle, span_and_step_limits)
{
    expect_error("0,0\n1e308,0\n", ":2: the cycle would last 1e+308 s, more than 86400 s");
    expect_error("0,0\n1e-300,0\n", ":2: time_s must rise by at least 0.01 s a row");
    expect_error("0,0\n0.5,0\n", "lasts 0.5 s: a cycle must last at least 1 s");
    expect_error("-86400,0\n0,0\n0.5,1\n", ":3: the cycle would last 86400.5 s");
    expect_error("\n0,0\n\n37,1e308\n", ":4: speed_kmh must be at most 500, got 1e+308");
}

Test(cycle, limits_let_fine_and_long_cycles_through)
{
    /* 100 Hz rows written in decimals (steps of 0.01 s to rounding), and a day to the second */
    char text[4096] = "time_s,speed_kmh\n";
    for (int i = 0; i <= 120; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%.2f,%d\n",
                 86399.0 - 1.2 + i * 0.01, i % 7);
    eco_sim_cycle c;
    char path[64];
    cr_assert_eq(load_text(text, &c, path, sizeof path), ECO_OK, "%s", eco_last_error());
    cr_expect_eq(c.n, 121);
    eco_sim_cycle_free(&c);
    cr_assert_eq(load_text("0,0\n1,500\n86400,0\n", &c, path, sizeof path), ECO_OK, "%s",
                 eco_last_error());
    cr_expect_float_eq(eco_sim_cycle_duration_s(&c), ECO_SIM_CYCLE_MAX_DURATION_S, 0.0);
    eco_sim_cycle_free(&c);
}

/* The same spans through the command line: bad input, exit 2, before any run (the huge one
 * used to exit 1 from the runner). */
Test(cycle, cli_exits_2_on_a_bad_span)
{
    static const char *const texts[] = {"0,0\n1e308,0\n", "0,0\n1e-300,0\n"};
    for (size_t i = 0; i < 2; i++) {
        char path[64], cmd[256], out[1024];
        snprintf(path, sizeof path, "%s/eco_cycle_XXXXXX", P_tmpdir);
        int fd = mkstemp(path);
        cr_assert(fd >= 0);
        cr_assert_eq(write(fd, texts[i], strlen(texts[i])), (ssize_t)strlen(texts[i]));
        close(fd);
        snprintf(cmd, sizeof cmd, "%s/ecosim run --cycle %s 2>&1", ECO_BIN_DIR, path);
        FILE *p = popen(cmd, "r");
        cr_assert_not_null(p);
        size_t got = fread(out, 1, sizeof out - 1, p);
        out[got] = '\0';
        int st = pclose(p);
        unlink(path);
        cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 2, "case %zu: status %d: %s", i, st, out);
        cr_expect(strstr(out, path) && strstr(out, ":2: "), "case %zu names the line: %s", i, out);
    }
}
