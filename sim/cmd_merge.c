/* ecosim merge SHARD.jsonl... --out FILE.jsonl: a campaign's shards joined into exactly the
 * file the unsharded run writes (docs/campaign.md). */
#include "commands.h"
#include "jsonl.h"
#include "report.h"
#include "session.h"

#include <stdio.h>
#include <string.h>

#define NAMED_MAX 8 /* missing shards or cases named in one message */

typedef struct {
    eco_sim_jsonl_head first; /* of the first line read */
    const char *first_file;
    int have_first;
    const char **shard_file; /* shard k -> the file that holds it */
    const char **line;       /* case -> its line */
    int n_files;
    eco_sim_jsonl *files;
} merge_state;

static void merge_usage(FILE *fp)
{
    fprintf(fp, "usage: ecosim merge SHARD.jsonl... --out FILE.jsonl\n"
                "\n"
                "Joins the files of `ecosim campaign --shard K/N` (or `ecosim sweep --shard`)\n"
                "into the file the unsharded run writes, byte for byte. Refuses shards of\n"
                "different campaigns (their hash), a shard given twice, missing shards and\n"
                "shards that did not finish, naming them.\n");
}

/* The first line fixes the campaign; the others must agree. */
static int check_head(merge_state *m, const char *file, const eco_sim_jsonl_line *l,
                      const eco_sim_jsonl_head *h)
{
    if (!m->have_first) {
        m->first = *h;
        m->first_file = file;
        m->have_first = 1;
        m->shard_file = eco_calloc((size_t)h->shard_n, sizeof(char *));
        m->line = eco_calloc((size_t)h->cases, sizeof(char *));
        if (!m->shard_file || !m->line) {
            fprintf(stderr, "ecosim merge: out of memory\n");
            return 1;
        }
    }
    if (strcmp(h->hash, m->first.hash) || h->cases != m->first.cases) {
        fprintf(stderr,
                "ecosim merge: %s:%d: campaign %s, but %s holds campaign %s: shards of "
                "different campaigns\n",
                file, l->line_no, h->hash, m->first_file, m->first.hash);
        return 2;
    }
    if (h->shard_n != m->first.shard_n) {
        fprintf(stderr, "ecosim merge: %s:%d: shard %d/%d, but %s is of %d shards\n", file,
                l->line_no, h->shard_k, h->shard_n, m->first_file, m->first.shard_n);
        return 2;
    }
    return 0;
}

static int take_file(merge_state *m, const char *file, const eco_sim_jsonl *j)
{
    int shard = -1, rc;
    for (int k = 0; k < j->n; k++) {
        const eco_sim_jsonl_line *l = &j->lines[k];
        eco_sim_jsonl_head h;
        if (!l->complete || eco_sim_jsonl_head_of(l->text, &h, NULL)) {
            fprintf(stderr, "ecosim merge: %s:%d: %s (did the shard finish? --resume it)\n", file,
                    l->line_no, l->complete ? eco_last_error() : "the line is cut short");
            return 2;
        }
        if ((rc = check_head(m, file, l, &h)))
            return rc;
        if (shard < 0 && m->shard_file[h.shard_k]) {
            fprintf(stderr, "ecosim merge: shard %d/%d is in both %s and %s\n", h.shard_k,
                    h.shard_n, m->shard_file[h.shard_k], file);
            return 2;
        }
        if ((shard >= 0 && h.shard_k != shard) || h.case_index % h.shard_n != h.shard_k) {
            fprintf(stderr, "ecosim merge: %s:%d: case %d of shard %d/%d in the file of shard %d\n",
                    file, l->line_no, h.case_index, h.shard_k, h.shard_n, shard);
            return 2;
        }
        if (m->line[h.case_index]) {
            fprintf(stderr, "ecosim merge: %s:%d: case %d is there twice\n", file, l->line_no,
                    h.case_index);
            return 2;
        }
        shard = h.shard_k;
        m->shard_file[shard] = file;
        m->line[h.case_index] = l->text;
    }
    return 0;
}

/* Every shard that has cases must be there, and every one of its cases. */
static int check_complete(const merge_state *m)
{
    char named[512] = "";
    size_t used = 0;
    int n = m->first.shard_n, missing = 0;
    for (int k = 0; k < n && k < m->first.cases; k++)
        if (!m->shard_file[k] && missing++ < NAMED_MAX && used < sizeof named)
            used += (size_t)snprintf(named + used, sizeof named - used, "%s%d/%d",
                                     missing > 1 ? ", " : "", k, n);
    if (missing) {
        fprintf(stderr, "ecosim merge: %d shard%s missing: %s%s (campaign %s)\n", missing,
                missing > 1 ? "s" : "", named, missing > NAMED_MAX ? ", ..." : "", m->first.hash);
        return 2;
    }
    for (int i = 0; i < m->first.cases; i++)
        if (!m->line[i]) {
            int k = i % n;
            fprintf(stderr,
                    "ecosim merge: %s (shard %d/%d) lacks case %d: the shard did not "
                    "finish (--resume it)\n",
                    m->shard_file[k], k, n, i);
            return 2;
        }
    return 0;
}

static int write_merged(const merge_state *m, const char *out)
{
    char tmp[4096];
    FILE *fp = eco_sim_file_begin(out, tmp, sizeof tmp);
    if (!fp) {
        fprintf(stderr, "ecosim merge: %s\n", eco_last_error());
        return 1;
    }
    int oom = 0;
    for (int i = 0; i < m->first.cases && !oom; i++) {
        size_t n = strlen(m->line[i]) + 1;
        char *line = eco_malloc(n);
        oom = !line;
        if (line) {
            eco_sim_jsonl_unshard(m->line[i], line, n);
            fprintf(fp, "%s\n", line);
        }
        eco_free(line);
    }
    if (oom) {
        fclose(fp);
        remove(tmp);
        fprintf(stderr, "ecosim merge: out of memory\n");
        return 1;
    }
    if (eco_sim_file_end(fp, tmp, out)) {
        fprintf(stderr, "ecosim merge: %s\n", eco_last_error());
        return 1;
    }
    return 0;
}

static int merge_files(merge_state *m, char **paths, const char *out)
{
    int rc = 0;
    for (int f = 0; f < m->n_files && !rc; f++) {
        if (eco_sim_jsonl_read(paths[f], &m->files[f])) {
            fprintf(stderr, "ecosim merge: %s\n", eco_last_error());
            rc = 2;
        } else {
            rc = take_file(m, paths[f], &m->files[f]);
        }
    }
    if (!rc && !m->have_first) {
        fprintf(stderr, "ecosim merge: the shards hold no line\n");
        rc = 2;
    }
    if (!rc)
        rc = check_complete(m);
    return rc ? rc : write_merged(m, out);
}

int eco_cmd_merge(int argc, char **argv)
{
    static const eco_cli_opt opts[] = {ECO_CLI_CALL("out", eco_cli_text), ECO_CLI_HELP,
                                       ECO_CLI_END};
    static const eco_cli cli = {"merge", merge_usage, opts, NULL};
    const char *out = NULL;
    int rc = eco_cli_parse(&cli, argc, argv, &out);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (!out || optind >= argc) {
        fprintf(stderr, "ecosim merge: shard files and --out FILE.jsonl are required\n");
        merge_usage(stderr);
        return 2;
    }
    if (eco_sim_out_check("merge", "--out", out))
        return 2;
    merge_state m = {.n_files = argc - optind};
    m.files = eco_calloc((size_t)m.n_files, sizeof m.files[0]);
    rc = m.files ? merge_files(&m, argv + optind, out) : 1;
    for (int f = 0; m.files && f < m.n_files; f++)
        eco_sim_jsonl_free(&m.files[f]);
    eco_free(m.files);
    eco_free(m.shard_file);
    eco_free(m.line);
    return rc;
}
