/* Multiplexing, plain and extended (SG_MUL_VAL_): the statement's parser, the check of a
 * message's switches and overlapping signals, and whether a signal is present in a frame.
 * Private to src/can. */
#ifndef ECODRIVE_CAN_MUX_H
#define ECODRIVE_CAN_MUX_H

#include "ecodrive/can.h"

#include <stdint.h>

/* Resolve and check message m of db (eco_can_db_finalize): its "M" switch (at most one),
 * each dependent signal's switch, no loop among switches, SG_MUL_VAL_ only on dependent
 * signals, and no two signals sharing a bit unless multiplexed apart. ECO_OK, or
 * ECO_EPARSE with "NAME:LINE: what". */
int eco_can_mux_resolve(eco_can_db *db, const char *name, eco_can_message *m);

/* 1 if dependent signal s is present in the payload data: every switch up its chain present
 * and reading a value of the signal below it. Allocation-free; the chain is acyclic (checked at load). */
int eco_can_mux_present(const eco_can_db *db, const eco_can_signal *s, const uint8_t *data);

#endif
