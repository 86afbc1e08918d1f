#include "ecodrive/common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long alloc_count;
static char last_error[512];

const char *eco_strerror(int status)
{
    switch (status) {
    case ECO_OK:
        return "ok";
    case ECO_EINVAL:
        return "invalid value";
    case ECO_ENOMEM:
        return "out of memory";
    case ECO_EIO:
        return "I/O error";
    case ECO_EPARSE:
        return "parse error";
    case ECO_ERANGE:
        return "out of range";
    case ECO_ESOLVER:
        return "solver failed or timed out";
    case ECO_ESTALE:
        return "stale input";
    case ECO_ENOENT:
        return "not found";
    case ECO_ECRC:
        return "counter or CRC mismatch";
    default:
        return "unknown error";
    }
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
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
