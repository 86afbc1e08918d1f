/* The electronic horizon from the bus: decode, check, keep by distance, odometry, and the
 * road ahead as route rows (include/ecodrive/horizon.h). No allocation, no clock. */
#include "ecodrive/horizon.h"

#include "ecodrive/units.h"

#include <math.h>
#include <string.h>

#define HALF_MOD            (ECO_HZ_OFFSET_MOD / 2) /* offsets further ahead than this lie behind */
#define SAME_M              0.5 /* a repeated attribute (providers retransmit) replaces the old one */
#define STOP_BEHIND_M       1.0 /* a stop stays until the car is this far past it (it stands there) */
#define LIMIT_UNKNOWN       255
#define STOP_TIME_UNKNOWN_S 6553.5

int eco_hz_signals_find(const eco_can_db *db, eco_hz_signals *s)
{
    static const char *const names[] = {"HzMsgType",       "HzPathIndex",  "HzOffset",
                                        "HzHorizonLength", "HzSpeedLimit", "HzSlope",
                                        "HzStopKind",      "HzStopTime"};
    int *out[] = {&s->type,  &s->path,  &s->offset,    &s->length,
                  &s->limit, &s->slope, &s->stop_kind, &s->stop_time};
    if (eco_can_db_message_find(db, "EcoHorizon", &s->msg) != ECO_OK)
        return ECO_ENOENT;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (eco_can_db_signal_find(db, names[i], out[i]) != ECO_OK ||
            db->signals[*out[i]].msg != s->msg)
            return ECO_ENOENT;
    return ECO_OK;
}

void eco_hz_init(eco_hz *h, int64_t timeout_ns, double time_scale)
{
    memset(h, 0, sizeof *h);
    h->timeout_ns = timeout_ns;
    h->time_scale = time_scale > 0.0 ? time_scale : 1.0;
    h->t_reject_ns = INT64_MIN;
}

static double phys(const eco_can_db *db, int sig, const eco_can_frame *f)
{
    const eco_can_signal *s = &db->signals[sig];
    int64_t raw = eco_can_signal_raw_int(s, eco_can_signal_get_raw(s, f->data));
    return (double)raw * s->factor + s->offset;
}

int eco_hz_decode(const eco_can_db *db, const eco_hz_signals *sig, const eco_can_frame *f,
                  eco_hz_msg *m)
{
    memset(m, 0, sizeof *m);
    if (f->dlc < db->msgs[sig->msg].dlc)
        return ECO_EINVAL;
    m->type = (int)lround(phys(db, sig->type, f));
    m->path = (int)lround(phys(db, sig->path, f));
    m->offset = (int)lround(phys(db, sig->offset, f));
    m->length_m = phys(db, sig->length, f);
    m->limit_kmh = (int)lround(phys(db, sig->limit, f));
    m->slope_pct = phys(db, sig->slope, f);
    m->stop_kind = (int)lround(phys(db, sig->stop_kind, f));
    m->stop_s = phys(db, sig->stop_time, f);
    return ECO_OK;
}

static int reject(eco_hz *h, uint64_t *why, int64_t t_ns)
{
    (*why)++;
    h->st.rejected++;
    h->t_reject_ns = t_ns;
    return ECO_EINVAL;
}

/* The unwrapped distance of a raw offset: within half the cycle ahead of the last
 * POSITION, else behind it. */
static double unwrap(const eco_hz *h, int offset)
{
    int ahead =
        ((offset - h->pos_offset) % ECO_HZ_OFFSET_MOD + ECO_HZ_OFFSET_MOD) % ECO_HZ_OFFSET_MOD;
    return h->anchor_m + (ahead <= HALF_MOD ? ahead : ahead - ECO_HZ_OFFSET_MOD);
}

static int position(eco_hz *h, const eco_hz_msg *m, int64_t t_ns)
{
    if (!h->have_pos || m->path != h->path) { /* a new path: a new horizon from here */
        h->have_pos = 1;
        h->path = m->path;
        h->n = 0;
        h->pos_offset = m->offset;
        h->anchor_m = h->pos_m = (double)m->offset;
    } else {
        double d = unwrap(h, m->offset);
        if (d < h->anchor_m - ECO_HZ_BACK_TOL_M)
            return reject(h, &h->st.rej_backward, t_ns);
        h->pos_offset = m->offset;
        h->anchor_m = d;
        if (t_ns > h->t_odo_ns)
            h->pos_m += h->odo_speed_mps * (double)(t_ns - h->t_odo_ns) * 1e-9 * h->time_scale;
        /* The offset is whole metres: it puts the car within half a metre of d. Odometry
         * that agrees stays (else a car creeping off a stop or onto one is held at the last
         * whole metre, and its plan with it); odometry that does not is moved to the
         * nearest place the offset allows. */
        h->pos_m = fmin(fmax(h->pos_m, d - ECO_HZ_OFFSET_HALF_M), d + ECO_HZ_OFFSET_HALF_M);
    }
    h->end_m = h->anchor_m + fmin(fmax(m->length_m, 0.0), (double)HALF_MOD);
    h->t_pos_ns = h->t_odo_ns = t_ns;
    return ECO_OK;
}

/* Insert in distance order; the same kind at the same place replaces. */
static void insert(eco_hz *h, const eco_hz_entry *x)
{
    int lo = 0, i = h->n; /* the first entry beyond x: e[lo..i) holds it */
    while (lo < i) {
        int mid = (lo + i) / 2;
        if (h->e[mid].d_m > x->d_m)
            i = mid;
        else
            lo = mid + 1;
    }
    for (int j = i - 1; j >= 0 && x->d_m - h->e[j].d_m < SAME_M; j--)
        if (h->e[j].kind == x->kind) {
            h->e[j] = *x;
            return;
        }
    for (int j = i; j < h->n && h->e[j].d_m - x->d_m < SAME_M; j++)
        if (h->e[j].kind == x->kind) {
            h->e[j] = *x;
            return;
        }
    if (h->n == ECO_HZ_CAP) {
        h->st.full++;
        if (i == h->n)
            return; /* the farthest is the new one */
        h->n--;     /* drop the farthest */
    }
    memmove(&h->e[i + 1], &h->e[i], (size_t)(h->n - i) * sizeof h->e[0]);
    h->e[i] = *x;
    h->n++;
}

/* An attribute: checked, then kept. */
static int attribute(eco_hz *h, const eco_hz_msg *m, int64_t t_ns)
{
    eco_hz_entry x = {0.0, 0, 0.0, 0};
    switch (m->type) {
    case ECO_HZ_SEGMENT:
        if (m->limit_kmh == 0)
            return reject(h, &h->st.rej_limit, t_ns);
        if (m->limit_kmh >= LIMIT_UNKNOWN)
            return ECO_ENOENT;
        x.kind = ECO_HZ_LIMIT;
        x.value = m->limit_kmh / ECO_KMH_PER_MPS;
        break;
    case ECO_HZ_PROFILE_SHORT:
        if (!(fabs(m->slope_pct) <= ECO_HZ_SLOPE_MAX_PCT))
            return reject(h, &h->st.rej_slope, t_ns);
        x.kind = ECO_HZ_GRADE;
        x.value = atan(m->slope_pct / 100.0);
        break;
    default: /* ECO_HZ_PROFILE_LONG */
        if (m->stop_kind < ECO_HZ_STOP_SIGN || m->stop_kind > ECO_HZ_STOP_END)
            return reject(h, &h->st.rej_stop, t_ns);
        x.kind = ECO_HZ_STOP;
        x.end = m->stop_kind == ECO_HZ_STOP_END;
        x.value = m->stop_s >= STOP_TIME_UNKNOWN_S ? ECO_HZ_STOP_UNKNOWN_S : m->stop_s;
        if (!x.end)
            x.value = fmax(x.value, ECO_HZ_STOP_MIN_S);
        break;
    }
    if (!h->have_pos || m->path != h->path)
        return ECO_ENOENT; /* placed only on the vehicle's path */
    x.d_m = unwrap(h, m->offset);
    insert(h, &x);
    return ECO_OK;
}

int eco_hz_update(eco_hz *h, const eco_hz_msg *m, int64_t t_ns)
{
    h->st.received++;
    if (m->type == ECO_HZ_STUB || m->type == ECO_HZ_META_DATA) {
        h->st.ignored++;
        return ECO_ENOENT;
    }
    if (m->type < ECO_HZ_POSITION || m->type > ECO_HZ_PROFILE_LONG)
        return reject(h, &h->st.rej_type, t_ns);
    if (m->offset < 0 || m->offset >= ECO_HZ_OFFSET_INVALID)
        return reject(h, &h->st.rej_offset, t_ns);
    int rc = m->type == ECO_HZ_POSITION ? position(h, m, t_ns) : attribute(h, m, t_ns);
    if (rc == ECO_ENOENT)
        h->st.ignored++;
    return rc;
}

int eco_hz_frame(eco_hz *h, const eco_can_db *db, const eco_hz_signals *sig, const eco_can_frame *f,
                 int64_t t_ns)
{
    eco_hz_msg m;
    if (eco_hz_decode(db, sig, f, &m) != ECO_OK) {
        h->st.received++;
        return reject(h, &h->st.rej_short, t_ns);
    }
    return eco_hz_update(h, &m, t_ns);
}

/* Drop what lies behind the car but the last limit and slope there (they still apply). */
static void drop_behind(eco_hz *h)
{
    int keep_limit = -1, keep_grade = -1, k = 0;
    for (int i = 0; i < h->n && h->e[i].d_m <= h->pos_m; i++) {
        if (h->e[i].kind == ECO_HZ_LIMIT)
            keep_limit = i;
        else if (h->e[i].kind == ECO_HZ_GRADE)
            keep_grade = i;
    }
    for (int i = 0; i < h->n; i++) {
        const eco_hz_entry *x = &h->e[i];
        int ahead =
            x->d_m > h->pos_m || (x->kind == ECO_HZ_STOP && x->d_m > h->pos_m - STOP_BEHIND_M);
        if (ahead || i == keep_limit || i == keep_grade)
            h->e[k++] = *x;
    }
    h->n = k;
}

void eco_hz_advance(eco_hz *h, double speed_mps, int64_t t_ns)
{
    if (!h->have_pos)
        return;
    int moving = isfinite(speed_mps) && speed_mps > 0.0;
    if (t_ns > h->t_odo_ns && moving)
        h->pos_m += speed_mps * (double)(t_ns - h->t_odo_ns) * 1e-9 * h->time_scale;
    h->odo_speed_mps = moving ? speed_mps : 0.0;
    if (t_ns > h->t_odo_ns)
        h->t_odo_ns = t_ns;
    drop_behind(h);
}

/* The limit and grade that apply at the car: the last of each at or behind it. */
static int at_car(const eco_hz *h, double *limit, double *grade)
{
    int have = 0;
    *grade = 0.0;
    for (int i = 0; i < h->n && h->e[i].d_m <= h->pos_m; i++) {
        if (h->e[i].kind == ECO_HZ_LIMIT) {
            *limit = h->e[i].value;
            have = 1;
        } else if (h->e[i].kind == ECO_HZ_GRADE) {
            *grade = h->e[i].value;
        }
    }
    return have;
}

eco_hz_state eco_hz_state_at(const eco_hz *h, int64_t now_ns)
{
    double lim, gr;
    if (!h->have_pos)
        return ECO_HZ_STATE_NONE;
    if (h->t_reject_ns != INT64_MIN && now_ns - h->t_reject_ns <= h->timeout_ns)
        return ECO_HZ_STATE_REJECTED;
    if (now_ns - h->t_pos_ns > h->timeout_ns)
        return ECO_HZ_STATE_STALE;
    return at_car(h, &lim, &gr) ? ECO_HZ_STATE_VALID : ECO_HZ_STATE_NONE;
}

/* The first stop ahead of the car (or up to STOP_BEHIND_M behind it) within the known
 * horizon: its entry, or -1. */
static int next_stop(const eco_hz *h)
{
    for (int i = 0; i < h->n; i++) {
        const eco_hz_entry *x = &h->e[i];
        if (x->kind == ECO_HZ_STOP && x->d_m >= h->pos_m - STOP_BEHIND_M && x->d_m <= h->end_m)
            return i;
    }
    return -1;
}

/* Add a row at distance d (from the car), merging with the last one at the same place. */
static int put_row(eco_route_row *rows, int n, int cap, double d, double lim, double gr,
                   double stop_s)
{
    if (n > 0 && d - rows[n - 1].distance_m < 1e-6) {
        rows[n - 1].limit_mps = lim;
        rows[n - 1].grade_rad = gr;
        rows[n - 1].stop_s = fmax(rows[n - 1].stop_s, stop_s);
        return n;
    }
    if (n >= cap)
        return -1;
    rows[n] = (eco_route_row){d, lim, gr, stop_s, 0};
    return n + 1;
}

int eco_hz_rows(const eco_hz *h, eco_route_row *rows, int cap)
{
    double lim = 0.0, gr;
    if (!h->have_pos || cap < 2 || !at_car(h, &lim, &gr))
        return 0;
    int n = put_row(rows, 0, cap, 0.0, lim, gr, 0.0);
    double end = h->end_m - h->pos_m, end_s = 0.0;
    /* A stop the car stands at (up to STOP_BEHIND_M behind it) is row 0's dwell, as a
     * route's stand-still before setting off; the end of the path there ends the rows. */
    int s = next_stop(h);
    if (s >= 0 && h->e[s].d_m <= h->pos_m) {
        rows[0].stop_s = h->e[s].value;
        if (h->e[s].end)
            return put_row(rows, n, cap, ECO_HZ_END_AT_CAR_M, lim, gr, 0.0);
    }
    for (int i = 0; i < h->n && n > 0; i++) {
        const eco_hz_entry *x = &h->e[i];
        double d = x->d_m - h->pos_m;
        if (d <= 0.0)
            continue;
        if (d >= end)
            break;
        if (x->kind == ECO_HZ_STOP && x->end) {
            end = d;
            end_s = x->value;
            break;
        }
        lim = x->kind == ECO_HZ_LIMIT ? x->value : lim;
        gr = x->kind == ECO_HZ_GRADE ? x->value : gr;
        n = put_row(rows, n, cap, d, lim, gr, x->kind == ECO_HZ_STOP ? x->value : 0.0);
    }
    if (n > 0 && end > rows[n - 1].distance_m)
        n = put_row(rows, n, cap, end, lim, gr, end_s);
    return n >= 2 ? n : 0;
}

int eco_hz_end_known(const eco_hz *h)
{
    for (int i = 0; i < h->n; i++)
        if (h->e[i].kind == ECO_HZ_STOP && h->e[i].end && h->e[i].d_m <= h->end_m)
            return 1;
    return 0;
}

int eco_hz_next_stop(const eco_hz *h, double *ahead_m, double *stop_s)
{
    int i = next_stop(h);
    if (i < 0)
        return 0;
    *ahead_m = h->e[i].d_m - h->pos_m;
    *stop_s = h->e[i].value;
    return 1;
}
