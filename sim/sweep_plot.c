/* ecosim sweep --plot: the trade-off figure as a gnuplot script the user can edit and re-run,
 * with the helpers of sim/gnuplot.c. */
#include "sweep.h"

#include "gnuplot.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define SCRIPT "sweep_tradeoff.gp"

/* One panel: the sweep joined in order and labelled with its values, the presets and the
 * baseline controller as marked points. x is the metric's CSV column, y a figure's
 * (eco_sweep_write_csv; column 1 is the label). A grid's points are not in an order a line
 * could follow, nor few enough to label: they are plain points. */
static void panel(FILE *fp, const char *ylabel, int x, int y, int grid)
{
    fprintf(fp, "set ylabel '%s'\n", ylabel);
    if (grid)
        fprintf(fp,
                "plot 'sweep_points.csv' skip 1 using %d:%d with points pt 7 ps 0.8 "
                "lc rgb '#1f77b4' title 'MPC, grid points', \\\n",
                x, y);
    else
        fprintf(fp,
                "plot 'sweep_points.csv' skip 1 using %d:%d with linespoints lw 2 pt 7 "
                "lc rgb '#1f77b4' title 'MPC, swept', \\\n"
                "     '' skip 1 using %d:%d:1 with labels left offset char 0.6,0.6 "
                "tc rgb '#1f77b4' notitle, \\\n",
                x, y, x, y);
    fprintf(fp,
            "     'sweep_refs.csv' skip 1 every ::1 using %d:%d with points pt 5 ps 1.4 "
            "lc rgb '#d62728' title 'MPC presets', \\\n"
            "     '' skip 1 every ::1 using %d:%d:1 with labels left offset char 0.6,-0.8 "
            "tc rgb '#d62728' notitle, \\\n"
            "     '' skip 1 every ::0::0 using %d:%d with points pt 9 ps 1.8 "
            "lc rgb 'black' title 'baseline controller'\n",
            x, y, x, y, x, y);
}

static int write_script(const char *dir, const eco_sweep_report *r)
{
    char path[4096], vehicle[ECO_NAME_MAX], cycle[64], base[256], keys[ECO_SWEEP_GRID_MAX * 64];
    snprintf(path, sizeof path, "%s/%s", dir, SCRIPT);
    FILE *fp = fopen(path, "w");
    if (!fp) {
        fprintf(stderr, "ecosim sweep: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    eco_sim_gnuplot_unquote(vehicle, sizeof vehicle, r->vehicle);
    eco_sim_gnuplot_unquote(cycle, sizeof cycle, r->cycle);
    eco_sim_gnuplot_unquote(base, sizeof base, r->base ? r->base : "balanced");
    size_t used = 0;
    keys[0] = '\0';
    for (int k = 0; k < r->n_vary && used < sizeof keys; k++)
        used += (size_t)snprintf(keys + used, sizeof keys - used, "%s%s", k ? " and " : "",
                                 r->vary[k].key);
    fprintf(fp,
            "# Made by ecosim sweep --plot; edit and re-run with: gnuplot " SCRIPT "\n"
            "set datafile separator ','\n"
            "set terminal pngcairo size 1400,600 noenhanced\n"
            "set output 'sweep_tradeoff.png'\n"
            "set multiplot layout 1,2 title '%s on %s: MPC with %s swept (base weights %s, "
            "band +-%g km/h, +-%g s)'\n"
            "set grid\nset key top right\n"
            "set offsets graph 0.02, graph 0.12, graph 0.05, graph 0.05 # room for the labels\n"
            "set xlabel '%s'\n",
            vehicle, cycle, keys, base, r->band_kmh, r->band_s,
            r->bev ? "battery energy [kWh/100 km]" : "fuel, SOC-corrected [L/100 km]");
    int m = eco_sweep_csv_metric_column(r), grid = r->n_vary > 1;
    panel(fp, "engine-out NOx [mg/km]", m, m + 1, grid);
    panel(fp, "rms jerk [m/s^3]", m, m + 3, grid);
    fprintf(fp, "unset multiplot\n");
    int bad = ferror(fp);
    if (fclose(fp) || bad) {
        fprintf(stderr, "ecosim sweep: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

int eco_sweep_plot(const char *dir, const eco_sweep_report *r)
{
    if (eco_sim_gnuplot_mkdir(dir, "ecosim sweep"))
        return 1;
    char points[4096], refs[4096];
    snprintf(points, sizeof points, "%s/sweep_points.csv", dir);
    snprintf(refs, sizeof refs, "%s/sweep_refs.csv", dir);
    if (eco_sweep_write_csv(points, r, r->points, r->n_points) ||
        eco_sweep_write_csv(refs, r, r->refs, 1 + ECO_SWEEP_N_PRESETS)) {
        fprintf(stderr, "ecosim sweep: %s\n", eco_last_error());
        return 1;
    }
    if (write_script(dir, r))
        return 1;
    if (eco_sim_gnuplot_run(dir, SCRIPT)) {
        fprintf(stderr,
                "ecosim sweep: gnuplot failed on %s/" SCRIPT " (is gnuplot-nox installed?); "
                "the script and data are written\n",
                dir);
        return 1;
    }
    return 0;
}
