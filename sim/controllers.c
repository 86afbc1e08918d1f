#include "controllers.h"

#include "campaign_cache.h"
#include "ecodrive/config.h"
#include "ecodrive/mpc.h"
#include "ecodrive/config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int eco_sim_weights_resolve(const char *arg, eco_mpc_weights *w)
{
    if (!arg) {
        eco_mpc_weights_default(w);
        return 0;
    }
    char file[4096];
    if (eco_cfg_weights_find(arg, file, sizeof file) != ECO_OK) {
        fprintf(stderr, "ecosim: --weights %s\n", eco_last_error());
        return 2;
    }
    if (eco_cfg_weights_load(file, w)) {
        fprintf(stderr, "ecosim: %s\n", eco_last_error());
        return 2;
    }
    return 0;
}

eco_controller *eco_sim_mpc_create(const eco_vehicle *veh, double dt_s, const eco_mpc_weights *w)
{
    /* The 2 ms deadline guards the car's real-time loop; a simulation must not depend on
     * how loaded the machine is (DESIGN.md: deterministic), so it gets 100 ms: the
     * iteration caps bound the work either way. */
    eco_mpc_settings ms;
    eco_mpc_settings_default(&ms);
    ms.deadline_us = ECO_SIM_MPC_DEADLINE_US;
    /* The process's cache: the transitions are the vehicle's whatever the weights, so a
     * campaign, a sweep or a tuning builds them once (the same controller, bit for bit). */
    return eco_mpc_create_cached(eco_sim_mpc_cache(), veh, dt_s, &ms, w);
}

/* A planner asked for a car it cannot plan for is bad input, known before anything runs. */
static int planner_refuses(const eco_vehicle *veh, const char *who)
{
    if (!eco_vehicle_is_p2(veh))
        return 0;
    fprintf(stderr,
            "ecosim: %s is a parallel P2 hybrid, which only the baseline drives so far: the %s "
            "cannot plan for it (its tables do not yet hold a gear and the engine's power "
            "together)\n",
            veh->name, who);
    return 2;
}

int eco_sim_run_named(const char *name, const char *weights, const eco_vehicle *veh,
                      const eco_sim_cycle *cyc, const eco_sim_options *opt, eco_sim_result *res,
                      eco_sim_summary *sum, int ftp_weighting)
{
    memset(res, 0, sizeof *res);
    eco_controller *ctl = NULL;
    eco_dp_solution *dp = NULL;
    int rc;
    if (weights && strcmp(name, "mpc") && strcmp(name, "dp")) {
        fprintf(stderr, "ecosim: --weights applies to the mpc and dp controllers only\n");
        return 2;
    }
    eco_mpc_weights w;
    if ((rc = eco_sim_weights_resolve(weights, &w)))
        return rc;
    if (!strcmp(name, "mpc") && planner_refuses(veh, "mpc"))
        return 2;
    if (!strcmp(name, "baseline")) {
        ctl = eco_baseline_create(veh, opt->dt_s);
    } else if (!strcmp(name, "mpc")) {
        ctl = eco_sim_mpc_create(veh, opt->dt_s, &w);
    } else if (!strcmp(name, "dp")) {
        eco_dp_settings ds;
        eco_dp_settings_default(&ds);
        ds.weights = w;
        ds.progress = !opt->quiet;
        if ((rc = eco_sim_dp_solve(veh, cyc, opt, &ds, &dp)))
            return rc;
        ctl = eco_dp_controller_create(veh, dp, opt->dt_s);
    } else {
        fprintf(stderr, "ecosim: unknown controller '%s' (available: baseline, mpc, dp)\n", name);
        return 2;
    }
    if (!ctl) {
        fprintf(stderr, "ecosim: cannot create controller '%s': %s\n", name, eco_last_error());
        eco_dp_free(dp);
        return 1;
    }
    rc = eco_sim_run(veh, cyc, ctl, opt, res);
    ctl->destroy(ctl);
    eco_dp_free(dp);
    if (rc) {
        fprintf(stderr, "ecosim: simulation failed: %s\n", eco_strerror(rc));
        return 1;
    }
    eco_sim_summarize(veh, cyc, name, res, ftp_weighting, sum);
    return 0;
}

int eco_sim_dp_solve(const eco_vehicle *veh, const eco_sim_cycle *cyc, const eco_sim_options *opt,
                     const eco_dp_settings *ds, eco_dp_solution **out)
{
    if (planner_refuses(veh, "dp"))
        return 2;
    int n = (int)floor(eco_sim_cycle_duration_s(cyc) / opt->dt_s + 1e-9);
    size_t bytes = sizeof(double) * (size_t)(n + 1);
    double *ref = eco_malloc(bytes), *lo = eco_malloc(bytes), *hi = eco_malloc(bytes);
    double *grade = eco_malloc(bytes);
    int rc = 1;
    if (!ref || !lo || !hi || !grade) {
        fprintf(stderr, "ecosim: out of memory\n");
        goto out;
    }
    double t0 = cyc->time_s[0];
    for (int k = 0; k <= n; k++) {
        double t = t0 + k * opt->dt_s;
        eco_sim_cycle_sample(cyc, t, &ref[k], &grade[k], NULL);
        if (opt->band_kmh > 0.0 || opt->band_s > 0.0)
            eco_sim_cycle_band(cyc, t, opt->band_kmh / 3.6, opt->band_s, &lo[k], &hi[k]);
        else
            lo[k] = hi[k] = ref[k];
    }
    eco_dp_trace tr = {n, opt->dt_s, t0, ref, lo, hi, grade, 0.0, 0.0};
    eco_sim_cycle_sample(cyc, t0 + n * opt->dt_s, NULL, NULL, &tr.ref_distance_m);
    eco_state x;
    eco_model_state_init(veh, opt->engine_hot, &x);
    tr.soc_init = x.soc;
    int st = eco_dp_solve(veh, &tr, ds, out);
    if (st) {
        fprintf(stderr, "ecosim: dp: %s (%s)\n", eco_strerror(st), eco_last_error());
        goto out;
    }
    rc = 0;
out:
    eco_free(ref);
    eco_free(lo);
    eco_free(hi);
    eco_free(grade);
    return rc;
}
