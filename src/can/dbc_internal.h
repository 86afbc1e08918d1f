/* Shared by the DBC parser's own files (dbc*.c); not part of the public API. The parser reads
 * the text twice through one eco_dbc_parser: pass 1 (db NULL) checks the syntax and counts,
 * pass 2 fills the single allocation. The token readers (expect, get_*, skip_*) and the
 * statement parsers return ECO_OK, or ECO_EPARSE with eco_last_error() set to
 * "NAME:LINE: message". */
#ifndef ECODRIVE_DBC_INTERNAL_H
#define ECODRIVE_DBC_INTERNAL_H

#include "ecodrive/can.h"

#include <stddef.h>
#include <stdint.h>

enum {
    ECO_DBC_TOK_EOF,
    ECO_DBC_TOK_IDENT,
    ECO_DBC_TOK_NUM,
    ECO_DBC_TOK_STR,
    ECO_DBC_TOK_PUNCT,
    ECO_DBC_TOK_BADSTR
};

typedef struct {
    int kind;
    const char *p; /* text; for strings without the quotes */
    size_t len;
    int line;
    int col0; /* first character of its line */
} eco_dbc_tok;

typedef struct {
    const char *name, *src, *cur, *end;
    int line;       /* lexer position */
    int end_line;   /* line on which the last consumed token ended */
    eco_dbc_tok t;  /* current token */
    eco_can_db *db; /* NULL in the counting pass */
    char *pool;
    size_t pool_used;
    int cur_msg; /* -1: no BO_ yet; -2: skipped pseudo message */
    unsigned cur_dlc;
    int n_msgs, n_signals, n_values, n_mux_ranges;
} eco_dbc_parser;

// clang-format off
#define ECO_DBC_TRY(x) do { int rc_ = (x); if (rc_ != ECO_OK) return rc_; } while (0)
// clang-format on

/* Sets the message and yields ECO_EPARSE where the compiler sees it (so that it knows
 * out-parameters are set whenever ECO_OK comes back). */
#define ECO_DBC_FAIL(P, line, ...) (eco_dbc_set_fail((P), (line), __VA_ARGS__), ECO_EPARSE)

/* ---- tokens (dbc_lex.c) ------------------------------------------------------------- */

/* Set the message "NAME:LINE: ..."; use ECO_DBC_FAIL, which also yields the code. */
void eco_dbc_set_fail(const eco_dbc_parser *P, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Advance P->t to the next token. */
void eco_dbc_lex(eco_dbc_parser *P);
int eco_dbc_is_kw(const eco_dbc_parser *P, const char *kw);
int eco_dbc_is_punct(const eco_dbc_parser *P, char ch);
int eco_dbc_tok_eq(const eco_dbc_tok *t, const char *s);
/* The current token as text for a message ("'BO_'", "end of file"), in buf or static. */
const char *eco_dbc_found(const eco_dbc_parser *P, char *buf, size_t n);
/* Consume the punctuation ch; where says where it belongs, for the message. */
int eco_dbc_expect(eco_dbc_parser *P, char ch, const char *where);
/* Consume a token of kind (ECO_DBC_TOK_*) into *out; what names it in the message. */
int eco_dbc_get_tok(eco_dbc_parser *P, int kind, eco_dbc_tok *out, const char *what);
int eco_dbc_get_num(eco_dbc_parser *P, double *v, const char *what);
/* A number that is an integer in [lo, hi]. */
int eco_dbc_get_int(eco_dbc_parser *P, double lo, double hi, int64_t *v, const char *what);
/* Skip a statement that began on line up to and including its ';'. */
int eco_dbc_skip_to_semicolon(eco_dbc_parser *P, int line, const char *what);

/* ---- the database being filled (dbc.c) ---------------------------------------------- */

/* A copy of p[0..n) in the pool, NUL-terminated; "" in pass 1. */
const char *eco_dbc_pool_str(eco_dbc_parser *P, const char *p, size_t n, int unescape);
/* Index of the message with this id (as written, EFF flag included); -1 if none or pass 1. */
int eco_dbc_msg_by_raw_id(const eco_dbc_parser *P, int64_t id);
/* Index in db->signals of signal p[0..n) of message mi; -1 if none or pass 1. */
int eco_dbc_sig_in_msg(const eco_dbc_parser *P, int mi, const char *p, size_t n);

/* ---- statements: the current token is their keyword --------------------------------- */

/* BO_ and SG_ (dbc_messages.c). */
int eco_dbc_parse_bo(eco_dbc_parser *P);
int eco_dbc_parse_sg(eco_dbc_parser *P);
/* CM_, BA_DEF_, BA_DEF_DEF_, BA_, VAL_ and SIG_VALTYPE_ (dbc_annotations.c). */
int eco_dbc_parse_cm(eco_dbc_parser *P);
int eco_dbc_parse_ba_def(eco_dbc_parser *P);
int eco_dbc_parse_ba_def_def(eco_dbc_parser *P);
int eco_dbc_parse_ba(eco_dbc_parser *P);
int eco_dbc_parse_val(eco_dbc_parser *P);
int eco_dbc_parse_valtype(eco_dbc_parser *P);
/* SG_MUL_VAL_ (mux.c). */
int eco_dbc_parse_mul_val(eco_dbc_parser *P);

#endif
