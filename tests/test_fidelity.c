/* Fidelity: the EPA calibration cars against their raw EPA results (issue 2's acceptance
 * table): within 5 % on the highway test, 8 % on FTP/UDDS. */
#include "fidelity.h"

#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>

Test(fidelity, epa_cars_within_tolerance)
{
    gsl_set_error_handler_off();
    /* The table finds its data as ecosim does: beside the executables. */
    setenv("ECODRIVE_DATA_DIR", ECO_BIN_DIR "/../share/ecodrive", 1);
    eco_sim_fidelity_row *rows;
    int n = eco_sim_fidelity(&rows);
    cr_assert_eq(n, 8);
    for (int i = 0; i < n; i++)
        cr_expect(fabs(rows[i].error_pct) <= rows[i].tolerance_pct,
                  "%s on %s: %.1f vs EPA %.1f (%+.1f %%, limit %.0f %%)", rows[i].vehicle,
                  rows[i].cycle, rows[i].sim_value, rows[i].epa_value, rows[i].error_pct,
                  rows[i].tolerance_pct);
}
