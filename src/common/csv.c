/* The CSV line reader shared by the engine-map, EPA-record and drive-cycle loaders: whole
 * text in memory, lines and fields cut in place, numbers parsed strictly, messages
 * "FILE:LINE: what is wrong". */
#include "ecodrive/common.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void eco_csv_init_text(eco_csv *f, const char *label, char *text, int flags)
{
    memset(f, 0, sizeof *f);
    f->path = label;
    f->text = text;
    f->next = text;
    f->flags = flags;
}

int eco_csv_open(eco_csv *f, const char *path, int flags)
{
    char *text;
    size_t len;
    memset(f, 0, sizeof *f);
    int rc = eco_read_file(path, NULL, &text, &len);
    if (rc)
        return rc;
    eco_csv_init_text(f, path, text, flags);
    f->owned = 1;
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        /* Lines end at the NUL for string functions: refuse rather than read a part. */
        for (const char *p = text; p < nul; p++)
            f->line += *p == '\n';
        f->line++;
        rc = eco_csv_error(f, ECO_EPARSE, "a NUL byte (not a text file)");
        eco_csv_close(f);
    }
    return rc;
}

void eco_csv_close(eco_csv *f)
{
    if (f->owned)
        eco_free(f->text);
    f->text = f->next = NULL;
    f->owned = 0;
}

static int is_blank(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

/* The next line as it is, without "\n" or "\r\n"; NULL at the end. */
static char *next_raw_line(eco_csv *f)
{
    if (!f->next || !*f->next)
        return NULL;
    char *s = f->next;
    char *nl = strchr(s, '\n');
    if (nl) {
        *nl = '\0';
        f->next = nl + 1;
    } else {
        f->next = NULL;
    }
    size_t n = strlen(s);
    if (n > 0 && s[n - 1] == '\r')
        s[n - 1] = '\0';
    f->line++;
    return s;
}

char *eco_csv_next(eco_csv *f)
{
    char *s;
    while ((s = next_raw_line(f))) {
        if ((f->flags & ECO_CSV_SKIP_COMMENTS) && s[0] == '#')
            continue;
        if ((f->flags & ECO_CSV_SKIP_BLANK) && is_blank(s))
            continue;
        return s;
    }
    return NULL;
}

/* Copy a quoted field's content from *s (at its opening quote) to *w; ECO_EPARSE if the
 * line ends inside it. Leaves *s after the closing quote. */
static int unquote(char **s, char **w)
{
    char *r = *s + 1;
    for (;;) {
        if (!*r)
            return ECO_EPARSE;
        if (r[0] == '"' && r[1] == '"') {
            *(*w)++ = '"';
            r += 2;
        } else if (*r == '"') {
            *s = r + 1;
            return ECO_OK;
        } else {
            *(*w)++ = *r++;
        }
    }
}

int eco_csv_split(const eco_csv *f, char *line, char **fields, int max)
{
    int n = 0;
    char *s = line, *w = line; /* read and write heads: unquoting only ever shortens */
    for (;;) {
        if (n == max)
            return ECO_ERANGE;
        while (isspace((unsigned char)*s))
            s++;
        fields[n++] = w;
        if ((f->flags & ECO_CSV_QUOTES) && *s == '"') {
            if (unquote(&s, &w))
                return ECO_EPARSE;
            s += strcspn(s, ",");
        } else {
            char *start = w;
            while (*s && *s != ',')
                *w++ = *s++;
            while (w > start && isspace((unsigned char)w[-1]))
                w--;
        }
        int more = *s == ',';
        *w++ = '\0';
        if (!more)
            return n;
        s++;
    }
}

eco_csv_num eco_csv_number(const char *field, double *v)
{
    char *end;
    errno = 0;
    double x = strtod(field, &end);
    if (end == field || *end != '\0')
        return ECO_CSV_NUM_NONE;
    *v = x;
    if (errno == ERANGE)
        return ECO_CSV_NUM_RANGE;
    return isfinite(x) ? ECO_CSV_NUM_OK : ECO_CSV_NUM_NONFINITE;
}

int eco_csv_error(const eco_csv *f, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    eco_vset_error_at(f->path, f->line, fmt, ap);
    va_end(ap);
    return rc;
}
