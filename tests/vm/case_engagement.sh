#!/bin/bash
# case_engagement.sh BIN_DIR: issue 11, engagement. `ecosim bus` and `ecodrived` with the
# default DBC and mapping (whose engaged input is CruiseActive in EcoVehicleMotion) drive the
# Corolla 1.8 CVT on the first 60 s of WLTC class 3b at --speedup 2, the driver's cruise
# switched off from 30 to 40 s (--disengage 30,40) and off at the start (set speed 0 for
# the first 11 s: the cycle's first stop; the window has no other). From
# the daemon's own log: no valid EcoSetpoint after an EcoVehicleMotion frame with
# CruiseActive = 0, EcoReason 1 (not engaged) in 90 % of the EcoStatus2 sent then (the rest
# a stale or bad input, which outranks it: the guest's timers are late at times), 0 while
# valid;
# from the plant: at most one valid setpoint came after each switch-off (made from the frames
# before it; not applied) and 95 % of the steps with the cruise on were driven on valid
# setpoints.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vm_case_begin "$@"
vehicle=$here/../../models/vehicles/toyota_corolla_1p8_cvt.json

wltc3b_window 60 "$tmp/wltc3b_0_60.csv"

"$bin/ecodrived" --iface vcan0 --vehicle "$vehicle" --speedup 2 --log "$tmp/daemon.log" \
    2>"$tmp/daemon.err" &
daemon=$!
trap 'kill $daemon 2>/dev/null' EXIT
"$bin/ecosim" bus --iface vcan0 --vehicle "$vehicle" --cycle "$tmp/wltc3b_0_60.csv" \
    --speedup 2 --disengage 30,40 --json >"$tmp/bus.json" 2>"$tmp/bus.err" ||
    fail "ecosim bus failed: $(cat "$tmp/bus.err")"
kill -TERM $daemon
wait $daemon || fail "ecodrived exit status $?: $(cat "$tmp/daemon.err")"
trap - EXIT
cat "$tmp/bus.err"
grep -E 'stopped|not engaged' "$tmp/daemon.err" | tail -4

line=$(grep 'steps:' "$tmp/bus.err")
[[ $line =~ ([0-9]+)\ steps:\ ([0-9]+)\ on\ valid.*\ ([0-9]+)\ with\ the\ cruise\ on,\ ([0-9]+)\ valid ]] ||
    fail "no step count in: $line"
steps=${BASH_REMATCH[1]} valid=${BASH_REMATCH[2]} cruise=${BASH_REMATCH[3]} late=${BASH_REMATCH[4]}
[ "$steps" -ge 590 ] || fail "only $steps steps"
[ "$cruise" -le $((steps - 100)) ] || fail "$cruise of $steps steps with the cruise on: no window"
[ $((valid * 100)) -ge $((cruise * 95)) ] || fail "only $valid of $cruise cruise steps valid"

# The daemon's log in order: 100# frames set the cruise bit (byte 6, 0x10), 200# setpoints
# (valid: byte 4 bit 0), 202# EcoStatus2 (EcoReason: byte 5, low nibble).
cruise_bit=-1 offs=0 sp_off=0 bad=0 st_off=0 st_off1=0 st_ok=0 st_bad=0 last_valid=0
while read -r _ _ fr; do
    id=${fr%%#*} d=${fr#*#}
    case $id in
    100)
        c=$(((16#${d:12:2} >> 4) & 1))
        [ "$cruise_bit" = 1 ] && [ "$c" = 0 ] && offs=$((offs + 1))
        cruise_bit=$c
        ;;
    200)
        last_valid=$((16#${d:8:2} & 1))
        if [ "$cruise_bit" = 0 ]; then
            sp_off=$((sp_off + 1))
            [ "$last_valid" = 1 ] && bad=$((bad + 1)) && echo "valid setpoint with the cruise off: $fr"
        fi
        ;;
    202)
        r=$((16#${d:10:2} & 15))
        if [ "$cruise_bit" = 0 ]; then # 1 not engaged, or a bad input (3-5: more serious)
            st_off=$((st_off + 1))
            [ "$r" = 1 ] && st_off1=$((st_off1 + 1))
            [ "$r" = 1 ] || [ "$r" -ge 3 -a "$r" -le 5 ] ||
                { st_bad=$((st_bad + 1)); echo "EcoReason $r with the cruise off: $fr"; }
        elif [ "$last_valid" = 1 ]; then
            st_ok=$((st_ok + 1))
            [ "$r" = 0 ] || { st_bad=$((st_bad + 1)); echo "EcoReason $r after a valid setpoint: $fr"; }
        fi
        ;;
    esac
done <"$tmp/daemon.log"
echo "daemon: $sp_off setpoints with the cruise off (in $offs switch-offs), $bad valid;" \
    "EcoStatus2: $st_off with the cruise off ($st_off1 not engaged, the rest a bad input)," \
    "$st_ok after valid setpoints, $st_bad wrong"
[ "$offs" -ge 1 ] || fail "no switch-off of the cruise (the window)"
[ "$sp_off" -ge 100 ] || fail "only $sp_off setpoints with the cruise off"
[ "$bad" = 0 ] || fail "$bad valid setpoints with the cruise off"
[ "$st_off" -ge 5 ] && [ "$st_ok" -ge 5 ] || fail "too few EcoStatus2 frames to judge"
[ "$st_bad" = 0 ] || fail "$st_bad EcoStatus2 frames with the wrong EcoReason"
[ $((st_off1 * 10)) -ge $((st_off * 9)) ] || fail "only $st_off1 of $st_off not engaged"
[ "$late" -le "$offs" ] || fail "$late valid setpoints came after a switch-off, more than $offs"
echo "ok: engagement: $valid of $cruise cruise steps valid, none with the cruise off"
