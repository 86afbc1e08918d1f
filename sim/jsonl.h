/* Reading the JSONL files campaigns write: lines, whether the last one was cut short, and
 * each line's head (the campaign's hash, the shard, the case). */
#ifndef ECOSIM_JSONL_H
#define ECOSIM_JSONL_H

#include "campaign.h"

#include <stddef.h>

typedef struct {
    char *text; /* NUL-terminated, without the newline */
    size_t len;
    long offset;  /* of the line in the file */
    int line_no;  /* from 1 */
    int complete; /* it ended with a newline */
} eco_sim_jsonl_line;

typedef struct {
    char *buf;
    eco_sim_jsonl_line *lines;
    int n;
} eco_sim_jsonl;

/* Read a whole JSONL file (empty lines are skipped). ECO_OK; ECO_ENOENT, ECO_EIO, ECO_ENOMEM
 * with eco_last_error. */
int eco_sim_jsonl_read(const char *path, eco_sim_jsonl *out);
void eco_sim_jsonl_free(eco_sim_jsonl *j);

/* The head of a campaign line (eco_campaign_line). shard_n is 1 when the line has none. */
typedef struct {
    char hash[ECO_CAMPAIGN_HASH_CHARS];
    int shard_k, shard_n;
    int case_index, cases;
} eco_sim_jsonl_head;

/* Parse a line as JSON and read its head: ECO_OK, or ECO_EPARSE (not JSON, or not a campaign
 * line) with eco_last_error saying which. If root is not NULL it gets the parsed line (the
 * caller deletes it). */
int eco_sim_jsonl_head_of(const char *text, eco_sim_jsonl_head *h, cJSON **root);

/* The line without its "shard" member, as the unsharded run writes it: a shard's line starts
 * {"campaign":"H","shard":"K/N",... and loses exactly that member. Writes into out (n bytes,
 * at least strlen(text) + 1). */
void eco_sim_jsonl_unshard(const char *text, char *out, size_t n);

#endif
