/* DBC statements that annotate messages and signals defined earlier: comments (CM_),
 * attributes (BA_DEF_, BA_DEF_DEF_, BA_: cycle time and the E2E layout), value descriptions
 * (VAL_) and float signals (SIG_VALTYPE_). */
#include "dbc_internal.h"

#include <stdio.h>

/* Object of CM_/BA_: BU_ name | BO_ id | SG_ id name | EV_ name | nothing. Sets *msg and
 * *sig to indices found in pass 2 (-1 otherwise); *kind to 'U','O','S','E' or 0. */
static int parse_object(eco_dbc_parser *P, int *kind, int *msg, int *sig)
{
    eco_dbc_tok t;
    int64_t id;
    *kind = 0;
    *msg = *sig = -1;
    if (eco_dbc_is_kw(P, "BU_") || eco_dbc_is_kw(P, "EV_")) {
        *kind = P->t.p[0] == 'B' ? 'U' : 'E';
        eco_dbc_lex(P);
        return eco_dbc_get_tok(P, ECO_DBC_TOK_IDENT, &t, "a node or variable name");
    }
    if (!eco_dbc_is_kw(P, "BO_") && !eco_dbc_is_kw(P, "SG_"))
        return ECO_OK;
    *kind = P->t.p[0] == 'B' ? 'O' : 'S';
    eco_dbc_lex(P);
    ECO_DBC_TRY(eco_dbc_get_int(P, 0, 4294967295.0, &id, "message id"));
    *msg = eco_dbc_msg_by_raw_id(P, id);
    if (*kind == 'S') {
        ECO_DBC_TRY(eco_dbc_get_tok(P, ECO_DBC_TOK_IDENT, &t, "the signal name"));
        *sig = eco_dbc_sig_in_msg(P, *msg, t.p, t.len);
    }
    return ECO_OK;
}

int eco_dbc_parse_cm(eco_dbc_parser *P)
{
    int kind, msg, sig;
    eco_dbc_tok text;
    eco_dbc_lex(P);
    ECO_DBC_TRY(parse_object(P, &kind, &msg, &sig));
    ECO_DBC_TRY(eco_dbc_get_tok(P, ECO_DBC_TOK_STR, &text, "the comment string"));
    ECO_DBC_TRY(eco_dbc_expect(P, ';', "after the comment"));
    if (!P->db)
        return ECO_OK;
    if (kind == 0)
        P->db->comment = eco_dbc_pool_str(P, text.p, text.len, 1);
    else if (kind == 'O' && msg >= 0)
        P->db->msgs[msg].comment = eco_dbc_pool_str(P, text.p, text.len, 1);
    else if (kind == 'S' && sig >= 0)
        P->db->signals[sig].comment = eco_dbc_pool_str(P, text.p, text.len, 1);
    return ECO_OK;
}

int eco_dbc_parse_ba_def(eco_dbc_parser *P)
{
    int line = P->t.line;
    eco_dbc_tok name, type;
    eco_dbc_lex(P);
    if (eco_dbc_is_kw(P, "BU_") || eco_dbc_is_kw(P, "BO_") || eco_dbc_is_kw(P, "SG_") ||
        eco_dbc_is_kw(P, "EV_"))
        eco_dbc_lex(P);
    ECO_DBC_TRY(eco_dbc_get_tok(P, ECO_DBC_TOK_STR, &name, "the attribute name"));
    if (P->db && (eco_dbc_tok_eq(&name, "EcoE2ECounter") || eco_dbc_tok_eq(&name, "EcoE2ECRC")))
        P->db->e2e_by_name = 1; /* written for ecodrive: its E2E pairs may go by name */
    ECO_DBC_TRY(eco_dbc_get_tok(P, ECO_DBC_TOK_IDENT, &type, "the attribute type"));
    if (!eco_dbc_tok_eq(&type, "INT") && !eco_dbc_tok_eq(&type, "HEX") &&
        !eco_dbc_tok_eq(&type, "FLOAT") && !eco_dbc_tok_eq(&type, "STRING") &&
        !eco_dbc_tok_eq(&type, "ENUM"))
        return ECO_DBC_FAIL(P, type.line, "unknown attribute type '%.*s'", (int)type.len, type.p);
    return eco_dbc_skip_to_semicolon(P, line, "BA_DEF_");
}

int eco_dbc_parse_ba_def_def(eco_dbc_parser *P)
{
    eco_dbc_tok name;
    int64_t v = 0;
    eco_dbc_lex(P);
    ECO_DBC_TRY(eco_dbc_get_tok(P, ECO_DBC_TOK_STR, &name, "the attribute name"));
    if (eco_dbc_tok_eq(&name, "GenMsgCycleTime")) {
        ECO_DBC_TRY(eco_dbc_get_int(P, 0, 3600000, &v, "GenMsgCycleTime default"));
        if (P->db)
            P->db->default_cycle_time_ms = (int)v;
    } else if (P->t.kind == ECO_DBC_TOK_NUM || P->t.kind == ECO_DBC_TOK_STR) {
        eco_dbc_lex(P);
    } else {
        return ECO_DBC_FAIL(P, P->t.line, "expected the default value of %.*s", (int)name.len,
                            name.p);
    }
    return eco_dbc_expect(P, ';', "after the attribute default");
}

int eco_dbc_parse_ba(eco_dbc_parser *P)
{
    eco_dbc_tok name, str;
    int kind, msg, sig, line;
    int64_t v;

    eco_dbc_lex(P);
    ECO_DBC_TRY(eco_dbc_get_tok(P, ECO_DBC_TOK_STR, &name, "the attribute name"));
    ECO_DBC_TRY(parse_object(P, &kind, &msg, &sig));
    line = P->t.line;
    if (kind == 'O' && eco_dbc_tok_eq(&name, "GenMsgCycleTime")) {
        ECO_DBC_TRY(eco_dbc_get_int(P, 0, 3600000, &v, "GenMsgCycleTime"));
        if (msg >= 0)
            P->db->msgs[msg].cycle_time_ms = (int)v;
    } else if (kind == 'O' && eco_dbc_tok_eq(&name, "EcoE2EDataId")) {
        ECO_DBC_TRY(eco_dbc_get_int(P, 0, 65535, &v, "EcoE2EDataId"));
        if (msg >= 0)
            P->db->msgs[msg].e2e_data_id = (uint16_t)v;
    } else if (kind == 'O' && eco_dbc_tok_eq(&name, "VFrameFormat")) {
        /* Vector's enum: 0 StandardCAN, 1 ExtendedCAN, 14 StandardCAN_FD, 15 ExtendedCAN_FD */
        ECO_DBC_TRY(eco_dbc_get_int(P, 0, 255, &v, "VFrameFormat"));
        if (msg >= 0) {
            eco_can_message *m = &P->db->msgs[msg];
            m->fd = v == 14 || v == 15;
            if (!m->fd && m->dlc > ECO_CAN_CLASSIC_DLEN)
                return ECO_DBC_FAIL(P, line,
                                    "VFrameFormat %lld on %s, a classic frame, but it has %u "
                                    "bytes: over 8 is CAN FD (14 StandardCAN_FD, 15 "
                                    "ExtendedCAN_FD)",
                                    (long long)v, m->name, m->dlc);
        }
    } else if (kind == 'O' &&
               (eco_dbc_tok_eq(&name, "EcoE2ECounter") || eco_dbc_tok_eq(&name, "EcoE2ECRC"))) {
        ECO_DBC_TRY(eco_dbc_get_tok(P, ECO_DBC_TOK_STR, &str, "a signal name string"));
        if (msg >= 0) {
            int is_crc = eco_dbc_tok_eq(&name, "EcoE2ECRC");
            sig = eco_dbc_sig_in_msg(P, msg, str.p, str.len);
            if (sig < 0)
                return ECO_DBC_FAIL(P, line, "%.*s: message %s has no signal %.*s", (int)name.len,
                                    name.p, P->db->msgs[msg].name, (int)str.len, str.p);
            *(is_crc ? &P->db->msgs[msg].e2e_crc : &P->db->msgs[msg].e2e_counter) = sig;
        }
    } else if (P->t.kind == ECO_DBC_TOK_NUM || P->t.kind == ECO_DBC_TOK_STR) {
        eco_dbc_lex(P);
    } else {
        return ECO_DBC_FAIL(P, line, "expected the value of attribute %.*s", (int)name.len, name.p);
    }
    return eco_dbc_expect(P, ';', "after the attribute value");
}

int eco_dbc_parse_val(eco_dbc_parser *P)
{
    int line = P->t.line, sig = -1, first = P->n_values;
    int64_t id, raw;
    eco_dbc_tok name, text;

    eco_dbc_lex(P);
    if (P->t.kind == ECO_DBC_TOK_IDENT) /* VAL_ of an environment variable */
        return eco_dbc_skip_to_semicolon(P, line, "VAL_");
    ECO_DBC_TRY(eco_dbc_get_int(P, 0, 4294967295.0, &id, "message id"));
    ECO_DBC_TRY(eco_dbc_get_tok(P, ECO_DBC_TOK_IDENT, &name, "the signal name"));
    sig = eco_dbc_sig_in_msg(P, eco_dbc_msg_by_raw_id(P, id), name.p, name.len);
    while (!eco_dbc_is_punct(P, ';')) {
        ECO_DBC_TRY(
            eco_dbc_get_int(P, -9007199254740992.0, 9007199254740992.0, &raw, "VAL_ value"));
        ECO_DBC_TRY(eco_dbc_get_tok(P, ECO_DBC_TOK_STR, &text, "a value description string"));
        if (P->db) { /* entries of an unknown signal stay, unused, with text "" */
            P->db->values[P->n_values].raw = raw;
            P->db->values[P->n_values].text =
                sig >= 0 ? eco_dbc_pool_str(P, text.p, text.len, 1) : "";
        }
        P->n_values++;
    }
    eco_dbc_lex(P);
    if (sig >= 0) {
        P->db->signals[sig].first_value = first;
        P->db->signals[sig].n_values = P->n_values - first;
    }
    return ECO_OK;
}

int eco_dbc_parse_valtype(eco_dbc_parser *P)
{
    int line = P->t.line, sig;
    int64_t id, type;
    eco_dbc_tok name;

    eco_dbc_lex(P);
    ECO_DBC_TRY(eco_dbc_get_int(P, 0, 4294967295.0, &id, "message id"));
    ECO_DBC_TRY(eco_dbc_get_tok(P, ECO_DBC_TOK_IDENT, &name, "the signal name"));
    if (eco_dbc_is_punct(P, ':'))
        eco_dbc_lex(P);
    ECO_DBC_TRY(eco_dbc_get_int(P, 0, 2, &type, "value type (0 int, 1 float, 2 double)"));
    ECO_DBC_TRY(eco_dbc_expect(P, ';', "after SIG_VALTYPE_"));
    sig = eco_dbc_sig_in_msg(P, eco_dbc_msg_by_raw_id(P, id), name.p, name.len);
    if (sig >= 0) {
        eco_can_signal *s = &P->db->signals[sig];
        s->value_type = (uint8_t)type;
        if (eco_can_signal_init(s, P->db->msgs[s->msg].dlc) != ECO_OK) {
            char why[256];
            snprintf(why, sizeof why, "%s", eco_last_error());
            return ECO_DBC_FAIL(P, line, "%s", why);
        }
    }
    return ECO_OK;
}
