/* Route CSV: `distance_m,speed_limit_kmh,grade[,stop_s]` to a checked eco_route, the limits
 * file `distance_m,speed_limit_kmh`, and the route written back. */
#include "ecodrive/config.h"

#include "ecodrive/common.h"
#include "ecodrive/route.h"
#include "ecodrive/units.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIELDS_MAX 4

/* Numbers of one data line; returns how many, or -1 if a field is not a number. */
static int split_numbers(char *line, double f[FIELDS_MAX + 1])
{
    int k = 0;
    char *s = line;
    for (;;) {
        char *end;
        errno = 0;
        double x = strtod(s, &end);
        if (end == s || errno)
            return -1;
        if (k <= FIELDS_MAX)
            f[k] = x;
        k++;
        while (*end == ' ' || *end == '\t')
            end++;
        if (*end == ',') {
            s = end + 1;
            continue;
        }
        return *end == '\0' || *end == '\n' || *end == '\r' ? k : -1;
    }
}

static int blank_or_comment(const char *buf)
{
    return buf[0] == '#' || buf[strspn(buf, " \t\r\n")] == '\0';
}

/* The header, without blanks and line end, must be one of the allowed ones. */
static int header_ok(const char *buf, const char *const *allowed)
{
    char h[256];
    size_t n = 0;
    for (const char *p = buf; *p && n < sizeof h - 1; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            h[n++] = *p;
    h[n] = '\0';
    for (int i = 0; allowed[i]; i++)
        if (!strcmp(h, allowed[i]))
            return 1;
    return 0;
}

typedef struct {
    const char *path;
    FILE *fp;
    int line;
    char buf[1024];
} reader;

static int reader_open(reader *rd, const char *path, const char *const *headers,
                       const char *columns)
{
    memset(rd, 0, sizeof *rd);
    rd->path = path;
    rd->fp = fopen(path, "r");
    if (!rd->fp) {
        int e = errno; /* eco_set_error may change errno */
        eco_set_error("%s: cannot open: %s", path, strerror(e));
        return e == ENOENT ? ECO_ENOENT : ECO_EIO;
    }
    while (fgets(rd->buf, sizeof rd->buf, rd->fp)) {
        rd->line++;
        if (blank_or_comment(rd->buf))
            continue;
        if (header_ok(rd->buf, headers))
            return ECO_OK;
        eco_set_error("%s:%d: the header must be %s", path, rd->line, columns);
        fclose(rd->fp);
        return ECO_EPARSE;
    }
    eco_set_error("%s: empty file: the header must be %s", path, columns);
    fclose(rd->fp);
    return ECO_EPARSE;
}

/* Next data line's numbers into f; returns their count, 0 at the end, -1 on a bad line. */
static int reader_next(reader *rd, double f[FIELDS_MAX + 1])
{
    while (fgets(rd->buf, sizeof rd->buf, rd->fp)) {
        rd->line++;
        if (!strchr(rd->buf, '\n') && !feof(rd->fp)) {
            eco_set_error("%s:%d: line too long", rd->path, rd->line);
            return -1;
        }
        if (blank_or_comment(rd->buf))
            continue;
        int nf = split_numbers(rd->buf, f);
        if (nf < 0)
            eco_set_error("%s:%d: not a row of numbers", rd->path, rd->line);
        return nf;
    }
    return 0;
}

static int grow_rows(eco_route_row **rows, int *cap, int n)
{
    if (n < *cap)
        return ECO_OK;
    int c = *cap ? 2 * *cap : 256;
    eco_route_row *p = eco_realloc(*rows, sizeof *p * (size_t)c);
    if (!p)
        return ECO_ENOMEM;
    *rows = p;
    *cap = c;
    return ECO_OK;
}

static void route_name(const char *path, char *out, size_t n)
{
    const char *b = strrchr(path, '/');
    snprintf(out, n, "%s", b ? b + 1 : path);
    char *dot = strrchr(out, '.');
    if (dot)
        *dot = '\0';
}

/* The route file keeps distances to the millimetre (eco_cfg_route_write's "%.3f"): a row
 * must still come after the one before once both are written so, or the route could not
 * be read back. Compares what the writer writes, rounding and all. */
static int distinct_when_written(double prev_m, double d_m)
{
    char a[512], b[512];
    snprintf(a, sizeof a, "%.3f", prev_m);
    snprintf(b, sizeof b, "%.3f", d_m);
    return strtod(b, NULL) > strtod(a, NULL);
}

/* Read and check every row; min_fields..max_fields numbers a line. */
static int read_rows(reader *rd, int min_fields, int max_fields, const char *columns,
                     eco_route_row **rows, int *n)
{
    int cap = 0, nf, rc;
    double f[FIELDS_MAX + 1];
    char why[160];
    while ((nf = reader_next(rd, f)) != 0) {
        if (nf < 0)
            return ECO_EPARSE;
        if (nf < min_fields || nf > max_fields) {
            eco_set_error("%s:%d: need %s, got %d fields", rd->path, rd->line, columns, nf);
            return ECO_EPARSE;
        }
        if ((rc = grow_rows(rows, &cap, *n)))
            return rc;
        eco_route_row *r = &(*rows)[*n];
        r->distance_m = f[0];
        r->limit_mps = f[1] * ECO_MPS_PER_KMH;
        r->grade_rad = nf > 2 ? atan(f[2]) : 0.0;
        r->stop_s = nf > 3 ? f[3] : 0.0;
        r->source_line = rd->line;
        if (eco_route_row_check(*n ? r - 1 : NULL, r, why, sizeof why)) {
            eco_set_error("%s:%d: %s", rd->path, rd->line, why);
            return ECO_EPARSE;
        }
        if (*n && !distinct_when_written(r[-1].distance_m, r->distance_m)) {
            eco_set_error("%s:%d: distance_m %g is less than a millimetre after %g (routes "
                          "are kept to the millimetre)",
                          rd->path, rd->line, r->distance_m, r[-1].distance_m);
            return ECO_EPARSE;
        }
        ++*n;
    }
    return ECO_OK;
}

int eco_cfg_route_load(const char *path, eco_route *out)
{
    static const char *const headers[] = {"distance_m,speed_limit_kmh,grade",
                                          "distance_m,speed_limit_kmh,grade,stop_s", NULL};
    static const char *columns = "distance_m,speed_limit_kmh,grade[,stop_s]";
    memset(out, 0, sizeof *out);
    reader rd;
    int rc = reader_open(&rd, path, headers, columns);
    if (rc)
        return rc;
    eco_route_row *rows = NULL;
    int n = 0;
    rc = read_rows(&rd, 3, 4, columns, &rows, &n);
    fclose(rd.fp);
    if (!rc && n < 2) {
        eco_set_error("%s: a route needs at least two rows (its start and its end)", path);
        rc = ECO_EPARSE;
    }
    char name[64];
    route_name(path, name, sizeof name);
    if (!rc && (rc = eco_route_init(out, name, rows, n)) == ECO_EINVAL)
        eco_set_error("%s: %s", path, eco_last_error());
    eco_free(rows);
    return rc;
}

int eco_cfg_route_limits_load(const char *path, eco_route_row **rows, int *n)
{
    static const char *const headers[] = {"distance_m,speed_limit_kmh", NULL};
    *rows = NULL;
    *n = 0;
    reader rd;
    int rc = reader_open(&rd, path, headers, headers[0]);
    if (rc)
        return rc;
    rc = read_rows(&rd, 2, 2, "distance_m,speed_limit_kmh", rows, n);
    fclose(rd.fp);
    if (!rc && *n < 1) {
        eco_set_error("%s: no limits (need a row at distance 0)", path);
        rc = ECO_EPARSE;
    }
    if (rc) {
        eco_free(*rows);
        *rows = NULL;
        *n = 0;
    }
    return rc;
}

int eco_cfg_route_write(FILE *fp, const eco_route *r)
{
    fprintf(fp, "distance_m,speed_limit_kmh,grade,stop_s\n");
    for (int i = 0; i < r->n; i++) {
        const eco_route_row *w = &r->row[i];
        fprintf(fp, "%.3f,%.6g,%.6g,%.6g\n", w->distance_m, w->limit_mps * ECO_KMH_PER_MPS,
                tan(w->grade_rad), w->stop_s);
    }
    return ferror(fp) ? ECO_EIO : ECO_OK;
}

int eco_cfg_route_save(const char *path, const eco_route *r)
{
    char tmp[4200];
    FILE *fp = eco_out_begin(path, tmp, sizeof tmp);
    if (!fp)
        return ECO_EIO;
    if (eco_cfg_route_write(fp, r)) {
        eco_out_discard(fp, tmp);
        eco_set_error("%s: write failed", path);
        return ECO_EIO;
    }
    return eco_out_end(fp, tmp, path);
}
