/* The route runner: a controller drives the plant along a route from rest to rest, standing
 * still at each stop for its dwell, until it rests at the route's end. */
#ifndef ECOSIM_ROUTE_RUNNER_H
#define ECOSIM_ROUTE_RUNNER_H

#include "ecodrive/route.h"
#include "runner.h"
#include "summary.h"

/* Where the car is on the route, as the runner tells its planner each step. */
typedef struct {
    const eco_route *route;
    double distance_m; /* the car's, from the route's start */
    int next_stop;     /* row index of the stop it drives to (or stands at) */
    double stop_at_m;  /* that stop's distance */
    double stop_s;     /* and its dwell */
    int dwelling;      /* standing at it, dwell_left_s to go */
    double dwell_left_s;
    double standing_s; /* still, short of it (not yet arrived), for this long */
    double soc_start;
} eco_sim_route_status;

/* A planner turns the route into the preview the controller reads, each step. The controller
 * interface (control.h) stays as on cycles: the baseline gets one entry, the IDM's target
 * speed; a distance-indexed MPC gets its horizon sampled from the route ahead (limits as
 * speed_hi, its lower bound as speed_lo, grade, the stop as a speed of 0 at its point) by a
 * planner of its own, or reads the route through its ctx. */
typedef struct eco_sim_route_planner eco_sim_route_planner;
struct eco_sim_route_planner {
    const char *name;
    /* Fill pv (n: the entries the controller wants) for the step from st and obs. */
    void (*fill)(eco_sim_route_planner *p, const eco_sim_route_status *st,
                 const eco_observation *obs, double dt_s, int n, eco_preview *pv);
    void (*reset)(eco_sim_route_planner *p); /* before a run */
    void *ctx;
};

/* The IDM driver: its parameters and the speed it means to drive. It integrates its own
 * speed (the IDM's state) and the car follows it, as a trace: a target taken afresh from the
 * car's speed each step would look to the baseline's PI like a standing error and wind it up.
 * The gap is the car's own. */
typedef struct {
    eco_idm_params params;
    double speed_mps;
} eco_sim_idm_driver;

/* The IDM driver as a planner (the baseline's), with the default parameters; d must outlive
 * the planner. */
void eco_sim_route_planner_idm(eco_sim_route_planner *p, eco_sim_idm_driver *d);

typedef struct {
    eco_sim_result run; /* totals, series by time (the reference: see docs/route.md) */
    double *distance_m; /* per series sample */
    double *limit_kmh;  /* the limit there */
    double route_m, trip_time_s, dwell_s;
    int stops;                 /* made, the end included */
    int stops_short;           /* of them, made standing short of the point (route.h) */
    double stops_short_max_m;  /* by at most this */
    double over_limit_s;       /* above the limit */
    double over_limit_max_kmh; /* by at most this */
} eco_sim_route_result;

/* Drive the route with ctl and planner at opt->dt_s (opt's band is not used). Returns ECO_OK,
 * an error from the plant, ECO_ENOMEM, or ECO_ESOLVER with eco_last_error if the car has not
 * rested at the end within a generous time (1 m/s over the route plus its dwell plus 10 min). */
int eco_sim_route_run(const eco_vehicle *veh, const eco_route *route, eco_controller *ctl,
                      eco_sim_route_planner *planner, const eco_sim_options *opt,
                      eco_sim_route_result *res);
void eco_sim_route_result_free(eco_sim_route_result *res);

/* The run's summary as a cycle's (cycle = the route's name), with its drive quality against
 * the reference the series carries. */
void eco_sim_route_summarize(const eco_vehicle *veh, const eco_route *route, const char *controller,
                             const eco_sim_route_result *res, eco_sim_summary *sum);

#endif
