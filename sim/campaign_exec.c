/* A campaign's shard through the worker pool into its JSONL (campaign_exec.h). */
#include "campaign_exec.h"

#include "campaign_pool.h"
#include "controllers.h"
#include "jsonl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Job kinds besides a case index (>= 0). */
#define JOB_REFERENCE (-1) /* the baseline run of a vehicle and cycle, for the savings */
#define JOB_EXTRA     (-2)

typedef struct {
    const eco_campaign_exec *x;
    int n_jobs;
    eco_campaign_case *job_case;
    int *job_kind; /* a case index, JOB_REFERENCE or JOB_EXTRA */
    int *job_slot; /* a reference's pair (vehicle * cycles + cycle), an extra's index */
    eco_campaign_result *refs;
    int *have_ref;
    int n_pos;     /* the shard's cases */
    int *pos_case; /* position -> case index */
    char **kept;   /* position -> the line already in the file, or NULL */
    int next_pos;  /* the next position whose line the file lacks */
    int *case_pos; /* case index -> position, -1 outside the shard */
    FILE *out;
    char tmp[4096]; /* out's temporary name when the file is rewritten whole */
} exec_state;

int eco_campaign_default_jobs(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus < 1 ? 1 : cpus > ECO_POOL_WORKERS_MAX ? ECO_POOL_WORKERS_MAX : (int)cpus;
}

static int pair_of(const eco_campaign *c, const eco_campaign_case *cs)
{
    return cs->vehicle * c->n_cycles + cs->cycle;
}

static int run_job(void *ctx, int job, void *result)
{
    exec_state *s = ctx;
    return eco_campaign_run_case(s->x->c, &s->job_case[job], result);
}

static int write_line(exec_state *s, const char *text)
{
    if (fputs(text, s->out) < 0 || fputc('\n', s->out) < 0 || fflush(s->out)) {
        fprintf(stderr, "ecosim %s: cannot write %s: %s\n", s->x->what,
                s->x->out_path ? s->x->out_path : "stdout", strerror(errno));
        return 1;
    }
    return 0;
}

/* The kept lines up to (not including) position end. */
static int write_kept(exec_state *s, int end)
{
    for (; s->next_pos < end; s->next_pos++)
        if (s->kept[s->next_pos] && write_line(s, s->kept[s->next_pos]))
            return 1;
    return 0;
}

static int take_case(exec_state *s, int i, const eco_campaign_result *r)
{
    const eco_campaign *c = s->x->c;
    int pair = pair_of(c, &c->cases[i]);
    if (c->cases[i].controller == ECO_CAMPAIGN_BASELINE && !s->have_ref[pair]) {
        s->refs[pair] = *r; /* the baseline case is its own reference */
        s->have_ref[pair] = 1;
    }
    const eco_campaign_result *base = s->have_ref[pair] ? &s->refs[pair] : NULL;
    if (s->x->on_case)
        s->x->on_case(s->x->on_case_ctx, i, r, base);
    if (!s->out)
        return 0;
    int pos = s->case_pos[i];
    char *line = eco_campaign_line(c, &s->x->shard, i, r, base);
    int rc = !line || write_kept(s, pos) || write_line(s, line);
    eco_free(line);
    s->next_pos = pos + 1;
    return rc;
}

static int take_job(void *ctx, int job, int rc, const void *result)
{
    exec_state *s = ctx;
    if (rc)
        return 1; /* the worker said why */
    if (s->job_kind[job] == JOB_REFERENCE) {
        s->refs[s->job_slot[job]] = *(const eco_campaign_result *)result;
        s->have_ref[s->job_slot[job]] = 1;
        return 0;
    }
    if (s->job_kind[job] == JOB_EXTRA) {
        s->x->extra_results[s->job_slot[job]] = *(const eco_campaign_result *)result;
        return 0;
    }
    return take_case(s, s->job_kind[job], result);
}

static void add_job(exec_state *s, const eco_campaign_case *cs, int kind, int slot)
{
    s->job_case[s->n_jobs] = *cs;
    s->job_kind[s->n_jobs] = kind;
    s->job_slot[s->n_jobs++] = slot;
}

/* References first (a pair whose first case to run is its baseline case needs none), then
 * the extras, then the cases to run in order. */
static void plan_jobs(exec_state *s)
{
    const eco_campaign *c = s->x->c;
    int n_pairs = c->n_vehicles * c->n_cycles;
    for (int p = 0; p < n_pairs; p++)
        s->have_ref[p] = 0; /* here: the pair is planned */
    for (int pos = 0; pos < s->n_pos; pos++) {
        int i = s->pos_case[pos], pair = pair_of(c, &c->cases[i]);
        if (s->kept[pos] || s->have_ref[pair])
            continue;
        s->have_ref[pair] = 1;
        if (c->cases[i].controller != ECO_CAMPAIGN_BASELINE)
            add_job(s,
                    &(eco_campaign_case){c->cases[i].vehicle, c->cases[i].cycle,
                                         ECO_CAMPAIGN_BASELINE, -1},
                    JOB_REFERENCE, pair);
    }
    for (int p = 0; p < n_pairs; p++)
        s->have_ref[p] = 0; /* from here: the reference has been taken */
    for (int e = 0; e < s->x->n_extra; e++)
        add_job(s, &s->x->extra[e], JOB_EXTRA, e);
    for (int pos = 0; pos < s->n_pos; pos++)
        if (!s->kept[pos])
            add_job(s, &s->x->c->cases[s->pos_case[pos]], s->pos_case[pos], 0);
}

/* One line of the file being resumed: kept if it is one of this shard's cases; a last line
 * cut short is left to be run again. Returns 0, or 2 after the message. */
static int keep_line(exec_state *s, const eco_sim_jsonl_line *l, int last)
{
    const eco_campaign *c = s->x->c;
    const char *path = s->x->out_path;
    eco_sim_jsonl_head h;
    if (!l->complete || eco_sim_jsonl_head_of(l->text, &h, NULL)) {
        if (last) {
            fprintf(stderr, "ecosim %s: %s:%d: the last line is cut short; its case runs again\n",
                    s->x->what, path, l->line_no);
            return 0;
        }
        fprintf(stderr, "ecosim %s: %s:%d: %s\n", s->x->what, path, l->line_no, eco_last_error());
        return 2;
    }
    if (strcmp(h.hash, c->hash) || h.cases != c->n_cases) {
        fprintf(stderr,
                "ecosim %s: %s:%d: a line of campaign %s, not of this one (%s): resume only "
                "the same campaign\n",
                s->x->what, path, l->line_no, h.hash, c->hash);
        return 2;
    }
    int n = s->x->shard.n, pos = s->case_pos[h.case_index];
    if (h.shard_n != n || (n > 1 && h.shard_k != s->x->shard.k) || pos < 0) {
        fprintf(stderr, "ecosim %s: %s:%d: case %d of shard %d/%d, not of this run's shard %d/%d\n",
                s->x->what, path, l->line_no, h.case_index, h.shard_k, h.shard_n, s->x->shard.k, n);
        return 2;
    }
    if (s->kept[pos]) {
        fprintf(stderr, "ecosim %s: %s:%d: case %d is there twice\n", s->x->what, path, l->line_no,
                h.case_index);
        return 2;
    }
    s->kept[pos] = l->text;
    return 0;
}

/* Open the output: for a resume that kept a run of whole lines from the first case, cut the
 * file after them and append; with gaps, write the file anew beside it and rename it at the
 * end (the old one stays whole if this run is stopped). */
static int open_out(exec_state *s, const eco_sim_jsonl *old)
{
    const char *path = s->x->out_path;
    int prefix = 0;
    long end = 0;
    while (prefix < s->n_pos && s->kept[prefix])
        prefix++;
    for (int k = 0; k < old->n && prefix > 0; k++)
        if (old->lines[k].text == s->kept[prefix - 1])
            end = old->lines[k].offset + (long)old->lines[k].len + 1;
    int gaps = 0;
    for (int pos = prefix; pos < s->n_pos; pos++)
        gaps |= s->kept[pos] != NULL;
    if (gaps) {
        snprintf(s->tmp, sizeof s->tmp, "%s.part", path);
        s->out = fopen(s->tmp, "w");
    } else if (prefix > 0) {
        s->out = fopen(path, "r+");
        if (s->out && (ftruncate(fileno(s->out), end) || fseek(s->out, end, SEEK_SET))) {
            fclose(s->out);
            s->out = NULL;
        }
        s->next_pos = prefix;
    } else {
        s->out = fopen(path, "w");
    }
    if (!s->out) {
        fprintf(stderr, "ecosim %s: cannot write %s: %s\n", s->x->what, path, strerror(errno));
        return 1;
    }
    return 0;
}

static int finish_out(exec_state *s, int rc)
{
    if (!s->out || s->out == stdout)
        return rc;
    if (!rc)
        rc = write_kept(s, s->n_pos);
    if (fclose(s->out) && !rc) {
        fprintf(stderr, "ecosim %s: cannot write %s: %s\n", s->x->what, s->x->out_path,
                strerror(errno));
        rc = 1;
    }
    if (s->tmp[0] && !rc && rename(s->tmp, s->x->out_path)) {
        fprintf(stderr, "ecosim %s: cannot rename %s: %s\n", s->x->what, s->tmp, strerror(errno));
        rc = 1;
    }
    return rc;
}

static int alloc_state(exec_state *s)
{
    const eco_campaign *c = s->x->c;
    size_t pairs = (size_t)(c->n_vehicles * c->n_cycles), cases = (size_t)c->n_cases;
    size_t jobs = cases + pairs + (size_t)s->x->n_extra;
    s->job_case = eco_malloc(sizeof s->job_case[0] * jobs);
    s->job_kind = eco_malloc(sizeof(int) * jobs);
    s->job_slot = eco_malloc(sizeof(int) * jobs);
    s->refs = eco_calloc(pairs, sizeof s->refs[0]);
    s->have_ref = eco_calloc(pairs, sizeof(int));
    s->pos_case = eco_malloc(sizeof(int) * cases);
    s->case_pos = eco_malloc(sizeof(int) * cases);
    s->kept = eco_calloc(cases, sizeof(char *));
    if (!s->job_case || !s->job_kind || !s->job_slot || !s->refs || !s->have_ref || !s->pos_case ||
        !s->case_pos || !s->kept) {
        fprintf(stderr, "ecosim %s: out of memory\n", s->x->what);
        return 1;
    }
    for (int i = 0; i < c->n_cases; i++) {
        s->case_pos[i] = -1;
        if (i % s->x->shard.n == s->x->shard.k) {
            s->case_pos[i] = s->n_pos;
            s->pos_case[s->n_pos++] = i;
        }
    }
    return 0;
}

static void free_state(exec_state *s)
{
    void *own[] = {s->job_case, s->job_kind, s->job_slot, s->refs,
                   s->have_ref, s->pos_case, s->case_pos, s->kept};
    eco_campaign_free_each(own, sizeof own / sizeof own[0]);
}

static int read_old(exec_state *s, eco_sim_jsonl *old)
{
    if (access(s->x->out_path, F_OK))
        return 0; /* nothing to resume */
    if (eco_sim_jsonl_read(s->x->out_path, old)) {
        fprintf(stderr, "ecosim %s: %s\n", s->x->what, eco_last_error());
        return 1;
    }
    for (int k = 0; k < old->n; k++)
        if (keep_line(s, &old->lines[k], k == old->n - 1))
            return 2;
    return 0;
}

void eco_campaign_warm_tables(const eco_campaign *c, const eco_campaign_case *cases, int n,
                              int jobs)
{
    for (int v = 0; v < c->n_vehicles && jobs > 1; v++) {
        int mpc = 0;
        for (int j = 0; j < n && !mpc; j++)
            mpc = cases[j].vehicle == v && cases[j].controller == ECO_CAMPAIGN_MPC;
        eco_controller *ctl = mpc ? eco_sim_mpc_create(&c->vehicles[v], c->sim.dt_s, NULL) : NULL;
        if (ctl)
            ctl->destroy(ctl);
    }
}

static int run_planned(exec_state *s)
{
    eco_campaign_warm_tables(s->x->c, s->job_case, s->n_jobs, s->x->jobs);
    eco_sim_progress progress;
    eco_sim_progress_begin(&progress, s->x->what, s->n_jobs, s->x->quiet);
    eco_sim_pool pool = {s->n_jobs, s->x->jobs, sizeof(eco_campaign_result), run_job, take_job,
                         s,         &progress};
    int rc = eco_sim_pool_run(&pool);
    eco_sim_progress_end(&progress);
    return rc;
}

int eco_campaign_execute(const eco_campaign_exec *x)
{
    exec_state s = {.x = x};
    eco_sim_jsonl old = {0};
    int rc = alloc_state(&s);
    if (!rc && x->resume && x->out_path)
        rc = read_old(&s, &old);
    if (!rc && !x->no_lines)
        rc = x->out_path ? open_out(&s, &old) : (s.out = stdout, 0);
    if (!rc) {
        plan_jobs(&s);
        rc = run_planned(&s);
    }
    rc = finish_out(&s, rc);
    if (rc && s.tmp[0])
        remove(s.tmp);
    eco_sim_jsonl_free(&old);
    free_state(&s);
    return rc;
}
