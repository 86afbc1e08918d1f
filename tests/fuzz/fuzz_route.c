/* libFuzzer harness: the route file (eco_cfg_route_load, src/config/route_csv.c) and the
 * limits file (eco_cfg_route_limits_load), from a memfd. A route that loads is queried at
 * its rows and between them, written back (eco_cfg_route_write) and must load again with
 * the same number of rows: the writer's contract is "as eco_cfg_route_load reads it". */
#include "ecodrive/config.h"
#include "ecodrive/route.h"
#include "fuzz_util.h"

#include <stdio.h>
#include <stdlib.h>

static void query(const eco_route *r)
{
    double at, dwell;
    for (int i = 0; i < r->n; i++) {
        double d = r->row[i].distance_m;
        double mid = i + 1 < r->n ? 0.5 * (d + r->row[i + 1].distance_m) : d + 1.0;
        double probes[3] = {d, mid, -d};
        for (int k = 0; k < 3; k++) {
            int row = eco_route_row_at(r, probes[k]);
            ECO_FUZZ_ASSERT(row >= 0 && row < r->n);
            eco_route_limit_mps(r, probes[k]);
            eco_route_grade_rad(r, probes[k]);
            eco_route_elevation_m(r, probes[k]);
            eco_route_next_stop(r, probes[k], k == 0, &at, &dwell);
            eco_route_limit_ahead_mps(r, probes[k], 1.0);
            eco_route_envelope_mps(r, probes[k], 1.0);
        }
    }
    eco_route_stops(r);
    eco_route_dwell_s(r);
    eco_route_length_m(r);
}

static void write_and_reload(const eco_route *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    if (!fp)
        abort();
    ECO_FUZZ_ASSERT(eco_cfg_route_write(fp, r) == ECO_OK);
    fclose(fp);
    eco_route back;
    int rc = eco_cfg_route_load(eco_fuzz_file((const uint8_t *)text, len), &back);
    if (rc)
        fprintf(stderr, "reload: %s\n", eco_last_error());
    ECO_FUZZ_ASSERT(rc == ECO_OK);
    ECO_FUZZ_ASSERT(back.n == r->n);
    eco_route_free(&back);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = eco_fuzz_file(data, size);
    eco_route r;
    if (eco_cfg_route_load(path, &r) == ECO_OK) {
        query(&r);
        write_and_reload(&r);
        eco_route_free(&r);
    }
    eco_route_row *rows = NULL;
    int n = 0;
    if (eco_cfg_route_limits_load(eco_fuzz_file(data, size), &rows, &n) == ECO_OK) {
        ECO_FUZZ_ASSERT(n >= 1 && rows);
        eco_free(rows);
    }
    return 0;
}
