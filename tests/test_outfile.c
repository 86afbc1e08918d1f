/* Output discipline (issue 14): every output path is checked before any work (exit 2 on a
 * bad one), and files are written under a temporary name and renamed when complete, so a
 * failed run leaves nothing behind. The helpers (eco_out_*), then ecosim and ecodrived as a
 * user runs them. */
#include "ecodrive/common.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[512];

static void make_dir(void)
{
    const char *env = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/eco_outfile_XXXXXX", env && *env ? env : P_tmpdir);
    cr_assert_not_null(mkdtemp(dir));
}

static void drop_dir(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

static const char *in_dir(const char *name)
{
    static char paths[4][700];
    static int k;
    char *p = paths[k++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    return p;
}

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static void touch(const char *path)
{
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fclose(fp);
}

#define assert_error_has(text)                                                                     \
    cr_assert(strstr(eco_last_error(), (text)), "error \"%s\" lacks \"%s\"", eco_last_error(),     \
              (text))

Test(outfile, check_names_the_problem, .init = make_dir, .fini = drop_dir)
{
    cr_expect_eq(eco_out_check(in_dir("new.csv")), ECO_OK, "%s", eco_last_error());
    touch(in_dir("old.csv"));
    cr_expect_eq(eco_out_check(in_dir("old.csv")), ECO_OK, "%s", eco_last_error());
    cr_expect_eq(eco_out_check(dir), ECO_EIO);
    assert_error_has("cannot write: is a folder");
    cr_expect_eq(eco_out_check(in_dir("none/x.csv")), ECO_ENOENT);
    assert_error_has("none/x.csv: cannot write: folder ");
    assert_error_has("No such file or directory");
    cr_expect_eq(eco_out_check(in_dir("old.csv/x.csv")), ECO_EIO);
    assert_error_has("not a folder");
    cr_expect_eq(eco_out_check(""), ECO_EINVAL);
    cr_expect_eq(eco_out_check("/dev/null"), ECO_OK, "%s", eco_last_error());
    cr_expect_eq(eco_out_check_dir(dir), ECO_OK, "%s", eco_last_error());
    cr_expect_eq(eco_out_check_dir(in_dir("plots")), ECO_OK, "a folder that can be made");
    cr_expect_eq(eco_out_check_dir(in_dir("old.csv")), ECO_EIO);
    assert_error_has("old.csv: cannot write into: not a folder");
    cr_expect_eq(eco_out_check_dir(in_dir("none/plots")), ECO_ENOENT);
    assert_error_has("cannot make it in");
}

Test(outfile, whole_or_nothing, .init = make_dir, .fini = drop_dir)
{
    char tmp[4200];
    const char *path = in_dir("o.csv");
    FILE *fp = eco_out_begin(path, tmp, sizeof tmp);
    cr_assert_not_null(fp, "%s", eco_last_error());
    cr_expect_str_eq(tmp, in_dir("o.csv.part"));
    fputs("a,b\n1,2\n", fp);
    cr_expect(!exists(path), "the file appears only when complete");
    cr_assert_eq(eco_out_end(fp, tmp, path), ECO_OK, "%s", eco_last_error());
    cr_expect(exists(path) && !exists(tmp));
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_expect_eq(st.st_size, 8);
    fp = eco_out_begin(path, tmp, sizeof tmp); /* a second run that fails */
    cr_assert_not_null(fp);
    fputs("half", fp);
    eco_out_discard(fp, tmp);
    cr_expect(!exists(tmp));
    cr_assert_eq(stat(path, &st), 0);
    cr_expect_eq(st.st_size, 8, "the complete file of the first run is left as it was");
    cr_expect_null(eco_out_begin(in_dir("none/o.csv"), tmp, sizeof tmp));
    assert_error_has("none/o.csv: cannot write");
}

Test(outfile, devices_are_written_in_place)
{
    char tmp[4200];
    FILE *fp = eco_out_begin("/dev/null", tmp, sizeof tmp);
    cr_assert_not_null(fp, "%s", eco_last_error());
    cr_expect_str_eq(tmp, "", "no temporary beside a device");
    fputs("x\n", fp);
    cr_assert_eq(eco_out_end(fp, tmp, "/dev/null"), ECO_OK, "%s", eco_last_error());
    struct stat st;
    cr_assert_eq(stat("/dev/null", &st), 0);
    cr_expect(S_ISCHR(st.st_mode), "/dev/null is still the device");
}

/* ---- the programs ---------------------------------------------------------------------- */

/* Run a shell command in dir, stdout and stderr into out; its exit status, *secs its time. */
static int run(const char *cmd, char *out, size_t n, double *secs)
{
    char full[4096];
    snprintf(full, sizeof full, "cd '%s' && %s 2>&1", dir, cmd);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    FILE *p = popen(full, "r");
    cr_assert_not_null(p);
    size_t got = fread(out, 1, n - 1, p);
    out[got] = '\0';
    int st = pclose(p);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (secs)
        *secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void expect_refused(const char *cmd, const char *needle)
{
    char out[8192];
    double secs;
    int rc = run(cmd, out, sizeof out, &secs);
    cr_expect_eq(rc, 2, "%s: exit %d: %s", cmd, rc, out);
    cr_expect(strstr(out, needle), "%s: '%s' not in: %s", cmd, needle, out);
    /* Refused before any work: no run, no load of a cycle (the DP alone takes seconds). */
    cr_expect(secs < 1.0, "%s: took %.2f s before refusing", cmd, secs);
}

#define ECOSIM    ECO_BIN_DIR "/ecosim"
#define ECODRIVED ECO_BIN_DIR "/ecodrived"

/* Issue 14: `--csv o.csv --plot afile` (a file, not a folder) wrote the 18,001-line o.csv and
 * then failed with exit 1; the DP ran its 2.7 s before a --csv in a missing folder failed. */
Test(outfile, ecosim_refuses_bad_outputs_first, .init = make_dir, .fini = drop_dir)
{
    touch(in_dir("afile"));
    expect_refused(ECOSIM " run --cycle wltc_class3b --csv o.csv --plot afile",
                   "--plot afile: cannot write into: not a folder");
    cr_expect(!exists(in_dir("o.csv")) && !exists(in_dir("o.csv.part")), "o.csv left behind");
    expect_refused(ECOSIM " run --controller dp --cycle wltc_class3b --csv /nonexistent/o.csv",
                   "--csv /nonexistent/o.csv: cannot write: folder /nonexistent");
    expect_refused(ECOSIM " run --cycle us06 --csv .", "--csv .: cannot write: is a folder");
    expect_refused(ECOSIM " sweep --cycle us06 --vary nox_per_mg=0,1 --out none/s.jsonl",
                   "ecosim sweep: --out none/s.jsonl");
    expect_refused(ECOSIM " sweep --cycle us06 --vary nox_per_mg=0,1 --plot afile", "--plot afile");
    expect_refused(ECOSIM " tune --cycle us06 --objective fuel --out w.json --report none/r.json",
                   "ecosim tune: --report none/r.json");
    expect_refused(ECOSIM " tune --cycle us06 --objective fuel --out none/w.json", "--out none");
    expect_refused(ECOSIM " route --from-drive longhaul_highway_1 --output none/r.csv",
                   "ecosim route: --output none/r.csv");
    expect_refused(ECOSIM " merge afile --out none/m.jsonl", "ecosim merge: --out none/m.jsonl");
    expect_refused(ECOSIM " campaign afile --out none/c.jsonl", "ecosim campaign: --out none");
    expect_refused(ECOSIM " pareto afile --objectives fuel,nox --plot afile", "--plot afile");
    expect_refused(ECOSIM " run --route afile --csv none/o.csv", "ecosim run: --csv none/o.csv");
    expect_refused(ECOSIM " run --route afile --plot afile", "ecosim run: --plot afile");
    expect_refused(ECOSIM " compare --route afile --plot afile", "ecosim compare: --plot afile");
    cr_expect(!exists(in_dir("w.json")));
}

/* Issue 14: `ecodrived --replay badhex.log --out out.log` named the bad line but left an
 * empty out.log. */
Test(outfile, ecodrived_replay_leaves_nothing_on_a_bad_log, .init = make_dir, .fini = drop_dir)
{
    FILE *fp = fopen(in_dir("badhex.log"), "w");
    cr_assert_not_null(fp);
    fputs("(0.000000) vcan0 100#E803000000000A5C\n(0.010000) vcan0 101#ZZ\n", fp);
    fclose(fp);
    char out[8192];
    int rc = run(ECODRIVED " --replay badhex.log --out out.log", out, sizeof out, NULL);
    cr_expect_eq(rc, 2, "exit %d: %s", rc, out);
    cr_expect(strstr(out, "badhex.log:2: bad data 'ZZ'"), "%s", out);
    cr_expect(!exists(in_dir("out.log")) && !exists(in_dir("out.log.part")), "out.log left");
    expect_refused(ECODRIVED " --replay badhex.log --out none/out.log",
                   "ecodrived: --out none/out.log: cannot write: folder none");
    /* a log that replays: the output appears, whole, and no temporary is left */
    fp = fopen(in_dir("good.log"), "w");
    cr_assert_not_null(fp);
    fputs("# a comment, then two frames 0.2 s apart (a log without a frame is refused)\n"
          "(0.000000) vcan0 100#E803000000000A5C\n(0.200000) vcan0 100#E803000000000A5C\n",
          fp);
    fclose(fp);
    rc = run(ECODRIVED " --replay good.log --out out.log --controller baseline", out, sizeof out,
             NULL);
    cr_expect_eq(rc, 0, "exit %d: %s", rc, out);
    cr_expect(exists(in_dir("out.log")) && !exists(in_dir("out.log.part")));
}
