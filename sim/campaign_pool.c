/* The worker pool behind ecosim sweep and ecosim campaign (campaign_pool.h). */
#include "campaign_pool.h"

#include "ecodrive/common.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Results a worker may run ahead of the oldest job not yet taken: bounds what waits in
 * memory when one slow job (a DP among baseline runs) holds up the order. */
#define WINDOW_PER_WORKER 64

typedef struct {
    int job, rc;
} record_head;

typedef struct {
    pid_t pid;
    int cmd_fd, result_fd;
    int job; /* the job it runs, -1 when idle */
} worker;

typedef struct {
    const eco_sim_pool *p;
    worker w[ECO_POOL_WORKERS_MAX];
    int n_started;
    int window;
    unsigned char *slots; /* window records: filled flag, rc, result */
    int next_job, next_take;
} pool_state;

/* All N bytes of BUF written to FD (WRITING) or read from it, through interruptions and short
 * transfers: 0, or -1 on an error or the end of the pipe. */
static int transfer_all(int fd, char *buf, size_t n, int writing)
{
    while (n > 0) {
        ssize_t k = writing ? write(fd, buf, n) : read(fd, buf, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        buf += k;
        n -= (size_t)k;
    }
    return 0;
}

int eco_sim_write_all(int fd, const void *buf, size_t n)
{
    return transfer_all(fd, (char *)buf, n, 1); /* write() only reads buf */
}

static int read_all(int fd, void *buf, size_t n)
{
    return transfer_all(fd, buf, n, 0);
}

/* A worker: job numbers in, records out, until the caller closes its end. _exit, so that
 * no exit handler (or leak check) of the caller runs twice. */
static void worker_main(const eco_sim_pool *p, int cmd_fd, int result_fd, void *result)
{
    int job;
    while (read_all(cmd_fd, &job, sizeof job) == 0 && job >= 0) {
        memset(result, 0, p->result_size);
        record_head h = {job, p->run(p->ctx, job, result)};
        if (eco_sim_write_all(result_fd, &h, sizeof h) ||
            eco_sim_write_all(result_fd, result, p->result_size))
            _exit(1);
    }
    _exit(0);
}

static int start_worker(pool_state *s, worker *w, void *scratch)
{
    int cmd[2], res[2];
    if (pipe(cmd))
        return -1;
    if (pipe(res)) {
        close(cmd[0]);
        close(cmd[1]);
        return -1;
    }
    w->pid = fork();
    if (w->pid == 0) {
        close(cmd[1]);
        close(res[0]);
        for (int k = 0; k < s->n_started; k++) { /* the siblings' pipes are not ours */
            close(s->w[k].cmd_fd);
            close(s->w[k].result_fd);
        }
        worker_main(s->p, cmd[0], res[1], scratch);
    }
    close(cmd[0]);
    close(res[1]);
    if (w->pid < 0) {
        close(cmd[1]);
        close(res[0]);
        return -1;
    }
    w->cmd_fd = cmd[1];
    w->result_fd = res[0];
    w->job = -1;
    return 0;
}

static unsigned char *slot(pool_state *s, int job)
{
    size_t size = sizeof(record_head) + s->p->result_size;
    return s->slots + (size_t)(job % s->window) * size;
}

/* Give idle workers the next jobs, as far as the window allows. */
static int dispatch(pool_state *s)
{
    for (int k = 0; k < s->n_started; k++) {
        worker *w = &s->w[k];
        if (w->job >= 0 || s->next_job >= s->p->n_jobs || s->next_job >= s->next_take + s->window)
            continue;
        if (eco_sim_write_all(w->cmd_fd, &s->next_job, sizeof s->next_job))
            return -1;
        w->job = s->next_job++;
    }
    return 0;
}

/* Read one record from a worker that has one ready, store it, take what is now in order. */
static int collect(pool_state *s, worker *w)
{
    record_head h;
    unsigned char *dst;
    if (read_all(w->result_fd, &h, sizeof h) || h.job != w->job)
        return -1;
    dst = slot(s, h.job);
    if (read_all(w->result_fd, dst + sizeof h, s->p->result_size))
        return -1;
    memcpy(dst, &h, sizeof h);
    w->job = -1;
    for (;;) {
        unsigned char *next = slot(s, s->next_take);
        record_head got;
        memcpy(&got, next, sizeof got);
        if (s->next_take >= s->p->n_jobs || got.job != s->next_take)
            return 0;
        int rc = s->p->take(s->p->ctx, got.job, got.rc, next + sizeof got);
        if (rc)
            return rc;
        s->next_take++;
        if (s->p->progress)
            eco_sim_progress_update(s->p->progress, s->next_take);
    }
}

static int wait_and_collect(pool_state *s)
{
    struct pollfd fds[ECO_POOL_WORKERS_MAX];
    int who[ECO_POOL_WORKERS_MAX], n = 0;
    for (int k = 0; k < s->n_started; k++)
        if (s->w[k].job >= 0) {
            fds[n] = (struct pollfd){.fd = s->w[k].result_fd, .events = POLLIN};
            who[n++] = k;
        }
    if (n == 0)
        return -1; /* nothing in flight and not done: cannot happen unless the window is 0 */
    if (poll(fds, (nfds_t)n, -1) < 0)
        return errno == EINTR ? 0 : -1;
    for (int i = 0; i < n; i++)
        if (fds[i].revents) {
            int rc = collect(s, &s->w[who[i]]);
            if (rc)
                return rc;
        }
    return 0;
}

static int stop_workers(pool_state *s, int failed)
{
    int rc = 0;
    for (int k = 0; k < s->n_started; k++) {
        close(s->w[k].cmd_fd); /* an idle worker reads the end and leaves */
        if (failed)
            kill(s->w[k].pid, SIGTERM); /* a busy one is not waited for */
    }
    for (int k = 0; k < s->n_started; k++) {
        int st;
        while (waitpid(s->w[k].pid, &st, 0) < 0 && errno == EINTR)
            ;
        if (!failed && (!WIFEXITED(st) || WEXITSTATUS(st)))
            rc = 1;
        close(s->w[k].result_fd);
    }
    return rc;
}

static int run_inline(const eco_sim_pool *p)
{
    unsigned char *result = eco_malloc(p->result_size);
    if (!result)
        return 1;
    int rc = 0;
    for (int j = 0; j < p->n_jobs && !rc; j++) {
        memset(result, 0, p->result_size);
        int job_rc = p->run(p->ctx, j, result);
        rc = p->take(p->ctx, j, job_rc, result);
        if (!rc && p->progress)
            eco_sim_progress_update(p->progress, j + 1);
    }
    eco_free(result);
    return rc;
}

int eco_sim_pool_run(const eco_sim_pool *p)
{
    int n_workers = p->n_workers < p->n_jobs ? p->n_workers : p->n_jobs;
    if (n_workers > ECO_POOL_WORKERS_MAX)
        n_workers = ECO_POOL_WORKERS_MAX;
    if (n_workers <= 1)
        return run_inline(p);
    pool_state s = {.p = p, .window = WINDOW_PER_WORKER * n_workers};
    size_t size = sizeof(record_head) + p->result_size;
    s.slots = eco_malloc(size * (size_t)s.window + p->result_size);
    if (!s.slots) {
        fprintf(stderr, "ecosim: out of memory for %d workers\n", n_workers);
        return 1;
    }
    for (int j = 0; j < s.window; j++) { /* no slot holds a job yet */
        record_head none = {-1, 0};
        memcpy(s.slots + (size_t)j * size, &none, sizeof none);
    }
    unsigned char *scratch = s.slots + size * (size_t)s.window; /* a worker's result buffer */
    fflush(NULL); /* a worker must not write out what the caller had buffered */
    int rc = 0;
    for (; s.n_started < n_workers; s.n_started++)
        if (start_worker(&s, &s.w[s.n_started], scratch)) {
            fprintf(stderr, "ecosim: cannot start a worker: %s\n", strerror(errno));
            rc = 1;
            break;
        }
    while (!rc && s.next_take < p->n_jobs) {
        if (dispatch(&s) || (rc = wait_and_collect(&s)) < 0) {
            fprintf(stderr, "ecosim: a worker process failed or died\n");
            rc = 1;
        }
    }
    int stop_rc = stop_workers(&s, rc != 0);
    eco_free(s.slots);
    return rc ? rc : stop_rc;
}
