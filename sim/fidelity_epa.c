/* ecosim fidelity --epa LIST.csv: every test car of an EPA list built by the generic
 * from-EPA path and run on its highway and city tests with the baseline, against its raw
 * results; the error per car and cycle, the MAPE per powertrain class, and the cars that
 * cannot be built with the reason. --jobs N runs N worker processes. */
#include "fidelity_epa.h"
#include "fidelity.h"

#include "ecodrive/datadir.h"
#include "progress.h"
#include "session.h"

#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The cycles a car's tests are run on: FTP-75 as the EPA cold composite, HWFET hot; a BEV's
 * charge-depleting UDDS on the UDDS. */
typedef struct {
    eco_sim_cycle hwfet, ftp75, udds;
    char maps[4096];
} bench;

static int bench_load(bench *b)
{
    memset(b, 0, sizeof *b);
    if (eco_data_path("models/maps", b->maps, sizeof b->maps) ||
        eco_sim_load_cycle("hwfet", &b->hwfet) || eco_sim_load_cycle("ftp75", &b->ftp75) ||
        eco_sim_load_cycle("udds", &b->udds)) {
        fprintf(stderr, "ecosim fidelity: %s\n", eco_last_error());
        return -1;
    }
    return 0;
}

static void bench_free(bench *b)
{
    eco_sim_cycle_free(&b->hwfet);
    eco_sim_cycle_free(&b->ftp75);
    eco_sim_cycle_free(&b->udds);
}

static void run_car(const eco_cfg_epa_list *l, int i, const bench *b, eco_sim_epa_result *r)
{
    const eco_cfg_epa_car *c;
    eco_cfg_epa_list_cars(l, &c);
    c += i;
    memset(r, 0, sizeof *r);
    r->car = i;
    r->hw_sim = r->city_sim = NAN;
    cJSON *root = NULL;
    eco_vehicle v;
    if (eco_cfg_epa_list_build(l, i, NULL, &root) ||
        eco_cfg_vehicle_from_json(root, c->model, b->maps, &v)) {
        snprintf(r->reason, sizeof r->reason, "%s", eco_last_error());
        cJSON_Delete(root);
        return;
    }
    const cJSON *pt = cJSON_GetObjectItem(root, "powertrain");
    snprintf(r->powertrain, sizeof r->powertrain, "%s", cJSON_IsString(pt) ? pt->valuestring : "?");
    cJSON_Delete(root);
    r->built = 1;
    r->hw_valid = r->city_valid = 1;
    if (c->hw_line && isfinite(c->hw_epa))
        r->hw_sim = eco_sim_fidelity_value(&v, &b->hwfet, &r->hw_valid);
    if (c->city_line && isfinite(c->city_epa))
        r->city_sim = eco_sim_fidelity_value(&v, c->bev ? &b->udds : &b->ftp75, &r->city_valid);
    eco_vehicle_free(&v);
}

/* Worker k of n: cars k, k + n, ... as fixed-size records on fd. */
static void worker(const eco_cfg_epa_list *l, int n_cars, int k, int n, const bench *b, int fd)
{
    for (int i = k; i < n_cars; i += n) {
        eco_sim_epa_result r;
        run_car(l, i, b, &r);
        for (size_t off = 0; off < sizeof r;) {
            ssize_t w = write(fd, (const char *)&r + off, sizeof r - off);
            if (w <= 0)
                _exit(1);
            off += (size_t)w;
        }
    }
    _exit(0);
}

/* Read whole records from the workers' pipes as they come. */
static int collect(int *fds, int jobs, eco_sim_epa_result *out, int n_cars, eco_sim_progress *p)
{
    struct pollfd pfd[ECO_SIM_EPA_MAX_JOBS];
    size_t have[ECO_SIM_EPA_MAX_JOBS] = {0};
    eco_sim_epa_result buf[ECO_SIM_EPA_MAX_JOBS];
    int open = jobs, done = 0;
    for (int j = 0; j < jobs; j++)
        pfd[j] = (struct pollfd){fds[j], POLLIN, 0};
    while (open > 0) {
        if (poll(pfd, (nfds_t)jobs, -1) < 0)
            return -1;
        for (int j = 0; j < jobs; j++) {
            if (pfd[j].fd < 0 || !pfd[j].revents)
                continue;
            ssize_t got = read(pfd[j].fd, (char *)&buf[j] + have[j], sizeof buf[j] - have[j]);
            if (got <= 0) {
                close(pfd[j].fd);
                pfd[j].fd = -1;
                open--;
                continue;
            }
            if ((have[j] += (size_t)got) < sizeof buf[j])
                continue;
            have[j] = 0;
            if (buf[j].car >= 0 && buf[j].car < n_cars)
                out[buf[j].car] = buf[j], done++;
            eco_sim_progress_update(p, done);
        }
    }
    return done == n_cars ? 0 : -1;
}

int eco_sim_fidelity_epa_run(const eco_cfg_epa_list *l, int jobs, int quiet,
                             eco_sim_epa_result **results)
{
    const eco_cfg_epa_car *cars;
    int n = eco_cfg_epa_list_cars(l, &cars);
    bench b;
    if (bench_load(&b))
        return -1;
    eco_sim_epa_result *out = eco_malloc(sizeof *out * (size_t)(n ? n : 1));
    int fds[ECO_SIM_EPA_MAX_JOBS], rc = out ? 0 : -1;
    pid_t pids[ECO_SIM_EPA_MAX_JOBS];
    eco_sim_progress prog;
    eco_sim_progress_begin(&prog, "cars", n, quiet);
    fflush(NULL); /* nothing buffered is written twice by the workers */
    for (int j = 0; j < jobs && rc == 0; j++) {
        int pp[2];
        if (pipe(pp) || (pids[j] = fork()) < 0) {
            rc = -1;
            jobs = j;
            break;
        }
        if (pids[j] == 0) {
            close(pp[0]);
            worker(l, n, j, jobs, &b, pp[1]);
        }
        close(pp[1]);
        fds[j] = pp[0];
    }
    if (rc == 0)
        rc = collect(fds, jobs, out, n, &prog);
    for (int j = 0; j < jobs; j++) {
        int st;
        waitpid(pids[j], &st, 0);
        rc |= !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    eco_sim_progress_end(&prog);
    bench_free(&b);
    if (rc) {
        fprintf(stderr, "ecosim fidelity: a worker failed\n");
        eco_free(out);
        return -1;
    }
    *results = out;
    return n;
}
