/* Piecewise-linear curves and bilinear maps (GSL interp2d). */
#include "ecodrive/model.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_interp2d.h>
#include <math.h>

/* What eco_map.interp points to: the GSL object stays inside the model. */
struct eco_map_interp {
    gsl_interp2d *bilinear;
};

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
    struct eco_map_interp *in = eco_malloc(sizeof *in);
    gsl_interp2d *g = gsl_interp2d_alloc(gsl_interp2d_bilinear, (size_t)m->nx, (size_t)m->ny);
    if (!in || !g) {
        eco_free(in);
        if (g)
            gsl_interp2d_free(g);
        return ECO_ENOMEM;
    }
    if (gsl_interp2d_init(g, m->x, m->y, m->z, (size_t)m->nx, (size_t)m->ny) != GSL_SUCCESS) {
        gsl_interp2d_free(g);
        eco_free(in);
        eco_set_error("map axes must be strictly increasing");
        return ECO_EINVAL;
    }
    in->bilinear = g;
    m->interp = in;
    return ECO_OK;
}

void eco_map_free(eco_map *m)
{
    if (m->interp) {
        gsl_interp2d_free(m->interp->bilinear);
        eco_free(m->interp);
    }
    m->interp = NULL;
}

double eco_map_eval(const eco_map *m, double x, double y)
{
    double xc = fmin(fmax(x, m->x[0]), m->x[m->nx - 1]);
    double yc = fmin(fmax(y, m->y[0]), m->y[m->ny - 1]);
    double z = 0.0;
    /* NULL accelerators keep the evaluation pure (no mutable cache in const params). */
    gsl_interp2d_eval_e(m->interp->bilinear, m->x, m->y, m->z, xc, yc, NULL, NULL, &z);
    return z;
}
