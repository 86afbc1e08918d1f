/* Shipped data found the one way ecosim and ecodrived share (eco_data_path, eco_cfg_*_find):
 * the DBC, the mapping named after a DBC, the default vehicle and the weights presets; and
 * both programs finding the Motorola example's own mapping. The test binaries live in
 * build/bin, so <exe>/../share/ecodrive is the build tree's copy of models/. */
#include "ecodrive/config.h"
#include "ecodrive/datadir.h"

#include "cli_fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && !strcmp(s + n - m, tail);
}

Test(config_find, data_dir_is_next_to_the_executable_or_from_the_environment)
{
    char dir[4096], exe[4096];
    unsetenv("ECODRIVE_DATA_DIR");
    cr_assert_eq(eco_data_dir(dir, sizeof dir), ECO_OK);
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    cr_assert_gt(n, 0);
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    cr_expect(!strncmp(dir, exe, strlen(exe)) && ends_with(dir, "/../share/ecodrive"), "%s", dir);
    setenv("ECODRIVE_DATA_DIR", "/opt/eco", 1);
    cr_expect_eq(eco_data_path("models/x.dbc", dir, sizeof dir), ECO_OK);
    cr_expect_str_eq(dir, "/opt/eco/models/x.dbc");
    cr_expect_eq(eco_data_path("models/x.dbc", dir, 8), ECO_ENOENT, "does not fit");
    unsetenv("ECODRIVE_DATA_DIR");
}

Test(config_find, a_dbc_and_the_mapping_named_after_it)
{
    char dbc[4096], map[4096];
    cr_assert_eq(eco_cfg_dbc_find(NULL, dbc, sizeof dbc), ECO_OK);
    cr_expect(ends_with(dbc, "/models/ecodrive.dbc") && access(dbc, R_OK) == 0, "%s", dbc);
    cr_assert_eq(eco_cfg_mapping_find(dbc, map, sizeof map), ECO_OK);
    cr_expect(ends_with(map, "/models/mappings/ecodrive.json"), "%s", map);
    cr_assert_eq(eco_cfg_dbc_find("models/example_motorola.dbc", dbc, sizeof dbc), ECO_OK);
    cr_expect_str_eq(dbc, "models/example_motorola.dbc", "a given path is used as given");
    cr_assert_eq(eco_cfg_mapping_find(dbc, map, sizeof map), ECO_OK, "%s", eco_last_error());
    cr_expect(ends_with(map, "/models/mappings/example_motorola.json"), "%s", map);
    cr_expect_eq(eco_cfg_mapping_find("/elsewhere/my_car.dbc", map, sizeof map), ECO_ENOENT);
    cr_expect(strstr(eco_last_error(), "no shipped mapping for /elsewhere/my_car.dbc") &&
                  strstr(eco_last_error(), "mappings/my_car.json") &&
                  strstr(eco_last_error(), "give --mapping FILE"),
              "%s", eco_last_error());
}

Test(config_find, default_vehicle_and_weights_presets)
{
    char veh[4096], maps[4096], w[4096];
    cr_assert_eq(eco_cfg_vehicle_find(NULL, veh, sizeof veh, maps, sizeof maps), ECO_OK);
    cr_expect(ends_with(veh, "/models/vehicles/toyota_prius_2022.json") && access(veh, R_OK) == 0,
              "%s", veh);
    cr_expect(ends_with(maps, "/models/maps"), "%s", maps);
    cr_assert_eq(eco_cfg_vehicle_find("dir/my.json", veh, sizeof veh, maps, sizeof maps), ECO_OK);
    cr_expect_str_eq(veh, "dir/my.json", "a path is used as given: the loader names it");
    cr_assert_eq(eco_cfg_weights_find("eco", w, sizeof w), ECO_OK);
    cr_expect(ends_with(w, "/models/weights/eco.json"), "%s", w);
    cr_expect_eq(eco_cfg_weights_find("nosuch", w, sizeof w), ECO_ENOENT);
    cr_expect_str_eq(eco_last_error(), "'nosuch': no such preset (eco, balanced, comfort) or file");
    cr_assert_eq(eco_cfg_weights_find("dir/nosuch.json", w, sizeof w), ECO_OK);
    cr_expect_str_eq(w, "dir/nosuch.json", "a path is not checked here: the loader names it");
}

/* Run cmd; it must have got as far as the interface, which this host lacks (exit 2). Its
 * output into out. */
static void expect_stopped_at_the_interface(const char *cmd, char *out, size_t n)
{
    int rc = run(cmd, out, n);
    cr_expect_eq(rc, 2, "%s: status %d", cmd, rc);
    cr_expect(strstr(out, "no_such_can does not exist"), "%s: %s", cmd, out);
}

/* Both programs with the Motorola example DBC and no --mapping: each finds its mapping and
 * gets as far as the interface (this host has no CAN stack, so no vcan0). */
Test(config_find, both_programs_find_the_motorola_mapping)
{
    static const char *cmds[] = {
        ECO_BIN_DIR "/ecosim bus --iface no_such_can --cycle udds --dbc " ECO_SOURCE_DIR
                    "/models/example_motorola.dbc 2>&1",
        ECO_BIN_DIR "/ecodrived --iface no_such_can --dbc " ECO_SOURCE_DIR
                    "/models/example_motorola.dbc 2>&1",
    };
    for (int i = 0; i < 2; i++) {
        char out[4096];
        expect_stopped_at_the_interface(cmds[i], out, sizeof out);
        cr_expect(!strstr(out, "not in the DBC"), "%s: %s", cmds[i], out);
    }
}

/* Issue 11: shipped data by name, for both programs (they share these finders): the file
 * name with or without its extension, or a part only one shipped file has. A readable file
 * of that name in the working directory comes first. */
Test(config_find, shipped_files_by_name)
{
    char veh[4096], maps[4096], dbc[4096];
    static const char *const golf[] = {"golf", "vw_golf_1p5tsi_2020", "vw_golf_1p5tsi_2020.json"};
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(eco_cfg_vehicle_find(golf[i], veh, sizeof veh, maps, sizeof maps), ECO_OK,
                     "%s: %s", golf[i], eco_last_error());
        cr_expect(ends_with(veh, "/models/vehicles/vw_golf_1p5tsi_2020.json") &&
                      access(veh, R_OK) == 0,
                  "%s: %s", golf[i], veh);
    }
    cr_expect_eq(eco_cfg_vehicle_find("toyota", veh, sizeof veh, maps, sizeof maps), ECO_EINVAL);
    cr_expect(strstr(eco_last_error(), "toyota: no such file, and more than one shipped vehicle") &&
                  strstr(eco_last_error(), "toyota_prius_2022") &&
                  strstr(eco_last_error(), "toyota_corolla_1p8_cvt"),
              "%s", eco_last_error());
    cr_expect_eq(eco_cfg_vehicle_find("nosuch", veh, sizeof veh, maps, sizeof maps), ECO_ENOENT);
    cr_expect(strstr(eco_last_error(), "nosuch: no such file, and no shipped vehicle") &&
                  strstr(eco_last_error(), "renault_zoe_ze50"),
              "%s", eco_last_error());
    cr_assert_eq(eco_cfg_dbc_find("example_motorola.dbc", dbc, sizeof dbc), ECO_OK, "%s",
                 eco_last_error());
    cr_expect(ends_with(dbc, "/models/example_motorola.dbc"), "%s", dbc);
    cr_assert_eq(eco_cfg_dbc_find("example_motorola", dbc, sizeof dbc), ECO_OK);
    cr_expect(ends_with(dbc, "/models/example_motorola.dbc"), "%s", dbc);
    /* a file here of that name wins */
    char dir[4096], cwd[4096];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/eco_find_XXXXXX", tmp && *tmp ? tmp : P_tmpdir);
    cr_assert_not_null(mkdtemp(dir));
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    cr_assert_eq(chdir(dir), 0);
    FILE *f = fopen("golf", "w");
    cr_assert_not_null(f);
    fclose(f);
    cr_assert_eq(eco_cfg_vehicle_find("golf", veh, sizeof veh, maps, sizeof maps), ECO_OK);
    cr_expect_str_eq(veh, "golf");
    unlink("golf");
    cr_assert_eq(chdir(cwd), 0);
    rmdir(dir);
}

/* Both programs take the names on their command lines: each gets past the vehicle and the
 * DBC to the interface, which this host lacks. */
Test(config_find, both_programs_take_shipped_names)
{
    static const char *cmds[] = {
        ECO_BIN_DIR "/ecosim bus --iface no_such_can --cycle udds --vehicle golf --dbc "
                    "example_motorola.dbc 2>&1",
        ECO_BIN_DIR "/ecodrived --iface no_such_can --vehicle golf --dbc example_motorola.dbc 2>&1",
    };
    for (int i = 0; i < 2; i++) {
        char out[4096];
        expect_stopped_at_the_interface(cmds[i], out, sizeof out);
        cr_expect(!strstr(out, "no such file"), "%s: %s", cmds[i], out);
    }
}
