/* Issue 12: ecosim fidelity --epa over a list. On the sample of tests/data (rows of the EPA
 * MY2022 list, see its README): the Avalon Hybrid and three RAV4 configurations are built
 * and compared with their raw results; the three F150 HYBRID and two SONATA HYBRID test cars
 * (P2) and the RAV4 PRIME AWD (plug-in) are reported as not built with their reason; the
 * Ioniq 5's results, listed as 22.4 and 27.4 kWh/100 mi, are read as 3370.5 / 22.4 = 150.5
 * and 123.0 MPGe (33.705 kWh per gallon equivalent, 40 CFR 600.002). */
#include "cli_fixture.h"

#include <string.h>

#define SAMPLE ECO_SOURCE_DIR "/tests/data/epa_hybrids_sample.csv"

static cJSON *fidelity_json(int jobs, char *text, size_t n)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "%s fidelity --epa %s --json --jobs %d", ECOSIM, SAMPLE, jobs);
    cr_assert_eq(run(cmd, text, n), 0, "%s", text);
    cJSON *o = cJSON_Parse(text);
    cr_assert_not_null(o, "%s", text);
    return o;
}

static const cJSON *car(const cJSON *o, const char *model, int nth)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(o, "cars"))
    {
        const cJSON *m = cJSON_GetObjectItem(c, "model");
        if (cJSON_IsString(m) && !strcmp(m->valuestring, model) && nth-- == 0)
            return c;
    }
    cr_assert_fail("no car %s", model);
    return NULL;
}

Test(fidelity_epa, builds_what_it_can_and_says_why_not)
{
    static char text[1 << 16];
    cJSON *o = fidelity_json(1, text, sizeof text);
    const cJSON *sum = cJSON_GetObjectItem(o, "summary");
    cr_expect_eq(num(sum, "not_built"), 1); /* the plug-in */
    /* the Avalon's power split, and the P2s: three F-150 test cars and two Sonatas */
    cr_expect_eq(num(cJSON_GetObjectItem(sum, "hev"), "cars"), 6);
    cr_expect_eq(num(cJSON_GetObjectItem(sum, "conventional"), "cars"), 3);
    cr_expect_eq(num(cJSON_GetObjectItem(sum, "bev"), "cars"), 1);
    const cJSON *f150 = car(o, "F150 HYBRID", 0);
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(f150, "built")), "a P2 is built");
    const cJSON *prime = car(o, "RAV4 PRIME AWD", 0);
    cr_expect_not_null(strstr(cJSON_GetObjectItem(prime, "reason")->valuestring, "phev-split"));
    const cJSON *avalon =
        cJSON_GetArrayItem(cJSON_GetObjectItem(car(o, "AVALON HYBRID", 0), "tests"), 0);
    cr_expect_float_eq(num(avalon, "epa"), 59.5, 1e-9, "the record's HWFE RND_ADJ_FE");
    const cJSON *ioniq = cJSON_GetObjectItem(car(o, "Ioniq 5", 0), "tests");
    cr_expect_float_eq(num(cJSON_GetArrayItem(ioniq, 0), "epa"), 3370.5 / 27.4, 1e-9, "highway");
    cr_expect_float_eq(num(cJSON_GetArrayItem(ioniq, 1), "epa"), 3370.5 / 22.4, 1e-9, "UDDS");
    cJSON_Delete(o);
}

/* The workers change the order of work, not the results. */
Test(fidelity_epa, two_workers_give_the_same_report)
{
    static char one[1 << 16], two[1 << 16];
    cJSON_Delete(fidelity_json(1, one, sizeof one));
    cJSON_Delete(fidelity_json(2, two, sizeof two));
    cr_expect_str_eq(one, two);
}

Test(fidelity_epa, a_missing_list_is_bad_input)
{
    char out[4096];
    cr_expect_eq(run(ECOSIM " fidelity --epa /nonexistent.csv 2>&1", out, sizeof out), 2, "%s",
                 out);
    cr_expect_not_null(strstr(out, "/nonexistent.csv"), "%s", out);
    cr_expect_eq(run(ECOSIM " fidelity --epa " SAMPLE " --jobs 0 2>&1", out, sizeof out), 2, "%s",
                 out);
}

#define CHECKS ECO_SOURCE_DIR "/tests/data/epa_data_checks_sample.csv"

static const cJSON *test_of(const cJSON *c, const char *name)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItem(c, "tests"))
    {
        if (!strcmp(cJSON_GetObjectItem(t, "test")->valuestring, name))
            return t;
    }
    return NULL;
}

static const char *reason(const cJSON *c)
{
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(c, "built")));
    return cJSON_GetObjectItem(c, "reason")->valuestring;
}

/* What the list's rows are, from the rows themselves (tests/data/README.md): a flex-fuel car
 * is compared on its gasoline tests (F-150: 33.3 and 23.4 mpg, not the E85 25.2 and 17.2);
 * an E85-only car and a BEV whose two results cannot both be right are not built, with the
 * reason; 9999.9999999 is no result; "ES 300h" is a Lexus hybrid. */
Test(fidelity_epa, data_problems_are_reported_not_fitted)
{
    static char text[1 << 16];
    char cmd[600];
    snprintf(cmd, sizeof cmd, "%s fidelity --epa %s --json --jobs 1", ECOSIM, CHECKS);
    cr_assert_eq(run(cmd, text, sizeof text), 0, "%s", text);
    cJSON *o = cJSON_Parse(text);
    cr_assert_not_null(o, "%s", text);
    const cJSON *f150 = car(o, "F-150", 0);
    cr_expect_float_eq(num(test_of(f150, "hwfe"), "epa"), 33.3, 1e-9);
    cr_expect_float_eq(num(test_of(f150, "ftp"), "epa"), 23.4, 1e-9);
    cr_expect_not_null(strstr(reason(car(o, "TRANSIT CONNECT WAGON LWB", 0)), "E85"));
    const char *eqs = reason(car(o, "EQS 450+", 0));
    cr_expect_not_null(strstr(eqs, "results inconsistent"), "%s", eqs);
    const cJSON *gt = car(o, "GT", 0);
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(gt, "built")));
    cr_expect_null(test_of(gt, "hwfe"), "9999.9999999 is not a result");
    cr_expect_null(test_of(gt, "ftp"));
    cr_expect_str_eq(cJSON_GetObjectItem(car(o, "ES 300h", 0), "powertrain")->valuestring, "hev");
    cJSON_Delete(o);
}
