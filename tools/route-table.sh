#!/bin/sh
# The route acceptance table of docs/route.md (issue 9): for each vehicle and shipped drive,
# the human as driven (the baseline on the exact trace), the route made from the drive, and
# the route MPC and DP on it at the human's trip time. Usage: tools/route-table.sh BIN_DIR
# [VEHICLE_JSON...] (default: the shipped vehicles the route MPC and DP plan for, which the
# P2 hybrid is not yet). Prints a Markdown table.
set -eu
bin=${1:-build/bin}
shift || true
here=$(cd "$(dirname "$0")/.." && pwd)
planned() { # the shipped vehicles but the parallel P2 hybrids (an "hev" on a stepped box)
    python3 - "$here"/models/vehicles/*.json <<'PY'
import json, sys
for f in sys.argv[1:]:
    v = json.load(open(f))
    if not (v["powertrain"] == "hev" and v["gearbox"]["type"] == "stepped"):
        print(f)
PY
}
vehicles=${*:-$(planned)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
num() { python3 -c "import json,sys; d=json.load(open('$1')); print($2)"; }
echo "| vehicle | drive | human | MPC | DP | MPC saving | MPC/DP | human s | MPC s | DP s | over_limit_s MPC/DP | distance error MPC % |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for veh in $vehicles; do
    v=$(basename "$veh" .json)
    for f in "$here"/sim/drives/*.csv; do
        n=$(basename "$f" .csv)
        t0=$(date +%s)
        "$bin/ecosim" route --from-drive "$f" -o "$tmp/$n.csv" >/dev/null 2>&1
        "$bin/ecosim" run --cycle "$f" --vehicle "$veh" --controller baseline --band 0 --json \
            >"$tmp/h.json"
        key=$(num "$tmp/h.json" "'energy_kwh_per_100km' if d['fuel_l_per_100km']==0 else 'fuel_soc_corrected_l_per_100km'")
        t=$(num "$tmp/h.json" "d['duration_s']")
        failed=
        for c in mpc dp; do
            if ! "$bin/ecosim" run --route "$tmp/$n.csv" --vehicle "$veh" --controller $c \
                --trip-time "$t" --json --quiet >"$tmp/$c.json" 2>"$tmp/$c.err"; then
                failed="$failed $c: $(tr '\n' ' ' <"$tmp/$c.err")"
            fi
        done
        if [ -n "$failed" ]; then # a row that says so, and on to the next drive
            echo "| $v | $n | failed:$failed |"
            continue
        fi
        python3 - "$tmp" "$key" "$v" "$n" <<'PY'
import json, sys
d, key, v, n = sys.argv[1:]
h, m, p = (json.load(open(f"{d}/{x}.json")) for x in ("h", "mpc", "dp"))
print(f"| {v} | {n} | {h[key]:.3f} | {m[key]:.3f} | {p[key]:.3f} | {100*(1-m[key]/h[key]):.1f} % "
      f"| {m[key]/p[key]:.3f} | {h['duration_s']:.0f} | {m['trip_time_s']:.0f} | {p['trip_time_s']:.0f} "
      f"| {m['over_limit_s']:.1f}/{p['over_limit_s']:.1f} | {m['distance_error_pct']:.4f} |")
PY
        echo "route-table: $v $n: $(($(date +%s) - t0)) s" >&2
    done
done
