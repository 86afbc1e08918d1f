/* gnuplot scripts and PNGs of a route run. */
#ifndef ECOSIM_ROUTE_PLOT_H
#define ECOSIM_ROUTE_PLOT_H

#include "route_runner.h"

/* The time plots of eco_sim_plot, and DIR/route_speed.{gp,png}: speed, limit and the
 * reference against distance with the stops marked; DIR/elevation.{gp,png}: the height
 * profile and the grade. Data in DIR/route_series.csv, route_profile.csv, route_stops.csv.
 * Prints a clear message and returns non-zero on error. */
int eco_sim_route_plot(const char *dir, const eco_vehicle *veh, const eco_route *route,
                       const eco_sim_route_result *res, const eco_sim_summary *sum);

#endif
