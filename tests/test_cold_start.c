/* Issue 12: ecosim run starts each test cycle as its procedure does: the WLTC (GTR 15 Type 1,
 * after a 23 C soak) and the NEDC (R83 Type I) cold, HWFET hot; --hot makes it hot. A cold
 * start burns more in the first phase (the warm-up penalty) and the same once warm. */
#include "cli_fixture.h"

#include <string.h>

static cJSON *run_json(const char *args)
{
    static char out[1 << 16];
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s run --quiet --json %s 2>/dev/null", ECOSIM, args);
    cr_assert_eq(run(cmd, out, sizeof out), 0, "%s", args);
    cJSON *o = cJSON_Parse(out);
    cr_assert_not_null(o, "%s: %s", args, out);
    return o;
}

static const char *start_of(const cJSON *o)
{
    const cJSON *s = cJSON_GetObjectItem(o, "start");
    cr_assert(cJSON_IsString(s));
    return s->valuestring;
}

static double phase_fuel(const cJSON *o, int p)
{
    return num(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "phases"), p), "fuel_l_per_100km");
}

Test(cold_start, the_wltc_runs_cold_unless_told_hot)
{
    cJSON *cold = run_json("--cycle wltc_class3b"), *hot = run_json("--cycle wltc_class3b --hot");
    cr_expect_str_eq(start_of(cold), "cold");
    cr_expect_str_eq(start_of(hot), "hot");
    cr_expect_gt(phase_fuel(cold, 0), phase_fuel(hot, 0) * 1.01, "low phase: warm-up penalty");
    cr_expect_gt(num(cold, "fuel_l_per_100km"), num(hot, "fuel_l_per_100km"));
    cJSON_Delete(cold);
    cJSON_Delete(hot);
}

Test(cold_start, nedc_cold_hwfet_hot)
{
    cJSON *nedc = run_json("--cycle nedc"), *hwfet = run_json("--cycle hwfet");
    cr_expect_str_eq(start_of(nedc), "cold");
    cr_expect_str_eq(start_of(hwfet), "hot");
    cJSON_Delete(nedc);
    cJSON_Delete(hwfet);
}
