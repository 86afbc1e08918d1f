/* The mapping's fields, their SI units and the DBC units that convert to them. */
#include "mapping_units.h"

#include "ecodrive/units.h"

#include <stddef.h>
#include <strings.h>

/* How the unit is named in messages and tables. */
static const char *const dim_si[ECO_CFG_DIM_N] = {
    [ECO_CFG_DIM_MPS] = "m/s",       [ECO_CFG_DIM_RADPS] = "rad/s",
    [ECO_CFG_DIM_NM] = "Nm",         [ECO_CFG_DIM_FRACTION] = "fraction 0..1",
    [ECO_CFG_DIM_COUNT] = "a count", [ECO_CFG_DIM_V] = "V",
    [ECO_CFG_DIM_A] = "A",           [ECO_CFG_DIM_RAD] = "rad",
    [ECO_CFG_DIM_US] = "us",         [ECO_CFG_DIM_W] = "W",
    [ECO_CFG_DIM_RAW] = "raw",
};

/* The inputs, from the one list of them. */
const eco_cfg_map_field_def eco_cfg_map_in_defs[ECO_CAN_IN_COUNT] = {
#define ECO_OBS_BUS(member, NAME, key, unit, type, need)                                           \
    {key, ECO_CFG_DIM_##unit, ECO_CAN_IN_NEED_##need},
#include "ecodrive/observation.def"
};

/* Units and needs of the outputs and status counters, in eco_can_out_field and
 * eco_can_status_field order (their keys are can's eco_can_*_field_name). */
const eco_cfg_map_unit eco_cfg_map_out_units[ECO_CAN_OUT_COUNT] = {
    {ECO_CFG_DIM_FRACTION, 1}, {ECO_CFG_DIM_FRACTION, 1}, {ECO_CFG_DIM_RAW, 1},
    {ECO_CFG_DIM_RAW, 1},      {ECO_CFG_DIM_RAW, 1},      {ECO_CFG_DIM_RAW, 0},
    {ECO_CFG_DIM_W, 0}};

const eco_cfg_map_unit eco_cfg_map_status_units[ECO_CAN_ST_COUNT] = {{ECO_CFG_DIM_COUNT, 0},
                                                                     {ECO_CFG_DIM_COUNT, 0},
                                                                     {ECO_CFG_DIM_COUNT, 0},
                                                                     {ECO_CFG_DIM_COUNT, 0},
                                                                     {ECO_CFG_DIM_US, 0}};

/* DBC unit -> SI factor, each row with the DBC spellings of one unit. Conversions
 * (units.h): 1 km/h = 1/3.6 m/s; 1 mph = 0.44704 m/s exactly (NIST SP 811); 1 rpm =
 * 2 pi/60 rad/s; 1 deg = pi/180 rad; the rest are SI prefixes (m = 1e-3, k = 1e3) and
 * 1 % = 0.01. */
static const struct {
    eco_cfg_dim d;
    double scale;
    const char *names[4]; /* NULL-terminated; "" is the empty DBC unit */
} units[] = {
    {ECO_CFG_DIM_MPS, 1.0, {"m/s"}},
    {ECO_CFG_DIM_MPS, ECO_MPS_PER_KMH, {"km/h", "kph", "kmh"}},
    {ECO_CFG_DIM_MPS, ECO_MPS_PER_MPH, {"mph"}},
    {ECO_CFG_DIM_RADPS, 1.0, {"rad/s"}},
    {ECO_CFG_DIM_RADPS, ECO_RADPS_PER_RPM, {"rpm", "1/min"}},
    {ECO_CFG_DIM_NM, 1.0, {"Nm", "N.m", "N*m"}},
    {ECO_CFG_DIM_FRACTION, 0.01, {"%"}},
    {ECO_CFG_DIM_V, 1.0, {"V"}},
    {ECO_CFG_DIM_V, 0.001, {"mV"}},
    {ECO_CFG_DIM_A, 1.0, {"A"}},
    {ECO_CFG_DIM_A, 0.001, {"mA"}},
    {ECO_CFG_DIM_RAD, 1.0, {"rad"}},
    {ECO_CFG_DIM_RAD, ECO_RAD_PER_DEG, {"deg", "\xc2\xb0"}},
    {ECO_CFG_DIM_COUNT, 1.0, {"", "frames", "count"}},
    {ECO_CFG_DIM_US, 1.0, {"us", "\xc2\xb5s"}},
    {ECO_CFG_DIM_US, 1000.0, {"ms"}},
    {ECO_CFG_DIM_US, 1e6, {"s"}},
    {ECO_CFG_DIM_W, 1.0, {"W"}},
    {ECO_CFG_DIM_W, 1000.0, {"kW"}},
};

double eco_cfg_map_unit_scale(const char *dbc_unit, eco_cfg_dim d)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        for (int k = 0; units[i].d == d && k < 4 && units[i].names[k]; k++)
            if (!strcasecmp(units[i].names[k], dbc_unit))
                return units[i].scale;
    return 0.0;
}

const char *eco_cfg_map_dim_si(eco_cfg_dim d)
{
    return d >= 0 && d < ECO_CFG_DIM_N ? dim_si[d] : "?";
}
