/* ecosim as a user runs it: exit codes, one clear message, JSON on stdout, files written. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ECOSIM ECO_BIN_DIR "/ecosim"

/* Run a shell command; returns its exit status, output (stdout+stderr or stdout alone). */
static int run(const char *args, int merge_stderr, char *out, size_t n)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd %s && %s %s %s", P_tmpdir, ECOSIM, args,
             merge_stderr ? "2>&1" : "2>/dev/null");
    FILE *p = popen(cmd, "r");
    cr_assert(p);
    size_t len = fread(out, 1, n - 1, p);
    out[len] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void expect_2(const char *args, const char *needle)
{
    char out[8192];
    int rc = run(args, 1, out, sizeof out);
    cr_assert_eq(rc, 2, "ecosim %s: exit %d, output: %s", args, rc, out);
    cr_assert(strstr(out, needle), "ecosim %s: '%s' not in: %s", args, needle, out);
}

Test(cli, unknown_flag_and_command)
{
    expect_2("run --cycle wltc_class3b --frobnicate", "unrecognized option");
    expect_2("fly", "unknown command 'fly'");
    expect_2("run", "--cycle is required");
}

Test(cli, missing_files_are_named)
{
    expect_2("run --cycle no_such_cycle", "cycle 'no_such_cycle'");
    expect_2("run --cycle wltc_class3b --vehicle no_such.json", "no_such.json");
}

Test(cli, malformed_cycle_names_the_line)
{
    char path[256], out[8192], args[512];
    snprintf(path, sizeof path, "%s/eco_cli_bad.csv", P_tmpdir);
    FILE *f = fopen(path, "w");
    fputs("time_s,speed_kmh\n0,0\n1,10\n1,12\n", f);
    fclose(f);
    snprintf(args, sizeof args, "run --cycle %s", path);
    int rc = run(args, 1, out, sizeof out);
    unlink(path);
    cr_assert_eq(rc, 2);
    cr_assert(strstr(out, "eco_cli_bad.csv:4: time_s must increase"), "%s", out);
}

Test(cli, json_is_one_object_with_the_contract_keys)
{
    static char out[1 << 16];
    int rc = run("run --cycle hwfet --json", 0, out, sizeof out);
    cr_assert_eq(rc, 0, "%s", out);
    cJSON *o = cJSON_Parse(out);
    cr_assert(o, "stdout is not one JSON object: %.200s", out);
    const char *keys[] = {"distance_km",
                          "duration_s",
                          "fuel_l_per_100km",
                          "fuel_soc_corrected_l_per_100km",
                          "co2_g_per_km",
                          "nox_mg_per_km",
                          "energy_kwh_per_100km",
                          "wall_energy_kwh_per_100km",
                          "soc_start",
                          "soc_end",
                          "trace_rms_kmh",
                          "trace_max_dev_kmh",
                          "outside_tolerance_s",
                          "phases",
                          "controller"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        cr_assert(cJSON_HasObjectItem(o, keys[i]), "missing key %s", keys[i]);
    cr_assert_float_eq(cJSON_GetObjectItem(o, "distance_km")->valuedouble, 16.507, 0.01);
    cJSON_Delete(o);
}

Test(cli, csv_and_plot_are_written)
{
    char dir[200], args[1024], out[8192];
    snprintf(dir, sizeof dir, "%s/eco_cli_plot_%d", P_tmpdir, (int)getpid());
    snprintf(args, sizeof args, "run --cycle us06 --quiet --csv %s.csv --plot %s", dir, dir);
    int rc = run(args, 1, out, sizeof out);
    cr_assert_eq(rc, 0, "%s", out);
    char path[1024];
    struct stat st;
    const char *files[] = {"speed.png", "soc.png", "fuel.png", "bsfc.png", "speed.gp"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        cr_assert(stat(path, &st) == 0 && st.st_size > 0, "%s not written", path);
    }
    snprintf(path, sizeof path, "%s.csv", dir);
    cr_assert(stat(path, &st) == 0 && st.st_size > 100000, "csv too small");
    char rm[1024];
    snprintf(rm, sizeof rm, "rm -rf %s %s.csv", dir, dir);
    cr_assert_eq(system(rm), 0);
}

/* Issue 13: no plot that is empty by construction: no SOC plot for a car without a traction
 * battery (the Golf), no fuel or BSFC plot for a BEV (the Zoe); the hybrid has all four. */
Test(cli, plots_only_what_the_car_has)
{
    static const struct {
        const char *vehicle;
        int soc, fuel, bsfc;
    } cars[] = {{"vw_golf_1p5tsi_2020", 0, 1, 1},
                {"renault_zoe_ze50", 1, 0, 0},
                {"toyota_prius_2022", 1, 1, 1}};
    for (size_t k = 0; k < sizeof cars / sizeof cars[0]; k++) {
        char dir[200], args[1024], out[8192], path[1024];
        snprintf(dir, sizeof dir, "%s/eco_cli_plots_%d_%zu", P_tmpdir, (int)getpid(), k);
        snprintf(args, sizeof args,
                 "run --vehicle %s/models/vehicles/%s.json --cycle hwfet --quiet --plot %s",
                 ECO_SOURCE_DIR, cars[k].vehicle, dir);
        cr_assert_eq(run(args, 1, out, sizeof out), 0, "%s: %s", cars[k].vehicle, out);
        const struct {
            const char *file;
            int want;
        } files[] = {{"speed.png", 1},
                     {"soc.png", cars[k].soc},
                     {"fuel.png", cars[k].fuel},
                     {"bsfc.png", cars[k].bsfc},
                     {"bsfc_contours.dat", cars[k].bsfc}}; /* the iso-BSFC lines */
        for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
            struct stat st;
            snprintf(path, sizeof path, "%s/%s", dir, files[i].file);
            cr_expect_eq(stat(path, &st) == 0 && st.st_size > 0, files[i].want, "%s: %s %s",
                         cars[k].vehicle, files[i].file, files[i].want ? "missing" : "written");
        }
        char rm[512];
        snprintf(rm, sizeof rm, "rm -rf %s", dir);
        cr_assert_eq(system(rm), 0);
    }
}

/* Issue 13: the speed plot has the deviation below it, and the grade on a second axis when
 * the cycle has one (a highway drive with measured grade; WLTC has none). */
Test(cli, speed_plot_has_deviation_and_grade)
{
    static const struct {
        const char *cycle;
        int graded;
    } cases[] = {{"wltc_class1", 0}, {ECO_SOURCE_DIR "/sim/drives/longhaul_highway_2.csv", 1}};
    for (size_t k = 0; k < 2; k++) {
        char dir[200], args[1024], out[8192], path[1024], gp[4096] = "";
        snprintf(dir, sizeof dir, "%s/eco_cli_speed_%d_%zu", P_tmpdir, (int)getpid(), k);
        snprintf(args, sizeof args, "run --cycle %s --quiet --plot %s", cases[k].cycle, dir);
        cr_assert_eq(run(args, 1, out, sizeof out), 0, "%s", out);
        snprintf(path, sizeof path, "%s/speed.gp", dir);
        FILE *fp = fopen(path, "r");
        cr_assert_not_null(fp);
        gp[fread(gp, 1, sizeof gp - 1, fp)] = '\0';
        fclose(fp);
        cr_expect(strstr(gp, "using 1:($3-$2)") && strstr(gp, "multiplot layout 2,1"), "%s", gp);
        cr_expect_eq(strstr(gp, "axes x1y2") != NULL, cases[k].graded, "%s", gp);
        snprintf(path, sizeof path, "%s/grade.dat", dir);
        cr_expect_eq(access(path, R_OK) == 0, cases[k].graded, "grade.dat");
        char rm[512];
        snprintf(rm, sizeof rm, "rm -rf %s", dir);
        cr_assert_eq(system(rm), 0);
    }
}

/* Issue 13: compare --plot overlays the three runs: the PNG, each run's series and the
 * script, with the panels the car has (the Golf: speed and fuel, no SOC). */
Test(cli, compare_plot_overlays_the_three_runs)
{
    char dir[200], args[1024], out[8192], path[1024];
    snprintf(dir, sizeof dir, "%s/eco_cli_cmp_%d", P_tmpdir, (int)getpid());
    snprintf(args, sizeof args,
             "compare --vehicle %s/models/vehicles/vw_golf_1p5tsi_2020.json --cycle hwfet --quiet "
             "--plot %s",
             ECO_SOURCE_DIR, dir);
    cr_assert_eq(run(args, 1, out, sizeof out), 0, "%s", out);
    static const char *const files[] = {"compare.png", "baseline.csv", "mpc.csv", "dp.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        cr_expect(stat(path, &st) == 0 && st.st_size > 1000, "%s not written", files[i]);
    }
    snprintf(path, sizeof path, "%s/compare.gp", dir);
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp);
    char gp[4096];
    size_t n = fread(gp, 1, sizeof gp - 1, fp);
    gp[n] = '\0';
    fclose(fp);
    cr_expect(strstr(gp, "multiplot layout 2,1") && strstr(gp, "cumulative fuel") &&
                  !strstr(gp, "battery SOC") && strstr(gp, "'dp.csv'"),
              "%s", gp);
    char rm[512];
    snprintf(rm, sizeof rm, "rm -rf %s", dir);
    cr_assert_eq(system(rm), 0);
}

/* A vehicle file with a bad value: exit 2 and the message names the file and JSON path. */
Test(cli, bad_vehicle_value_names_the_json_path)
{
    char src[512], dst[256], args[512], out[8192];
    snprintf(src, sizeof src, "%s/models/vehicles/vw_golf_1p5tsi_2020.json", ECO_SOURCE_DIR);
    snprintf(dst, sizeof dst, "%s/eco_cli_bad_vehicle.json", P_tmpdir);
    FILE *in = fopen(src, "r"), *o = fopen(dst, "w");
    cr_assert(in && o);
    char line[4096];
    while (fgets(line, sizeof line, in)) {
        if (strstr(line, "\"mass_kg\":") == line + 2)
            fputs("  \"mass_kg\": -5,\n", o);
        else
            fputs(line, o);
    }
    fclose(in);
    fclose(o);
    snprintf(args, sizeof args, "run --cycle hwfet --vehicle %s", dst);
    int rc = run(args, 1, out, sizeof out);
    unlink(dst);
    cr_assert_eq(rc, 2, "%s", out);
    cr_assert(strstr(out, "eco_cli_bad_vehicle.json") && strstr(out, "$.mass_kg"), "%s", out);
}

/* A failed run leaves no half-written CSV behind. */
Test(cli, no_half_written_csv)
{
    char args[512], out[8192], path[256];
    snprintf(path, sizeof path, "%s/no_such_dir_eco/out.csv", P_tmpdir);
    snprintf(args, sizeof args, "run --cycle us06 --quiet --csv %s", path);
    int rc = run(args, 1, out, sizeof out);
    cr_assert_neq(rc, 0);
    cr_assert(strstr(out, "out.csv"), "%s", out);
    cr_assert_eq(access(path, F_OK), -1);
}
