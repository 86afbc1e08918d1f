/* ecosim's output paths (--csv, --plot, --out, --report, -o): checked before any work, and
 * written whole or not at all (issue 14). Every command uses these. */
#ifndef ECOSIM_OUTFILE_H
#define ECOSIM_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

/* Check the output file of option opt before the work starts (eco_out_check). NULL: none
 * given. Returns 0, or 2 after "ecosim CMD: OPT PATH: cannot write: reason" on stderr. */
int eco_sim_out_check(const char *cmd, const char *opt, const char *path);
/* The same for a folder the command fills (--plot DIR; eco_out_check_dir). */
int eco_sim_out_check_dir(const char *cmd, const char *opt, const char *dir);

/* Write a file whole or not at all (eco_out_begin / eco_out_end / eco_out_discard): begin
 * opens PATH.part (tmp: its name, n >= 4096); end closes it and renames it over PATH, or
 * removes it if any write failed; discard removes it. NULL / ECO_EIO with eco_last_error. */
FILE *eco_sim_file_begin(const char *path, char *tmp, size_t n);
int eco_sim_file_end(FILE *fp, const char *tmp, const char *path);
void eco_sim_file_discard(FILE *fp, const char *tmp);

#endif
