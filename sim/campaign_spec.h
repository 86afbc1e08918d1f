/* The parts of a campaign file's reading (campaign_spec*.c), and loading cars and cycles with
 * the hash of what they were loaded from (for ecosim sweep too). */
#ifndef ECOSIM_CAMPAIGN_SPEC_H
#define ECOSIM_CAMPAIGN_SPEC_H

#include "campaign.h"

#include <stddef.h>

typedef struct {
    char label[4096]; /* the file as named, first in every message */
    char dir[4096];   /* its directory: relative paths in it start there */
} eco_campaign_spec;

/* "ecosim campaign: FILE: PATH: message" on stderr. */
void eco_campaign_spec_error(const eco_campaign_spec *s, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Format a JSON path (or any short text) into out; cut at n - 1 characters. */
void eco_campaign_spec_format(char *out, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Refuse a key of o not in allowed (naming the allowed ones) or given twice: 0 or 2. */
int eco_campaign_spec_keys(const eco_campaign_spec *s, const cJSON *o, const char *path,
                           const char *const *allowed, int n);
/* A number in [lo, hi] at path: 0 or 2 after the message. */
int eco_campaign_spec_number(const eco_campaign_spec *s, const cJSON *o, const char *path,
                             double lo, double hi, double *out);
/* p as written in the file, relative to its directory unless absolute. */
void eco_campaign_spec_path(const eco_campaign_spec *s, const char *p, char *out, size_t n);

/* $.vehicles and $.base_weights, $.presets, $.weights into c: 0, or 2 after the message. */
int eco_campaign_spec_vehicles(const eco_campaign_spec *s, const cJSON *a, eco_campaign *c);
int eco_campaign_spec_points(const eco_campaign_spec *s, const cJSON *root, eco_campaign *c);

/* Load a vehicle file (start_fuel_g >= 0 overrides the engine's), its hash over the file
 * and its engine map's files into *content. ECO_OK or an error with eco_last_error. */
int eco_campaign_content_vehicle(const char *path, double start_fuel_g, eco_vehicle *veh,
                                 uint64_t *content);
/* Load a cycle (name: a shipped cycle's name, which picks its phases, or NULL), its hash over
 * the file and the name. ECO_OK or an error with eco_last_error. */
int eco_campaign_content_cycle(const char *path, const char *name, eco_sim_cycle *cyc,
                               uint64_t *content);

/* The same hashes without loading (ecosim sweep loads as the other commands do). */
int eco_campaign_hash_vehicle(const char *path, uint64_t *content);
uint64_t eco_campaign_hash_cycle(const char *path, const eco_sim_cycle *cyc);

#endif
