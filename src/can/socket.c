/* Raw SocketCAN I/O and link state. The only file of the project that includes socket
 * headers (STYLE.md §1). Frames go over CAN_RAW sockets; libsocketcan is for link state
 * and restart only (STYLE.md §5). */
#include "ecodrive/can.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/can.h>
#include <linux/can/raw.h>
#include <linux/if_arp.h>
#include <libsocketcan.h>

_Static_assert(ECO_CAN_EFF_FLAG == CAN_EFF_FLAG, "EFF flag differs from linux/can.h");
_Static_assert(ECO_CAN_RTR_FLAG == CAN_RTR_FLAG, "RTR flag differs from linux/can.h");
_Static_assert(ECO_CAN_ERR_FLAG == CAN_ERR_FLAG, "ERR flag differs from linux/can.h");
_Static_assert(ECO_CAN_IFNAME_MAX == IFNAMSIZ, "interface name size differs");
_Static_assert(ECO_CAN_MAX_DLEN == CANFD_MAX_DLEN, "CAN FD payload size differs");
_Static_assert(ECO_CAN_CLASSIC_DLEN == CAN_MAX_DLEN, "classic CAN payload size differs");
_Static_assert(ECO_CAN_FD_BRS == CANFD_BRS && ECO_CAN_FD_ESI == CANFD_ESI, "FD flags differ");

/* Interface flags and hardware type through an AF_UNIX datagram socket: device ioctls
 * work on any socket family, so this works on kernels without AF_CAN too. */
static int iface_info(const char *iface, short *flags, int *hwtype, int *mtu)
{
    struct ifreq ifr;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;
    if (fd < 0)
        return -1;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", iface);
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
        *flags = ifr.ifr_flags;
        if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0) {
            *hwtype = ifr.ifr_hwaddr.sa_family;
            if (ioctl(fd, SIOCGIFMTU, &ifr) == 0) {
                *mtu = ifr.ifr_mtu;
                rc = 0;
            }
        }
    }
    close(fd);
    return rc;
}

int eco_can_sock_open(eco_can_sock *s, const char *iface)
{
    struct sockaddr_can addr;
    short flags = 0;
    int hwtype = 0, mtu = 0, e, on = 1;

    memset(s, 0, sizeof *s);
    s->fd = -1;
    if (!iface || !*iface || strlen(iface) >= IFNAMSIZ) {
        eco_set_error("CAN interface name '%s' is empty or longer than %d characters",
                      iface ? iface : "", IFNAMSIZ - 1);
        return ECO_EINVAL;
    }
    snprintf(s->iface, sizeof s->iface, "%s", iface);
    s->ifindex = (int)if_nametoindex(iface);
    if (s->ifindex == 0) {
        eco_set_error("CAN interface %s does not exist (create it: ip link add dev %s type "
                      "vcan, or check the name)",
                      iface, iface);
        return ECO_ENOENT;
    }
    if (iface_info(iface, &flags, &hwtype, &mtu) != 0) {
        eco_set_error("CAN interface %s: cannot read its flags: %s", iface, strerror(errno));
        return ECO_EIO;
    }
    if (hwtype != ARPHRD_CAN) {
        eco_set_error("interface %s is not a CAN interface (link type %d, CAN is %d)", iface,
                      hwtype, ARPHRD_CAN);
        return ECO_EINVAL;
    }
    if (!(flags & IFF_UP)) {
        eco_set_error("CAN interface %s is down (bring it up: ip link set up %s)", iface, iface);
        return ECO_EIO;
    }
    s->fd = socket(PF_CAN, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, CAN_RAW);
    if (s->fd < 0) {
        e = errno;
        if (e == EAFNOSUPPORT || e == EPROTONOSUPPORT)
            eco_set_error("CAN interface %s: this kernel has no AF_CAN/CAN_RAW support "
                          "(load the can and can-raw modules): %s",
                          iface, strerror(e));
        else
            eco_set_error("CAN interface %s: socket: %s", iface, strerror(e));
        return ECO_EIO;
    }
    /* FD frames on: reads take both sizes. A kernel without the option cannot carry FD. */
    s->fd_link =
        mtu == CANFD_MTU && setsockopt(s->fd, SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &on, sizeof on) == 0;
    memset(&addr, 0, sizeof addr);
    addr.can_family = AF_CAN;
    addr.can_ifindex = s->ifindex;
    if (bind(s->fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        e = errno;
        eco_set_error("CAN interface %s: bind: %s", iface, strerror(e));
        eco_can_sock_close(s);
        return e == ENODEV ? ECO_ENOENT : ECO_EIO;
    }
    return ECO_OK;
}

int eco_can_sock_check_db(const eco_can_sock *s, const eco_can_db *db)
{
    char names[200] = "";
    int n = 0;
    for (int i = 0; i < db->n_msgs; i++) {
        if (!db->msgs[i].fd)
            continue;
        size_t len = strlen(names);
        if (n++ < 3)
            snprintf(names + len, sizeof names - len, "%s%s", n > 1 ? ", " : "", db->msgs[i].name);
    }
    if (!n || s->fd_link)
        return ECO_OK;
    eco_set_error("CAN interface %s is classic CAN, but the DBC has %d CAN FD message(s) (%s%s): "
                  "an FD bus needs an FD controller (vcan: ip link set %s mtu 72)",
                  s->iface, n, names, n > 3 ? ", ..." : "", s->iface);
    return ECO_EINVAL;
}

void eco_can_sock_close(eco_can_sock *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
}

int eco_can_sock_set_filter(eco_can_sock *s, const uint32_t *ids, int n)
{
    struct can_filter flt[64];
    int i;

    if (n < 0 || n > 64 || s->fd < 0) {
        eco_set_error("CAN interface %s: %d filters (0..64, open socket needed)", s->iface, n);
        return ECO_EINVAL;
    }
    for (i = 0; i < n; i++) {
        flt[i].can_id = ids[i];
        /* match id, frame format and no RTR */
        flt[i].can_mask =
            (ids[i] & CAN_EFF_FLAG ? CAN_EFF_MASK : CAN_SFF_MASK) | CAN_EFF_FLAG | CAN_RTR_FLAG;
    }
    if (setsockopt(s->fd, SOL_CAN_RAW, CAN_RAW_FILTER, n ? flt : NULL,
                   (socklen_t)(sizeof flt[0] * (size_t)n)) < 0) {
        eco_set_error("CAN interface %s: CAN_RAW_FILTER: %s", s->iface, strerror(errno));
        return ECO_EIO;
    }
    return ECO_OK;
}

/* struct can_frame is the first CAN_MTU bytes of struct canfd_frame (linux/can.h): one
 * buffer reads both, the read's size says which it was. */
int eco_can_sock_read(eco_can_sock *s, eco_can_frame *f, int *got)
{
    struct canfd_frame cf;
    ssize_t n;

    *got = 0;
    n = read(s->fd, &cf, sizeof cf);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return ECO_OK;
        s->last_errno = errno;
        return ECO_EIO;
    }
    if (n != CAN_MTU && n != CANFD_MTU) {
        s->last_errno = EPROTO;
        return ECO_EIO;
    }
    unsigned max = n == CANFD_MTU ? CANFD_MAX_DLEN : CAN_MAX_DLEN;
    f->id = cf.can_id;
    f->dlc = cf.len > max ? (uint8_t)max : cf.len;
    f->flags = n == CANFD_MTU ? (uint8_t)(ECO_CAN_FD | (cf.flags & (CANFD_BRS | CANFD_ESI))) : 0;
    memset(f->data, 0, sizeof f->data);
    memcpy(f->data, cf.data, f->dlc);
    *got = 1;
    return ECO_OK;
}

int eco_can_sock_write(eco_can_sock *s, const eco_can_frame *f)
{
    struct canfd_frame cf;
    ssize_t n;
    int fd = (f->flags & ECO_CAN_FD) != 0;

    if (fd ? !eco_can_fd_len_valid(f->dlc) : f->dlc > CAN_MAX_DLEN)
        return ECO_EINVAL;
    memset(&cf, 0, sizeof cf);
    cf.can_id = f->id;
    cf.len = f->dlc;
    if (fd)
        cf.flags = f->flags & (CANFD_BRS | CANFD_ESI);
    memcpy(cf.data, f->data, f->dlc);
    size_t size = fd ? CANFD_MTU : CAN_MTU;
    n = write(s->fd, &cf, size);
    if (n != (ssize_t)size) {
        s->last_errno = n < 0 ? errno : EIO;
        return ECO_EIO;
    }
    return ECO_OK;
}

int eco_can_link_get(eco_can_sock *s, eco_can_link *link)
{
    struct can_berr_counter bc;
    int state;

    memset(link, 0, sizeof *link);
    link->state = ECO_CAN_LINK_VIRTUAL;
    if (s->virtual_link)
        return ECO_OK;
    /* libsocketcan returns -1 ("no link data") on vcan, which has no CAN controller */
    if (can_get_state(s->iface, &state) != 0) {
        s->virtual_link = 1;
        return ECO_OK;
    }
    link->state = state >= CAN_STATE_ERROR_ACTIVE && state <= CAN_STATE_SLEEPING
                      ? (eco_can_link_state)state
                      : ECO_CAN_LINK_STOPPED;
    if (can_get_berr_counter(s->iface, &bc) == 0) {
        link->tx_errors = bc.txerr;
        link->rx_errors = bc.rxerr;
    }
    return ECO_OK;
}

int eco_can_link_restart(eco_can_sock *s)
{
    eco_can_link link;
    eco_can_link_get(s, &link);
    if (s->virtual_link)
        return ECO_OK;
    if (can_do_restart(s->iface) != 0) {
        eco_set_error("CAN interface %s: restart failed (needs CAP_NET_ADMIN, and the "
                      "controller must be bus-off)",
                      s->iface);
        return ECO_EIO;
    }
    return ECO_OK;
}
