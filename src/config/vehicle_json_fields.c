/* The vehicle loader's field readers: typed getters for a cJSON member that name the JSON path
 * ("FILE: $.gearbox.ratios[2]: ...") in every error. See vehicle_json_internal.h. */
#include "vehicle_json_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* "FILE: $.path.key: message". key may be NULL (the path itself) or "[i]". */
int eco_cfg_json_err(eco_cfg_json_ctx *c, int rc, const char *key, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *sep = !key || key[0] == '[' ? "" : ".";
    eco_set_error("%s: %s%s%s: %s", c->file, c->path, sep, key ? key : "", msg);
    return rc;
}

size_t eco_cfg_path_push(eco_cfg_json_ctx *c, const char *key)
{
    size_t n = strlen(c->path);
    snprintf(c->path + n, sizeof c->path - n, "%s%s", key[0] == '[' ? "" : ".", key);
    return n;
}

void eco_cfg_path_pop(eco_cfg_json_ctx *c, size_t n)
{
    c->path[n] = '\0';
}

const char *eco_cfg_json_type_name(const cJSON *j)
{
    if (cJSON_IsNumber(j))
        return "a number";
    if (cJSON_IsString(j))
        return "a string";
    if (cJSON_IsBool(j))
        return "a boolean";
    if (cJSON_IsNull(j))
        return "null";
    if (cJSON_IsArray(j))
        return "an array";
    return "an object";
}

const char *eco_cfg_next_word(const char *p, char *word, size_t n)
{
    p += strspn(p, " ");
    if (!*p)
        return NULL;
    size_t w = strcspn(p, " ");
    snprintf(word, n, "%.*s", (int)w, p);
    return p + w;
}

int eco_cfg_in_list(const char *list, const char *k)
{
    size_t n = strlen(k);
    for (const char *p = list; *(p += strspn(p, " "));) {
        size_t w = strcspn(p, " ");
        if (w == n && strncmp(p, k, n) == 0)
            return 1;
        p += w;
    }
    return 0;
}

/* Every key must be allowed, or "<allowed>_source", "_source", "_note" (strings). */
int eco_cfg_check_keys(eco_cfg_json_ctx *c, const cJSON *obj, const char *allowed)
{
    for (const cJSON *it = obj->child; it; it = it->next) {
        const char *k = it->string;
        for (const cJSON *p = obj->child; p != it; p = p->next)
            if (strcmp(p->string, k) == 0)
                return eco_cfg_json_err(c, ECO_EINVAL, k, "duplicate key");
        if (eco_cfg_in_list(allowed, k))
            continue;
        size_t n = strlen(k);
        int doc = strcmp(k, "_source") == 0 || strcmp(k, "_note") == 0;
        if (!doc && n > 7 && strcmp(k + n - 7, "_source") == 0 && n - 7 < 64) {
            char base[64];
            memcpy(base, k, n - 7);
            base[n - 7] = '\0';
            doc = eco_cfg_in_list(allowed, base);
        }
        if (!doc) {
            char list[256] = "", word[64];
            for (const char *a = allowed; (a = eco_cfg_next_word(a, word, sizeof word));) {
                size_t l = strlen(list);
                snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "", word);
            }
            return eco_cfg_json_err(c, ECO_EINVAL, k, "unknown key (allowed here: %s)", list);
        }
        if (!cJSON_IsString(it))
            return eco_cfg_json_err(c, ECO_EINVAL, k, "a source or note must be a string, got %s",
                                    eco_cfg_json_type_name(it));
    }
    return ECO_OK;
}

const cJSON *eco_cfg_item(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

int eco_cfg_any(const cJSON *o, const char *keys)
{
    char key[64];
    for (const char *k = keys; *k;) {
        size_t n = strcspn(k, " ");
        if (n > 0 && n < sizeof key) {
            memcpy(key, k, n);
            key[n] = '\0';
            if (eco_cfg_item(o, key))
                return 1;
        }
        k += n + (k[n] == ' ');
    }
    return 0;
}

int eco_cfg_opt_num(eco_cfg_json_ctx *c, const cJSON *o, const char *key, double *v, int *present)
{
    const cJSON *j = eco_cfg_item(o, key);
    *present = j != NULL;
    if (!j)
        return ECO_OK;
    if (!cJSON_IsNumber(j) || !isfinite(j->valuedouble))
        return eco_cfg_json_err(c, ECO_EINVAL, key, "must be a number, got %s",
                                eco_cfg_json_type_name(j));
    *v = j->valuedouble;
    return ECO_OK;
}

int eco_cfg_req_num(eco_cfg_json_ctx *c, const cJSON *o, const char *key, double *v)
{
    int present;
    int rc = eco_cfg_opt_num(c, o, key, v, &present);
    if (!rc && !present)
        return eco_cfg_json_err(c, ECO_EINVAL, key, "missing required field (a number)");
    return rc;
}

/* A range condition: ok is the test, cond the text ("> 0"). */
int eco_cfg_want(eco_cfg_json_ctx *c, const char *key, double v, int ok, const char *cond)
{
    return ok ? ECO_OK : eco_cfg_json_err(c, ECO_EINVAL, key, "must be %s, got %g", cond, v);
}

int eco_cfg_req_pos(eco_cfg_json_ctx *c, const cJSON *o, const char *key, double *v)
{
    int rc = eco_cfg_req_num(c, o, key, v);
    return rc ? rc : eco_cfg_want(c, key, *v, *v > 0.0, "> 0");
}

int eco_cfg_req_frac(eco_cfg_json_ctx *c, const cJSON *o, const char *key, double *v)
{
    int rc = eco_cfg_req_num(c, o, key, v);
    return rc ? rc : eco_cfg_want(c, key, *v, *v > 0.0 && *v <= 1.0, "in (0, 1]");
}

/* The required member key of o, of the type is() accepts: else "missing required field
 * (<missing>)" or "must be <must>, got <type>". */
static int req_typed(eco_cfg_json_ctx *c, const cJSON *o, const char *key,
                     cJSON_bool (*is)(const cJSON *), const char *missing, const char *must,
                     const cJSON **out)
{
    const cJSON *j = eco_cfg_item(o, key);
    if (!j)
        return eco_cfg_json_err(c, ECO_EINVAL, key, "missing required field (%s)", missing);
    if (!is(j))
        return eco_cfg_json_err(c, ECO_EINVAL, key, "must be %s, got %s", must,
                                eco_cfg_json_type_name(j));
    *out = j;
    return ECO_OK;
}

int eco_cfg_req_obj(eco_cfg_json_ctx *c, const cJSON *o, const char *key, const cJSON **out)
{
    return req_typed(c, o, key, cJSON_IsObject, "an object", "an object", out);
}

int eco_cfg_section(eco_cfg_json_ctx *c, const cJSON *o, const char *key, const char *allowed,
                    const cJSON **out, size_t *mark)
{
    int rc = eco_cfg_req_obj(c, o, key, out);
    if (rc)
        return rc;
    *mark = eco_cfg_path_push(c, key);
    if ((rc = eco_cfg_check_keys(c, *out, allowed)))
        eco_cfg_path_pop(c, *mark);
    return rc;
}

int eco_cfg_forbid(eco_cfg_json_ctx *c, const cJSON *o, const char *key, const char *why)
{
    return eco_cfg_item(o, key)
               ? eco_cfg_json_err(c, ECO_EINVAL, key, "not used %s; remove it", why)
               : ECO_OK;
}

/* Error msg at element i of array key: "$.path.key[i]: msg". */
static int elem_msg(eco_cfg_json_ctx *c, const char *key, int i, const char *msg)
{
    size_t m = eco_cfg_path_push(c, key);
    char idx[16];
    snprintf(idx, sizeof idx, "[%d]", i);
    int rc = eco_cfg_json_err(c, ECO_EINVAL, idx, "%s", msg);
    eco_cfg_path_pop(c, m);
    return rc;
}

int eco_cfg_num_array(eco_cfg_json_ctx *c, const cJSON *o, const char *key, int nmin, int nmax,
                      double *out, int *n)
{
    const cJSON *a = NULL;
    int rc = req_typed(c, o, key, cJSON_IsArray, "an array of numbers", "an array of numbers", &a);
    if (rc)
        return rc;
    int k = cJSON_GetArraySize(a);
    if (k < nmin || k > nmax)
        return eco_cfg_json_err(c, ECO_EINVAL, key, "needs %d..%d numbers, has %d", nmin, nmax, k);
    int i = 0;
    for (const cJSON *e = a->child; e; e = e->next, i++) {
        if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble)) {
            char msg[64];
            snprintf(msg, sizeof msg, "must be a number, got %s", eco_cfg_json_type_name(e));
            return elem_msg(c, key, i, msg);
        }
        out[i] = e->valuedouble;
    }
    *n = k;
    return ECO_OK;
}

int eco_cfg_elem_err(eco_cfg_json_ctx *c, const char *key, int i, const char *cond, double v)
{
    char msg[384];
    snprintf(msg, sizeof msg, "must be %s, got %g", cond, v);
    return elem_msg(c, key, i, msg);
}

/* {"<xk>": [...], "<yk>": [...]} with x strictly increasing; scaled to SI. */
int eco_cfg_curve(eco_cfg_json_ctx *c, const cJSON *o, const char *key, const char *xk,
                  const char *yk, double xs, double ys, eco_curve *out)
{
    const cJSON *j = NULL;
    char keys[128];
    size_t m;
    snprintf(keys, sizeof keys, "%s %s", xk, yk);
    int rc = eco_cfg_section(c, o, key, keys, &j, &m), nx = 0, ny = 0;
    if (rc)
        return rc;
    if ((rc = eco_cfg_num_array(c, j, xk, 1, ECO_CURVE_MAX, out->x, &nx)) ||
        (rc = eco_cfg_num_array(c, j, yk, 1, ECO_CURVE_MAX, out->y, &ny)))
        goto done;
    if (nx != ny) {
        rc = eco_cfg_json_err(c, ECO_EINVAL, yk, "has %d values but %s has %d", ny, xk, nx);
        goto done;
    }
    for (int i = 1; i < nx; i++)
        if (!(out->x[i] > out->x[i - 1])) {
            char cond[64];
            snprintf(cond, sizeof cond, "> the previous value %g", out->x[i - 1]);
            rc = eco_cfg_elem_err(c, xk, i, cond, out->x[i]);
            goto done;
        }
    for (int i = 0; i < nx; i++) {
        out->x[i] *= xs;
        out->y[i] *= ys;
    }
    out->n = nx;
done:
    eco_cfg_path_pop(c, m);
    return rc;
}

int eco_cfg_either(eco_cfg_json_ctx *c, int first, int second, const char *what)
{
    if (first != second)
        return ECO_OK;
    return eco_cfg_json_err(c, ECO_EINVAL, NULL, "give either %s%s", what,
                            first ? ", not both" : "");
}

static cJSON_bool is_nonempty_string(const cJSON *j)
{
    return cJSON_IsString(j) && j->valuestring[0];
}

int eco_cfg_req_string(eco_cfg_json_ctx *c, const cJSON *o, const char *key, const char **s)
{
    const cJSON *j = NULL;
    int rc = req_typed(c, o, key, is_nonempty_string, "a string", "a non-empty string", &j);
    if (!rc)
        *s = j->valuestring;
    return rc;
}

int eco_cfg_req_bool(eco_cfg_json_ctx *c, const cJSON *o, const char *key, int *v)
{
    const cJSON *j = NULL;
    int rc = req_typed(c, o, key, cJSON_IsBool, "true or false", "true or false", &j);
    if (!rc)
        *v = cJSON_IsTrue(j);
    return rc;
}
