/* Piecewise-linear curves and bilinear maps. */
#include "ecodrive/model.h"

#include <math.h>

double eco_curve_eval(const eco_curve *c, double x)
{
    if (c->n <= 0)
        return 0.0;
    if (c->n == 1 || isnan(x)) /* NaN: no interval to search; it stays NaN through y[0] */
        return c->n == 1 ? c->y[0] : x;
    if (x <= c->x[0])
        return c->y[0];
    if (x >= c->x[c->n - 1])
        return c->y[c->n - 1];
    /* Interpolation search: most curves are on an even grid (full-load curves are
     * resampled to ECO_CURVE_MAX points), where the first guess is the interval, and the
     * walk keeps uneven curves right. i ends as the first point with x[i] >= x. */
    int last = c->n - 1;
    double g = (x - c->x[0]) / (c->x[last] - c->x[0]) * last;
    int i = 1 + (g > 0.0 ? (g < last - 1 ? (int)g : last - 1) : 0);
    while (c->x[i] < x)
        i++;
    while (c->x[i - 1] >= x)
        i--;
    double t = (x - c->x[i - 1]) / (c->x[i] - c->x[i - 1]);
    return c->y[i - 1] + t * (c->y[i] - c->y[i - 1]);
}

int eco_map_init(eco_map *m)
{
    if (m->nx < 2 || m->ny < 2 || m->nx > ECO_MAP_MAX || m->ny > ECO_MAP_MAX) {
        eco_set_error("map needs 2..%d points on each axis, has %d x %d", ECO_MAP_MAX, m->nx,
                      m->ny);
        return ECO_EINVAL;
    }
    for (int i = 1; i < m->nx; i++)
        if (!(m->x[i] > m->x[i - 1]))
            goto unordered;
    for (int j = 1; j < m->ny; j++)
        if (!(m->y[j] > m->y[j - 1]))
            goto unordered;
    return ECO_OK;
unordered:
    eco_set_error("map axes must be strictly increasing");
    return ECO_EINVAL;
}

void eco_map_free(eco_map *m)
{
    (void)m; /* a map owns no memory; kept so that every init has its free */
}

/* The interval [a[i], a[i+1]] of an axis that holds v (in range): the last i <= n - 2 with
 * a[i] <= v, as GSL's gsl_interp_bsearch chooses it, found from an interpolated guess (the
 * ALPHA maps are on even grids, where the guess is the interval). */
static int axis_interval(const double *a, int n, double v)
{
    int i = (int)((v - a[0]) / (a[n - 1] - a[0]) * (n - 1));
    i = i < 0 ? 0 : (i > n - 2 ? n - 2 : i);
    while (i > 0 && a[i] > v)
        i--;
    while (i < n - 2 && a[i + 1] <= v)
        i++;
    return i;
}

/* Bilinear on the cell, in the same operations and order as GSL's gsl_interp2d_bilinear
 * (tests/test_model.c compares the two bit for bit); done here rather than through
 * gsl_interp2d_eval_e because the fuel map is the plant's hottest call, and GSL's path is a
 * domain check, two bisections and an indirect call per evaluation. */
double eco_map_eval(const eco_map *m, double x, double y)
{
    /* Clamped to the grid; NaN takes the first edge, as fmin(fmax(NaN, lo), hi) does. */
    double xc = !(x >= m->x[0]) ? m->x[0] : (x > m->x[m->nx - 1] ? m->x[m->nx - 1] : x);
    double yc = !(y >= m->y[0]) ? m->y[0] : (y > m->y[m->ny - 1] ? m->y[m->ny - 1] : y);
    int i = axis_interval(m->x, m->nx, xc), j = axis_interval(m->y, m->ny, yc);
    const double *z0 = &m->z[j * m->nx + i], *z1 = z0 + m->nx;
    double t = (xc - m->x[i]) / (m->x[i + 1] - m->x[i]);
    double u = (yc - m->y[j]) / (m->y[j + 1] - m->y[j]);
    return (1.0 - t) * (1.0 - u) * z0[0] + t * (1.0 - u) * z0[1] + (1.0 - t) * u * z1[0] +
           t * u * z1[1];
}
