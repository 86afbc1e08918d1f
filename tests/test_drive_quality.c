/* Drive quality: the SAE J2951 ratings, the oscillation amplitude and creep on synthetic
 * traces whose figures follow by hand. */
#include "drive_quality.h"

#include <criterion/criterion.h>
#include <math.h>

#define N_MAX 1000
#define KMH   (1.0 / 3.6)

static double vd[N_MAX], vt[N_MAX];

static eco_sim_dq_input input(int n, double f0_n, double mass_kg)
{
    eco_sim_dq_input in = {n, 0.1, vd, vt, f0_n, 0.0, 0.0, mass_kg, 0.0, 0, 0.0};
    return in;
}

Test(drive_quality, same_trace_rates_zero)
{
    for (int i = 0; i < 400; i++) /* up at 1 m/s^2, cruise, down */
        vt[i] = vd[i] = i < 100 ? 0.1 * i : (i < 300 ? 10.0 : fmax(0.0, 10.0 - 0.1 * (i - 300)));
    eco_sim_dq_input in = input(400, 150.0, 1500.0);
    in.f1_n_per_mps = 2.0;
    in.f2_n_per_mps2 = 0.4;
    eco_sim_drive_quality q;
    cr_assert_eq(eco_sim_drive_quality_compute(&in, &q), ECO_OK);
    cr_assert_float_eq(q.er_pct, 0.0, 1e-12);
    cr_assert_float_eq(q.dr_pct, 0.0, 1e-12);
    cr_assert_float_eq(q.eer_pct, 0.0, 1e-12);
    cr_assert_float_eq(q.ascr_pct, 0.0, 1e-12);
    cr_assert_float_eq(q.iwr_pct, 0.0, 1e-12);
    cr_assert_float_eq(q.rmsse_kmh, 0.0, 1e-12);
    cr_assert_float_eq(q.creep_s, 0.0, 1e-12);
}

/* A ramp at 1 m/s^2 driven 10 % faster throughout (v_d = 1.1 v_t), level road load f0 only,
 * f0 = 1.015 m (the J2951 inertia mass): each sum scales by hand.
 *   distance, ASC: x 1.1            -> DR = ASCR = 10 %
 *   inertial work (force and path): x 1.21 -> IWR = 21 %
 *   cycle energy (f0 + Me 1.1) 1.1 / (f0 + Me) = 1.1 x 2.1 / 2 -> ER = 15.5 %
 *   EER = 100 (1 - 1.1 / 1.155) = 4.7619 %
 *   RMSSE = 0.01 sqrt(sum_{i=0}^{100} i^2 / 101) = 0.01 sqrt(3350) m/s = 2.08365 km/h */
Test(drive_quality, scaled_ramp_by_hand)
{
    for (int i = 0; i <= 100; i++) {
        vt[i] = 0.1 * i;
        vd[i] = 1.1 * vt[i];
    }
    eco_sim_dq_input in = input(101, 1015.0, 1000.0);
    eco_sim_drive_quality q;
    cr_assert_eq(eco_sim_drive_quality_compute(&in, &q), ECO_OK);
    cr_assert_float_eq(q.dr_pct, 10.0, 1e-9);
    cr_assert_float_eq(q.ascr_pct, 10.0, 1e-9);
    cr_assert_float_eq(q.iwr_pct, 21.0, 1e-9);
    cr_assert_float_eq(q.er_pct, 15.5, 1e-9);
    cr_assert_float_eq(q.eer_pct, 100.0 * (1.0 - 1.1 / 1.155), 1e-9);
    cr_assert_float_eq(q.rmsse_kmh, 0.01 * sqrt(3350.0) * 3.6, 1e-9);
}

/* Launch acceleration by hand: the reference speeds up at 1 m/s^2 for 10 s, the driven car
 * at 2 m/s^2 for 5 s, then both hold 10 m/s. Over each 1 s (10 samples at 0.1 s) the
 * reference gains 1 m/s in 91 windows (fully inside the ramp) and less in the 9 that end on
 * the flat; the car 2 m/s in 41 and less in 9. The 95th percentile and the most are the
 * ramp's own rates; a trace that never speeds up has none (NAN). */
Test(drive_quality, launch_acceleration_by_hand)
{
    for (int i = 0; i <= 200; i++) {
        vt[i] = fmin(0.1 * i, 10.0);
        vd[i] = fmin(0.2 * i, 10.0);
    }
    eco_sim_dq_input in = input(201, 100.0, 1000.0);
    eco_sim_drive_quality q;
    cr_assert_eq(eco_sim_drive_quality_compute(&in, &q), ECO_OK);
    cr_expect_float_eq(q.accel_p95_mps2, 2.0, 1e-9);
    cr_expect_float_eq(q.accel_max_mps2, 2.0, 1e-9);
    cr_expect_float_eq(q.ref_accel_p95_mps2, 1.0, 1e-9);
    cr_expect_float_eq(q.ref_accel_max_mps2, 1.0, 1e-9);
    for (int i = 0; i <= 200; i++)
        vd[i] = 10.0 - 0.02 * i; /* slowing down only */
    cr_assert_eq(eco_sim_drive_quality_compute(&in, &q), ECO_OK);
    cr_expect(isnan(q.accel_p95_mps2) && isnan(q.accel_max_mps2));
}

/* 36 km/h against 39.6 km/h, f0 only: energy and distance both +10 %, so EER 0; no
 * acceleration in either, so ASCR and IWR are undefined; a steady offset is no oscillation. */
Test(drive_quality, constant_offset)
{
    for (int i = 0; i < 300; i++) {
        vt[i] = 10.0;
        vd[i] = 11.0;
    }
    eco_sim_dq_input in = input(300, 200.0, 1200.0);
    in.engine_starts = 3;
    in.distance_m = 1500.0;
    eco_sim_drive_quality q;
    cr_assert_eq(eco_sim_drive_quality_compute(&in, &q), ECO_OK);
    cr_assert_float_eq(q.er_pct, 10.0, 1e-9);
    cr_assert_float_eq(q.dr_pct, 10.0, 1e-9);
    cr_assert_float_eq(q.eer_pct, 0.0, 1e-9);
    cr_assert(isnan(q.ascr_pct) && isnan(q.iwr_pct));
    cr_assert_float_eq(q.rmsse_kmh, 3.6, 1e-9);
    cr_assert_float_eq(q.oscillation_kmh, 0.0, 1e-9);
    cr_assert_float_eq(q.steady_s, 30.0, 1e-9);
    cr_assert_float_eq(q.engine_starts_per_km, 2.0, 1e-12);
}

/* Pulse and glide of +-3 km/h, period 20 s, over three whole periods at 50 km/h: the
 * amplitude is 3 km/h (sqrt(2) x RMS of a sine). */
Test(drive_quality, pulse_and_glide_amplitude)
{
    for (int i = 0; i < 600; i++) {
        vt[i] = 50.0 * KMH;
        vd[i] = vt[i] + 3.0 * KMH * sin(2.0 * M_PI * 0.1 * i / 20.0);
    }
    eco_sim_dq_input in = input(600, 100.0, 1000.0);
    eco_sim_drive_quality q;
    cr_assert_eq(eco_sim_drive_quality_compute(&in, &q), ECO_OK);
    cr_assert_float_eq(q.oscillation_kmh, 3.0, 1e-9);
    cr_assert_float_eq(q.steady_s, 60.0, 1e-9);
    /* Below 10 km/h the reference is not cruising: nothing is measured. */
    for (int i = 0; i < 600; i++)
        vt[i] = 5.0 * KMH;
    cr_assert_eq(eco_sim_drive_quality_compute(&in, &q), ECO_OK);
    cr_assert(isnan(q.oscillation_kmh));
    cr_assert_float_eq(q.steady_s, 0.0, 1e-12);
}

/* A 10 s stop of the reference (samples 100..199) with the car rolling at 1 km/h through
 * it: with a 1 s band the first and last second are free (8 s of creep), with none all of
 * it (10 s); at 0.4 km/h it is no creep. */
Test(drive_quality, creep_outside_the_band)
{
    for (int i = 0; i < 300; i++) {
        vt[i] = i >= 100 && i < 200 ? 0.0 : 5.0;
        vd[i] = i >= 100 && i < 200 ? 1.0 * KMH : 5.0;
    }
    eco_sim_dq_input in = input(300, 100.0, 1000.0);
    eco_sim_drive_quality q;
    in.band_s = 1.0;
    cr_assert_eq(eco_sim_drive_quality_compute(&in, &q), ECO_OK);
    cr_assert_float_eq(q.creep_s, 8.0, 1e-9);
    in.band_s = 0.0;
    cr_assert_eq(eco_sim_drive_quality_compute(&in, &q), ECO_OK);
    cr_assert_float_eq(q.creep_s, 10.0, 1e-9);
    for (int i = 100; i < 200; i++)
        vd[i] = 0.4 * KMH;
    cr_assert_eq(eco_sim_drive_quality_compute(&in, &q), ECO_OK);
    cr_assert_float_eq(q.creep_s, 0.0, 1e-12);
}

Test(drive_quality, too_short_is_refused)
{
    eco_sim_dq_input in = input(1, 100.0, 1000.0);
    eco_sim_drive_quality q;
    cr_assert_eq(eco_sim_drive_quality_compute(&in, &q), ECO_EINVAL);
}
