/* The resolved mapping as a table (ecodrived --check): for each field, where it comes from
 * or goes to, how often, the conversion to SI, the range it is valid in and its E2E. */
#include "mapping_units.h"

#include "ecodrive/config.h"

#include <inttypes.h>
#include <stdio.h>

#define ROW_FMT "%-22s %-34s %-10s %-12s %-34s %-24s %s\n"

/* The id as candump shows it, and " FD" for a CAN FD message. */
static void message_id(const eco_can_message *m, char *s, size_t n)
{
    if (m->id & ECO_CAN_EFF_FLAG)
        snprintf(s, n, "0x%08" PRIX32 "x%s", m->id & ~ECO_CAN_EFF_FLAG, m->fd ? " FD" : "");
    else
        snprintf(s, n, "0x%03" PRIX32 "%s", m->id, m->fd ? " FD" : "");
}

static void timing(const eco_can_message *m, const eco_can_map_entry *e, int is_input, char *s,
                   size_t n)
{
    int cycle = e->cycle_ms ? e->cycle_ms : m->cycle_time_ms;
    if (is_input && e->timeout_ms)
        snprintf(s, n, "%d/%d ms", cycle, e->timeout_ms);
    else
        snprintf(s, n, "%d ms", cycle);
}

/* "raw x F + O UNIT -> x S + O SI" (SI = physical x scale + offset). */
static void conversion(const eco_can_signal *s, const eco_can_map_entry *e, eco_cfg_dim d,
                       char *out, size_t n)
{
    if (e->n_values) {
        snprintf(out, n, "table of %d values", e->n_values);
        return;
    }
    if (d == ECO_CFG_DIM_RAW) {
        snprintf(out, n, "raw, %u bit", (unsigned)s->length_bits);
        return;
    }
    /* raw x factor (+ offset) in the DBC's unit, then x scale (+ offset) to SI */
    const char *unit = *s->unit ? s->unit : "(no unit)";
    int k = snprintf(out, n, "raw*%g", s->factor);
    if (s->offset != 0.0)
        k += snprintf(out + k, n - (size_t)k, "%+g", s->offset);
    k += snprintf(out + k, n - (size_t)k, " %s", unit);
    if (e->scale != 1.0)
        k += snprintf(out + k, n - (size_t)k, " *%g", e->scale);
    if (e->offset != 0.0)
        k += snprintf(out + k, n - (size_t)k, "%+g", e->offset);
    snprintf(out + k, n - (size_t)k, " -> %s", eco_cfg_map_dim_si(d));
}

static void range(const eco_can_signal *s, const eco_can_map_entry *e, char *out, size_t n)
{
    if (e->has_range)
        snprintf(out, n, "[%g, %g] (mapping)", e->min_si, e->max_si);
    else if (s->has_range)
        snprintf(out, n, "[%g, %g] (DBC)", s->min * e->scale + e->offset,
                 s->max * e->scale + e->offset);
    else
        snprintf(out, n, "none");
}

/* The message's E2E as the daemon applies it: the mapping's "e2e" entry, else the DBC's. */
static void e2e(const eco_can_db *db, const eco_can_mapping *map, int msg, char *out, size_t n)
{
    const eco_can_message *m = &db->msgs[msg];
    const eco_can_e2e_config *c = eco_can_mapping_e2e_of(map, msg);
    if (c) {
        snprintf(out, n, "%s/%s, %s (mapping)",
                 c->counter >= 0 ? db->signals[c->counter].name : "-",
                 c->checksum >= 0 ? db->signals[c->checksum].name : "-",
                 eco_can_checksum_algorithm_name(c->cks.algorithm));
        return;
    }
    if (m->e2e_crc < 0)
        snprintf(out, n, "none");
    else
        snprintf(out, n, "%s/%s, data id 0x%04x", db->signals[m->e2e_counter].name,
                 db->signals[m->e2e_crc].name, (unsigned)m->e2e_data_id);
}

static void print_entry(FILE *fp, const eco_can_db *db, const eco_can_mapping *map, const char *key,
                        const eco_can_map_entry *e, eco_cfg_dim d, int is_input, int required)
{
    if (e->constant) {
        fprintf(fp, ROW_FMT, key, "(constant)", "-", "-", "-", "-", "-");
        fprintf(fp, "%22s %g %s\n", "=", e->constant_si, eco_cfg_map_dim_si(d));
        return;
    }
    if (e->signal < 0) {
        fprintf(fp, ROW_FMT, key, required ? "(missing)" : "(not mapped)", "-", "-", "-", "-", "-");
        return;
    }
    const eco_can_signal *s = &db->signals[e->signal];
    const eco_can_message *m = &db->msgs[s->msg];
    char name[160], id[16], tm[32], conv[96], rng[64], prot[128];
    snprintf(name, sizeof name, "%s.%s%s", m->name, s->name, e->optional ? " (opt)" : "");
    message_id(m, id, sizeof id);
    timing(m, e, is_input, tm, sizeof tm);
    conversion(s, e, d, conv, sizeof conv);
    if (is_input)
        range(s, e, rng, sizeof rng);
    else
        snprintf(rng, sizeof rng, "-");
    e2e(db, map, s->msg, prot, sizeof prot);
    fprintf(fp, ROW_FMT, key, name, id, tm, conv, rng, prot);
}

/* The engagement input: its signal and the condition under which the driver has engaged. */
static void print_engaged(FILE *fp, const eco_can_db *db, const eco_can_mapping *map)
{
    const eco_can_engaged *g = &map->engaged;
    if (g->signal < 0) {
        fprintf(fp, ROW_FMT, "engaged", "(not mapped: the set speed decides)", "-", "-", "-", "-",
                "-");
        return;
    }
    const eco_can_signal *s = &db->signals[g->signal];
    const eco_can_message *m = &db->msgs[s->msg];
    eco_can_map_entry e = {0};
    e.cycle_ms = g->cycle_ms;
    e.timeout_ms = g->timeout_ms;
    char name[160], id[16], tm[32], cond[96], prot[128];
    snprintf(name, sizeof name, "%s.%s", m->name, s->name);
    message_id(m, id, sizeof id);
    timing(m, &e, 1, tm, sizeof tm);
    int k = snprintf(cond, sizeof cond, "%s",
                     g->rule == ECO_CAN_ENGAGED_ABOVE ? "engaged above " : "engaged at ");
    for (int i = 0; i < g->n_values && k < (int)sizeof cond; i++)
        k += snprintf(cond + k, sizeof cond - (size_t)k, "%s%g", i ? ", " : "", g->value[i]);
    e2e(db, map, s->msg, prot, sizeof prot);
    fprintf(fp, ROW_FMT, "engaged", name, id, tm, cond, "-", prot);
}

void eco_cfg_mapping_print(FILE *fp, const eco_can_db *db, const eco_can_mapping *map)
{
    fprintf(fp, ROW_FMT, "field", "signal", "id", "cycle", "conversion to SI", "valid range (SI)",
            "E2E (counter/checksum)");
    fprintf(fp, "inputs\n");
    for (int i = 0; i < ECO_CAN_IN_COUNT; i++)
        print_entry(fp, db, map, eco_cfg_map_in_defs[i].key, &map->in[i], eco_cfg_map_in_defs[i].d,
                    1, eco_cfg_map_in_defs[i].required);
    print_engaged(fp, db, map);
    fprintf(fp, "outputs\n");
    for (int i = 0; i < ECO_CAN_OUT_COUNT; i++)
        print_entry(fp, db, map, eco_can_out_field_name((eco_can_out_field)i), &map->out[i],
                    eco_cfg_map_out_units[i].d, 0, eco_cfg_map_out_units[i].required);
    fprintf(fp, "status\n");
    for (int i = 0; i < ECO_CAN_ST_COUNT; i++)
        print_entry(fp, db, map, eco_can_status_field_name((eco_can_status_field)i),
                    &map->status[i], eco_cfg_map_status_units[i].d, 0,
                    eco_cfg_map_status_units[i].required);
}
