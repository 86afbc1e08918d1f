/* MPC weights JSON: the shipped presets, and clear errors that name the JSON path. */
#include "ecodrive/config.h"
#include "ecodrive/mpc.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WDIR ECO_SOURCE_DIR "/models/weights/"

static int from_text(const char *text, eco_mpc_weights *w)
{
    cJSON *root = cJSON_Parse(text);
    cr_assert_not_null(root, "test JSON must parse: %s", text);
    int rc = eco_cfg_weights_from_json(root, "t.json", w);
    cJSON_Delete(root);
    return rc;
}

Test(weights, presets_load_and_balanced_is_the_default)
{
    const char *names[] = {"eco", "balanced", "comfort"};
    for (int i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, WDIR "%s.json", names[i]);
        eco_mpc_weights w;
        cr_assert_eq(eco_cfg_weights_load(path, &w), ECO_OK, "%s: %s", path, eco_last_error());
        cr_assert(w.fuel_per_g > 0.0);
    }
    eco_mpc_weights b, d;
    cr_assert_eq(eco_cfg_weights_load(WDIR "balanced.json", &b), ECO_OK);
    eco_mpc_weights_default(&d);
    cr_assert_eq(memcmp(&b, &d, sizeof b), 0, "balanced.json must equal the built-in default");
}

Test(weights, presets_are_ordered)
{
    /* eco prices comfort and tracking least, comfort most. */
    eco_mpc_weights e, b, c;
    cr_assert_eq(eco_cfg_weights_load(WDIR "eco.json", &e), ECO_OK);
    cr_assert_eq(eco_cfg_weights_load(WDIR "balanced.json", &b), ECO_OK);
    cr_assert_eq(eco_cfg_weights_load(WDIR "comfort.json", &c), ECO_OK);
    cr_assert(e.jerk_per_mps3_2s <= b.jerk_per_mps3_2s && b.jerk_per_mps3_2s <= c.jerk_per_mps3_2s);
    cr_assert(e.tracking_per_kmh2s <= b.tracking_per_kmh2s &&
              b.tracking_per_kmh2s <= c.tracking_per_kmh2s);
}

Test(weights, missing_keys_keep_defaults)
{
    eco_mpc_weights w, d;
    cr_assert_eq(from_text("{\"nox_per_mg\": 0.5}", &w), ECO_OK);
    eco_mpc_weights_default(&d);
    cr_assert_float_eq(w.nox_per_mg, 0.5, 1e-15);
    cr_assert_float_eq(w.fuel_per_g, d.fuel_per_g, 1e-15);
}

Test(weights, unknown_key_names_path_and_lists_allowed)
{
    eco_mpc_weights w;
    cr_assert_eq(from_text("{\"fule_per_g\": 1}", &w), ECO_EINVAL);
    const char *m = eco_last_error();
    cr_assert(strstr(m, "t.json: $.fule_per_g: unknown key") != NULL, "got: %s", m);
    cr_assert(strstr(m, "fuel_per_g") != NULL, "the message lists the allowed keys: %s", m);
}

Test(weights, negative_weight_names_path_and_value)
{
    eco_mpc_weights w;
    cr_assert_eq(from_text("{\"jerk_per_mps3_2s\": -0.5}", &w), ECO_EINVAL);
    const char *m = eco_last_error();
    cr_assert(strstr(m, "t.json: $.jerk_per_mps3_2s: must be >= 0, got -0.5") != NULL, "got: %s",
              m);
}

Test(weights, wrong_types_duplicates_and_nothing_to_optimise)
{
    eco_mpc_weights w;
    cr_assert_eq(from_text("{\"fuel_per_g\": \"1\"}", &w), ECO_EINVAL);
    cr_assert(strstr(eco_last_error(), "$.fuel_per_g: must be a finite number") != NULL);
    cr_assert_eq(from_text("{\"fuel_per_g\": 1, \"fuel_per_g\": 2}", &w), ECO_EINVAL);
    cr_assert(strstr(eco_last_error(), "$.fuel_per_g: duplicate key") != NULL);
    cr_assert_eq(from_text("{\"name\": 3}", &w), ECO_EINVAL);
    cr_assert(strstr(eco_last_error(), "$.name: must be a string") != NULL);
    cr_assert_eq(from_text("[1, 2]", &w), ECO_EINVAL);
    cr_assert_eq(from_text("{\"fuel_per_g\": 0, \"tracking_per_kmh2s\": 0}", &w), ECO_EINVAL);
    cr_assert(strstr(eco_last_error(), "nothing to optimise") != NULL);
    cr_assert_eq(from_text("{\"fuel_per_g\": 2, \"fuel_per_g_note\": \"why\"}", &w), ECO_OK);
}

Test(weights, files_missing_or_malformed)
{
    eco_mpc_weights w;
    cr_assert_eq(eco_cfg_weights_load("/nonexistent/w.json", &w), ECO_ENOENT);
    cr_assert(strstr(eco_last_error(), "/nonexistent/w.json: cannot open") != NULL);
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char path[512];
    snprintf(path, sizeof path, "%s/eco_weights_XXXXXX", tmp);
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    const char *bad = "{\n  \"fuel_per_g\": 1,\n  \"nox_per_mg\": ,\n}\n";
    cr_assert_eq(write(fd, bad, strlen(bad)), (ssize_t)strlen(bad));
    close(fd);
    cr_assert_eq(eco_cfg_weights_load(path, &w), ECO_EPARSE);
    char want[600];
    snprintf(want, sizeof want, "%s:3:", path);
    cr_assert(strstr(eco_last_error(), want) != NULL, "line 3 named: %s", eco_last_error());
    unlink(path);
}
