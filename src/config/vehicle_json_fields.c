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

int eco_cfg_in_list(const char *const *list, const char *k)
{
    for (; *list; list++)
        if (strcmp(*list, k) == 0)
            return 1;
    return 0;
}

/* Every key must be allowed, or "<allowed>_source", "_source", "_note" (strings). */
int eco_cfg_check_keys(eco_cfg_json_ctx *c, const cJSON *obj, const char *const *allowed)
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
            char list[256] = "";
            for (const char *const *a = allowed; *a; a++) {
                size_t l = strlen(list);
                snprintf(list + l, sizeof list - l, "%s%s", l ? ", " : "", *a);
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

int eco_cfg_req_obj(eco_cfg_json_ctx *c, const cJSON *o, const char *key, const cJSON **out)
{
    const cJSON *j = eco_cfg_item(o, key);
    if (!j)
        return eco_cfg_json_err(c, ECO_EINVAL, key, "missing required field (an object)");
    if (!cJSON_IsObject(j))
        return eco_cfg_json_err(c, ECO_EINVAL, key, "must be an object, got %s",
                                eco_cfg_json_type_name(j));
    *out = j;
    return ECO_OK;
}

int eco_cfg_forbid(eco_cfg_json_ctx *c, const cJSON *o, const char *key, const char *why)
{
    return eco_cfg_item(o, key)
               ? eco_cfg_json_err(c, ECO_EINVAL, key, "not used %s; remove it", why)
               : ECO_OK;
}

int eco_cfg_num_array(eco_cfg_json_ctx *c, const cJSON *o, const char *key, int nmin, int nmax,
                      double *out, int *n)
{
    const cJSON *a = eco_cfg_item(o, key);
    if (!a)
        return eco_cfg_json_err(c, ECO_EINVAL, key, "missing required field (an array of numbers)");
    if (!cJSON_IsArray(a))
        return eco_cfg_json_err(c, ECO_EINVAL, key, "must be an array of numbers, got %s",
                                eco_cfg_json_type_name(a));
    int k = cJSON_GetArraySize(a);
    if (k < nmin || k > nmax)
        return eco_cfg_json_err(c, ECO_EINVAL, key, "needs %d..%d numbers, has %d", nmin, nmax, k);
    int i = 0;
    for (const cJSON *e = a->child; e; e = e->next, i++) {
        if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble)) {
            size_t m = eco_cfg_path_push(c, key);
            char idx[16];
            snprintf(idx, sizeof idx, "[%d]", i);
            int rc = eco_cfg_json_err(c, ECO_EINVAL, idx, "must be a number, got %s",
                                      eco_cfg_json_type_name(e));
            eco_cfg_path_pop(c, m);
            return rc;
        }
        out[i] = e->valuedouble;
    }
    *n = k;
    return ECO_OK;
}

/* Error at element i of array key. */
int eco_cfg_elem_err(eco_cfg_json_ctx *c, const char *key, int i, const char *cond, double v)
{
    size_t m = eco_cfg_path_push(c, key);
    char idx[16];
    snprintf(idx, sizeof idx, "[%d]", i);
    int rc = eco_cfg_json_err(c, ECO_EINVAL, idx, "must be %s, got %g", cond, v);
    eco_cfg_path_pop(c, m);
    return rc;
}

/* {"<xk>": [...], "<yk>": [...]} with x strictly increasing; scaled to SI. */
int eco_cfg_curve(eco_cfg_json_ctx *c, const cJSON *o, const char *key, const char *xk,
                  const char *yk, double xs, double ys, eco_curve *out)
{
    const cJSON *j = NULL;
    int rc = eco_cfg_req_obj(c, o, key, &j);
    if (rc)
        return rc;
    size_t m = eco_cfg_path_push(c, key);
    const char *const keys[] = {xk, yk, NULL};
    int nx = 0, ny = 0;
    if ((rc = eco_cfg_check_keys(c, j, keys)) ||
        (rc = eco_cfg_num_array(c, j, xk, 1, ECO_CURVE_MAX, out->x, &nx)) ||
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

int eco_cfg_req_string(eco_cfg_json_ctx *c, const cJSON *o, const char *key, const char **s)
{
    const cJSON *j = eco_cfg_item(o, key);
    if (!j)
        return eco_cfg_json_err(c, ECO_EINVAL, key, "missing required field (a string)");
    if (!cJSON_IsString(j) || !j->valuestring[0])
        return eco_cfg_json_err(c, ECO_EINVAL, key, "must be a non-empty string, got %s",
                                eco_cfg_json_type_name(j));
    *s = j->valuestring;
    return ECO_OK;
}

int eco_cfg_req_bool(eco_cfg_json_ctx *c, const cJSON *o, const char *key, int *v)
{
    const cJSON *j = eco_cfg_item(o, key);
    if (!j)
        return eco_cfg_json_err(c, ECO_EINVAL, key, "missing required field (true or false)");
    if (!cJSON_IsBool(j))
        return eco_cfg_json_err(c, ECO_EINVAL, key, "must be true or false, got %s",
                                eco_cfg_json_type_name(j));
    *v = cJSON_IsTrue(j);
    return ECO_OK;
}
