/* Campaigns: every combination of vehicles, cycles, controllers and MPC weight points, run
 * as independent cases over worker processes, one JSON line per case (docs/campaign.md).
 * ecosim sweep is the one-vehicle, one-cycle form. */
#ifndef ECOSIM_CAMPAIGN_H
#define ECOSIM_CAMPAIGN_H

#include "ecodrive/mpc.h"
#include "runner.h"
#include "summary.h"

#include <cjson/cJSON.h>
#include <stdint.h>

#define ECO_CAMPAIGN_KEYS_MAX   9 /* the MPC weights keys (models/weights/README.md) */
#define ECO_CAMPAIGN_POINTS_MAX 100000
#define ECO_CAMPAIGN_HASH_CHARS 17 /* 16 hex digits and the NUL */

typedef enum {
    ECO_CAMPAIGN_BASELINE, /* the rule-based controller: no weights, one case per car and cycle */
    ECO_CAMPAIGN_MPC,
    ECO_CAMPAIGN_DP,
} eco_campaign_controller;

/* One set of MPC weights a campaign runs: a preset, or a point of its grid, list or sample. */
typedef struct {
    char label[32]; /* "eco", "balanced", "comfort", or "p<N>" (N from 0 in campaign order) */
    eco_mpc_weights w;
} eco_campaign_point;

/* One case: indices into the campaign's vehicles, cycles and points (point -1 for the
 * baseline controller), and its controller. */
typedef struct {
    int vehicle, cycle, controller, point;
} eco_campaign_case;

/* A campaign as parsed and checked: everything loaded, every case listed in output order:
 * vehicles, then cycles, then controllers, then points, the last varying fastest. */
typedef struct {
    int n_vehicles;
    eco_vehicle *vehicles;
    char (*vehicle_source)[256]; /* the entry as written (a path or "epa:FILE:MODEL") */
    uint64_t *vehicle_content;   /* hash of what the vehicle was loaded from */
    int n_cycles;
    eco_sim_cycle *cycles;
    uint64_t *cycle_content; /* hash of the cycle's file and name */
    int n_controllers;
    eco_campaign_controller controller[3];
    int n_points;
    eco_campaign_point *points; /* may hold more than n_points: those past it have no case
                                 * and are not hashed (ecosim sweep's presets, run beside) */
    int n_keys;                 /* the weights the points vary, in the order first met */
    char keys[ECO_CAMPAIGN_KEYS_MAX][64];
    eco_sim_options sim; /* band and step; keep_series and quiet are set per run */
    double start_fuel_g; /* the engines' start fuel as set for every vehicle; < 0: their own */
    int n_cases;
    eco_campaign_case *cases;
    int sweep_value; /* lines carry "value": the one varied key's value (ecosim sweep) */
    char hash[ECO_CAMPAIGN_HASH_CHARS]; /* of the canonical content (eco_campaign_finish) */
} eco_campaign;

/* What one case's run gives: the summary as `ecosim run --json` prints it and the comfort
 * figures from the time series. Plain data: it goes through a pipe whole. */
typedef struct {
    eco_sim_summary sum;
    double jerk_rms_mps3, accel_rms_mps2;
} eco_campaign_result;

/* Which of a campaign's cases a process runs: every n-th from the k-th (k in [0, n)). */
typedef struct {
    int k, n;
} eco_campaign_shard;

/* Parse "K/N" with N >= 1 and 0 <= K < N. Prints `ecosim CMD: --shard ...` and returns 2 on
 * anything else, else 0. */
int eco_campaign_parse_shard(const char *cmd, const char *arg, eco_campaign_shard *out);

/* Load and check a campaign file (schema in docs/campaign.md) into *c: every vehicle and
 * cycle loaded, every weight checked against its range, before any run. On error prints one
 * message naming the file and the JSON path ($.vehicles[1]) and returns 2 (c left empty). */
int eco_campaign_load(const char *path, eco_campaign *c);

/* Whether a vehicle and controller pair of c cannot be planned yet (a parallel P2 hybrid
 * with the MPC or the DP): 1 and the pair's indices, else 0. */
int eco_campaign_unplanned(const eco_campaign *c, int *vehicle, int *controller);
/* Build the case list and the hash once vehicles, cycles, controllers and points are set.
 * Returns 0, or 2 after a message (no case, too many, a pair eco_campaign_unplanned). */
int eco_campaign_finish(eco_campaign *c);
void eco_campaign_free(eco_campaign *c);

/* eco_free on each of the N pointers (the arrays a struct owns, freed in one place). */
void eco_campaign_free_each(void *const *p, size_t n);

/* Run a case's controller over its cycle (keep_series on, silent); the result into *r.
 * Prints a clear message and returns 1 on failure, else 0. */
int eco_campaign_run_case(const eco_campaign *c, const eco_campaign_case *cs,
                          eco_campaign_result *r);

/* The JSON line of case i (no newline): the campaign hash, the shard if n > 1, the case,
 * the label and weights, the summary's keys (without the solver timings, which are no
 * result), jerk and acceleration rms and the saving against baseline (the baseline run of
 * the same vehicle and cycle; NULL: null). eco_malloc'd text, NULL on ENOMEM. */
char *eco_campaign_line(const eco_campaign *c, const eco_campaign_shard *shard, int i,
                        const eco_campaign_result *r, const eco_campaign_result *baseline);

/* Name of a controller, and its value from a name (-1 if unknown). */
const char *eco_campaign_controller_name(eco_campaign_controller k);
int eco_campaign_controller_from_name(const char *name);

/* The FNV-1a 64-bit hash of n bytes, continued from h (start at ECO_FNV_OFFSET). */
#define ECO_FNV_OFFSET 1469598103934665603ULL
uint64_t eco_campaign_fnv(uint64_t h, const void *data, size_t n);

#endif
