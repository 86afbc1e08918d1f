/* Benchmark: nanoseconds per frame of eco_can_checksum_check (compute + compare with the
 * field, the receive path's cost) for every algorithm, on a classic 8-byte and a CAN FD
 * 64-byte payload. Each sample times a batch of distinct valid frames on the monotonic clock
 * (wall time, preemption included) and on the thread's CPU clock (preemption excluded: on a
 * shared machine the wall p99 measures the other processes); prints one JSON line per case
 * with the median and p99 over samples of both, and the allocations made while timing.
 * Usage: bench_checksum [SAMPLES] (default 1000). */
#include "../src/can/checksum.h"
#include "ecodrive/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 1024 /* frames per timed sample: well above the clock's resolution */

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A message for algorithm a: checksum on byte 3 (3.7..3.4 for the nibble sums, bytes 3-4
 * for hkg_canfd), counter 1.3..1.0; the same layout as the unit tests' synthetic messages. */
static int configure(eco_can_checksum_algorithm a, size_t len, eco_can_checksum_config *c)
{
    int i;
    memset(c, 0, sizeof *c);
    c->algorithm = a;
    c->address = 0x2A5;
    c->checksum = (eco_can_bitfield){24, 8, 1};
    c->counter = (eco_can_bitfield){8, 4, 1};
    if (a == ECO_CAN_CHECKSUM_HONDA || a == ECO_CAN_CHECKSUM_HYUNDAI)
        c->checksum = (eco_can_bitfield){28, 4, 1};
    if (a == ECO_CAN_CHECKSUM_HKG_CANFD)
        c->checksum = (eco_can_bitfield){24, 16, 1};
    c->data_id = a == ECO_CAN_CHECKSUM_XOR ? 0x34 : 0x1234;
    for (i = 0; i < ECO_CAN_CHECKSUM_N_DATA_IDS; i++)
        c->data_id_list[i] = (uint8_t)(0x10 + 7 * i);
    return eco_can_checksum_setup(c, len, eco_can_checksum_algorithm_name(a));
}

static int run(eco_can_checksum_algorithm a, size_t len, int samples, uint8_t (*frames)[64],
               double *ns, double *cpu)
{
    eco_can_checksum_config c;
    unsigned long a0;
    int s, i, bad = 0;

    if (configure(a, len, &c) != ECO_OK) {
        fprintf(stderr, "bench_checksum: %s\n", eco_last_error());
        return -1;
    }
    for (i = 0; i < BATCH; i++) { /* distinct payloads with valid checksums, built untimed */
        size_t k;
        for (k = 0; k < len; k++)
            frames[i][k] = (uint8_t)rand();
        eco_can_bitfield_set(&c.counter, (uint32_t)i, frames[i]);
        eco_can_checksum_write(&c, frames[i], len);
    }
    a0 = eco_alloc_count();
    for (s = 0; s < samples; s++) {
        int64_t c0 = eco_clock_ns(CLOCK_THREAD_CPUTIME_ID), t0 = eco_clock_ns(CLOCK_MONOTONIC);
        for (i = 0; i < BATCH; i++)
            bad += eco_can_checksum_check(&c, frames[i], len) != ECO_OK;
        ns[s] = (double)(eco_clock_ns(CLOCK_MONOTONIC) - t0) / BATCH;
        cpu[s] = (double)(eco_clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0) / BATCH;
    }
    qsort(ns, (size_t)samples, sizeof *ns, cmp);
    qsort(cpu, (size_t)samples, sizeof *cpu, cmp);
    printf("{\"bench\":\"checksum\",\"algorithm\":\"%s\",\"bytes\":%zu,\"frames_per_sample\":%d,"
           "\"samples\":%d,\"ns_per_frame_median\":%.1f,\"ns_per_frame_p99\":%.1f,"
           "\"ns_per_frame_min\":%.1f,\"cpu_ns_per_frame_median\":%.1f,"
           "\"cpu_ns_per_frame_p99\":%.1f,\"failed_checks\":%d,\"allocations\":%lu}\n",
           eco_can_checksum_algorithm_name(a), len, BATCH, samples, ns[samples / 2],
           ns[(int)(0.99 * (samples - 1))], ns[0], cpu[samples / 2],
           cpu[(int)(0.99 * (samples - 1))], bad, eco_alloc_count() - a0);
    return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
    static const size_t lengths[] = {8, 64};
    int samples = argc > 1 ? atoi(argv[1]) : 1000, a, rc = 0;
    uint8_t(*frames)[64] = calloc(BATCH, sizeof *frames);
    double *ns = calloc((size_t)(samples > 0 ? samples : 1), sizeof *ns);
    double *cpu = calloc((size_t)(samples > 0 ? samples : 1), sizeof *cpu);
    size_t l;

    if (samples < 1 || !frames || !ns || !cpu)
        return 2;
    srand(1);
    for (a = ECO_CAN_CHECKSUM_NONE; a < ECO_CAN_CHECKSUM_N_ALGORITHMS; a++)
        for (l = 0; l < sizeof lengths / sizeof *lengths; l++)
            if (run((eco_can_checksum_algorithm)a, lengths[l], samples, frames, ns, cpu) != 0)
                rc = 1;
    free(frames);
    free(ns);
    free(cpu);
    return rc;
}
