#include "plot.h"

#include "gnuplot.h"

#include "report.h"

#include <errno.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

static const char *MADE_BY = "ecosim --plot";
static const char *HEADER = "# Made by %s; edit and re-run with: gnuplot %s\n"
                            "set datafile separator ','\n"
                            "set terminal pngcairo size 1200,600 noenhanced\n"
                            "set output '%s.png'\n"
                            "set grid\nset key top left\n"
                            "set title '%s on %s (%s)'\n";

int eco_sim_plot_script(const char *dir, const char *name, const eco_sim_summary *s,
                        const char *made_by, const char *body)
{
    char file[128];
    snprintf(file, sizeof file, "%s.gp", name);
    FILE *fp = eco_sim_gnuplot_open(dir, file, "ecosim");
    if (!fp)
        return -1;
    fprintf(fp, HEADER, made_by, file, name, s->vehicle, s->cycle, s->controller);
    fputs(body, fp);
    return fclose(fp);
}

/* BSFC on a uniform speed x torque grid (for gnuplot's image style), NaN above full load,
 * and the full-load curve. */
static int write_bsfc_map(const char *dir, const eco_vehicle *v, double *lo, double *hi)
{
    static double seen[81 * 81];
    int n_seen = 0;
    FILE *fp = eco_sim_gnuplot_open(dir, "bsfc_map.dat", "ecosim"),
         *fl = eco_sim_gnuplot_open(dir, "full_load.dat", "ecosim");
    if (!fp || !fl) {
        if (fp)
            fclose(fp);
        if (fl)
            fclose(fl);
        return -1;
    }
    const eco_engine *e = &v->engine;
    double t_top = 0.0;
    for (int i = 0; i < e->full_load_nm.n; i++)
        t_top = fmax(t_top, e->full_load_nm.y[i]);
    fprintf(fp, "# rpm torque_nm bsfc_g_per_kwh\n");
    fprintf(fl, "# rpm full_load_nm\n");
    for (int i = 0; i <= 80; i++) {
        double w = e->idle_speed_radps + (e->max_speed_radps - e->idle_speed_radps) * i / 80.0;
        double tmax = eco_curve_eval(&e->full_load_nm, w);
        fprintf(fl, "%.1f,%.2f\n", w * 30.0 / M_PI, fmin(tmax, e->rated_power_w / w));
        for (int j = 0; j <= 80; j++) {
            double t = t_top * j / 80.0;
            double bsfc = t > 0.0 ? eco_engine_fuel_gps(e, w, t) / (t * w) * 3.6e6 : NAN;
            double z = t <= tmax && t >= 0.05 * t_top ? fmin(bsfc, 600.0) : NAN;
            if (isfinite(z))
                seen[n_seen++] = z;
            fprintf(fp, "%.1f,%.2f,%.1f\n", w * 30.0 / M_PI, t, z);
        }
        fprintf(fp, "\n");
    }
    /* The colour scale from the best BSFC to the map's 90th percentile: the high-BSFC
     * corner at low load saturates, the rest of the map keeps its shades. */
    gsl_sort(seen, 1, (size_t)n_seen);
    *lo = n_seen ? 10.0 * floor(seen[0] / 10.0) : 200.0;
    *hi = n_seen ? 10.0 * ceil(seen[n_seen * 9 / 10] / 10.0) : 400.0;
    int rc = fclose(fp);
    return fclose(fl) || rc;
}

/* The BSFC map: the map in colour, labelled iso-BSFC lines at the best BSFC plus 5 %, 10 %,
 * 20 %, 30 %, 50 % and 100 % (contoured by gnuplot into bsfc_contours.dat), the full-load
 * curve, the fired operating points, and the overrun points (engine on, torque <= 0: fuel
 * cut or motoring) apart. */
static void bsfc_script(double lo, double hi, char *out, size_t n)
{
    /* gnuplot writes its contour table with blanks, not commas: the lines are drawn in a
     * second layer over the first, on the same margins and ranges (GPVAL_*). */
    snprintf(out, n,
             "set xlabel 'engine speed [rpm]'\nset ylabel 'brake torque [Nm]'\n"
             "set cblabel 'BSFC [g/kWh]'\nset cbrange [%.0f:%.0f]\n"
             "set palette rgbformulae 22,13,-31\nset key bottom right opaque\n"
             "set lmargin at screen 0.08\nset rmargin at screen 0.86\n"
             "set bmargin at screen 0.10\nset tmargin at screen 0.90\n"
             "set contour base\nunset surface\nset view map\n"
             "set cntrparam levels discrete %.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f\n"
             "set table 'bsfc_contours.dat'\nsplot 'bsfc_map.dat' using 1:2:3\nunset table\n"
             "unset contour\nset multiplot\n"
             "plot 'bsfc_map.dat' using 1:2:3 with image notitle, \\\n"
             "     'full_load.dat' using 1:2 with lines lw 2 lc rgb 'black' title 'full load'"
             ", \\\n"
             "     'series.csv' skip 1 using ($15 > 0 && $16 > 0 ? $15 : 1/0):16 with points "
             "pt 7 ps 0.4 lc rgb 'black' title 'operating points', \\\n"
             "     'series.csv' skip 1 using ($15 > 0 && $16 <= 0 ? $15 : 1/0):16 with points "
             "pt 2 ps 0.6 lc rgb 'blue' title 'overrun (torque <= 0)'\n"
             "set xrange [GPVAL_X_MIN:GPVAL_X_MAX]\nset yrange [GPVAL_Y_MIN:GPVAL_Y_MAX]\n"
             "unset title\nunset xlabel\nunset ylabel\nunset tics\nunset border\n"
             "unset colorbox\nunset key\nunset grid\nset datafile separator whitespace\n"
             "plot 'bsfc_contours.dat' using 1:2 with lines lw 1 lc rgb '#404040', \\\n"
             "     '' using 1:2:(sprintf('%%.0f', $3)) every 40 with labels font ',8' "
             "textcolor rgb '#202020'\n"
             "unset multiplot\n",
             lo, hi, lo * 1.05, lo * 1.1, lo * 1.2, lo * 1.3, lo * 1.5, lo * 2.0, lo * 3.0);
}

static int run_gnuplot(const char *dir, const char *name)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot %s.gp 2>&1", dir, name);
    int st = system(cmd);
    return st == 0 ? 0 : -1;
}

/* The speed plot: the trace, the tolerance band and the car, the cycle's grade on a second
 * axis when it has one (DIR/grade.dat, in %), and below it the car's deviation from the
 * reference. */
static int speed_script(const char *dir, const eco_sim_cycle *c, char *out, size_t n)
{
    int graded = 0;
    for (int i = 0; i < c->n && !graded; i++)
        graded = c->grade_rad && c->grade_rad[i] != 0.0;
    if (graded) {
        FILE *fp = eco_sim_gnuplot_open(dir, "grade.dat", "ecosim");
        if (!fp)
            return 1;
        for (int i = 0; i < c->n; i++)
            fprintf(fp, "%.2f,%.4f\n", c->time_s[i], 100.0 * tan(c->grade_rad[i]));
        if (fclose(fp))
            return 1;
    }
    snprintf(out, n,
             "set terminal pngcairo size 1200,800 noenhanced\nset output 'speed.png'\n"
             "set multiplot layout 2,1\nset key opaque\nset ylabel 'speed [km/h]'\n%s"
             "plot 'series.csv' skip 1 using 1:4:5 with filledcurves lc rgb '#dddddd' title "
             "'WLTP tolerance', \\\n"
             "     '' skip 1 using 1:2 with lines lw 1 lc rgb 'black' title 'reference', \\\n"
             "     '' skip 1 using 1:3 with lines lw 1 lc rgb 'red' title 'vehicle'%s\n"
             "unset title\nunset y2tics\nunset y2label\nset xlabel 'time [s]'\n"
             "set ylabel 'vehicle - reference [km/h]'\n"
             "plot 'series.csv' skip 1 using 1:($3-$2) with lines lw 1 lc rgb 'red' "
             "title 'deviation', 0 with lines lc rgb 'black' notitle\nunset multiplot\n",
             graded ? "set rmargin 10\nset y2label 'grade [%]'\nset y2tics\n" : "",
             graded ? ", \\\n     'grade.dat' using 1:2 axes x1y2 with lines lw 1 lc rgb "
                      "'#2ca02c' title 'grade'"
                    : "");
    return 0;
}

int eco_sim_plot(const char *dir, const eco_vehicle *v, const eco_sim_cycle *c,
                 const eco_sim_result *r, const eco_sim_summary *s)
{
    if (eco_sim_gnuplot_mkdir(dir, "ecosim"))
        return 2;
    char series[4096];
    snprintf(series, sizeof series, "%s/series.csv", dir);
    if (eco_sim_write_csv(series, r)) {
        fprintf(stderr, "ecosim: %s\n", eco_last_error());
        return 1;
    }
    char speed[2048];
    if (speed_script(dir, c, speed, sizeof speed))
        return 1;
    static const char *soc = "set xlabel 'time [s]'\nset ylabel 'battery SOC [-]'\n"
                             "plot 'series.csv' skip 1 using 1:9 with lines lw 2 title 'SOC'\n";
    static const char *fuel = "set xlabel 'time [s]'\nset ylabel 'cumulative fuel [g]'\n"
                              "set y2label 'cumulative NOx [mg]'\nset y2tics\n"
                              "plot 'series.csv' skip 1 using 1:7 with lines lw 2 title 'fuel', "
                              "'' skip 1 using 1:8 axes x1y2 with lines title 'NOx'\n";
    /* No plot that is empty by construction: SOC without a traction battery, fuel and BSFC
     * without an engine. */
    int engine = v->powertrain != ECO_PT_BEV, battery = v->powertrain != ECO_PT_CONV;
    double lo = 0.0, hi = 0.0;
    char bsfc[2048] = "";
    const struct {
        const char *name, *script;
        int wanted;
    } plots[] = {
        {"speed", speed, 1}, {"soc", soc, battery}, {"fuel", fuel, engine}, {"bsfc", bsfc, engine}};
    if (engine && write_bsfc_map(dir, v, &lo, &hi))
        return 1;
    if (engine)
        bsfc_script(lo, hi, bsfc, sizeof bsfc);
    for (size_t i = 0; i < sizeof plots / sizeof plots[0]; i++)
        if (plots[i].wanted && eco_sim_plot_script(dir, plots[i].name, s, MADE_BY, plots[i].script))
            return 1;
    for (size_t i = 0; i < sizeof plots / sizeof plots[0]; i++)
        if (plots[i].wanted && run_gnuplot(dir, plots[i].name)) {
            fprintf(stderr,
                    "ecosim: gnuplot failed on %s/%s.gp (is gnuplot-nox installed?); "
                    "the scripts are written\n",
                    dir, plots[i].name);
            return 1;
        }
    return 0;
}
