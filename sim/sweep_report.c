/* ecosim sweep output: the table, the JSON object and the CSV rows. */
#include "report.h"
#include "json_number.h"
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <string.h>

static const char *spacing_name(eco_sweep_spacing s)
{
    return s == ECO_SWEEP_LOG ? "log" : s == ECO_SWEEP_LINEAR ? "linear" : "list";
}

static void table_row(FILE *fp, int width, const eco_sweep_point *p)
{
    fprintf(fp, "%-*s %9.4f %9.1f %7.3f %8.3f %8.3f %6.1f %7.3f %7.4f %6d %8.2f%s\n", width,
            p->label, p->metric, p->nox_mg_per_km, p->trace_rms_kmh, p->jerk_rms_mps3,
            p->accel_rms_mps2, p->outside_tolerance_s, p->distance_error_pct, p->soc_end,
            p->engine_starts, p->saving_pct, p->invalid_setpoints ? "  (invalid setpoints)" : "");
}

/* The keys, "/" between: the head of the label column. */
static void keys_text(const eco_sweep_report *r, char *out, size_t n)
{
    size_t used = 0;
    out[0] = '\0';
    for (int k = 0; k < r->n_vary && used < n; k++)
        used += (size_t)snprintf(out + used, n - used, "%s%s", k ? "/" : "", r->vary[k].key);
}

void eco_sweep_print_table(FILE *fp, const eco_sweep_report *r)
{
    char keys[ECO_SWEEP_GRID_MAX * 64];
    keys_text(r, keys, sizeof keys);
    fprintf(fp, "vehicle: %s   cycle: %s   band: +-%g km/h, +-%g s   base weights: %s\n",
            r->vehicle, r->cycle, r->band_kmh, r->band_s, r->base ? r->base : "balanced");
    int width = 12; /* the keys head the label column */
    for (int i = 0; i < r->n_points; i++)
        if ((int)strlen(r->points[i].label) > width)
            width = (int)strlen(r->points[i].label);
    width = (int)strlen(keys) > width ? (int)strlen(keys) : width;
    fprintf(fp, "%-*s %9s %9s %7s %8s %8s %6s %7s %7s %6s %8s\n", width, keys,
            r->bev ? "kWh/100" : "L/100km", "mgNOx/km", "rms_kmh", "jerk", "accel", "out_s",
            "dist_%", "soc_end", "starts", "saving_%");
    for (int i = 0; i < r->n_points; i++)
        table_row(fp, width, &r->points[i]);
    fprintf(fp, "references:\n");
    for (int i = 0; i < 1 + ECO_SWEEP_N_PRESETS; i++)
        table_row(fp, width, &r->refs[i]);
    fprintf(fp,
            "%s; jerk, accel: rms m/s^3, m/s^2; saving: against the baseline controller.\n"
            "Each swept run is the MPC with the base weights and %s set to %s.\n",
            r->bev ? "kWh/100: battery energy" : "L/100km: SOC-corrected fuel", keys,
            r->n_vary > 1 ? "their values" : "its value");
}

static cJSON *point_json(const eco_sweep_report *r, const eco_sweep_point *p, const char *name_key)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    if (name_key) {
        cJSON_AddStringToObject(o, name_key, p->label);
    } else if (r->n_vary == 1) {
        eco_sim_json_add_number(o, "value", p->value);
    } else {
        cJSON *values = cJSON_AddArrayToObject(o, "values");
        for (int k = 0; values && k < r->n_vary; k++)
            cJSON_AddItemToArray(values, cJSON_CreateNumber(p->values[k]));
    }
    eco_sim_json_add_number(o, eco_sweep_metric_name(r), p->metric);
    eco_sim_json_add_number(o, "nox_mg_per_km", p->nox_mg_per_km);
    eco_sim_json_add_number(o, "trace_rms_kmh", p->trace_rms_kmh);
    eco_sim_json_add_number(o, "jerk_rms_mps3", p->jerk_rms_mps3);
    eco_sim_json_add_number(o, "accel_rms_mps2", p->accel_rms_mps2);
    eco_sim_json_add_number(o, "outside_tolerance_s", p->outside_tolerance_s);
    eco_sim_json_add_number(o, "distance_error_pct", p->distance_error_pct);
    eco_sim_json_add_number(o, "soc_end", p->soc_end);
    eco_sim_json_add_number(o, "engine_starts", p->engine_starts);
    eco_sim_json_add_number(o, "saving_vs_baseline_pct", p->saving_pct);
    eco_sim_json_add_number(o, "invalid_setpoints", p->invalid_setpoints);
    return o;
}

int eco_sweep_print_json(const eco_sweep_report *r)
{
    cJSON *o = eco_sim_json_case(r->vehicle, r->cycle);
    if (!o)
        return ECO_ENOMEM;
    eco_sim_json_add_number(o, "band_kmh", r->band_kmh);
    eco_sim_json_add_number(o, "band_s", r->band_s);
    cJSON_AddStringToObject(o, "weights", r->base ? r->base : "balanced");
    if (r->n_vary == 1) {
        cJSON_AddStringToObject(o, "key", r->vary[0].key);
        cJSON_AddStringToObject(o, "spacing", spacing_name(r->vary[0].spacing));
    } else { /* a grid: the keys and their spacings in --vary order */
        cJSON *keys = cJSON_AddArrayToObject(o, "keys");
        cJSON *spacings = cJSON_AddArrayToObject(o, "spacings");
        for (int k = 0; keys && spacings && k < r->n_vary; k++) {
            cJSON_AddItemToArray(keys, cJSON_CreateString(r->vary[k].key));
            cJSON_AddItemToArray(spacings, cJSON_CreateString(spacing_name(r->vary[k].spacing)));
        }
    }
    cJSON_AddStringToObject(o, "metric", eco_sweep_metric_name(r));
    cJSON_AddItemToObject(o, "baseline", point_json(r, &r->refs[0], "controller"));
    cJSON *presets = cJSON_AddArrayToObject(o, "presets");
    for (int i = 1; presets && i < 1 + ECO_SWEEP_N_PRESETS; i++)
        cJSON_AddItemToArray(presets, point_json(r, &r->refs[i], "preset"));
    cJSON *points = cJSON_AddArrayToObject(o, "points");
    for (int i = 0; points && i < r->n_points; i++)
        cJSON_AddItemToArray(points, point_json(r, &r->points[i], NULL));
    return eco_sim_print_json(o);
}

int eco_sweep_write_csv(const char *path, const eco_sweep_report *r, const eco_sweep_point *rows,
                        int n)
{
    char tmp[4096];
    FILE *fp = eco_sim_file_begin(path, tmp, sizeof tmp);
    if (!fp)
        return ECO_EIO;
    fprintf(fp, "label");
    for (int k = 0; k < r->n_vary; k++)
        fprintf(fp, ",%s", r->n_vary == 1 ? "value" : r->vary[k].key);
    fprintf(fp,
            ",%s,nox_mg_per_km,trace_rms_kmh,jerk_rms_mps3,accel_rms_mps2,"
            "outside_tolerance_s,distance_error_pct,soc_end,engine_starts,saving_vs_baseline_pct\n",
            eco_sweep_metric_name(r));
    for (int i = 0; i < n; i++) {
        const eco_sweep_point *p = &rows[i];
        fprintf(fp, "%s", p->label);
        for (int k = 0; k < r->n_vary; k++) {
            char value[32] = ""; /* empty for a reference run */
            if (isfinite(p->value))
                snprintf(value, sizeof value, "%.9g", p->values[k]);
            fprintf(fp, ",%s", value);
        }
        fprintf(fp, ",%.5f,%.3f,%.4f,%.4f,%.4f,%.1f,%.4f,%.5f,%d,%.3f\n", p->metric,
                p->nox_mg_per_km, p->trace_rms_kmh, p->jerk_rms_mps3, p->accel_rms_mps2,
                p->outside_tolerance_s, p->distance_error_pct, p->soc_end, p->engine_starts,
                p->saving_pct);
    }
    return eco_sim_file_end(fp, tmp, path);
}

int eco_sweep_csv_metric_column(const eco_sweep_report *r)
{
    return 2 + r->n_vary; /* after the label and the values */
}
