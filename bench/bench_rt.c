/* bench_rt: the control period's jitter of `ecodrived --replay --realtime` (the same core and
 * replay code) over a synthetic log of the DBC's inputs at their cycle times. Prints one JSON
 * line: wake-up lateness of the 10 Hz steps (p50, p99, max, us) and overruns (steps woken a
 * whole period or more late: the step before ran past this deadline).
 *
 * usage: bench_rt [--minutes M] [--cpu N] [--sched-fifo P] [--mlockall] [--cpu-latency US]
 *                 [--controller C] [--horizon] [--label TEXT]
 * --cpu-latency holds the CPUs' PM QoS wake-up latency at US (ecodrived's option; 0: no
 * halting, which on a virtual machine is most of the jitter: docs/daemon.md).
 * --horizon adds a map ECU's EcoHorizon frames (sim/bus_horizon.c, 2 km look-ahead) for a
 * road of changing limits and grades along the car's way: the daemon's route MPC then
 * plans on the horizon (issue 10). The cruise is engaged all along. Run a load on the other core
 * yourself (e.g. `stress -c 1` pinned with taskset). */
#include "bus_horizon.h"
#include "ecodrive/config.h"
#include "ecodrive/mpc.h"
#include "ecodrive/rt.h"

#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ROAD_STRETCH_M 2500.0
#define LOG_T0_US      1700000000000000LL

/* The road of --horizon: every ROAD_STRETCH_M a limit of 100 or 120 km/h (above the car's
 * 90) and a grade of -2 to +2 %, to the end well past where the car gets to. */
static int make_road(eco_route *road, double minutes)
{
    enum { ROWS_MAX = 64 };
    eco_route_row rows[ROWS_MAX];
    int n = (int)fmin(ROWS_MAX - 1, ceil(minutes * 60.0 * 25.0 / ROAD_STRETCH_M) + 2);
    for (int i = 0; i < n; i++)
        rows[i] = (eco_route_row){i * ROAD_STRETCH_M, (i % 2 ? 120.0 : 100.0) / 3.6,
                                  0.02 * sin(i * 1.3), 0.0, 0};
    rows[n] = (eco_route_row){n * ROAD_STRETCH_M, 100.0 / 3.6, 0.0, 0.0, 0};
    return eco_route_init(road, "bench", rows, n + 1);
}

/* One frame into the log at t_ms. */
static void log_frame(FILE *fp, long t_ms, const eco_can_frame *f, long *frames)
{
    eco_can_log_entry e;
    memset(&e, 0, sizeof e);
    e.t_us = LOG_T0_US + t_ms * 1000;
    strcpy(e.iface, "vcan0");
    e.frame = *f;
    eco_can_log_write(fp, &e);
    (*frames)++;
}

/* The map ECU's frames due at t_ms with the car at x_m. */
static void horizon_frames(FILE *fp, eco_sim_hz_ecu *ecu, double x_m, long t_ms, long *frames)
{
    eco_can_frame hf[ECO_SIM_HZ_FRAMES_MAX];
    int k = eco_sim_hz_ecu_frames(ecu, x_m, t_ms * 1000000LL, hf);
    for (int i = 0; i < k; i++)
        log_frame(fp, t_ms, &hf[i], frames);
}

/* Inputs at their DBC cycle times for `minutes`: a car cruising between 30 and 90 km/h
 * (on the map ECU's road with ecu). */
static int write_log(const char *path, const eco_can_db *db, const eco_can_mapping *m,
                     double minutes, eco_sim_hz_ecu *ecu, long *frames)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return -1;
    double x_m = 0.0;
    int msgs[ECO_CAN_IN_COUNT];
    int n = eco_can_mapping_input_messages(m, db, msgs, ECO_CAN_IN_COUNT);
    uint8_t ctr[ECO_CAN_IN_COUNT] = {0};
    long t_end_ms = (long)(minutes * 60000.0);
    *frames = 0;
    for (long t = 0; t < t_end_ms; t++) {
        double v = (60.0 + 30.0 * sin(t * 1e-3 * 0.05)) / 3.6;
        x_m += v * 1e-3;
        if (ecu)
            horizon_frames(fp, ecu, x_m, t, frames);
        for (int i = 0; i < n; i++) {
            const eco_can_message *msg = &db->msgs[msgs[i]];
            if (msg->cycle_time_ms <= 0 || t % msg->cycle_time_ms != i)
                continue;
            eco_can_frame f = eco_can_message_frame(msg);
            eco_can_mapping_encode_input(m, db, ECO_CAN_IN_VEHICLE_SPEED_MPS, v, &f);
            eco_can_mapping_encode_input(m, db, ECO_CAN_IN_SET_SPEED_MPS, v + 0.5, &f);
            eco_can_mapping_encode_input(m, db, ECO_CAN_IN_ENGINE_SPEED_RADPS, 180.0, &f);
            eco_can_mapping_encode_input(m, db, ECO_CAN_IN_ENGINE_TORQUE_NM, 60.0, &f);
            eco_can_mapping_encode_input(m, db, ECO_CAN_IN_ACCEL_PEDAL, 0.2, &f);
            eco_can_mapping_encode_input(m, db, ECO_CAN_IN_GEAR, 1, &f);
            eco_can_mapping_encode_input(m, db, ECO_CAN_IN_BATTERY_SOC, 0.6, &f);
            eco_can_mapping_encode_input(m, db, ECO_CAN_IN_BATTERY_VOLTAGE_V, 201.6, &f);
            eco_can_mapping_encode_input(m, db, ECO_CAN_IN_BATTERY_CURRENT_A, 3.0, &f);
            /* the cruise engaged, where the mapping has the signal (before, the daemon
             * stepped its controller unengaged: the same work, no valid setpoint) */
            eco_can_mapping_encode_engaged(m, db, 1, &f);
            if (msg->e2e_crc >= 0)
                eco_can_e2e_protect(db, msgs[i], f.data, &ctr[i]);
            log_frame(fp, t, &f, frames);
        }
    }
    return fclose(fp) == 0 ? 0 : -1;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

typedef struct {
    double minutes;
    int cpu, prio, lock, horizon, latency_us;
    const char *controller, *label;
} bench_args;

static int parse(int argc, char **argv, bench_args *a)
{
    static const struct option opts[] = {
        {"minutes", 1, 0, 'm'},  {"cpu", 1, 0, 'c'},         {"sched-fifo", 1, 0, 'f'},
        {"mlockall", 0, 0, 'l'}, {"controller", 1, 0, 'k'},  {"label", 1, 0, 'L'},
        {"horizon", 0, 0, 'h'},  {"cpu-latency", 1, 0, 'q'}, {0, 0, 0, 0}};
    *a = (bench_args){30.0, -1, 0, 0, 0, -1, "mpc", ""};
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'm')
            a->minutes = atof(optarg);
        else if (ch == 'c' || ch == 'f')
            *(ch == 'c' ? &a->cpu : &a->prio) = atoi(optarg);
        else if (ch == 'q')
            a->latency_us = atoi(optarg);
        else if (ch == 'l' || ch == 'h')
            *(ch == 'l' ? &a->lock : &a->horizon) = 1;
        else if (ch == 'k' || ch == 'L')
            *(ch == 'k' ? &a->controller : &a->label) = optarg;
        else
            return 2;
    }
    return 0;
}

/* The shipped DBC, its mapping and the default vehicle, found as ecodrived finds them. */
static int load(eco_can_db **db, eco_can_mapping *map, eco_vehicle *veh)
{
    char dbc[4096], map_path[4096], veh_path[4096], maps[4096];
    if (eco_cfg_dbc_find(NULL, dbc, sizeof dbc) ||
        eco_cfg_mapping_find(dbc, map_path, sizeof map_path) ||
        eco_cfg_vehicle_find(NULL, veh_path, sizeof veh_path, maps, sizeof maps) ||
        eco_can_db_load(dbc, db) || eco_cfg_mapping_load(map_path, *db, map) ||
        eco_cfg_vehicle_load(veh_path, maps, veh)) {
        fprintf(stderr, "bench_rt: %s\n", eco_last_error());
        return 2;
    }
    return 0;
}

static void report(const bench_args *a, const eco_rt *rt, long frames, int64_t *late, long n)
{
    const int64_t period = eco_rt_period_ns(eco_rt_config_get(rt));
    long overruns = 0;
    for (long i = 0; i < n; i++)
        overruns += late[i] >= period;
    qsort(late, (size_t)n, sizeof *late, cmp_i64);
    printf("{\"bench\":\"rt_replay_realtime\",\"label\":\"%s\",\"controller\":\"%s\","
           "\"preview\":\"%s\",\"minutes\":%.1f,\"frames\":%ld,\"steps\":%ld,"
           "\"valid_steps\":%llu,"
           "\"jitter_us\":{\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f},\"overruns\":%ld,"
           "\"cpu\":%d,\"sched_fifo\":%d,\"cpu_latency_us\":%d}\n",
           a->label, a->controller,
           eco_rt_horizon_state(rt) == ECO_HZ_STATE_VALID ? "horizon" : "set speed", a->minutes,
           frames, n, (unsigned long long)eco_rt_stats_get(rt)->valid_steps,
           n ? late[n / 2] * 1e-3 : 0.0, n ? late[(long)(n * 0.99)] * 1e-3 : 0.0,
           n ? late[n - 1] * 1e-3 : 0.0, overruns, a->cpu, a->prio, a->latency_us);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    bench_args a;
    eco_can_db *db;
    eco_can_mapping map;
    eco_vehicle veh;
    if (parse(argc, argv, &a) || load(&db, &map, &veh))
        return 2;
    char log[64];
    snprintf(log, sizeof log, "%s/bench_rt_XXXXXX", P_tmpdir);
    close(mkstemp(log));
    long frames;
    static eco_sim_hz_ecu ecu;
    eco_route road = {0};
    if (a.horizon && (make_road(&road, a.minutes) ||
                      eco_sim_hz_ecu_init(&ecu, db, &road, ECO_SIM_HZ_LOOKAHEAD_M))) {
        fprintf(stderr, "bench_rt: --horizon: %s\n", eco_last_error());
        return 1;
    }
    if (write_log(log, db, &map, a.minutes, a.horizon ? &ecu : NULL, &frames)) {
        fprintf(stderr, "bench_rt: cannot write %s\n", log);
        return 1;
    }
    eco_rt_config cfg;
    eco_rt_config_default(&cfg, db, &map, &veh);
    eco_controller *ctl = strcmp(a.controller, "mpc") ? eco_baseline_create(&veh, cfg.dt_s)
                                                      : eco_mpc_create(&veh, cfg.dt_s, NULL, NULL);
    eco_rt *rt;
    if (!ctl || eco_rt_create(&cfg, ctl, &rt) || (a.prio && eco_rt_sched_fifo(a.prio)) ||
        (a.cpu >= 0 && eco_rt_pin_cpu(a.cpu)) || (a.lock && eco_rt_lock_memory()) ||
        (a.latency_us >= 0 && eco_rt_hold_cpu_latency(a.latency_us) < 0)) {
        fprintf(stderr, "bench_rt: %s\n", eco_last_error());
        return 1;
    }
    long cap = (long)(a.minutes * 600.0) + 16, n = 0;
    int64_t *late = calloc((size_t)cap, sizeof *late);
    FILE *out = fopen("/dev/null", "w");
    eco_rt_replay_opts ro = {.realtime = 1, .late_ns = late, .late_cap = cap, .n_late = &n};
    int rc = eco_rt_replay(rt, log, out, &ro);
    fclose(out);
    unlink(log);
    if (rc) {
        fprintf(stderr, "bench_rt: %s\n", eco_last_error());
        return 1;
    }
    report(&a, rt, frames, late, n);
    free(late);
    eco_rt_free(rt);
    if (a.horizon)
        eco_route_free(&road);
    eco_vehicle_free(&veh);
    eco_can_db_free(db);
    return 0;
}
