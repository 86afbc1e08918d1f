/* The route: rows by distance, and the queries a driver asks of the road ahead. */
#include "ecodrive/route.h"

#include "ecodrive/common.h"
#include "ecodrive/units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int eco_route_row_check(const eco_route_row *prev, const eco_route_row *row, char *why, size_t n)
{
    if (!isfinite(row->distance_m) || (!prev && row->distance_m != 0.0)) {
        snprintf(why, n, "distance_m must start at 0, got %g", row->distance_m);
        return ECO_EINVAL;
    }
    if (prev && !(row->distance_m > prev->distance_m)) {
        snprintf(why, n, "distance_m must increase (%g after %g)", row->distance_m,
                 prev->distance_m);
        return ECO_EINVAL;
    }
    if (!isfinite(row->limit_mps) || !(row->limit_mps > 0.0)) {
        snprintf(why, n, "speed_limit_kmh must be finite and > 0, got %g",
                 row->limit_mps * ECO_KMH_PER_MPS);
        return ECO_EINVAL;
    }
    if (!isfinite(row->grade_rad) || !(fabs(tan(row->grade_rad)) <= ECO_ROUTE_GRADE_MAX + 1e-12)) {
        snprintf(why, n, "grade must be a finite rise/run within +-%g, got %g", ECO_ROUTE_GRADE_MAX,
                 tan(row->grade_rad));
        return ECO_EINVAL;
    }
    if (!isfinite(row->stop_s) || row->stop_s < 0.0) {
        snprintf(why, n, "stop_s must be finite and >= 0, got %g", row->stop_s);
        return ECO_EINVAL;
    }
    return ECO_OK;
}

static int check_rows(const eco_route_row *rows, int n)
{
    if (n < 2) {
        eco_set_error("a route needs at least two rows (its start and its end), got %d", n);
        return ECO_EINVAL;
    }
    char why[160];
    for (int i = 0; i < n; i++)
        if (eco_route_row_check(i ? &rows[i - 1] : NULL, &rows[i], why, sizeof why)) {
            eco_set_error("row %d: %s", i + 1, why);
            return ECO_EINVAL;
        }
    return ECO_OK;
}

/* The rows into r's arrays, and what follows from them. */
static void fill(eco_route *r, const char *name, const eco_route_row *rows, int n)
{
    memmove(r->row, rows, sizeof *r->row * (size_t)n);
    r->n = n;
    snprintf(r->name, sizeof r->name, "%s", name ? name : "route");
    r->elevation_m[0] = 0.0;
    r->limit_max_mps = 0.0;
    for (int i = 0; i < n; i++) {
        if (i > 0)
            r->elevation_m[i] =
                r->elevation_m[i - 1] +
                tan(r->row[i - 1].grade_rad) * (r->row[i].distance_m - r->row[i - 1].distance_m);
        r->limit_max_mps = fmax(r->limit_max_mps, r->row[i].limit_mps);
    }
}

int eco_route_init(eco_route *r, const char *name, const eco_route_row *rows, int n)
{
    memset(r, 0, sizeof *r);
    if (check_rows(rows, n))
        return ECO_EINVAL;
    r->row = eco_malloc(sizeof *r->row * (size_t)n);
    r->elevation_m = eco_malloc(sizeof(double) * (size_t)n);
    if (!r->row || !r->elevation_m) {
        eco_route_free(r);
        return ECO_ENOMEM;
    }
    fill(r, name, rows, n);
    return ECO_OK;
}

int eco_route_init_in(eco_route *r, const char *name, const eco_route_row *rows, int n,
                      eco_route_row *row_buf, double *elevation_buf, int cap)
{
    if (n > cap) {
        eco_set_error("a route of %d rows does not fit %d", n, cap);
        return ECO_ERANGE;
    }
    if (check_rows(rows, n))
        return ECO_EINVAL;
    r->row = row_buf;
    r->elevation_m = elevation_buf;
    fill(r, name, rows, n);
    return ECO_OK;
}

void eco_route_free(eco_route *r)
{
    eco_free(r->row);
    eco_free(r->elevation_m);
    memset(r, 0, sizeof *r);
}

double eco_route_length_m(const eco_route *r)
{
    return r->row[r->n - 1].distance_m;
}

int eco_route_row_at(const eco_route *r, double d)
{
    int lo = 0, hi = r->n - 1; /* invariant: row[lo].distance <= d < row[hi].distance */
    if (d >= r->row[hi].distance_m)
        return hi;
    while (hi - lo > 1) {
        int mid = (lo + hi) / 2;
        if (r->row[mid].distance_m <= d)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

double eco_route_limit_mps(const eco_route *r, double d)
{
    return r->row[eco_route_row_at(r, d)].limit_mps;
}

double eco_route_grade_rad(const eco_route *r, double d)
{
    return r->row[eco_route_row_at(r, d)].grade_rad;
}

double eco_route_elevation_m(const eco_route *r, double d)
{
    int i = eco_route_row_at(r, d);
    double into = fmin(fmax(d - r->row[i].distance_m, 0.0), i < r->n - 1 ? INFINITY : 0.0);
    return r->elevation_m[i] + tan(r->row[i].grade_rad) * into;
}

int eco_route_next_stop(const eco_route *r, double d, int at_or_after, double *stop_at_m,
                        double *stop_s)
{
    int i = eco_route_row_at(r, d);
    if (r->row[i].distance_m < d || (!at_or_after && r->row[i].distance_m <= d))
        i++;
    for (; i < r->n; i++)
        if (r->row[i].stop_s > 0.0 || i == r->n - 1) {
            if (stop_at_m)
                *stop_at_m = r->row[i].distance_m;
            if (stop_s)
                *stop_s = r->row[i].stop_s;
            return i;
        }
    return -1;
}

int eco_route_stops(const eco_route *r)
{
    int n = 1; /* the end */
    for (int i = 0; i < r->n - 1; i++)
        n += r->row[i].stop_s > 0.0;
    return n;
}

double eco_route_dwell_s(const eco_route *r)
{
    double s = 0.0;
    for (int i = 0; i < r->n; i++)
        s += r->row[i].stop_s;
    return s;
}

double eco_route_limit_ahead_mps(const eco_route *r, double d, double b)
{
    int i = eco_route_row_at(r, d);
    double v = r->row[i].limit_mps;
    /* Rows beyond the braking reach of the fastest limit cannot bind. */
    double reach_m = r->limit_max_mps * r->limit_max_mps / (2.0 * b);
    for (int j = i + 1; j < r->n && r->row[j].distance_m - d <= reach_m; j++) {
        double lj = r->row[j].limit_mps;
        if (lj < v)
            v = fmin(v, sqrt(lj * lj + 2.0 * b * (r->row[j].distance_m - d)));
    }
    return v;
}

double eco_route_envelope_mps(const eco_route *r, double d, double b)
{
    double stop_at;
    double v = eco_route_limit_ahead_mps(r, d, b);
    if (eco_route_next_stop(r, d, 1, &stop_at, NULL) < 0)
        return 0.0;
    return fmin(v, sqrt(2.0 * b * fmax(stop_at - d, 0.0)));
}

double eco_route_brake_decel_mps2(const eco_vehicle *veh)
{
    return veh->brake_max_n / (veh->mass_kg + veh->rotating_mass_kg);
}

/* First row of the stretch of constant limit that ends at stop k, or -1 when that stretch
 * begins at rest (the start or an earlier stop), where no car arrives at the limit. */
static int approach_start(const eco_route *r, int k, double *steepest_descent_rad)
{
    double limit = r->row[k - 1].limit_mps;
    int j = k - 1;
    *steepest_descent_rad = fmin(r->row[j].grade_rad, 0.0);
    while (j > 0 && r->row[j - 1].limit_mps == limit && r->row[j].stop_s <= 0.0) {
        j--;
        *steepest_descent_rad = fmin(*steepest_descent_rad, r->row[j].grade_rad);
    }
    return j == 0 || r->row[j].stop_s > 0.0 ? -1 : j;
}

int eco_route_check_stops(const eco_route *r, const eco_vehicle *veh)
{
    double brake = eco_route_brake_decel_mps2(veh);
    int stop = 0;
    for (int k = 1; k < r->n; k++) {
        if (!(r->row[k].stop_s > 0.0) && k < r->n - 1)
            continue;
        stop++;
        double descent;
        int j = approach_start(r, k, &descent);
        if (j < 0)
            continue;
        /* On a descent gravity takes part of the braking (the mass that rotates does not
         * feel it). */
        double decel = brake + ECO_G_MPS2 * sin(descent) * veh->mass_kg /
                                   (veh->mass_kg + veh->rotating_mass_kg);
        double v = r->row[j].limit_mps;
        double need_m = decel > 0.0 ? v * v / (2.0 * decel) : INFINITY;
        double have_m = r->row[k].distance_m - r->row[j].distance_m;
        if (need_m > have_m) {
            char line[32] = "";
            if (r->row[k].source_line > 0)
                snprintf(line, sizeof line, " (line %d)", r->row[k].source_line);
            eco_set_error("stop %d at %.1f m%s cannot be reached from the limit %.0f km/h "
                          "at the car's braking limit (%.2f m/s^2): it needs %.1f m from "
                          "%.1f m, the route gives %.1f m",
                          stop, r->row[k].distance_m, line, v * ECO_KMH_PER_MPS, decel, need_m,
                          r->row[j].distance_m, have_m);
            return ECO_EINVAL;
        }
    }
    return ECO_OK;
}
