/* ecosim campaign FILE.json: the file read, every key and value checked and every car and
 * cycle loaded before any run; errors name the file and the JSON path (docs/campaign.md). */
#include "campaign_spec.h"

#include "campaign_weights.h"
#include "controllers.h"
#include "paths.h"

#include "ecodrive/config.h"

#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const TOP_KEYS[] = {"name",   "description", "vehicles",     "cycles",
                                       "routes", "controllers", "presets",      "base_weights",
                                       "band",   "dt_s",        "start_fuel_g", "weights"};
#define N_TOP_KEYS ((int)(sizeof TOP_KEYS / sizeof TOP_KEYS[0]))

void eco_campaign_spec_error(const eco_campaign_spec *s, const char *path, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "ecosim campaign: %s: %s: %s\n", s->label, path, msg);
}

void eco_campaign_spec_format(char *out, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, n, fmt, ap);
    va_end(ap);
}

int eco_campaign_spec_keys(const eco_campaign_spec *s, const cJSON *o, const char *path,
                           const char *const *allowed, int n)
{
    char list[512] = "";
    size_t used = 0;
    for (int k = 0; k < n && used < sizeof list; k++)
        used +=
            (size_t)snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "", allowed[k]);
    for (const cJSON *it = o->child; it; it = it->next) {
        int known = 0;
        for (int k = 0; k < n && !known; k++)
            known = !strcmp(it->string, allowed[k]);
        for (const cJSON *p = o->child; known && p != it; p = p->next)
            if (!strcmp(p->string, it->string)) {
                eco_campaign_spec_error(s, path, "duplicate key '%s'", it->string);
                return 2;
            }
        if (!known) {
            eco_campaign_spec_error(s, path, "unknown key '%s' (allowed: %s)", it->string, list);
            return 2;
        }
    }
    return 0;
}

/* A relative path in the file is relative to the file's directory. */
void eco_campaign_spec_path(const eco_campaign_spec *s, const char *p, char *out, size_t n)
{
    int w = p[0] == '/' ? snprintf(out, n, "%s", p) : snprintf(out, n, "%s/%s", s->dir, p);
    if (w < 0 || (size_t)w >= n)
        snprintf(out, n, "%s", p); /* too long to join: as written, and the load says why */
}

int eco_campaign_spec_number(const eco_campaign_spec *s, const cJSON *o, const char *path,
                             double lo, double hi, double *out)
{
    if (!cJSON_IsNumber(o) || !isfinite(o->valuedouble) || o->valuedouble < lo ||
        o->valuedouble > hi) {
        eco_campaign_spec_error(s, path, "must be a number in [%g, %g]", lo, hi);
        return 2;
    }
    *out = o->valuedouble;
    return 0;
}

static int load_cycles(const eco_campaign_spec *s, const cJSON *a, eco_campaign *c)
{
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) < 1) {
        eco_campaign_spec_error(s, "$.cycles", "must be a non-empty array of cycle names or files");
        return 2;
    }
    int n = cJSON_GetArraySize(a);
    c->cycles = eco_calloc((size_t)n, sizeof c->cycles[0]);
    c->cycle_content = eco_calloc((size_t)n, sizeof c->cycle_content[0]);
    if (!c->cycles || !c->cycle_content)
        return 1;
    for (const cJSON *it = a->child; it; it = it->next) {
        char path[64], file[4096], resolved[4096];
        int shipped = 0;
        eco_campaign_spec_format(path, sizeof path, "$.cycles[%d]", c->n_cycles);
        if (!cJSON_IsString(it) || !it->valuestring[0]) {
            eco_campaign_spec_error(s, path, "must be a cycle name or a CSV file");
            return 2;
        }
        eco_campaign_spec_path(s, it->valuestring, file, sizeof file);
        if (eco_sim_resolve_cycle(it->valuestring, resolved, sizeof resolved, &shipped) || !shipped)
            snprintf(resolved, sizeof resolved, "%s", file);
        if (eco_campaign_content_cycle(resolved, shipped ? it->valuestring : NULL,
                                       &c->cycles[c->n_cycles], &c->cycle_content[c->n_cycles])) {
            eco_campaign_spec_error(s, path, "%s", eco_last_error());
            return 2;
        }
        c->n_cycles++;
    }
    return 0;
}

static int load_controllers(const eco_campaign_spec *s, const cJSON *a, eco_campaign *c)
{
    if (!a) { /* default: the MPC against the baseline controller */
        c->n_controllers = 2;
        c->controller[0] = ECO_CAMPAIGN_BASELINE;
        c->controller[1] = ECO_CAMPAIGN_MPC;
        return 0;
    }
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) < 1 || cJSON_GetArraySize(a) > 3) {
        eco_campaign_spec_error(s, "$.controllers",
                                "must be an array of 1 to 3 of baseline, mpc, dp");
        return 2;
    }
    for (const cJSON *it = a->child; it; it = it->next) {
        char path[64];
        eco_campaign_spec_format(path, sizeof path, "$.controllers[%d]", c->n_controllers);
        int k = cJSON_IsString(it) ? eco_campaign_controller_from_name(it->valuestring) : -1;
        for (int j = 0; k >= 0 && j < c->n_controllers; j++)
            if (c->controller[j] == (eco_campaign_controller)k) {
                eco_campaign_spec_error(s, path, "'%s' is listed twice", it->valuestring);
                return 2;
            }
        if (k < 0) {
            eco_campaign_spec_error(s, path, "unknown controller (available: baseline, mpc, dp)");
            return 2;
        }
        c->controller[c->n_controllers++] = (eco_campaign_controller)k;
    }
    return 0;
}

static int load_options(const eco_campaign_spec *s, const cJSON *root, eco_campaign *c)
{
    const cJSON *band = cJSON_GetObjectItemCaseSensitive(root, "band");
    const cJSON *dt = cJSON_GetObjectItemCaseSensitive(root, "dt_s");
    const cJSON *start = cJSON_GetObjectItemCaseSensitive(root, "start_fuel_g");
    eco_sim_options_default(&c->sim);
    eco_sim_options_band_wltp(&c->sim);
    c->start_fuel_g = -1.0;
    if (band) {
        char text[64];
        if (cJSON_IsNumber(band))
            snprintf(text, sizeof text, "%.17g", band->valuedouble);
        else
            snprintf(text, sizeof text, "%s", cJSON_IsString(band) ? band->valuestring : "?");
        if (eco_sim_options_parse_band(text, &c->sim)) {
            eco_campaign_spec_error(s, "$.band",
                                    "takes \"KMH,S\" (e.g. \"2,1\"; 0 for the exact trace)");
            return 2;
        }
    }
    if (dt && eco_campaign_spec_number(s, dt, "$.dt_s", 0.01, 1.0, &c->sim.dt_s))
        return 2;
    if (start && eco_campaign_spec_number(s, start, "$.start_fuel_g", 0.0, 100.0, &c->start_fuel_g))
        return 2;
    return 0;
}

static int check_top(const eco_campaign_spec *s, const cJSON *root)
{
    if (!cJSON_IsObject(root)) {
        eco_campaign_spec_error(s, "$", "a campaign is a JSON object");
        return 2;
    }
    if (eco_campaign_spec_keys(s, root, "$", TOP_KEYS, N_TOP_KEYS))
        return 2;
    for (int k = 0; k < 2; k++) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, TOP_KEYS[k]);
        if (t && !cJSON_IsString(t)) {
            eco_campaign_spec_error(s, k ? "$.description" : "$.name", "must be a string");
            return 2;
        }
    }
    if (cJSON_GetObjectItemCaseSensitive(root, "routes")) { /* the hook for routes */
        eco_campaign_spec_error(s, "$.routes", "routes are not yet supported (use cycles)");
        return 2;
    }
    return 0;
}

static int load_tree(eco_campaign_spec *s, const cJSON *root, eco_campaign *c)
{
    int rc;
    if ((rc = check_top(s, root)) || (rc = load_options(s, root, c)) ||
        (rc = load_controllers(s, cJSON_GetObjectItemCaseSensitive(root, "controllers"), c)) ||
        (rc = eco_campaign_spec_points(s, root, c)) ||
        (rc = eco_campaign_spec_vehicles(s, cJSON_GetObjectItemCaseSensitive(root, "vehicles"),
                                         c)) ||
        (rc = load_cycles(s, cJSON_GetObjectItemCaseSensitive(root, "cycles"), c)))
        return rc;
    return eco_campaign_finish(c);
}

int eco_campaign_load(const char *path, eco_campaign *c)
{
    memset(c, 0, sizeof *c);
    eco_campaign_spec s;
    char copy[4096];
    snprintf(s.label, sizeof s.label, "%s", path);
    snprintf(copy, sizeof copy, "%s", path);
    snprintf(s.dir, sizeof s.dir, "%s", dirname(copy));
    char *text = NULL;
    if (eco_read_file(path, "campaign", &text, NULL)) {
        fprintf(stderr, "ecosim campaign: %s\n", eco_last_error());
        return 2;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
    if (!root) {
        int line = 1, col = 1;
        for (const char *p = text; end && p < end; p++, col++)
            if (*p == '\n') {
                line++;
                col = 0;
            }
        fprintf(stderr, "ecosim campaign: %s:%d:%d: malformed JSON\n", path, line, col);
        eco_free(text);
        return 2;
    }
    eco_free(text);
    int rc = load_tree(&s, root, c);
    cJSON_Delete(root);
    if (rc)
        eco_campaign_free(c);
    return rc;
}
