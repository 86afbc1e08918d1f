/* Multiplexing (mux.h). Extended multiplexing after the Vector DBC format as cantools reads
 * it: a signal "mNM" depends on its switch for N and is a switch itself; "SG_MUL_VAL_ id
 * signal switch lo-hi[, lo-hi]...;" names the switch a signal depends on and the raw values
 * (ranges, both ends included) for which it is present. A dependent signal without one
 * depends on the message's "M" switch for its N. */
#include "mux.h"

#include "dbc_internal.h"

#include <string.h>

/* The raw ranges of dependent signal s into *lo..: its SG_MUL_VAL_ list, or its one N. */
static const eco_can_mux_range *ranges_of(const eco_can_db *db, const eco_can_signal *s,
                                          eco_can_mux_range *one, int *n)
{
    if (s->n_mux_ranges > 0) {
        *n = s->n_mux_ranges;
        return &db->mux_ranges[s->first_mux_range];
    }
    one->lo = one->hi = s->mux_value;
    *n = 1;
    return one;
}

static int in_ranges(const eco_can_db *db, const eco_can_signal *s, uint64_t raw)
{
    eco_can_mux_range one;
    int n;
    const eco_can_mux_range *r = ranges_of(db, s, &one, &n);
    for (int i = 0; i < n; i++)
        if (raw >= r[i].lo && raw <= r[i].hi)
            return 1;
    return 0;
}

int eco_can_mux_present(const eco_can_db *db, const eco_can_signal *s, const uint8_t *data)
{
    while (s->mux_role == ECO_CAN_MUX_DEPENDENT) {
        const eco_can_signal *sw = &db->signals[s->mux_switch];
        uint64_t raw = eco_can_signal_get_raw(sw, data);
        if (!in_ranges(db, s, raw))
            return 0;
        s = sw;
    }
    return 1;
}

/* Two dependent signals' value sets for one switch never meet. */
static int ranges_disjoint(const eco_can_db *db, const eco_can_signal *s, const eco_can_signal *t)
{
    eco_can_mux_range o1, o2;
    int n1, n2;
    const eco_can_mux_range *a = ranges_of(db, s, &o1, &n1), *b = ranges_of(db, t, &o2, &n2);
    for (int i = 0; i < n1; i++)
        for (int j = 0; j < n2; j++)
            if (a[i].lo <= b[j].hi && b[j].lo <= a[i].hi)
                return 0;
    return 1;
}

/* s and t can never be present in one frame: somewhere up their chains they depend on one
 * switch for values that never meet. */
static int multiplexed_apart(const eco_can_db *db, const eco_can_signal *s, const eco_can_signal *t)
{
    for (const eco_can_signal *a = s; a->mux_role == ECO_CAN_MUX_DEPENDENT;
         a = &db->signals[a->mux_switch])
        for (const eco_can_signal *b = t; b->mux_role == ECO_CAN_MUX_DEPENDENT;
             b = &db->signals[b->mux_switch])
            if (a->mux_switch == b->mux_switch && ranges_disjoint(db, a, b))
                return 1;
    return 0;
}

/* The payload bits a signal covers, as byte * 8 + bit (bit 0 the byte's least significant):
 * Intel runs up from its start bit; Motorola runs down from its start bit (the MSB) within a
 * byte and on into the next byte's bit 7 (the DBC's sawtooth numbering). */
static void signal_bits(const eco_can_signal *s, uint64_t bits[8])
{
    unsigned pos = s->start_bit;
    memset(bits, 0, 8 * sizeof bits[0]);
    for (unsigned k = 0; k < s->length_bits && pos < 512; k++) {
        bits[pos / 64] |= (uint64_t)1 << (pos % 64);
        if (s->byte_order == ECO_CAN_INTEL)
            pos++;
        else
            pos = pos % 8 == 0 ? pos + 15 : pos - 1;
    }
}

/* Two signals of a message sharing a bit: an error, unless they are multiplexed apart. */
static int check_overlap(const eco_can_db *db, const char *name, const eco_can_message *m)
{
    uint64_t a[8], b[8];
    for (int i = m->first_signal; i < m->first_signal + m->n_signals; i++) {
        const eco_can_signal *s = &db->signals[i];
        signal_bits(s, a);
        for (int j = m->first_signal; j < i; j++) {
            const eco_can_signal *t = &db->signals[j];
            if (multiplexed_apart(db, s, t))
                continue;
            signal_bits(t, b);
            for (int w = 0; w < 8; w++)
                if (a[w] & b[w]) {
                    int bit = w * 64 + __builtin_ctzll(a[w] & b[w]);
                    eco_set_error("%s:%d: message %s: signals %s and %s overlap (byte %d, bit %d) "
                                  "and are not multiplexed apart",
                                  name, s->line, m->name, t->name, s->name, bit / 8, bit % 8);
                    return ECO_EPARSE;
                }
        }
    }
    return ECO_OK;
}

/* Each dependent signal's switch, given or the message's; switches that are switches; no
 * loop up any chain. */
static int resolve_switches(eco_can_db *db, const char *name, eco_can_message *m)
{
    for (int j = m->first_signal; j < m->first_signal + m->n_signals; j++) {
        eco_can_signal *s = &db->signals[j];
        if (s->mux_role != ECO_CAN_MUX_DEPENDENT) {
            if (s->n_mux_ranges > 0 || s->mux_switch >= 0) {
                eco_set_error("%s:%d: SG_MUL_VAL_ on signal %s of %s, which is not multiplexed "
                              "(mN)",
                              name, s->line, s->name, m->name);
                return ECO_EPARSE;
            }
            continue;
        }
        if (s->mux_switch < 0)
            s->mux_switch = m->mux_signal;
        if (s->mux_switch < 0) {
            eco_set_error("%s:%d: message %s has multiplexed signals but no switch (M)", name,
                          m->line, m->name);
            return ECO_EPARSE;
        }
        const eco_can_signal *sw = &db->signals[s->mux_switch];
        if (s->mux_switch == j || !(sw->mux_role == ECO_CAN_MUX_SWITCH || sw->mux_is_switch)) {
            eco_set_error("%s:%d: signal %s of %s depends on %s, which is not a multiplexer "
                          "switch (M or mNM)",
                          name, s->line, s->name, m->name, sw->name);
            return ECO_EPARSE;
        }
        m->mux_extended |=
            s->n_mux_ranges > 0 || s->mux_is_switch || s->mux_switch != m->mux_signal;
    }
    for (int j = m->first_signal; j < m->first_signal + m->n_signals; j++) {
        const eco_can_signal *s = &db->signals[j];
        for (int k = 0; s->mux_role == ECO_CAN_MUX_DEPENDENT; k++, s = &db->signals[s->mux_switch])
            if (k > m->n_signals) {
                eco_set_error("%s:%d: message %s: its multiplexer switches depend on each other "
                              "in a loop (signal %s)",
                              name, m->line, m->name, db->signals[j].name);
                return ECO_EPARSE;
            }
    }
    return ECO_OK;
}

int eco_can_mux_resolve(eco_can_db *db, const char *name, eco_can_message *m)
{
    m->mux_signal = -1;
    m->mux_extended = 0;
    for (int j = m->first_signal; j < m->first_signal + m->n_signals; j++) {
        eco_can_signal *s = &db->signals[j];
        if (s->mux_role == ECO_CAN_MUX_SWITCH) {
            if (m->mux_signal >= 0) {
                eco_set_error("%s:%d: message %s has two multiplexer switches", name, s->line,
                              m->name);
                return ECO_EPARSE;
            }
            m->mux_signal = j;
        }
    }
    int rc = resolve_switches(db, name, m);
    return rc ? rc : check_overlap(db, name, m);
}

/* "lo-hi": the lexer reads "3-5" as 3 and -5, "3 - 5" as 3, '-' and 5. */
static int parse_range(eco_dbc_parser *P, eco_can_mux_range *r)
{
    int64_t lo, hi;
    ECO_DBC_TRY(eco_dbc_get_int(P, 0, 4294967295.0, &lo, "multiplexer range start"));
    if (eco_dbc_is_punct(P, '-')) {
        eco_dbc_lex(P);
        ECO_DBC_TRY(eco_dbc_get_int(P, 0, 4294967295.0, &hi, "multiplexer range end"));
    } else {
        ECO_DBC_TRY(eco_dbc_get_int(P, -4294967295.0, 0, &hi, "multiplexer range end"));
        hi = -hi;
    }
    if (hi < lo)
        return ECO_DBC_FAIL(P, P->end_line, "multiplexer range %lld-%lld is empty", (long long)lo,
                            (long long)hi);
    r->lo = (uint64_t)lo;
    r->hi = (uint64_t)hi;
    return ECO_OK;
}

/* The signal and the switch an SG_MUL_VAL_ names (pass 2: indices; pass 1: -1). */
static int parse_mul_val_names(eco_dbc_parser *P, int line, int *sig, int *sw)
{
    int64_t id;
    eco_dbc_tok s, w;
    ECO_DBC_TRY(eco_dbc_get_int(P, 0, 4294967295.0, &id, "message id"));
    ECO_DBC_TRY(eco_dbc_get_tok(P, ECO_DBC_TOK_IDENT, &s, "the signal name"));
    ECO_DBC_TRY(eco_dbc_get_tok(P, ECO_DBC_TOK_IDENT, &w, "the switch name"));
    *sig = *sw = -1;
    if (!P->db)
        return ECO_OK;
    int m = eco_dbc_msg_by_raw_id(P, id);
    if (m < 0)
        return ECO_DBC_FAIL(P, line, "SG_MUL_VAL_ for message id %lld, which no BO_ defines",
                            (long long)id);
    *sig = eco_dbc_sig_in_msg(P, m, s.p, s.len);
    *sw = eco_dbc_sig_in_msg(P, m, w.p, w.len);
    if (*sig < 0 || *sw < 0)
        return ECO_DBC_FAIL(P, line, "SG_MUL_VAL_: message %s has no signal %.*s",
                            P->db->msgs[m].name, (int)(*sig < 0 ? s.len : w.len),
                            *sig < 0 ? s.p : w.p);
    if (P->db->signals[*sig].mux_switch >= 0)
        return ECO_DBC_FAIL(P, line, "SG_MUL_VAL_ for signal %.*s twice", (int)s.len, s.p);
    return ECO_OK;
}

int eco_dbc_parse_mul_val(eco_dbc_parser *P)
{
    int line = P->t.line, sig, sw;
    eco_dbc_lex(P);
    ECO_DBC_TRY(parse_mul_val_names(P, line, &sig, &sw));
    int first = P->n_mux_ranges;
    do {
        eco_can_mux_range r;
        if (P->n_mux_ranges > first)
            eco_dbc_lex(P); /* the ',' */
        ECO_DBC_TRY(parse_range(P, &r));
        if (P->db)
            P->db->mux_ranges[P->n_mux_ranges] = r;
        P->n_mux_ranges++;
    } while (eco_dbc_is_punct(P, ','));
    ECO_DBC_TRY(eco_dbc_expect(P, ';', "after the multiplexer ranges"));
    if (P->db) {
        eco_can_signal *s = &P->db->signals[sig];
        s->mux_switch = sw;
        s->first_mux_range = first;
        s->n_mux_ranges = P->n_mux_ranges - first;
    }
    return ECO_OK;
}
