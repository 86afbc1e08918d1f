/* ecosim pareto output: the table and the JSON of each group's front (pareto.h). */
#include "campaign_weights.h"
#include "json_number.h"
#include "pareto.h"
#include "report.h"

#include <string.h>

static const char *kind_name(eco_pareto_kind k)
{
    return k == ECO_PARETO_BASELINE ? "baseline" : k == ECO_PARETO_PRESET ? "preset" : "point";
}

static void row(FILE *fp, const eco_pareto_set *s, const eco_pareto_case *c, const int *keys,
                int n_keys)
{
    int n_ranges;
    const eco_campaign_range *r = eco_campaign_weight_ranges(&n_ranges);
    fprintf(fp, "%6d %-10s %-8s %-5s", c->case_index, c->label, c->controller,
            c->on_front ? "yes" : "no");
    for (int k = 0; k < s->n_objectives; k++)
        fprintf(fp, " %12.5g", c->f[k]);
    for (int k = 0; k < n_keys; k++)
        if (c->has_weights)
            fprintf(fp, " %*.4g",
                    (int)strlen(r[keys[k]].key) > 10 ? (int)strlen(r[keys[k]].key) : 10,
                    eco_campaign_weight_get(&c->w, r[keys[k]].key));
    fputc('\n', fp);
}

/* Per group: its front in the first objective's order, then the baseline and the presets
 * whether on it or not; the weights shown are those that vary in the group. */
void eco_pareto_print_table(FILE *fp, const eco_pareto_set *s)
{
    int n_ranges;
    const eco_campaign_range *r = eco_campaign_weight_ranges(&n_ranges);
    for (int g = 0; g < s->n_groups; g++) {
        const eco_pareto_group *gr = &s->groups[g];
        int keys[16], n_keys = eco_pareto_varied_keys(s, g, keys);
        fprintf(fp, "%svehicle: %s   cycle: %s   campaign: %s\n%d cases, %d on the front of:",
                g ? "\n" : "", gr->vehicle, gr->cycle, s->hash, gr->n_cases, gr->n_front);
        for (int k = 0; k < s->n_objectives; k++)
            fprintf(fp, "%s %s", k ? "," : "", s->objective[k].label);
        fprintf(fp, "\n%6s %-10s %-8s %-5s", "case", "label", "ctl", "front");
        for (int k = 0; k < s->n_objectives; k++)
            fprintf(fp, " %12s", s->objective[k].name);
        for (int k = 0; k < n_keys; k++) /* as wide as the rows' */
            fprintf(fp, " %*s", (int)strlen(r[keys[k]].key) > 10 ? (int)strlen(r[keys[k]].key) : 10,
                    r[keys[k]].key);
        fputc('\n', fp);
        int *front = eco_malloc(sizeof(int) * (size_t)s->n_cases), n_front;
        n_front = front ? eco_pareto_group_front(s, g, front) : 0;
        for (int q = 0; q < n_front; q++)
            if (s->cases[front[q]].kind == ECO_PARETO_POINT)
                row(fp, s, &s->cases[front[q]], keys, n_keys);
        eco_free(front);
        for (int i = 0; i < s->n_cases; i++) /* the references, on the front or not */
            if (s->cases[i].group == g && s->cases[i].kind != ECO_PARETO_POINT)
                row(fp, s, &s->cases[i], keys, n_keys);
    }
}

static cJSON *case_json(const eco_pareto_set *s, const eco_pareto_case *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "case", c->case_index);
    cJSON_AddStringToObject(o, "label", c->label);
    cJSON_AddStringToObject(o, "controller", c->controller);
    cJSON_AddStringToObject(o, "kind", kind_name(c->kind));
    cJSON_AddBoolToObject(o, "on_front", c->on_front);
    cJSON *f = cJSON_AddObjectToObject(o, "objectives");
    for (int k = 0; f && k < s->n_objectives; k++)
        eco_sim_json_add_number(f, s->objective[k].name, c->f[k]);
    if (c->has_weights)
        cJSON_AddItemToObject(o, "weights", eco_campaign_weights_json(&c->w));
    else
        cJSON_AddNullToObject(o, "weights");
    return o;
}

int eco_pareto_print_json(const eco_pareto_set *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "campaign", s->hash);
    cJSON *obj = cJSON_AddArrayToObject(o, "objectives");
    for (int k = 0; obj && k < s->n_objectives; k++)
        cJSON_AddItemToArray(obj, cJSON_CreateString(s->objective[k].name));
    cJSON *groups = cJSON_AddArrayToObject(o, "groups");
    for (int g = 0; groups && g < s->n_groups; g++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "vehicle_source", s->groups[g].vehicle_source);
        cJSON_AddStringToObject(e, "vehicle", s->groups[g].vehicle);
        cJSON_AddStringToObject(e, "cycle", s->groups[g].cycle);
        cJSON_AddNumberToObject(e, "cases", s->groups[g].n_cases);
        cJSON *front = cJSON_AddArrayToObject(e, "front");
        cJSON *refs = cJSON_AddArrayToObject(e, "references");
        for (int i = 0; front && refs && i < s->n_cases; i++) {
            const eco_pareto_case *c = &s->cases[i];
            if (c->group != g)
                continue;
            if (c->kind != ECO_PARETO_POINT)
                cJSON_AddItemToArray(refs, case_json(s, c));
            if (c->on_front)
                cJSON_AddItemToArray(front, case_json(s, c));
        }
        cJSON_AddItemToArray(groups, e);
    }
    return eco_sim_print_json(o);
}
