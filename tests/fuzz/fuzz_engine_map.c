/* libFuzzer harness: the engine-map CSVs (eco_cfg_engine_map_load reads
 * <dir>/<stem>.fuel.csv and <dir>/<stem>.limits.csv). Input: the fuel map, a line
 * "--limits--", then the limits; both written to a private folder on tmpfs. A map that loads
 * is scaled (eco_cfg_engine_map_scale) and evaluated over its grid. */
#include "ecodrive/config.h"
#include "ecodrive/model.h"
#include "fuzz_util.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *limits;
    size_t limits_size;
    size_t fuel_size = eco_fuzz_split(data, size, "\n--limits--\n", &limits, &limits_size);
    const char *dir = eco_fuzz_dir_write("fuzz.fuel.csv", data, fuel_size);
    eco_fuzz_dir_write("fuzz.limits.csv", limits ? limits : data, limits ? limits_size : 0);
    eco_engine e;
    memset(&e, 0, sizeof e);
    double disp = 0.0;
    if (eco_cfg_engine_map_load(dir, "fuzz", &e, &disp) != ECO_OK)
        return 0;
    ECO_FUZZ_ASSERT(e.fuel_gps.nx >= 2 && e.fuel_gps.ny >= 2);
    ECO_FUZZ_ASSERT(e.fuel_gps.nx <= ECO_MAP_MAX && e.fuel_gps.ny <= ECO_MAP_MAX);
    double top = e.full_load_nm.n ? e.full_load_nm.x[e.full_load_nm.n - 1] : 0.0;
    if (eco_cfg_engine_map_scale(&e, 1.3, 100000.0, 300.0, top * 1.2 + 1.0) == ECO_OK &&
        eco_map_init(&e.fuel_gps) == ECO_OK) {
        for (int i = 0; i < e.fuel_gps.nx; i++)
            for (int j = 0; j < e.fuel_gps.ny; j++)
                eco_map_eval(&e.fuel_gps, e.fuel_gps.x[i], e.fuel_gps.y[j]);
        eco_curve_eval(&e.full_load_nm, top);
        eco_curve_eval(&e.friction_nm, top);
        eco_map_free(&e.fuel_gps);
    }
    return 0;
}
