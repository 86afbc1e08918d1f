/* Running a campaign (or a shard of it) over worker processes into its JSONL, resumable.
 * ecosim campaign and ecosim sweep both run through here. */
#ifndef ECOSIM_CAMPAIGN_EXEC_H
#define ECOSIM_CAMPAIGN_EXEC_H

#include "campaign.h"

/* Told every case's result in case order (ecosim sweep's table): baseline is the run of the
 * baseline controller on the same vehicle and cycle. */
typedef void (*eco_campaign_case_fn)(void *ctx, int case_index, const eco_campaign_result *r,
                                     const eco_campaign_result *baseline);

typedef struct {
    const eco_campaign *c;
    const char *what;         /* "campaign", "sweep": in progress and messages */
    eco_campaign_shard shard; /* {0, 1}: every case */
    int jobs;                 /* worker processes (1: none, all in this process) */
    const char *out_path;     /* the JSONL; NULL: on stdout, unless no_lines */
    int no_lines;             /* write no JSONL (a sweep without --out) */
    int resume;               /* keep the cases out_path already holds */
    int quiet;                /* no progress */
    /* runs beside the cases, not written (ecosim sweep's presets), results in order */
    int n_extra;
    const eco_campaign_case *extra;
    eco_campaign_result *extra_results;
    eco_campaign_case_fn on_case;
    void *on_case_ctx;
} eco_campaign_exec;

/* Run the shard's cases not yet done, each one's line written in case order (a line is
 * flushed whole as soon as the cases before it are written, so an interrupted run leaves
 * whole lines and at most one cut short). With resume, the lines out_path holds of this
 * campaign and shard are kept and their cases not run again; a last line cut short is
 * dropped and its case run again; a line of another campaign or shard is refused.
 * Returns 0, 1 (a run or a write failed) or 2 (out_path of another campaign). */
int eco_campaign_execute(const eco_campaign_exec *x);

/* With jobs > 1 worker processes to come: make the MPC's table of every vehicle the n
 * cases run the MPC on, in this process's table cache (campaign_cache.h), so that the
 * workers fork with it (its pages shared) rather than each building it. */
void eco_campaign_warm_tables(const eco_campaign *c, const eco_campaign_case *cases, int n,
                              int jobs);

/* The CPUs online, at most the pool's limit: the default --jobs. */
int eco_campaign_default_jobs(void);

#endif
