/* The map ECU: a route's limits, slopes and stops as EcoHorizon frames (bus_horizon.h). */
#include "bus_horizon.h"

#include "ecodrive/units.h"

#include <math.h>
#include <string.h>

enum { A_LIMIT, A_SLOPE, A_STOP, A_KINDS }; /* the attributes of a row, in this order */

#define STOP_TIME_MAX_S 6553.4 /* HzStopTime: 6553.5 means unknown */
#define LIMIT_MAX_KMH   254    /* HzSpeedLimit: 255 means unknown */
#define STOP_BEHIND_M   1.0    /* a stop the car stands at is still sent (the core keeps it) */

int eco_sim_hz_ecu_init(eco_sim_hz_ecu *e, const eco_can_db *db, const eco_route *route,
                        double lookahead_m)
{
    memset(e, 0, sizeof *e);
    e->db = db;
    e->route = route;
    e->lookahead_m = fmin(fmax(lookahead_m, 1.0), ECO_HZ_OFFSET_MOD / 2);
    if (eco_hz_signals_find(db, &e->sig) != ECO_OK ||
        eco_can_db_signal_find(db, "HzCyclicCounter", &e->counter_sig) != ECO_OK) {
        eco_set_error("the DBC has no horizon message (EcoHorizon with HzMsgType, ...)");
        return ECO_ENOENT;
    }
    int ms = db->msgs[e->sig.msg].cycle_time_ms;
    e->period_ns = (int64_t)(ms > 0 ? ms : 100) * 1000000; /* 100: docs/daemon.md section 9 */
    return ECO_OK;
}

/* The bus values of row i, rounded to the signals' resolution. */
static int limit_kmh(const eco_route *r, int i)
{
    long k = lround(r->row[i].limit_mps * ECO_KMH_PER_MPS);
    return (int)(k < 1 ? 1 : k > LIMIT_MAX_KMH ? LIMIT_MAX_KMH : k);
}

static double slope_pct(const eco_route *r, int i)
{
    double p = round(tan(r->row[i].grade_rad) * 1000.0) / 10.0;
    return fmin(fmax(p, -ECO_HZ_SLOPE_MAX_PCT), ECO_HZ_SLOPE_MAX_PCT);
}

/* Attribute a (row a / A_KINDS, kind a % A_KINDS) as a message; 0 if the row has none: a
 * limit or slope only where it changes (not at the end), a stop where the car must stand
 * and at the end. The offset is left to the caller. */
static int attribute(const eco_sim_hz_ecu *e, int a, eco_hz_msg *m)
{
    const eco_route *r = e->route;
    int i = a / A_KINDS, last = i == r->n - 1;
    memset(m, 0, sizeof *m);
    m->path = ECO_SIM_HZ_PATH;
    switch (a % A_KINDS) {
    case A_LIMIT:
        m->type = ECO_HZ_SEGMENT;
        m->limit_kmh = limit_kmh(r, i);
        return !last && (i == 0 || m->limit_kmh != limit_kmh(r, i - 1));
    case A_SLOPE:
        m->type = ECO_HZ_PROFILE_SHORT;
        m->slope_pct = slope_pct(r, i);
        return !last && (i == 0 || m->slope_pct != slope_pct(r, i - 1));
    default:
        m->type = ECO_HZ_PROFILE_LONG;
        m->stop_kind = last ? ECO_HZ_STOP_END : ECO_HZ_STOP_SIGN;
        m->stop_s = fmin(round(r->row[i].stop_s * 10.0) / 10.0, STOP_TIME_MAX_S);
        return last || r->row[i].stop_s > 0.0;
    }
}

/* The attributes in force at the car: the last limit and the last slope at or behind it. */
static void in_force(const eco_sim_hz_ecu *e, double d, int *lf, int *sf)
{
    eco_hz_msg m;
    *lf = *sf = -1;
    for (int i = eco_route_row_at(e->route, d); i >= 0 && (*lf < 0 || *sf < 0); i--) {
        if (*lf < 0 && attribute(e, i * A_KINDS + A_LIMIT, &m))
            *lf = i * A_KINDS + A_LIMIT;
        if (*sf < 0 && attribute(e, i * A_KINDS + A_SLOPE, &m))
            *sf = i * A_KINDS + A_SLOPE;
    }
}

/* Attribute a as the car at d needs it: ahead of the car, a stop it stands at, or the limit
 * and slope in force. Those lie behind; one further back than the look-ahead is sent as
 * starting there (true, and within the half cycle the receiver unwraps as behind). */
static int wanted(const eco_sim_hz_ecu *e, int a, double d, int lf, int sf, eco_hz_msg *m,
                  double *at_m)
{
    if (!attribute(e, a, m))
        return 0;
    *at_m = e->route->row[a / A_KINDS].distance_m;
    if (a == lf || a == sf) {
        *at_m = fmax(*at_m, d - e->lookahead_m);
        return 1;
    }
    return *at_m > d - (m->type == ECO_HZ_PROFILE_LONG ? STOP_BEHIND_M : 0.0);
}

static void put(const eco_sim_hz_ecu *e, int sig, double v, eco_can_frame *f)
{
    eco_can_signal_encode(&e->db->signals[sig], v, f->data); /* values are within range */
}

/* Message m at distance at_m (cyclic offset) into frame f. */
static void encode(eco_sim_hz_ecu *e, const eco_hz_msg *m, double at_m, eco_can_frame *f)
{
    const eco_can_message *dm = &e->db->msgs[e->sig.msg];
    *f = eco_can_message_frame(dm);
    put(e, e->sig.type, m->type, f);
    put(e, e->counter_sig, e->cyclic++ % 4, f);
    put(e, e->sig.path, m->path, f);
    put(e, e->sig.offset, (double)(lround(fmax(at_m, 0.0)) % ECO_HZ_OFFSET_MOD), f);
    if (m->type == ECO_HZ_POSITION)
        put(e, e->sig.length, m->length_m, f);
    else if (m->type == ECO_HZ_SEGMENT)
        put(e, e->sig.limit, m->limit_kmh, f);
    else if (m->type == ECO_HZ_PROFILE_SHORT)
        put(e, e->sig.slope, m->slope_pct, f);
    else {
        put(e, e->sig.stop_kind, m->stop_kind, f);
        put(e, e->sig.stop_time, m->stop_s, f);
    }
    e->frames[m->type]++;
}

/* Is this call a cycle? The next is one period on (or from now after a gap). */
static int due(eco_sim_hz_ecu *e, int64_t t_ns)
{
    if (e->started && t_ns < e->t_next_ns)
        return 0;
    int on_time = e->started && t_ns - e->t_next_ns < e->period_ns;
    e->t_next_ns = (on_time ? e->t_next_ns : t_ns) + e->period_ns;
    e->started = 1;
    return 1;
}

/* The next of the attributes in the look-ahead (from first on), in turn: as many as repeat
 * them all in ECO_SIM_HZ_REPEAT_CYCLES cycles, at most ECO_SIM_HZ_REPEAT_MAX. */
static int repeat(eco_sim_hz_ecu *e, double d, int lf, int sf, int first, eco_can_frame *out)
{
    eco_hz_msg m;
    double at;
    int count = 0, n = 0, span = e->next_new - first;
    for (int a = first; a < e->next_new; a++)
        count += wanted(e, a, d, lf, sf, &m, &at);
    int budget = (count + ECO_SIM_HZ_REPEAT_CYCLES - 1) / ECO_SIM_HZ_REPEAT_CYCLES;
    budget = budget < ECO_SIM_HZ_REPEAT_MAX ? budget : ECO_SIM_HZ_REPEAT_MAX;
    for (int tries = 0; n < budget && tries < span; tries++) {
        if (wanted(e, e->repeat, d, lf, sf, &m, &at))
            encode(e, &m, at, &out[n++]);
        if (++e->repeat >= e->next_new)
            e->repeat = first;
    }
    return n;
}

int eco_sim_hz_ecu_frames(eco_sim_hz_ecu *e, double d, int64_t t_ns,
                          eco_can_frame out[ECO_SIM_HZ_FRAMES_MAX])
{
    if (!due(e, t_ns))
        return 0;
    eco_hz_msg m = {ECO_HZ_POSITION, ECO_SIM_HZ_PATH, 0, e->lookahead_m, 0, 0.0, 0, 0.0};
    int n = 0, lf, sf, total = e->route->n * A_KINDS;
    double at;
    encode(e, &m, d, &out[n++]);
    in_force(e, d, &lf, &sf);
    for (int k = 0; k < ECO_SIM_HZ_NEW_MAX && e->next_new < total &&
                    e->route->row[e->next_new / A_KINDS].distance_m <= d + e->lookahead_m;
         e->next_new++)
        if (wanted(e, e->next_new, d, lf, sf, &m, &at)) {
            encode(e, &m, at, &out[n++]);
            k++;
        }
    int first = lf < sf ? lf : sf;
    if (e->repeat < first || e->repeat >= e->next_new)
        e->repeat = first;
    return n + repeat(e, d, lf, sf, first, &out[n]);
}
