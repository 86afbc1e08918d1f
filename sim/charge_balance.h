/* Whether a hybrid's SOC-corrected result stands by the book (issue 12): the battery energy
 * change of the run against its fuel energy, judged by the rule of the cycle's procedure. */
#ifndef ECOSIM_CHARGE_BALANCE_H
#define ECOSIM_CHARGE_BALANCE_H

#include "cycle.h"
#include "runner.h"

#include "ecodrive/model.h"

typedef enum {
    ECO_SIM_CB_NONE = 0, /* no traction battery (or a BEV): nothing to judge */
    ECO_SIM_CB_GTR15,    /* WLTC: GTR 15's REESS charge-balance (RCB) criterion */
    ECO_SIM_CB_J1711     /* every other cycle: SAE J1711's net energy change tolerance */
} eco_sim_cb_rule;

typedef struct {
    eco_sim_cb_rule rule;
    double criterion;  /* |battery energy change| / fuel energy of the run */
    double threshold;  /* the rule's limit for that ratio */
    double delta_e_wh; /* battery energy change, + charged, - discharged (OCV x charge) */
    int valid;         /* the reported SOC-corrected figure stands by the rule */
} eco_sim_charge_balance;

/* Judge the run totals t of a vehicle on cycle c (see charge_balance.c for the rules). */
void eco_sim_charge_balance_judge(const eco_vehicle *v, const eco_sim_cycle *c,
                                  const eco_sim_totals *t, eco_sim_charge_balance *cb);
const char *eco_sim_cb_rule_name(eco_sim_cb_rule r);

#endif
