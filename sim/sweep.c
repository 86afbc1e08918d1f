/* ecosim sweep: the --vary parser and one run per point with its trade-off figures. */
#include "sweep.h"

#include "ecodrive/config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A whole string as a finite number >= 0; -1 if it is anything else. */
static int parse_weight(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v) || v < 0.0)
        return -1;
    *out = v == 0.0 ? 0.0 : v; /* "-0" is 0, not a negative zero printed as -0 */
    return 0;
}

static int parse_list(const char *text, eco_sweep_values *out)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", text);
    out->spacing = ECO_SWEEP_LIST;
    out->n = 0;
    char *save = NULL;
    /* strtok_r would skip empty fields; "1,,2" must be refused, so split by hand. */
    for (char *field = buf; field; field = save) {
        save = strchr(field, ',');
        if (save)
            *save++ = '\0';
        if (out->n == ECO_SWEEP_POINTS_MAX) {
            fprintf(stderr, "ecosim sweep: --vary: at most %d values\n", ECO_SWEEP_POINTS_MAX);
            return 2;
        }
        if (parse_weight(field, &out->value[out->n])) {
            fprintf(stderr,
                    "ecosim sweep: --vary %s: '%s' is not a number >= 0 (weights are "
                    "non-negative)\n",
                    out->key, field);
            return 2;
        }
        out->n++;
    }
    return 0;
}

/* LO:HI:N. Log spacing puts as many points in each decade, which is how weights that span
 * orders of magnitude are explored; it cannot start at 0, so LO = 0 means linear. */
static int parse_range(const char *text, eco_sweep_values *out)
{
    char lo_s[128], hi_s[128], n_s[128];
    const char *c1 = strchr(text, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    double lo, hi, n_d;
    if (!c1 || !c2 || strchr(c2 + 1, ':') || (size_t)(c1 - text) >= sizeof lo_s ||
        (size_t)(c2 - c1 - 1) >= sizeof hi_s || strlen(c2 + 1) >= sizeof n_s) {
        fprintf(stderr, "ecosim sweep: --vary %s: a range is LO:HI:N, got '%s'\n", out->key, text);
        return 2;
    }
    snprintf(lo_s, sizeof lo_s, "%.*s", (int)(c1 - text), text);
    snprintf(hi_s, sizeof hi_s, "%.*s", (int)(c2 - c1 - 1), c1 + 1);
    snprintf(n_s, sizeof n_s, "%s", c2 + 1);
    if (parse_weight(lo_s, &lo) || parse_weight(hi_s, &hi) || !(hi > lo)) {
        fprintf(stderr, "ecosim sweep: --vary %s: LO:HI needs 0 <= LO < HI, got '%s'\n", out->key,
                text);
        return 2;
    }
    if (parse_weight(n_s, &n_d) || n_d != floor(n_d) || n_d < 2 || n_d > ECO_SWEEP_POINTS_MAX) {
        fprintf(stderr, "ecosim sweep: --vary %s: N must be a whole number in [2, %d], got '%s'\n",
                out->key, ECO_SWEEP_POINTS_MAX, n_s);
        return 2;
    }
    out->n = (int)n_d;
    out->spacing = lo > 0.0 ? ECO_SWEEP_LOG : ECO_SWEEP_LINEAR;
    for (int i = 0; i < out->n; i++) {
        double f = (double)i / (out->n - 1);
        out->value[i] = out->spacing == ECO_SWEEP_LOG ? lo * pow(hi / lo, f) : lo + (hi - lo) * f;
    }
    out->value[out->n - 1] = hi; /* exact, not lo * (hi/lo)^1 */
    return 0;
}

int eco_sweep_parse_vary(const char *arg, eco_sweep_values *out)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1] || (size_t)(eq - arg) >= sizeof out->key) {
        fprintf(stderr, "ecosim sweep: --vary takes KEY=V1,V2,... or KEY=LO:HI:N, got '%s'\n", arg);
        return 2;
    }
    snprintf(out->key, sizeof out->key, "%.*s", (int)(eq - arg), arg);
    eco_mpc_weights probe;
    eco_mpc_weights_default(&probe);
    if (eco_cfg_weights_set(&probe, out->key, 0.0)) { /* the loader's key table decides */
        fprintf(stderr, "ecosim sweep: --vary: %s\n", eco_last_error());
        return 2;
    }
    if (strlen(eq + 1) >= 1024) {
        fprintf(stderr, "ecosim sweep: --vary %s: value list too long\n", out->key);
        return 2;
    }
    return strchr(eq + 1, ':') ? parse_range(eq + 1, out) : parse_list(eq + 1, out);
}

void eco_sweep_point_of(const eco_campaign_result *r, int bev, eco_sweep_point *p)
{
    const eco_sim_figures *t = &r->sum.total;
    p->metric = eco_sim_metric(bev, t);
    p->nox_mg_per_km = t->nox_mg_per_km;
    p->trace_rms_kmh = t->trace_rms_kmh;
    p->outside_tolerance_s = t->outside_tolerance_s;
    p->distance_error_pct = t->distance_error_pct;
    p->soc_end = t->soc_end;
    p->invalid_setpoints = r->sum.invalid_setpoints;
    p->engine_starts = t->engine_starts;
    p->saving_pct = 0.0;
    p->jerk_rms_mps3 = r->jerk_rms_mps3;
    p->accel_rms_mps2 = r->accel_rms_mps2;
}

const char *eco_sweep_metric_name(const eco_sweep_report *r)
{
    return eco_sim_metric_key(r->bev);
}
