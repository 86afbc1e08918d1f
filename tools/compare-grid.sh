#!/usr/bin/env bash
# The MPC against the baseline and the DP on every shipped cycle and vehicle: runs
# `ecosim compare --json` for each case (two at a time) and prints two markdown tables,
# exact trace and WLTP band; cell: MPC vs baseline / MPC÷DP / s outside the WLTP tolerance /
# distance error; under each, the most creep_s of the MPC and the DP. docs/mpc.md quotes its
# output.
# usage: tools/compare-grid.sh [BUILD_DIR] [OUT_DIR]   (defaults: build, a temporary dir)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
out=${2:-$(mktemp -d "${TMPDIR:-/tmp}/compare-grid.XXXXXX")}
ecosim="$build/bin/ecosim"
mkdir -p "$out"
[ -x "$ecosim" ] || { echo "compare-grid: no $ecosim (build first)" >&2; exit 2; }
vehicles="toyota_prius_2022 vw_golf_1p5tsi_2020 toyota_corolla_1p8_cvt tesla_model3_rwd_2022 renault_zoe_ze50"
cycles="wltc_class1 wltc_class2 wltc_class3a wltc_class3b nedc udds ftp75 hwfet us06"
for band in 0 2,1; do
    for v in $vehicles; do
        for c in $cycles; do
            echo "$band $v $c"
        done
    done
done | OUT=$out HERE=$here ECOSIM=$ecosim xargs -P 2 -L 1 bash -c '
    f="$OUT/$0_$1_$2.json"
    if [ ! -s "$f" ]; then # kept: a second run with the same OUT_DIR only fills the gaps
        "$ECOSIM" compare --quiet --json --band "$0" --cycle "$2" \
            --vehicle "$HERE/models/vehicles/$1.json" >"$f.tmp" && mv "$f.tmp" "$f"
    fi
    echo "$0 $1 $2"' 2>&1 |
    awk '{ n++; printf "\rcompare-grid: %d/90 %s          ", n, $0 > "/dev/stderr" }'
echo >&2
python3 - "$out" "$vehicles" "$cycles" <<'PY'
import json, sys
out, vehicles, cycles = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
for band, title in (("0", "Exact trace"), ("2,1", "WLTP band 2 km/h, 1 s")):
    print(f"{title} (cell: MPC vs baseline / MPC÷DP / MPC s outside WLTP tolerance / distance error)\n")
    print("| vehicle | " + " | ".join(cycles) + " |")
    print("|---" * (len(cycles) + 1) + "|")
    for v in vehicles:
        cells = []
        for c in cycles:
            d = json.load(open(f"{out}/{band}_{v}_{c}.json"))
            m = d["mpc"]
            cells.append(f"{-d['mpc_vs_baseline_pct']:+.1f}% / {d['mpc_over_dp']:.3f} / "
                         f"{m['outside_tolerance_s']:.1f} / {m['distance_error_pct']:+.2f}%")
        print(f"| {v} | " + " | ".join(cells) + " |")
    creep = {k: max(json.load(open(f"{out}/{band}_{v}_{c}.json"))[k]["creep_s"]
                    for v in vehicles for c in cycles) for k in ("mpc", "dp")}
    print(f"\ncreep_s, most over the {len(vehicles) * len(cycles)} cases: "
          f"MPC {creep['mpc']:.1f} s, DP {creep['dp']:.1f} s\n")
PY
