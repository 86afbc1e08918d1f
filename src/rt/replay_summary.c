/* The replay summary (issue 11: an offline check that says what the log held and why
 * setpoints were invalid, in one run). */
#include "replay_summary.h"

#include <inttypes.h>

void eco_rt_replay_summary_step(eco_rt_replay_summary *s, const eco_rt *rt, int64_t t_ns)
{
    const eco_rt_stats *st = eco_rt_stats_get(rt);
    (void)t_ns;
    s->steps++;
    s->by_reason[eco_rt_reason_of(st->faults)]++;
    if (!st->faults) {
        s->valid++;
        return;
    }
    for (unsigned i = 0; i < ECO_RT_N_FAULTS; i++)
        if (st->faults & (1u << i))
            s->invalid_by_fault[i]++;
    if (st->first_fault_field >= 0 && st->first_fault_field < ECO_CAN_IN_COUNT)
        s->invalid_by_field[st->first_fault_field]++;
}

static double pct(uint64_t a, uint64_t b)
{
    return b ? 100.0 * (double)a / (double)b : 0.0;
}

void eco_rt_replay_summary_print(const eco_rt *rt, const eco_rt_replay_summary *s,
                                 const char *log_path, FILE *f)
{
    const eco_can_rx_stats *rx = eco_rt_rx_stats(rt);
    fprintf(f,
            "ecodrived: replay of %s: %" PRIu64 " lines, %" PRIu64 " of them the daemon's own "
            "output ids (skipped)\n",
            log_path, s->lines, s->lines - rx->frames);
    fprintf(f,
            "  frames: %" PRIu64 " decoded, %" PRIu64 " unknown ids, %" PRIu64
            " rejected (short %" PRIu64 ", CRC %" PRIu64 ", counter %" PRIu64 ", NaN/inf %" PRIu64
            "), %" PRIu64 " with a value out of range\n",
            rx->accepted, rx->unknown, rx->rejected, rx->short_frames, rx->crc_errors,
            rx->counter_errors, rx->bad_values, rx->out_of_range);
    fprintf(f,
            "  setpoints: %" PRIu64 " periods, %" PRIu64 " valid (%.1f %%), %" PRIu64 " invalid\n",
            s->steps, s->valid, pct(s->valid, s->steps), s->steps - s->valid);
    for (unsigned i = 0; i < ECO_RT_N_FAULTS; i++)
        if (s->invalid_by_fault[i])
            fprintf(f, "    %" PRIu64 " periods: %s\n", s->invalid_by_fault[i],
                    eco_rt_fault_name(1u << i));
    for (int k = 0; k < ECO_CAN_IN_COUNT; k++)
        if (s->invalid_by_field[k])
            fprintf(f, "    %" PRIu64 " periods invalid first by input %s\n",
                    s->invalid_by_field[k], eco_can_in_field_name((eco_can_in_field)k));
    if (s->steps == s->valid)
        return;
    fprintf(f, "  reasons (EcoReason, one per period):");
    for (int r = 1; r < ECO_RT_REASON_COUNT; r++)
        if (s->by_reason[r])
            fprintf(f, " %s %" PRIu64 ",", eco_rt_reason_name((eco_rt_reason)r), s->by_reason[r]);
    fprintf(f, " valid %" PRIu64 "\n", s->valid);
}
