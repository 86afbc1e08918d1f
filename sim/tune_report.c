/* ecosim tune's output: the weights file and the report of the search (tune.h). */
#include "campaign_weights.h"
#include "json_number.h"
#include "report.h"
#include "tune.h"

#include <nlopt.h>
#include <string.h>

int eco_tune_write_weights(const eco_tune *t, const char *path)
{
    cJSON *o = cJSON_CreateObject();
    char text[512];
    snprintf(text, sizeof text,
             "ecosim tune: least %s over %d cycle(s) under %d constraint(s), evaluation %d of %d",
             t->objective, t->c.n_cycles, t->n_constraints, t->best + 1, t->n_evals);
    cJSON_AddStringToObject(o, "name", "tuned");
    cJSON_AddStringToObject(o, "description", text);
    cJSON *w = eco_campaign_weights_json(&t->evals[t->best].w);
    while (w && w->child) {
        cJSON *item = cJSON_DetachItemViaPointer(w, w->child);
        cJSON_AddItemToObject(o, item->string, item);
    }
    cJSON_Delete(w);
    char *out = cJSON_Print(o), tmp[4096];
    cJSON_Delete(o);
    FILE *fp = out ? eco_sim_file_begin(path, tmp, sizeof tmp) : NULL;
    if (fp)
        fprintf(fp, "%s\n", out);
    cJSON_free(out);
    if (!fp || eco_sim_file_end(fp, tmp, path)) {
        fprintf(stderr, "ecosim tune: %s\n", out ? eco_last_error() : "out of memory");
        return 1;
    }
    return 0;
}

static cJSON *tuned_weights(const eco_tune *t, const eco_mpc_weights *w)
{
    int n;
    const eco_campaign_range *r = eco_campaign_weight_ranges(&n);
    cJSON *o = cJSON_CreateObject();
    for (int k = 0; k < t->n_tune; k++)
        eco_sim_json_add_number(o, r[t->tune[k]].key,
                                eco_campaign_weight_get(w, r[t->tune[k]].key));
    return o;
}

static cJSON *cases_json(const eco_tune *t, int eval)
{
    int per = 1 + t->n_constraints;
    const double *v = t->case_values + (size_t)eval * (size_t)(t->c.n_cycles * per);
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < t->c.n_cycles; i++) {
        cJSON *e = eco_sim_json_named_item(a, "cycle", t->c.cycles[i].name);
        eco_sim_json_add_number(e, "weight", t->case_weight[i]);
        eco_sim_json_add_number(e, t->objective_key, v[i * per]);
        for (int k = 0; k < t->n_constraints; k++)
            eco_sim_json_add_number(e, t->constraint[k].key, v[i * per + 1 + k]);
    }
    return a;
}

cJSON *eco_tune_report_json(const eco_tune *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "vehicle", t->c.vehicles[0].name);
    cJSON_AddStringToObject(o, "objective", t->objective);
    cJSON_AddStringToObject(o, "objective_key", t->objective_key);
    cJSON *cons = cJSON_AddArrayToObject(o, "constraints");
    for (int k = 0; k < t->n_constraints; k++)
        eco_sim_json_add_number(eco_sim_json_named_item(cons, "key", t->constraint[k].key), "max",
                                t->constraint[k].max);
    cJSON_AddNumberToObject(o, "evaluations", t->n_evals);
    cJSON_AddNumberToObject(o, "runs", t->n_evals * t->c.n_cycles);
    cJSON_AddStringToObject(o, "nlopt_result",
                            nlopt_result_to_string((nlopt_result)t->nlopt_result)
                                ? nlopt_result_to_string((nlopt_result)t->nlopt_result)
                                : "unknown");
    cJSON *path = cJSON_AddArrayToObject(o, "path");
    for (int i = 0; i < t->n_evals; i++) {
        const eco_tune_eval *ev = &t->evals[i];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "evaluation", i + 1);
        cJSON_AddItemToObject(e, "weights", tuned_weights(t, &ev->w));
        eco_sim_json_add_number(e, "objective", ev->objective);
        cJSON *c = cJSON_AddObjectToObject(e, "constraints");
        for (int k = 0; k < t->n_constraints; k++)
            eco_sim_json_add_number(c, t->constraint[k].key, ev->constraint[k]);
        cJSON_AddBoolToObject(e, "feasible", ev->feasible);
        cJSON_AddItemToArray(path, e);
    }
    if (t->best >= 0) {
        cJSON *b = cJSON_AddObjectToObject(o, "best");
        cJSON_AddNumberToObject(b, "evaluation", t->best + 1);
        cJSON_AddItemToObject(b, "weights", eco_campaign_weights_json(&t->evals[t->best].w));
        eco_sim_json_add_number(b, "objective", t->evals[t->best].objective);
        cJSON_AddItemToObject(b, "cases", cases_json(t, t->best));
    }
    return o;
}

void eco_tune_print_report(FILE *fp, const eco_tune *t)
{
    int n;
    const eco_campaign_range *r = eco_campaign_weight_ranges(&n);
    fprintf(fp, "vehicle: %s   objective: least %s (%s), mean over %d cycle(s)\n",
            t->c.vehicles[0].name, t->objective, t->objective_key, t->c.n_cycles);
    fprintf(fp, "%4s %12s", "eval", "objective");
    for (int k = 0; k < t->n_constraints; k++)
        fprintf(fp, " %18s", t->constraint[k].key);
    for (int k = 0; k < t->n_tune; k++)
        fprintf(fp, " %12.12s", r[t->tune[k]].key);
    fprintf(fp, "\n");
    for (int i = 0; i < t->n_evals; i++) {
        const eco_tune_eval *ev = &t->evals[i];
        fprintf(fp, "%4d %12.6g", i + 1, ev->objective);
        for (int k = 0; k < t->n_constraints; k++)
            fprintf(fp, " %17.6g%s", ev->constraint[k],
                    ev->constraint[k] <= t->constraint[k].max ? " " : "!");
        for (int k = 0; k < t->n_tune; k++)
            fprintf(fp, " %12.5g", eco_campaign_weight_get(&ev->w, r[t->tune[k]].key));
        fprintf(fp, "%s\n", i == t->best ? "  <- best" : "");
    }
    fprintf(fp, "%d evaluations, %d runs; '!' marks a constraint not met.\n", t->n_evals,
            t->n_evals * t->c.n_cycles);
}
