#!/usr/bin/env python3
"""alpha_to_grid.py - turn one EPA ALPHA engine fuel map (scattered CSV) into the gridded
fuel map and the speed-limit curves that the model loads from models/maps/.

Offline data-prep tool: Python 3 standard library only, never run by CI. The model never
reads the ALPHA files; it reads only what this tool writes.

Usage:  python3 tools/alpha_to_grid.py PATH/TO/epa_alpha_engine_<...>.csv [--out DIR]
                                        [--stem NAME] [--step NM]

Input: the CSV of an EPA NVFEL "ALPHA Map Package" as stored in Ricardo-Luis/me-2
(data/PowerMap/*.csv): one header row (multi-line quoted cells), then rows of
speed rpm, torque Nm, fuel rate g/s, BSFC g/kWh, efficiency %. The points lie on speed
lines; every line uses a subset of one shared torque-breakpoint set, truncated at the
line's full-load torque (so the data is a ragged grid).

Outputs (in --out, default <repo>/models/maps):

  <stem>.fuel.csv    "# source:" line, "# processing:" line, then a header row
                     speed_rpm,<torque_1>,...,<torque_m> and one row per speed with fuel g/s.
                     A regular (rectilinear) grid with no holes, <= 40 x 40, for bilinear
                     lookup (eco_map, GSL interp2d).
  <stem>.limits.csv  "# source:", "# processing:", then speed_rpm,full_load_nm,friction_nm.

Method
  Speed grid   the measured speed lines, as they are.
  Torque grid  0 Nm plus the union of the measured torque breakpoints (all lines share
               one set, so every measured point becomes a grid node and the grid
               reproduces the data exactly). If that union were longer than 39 values, or
               --step is given, a uniform grid 0, step, ... >= max full load is used.
  Per speed line, fuel(T):
    * between the lowest and the highest measured torque: linear in torque between the
      measured points;
    * below the lowest measured torque (down to 0 Nm): the Willans line, i.e. the
      least-squares straight line fuel = a + b*T over the lowest WILLANS_N points;
    * above the highest measured torque (beyond full load): linear extrapolation with the
      slope of the top two points. These cells only fill the rectangle; full load
      (limits.csv) caps torque, so they are never used for operation.
    Fuel must be > 0 and strictly increasing in torque on every line (asserted on the
    values as written).
  full_load_nm = the highest measured torque on each speed line. This is how the ALPHA
    packages define the WOT curve; here it is quantised to the shared breakpoints, so the
    true WOT torque lies between it and the next breakpoint.
  friction_nm  = motoring torque, estimated as the Willans-line intercept: the positive
    torque Tf = a/b at which the low-load line reaches zero fuel (fuel = 0 at T = -Tf).
    It therefore includes closed-throttle pumping and accessories of the test set-up, not
    only rubbing friction. Plausibility: motoring torque rises with speed, and the
    Willans slope implies a marginal (indicated-like) efficiency that cannot exceed
    ETA_MARGINAL_MAX. At the low-speed end the ALPHA lines often show an intercept that
    FALLS as speed rises (idle / low-speed calibration: spark retard, heat loss), which
    is not friction. So: the anchor is the speed line with the smallest intercept; every
    line below the anchor speed, and any line with Tf <= 0 or an implausible slope, gets
    the FMEP-based fallback
        Tf(N) = Tf(anchor) * FMEP_H(N) / FMEP_H(N_anchor),
        FMEP_H(N) [bar] = 0.97 + 0.15 (N/1000) + 0.05 (N/1000)^2
    (Heywood, Internal Combustion Engine Fundamentals, 1988, ch. 13: total motored FMEP
    of four-stroke SI engines of 0.845-2.0 L after Barnes-Moss; also used for the diesel
    for want of a better one). Only the speed shape of the correlation is used, scaled to
    the engine's own Willans intercept at the anchor, so the curve is continuous and
    rises with speed; the absolute Heywood value FMEP_H * Vd / (4 pi) is printed for
    comparison.

Checks printed (per engine): bilinear lookup of the written grid at every original point
(max relative fuel difference), the same with each interior speed line left out (speed
interpolation error), min BSFC on the grid inside full load (node scan and a fine scan of
the bilinear surface) vs the min BSFC of the original points, and peak power.
"""
import argparse
import csv
import math
import os
import statistics
import sys

WILLANS_N = 4              # lowest points per speed line used for the Willans fit
ETA_MARGINAL_MAX = 0.55    # marginal efficiency above this => fit is not physical
MAX_GRID = 40              # eco_map holds at most 40 x 40
FUEL_DEC = 4               # decimals of fuel g/s as written (as in the ALPHA files)
TORQUE_DEC = 2

ME2 = "Ricardo-Luis/me-2@05bbde74:data/PowerMap/"
# ALPHA file name (as in the shared data) -> stem, displacement L, package title, version
ENGINES = {
    "epa_alpha_engine_2018_Toyota_2.5L_A25A-FKS.csv":
        ("toyota_a25a_2p5l", 2.5,
         "2018 Toyota 2.5L A25A-FKS Engine Tier 2 Fuel - ALPHA Map Package", "2020-07"),
    "epa_alpha_engine_2016_Honda_1.5L_L15B7.csv":
        ("honda_l15b7_1p5l_turbo", 1.5,
         "2016 Honda 1.5L L15B7 Engine Tier 2 Fuel - ALPHA Map Package", "2018-05"),
    "epa_alpha_engine_2013_Ford_1.6L_EcoBoost.csv":
        ("ford_ecoboost_1p6l_turbo", 1.6,
         "2013 Ford 1.6L EcoBoost Engine Tier 2 Fuel - ALPHA Map Package", "2018-10"),
    "epa_alpha_engine_2018_Mazda_2.5L_Skyactiv-G.csv":
        ("mazda_skyactiv_g_2p5l", 2.5,
         "2018 Mazda 2.5L Skyactiv-G Engine Tier 2 Fuel - ALPHA Map Package", "2023-08"),
    "epa_alpha_engine_2015_BMW_3.0L_N57.csv":
        ("bmw_n57_3p0l_diesel", 3.0,
         "2015 BMW 3.0L N57 Engine Diesel Fuel - ALPHA Map Package", "2018-06"),
}


def rad_s(rpm):
    return rpm * 2.0 * math.pi / 60.0


def fmep_heywood_bar(rpm):
    k = rpm / 1000.0
    return 0.97 + 0.15 * k + 0.05 * k * k


def linfit(pts):
    """Least-squares y = a + b x over [(x, y), ...]."""
    n = len(pts)
    sx = sum(p[0] for p in pts)
    sy = sum(p[1] for p in pts)
    sxx = sum(p[0] * p[0] for p in pts)
    sxy = sum(p[0] * p[1] for p in pts)
    b = (n * sxy - sx * sy) / (n * sxx - sx * sx)
    return (sy - b * sx) / n, b


def interp1(xs, ys, x):
    """Piecewise linear, linear extrapolation from the end segments."""
    if x <= xs[0]:
        i = 0
    elif x >= xs[-1]:
        i = len(xs) - 2
    else:
        i = 0
        while xs[i + 1] < x:
            i += 1
    t = (x - xs[i]) / (xs[i + 1] - xs[i])
    return ys[i] + t * (ys[i + 1] - ys[i])


def bracket(xs, x):
    """Index i with xs[i] <= x <= xs[i+1] (clamped to the grid)."""
    if x <= xs[0]:
        return 0, 0.0
    if x >= xs[-1]:
        return len(xs) - 2, 1.0
    i = 0
    while xs[i + 1] < x:
        i += 1
    return i, (x - xs[i]) / (xs[i + 1] - xs[i])


def bilinear(speeds, torques, z, rpm, nm):
    i, u = bracket(speeds, rpm)
    j, v = bracket(torques, nm)
    return ((1 - u) * (1 - v) * z[i][j] + u * (1 - v) * z[i + 1][j]
            + (1 - u) * v * z[i][j + 1] + u * v * z[i + 1][j + 1])


def read_alpha(path):
    lines = {}
    bsfc_eff = []
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    for r in rows[1:]:
        if not r or not r[0].strip():
            continue
        rpm, nm, fuel, bsfc, eff = (float(x) for x in r[:5])
        lines.setdefault(rpm, []).append((nm, fuel, bsfc))
        if bsfc > 0 and eff > 0:
            bsfc_eff.append(3600.0 / (bsfc * eff / 100.0))  # implied LHV, MJ/kg
    for rpm in lines:
        lines[rpm].sort()
        ts = [p[0] for p in lines[rpm]]
        assert len(set(ts)) == len(ts), "duplicate torque at %g rpm" % rpm
    return lines, statistics.median(bsfc_eff)


def line_fuel(pts, a, b, t):
    """Fuel on one speed line at torque t (see the header)."""
    ts = [p[0] for p in pts]
    fs = [p[1] for p in pts]
    if t < ts[0]:
        return a + b * t
    if t > ts[-1]:
        return interp1(ts[-2:], fs[-2:], t)
    return interp1(ts, fs, t)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("alpha_csv")
    ap.add_argument("--out", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "models", "maps"))
    ap.add_argument("--stem")
    ap.add_argument("--step", type=float, help="force a uniform torque grid with this step")
    args = ap.parse_args()

    base = os.path.basename(args.alpha_csv)
    if base not in ENGINES and not args.stem:
        sys.exit("unknown ALPHA file %s: add it to ENGINES or give --stem" % base)
    stem, disp_l, package, version = ENGINES.get(base, (args.stem, 0.0, "?", "?"))
    stem = args.stem or stem
    me2_name = base[len("epa_alpha_engine_"):].replace("_", " ")
    source = ("# source: US EPA NVFEL '%s' v%s (US government work, public domain), "
              "via %s%s" % (package, version, ME2, me2_name))

    lines, lhv_mj = read_alpha(args.alpha_csv)
    speeds = sorted(lines)
    assert len(speeds) <= MAX_GRID, "too many speed lines"
    npts = sum(len(v) for v in lines.values())

    # --- Willans fit and friction ------------------------------------------------------
    fit = {}
    for s in speeds:
        pts = lines[s]
        assert len(pts) >= WILLANS_N
        a, b = linfit([(p[0], p[1]) for p in pts[:WILLANS_N]])
        assert b > 0, "Willans slope <= 0 at %g rpm" % s
        tf = a / b
        eta_m = rad_s(s) / (b * lhv_mj * 1000.0)   # W per (J/s of fuel) at the margin
        fit[s] = (a, b, tf, eta_m)
    anchor = min(speeds, key=lambda s: fit[s][2])
    friction, method = {}, {}
    for s in speeds:
        a, b, tf, eta_m = fit[s]
        bad = s < anchor or tf <= 0 or eta_m > ETA_MARGINAL_MAX
        if bad:
            friction[s] = fit[anchor][2] * fmep_heywood_bar(s) / fmep_heywood_bar(anchor)
            method[s] = "fallback"
        else:
            friction[s] = tf
            method[s] = "willans"
    fallback = [s for s in speeds if method[s] == "fallback"]

    full_load = {s: lines[s][-1][0] for s in speeds}
    tmax = max(full_load.values())

    # --- torque grid -------------------------------------------------------------------
    union = sorted({p[0] for s in speeds for p in lines[s]})
    if args.step is None and len(union) + (union[0] > 0) <= MAX_GRID:
        torques = ([0.0] if union[0] > 0 else []) + union
        grid_how = ("torques = 0 plus the %d ALPHA torque breakpoints (shared by all speed "
                    "lines) so every measured point is a grid node" % len(union))
    else:
        step = args.step or 10.0
        n = int(math.ceil(tmax / step - 1e-9)) + 1
        while n > MAX_GRID:
            step *= 2
            n = int(math.ceil(tmax / step - 1e-9)) + 1
        torques = [round(k * step, TORQUE_DEC) for k in range(n)]
        grid_how = "torques = 0 to %g Nm in steps of %g Nm" % (torques[-1], step)
    assert len(torques) <= MAX_GRID
    assert all(t2 > t1 for t1, t2 in zip(torques, torques[1:]))

    z = []
    for s in speeds:
        a, b = fit[s][0], fit[s][1]
        row = [round(line_fuel(lines[s], a, b, t), FUEL_DEC) for t in torques]
        assert all(v > 0 for v in row), "fuel <= 0 at %g rpm" % s
        assert all(v2 > v1 for v1, v2 in zip(row, row[1:])), \
            "fuel not strictly increasing in torque at %g rpm: %s" % (s, row)
        z.append(row)

    # --- write -------------------------------------------------------------------------
    os.makedirs(args.out, exist_ok=True)
    fuel_path = os.path.join(args.out, stem + ".fuel.csv")
    lim_path = os.path.join(args.out, stem + ".limits.csv")
    proc_fuel = (
        "# processing: tools/alpha_to_grid.py; regular grid for bilinear lookup, fuel g/s; "
        "speeds = the %d measured speed lines; %s; per speed line fuel is linear in torque "
        "between measured points, below the lowest measured torque (%.2f Nm) the Willans "
        "line (least-squares fuel-vs-torque fit over the lowest %d points) down to 0 Nm, "
        "above the line's highest measured torque (= full load) linearly extrapolated with "
        "the slope of the top two points: those cells only fill the rectangle and are never "
        "used for operation because full load (%s.limits.csv) limits torque; fuel > 0 and "
        "strictly increasing in torque on every line (asserted)"
        % (len(speeds), grid_how, union[0], WILLANS_N, stem))
    with open(fuel_path, "w", newline="\n") as f:
        f.write(source + "\n" + proc_fuel + "\n")
        f.write("speed_rpm," + ",".join("%.*f" % (TORQUE_DEC, t) for t in torques) + "\n")
        for s, row in zip(speeds, z):
            f.write("%g," % s + ",".join("%.*f" % (FUEL_DEC, v) for v in row) + "\n")

    if fallback:
        fb = ("at %s rpm (%s) the Willans intercept is not friction-like (it falls as speed "
              "rises below the %g rpm line, which has the smallest intercept%s), so there "
              "friction_nm = Tf(%g rpm) * FMEP_H(N)/FMEP_H(%g rpm) with FMEP_H = 0.97 + "
              "0.15 (N/1000) + 0.05 (N/1000)^2 bar (Heywood 1988 ch. 13, Barnes-Moss motored "
              "SI engines; speed shape only)"
              % ("/".join("%g" % s for s in fallback),
                 "fallback" if len(fallback) == 1 else "%d lines" % len(fallback),
                 anchor, "" if all(s < anchor for s in fallback)
                 else ", or it is <= 0 or implies a marginal efficiency > %g" % ETA_MARGINAL_MAX,
                 anchor, anchor))
    else:
        fb = "no fallback was needed"
    proc_lim = (
        "# processing: tools/alpha_to_grid.py; full_load_nm = highest measured torque on each "
        "speed line (the ALPHA packages define the WOT curve this way; quantised to the "
        "shared torque breakpoints); friction_nm = motoring torque estimated as the Willans "
        "intercept, the positive torque at which the least-squares fuel-vs-torque line over "
        "the lowest %d points reaches zero fuel (includes closed-throttle pumping); %s"
        % (WILLANS_N, fb))
    with open(lim_path, "w", newline="\n") as f:
        f.write(source + "\n" + proc_lim + "\n")
        f.write("speed_rpm,full_load_nm,friction_nm\n")
        for s in speeds:
            f.write("%g,%.2f,%.1f\n" % (s, full_load[s], friction[s]))

    # --- checks ------------------------------------------------------------------------
    # Read back what was written, so the checks see the rounded values.
    with open(fuel_path) as f:
        rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
    tq = [float(x) for x in rows[0][1:]]
    sp = [float(r[0]) for r in rows[1:]]
    zz = [[float(x) for x in r[1:]] for r in rows[1:]]
    with open(lim_path) as f:
        lrows = [r for r in csv.reader(f) if r and not r[0].startswith("#")][1:]
    fl = {float(r[0]): float(r[1]) for r in lrows}
    fr = {float(r[0]): float(r[2]) for r in lrows}

    print("== %s  (%s)" % (stem, base))
    print("points %d, speed lines %d (%g..%g rpm), torque grid %d (%g..%g Nm); %s"
          % (npts, len(sp), sp[0], sp[-1], len(tq), tq[0], tq[-1], grid_how))
    print("implied LHV (from BSFC and efficiency columns): %.2f MJ/kg" % lhv_mj)

    worst = (0.0, None)
    for s in speeds:
        for t, fuel, _ in lines[s]:
            e = abs(bilinear(sp, tq, zz, s, t) - fuel) / fuel
            if e > worst[0]:
                worst = (e, (s, t, fuel))
    print("bilinear check at the %d original points: max |grid - original| / original = "
          "%.3g%%%s" % (npts, 100 * worst[0],
                        " at %g rpm / %g Nm (%.4f g/s)" % worst[1] if worst[1] else ""))

    # Leave one interior speed line out: how well does speed interpolation do?
    errs = []
    for k in range(1, len(sp) - 1):
        sp2 = sp[:k] + sp[k + 1:]
        zz2 = zz[:k] + zz[k + 1:]
        cap = min(fl[sp[k - 1]], fl[sp[k + 1]])
        for t, fuel, _ in lines[sp[k]]:
            if t <= cap:
                errs.append((abs(bilinear(sp2, tq, zz2, sp[k], t) - fuel) / fuel, sp[k], t))
    if errs:
        errs.sort()
        e95 = errs[int(0.95 * (len(errs) - 1))][0]
        print("leave-one-speed-line-out check (%d points inside both neighbours' full load): "
              "median %.2f%%, 95th pct %.2f%%, max %.2f%% at %g rpm / %g Nm"
              % (len(errs), 100 * errs[len(errs) // 2][0], 100 * e95, 100 * errs[-1][0],
                 errs[-1][1], errs[-1][2]))

    def bsfc(fuel, rpm, nm):
        return fuel * 3600.0 / (nm * rad_s(rpm) / 1000.0)

    orig_min = min((p[2], s, p[0]) for s in speeds for p in lines[s])
    node_min = min((bsfc(zz[i][j], sp[i], tq[j]), sp[i], tq[j])
                   for i in range(len(sp)) for j in range(len(tq))
                   if 0 < tq[j] <= fl[sp[i]] + 1e-9)
    fine_min = (float("inf"), 0, 0)
    NS, NT = 240, 240
    for a_ in range(NS + 1):
        s = sp[0] + (sp[-1] - sp[0]) * a_ / NS
        wot = interp1(sp, [fl[x] for x in sp], s)
        for b_ in range(1, NT + 1):
            t = wot * b_ / NT
            v = bsfc(bilinear(sp, tq, zz, s, t), s, t)
            if v < fine_min[0]:
                fine_min = (v, s, t)
    print("min BSFC: original points %.1f g/kWh at %g rpm / %g Nm; grid nodes %.1f g/kWh at "
          "%g rpm / %g Nm; fine scan of the bilinear surface inside full load %.1f g/kWh at "
          "%.0f rpm / %.1f Nm (%.1f %% at LHV %.2f MJ/kg)"
          % (orig_min + node_min + fine_min + (360000.0 / (fine_min[0] * lhv_mj), lhv_mj)))
    pk = max((fl[s] * rad_s(s) / 1000.0, s) for s in sp)
    print("peak power of the full-load curve: %.1f kW at %g rpm (%.0f Nm); max full load "
          "%.2f Nm at %s rpm"
          % (pk[0], pk[1], fl[pk[1]], tmax,
             "/".join("%g" % s for s in sp if fl[s] == tmax)))
    print("friction (Willans intercept, lowest %d points), anchor %g rpm:" % (WILLANS_N, anchor))
    print("   rpm  Willans_Tf  eta_marg  written  method    Heywood_abs(Vd=%.1f L)" % disp_l)
    for s in speeds:
        a, b, tf, eta_m = fit[s]
        hey = fmep_heywood_bar(s) * 1e5 * disp_l * 1e-3 / (4 * math.pi)
        print("  %5g  %8.1f  %8.3f  %7.1f  %-8s  %6.1f"
              % (s, tf, eta_m, fr[s], method[s], hey))
    fvals = [fr[s] for s in sp]
    print("friction_nm range %.1f..%.1f Nm; non-decreasing with speed: %s"
          % (min(fvals), max(fvals), all(b >= a for a, b in zip(fvals, fvals[1:]))))
    print("wrote %s, %s" % (os.path.relpath(fuel_path), os.path.relpath(lim_path)))


if __name__ == "__main__":
    main()
