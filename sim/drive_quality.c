#include "drive_quality.h"

#include "json_number.h"

#include "ecodrive/common.h"
#include "ecodrive/units.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <string.h>

/* SAE J2951 (JAN2014), "Drive Quality Evaluation for Chassis Dynamometer Testing", as the
 * EPA's ALPHA/REVS model implements it (REVS_SAEJ2951.m): both traces at 10 Hz, smoothed by
 * two passes of a centred 5-point moving average, speeds <= 0.03 m/s set to 0; acceleration
 * by central difference; distance increment v dt; equivalent inertia mass 1.015 x test mass;
 * cycle energy = sum of max(road load + inertia force, 0) x distance increment; inertial
 * work = sum of the positive inertia force x distance increment; ASC = sum |a| dt; RMSSE over
 * the samples. EER = 100 (1 - (DR/100 + 1) / (ER/100 + 1)). The type-approval bounds in
 * docs/route.md are JARI's (WLTP-18-06e, 2017). */
#define J2951_HALF_WINDOW 2 /* 5-point average */
_Static_assert(J2951_HALF_WINDOW == 2, "smooth_pass spells out the 5-point sum");
#define J2951_STILL_MPS 0.03
#define J2951_INERTIA   1.015

/* Ours (docs/route.md): steady reference = within +-1 km/h over +-5 s and at least
 * 10 km/h, in stretches of at least 10 s; a swing counts from 0.5 km/h; creep = above
 * 0.5 km/h. */
#define STEADY_HALF_S        5.0
#define STEADY_BAND_MPS      (1.0 * ECO_MPS_PER_KMH)
#define STEADY_MIN_MPS       (10.0 * ECO_MPS_PER_KMH)
#define STEADY_MIN_STRETCH   10.0
#define CREEP_MPS            (0.5 * ECO_MPS_PER_KMH)
#define SWING_HYSTERESIS_MPS (0.5 * ECO_MPS_PER_KMH)
#define REF_STILL_MPS        1e-9
/* Acceleration: the speed gained over ACCEL_WINDOW_S (a 1 Hz record's resolution, so that
 * a drive logged at 1 Hz and a run at 10 Hz are judged alike), counted where it is above
 * ACCEL_MIN_MPS2 (speeding up, not cruising). */
#define ACCEL_WINDOW_S 1.0
#define ACCEL_MIN_MPS2 0.05

/* One pass of the centred moving average; near the ends the window shrinks symmetrically,
 * so a straight line stays straight. */
static void smooth_pass(const double *in, double *out, int n)
{
    for (int i = 0; i < n; i++) {
        int h = J2951_HALF_WINDOW;
        h = i < h ? i : h;
        h = n - 1 - i < h ? n - 1 - i : h;
        double s = 0.0;
        if (h == J2951_HALF_WINDOW) /* the whole window, in the same order as the loop */
            s = (((s + in[i - 2]) + in[i - 1]) + in[i]) + in[i + 1] + in[i + 2];
        else
            for (int k = -h; k <= h; k++)
                s += in[i + k];
        out[i] = s / (2 * h + 1);
    }
}

static void j2951_speed(const double *raw, double *v, double *tmp, int n)
{
    smooth_pass(raw, tmp, n);
    smooth_pass(tmp, v, n);
    for (int i = 0; i < n; i++)
        if (v[i] <= J2951_STILL_MPS)
            v[i] = 0.0;
}

typedef struct {
    double ce_j, d_m, asc_mps, iw_j;
} j2951_sums;

static j2951_sums j2951_of(const eco_sim_dq_input *in, const double *v)
{
    j2951_sums s = {0, 0, 0, 0};
    double dt = in->dt_s, me = J2951_INERTIA * in->mass_kg;
    for (int i = 0; i < in->n; i++) {
        int i0 = i > 0 ? i - 1 : i, i1 = i < in->n - 1 ? i + 1 : i;
        double a = (v[i1] - v[i0]) / ((i1 - i0) * dt);
        double dd = i > 0 ? v[i] * dt : 0.0;
        double f_road = in->f0_n + in->f1_n_per_mps * v[i] + in->f2_n_per_mps2 * v[i] * v[i];
        double f_inertia = me * a;
        s.d_m += dd;
        s.ce_j += eco_fmax(f_road + f_inertia, 0.0) * dd;
        s.iw_j += eco_fmax(f_inertia, 0.0) * dd;
        s.asc_mps += fabs(a) * dt;
    }
    return s;
}

static double rating_pct(double driven, double ref)
{
    return ref != 0.0 ? 100.0 * (driven - ref) / ref : NAN;
}

static void j2951_ratings(const eco_sim_dq_input *in, const double *vd, const double *vt,
                          eco_sim_drive_quality *q)
{
    j2951_sums d = j2951_of(in, vd), t = j2951_of(in, vt);
    q->er_pct = rating_pct(d.ce_j, t.ce_j);
    q->dr_pct = rating_pct(d.d_m, t.d_m);
    q->eer_pct = 100.0 * (1.0 - (q->dr_pct / 100.0 + 1.0) / (q->er_pct / 100.0 + 1.0));
    q->ascr_pct = rating_pct(d.asc_mps, t.asc_mps);
    q->iwr_pct = rating_pct(d.iw_j, t.iw_j);
    double se = 0.0;
    for (int i = 0; i < in->n; i++)
        se += (vd[i] - vt[i]) * (vd[i] - vt[i]);
    q->rmsse_kmh = sqrt(se / in->n) * ECO_KMH_PER_MPS;
}

/* Marks steady[i] where the reference stays within the band of ref[i] over the window. */
static void mark_steady(const eco_sim_dq_input *in, unsigned char *steady)
{
    int w = (int)lround(STEADY_HALF_S / in->dt_s);
    for (int i = 0; i < in->n; i++) {
        double r = in->ref_mps[i];
        int ok = r >= STEADY_MIN_MPS;
        for (int k = i - w; ok && k <= i + w; k++)
            if (k >= 0 && k < in->n && fabs(in->ref_mps[k] - r) > STEADY_BAND_MPS)
                ok = 0;
        steady[i] = (unsigned char)ok;
    }
}

/* The swings of the speed error e = v - v_ref between its turning points in one steady
 * stretch [i, j): a turning point is confirmed once e has come back HYSTERESIS from it (so
 * noise and a slow approach to the reference make none); the stretch's first extreme is its
 * start, not a turning point, and opens no swing. Adds the swings and their count. */
static void swings(const eco_sim_dq_input *in, int i, int j, double *sum, int *count)
{
    int dir = 0, confirmed = 0;
    double hi = -INFINITY, lo = INFINITY, ext = 0.0, last_tp = 0.0;
    for (int k = i; k < j; k++) {
        double e = in->speed_mps[k] - in->ref_mps[k];
        if (dir == 0) {
            hi = eco_fmax(hi, e);
            lo = eco_fmin(lo, e);
            if (e - lo >= SWING_HYSTERESIS_MPS || hi - e >= SWING_HYSTERESIS_MPS) {
                dir = e - lo >= SWING_HYSTERESIS_MPS ? 1 : -1;
                ext = e;
            }
            continue;
        }
        if ((dir > 0 && e > ext) || (dir < 0 && e < ext)) {
            ext = e;
            continue;
        }
        if (fabs(e - ext) < SWING_HYSTERESIS_MPS)
            continue;
        if (confirmed++) { /* a swing from the last turning point to this one */
            *sum += fabs(ext - last_tp);
            ++*count;
        }
        last_tp = ext;
        dir = -dir;
        ext = e;
    }
}

/* Half the mean swing between successive turning points of the speed error over every
 * steady stretch: the amplitude of a pulse and glide (a sine of amplitude A swings 2A). */
static void oscillation(const eco_sim_dq_input *in, const unsigned char *steady,
                        eco_sim_drive_quality *q)
{
    int min_len = (int)lround(STEADY_MIN_STRETCH / in->dt_s), counted = 0, n_swings = 0;
    double swing_sum = 0.0;
    for (int i = 0; i < in->n;) {
        int j = i;
        while (j < in->n && steady[j] == steady[i])
            j++;
        if (steady[i] && j - i >= min_len) {
            swings(in, i, j, &swing_sum, &n_swings);
            counted += j - i;
        }
        i = j;
    }
    q->steady_s = counted * in->dt_s;
    q->oscillation_kmh = !counted   ? NAN
                         : n_swings ? 0.5 * swing_sum / n_swings * ECO_KMH_PER_MPS
                                    : 0.0;
}

/* Seconds above the creep speed while the reference has stood still longer than band_s
 * (a stop that runs off either end of the trace counts as going on beyond it). */
static double creep_s(const eco_sim_dq_input *in)
{
    int w = (int)lround(in->band_s / in->dt_s);
    double creep = 0.0;
    for (int i = 0; i < in->n;) {
        int j = i;
        while (j < in->n && (in->ref_mps[j] <= REF_STILL_MPS) == (in->ref_mps[i] <= REF_STILL_MPS))
            j++;
        if (in->ref_mps[i] <= REF_STILL_MPS) {
            int from = i == 0 ? 0 : i + w, to = j == in->n ? j : j - w;
            for (int k = from; k < to; k++)
                creep += in->speed_mps[k] > CREEP_MPS ? in->dt_s : 0.0;
        }
        i = j;
    }
    return creep;
}

/* The 95th percentile and the most of the 1 s accelerations of v above ACCEL_MIN_MPS2
 * (tmp: n doubles of scratch). */
static void launch_accel(const double *v, int n, double dt_s, double *tmp, double *p95, double *max)
{
    int w = (int)lround(ACCEL_WINDOW_S / dt_s), k = 0;
    for (int i = 0; w > 0 && i + w < n; i++) {
        double a = (v[i + w] - v[i]) / (w * dt_s);
        if (a > ACCEL_MIN_MPS2)
            tmp[k++] = a;
    }
    if (!k) {
        *p95 = *max = NAN;
        return;
    }
    *max = gsl_stats_max(tmp, 1, (size_t)k);
    *p95 = gsl_stats_select(tmp, 1, (size_t)k, (size_t)floor(0.95 * (k - 1)));
}

int eco_sim_drive_quality_compute(const eco_sim_dq_input *in, eco_sim_drive_quality *q)
{
    memset(q, 0, sizeof *q);
    if (in->n < 2 || !(in->dt_s > 0.0))
        return ECO_EINVAL;
    size_t n = (size_t)in->n;
    double *vd = eco_malloc(sizeof(double) * n), *vt = eco_malloc(sizeof(double) * n);
    double *tmp = eco_malloc(sizeof(double) * n);
    unsigned char *steady = eco_malloc(n);
    int rc = ECO_ENOMEM;
    if (vd && vt && tmp && steady) {
        j2951_speed(in->speed_mps, vd, tmp, in->n);
        j2951_speed(in->ref_mps, vt, tmp, in->n);
        j2951_ratings(in, vd, vt, q);
        mark_steady(in, steady);
        oscillation(in, steady, q);
        q->creep_s = creep_s(in);
        launch_accel(in->speed_mps, in->n, in->dt_s, tmp, &q->accel_p95_mps2, &q->accel_max_mps2);
        launch_accel(in->ref_mps, in->n, in->dt_s, tmp, &q->ref_accel_p95_mps2,
                     &q->ref_accel_max_mps2);
        q->engine_starts_per_km =
            in->distance_m > 0.0 ? in->engine_starts / (in->distance_m / ECO_M_PER_KM) : NAN;
        rc = ECO_OK;
    }
    eco_free(vd);
    eco_free(vt);
    eco_free(tmp);
    eco_free(steady);
    return rc;
}

int eco_sim_drive_quality_kmh(const eco_vehicle *veh, const double *speed_kmh,
                              const double *ref_kmh, int n, size_t stride, double dt_s,
                              double band_s, int engine_starts, double distance_m,
                              eco_sim_drive_quality *q)
{
    memset(q, 0, sizeof *q);
    if (n < 2)
        return ECO_EINVAL;
    double *v = eco_malloc(sizeof(double) * (size_t)n), *r = eco_malloc(sizeof(double) * (size_t)n);
    int rc = ECO_ENOMEM;
    if (v && r) {
        for (int i = 0; i < n; i++) {
            v[i] =
                *(const double *)((const char *)speed_kmh + stride * (size_t)i) / ECO_KMH_PER_MPS;
            r[i] = *(const double *)((const char *)ref_kmh + stride * (size_t)i) / ECO_KMH_PER_MPS;
        }
        eco_sim_dq_input in = {n,
                               dt_s,
                               v,
                               r,
                               veh->f0_n,
                               veh->f1_n_per_mps,
                               veh->f2_n_per_mps2,
                               veh->mass_kg,
                               band_s,
                               engine_starts,
                               distance_m};
        rc = eco_sim_drive_quality_compute(&in, q);
    }
    eco_free(v);
    eco_free(r);
    return rc;
}

void eco_sim_gear_shifts(const int *gear, size_t stride, int n, double dt_s, int *shifts,
                         int *hunts)
{
    *shifts = *hunts = 0;
    int last_dir = 0;
    double last_at = -INFINITY;
    for (int i = 1; i < n; i++) {
        int g0 = *(const int *)((const char *)gear + stride * (size_t)(i - 1));
        int g1 = *(const int *)((const char *)gear + stride * (size_t)i);
        if (g1 == g0)
            continue;
        int dir = g1 > g0 ? 1 : -1;
        double at = i * dt_s;
        ++*shifts;
        if (dir == -last_dir && at - last_at < ECO_SIM_GEAR_HUNT_S - 1e-9)
            ++*hunts;
        last_dir = dir;
        last_at = at;
    }
}

void eco_sim_drive_quality_json(cJSON *o, const eco_sim_drive_quality *q)
{
    cJSON *d = cJSON_AddObjectToObject(o, "drive_quality");
    if (!d)
        return;
    eco_sim_json_add_number(d, "er_pct", q->er_pct);
    eco_sim_json_add_number(d, "dr_pct", q->dr_pct);
    eco_sim_json_add_number(d, "eer_pct", q->eer_pct);
    eco_sim_json_add_number(d, "ascr_pct", q->ascr_pct);
    eco_sim_json_add_number(d, "iwr_pct", q->iwr_pct);
    eco_sim_json_add_number(d, "rmsse_kmh", q->rmsse_kmh);
    eco_sim_json_add_number(d, "engine_starts_per_km", q->engine_starts_per_km);
    eco_sim_json_add_number(d, "oscillation_kmh", q->oscillation_kmh);
    eco_sim_json_add_number(d, "steady_s", q->steady_s);
    eco_sim_json_add_number(d, "accel_p95_mps2", q->accel_p95_mps2);
    eco_sim_json_add_number(d, "accel_max_mps2", q->accel_max_mps2);
    eco_sim_json_add_number(d, "ref_accel_p95_mps2", q->ref_accel_p95_mps2);
    eco_sim_json_add_number(d, "ref_accel_max_mps2", q->ref_accel_max_mps2);
    eco_sim_json_add_number(d, "gear_shifts_per_km", q->gear_shifts_per_km);
    eco_sim_json_add_number(d, "gear_hunts", q->gear_hunts);
}

void eco_sim_drive_quality_print(FILE *fp, const eco_sim_drive_quality *q)
{
    char osc[64] = "no steady speed to judge oscillation on"; /* the JSON's null */
    if (isfinite(q->oscillation_kmh))
        snprintf(osc, sizeof osc, "oscillation %.2f km/h over %.0f s at steady speed",
                 q->oscillation_kmh, q->steady_s);
    fprintf(fp,
            "drive quality (SAE J2951): ER %+.2f %%, DR %+.2f %%, EER %+.2f %%, ASCR %+.2f %%, "
            "IWR %+.2f %%, RMSSE %.2f km/h\n"
            "  %.2f engine starts/km; %s; creep %.1f s\n"
            "  speeding up at %.2f m/s^2 (p95 over 1 s), %.2f at most",
            q->er_pct, q->dr_pct, q->eer_pct, q->ascr_pct, q->iwr_pct, q->rmsse_kmh,
            q->engine_starts_per_km, osc, q->creep_s, q->accel_p95_mps2, q->accel_max_mps2);
    if (isfinite(q->ref_accel_p95_mps2))
        fprintf(fp, " (the reference %.2f, %.2f)", q->ref_accel_p95_mps2, q->ref_accel_max_mps2);
    if (isfinite(q->gear_shifts_per_km))
        fprintf(fp, "\n  %.2f gear shifts/km, %.0f undone within %.0f s (hunting)",
                q->gear_shifts_per_km, q->gear_hunts, ECO_SIM_GEAR_HUNT_S);
    fputc('\n', fp);
}
