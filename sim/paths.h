/* Where the shipped data lives: relative to the executable, never the working directory. */
#ifndef ECOSIM_PATHS_H
#define ECOSIM_PATHS_H

#include <stddef.h>

/* <exe>/../share/ecodrive, or $ECODRIVE_DATA_DIR if set. Returns 0 or -1. */
int eco_sim_data_dir(char *out, size_t n);
/* Join the data dir with a relative path. Returns 0 or -1. */
int eco_sim_data_path(const char *rel, char *out, size_t n);
/* A shipped cycle by name (e.g. "wltc_class3b"), or a file path. Returns 0 if it exists. */
int eco_sim_resolve_cycle(const char *name_or_path, char *out, size_t n, int *is_shipped);

#endif
