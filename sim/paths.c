#include "paths.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int eco_sim_data_dir(char *out, size_t n)
{
    const char *env = getenv("ECODRIVE_DATA_DIR");
    if (env && *env) {
        snprintf(out, n, "%s", env);
        return 0;
    }
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return -1;
    exe[len] = '\0';
    int w = snprintf(out, n, "%s/../share/ecodrive", dirname(exe));
    return w > 0 && (size_t)w < n ? 0 : -1;
}

int eco_sim_data_path(const char *rel, char *out, size_t n)
{
    char dir[4096];
    if (eco_sim_data_dir(dir, sizeof dir))
        return -1;
    int w = snprintf(out, n, "%s/%s", dir, rel);
    return w > 0 && (size_t)w < n ? 0 : -1;
}

int eco_sim_resolve_cycle(const char *name, char *out, size_t n, int *is_shipped)
{
    *is_shipped = 0;
    if (strchr(name, '/') == NULL && strstr(name, ".csv") == NULL) {
        char rel[256];
        snprintf(rel, sizeof rel, "cycles/%s.csv", name);
        if (eco_sim_data_path(rel, out, n) == 0 && access(out, R_OK) == 0) {
            *is_shipped = 1;
            return 0;
        }
    }
    snprintf(out, n, "%s", name);
    return access(out, R_OK) == 0 ? 0 : -1;
}
