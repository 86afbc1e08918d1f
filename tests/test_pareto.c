/* ecosim pareto: the non-dominated set against a brute-force check, and the command on a
 * JSONL made here (objectives computed from the lines' keys, groups per vehicle and cycle). */
#include "cli_fixture.h"
#include "pareto.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

/* The definition, checked pair by pair: i is on the front iff it has no NaN and no j is
 * <= in every objective and < in one. */
static int brute_on_front(const double *f, int n, int m, int i)
{
    for (int k = 0; k < m; k++)
        if (isnan(f[i * m + k]))
            return 0;
    for (int j = 0; j < n; j++) {
        int le = 1, lt = 0, finite = 1;
        for (int k = 0; k < m; k++) {
            finite &= !isnan(f[j * m + k]);
            le &= f[j * m + k] <= f[i * m + k];
            lt |= f[j * m + k] < f[i * m + k];
        }
        if (j != i && finite && le && lt)
            return 0;
    }
    return 1;
}

Test(pareto, front_matches_brute_force_on_random_points)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 13);
    double f[300 * 5];
    int on[300];
    for (int trial = 0; trial < 200; trial++) {
        int n = 1 + (int)gsl_rng_uniform_int(rng, 300), m = 2 + (int)gsl_rng_uniform_int(rng, 4);
        int levels = trial % 3 == 0 ? 4 : 1000; /* few levels: many ties and duplicates */
        for (int i = 0; i < n * m; i++)
            f[i] = (double)gsl_rng_uniform_int(rng, (unsigned long)levels);
        if (trial % 5 == 0)
            f[gsl_rng_uniform_int(rng, (unsigned long)(n * m))] = NAN;
        int size = eco_pareto_front(f, n, m, on), count = 0;
        for (int i = 0; i < n; i++) {
            cr_assert_eq(on[i], brute_on_front(f, n, m, i), "trial %d point %d of %d (%d obj)",
                         trial, i, n, m);
            count += on[i];
        }
        cr_assert_eq(size, count);
    }
    gsl_rng_free(rng);
}

Test(pareto, the_two_objective_front_of_a_known_set)
{
    /* (1,5) (2,3) (3,4) (4,1) (2,3) (5,5): (3,4) is beaten by (2,3), (5,5) by all */
    const double f[] = {1, 5, 2, 3, 3, 4, 4, 1, 2, 3, 5, 5};
    const int want[] = {1, 1, 0, 1, 1, 0};
    int on[6];
    cr_assert_eq(eco_pareto_front(f, 6, 2, on), 4);
    for (int i = 0; i < 6; i++)
        cr_assert_eq(on[i], want[i], "point %d", i);
}

TestSuite(pareto_cli, .init = make_cycle, .fini = drop_cycle);

/* A line with the head and the keys the objectives read. */
static void line(FILE *fp, int i, int n, const char *cycle, const char *label, double fuel,
                 double nox, double starts, double km)
{
    fprintf(
        fp,
        "{\"campaign\":\"00000000000000aa\",\"case\":%d,\"cases\":%d,\"vehicle_source\":\"car\","
        "\"label\":\"%s\",\"weights\":null,\"vehicle\":\"Car\",\"cycle\":\"%s\","
        "\"controller\":\"%s\",\"fuel_soc_corrected_l_per_100km\":%g,\"nox_mg_per_km\":%g,"
        "\"engine_starts\":%g,\"distance_km\":%g,\"duration_s\":100,"
        "\"distance_error_pct\":-20}\n",
        i, n, label, cycle, !strcmp(label, "baseline") ? "baseline" : "mpc", fuel, nox, starts, km);
}

Test(pareto_cli, fronts_per_cycle_with_starts_per_km_and_trip_time)
{
    char path[700], cmd[4096], out[65536];
    snprintf(path, sizeof path, "%s/c.jsonl", cli_dir);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    line(fp, 0, 6, "a", "baseline", 5, 500, 4, 2); /* 2 starts/km */
    line(fp, 1, 6, "a", "p0", 4, 600, 10, 2);      /* 5 starts/km */
    line(fp, 2, 6, "a", "p1", 4.5, 400, 2, 2);     /* 1 start/km */
    line(fp, 3, 6, "a", "p2", 4.6, 450, 2, 2);     /* beaten by p1 */
    line(fp, 4, 6, "b", "p0", 9, 9, 1, 1);
    line(fp, 5, 6, "b", "p1", 8, 10, 1, 1);
    fclose(fp);
    snprintf(cmd, sizeof cmd, ECOSIM " pareto %s --objectives fuel,starts,time --json", path);
    cr_assert_eq(run(cmd, out, sizeof out), 0, "%s", out);
    cJSON *o = cJSON_Parse(out);
    cr_assert_not_null(o, "%s", out);
    const cJSON *groups = cJSON_GetObjectItem(o, "groups");
    cr_assert_eq(cJSON_GetArraySize(groups), 2, "one group per cycle");
    const cJSON *a = cJSON_GetObjectItem(cJSON_GetArrayItem(groups, 0), "front");
    cr_assert_eq(cJSON_GetArraySize(a), 2, "p0 (least fuel) and p1; the baseline and p2 beaten");
    const cJSON *first = cJSON_GetArrayItem(a, 0), *obj = cJSON_GetObjectItem(first, "objectives");
    cr_assert_eq(num(first, "case"), 1);
    cr_assert_float_eq(num(obj, "starts"), 5.0, 1e-12, "10 starts over 2 km");
    cr_assert_float_eq(num(obj, "time"), 125.0, 1e-9, "100 s for 80 %% of the distance");
    const cJSON *refs = cJSON_GetObjectItem(cJSON_GetArrayItem(groups, 0), "references");
    cr_assert_eq(cJSON_GetArraySize(refs), 1, "the baseline, marked");
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(refs, 0), "on_front")));
    const cJSON *b = cJSON_GetObjectItem(cJSON_GetArrayItem(groups, 1), "front");
    cr_assert_eq(cJSON_GetArraySize(b), 1, "cycle b: p1 beats p0 on fuel, the rest equal");
    cr_assert_eq(num(cJSON_GetArrayItem(b, 0), "case"), 5);
    cJSON_Delete(o);
    snprintf(cmd, sizeof cmd, ECOSIM " pareto %s --objectives fuel,colour 2>&1", path);
    cr_assert_eq(run(cmd, out, sizeof out), 2);
    cr_assert(strstr(out, "no line has objective 'colour'"), "%s", out);
    snprintf(cmd, sizeof cmd, ECOSIM " pareto %s --objectives fuel 2>&1", path);
    cr_assert_eq(run(cmd, out, sizeof out), 2);
    snprintf(cmd, sizeof cmd,
             ECOSIM " pareto %s --objectives fuel,nox --plot %s/p >/dev/null && "
                    "test -s %s/p/pareto_0.png && test -s %s/p/pareto_1.png",
             path, cli_dir, cli_dir, cli_dir);
    cr_assert_eq(run(cmd, out, sizeof out), 0, "a PNG per group");
}
