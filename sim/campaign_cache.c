/* The simulator's cache of MPC transition tables and its folder (campaign_cache.h). */
#include "campaign_cache.h"

#include "campaign_pool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    char dir[4096];
    int warned; /* a failed write is told once per process */
} folder;

static eco_mpc_cache *g_cache;
static folder g_folder;

static void cache_release(void)
{
    eco_mpc_cache_free(g_cache);
    g_cache = NULL;
}

/* The process's cache anew, with store (NULL: memory only); freed at exit. */
static eco_mpc_cache *cache_make(const eco_mpc_cache_store *store)
{
    static int registered;
    cache_release();
    g_cache = eco_mpc_cache_create(ECO_SIM_MPC_CACHE_BYTES, store);
    if (g_cache && !registered)
        registered = !atexit(cache_release);
    return g_cache;
}

eco_mpc_cache *eco_sim_mpc_cache(void)
{
    return g_cache ? g_cache : cache_make(NULL);
}

static int folder_path(const folder *f, const char *name, char *path, size_t size)
{
    int n = snprintf(path, size, "%s/%s", f->dir, name);
    return n > 0 && (size_t)n < size ? 0 : 1;
}

static int folder_load(void *ctx, const char *name, void **blob, size_t *bytes)
{
    char path[4200];
    if (folder_path(ctx, name, path, sizeof path) || access(path, F_OK))
        return 1; /* none stored */
    char *text;
    if (eco_read_file(path, "MPC table", &text, bytes)) {
        fprintf(stderr, "ecosim: %s; the table is built again\n", eco_last_error());
        return 1;
    }
    *blob = text;
    return 0;
}

/* A temporary file in the same folder, renamed over the name: rename is atomic within a
 * file system (POSIX rename(2)), so a reader, or a shard writing the same table at the same
 * time, sees a whole file or none. A file cut short by a crash fails the checks on load. */
static int folder_save(void *ctx, const char *name, const void *blob, size_t bytes)
{
    folder *f = ctx;
    char path[4200], tmp[4220];
    if (folder_path(f, name, path, sizeof path) ||
        snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", f->dir, name) >= (int)sizeof tmp)
        return 1;
    int fd = mkstemp(tmp), rc = fd < 0;
    if (!rc) {
        rc = fchmod(fd, 0644) || eco_sim_write_all(fd, blob, bytes);
        rc = close(fd) || rc;
        rc = rc || rename(tmp, path);
        if (rc)
            unlink(tmp);
    }
    if (rc && !f->warned) {
        fprintf(stderr, "ecosim: cannot write the MPC table %s: %s (going on without)\n", path,
                strerror(errno));
        f->warned = 1;
    }
    return rc;
}

static void folder_refused(void *ctx, const char *name, const char *why)
{
    const folder *f = ctx;
    fprintf(stderr, "ecosim: %s/%s: %s: the table is built again\n", f->dir, name, why);
}

int eco_sim_mpc_cache_dir_set(const char *cmd, const char *dir)
{
    struct stat st;
    const char *why = NULL;
    if (!*dir || strlen(dir) >= sizeof g_folder.dir - 64)
        why = "not a usable folder name";
    else if (stat(dir, &st))
        why = strerror(errno);
    else if (!S_ISDIR(st.st_mode))
        why = "not a folder";
    else if (access(dir, W_OK | X_OK))
        why = strerror(errno);
    if (why) {
        fprintf(stderr, "ecosim %s: --cache-dir %s: %s\n", cmd, dir, why);
        return 2;
    }
    snprintf(g_folder.dir, sizeof g_folder.dir, "%s", dir);
    eco_mpc_cache_store store = {&g_folder, folder_load, folder_save, folder_refused};
    if (!cache_make(&store)) {
        fprintf(stderr, "ecosim %s: out of memory\n", cmd);
        return 2;
    }
    return 0;
}

int eco_sim_take_cache_dir(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *args)
{
    (void)o;
    (void)args;
    return eco_sim_mpc_cache_dir_set(cli->cmd, arg);
}
