#include "paths.h"

#include "ecodrive/common.h"
#include "ecodrive/datadir.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int eco_sim_resolve_cycle(const char *name, char *out, size_t n, int *is_shipped)
{
    *is_shipped = 0;
    if (strchr(name, '/') == NULL && strstr(name, ".csv") == NULL) {
        char rel[256];
        snprintf(rel, sizeof rel, "cycles/%s.csv", name);
        if (eco_data_path(rel, out, n) == ECO_OK && access(out, R_OK) == 0) {
            *is_shipped = 1;
            return 0;
        }
    }
    snprintf(out, n, "%s", name);
    return access(out, R_OK) == 0 ? 0 : -1;
}
