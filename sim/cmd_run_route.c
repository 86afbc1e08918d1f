/* ecosim run --route: one controller along a route. */
#include "commands.h"
#include "ecodrive/config.h"
#include "plot.h"
#include "report.h"
#include "route_plot.h"
#include "route_mpc.h"
#include "route_runner.h"
#include "session.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    eco_sim_route_case r;
    const char *controller, *csv, *plot_dir;
    int json, quiet;
    double dt_s, trip_time_s;
} route_run_args;

static void route_run_usage(FILE *fp)
{
    fprintf(fp,
            "usage: ecosim run --route FILE [--vehicle FILE] [--controller baseline|mpc|dp]\n"
            "                  [--trip-time S] [--json] [--csv OUT.csv] [--plot DIR] [--dt S]\n"
            "                  [--quiet]\n"
            "\n"
            "Drives a route (distance_m,speed_limit_kmh,grade[,stop_s]; see ecosim route) from\n"
            "rest to rest, standing still at each stop for its stop_s, hot engine.\n"
            "  --route FILE     the route CSV\n"
            "  --vehicle FILE   vehicle JSON (default: the shipped Toyota Prius hybrid)\n"
            "  --controller C   baseline: the IDM driver (Treiber et al. 2000) at the limit,\n"
            "                   with the baseline's gears and hybrid rules; mpc: the route MPC\n"
            "                   (distance-indexed horizon); dp: the optimum over the whole route\n"
            "  --trip-time S    mpc, dp: arrive within 1 %% of S (dwell included); default: the\n"
            "                   baseline driver's trip time on the route\n"
            "  --json           print one JSON object on stdout instead of the table\n"
            "  --csv OUT.csv    write the time series at the simulation step\n"
            "  --plot DIR       gnuplot scripts and PNGs: speed and limit against distance with\n"
            "                   the stops, the elevation profile, and the time plots of a run\n"
            "  --dt S           simulation and control step (default 0.1 s)\n"
            "  --quiet          no progress on stderr\n");
}

static const eco_cli_opt OPTS[] = {
    ECO_OPTS_ROUTE(route_run_args),
    ECO_CLI_TEXT("controller", route_run_args, controller),
    ECO_CLI_JSON_PLOT(route_run_args, json, plot_dir),
    ECO_CLI_TEXT("csv", route_run_args, csv),
    ECO_CLI_NUMBER("dt", route_run_args, dt_s, 0.01, 1.0),
    ECO_CLI_NUMBER("trip-time", route_run_args, trip_time_s, 1.0, 1e6),
    ECO_CLI_FLAG("quiet", route_run_args, quiet),
    ECO_CLI_HELP,
    ECO_CLI_END};

static int check_args(const void *args, int argc, char **argv)
{
    const route_run_args *a = args;
    int rc = eco_cli_no_operand("run", argc, argv);
    if (rc)
        return rc;
    if (!a->r.route) {
        fprintf(stderr, "ecosim run: --route needs a file\n");
        return 2;
    }
    if (strcmp(a->controller, "baseline") && strcmp(a->controller, "mpc") &&
        strcmp(a->controller, "dp")) {
        fprintf(stderr, "ecosim run: --controller on a route is baseline, mpc or dp (got '%s')\n",
                a->controller);
        return 2;
    }
    if (a->trip_time_s > 0.0 && !strcmp(a->controller, "baseline")) {
        fprintf(stderr, "ecosim run: --trip-time is for --controller mpc or dp (the baseline "
                        "drives at the limit)\n");
        return 2;
    }
    if ((rc = eco_sim_out_check("run", "--csv", a->csv)))
        return rc;
    return eco_sim_out_check_dir("run", "--plot", a->plot_dir);
}

static int drive(const route_run_args *a, const eco_vehicle *veh, const eco_route *route,
                 eco_sim_route_result *res, eco_sim_summary *sum, eco_sim_route_match *m)
{
    eco_sim_options opt;
    eco_sim_options_default(&opt);
    opt.dt_s = a->dt_s;
    opt.engine_hot = 1;
    opt.quiet = a->quiet || a->json;
    int rc = eco_sim_route_run_baseline(veh, route, &opt, res);
    double target = a->trip_time_s > 0.0 ? a->trip_time_s : res->trip_time_s;
    if (rc == ECO_OK && strcmp(a->controller, "baseline")) {
        eco_sim_route_result_free(res);
        rc = eco_sim_route_run_at_time(veh, route, a->controller, NULL, NULL, &opt, target, res, m);
        if (rc == ECO_ERANGE && m->min_time_s > target) {
            fprintf(stderr, "ecosim run: --trip-time: %s\n", eco_last_error());
            return 2;
        }
        if (rc == ECO_OK && !m->met && !a->quiet)
            fprintf(stderr,
                    "ecosim run: %s arrives in %.1f s, not within 1 %% of %.1f s (its "
                    "lower bound sets the pace)\n",
                    a->controller, res->trip_time_s, target);
    }
    if (rc) {
        fprintf(stderr, "ecosim: route run failed: %s (%s)\n", eco_strerror(rc), eco_last_error());
        return 1;
    }
    eco_sim_route_summarize(veh, route, a->controller, res, sum);
    return 0;
}

static void print(const route_run_args *a, const eco_sim_summary *sum,
                  const eco_sim_route_result *res, const eco_sim_route_match *m)
{
    if (a->json) {
        cJSON *o = eco_sim_summary_json(sum);
        if (o) {
            cJSON_DeleteItemFromObject(o, "cycle");
            cJSON_AddStringToObject(o, "route", sum->cycle);
            cJSON_AddNumberToObject(o, "route_km", res->route_m / 1000.0);
            cJSON_AddNumberToObject(o, "trip_time_s", res->trip_time_s);
            cJSON_AddNumberToObject(o, "stops", res->stops);
            cJSON_AddNumberToObject(o, "stops_short", res->stops_short);
            cJSON_AddNumberToObject(o, "stops_short_max_m", res->stops_short_max_m);
            cJSON_AddNumberToObject(o, "over_limit_s", res->over_limit_s);
            cJSON_AddNumberToObject(o, "over_limit_max_kmh", res->over_limit_max_kmh);
            cJSON_AddNumberToObject(o, "wait_added_s", m->wait_added_s);
            if (m->trip_time_s > 0.0) {
                cJSON_AddNumberToObject(o, "trip_time_target_s", m->trip_time_s);
                cJSON_AddNumberToObject(o, "trip_time_min_s", m->min_time_s);
                cJSON_AddNumberToObject(o, "time_price_per_s", m->time_price);
                cJSON_AddNumberToObject(o, "match_runs", m->runs);
            }
        }
        eco_sim_print_json(o);
        return;
    }
    eco_sim_print_table(stdout, sum);
    printf("route: %.3f km, trip %.1f s (%.0f s of it standing), %d stops (%d standing short, "
           "by up to %.1f m), %.1f s over the limit (by at most %.3f km/h)\n",
           res->route_m / 1000.0, res->trip_time_s, res->dwell_s, res->stops, res->stops_short,
           res->stops_short_max_m, res->over_limit_s, res->over_limit_max_kmh);
}

static int route_run_body(void *args, eco_vehicle *veh, eco_route *route)
{
    route_run_args *a = args;
    eco_sim_route_result res;
    eco_sim_summary sum;
    memset(&res, 0, sizeof res);
    eco_sim_route_match m;
    memset(&m, 0, sizeof m);
    int rc = drive(a, veh, route, &res, &sum, &m);
    /* the plot first, as ecosim run does: a failed plot leaves no --csv file behind */
    if (rc == 0 && a->plot_dir && eco_sim_route_plot(a->plot_dir, veh, route, &res, &sum))
        rc = 1;
    if (rc == 0)
        rc = eco_sim_csv_out(a->csv, &res.run);
    if (rc == 0)
        print(a, &sum, &res, &m);
    eco_sim_route_result_free(&res);
    return rc;
}

int eco_cmd_run_route(int argc, char **argv)
{
    static const eco_cli cli = {"run", route_run_usage, OPTS, check_args};
    route_run_args a = {.controller = "baseline", .dt_s = 0.1};
    return eco_sim_route_command(&cli, argc, argv, &a, &a.r, route_run_body);
}
