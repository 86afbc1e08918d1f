/* Issue 12: the from-EPA powertrain from everything the record says. The fixture
 * tests/data/epa_hybrids_sample.csv holds rows of the EPA MY2022 test car list (see
 * tests/data/README.md); the expected classes are the cars' published architectures: the
 * Avalon Hybrid is a Toyota THS power split, the F-150 PowerBoost and the Sonata Hybrid are
 * parallel P2 hybrids on stepped boxes, the RAV4 Prime is a plug-in THS, the plain RAV4 is
 * conventional. */
#include "ecodrive/config.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#define SAMPLE ECO_SOURCE_DIR "/tests/data/epa_hybrids_sample.csv"

static const char *built(const char *model, const char *powertrain, cJSON **out)
{
    cr_assert_eq(eco_cfg_vehicle_from_epa_as(SAMPLE, model, 0.0, 0.0, powertrain, out), ECO_OK,
                 "%s: %s", model, eco_last_error());
    const cJSON *pt = cJSON_GetObjectItem(*out, "powertrain");
    cr_assert(cJSON_IsString(pt));
    return pt->valuestring;
}

static const char *refused(const char *model, const char *powertrain)
{
    cJSON *out = NULL;
    cr_assert_eq(eco_cfg_vehicle_from_epa_as(SAMPLE, model, 0.0, 0.0, powertrain, &out), ECO_EINVAL,
                 "%s", model);
    cr_assert_null(out);
    return eco_last_error();
}

/* 176 hp on 1814 kg is 72 W/kg, above the CVT rule's 50: the name says hybrid. */
Test(epa_class, a_named_hybrid_on_a_cvt_is_a_power_split)
{
    cJSON *v;
    cr_expect_str_eq(built("AVALON HYBRID", NULL, &v), "hev");
    const cJSON *why = cJSON_GetObjectItem(v, "powertrain_source");
    cr_expect_not_null(strstr(why->valuestring, "model name"), "%s", why->valuestring);
    cJSON_Delete(v);
}

/* A P2 is built as one: an "hev" on the record's stepped box, its one machine the motor on
 * the gearbox input, no generator. */
Test(epa_class, a_hybrid_on_a_stepped_box_is_a_p2)
{
    const char *names[] = {"F150 HYBRID", "SONATA HYBRID"};
    for (int i = 0; i < 2; i++) {
        cJSON *v;
        cr_expect_str_eq(built(names[i], NULL, &v), "hev");
        const char *why = cJSON_GetObjectItem(v, "powertrain_source")->valuestring;
        cr_expect_not_null(strstr(why, "-> p2"), "%s: %s", names[i], why);
        const cJSON *gb = cJSON_GetObjectItem(v, "gearbox");
        cr_expect_str_eq(cJSON_GetObjectItem(gb, "type")->valuestring, "stepped");
        cr_expect_null(cJSON_GetObjectItem(v, "generator"));
        const cJSON *m = cJSON_GetObjectItem(v, "motor");
        cr_expect_float_eq(cJSON_GetObjectItem(m, "gear_ratio")->valuedouble, 1.0, 1e-12);
        cJSON_Delete(v);
    }
    cJSON *v;
    built("F150 HYBRID", NULL, &v);
    const char *why = cJSON_GetObjectItem(v, "powertrain_source")->valuestring;
    cr_expect_not_null(strstr(why, "Semi-Automatic"), "%s", why);
    cJSON_Delete(v);
}

Test(epa_class, charge_depleting_tests_make_a_plug_in)
{
    const char *msg = refused("RAV4 PRIME AWD", NULL);
    cr_expect_not_null(strstr(msg, "phev-split (rule: charge-depleting tests"), "%s", msg);
}

Test(epa_class, a_plain_car_stays_conventional)
{
    cJSON *v;
    cr_expect_str_eq(built("RAV4", NULL, &v), "conventional");
    cJSON_Delete(v);
}

Test(epa_class, the_override_decides_within_the_test_fuel)
{
    cJSON *v;
    cr_expect_str_eq(built("F150 HYBRID", "hev-split", &v), "hev");
    const cJSON *why = cJSON_GetObjectItem(v, "powertrain_source");
    cr_expect_str_eq(why->valuestring, "given: --powertrain hev-split");
    cJSON_Delete(v);
    cr_expect_str_eq(built("AVALON HYBRID", "conv", &v), "conventional");
    cJSON_Delete(v);
    cr_expect_not_null(strstr(refused("RAV4", "bev"), "does not fit its test fuel"));
    cr_expect_not_null(strstr(refused("RAV4", "diesel"), "use conv, hev-split"));
}

#define CHECKS ECO_SOURCE_DIR "/tests/data/epa_data_checks_sample.csv"

static double gb_num(const cJSON *gb, const char *key)
{
    const cJSON *x = cJSON_GetObjectItem(gb, key);
    cr_assert(cJSON_IsNumber(x), "%s", key);
    return x->valuedouble;
}

/* A stepped box keeps to a shift map: a manual at every speed (the test drives it to its
 * shift points), an automatic in town; and each upshift speed turns the engine at the same
 * speed in the next gear, whatever the ratios. */
Test(epa_class, a_stepped_box_gets_a_shift_map)
{
    cJSON *v;
    const char *models[] = {"COOPER S HARDTOP 4 DOOR", "F-150"};
    for (int m = 0; m < 2; m++) {
        cr_assert_eq(eco_cfg_vehicle_from_epa(CHECKS, models[m], 0.0, 0.0, &v), ECO_OK, "%s",
                     eco_last_error());
        const cJSON *gb = cJSON_GetObjectItem(v, "gearbox");
        double below = gb_num(gb, "schedule_below_kmh");
        if (m == 0)
            cr_expect_gt(below, 200.0, "manual: at every speed of the tests");
        else
            cr_expect(below > 0.0 && below < 60.0, "automatic: in town, got %g", below);
        const cJSON *up = cJSON_GetObjectItem(gb, "upshift_kmh");
        const cJSON *ratios = cJSON_GetObjectItem(gb, "ratios");
        double axle = gb_num(gb, "final_drive"), r = gb_num(v, "wheel_radius_m"), first = 0.0;
        for (int i = 0; i < cJSON_GetArraySize(up); i++) {
            double w = cJSON_GetArrayItem(up, i)->valuedouble / 3.6 / r *
                       cJSON_GetArrayItem(ratios, i + 1)->valuedouble * axle * 60.0 / (2.0 * M_PI);
            if (i == 0)
                first = w;
            cr_expect_float_eq(w, first, 1e-3 * first, "gear %d", i + 1);
        }
        cJSON_Delete(v);
    }
}
