/* ecosim fidelity --epa: a whole EPA test-car list through the generic from-EPA path. */
#ifndef ECOSIM_FIDELITY_EPA_H
#define ECOSIM_FIDELITY_EPA_H

#include "ecodrive/config.h"

#include <stdio.h>

#define ECO_SIM_EPA_MAX_JOBS 64

/* One car's outcome: built or why not, and its simulated results (NAN: no such test). */
typedef struct {
    int car; /* index in the list's cars */
    int built;
    char powertrain[16]; /* of the built JSON: conventional, hev, bev */
    char reason[320];    /* why it was not built */
    double hw_sim, city_sim;
    int hw_valid, city_valid; /* the charge balance lets the result stand */
} eco_sim_epa_result;

/* Run every car of l on jobs worker processes (1..ECO_SIM_EPA_MAX_JOBS), with progress on
 * stderr unless quiet. Returns the number of cars with *results (eco_free it), or -1. */
int eco_sim_fidelity_epa_run(const eco_cfg_epa_list *l, int jobs, int quiet,
                             eco_sim_epa_result **results);
/* The table per car and cycle, then the MAPE per class and the cars not built. */
void eco_sim_fidelity_epa_print(FILE *fp, const eco_cfg_epa_list *l, const eco_sim_epa_result *r,
                                int n);
int eco_sim_fidelity_epa_json(const eco_cfg_epa_list *l, const eco_sim_epa_result *r, int n);

#endif
