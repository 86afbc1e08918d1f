/* Engine map CSVs (models/maps/<stem>.fuel.csv and .limits.csv) into the model's grid and
 * curves, and the scaling of a map to another engine's displacement and rated power. */
#include "ecodrive/config.h"
#include "ecodrive/units.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_COLS 64

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

/* One numeric cell; what names it in a message ("column 3 (torque 45.7 Nm)"). */
static int parse_cell(const eco_csv *f, const char *cell, const char *what, double *v)
{
    if (*cell == '\0')
        return eco_csv_error(f, ECO_EPARSE, "%s: empty cell (a hole in the map)", what);
    switch (eco_csv_number(cell, v)) {
    case ECO_CSV_NUM_OK:
        return ECO_OK;
    case ECO_CSV_NUM_NONE:
        return eco_csv_error(f, ECO_EPARSE, "%s: not a number: \"%s\"", what, cell);
    default:
        return eco_csv_error(f, ECO_EPARSE, "%s: not a finite number: \"%s\"", what, cell);
    }
}

/* Next data line (comments and blank lines skipped, displacement comment noted). */
static char *next_data(eco_csv *f, double *disp)
{
    char *s;
    while ((s = eco_csv_next(f))) {
        if (s[0] != '#')
            return s;
        if (disp)
            comment_displacement(s, disp);
    }
    return NULL;
}

/* A data row has the header's cell count, and there is room for it. */
static int row_shape(const eco_csv *f, int nc, int header_cells, int rows, int max_rows,
                     const char *rows_what)
{
    if (nc != header_cells)
        return eco_csv_error(f, ECO_EPARSE, "row has %d cells, the header has %d",
                             nc < 0 ? MAX_COLS : nc, header_cells);
    if (rows == max_rows)
        return eco_csv_error(f, ECO_EPARSE, "too many %s (at most %d)", rows_what, max_rows);
    return ECO_OK;
}

/* Row i's speed (rpm as read, radps converted) above the previous row's x[i - 1]. */
static int speed_order(const eco_csv *f, double rpm, double radps, const double *x, int i)
{
    if (i > 0 && !(radps > x[i - 1]))
        return eco_csv_error(f, ECO_EPARSE,
                             "column 1 (speed_rpm): speed axis must increase, %g after %g", rpm,
                             x[i - 1] / ECO_RADPS_PER_RPM);
    return ECO_OK;
}

/* What a map file is read into: the fuel grid (with its rows as read) or the limit curves;
 * n counts the speed rows read. */
typedef struct {
    eco_map *m;
    double (*rows)[ECO_MAP_MAX]; /* [speed][torque] */
    eco_curve *full, *fric;
    int n;
} map_read;

/* Reads the header line (NULL: none) or one data line into r. */
typedef int (*line_reader)(const eco_csv *f, char *s, map_read *r);

/* The header "speed_rpm,<torque_nm>..." gives the torque axis. */
static int fuel_header(const eco_csv *f, char *s, map_read *r)
{
    eco_map *m = r->m;
    char *cells[MAX_COLS];
    char what[64];
    int rc;
    if (!s) {
        eco_set_error("%s: no header line (expected \"speed_rpm,<torque_nm>...\")", f->path);
        return ECO_EPARSE;
    }
    int nc = eco_csv_split(f, s, cells, MAX_COLS);
    if (nc < 0 || nc - 1 > ECO_MAP_MAX)
        return eco_csv_error(f, ECO_EPARSE, "too many torque columns (at most %d)", ECO_MAP_MAX);
    if (strcmp(cells[0], "speed_rpm") != 0 || nc < 3)
        return eco_csv_error(f, ECO_EPARSE,
                             "header must be \"speed_rpm,<torque_nm>,<torque_nm>...\" (at "
                             "least 2 torques), got \"%s\" with %d columns",
                             cells[0], nc);
    m->ny = nc - 1;
    for (int j = 0; j < m->ny; j++) {
        snprintf(what, sizeof what, "header column %d (torque_nm)", j + 2);
        if ((rc = parse_cell(f, cells[j + 1], what, &m->y[j])))
            return rc;
        if (j > 0 && !(m->y[j] > m->y[j - 1]))
            return eco_csv_error(f, ECO_EPARSE, "%s: torque axis must increase, %g after %g", what,
                                 m->y[j], m->y[j - 1]);
    }
    m->nx = 0;
    return ECO_OK;
}

/* One speed row of the fuel map: its speed into m->x, its fuel rates into rows[m->nx]. */
static int fuel_row(const eco_csv *f, char *s, map_read *r)
{
    eco_map *m = r->m;
    char *cells[MAX_COLS];
    char what[96];
    double rpm;
    int rc, i = m->nx;
    if ((rc = row_shape(f, eco_csv_split(f, s, cells, MAX_COLS), m->ny + 1, m->nx, ECO_MAP_MAX,
                        "speed rows")) ||
        (rc = parse_cell(f, cells[0], "column 1 (speed_rpm)", &rpm)))
        return rc;
    m->x[i] = rpm * ECO_RADPS_PER_RPM;
    if ((rc = speed_order(f, rpm, m->x[i], m->x, i)))
        return rc;
    for (int j = 0; j < m->ny; j++) {
        snprintf(what, sizeof what, "column %d (torque %g Nm)", j + 2, m->y[j]);
        double z;
        if ((rc = parse_cell(f, cells[j + 1], what, &z)))
            return rc;
        if (z < 0.0)
            return eco_csv_error(f, ECO_EPARSE, "%s: fuel rate must be >= 0, got %g", what, z);
        r->rows[i][j] = z;
    }
    r->n = ++m->nx;
    return ECO_OK;
}

static const char *const limits_names[3] = {"speed_rpm", "full_load_nm", "friction_nm"};

static int limits_header(const eco_csv *f, char *s, map_read *r)
{
    const char *const *names = limits_names;
    char *cells[MAX_COLS];
    int nc = s ? eco_csv_split(f, s, cells, MAX_COLS) : 0;
    if (nc != 3 || strcmp(cells[0], names[0]) || strcmp(cells[1], names[1]) ||
        strcmp(cells[2], names[2]))
        return eco_csv_error(f, ECO_EPARSE,
                             "header must be \"speed_rpm,full_load_nm,friction_nm\"");
    r->full->n = r->fric->n = 0;
    return ECO_OK;
}

/* One row of the limits file: speed, full-load and friction torque. */
static int limits_row(const eco_csv *f, char *s, map_read *r)
{
    eco_curve *full = r->full, *fric = r->fric;
    char *cells[MAX_COLS];
    char what[64];
    double v[3];
    int rc = row_shape(f, eco_csv_split(f, s, cells, MAX_COLS), 3, full->n, ECO_CURVE_MAX, "rows");
    if (rc)
        return rc;
    for (int k = 0; k < 3; k++) {
        snprintf(what, sizeof what, "column %d (%s)", k + 1, limits_names[k]);
        if ((rc = parse_cell(f, cells[k], what, &v[k])))
            return rc;
        if (v[k] < 0.0 || (k < 2 && v[k] == 0.0))
            return eco_csv_error(f, ECO_EPARSE, "%s: must be %s 0, got %g", what,
                                 k < 2 ? ">" : ">=", v[k]);
    }
    int i = full->n;
    double w = v[0] * ECO_RADPS_PER_RPM;
    if ((rc = speed_order(f, v[0], w, full->x, i)))
        return rc;
    full->x[i] = fric->x[i] = w;
    full->y[i] = v[1];
    fric->y[i] = v[2];
    r->n = full->n = fric->n = i + 1;
    return ECO_OK;
}

/* A map file: its header, then its data lines, at least two (comments noted in *disp). */
static int read_map_file(const char *path, double *disp, line_reader header, line_reader row,
                         map_read *r)
{
    eco_csv f;
    char *s;
    int rc = eco_csv_open(&f, path, ECO_CSV_SKIP_BLANK);
    if (rc)
        return rc;
    if ((rc = header(&f, next_data(&f, disp), r)))
        goto done;
    while ((s = next_data(&f, disp)))
        if ((rc = row(&f, s, r)))
            goto done;
    if (r->n < 2) {
        eco_set_error("%s: needs at least 2 speed rows, has %d", path, r->n);
        rc = ECO_EPARSE;
    }
done:
    eco_csv_close(&f);
    return rc;
}

static int load_fuel(const char *path, eco_map *m, double *disp)
{
    double rows[ECO_MAP_MAX][ECO_MAP_MAX];
    map_read r = {.m = m, .rows = rows};
    int rc = read_map_file(path, disp, fuel_header, fuel_row, &r);
    if (rc)
        return rc;
    for (int i = 0; i < m->nx; i++)
        for (int j = 0; j < m->ny; j++)
            m->z[j * m->nx + i] = rows[i][j]; /* x (speed) varies fastest, as eco_map keeps it */
    return ECO_OK;
}

static int load_limits(const char *path, eco_curve *full, eco_curve *fric, double *disp)
{
    map_read r = {.full = full, .fric = fric};
    return read_map_file(path, disp, limits_header, limits_row, &r);
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
                      max_speed_radps / ECO_RADPS_PER_RPM,
                      fl->n ? fl->x[0] / ECO_RADPS_PER_RPM : 0.0);
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
