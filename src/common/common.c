#include "ecodrive/common.h"
#include "ecodrive/units.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long alloc_count;
/* per thread: the daemon's helper thread makes controllers (and fails) while the loop runs */
static _Thread_local char last_error[512];

/* Indexed by -status (STYLE.md §4, after osqp OSQP_ERROR_MESSAGE[]). */
static const char *const status_text[] = {
    [-ECO_OK] = "ok",
    [-ECO_EINVAL] = "invalid value",
    [-ECO_ENOMEM] = "out of memory",
    [-ECO_EIO] = "I/O error",
    [-ECO_EPARSE] = "parse error",
    [-ECO_ERANGE] = "out of range",
    [-ECO_ESOLVER] = "solver failed or timed out",
    [-ECO_ESTALE] = "stale input",
    [-ECO_ENOENT] = "not found",
    [-ECO_ECRC] = "counter or CRC mismatch",
};

const char *eco_strerror(int status)
{
    int n = (int)(sizeof status_text / sizeof status_text[0]);
    return status <= 0 && status > -n ? status_text[-status] : "unknown error";
}

void *eco_malloc(size_t size)
{
    alloc_count++;
    return malloc(size);
}

void *eco_calloc(size_t n, size_t size)
{
    alloc_count++;
    return calloc(n, size);
}

void *eco_realloc(void *p, size_t size)
{
    alloc_count++;
    return realloc(p, size);
}

void eco_free(void *p)
{
    free(p);
}

unsigned long eco_alloc_count(void)
{
    return alloc_count;
}

const char *eco_last_error(void)
{
    return last_error;
}

void eco_set_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
}

void eco_vset_error_at(const char *file, int line, const char *fmt, va_list ap)
{
    char msg[sizeof last_error];
    vsnprintf(msg, sizeof msg, fmt, ap);
    eco_set_error("%s:%d: %s", file, line, msg);
}

int eco_read_file(const char *path, const char *what, char **text, size_t *len)
{
    const char *sep = what && *what ? " " : "";
    what = what ? what : "";
    *text = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        int e = errno;
        eco_set_error("%s: cannot open%s%s: %s", path, sep, what, strerror(e));
        return e == ENOENT ? ECO_ENOENT : ECO_EIO;
    }
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        eco_set_error("%s: cannot open%s%s: is a directory", path, sep, what);
        return ECO_EIO;
    }
    /* Read in chunks rather than trusting a size: works for pipes and /dev/stdin too. */
    char *buf = NULL;
    size_t n = 0, cap = 0, got;
    do {
        if (n + 1 >= cap) {
            char *nb = eco_realloc(buf, cap ? 2 * cap : 65536);
            if (!nb) {
                eco_free(buf);
                fclose(fp);
                eco_set_error("%s: out of memory", path);
                return ECO_ENOMEM;
            }
            buf = nb;
            cap = cap ? 2 * cap : 65536;
        }
        got = fread(buf + n, 1, cap - 1 - n, fp);
        n += got;
    } while (got > 0);
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        eco_free(buf);
        eco_set_error("%s: read error%s%s", path, sep, what);
        return ECO_EIO;
    }
    buf[n] = '\0';
    *text = buf;
    if (len)
        *len = n;
    return ECO_OK;
}

int64_t eco_clock_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (int64_t)ts.tv_sec * ECO_NS_PER_S + ts.tv_nsec;
}
