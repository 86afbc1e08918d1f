#include "json_number.h"

#include <math.h>

void eco_sim_json_add_number(cJSON *o, const char *key, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

cJSON *eco_sim_json_case(const char *vehicle, const char *cycle)
{
    cJSON *o = cJSON_CreateObject();
    if (o) {
        cJSON_AddStringToObject(o, "vehicle", vehicle);
        cJSON_AddStringToObject(o, "cycle", cycle);
    }
    return o;
}
