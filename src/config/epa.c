/* A vehicle JSON from one EPA test-car record. The record gives test weight, road load,
 * rated power, displacement, transmission, axle and N/V ratios and fuel; everything else is
 * a documented class default (models/vehicles/SCHEMA.md, "from-EPA"), the same for every
 * car of a class: no per-vehicle tuning on this path. This file finds the record; the others
 * of the path are named in epa_internal.h. */
#include "epa_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* What the caller asked for: "MODEL" or "MODEL|TRANSMISSION". */
typedef struct {
    char model[128];
    const char *tx; /* start of the transmission, NULL for any */
} epa_query;

/* What the pass over the rows found. */
typedef struct {
    eco_cfg_epa_row first, hw; /* first matching row; first HWFE/Highway one (n = 0: none) */
    int count, hw_index, has_elec, has_fuel, has_cd_fuel;
    char others[256]; /* the models that did not match, quoted, for the message */
} epa_scan;

static int parse_query(const char *arg, epa_query *q)
{
    if (!arg || !*arg || strlen(arg) >= sizeof q->model) {
        eco_set_error("from-EPA: a model name is needed (at most %zu characters)",
                      sizeof q->model - 1);
        return ECO_EINVAL;
    }
    snprintf(q->model, sizeof q->model, "%s", arg);
    char *tx = strchr(q->model, '|');
    q->tx = NULL;
    if (tx) {
        *tx++ = '\0';
        while (isspace((unsigned char)*tx))
            tx++;
        q->tx = tx;
    }
    for (char *e = q->model + strlen(q->model); e > q->model && isspace((unsigned char)e[-1]);)
        *--e = '\0';
    return ECO_OK;
}

/* "cvt" is short for the EPA's "Continuously Variable". */
static int tx_matches(const char *tx, const char *want)
{
    if (!want)
        return 1;
    if (strcasecmp(want, "cvt") == 0)
        want = "Continuously Variable";
    return strncasecmp(tx, want, strlen(want)) == 0;
}

/* Add a model that did not match to the list the message shows, while it fits. */
static void note_other(epa_scan *s, const char *model)
{
    size_t k = strlen(s->others), lm = strlen(model);
    if (strcasestr(s->others, model) || k + lm + 5 >= sizeof s->others)
        return;
    snprintf(s->others + k, sizeof s->others - k, "%s\"%s\"", k ? ", " : "", model);
}

static void note_match(epa_scan *s, const eco_cfg_epa_row *row, const eco_cfg_epa_cols *c)
{
    s->count++;
    if (eco_cfg_epa_contains(eco_cfg_epa_cell(row, c->fuel), "Electricity"))
        s->has_elec = 1;
    else if ((s->has_fuel = 1) &&
             eco_cfg_epa_contains(eco_cfg_epa_cell(row, c->proc), "Charge Depleting"))
        s->has_cd_fuel = 1; /* a plug-in's charge-depleting test is listed with its fuel */
    if (s->count == 1)
        s->first = *row;
    const char *proc = eco_cfg_epa_cell(row, c->proc);
    /* a flex-fuel car is built from a gasoline row: there is no ethanol fuel model */
    if (!s->hw.n && !eco_cfg_epa_is_ethanol(eco_cfg_epa_cell(row, c->fuel)) &&
        (eco_cfg_epa_contains(proc, "HWFE") || eco_cfg_epa_contains(proc, "Highway"))) {
        s->hw = *row;
        s->hw_index = s->count;
    }
}

/* The header is the first line that is not blank (line 1 in an EPA file), every later one
 * a record. A file without one is refused as such, not searched for the model. */
static int scan(eco_csv *f, const epa_query *q, eco_cfg_epa_cols *cols, epa_scan *s)
{
    char *hdr[ECO_CFG_EPA_MAX_COLS], *line;
    eco_cfg_epa_row row;
    int rc, nh = -1;
    while ((line = eco_csv_next(f))) {
        if (nh < 0) {
            if ((rc = eco_cfg_epa_split_row(f, line, hdr, &nh)) ||
                (rc = eco_cfg_epa_find_cols(f, hdr, nh, cols)))
                return rc;
            continue;
        }
        if ((rc = eco_cfg_epa_split_row(f, line, row.cells, &row.n)))
            return rc;
        row.line = f->line;
        const char *model = eco_cfg_epa_cell(&row, cols->model);
        if (strcasecmp(model, q->model) == 0 && tx_matches(eco_cfg_epa_cell(&row, cols->tx), q->tx))
            note_match(s, &row, cols);
        else
            note_other(s, model);
    }
    if (nh < 0) {
        eco_set_error("%s: no header: the file is empty or blank (its first line that is not "
                      "blank must name the columns, \"Represented Test Veh Model\" among them)",
                      f->path);
        return ECO_EPARSE;
    }
    return ECO_OK;
}

/* One model, one kind of test: none found, or a plug-in's mix of both, are errors. */
static int check_scan(const char *path, const epa_query *q, const epa_scan *s)
{
    if (!s->count) {
        eco_set_error("%s: no record with \"Represented Test Veh Model\" \"%s\"%s%s (the file "
                      "has %s)",
                      path, q->model, q->tx ? " and transmission " : "", q->tx ? q->tx : "",
                      *s->others ? s->others : "no other models");
        return ECO_ENOENT;
    }
    return ECO_OK;
}

/* "sources.record": the file, line and record, and why this row of the matching ones. */
static void describe(char *why, size_t n, const char *path, const epa_query *q, const epa_scan *s,
                     const eco_cfg_epa_rec *rec, int disp_over, int hp_over)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(why, n, "%s line %d: %s %s, %s, %s; row %d of %d matching \"%s\"%s%s: %s%s%s", base,
             rec->line, rec->make, rec->model_col, rec->tx, rec->proc, s->hw.n ? s->hw_index : 1,
             s->count, q->model, q->tx ? " with transmission " : "", q->tx ? q->tx : "",
             s->hw.n ? "the first HWFE/Highway one" : "the first (none is HWFE/Highway)",
             disp_over ? "; displacement overridden" : "",
             hp_over ? "; horsepower overridden" : "");
}

int eco_cfg_vehicle_from_epa(const char *csv_path, const char *model, double displacement_l,
                             double hp, cJSON **out)
{
    return eco_cfg_vehicle_from_epa_as(csv_path, model, displacement_l, hp, NULL, out);
}

int eco_cfg_vehicle_from_epa_as(const char *csv_path, const char *model, double displacement_l,
                                double hp, const char *powertrain, cJSON **out)
{
    epa_query q;
    epa_scan s = {.count = 0};
    eco_cfg_epa_cols cols;
    eco_cfg_epa_rec rec;
    eco_csv f;
    char why[384];
    int rc, oom;
    *out = NULL;
    if ((rc = parse_query(model, &q)) ||
        (rc = eco_csv_open(&f, csv_path, ECO_CSV_QUOTES | ECO_CSV_SKIP_BLANK)))
        return rc;
    cJSON_Hooks hooks = {eco_malloc, eco_free};
    cJSON_InitHooks(&hooks);
    if ((rc = scan(&f, &q, &cols, &s)) || (rc = check_scan(csv_path, &q, &s)))
        goto done;
    const eco_cfg_epa_row *pick = s.hw.n ? &s.hw : &s.first;
    if ((rc = eco_cfg_epa_read_rec(csv_path, pick, &cols, &rec)) ||
        (rc = eco_cfg_epa_check_rec(csv_path, &rec, displacement_l, hp)))
        goto done;
    eco_cfg_epa_class k;
    /* a model with both electric and fuel tests, or a fuel car with charge-depleting tests,
     * is a plug-in */
    int plug_in = (s.has_elec && s.has_fuel) || s.has_cd_fuel;
    if ((rc = eco_cfg_epa_classify(csv_path, &rec, plug_in, powertrain, &k)))
        goto done;
    describe(why, sizeof why, csv_path, &q, &s, &rec, displacement_l > 0.0, hp > 0.0);
    cJSON *root = eco_cfg_epa_build(&k, why, &oom);
    if (oom) {
        cJSON_Delete(root);
        rc = ECO_ENOMEM;
        goto done;
    }
    *out = root;
done:
    eco_csv_close(&f);
    return rc;
}
