/* The simulator's cache of MPC transition tables (include/ecodrive/mpc_cache.h): one per
 * process, in memory for every MPC the simulator creates (a campaign's, a sweep's or a
 * tuning's worker processes each hold their own), and on disk when --cache-dir names a
 * folder (docs/campaign.md, "The MPC's tables"). */
#ifndef ECOSIM_CAMPAIGN_CACHE_H
#define ECOSIM_CAMPAIGN_CACHE_H

#include "cli_options.h"
#include "ecodrive/mpc_cache.h"

#include <stdio.h>

/* Tables a process keeps in memory, at most (the least recently used go first). */
#define ECO_SIM_MPC_CACHE_BYTES ((size_t)512 << 20)

/* The row (cli_options.h) and usage line of --cache-dir, for the commands that take it. */
#define ECO_OPT_CACHE_DIR                                                                          \
    {                                                                                              \
        "cache-dir", required_argument, eco_sim_take_cache_dir, 0, 0, 0, 0                         \
    }
int eco_sim_take_cache_dir(const eco_cli *cli, const eco_cli_opt *o, const char *arg, void *args);
#define ECO_USAGE_CACHE_DIR                                                                        \
    "  --cache-dir DIR  keep the MPC's transition tables in DIR and take them from there\n"        \
    "                   (checked, rebuilt when stale or corrupt); DIR must exist\n"

/* The process's cache, made on first use (freed at exit); NULL if out of memory (the
 * MPCs are then built afresh). */
eco_mpc_cache *eco_sim_mpc_cache(void);

/* Keep the process's tables in folder dir too (--cache-dir). A folder that is not there
 * or not writable is refused with `ecosim CMD: --cache-dir DIR: reason`: returns 2, else
 * 0. Call before the first MPC is made. */
int eco_sim_mpc_cache_dir_set(const char *cmd, const char *dir);

#endif
