/* The MPC's table cache: a controller made from cached transitions is the one built afresh
 * (its table, its terms and its runs, byte for byte), for every shipped powertrain and
 * for weight points other than the one that built them; what misses and what hits; a
 * stored table that is cut short, altered, of another key or stale is refused and built
 * again; the simulator's folder writes atomically; a campaign with a cache folder gives
 * the bytes of one without, on one worker or two. */
#include "../src/control/mpc_internal.h" /* private: the workspace's table and terms */
#include "../src/control/table_cache.h"  /* private: sealing an altered blob */
#include "campaign_cache.h"
#include "cli_fixture.h"
#include "controllers.h"
#include "ecodrive/config.h"
#include "ecodrive/mpc_cache.h"
#include "report.h"
#include "summary.h"

#include <dirent.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#define VEH(name) ECO_SOURCE_DIR "/models/vehicles/" name ".json"
#define MAPS      ECO_SOURCE_DIR "/models/maps"

static const char *const VEHICLES[] = {"toyota_prius_2022", "vw_golf_1p5tsi_2020",
                                       "toyota_corolla_1p8_cvt", "renault_zoe_ze50",
                                       "tesla_model3_rwd_2022"};

static void load(const char *name, eco_vehicle *v)
{
    char path[512];
    snprintf(path, sizeof path, "%s", name[0] == '/' ? name : "");
    if (name[0] != '/')
        snprintf(path, sizeof path, ECO_SOURCE_DIR "/models/vehicles/%s.json", name);
    cr_assert_eq(eco_cfg_vehicle_load(path, MAPS, v), ECO_OK, "%s", eco_last_error());
}

static void weights(double fuel, double nox, eco_mpc_weights *w)
{
    eco_mpc_weights_default(w);
    w->fuel_per_g = fuel;
    w->nox_per_mg = nox;
}

static int same_bits(double a, double b)
{
    return !memcmp(&a, &b, sizeof a);
}

/* The workspace's table and every term made from it agree byte for byte. */
static void assert_same_ws(eco_controller *a, eco_controller *b, const char *what)
{
    const eco_mpc_ws *x = eco_mpc_controller_ws(a), *y = eco_mpc_controller_ws(b);
    cr_assert(x && y);
    cr_assert_eq(x->dims.table_bytes, y->dims.table_bytes);
    cr_assert(!memcmp(x->tab.cost, y->tab.cost, x->dims.table_bytes), "%s: table", what);
    size_t pairs = (size_t)x->tab.n_nodes * (size_t)x->n_off;
    cr_assert(!memcmp(x->pair_levels, y->pair_levels, pairs * sizeof(uint64_t)), "%s", what);
    cr_assert(same_bits(x->tab.soc_ref, y->tab.soc_ref) && same_bits(x->s0, y->s0) &&
                  same_bits(x->kin_cost_per_j, y->kin_cost_per_j) &&
                  same_bits(x->price0, y->price0) && same_bits(x->regen_share, y->regen_share) &&
                  same_bits(x->soc_gain, y->soc_gain),
              "%s: terms", what);
}

static eco_controller *make(eco_mpc_cache *c, const eco_vehicle *v, const eco_mpc_weights *w)
{
    eco_mpc_settings s;
    eco_mpc_settings_default(&s);
    s.deadline_us = 1e6; /* results, not timing */
    eco_controller *ctl =
        c ? eco_mpc_create_cached(c, v, 0.1, &s, w) : eco_mpc_create(v, 0.1, &s, w);
    cr_assert_not_null(ctl, "%s", eco_last_error());
    return ctl;
}

/* Make and drop one: what it leaves is in the cache. */
static void touch(eco_mpc_cache *c, const eco_vehicle *v, const eco_mpc_weights *w)
{
    eco_controller *ctl = make(c, v, w);
    ctl->destroy(ctl);
}

/* Every shipped powertrain: the cache is filled at one weight point and serves another
 * (NOx priced, or fuel at half weight), whose table must be the one built afresh. */
Test(mpc_cache, a_cached_table_is_the_table_built_afresh_at_any_weights, .timeout = 120)
{
    eco_mpc_cache *c = eco_mpc_cache_create((size_t)1 << 30, NULL);
    const double point[2][2] = {{1.0, 0.05}, {0.5, 0.0}};
    for (size_t k = 0; k < sizeof VEHICLES / sizeof VEHICLES[0]; k++) {
        eco_vehicle v;
        load(VEHICLES[k], &v);
        eco_mpc_weights w;
        weights(1.0, 0.002, &w);
        touch(c, &v, &w); /* fills the cache */
        touch(c, &v, &w); /* a hit */
        for (int p = 0; p < (k == 0 ? 1 : 2); p++) {
            weights(point[p][0], point[p][1], &w);
            eco_controller *fresh = make(NULL, &v, &w), *cached = make(c, &v, &w);
            assert_same_ws(fresh, cached, VEHICLES[k]);
            fresh->destroy(fresh);
            cached->destroy(cached);
        }
        eco_vehicle_free(&v);
    }
    eco_mpc_cache_stats st;
    eco_mpc_cache_stats_get(c, &st);
    cr_assert_eq(st.builds, 5, "one build per vehicle, got %ld", st.builds);
    cr_assert_eq(st.hits, 5 + 1 + 4 * 2, "hits %ld", st.hits);
    eco_mpc_cache_free(c);
}

/* A stepped box keeps the gear of least weighted cost: pricing NOx changes gears, so a
 * cache that kept one weight point's gears would be caught here. */
Test(mpc_cache, a_stepped_box_chooses_its_gears_by_the_weights_of_the_point)
{
    eco_vehicle v;
    load("vw_golf_1p5tsi_2020", &v);
    eco_mpc_cache *c = eco_mpc_cache_create((size_t)1 << 30, NULL);
    eco_mpc_weights w0, w1;
    weights(1.0, 0.0, &w0);
    weights(1.0, 0.2, &w1);
    eco_controller *a = make(c, &v, &w0), *b = make(c, &v, &w1), *fresh = make(NULL, &v, &w1);
    const eco_mpc_ws *x = eco_mpc_controller_ws(a), *y = eco_mpc_controller_ws(b);
    size_t pairs = (size_t)x->tab.n_nodes * (size_t)x->n_off, differ = 0;
    for (size_t p = 0; p < pairs; p++)
        differ += x->tab.gear[p] != y->tab.gear[p];
    cr_assert_gt(differ, 0, "NOx at 0.2 per mg moved no gear");
    assert_same_ws(fresh, b, "golf, nox 0.2");
    a->destroy(a);
    b->destroy(b);
    fresh->destroy(fresh);
    eco_mpc_cache_free(c);
    eco_vehicle_free(&v);
}

/* The first 120 s of WLTC 3b in the WLTP band. */
static void short_cycle(eco_sim_cycle *cyc)
{
    cr_assert_eq(eco_sim_cycle_load(ECO_SOURCE_DIR "/sim/cycles/wltc_class3b.csv", NULL, cyc),
                 ECO_OK);
    int n = 0;
    while (n < cyc->n && cyc->time_s[n] <= 120.0)
        n++;
    cyc->n = n;
    cyc->n_phases = 1;
    cyc->phase[0].t0_s = cyc->time_s[0];
    cyc->phase[0].t1_s = cyc->time_s[n - 1];
}

/* The run's summary as JSON text, less the solve times (a wall clock), and its series. */
static char *run_text(const eco_vehicle *v, const eco_sim_cycle *cyc, eco_controller *ctl,
                      eco_sim_result *r)
{
    eco_sim_options o;
    eco_sim_options_default(&o);
    eco_sim_options_band_wltp(&o);
    o.quiet = 1;
    o.keep_series = 1;
    cr_assert_eq(eco_sim_run(v, cyc, ctl, &o, r), ECO_OK);
    eco_sim_summary sum;
    eco_sim_summarize(v, cyc, "mpc", r, 0, &sum);
    cJSON *j = eco_sim_summary_json(&sum);
    cJSON_DeleteItemFromObject(j, "mpc_solve_us");
    char *text = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    return text;
}

Test(mpc_cache, a_run_with_a_cached_table_has_the_bytes_of_a_fresh_one, .timeout = 60)
{
    eco_sim_cycle cyc;
    short_cycle(&cyc);
    const char *const cars[] = {"toyota_prius_2022", "vw_golf_1p5tsi_2020"};
    for (int k = 0; k < 2; k++) {
        eco_vehicle v;
        load(cars[k], &v);
        eco_mpc_cache *c = eco_mpc_cache_create((size_t)1 << 30, NULL);
        eco_mpc_weights w;
        weights(1.0, 0.002, &w);
        touch(c, &v, &w);
        weights(1.0, 0.02, &w);
        eco_controller *fresh = make(NULL, &v, &w), *cached = make(c, &v, &w);
        eco_sim_result ra, rb;
        char *a = run_text(&v, &cyc, fresh, &ra), *b = run_text(&v, &cyc, cached, &rb);
        cr_assert_str_eq(a, b, "%s", cars[k]);
        cr_assert_eq(ra.n_series, rb.n_series);
        cr_assert(!memcmp(ra.series, rb.series, sizeof ra.series[0] * (size_t)ra.n_series));
        free(a);
        free(b);
        eco_sim_result_free(&ra);
        eco_sim_result_free(&rb);
        fresh->destroy(fresh);
        cached->destroy(cached);
        eco_mpc_cache_free(c);
        eco_vehicle_free(&v);
    }
    eco_sim_cycle_free(&cyc);
}

/* What the key holds: the vehicle's content, the grid, the SOC; not the weights. */
Test(mpc_cache, the_key_is_the_vehicle_the_grid_and_the_soc_not_the_weights)
{
    eco_vehicle v;
    load("renault_zoe_ze50", &v);
    eco_mpc_settings s;
    eco_mpc_settings_default(&s);
    char base[40], other[40];
    cr_assert_eq(eco_mpc_cache_name(&v, &s, base, sizeof base), ECO_OK);
    cr_assert_eq(strlen(base), strlen("mpc-table-0123456789abcdef.bin"));
    eco_vehicle heavier = v;
    heavier.mass_kg += 1.0;
    eco_mpc_cache_name(&heavier, &s, other, sizeof other);
    cr_assert_str_neq(base, other, "mass");
    eco_vehicle curve = v;
    curve.battery.ocv_v.y[3] += 1e-9;
    eco_mpc_cache_name(&curve, &s, other, sizeof other);
    cr_assert_str_neq(base, other, "a point of the OCV curve");
    eco_mpc_settings grid = s;
    grid.grid_kmh = 0.5;
    eco_mpc_cache_name(&v, &grid, other, sizeof other);
    cr_assert_str_neq(base, other, "grid");
    eco_mpc_settings soc = s;
    soc.soc_ref = 0.5;
    eco_mpc_cache_name(&v, &soc, other, sizeof other);
    cr_assert_str_neq(base, other, "soc_ref");
    eco_mpc_settings deadline = s;
    deadline.deadline_us = 5.0; /* not in the table */
    eco_mpc_cache_name(&v, &deadline, other, sizeof other);
    cr_assert_str_eq(base, other, "deadline");
    eco_mpc_cache *c = eco_mpc_cache_create((size_t)1 << 30, NULL);
    eco_mpc_weights w;
    weights(1.0, 0.0, &w);
    touch(c, &v, &w);
    touch(c, &heavier, &w);
    touch(c, &v, NULL);
    touch(c, &heavier, NULL);
    eco_mpc_cache_stats st;
    eco_mpc_cache_stats_get(c, &st);
    cr_assert_eq(st.builds, 2);
    cr_assert_eq(st.hits, 2);
    eco_mpc_cache_free(c);
    eco_vehicle_free(&v);
}

Test(mpc_cache, past_max_bytes_the_least_recently_used_table_goes)
{
    eco_vehicle a, b;
    load("renault_zoe_ze50", &a);
    load("tesla_model3_rwd_2022", &b);
    eco_mpc_cache *c = eco_mpc_cache_create(1, NULL); /* room for the one in use */
    for (int k = 0; k < 3; k++)
        for (int twice = 0; twice < 2; twice++)
            touch(c, k % 2 ? &b : &a, NULL);
    eco_mpc_cache_stats st;
    eco_mpc_cache_stats_get(c, &st);
    cr_assert_eq(st.builds, 3);
    cr_assert_eq(st.evictions, 2);
    cr_assert_eq(st.hits, 3);
    eco_controller *fresh = make(NULL, &a, NULL), *cached = make(c, &a, NULL);
    assert_same_ws(fresh, cached, "after evictions");
    fresh->destroy(fresh);
    cached->destroy(cached);
    eco_mpc_cache_free(c);
    eco_vehicle_free(&a);
    eco_vehicle_free(&b);
}

/* ---- a store: one blob per name in memory ------------------------------------------- */

typedef struct {
    char name[64];
    char *blob;
    size_t bytes;
    int saves;
    char why[200];
} mem_store;

static int mem_load(void *ctx, const char *name, void **blob, size_t *bytes)
{
    mem_store *m = ctx;
    if (!m->blob || strcmp(name, m->name))
        return 1;
    *blob = eco_malloc(m->bytes);
    memcpy(*blob, m->blob, m->bytes);
    *bytes = m->bytes;
    return 0;
}

static int mem_save(void *ctx, const char *name, const void *blob, size_t bytes)
{
    mem_store *m = ctx;
    free(m->blob);
    m->blob = malloc(bytes);
    memcpy(m->blob, blob, bytes);
    m->bytes = bytes;
    snprintf(m->name, sizeof m->name, "%s", name);
    m->saves++;
    return 0;
}

static void mem_refused(void *ctx, const char *name, const char *why)
{
    mem_store *m = ctx;
    (void)name;
    snprintf(m->why, sizeof m->why, "%s", why);
}

/* A cache over store m makes one MPC of v: its stats, and the controller checked against
 * one built afresh. */
static eco_mpc_cache_stats through_store(mem_store *m, const eco_vehicle *v)
{
    eco_mpc_cache_store st = {m, mem_load, mem_save, mem_refused};
    eco_mpc_cache *c = eco_mpc_cache_create((size_t)1 << 30, &st);
    m->why[0] = '\0';
    eco_controller *fresh = make(NULL, v, NULL), *cached = make(c, v, NULL);
    assert_same_ws(fresh, cached, "through a store");
    fresh->destroy(fresh);
    cached->destroy(cached);
    eco_mpc_cache_stats s;
    eco_mpc_cache_stats_get(c, &s);
    eco_mpc_cache_free(c);
    return s;
}

Test(mpc_cache, a_stored_table_is_loaded_and_a_damaged_one_rebuilt)
{
    eco_vehicle v;
    load("toyota_corolla_1p8_cvt", &v);
    mem_store m = {0};
    eco_mpc_cache_stats s = through_store(&m, &v);
    cr_assert(s.builds == 1 && s.saves == 1 && s.loads == 0);
    char good_name[64];
    snprintf(good_name, sizeof good_name, "%s", m.name);
    size_t n = m.bytes;
    char *good = malloc(n);
    memcpy(good, m.blob, n);
    s = through_store(&m, &v);
    cr_assert(s.loads == 1 && s.builds == 0 && s.refused == 0);
    /* cut short (by a byte, to the header), a byte flipped in the payload, the key, the
     * checksum, the magic, the version */
    const struct {
        size_t keep, flip;
        const char *why;
    } damage[] = {{n - 1, 0, "cut short"},  {20, 0, "shorter than its header"},
                  {n, n - 7, "checksum"},   {n, 48 + 100, "checksum"},
                  {n, 40, "checksum"},      {n, 0, "magic"},
                  {n, 8, "format version"}, {n, 16, "key hash"},
                  {n, 32, "sizes"}};
    for (size_t k = 0; k < sizeof damage / sizeof damage[0]; k++) {
        memcpy(m.blob, good, n);
        m.bytes = damage[k].keep;
        if (damage[k].flip || damage[k].keep == n)
            m.blob[damage[k].flip] ^= 0x10;
        m.saves = 0;
        s = through_store(&m, &v);
        cr_assert(s.refused == 1 && s.builds == 1 && s.loads == 0, "damage %zu", k);
        cr_assert(strstr(m.why, damage[k].why), "damage %zu: '%s'", k, m.why);
        cr_assert(m.saves == 1 && m.bytes == n && !memcmp(m.blob, good, n), "rewritten whole");
    }
    free(good);
    free(m.blob);
    eco_vehicle_free(&v);
}

Test(mpc_cache, a_stored_table_of_another_key_or_model_is_refused)
{
    eco_vehicle v, other;
    load("toyota_corolla_1p8_cvt", &v);
    load("renault_zoe_ze50", &other);
    mem_store m = {0};
    through_store(&m, &other);
    char name[40];
    eco_mpc_cache_name(&v, NULL, name, sizeof name);
    snprintf(m.name, sizeof m.name, "%s", name); /* the Zoe's table under the Corolla's name */
    eco_mpc_cache_stats s = through_store(&m, &v);
    cr_assert(s.refused == 1 && s.builds == 1, "another key");
    cr_assert(strstr(m.why, "another vehicle"), "%s", m.why);
    /* Stale: what a build with another model would have written, sealed as it would seal
     * it. A fuel figure a part in 1e12 off in every entry fails the spot check. */
    eco_mpc_transitions tr;
    eco_mpc_table t;
    double soc_ref;
    eco_mpc_settings set;
    eco_mpc_settings_default(&set);
    eco_mpc_ws_table_dims(&v, &set, &t, &soc_ref);
    eco_mpc_transitions_dims(&v, &t, soc_ref, &tr);
    size_t payload = eco_mpc_transitions_memsize(&tr);
    eco_mpc_transitions_carve(&tr, m.blob + (m.bytes - payload));
    size_t entries = (size_t)t.n_nodes * (size_t)(t.off_max - t.off_min + 1) * (size_t)tr.n_var;
    for (size_t e = 0; e < entries; e++)
        tr.fuel_g[e] *= 1.0 + 1e-12;
    eco_mpc_cache_blob_seal(m.blob, m.bytes);
    s = through_store(&m, &v);
    cr_assert(s.refused == 1 && s.builds == 1, "stale");
    cr_assert(strstr(m.why, "stale"), "%s", m.why);
    free(m.blob);
    eco_vehicle_free(&v);
    eco_vehicle_free(&other);
}

/* ---- the simulator's folder and ecosim campaign --cache-dir --------------------------- */

TestSuite(mpc_cache_cli, .init = make_cycle, .fini = drop_cycle);

static long size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) ? -1 : (long)st.st_size;
}

static int n_entries(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
    closedir(d);
    return n;
}

/* A fresh process cache over dir makes one simulator MPC of v; its stats. */
static eco_mpc_cache_stats sim_make(const char *dir, const eco_vehicle *v)
{
    cr_assert_eq(eco_sim_mpc_cache_dir_set("test", dir), 0);
    eco_controller *ctl = eco_sim_mpc_create(v, 0.1, NULL);
    cr_assert_not_null(ctl, "%s", eco_last_error());
    ctl->destroy(ctl);
    eco_mpc_cache_stats s;
    eco_mpc_cache_stats_get(eco_sim_mpc_cache(), &s);
    return s;
}

static void flip_byte(const char *path, long at)
{
    FILE *fp = fopen(path, "r+b");
    cr_assert_not_null(fp);
    fseek(fp, at, SEEK_SET);
    int c = fgetc(fp);
    fseek(fp, at, SEEK_SET);
    fputc(c ^ 0x01, fp);
    fclose(fp);
}

Test(mpc_cache_cli, the_folder_holds_whole_tables_and_rebuilds_damaged_ones)
{
    char dir[700], path[800], zoe_path[800], name[40];
    snprintf(dir, sizeof dir, "%s/tables", cli_dir);
    cr_assert_eq(mkdir(dir, 0755), 0);
    cr_assert_eq(eco_sim_mpc_cache_dir_set("test", "/nonexistent/tables"), 2);
    cr_assert_eq(eco_sim_mpc_cache_dir_set("test", cycle_path), 2, "a file is no folder");
    eco_vehicle v, zoe;
    load("toyota_corolla_1p8_cvt", &v);
    load("renault_zoe_ze50", &zoe);
    eco_mpc_cache_name(&v, NULL, name, sizeof name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    eco_mpc_cache_stats s = sim_make(dir, &v);
    cr_assert(s.builds == 1 && s.saves == 1);
    long whole = size_of(path);
    cr_assert_gt(whole, 0, "%s written", path);
    cr_assert_eq(n_entries(dir), 1, "no temporary file left");
    s = sim_make(dir, &v);
    cr_assert(s.loads == 1 && s.builds == 0, "taken from the folder");
    cr_assert_eq(truncate(path, whole / 2), 0);
    s = sim_make(dir, &v);
    cr_assert(s.refused == 1 && s.builds == 1 && s.saves == 1, "cut short");
    cr_assert_eq(size_of(path), whole);
    flip_byte(path, whole - 100);
    s = sim_make(dir, &v);
    cr_assert(s.refused == 1 && s.builds == 1, "a byte flipped");
    s = sim_make(dir, &v);
    cr_assert(s.loads == 1 && s.refused == 0, "the rebuilt file is whole");
    /* the Zoe's table under the Corolla's name */
    eco_mpc_cache_name(&zoe, NULL, name, sizeof name);
    snprintf(zoe_path, sizeof zoe_path, "%s/%s", dir, name);
    sim_make(dir, &zoe);
    cr_assert_eq(rename(zoe_path, path), 0);
    s = sim_make(dir, &v);
    cr_assert(s.refused == 1 && s.builds == 1, "another vehicle's table");
    cr_assert_eq(n_entries(dir), 1);
    eco_vehicle_free(&v);
    eco_vehicle_free(&zoe);
}

/* A campaign's lines are the same bytes without a cache folder, with a cold one on two
 * workers, and with the warm one on one worker or two; the folder holds one table. */
Test(mpc_cache_cli, a_campaign_with_a_cache_folder_gives_the_same_bytes, .timeout = 120)
{
    char camp[700], dir[700], out[4][700], cmd[8192], buf[256];
    snprintf(camp, sizeof camp, "%s/c.json", cli_dir);
    FILE *fp = fopen(camp, "w");
    cr_assert_not_null(fp);
    fputs("{\"vehicles\": [\"toyota_prius_2022\"], \"cycles\": [\"short.csv\"],\n"
          " \"controllers\": [\"mpc\"], \"weights\": {\"list\": [{\"nox_per_mg\": 0.001},\n"
          " {\"nox_per_mg\": 0.01}, {\"nox_per_mg\": 0.05, \"fuel_per_g\": 0.5}]}}\n",
          fp);
    fclose(fp);
    snprintf(dir, sizeof dir, "%s/tables", cli_dir);
    cr_assert_eq(mkdir(dir, 0755), 0);
    const char *opts[4] = {"--jobs 1", "--jobs 2 --cache-dir", "--jobs 2 --cache-dir",
                           "--jobs 1 --cache-dir"};
    for (int k = 0; k < 4; k++) {
        snprintf(out[k], sizeof out[k], "%s/out%d.jsonl", cli_dir, k);
        snprintf(cmd, sizeof cmd, ECOSIM " campaign %s %s %s --out %s --quiet 2>&1", camp, opts[k],
                 k ? dir : "", out[k]);
        cr_assert_eq(run(cmd, buf, sizeof buf), 0, "%s: %s", cmd, buf);
        cr_assert_eq(buf[0], '\0', "%s: nothing on stderr, got %s", cmd, buf);
        if (k) {
            snprintf(cmd, sizeof cmd, "cmp -s %s %s", out[0], out[k]);
            cr_assert_eq(run(cmd, buf, sizeof buf), 0, "%s and %s differ", out[0], out[k]);
        }
    }
    cr_assert_gt(size_of(out[0]), 100);
    fp = fopen(out[0], "r");
    cr_assert_not_null(fp);
    char line[8192];
    cr_assert_not_null(fgets(line, sizeof line, fp));
    fclose(fp);
    cJSON *j = cJSON_Parse(line);
    cr_assert_not_null(j);
    cr_assert_gt(num(j, "distance_km"), 0.1, "a line holds the run's summary");
    cJSON_Delete(j);
    cr_assert_eq(n_entries(dir), 1, "one table: the Prius's");
}
