#include "route_build.h"

#include "ecodrive/common.h"
#include "ecodrive/units.h"

#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The rule issue 9 proposes (reasoning in docs/route.md): a stop from 2 s standing; the
 * 95th-percentile speed, rounded up to 10 km/h steps, at least 30 km/h. */
void eco_sim_route_rule_default(eco_sim_route_rule *rule)
{
    rule->min_stop_s = 2.0;
    rule->limit_quantile = 0.95;
    rule->limit_step_kmh = 10.0;
    rule->limit_min_kmh = 30.0;
}

double eco_sim_route_rule_limit_mps(const eco_sim_route_rule *rule, double *v, int n)
{
    gsl_sort(v, 1, (size_t)n);
    int rank = (int)ceil(rule->limit_quantile * n - 1e-9); /* nearest rank, 1-based */
    rank = rank < 1 ? 1 : (rank > n ? n : rank);
    double kmh = v[rank - 1] * ECO_KMH_PER_MPS;
    /* A speed a hair above a step (floating noise of the unit conversion) stays on it. */
    double up = ceil(kmh / rule->limit_step_kmh - 1e-9) * rule->limit_step_kmh;
    return fmax(up, rule->limit_min_kmh) * ECO_MPS_PER_KMH;
}

/* Distances are kept to the millimetre, as the route file writes them. */
static double mm(double d)
{
    return round(d * 1000.0) / 1000.0;
}

typedef struct {
    double distance_m, dwell_s;
    int first, last; /* the zero samples */
} stand_still;

/* The stops of the drive, in order; *n of them (eco_malloc'd). */
static int find_stops(const eco_sim_cycle *c, const eco_sim_route_rule *rule, stand_still **out,
                      int *n)
{
    *n = 0;
    *out = eco_malloc(sizeof **out * (size_t)(c->n / 2 + 1));
    if (!*out)
        return ECO_ENOMEM;
    for (int i = 0; i < c->n;) {
        if (c->speed_mps[i] > 0.0) {
            i++;
            continue;
        }
        int j = i;
        while (j + 1 < c->n && c->speed_mps[j + 1] <= 0.0)
            j++;
        double dwell = c->time_s[j] - c->time_s[i];
        if (dwell >= rule->min_stop_s - 1e-9)
            (*out)[(*n)++] = (stand_still){mm(c->distance_m[i]), dwell, i, j};
        i = j + 1;
    }
    return ECO_OK;
}

/* Limit of each stretch between stops (stretch k starts at stop k - 1, or the start). */
static int stretch_limits(const eco_sim_cycle *c, const eco_sim_route_rule *rule,
                          const stand_still *st, int n_st, eco_route_row *lim)
{
    double *v = eco_malloc(sizeof(double) * (size_t)c->n);
    if (!v)
        return ECO_ENOMEM;
    for (int k = 0; k <= n_st; k++) {
        int from = k ? st[k - 1].last : 0, to = k < n_st ? st[k].first : c->n - 1, m = 0;
        for (int i = from; i <= to; i++)
            if (c->speed_mps[i] > 0.0)
                v[m++] = c->speed_mps[i];
        lim[k].distance_m = k ? st[k - 1].distance_m : 0.0;
        lim[k].limit_mps =
            m ? eco_sim_route_rule_limit_mps(rule, v, m) : rule->limit_min_kmh * ECO_MPS_PER_KMH;
    }
    eco_free(v);
    return ECO_OK;
}

/* Grade of the drive at distance d: that of the last sample at or before it. */
static double grade_at(const eco_sim_cycle *c, double d)
{
    int lo = 0, hi = c->n - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (mm(c->distance_m[mid]) <= d)
            lo = mid;
        else
            hi = mid - 1;
    }
    return c->grade_rad[lo];
}

static double limit_at(const eco_route_row *lim, int n, double d)
{
    int i = 0;
    while (i + 1 < n && lim[i + 1].distance_m <= d)
        i++;
    return lim[i].limit_mps;
}

typedef struct {
    eco_route_row *row;
    int n;
} row_list;

/* Append a row at d unless it says nothing new (same limit and grade, no stop). */
static void put_row(row_list *rl, double d, double limit, double grade, double stop_s)
{
    eco_route_row *last = rl->n ? &rl->row[rl->n - 1] : NULL;
    if (last && d <= last->distance_m) {
        last->stop_s += stop_s; /* a second stand-still at the same point */
        return;
    }
    if (last && last->limit_mps == limit && last->grade_rad == grade && stop_s <= 0.0)
        return;
    rl->row[rl->n++] = (eco_route_row){d, limit, grade, stop_s, 0};
}

/* Walk the drive's samples, stops and limit changes in order of distance. */
static void build_rows(const eco_sim_cycle *c, const stand_still *st, int n_st,
                       const eco_route_row *lim, int n_lim, row_list *rl)
{
    double end = mm(c->distance_m[c->n - 1]);
    int s = 0, l = 0;
    for (int i = 0; i < c->n; i++) {
        double d = mm(c->distance_m[i]);
        for (; l < n_lim && lim[l].distance_m < d && lim[l].distance_m < end; l++)
            put_row(rl, mm(lim[l].distance_m), lim[l].limit_mps, grade_at(c, mm(lim[l].distance_m)),
                    0.0);
        double stop = 0.0;
        for (; s < n_st && st[s].distance_m <= d; s++)
            if (st[s].distance_m < end)
                stop += st[s].dwell_s;
        if (d < end || i == 0)
            put_row(rl, d, limit_at(lim, n_lim, d), grade_at(c, d), stop);
    }
    double end_dwell = n_st && st[n_st - 1].distance_m >= end ? st[n_st - 1].dwell_s : 0.0;
    eco_route_row *last = &rl->row[rl->n - 1];
    if (last->distance_m < end)
        rl->row[rl->n++] = (eco_route_row){end, limit_at(lim, n_lim, end), grade_at(c, end), 0, 0};
    rl->row[rl->n - 1].stop_s = end_dwell;
    if (rl->n > 1) /* the end's limit applies to no road: keep the last stretch's */
        rl->row[rl->n - 1].limit_mps = rl->row[rl->n - 2].limit_mps;
}

int eco_sim_route_from_drive(const eco_sim_cycle *c, const eco_sim_route_rule *rule,
                             const eco_route_row *limits, int n_limits, eco_route *out)
{
    memset(out, 0, sizeof *out);
    if (!(c->distance_m[c->n - 1] >= 1.0)) {
        eco_set_error("%s: no motion (%.3f m in %.0f s): a route needs a drive that moves", c->name,
                      c->distance_m[c->n - 1], c->time_s[c->n - 1] - c->time_s[0]);
        return ECO_EINVAL;
    }
    stand_still *st = NULL;
    eco_route_row *lim = NULL;
    row_list rl = {eco_malloc(sizeof(eco_route_row) * (size_t)(2 * c->n + n_limits + 2)), 0};
    int n_st = 0, n_lim = n_limits, rc = rl.row ? find_stops(c, rule, &st, &n_st) : ECO_ENOMEM;
    if (!rc && !(lim = eco_malloc(sizeof *lim * (size_t)(n_st + n_limits + 1))))
        rc = ECO_ENOMEM;
    if (!rc && n_limits > 0)
        memcpy(lim, limits, sizeof *lim * (size_t)n_limits);
    else if (!rc) {
        rc = stretch_limits(c, rule, st, n_st, lim);
        n_lim = n_st + 1;
    }
    if (!rc) {
        build_rows(c, st, n_st, lim, n_lim, &rl);
        rc = eco_route_init(out, c->name, rl.row, rl.n);
    }
    eco_free(st);
    eco_free(lim);
    eco_free(rl.row);
    return rc;
}
