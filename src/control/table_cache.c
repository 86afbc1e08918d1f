/* The cache of the MPC's weight-free transitions (include/ecodrive/mpc_cache.h): the key
 * (every byte of the vehicle, the table's grid and the SOC it is built at), the blob a
 * store keeps (header, key, payload, one block also in memory), its checks, and the
 * controller made from it. Single-threaded, as the processes that use it are. */
#include "ecodrive/mpc_cache.h"

#include "table_cache.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Bumped whenever the blob's layout or what an entry holds changes. */
#define BLOB_VERSION 1
#define BLOB_MAGIC   "ECOMPCTT"
/* Pairs a stored table must match the model on when it is loaded: a stale table (from a
 * build whose model gives other values) fails it. A small part of the table's tens of
 * thousands of pairs, so the check costs little beside the build it saves. */
#define SPOT_PAIRS 64

/* The grid part of the key: fixed-width fields only, so it has no padding. */
typedef struct {
    uint64_t version, vehicle_bytes;
    int64_t n_nodes, off_min, off_max, n_levels, n_var, stepped;
    double dv_mps, stage_s, soc_ref;
    double level_power_w[ECO_MPC_LEVELS_MAX];
} key_grid;

/* At the blob's start; the key follows, then the payload (each a multiple of 8 bytes). */
typedef struct {
    char magic[8];
    uint64_t version;
    uint64_t key_hash;
    uint64_t key_bytes;
    uint64_t payload_bytes;
    uint64_t checksum; /* of the key and the payload */
} blob_header;

typedef struct entry {
    struct entry *next;
    uint64_t key_hash, last_use;
    size_t bytes; /* the blob's */
    char *blob;   /* header, key, payload */
    eco_mpc_transitions tr;
} entry;

struct eco_mpc_cache {
    size_t max_bytes;
    int have_store;
    eco_mpc_cache_store store;
    entry *entries;
    uint64_t clock;
    eco_mpc_cache_stats st;
};

/* ---- hashing ------------------------------------------------------------------------ */

static uint64_t rotl64(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

/* The final avalanche of splitmix64 (Steele, Lea & Flood, "Fast splittable pseudorandom
 * number generators", OOPSLA 2014). */
static uint64_t avalanche(uint64_t h)
{
    h ^= h >> 30;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBull;
    return h ^ (h >> 31);
}

/* 64-bit hash of n bytes: four lanes over 32-byte blocks with xxHash64's round and primes
 * (Collet, xxHash specification, "XXH64"), then the tail, the length and an avalanche. A
 * checksum against corruption and a key's name, not a defence against an adversary. */
uint64_t eco_mpc_cache_hash64(const void *data, size_t n)
{
    const uint64_t p1 = 0x9E3779B185EBCA87ull, p2 = 0xC2B2AE3D27D4EB4Full;
    const unsigned char *b = data;
    uint64_t lane[4] = {p1 + p2, p2, 0, (uint64_t)0 - p1}, w;
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int k = 0; k < 4; k++) {
            memcpy(&w, b + i + 8 * k, 8);
            lane[k] = rotl64(lane[k] + w * p2, 31) * p1;
        }
    uint64_t h = rotl64(lane[0], 1) + rotl64(lane[1], 7) + rotl64(lane[2], 12) +
                 rotl64(lane[3], 18) + (uint64_t)n;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, b + i, 8);
        h = rotl64(h ^ (w * p2), 27) * p1;
    }
    for (; i < n; i++)
        h = rotl64(h ^ (b[i] * p1), 11) * p2;
    return avalanche(h);
}

/* ---- the key -------------------------------------------------------------------------- */

/* The key's bytes: the grid, then the vehicle as it is in memory. Every field of the vehicle
 * counts (a field added later counts too); its one pointer, the map's interpolation
 * object, is made from the map and is zeroed. Padding is copied as it is: loaders zero
 * their vehicles, and a difference there could only make a miss, never a wrong hit. */
static size_t key_bytes(void)
{
    return sizeof(key_grid) + eco_mpc_align8(sizeof(eco_vehicle));
}

static void key_make(const eco_vehicle *veh, const eco_mpc_transitions *tr, char *key)
{
    key_grid g;
    memset(&g, 0, sizeof g);
    g.version = BLOB_VERSION;
    g.vehicle_bytes = sizeof(eco_vehicle);
    g.n_nodes = tr->tab.n_nodes;
    g.off_min = tr->tab.off_min;
    g.off_max = tr->tab.off_max;
    g.n_levels = tr->tab.n_levels;
    g.n_var = tr->n_var;
    g.stepped = tr->stepped;
    g.dv_mps = tr->tab.dv_mps;
    g.stage_s = tr->tab.stage_s;
    g.soc_ref = tr->tab.soc_ref;
    memcpy(g.level_power_w, tr->tab.level_power_w, sizeof g.level_power_w);
    memset(key, 0, key_bytes());
    memcpy(key, &g, sizeof g);
    eco_vehicle *v = (eco_vehicle *)(void *)(key + sizeof g);
    memcpy(v, veh, sizeof *veh);
}

/* The transitions (sized, no arrays) and the key of veh and s. ECO_OK, ECO_EINVAL (bad
 * settings) or ECO_ENOMEM. The key is eco_malloc'd. */
static int key_of(const eco_vehicle *veh, const eco_mpc_settings *s, eco_mpc_transitions *tr,
                  char **key, uint64_t *hash)
{
    eco_mpc_dims d;
    int rc = eco_mpc_dims_make(veh, s->stage_s, s, &d);
    if (rc)
        return rc;
    eco_mpc_table t;
    double soc_ref;
    eco_mpc_ws_table_dims(veh, s, &t, &soc_ref);
    eco_mpc_transitions_dims(veh, &t, soc_ref, tr);
    *key = eco_malloc(key_bytes());
    if (!*key) {
        eco_set_error("mpc cache: out of memory");
        return ECO_ENOMEM;
    }
    key_make(veh, tr, *key);
    *hash = eco_mpc_cache_hash64(*key, key_bytes());
    return ECO_OK;
}

int eco_mpc_cache_name(const eco_vehicle *veh, const eco_mpc_settings *s, char *name, size_t size)
{
    eco_mpc_settings def;
    if (!s) {
        eco_mpc_settings_default(&def);
        s = &def;
    }
    eco_mpc_transitions tr;
    char *key;
    uint64_t hash;
    int rc = key_of(veh, s, &tr, &key, &hash);
    if (rc)
        return rc;
    eco_free(key);
    int n = snprintf(name, size, "mpc-table-%016" PRIx64 ".bin", hash);
    return n > 0 && (size_t)n < size ? ECO_OK : ECO_EINVAL;
}

/* ---- the blob ----------------------------------------------------------------------- */

static size_t payload_offset(void)
{
    return sizeof(blob_header) + key_bytes();
}

/* A blob for tr: the header and the key written, the transitions carved in it (to build). */
static char *blob_new(eco_mpc_transitions *tr, const char *key, uint64_t hash, size_t *bytes)
{
    size_t payload = eco_mpc_transitions_memsize(tr);
    *bytes = payload_offset() + payload;
    char *blob = eco_malloc(*bytes);
    if (!blob)
        return NULL;
    blob_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, BLOB_MAGIC, sizeof h.magic);
    h.version = BLOB_VERSION;
    h.key_hash = hash;
    h.key_bytes = key_bytes();
    h.payload_bytes = payload;
    memcpy(blob, &h, sizeof h);
    memcpy(blob + sizeof h, key, key_bytes());
    eco_mpc_transitions_carve(tr, blob + payload_offset());
    return blob;
}

void eco_mpc_cache_blob_seal(void *mem, size_t bytes)
{
    char *blob = mem;
    blob_header h;
    memcpy(&h, blob, sizeof h);
    h.checksum = eco_mpc_cache_hash64(blob + sizeof h, bytes - sizeof h);
    memcpy(blob, &h, sizeof h);
}

/* Whether a stored blob is the table of key, with tr sized for it; NULL if so, else why
 * not. On success tr's arrays point into the blob. */
static const char *blob_refusal(const eco_vehicle *veh, const char *blob, size_t bytes,
                                const char *key, uint64_t hash, eco_mpc_transitions *tr)
{
    static char why[160];
    blob_header h;
    size_t payload = eco_mpc_transitions_memsize(tr);
    if (bytes < sizeof h)
        return "shorter than its header";
    memcpy(&h, blob, sizeof h);
    if (memcmp(h.magic, BLOB_MAGIC, sizeof h.magic))
        return "not an ecodrive MPC table (bad magic)";
    if (h.version != BLOB_VERSION) {
        snprintf(why, sizeof why, "format version %" PRIu64 ", this build reads %d", h.version,
                 BLOB_VERSION);
        return why;
    }
    if (h.key_hash != hash)
        return "the table of another vehicle or grid (key hash)";
    if (h.key_bytes != key_bytes() || h.payload_bytes != payload)
        return "sizes in the header are not this table's";
    if (bytes != payload_offset() + payload) {
        snprintf(why, sizeof why, "%zu bytes where the header says %zu (cut short?)", bytes,
                 payload_offset() + payload);
        return why;
    }
    if (eco_mpc_cache_hash64(blob + sizeof h, bytes - sizeof h) != h.checksum)
        return "checksum mismatch (corrupt)";
    if (memcmp(blob + sizeof h, key, key_bytes()))
        return "the table of another vehicle or grid (key)";
    eco_mpc_transitions_carve(tr, (char *)blob + payload_offset());
    if (!eco_mpc_transitions_spot_check(veh, tr, SPOT_PAIRS))
        return "entries differ from the model (stale: made by another build)";
    return NULL;
}

/* ---- the cache ---------------------------------------------------------------------- */

eco_mpc_cache *eco_mpc_cache_create(size_t max_bytes, const eco_mpc_cache_store *store)
{
    eco_mpc_cache *c = eco_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->max_bytes = max_bytes;
    if (store) {
        c->store = *store;
        c->have_store = 1;
    }
    return c;
}

static void entry_free(entry *e)
{
    eco_free(e->blob);
    eco_free(e);
}

void eco_mpc_cache_free(eco_mpc_cache *c)
{
    if (!c)
        return;
    while (c->entries) {
        entry *e = c->entries;
        c->entries = e->next;
        entry_free(e);
    }
    eco_free(c);
}

void eco_mpc_cache_stats_get(const eco_mpc_cache *c, eco_mpc_cache_stats *st)
{
    *st = c->st;
}

static entry *find(eco_mpc_cache *c, const char *key, uint64_t hash)
{
    for (entry *e = c->entries; e; e = e->next)
        if (e->key_hash == hash && !memcmp(e->blob + sizeof(blob_header), key, key_bytes()))
            return e;
    return NULL;
}

/* Make room for `bytes` more: the least recently used go while the total would pass max. */
static void evict_for(eco_mpc_cache *c, size_t bytes)
{
    while (c->entries && c->st.bytes + bytes > c->max_bytes) {
        entry **oldest = &c->entries;
        for (entry **p = &c->entries; *p; p = &(*p)->next)
            if ((*p)->last_use < (*oldest)->last_use)
                oldest = p;
        entry *e = *oldest;
        *oldest = e->next;
        c->st.bytes -= e->bytes;
        c->st.evictions++;
        entry_free(e);
    }
}

/* The store's blob for key, checked; NULL if it has none or it is refused. */
static char *load_stored(eco_mpc_cache *c, const eco_vehicle *veh, const char *name,
                         const char *key, uint64_t hash, eco_mpc_transitions *tr, size_t *bytes)
{
    void *blob = NULL;
    if (!c->have_store || !c->store.load || c->store.load(c->store.ctx, name, &blob, bytes))
        return NULL;
    const char *why = blob_refusal(veh, blob, *bytes, key, hash, tr);
    if (!why)
        return blob;
    c->st.refused++;
    if (c->store.refused)
        c->store.refused(c->store.ctx, name, why);
    eco_free(blob);
    return NULL;
}

/* A new entry for key: from the store, else built (and saved). NULL on ENOMEM. */
static entry *fill(eco_mpc_cache *c, const eco_vehicle *veh, const eco_mpc_transitions *sized,
                   const char *key, uint64_t hash)
{
    entry *e = eco_calloc(1, sizeof *e);
    if (!e)
        return NULL;
    char name[40];
    snprintf(name, sizeof name, "mpc-table-%016" PRIx64 ".bin", hash);
    e->tr = *sized;
    e->key_hash = hash;
    e->blob = load_stored(c, veh, name, key, hash, &e->tr, &e->bytes);
    if (e->blob) {
        c->st.loads++;
        return e;
    }
    e->blob = blob_new(&e->tr, key, hash, &e->bytes);
    if (!e->blob) {
        eco_free(e);
        return NULL;
    }
    eco_mpc_transitions_build(veh, &e->tr, e->blob + payload_offset());
    eco_mpc_cache_blob_seal(e->blob, e->bytes);
    c->st.builds++;
    if (c->have_store && c->store.save) {
        if (c->store.save(c->store.ctx, name, e->blob, e->bytes))
            c->st.save_failures++;
        else
            c->st.saves++;
    }
    return e;
}

/* The transitions of veh and s, from memory, the store or built; NULL on error. */
static const eco_mpc_transitions *lookup(eco_mpc_cache *c, const eco_vehicle *veh,
                                         const eco_mpc_settings *s)
{
    eco_mpc_transitions sized;
    char *key;
    uint64_t hash;
    if (key_of(veh, s, &sized, &key, &hash))
        return NULL;
    entry *e = find(c, key, hash);
    if (e) {
        c->st.hits++;
    } else if ((e = fill(c, veh, &sized, key, hash))) {
        evict_for(c, e->bytes);
        e->next = c->entries;
        c->entries = e;
        c->st.bytes += e->bytes;
    } else {
        eco_set_error("mpc cache: out of memory");
    }
    eco_free(key);
    if (e)
        e->last_use = ++c->clock;
    return e ? &e->tr : NULL;
}

eco_controller *eco_mpc_create_cached(eco_mpc_cache *c, const eco_vehicle *veh, double dt_s,
                                      const eco_mpc_settings *s, const eco_mpc_weights *w)
{
    if (!c)
        return eco_mpc_create(veh, dt_s, s, w);
    eco_mpc_settings def;
    eco_mpc_weights wdef;
    eco_mpc_create_args(&s, &w, &def, &wdef);
    eco_mpc_dims d;
    if (eco_mpc_dims_make(veh, dt_s, s, &d))
        return NULL; /* the settings' message, before any table is made */
    const eco_mpc_transitions *tr = lookup(c, veh, s);
    return tr ? eco_mpc_create_from(veh, dt_s, s, w, tr) : NULL;
}
