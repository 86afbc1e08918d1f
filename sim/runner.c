#include "runner.h"

#include "ecodrive/common.h"
#include "ecodrive/units.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WLTP_TOL_KMH 2.0 /* UN GTR 15 Annex 6 §2.6.8.3: +-2 km/h, +-1 s */
#define WLTP_TOL_S   1.0

void eco_sim_options_default(eco_sim_options *o)
{
    memset(o, 0, sizeof *o);
    o->dt_s = 0.1;
}

void eco_sim_options_band_wltp(eco_sim_options *o)
{
    o->band_kmh = WLTP_TOL_KMH;
    o->band_s = WLTP_TOL_S;
}

int eco_sim_options_parse_band(const char *s, eco_sim_options *o)
{
    char *end;
    /* Plain decimals only: strtod would also take signs, leading blanks and hex. */
    if (!((*s >= '0' && *s <= '9') || *s == '.') || strpbrk(s, "xX"))
        return -1;
    double kmh = strtod(s, &end), sec;
    if (end == s)
        return -1;
    if (*end == '\0') { /* "0": the exact trace; "X": X km/h with the WLTP's 1 s */
        sec = kmh > 0.0 ? WLTP_TOL_S : 0.0;
    } else {
        const char *t = end + 1;
        if (*end != ',')
            return -1;
        if (!((*t >= '0' && *t <= '9') || *t == '.'))
            return -1;
        sec = strtod(t, &end);
        if (end == t || *end != '\0')
            return -1;
    }
    if (!(kmh >= 0.0 && sec >= 0.0 && kmh <= 50.0 && sec <= 10.0))
        return -1;
    o->band_kmh = kmh;
    o->band_s = sec;
    return 0;
}

static double now_us(void)
{
    return (double)eco_clock_ns(CLOCK_MONOTONIC) / ECO_NS_PER_US;
}

static void fill_preview(const eco_sim_cycle *c, const eco_sim_options *o, const eco_state *x,
                         const eco_controller *ctl, eco_preview *pv)
{
    pv->dt_s = o->dt_s;
    pv->n = ctl->preview_n < 1
                ? 1
                : (ctl->preview_n > ECO_PREVIEW_MAX ? ECO_PREVIEW_MAX : ctl->preview_n);
    int seg = -1, seg_band = -1; /* the points are dt apart: each walks from the last */
    for (int k = 0; k < pv->n; k++) {
        double t = x->time_s + (k + 1) * o->dt_s;
        eco_sim_cycle_sample_near(c, &seg, t, &pv->speed_ref_mps[k], &pv->grade_rad[k], NULL);
        if (o->band_kmh > 0.0 || o->band_s > 0.0)
            eco_sim_cycle_band_near(c, &seg_band, t, o->band_kmh / ECO_KMH_PER_MPS, o->band_s,
                                    &pv->speed_lo_mps[k], &pv->speed_hi_mps[k]);
        else
            pv->speed_lo_mps[k] = pv->speed_hi_mps[k] = pv->speed_ref_mps[k];
    }
    double d_ref;
    eco_sim_cycle_sample(c, x->time_s, NULL, NULL, &d_ref);
    pv->distance_gap_m = d_ref - x->distance_m;
}

#define ENERGY_TERM(f) offsetof(eco_energy, f)

/* Every term of an energy book, so that a sum over steps adds them all. */
static const size_t energy_terms[] = {
    ENERGY_TERM(fuel_j),         ENERGY_TERM(battery_j),      ENERGY_TERM(aero_j),
    ENERGY_TERM(rolling_j),      ENERGY_TERM(grade_j),        ENERGY_TERM(kinetic_j),
    ENERGY_TERM(brake_j),        ENERGY_TERM(engine_loss_j),  ENERGY_TERM(driveline_loss_j),
    ENERGY_TERM(machine_loss_j), ENERGY_TERM(battery_loss_j), ENERGY_TERM(aux_j),
};

static void add_energy(eco_energy *sum, const eco_energy *step)
{
    for (size_t k = 0; k < sizeof energy_terms / sizeof energy_terms[0]; k++)
        *(double *)((char *)sum + energy_terms[k]) +=
            *(const double *)((const char *)step + energy_terms[k]);
}

static void accumulate(eco_sim_totals *t, const eco_state *x0, const eco_state *x1,
                       const eco_step_out *out, double v_ref, double lo, double hi, double dt)
{
    t->duration_s += dt;
    t->distance_m += x1->distance_m - x0->distance_m;
    t->fuel_g += out->fuel_g;
    t->nox_g += out->nox_g;
    t->co2_g += out->co2_g;
    t->battery_chem_j += out->energy.battery_j;
    t->battery_terminal_j += out->battery_power_w * dt;
    double pe = out->engine_torque_nm * out->engine_speed_radps;
    if (pe > 0.0) {
        t->engine_work_j += pe * dt;
        t->engine_fuel_j += out->energy.fuel_j;
    }
    t->engine_starts += x1->engine_on && !x0->engine_on;
    t->soc_end = x1->soc;
    double dev = (x1->speed_mps - v_ref) * ECO_KMH_PER_MPS;
    t->sq_err_kmh2 += dev * dev * dt;
    t->max_dev_kmh = eco_fmax(t->max_dev_kmh, fabs(dev));
    if (x1->speed_mps < lo - 1e-9 || x1->speed_mps > hi + 1e-9)
        t->outside_s += dt;
    add_energy(&t->energy, &out->energy);
}

static void record(eco_sim_result *r, const eco_state *x, const eco_step_out *out,
                   const eco_command *u, double v_ref, double lo, double hi)
{
    eco_sim_sample *s = &r->series[r->n_series++];
    const eco_sim_sample *prev = r->n_series > 1 ? s - 1 : NULL;
    s->time_s = x->time_s;
    s->speed_ref_kmh = v_ref * ECO_KMH_PER_MPS;
    s->speed_kmh = x->speed_mps * ECO_KMH_PER_MPS;
    s->band_lo_kmh = lo * ECO_KMH_PER_MPS;
    s->band_hi_kmh = hi * ECO_KMH_PER_MPS;
    s->accel_mps2 = out->accel_mps2;
    s->fuel_g_cum = (prev ? prev->fuel_g_cum : 0.0) + out->fuel_g;
    s->nox_mg_cum = (prev ? prev->nox_mg_cum : 0.0) + out->nox_g * 1e3;
    s->soc = x->soc;
    s->throttle = u->throttle;
    s->regen = u->regen;
    s->brake = u->brake;
    s->engine_speed_rpm = out->engine_speed_radps * ECO_S_PER_MIN / ECO_RAD_PER_REV;
    s->engine_torque_nm = out->engine_torque_nm;
    s->motor_torque_nm = out->motor_torque_nm;
    s->battery_power_kw = out->battery_power_w * 1e-3;
    s->gear = out->gear;
    s->engine_on = x->engine_on;
}

/* The reference and the WLTP band at the step's end t1, for the totals, and the grade there
 * for the next step. The preview's first entry was sampled at x.time_s + dt, which is how
 * the model makes t1 (src/model/step.c): when the two are the same double, its reference,
 * grade and (if the preview's band is the WLTP's) band are the same function of the same
 * time, so they are taken from it rather than sampled again. Returns the time the grade
 * belongs to (NAN if not taken). */
static double reference_after(const eco_sim_cycle *c, const eco_sim_options *o,
                              const eco_preview *pv, double t0, double t1, double *v_ref,
                              double *lo, double *hi, double *grade)
{
    if (!(t1 == t0 + pv->dt_s)) {
        eco_sim_cycle_sample(c, t1, v_ref, NULL, NULL);
        eco_sim_cycle_band(c, t1, WLTP_TOL_KMH / ECO_KMH_PER_MPS, WLTP_TOL_S, lo, hi);
        return NAN;
    }
    *v_ref = pv->speed_ref_mps[0];
    *grade = pv->grade_rad[0];
    if (o->band_kmh == WLTP_TOL_KMH && o->band_s == WLTP_TOL_S) {
        *lo = pv->speed_lo_mps[0];
        *hi = pv->speed_hi_mps[0];
    } else {
        eco_sim_cycle_band(c, t1, WLTP_TOL_KMH / ECO_KMH_PER_MPS, WLTP_TOL_S, lo, hi);
    }
    return t1;
}

static int alloc_result(eco_sim_result *r, int steps, int keep_series)
{
    r->solve_us = eco_calloc((size_t)steps, sizeof(double));
    (void)keep_series; /* every run keeps it: the summary's drive quality reads it */
    r->series = eco_calloc((size_t)steps, sizeof(eco_sim_sample));
    return r->solve_us && r->series ? ECO_OK : ECO_ENOMEM;
}

int eco_sim_run(const eco_vehicle *veh, const eco_sim_cycle *c, eco_controller *ctl,
                const eco_sim_options *o, eco_sim_result *r)
{
    memset(r, 0, sizeof *r);
    double t_end = eco_sim_cycle_duration_s(c);
    int steps = (int)floor(t_end / o->dt_s + 1e-9);
    int rc = alloc_result(r, steps, o->keep_series);
    if (rc)
        return rc;
    r->n_phases = c->n_phases;
    r->band_kmh = o->band_kmh;
    r->band_s = o->band_s;
    r->cold_start = !o->engine_hot;
    memcpy(r->phase_def, c->phase, sizeof c->phase);
    eco_state x, next;
    eco_model_state_init(veh, o->engine_hot, &x);
    x.time_s = c->time_s[0];
    r->total.soc_start = r->total.soc_end = x.soc;
    for (int p = 0; p < r->n_phases; p++)
        r->phase[p].soc_start = r->phase[p].soc_end = x.soc;
    eco_step_out out;
    memset(&out, 0, sizeof out);
    eco_observation obs;
    eco_preview pv;
    ctl->reset(ctl);
    int phase = 0, report_every = steps / 20 + 1;
    double t_start = now_us(), last_report = 0.0;
    int tty = isatty(STDERR_FILENO);
    double grade = NAN, grade_t = NAN; /* the next step's grade, if already sampled at grade_t */
    for (int k = 0; k < steps; k++) {
        double v_ref, lo, hi;
        if (!(x.time_s == grade_t))
            eco_sim_cycle_sample(c, x.time_s, NULL, &grade, NULL);
        eco_observation_from_plant(veh, &x, k ? &out : NULL, grade, &obs);
        fill_preview(c, o, &x, ctl, &pv);
        pv.soc_target = r->total.soc_start;
        eco_setpoint sp;
        double t0 = o->untimed ? 0.0 : now_us();
        int crc = ctl->step(ctl, &obs, &pv, &sp);
        if (!o->untimed)
            r->solve_us[r->n_solve++] = now_us() - t0;
        if (crc || !sp.valid) /* the car still drives on the safe setpoint it was given */
            r->invalid_setpoints++;
        if ((rc = eco_model_step(veh, &x, &sp.cmd, grade, o->dt_s, &next, &out)))
            return rc;
        grade_t = reference_after(c, o, &pv, x.time_s, next.time_s, &v_ref, &lo, &hi, &grade);
        while (phase < r->n_phases - 1 && x.time_s >= r->phase_def[phase].t1_s - 1e-9) {
            phase++;
            r->phase[phase].soc_start = x.soc;
        }
        accumulate(&r->total, &x, &next, &out, v_ref, lo, hi, o->dt_s);
        accumulate(&r->phase[phase], &x, &next, &out, v_ref, lo, hi, o->dt_s);
        if (r->series)
            record(r, &next, &out, &sp.cmd, v_ref, lo, hi);
        x = next;
        /* Progress only for runs long enough to wait on (an MPC, a long cycle); on a
         * terminal in place, in a log a line every quarter. */
        if (!o->quiet && k % report_every == 0 && now_us() - t_start > 5e5 &&
            (tty || k % (5 * report_every) == 0)) {
            fprintf(stderr, tty ? "\r%s on %s: %3d %%" : "%s on %s: %3d %%\n", ctl->name, c->name,
                    100 * k / steps);
            last_report = now_us();
        }
    }
    if (last_report > 0.0)
        fprintf(stderr, tty ? "\r%s on %s: 100 %%\n" : "%s on %s: 100 %%\n", ctl->name, c->name);
    r->total.ref_distance_m = c->distance_m[c->n - 1];
    for (int p = 0; p < r->n_phases; p++) {
        double d0, d1;
        eco_sim_cycle_sample(c, r->phase_def[p].t0_s, NULL, NULL, &d0);
        eco_sim_cycle_sample(c, r->phase_def[p].t1_s, NULL, NULL, &d1);
        r->phase[p].ref_distance_m = d1 - d0;
    }
    return ECO_OK;
}

void eco_sim_result_free(eco_sim_result *r)
{
    eco_free(r->series);
    eco_free(r->solve_us);
    memset(r, 0, sizeof *r);
}

/* For other runners (the route runner): the same sums and samples as a cycle run's. */
void eco_sim_totals_add(eco_sim_totals *t, const eco_state *x0, const eco_state *x1,
                        const eco_step_out *out, double v_ref, double lo, double hi, double dt)
{
    accumulate(t, x0, x1, out, v_ref, lo, hi, dt);
}

void eco_sim_series_add(eco_sim_result *r, const eco_state *x, const eco_step_out *out,
                        const eco_command *u, double v_ref, double lo, double hi)
{
    record(r, x, out, u, v_ref, lo, hi);
}
