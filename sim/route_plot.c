#include "route_plot.h"

#include "gnuplot.h"
#include "plot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int write_data(const char *dir, const eco_route *route, const eco_sim_route_result *r)
{
    FILE *s = eco_sim_gnuplot_open(dir, "route_series.csv", "ecosim"),
         *p = eco_sim_gnuplot_open(dir, "route_profile.csv", "ecosim"),
         *st = eco_sim_gnuplot_open(dir, "route_stops.csv", "ecosim");
    int rc = s && p && st ? 0 : -1;
    if (!rc) {
        fprintf(s, "distance_km,speed_kmh,limit_kmh,reference_kmh\n");
        for (int i = 0; i < r->run.n_series; i++)
            fprintf(s, "%.5f,%.3f,%.2f,%.3f\n", r->distance_m[i] / 1000.0,
                    r->run.series[i].speed_kmh, r->limit_kmh[i], r->run.series[i].speed_ref_kmh);
        fprintf(p, "distance_km,elevation_m,grade_pct\n");
        fprintf(st, "distance_km,stop_s\n");
        for (int i = 0; i < route->n; i++) {
            fprintf(p, "%.5f,%.3f,%.3f\n", route->row[i].distance_m / 1000.0, route->elevation_m[i],
                    100.0 * tan(route->row[i].grade_rad));
            if (route->row[i].stop_s > 0.0 || i == route->n - 1)
                fprintf(st, "%.5f,%.1f\n", route->row[i].distance_m / 1000.0, route->row[i].stop_s);
        }
    }
    int bad = 0;
    FILE *all[] = {s, p, st};
    for (int i = 0; i < 3; i++)
        if (all[i])
            bad |= fclose(all[i]) != 0;
    return rc || bad ? -1 : 0;
}

static const char *MADE_BY = "ecosim run --route --plot";

static const char *SPEED =
    "set xlabel 'distance [km]'\nset ylabel 'speed [km/h]'\nset yrange [0:*]\n"
    "plot 'route_series.csv' skip 1 using 1:3 with steps lw 2 lc rgb '#999999' title 'limit', \\\n"
    "     '' skip 1 using 1:4 with lines lw 1 dt 2 lc rgb 'black' title 'limit-following "
    "reference', \\\n"
    "     '' skip 1 using 1:2 with lines lw 1 lc rgb 'red' title 'vehicle', \\\n"
    "     'route_stops.csv' skip 1 using 1:(0) with points pt 9 ps 2 lc rgb 'blue' "
    "title 'stops'\n";

static const char *ELEVATION =
    "set xlabel 'distance [km]'\nset ylabel 'elevation above the start [m]'\n"
    "set y2label 'grade [%]'\nset y2tics\n"
    "plot 'route_profile.csv' skip 1 using 1:2 with lines lw 2 title 'elevation', \\\n"
    "     '' skip 1 using 1:3 axes x1y2 with steps lw 1 lc rgb '#999999' title 'grade'\n";

static int gnuplot(const char *dir, const char *name)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot %s.gp 2>&1", dir, name);
    if (system(cmd) == 0)
        return 0;
    fprintf(stderr,
            "ecosim: gnuplot failed on %s/%s.gp (is gnuplot-nox installed?); "
            "the scripts are written\n",
            dir, name);
    return -1;
}

int eco_sim_route_plot(const char *dir, const eco_vehicle *veh, const eco_route *route,
                       const eco_sim_route_result *res, const eco_sim_summary *sum)
{
    eco_sim_cycle none; /* eco_sim_plot takes a cycle but reads nothing of it */
    memset(&none, 0, sizeof none);
    int rc = eco_sim_plot(dir, veh, &none, &res->run, sum);
    if (rc)
        return rc;
    if (write_data(dir, route, res) ||
        eco_sim_plot_script(dir, "route_speed", sum, MADE_BY, SPEED) ||
        eco_sim_plot_script(dir, "elevation", sum, MADE_BY, ELEVATION))
        return 1;
    return gnuplot(dir, "route_speed") || gnuplot(dir, "elevation") ? 1 : 0;
}
