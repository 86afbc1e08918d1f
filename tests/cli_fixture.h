/* For tests that run ecosim as a user would: a short cycle in a temporary directory, a
 * command's output and exit status, numbers out of its JSON. */
#ifndef ECO_TEST_CLI_FIXTURE_H
#define ECO_TEST_CLI_FIXTURE_H

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* Each test file uses what it needs of these. */
#define ECOSIM ECO_BIN_DIR "/ecosim"

static char cli_dir[512], cycle_path[600];

/* The first 120 s of WLTC 3b as a CSV of its own (a launch, a few stops, 0..56 km/h), so
 * a run of the MPC or the DP takes well under a second; in a fresh temporary directory. */
__attribute__((unused)) static void make_cycle(void)
{
    const char *env = getenv("TMPDIR");
    snprintf(cli_dir, sizeof cli_dir, "%s/eco_cli_XXXXXX", env && *env ? env : P_tmpdir);
    cr_assert_not_null(mkdtemp(cli_dir));
    snprintf(cycle_path, sizeof cycle_path, "%s/short.csv", cli_dir);
    FILE *in = fopen(ECO_SOURCE_DIR "/sim/cycles/wltc_class3b.csv", "r");
    FILE *out = fopen(cycle_path, "w");
    cr_assert(in && out);
    char line[128];
    for (int n = 0; n <= 121 && fgets(line, sizeof line, in); n++)
        fputs(line, out);
    fclose(in);
    fclose(out);
}

__attribute__((unused)) static void drop_cycle(void)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", cli_dir);
    cr_expect_eq(system(cmd), 0);
}

/* Run a shell command; its stdout into buf; returns the exit status. */
__attribute__((unused)) static int run(const char *cmd, char *buf, size_t n)
{
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t got = fread(buf, 1, n - 1, p);
    buf[got] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

__attribute__((unused)) static double num(const cJSON *o, const char *k)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, k);
    cr_assert(cJSON_IsNumber(j), "key %s is a number", k);
    return j->valuedouble;
}

#endif
