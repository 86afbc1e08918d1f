/* The report of ecosim fidelity --epa: per car and cycle, then per powertrain class. */
#include "fidelity_epa.h"

#include "json_number.h"
#include "report.h"

#include <math.h>
#include <string.h>

#define CLASSES   3    /* conventional, hev, bev */
#define WORST_PCT 15.0 /* issue 12: no car worse than 15 % */

static int class_of(const char *powertrain)
{
    return !strcmp(powertrain, "hev") ? 1 : !strcmp(powertrain, "bev") ? 2 : 0;
}

static const char *const CLASS_NAME[CLASSES] = {"conventional", "hybrid", "BEV"};

typedef struct {
    int cars, results, over;
    double sum_abs, worst;
} class_stats;

static void add(class_stats *s, double err)
{
    s->results++;
    s->sum_abs += fabs(err);
    s->worst = fmax(s->worst, fabs(err));
    s->over += fabs(err) > WORST_PCT;
}

/* An error in %, or NAN for a test the car lacks or a result that does not stand. */
static double error_pct(double sim, double epa, int valid)
{
    return isfinite(sim) && isfinite(epa) && epa > 0.0 && valid ? 100.0 * (sim / epa - 1.0) : NAN;
}

static void tally(const eco_cfg_epa_list *l, const eco_sim_epa_result *r, int n, class_stats *st,
                  int *not_built)
{
    const eco_cfg_epa_car *cars;
    eco_cfg_epa_list_cars(l, &cars);
    memset(st, 0, sizeof(class_stats) * (CLASSES + 1));
    *not_built = 0;
    for (int i = 0; i < n; i++) {
        if (!r[i].built) {
            ++*not_built;
            continue;
        }
        const eco_cfg_epa_car *c = &cars[r[i].car];
        class_stats *s = &st[class_of(r[i].powertrain)];
        s->cars++;
        st[CLASSES].cars++;
        double e[2] = {error_pct(r[i].hw_sim, c->hw_epa, r[i].hw_valid),
                       error_pct(r[i].city_sim, c->city_epa, r[i].city_valid)};
        for (int k = 0; k < 2; k++)
            if (isfinite(e[k])) {
                add(s, e[k]);
                add(&st[CLASSES], e[k]);
            }
    }
}

static void row(FILE *fp, const eco_cfg_epa_car *c, const eco_sim_epa_result *r, const char *test,
                double epa, double sim, int valid)
{
    if (!isfinite(epa))
        return;
    const char *unit = c->bev ? "MPGe" : "mpg";
    double e = error_pct(sim, epa, valid);
    fprintf(fp, "| %s %s | %s | %s | %s | %.1f %s | %.1f %s | %s%+.1f %% |\n", c->make, c->model,
            c->tx, r->powertrain, test, epa, unit, sim, unit, valid ? "" : "invalid, ",
            isfinite(e) ? e : 100.0 * (sim / epa - 1.0));
}

void eco_sim_fidelity_epa_print(FILE *fp, const eco_cfg_epa_list *l, const eco_sim_epa_result *r,
                                int n)
{
    const eco_cfg_epa_car *cars;
    eco_cfg_epa_list_cars(l, &cars);
    fprintf(fp, "| car | transmission | powertrain | test | EPA raw | ecosim | error |\n");
    fprintf(fp, "|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < n; i++) {
        const eco_cfg_epa_car *c = &cars[r[i].car];
        if (!r[i].built)
            continue;
        row(fp, c, &r[i], c->bev ? "Highway (CD)" : "HWFE", c->hw_epa, r[i].hw_sim, r[i].hw_valid);
        row(fp, c, &r[i], c->bev ? "UDDS (CD)" : "FTP", c->city_epa, r[i].city_sim,
            r[i].city_valid);
    }
    class_stats st[CLASSES + 1];
    int not_built;
    tally(l, r, n, st, &not_built);
    fprintf(
        fp,
        "\n| class | cars | results | MAPE | worst | over %.0f %% |\n|---|---|---|---|---|---|\n",
        WORST_PCT);
    for (int k = 0; k <= CLASSES; k++)
        if (st[k].results)
            fprintf(fp, "| %s | %d | %d | %.1f %% | %.1f %% | %d |\n",
                    k == CLASSES ? "all" : CLASS_NAME[k], st[k].cars, st[k].results,
                    st[k].sum_abs / st[k].results, st[k].worst, st[k].over);
        else
            fprintf(fp, "| %s | %d | 0 | - | - | - |\n", k == CLASSES ? "all" : CLASS_NAME[k],
                    st[k].cars);
    fprintf(fp, "\n%d of %d cars not built:\n", not_built, n);
    for (int i = 0; i < n; i++)
        if (!r[i].built)
            fprintf(fp, "- %s %s: %s\n", cars[r[i].car].make, cars[r[i].car].model, r[i].reason);
}

static void test_json(cJSON *tests, const char *name, double epa, double sim, int valid)
{
    if (!isfinite(epa))
        return;
    cJSON *t = eco_sim_json_named_item(tests, "test", name);
    eco_sim_json_add_number(t, "epa", epa);
    eco_sim_json_add_number(t, "sim", sim);
    eco_sim_json_add_number(t, "error_pct", error_pct(sim, epa, valid));
    cJSON_AddBoolToObject(t, "valid", valid);
}

int eco_sim_fidelity_epa_json(const eco_cfg_epa_list *l, const eco_sim_epa_result *r, int n)
{
    const eco_cfg_epa_car *cars;
    eco_cfg_epa_list_cars(l, &cars);
    cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "cars");
    for (int i = 0; i < n; i++) {
        const eco_cfg_epa_car *c = &cars[r[i].car];
        cJSON *j = eco_sim_json_named_item(arr, "model", c->model);
        cJSON_AddStringToObject(j, "make", c->make);
        cJSON_AddStringToObject(j, "transmission", c->tx);
        eco_sim_json_add_number(j, "line", c->line);
        cJSON_AddBoolToObject(j, "built", r[i].built);
        if (!r[i].built) {
            cJSON_AddStringToObject(j, "reason", r[i].reason);
            continue;
        }
        cJSON_AddStringToObject(j, "powertrain", r[i].powertrain);
        cJSON *tests = cJSON_AddArrayToObject(j, "tests");
        test_json(tests, c->bev ? "highway_cd" : "hwfe", c->hw_epa, r[i].hw_sim, r[i].hw_valid);
        test_json(tests, c->bev ? "udds_cd" : "ftp", c->city_epa, r[i].city_sim, r[i].city_valid);
    }
    class_stats st[CLASSES + 1];
    int not_built;
    tally(l, r, n, st, &not_built);
    cJSON *sum = cJSON_AddObjectToObject(o, "summary");
    for (int k = 0; k <= CLASSES; k++) {
        cJSON *s = cJSON_AddObjectToObject(sum, k == CLASSES ? "all"
                                                : k == 0     ? "conventional"
                                                : k == 1     ? "hev"
                                                             : "bev");
        eco_sim_json_add_number(s, "cars", st[k].cars);
        eco_sim_json_add_number(s, "results", st[k].results);
        eco_sim_json_add_number(s, "mape_pct", st[k].results ? st[k].sum_abs / st[k].results : NAN);
        eco_sim_json_add_number(s, "worst_pct", st[k].worst);
        eco_sim_json_add_number(s, "over_15_pct", st[k].over);
    }
    eco_sim_json_add_number(sum, "not_built", not_built);
    return eco_sim_print_json(o);
}
