/* Worker processes for independent, deterministic jobs (the runs of a sweep or a campaign):
 * each worker is a fork of the caller, so it has what the caller loaded; the caller hands
 * out job numbers one at a time and gets each job's result back whole through a pipe, in
 * job order whatever order the workers finish in. */
#ifndef ECOSIM_CAMPAIGN_POOL_H
#define ECOSIM_CAMPAIGN_POOL_H

#include "progress.h"

#include <stddef.h>

#define ECO_POOL_WORKERS_MAX 16

/* Run job `job` into result (result_size bytes, zeroed before the call), in a worker.
 * Returns 0, or non-zero if the job failed (the result still goes back). */
typedef int (*eco_sim_pool_run_fn)(void *ctx, int job, void *result);
/* Take the result of job `job` (rc: what run returned), in the caller, in job order.
 * Returns 0 to go on, non-zero to stop the pool. */
typedef int (*eco_sim_pool_take_fn)(void *ctx, int job, int rc, const void *result);

typedef struct {
    int n_jobs;
    int n_workers;      /* 1: every job in this process, no fork */
    size_t result_size; /* bytes of one result record */
    eco_sim_pool_run_fn run;
    eco_sim_pool_take_fn take;
    void *ctx;
    eco_sim_progress *progress; /* updated after each job taken; NULL: none */
} eco_sim_pool;

/* Run jobs 0..n_jobs-1 and take their results in order. Returns 0 if every job was taken;
 * 1 if a worker could not start or died (a message on stderr), or the first non-zero that
 * take returned. */
int eco_sim_pool_run(const eco_sim_pool *p);

/* All N bytes of BUF written to FD, through interruptions and short writes: 0, or -1. */
int eco_sim_write_all(int fd, const void *buf, size_t n);

#endif
