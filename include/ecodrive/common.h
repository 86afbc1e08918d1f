/* What every module shares: status codes, the allocation hooks, error messages, reading a file
 * and a CSV text, and the clock. */
#ifndef ECODRIVE_COMMON_H
#define ECODRIVE_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/* fmin and fmax with the results of C's (a NaN argument gives the other one; of two equal
 * values the second, as glibc's x86-64 fmin and fmax return them), inline: in the plant's
 * and the cycle's hot paths a library call costs more than the comparison it makes. */
static inline double eco_fmin(double a, double b)
{
    return a < b || b != b ? a : b;
}

static inline double eco_fmax(double a, double b)
{
    return a > b || b != b ? a : b;
}

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
/* Set "FILE:LINE: <message>": the one form of a message about a line of a file. */
void eco_vset_error_at(const char *file, int line, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Read a whole file into *text (eco_malloc'd, NUL-terminated; length to *len if len is not
 * NULL). Init-time only. ECO_OK, or ECO_ENOENT / ECO_EIO / ECO_ENOMEM with eco_last_error
 * "PATH: cannot open[ WHAT]: reason" (what: e.g. "DBC"; NULL or "" for none), and a
 * directory or other non-regular file refused by name rather than read. */
int eco_read_file(const char *path, const char *what, char **text, size_t *len);

/* Now on a POSIX clock (CLOCK_MONOTONIC for deadlines and solve times, CLOCK_REALTIME for
 * log stamps, CLOCK_THREAD_CPUTIME_ID for CPU time), in nanoseconds. The one clock helper:
 * every module reads time through it. */
int64_t eco_clock_ns(clockid_t clock);

/* ---- Output files: checked before any work, written whole or not at all (issue 14) ---- */

/* Whether a file can be written at path, before the work that fills it: not a folder; its
 * folder exists and may be written; the file, if it exists, may be written. Init-time.
 * ECO_OK; ECO_ENOENT (no such folder) or ECO_EIO, with eco_last_error "PATH: cannot write:
 * reason"; ECO_EINVAL for an empty path. */
int eco_out_check(const char *path);
/* The same for a folder a command fills (ecosim --plot DIR): one that exists and may be
 * written into, or one that can be made (its parent exists and may be written). Same codes,
 * "DIR: cannot write into: reason". */
int eco_out_check_dir(const char *dir);
/* Write a file whole or not at all. eco_out_begin opens PATH.part in the same folder (tmp
 * receives its name; n >= strlen(path) + 6), eco_out_end closes it and renames it over PATH
 * (or removes it, if a write or the close failed), eco_out_discard closes and removes it.
 * A path that exists and is not a regular file (/dev/null, a pipe) is written in place, never
 * replaced (tmp is then ""). NULL / ECO_EIO with eco_last_error "PATH: cannot write: reason"
 * or "PATH: write failed: reason". */
FILE *eco_out_begin(const char *path, char *tmp, size_t n);
int eco_out_end(FILE *fp, const char *tmp, const char *path);
void eco_out_discard(FILE *fp, const char *tmp);

/* ---- CSV: the one line reader of the engine maps, the EPA records and the drive cycles ---- */

/* Flags of eco_csv_open and eco_csv_init_text. */
#define ECO_CSV_SKIP_BLANK    1 /* eco_csv_next passes over lines of white space only */
#define ECO_CSV_SKIP_COMMENTS 2 /* eco_csv_next passes over lines whose first character is '#' */
#define ECO_CSV_QUOTES        4 /* eco_csv_split reads "..." fields ("" inside is one quote) */

/* A CSV text read a line at a time. The whole text is held, so a line has no length limit;
 * lines and fields are cut in place. Init-time only. */
typedef struct {
    const char *path; /* names the file in messages */
    char *text;       /* the whole text, NUL-terminated */
    char *next;       /* where the next line starts; NULL at the end */
    int line;         /* number of the last line eco_csv_next read (skipped ones count), from 1 */
    int flags;
    int owned; /* 1: eco_csv_close frees text */
} eco_csv;

/* Read the file at path (eco_read_file: its codes and messages). A NUL byte in it is
 * ECO_EPARSE "PATH:LINE: a NUL byte (not a text file)": no line is cut short unseen. */
int eco_csv_open(eco_csv *f, const char *path, int flags);
/* Read text (NUL-terminated, cut in place, still the caller's); label names it in messages. */
void eco_csv_init_text(eco_csv *f, const char *label, char *text, int flags);
/* Free what eco_csv_open read; safe on a zeroed or closed reader. */
void eco_csv_close(eco_csv *f);
/* The next line without its "\n" or "\r\n", lines the flags skip passed over; f->line is
 * its number. NULL at the end (a last empty line after the final newline is no line). */
char *eco_csv_next(eco_csv *f);
/* Cut line at its commas into at most max fields, each trimmed of white space (a quoted
 * field keeps what is inside its quotes, and anything between its closing quote and the
 * next comma is dropped). Returns the number of fields, ECO_ERANGE for more than max, or
 * ECO_EPARSE for a quote left open (ECO_CSV_QUOTES). Sets no message: callers word it. */
int eco_csv_split(const eco_csv *f, char *line, char **fields, int max);

/* What eco_csv_number found in a field. */
typedef enum {
    ECO_CSV_NUM_OK = 0,    /* a finite number and nothing after it */
    ECO_CSV_NUM_NONE,      /* empty, not a number, or characters after the number */
    ECO_CSV_NUM_NONFINITE, /* "inf" or "nan" as written: *v holds it */
    ECO_CSV_NUM_RANGE,     /* beyond a double (overflow, or underflow): *v holds strtod's value */
} eco_csv_num;
/* A field as a number (strtod syntax; white space before it is skipped, none may follow). */
eco_csv_num eco_csv_number(const char *field, double *v);

/* Set "PATH:LINE: <message>" for the current line (eco_set_error) and return rc. */
int eco_csv_error(const eco_csv *f, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
