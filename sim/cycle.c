#include "cycle.h"

#include "ecodrive/common.h"
#include "ecodrive/units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Phase boundaries: WLTC per UN GTR 15 Annex 1 (class 3: 589/1022/1477 s; class 1 is
 * Low1, Medium1, Low1); NEDC per UNECE R83 (ECE-15 x 4 to 780 s, then EUDC); FTP-75 bags
 * per 40 CFR 86.115 (505 s cold transient, 864 s stabilised, 505 s hot transient). */
typedef struct {
    const char *cycle;
    int ftp_bags;
    int n;
    eco_sim_phase phase[4];
} phase_table;

static const phase_table PHASES[] = {
    {"wltc_class3b",
     0,
     4,
     {{"low", 0, 589}, {"medium", 589, 1022}, {"high", 1022, 1477}, {"extra_high", 1477, 1800}}},
    {"wltc_class3a",
     0,
     4,
     {{"low", 0, 589}, {"medium", 589, 1022}, {"high", 1022, 1477}, {"extra_high", 1477, 1800}}},
    {"wltc_class2",
     0,
     4,
     {{"low", 0, 589}, {"medium", 589, 1022}, {"high", 1022, 1477}, {"extra_high", 1477, 1800}}},
    {"wltc_class1", 0, 3, {{"low", 0, 589}, {"medium", 589, 1022}, {"low_2", 1022, 1611}}},
    {"nedc", 0, 2, {{"urban", 0, 780}, {"extra_urban", 780, 1179}}},
    {"udds", 0, 2, {{"transient", 0, 505}, {"stabilized", 505, 1369}}},
    {"ftp75",
     1,
     3,
     {{"bag1_cold", 0, 505}, {"bag2_stabilized", 505, 1369}, {"bag3_hot", 1369, 1874}}},
};

static void set_phases(eco_sim_cycle *c)
{
    c->n_phases = 1;
    snprintf(c->phase[0].name, sizeof c->phase[0].name, "all");
    c->phase[0].t0_s = c->time_s[0];
    c->phase[0].t1_s = c->time_s[c->n - 1];
    c->ftp_bags = 0;
    for (size_t i = 0; i < sizeof PHASES / sizeof PHASES[0]; i++) {
        const phase_table *p = &PHASES[i];
        if (strcmp(p->cycle, c->name) != 0)
            continue;
        if (fabs(p->phase[p->n - 1].t1_s - c->time_s[c->n - 1]) > 1.0)
            return; /* same name, other length: keep one phase rather than guess */
        c->n_phases = p->n;
        c->ftp_bags = p->ftp_bags;
        memcpy(c->phase, p->phase, sizeof(eco_sim_phase) * (size_t)p->n);
    }
}

static int grow(eco_sim_cycle *c, int cap)
{
    double **cols[] = {&c->time_s, &c->speed_mps, &c->grade_rad, &c->distance_m};
    for (int k = 0; k < 4; k++) {
        double *p = eco_realloc(*cols[k], sizeof(double) * (size_t)cap);
        if (!p)
            return ECO_ENOMEM;
        *cols[k] = p;
    }
    return ECO_OK;
}

/* Parse one data line into up to three numbers; returns how many, or -1 for a field that is
 * not a number (or out of a double's range) or a fourth field. "inf" and "nan" pass, for
 * check_row to name the column. */
static int parse_row(const eco_csv *f, char *line, double v[3])
{
    char *fields[3];
    int n = eco_csv_split(f, line, fields, 3);
    for (int k = 0; k < n; k++) {
        eco_csv_num r = eco_csv_number(fields[k], &v[k]);
        if (r == ECO_CSV_NUM_NONE || r == ECO_CSV_NUM_RANGE)
            return -1;
    }
    return n < 0 ? -1 : n;
}

static void base_name(const char *path, char *out, size_t n)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    snprintf(out, n, "%s", b);
    char *dot = strrchr(out, '.');
    if (dot)
        *dot = '\0';
}

static int check_row(const char *path, int line, const eco_sim_cycle *c, const double f[3], int nf)
{
    if (nf < 2) {
        eco_set_error("%s:%d: need time_s,speed_kmh[,grade]", path, line);
        return ECO_EPARSE;
    }
    if (!isfinite(f[0]) || (c->n > 0 && !(f[0] > c->time_s[c->n - 1]))) {
        eco_set_error("%s:%d: time_s must increase (%g after %g)", path, line, f[0],
                      c->n > 0 ? c->time_s[c->n - 1] : NAN);
        return ECO_EPARSE;
    }
    /* The slack of a microsecond lets 100 Hz rows written in decimals through. */
    if (c->n > 0 && f[0] - c->time_s[c->n - 1] < ECO_SIM_CYCLE_MIN_STEP_S - 1e-6) {
        eco_set_error("%s:%d: time_s must rise by at least %g s a row (the finest simulation "
                      "step), got %g after %g",
                      path, line, ECO_SIM_CYCLE_MIN_STEP_S, f[0], c->time_s[c->n - 1]);
        return ECO_EPARSE;
    }
    if (c->n > 0 && f[0] - c->time_s[0] > ECO_SIM_CYCLE_MAX_DURATION_S) {
        eco_set_error("%s:%d: the cycle would last %g s, more than %g s (24 h) from its first row",
                      path, line, f[0] - c->time_s[0], ECO_SIM_CYCLE_MAX_DURATION_S);
        return ECO_EPARSE;
    }
    if (!isfinite(f[1]) || f[1] < 0.0) {
        eco_set_error("%s:%d: speed_kmh must be finite and >= 0, got %g", path, line, f[1]);
        return ECO_EPARSE;
    }
    if (f[1] > ECO_SIM_CYCLE_MAX_SPEED_KMH) {
        eco_set_error("%s:%d: speed_kmh must be at most %g, got %g", path, line,
                      ECO_SIM_CYCLE_MAX_SPEED_KMH, f[1]);
        return ECO_EPARSE;
    }
    if (nf == 3 && !(fabs(f[2]) < 0.5)) {
        eco_set_error("%s:%d: grade must be a rise/run fraction within +-0.5, got %g", path, line,
                      f[2]);
        return ECO_EPARSE;
    }
    return ECO_OK;
}

static int read_rows(eco_csv *f, eco_sim_cycle *c)
{
    int cap = 0, rc;
    char *s;
    while ((s = eco_csv_next(f))) {
        int header = f->line == 1 && strstr(s, "time"); /* looked for before the cut */
        double v[3] = {0, 0, 0};
        int nf = parse_row(f, s, v);
        if (nf < 0 && header)
            continue;
        if ((rc = check_row(f->path, f->line, c, v, nf)))
            return rc;
        if (c->n == cap && (rc = grow(c, cap = cap ? 2 * cap : 2048)))
            return rc;
        c->time_s[c->n] = v[0];
        c->speed_mps[c->n] = v[1] * ECO_MPS_PER_KMH;
        c->grade_rad[c->n] = atan(v[2]);
        c->n++;
    }
    if (c->n < 2) {
        eco_set_error("%s: needs at least two rows of time_s,speed_kmh", f->path);
        return ECO_EPARSE;
    }
    double span = c->time_s[c->n - 1] - c->time_s[0];
    if (span < ECO_SIM_CYCLE_MIN_DURATION_S) {
        eco_set_error("%s: lasts %g s: a cycle must last at least %g s (the longest simulation "
                      "step)",
                      f->path, span, ECO_SIM_CYCLE_MIN_DURATION_S);
        return ECO_EPARSE;
    }
    return ECO_OK;
}

int eco_sim_cycle_load(const char *path, const char *name, eco_sim_cycle *c)
{
    memset(c, 0, sizeof *c);
    eco_csv f;
    int rc = eco_csv_open(&f, path, ECO_CSV_SKIP_BLANK | ECO_CSV_SKIP_COMMENTS);
    if (rc)
        return rc;
    rc = read_rows(&f, c);
    eco_csv_close(&f);
    if (rc) {
        eco_sim_cycle_free(c);
        return rc;
    }
    if (name)
        snprintf(c->name, sizeof c->name, "%s", name);
    else
        base_name(path, c->name, sizeof c->name);
    c->distance_m[0] = 0.0;
    for (int i = 1; i < c->n; i++)
        c->distance_m[i] = c->distance_m[i - 1] + 0.5 * (c->speed_mps[i] + c->speed_mps[i - 1]) *
                                                      (c->time_s[i] - c->time_s[i - 1]);
    set_phases(c);
    return ECO_OK;
}

void eco_sim_cycle_free(eco_sim_cycle *c)
{
    eco_free(c->time_s);
    eco_free(c->speed_mps);
    eco_free(c->grade_rad);
    eco_free(c->distance_m);
    memset(c, 0, sizeof *c);
}

static int locate(const eco_sim_cycle *c, double t)
{
    /* Cycles are near-uniform in time: guess, then correct. */
    double span = c->time_s[c->n - 1] - c->time_s[0];
    int i = (int)((t - c->time_s[0]) / span * (c->n - 1));
    i = i < 0 ? 0 : (i > c->n - 2 ? c->n - 2 : i);
    while (i > 0 && c->time_s[i] > t)
        i--;
    while (i < c->n - 2 && c->time_s[i + 1] <= t)
        i++;
    return i;
}

void eco_sim_cycle_sample(const eco_sim_cycle *c, double t, double *v, double *grade, double *d)
{
    int seg = -1;
    eco_sim_cycle_sample_near(c, &seg, t, v, grade, d);
}

/* locate's answer for t, walked to from the segment i of a time close by: the band's samples
 * lie within a few seconds of each other, so one search serves them all. */
static int walk_to(const eco_sim_cycle *c, int i, double t)
{
    while (i > 0 && c->time_s[i] > t)
        i--;
    while (i < c->n - 2 && c->time_s[i + 1] <= t)
        i++;
    return i;
}

void eco_sim_cycle_sample_near(const eco_sim_cycle *c, int *seg, double t, double *v, double *grade,
                               double *d)
{
    if (t <= c->time_s[0] || t >= c->time_s[c->n - 1]) {
        int i = t <= c->time_s[0] ? 0 : c->n - 1;
        if (v)
            *v = c->speed_mps[i];
        if (grade)
            *grade = c->grade_rad[i];
        if (d)
            *d = c->distance_m[i];
        return;
    }
    int i = *seg = walk_to(c, *seg < 0 ? locate(c, t) : *seg, t);
    double h = c->time_s[i + 1] - c->time_s[i];
    double w = (t - c->time_s[i]) / h;
    double v0 = c->speed_mps[i], v1 = c->speed_mps[i + 1];
    if (v)
        *v = v0 + w * (v1 - v0);
    if (grade)
        *grade = c->grade_rad[i] + w * (c->grade_rad[i + 1] - c->grade_rad[i]);
    if (d) /* exact integral of the linear speed */
        *d = c->distance_m[i] + (v0 * w + 0.5 * (v1 - v0) * w * w) * h;
}

/* The speed eco_sim_cycle_sample gives at t, with *i walked to t's segment. */
static double speed_near(const eco_sim_cycle *c, int *i, double t)
{
    double v;
    eco_sim_cycle_sample_near(c, i, t, &v, NULL, NULL);
    return v;
}

/* How far the stand-still test's window is drawn in from each end: the runner's clock adds
 * dt every step, so a sample meant for second T lands a fraction of a nanosecond either side
 * of it, and that fraction must not decide whether the window reaches the moving trace. */
#define STILL_WINDOW_SLACK_S 1e-6

/* Is the reference at rest (ECO_SIM_STILL_MPS or less) all over [t0, t1]? The trace is
 * piecewise linear, so its ends and the samples between them decide. i: a segment near t0. */
static int still_over(const eco_sim_cycle *c, int i, double t0, double t1)
{
    /* Both ends of t0's segment well above rest: so is the speed between them, and the
     * interpolation need not be made (the common case on the move). */
    i = walk_to(c, i, t0);
    if (c->speed_mps[i] > 2.0 * ECO_SIM_STILL_MPS && c->speed_mps[i + 1] > 2.0 * ECO_SIM_STILL_MPS)
        return 0;
    if (speed_near(c, &i, t0) > ECO_SIM_STILL_MPS || speed_near(c, &i, t1) > ECO_SIM_STILL_MPS)
        return 0;
    for (i = walk_to(c, i, t0); i < c->n && c->time_s[i] <= t1; i++)
        if (c->time_s[i] >= t0 && c->speed_mps[i] > ECO_SIM_STILL_MPS)
            return 0;
    return 1;
}

void eco_sim_cycle_band(const eco_sim_cycle *c, double t, double dv, double dt, double *lo,
                        double *hi)
{
    int seg = -1;
    eco_sim_cycle_band_near(c, &seg, t, dv, dt, lo, hi);
}

void eco_sim_cycle_band_near(const eco_sim_cycle *c, int *seg, double t, double dv, double dt,
                             double *lo, double *hi)
{
    /* No creep: where the reference stands still over the whole window, so does the car.
     * Only the window's length at each end of a stop stays free (issue 9; docs/mpc.md,
     * "Stops in the band"). */
    double half = eco_fmax(dt - STILL_WINDOW_SLACK_S, 0.0);
    int i = *seg = walk_to(c, *seg < 0 ? locate(c, t - dt) : *seg, t - dt);
    if (still_over(c, i, t - half, t + half)) {
        *lo = *hi = 0.0;
        return;
    }
    double vmin = speed_near(c, &i, t - dt), vmax = vmin;
    double s = speed_near(c, &i, t + dt);
    vmin = eco_fmin(vmin, s);
    vmax = eco_fmax(vmax, s);
    /* The samples inside the window are the piecewise-linear trace's extremes. */
    for (i = walk_to(c, i, t - dt); i < c->n && c->time_s[i] <= t + dt; i++) {
        if (c->time_s[i] < t - dt)
            continue;
        vmin = eco_fmin(vmin, c->speed_mps[i]);
        vmax = eco_fmax(vmax, c->speed_mps[i]);
    }
    *lo = eco_fmax(0.0, vmin - dv);
    *hi = vmax + dv;
}

double eco_sim_cycle_duration_s(const eco_sim_cycle *c)
{
    return c->time_s[c->n - 1] - c->time_s[0];
}

int eco_sim_cycle_starts_cold(const eco_sim_cycle *c)
{
    /* only the shipped traces, recognised by their standard phases, not a file so named */
    int standard = c->n_phases > 1;
    return c->ftp_bags ||
           (standard && (!strncmp(c->name, "wltc_class", 10) || !strcmp(c->name, "nedc")));
}
