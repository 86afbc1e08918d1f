/* The from-EPA record: where its columns are, its numbers (in SI), and whether the class
 * defaults cover it. */
#include "epa_internal.h"
#include "ecodrive/units.h"

#include <math.h>
#include <string.h>
#include <strings.h>

#define COL(field) offsetof(eco_cfg_epa_cols, field)

/* Every column read, by its header name; the required ones first, in the order they are
 * asked for. */
static const struct {
    const char *name;
    size_t col; /* offset of its index in eco_cfg_epa_cols */
    int required;
} columns[] = {
    {"Represented Test Veh Model", COL(model), 1},
    {"Test Veh Displacement (L)", COL(disp), 1},
    {"Rated Horsepower", COL(hp), 1},
    {"Tested Transmission Type", COL(tx), 1},
    {"# of Gears", COL(gears), 1},
    {"Axle Ratio", COL(axle), 1},
    {"N/V Ratio", COL(nv), 1},
    {"Test Procedure Description", COL(proc), 1},
    {"Test Fuel Type Description", COL(fuel), 1},
    {"Represented Test Veh Make", COL(make), 0},
    {"ETW_kg", COL(etw_kg), 0},
    {"Equivalent Test Weight (lbs.)", COL(etw_lb), 0},
    {"F0_N", COL(f0), 0},
    {"F1_N_per_kmh", COL(f1), 0},
    {"F2_N_per_kmh2", COL(f2), 0},
    {"Target Coef A (lbf)", COL(a), 0},
    {"Target Coef B (lbf/mph)", COL(b), 0},
    {"Target Coef C (lbf/mph**2)", COL(c), 0},
    {"RND_ADJ_FE", COL(fe), 0},
    {"FE_UNIT", COL(fe_unit), 0},
};

#define N_COLUMNS ((int)(sizeof columns / sizeof columns[0]))

int eco_cfg_epa_contains(const char *hay, const char *needle)
{
    return strcasestr(hay, needle) != NULL;
}

int eco_cfg_epa_is_ethanol(const char *fuel)
{
    return eco_cfg_epa_contains(fuel, "E85") || eco_cfg_epa_contains(fuel, "Ethanol");
}

const char *eco_cfg_epa_cell(const eco_cfg_epa_row *r, int col)
{
    return col >= 0 && col < r->n ? r->cells[col] : "";
}

static int *col_slot(eco_cfg_epa_cols *c, int i)
{
    return (int *)((char *)c + columns[i].col);
}

static int col_at(const eco_cfg_epa_cols *c, size_t col)
{
    return *(const int *)((const char *)c + col);
}

int eco_cfg_epa_split_row(const eco_csv *f, char *line, char **cells, int *n)
{
    *n = eco_csv_split(f, line, cells, ECO_CFG_EPA_MAX_COLS);
    if (*n >= 0)
        return ECO_OK;
    return eco_csv_error(f, ECO_EPARSE, "malformed CSV (%s)",
                         *n == ECO_EPARSE ? "unterminated quote" : "too many columns");
}

int eco_cfg_epa_find_cols(const eco_csv *f, char **hdr, int n, eco_cfg_epa_cols *c)
{
    for (int i = 0; i < N_COLUMNS; i++) {
        int k = -1;
        for (int j = 0; j < n && k < 0; j++)
            if (strcasecmp(hdr[j], columns[i].name) == 0)
                k = j;
        if (k < 0 && columns[i].required)
            return eco_csv_error(f, ECO_EPARSE, "missing column \"%s\"", columns[i].name);
        *col_slot(c, i) = k;
    }
    if (c->etw_kg < 0 && c->etw_lb < 0)
        return eco_csv_error(f, ECO_EPARSE,
                             "missing column \"ETW_kg\" or \"Equivalent Test Weight (lbs.)\"");
    if ((c->f0 < 0 || c->f1 < 0 || c->f2 < 0) && (c->a < 0 || c->b < 0 || c->c < 0))
        return eco_csv_error(f, ECO_EPARSE,
                             "missing road-load columns: F0_N, F1_N_per_kmh, F2_N_per_kmh2 or "
                             "Target Coef A (lbf), Target Coef B (lbf/mph), Target Coef C "
                             "(lbf/mph**2)");
    return ECO_OK;
}

/* The number in the column whose index is at offset col of c, named as in the header. An
 * underflow is taken as the tiny number it is. */
static int cell_num(const char *path, const eco_cfg_epa_row *r, const eco_cfg_epa_cols *c,
                    size_t col, double *v)
{
    const char *name = "";
    for (int i = 0; i < N_COLUMNS; i++)
        if (columns[i].col == col)
            name = columns[i].name;
    const char *s = eco_cfg_epa_cell(r, col_at(c, col));
    double x = 0.0;
    if (eco_csv_number(s, &x) == ECO_CSV_NUM_NONE || !isfinite(x)) {
        eco_set_error("%s:%d: column \"%s\": not a number: \"%s\"", path, r->line, name, s);
        return ECO_EPARSE;
    }
    *v = x;
    return ECO_OK;
}

/* Numbers of the columns at offsets cols[] into out[], the first failure returned. */
static int cell_nums(const char *path, const eco_cfg_epa_row *row, const eco_cfg_epa_cols *c,
                     const size_t *cols, double *const *out, int n)
{
    int rc = ECO_OK;
    for (int i = 0; i < n && !rc; i++)
        rc = cell_num(path, row, c, cols[i], out[i]);
    return rc;
}

int eco_cfg_epa_read_rec(const char *path, const eco_cfg_epa_row *row, const eco_cfg_epa_cols *c,
                         eco_cfg_epa_rec *r)
{
    static const size_t base[] = {COL(disp), COL(hp), COL(gears), COL(axle), COL(nv)};
    static const size_t road_si[] = {COL(f0), COL(f1), COL(f2)};
    static const size_t road_us[] = {COL(a), COL(b), COL(c)};
    double *const base_out[] = {&r->disp_l, &r->hp, &r->gears, &r->axle, &r->nv};
    double *const road_out[] = {&r->f0, &r->f1, &r->f2};
    int si_mass = c->etw_kg >= 0;
    int si_road = c->f0 >= 0 && c->f1 >= 0 && c->f2 >= 0;
    int rc;
    r->line = row->line;
    r->model_col = eco_cfg_epa_cell(row, c->model);
    r->make = eco_cfg_epa_cell(row, c->make); /* optional: "" without the column */
    r->proc = eco_cfg_epa_cell(row, c->proc);
    r->fuel = eco_cfg_epa_cell(row, c->fuel);
    r->tx = eco_cfg_epa_cell(row, c->tx);
    if ((rc = cell_nums(path, row, c, base, base_out, 5)) ||
        (rc = cell_num(path, row, c, si_mass ? COL(etw_kg) : COL(etw_lb), &r->etw_kg)) ||
        (rc = cell_nums(path, row, c, si_road ? road_si : road_us, road_out, 3)))
        return rc;
    if (!si_mass)
        r->etw_kg *= ECO_KG_PER_LB;
    if (!si_road) { /* lbf, lbf/mph, lbf/mph^2 to N, N/(km/h), N/(km/h)^2 */
        r->f0 *= ECO_N_PER_LBF;
        r->f1 *= ECO_N_PER_LBF / ECO_KM_PER_MILE;
        r->f2 *= ECO_N_PER_LBF / (ECO_KM_PER_MILE * ECO_KM_PER_MILE);
    }
    return ECO_OK;
}

int eco_cfg_epa_check_rec(const char *path, eco_cfg_epa_rec *r, double displacement_l, double hp)
{
    int bev = eco_cfg_epa_contains(r->fuel, "Electricity");
    if (displacement_l > 0.0)
        r->disp_l = displacement_l;
    if (hp > 0.0)
        r->hp = hp;
    if (!bev && !eco_cfg_epa_contains(r->fuel, "Gasoline") &&
        !eco_cfg_epa_contains(r->fuel, "Diesel") && !eco_cfg_epa_contains(r->fuel, "Regular") &&
        !eco_cfg_epa_contains(r->fuel, "Premium")) {
        eco_set_error("%s:%d: test fuel \"%s\": no class defaults for it (gasoline, diesel or "
                      "electricity)",
                      path, r->line, r->fuel);
        return ECO_EINVAL;
    }
    if (eco_cfg_epa_is_ethanol(r->fuel)) {
        eco_set_error("%s:%d: test fuel \"%s\": no class defaults for it (there is no ethanol "
                      "fuel model; of a flex-fuel car only the gasoline tests are used)",
                      path, r->line, r->fuel);
        return ECO_EINVAL;
    }
    const char *bad = NULL;
    double v = 0.0;
    if (!(r->etw_kg > 300.0 && r->etw_kg < 10000.0))
        bad = "test weight", v = r->etw_kg;
    else if (!(r->hp > 0.0))
        bad = "Rated Horsepower", v = r->hp;
    else if (!(r->nv > 0.0))
        bad = "N/V Ratio", v = r->nv;
    else if (!(r->axle > 0.0))
        bad = "Axle Ratio", v = r->axle;
    else if (!bev && !(r->disp_l > 0.05))
        bad = "Test Veh Displacement (L)", v = r->disp_l;
    else if (!(r->f2 > 0.0) || r->f0 < 0.0)
        bad = "road load (F0 >= 0, F2 > 0)", v = r->f2;
    else if (!bev && !eco_cfg_epa_contains(r->tx, "Continuously Variable") &&
             !(r->gears >= 2 && r->gears <= ECO_GEARS_MAX && r->gears == floor(r->gears)))
        bad = "# of Gears (2..10 for a stepped box)", v = r->gears;
    if (bad) {
        eco_set_error("%s:%d: %s: out of range, got %g", path, r->line, bad, v);
        return ECO_EINVAL;
    }
    return ECO_OK;
}
