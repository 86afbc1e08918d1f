/* candump log files. Line format from can-utils candump.c (log mode):
 *   "(%010lu.%06lu) %*s %s%s\n"  timestamp, interface, frame, optional " R"/" T" (-x)
 * and the frame text from lib.c sprint_canframe: "%03X#" (standard) or "%08X#"
 * (extended, or error frame with CAN_ERR_FLAG), then "%02X" per data byte, or "R"/"R%d"
 * for a remote frame; a CAN FD frame is "ID##" and one hex digit of its flags (BRS 1,
 * ESI 2) before the data. Reading follows canplayer.c: lines not starting with '(' are
 * comments; frames as lib.c parse_canframe takes them (hex in either case, optional '.'
 * between bytes). */
#include "ecodrive/can.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static int parse_hex(const char *p, int n, uint32_t *v)
{
    int i;
    *v = 0;
    for (i = 0; i < n; i++) {
        int h = hexval(p[i]);
        if (h < 0)
            return -1;
        *v = (*v << 4) | (uint32_t)h;
    }
    return 0;
}

/* The id before '#': 3 hex digits (standard), or 8 (extended, or an error frame's class
 * bits); *data is set past the '#'. */
static int parse_id(const char *cs, size_t len, uint32_t *out, const char **data)
{
    uint32_t id;
    if (len >= 4 && cs[3] == '#') {
        if (parse_hex(cs, 3, &id) || id > ECO_CAN_SFF_MASK) {
            eco_set_error("bad standard id '%.3s' (3 hex digits, at most 7FF)", cs);
            return ECO_EPARSE;
        }
        *data = cs + 4;
    } else if (len >= 9 && cs[8] == '#') {
        if (parse_hex(cs, 8, &id)) {
            eco_set_error("bad extended id '%.8s' (8 hex digits)", cs);
            return ECO_EPARSE;
        }
        if (id & ECO_CAN_ERR_FLAG) {
            id &= ECO_CAN_ERR_FLAG | ECO_CAN_EFF_MASK; /* error class bits, as candump prints */
        } else { /* 8 digits without the error flag: a 29-bit id */
            if (id > ECO_CAN_EFF_MASK) {
                eco_set_error("extended id %08X has bits above 28", id);
                return ECO_EPARSE;
            }
            id |= ECO_CAN_EFF_FLAG;
        }
        *data = cs + 9;
    } else {
        eco_set_error("frame '%.*s' is not ID#DATA with a 3- or 8-digit hex id",
                      (int)(len > 32 ? 32 : len), cs);
        return ECO_EPARSE;
    }
    *out = id;
    return ECO_OK;
}

/* The data bytes from p to end: hex pairs, optionally '.'-separated; at most max. */
static int parse_data(const char *p, const char *end, eco_can_frame *f, unsigned max)
{
    while (p < end) {
        if (*p == '.' && p + 1 < end)
            p++;
        if (*p == '_' && f->dlc == ECO_CAN_CLASSIC_DLEN && max == ECO_CAN_CLASSIC_DLEN &&
            p + 2 == end && hexval(p[1]) > 8)
            break; /* "_<dlc>" raw DLC 9..F of an 8-byte classic frame */
        int hi = hexval(p[0]), lo = p + 1 < end ? hexval(p[1]) : -1;
        if (hi < 0 || lo < 0) {
            eco_set_error("bad data '%.*s' (hex bytes, two digits each)", (int)(end - p), p);
            return ECO_EPARSE;
        }
        if (f->dlc == max) {
            eco_set_error(max == ECO_CAN_CLASSIC_DLEN
                              ? "more than 8 data bytes in a classic CAN frame (CAN FD is ID##)"
                              : "more than 64 data bytes in a CAN FD frame");
            return ECO_EPARSE;
        }
        f->data[f->dlc++] = (uint8_t)(hi << 4 | lo);
        p += 2;
    }
    return ECO_OK;
}

/* "ID##F<data>": the flags digit, then the data. A length an FD frame cannot have is padded
 * with zeros to the next one it can, as the kernel sends it. */
static int parse_fd(const char *p, const char *end, eco_can_frame *f)
{
    int flags = p < end ? hexval(*p) : -1;
    if (flags < 0 || (flags & ~(int)(ECO_CAN_FD_BRS | ECO_CAN_FD_ESI))) {
        eco_set_error("CAN FD frame: '##' is followed by one hex digit of flags (0..3: BRS 1, "
                      "ESI 2)");
        return ECO_EPARSE;
    }
    f->flags = (uint8_t)(ECO_CAN_FD | (unsigned)flags);
    int rc = parse_data(p + 1, end, f, ECO_CAN_MAX_DLEN);
    while (rc == ECO_OK && !eco_can_fd_len_valid(f->dlc))
        f->dlc++;
    return rc;
}

/* The frame text "ID#DATA" up to the first blank. */
static int parse_frame(const char *cs, size_t len, eco_can_frame *f)
{
    const char *p, *end = cs + len;
    memset(f, 0, sizeof *f);
    int rc = parse_id(cs, len, &f->id, &p);
    if (rc != ECO_OK)
        return rc;
    if (!(f->id & ECO_CAN_ERR_FLAG) && p < end &&
        (*p == 'R' || *p == 'r')) { /* remote frame, DLC digit */
        f->id |= ECO_CAN_RTR_FLAG;
        if (p + 1 < end && p[1] >= '0' && p[1] <= '8')
            f->dlc = (uint8_t)(p[1] - '0');
        return ECO_OK;
    }
    if (p < end && *p == '#') {
        if (f->id & ECO_CAN_ERR_FLAG) {
            eco_set_error("an error frame (id %08X, the error flag) cannot be CAN FD ('##')",
                          f->id);
            return ECO_EPARSE;
        }
        return parse_fd(p + 1, end, f);
    }
    return parse_data(p, end, f, ECO_CAN_CLASSIC_DLEN);
}

int eco_can_log_parse_line(const char *line, eco_can_log_entry *e)
{
    const char *p = line, *tok;
    uint64_t sec = 0, usec = 0;
    int nd = 0, rc;
    size_t n;

    memset(e, 0, sizeof *e);
    if (*p != '(')
        return ECO_ENOENT; /* canplayer skips every line not starting with '(' */
    for (p++; isdigit((unsigned char)*p) && nd < 19; p++, nd++)
        sec = sec * 10 + (uint64_t)(*p - '0');
    if (!nd || *p != '.') {
        eco_set_error("timestamp must be (seconds.microseconds)");
        return ECO_EPARSE;
    }
    for (p++, nd = 0; isdigit((unsigned char)*p) && nd < 7; p++, nd++)
        usec = usec * 10 + (uint64_t)(*p - '0');
    if (!nd || *p != ')' || usec > 999999 || sec > INT64_MAX / 1000000 - 1) {
        eco_set_error("timestamp must be (seconds.microseconds), microseconds < 1000000");
        return ECO_EPARSE;
    }
    e->t_us = (int64_t)(sec * 1000000 + usec);
    for (p++; *p == ' ' || *p == '\t'; p++)
        ;
    for (tok = p; *p && !isspace((unsigned char)*p); p++)
        ;
    n = (size_t)(p - tok);
    if (n == 0 || n >= ECO_CAN_IFNAME_MAX) {
        eco_set_error(n ? "interface name longer than 15 characters" : "missing interface");
        return ECO_EPARSE;
    }
    memcpy(e->iface, tok, n);
    for (; *p == ' ' || *p == '\t'; p++)
        ;
    for (tok = p; *p && !isspace((unsigned char)*p); p++)
        ;
    if (p == tok) {
        eco_set_error("missing frame after the interface");
        return ECO_EPARSE;
    }
    rc = parse_frame(tok, (size_t)(p - tok), &e->frame);
    if (rc != ECO_OK)
        return rc;
    for (; *p == ' ' || *p == '\t'; p++)
        ;
    /* candump -x direction; canplayer ignores anything after the frame, and so do we */
    if ((*p == 'R' || *p == 'T') && (p[1] == '\0' || isspace((unsigned char)p[1])))
        e->dir = *p;
    return ECO_OK;
}

int eco_can_log_format(const eco_can_log_entry *e, char *buf, size_t size)
{
    const eco_can_frame *f = &e->frame;
    char frame[16 + 2 * ECO_CAN_MAX_DLEN];
    int n, i, fd = (f->flags & ECO_CAN_FD) != 0;

    if (e->t_us < 0 || f->dlc > (fd ? ECO_CAN_MAX_DLEN : ECO_CAN_CLASSIC_DLEN) || !e->iface[0] ||
        memchr(e->iface, '\0', ECO_CAN_IFNAME_MAX) == NULL ||
        (fd && (f->id & (ECO_CAN_RTR_FLAG | ECO_CAN_ERR_FLAG))))
        return ECO_EINVAL;
    if (f->id & ECO_CAN_ERR_FLAG)
        n = snprintf(frame, sizeof frame, "%08" PRIX32 "#",
                     f->id & (ECO_CAN_EFF_MASK | ECO_CAN_ERR_FLAG));
    else if (f->id & ECO_CAN_EFF_FLAG)
        n = snprintf(frame, sizeof frame, "%08" PRIX32 "#", f->id & ECO_CAN_EFF_MASK);
    else
        n = snprintf(frame, sizeof frame, "%03" PRIX32 "#", f->id & ECO_CAN_SFF_MASK);
    if (fd)
        n += snprintf(frame + n, sizeof frame - (size_t)n, "#%X",
                      f->flags & (ECO_CAN_FD_BRS | ECO_CAN_FD_ESI));
    if ((f->id & ECO_CAN_RTR_FLAG) && !(f->id & ECO_CAN_ERR_FLAG)) {
        if (f->dlc)
            snprintf(frame + n, sizeof frame - (size_t)n, "R%d", f->dlc);
        else
            snprintf(frame + n, sizeof frame - (size_t)n, "R");
    } else {
        for (i = 0; i < f->dlc; i++)
            n += snprintf(frame + n, sizeof frame - (size_t)n, "%02X", f->data[i]);
    }
    n = snprintf(buf, size, "(%010" PRId64 ".%06" PRId64 ") %s %s%s%s\n", e->t_us / 1000000,
                 e->t_us % 1000000, e->iface, frame, e->dir ? " " : "",
                 e->dir == 'R'   ? "R"
                 : e->dir == 'T' ? "T"
                                 : "");
    return n < 0 || (size_t)n >= size ? ECO_EINVAL : ECO_OK;
}

int eco_can_log_write(FILE *fp, const eco_can_log_entry *e)
{
    char buf[ECO_CAN_LOG_LINE_MAX];
    int rc = eco_can_log_format(e, buf, sizeof buf);
    if (rc != ECO_OK)
        return rc;
    return fputs(buf, fp) == EOF ? ECO_EIO : ECO_OK;
}

int eco_can_log_open(eco_can_log_reader *r, const char *path)
{
    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof r->path, "%s", path);
    r->fp = fopen(path, "r");
    if (!r->fp) {
        int e = errno;
        eco_set_error("%s: cannot open log: %s", path, strerror(e));
        return e == ENOENT ? ECO_ENOENT : ECO_EIO;
    }
    return ECO_OK;
}

int eco_can_log_next(eco_can_log_reader *r, eco_can_log_entry *e)
{
    while (r->fp && fgets(r->buf, sizeof r->buf, r->fp)) {
        size_t n = strlen(r->buf);
        int rc;
        r->line++;
        if (n && r->buf[n - 1] != '\n' && !feof(r->fp)) {
            eco_set_error("%s:%ld: line longer than %zu characters", r->path, r->line,
                          sizeof r->buf - 2);
            return ECO_EPARSE;
        }
        rc = eco_can_log_parse_line(r->buf, e);
        if (rc == ECO_OK)
            return ECO_OK;
        if (rc == ECO_EPARSE) {
            char why[400];
            snprintf(why, sizeof why, "%s", eco_last_error());
            eco_set_error("%s:%ld: %s", r->path, r->line, why);
            return ECO_EPARSE;
        }
    }
    if (r->fp && ferror(r->fp)) {
        eco_set_error("%s:%ld: read error", r->path, r->line);
        return ECO_EIO;
    }
    return ECO_ENOENT;
}

void eco_can_log_close(eco_can_log_reader *r)
{
    if (r->fp)
        fclose(r->fp);
    r->fp = NULL;
}
