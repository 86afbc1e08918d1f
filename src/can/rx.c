/* Receive state: the per-frame path (lookup, length, E2E, decode, timestamp) and the
 * staleness rule: a signal is stale when older than 3 x its message cycle time. */
#include "ecodrive/can.h"

#include <stdint.h>
#include <string.h>

#define STALE_CYCLES 3 /* issue 4: stale after 3 x the cycle time */

#define ALIGN8(n) (((n) + 7u) & ~(size_t)7u)

int eco_can_rx_create(const eco_can_db *db, eco_can_rx **out)
{
    size_t n = (size_t)db->n_signals, nm = (size_t)db->n_msgs, maxs = 1, total;
    size_t o_val, o_t, o_to, o_sv, o_e2e, o_cfg, o_st, o_ss;
    eco_can_rx *rx;
    char *mem;
    int i;

    *out = NULL;
    for (i = 0; i < db->n_msgs; i++)
        if ((size_t)db->msgs[i].n_signals > maxs)
            maxs = (size_t)db->msgs[i].n_signals;
    o_val = ALIGN8(sizeof(eco_can_rx));
    o_t = o_val + ALIGN8(n * sizeof(double));
    o_to = o_t + ALIGN8(n * sizeof(int64_t));
    o_sv = o_to + ALIGN8(n * sizeof(int64_t));
    o_e2e = o_sv + ALIGN8(maxs * sizeof(double));
    o_cfg = o_e2e + ALIGN8(nm * sizeof(eco_can_e2e_state));
    o_st = o_cfg + ALIGN8(nm * sizeof(eco_can_e2e_config));
    o_ss = o_st + ALIGN8(n);
    total = o_ss + ALIGN8(maxs);
    mem = eco_calloc(1, total);
    if (!mem) {
        eco_set_error("can rx: out of memory for %zu bytes", total);
        return ECO_ENOMEM;
    }
    rx = (eco_can_rx *)mem;
    rx->db = db;
    rx->value = (double *)(mem + o_val);
    rx->t_ns = (int64_t *)(mem + o_t);
    rx->timeout_ns = (int64_t *)(mem + o_to);
    rx->scratch_value = (double *)(mem + o_sv);
    rx->e2e = (eco_can_e2e_state *)(mem + o_e2e);
    rx->e2e_cfg = (eco_can_e2e_config *)(mem + o_cfg);
    rx->state = (uint8_t *)(mem + o_st);
    rx->scratch_state = (uint8_t *)(mem + o_ss);
    rx->e2e_max_delta = 1;
    for (i = 0; i < db->n_signals; i++)
        rx->timeout_ns[i] =
            (int64_t)STALE_CYCLES * db->msgs[db->signals[i].msg].cycle_time_ms * 1000000;
    for (i = 0; i < db->n_msgs; i++) /* the DBC's own, until the mapping says otherwise */
        if (eco_can_e2e_config_from_db(db, i, &rx->e2e_cfg[i]) != ECO_OK) {
            eco_free(mem);
            return ECO_EINVAL;
        }
    eco_can_rx_reset(rx);
    *out = rx;
    return ECO_OK;
}

void eco_can_rx_free(eco_can_rx *rx)
{
    eco_free(rx);
}

void eco_can_rx_reset(eco_can_rx *rx)
{
    int i;
    for (i = 0; i < rx->db->n_signals; i++) {
        rx->value[i] = 0.0;
        rx->t_ns[i] = INT64_MIN;
        rx->state[i] = ECO_CAN_SIG_ABSENT;
    }
    for (i = 0; i < rx->db->n_msgs; i++)
        eco_can_e2e_reset(&rx->e2e[i]);
    memset(&rx->stats, 0, sizeof rx->stats);
}

int eco_can_rx_set_cycle_ms(eco_can_rx *rx, int sig, int cycle_ms)
{
    if (sig < 0 || sig >= rx->db->n_signals || cycle_ms < 0 || cycle_ms > 3600000)
        return ECO_EINVAL;
    rx->timeout_ns[sig] = (int64_t)STALE_CYCLES * cycle_ms * 1000000;
    return ECO_OK;
}

int eco_can_rx_set_timeout_ns(eco_can_rx *rx, int sig, int64_t timeout_ns)
{
    if (sig < 0 || sig >= rx->db->n_signals || timeout_ns < 0)
        return ECO_EINVAL;
    rx->timeout_ns[sig] = timeout_ns;
    return ECO_OK;
}

int64_t eco_can_rx_timeout_ns(const eco_can_rx *rx, int sig)
{
    return sig >= 0 && sig < rx->db->n_signals ? rx->timeout_ns[sig] : 0;
}

int eco_can_rx_set_e2e_max_delta(eco_can_rx *rx, unsigned max_delta)
{
    if (max_delta < 1 || max_delta > 255)
        return ECO_EINVAL;
    rx->e2e_max_delta = max_delta;
    return ECO_OK;
}

int eco_can_rx_set_e2e(eco_can_rx *rx, int msg, const eco_can_e2e_config *cfg)
{
    if (msg < 0 || msg >= rx->db->n_msgs)
        return ECO_EINVAL;
    rx->e2e_cfg[msg] = *cfg;
    eco_can_e2e_reset(&rx->e2e[msg]);
    return ECO_OK;
}

int64_t eco_can_rx_age_ns(const eco_can_rx *rx, int sig, int64_t now_ns)
{
    int64_t t = rx->t_ns[sig];
    return t == INT64_MIN ? INT64_MAX : now_ns - t;
}

int eco_can_rx_frame(eco_can_rx *rx, const eco_can_frame *f, int64_t t_ns)
{
    const eco_can_db *db = rx->db;
    const eco_can_message *m;
    eco_can_e2e_result res;
    int mi, i, first;

    rx->stats.frames++;
    if ((f->id & (ECO_CAN_RTR_FLAG | ECO_CAN_ERR_FLAG)) ||
        eco_can_db_message_by_id(db, f->id, &mi) != ECO_OK) {
        rx->stats.unknown++;
        return ECO_ENOENT;
    }
    m = &db->msgs[mi];
    if (f->dlc < m->dlc) {
        rx->stats.short_frames++;
        rx->stats.rejected++;
        return ECO_EINVAL;
    }
    if (rx->e2e_cfg[mi].cks.algorithm != ECO_CAN_CHECKSUM_NONE &&
        eco_can_e2e_config_check(&rx->e2e_cfg[mi], f->data, m->dlc, rx->e2e_max_delta, &rx->e2e[mi],
                                 &res) != ECO_OK) {
        if (res == ECO_CAN_E2E_BAD_CRC)
            rx->stats.crc_errors++;
        else
            rx->stats.counter_errors++;
        rx->stats.rejected++;
        return ECO_ECRC;
    }
    eco_can_message_decode(db, mi, f, rx->scratch_value, rx->scratch_state);
    for (i = 0; i < m->n_signals; i++)
        if (rx->scratch_state[i] == ECO_CAN_SIG_NAN) {
            rx->stats.bad_values++;
            rx->stats.rejected++;
            return ECO_EINVAL;
        }
    first = m->first_signal;
    for (i = 0; i < m->n_signals; i++) {
        uint8_t st = rx->scratch_state[i];
        if (st == ECO_CAN_SIG_ABSENT)
            continue;
        rx->value[first + i] = rx->scratch_value[i];
        rx->state[first + i] = st;
        rx->t_ns[first + i] = t_ns;
        rx->stats.out_of_range += st == ECO_CAN_SIG_RANGE;
    }
    rx->stats.accepted++;
    return ECO_OK;
}

int eco_can_rx_get(const eco_can_rx *rx, int sig, int64_t now_ns, double *value)
{
    int64_t t = rx->t_ns[sig], to = rx->timeout_ns[sig];
    *value = rx->value[sig];
    if (t == INT64_MIN || (to > 0 && now_ns - t > to))
        return ECO_ESTALE;
    return rx->state[sig] == ECO_CAN_SIG_RANGE ? ECO_ERANGE : ECO_OK;
}
