/* The Intelligent Driver Model on a route: the baseline's human driver. */
#include "ecodrive/route.h"

#include <math.h>

/* Treiber, Hennecke and Helbing, "Congested traffic states in empirical observations and
 * microscopic simulations", Phys. Rev. E 62, 1805 (2000), Table I: a = 0.73 m/s^2,
 * b = 1.67 m/s^2, delta = 4, s0 = 2 m, T = 1.6 s (the desired speed, 120 km/h there, is the
 * limit here). The arrival tolerance is ours: a stop line is kept to half a metre, a tenth
 * of a car's length. */
void eco_idm_params_default(eco_idm_params *p)
{
    *p = (eco_idm_params){.accel_mps2 = 0.73,
                          .decel_mps2 = 1.67,
                          .delta = 4.0,
                          .gap_min_m = 2.0,
                          .headway_s = 1.6,
                          .arrive_m = 0.5};
}

/* Below this a gap stands for a collision: the braking term is capped, not infinite. */
#define GAP_FLOOR_M 0.05
/* Still enough to count as stopped at a stop (0.36 km/h). */
#define ARRIVED_MPS 0.1

double eco_idm_accel_mps2(const eco_idm_params *p, double v, double v0, double gap_m,
                          double closing_mps)
{
    double s_star =
        p->gap_min_m +
        fmax(0.0, v * p->headway_s + v * closing_mps / (2.0 * sqrt(p->accel_mps2 * p->decel_mps2)));
    double s = fmax(gap_m, GAP_FLOOR_M);
    double free_road = pow(fmax(v, 0.0) / v0, p->delta);
    double interaction = (s_star / s) * (s_star / s);
    return p->accel_mps2 * (1.0 - free_road - interaction);
}

double eco_idm_target_mps(const eco_idm_params *p, const eco_route *r, double distance_m,
                          double speed_mps, double stop_at_m, double dt_s)
{
    double gap = stop_at_m - distance_m;
    if (gap <= p->arrive_m && speed_mps <= ARRIVED_MPS)
        return 0.0;
    double v0 = eco_route_limit_ahead_mps(r, distance_m, p->decel_mps2);
    /* The obstacle stands s0 past the stop point, so the IDM's rest gap s0 ends there. */
    double a = eco_idm_accel_mps2(p, speed_mps, v0, gap + p->gap_min_m, speed_mps);
    /* Two caps of ours. Near a standing obstacle the IDM is underdamped and would roll a
     * little past the point: no faster than the comfortable braking curve to it, it stops
     * there. Above a lowered desired speed its free-road term brakes only gently (at
     * 1.05 v0 by 0.22 a), so a driver would pass a lower limit's sign too fast: no faster
     * than the limit ahead, whose curve brakes at b to the sign. */
    double v_brake = sqrt(2.0 * p->decel_mps2 * fmax(gap, 0.0));
    double v_limit = eco_route_limit_ahead_mps(r, distance_m + speed_mps * dt_s, p->decel_mps2);
    return fmax(0.0, fmin(speed_mps + a * dt_s, fmin(v_brake, v_limit)));
}
