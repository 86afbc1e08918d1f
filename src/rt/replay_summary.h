/* The replay summary's per-period half (replay.c calls it); the printing is public (rt.h). */
#ifndef ECODRIVE_RT_REPLAY_SUMMARY_H
#define ECODRIVE_RT_REPLAY_SUMMARY_H

#include "ecodrive/rt.h"

/* Count the step the core has just made at t_ns. */
void eco_rt_replay_summary_step(eco_rt_replay_summary *s, const eco_rt *rt, int64_t t_ns);

#endif
