/* The shipped data directory, from $ECODRIVE_DATA_DIR or the executable's own path. */
#include "ecodrive/datadir.h"

#include "ecodrive/common.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int not_found(void)
{
    eco_set_error("cannot locate the shipped data directory (<exe>/../share/ecodrive or "
                  "$ECODRIVE_DATA_DIR)");
    return ECO_ENOENT;
}

int eco_data_dir(char *out, size_t n)
{
    const char *env = getenv("ECODRIVE_DATA_DIR");
    if (env && *env) {
        int w = snprintf(out, n, "%s", env);
        return w >= 0 && (size_t)w < n ? ECO_OK : not_found();
    }
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return not_found();
    exe[len] = '\0';
    int w = snprintf(out, n, "%s/../share/ecodrive", dirname(exe));
    return w > 0 && (size_t)w < n ? ECO_OK : not_found();
}

int eco_data_path(const char *rel, char *out, size_t n)
{
    char dir[4096];
    int rc = eco_data_dir(dir, sizeof dir);
    if (rc != ECO_OK)
        return rc;
    int w = snprintf(out, n, "%s/%s", dir, rel);
    return w > 0 && (size_t)w < n ? ECO_OK : not_found();
}
