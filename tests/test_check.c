/* ecodrived --check (issue 11): every error of one run reported, not only the first, and the
 * resolved mapping printed. The expected rows come from models/ecodrive.dbc's text: message
 * EcoVehicleMotion is BO_ 256 (0x100) with GenMsgCycleTime 20, VehicleSpeed has factor 0.01
 * in m/s and the range [0|90]. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DAEMON ECO_BIN_DIR "/ecodrived"

static char dir[256];

static void setup(void)
{
    const char *env = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/eco_check_XXXXXX", env && *env ? env : P_tmpdir);
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(check, .init = setup, .fini = teardown);

/* stdout and stderr of `ecodrived ARGS` in out; returns the exit status */
static int daemon_run(const char *args, char *out, size_t n)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd '%s' && %s %s 2>&1", dir, DAEMON, args);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t got = fread(out, 1, n - 1, p);
    out[got] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_file(const char *name, const char *text)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

/* Three deliberate errors in the mapping (a signal not in the DBC, "min" without "max", an
 * unknown top-level key) and a fourth in the vehicle (a file that does not exist): one run
 * names all four, counts them and exits 2. */
Test(check, finds_every_deliberate_error_in_one_run)
{
    write_file(
        "three.json",
        "{\"inputs\": {\"vehicle_speed_mps\": \"VehicleSpeed\",\n"
        "  \"engine_speed_radps\": \"EngineSpeeed\", \"engine_torque_nm\": \"EngineTorque\",\n"
        "  \"accel_pedal\": \"AccelPedal\",\n"
        "  \"brake_pedal\": {\"signal\": \"BrakePedal\", \"min\": 0},\n"
        "  \"gear\": \"Gear\", \"battery_soc\": \"BattSOC\", \"battery_voltage_v\": "
        "\"BattVoltage\",\n"
        "  \"battery_current_a\": \"BattCurrent\", \"set_speed_mps\": \"SetSpeed\",\n"
        "  \"road_grade_rad\": \"RoadGrade\"},\n"
        " \"outputs\": {\"throttle\": \"EcoThrottle\", \"regen\": \"EcoRegen\", \"valid\": "
        "\"EcoValid\",\n"
        "  \"counter\": \"EcoCounter\", \"crc\": \"EcoCRC\"},\n"
        " \"colour\": \"blue\"}\n");
    char out[8192];
    cr_assert_eq(
        daemon_run("--check --mapping three.json --vehicle no_such_car.json", out, sizeof out), 2,
        "%s", out);
    cr_expect_not_null(strstr(out, "three.json: $.inputs.engine_speed_radps: signal EngineSpeeed "
                                   "is not in the DBC"),
                       "%s", out);
    cr_expect_not_null(strstr(out, "three.json: $.inputs.brake_pedal: give both"), "%s", out);
    cr_expect_not_null(strstr(out, "three.json: $.colour: unknown"), "%s", out);
    cr_expect_not_null(strstr(out, "error: --vehicle: no_such_car.json"), "%s", out);
    cr_expect_not_null(strstr(out, "--check: 4 errors"), "%s", out);
    cr_expect_null(strstr(out, "missing (required)"), "a field that failed is not also missing");
}

/* Two bad "e2e" entries (a message not in the DBC, an unknown algorithm) beside a good one:
 * one run names both and counts 2; the mapping is otherwise the shipped one. */
Test(check, names_every_bad_e2e_entry)
{
    char src[8192], text[8400];
    FILE *f = fopen(ECO_SOURCE_DIR "/models/mappings/ecodrive.json", "r");
    cr_assert_not_null(f);
    size_t n = fread(src, 1, sizeof src - 1, f);
    fclose(f);
    src[n] = '\0';
    char *end = strrchr(src, '}');
    cr_assert_not_null(end);
    *end = '\0';
    snprintf(text, sizeof text,
             "%s,\n \"e2e\": {\"NoSuchMessage\": {\"algorithm\": \"none\"},\n"
             "  \"EcoEngine\": {\"algorithm\": \"rot13\"},\n"
             "  \"EcoBattery\": {\"algorithm\": \"none\"}}}\n",
             src);
    write_file("bad_e2e.json", text);
    char out[16384];
    cr_assert_eq(daemon_run("--check --mapping bad_e2e.json", out, sizeof out), 2, "%s", out);
    cr_expect_not_null(strstr(out, "bad_e2e.json: $.e2e.NoSuchMessage: no message NoSuchMessage"),
                       "%s", out);
    cr_expect_not_null(strstr(out, "bad_e2e.json: $.e2e.EcoEngine.algorithm: unknown algorithm "
                                   "rot13"),
                       "%s", out);
    cr_expect_not_null(strstr(out, "--check: 2 errors"), "%s", out);
}

/* The shipped files check clean, and the table resolves each field to its message. */
Test(check, prints_the_resolved_table)
{
    char out[16384];
    cr_assert_eq(daemon_run("--check", out, sizeof out), 0, "%s", out);
    const char *row = strstr(out, "\nvehicle_speed_mps ");
    cr_assert_not_null(row, "%s", out);
    char line[400];
    sscanf(row + 1, "%399[^\n]", line);
    cr_expect_not_null(strstr(line, "EcoVehicleMotion.VehicleSpeed"), "%s", line);
    cr_expect_not_null(strstr(line, "0x100"), "%s", line);
    cr_expect_not_null(strstr(line, "20 ms"), "%s", line);
    cr_expect_not_null(strstr(line, "[0, 90] (DBC)"), "%s", line);
    /* the engagement input: CruiseActive (bit 52 of 0x100) engaged at "Engaged", 1 */
    row = strstr(out, "\nengaged ");
    cr_assert_not_null(row, "no engaged row: %s", out);
    sscanf(row + 1, "%399[^\n]", line);
    cr_expect_not_null(strstr(line, "EcoVehicleMotion.CruiseActive"), "%s", line);
    cr_expect_not_null(strstr(line, "0x100"), "%s", line);
    cr_expect_not_null(strstr(line, "engaged at 1"), "%s", line);
    cr_expect_not_null(strstr(out, "--check: no error"), "%s", out);
}

/* A DBC that does not load: said with its line, and the mapping is not checked against it. */
Test(check, a_broken_dbc_stops_only_the_mapping)
{
    write_file("typo.dbc", "BO_ 1 X: 8 N\n SG_ A : 0|8@1+ (1,0) [0|0] \"\" N\nB0_ 2 Y: 8 N\n");
    char out[8192];
    cr_assert_eq(daemon_run("--check --dbc typo.dbc --vehicle no_such_car.json", out, sizeof out),
                 2, "%s", out);
    cr_expect_not_null(strstr(out, "typo.dbc:3: unknown keyword 'B0_'"), "%s", out);
    cr_expect_not_null(strstr(out, "the mapping is not checked"), "%s", out);
    cr_expect_not_null(strstr(out, "--check: 2 errors"), "%s", out);
}
