/* ecosim campaign, merge and sweep's grid: what a case's line holds, one worker or many,
 * shards joined, a resume after a cut, bad input refused before any run; and the pieces
 * (weight ranges, space-filling samples, progress lines). */
#include "campaign_weights.h"
#include "cli_fixture.h"
#include "ecodrive/config.h"
#include "progress.h"

#include <math.h>
#include <string.h>

TestSuite(campaign, .init = make_cycle, .fini = drop_cycle);

/* A campaign file in the temporary directory; returns its path in path. */
static void write_file(const char *name, const char *text, char *path, size_t n)
{
    snprintf(path, n, "%s/%s", cli_dir, name);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static long file_size(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fclose(fp);
    return n;
}

static int same_files(const char *a, const char *b)
{
    char cmd[2048], out[16];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    return run(cmd, out, sizeof out) == 0;
}

/* Three cars (a file, a shipped name, an EPA record) on two cycles with the baseline
 * controller: quick runs, twelve... six cases. */
static const char *BASELINES =
    "{\"vehicles\": [\"toyota_prius_2022\", \"" ECO_SOURCE_DIR
    "/models/vehicles/tesla_model3_rwd_2022.json\", {\"epa\": \"" ECO_SOURCE_DIR
    "/models/vehicles/epa_testcars_calibration.csv\", \"model\": \"COROLLA|cvt\"}],\n"
    " \"cycles\": [\"short.csv\", \"hwfet\"], \"controllers\": [\"baseline\"]}\n";

Test(campaign, a_line_is_the_run_summary_with_the_head_and_comfort_figures)
{
    char path[700], cmd[4096], *out = malloc(1 << 20), *one = malloc(1 << 16);
    write_file("base.json", BASELINES, path, sizeof path);
    snprintf(cmd, sizeof cmd, ECOSIM " campaign %s --quiet", path);
    cr_assert_eq(run(cmd, out, 1 << 20), 0, "%s", out);
    int lines = 0;
    for (char *c = out; *c; c++)
        lines += *c == '\n';
    cr_assert_eq(lines, 6, "3 cars x 2 cycles x baseline: %s", out);
    *strchr(out, '\n') = '\0';
    cJSON *line = cJSON_Parse(out);
    cr_assert_not_null(line);
    cr_assert_eq(strlen(cJSON_GetObjectItem(line, "campaign")->valuestring), 16);
    cr_assert_eq(num(line, "case"), 0);
    cr_assert_eq(num(line, "cases"), 6);
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(line, "weights")), "the baseline has none");
    cr_assert_null(cJSON_GetObjectItem(line, "mpc_solve_us"), "wall-clock timings are no result");
    cr_assert_gt(num(line, "jerk_rms_mps3"), 0.0);
    cr_assert_eq(num(line, "saving_vs_baseline_pct"), 0.0, "the baseline against itself");
    /* every key of `ecosim run --json` is there with the same value (the timings aside) */
    snprintf(cmd, sizeof cmd, ECOSIM " run --cycle %s --json --quiet", cycle_path);
    cr_assert_eq(run(cmd, one, 1 << 16), 0);
    cJSON *sum = cJSON_Parse(one);
    cr_assert_not_null(sum);
    int keys = 0;
    for (const cJSON *it = sum->child; it; it = it->next) {
        if (!strcmp(it->string, "mpc_solve_us"))
            continue;
        cJSON *mine = cJSON_GetObjectItemCaseSensitive(line, it->string);
        cr_assert_not_null(mine, "key %s", it->string);
        cr_assert(cJSON_Compare(it, mine, 1), "key %s differs", it->string);
        keys++;
    }
    cr_assert_gt(keys, 25);
    cJSON_Delete(sum);
    cJSON_Delete(line);
    free(out);
    free(one);
}

/* Workers hand back what one process computes; shards merge into the unsharded file;
 * a run stopped mid-line resumes into the same file. */
Test(campaign, one_worker_or_two_shards_merged_or_resumed_give_the_same_bytes)
{
    char path[700], cmd[8192], out[4096], f[6][700];
    write_file("base.json", BASELINES, path, sizeof path);
    const char *names[] = {"j1", "j2", "s0", "s1", "s2", "merged"};
    for (int i = 0; i < 6; i++)
        snprintf(f[i], sizeof f[i], "%s/%s.jsonl", cli_dir, names[i]);
    for (int j = 1; j <= 2; j++) {
        snprintf(cmd, sizeof cmd, ECOSIM " campaign %s --jobs %d --out %s --quiet", path, j,
                 f[j - 1]);
        cr_assert_eq(run(cmd, out, sizeof out), 0);
    }
    cr_assert(same_files(f[0], f[1]), "1 or 2 workers");
    for (int k = 0; k < 3; k++) {
        snprintf(cmd, sizeof cmd, ECOSIM " campaign %s --shard %d/3 --out %s --quiet", path, k,
                 f[2 + k]);
        cr_assert_eq(run(cmd, out, sizeof out), 0);
    }
    snprintf(cmd, sizeof cmd, ECOSIM " merge %s %s %s --out %s", f[4], f[2], f[3], f[5]);
    cr_assert_eq(run(cmd, out, sizeof out), 0);
    cr_assert(same_files(f[5], f[0]), "merged shards are the unsharded file");
    /* a missing shard, and shards of another campaign, are refused by name */
    snprintf(cmd, sizeof cmd, ECOSIM " merge %s %s --out %s 2>&1", f[2], f[4], f[5]);
    cr_assert_eq(run(cmd, out, sizeof out), 2);
    cr_assert(strstr(out, "missing: 1/3"), "%s", out);
    /* cut in the middle of the fourth line: three kept, the fourth and the rest run again */
    long size = file_size(f[0]);
    snprintf(cmd, sizeof cmd, "head -c %ld %s > %s", size * 3 / 6 + 100, f[0], f[1]);
    cr_assert_eq(run(cmd, out, sizeof out), 0);
    snprintf(cmd, sizeof cmd, ECOSIM " campaign %s --out %s --resume --quiet 2>&1", path, f[1]);
    cr_assert_eq(run(cmd, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "cut short"), "the cut line is noticed: %s", out);
    cr_assert(same_files(f[1], f[0]), "resumed");
}

/* A resume only continues its own campaign, and merge only joins one campaign. */
Test(campaign, another_campaigns_file_is_refused_on_resume_and_merge)
{
    char a[700], b[700], fa[700], fb[700], cmd[4096], out[4096];
    write_file("a.json", BASELINES, a, sizeof a);
    write_file("b.json",
               "{\"vehicles\": [\"toyota_prius_2022\"], \"cycles\": [\"short.csv\"],"
               " \"controllers\": [\"baseline\"], \"band\": \"0\"}",
               b, sizeof b);
    snprintf(fa, sizeof fa, "%s/a.jsonl", cli_dir);
    snprintf(fb, sizeof fb, "%s/b.jsonl", cli_dir);
    snprintf(cmd, sizeof cmd, ECOSIM " campaign %s --out %s --quiet --shard 0/2", a, fa);
    cr_assert_eq(run(cmd, out, sizeof out), 0);
    snprintf(cmd, sizeof cmd, ECOSIM " campaign %s --out %s --quiet", b, fb);
    cr_assert_eq(run(cmd, out, sizeof out), 0);
    snprintf(cmd, sizeof cmd, ECOSIM " campaign %s --out %s --resume 2>&1", b, fa);
    cr_assert_eq(run(cmd, out, sizeof out), 2);
    cr_assert(strstr(out, "not of this one"), "%s", out);
    snprintf(cmd, sizeof cmd, ECOSIM " merge %s %s --out %s/m.jsonl 2>&1", fa, fb, cli_dir);
    cr_assert_eq(run(cmd, out, sizeof out), 2);
    cr_assert(strstr(out, "different campaigns"), "%s", out);
}

static void expect_refused(const char *json, const char *needle)
{
    char path[700], cmd[4096], out[8192];
    write_file("bad.json", json, path, sizeof path);
    snprintf(cmd, sizeof cmd, ECOSIM " campaign %s --out %s/never.jsonl 2>&1", path, cli_dir);
    cr_assert_eq(run(cmd, out, sizeof out), 2, "%s: %s", json, out);
    cr_assert(strstr(out, needle), "'%s' not in: %s", needle, out);
    snprintf(cmd, sizeof cmd, "%s/never.jsonl", cli_dir);
    cr_assert_eq(file_size(cmd), -1, "refused before any run: no output file");
}

#define CASE "\"vehicles\": [\"toyota_prius_2022\"], \"cycles\": [\"short.csv\"]"

Test(campaign, bad_input_is_refused_at_start_with_the_json_path)
{
    expect_refused("{" CASE ", \"colour\": 1}", "$: unknown key 'colour'");
    expect_refused("{\"vehicles\": [\"toyota_prius_2022\", \"nope.json\"], \"cycles\": "
                   "[\"short.csv\"]}",
                   "$.vehicles[1]: ");
    expect_refused("{" CASE ", \"weights\": {\"grid\": {\"nox_per_mg\": [0.001, 5]}}}",
                   "$.weights.grid.nox_per_mg: nox_per_mg = 5: outside its range [0, 0.1]");
    expect_refused("{" CASE ", \"weights\": {\"list\": [{\"jerk_per_mps3_2s\": -1}]}}",
                   "$.weights.list[0].jerk_per_mps3_2s: ");
    expect_refused("{" CASE ", \"weights\": {\"list\": [{\"nox\": 0.1}]}}",
                   "unknown weight 'nox' (allowed: fuel_per_g");
    expect_refused("{" CASE ", \"routes\": [\"home\"]}", "$.routes: routes are not yet supported");
    expect_refused("{" CASE ", \"controllers\": [\"pid\"]}",
                   "$.controllers[0]: unknown controller");
    expect_refused("{\"vehicles\": [\"toyota_prius_2022\"], \"cycles\": [\"nope\"]}",
                   "$.cycles[0]");
    expect_refused("{" CASE ", \"weights\": {\"sample\": {\"method\": \"halton\", \"n\": 4, "
                   "\"ranges\": {\"nox_per_mg\": [0.001, 0.01]}}}}",
                   "$.weights.sample.method");
    expect_refused("{\"vehicles\": [{\"epa\": \"" ECO_SOURCE_DIR
                   "/models/vehicles/epa_testcars_calibration.csv\", \"model\": \"NOPE\"}], "
                   "\"cycles\": [\"short.csv\"]}",
                   "$.vehicles[0]: ");
    expect_refused("{" CASE ",", "bad.json:1:");
    /* a P2 with a planner that cannot take it yet: refused for the pair, not case by case */
    expect_refused("{\"vehicles\": [\"toyota_prius_2022\", \"hyundai_sonata_hybrid_2022\"], "
                   "\"cycles\": [\"short.csv\"], \"controllers\": [\"baseline\", \"dp\"]}",
                   "$.vehicles[1]: Hyundai Sonata Hybrid 2022");
}

Test(campaign, a_shard_out_of_range_exits_2)
{
    char path[700], cmd[4096], out[4096];
    write_file("base.json", BASELINES, path, sizeof path);
    const char *bad[] = {"5/4", "4/4", "-1/4", "1/0", "a/b", "1/2/3", "1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(cmd, sizeof cmd, ECOSIM " campaign %s --shard %s 2>&1", path, bad[i]);
        cr_assert_eq(run(cmd, out, sizeof out), 2, "--shard %s", bad[i]);
        cr_assert(strstr(out, "--shard"), "%s", out);
        snprintf(cmd, sizeof cmd,
                 ECOSIM " sweep --cycle %s --vary nox_per_mg=0.001 --shard %s "
                        "--out %s/x.jsonl 2>&1",
                 cycle_path, bad[i], cli_dir);
        cr_assert_eq(run(cmd, out, sizeof out), 2, "sweep --shard %s", bad[i]);
    }
}

/* A grid of two weights through ecosim sweep: one line per point, its weights under
 * "weights" and the figures of --json's points under the same keys; the shards merged are
 * the unsharded file. */
Test(campaign, sweep_grid_lines_carry_the_points_weights_and_figures)
{
    char cmd[8192], *out = malloc(1 << 20), f[3][700];
    const char *names[] = {"grid", "g0", "g1"};
    for (int i = 0; i < 3; i++)
        snprintf(f[i], sizeof f[i], "%s/%s.jsonl", cli_dir, names[i]);
    const char *grid = "--vary nox_per_mg=0.001,0.01 --vary engine_start_g=0.02,0.1";
    snprintf(cmd, sizeof cmd, ECOSIM " sweep --cycle %s %s --json --quiet --out %s", cycle_path,
             grid, f[0]);
    cr_assert_eq(run(cmd, out, 1 << 20), 0, "%s", out);
    cJSON *o = cJSON_Parse(out);
    cr_assert_not_null(o, "%s", out);
    const cJSON *points = cJSON_GetObjectItem(o, "points");
    cr_assert_eq(cJSON_GetArraySize(points), 4);
    const double nox[] = {0.001, 0.001, 0.01, 0.01}, start[] = {0.02, 0.1, 0.02, 0.1};
    FILE *fp = fopen(f[0], "r");
    cr_assert_not_null(fp);
    char *line = malloc(1 << 16);
    for (int i = 0; i < 4; i++) {
        cr_assert_not_null(fgets(line, 1 << 16, fp), "line %d", i);
        cJSON *l = cJSON_Parse(line);
        cr_assert_not_null(l);
        const cJSON *w = cJSON_GetObjectItem(l, "weights");
        cr_assert_eq(num(w, "nox_per_mg"), nox[i], "the first --vary varies slowest");
        cr_assert_eq(num(w, "engine_start_g"), start[i]);
        cr_assert_eq(num(w, "jerk_per_mps3_2s"), 0.002, "the rest are the base weights");
        const cJSON *p = cJSON_GetArrayItem(points, i);
        for (const cJSON *k = p->child; k; k = k->next)
            if (strcmp(k->string, "values"))
                cr_assert_eq(num(l, k->string), k->valuedouble, "point %d: %s", i, k->string);
        cJSON_Delete(l);
    }
    cr_assert_null(fgets(line, 1 << 16, fp), "one line per point, no more");
    fclose(fp);
    cJSON_Delete(o);
    for (int k = 0; k < 2; k++) {
        snprintf(cmd, sizeof cmd, ECOSIM " sweep --cycle %s %s --quiet --shard %d/2 --out %s",
                 cycle_path, grid, k, f[1 + k]);
        cr_assert_eq(run(cmd, out, 1 << 20), 0);
        cr_assert_eq(out[0], '\0', "a shard prints no table");
    }
    snprintf(cmd, sizeof cmd, ECOSIM " merge %s %s --out %s/m.jsonl && cmp %s/m.jsonl %s", f[1],
             f[2], cli_dir, cli_dir, f[0]);
    cr_assert_eq(run(cmd, out, 1 << 20), 0, "merged sweep shards: %s", out);
    free(line);
    free(out);
}

/* campaign_weights.c keeps its own key -> field table; it must be the loader's. */
Test(campaign_units, weight_table_matches_the_loader_and_ranges_hold)
{
    int n;
    const eco_campaign_range *r = eco_campaign_weight_ranges(&n);
    cr_assert_eq(n, 9);
    for (int i = 0; i < n; i++) {
        eco_mpc_weights w;
        eco_mpc_weights_default(&w);
        cr_assert_eq(eco_cfg_weights_set(&w, r[i].key, 0.0625), ECO_OK, "%s", r[i].key);
        cr_assert_eq(eco_campaign_weight_get(&w, r[i].key), 0.0625, "%s", r[i].key);
        cr_assert(r[i].lo > 0.0 && r[i].hi > r[i].lo, "%s", r[i].key);
        cr_assert_eq(eco_campaign_weight_set(&w, r[i].key, r[i].hi * 1.01), ECO_EINVAL);
        cr_assert(strstr(eco_last_error(), "outside its range"), "%s", eco_last_error());
        cr_assert_eq(eco_campaign_weight_set(&w, r[i].key, 0.0), ECO_OK, "0 switches a term off");
    }
    /* the weights JSON reads back through the loader (what ecodrived --weights uses) */
    eco_mpc_weights w, back;
    eco_mpc_weights_default(&w);
    w.nox_per_mg = 0.0123456789012345;
    cJSON *j = eco_campaign_weights_json(&w);
    cr_assert_eq(eco_cfg_weights_from_json(j, "t.json", &back), ECO_OK, "%s", eco_last_error());
    cr_assert_eq(memcmp(&w, &back, sizeof w), 0);
    cJSON_Delete(j);
}

/* A Sobol sequence is a (0, m, s)-net in base 2: the first 2^m points (GSL leaves out the
 * origin, so 2^m - 1 of them) put one point in each of the 2^m equal intervals of every
 * axis. A Latin hypercube puts exactly one in each of its n strata per axis, and a seed
 * gives the same sample again. */
Test(campaign_units, space_filling_samples_fill_their_strata)
{
    double u[7 * 3];
    cr_assert_eq(eco_campaign_sobol(7, 3, u), ECO_OK);
    cr_assert_eq(u[0], 0.5);
    for (int d = 0; d < 3; d++) {
        int count[8] = {0};
        for (int i = 0; i < 7; i++)
            count[(int)(u[i * 3 + d] * 8)]++;
        for (int b = 1; b < 8; b++)
            cr_assert_eq(count[b], 1, "axis %d interval %d", d, b);
    }
    double a[50 * 4], b[50 * 4], c[50 * 4];
    cr_assert_eq(eco_campaign_lhs(50, 4, 7, a), ECO_OK);
    cr_assert_eq(eco_campaign_lhs(50, 4, 7, b), ECO_OK);
    cr_assert_eq(eco_campaign_lhs(50, 4, 8, c), ECO_OK);
    cr_assert_eq(memcmp(a, b, sizeof a), 0, "the same seed, the same sample");
    cr_assert_neq(memcmp(a, c, sizeof a), 0);
    for (int d = 0; d < 4; d++) {
        int count[50] = {0};
        for (int i = 0; i < 50; i++)
            count[(int)(a[i * 4 + d] * 50)]++;
        for (int s = 0; s < 50; s++)
            cr_assert_eq(count[s], 1, "axis %d stratum %d", d, s);
    }
    cr_assert_float_eq(eco_campaign_scale(0.5, 0.001, 0.1, 1), 0.01, 1e-15,
                       "log: the middle decade");
}

static char *progress_text(int tty, const long *done, const double *at_s, int n)
{
    static char buf[4096];
    FILE *fp = fmemopen(buf, sizeof buf, "w");
    eco_sim_progress p;
    eco_sim_progress_begin_on(&p, fp, tty, "campaign", 10);
    for (int i = 0; i < n; i++)
        eco_sim_progress_update_at(&p, done[i], p.t0_ns + (int64_t)(at_s[i] * 1e9));
    eco_sim_progress_end_at(&p, p.t0_ns + (int64_t)(at_s[n - 1] * 1e9));
    fclose(fp);
    return buf;
}

/* In a log: a plain line at most every 5 s with done/total, rate and ETA, no \r; on a
 * terminal the line is redrawn in place and ended once. */
Test(campaign_units, progress_fits_a_log_or_a_terminal)
{
    const long done[] = {1, 2, 3, 5, 6, 10};
    const double at[] = {1.0, 2.0, 5.5, 6.0, 11.0, 12.0};
    char *log = progress_text(0, done, at, 6);
    cr_assert_null(strchr(log, '\r'), "%s", log);
    cr_assert_str_eq(log, "campaign: 3/10 (30.0 %), 0.545 /s, ETA 13s\n"
                          "campaign: 6/10 (60.0 %), 0.545 /s, ETA 7s\n"
                          "campaign: 10/10 (100.0 %), 0.833 /s, in 12s\n");
    char *tty = progress_text(1, done, at, 6);
    cr_assert_eq(tty[0], '\r', "%s", tty);
    cr_assert_eq(strchr(tty, '\n'), tty + strlen(tty) - 1, "one newline, at the end: %s", tty);
    cr_assert(strstr(tty, "\rcampaign: 10/10 (100.0 %)"), "%s", tty);
}
