#include "summary.h"
#include "ecodrive/units.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define L_PER_GAL_US   3.785411784
#define KM_PER_MI      1.609344
#define KWH_PER_GAL_EQ 33.705 /* EPA gasoline gallon equivalent, 40 CFR 600.002 */
#define CO2_PER_C      (44.0095 / 12.011)

/* Fuel the engine would burn to put back the battery energy used (J1711-style linear
 * correction): at the run's own mean engine efficiency and the efficiency of the machine that
 * recharges it: MG1 at half power in a power split (the motor in a P2), the alternator in a
 * conventional car whose 12 V battery ran the accessories while stop/start had the engine
 * off. */
static double correction_g_per_j(const eco_vehicle *v, const eco_sim_totals *t)
{
    double eta_engine = t->engine_fuel_j > 0.0 ? t->engine_work_j / t->engine_fuel_j : 0.3;
    if (v->powertrain == ECO_PT_CONV)
        return 1.0 / (v->fuel.lhv_j_per_g * eta_engine * v->alternator_efficiency);
    if (v->powertrain != ECO_PT_HEV && v->powertrain != ECO_PT_PHEV)
        return 0.0;
    /* A P2 recharges through its one machine, the motor */
    const eco_machine *m = eco_vehicle_is_p2(v) ? &v->motor : &v->generator;
    double eta_gen = eco_curve_eval(&m->efficiency, 0.5);
    return 1.0 / (v->fuel.lhv_j_per_g * eta_engine * eta_gen);
}

typedef struct {
    double fuel_g, fuel_corr_g, nox_g, terminal_j, chem_j;
} extensive;

static extensive extensive_of(const eco_sim_totals *t, double corr)
{
    extensive e = {t->fuel_g, t->fuel_g + corr * t->battery_chem_j, t->nox_g, t->battery_terminal_j,
                   t->battery_chem_j};
    return e;
}

static void per_km(const eco_vehicle *v, const extensive *e, double km, eco_sim_figures *f)
{
    double rho = v->fuel.density_g_per_l > 0.0 ? v->fuel.density_g_per_l : 1.0;
    double cf = v->fuel.carbon_fraction;
    f->fuel_l_per_100km = e->fuel_g / rho / km * 100.0;
    f->fuel_soc_corrected_l_per_100km = e->fuel_corr_g / rho / km * 100.0;
    f->co2_g_per_km = e->fuel_corr_g * cf * CO2_PER_C / km;
    f->nox_mg_per_km = e->nox_g * 1e3 / km;
    f->energy_kwh_per_100km = e->terminal_j / 3.6e6 / km * 100.0;
    f->wall_energy_kwh_per_100km = v->powertrain == ECO_PT_BEV || v->powertrain == ECO_PT_PHEV
                                       ? e->chem_j / v->charger_efficiency / 3.6e6 / km * 100.0
                                       : NAN;
}

static void figures_of(const eco_vehicle *v, const eco_sim_totals *t, double corr,
                       eco_sim_figures *f)
{
    double km = fmax(t->distance_m * 1e-3, 1e-9);
    extensive e = extensive_of(t, corr);
    per_km(v, &e, km, f);
    f->distance_km = t->distance_m * 1e-3;
    f->duration_s = round(t->duration_s * 1e6) * 1e-6; /* sum of dt: drop the rounding */
    f->soc_start = t->soc_start;
    f->soc_end = t->soc_end;
    f->trace_rms_kmh = t->duration_s > 0.0 ? sqrt(t->sq_err_kmh2 / t->duration_s) : 0.0;
    f->trace_max_dev_kmh = t->max_dev_kmh;
    f->outside_tolerance_s = t->outside_s;
    f->distance_error_pct =
        t->ref_distance_m > 0.0 ? 100.0 * (t->distance_m / t->ref_distance_m - 1.0) : 0.0;
    f->engine_work_kwh = t->engine_work_j / 3.6e6;
    f->engine_starts = t->engine_starts;
    f->engine_efficiency = t->engine_fuel_j > 0.0 ? t->engine_work_j / t->engine_fuel_j : NAN;
}

/* 40 CFR 600.114 / 86.144: weighted = 0.43 (Y1 + Y2)/(D1 + D2) + 0.57 (Y3 + Y2)/(D3 + D2). */
static void ftp_composite(const eco_vehicle *v, const eco_sim_result *r, double corr,
                          eco_sim_figures *f)
{
    extensive b[3];
    double d[3];
    for (int i = 0; i < 3; i++) {
        b[i] = extensive_of(&r->phase[i], corr);
        d[i] = r->phase[i].distance_m * 1e-3;
    }
    double w1 = 0.43 / (d[0] + d[1]), w3 = 0.57 / (d[2] + d[1]);
    extensive per = {
        w1 * (b[0].fuel_g + b[1].fuel_g) + w3 * (b[2].fuel_g + b[1].fuel_g),
        w1 * (b[0].fuel_corr_g + b[1].fuel_corr_g) + w3 * (b[2].fuel_corr_g + b[1].fuel_corr_g),
        w1 * (b[0].nox_g + b[1].nox_g) + w3 * (b[2].nox_g + b[1].nox_g),
        w1 * (b[0].terminal_j + b[1].terminal_j) + w3 * (b[2].terminal_j + b[1].terminal_j),
        w1 * (b[0].chem_j + b[1].chem_j) + w3 * (b[2].chem_j + b[1].chem_j),
    };
    per_km(v, &per, 1.0, f);
}

static void solve_stats(const eco_sim_result *r, eco_sim_summary *s)
{
    int n = r->n_solve;
    if (n <= 0)
        return;
    double *v = eco_malloc(sizeof(double) * (size_t)n);
    if (!v)
        return;
    memcpy(v, r->solve_us, sizeof(double) * (size_t)n);
    size_t m = (size_t)n;
    s->solve_us_max = gsl_stats_max(v, 1, m);
    s->solve_us_p50 = gsl_stats_select(v, 1, m, m / 2);
    s->solve_us_p99 = gsl_stats_select(v, 1, m, (size_t)(0.99 * (n - 1)));
    eco_free(v);
}

static double balance_residual_pct(const eco_energy *e)
{
    double in = e->fuel_j + e->battery_j;
    double out = e->aero_j + e->rolling_j + e->grade_j + e->kinetic_j + e->brake_j +
                 e->engine_loss_j + e->driveline_loss_j + e->machine_loss_j + e->battery_loss_j +
                 e->aux_j;
    return fabs(in) > 0.0 ? 100.0 * (in - out) / fabs(in) : 0.0;
}

/* Over the recorded series (the runner keeps it for every run); NAN when there is none. */
static void drive_quality(const eco_vehicle *v, const eco_sim_result *r, eco_sim_summary *s)
{
    int n = r->n_series;
    double dt = n > 1 ? (r->series[n - 1].time_s - r->series[0].time_s) / (n - 1) : 0.0;
    if (n < 2 ||
        eco_sim_drive_quality_kmh(v, &r->series[0].speed_kmh, &r->series[0].speed_ref_kmh, n,
                                  sizeof r->series[0], dt, r->band_s, r->total.engine_starts,
                                  r->total.distance_m, &s->quality)) {
        eco_sim_drive_quality *q = &s->quality;
        q->er_pct = q->dr_pct = q->eer_pct = q->ascr_pct = q->iwr_pct = q->rmsse_kmh = NAN;
        q->engine_starts_per_km = q->oscillation_kmh = q->steady_s = q->creep_s = NAN;
        q->accel_p95_mps2 = q->accel_max_mps2 = NAN;
        q->ref_accel_p95_mps2 = q->ref_accel_max_mps2 = NAN;
    }
    s->quality.gear_shifts_per_km = s->quality.gear_hunts = NAN;
    if (n >= 2 && v->gearbox.type == ECO_TX_STEPPED && v->gearbox.n_gears > 1 &&
        r->total.distance_m > 0.0) {
        int shifts, hunts;
        eco_sim_gear_shifts(&r->series[0].gear, sizeof r->series[0], n, dt, &shifts, &hunts);
        s->quality.gear_shifts_per_km = shifts / (r->total.distance_m / ECO_M_PER_KM);
        s->quality.gear_hunts = hunts;
    }
}

void eco_sim_summarize(const eco_vehicle *v, const eco_sim_cycle *c, const char *controller,
                       const eco_sim_result *r, int ftp_weighting, eco_sim_summary *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->controller, sizeof s->controller, "%s", controller);
    snprintf(s->vehicle, sizeof s->vehicle, "%s", v->name);
    snprintf(s->cycle, sizeof s->cycle, "%s", c->name);
    double corr = correction_g_per_j(v, &r->total);
    figures_of(v, &r->total, corr, &s->total);
    s->n_phases = r->n_phases;
    for (int p = 0; p < r->n_phases; p++) {
        figures_of(v, &r->phase[p], corr, &s->phase[p]);
        snprintf(s->phase[p].name, sizeof s->phase[p].name, "%s", r->phase_def[p].name);
    }
    snprintf(s->total.name, sizeof s->total.name, "total");
    s->ftp_weighted = ftp_weighting && c->ftp_bags && r->n_phases == 3;
    if (s->ftp_weighted)
        ftp_composite(v, r, corr, &s->total);
    double l100 = s->total.fuel_soc_corrected_l_per_100km;
    s->mpg_us = l100 > 0.0 ? 100.0 * L_PER_GAL_US / (l100 * KM_PER_MI) : NAN;
    double wall = s->total.wall_energy_kwh_per_100km;
    s->mpge_us = isfinite(wall) && wall > 0.0 ? KWH_PER_GAL_EQ / (wall / 100.0 * KM_PER_MI) : NAN;
    s->energy_balance_residual_pct = balance_residual_pct(&r->total.energy);
    s->invalid_setpoints = r->invalid_setpoints;
    s->band_kmh = r->band_kmh;
    s->band_s = r->band_s;
    s->cold_start = r->cold_start;
    solve_stats(r, s);
    drive_quality(v, r, s);
    eco_sim_charge_balance_judge(v, c, &r->total, &s->charge_balance);
}

double eco_sim_metric(int bev, const eco_sim_figures *f)
{
    return bev ? f->energy_kwh_per_100km : f->fuel_soc_corrected_l_per_100km;
}

const char *eco_sim_metric_key(int bev)
{
    return bev ? "energy_kwh_per_100km" : "fuel_soc_corrected_l_per_100km";
}
