#!/bin/bash
# case_closed_loop.sh BIN_DIR: issue 4, test case 2. `ecosim bus` (the plant) and `ecodrived`
# (the MPC) in closed loop over vcan0 on the first 390 s of WLTC class 3b (it ends at a
# stop), 5x faster than real time (--speedup 5 on both: every period and timeout / 5; the
# frames are the same, on the real kernel bus). Fuel must agree within 1 % with the
# in-process `ecosim run --controller mpc` on the same cut cycle.
#
# The vehicle is the Corolla 1.8 CVT: EcoSetpoint's throttle and regen are, for a
# conventional car with a CVT, the whole recommendation. (A hybrid's engine on/off and power
# travel in EcoEngineRequest/EcoEnginePower, but the Prius is not yet within 1 % raw here:
# see docs/daemon.md, section 8.)
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
require_guest
bin=${1:?BIN_DIR}
tmp=$(mktemp -d)
here=$(cd "$(dirname "$0")" && pwd)
vehicle=$here/../../models/vehicles/toyota_corolla_1p8_cvt.json
speedup=${ECO_BUS_SPEEDUP:-5}

# The cycle window: rows with time_s <= 390 of the shipped CSV.
{
    IFS= read -r header
    echo "$header"
    while IFS=, read -r t rest; do
        [ "${t%%.*}" -le 390 ] && echo "$t,$rest"
    done
} <"$here/../../sim/cycles/wltc_class3b.csv" >"$tmp/wltc3b_0_390.csv"

"$bin/ecosim" run --vehicle "$vehicle" --cycle "$tmp/wltc3b_0_390.csv" --controller mpc --band 0 --json \
    >"$tmp/inproc.json" || fail "ecosim run failed"

"$bin/ecodrived" --iface vcan0 --vehicle "$vehicle" --speedup "$speedup" --log "$tmp/daemon.log" \
    2>"$tmp/daemon.err" &
daemon=$!
trap 'kill $daemon 2>/dev/null' EXIT
"$bin/ecosim" bus --iface vcan0 --vehicle "$vehicle" --cycle "$tmp/wltc3b_0_390.csv" \
    --speedup "$speedup" --json >"$tmp/bus.json" 2>"$tmp/bus.err" || fail "ecosim bus failed: $(cat "$tmp/bus.err")"
kill -TERM $daemon
wait $daemon || fail "ecodrived exit status $?"
cat "$tmp/bus.err"
grep -E 'stopped|overrun' "$tmp/daemon.err" | tail -3

fuel() { # field of a one-line JSON object, as text
    local j
    j=$(<"$1")
    j=${j#*\""$2"\":}
    echo "${j%%[,\}]*}"
}
a=$(fuel "$tmp/inproc.json" fuel_l_per_100km)
b=$(fuel "$tmp/bus.json" fuel_l_per_100km)
inv=$(fuel "$tmp/bus.json" invalid_setpoints)
dist=$(fuel "$tmp/bus.json" distance_km)
pct=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", 100 * (b - a) / a }')
echo "fuel: in-process mpc $a L/100km, closed loop over vcan0 $b L/100km: $pct %; $inv driver steps; $dist km"
awk -v p="$pct" 'BEGIN { exit !(p <= 1 && p >= -1) }' || fail "fuel differs by $pct % (> 1 %)"
n=$(grep -c ' 200#' "$tmp/daemon.log")
[ "$n" -ge 3500 ] || fail "only $n setpoints in the daemon's log"
echo "ok: within 1 %; the daemon's candump log holds $n setpoints"
