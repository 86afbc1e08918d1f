/* Where the shipped data lives (common): found from the executable, never from the working
 * directory, so a program in the build tree and an installed one each find their own copy
 * (<exe>/../share/ecodrive: CMake lays out both that way). Init time only. */
#ifndef ECODRIVE_DATADIR_H
#define ECODRIVE_DATADIR_H

#include <stddef.h>

/* The data directory: $ECODRIVE_DATA_DIR if set and not empty, else <exe>/../share/ecodrive
 * (exe from /proc/self/exe). Returns ECO_OK, or ECO_ENOENT with eco_last_error() = "cannot
 * locate the shipped data directory (...)" when the executable's path cannot be read or the
 * result does not fit n bytes. The directory is not checked to exist. */
int eco_data_dir(char *out, size_t n);

/* The data directory joined with rel ("models/ecodrive.dbc"). Returns as eco_data_dir. */
int eco_data_path(const char *rel, char *out, size_t n);

#endif
