/* What the table cache (table_cache.c) needs of the MPC's create: the table a vehicle and
 * settings ask for, and the workspace and the controller made from given transitions.
 * Private to src/control. */
#ifndef ECODRIVE_TABLE_CACHE_H
#define ECODRIVE_TABLE_CACHE_H

#include "transition.h"

/* The sized table (no arrays) and the SOC it is built at, as eco_mpc_ws_create makes them
 * for veh and s. */
void eco_mpc_ws_table_dims(const eco_vehicle *veh, const eco_mpc_settings *s, eco_mpc_table *t,
                           double *soc_ref);

/* eco_mpc_ws_create with the table priced from tr (NULL: built afresh). ECO_EINVAL also
 * when tr was made for another table or SOC. */
int eco_mpc_ws_create_from(const eco_vehicle *veh, double dt_s, const eco_mpc_settings *s,
                           const eco_mpc_weights *w, const eco_mpc_dims *d,
                           const eco_mpc_transitions *tr, eco_mpc_ws **ws, void *mem);

/* The settings and weights a create uses: s and w as given, or the defaults written into
 * the caller's sbuf and wbuf when NULL. */
void eco_mpc_create_args(const eco_mpc_settings **s, const eco_mpc_weights **w,
                         eco_mpc_settings *sbuf, eco_mpc_weights *wbuf);

/* eco_mpc_create (s and w not NULL) with the table priced from tr (NULL: built afresh). */
eco_controller *eco_mpc_create_from(const eco_vehicle *veh, double dt_s, const eco_mpc_settings *s,
                                    const eco_mpc_weights *w, const eco_mpc_transitions *tr);

/* The cache's 64-bit hash (key names and the payload's checksum), and the sealing of a
 * stored blob (its checksum written into its header): for the tests, which alter blobs. */
uint64_t eco_mpc_cache_hash64(const void *data, size_t n);
void eco_mpc_cache_blob_seal(void *blob, size_t bytes);

#endif
