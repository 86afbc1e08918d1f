/* Shipped cycles by name; the data directory itself is common's (ecodrive/datadir.h). */
#ifndef ECOSIM_PATHS_H
#define ECOSIM_PATHS_H

#include <stddef.h>

/* A shipped cycle by name (e.g. "wltc_class3b"), or a file path. Returns 0 if it exists. */
int eco_sim_resolve_cycle(const char *name_or_path, char *out, size_t n, int *is_shipped);

#endif
