/* Run figures at the edges' units: L/100 km, g/km, kWh/100 km. */
#ifndef ECOSIM_SUMMARY_H
#define ECOSIM_SUMMARY_H

#include "charge_balance.h"
#include "drive_quality.h"
#include "runner.h"

typedef struct {
    char name[24];
    double distance_km, duration_s;
    double fuel_l_per_100km, fuel_soc_corrected_l_per_100km;
    double co2_g_per_km, nox_mg_per_km;
    double energy_kwh_per_100km;      /* at the battery terminals */
    double wall_energy_kwh_per_100km; /* from the wall, charger losses included; NAN if none */
    double soc_start, soc_end;
    double trace_rms_kmh, trace_max_dev_kmh, outside_tolerance_s;
    double distance_error_pct; /* driven vs reference distance */
    double engine_work_kwh;    /* positive engine work; 0 without an engine */
    double engine_efficiency;  /* that work over the fuel energy behind it; NAN if none */
    int engine_starts;
} eco_sim_figures;

typedef struct {
    char controller[24];
    char vehicle[ECO_NAME_MAX];
    char cycle[64];
    int ftp_weighted; /* total is the EPA FTP composite (bags 0.43/0.57) */
    eco_sim_figures total;
    int n_phases;
    eco_sim_figures phase[ECO_PHASES_MAX];
    double mpg_us, mpge_us; /* EPA-style: raw lab miles per (equivalent) gallon */
    double energy_balance_residual_pct;
    double solve_us_p50, solve_us_p99, solve_us_max;
    int invalid_setpoints;
    double band_kmh, band_s;               /* offered to the controller (0, 0: exact trace) */
    eco_sim_drive_quality quality;         /* of the whole run against its reference */
    eco_sim_charge_balance charge_balance; /* whether the SOC correction stands */
    int cold_start;                        /* the engine started cold */
} eco_sim_summary;

/* The figure controllers are compared on: SOC-corrected fuel (L/100 km), or for a BEV the
 * battery energy (kWh/100 km); and its JSON key. */
double eco_sim_metric(int bev, const eco_sim_figures *f);
const char *eco_sim_metric_key(int bev);

/* ftp_weighting: apply the FTP-75 composite when the cycle has FTP bags. */
void eco_sim_summarize(const eco_vehicle *veh, const eco_sim_cycle *cyc, const char *controller,
                       const eco_sim_result *res, int ftp_weighting, eco_sim_summary *s);

#endif
