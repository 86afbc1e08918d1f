/* candump log files (the CAN module: see can.h). */
#ifndef ECODRIVE_CAN_LOG_H
#define ECODRIVE_CAN_LOG_H

#include "ecodrive/can_dbc.h"

/* ---------------------------------------------------------------------------------------
 * candump log files: "(sec.usec) iface ID#DATA" as written by can-utils candump -l.
 * ------------------------------------------------------------------------------------- */

typedef struct {
    int64_t t_us;                   /* timestamp, microseconds (candump: wall clock) */
    char iface[ECO_CAN_IFNAME_MAX]; /* interface name */
    char dir;                       /* 'R' or 'T' from candump -x, else 0 */
    eco_can_frame frame;
} eco_can_log_entry;

/* Parse one log line (trailing newline allowed), classic or CAN FD ("ID##F<data>": flags
 * ECO_CAN_FD and the digit F's BRS and ESI). Returns ECO_OK with *e filled; ECO_ENOENT for
 * a line that holds no frame (blank, or not starting with '(': canplayer skips those as
 * comments); ECO_EPARSE if malformed, eco_last_error() saying what is wrong. */
int eco_can_log_parse_line(const char *line, eco_can_log_entry *e);

/* Format one entry as a candump -l line, with '\n', into buf. Returns ECO_OK, or
 * ECO_EINVAL if size is too small (ECO_CAN_LOG_LINE_MAX always suffices) or the entry is
 * invalid. */
#define ECO_CAN_LOG_LINE_MAX 200
int eco_can_log_format(const eco_can_log_entry *e, char *buf, size_t size);

/* Write one entry to fp. Returns ECO_OK, ECO_EINVAL, ECO_EIO. */
int eco_can_log_write(FILE *fp, const eco_can_log_entry *e);

typedef struct {
    FILE *fp;
    char path[256];
    long line; /* number of the last line read */
    char buf[512];
} eco_can_log_reader;

/* Open a log for reading. Returns ECO_OK, or ECO_ENOENT/ECO_EIO naming the file. */
int eco_can_log_open(eco_can_log_reader *r, const char *path);

/* Next frame, classic or FD; skips comment lines. Returns
 * ECO_OK; ECO_ENOENT at the end of the log; ECO_EPARSE with eco_last_error() =
 * "FILE:LINE: what is wrong"; ECO_EIO. */
int eco_can_log_next(eco_can_log_reader *r, eco_can_log_entry *e);

/* Close (safe to call twice). */
void eco_can_log_close(eco_can_log_reader *r);

#endif
