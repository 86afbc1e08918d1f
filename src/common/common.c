#include "ecodrive/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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
