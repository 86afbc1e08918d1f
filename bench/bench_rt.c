/* bench_rt: the control period's jitter of `ecodrived --replay --realtime` (the same core and
 * replay code) over a synthetic log of the DBC's inputs at their cycle times. Prints one JSON
 * line: wake-up lateness of the 10 Hz steps (p50, p99, max, us) and overruns (steps woken a
 * whole period or more late: the step before ran past this deadline).
 *
 * usage: bench_rt [--minutes M] [--cpu N] [--sched-fifo P] [--mlockall] [--controller C]
 *                 [--label TEXT]
 * Run a load on the other core yourself (e.g. `stress -c 1` pinned with taskset). */
#include "ecodrive/config.h"
#include "ecodrive/mpc.h"
#include "ecodrive/rt.h"
#include "ecodrive/datadir.h"

#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Inputs at their DBC cycle times for `minutes`: a car cruising between 30 and 90 km/h. */
static int write_log(const char *path, const eco_can_db *db, const eco_can_mapping *m,
                     double minutes, long *frames)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return -1;
    int msgs[ECO_CAN_IN_COUNT];
    int n = eco_can_mapping_input_messages(m, db, msgs, ECO_CAN_IN_COUNT);
    uint8_t ctr[ECO_CAN_IN_COUNT] = {0};
    long t_end_ms = (long)(minutes * 60000.0);
    *frames = 0;
    for (long t = 0; t < t_end_ms; t++) {
        double v = (60.0 + 30.0 * sin(t * 1e-3 * 0.05)) / 3.6;
        for (int i = 0; i < n; i++) {
            const eco_can_message *msg = &db->msgs[msgs[i]];
            if (msg->cycle_time_ms <= 0 || t % msg->cycle_time_ms != i)
                continue;
            eco_can_log_entry e;
            memset(&e, 0, sizeof e);
            e.t_us = 1700000000000000LL + t * 1000;
            strcpy(e.iface, "vcan0");
            e.frame.id = msg->id;
            e.frame.dlc = msg->dlc;
            eco_can_mapping_encode_input(m, db, ECO_CAN_IN_VEHICLE_SPEED_MPS, v, &e.frame);
            eco_can_mapping_encode_input(m, db, ECO_CAN_IN_SET_SPEED_MPS, v + 0.5, &e.frame);
            eco_can_mapping_encode_input(m, db, ECO_CAN_IN_ENGINE_SPEED_RADPS, 180.0, &e.frame);
            eco_can_mapping_encode_input(m, db, ECO_CAN_IN_ENGINE_TORQUE_NM, 60.0, &e.frame);
            eco_can_mapping_encode_input(m, db, ECO_CAN_IN_ACCEL_PEDAL, 0.2, &e.frame);
            eco_can_mapping_encode_input(m, db, ECO_CAN_IN_GEAR, 1, &e.frame);
            eco_can_mapping_encode_input(m, db, ECO_CAN_IN_BATTERY_SOC, 0.6, &e.frame);
            eco_can_mapping_encode_input(m, db, ECO_CAN_IN_BATTERY_VOLTAGE_V, 201.6, &e.frame);
            eco_can_mapping_encode_input(m, db, ECO_CAN_IN_BATTERY_CURRENT_A, 3.0, &e.frame);
            if (msg->e2e_crc >= 0)
                eco_can_e2e_protect(db, msgs[i], e.frame.data, &ctr[i]);
            eco_can_log_write(fp, &e);
            (*frames)++;
        }
    }
    return fclose(fp) == 0 ? 0 : -1;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    static const struct option opts[] = {{"minutes", 1, 0, 'm'},
                                         {"cpu", 1, 0, 'c'},
                                         {"sched-fifo", 1, 0, 'f'},
                                         {"mlockall", 0, 0, 'l'},
                                         {"controller", 1, 0, 'k'},
                                         {"label", 1, 0, 'L'},
                                         {0, 0, 0, 0}};
    double minutes = 30.0;
    int cpu = -1, prio = 0, lock = 0, ch;
    const char *controller = "mpc", *label = "";
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'm':
            minutes = atof(optarg);
            break;
        case 'c':
            cpu = atoi(optarg);
            break;
        case 'f':
            prio = atoi(optarg);
            break;
        case 'l':
            lock = 1;
            break;
        case 'k':
            controller = optarg;
            break;
        case 'L':
            label = optarg;
            break;
        default:
            return 2;
        }
    }
    char dbc[4096], map_path[4096], veh_path[4096], maps[4096];
    if (eco_data_path("models/ecodrive.dbc", dbc, sizeof dbc) ||
        eco_data_path("models/mappings/ecodrive.json", map_path, sizeof map_path) ||
        eco_data_path("models/vehicles/toyota_prius_2022.json", veh_path, sizeof veh_path) ||
        eco_data_path("models/maps", maps, sizeof maps))
        return 2;
    eco_can_db *db;
    eco_can_mapping map;
    eco_vehicle veh;
    if (eco_can_db_load(dbc, &db) || eco_cfg_mapping_load(map_path, db, &map) ||
        eco_cfg_vehicle_load(veh_path, maps, &veh)) {
        fprintf(stderr, "bench_rt: %s\n", eco_last_error());
        return 2;
    }
    char log[64];
    snprintf(log, sizeof log, "%s/bench_rt_XXXXXX", P_tmpdir);
    close(mkstemp(log));
    long frames;
    if (write_log(log, db, &map, minutes, &frames)) {
        fprintf(stderr, "bench_rt: cannot write %s\n", log);
        return 1;
    }
    eco_rt_config cfg;
    eco_rt_config_default(&cfg, db, &map, &veh);
    eco_controller *ctl = strcmp(controller, "mpc") ? eco_baseline_create(&veh, cfg.dt_s)
                                                    : eco_mpc_create(&veh, cfg.dt_s, NULL, NULL);
    eco_rt *rt;
    if (!ctl || eco_rt_create(&cfg, ctl, &rt)) {
        fprintf(stderr, "bench_rt: %s\n", eco_last_error());
        return 1;
    }
    if ((prio && eco_rt_sched_fifo(prio)) || (cpu >= 0 && eco_rt_pin_cpu(cpu)) ||
        (lock && eco_rt_lock_memory())) {
        fprintf(stderr, "bench_rt: %s\n", eco_last_error());
        return 1;
    }
    long cap = (long)(minutes * 600.0) + 16, n = 0;
    int64_t *late = calloc((size_t)cap, sizeof *late);
    FILE *out = fopen("/dev/null", "w");
    eco_rt_replay_opts ro = {1, NULL, late, cap, &n, NULL};
    int rc = eco_rt_replay(rt, log, out, &ro);
    fclose(out);
    unlink(log);
    if (rc) {
        fprintf(stderr, "bench_rt: %s\n", eco_last_error());
        return 1;
    }
    const int64_t period = eco_rt_period_ns(&cfg);
    long overruns = 0;
    for (long i = 0; i < n; i++)
        overruns += late[i] >= period;
    const eco_rt_stats *st = eco_rt_stats_get(rt);
    qsort(late, (size_t)n, sizeof *late, cmp_i64);
    printf("{\"bench\":\"rt_replay_realtime\",\"label\":\"%s\",\"controller\":\"%s\","
           "\"minutes\":%.1f,\"frames\":%ld,\"steps\":%ld,\"valid_steps\":%llu,"
           "\"jitter_us\":{\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f},\"overruns\":%ld,"
           "\"cpu\":%d,\"sched_fifo\":%d}\n",
           label, controller, minutes, frames, n, (unsigned long long)st->valid_steps,
           n ? late[n / 2] * 1e-3 : 0.0, n ? late[(long)(n * 0.99)] * 1e-3 : 0.0,
           n ? late[n - 1] * 1e-3 : 0.0, overruns, cpu, prio);
    free(late);
    eco_rt_free(rt);
    eco_vehicle_free(&veh);
    eco_can_db_free(db);
    return 0;
}
