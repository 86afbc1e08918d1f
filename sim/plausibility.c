#include "plausibility.h"

#include "ecodrive/units.h"

#include <math.h>

typedef struct {
    int count;
    double first_t_s, worst;
} finding;

static void note(finding *f, double t_s, double value)
{
    if (f->count++ == 0)
        f->first_t_s = t_s;
    if (fabs(value) > fabs(f->worst))
        f->worst = value;
}

int eco_sim_cycle_warn(const eco_sim_cycle *c, FILE *out)
{
    finding fast = {0}, accel = {0};
    for (int i = 0; i < c->n; i++) {
        if (c->speed_mps[i] * ECO_KMH_PER_MPS > ECO_SIM_PLAUSIBLE_SPEED_KMH)
            note(&fast, c->time_s[i], c->speed_mps[i] * ECO_KMH_PER_MPS);
        if (i == 0)
            continue;
        /* the acceleration between rows, stamped at the row it ends on */
        double a = (c->speed_mps[i] - c->speed_mps[i - 1]) / (c->time_s[i] - c->time_s[i - 1]);
        if (fabs(a) > ECO_SIM_PLAUSIBLE_ACCEL_MPS2)
            note(&accel, c->time_s[i], a);
    }
    int lines = 0;
    if (fast.count) {
        fprintf(out,
                "warning: %s: speed above %.0f km/h at t = %.1f s (%d rows, up to %.1f km/h)\n",
                c->name, ECO_SIM_PLAUSIBLE_SPEED_KMH, fast.first_t_s, fast.count, fast.worst);
        lines++;
    }
    if (accel.count) {
        fprintf(out,
                "warning: %s: acceleration beyond +-%.0f m/s^2 at t = %.1f s (%d rows, up to "
                "%.1f m/s^2)\n",
                c->name, ECO_SIM_PLAUSIBLE_ACCEL_MPS2, accel.first_t_s, accel.count, accel.worst);
        lines++;
    }
    return lines;
}

/* The SOC correction outside the rule of its procedure (charge_balance.c). */
static int charge_balance_warn(const eco_sim_summary *sum, FILE *out)
{
    const eco_sim_charge_balance *cb = &sum->charge_balance;
    if (cb->valid)
        return 0;
    fprintf(out,
            "warning: %s: the battery %s %.0f Wh, %.2f %% of the fuel energy, beyond the %s "
            "limit of %.1f %%: the SOC-corrected figure does not stand (uncorrected %.3f "
            "L/100 km)\n",
            sum->cycle, cb->delta_e_wh > 0.0 ? "gained" : "lost", fabs(cb->delta_e_wh),
            100.0 * cb->criterion, eco_sim_cb_rule_name(cb->rule), 100.0 * cb->threshold,
            sum->total.fuel_l_per_100km);
    return 1;
}

int eco_sim_run_warn(const eco_sim_summary *sum, FILE *out)
{
    int lines = charge_balance_warn(sum, out);
    double err = sum->total.distance_error_pct;
    if (!(fabs(err) > ECO_SIM_PLAUSIBLE_DISTANCE_PCT))
        return lines;
    fprintf(out,
            "warning: %s: driven distance %+.2f %% against the trace's (more than %.0f %% off: "
            "the figures are not those of this cycle)\n",
            sum->cycle, err, ECO_SIM_PLAUSIBLE_DISTANCE_PCT);
    return lines + 1;
}
