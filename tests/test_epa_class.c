/* Issue 12: the from-EPA powertrain from everything the record says. The fixture
 * tests/data/epa_hybrids_sample.csv holds rows of the EPA MY2022 test car list (see
 * tests/data/README.md); the expected classes are the cars' published architectures: the
 * Avalon Hybrid is a Toyota THS power split, the F-150 PowerBoost and the Sonata Hybrid are
 * parallel P2 hybrids on stepped boxes, the RAV4 Prime is a plug-in THS, the plain RAV4 is
 * conventional. */
#include "ecodrive/config.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
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

Test(epa_class, a_hybrid_on_a_stepped_box_is_a_p2)
{
    const char *msg = refused("F150 HYBRID", NULL);
    cr_expect_not_null(strstr(msg, "epa_hybrids_sample.csv:2: Ford F150 HYBRID is a hev-p2"), "%s",
                       msg);
    cr_expect_not_null(strstr(msg, "Semi-Automatic"), "%s", msg);
    msg = refused("SONATA HYBRID", NULL);
    cr_expect_not_null(strstr(msg, "hev-p2"), "%s", msg);
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
