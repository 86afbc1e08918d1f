/* ecosim vehicle --from-epa: a vehicle JSON from one EPA test-car record. */
#include "commands.h"

#include "ecodrive/config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void vehicle_usage(FILE *fp)
{
    fprintf(fp,
            "usage: ecosim vehicle --from-epa FILE.csv --model NAME [--displacement L] "
            "[--hp N]\n"
            "                      [--powertrain conv|hev-split|hev-p2|phev-split|phev-p2|bev]\n"
            "\n"
            "Writes a vehicle JSON to stdout from one record of an EPA test-car list (the\n"
            "columns of models/vehicles/epa_testcars_calibration.csv). NAME matches the\n"
            "'Represented Test Veh Model' column; NAME|cvt or NAME|manual picks a\n"
            "transmission. What the record lacks comes from documented class defaults.\n"
            "The powertrain follows from the record (test fuel, charge-depleting tests,\n"
            "the model name, the maker's hybrid architecture: models/vehicles/SCHEMA.md);\n"
            "--powertrain overrides it. Plug-in hybrids are recognised but not yet\n"
            "built.\n");
}

static int parse_positive(const char *flag, const char *s, double *out)
{
    char *end;
    *out = strtod(s, &end);
    if (*end || !(*out > 0.0)) {
        fprintf(stderr, "ecosim vehicle: %s must be a positive number, got '%s'\n", flag, s);
        return -1;
    }
    return 0;
}

int eco_cmd_vehicle(int argc, char **argv)
{
    static const struct option opts[] = {{"from-epa", required_argument, 0, 'e'},
                                         {"model", required_argument, 0, 'm'},
                                         {"displacement", required_argument, 0, 'd'},
                                         {"hp", required_argument, 0, 'p'},
                                         {"powertrain", required_argument, 0, 't'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *csv = NULL, *model = NULL, *powertrain = NULL;
    double disp = 0.0, hp = 0.0;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'e':
            csv = optarg;
            break;
        case 'm':
            model = optarg;
            break;
        case 'd':
            if (parse_positive("--displacement", optarg, &disp))
                return 2;
            break;
        case 'p':
            if (parse_positive("--hp", optarg, &hp))
                return 2;
            break;
        case 't':
            powertrain = optarg;
            break;
        case 'h':
            vehicle_usage(stdout);
            return 0;
        default:
            vehicle_usage(stderr);
            return 2;
        }
    }
    if (optind < argc || !csv || !model) {
        fprintf(stderr, "ecosim vehicle: --from-epa FILE and --model NAME are required\n");
        vehicle_usage(stderr);
        return 2;
    }
    cJSON *veh = NULL;
    if (eco_cfg_vehicle_from_epa_as(csv, model, disp, hp, powertrain, &veh)) {
        fprintf(stderr, "ecosim vehicle: %s\n", eco_last_error());
        return 2;
    }
    char *txt = cJSON_Print(veh);
    int ok = txt && printf("%s\n", txt) > 0;
    cJSON_free(txt);
    cJSON_Delete(veh);
    return ok ? 0 : 1;
}
