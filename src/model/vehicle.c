/* Vehicle parameter checks and the derived data made once at load. */
#include "ecodrive/model.h"
#include "ecodrive/units.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static int check_positive(const char *field, double v)
{
    if (!(v > 0.0) || !isfinite(v)) {
        eco_set_error("%s: must be > 0, got %g", field, v);
        return ECO_EINVAL;
    }
    return ECO_OK;
}

static int check_range(const char *field, double v, double lo, double hi)
{
    if (!(v >= lo && v <= hi)) {
        eco_set_error("%s: must be in [%g, %g], got %g", field, lo, hi, v);
        return ECO_EINVAL;
    }
    return ECO_OK;
}

static int check_curve(const char *field, const eco_curve *c)
{
    if (c->n < 1 || c->n > ECO_CURVE_MAX) {
        eco_set_error("%s: needs 1..%d points, has %d", field, ECO_CURVE_MAX, c->n);
        return ECO_EINVAL;
    }
    for (int i = 0; i < c->n; i++) {
        if (!isfinite(c->x[i]) || !isfinite(c->y[i])) {
            eco_set_error("%s[%d]: not a finite number", field, i);
            return ECO_EINVAL;
        }
        if (i > 0 && !(c->x[i] > c->x[i - 1])) {
            eco_set_error("%s[%d]: x must increase (%g after %g)", field, i, c->x[i], c->x[i - 1]);
            return ECO_EINVAL;
        }
    }
    return ECO_OK;
}

static int check_map(const char *field, const eco_map *m)
{
    if (m->nx < 2 || m->ny < 2 || m->nx > ECO_MAP_MAX || m->ny > ECO_MAP_MAX) {
        eco_set_error("%s: needs 2..%d points per axis, has %d x %d", field, ECO_MAP_MAX, m->nx,
                      m->ny);
        return ECO_EINVAL;
    }
    for (int i = 1; i < m->nx; i++)
        if (!(m->x[i] > m->x[i - 1])) {
            eco_set_error("%s: speed axis must increase at index %d", field, i);
            return ECO_EINVAL;
        }
    for (int j = 1; j < m->ny; j++)
        if (!(m->y[j] > m->y[j - 1])) {
            eco_set_error("%s: torque axis must increase at index %d", field, j);
            return ECO_EINVAL;
        }
    for (int k = 0; k < m->nx * m->ny; k++)
        if (!isfinite(m->z[k]) || m->z[k] < 0.0) {
            eco_set_error("%s: hole or negative value at speed %g rad/s, torque %g Nm", field,
                          m->x[k % m->nx], m->y[k / m->nx]);
            return ECO_EINVAL;
        }
    return ECO_OK;
}

static int check_machine(const char *field, const eco_machine *m)
{
    static const struct {
        const char *name;
        size_t offset;
    } positive[] = {
        {"max_power_w", offsetof(eco_machine, max_power_w)},
        {"max_torque_nm", offsetof(eco_machine, max_torque_nm)},
        {"max_speed_radps", offsetof(eco_machine, max_speed_radps)},
        {"gear_ratio", offsetof(eco_machine, gear_ratio)},
    };
    char f[128];
    int rc;
    for (size_t i = 0; i < sizeof positive / sizeof positive[0]; i++) {
        snprintf(f, sizeof f, "%s.%s", field, positive[i].name);
        if ((rc = check_positive(f, *(const double *)((const char *)m + positive[i].offset))))
            return rc;
    }
    snprintf(f, sizeof f, "%s.efficiency", field);
    if ((rc = check_curve(f, &m->efficiency)))
        return rc;
    for (int i = 0; i < m->efficiency.n; i++)
        if (!(m->efficiency.y[i] > 0.0 && m->efficiency.y[i] <= 1.0)) {
            eco_set_error("%s[%d]: efficiency must be in (0, 1], got %g", f, i, m->efficiency.y[i]);
            return ECO_EINVAL;
        }
    return ECO_OK;
}

static int has_engine(const eco_vehicle *v)
{
    return v->powertrain != ECO_PT_BEV;
}

static int has_battery(const eco_vehicle *v)
{
    return v->powertrain != ECO_PT_CONV;
}

static int check_engine(const eco_engine *e)
{
    int rc;
    if ((rc = check_positive("engine.displacement_l", e->displacement_l)) ||
        (rc = check_positive("engine.rated_power_w", e->rated_power_w)) ||
        (rc = check_positive("engine.idle_speed_radps", e->idle_speed_radps)) ||
        (rc = check_map("engine.fuel_map", &e->fuel_gps)) ||
        (rc = check_curve("engine.full_load_nm", &e->full_load_nm)) ||
        (rc = check_curve("engine.friction_nm", &e->friction_nm)) ||
        (rc = check_curve("engine.nox_g_per_kg_fuel", &e->nox_g_per_kg_fuel)) ||
        (rc = check_range("engine.cold_fuel_extra", e->cold_fuel_extra, 0.0, 2.0)))
        return rc;
    if (!(e->max_speed_radps > e->idle_speed_radps)) {
        eco_set_error("engine.max_speed: must exceed idle speed (%g <= %g rad/s)",
                      e->max_speed_radps, e->idle_speed_radps);
        return ECO_EINVAL;
    }
    if (e->cold_fuel_extra > 0.0 &&
        (rc = check_positive("engine.warmup_fuel_energy_j", e->warmup_fuel_energy_j)))
        return rc;
    return ECO_OK;
}

static int check_battery(const eco_battery *b)
{
    int rc;
    if ((rc = check_positive("battery.capacity_ah", b->capacity_ah)) ||
        (rc = check_curve("battery.ocv_v", &b->ocv_v)) ||
        (rc = check_range("battery.r_internal_ohm", b->r_internal_ohm, 0.0, 10.0)) ||
        (rc = check_positive("battery.max_discharge_w", b->max_discharge_w)) ||
        (rc = check_positive("battery.max_charge_w", b->max_charge_w)) ||
        (rc = check_positive("battery.max_current_a", b->max_current_a)) ||
        (rc = check_range("battery.soc_min", b->soc_min, 0.0, 1.0)) ||
        (rc = check_range("battery.soc_max", b->soc_max, 0.0, 1.0)))
        return rc;
    if (!(b->soc_min < b->soc_max)) {
        eco_set_error("battery.soc_min/soc_max: window reversed (min %g >= max %g)", b->soc_min,
                      b->soc_max);
        return ECO_EINVAL;
    }
    if ((rc = check_range("battery.soc_init", b->soc_init, b->soc_min, b->soc_max)))
        return rc;
    for (int i = 0; i < b->ocv_v.n; i++)
        if (!(b->ocv_v.y[i] > 0.0)) {
            eco_set_error("battery.ocv_v[%d]: voltage must be > 0, got %g", i, b->ocv_v.y[i]);
            return ECO_EINVAL;
        }
    return ECO_OK;
}

static int check_gearbox(const eco_vehicle *v)
{
    const eco_gearbox *g = &v->gearbox;
    int rc;
    if ((rc = check_positive("gearbox.final_drive", g->final_drive)) ||
        (rc = check_range("gearbox.efficiency", g->efficiency, 0.5, 1.0)) ||
        (rc = check_range("gearbox.final_drive_efficiency", g->final_drive_efficiency, 0.5, 1.0)))
        return rc;
    if (g->type == ECO_TX_STEPPED) {
        if (g->n_gears < 1 || g->n_gears > ECO_GEARS_MAX) {
            eco_set_error("gearbox.ratios: needs 1..%d gears, has %d", ECO_GEARS_MAX, g->n_gears);
            return ECO_EINVAL;
        }
        for (int i = 0; i < g->n_gears; i++)
            if (!(g->ratio[i] > 0.0) || (i > 0 && !(g->ratio[i] < g->ratio[i - 1]))) {
                eco_set_error("gearbox.ratios[%d]: must be > 0 and fall with each gear, got %g", i,
                              g->ratio[i]);
                return ECO_EINVAL;
            }
    } else if (g->type == ECO_TX_CVT) {
        if (!(g->cvt_ratio_min > 0.0 && g->cvt_ratio_min < g->cvt_ratio_max)) {
            eco_set_error("gearbox.cvt_ratio_min/max: need 0 < min < max, got %g, %g",
                          g->cvt_ratio_min, g->cvt_ratio_max);
            return ECO_EINVAL;
        }
    } else if (g->type == ECO_TX_SPLIT) {
        if ((rc = check_range("gearbox.split_rho", g->split_rho, 0.1, 1.0)))
            return rc;
    }
    if (g->type == ECO_TX_SPLIT && !(v->powertrain == ECO_PT_HEV || v->powertrain == ECO_PT_PHEV)) {
        eco_set_error("gearbox.type: a power split needs a hybrid powertrain");
        return ECO_EINVAL;
    }
    if ((v->powertrain == ECO_PT_HEV || v->powertrain == ECO_PT_PHEV) && g->type != ECO_TX_SPLIT &&
        !(v->powertrain == ECO_PT_HEV && g->type == ECO_TX_STEPPED)) {
        eco_set_error("gearbox.type: a hybrid is a power split (type \"split\") or, charge "
                      "sustaining, a parallel P2 on a stepped box (\"stepped\")");
        return ECO_EINVAL;
    }
    return ECO_OK;
}

int eco_vehicle_is_p2(const eco_vehicle *v)
{
    return (v->powertrain == ECO_PT_HEV || v->powertrain == ECO_PT_PHEV) &&
           v->gearbox.type == ECO_TX_STEPPED;
}

int eco_vehicle_validate(const eco_vehicle *v)
{
    int rc;
    if ((rc = check_range("powertrain", v->powertrain, ECO_PT_CONV, ECO_PT_PHEV)) ||
        (rc = check_positive("mass_kg", v->mass_kg)) ||
        (rc = check_range("rotating_mass_kg", v->rotating_mass_kg, 0.0, v->mass_kg)) ||
        (rc = check_range("f0_n", v->f0_n, 0.0, 5000.0)) ||
        (rc = check_range("f1_n_per_mps", v->f1_n_per_mps, -100.0, 100.0)) ||
        (rc = check_positive("f2_n_per_mps2", v->f2_n_per_mps2)) ||
        (rc = check_positive("wheel_radius_m", v->wheel_radius_m)) ||
        (rc = check_positive("brake_max_n", v->brake_max_n)) ||
        (rc = check_range("aux_power_w", v->aux_power_w, 0.0, 20000.0)) || (rc = check_gearbox(v)))
        return rc;
    if (has_engine(v)) {
        if ((rc = check_engine(&v->engine)) ||
            (rc = check_positive("fuel.lhv_j_per_g", v->fuel.lhv_j_per_g)) ||
            (rc = check_positive("fuel.density_g_per_l", v->fuel.density_g_per_l)) ||
            (rc = check_range("fuel.carbon_fraction", v->fuel.carbon_fraction, 0.5, 1.0)))
            return rc;
    }
    if (v->powertrain == ECO_PT_CONV &&
        (rc = check_range("alternator_efficiency", v->alternator_efficiency, 0.3, 1.0)))
        return rc;
    if (has_battery(v)) {
        if ((rc = check_battery(&v->battery)) || (rc = check_machine("motor", &v->motor)) ||
            (rc = check_range("regen_fade_high_mps", v->regen_fade_high_mps, v->regen_fade_low_mps,
                              50.0)))
            return rc;
    }
    if (v->gearbox.type == ECO_TX_SPLIT && (rc = check_machine("generator", &v->generator)))
        return rc;
    if ((v->powertrain == ECO_PT_BEV || v->powertrain == ECO_PT_PHEV) &&
        (rc = check_range("charger_efficiency", v->charger_efficiency, 0.5, 1.0)))
        return rc;
    return ECO_OK;
}

/* Brake torque the engine can give at a speed: full load, and never above rated power. */
static double engine_max_torque(const eco_engine *e, double w)
{
    double t = eco_curve_eval(&e->full_load_nm, w);
    return w > 0.0 ? fmin(t, e->rated_power_w / w) : t;
}

/* For each output power, the speed with the least fuel: the operating line a CVT or a
 * power split follows. Kept non-decreasing so that the speed never falls as power rises. */
static void make_best_speed_line(eco_engine *e)
{
    const int n_power = ECO_CURVE_MAX;
    const int n_speed = 120;
    double w_lo = e->idle_speed_radps, w_hi = e->max_speed_radps;
    double prev = w_lo;
    e->best_speed.n = n_power;
    for (int k = 0; k < n_power; k++) {
        double p = e->rated_power_w * k / (n_power - 1);
        double best_w = w_hi, best_fuel = INFINITY;
        for (int i = 0; i < n_speed; i++) {
            double w = w_lo + (w_hi - w_lo) * i / (n_speed - 1);
            double t = p / w;
            if (t > engine_max_torque(e, w) * 0.999)
                continue;
            double f = eco_engine_fuel_gps(e, w, t);
            if (f < best_fuel) {
                best_fuel = f;
                best_w = w;
            }
        }
        prev = fmax(prev, best_w);
        e->best_speed.x[k] = p;
        e->best_speed.y[k] = prev;
    }
}

/* Shift speeds when the vehicle file gives none: up when the next gear keeps the engine
 * at or above 1600 rpm, down when this gear drops it under 1100 rpm (a moderate,
 * economy-biased automatic schedule). */
static void make_default_schedule(eco_vehicle *v)
{
    eco_gearbox *g = &v->gearbox;
    double k = v->wheel_radius_m / g->final_drive;
    for (int i = 0; i + 1 < g->n_gears; i++) {
        if (g->upshift_speed_mps[i] > 0.0)
            continue;
        g->upshift_speed_mps[i] = 1600.0 * ECO_RADPS_PER_RPM * k / g->ratio[i + 1];
        g->downshift_speed_mps[i] = 1100.0 * ECO_RADPS_PER_RPM * k / g->ratio[i + 1];
    }
}

int eco_vehicle_init(eco_vehicle *v)
{
    int rc = eco_vehicle_validate(v);
    if (rc)
        return rc;
    if (has_engine(v)) {
        eco_engine *e = &v->engine;
        if ((rc = eco_map_init(&e->fuel_gps)))
            return rc;
        make_best_speed_line(e);
        if (e->idle_fuel_gps <= 0.0)
            e->idle_fuel_gps = eco_engine_fuel_gps(e, e->idle_speed_radps, 0.0);
    }
    if (v->gearbox.type == ECO_TX_STEPPED)
        make_default_schedule(v);
    return ECO_OK;
}

void eco_vehicle_free(eco_vehicle *v)
{
    eco_map_free(&v->engine.fuel_gps);
}

void eco_model_state_init(const eco_vehicle *v, int engine_hot, eco_state *x)
{
    memset(x, 0, sizeof *x);
    x->soc = v->powertrain == ECO_PT_CONV ? 0.0 : v->battery.soc_init;
    x->engine_warm = engine_hot ? 1.0 : 0.0;
    x->gear = 1;
    x->engine_on = 0;
}
