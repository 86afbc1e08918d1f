/* ecosim tune against an optimum known from an exhaustive grid: one weight (nox_per_mg), a
 * short cycle, the least fuel with NOx at or below a limit the grid crosses. */
#include "cli_fixture.h"
#include "ecodrive/config.h"

#include <math.h>
#include <string.h>

#define GRID_N  13    /* nox_per_mg over its whole range, 1e-5..0.1: three points per decade */
#define NOX_MAX 370.0 /* mg/km: between the grid's NOx at 0.0046 and 0.01 on this cycle */

TestSuite(tune, .init = make_cycle, .fini = drop_cycle, .timeout = 500);

static void read_grid(const char *path, double *w, double *fuel, double *nox)
{
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp);
    char *line = malloc(1 << 16);
    for (int i = 0; i < GRID_N; i++) {
        cr_assert_not_null(fgets(line, 1 << 16, fp));
        cJSON *o = cJSON_Parse(line);
        cr_assert_not_null(o);
        w[i] = num(cJSON_GetObjectItem(o, "weights"), "nox_per_mg");
        fuel[i] = num(o, "fuel_soc_corrected_l_per_100km");
        nox[i] = num(o, "nox_mg_per_km");
        cJSON_Delete(o);
    }
    free(line);
    fclose(fp);
}

static cJSON *read_json(const char *path)
{
    char *text = NULL;
    cr_assert_eq(eco_read_file(path, NULL, &text, NULL), ECO_OK, "%s", path);
    cJSON *o = cJSON_Parse(text);
    eco_free(text);
    cr_assert_not_null(o, "%s", path);
    return o;
}

Test(tune, finds_the_grid_optimum_within_its_resolution_and_repeats_itself)
{
    char cmd[4096], out[65536], grid[700], wfile[2][700], report[2][700];
    snprintf(grid, sizeof grid, "%s/grid.jsonl", cli_dir);
    snprintf(cmd, sizeof cmd,
             ECOSIM " sweep --cycle %s --vary nox_per_mg=0.00001:0.1:%d --shard 0/1 --out %s "
                    "--quiet",
             cycle_path, GRID_N, grid);
    cr_assert_eq(run(cmd, out, sizeof out), 0, "%s", out);
    double w[GRID_N], fuel[GRID_N], nox[GRID_N];
    read_grid(grid, w, fuel, nox);
    int best = -1;
    for (int i = 0; i < GRID_N; i++)
        if (nox[i] <= NOX_MAX && (best < 0 || fuel[i] < fuel[best]))
            best = i;
    cr_assert(best > 0 && best < GRID_N - 1, "the limit lies inside the grid (best %d)", best);
    double resolution = fmax(fabs(fuel[best] - fuel[best - 1]), fabs(fuel[best + 1] - fuel[best]));
    for (int k = 0; k < 2; k++) {
        snprintf(wfile[k], sizeof wfile[k], "%s/tuned%d.json", cli_dir, k);
        snprintf(report[k], sizeof report[k], "%s/report%d.json", cli_dir, k);
        snprintf(cmd, sizeof cmd,
                 ECOSIM " tune --cycle %s --objective fuel --constraint 'nox_mg_per_km<=%g' "
                        "--tune nox_per_mg --max-runs 20 --out %s --report %s --quiet",
                 cycle_path, NOX_MAX, wfile[k], report[k]);
        cr_assert_eq(run(cmd, out, sizeof out), 0, "%s", out);
    }
    snprintf(cmd, sizeof cmd, "cmp %s %s && cmp %s %s", wfile[0], wfile[1], report[0], report[1]);
    cr_assert_eq(run(cmd, out, sizeof out), 0, "the same inputs, the same search");
    eco_mpc_weights tuned, balanced;
    cr_assert_eq(eco_cfg_weights_load(wfile[0], &tuned), ECO_OK, "%s", eco_last_error());
    eco_mpc_weights_default(&balanced);
    balanced.nox_per_mg = tuned.nox_per_mg;
    cr_assert_eq(memcmp(&tuned, &balanced, sizeof tuned), 0, "only nox_per_mg was tuned");
    cJSON *r = read_json(report[0]);
    const cJSON *b = cJSON_GetObjectItem(r, "best");
    double f = num(b, "objective");
    double n = num(cJSON_GetArrayItem(cJSON_GetObjectItem(b, "cases"), 0), "nox_mg_per_km");
    cr_assert_leq(n, NOX_MAX, "feasible");
    cr_assert_leq(f, fuel[best] + resolution, "fuel %g against the grid's best %g (+- %g)", f,
                  fuel[best], resolution);
    double step = pow(10.0, 1.0 / 3.0);
    cr_assert(tuned.nox_per_mg >= w[best] / step - 1e-12 && tuned.nox_per_mg <= w[best] * step,
              "weight %g within a grid step of %g", tuned.nox_per_mg, w[best]);
    cr_assert_eq(num(r, "runs"), num(r, "evaluations"), "one cycle: a run per evaluation");
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r, "path")), (int)num(r, "runs"));
    cJSON_Delete(r);
}

Test(tune, bad_arguments_exit_2)
{
    char cmd[4096], out[8192];
    const char *bad[][2] = {
        {"--objective fuel --constraint 'nox_mg_per_km<400' --out x.json", "KEY<=X"},
        {"--objective fuel --tune nox --out x.json", "unknown weight 'nox'"},
        {"--objective speed --out x.json", "--objective is fuel or energy"},
        {"--objective fuel", "--out are required"},
        {"--objective fuel --case-weights 1,2 --out x.json", "--case-weights"},
        {"--objective fuel --constraint 'colour<=1' --max-runs 1 --tune nox_per_mg --out x.json",
         "'colour' is not a numeric key"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(cmd, sizeof cmd, "cd %s && " ECOSIM " tune --cycle %s %s --quiet 2>&1", cli_dir,
                 cycle_path, bad[i][0]);
        cr_assert_eq(run(cmd, out, sizeof out), 2, "%s: %s", bad[i][0], out);
        cr_assert(strstr(out, bad[i][1]), "'%s' not in: %s", bad[i][1], out);
    }
}
