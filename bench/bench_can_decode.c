/* Benchmark: nanoseconds per received frame for the default DBC's input frames.
 * "rx_frame" is the daemon's per-frame path (id lookup, length and E2E check, decode of
 * every signal, timestamps); "rx_frame_ALGORITHM" the same with the two E2E messages
 * configured as a mapping's "e2e" entry would (issue 11's algorithms; the nibble ones on the
 * CRC byte's high nibble); "decode" is eco_can_message_decode alone. Each sample times
 * a batch of frames; prints one JSON line per case with the median and p99 over samples.
 * With FD_DBC (tests/data/ecodrive_fd.dbc), "rx_frame_fd" and "decode_fd": the same values
 * in its frames (a 64-byte CAN FD EcoVehicleMotion), to set FD decoding beside classic.
 * Usage: bench_can_decode [DBC] [SAMPLES] [FD_DBC] (default: the shipped models/ecodrive.dbc,
 * 2000, none). */
#include "ecodrive/can.h"
#include "ecodrive/config.h"

#include "../src/can/checksum.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BATCH 1000 /* frames per timed sample: well above the clock's resolution */

static double now_ns(void)
{
    /* the thread-CPU clock: the machine is shared, and preemption is not the decoder's cost */
    return (double)eco_clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The hand-worked frames of tests/test_can_codec.c: motion and engine carry a valid CRC;
 * their counters are advanced per frame below so that the E2E check passes every time. */
static eco_can_frame frames[3] = {
    {0x100, 8, {0xD0, 0x07, 0xC4, 0x09, 0xA3, 0xFE, 0x05, 0x7C}, 0},
    {0x101, 8, {0xE8, 0x28, 0x13, 0xFC, 0x64, 0x00, 0x35, 0x13}, 0},
    {0x102, 8, {0x96, 0x19, 0xD1, 0x88, 0xAE, 0xFC}, 0},
};

/* BATCH copies of the three frames with rolling counters and checksums, built before timing
 * (by the receive state's E2E configuration when rx is given, else the DBC's). */
static int build(const eco_can_db *db, const eco_can_rx *rx, eco_can_frame *out)
{
    uint8_t counter[3] = {0, 0, 0};
    int i;
    for (i = 0; i < BATCH; i++) {
        int k = i % 3, mi;
        out[i] = frames[k];
        if (eco_can_db_message_by_id(db, out[i].id, &mi) != ECO_OK)
            return -1;
        if (rx && rx->e2e_cfg[mi].cks.algorithm != ECO_CAN_CHECKSUM_NONE)
            eco_can_e2e_config_protect(&rx->e2e_cfg[mi], out[i].data, 8, &counter[k]);
        else if (!rx && db->msgs[mi].e2e_crc >= 0)
            eco_can_e2e_protect(db, mi, out[i].data, &counter[k]);
    }
    return 0;
}

static void report(const char *what, double *ns, int samples, unsigned long allocs)
{
    qsort(ns, (size_t)samples, sizeof *ns, cmp);
    printf("{\"bench\":\"can_decode\",\"case\":\"%s\",\"frames_per_sample\":%d,\"samples\":%d,"
           "\"ns_per_frame_median\":%.1f,\"ns_per_frame_p99\":%.1f,\"ns_per_frame_min\":%.1f,"
           "\"allocations\":%lu}\n",
           what, BATCH, samples, ns[samples / 2], ns[(int)(0.99 * (samples - 1))], ns[0], allocs);
}

/* rx_frame: the E2E state must see the counters in order, so reset it per sample (outside
 * the timed region) and replay the same batch. Returns 0, or 1 if a frame was refused. */
static int time_rx_frame(eco_can_rx *rx, const eco_can_frame *batch, double *ns, int samples,
                         const char *what)
{
    int rc = 0;
    unsigned long a0 = eco_alloc_count();
    for (int s = -samples / 10; s < samples; s++) { /* the first tenth warms up */
        eco_can_rx_reset(rx);
        double t0 = now_ns();
        for (int i = 0; i < BATCH; i++)
            rc |= eco_can_rx_frame(rx, &batch[i], (int64_t)i * 1000);
        if (s >= 0)
            ns[s] = (now_ns() - t0) / BATCH;
    }
    if (rc != ECO_OK || rx->stats.accepted != BATCH) {
        fprintf(stderr, "bench_can_decode: frames rejected (%d)\n", rc);
        return 1;
    }
    report(what, ns, samples, eco_alloc_count() - a0);
    return 0;
}

/* The E2E messages of the batch (those the DBC protects) under algorithm a, with the data
 * id list 1..16 where one is needed; the nibble checksums take the CRC byte's high nibble. */
static int configure(const eco_can_db *db, eco_can_rx *rx, eco_can_checksum_algorithm a)
{
    static const uint8_t list[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    for (int mi = 0; mi < db->n_msgs; mi++) {
        const eco_can_message *m = &db->msgs[mi];
        eco_can_e2e_config c;
        int nibble = a == ECO_CAN_CHECKSUM_HONDA || a == ECO_CAN_CHECKSUM_HYUNDAI;
        if (m->e2e_crc < 0 || m->id > 0x102)
            continue;
        if (eco_can_e2e_config_init(db, mi, nibble ? ECO_CAN_CHECKSUM_AUTOSAR_P1 : a,
                                    m->e2e_counter, m->e2e_crc, m->e2e_data_id, list, "bench",
                                    &c) != ECO_OK)
            return 1;
        if (nibble) {
            c.cks.algorithm = a;
            c.cks.checksum.start_bit = (uint16_t)(c.cks.checksum.start_bit + 4);
            c.cks.checksum.length_bits = 4;
            if (eco_can_checksum_setup(&c.cks, m->dlc, "bench") != ECO_OK)
                return 1;
        }
        if (eco_can_rx_set_e2e(rx, mi, &c) != ECO_OK)
            return 1;
    }
    return 0;
}

/* rx_frame once per algorithm of issue 11's contract. */
static int time_algorithms(const eco_can_db *db, eco_can_rx *rx, eco_can_frame *batch, double *ns,
                           int samples)
{
    static const eco_can_checksum_algorithm algos[] = {
        ECO_CAN_CHECKSUM_NONE,   ECO_CAN_CHECKSUM_AUTOSAR_P1, ECO_CAN_CHECKSUM_AUTOSAR_P2,
        ECO_CAN_CHECKSUM_TOYOTA, ECO_CAN_CHECKSUM_HONDA,      ECO_CAN_CHECKSUM_VW_MQB,
        ECO_CAN_CHECKSUM_HYUNDAI};
    char what[64];
    for (size_t k = 0; k < sizeof algos / sizeof *algos; k++) {
        snprintf(what, sizeof what, "rx_frame_%s", eco_can_checksum_algorithm_name(algos[k]));
        if (configure(db, rx, algos[k]) || build(db, rx, batch) ||
            time_rx_frame(rx, batch, ns, samples, what)) {
            fprintf(stderr, "bench_can_decode: %s: %s\n", what, eco_last_error());
            return 1;
        }
    }
    return 0;
}

/* The batch in another DBC's layout: each frame decoded by db, its signals encoded by name
 * into the frame of the same message of fd, E2E-protected as fd says. */
static int build_fd(const eco_can_db *db, const eco_can_db *fd, const eco_can_frame *batch,
                    eco_can_frame *out)
{
    uint8_t counter[3] = {0, 0, 0};
    double v[16];
    uint8_t st[16];
    for (int i = 0; i < BATCH; i++) {
        int k = i % 3, mi, fi, s;
        if (eco_can_db_message_by_id(db, batch[i].id, &mi) != ECO_OK ||
            eco_can_message_decode(db, mi, &batch[i], v, st) != ECO_OK ||
            eco_can_db_message_find(fd, db->msgs[mi].name, &fi) != ECO_OK)
            return -1;
        out[i] = eco_can_message_frame(&fd->msgs[fi]);
        for (int j = 0; j < db->msgs[mi].n_signals && j < 16; j++) {
            const eco_can_signal *cs = &db->signals[db->msgs[mi].first_signal + j];
            if (eco_can_db_signal_find(fd, cs->name, &s) == ECO_OK && s != fd->msgs[fi].e2e_crc)
                eco_can_signal_encode(&fd->signals[s], v[j], out[i].data);
        }
        if (fd->msgs[fi].e2e_crc >= 0)
            eco_can_e2e_protect(fd, fi, out[i].data, &counter[k]);
    }
    return 0;
}

static void time_decode(const eco_can_db *db, const eco_can_frame *batch, double *ns, int samples,
                        const char *what)
{
    static int idx[BATCH];
    double vals[16], sink = 0;
    uint8_t st[16];
    for (int i = 0; i < BATCH; i++)
        eco_can_db_message_by_id(db, batch[i].id, &idx[i]);
    unsigned long a0 = eco_alloc_count();
    for (int s = -samples / 10; s < samples; s++) {
        double t0 = now_ns();
        for (int i = 0; i < BATCH; i++) {
            eco_can_message_decode(db, idx[i], &batch[i], vals, st);
            sink += vals[0];
        }
        if (s >= 0)
            ns[s] = (now_ns() - t0) / BATCH;
    }
    report(what, ns, samples, eco_alloc_count() - a0);
    if (sink == 42.4242)
        puts(""); /* keep the decode loop from being optimised away */
}

int main(int argc, char **argv)
{
    char path[4096];
    int samples = argc > 2 ? atoi(argv[2]) : 2000;
    eco_can_frame *batch = calloc(BATCH, sizeof *batch);
    double *ns = calloc((size_t)(samples > 0 ? samples : 1), sizeof *ns);
    eco_can_db *db;
    eco_can_rx *rx;

    if (samples < 1 || !batch || !ns)
        return 2;
    if (eco_cfg_dbc_find(argc > 1 ? argv[1] : NULL, path, sizeof path))
        return 2;
    if (eco_can_db_load(path, &db) != ECO_OK || eco_can_rx_create(db, &rx) != ECO_OK) {
        fprintf(stderr, "bench_can_decode: %s\n", eco_last_error());
        return 1;
    }
    if (build(db, NULL, batch) != 0) {
        fprintf(stderr, "bench_can_decode: %s lacks the ecodrive.dbc input frames\n", path);
        return 1;
    }
    if (time_rx_frame(rx, batch, ns, samples, "rx_frame"))
        return 1;
    time_decode(db, batch, ns, samples, "decode");
    if (argc > 3) { /* before the algorithms: the batch is still the DBC's own */
        eco_can_db *fd;
        eco_can_rx *rx_fd;
        eco_can_frame *fd_batch = calloc(BATCH, sizeof *fd_batch);
        if (!fd_batch || eco_can_db_load(argv[3], &fd) != ECO_OK ||
            eco_can_rx_create(fd, &rx_fd) != ECO_OK || build_fd(db, fd, batch, fd_batch)) {
            fprintf(stderr, "bench_can_decode: %s: %s\n", argv[3], eco_last_error());
            return 1;
        }
        if (time_rx_frame(rx_fd, fd_batch, ns, samples, "rx_frame_fd"))
            return 1;
        time_decode(fd, fd_batch, ns, samples, "decode_fd");
        eco_can_rx_free(rx_fd);
        eco_can_db_free(fd);
        free(fd_batch);
    }
    if (time_algorithms(db, rx, batch, ns, samples))
        return 1;
    eco_can_rx_free(rx);
    eco_can_db_free(db);
    free(batch);
    free(ns);
    return 0;
}
