/* Plausibility warnings (issue 12): a cycle that loads but is unlikely to be meant, and a run
 * whose distance is off the trace's, are warned about on stderr with the time; the run still
 * exits 0. The expected rows and times follow from the CSVs written here. */
#include "cli_fixture.h"

#include <string.h>

static char dir[512];

static void write_cycle(const char *name, const char *rows, char *path, size_t n)
{
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("time_s,speed_kmh\n", f);
    fputs(rows, f);
    fclose(f);
}

static void setup(void)
{
    const char *env = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/eco_plaus_XXXXXX", env && *env ? env : P_tmpdir);
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(plausibility, .init = setup, .fini = teardown);

/* 0 -> 30 -> 60 km/h in 1 s steps is 8.3 m/s^2 (not beyond); 60 -> 144 in 1 s is
 * 23.3 m/s^2 (row t = 3); 144 -> 260 is 32.2 m/s^2 (t = 4) and 260 km/h is above 250 (t = 4,
 * 5); 260 -> 0 over 10 s is -7.2 m/s^2 (not beyond). So: speed 2 rows from t = 4, accel 2
 * rows from t = 3. */
Test(plausibility, a_wild_cycle_is_warned_about_with_times)
{
    char path[600], cmd[1400], out[4096];
    write_cycle("wild.csv", "0,0\n1,30\n2,60\n3,144\n4,260\n5,260\n15,0\n", path, sizeof path);
    snprintf(cmd, sizeof cmd, "%s run --quiet --cycle %s 2>&1 >/dev/null", ECOSIM, path);
    cr_assert_eq(run(cmd, out, sizeof out), 0, "warnings are not errors: %s", out);
    cr_expect_not_null(strstr(out, "warning: wild: speed above 250 km/h at t = 4.0 s (2 rows, "
                                   "up to 260.0 km/h)"),
                       "%s", out);
    cr_expect_not_null(strstr(out, "warning: wild: acceleration beyond +-10 m/s^2 at t = 3.0 s "
                                   "(2 rows, up to 32.2 m/s^2)"),
                       "%s", out);
    /* no car follows that trace: the distance warning comes too */
    cr_expect_not_null(strstr(out, "warning: wild: driven distance -"), "%s", out);
}

/* The WLTC class 3b trace (GTR 15 Annex 1) tops at 131.3 km/h and its steepest step is
 * under 2 m/s^2, and every shipped car follows it within the tolerance: no warning. */
Test(plausibility, the_wltc_is_plausible)
{
    char cmd[600], out[4096];
    snprintf(cmd, sizeof cmd, "%s run --quiet --cycle wltc_class3b 2>&1 >/dev/null", ECOSIM);
    cr_assert_eq(run(cmd, out, sizeof out), 0, "%s", out);
    cr_expect_null(strstr(out, "warning"), "%s", out);
}
