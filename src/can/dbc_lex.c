/* The DBC tokenizer: identifiers, numbers, strings and punctuation, with "//" line comments
 * skipped; and the readers that consume one expected token or fail naming what was found. */
#include "dbc_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void eco_dbc_set_fail(const eco_dbc_parser *P, int line, const char *fmt, ...)
{
    char what[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    eco_set_error("%s:%d: %s", P->name, line, what);
}

/* Past white space and "//" line comments (tolerated), counting lines. */
static const char *skip_blank(eco_dbc_parser *P, const char *c, const char *e)
{
    for (;;) {
        while (c < e && isspace((unsigned char)*c)) {
            if (*c == '\n')
                P->line++;
            c++;
        }
        if (!(c + 1 < e && c[0] == '/' && c[1] == '/'))
            return c;
        while (c < e && *c != '\n')
            c++;
    }
}

static int starts_number(const char *c, const char *e)
{
    return isdigit((unsigned char)*c) || ((*c == '-' || *c == '+' || *c == '.') && c + 1 < e &&
                                          (isdigit((unsigned char)c[1]) || c[1] == '.'));
}

/* The end of the number at c: a sign, digits and points, an exponent. */
static const char *scan_number(const char *c, const char *e)
{
    if (*c == '-' || *c == '+')
        c++;
    while (c < e && (isdigit((unsigned char)*c) || *c == '.'))
        c++;
    if (c < e && (*c == 'e' || *c == 'E')) {
        c++;
        if (c < e && (*c == '+' || *c == '-'))
            c++;
        while (c < e && isdigit((unsigned char)*c))
            c++;
    }
    return c;
}

/* The closing quote of the string whose body starts at c (backslash escapes skipped,
 * lines counted), or e if it has none. */
static const char *scan_string(eco_dbc_parser *P, const char *c, const char *e)
{
    while (c < e && *c != '"') {
        if (*c == '\\' && c + 1 < e)
            c++;
        if (*c == '\n')
            P->line++;
        c++;
    }
    return c;
}

void eco_dbc_lex(eco_dbc_parser *P)
{
    const char *e = P->end;
    eco_dbc_tok t = {0};

    P->end_line = P->line;
    const char *c = skip_blank(P, P->cur, e);
    t.p = c;
    t.line = P->line;
    t.col0 = c == P->src || c[-1] == '\n';
    if (c >= e) {
        t.kind = ECO_DBC_TOK_EOF;
    } else if (isalpha((unsigned char)*c) || *c == '_') {
        while (c < e && (isalnum((unsigned char)*c) || *c == '_'))
            c++;
        t.kind = ECO_DBC_TOK_IDENT;
    } else if (starts_number(c, e)) {
        c = scan_number(c, e);
        t.kind = ECO_DBC_TOK_NUM;
    } else if (*c == '"') {
        t.p = c + 1;
        c = scan_string(P, t.p, e);
        t.kind = c < e ? ECO_DBC_TOK_STR : ECO_DBC_TOK_BADSTR;
    } else {
        c++;
        t.kind = ECO_DBC_TOK_PUNCT;
    }
    t.len = (size_t)(c - t.p);
    if (t.kind == ECO_DBC_TOK_STR)
        c++; /* past the closing quote, which is not in the token */
    P->cur = c;
    P->t = t;
}

int eco_dbc_is_kw(const eco_dbc_parser *P, const char *kw)
{
    return P->t.kind == ECO_DBC_TOK_IDENT && P->t.len == strlen(kw) &&
           !memcmp(P->t.p, kw, P->t.len);
}

int eco_dbc_is_punct(const eco_dbc_parser *P, char ch)
{
    return P->t.kind == ECO_DBC_TOK_PUNCT && P->t.p[0] == ch;
}

int eco_dbc_tok_eq(const eco_dbc_tok *t, const char *s)
{
    return t->len == strlen(s) && !memcmp(t->p, s, t->len);
}

/* What the current token is, for error messages. */
const char *eco_dbc_found(const eco_dbc_parser *P, char *buf, size_t n)
{
    if (P->t.kind == ECO_DBC_TOK_EOF)
        return "end of file";
    if (P->t.kind == ECO_DBC_TOK_BADSTR)
        return "an unterminated string";
    snprintf(buf, n, "'%.*s'", (int)(P->t.len > 24 ? 24 : P->t.len), P->t.p);
    return buf;
}

int eco_dbc_expect(eco_dbc_parser *P, char ch, const char *where)
{
    char b[40];
    if (!eco_dbc_is_punct(P, ch))
        return ECO_DBC_FAIL(P, P->t.line, "expected '%c' %s, found %s", ch, where,
                            eco_dbc_found(P, b, sizeof b));
    eco_dbc_lex(P);
    return ECO_OK;
}

int eco_dbc_get_tok(eco_dbc_parser *P, int kind, eco_dbc_tok *out, const char *what)
{
    char b[40];
    if (P->t.kind != kind)
        return ECO_DBC_FAIL(P, P->t.line, "expected %s, found %s", what,
                            eco_dbc_found(P, b, sizeof b));
    *out = P->t;
    eco_dbc_lex(P);
    return ECO_OK;
}

int eco_dbc_get_num(eco_dbc_parser *P, double *v, const char *what)
{
    char buf[64], *end;
    eco_dbc_tok t;
    ECO_DBC_TRY(eco_dbc_get_tok(P, ECO_DBC_TOK_NUM, &t, what));
    if (t.len >= sizeof buf)
        return ECO_DBC_FAIL(P, t.line, "%s: number too long", what);
    memcpy(buf, t.p, t.len);
    buf[t.len] = '\0';
    errno = 0;
    *v = strtod(buf, &end);
    if (*end || errno == ERANGE)
        return ECO_DBC_FAIL(P, t.line, "%s: '%s' is not a number", what, buf);
    return ECO_OK;
}

/* An integer within [lo, hi] (checked exactly for |v| < 2^53, beyond which DBC values do
 * not occur: ids are 32-bit, VAL_ entries small). The range is checked before the number is
 * converted: a double beyond int64_t does not convert (undefined behaviour, issue 14:
 * "BO_ 1e19"). lo and hi lie within +-2^53. */
int eco_dbc_get_int(eco_dbc_parser *P, double lo, double hi, int64_t *v, const char *what)
{
    double d;
    int line = P->t.line;
    ECO_DBC_TRY(eco_dbc_get_num(P, &d, what));
    if (!(d >= lo && d <= hi) || d != floor(d))
        return ECO_DBC_FAIL(P, line, "%s: %g is not an integer in %.0f..%.0f", what, d, lo, hi);
    *v = (int64_t)d;
    return ECO_OK;
}

int eco_dbc_skip_to_semicolon(eco_dbc_parser *P, int line, const char *what)
{
    while (P->t.kind != ECO_DBC_TOK_EOF && !eco_dbc_is_punct(P, ';')) {
        if (P->t.kind == ECO_DBC_TOK_BADSTR)
            return ECO_DBC_FAIL(P, P->t.line, "unterminated string in %s", what);
        eco_dbc_lex(P);
    }
    if (P->t.kind == ECO_DBC_TOK_EOF)
        return ECO_DBC_FAIL(P, line, "%s is not terminated by ';'", what);
    eco_dbc_lex(P);
    return ECO_OK;
}
