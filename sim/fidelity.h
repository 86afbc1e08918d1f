/* The fidelity table: the three EPA calibration cars against their raw EPA test results. */
#ifndef ECOSIM_FIDELITY_H
#define ECOSIM_FIDELITY_H

#include "cycle.h"

#include "ecodrive/model.h"

#include <stdio.h>

typedef struct {
    const char *vehicle;  /* file under models/vehicles/ */
    const char *cycle;    /* shipped cycle */
    const char *epa_test; /* EPA test procedure of the record */
    double epa_value;     /* raw lab result: mpg, or MPGe for BEVs (wall to wheels) */
    double tolerance_pct; /* issue 2: 5 % on HWFET, 8 % on FTP/UDDS */
    double sim_value;     /* filled by eco_sim_fidelity */
    double error_pct;
    int valid; /* the result stands by its charge-balance rule (charge_balance.h); only
                  valid results are compared */
} eco_sim_fidelity_row;

/* Simulate every row (baseline controller; FTP as the EPA cold-start composite, HWFET hot,
 * hybrids SOC-corrected). Returns the number of rows, or -1 on error (message printed). */
int eco_sim_fidelity(eco_sim_fidelity_row **rows);
void eco_sim_fidelity_print(FILE *fp, const eco_sim_fidelity_row *rows, int n);
/* One fidelity run: the baseline on cyc (FTP-75 as the EPA cold composite, the rest hot);
 * mpg, or MPGe wall to wheels for a BEV, and in *valid whether its charge balance lets it
 * stand; NAN if the run failed (*valid then untouched). */
double eco_sim_fidelity_value(const eco_vehicle *veh, const eco_sim_cycle *cyc, int *valid);

#endif
