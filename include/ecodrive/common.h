/* Shared status codes and the allocation hook used by every module. */
#ifndef ECODRIVE_COMMON_H
#define ECODRIVE_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Status codes: 0 is success, negatives are errors (STYLE.md §4, after osqp/GSL). */
typedef enum {
    ECO_OK = 0,
    ECO_EINVAL = -1,  /* invalid argument or value out of range */
    ECO_ENOMEM = -2,  /* allocation failed */
    ECO_EIO = -3,     /* file or socket I/O failed */
    ECO_EPARSE = -4,  /* malformed input text (CSV, JSON, DBC, log) */
    ECO_ERANGE = -5,  /* lookup outside a map or a signal outside its range */
    ECO_ESOLVER = -6, /* optimiser failed or ran out of time */
    ECO_ESTALE = -7,  /* an input signal is older than its deadline */
    ECO_ENOENT = -8,  /* file, signal or interface not found */
    ECO_ECRC = -9,    /* E2E counter or CRC mismatch */
} eco_status;

/* Text for a status code; never NULL. */
const char *eco_strerror(int status);

/* Every heap allocation in the library goes through these, so that a test can count
 * allocations made inside a real-time step (STYLE.md §3, after osqp OSQP_CUSTOM_MEMORY). */
void *eco_malloc(size_t size);
void *eco_calloc(size_t n, size_t size);
void *eco_realloc(void *p, size_t size);
void eco_free(void *p);

/* Number of eco_malloc/eco_calloc/eco_realloc calls since start. */
unsigned long eco_alloc_count(void);

/* Error detail: the last message set by a loader (file, line or JSON path, and what is
 * wrong). Set by init-time code only; not thread-safe by design. */
const char *eco_last_error(void);
void eco_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read a whole file into *text (eco_malloc'd, NUL-terminated; length to *len if len is not
 * NULL). Init-time only. ECO_OK, or ECO_ENOENT / ECO_EIO / ECO_ENOMEM with eco_last_error
 * "PATH: cannot open[ WHAT]: reason" (what: e.g. "DBC"; NULL or "" for none), and a
 * directory or other non-regular file refused by name rather than read. */
int eco_read_file(const char *path, const char *what, char **text, size_t *len);

/* Now on a POSIX clock (CLOCK_MONOTONIC for deadlines and solve times, CLOCK_REALTIME for
 * log stamps, CLOCK_THREAD_CPUTIME_ID for CPU time), in nanoseconds. The one clock helper:
 * every module reads time through it. */
int64_t eco_clock_ns(clockid_t clock);

#endif
