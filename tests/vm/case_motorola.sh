#!/bin/bash
# case_motorola.sh BIN_DIR: the Motorola, 29-bit-id example DBC end to end. `ecosim bus` and
# `ecodrived`, both given --dbc models/example_motorola.dbc and no --mapping, each find the
# DBC's own shipped mapping (models/mappings/example_motorola.json) and drive the Corolla
# 1.8 CVT in closed loop over vcan0 on the first 60 s of WLTC class 3b at --speedup 2
# (30 s): the bus carries the example's frames (EcoCmd is 0x18FF0A80 with the extended
# flag), and the car drives on the daemon's valid setpoints.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vm_case_begin "$@"
dbc=$here/../../models/example_motorola.dbc
vehicle=$here/../../models/vehicles/toyota_corolla_1p8_cvt.json

wltc3b_window 60 "$tmp/wltc3b_0_60.csv"

"$bin/ecodrived" --iface vcan0 --dbc "$dbc" --vehicle "$vehicle" --speedup 2 \
    --log "$tmp/daemon.log" 2>"$tmp/daemon.err" &
daemon=$!
trap 'kill $daemon 2>/dev/null' EXIT
"$bin/ecosim" bus --iface vcan0 --dbc "$dbc" --vehicle "$vehicle" --cycle "$tmp/wltc3b_0_60.csv" \
    --speedup 2 --json >"$tmp/bus.json" 2>"$tmp/bus.err" ||
    fail "ecosim bus failed: $(cat "$tmp/bus.err")"
kill -TERM $daemon
wait $daemon || fail "ecodrived exit status $?: $(cat "$tmp/daemon.err")"
trap - EXIT
cat "$tmp/bus.err"
grep -E 'stopped|overrun|invalid' "$tmp/daemon.err" | tail -6

# "ecosim bus: N steps: M on valid setpoints (...), ... K with the cruise on, ..."; the
# mapping has no engaged input, so the set speed decides: none at the stops (set speed 0).
line=$(grep 'steps:' "$tmp/bus.err")
[[ $line =~ ([0-9]+)\ steps:\ ([0-9]+)\ on\ valid.*\ ([0-9]+)\ with\ the\ cruise\ on ]] ||
    fail "no step count in: $line"
steps=${BASH_REMATCH[1]} valid=${BASH_REMATCH[2]} cruise=${BASH_REMATCH[3]}
[ "$steps" -ge 590 ] || fail "only $steps steps"
[ $((valid * 100)) -ge $((cruise * 95)) ] ||
    fail "only $valid of $cruise steps with the cruise on on valid setpoints"
n=0 inputs=0
while IFS= read -r l; do
    [[ $l == *' 18FF0A80#'* ]] && n=$((n + 1))
    [[ $l == *' 0CF004FE#'* || $l == *' 18FEF1FE#'* ]] && inputs=$((inputs + 1))
done <"$tmp/daemon.log"
[ "$n" -ge 550 ] || fail "only $n EcoCmd frames (0x18FF0A80) in the daemon's log"
[ "$inputs" -ge 100 ] || fail "only $inputs EEC1/CCVS frames received"
echo "ok: both found example_motorola.json; $valid of $cruise steps with the cruise on (of $steps) on valid setpoints," \
    "$n EcoCmd frames sent, $inputs EEC1/CCVS frames received"
