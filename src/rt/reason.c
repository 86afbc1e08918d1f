/* The one reason of a setpoint (EcoReason): the most serious of a step's faults. */
#include "ecodrive/rt.h"

_Static_assert(ECO_RT_FAULT_SHUTDOWN == 1u << (ECO_RT_N_FAULTS - 1),
               "ECO_RT_N_FAULTS counts the fault bits, SHUTDOWN the highest");

eco_rt_reason eco_rt_reason_of(unsigned faults)
{
    /* most serious first (rt.h) */
    static const struct {
        unsigned fault;
        eco_rt_reason reason;
    } order[] = {
        {ECO_RT_FAULT_SHUTDOWN, ECO_RT_REASON_SHUTDOWN},
        {ECO_RT_FAULT_GARBAGE, ECO_RT_REASON_INPUT_GARBAGE},
        {ECO_RT_FAULT_RANGE, ECO_RT_REASON_INPUT_RANGE},
        {ECO_RT_FAULT_STALE, ECO_RT_REASON_INPUT_STALE},
        {ECO_RT_FAULT_NOT_ENGAGED, ECO_RT_REASON_NOT_ENGAGED},
        {ECO_RT_FAULT_NO_SET_SPEED, ECO_RT_REASON_NO_SET_SPEED},
        {ECO_RT_FAULT_SOLVER, ECO_RT_REASON_SOLVER},
        {ECO_RT_FAULT_OVERRUN, ECO_RT_REASON_OVERRUN},
        {ECO_RT_FAULT_ENCODE, ECO_RT_REASON_ENCODE},
    };
    for (unsigned i = 0; i < sizeof order / sizeof order[0]; i++)
        if (faults & order[i].fault)
            return order[i].reason;
    return ECO_RT_REASON_OK;
}

const char *eco_rt_reason_name(eco_rt_reason r)
{
    static const char *const names[ECO_RT_REASON_COUNT] = {
        [ECO_RT_REASON_OK] = "valid",
        [ECO_RT_REASON_NOT_ENGAGED] = "not engaged",
        [ECO_RT_REASON_NO_SET_SPEED] = "no set speed",
        [ECO_RT_REASON_INPUT_STALE] = "input stale",
        [ECO_RT_REASON_INPUT_RANGE] = "input out of range",
        [ECO_RT_REASON_INPUT_GARBAGE] = "input garbage",
        [ECO_RT_REASON_SOLVER] = "solver fault",
        [ECO_RT_REASON_OVERRUN] = "solve overrun",
        [ECO_RT_REASON_ENCODE] = "setpoint out of range",
        [ECO_RT_REASON_SHUTDOWN] = "shutdown",
    };
    return (unsigned)r < ECO_RT_REASON_COUNT ? names[r] : "?";
}
