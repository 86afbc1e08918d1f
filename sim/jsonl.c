/* JSONL files of campaigns (jsonl.h). */
#include "jsonl.h"

#include <stdio.h>
#include <string.h>

int eco_sim_jsonl_read(const char *path, eco_sim_jsonl *out)
{
    memset(out, 0, sizeof *out);
    size_t len = 0;
    int rc = eco_read_file(path, NULL, &out->buf, &len);
    if (rc)
        return rc;
    int cap = 0;
    for (size_t pos = 0, line_no = 1; pos < len; line_no++) {
        char *nl = memchr(out->buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - out->buf) : len;
        if (end > pos) {
            if (out->n == cap) {
                cap = cap ? 2 * cap : 256;
                eco_sim_jsonl_line *grown = eco_realloc(out->lines, sizeof grown[0] * (size_t)cap);
                if (!grown) {
                    eco_sim_jsonl_free(out);
                    eco_set_error("%s: out of memory", path);
                    return ECO_ENOMEM;
                }
                out->lines = grown;
            }
            out->buf[end] = '\0';
            out->lines[out->n++] = (eco_sim_jsonl_line){out->buf + pos, end - pos, (long)pos,
                                                        (int)line_no, nl != NULL};
        }
        pos = end + 1;
    }
    return ECO_OK;
}

void eco_sim_jsonl_free(eco_sim_jsonl *j)
{
    eco_free(j->buf);
    eco_free(j->lines);
    memset(j, 0, sizeof *j);
}

int eco_sim_jsonl_head_of(const char *text, eco_sim_jsonl_head *h, cJSON **root)
{
    cJSON *o = cJSON_Parse(text);
    if (root)
        *root = NULL;
    if (!o) {
        eco_set_error("not JSON (cut short?)");
        return ECO_EPARSE;
    }
    const cJSON *hash = cJSON_GetObjectItemCaseSensitive(o, "campaign");
    const cJSON *shard = cJSON_GetObjectItemCaseSensitive(o, "shard");
    const cJSON *cs = cJSON_GetObjectItemCaseSensitive(o, "case");
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "cases");
    memset(h, 0, sizeof *h);
    h->shard_n = 1;
    int ok = cJSON_IsString(hash) && strlen(hash->valuestring) == ECO_CAMPAIGN_HASH_CHARS - 1 &&
             cJSON_IsNumber(cs) && cJSON_IsNumber(n) && cs->valueint >= 0 &&
             cs->valueint < n->valueint;
    if (ok && shard)
        ok = cJSON_IsString(shard) &&
             sscanf(shard->valuestring, "%d/%d", &h->shard_k, &h->shard_n) == 2 && h->shard_n > 1 &&
             h->shard_k >= 0 && h->shard_k < h->shard_n;
    if (!ok) {
        cJSON_Delete(o);
        eco_set_error("not a campaign line (no campaign, case and cases)");
        return ECO_EPARSE;
    }
    snprintf(h->hash, sizeof h->hash, "%s", hash->valuestring);
    h->case_index = cs->valueint;
    h->cases = n->valueint;
    if (root)
        *root = o;
    else
        cJSON_Delete(o);
    return ECO_OK;
}

void eco_sim_jsonl_unshard(const char *text, char *out, size_t n)
{
    /* {"campaign":"<16 hex>", is 29 characters; the shard member follows it */
    const size_t head = 2 + 8 + 3 + (ECO_CAMPAIGN_HASH_CHARS - 1) + 2;
    const char *member = text + head;
    if (strlen(text) > head && !strncmp(member, "\"shard\":\"", 9)) {
        const char *end = strstr(member + 9, "\",");
        if (end) {
            snprintf(out, n, "%.*s%s", (int)head, text, end + 2);
            return;
        }
    }
    snprintf(out, n, "%s", text);
}
