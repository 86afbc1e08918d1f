/* DBC message and signal definitions: the BO_ line and the SG_ lines under it (multiplexer
 * indicator, bit layout, scaling, range, unit, receivers), checked by eco_can_signal_init. */
#include "dbc_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int eco_dbc_parse_bo(eco_dbc_parser *P)
{
    int line = P->t.line;
    int64_t id, dlc;
    eco_dbc_tok name, tx = {0};

    eco_dbc_lex(P);
    ECO_DBC_TRY(eco_dbc_get_int(P, 0, 4294967295.0, &id, "message id"));
    ECO_DBC_TRY(eco_dbc_get_tok(P, ECO_DBC_TOK_IDENT, &name, "the message name"));
    ECO_DBC_TRY(eco_dbc_expect(P, ':', "after the message name"));
    ECO_DBC_TRY(eco_dbc_get_int(P, 0, 255, &dlc, "DLC"));
    if (P->t.kind == ECO_DBC_TOK_IDENT && P->t.line == line) {
        tx = P->t;
        eco_dbc_lex(P);
    }
    /* 0xC0000000 = VECTOR__INDEPENDENT_SIG_MSG, the dummy frame in which Vector's
     * CANdb++ keeps signals assigned to no message; it is never sent */
    if (id == 0xC0000000) {
        P->cur_msg = -2;
        return ECO_OK;
    }
    if ((id & ECO_CAN_EFF_FLAG) ? (id & ~(int64_t)ECO_CAN_EFF_FLAG) > ECO_CAN_EFF_MASK
                                : id > ECO_CAN_SFF_MASK)
        return ECO_DBC_FAIL(P, line,
                            "message id %lld is neither an 11-bit id nor bit 31 + a 29-bit id",
                            (long long)id);
    if (!eco_can_fd_len_valid((unsigned)dlc))
        return ECO_DBC_FAIL(P, line,
                            "DLC %lld: a message has 0..8 bytes, or with CAN FD 12, 16, 20, 24, "
                            "32, 48 or 64",
                            (long long)dlc);
    if (P->db) {
        eco_can_message *m = &P->db->msgs[P->n_msgs];
        m->name = eco_dbc_pool_str(P, name.p, name.len, 0);
        m->transmitter = eco_dbc_pool_str(P, tx.p, tx.len, 0);
        m->comment = "";
        m->id = (uint32_t)id;
        m->dlc = (uint8_t)dlc;
        m->fd = dlc > ECO_CAN_CLASSIC_DLEN;
        m->line = line;
        m->first_signal = P->n_signals;
        m->cycle_time_ms = -1; /* resolved after BA_DEF_DEF_ */
        m->mux_signal = m->e2e_counter = m->e2e_crc = -1;
        m->e2e_data_id = (uint16_t)(id & 0xFFFF);
    }
    P->cur_dlc = (unsigned)dlc;
    P->cur_msg = P->n_msgs++;
    return ECO_OK;
}

static int parse_mux(eco_dbc_parser *P, eco_can_signal *s)
{
    eco_dbc_tok t = P->t;
    size_t i = 1;
    uint32_t v = 0;

    eco_dbc_lex(P);
    if (eco_dbc_tok_eq(&t, "M")) {
        s->mux_role = ECO_CAN_MUX_SWITCH;
        return ECO_OK;
    }
    if (t.p[0] != 'm' || t.len < 2 || !isdigit((unsigned char)t.p[1]))
        return ECO_DBC_FAIL(P, t.line,
                            "expected ':' or a multiplexer indicator (M, mN), found '%.*s'",
                            (int)t.len, t.p);
    for (; i < t.len && isdigit((unsigned char)t.p[i]) && v < 100000000; i++)
        v = v * 10 + (uint32_t)(t.p[i] - '0');
    if (i < t.len && !(i + 1 == t.len && t.p[i] == 'M'))
        return ECO_DBC_FAIL(P, t.line, "bad multiplexer indicator '%.*s'", (int)t.len, t.p);
    s->mux_is_switch = i < t.len; /* mNM: extended multiplexing, a switch itself */
    s->mux_role = ECO_CAN_MUX_DEPENDENT;
    s->mux_value = v;
    return ECO_OK;
}

static int parse_receivers(eco_dbc_parser *P, const char **out)
{
    size_t start = P->pool_used;
    int n = 0, line = P->end_line;

    while ((P->t.kind == ECO_DBC_TOK_IDENT || eco_dbc_is_punct(P, ',')) && P->t.line == line) {
        if (P->t.kind == ECO_DBC_TOK_IDENT && P->db) {
            if (n++)
                P->pool[P->pool_used++] = ',';
            memcpy(P->pool + P->pool_used, P->t.p, P->t.len);
            P->pool_used += P->t.len;
        }
        eco_dbc_lex(P);
    }
    if (P->db) {
        P->pool[P->pool_used++] = '\0';
        *out = P->pool + start;
    }
    return ECO_OK;
}

/* "start|length@order+/- (factor,offset) [min|max]" of an SG_. */
static int parse_layout(eco_dbc_parser *P, eco_can_signal *s)
{
    int64_t start, len, order;
    char b[40];
    ECO_DBC_TRY(eco_dbc_get_int(P, 0, 511, &start, "start bit"));
    ECO_DBC_TRY(eco_dbc_expect(P, '|', "between start bit and length"));
    ECO_DBC_TRY(eco_dbc_get_int(P, 0, 512, &len, "length"));
    ECO_DBC_TRY(eco_dbc_expect(P, '@', "before the byte order"));
    ECO_DBC_TRY(eco_dbc_get_int(P, 0, 1, &order, "byte order (0 Motorola, 1 Intel)"));
    if (!eco_dbc_is_punct(P, '+') && !eco_dbc_is_punct(P, '-'))
        return ECO_DBC_FAIL(P, P->t.line, "expected '+' or '-' after the byte order, found %s",
                            eco_dbc_found(P, b, sizeof b));
    s->is_signed = eco_dbc_is_punct(P, '-');
    s->start_bit = (uint16_t)start;
    s->length_bits = (uint8_t)(len > 255 ? 255 : len);
    s->byte_order = (uint8_t)order;
    eco_dbc_lex(P);
    ECO_DBC_TRY(eco_dbc_expect(P, '(', "before the factor"));
    ECO_DBC_TRY(eco_dbc_get_num(P, &s->factor, "factor"));
    ECO_DBC_TRY(eco_dbc_expect(P, ',', "between factor and offset"));
    ECO_DBC_TRY(eco_dbc_get_num(P, &s->offset, "offset"));
    ECO_DBC_TRY(eco_dbc_expect(P, ')', "after the offset"));
    ECO_DBC_TRY(eco_dbc_expect(P, '[', "before the minimum"));
    ECO_DBC_TRY(eco_dbc_get_num(P, &s->min, "minimum"));
    ECO_DBC_TRY(eco_dbc_expect(P, '|', "between minimum and maximum"));
    ECO_DBC_TRY(eco_dbc_get_num(P, &s->max, "maximum"));
    return eco_dbc_expect(P, ']', "after the maximum");
}

/* A parsed SG_ checked and (pass 2) stored in its message. */
static int add_signal(eco_dbc_parser *P, eco_can_signal *s, const eco_dbc_tok *name,
                      const eco_dbc_tok *unit, int line)
{
    char nm[128];
    if (s->min > s->max)
        return ECO_DBC_FAIL(P, line, "signal %.*s: range [%g|%g] is empty", (int)name->len, name->p,
                            s->min, s->max);
    s->has_range = !(s->min == 0.0 && s->max == 0.0);
    snprintf(nm, sizeof nm, "%.*s", (int)name->len, name->p);
    s->name = nm;
    if (eco_can_signal_init(s, P->cur_dlc) != ECO_OK) {
        char why[256];
        snprintf(why, sizeof why, "%s", eco_last_error());
        return ECO_DBC_FAIL(P, line, "%s", why);
    }
    if (P->db) {
        s->name = eco_dbc_pool_str(P, name->p, name->len, 0);
        eco_can_message *m = &P->db->msgs[P->cur_msg];
        if (eco_dbc_sig_in_msg(P, P->cur_msg, name->p, name->len) >= 0)
            return ECO_DBC_FAIL(P, line, "signal %s appears twice in message %s", s->name, m->name);
        s->unit = eco_dbc_pool_str(P, unit->p, unit->len, 1);
        s->comment = "";
        s->msg = P->cur_msg;
        s->line = line;
        s->first_value = 0;
        P->db->signals[P->n_signals] = *s;
        m->n_signals++;
    }
    P->n_signals++;
    return ECO_OK;
}

int eco_dbc_parse_sg(eco_dbc_parser *P)
{
    int line = P->t.line;
    eco_can_signal s = {.mux_switch = -1};
    eco_dbc_tok name, unit;

    eco_dbc_lex(P);
    ECO_DBC_TRY(eco_dbc_get_tok(P, ECO_DBC_TOK_IDENT, &name, "the signal name"));
    if (P->t.kind == ECO_DBC_TOK_IDENT)
        ECO_DBC_TRY(parse_mux(P, &s));
    ECO_DBC_TRY(eco_dbc_expect(P, ':', "after the signal name"));
    ECO_DBC_TRY(parse_layout(P, &s));
    ECO_DBC_TRY(eco_dbc_get_tok(P, ECO_DBC_TOK_STR, &unit, "the unit string"));
    ECO_DBC_TRY(parse_receivers(P, &s.receivers));
    if (P->cur_msg == -1)
        return ECO_DBC_FAIL(P, line, "SG_ %.*s comes before any BO_", (int)name.len, name.p);
    if (P->cur_msg == -2)
        return ECO_OK;
    return add_signal(P, &s, &name, &unit, line);
}
