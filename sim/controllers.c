#include "controllers.h"

#include <stdio.h>
#include <string.h>

int eco_sim_run_named(const char *name, const char *weights, const eco_vehicle *veh,
                      const eco_sim_cycle *cyc, const eco_sim_options *opt, eco_sim_result *res,
                      eco_sim_summary *sum, int ftp_weighting)
{
    memset(res, 0, sizeof *res);
    eco_controller *ctl = NULL;
    if (weights && !strcmp(name, "baseline")) {
        fprintf(stderr, "ecosim: --weights applies to the mpc controller only\n");
        return 2;
    }
    if (!strcmp(name, "baseline")) {
        ctl = eco_baseline_create(veh, opt->dt_s);
    } else {
        fprintf(stderr, "ecosim: unknown controller '%s' (available: baseline)\n", name);
        return 2;
    }
    if (!ctl) {
        fprintf(stderr, "ecosim: out of memory\n");
        return 1;
    }
    int rc = eco_sim_run(veh, cyc, ctl, opt, res);
    ctl->destroy(ctl);
    if (rc) {
        fprintf(stderr, "ecosim: simulation failed: %s\n", eco_strerror(rc));
        return 1;
    }
    eco_sim_summarize(veh, cyc, name, res, ftp_weighting, sum);
    return 0;
}
