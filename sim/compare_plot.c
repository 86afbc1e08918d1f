/* ecosim compare --plot DIR (compare_plot.h). The series CSV columns are report.c's:
 * 1 time, 2 reference speed, 3 speed, 7 cumulative fuel, 9 SOC. */
#include "compare_plot.h"

#include "gnuplot.h"
#include "report.h"

#include <stdio.h>

static const char *const NAMES[3] = {"baseline", "mpc", "dp"};
static const char *const COLOURS[3] = {"#1f77b4", "#d62728", "#2ca02c"};

/* One panel: the three runs' column col against time, and the reference when ref. */
static void panel(FILE *fp, const char *ylabel, int col, int ref)
{
    fprintf(fp, "set ylabel '%s'\nplot ", ylabel);
    if (ref)
        fprintf(fp, "'baseline.csv' skip 1 using 1:2 with lines lw 1 lc rgb 'black' "
                    "title 'reference', ");
    for (int i = 0; i < 3; i++)
        fprintf(fp, "'%s.csv' skip 1 using 1:%d with lines lw 1.5 lc rgb '%s' title '%s'%s",
                NAMES[i], col, COLOURS[i], NAMES[i], i < 2 ? ", " : "\n");
}

static int write_script(const char *dir, const eco_vehicle *veh, const eco_sim_summary *s)
{
    int battery = veh->powertrain != ECO_PT_CONV, engine = veh->powertrain != ECO_PT_BEV;
    int rows = 1 + battery + engine;
    char title[256];
    eco_sim_gnuplot_unquote(title, sizeof title, s->vehicle);
    FILE *fp = eco_sim_gnuplot_open(dir, "compare.gp", "ecosim compare");
    if (!fp)
        return 1;
    fprintf(fp,
            "# Made by ecosim compare --plot; edit and re-run with: gnuplot compare.gp\n"
            "set datafile separator ','\n"
            "set terminal pngcairo size 1200,%d noenhanced\nset output 'compare.png'\n"
            "set grid\nset key top left opaque\nset xlabel 'time [s]'\n"
            "set multiplot layout %d,1 title '%s on %s: baseline, MPC and DP'\n",
            300 * rows + 100, rows, title, s->cycle);
    panel(fp, "speed [km/h]", 3, 1);
    if (battery)
        panel(fp, "battery SOC [-]", 9, 0);
    if (engine)
        panel(fp, "cumulative fuel [g]", 7, 0);
    fputs("unset multiplot\n", fp);
    return fclose(fp) != 0;
}

int eco_sim_compare_plot(const char *dir, const eco_vehicle *veh, const eco_sim_result res[3],
                         const eco_sim_summary sum[3])
{
    if (eco_sim_gnuplot_mkdir(dir, "ecosim compare"))
        return 2;
    for (int i = 0; i < 3; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.csv", dir, NAMES[i]);
        if (eco_sim_write_csv(path, &res[i])) {
            fprintf(stderr, "ecosim compare: %s\n", eco_last_error());
            return 1;
        }
    }
    if (write_script(dir, veh, &sum[0]))
        return 1;
    if (eco_sim_gnuplot_run(dir, "compare.gp")) {
        fprintf(stderr,
                "ecosim compare: gnuplot failed on %s/compare.gp (is gnuplot-nox installed?); "
                "the script and the series are written\n",
                dir);
        return 1;
    }
    return 0;
}
