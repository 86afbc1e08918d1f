/* Benchmark: nanoseconds per horizon frame, decode and update (eco_hz_frame), on a map
 * ECU's stream: a POSITION every 10th frame, the rest speed limits, slopes and stops ahead
 * (retransmitted, as a provider does), plus one odometry advance per POSITION. Prints one
 * JSON line with the median and p99 over samples, and the CPU time per frame.
 * Usage: bench_horizon [DBC] [SAMPLES] (default: the shipped models/ecodrive.dbc, 2000). */
#include "ecodrive/config.h"
#include "ecodrive/horizon.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BATCH 1000 /* frames per timed sample */

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void put(const eco_can_db *db, int sig, double v, eco_can_frame *f)
{
    eco_can_signal_encode(&db->signals[sig], v, f->data);
}

/* Frame i of the stream: the car moves 81 m per POSITION along path 1 (a batch goes once
 * round the 8191 m offset cycle, so batches follow on without a step back); the attributes
 * come at the edge of the 2 km look-ahead, as a provider extends its horizon. */
static void make(const eco_can_db *db, const eco_hz_signals *s, int i, eco_can_frame *f)
{
    *f = eco_can_message_frame(&db->msgs[s->msg]);
    int car = (i / 10) * 81, kind = i % 10;
    int type = kind == 0 ? 1 : (kind < 5 ? 2 : (kind < 9 ? 4 : 5));
    int ahead = 1900 + 10 * kind;
    put(db, s->type, type, f);
    put(db, s->path, 1, f);
    put(db, s->offset, type == 1 ? car : (car + ahead) % ECO_HZ_OFFSET_MOD, f);
    if (type == 1)
        put(db, s->length, 2000, f);
    else if (type == 2)
        put(db, s->limit, 30 + 10 * (i % 9), f);
    else if (type == 4)
        put(db, s->slope, (i % 61) * 0.1 - 3.0, f);
    else {
        put(db, s->stop_kind, ECO_HZ_STOP_SIGNAL, f);
        put(db, s->stop_time, 20.0, f);
    }
}

int main(int argc, char **argv)
{
    char path[4096];
    int samples = argc > 2 ? atoi(argv[2]) : 2000;
    eco_can_frame *batch = calloc(BATCH, sizeof *batch);
    double *ns = calloc((size_t)(samples > 0 ? samples : 1), sizeof *ns);
    static eco_hz hz;
    eco_hz_signals s;
    eco_can_db *db;
    if (samples < 1 || !batch || !ns ||
        eco_cfg_dbc_find(argc > 1 ? argv[1] : NULL, path, sizeof path))
        return 2;
    if (eco_can_db_load(path, &db) != ECO_OK || eco_hz_signals_find(db, &s) != ECO_OK) {
        fprintf(stderr, "bench_horizon: %s has no horizon message\n", path);
        return 1;
    }
    for (int i = 0; i < BATCH; i++)
        make(db, &s, i, &batch[i]);
    eco_hz_init(&hz, 300000000LL, 1.0);
    unsigned long a0 = eco_alloc_count();
    int64_t t = 0, cpu0 = eco_clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    for (int k = -samples / 10; k < samples; k++) { /* the first tenth warms up */
        double t0 = (double)eco_clock_ns(CLOCK_MONOTONIC);
        for (int i = 0; i < BATCH; i++, t += 10000000) {
            eco_hz_frame(&hz, db, &s, &batch[i], t);
            if (i % 10 == 0)
                eco_hz_advance(&hz, 10.0, t);
        }
        if (k >= 0)
            ns[k] = ((double)eco_clock_ns(CLOCK_MONOTONIC) - t0) / BATCH;
    }
    double cpu = (double)(eco_clock_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0) /
                 ((double)BATCH * (samples + samples / 10));
    qsort(ns, (size_t)samples, sizeof *ns, cmp);
    printf("{\"bench\":\"horizon\",\"case\":\"decode_update\",\"frames_per_sample\":%d,"
           "\"samples\":%d,\"ns_per_frame_median\":%.1f,\"ns_per_frame_p99\":%.1f,"
           "\"cpu_ns_per_frame\":%.1f,\"kept\":%d,\"rejected\":%llu,\"allocations\":%lu}\n",
           BATCH, samples, ns[samples / 2], ns[(int)(0.99 * (samples - 1))], cpu, hz.n,
           (unsigned long long)hz.st.rejected, eco_alloc_count() - a0);
    eco_can_db_free(db);
    free(batch);
    free(ns);
    return 0;
}
