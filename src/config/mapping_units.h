/* The mapping's fields and their SI units, shared by the mapping reader (mapping_json.c)
 * and the resolved-table printer (mapping_print.c). Internal to the config module. */
#ifndef ECODRIVE_MAPPING_UNITS_H
#define ECODRIVE_MAPPING_UNITS_H

#include "ecodrive/can.h"

/* The SI unit a field is in: observation.def's unit tokens, then the outputs' and status'. */
typedef enum {
    ECO_CFG_DIM_MPS,
    ECO_CFG_DIM_RADPS,
    ECO_CFG_DIM_NM,
    ECO_CFG_DIM_FRACTION,
    ECO_CFG_DIM_COUNT,
    ECO_CFG_DIM_V,
    ECO_CFG_DIM_A,
    ECO_CFG_DIM_RAD,
    ECO_CFG_DIM_US,
    ECO_CFG_DIM_W,
    ECO_CFG_DIM_RAW,
    ECO_CFG_DIM_N
} eco_cfg_dim;

typedef struct {
    const char *key;
    eco_cfg_dim d;
    int required;
} eco_cfg_map_field_def;

/* The inputs in eco_can_in_field order, from the one list of them (observation.def). */
extern const eco_cfg_map_field_def eco_cfg_map_in_defs[ECO_CAN_IN_COUNT];

/* Units and needs of the outputs and status counters, in eco_can_out_field and
 * eco_can_status_field order (their keys are can's eco_can_*_field_name). */
typedef struct {
    eco_cfg_dim d;
    int required;
} eco_cfg_map_unit;
extern const eco_cfg_map_unit eco_cfg_map_out_units[ECO_CAN_OUT_COUNT];
extern const eco_cfg_map_unit eco_cfg_map_status_units[ECO_CAN_ST_COUNT];

/* How the unit is named in messages and tables. */
const char *eco_cfg_map_dim_si(eco_cfg_dim d);
/* The factor from a DBC unit to dimension d; 0 if the unit is not one of d's. */
double eco_cfg_map_unit_scale(const char *dbc_unit, eco_cfg_dim d);

#endif
