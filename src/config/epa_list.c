/* A whole EPA test-car list (ecosim fidelity --epa): its rows grouped into test cars, each
 * with the results of its tests and built by the same from-EPA path as one record. */
#include "epa_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define BEV_MPGE_MIN   60.0
#define KWH_PER_GAL_EQ 33.705
#define FE_PLACEHOLDER 9999.0 /* the list's stand-in for a result it does not give */
/* A BEV's raw highway MPGe over its city MPGe: aero makes the highway dearer per mile and
 * braking the city, by tens of percent at most. Outside this range the two figures cannot
 * both be right (SCHEMA.md, "A whole list"). */
#define BEV_HW_CITY_MIN 0.70
#define BEV_HW_CITY_MAX 1.30

struct eco_cfg_epa_list {
    eco_csv csv; /* holds the text the rows point into */
    eco_cfg_epa_cols cols;
    eco_cfg_epa_row *rows;
    int n_rows;
    eco_cfg_epa_car *cars;
    int n_cars;
};

/* Rows of one test car share every column the vehicle is built from. */
static int same_car(const eco_cfg_epa_list *l, const eco_cfg_epa_row *a, const eco_cfg_epa_row *b)
{
    const int cols[] = {l->cols.make, l->cols.model, l->cols.tx,    l->cols.disp,   l->cols.hp,
                        l->cols.nv,   l->cols.axle,  l->cols.gears, l->cols.etw_kg, l->cols.etw_lb,
                        l->cols.a,    l->cols.b,     l->cols.c};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        if (cols[i] >= 0 && strcasecmp(eco_cfg_epa_cell(a, cols[i]), eco_cfg_epa_cell(b, cols[i])))
            return 0;
    return 1;
}

/* The test a row is, as the fidelity runs it: a highway or a city (FTP / UDDS) result. */
static void note_test(const eco_cfg_epa_list *l, const eco_cfg_epa_row *r, eco_cfg_epa_car *c)
{
    const char *proc = eco_cfg_epa_cell(r, l->cols.proc);
    const char *fuel = eco_cfg_epa_cell(r, l->cols.fuel);
    double fe = NAN;
    /* A flex-fuel car's E85 tests are not comparable with a gasoline model (about a third
     * less energy per gallon) and the model has no ethanol fuel: its gasoline tests are
     * used; a car with only E85 tests is refused by eco_cfg_epa_check_rec. */
    if (eco_cfg_epa_is_ethanol(fuel))
        return;
    if (!c->hw_line && !c->city_line)
        c->line = r->line; /* the first usable row until a highway one is found */
    /* The McLaren rows give 9999.9999999 for every test, with a CO2 figure beside it: a
     * result not reported, not a measurement. */
    if (eco_csv_number(eco_cfg_epa_cell(r, l->cols.fe), &fe) != ECO_CSV_NUM_OK || !(fe > 0.0) ||
        fe >= FE_PLACEHOLDER)
        fe = NAN;
    int elec = eco_cfg_epa_contains(fuel, "Electricity");
    /* The list gives some BEVs' results in kWh/100 mi though FE_UNIT says MPG (the Ioniq 5's
     * charge-depleting UDDS: 22.4): no BEV's raw lab result is under 60 MPGe and no
     * consumption over 60 kWh/100 mi, so a smaller figure is a consumption, turned into MPGe
     * with 33.705 kWh per gallon equivalent (40 CFR 600.002). */
    if (elec && fe < BEV_MPGE_MIN)
        fe = KWH_PER_GAL_EQ * 100.0 / fe;
    int cd = eco_cfg_epa_contains(proc, "Charge Depleting");
    c->bev |= elec;
    c->plug_in |= cd && !elec;
    int hw = elec ? cd && eco_cfg_epa_contains(proc, "Highway")
                  : !cd && eco_cfg_epa_contains(proc, "HWFE");
    int city =
        elec ? cd && eco_cfg_epa_contains(proc, "UDDS") && !eco_cfg_epa_contains(proc, "20 Degree")
             : eco_cfg_epa_contains(proc, "Federal fuel") || eco_cfg_epa_contains(proc, "CVS 75");
    if (hw && !c->hw_line) {
        c->hw_line = r->line;
        c->hw_epa = fe;
        c->line = r->line; /* the vehicle data from the highway record, as for one model */
    }
    if (city && !c->city_line) {
        c->city_line = r->line;
        c->city_epa = fe;
    }
}

static int group(eco_cfg_epa_list *l)
{
    l->cars = eco_malloc(sizeof *l->cars * (size_t)(l->n_rows ? l->n_rows : 1));
    int *first = eco_malloc(sizeof *first * (size_t)(l->n_rows ? l->n_rows : 1));
    if (!l->cars || !first) {
        eco_free(first);
        return ECO_ENOMEM;
    }
    for (int i = 0; i < l->n_rows; i++) {
        const eco_cfg_epa_row *r = &l->rows[i];
        int k = 0;
        while (k < l->n_cars && !same_car(l, &l->rows[first[k]], r))
            k++;
        eco_cfg_epa_car *c = &l->cars[k];
        if (k == l->n_cars) {
            memset(c, 0, sizeof *c);
            c->make = eco_cfg_epa_cell(r, l->cols.make);
            c->model = eco_cfg_epa_cell(r, l->cols.model);
            c->tx = eco_cfg_epa_cell(r, l->cols.tx);
            c->line = r->line;
            c->hw_epa = c->city_epa = NAN;
            first[l->n_cars++] = i;
        }
        note_test(l, r, c);
    }
    eco_free(first);
    return ECO_OK;
}

static int read_rows(eco_cfg_epa_list *l)
{
    char *hdr[ECO_CFG_EPA_MAX_COLS], *line;
    int rc, nh = -1, cap = 0;
    while ((line = eco_csv_next(&l->csv))) {
        if (nh < 0) {
            if ((rc = eco_cfg_epa_split_row(&l->csv, line, hdr, &nh)) ||
                (rc = eco_cfg_epa_find_cols(&l->csv, hdr, nh, &l->cols)))
                return rc;
            continue;
        }
        if (l->n_rows == cap) {
            cap = cap ? 2 * cap : 256;
            eco_cfg_epa_row *g = eco_realloc(l->rows, sizeof *g * (size_t)cap);
            if (!g)
                return ECO_ENOMEM;
            l->rows = g;
        }
        eco_cfg_epa_row *r = &l->rows[l->n_rows];
        if ((rc = eco_cfg_epa_split_row(&l->csv, line, r->cells, &r->n)))
            return rc;
        r->line = l->csv.line;
        l->n_rows++;
    }
    if (nh < 0) {
        eco_set_error("%s: no header: the file is empty or blank", l->csv.path);
        return ECO_EPARSE;
    }
    return ECO_OK;
}

int eco_cfg_epa_list_load(const char *path, eco_cfg_epa_list **out)
{
    *out = NULL;
    eco_cfg_epa_list *l = eco_malloc(sizeof *l);
    if (!l)
        return ECO_ENOMEM;
    memset(l, 0, sizeof *l);
    int rc = eco_csv_open(&l->csv, path, ECO_CSV_QUOTES | ECO_CSV_SKIP_BLANK);
    if (rc) {
        eco_free(l);
        return rc;
    }
    if ((rc = read_rows(l)) || (rc = group(l))) {
        eco_cfg_epa_list_free(l);
        return rc;
    }
    *out = l;
    return ECO_OK;
}

int eco_cfg_epa_list_cars(const eco_cfg_epa_list *l, const eco_cfg_epa_car **cars)
{
    *cars = l->cars;
    return l->n_cars;
}

int eco_cfg_epa_list_build(const eco_cfg_epa_list *l, int car, const char *powertrain, cJSON **out)
{
    const eco_cfg_epa_car *c = &l->cars[car];
    const char *path = l->csv.path;
    *out = NULL;
    const eco_cfg_epa_row *row = NULL;
    for (int i = 0; i < l->n_rows && !row; i++)
        if (l->rows[i].line == c->line)
            row = &l->rows[i];
    eco_cfg_epa_rec rec;
    eco_cfg_epa_class k;
    int rc;
    double q = c->hw_epa / c->city_epa;
    if (c->bev && isfinite(q) && (q < BEV_HW_CITY_MIN || q > BEV_HW_CITY_MAX)) {
        eco_set_error("%s:%d: %s %s: results inconsistent: highway %.1f MPGe (line %d) against "
                      "city %.1f MPGe (line %d), a ratio of %.2f outside [%.2f, %.2f]; not built",
                      path, c->line, c->make, c->model, c->hw_epa, c->hw_line, c->city_epa,
                      c->city_line, q, BEV_HW_CITY_MIN, BEV_HW_CITY_MAX);
        return ECO_EINVAL;
    }
    if ((rc = eco_cfg_epa_read_rec(path, row, &l->cols, &rec)) ||
        (rc = eco_cfg_epa_check_rec(path, &rec, 0.0, 0.0)))
        return rc;
    if ((rc = eco_cfg_epa_classify(path, &rec, c->plug_in, powertrain, &k)))
        return rc;
    const char *base = strrchr(path, '/');
    char why[384];
    snprintf(why, sizeof why, "%s line %d: %s %s, %s, %s (one test car of the list)",
             base ? base + 1 : path, rec.line, rec.make, rec.model_col, rec.tx, rec.proc);
    int oom;
    *out = eco_cfg_epa_build(&k, why, &oom);
    if (oom) {
        cJSON_Delete(*out);
        *out = NULL;
        return ECO_ENOMEM;
    }
    return ECO_OK;
}

void eco_cfg_epa_list_free(eco_cfg_epa_list *l)
{
    if (!l)
        return;
    eco_csv_close(&l->csv);
    eco_free(l->rows);
    eco_free(l->cars);
    eco_free(l);
}
