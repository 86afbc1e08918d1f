/* DBC parser. Two passes over the text: the first checks the syntax and counts messages,
 * signals and value descriptions, the second fills one allocation sized from those counts.
 * Grammar after the Vector DBC format as cantools and opendbc read it: BO_/SG_ are line
 * statements, CM_, BA_DEF_, BA_, VAL_, SIG_VALTYPE_ and most others end in ';'.
 * This file holds the two passes, the string pool and lookups, and the statement dispatch;
 * the tokenizer is in dbc_lex.c, the statements in dbc_messages.c and dbc_annotations.c. */
#include "dbc_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Copy text into the pool (pass 2 only); with unescape, \" and \\ lose the backslash. */
const char *eco_dbc_pool_str(eco_dbc_parser *P, const char *p, size_t n, int unescape)
{
    char *dst;
    size_t i;
    if (!P->db)
        return "";
    dst = P->pool + P->pool_used;
    for (i = 0; i < n; i++) {
        if (unescape && p[i] == '\\' && i + 1 < n)
            i++;
        P->pool[P->pool_used++] = p[i];
    }
    P->pool[P->pool_used++] = '\0';
    return dst;
}

int eco_dbc_msg_by_raw_id(const eco_dbc_parser *P, int64_t id)
{
    int i;
    for (i = 0; P->db && i < P->n_msgs; i++)
        if (P->db->msgs[i].id == (uint32_t)id)
            return i;
    return -1;
}

int eco_dbc_sig_in_msg(const eco_dbc_parser *P, int mi, const char *p, size_t n)
{
    const eco_can_message *m;
    int i;
    if (!P->db || mi < 0)
        return -1;
    m = &P->db->msgs[mi];
    for (i = m->first_signal; i < m->first_signal + m->n_signals; i++)
        if (strlen(P->db->signals[i].name) == n && !memcmp(P->db->signals[i].name, p, n))
            return i;
    return -1;
}

/* Statements read, each by its parser. */
static const struct {
    const char *kw;
    int (*parse)(eco_dbc_parser *P);
} parsed_kws[] = {
    {"BO_", eco_dbc_parse_bo},
    {"SG_", eco_dbc_parse_sg},
    {"CM_", eco_dbc_parse_cm},
    {"BA_DEF_", eco_dbc_parse_ba_def},
    {"BA_DEF_DEF_", eco_dbc_parse_ba_def_def},
    {"BA_", eco_dbc_parse_ba},
    {"VAL_", eco_dbc_parse_val},
    {"SIG_VALTYPE_", eco_dbc_parse_valtype},
    {"SG_MUL_VAL_", eco_dbc_parse_mul_val},
};

/* Statements skipped whole, up to their ';'. */
static const char *const semicolon_kws[] = {
    "VAL_TABLE_",       "BO_TX_BU_",     "SIG_GROUP_",  "EV_",
    "ENVVAR_DATA_",     "SGTYPE_",       "SGTYPE_VAL_", "BA_DEF_SGTYPE_",
    "BA_SGTYPE_",       "SIG_TYPE_REF_", "BA_DEF_REL_", "BA_REL_",
    "BA_DEF_DEF_REL_",  "BU_SG_REL_",    "BU_EV_REL_",  "BU_BO_REL_",
    "CAT_DEF_",         "CAT_",          "FILTER",      "EV_DATA_",
    "SIGTYPE_VALTYPE_",
};

/* Statements skipped to the end of their line. */
static const char *const line_kws[] = {"VERSION", "BS_", "BU_"};

static int statement(eco_dbc_parser *P)
{
    int line = P->t.line;
    size_t i;
    char b[40];

    if (P->t.kind != ECO_DBC_TOK_IDENT)
        return ECO_DBC_FAIL(P, line, "expected a keyword, found %s", eco_dbc_found(P, b, sizeof b));
    for (i = 0; i < sizeof parsed_kws / sizeof parsed_kws[0]; i++)
        if (eco_dbc_is_kw(P, parsed_kws[i].kw))
            return parsed_kws[i].parse(P);
    for (i = 0; i < sizeof semicolon_kws / sizeof semicolon_kws[0]; i++)
        if (eco_dbc_is_kw(P, semicolon_kws[i]))
            return eco_dbc_skip_to_semicolon(P, line, semicolon_kws[i]);
    for (i = 0; i < P->t.len; i++)
        if (!isupper((unsigned char)P->t.p[i]) && !isdigit((unsigned char)P->t.p[i]) &&
            P->t.p[i] != '_')
            return ECO_DBC_FAIL(P, line, "unknown statement '%.*s'", (int)P->t.len, P->t.p);
    if (eco_dbc_is_kw(P, "NS_")) { /* its list of names is indented; it ends at column 0 */
        do
            eco_dbc_lex(P);
        while (P->t.kind != ECO_DBC_TOK_EOF && !P->t.col0);
        return ECO_OK;
    }
    for (i = 0; i < sizeof line_kws / sizeof line_kws[0]; i++)
        if (eco_dbc_is_kw(P, line_kws[i]))
            break;
    if (i == sizeof line_kws / sizeof line_kws[0]) /* a typo such as B0_ for BO_ */
        return ECO_DBC_FAIL(P, line,
                            "unknown keyword '%.*s' (a DBC line starts with BO_, SG_, "
                            "CM_, BA_, VAL_ or another DBC keyword)",
                            (int)P->t.len, P->t.p);
    do { /* VERSION, BS_ and BU_ are read to the end of their line and ignored */
        if (P->t.kind == ECO_DBC_TOK_BADSTR)
            return ECO_DBC_FAIL(P, P->t.line, "unterminated string");
        eco_dbc_lex(P);
    } while (P->t.kind != ECO_DBC_TOK_EOF && P->t.line == line);
    return ECO_OK;
}

static int run(eco_dbc_parser *P)
{
    P->cur = P->src;
    P->line = 1;
    P->cur_msg = -1;
    P->n_msgs = P->n_signals = P->n_values = P->n_mux_ranges = 0;
    eco_dbc_lex(P);
    while (P->t.kind != ECO_DBC_TOK_EOF)
        ECO_DBC_TRY(statement(P));
    return ECO_OK;
}

/* A UTF-8 byte order mark is skipped; UTF-16 (a BOM, or a NUL among the first bytes, as
 * ASCII text in UTF-16 has) is refused: the DBC format is 8-bit text. */
static int check_encoding(const char *name, const char **text, size_t *len)
{
    const unsigned char *u = (const unsigned char *)*text;
    if (*len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        *text += 3;
        *len -= 3;
        return ECO_OK;
    }
    int utf16 = *len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF));
    for (size_t i = 0; i < *len && i < 4; i++)
        utf16 |= u[i] == 0;
    if (utf16) {
        eco_set_error("%s:1: the file is UTF-16 text; a DBC must be UTF-8 or an 8-bit code "
                      "page (save it as UTF-8)",
                      name);
        return ECO_EPARSE;
    }
    return ECO_OK;
}

#define ALIGN8(n) (((n) + 7u) & ~(size_t)7u)

int eco_can_db_parse(const char *text, size_t len, const char *name, eco_can_db **out)
{
    eco_dbc_parser P = {0};
    size_t off_msgs, off_sigs, off_vals, off_mux, off_byid, off_pool, total;
    char *mem;
    int rc;

    *out = NULL;
    P.name = name ? name : "<dbc>";
    ECO_DBC_TRY(check_encoding(P.name, &text, &len));
    P.src = text;
    P.end = text + len;
    ECO_DBC_TRY(run(&P)); /* pass 1: syntax and counts */
    if (P.n_msgs == 0) {
        eco_set_error("%s:%d: no message (BO_) in the DBC", P.name, P.line);
        return ECO_EPARSE;
    }

    off_msgs = ALIGN8(sizeof(eco_can_db));
    off_sigs = off_msgs + ALIGN8((size_t)P.n_msgs * sizeof(eco_can_message));
    off_vals = off_sigs + ALIGN8((size_t)P.n_signals * sizeof(eco_can_signal));
    off_mux = off_vals + ALIGN8((size_t)P.n_values * sizeof(eco_can_value_desc));
    off_byid = off_mux + ALIGN8((size_t)P.n_mux_ranges * sizeof(eco_can_mux_range));
    off_pool = off_byid + ALIGN8((size_t)P.n_msgs * sizeof(int));
    total = off_pool + 2 * len + 16; /* strings: each from the text, + NULs and commas */
    mem = eco_calloc(1, total);
    if (!mem) {
        eco_set_error("%s: out of memory for %zu bytes", P.name, total);
        return ECO_ENOMEM;
    }
    P.db = (eco_can_db *)mem;
    P.db->msgs = (eco_can_message *)(mem + off_msgs);
    P.db->signals = (eco_can_signal *)(mem + off_sigs);
    P.db->values = (eco_can_value_desc *)(mem + off_vals);
    P.db->mux_ranges = (eco_can_mux_range *)(mem + off_mux);
    P.db->msg_by_id = (int *)(mem + off_byid);
    P.db->memsize = total;
    P.pool = mem + off_pool;

    rc = run(&P); /* pass 2: fill */
    if (rc == ECO_OK) {
        P.db->n_msgs = P.n_msgs;
        P.db->n_signals = P.n_signals;
        P.db->n_values = P.n_values;
        P.db->n_mux_ranges = P.n_mux_ranges;
        rc = eco_can_db_finalize(P.db, P.name);
    }
    if (rc != ECO_OK) {
        eco_free(mem);
        return rc;
    }
    *out = P.db;
    return ECO_OK;
}
