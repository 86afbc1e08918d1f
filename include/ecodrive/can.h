/* The CAN module: DBC parsing, signal pack/unpack, E2E counter and CRC, signal staleness,
 * candump logs, raw SocketCAN I/O and the observation <-> signal mapping (DESIGN.md).
 *
 * Init-time functions (load, parse, create, open) allocate through eco_malloc and report
 * problems with eco_set_error(). Run-time functions (decode, encode, rx_frame, e2e,
 * sock_read/write) allocate nothing, print nothing and never call eco_set_error(): they
 * return a status and count what they drop.
 *
 * This header includes no socket header: frames are eco_can_frame, whose id uses the same
 * flag bits as SocketCAN's can_id, so the simulator can use the codec without sockets. */
#ifndef ECODRIVE_CAN_H
#define ECODRIVE_CAN_H

/* One header per part (each includes what it builds on). */
#include "ecodrive/can_dbc.h"     /* frames, the DBC database, the signal codec */
#include "ecodrive/can_e2e.h"     /* counters and checksums per message */
#include "ecodrive/can_log.h"     /* candump log files */
#include "ecodrive/can_mapping.h" /* observation fields and outputs <-> DBC signals */
#include "ecodrive/can_rx.h"      /* the receive state, staleness */
#include "ecodrive/can_socket.h"  /* raw SocketCAN I/O, the link state */

#endif
