/* MPC cost weights from JSON (models/weights/README.md): every key checked, errors name
 * the file and the JSON path. Init time only. */
#include "ecodrive/config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *key;
    size_t offset;
} weight_key;

static const weight_key KEYS[] = {
#define ECO_MPC_WEIGHT(name, balanced) {#name, offsetof(eco_mpc_weights, name)},
#include "ecodrive/weights.def"
};
#define N_KEYS ((int)(sizeof KEYS / sizeof KEYS[0]))

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void allowed_list(char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < N_KEYS && used < n; k++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", k ? ", " : "", KEYS[k].key);
}

/* Index of key in KEYS, or -1: the one lookup the JSON loader and the setter share. */
static int key_index(const char *key)
{
    for (int j = 0; j < N_KEYS; j++)
        if (!strcmp(key, KEYS[j].key))
            return j;
    return -1;
}

static double *field_of(eco_mpc_weights *w, int index)
{
    return (double *)((char *)w + KEYS[index].offset);
}

int eco_cfg_weights_set(eco_mpc_weights *w, const char *key, double value)
{
    int found = key ? key_index(key) : -1;
    if (found < 0) {
        char allowed[512];
        allowed_list(allowed, sizeof allowed);
        eco_set_error("unknown weight '%s' (allowed: %s)", key ? key : "(null)", allowed);
        return ECO_EINVAL;
    }
    if (!isfinite(value) || value < 0.0) {
        eco_set_error("weight %s: must be a finite number >= 0, got %g", key, value);
        return ECO_EINVAL;
    }
    *field_of(w, found) = value;
    return ECO_OK;
}

int eco_cfg_weights_from_json(const cJSON *root, const char *label, eco_mpc_weights *w)
{
    eco_mpc_weights out;
    eco_mpc_weights_default(&out);
    if (!cJSON_IsObject(root)) {
        eco_set_error("%s: $: weights must be a JSON object", label);
        return ECO_EINVAL;
    }
    for (const cJSON *it = root->child; it; it = it->next) {
        const char *k = it->string;
        for (const cJSON *p = root->child; p != it; p = p->next)
            if (strcmp(p->string, k) == 0) {
                eco_set_error("%s: $.%s: duplicate key", label, k);
                return ECO_EINVAL;
            }
        if (!strcmp(k, "name") || !strcmp(k, "description") || ends_with(k, "_note") ||
            ends_with(k, "_source")) {
            if (!cJSON_IsString(it)) {
                eco_set_error("%s: $.%s: must be a string", label, k);
                return ECO_EINVAL;
            }
            continue;
        }
        int found = key_index(k);
        if (found < 0) {
            char allowed[512];
            allowed_list(allowed, sizeof allowed);
            eco_set_error("%s: $.%s: unknown key (allowed: %s, name, description)", label, k,
                          allowed);
            return ECO_EINVAL;
        }
        if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble)) {
            eco_set_error("%s: $.%s: must be a finite number", label, k);
            return ECO_EINVAL;
        }
        if (it->valuedouble < 0.0) {
            eco_set_error("%s: $.%s: must be >= 0, got %g", label, k, it->valuedouble);
            return ECO_EINVAL;
        }
        *field_of(&out, found) = it->valuedouble;
    }
    if (!(out.fuel_per_g > 0.0 || out.tracking_per_kmh2s > 0.0)) {
        eco_set_error("%s: $: fuel_per_g and tracking_per_kmh2s are both zero: nothing to "
                      "optimise",
                      label);
        return ECO_EINVAL;
    }
    *w = out;
    return ECO_OK;
}

int eco_cfg_weights_load(const char *path, eco_mpc_weights *w)
{
    char *text = NULL;
    int rc = eco_read_file(path, NULL, &text, NULL);
    if (rc)
        return rc;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
    if (!root) {
        int line = 1, col = 1;
        for (const char *p = text; end && p < end; p++) {
            if (*p == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        eco_set_error("%s:%d:%d: malformed JSON", path, line, col);
        eco_free(text);
        return ECO_EPARSE;
    }
    const char *base = strrchr(path, '/');
    rc = eco_cfg_weights_from_json(root, base ? base + 1 : path, w);
    cJSON_Delete(root);
    eco_free(text);
    return rc;
}
