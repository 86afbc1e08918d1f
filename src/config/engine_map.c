/* Engine map CSVs (models/maps/<stem>.fuel.csv and .limits.csv) into the model's grid and
 * curves, and the scaling of a map to another engine's displacement and rated power. */
#include "ecodrive/config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RPM_TO_RADPS (M_PI / 30.0)
#define MAX_COLS     64

typedef struct {
    char *text; /* whole file, NUL-terminated, lines split in place */
    char *cur;
    int line;
    const char *path;
} csv_file;

static int read_whole(const char *path, char **text)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        eco_set_error("%s: cannot open: %s", path, strerror(errno));
        return errno == ENOENT ? ECO_ENOENT : ECO_EIO;
    }
    size_t cap = 4096, len = 0;
    char *buf = eco_malloc(cap);
    if (!buf) {
        fclose(f);
        return ECO_ENOMEM;
    }
    size_t got;
    while ((got = fread(buf + len, 1, cap - 1 - len, f)) > 0) {
        len += got;
        if (cap - 1 - len == 0) {
            char *nb = eco_realloc(buf, cap * 2);
            if (!nb) {
                eco_free(buf);
                fclose(f);
                return ECO_ENOMEM;
            }
            buf = nb;
            cap *= 2;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        eco_free(buf);
        eco_set_error("%s: read error", path);
        return ECO_EIO;
    }
    buf[len] = '\0';
    *text = buf;
    return ECO_OK;
}

/* Next line (without '\r\n'), or NULL at the end. */
static char *next_line(csv_file *f)
{
    if (!f->cur || !*f->cur)
        return NULL;
    char *s = f->cur;
    char *nl = strchr(s, '\n');
    if (nl) {
        *nl = '\0';
        f->cur = nl + 1;
    } else {
        f->cur = NULL;
    }
    size_t n = strlen(s);
    if (n > 0 && s[n - 1] == '\r')
        s[n - 1] = '\0';
    f->line++;
    return s;
}

static int is_blank(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

/* "# displacement_l: 2.487" (also "=", any case, spaces); returns 1 and the value. */
static int comment_displacement(const char *s, double *out)
{
    s++; /* '#' */
    while (isspace((unsigned char)*s))
        s++;
    if (strncasecmp(s, "displacement_l", 14) != 0)
        return 0;
    s += 14;
    while (isspace((unsigned char)*s))
        s++;
    if (*s != ':' && *s != '=')
        return 0;
    char *end;
    double v = strtod(s + 1, &end);
    if (end == s + 1 || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

/* Split a line at commas in place; cells are trimmed. Returns the count or -1 if too many. */
static int split_cells(char *s, char **cells, int max)
{
    int n = 0;
    for (;;) {
        if (n == max)
            return -1;
        char *comma = strchr(s, ',');
        if (comma)
            *comma = '\0';
        while (isspace((unsigned char)*s))
            s++;
        char *e = s + strlen(s);
        while (e > s && isspace((unsigned char)e[-1]))
            *--e = '\0';
        cells[n++] = s;
        if (!comma)
            return n;
        s = comma + 1;
    }
}

/* One numeric cell; what names it in a message ("column 3 (torque 45.7 Nm)"). */
static int parse_cell(const csv_file *f, const char *cell, const char *what, double *v)
{
    if (*cell == '\0') {
        eco_set_error("%s:%d: %s: empty cell (a hole in the map)", f->path, f->line, what);
        return ECO_EPARSE;
    }
    char *end;
    errno = 0;
    double x = strtod(cell, &end);
    if (*end != '\0' || end == cell) {
        eco_set_error("%s:%d: %s: not a number: \"%s\"", f->path, f->line, what, cell);
        return ECO_EPARSE;
    }
    if (!isfinite(x) || errno == ERANGE) {
        eco_set_error("%s:%d: %s: not a finite number: \"%s\"", f->path, f->line, what, cell);
        return ECO_EPARSE;
    }
    *v = x;
    return ECO_OK;
}

/* Next data line (comments and blank lines skipped, displacement comment noted). */
static char *next_data(csv_file *f, double *disp)
{
    char *s;
    while ((s = next_line(f))) {
        if (s[0] == '#') {
            if (disp)
                comment_displacement(s, disp);
            continue;
        }
        if (!is_blank(s))
            return s;
    }
    return NULL;
}

static int open_csv(csv_file *f, const char *path)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    int rc = read_whole(path, &f->text);
    f->cur = f->text;
    return rc;
}

/* The header "speed_rpm,<torque_nm>..." gives the torque axis. */
static int fuel_header(csv_file *f, char *s, eco_map *m)
{
    char *cells[MAX_COLS];
    char what[64];
    int rc;
    if (!s) {
        eco_set_error("%s: no header line (expected \"speed_rpm,<torque_nm>...\")", f->path);
        return ECO_EPARSE;
    }
    int nc = split_cells(s, cells, MAX_COLS);
    if (nc < 0 || nc - 1 > ECO_MAP_MAX) {
        eco_set_error("%s:%d: too many torque columns (at most %d)", f->path, f->line, ECO_MAP_MAX);
        return ECO_EPARSE;
    }
    if (strcmp(cells[0], "speed_rpm") != 0 || nc < 3) {
        eco_set_error("%s:%d: header must be \"speed_rpm,<torque_nm>,<torque_nm>...\" (at "
                      "least 2 torques), got \"%s\" with %d columns",
                      f->path, f->line, cells[0], nc);
        return ECO_EPARSE;
    }
    m->ny = nc - 1;
    for (int j = 0; j < m->ny; j++) {
        snprintf(what, sizeof what, "header column %d (torque_nm)", j + 2);
        if ((rc = parse_cell(f, cells[j + 1], what, &m->y[j])))
            return rc;
        if (j > 0 && !(m->y[j] > m->y[j - 1])) {
            eco_set_error("%s:%d: %s: torque axis must increase, %g after %g", f->path, f->line,
                          what, m->y[j], m->y[j - 1]);
            return ECO_EPARSE;
        }
    }
    return ECO_OK;
}

static int load_fuel(const char *path, eco_map *m, double *disp)
{
    double rows[ECO_MAP_MAX][ECO_MAP_MAX]; /* [speed][torque], as read */
    csv_file f;
    char *cells[MAX_COLS];
    char what[96];
    int rc = open_csv(&f, path);
    if (rc)
        return rc;
    char *s;
    int nc;
    if ((rc = fuel_header(&f, next_data(&f, disp), m)))
        goto done;
    m->nx = 0;
    while ((s = next_data(&f, disp))) {
        nc = split_cells(s, cells, MAX_COLS);
        if (nc != m->ny + 1) {
            eco_set_error("%s:%d: row has %d cells, the header has %d", path, f.line,
                          nc < 0 ? MAX_COLS : nc, m->ny + 1);
            rc = ECO_EPARSE;
            goto done;
        }
        if (m->nx == ECO_MAP_MAX) {
            eco_set_error("%s:%d: too many speed rows (at most %d)", path, f.line, ECO_MAP_MAX);
            rc = ECO_EPARSE;
            goto done;
        }
        int i = m->nx;
        double rpm;
        if ((rc = parse_cell(&f, cells[0], "column 1 (speed_rpm)", &rpm)))
            goto done;
        m->x[i] = rpm * RPM_TO_RADPS;
        if (i > 0 && !(m->x[i] > m->x[i - 1])) {
            eco_set_error("%s:%d: column 1 (speed_rpm): speed axis must increase, %g after %g",
                          path, f.line, rpm, m->x[i - 1] / RPM_TO_RADPS);
            rc = ECO_EPARSE;
            goto done;
        }
        for (int j = 0; j < m->ny; j++) {
            snprintf(what, sizeof what, "column %d (torque %g Nm)", j + 2, m->y[j]);
            double z;
            if ((rc = parse_cell(&f, cells[j + 1], what, &z)))
                goto done;
            if (z < 0.0) {
                eco_set_error("%s:%d: %s: fuel rate must be >= 0, got %g", path, f.line, what, z);
                rc = ECO_EPARSE;
                goto done;
            }
            rows[i][j] = z;
        }
        m->nx++;
    }
    if (m->nx < 2) {
        eco_set_error("%s: needs at least 2 speed rows, has %d", path, m->nx);
        rc = ECO_EPARSE;
        goto done;
    }
    for (int i = 0; i < m->nx; i++)
        for (int j = 0; j < m->ny; j++)
            m->z[j * m->nx + i] = rows[i][j]; /* GSL layout: x (speed) varies fastest */
    rc = ECO_OK;
done:
    eco_free(f.text);
    return rc;
}

static int load_limits(const char *path, eco_curve *full, eco_curve *fric, double *disp)
{
    static const char *const names[3] = {"speed_rpm", "full_load_nm", "friction_nm"};
    csv_file f;
    char *cells[MAX_COLS];
    char what[64];
    int rc = open_csv(&f, path);
    if (rc)
        return rc;
    char *s = next_data(&f, disp);
    int nc = s ? split_cells(s, cells, MAX_COLS) : 0;
    if (nc != 3 || strcmp(cells[0], names[0]) || strcmp(cells[1], names[1]) ||
        strcmp(cells[2], names[2])) {
        eco_set_error("%s:%d: header must be \"speed_rpm,full_load_nm,friction_nm\"", path, f.line);
        rc = ECO_EPARSE;
        goto done;
    }
    full->n = fric->n = 0;
    while ((s = next_data(&f, disp))) {
        double v[3];
        nc = split_cells(s, cells, MAX_COLS);
        if (nc != 3) {
            eco_set_error("%s:%d: row has %d cells, the header has 3", path, f.line,
                          nc < 0 ? MAX_COLS : nc);
            rc = ECO_EPARSE;
            goto done;
        }
        if (full->n == ECO_CURVE_MAX) {
            eco_set_error("%s:%d: too many rows (at most %d)", path, f.line, ECO_CURVE_MAX);
            rc = ECO_EPARSE;
            goto done;
        }
        for (int k = 0; k < 3; k++) {
            snprintf(what, sizeof what, "column %d (%s)", k + 1, names[k]);
            if ((rc = parse_cell(&f, cells[k], what, &v[k])))
                goto done;
            if (v[k] < 0.0 || (k < 2 && v[k] == 0.0)) {
                eco_set_error("%s:%d: %s: must be %s 0, got %g", path, f.line, what,
                              k < 2 ? ">" : ">=", v[k]);
                rc = ECO_EPARSE;
                goto done;
            }
        }
        int i = full->n;
        double w = v[0] * RPM_TO_RADPS;
        if (i > 0 && !(w > full->x[i - 1])) {
            eco_set_error("%s:%d: column 1 (speed_rpm): speed axis must increase, %g after %g",
                          path, f.line, v[0], full->x[i - 1] / RPM_TO_RADPS);
            rc = ECO_EPARSE;
            goto done;
        }
        full->x[i] = fric->x[i] = w;
        full->y[i] = v[1];
        fric->y[i] = v[2];
        full->n = fric->n = i + 1;
    }
    if (full->n < 2) {
        eco_set_error("%s: needs at least 2 speed rows, has %d", path, full->n);
        rc = ECO_EPARSE;
    }
done:
    eco_free(f.text);
    return rc;
}

int eco_cfg_engine_map_load(const char *maps_dir, const char *stem, eco_engine *e,
                            double *map_displacement_l)
{
    char path[1024];
    double disp = 0.0;
    int rc;
    if (!stem || !*stem || strchr(stem, '/')) {
        eco_set_error("engine map: the name must be a file stem under the maps folder, got "
                      "\"%s\"",
                      stem ? stem : "(null)");
        return ECO_EINVAL;
    }
    snprintf(path, sizeof path, "%s/%s.fuel.csv", maps_dir, stem);
    if ((rc = load_fuel(path, &e->fuel_gps, &disp)))
        return rc;
    snprintf(path, sizeof path, "%s/%s.limits.csv", maps_dir, stem);
    if ((rc = load_limits(path, &e->full_load_nm, &e->friction_nm, &disp)))
        return rc;
    e->fuel_gps.interp = NULL;
    if (map_displacement_l)
        *map_displacement_l = disp;
    return ECO_OK;
}

int eco_cfg_engine_map_scale(eco_engine *e, double displacement_ratio, double rated_power_w,
                             double max_torque_nm, double max_speed_radps)
{
    eco_map *m = &e->fuel_gps;
    eco_curve *fl = &e->full_load_nm;
    if (!(displacement_ratio > 0.0) || !(rated_power_w > 0.0) || !(max_speed_radps > 0.0) ||
        !isfinite(displacement_ratio) || !isfinite(rated_power_w)) {
        eco_set_error("engine map scaling: ratio, rated power and max speed must be > 0, got "
                      "%g, %g W, %g rad/s",
                      displacement_ratio, rated_power_w, max_speed_radps);
        return ECO_EINVAL;
    }
    if (fl->n < 1 || !(max_speed_radps > fl->x[0])) {
        eco_set_error("engine map scaling: max speed %g rpm is below the full-load curve's "
                      "first speed %g rpm",
                      max_speed_radps / RPM_TO_RADPS, fl->n ? fl->x[0] / RPM_TO_RADPS : 0.0);
        return ECO_EINVAL;
    }
    /* Same BMEP at the same speed gives the same BSFC: torque and fuel rate both scale with
     * swept volume, speeds do not. */
    for (int j = 0; j < m->ny; j++)
        m->y[j] *= displacement_ratio;
    for (int k = 0; k < m->nx * m->ny; k++)
        m->z[k] *= displacement_ratio;
    for (int i = 0; i < e->friction_nm.n; i++)
        e->friction_nm.y[i] *= displacement_ratio;
    eco_curve src = *fl;
    for (int i = 0; i < src.n; i++)
        src.y[i] *= displacement_ratio;
    /* Resample finely so that the power cap, a hyperbola, is followed closely between
     * points (a chord over a 4 % speed step overshoots it by < 0.05 %). */
    int n = ECO_CURVE_MAX;
    double w0 = src.x[0];
    for (int i = 0; i < n; i++) {
        double w = w0 + (max_speed_radps - w0) * i / (n - 1);
        double t = eco_curve_eval(&src, w);
        t = fmin(t, rated_power_w / w);
        if (max_torque_nm > 0.0)
            t = fmin(t, max_torque_nm);
        fl->x[i] = w;
        fl->y[i] = t;
    }
    fl->n = n;
    return ECO_OK;
}
