/* A number in the JSON that ecosim writes: JSON has no NaN or infinity. */
#ifndef ECOSIM_JSON_NUMBER_H
#define ECOSIM_JSON_NUMBER_H

#include <cjson/cJSON.h>

/* O[KEY] = V, or null when V is not finite (a figure that does not exist, such as a ratio
 * of nothing). */
void eco_sim_json_add_number(cJSON *o, const char *key, double v);

/* A new object that names its case: {"vehicle": VEHICLE, "cycle": CYCLE}; NULL if out of
 * memory. */
cJSON *eco_sim_json_case(const char *vehicle, const char *cycle);

#endif
