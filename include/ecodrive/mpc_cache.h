/* A cache of the MPC's transition tables (docs/mpc.md, "Create time"). Building an MPC
 * evaluates the model over every entry of its transition table; what it evaluates depends
 * on the vehicle, the table's grid and the SOC it is built at, not on the weights (they
 * only price it). The cache keeps those weight-free transitions under a hash of what they
 * depend on, in memory and optionally in a store the host provides (files: src/control
 * does no I/O), so that every MPC after the first for a vehicle and grid is made from
 * them, bit-identical to one built afresh. What comes back from a store is checked
 * (magic, format version, key hash and key, sizes, a checksum of the payload, and a spot
 * check of entries against the model) and rebuilt when it fails, never trusted. */
#ifndef ECODRIVE_MPC_CACHE_H
#define ECODRIVE_MPC_CACHE_H

#include "ecodrive/mpc.h"

typedef struct eco_mpc_cache eco_mpc_cache;

/* Where a cache keeps tables beyond the process: a host's functions over named blobs. */
typedef struct {
    void *ctx;
    /* The bytes stored under name into *blob (eco_malloc'd; the cache frees it) and their
     * count into *bytes. Non-zero: none stored (not an error). */
    int (*load)(void *ctx, const char *name, void **blob, size_t *bytes);
    /* Store the bytes under name so that a reader sees either the old or the new bytes
     * whole. Non-zero on failure: the cache goes on without. */
    int (*save)(void *ctx, const char *name, const void *blob, size_t bytes);
    /* Told why the bytes under name were refused (stale or corrupt), before the table is
     * built and saved again. May be NULL. */
    void (*refused)(void *ctx, const char *name, const char *why);
} eco_mpc_cache_store;

/* What a cache has done since it was made. */
typedef struct {
    long hits;          /* tables served from memory */
    long loads;         /* tables taken from the store, after the checks */
    long builds;        /* tables built (neither had it) */
    long refused;       /* stored tables refused as stale or corrupt */
    long saves;         /* tables written to the store */
    long save_failures; /* writes the store refused */
    long evictions;     /* tables dropped from memory for max_bytes */
    size_t bytes;       /* held in memory now */
} eco_mpc_cache_stats;

/* A cache holding at most max_bytes of tables in memory (the least recently used go first;
 * the one in use always stays), with a store (copied; NULL: memory only). NULL on ENOMEM. */
eco_mpc_cache *eco_mpc_cache_create(size_t max_bytes, const eco_mpc_cache_store *store);
void eco_mpc_cache_free(eco_mpc_cache *cache);
void eco_mpc_cache_stats_get(const eco_mpc_cache *cache, eco_mpc_cache_stats *st);

/* eco_mpc_create with the transitions from the cache (built and kept there on a miss):
 * the same controller, bit for bit, as eco_mpc_create(veh, dt_s, s, w). cache NULL: plain
 * eco_mpc_create. NULL on ENOMEM or bad settings, with eco_last_error() set. */
eco_controller *eco_mpc_create_cached(eco_mpc_cache *cache, const eco_vehicle *veh, double dt_s,
                                      const eco_mpc_settings *s, const eco_mpc_weights *w);

/* The name a store keeps the table of (veh, s) under ("mpc-table-<16 hex digits>.bin"; the
 * digits are the key's hash) into name (at least 32 bytes). ECO_OK or ECO_EINVAL. */
int eco_mpc_cache_name(const eco_vehicle *veh, const eco_mpc_settings *s, char *name, size_t size);

#endif
