/* ecosim compare --route: the baseline (IDM), the route MPC and the route DP at equal trip
 * time, with --plot their speeds overlaid against distance. */
#include "commands.h"
#include "ecodrive/config.h"
#include "report.h"
#include "route_mpc.h"
#include "session.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    eco_sim_route_case r;
    const char *plot_dir;
    int json;
    double trip_time_s;
} cmpr_args;

static void usage(FILE *fp)
{
    fprintf(fp, "usage: ecosim compare --route FILE [--vehicle FILE] [--json] [--trip-time S]\n"
                "                      [--plot DIR]\n"
                "Baseline (the IDM driver at the limit), MPC and DP along the route at equal trip\n"
                "time: S if given, else the baseline's. Fuel is SOC-corrected.\n");
}

static const eco_cli_opt OPTS[] = {ECO_OPTS_ROUTE(cmpr_args),
                                   ECO_CLI_FLAG("json", cmpr_args, json),
                                   ECO_CLI_NUMBER("trip-time", cmpr_args, trip_time_s, 1.0, 1e6),
                                   ECO_CLI_TEXT("plot", cmpr_args, plot_dir),
                                   ECO_CLI_HELP,
                                   ECO_CLI_END};

static int check_args(const void *args, int argc, char **argv)
{
    (void)argv;
    const cmpr_args *a = args;
    if (optind < argc || !a->r.route) {
        usage(stderr);
        return 2;
    }
    return eco_sim_out_check_dir("compare", "--plot", a->plot_dir);
}

static const char *NAMES[3] = {"baseline", "mpc", "dp"};

/* DIR/compare_<name>.csv (distance km, speed km/h, limit km/h) and DIR/route_compare.gp. */
static int plot(const char *dir, const eco_route *route, eco_sim_route_result res[3])
{
    char path[4096];
    snprintf(path, sizeof path, "mkdir -p '%s'", dir);
    if (system(path) != 0)
        return 1;
    for (int c = 0; c < 3; c++) {
        snprintf(path, sizeof path, "%s/compare_%s.csv", dir, NAMES[c]);
        FILE *fp = fopen(path, "w");
        if (!fp) {
            fprintf(stderr, "ecosim: %s: cannot write\n", path);
            return 1;
        }
        fprintf(fp, "distance_km,speed_kmh,limit_kmh\n");
        for (int i = 0; i < res[c].run.n_series; i++)
            fprintf(fp, "%.5f,%.3f,%.1f\n", res[c].distance_m[i] / 1000.0,
                    res[c].run.series[i].speed_kmh, res[c].limit_kmh[i]);
        fclose(fp);
    }
    snprintf(path, sizeof path, "%s/route_compare_stops.csv", dir);
    FILE *fp = fopen(path, "w");
    if (!fp)
        return 1;
    fprintf(fp, "distance_km\n");
    for (int i = 1; i < route->n; i++)
        if (route->row[i].stop_s > 0.0 || i == route->n - 1)
            fprintf(fp, "%.5f\n", route->row[i].distance_m / 1000.0);
    fclose(fp);
    snprintf(path, sizeof path, "%s/route_compare.gp", dir);
    if (!(fp = fopen(path, "w")))
        return 1;
    fprintf(fp,
            "set datafile separator ','\nset terminal pngcairo size 1400,600 noenhanced\n"
            "set output 'route_compare.png'\nset grid\nset key top left\n"
            "set title '%s: baseline, MPC and DP at equal trip time'\n"
            "set xlabel 'distance [km]'\nset ylabel 'speed [km/h]'\nset yrange [0:*]\n"
            "plot 'compare_baseline.csv' skip 1 using 1:3 with steps lw 2 lc rgb '#999999' "
            "title 'limit', \\\n"
            "  '' skip 1 using 1:2 with lines lc rgb 'black' title 'baseline (IDM)', \\\n"
            "  'compare_mpc.csv' skip 1 using 1:2 with lines lc rgb 'red' title 'MPC', \\\n"
            "  'compare_dp.csv' skip 1 using 1:2 with lines lc rgb 'blue' title 'DP', \\\n"
            "  'route_compare_stops.csv' skip 1 using 1:(0) with points pt 9 ps 2 "
            "lc rgb 'dark-green' title 'stops'\n",
            route->name);
    fclose(fp);
    snprintf(path, sizeof path, "cd '%s' && gnuplot route_compare.gp 2>&1", dir);
    if (system(path) != 0)
        fprintf(stderr, "ecosim: gnuplot failed on %s/route_compare.gp\n", dir);
    return 0;
}

static void report(const cmpr_args *a, const eco_vehicle *veh, const eco_sim_summary sum[3],
                   const eco_sim_route_result res[3], double target)
{
    int bev = veh->powertrain == ECO_PT_BEV;
    double m[3];
    for (int c = 0; c < 3; c++)
        m[c] = eco_sim_metric(bev, &sum[c].total);
    double saving = 100.0 * (1.0 - m[1] / m[0]), ratio = m[1] / m[2];
    if (a->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "route", sum[0].cycle);
        cJSON_AddStringToObject(o, "vehicle", sum[0].vehicle);
        cJSON_AddNumberToObject(o, "trip_time_target_s", target);
        for (int c = 0; c < 3; c++) {
            cJSON *r = eco_sim_summary_json(&sum[c]);
            cJSON_AddNumberToObject(r, "trip_time_s", res[c].trip_time_s);
            cJSON_AddNumberToObject(r, "over_limit_s", res[c].over_limit_s);
            cJSON_AddNumberToObject(r, "stops", res[c].stops);
            cJSON_AddItemToObject(o, NAMES[c], r);
        }
        cJSON_AddNumberToObject(o, "mpc_saving_pct", saving);
        cJSON_AddNumberToObject(o, "mpc_over_dp", ratio);
        eco_sim_print_json(o);
        return;
    }
    printf("%s on %s, trip time target %.1f s\n", sum[0].vehicle, sum[0].cycle, target);
    printf("%-9s %10s %12s %10s %12s\n", "", eco_sim_metric_key(bev), "kWh/100km", "trip s",
           "over_limit s");
    for (int c = 0; c < 3; c++)
        printf("%-9s %10.3f %12.2f %10.1f %12.1f\n", NAMES[c], m[c],
               sum[c].total.energy_kwh_per_100km, res[c].trip_time_s, res[c].over_limit_s);
    printf("MPC against baseline: %+.1f %%, MPC/DP: %.3f\n", -saving, ratio);
    if (fabs(res[0].trip_time_s - target) > 0.01 * target)
        printf("(the baseline drives at the limit: its trip time is its own)\n");
}

static int compare_route_body(void *args, eco_vehicle *veh, eco_route *route)
{
    cmpr_args *a = args;
    eco_sim_options opt;
    eco_sim_options_default(&opt);
    opt.engine_hot = 1;
    opt.quiet = 1;
    eco_sim_route_result res[3];
    eco_sim_summary sum[3];
    eco_sim_route_match m;
    memset(res, 0, sizeof res);
    int rc = eco_sim_route_run_baseline(veh, route, &opt, &res[0]);
    double target = a->trip_time_s > 0.0 ? a->trip_time_s : res[0].trip_time_s;
    for (int c = 1; c < 3 && rc == ECO_OK; c++)
        rc = eco_sim_route_run_at_time(veh, route, NAMES[c], NULL, NULL, &opt, target, &res[c], &m);
    if (rc == ECO_ERANGE) {
        fprintf(stderr, "ecosim compare: --trip-time: %s\n", eco_last_error());
        rc = 2;
    } else if (rc) {
        fprintf(stderr, "ecosim compare: %s (%s)\n", eco_strerror(rc), eco_last_error());
        rc = 1;
    } else {
        for (int c = 0; c < 3; c++)
            eco_sim_route_summarize(veh, route, NAMES[c], &res[c], &sum[c]);
        report(a, veh, sum, res, target);
        if (a->plot_dir)
            rc = plot(a->plot_dir, route, res);
    }
    for (int c = 0; c < 3; c++)
        eco_sim_route_result_free(&res[c]);
    return rc;
}

int eco_cmd_compare_route(int argc, char **argv)
{
    static const eco_cli cli = {"compare", usage, OPTS, check_args};
    cmpr_args a = {.r = {.name_load_error = 1}};
    return eco_sim_route_command(&cli, argc, argv, &a, &a.r, compare_route_body);
}
