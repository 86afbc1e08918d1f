#include "report.h"

#include "json_number.h"

#include <math.h>
#include <string.h>

static void row(FILE *fp, const eco_sim_figures *f, int hybrid)
{
    fprintf(fp, "%-16s %8.3f %7.0f %8.3f %8.3f %7.1f %8.1f %8.2f %6.3f %6.3f %6.2f %5.1f\n",
            f->name, f->distance_km, f->duration_s, f->fuel_l_per_100km,
            hybrid ? f->fuel_soc_corrected_l_per_100km : f->fuel_l_per_100km, f->co2_g_per_km,
            f->nox_mg_per_km, f->energy_kwh_per_100km, f->soc_start, f->soc_end, f->trace_rms_kmh,
            f->outside_tolerance_s);
}

void eco_sim_print_table(FILE *fp, const eco_sim_summary *s)
{
    char band[64] = "";
    if (strcmp(s->controller, "baseline")) /* the baseline follows the trace */
        snprintf(band, sizeof band,
                 s->band_kmh > 0.0 || s->band_s > 0.0 ? "   band: +-%g km/h, +-%g s"
                                                      : "   band: none (exact trace)",
                 s->band_kmh, s->band_s);
    fprintf(fp, "vehicle: %s   cycle: %s (%s start)   controller: %s%s%s\n", s->vehicle,
            s->cycle, s->cold_start ? "cold" : "hot", s->controller, band,
            s->ftp_weighted ? "   (total = EPA FTP composite, bags 0.43/0.57)" : "");
    fprintf(fp, "%-16s %8s %7s %8s %8s %7s %8s %8s %6s %6s %6s %5s\n", "phase", "km", "s",
            "L/100km", "corr", "gCO2/km", "mgNOx/km", "kWh/100", "soc0", "soc1", "rms", "out_s");
    for (int p = 0; p < s->n_phases && s->n_phases > 1; p++)
        row(fp, &s->phase[p], 1);
    row(fp, &s->total, 1);
    if (isfinite(s->total.wall_energy_kwh_per_100km))
        fprintf(fp, "wall energy: %.2f kWh/100km (%.1f MPGe)\n", s->total.wall_energy_kwh_per_100km,
                s->mpge_us);
    else
        fprintf(fp, "fuel economy: %.1f mpg (US, SOC-corrected)\n", s->mpg_us);
    fprintf(fp,
            "trace: rms %.3f km/h, max %.2f km/h, %.1f s outside +-2 km/h/+-1 s; "
            "energy balance residual %.4f %%\n",
            s->total.trace_rms_kmh, s->total.trace_max_dev_kmh, s->total.outside_tolerance_s,
            s->energy_balance_residual_pct);
    const eco_sim_charge_balance *cb = &s->charge_balance;
    if (cb->rule)
        fprintf(fp,
                "charge balance: %+.1f Wh, %.2f %% of the fuel energy (%s limit %.1f %%): SOC "
                "correction %s\n",
                cb->delta_e_wh, 100.0 * cb->criterion, eco_sim_cb_rule_name(cb->rule),
                100.0 * cb->threshold, cb->valid ? "valid" : "NOT valid");
    eco_sim_drive_quality_print(fp, &s->quality);
}

static void figures_json(cJSON *o, const eco_sim_figures *f)
{
    eco_sim_json_add_number(o, "distance_km", f->distance_km);
    eco_sim_json_add_number(o, "duration_s", f->duration_s);
    eco_sim_json_add_number(o, "fuel_l_per_100km", f->fuel_l_per_100km);
    eco_sim_json_add_number(o, "fuel_soc_corrected_l_per_100km", f->fuel_soc_corrected_l_per_100km);
    eco_sim_json_add_number(o, "co2_g_per_km", f->co2_g_per_km);
    eco_sim_json_add_number(o, "nox_mg_per_km", f->nox_mg_per_km);
    eco_sim_json_add_number(o, "energy_kwh_per_100km", f->energy_kwh_per_100km);
    eco_sim_json_add_number(o, "wall_energy_kwh_per_100km", f->wall_energy_kwh_per_100km);
    eco_sim_json_add_number(o, "soc_start", f->soc_start);
    eco_sim_json_add_number(o, "soc_end", f->soc_end);
    eco_sim_json_add_number(o, "trace_rms_kmh", f->trace_rms_kmh);
    eco_sim_json_add_number(o, "trace_max_dev_kmh", f->trace_max_dev_kmh);
    eco_sim_json_add_number(o, "outside_tolerance_s", f->outside_tolerance_s);
    eco_sim_json_add_number(o, "distance_error_pct", f->distance_error_pct);
    eco_sim_json_add_number(o, "engine_work_kwh", f->engine_work_kwh);
    eco_sim_json_add_number(o, "engine_efficiency", f->engine_efficiency);
    eco_sim_json_add_number(o, "engine_starts", f->engine_starts);
}

/* Whether the SOC-corrected figure stands (issue 12); null criterion without a battery. */
static void charge_balance_json(cJSON *o, const eco_sim_charge_balance *cb)
{
    cJSON_AddBoolToObject(o, "soc_correction_valid", cb->valid);
    cJSON_AddStringToObject(o, "soc_correction_rule", eco_sim_cb_rule_name(cb->rule));
    eco_sim_json_add_number(o, "soc_correction_criterion", cb->rule ? cb->criterion : NAN);
    eco_sim_json_add_number(o, "soc_correction_threshold", cb->rule ? cb->threshold : NAN);
    eco_sim_json_add_number(o, "battery_delta_wh", cb->rule ? cb->delta_e_wh : NAN);
}

cJSON *eco_sim_summary_json(const eco_sim_summary *s)
{
    cJSON *o = eco_sim_json_case(s->vehicle, s->cycle);
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "controller", s->controller);
    cJSON_AddStringToObject(o, "weighting", s->ftp_weighted ? "epa_ftp_composite" : "none");
    cJSON_AddStringToObject(o, "start", s->cold_start ? "cold" : "hot");
    figures_json(o, &s->total);
    eco_sim_json_add_number(o, "mpg_us", s->mpg_us);
    eco_sim_json_add_number(o, "mpge_us", s->mpge_us);
    eco_sim_json_add_number(o, "energy_balance_residual_pct", s->energy_balance_residual_pct);
    eco_sim_json_add_number(o, "invalid_setpoints", s->invalid_setpoints);
    eco_sim_json_add_number(o, "band_kmh", s->band_kmh);
    eco_sim_json_add_number(o, "band_s", s->band_s);
    eco_sim_json_add_number(o, "creep_s", s->quality.creep_s);
    eco_sim_drive_quality_json(o, &s->quality);
    charge_balance_json(o, &s->charge_balance);
    cJSON *us = cJSON_AddObjectToObject(o, "mpc_solve_us");
    eco_sim_json_add_number(us, "p50", s->solve_us_p50);
    eco_sim_json_add_number(us, "p99", s->solve_us_p99);
    eco_sim_json_add_number(us, "max", s->solve_us_max);
    cJSON *ph = cJSON_AddArrayToObject(o, "phases");
    for (int p = 0; p < s->n_phases; p++)
        figures_json(eco_sim_json_named_item(ph, "name", s->phase[p].name), &s->phase[p]);
    return o;
}

int eco_sim_print_json(cJSON *o)
{
    char *txt = o ? cJSON_PrintUnformatted(o) : NULL;
    int ok = txt && printf("%s\n", txt) > 0;
    cJSON_free(txt);
    cJSON_Delete(o);
    return ok ? ECO_OK : ECO_ENOMEM;
}

void eco_sim_print_summary(const eco_sim_summary *s, int json)
{
    if (json)
        eco_sim_print_json(eco_sim_summary_json(s));
    else
        eco_sim_print_table(stdout, s);
}

int eco_sim_write_csv(const char *path, const eco_sim_result *r)
{
    char tmp[4096];
    FILE *fp = eco_sim_file_begin(path, tmp, sizeof tmp);
    if (!fp)
        return ECO_EIO;
    fprintf(fp, "time_s,speed_ref_kmh,speed_kmh,band_lo_kmh,band_hi_kmh,accel_mps2,fuel_g_cum,"
                "nox_mg_cum,soc,throttle,regen,brake,gear,engine_on,engine_speed_rpm,"
                "engine_torque_nm,motor_torque_nm,battery_power_kw\n");
    for (int i = 0; i < r->n_series; i++) {
        const eco_sim_sample *s = &r->series[i];
        fprintf(fp,
                "%.2f,%.4f,%.4f,%.3f,%.3f,%.4f,%.4f,%.3f,%.5f,%.4f,%.4f,%.4f,%d,%d,%.1f,%.2f,"
                "%.2f,%.3f\n",
                s->time_s, s->speed_ref_kmh, s->speed_kmh, s->band_lo_kmh, s->band_hi_kmh,
                s->accel_mps2, s->fuel_g_cum, s->nox_mg_cum, s->soc, s->throttle, s->regen,
                s->brake, s->gear, s->engine_on, s->engine_speed_rpm, s->engine_torque_nm,
                s->motor_torque_nm, s->battery_power_kw);
    }
    return eco_sim_file_end(fp, tmp, path);
}

int eco_sim_csv_out(const char *path, const eco_sim_result *r)
{
    if (!path || !eco_sim_write_csv(path, r))
        return 0;
    fprintf(stderr, "ecosim: %s\n", eco_last_error());
    return 1;
}
