/* Raw SocketCAN I/O and the link state (the CAN module: see can.h). No socket header. */
#ifndef ECODRIVE_CAN_SOCKET_H
#define ECODRIVE_CAN_SOCKET_H

#include "ecodrive/can_dbc.h"

/* ---------------------------------------------------------------------------------------
 * Raw SocketCAN I/O and link state (libsocketcan)
 * ------------------------------------------------------------------------------------- */

typedef struct {
    int fd; /* non-blocking CAN_RAW socket, for epoll; -1 if closed */
    int ifindex;
    char iface[ECO_CAN_IFNAME_MAX];
    int virtual_link; /* 1 once libsocketcan found no link data (vcan): no state to read */
    int last_errno;   /* errno of the last failed read/write */
    int fd_link;      /* 1: the interface carries CAN FD (MTU 72: ip link set IFACE mtu 72) */
} eco_can_sock;

/* Open a non-blocking CAN_RAW socket bound to iface, with CAN FD frames enabled (classic
 * frames still arrive as before; fd_link says whether FD frames can be sent). Returns ECO_OK;
 * ECO_ENOENT if the interface does not exist; ECO_EINVAL if it is not a CAN interface or the name
 * is too long; ECO_EIO if it is down, or the kernel has no AF_CAN, or socket/bind fail. Each error
 * sets eco_last_error() naming the interface and the cause. */
int eco_can_sock_open(eco_can_sock *s, const char *iface);

/* Close (safe to call twice). */
void eco_can_sock_close(eco_can_sock *s);

/* A DBC with CAN FD messages needs an FD link (a classic controller cannot take part in an FD
 * bus: it flags every FD frame as an error). ECO_OK, or ECO_EINVAL naming the interface and
 * the first FD messages. Init time. */
int eco_can_sock_check_db(const eco_can_sock *s, const eco_can_db *db);

/* Receive only these ids (each with ECO_CAN_EFF_FLAG for 29-bit); n <= 64. n = 0 receives
 * nothing. Returns ECO_OK, ECO_EINVAL, ECO_EIO. Init time. */
int eco_can_sock_set_filter(eco_can_sock *s, const uint32_t *ids, int n);

/* Read one frame, classic or FD, without blocking. Returns ECO_OK with *got = 1 and *f
 * filled, or with *got = 0 if none is pending; ECO_EIO on a socket error (errno in
 * last_errno). */
int eco_can_sock_read(eco_can_sock *s, eco_can_frame *f, int *got);

/* Send one frame without blocking: an FD frame (flags ECO_CAN_FD) needs an FD link. Returns
 * ECO_OK; ECO_EIO if not sent (last_errno; ENOBUFS or EAGAIN when the tx queue is full,
 * EINVAL for an FD frame on a classic link); ECO_EINVAL if dlc > 8 (classic) or is not an FD
 * length. */
int eco_can_sock_write(eco_can_sock *s, const eco_can_frame *f);

typedef enum {
    ECO_CAN_LINK_ERROR_ACTIVE = 0, /* CAN_STATE_* order of linux/can/netlink.h */
    ECO_CAN_LINK_ERROR_WARNING = 1,
    ECO_CAN_LINK_ERROR_PASSIVE = 2,
    ECO_CAN_LINK_BUS_OFF = 3,
    ECO_CAN_LINK_STOPPED = 4,
    ECO_CAN_LINK_SLEEPING = 5,
    ECO_CAN_LINK_VIRTUAL = 6, /* vcan and friends: libsocketcan has no link data */
} eco_can_link_state;

typedef struct {
    eco_can_link_state state;
    unsigned tx_errors, rx_errors; /* error counters; 0 on a virtual link */
} eco_can_link;

/* Link state and error counters of the socket's interface. The first failure of
 * libsocketcan (vcan: "no link data", which libsocketcan itself prints to stderr once)
 * marks the link virtual and later calls skip the query. Returns ECO_OK. */
int eco_can_link_get(eco_can_sock *s, eco_can_link *link);

/* Restart the controller after bus-off (can_do_restart). Returns ECO_OK (also on a virtual
 * link, where there is nothing to restart) or ECO_EIO. Not for the real-time path. */
int eco_can_link_restart(eco_can_sock *s);

#endif
