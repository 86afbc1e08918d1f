#!/bin/bash
# case_horizon_route.sh BIN_DIR: issue 10, the route on the bus. A route made by `ecosim route
# --from-drive` from the first 600 s of a shipped drive (cmap_4116880_1_2007-04-23, the
# shortest; two stops of 54 and 60 s), driven in closed loop over vcan by `ecosim bus
# --route R` (the plant and the map ECU) and `ecodrived`, 5x faster than real time, three
# ways at once (vcan0, vcan1, vcan2), the daemon at the in-process MPC's time price:
# - the horizon on the bus, the daemon without --route: its route MPC plans on the horizon;
#   it must take every horizon frame, reject none, say the horizon is in use (EcoHorizonState
#   1);
# - the route file: `ecodrived --route R` on a copy of the DBC without EcoHorizon (the map
#   ECU's frames unknown to it), EcoHorizonState 4;
# - the same DBC without --route: the set-speed preview (EcoHorizonState 5), which must burn
#   measurably more (2 %) than the horizon.
# The first two must arrive within 2 % of the in-process `ecosim run --route R --controller
# mpc`'s trip time and fuel (issue 10), with at most 1 % of the steps with the cruise on the
# driver's, and the car on the daemon's friction brake (EcoBrake) with every setpoint it acts
# on. `--replay` of the horizon run's log twice gives the same setpoints.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vm_case_begin "$@"
speedup=${ECO_BUS_SPEEDUP:-5}
vehicle=$here/../../models/vehicles/toyota_corolla_1p8_cvt.json

head -n 601 "$here/../../sim/drives/cmap_4116880_1_2007-04-23.csv" >"$tmp/drive.csv"
"$bin/ecosim" route --from-drive "$tmp/drive.csv" -o "$tmp/r.csv" || fail "ecosim route failed"

# on_bus NAME IFACE DBC [DAEMON OPTIONS...]: the daemon on DBC and the plant (the map ECU
# too) over IFACE.
on_bus() {
    local name=$1 iface=$2 dbc=$3 daemon
    shift 3
    "$bin/ecodrived" --iface "$iface" --dbc "$dbc" --mapping "$mapping" --vehicle "$vehicle" --speedup "$speedup" "$@" \
        --log "$tmp/$name.log" 2>"$tmp/$name.daemon.err" &
    daemon=$!
    trap 'kill $daemon 2>/dev/null' EXIT
    "$bin/ecosim" bus --iface "$iface" --dbc "$tmp/slow.dbc" --mapping "$mapping" --vehicle "$vehicle" --route "$tmp/r.csv" \
        --speedup "$speedup" --json >"$tmp/$name.json" 2>"$tmp/$name.err" ||
        fail "$name: ecosim bus failed: $(cat "$tmp/$name.err")"
    kill -TERM $daemon
    wait $daemon || fail "$name: ecodrived exit status $?"
    trap - EXIT
    echo "$name:"
    sed 's/^/  /' "$tmp/$name.err"
    grep -E 'stopped|overrun' "$tmp/$name.daemon.err" | tail -2 | sed 's/^/  /'
    grep -o 'setpoint invalid:.*' "$tmp/$name.daemon.err" | sort | uniq -c | sort -rn | head -3 |
        sed 's/^/  /'
}

# hz_status NAME: from the daemon's log, its EcoStatus2 frames (0x202; EcoHorizonStatus
# before): how many, how many of them in state 1 (the horizon), 3 (rejected) and 4 (the route
# file), and the received and rejected counters of the last.
hz_status() {
    local line d n=0 s1=0 s3=0 s4=0
    while IFS= read -r line; do
        d=${line##*#}
        n=$((n + 1))
        case $((0x${d:0:2} & 7)) in 1) s1=$((s1 + 1)) ;; 3) s3=$((s3 + 1)) ;; 4) s4=$((s4 + 1)) ;; esac
    done <"$tmp/$1.status"
    echo "$n $s1 $s3 $s4 $((0x${d:4:2}${d:2:2})) $((0x${d:8:2}${d:6:2}))"
}

"$bin/ecosim" run --route "$tmp/r.csv" --vehicle "$vehicle" --controller mpc --json --quiet \
    >"$tmp/inproc.json" || fail "ecosim run --route failed"
# The shipped DBC with the vehicle's messages every 100 ms (EcoVehicleMotion is sent every
# 20 ms, EcoEngine every 10): three runs at once at 5x are some 2,500 frames a second less
# for the one CPU of the guest, whose late wake-ups (tens of ms) otherwise make inputs stale
# and hand steps to the driver. The rates themselves are case_closed_loop's.
sed -E 's/^(BA_ "GenMsgCycleTime" BO_ 25[67]) [0-9]+;/\1 100;/' "$here/../../models/ecodrive.dbc" \
    >"$tmp/slow.dbc"
[ "$(grep -c '^BA_ "GenMsgCycleTime" BO_ 25[678] 100;' "$tmp/slow.dbc")" = 3 ] ||
    fail "the DBC's cycle times are not where the case looks for them"
# the DBC without EcoHorizon (message 384: its BO_ block, comments, attributes, values)
awk '/^BO_ 384 /{skip=1} skip && /^$/{skip=0; next}
    !skip && !/^(CM_ (BO_|SG_)|BA_ "[A-Za-z]*" BO_|VAL_) 384 /' "$tmp/slow.dbc" >"$tmp/nohz.dbc"
price=$(field "$tmp/inproc.json" time_price_per_s)
# The three runs at once, each on a bus of its own (they are real-time bound, not CPU bound:
# one after the other they took three times as long).
ip link del dev vcan1 2>/dev/null
ip link del dev vcan2 2>/dev/null
for i in 1 2; do
    ip link add dev vcan$i type vcan && ip link set up vcan$i || fail "cannot make vcan$i"
done
# VM_KEEP_DIR=D keeps the runs' files (routes, logs, summaries) in D/horizon_route.
trap 'ip link del dev vcan1; ip link del dev vcan2
    [ -z "${VM_KEEP_DIR:-}" ] || { rm -rf "$VM_KEEP_DIR/horizon_route"; cp -r "$tmp" "$VM_KEEP_DIR/horizon_route"; }' EXIT
mapping=$here/../../models/mappings/ecodrive.json
(on_bus horizon vcan0 "$tmp/slow.dbc" --time-price "$price") >"$tmp/horizon.out" 2>&1 &
p_hz=$!
(on_bus routefile vcan1 "$tmp/nohz.dbc" --route "$tmp/r.csv" \
    --time-price "$price") >"$tmp/routefile.out" 2>&1 &
p_rf=$!
(on_bus setspeed vcan2 "$tmp/nohz.dbc") >"$tmp/setspeed.out" 2>&1 &
p_ss=$!
# At the case's timeout, which run had not ended (ecosim bus prints only at its end).
trap 'for r in horizon routefile setspeed; do [ -s "$tmp/$r.json" ] ||
    echo "$r: still driving at the timeout; its daemon last said: $(tail -n 1 "$tmp/$r.daemon.err")"
    done; exit 124' TERM
failed=
for r in horizon:$p_hz routefile:$p_rf setspeed:$p_ss; do
    wait "${r#*:}" || failed="$failed ${r%%:*}"
    cat "$tmp/${r%%:*}.out"
done
trap - TERM
[ -z "$failed" ] || fail "runs failed:$failed"
grep -q 'no horizon message' "$tmp/setspeed.daemon.err" ||
    fail "setspeed: no start-up note of the DBC without the horizon"

for r in horizon routefile setspeed; do # (the guest has no /dev/fd for a process substitution)
    grep -E ' 202#[0-9A-F]{10}' "$tmp/$r.log" >"$tmp/$r.status" ||
        fail "$r: no EcoStatus2 in the daemon's log"
done
read -r n s1 s3 s4 got rej <<<"$(hz_status horizon)"
echo "horizon: $n EcoStatus2, $s1 in state 1 (the horizon), $s3 in 3 (rejected);" \
    "$got horizon frames received (mod 65536), $rej rejected"
# the first comes before the first POSITION, the last may follow the plant's end (stale)
[ $((s1 + 2)) -ge "$n" ] || fail "horizon: $((n - s1)) of $n EcoStatus2 not in state 1"
[ "$rej" = 0 ] && [ "$s3" = 0 ] || fail "horizon: $rej horizon frames rejected"
[ "$got" -gt 0 ] || fail "horizon: no horizon frame received"
read -r n s1 s3 s4 got rej <<<"$(hz_status routefile)"
[ $((s4 + 2)) -ge "$n" ] || fail "routefile: $((n - s4)) of $n EcoStatus2 not in state 4"
read -r n s1 s3 s4 got rej <<<"$(hz_status setspeed)"
[ "$s1" = 0 ] && [ "$got" = 0 ] || fail "setspeed: the horizon used without it in the DBC"

for r in inproc horizon routefile setspeed; do
    printf '%-9s fuel %s l/100km, %s s, %s km, %s steps on EcoValid = 0\n' "$r" \
        "$(field "$tmp/$r.json" fuel_l_per_100km)" "$(field "$tmp/$r.json" duration_s)" \
        "$(field "$tmp/$r.json" distance_km)" "$(field "$tmp/$r.json" invalid_setpoints)"
done
# within(A, B, TOL): |A / B - 1| <= TOL
within() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a / b - 1; exit !(d <= t && -d <= t) }'; }
f_ip=$(field "$tmp/inproc.json" fuel_l_per_100km) t_ip=$(field "$tmp/inproc.json" duration_s)
f_hz=$(field "$tmp/horizon.json" fuel_l_per_100km) t_hz=$(field "$tmp/horizon.json" duration_s)
f_rf=$(field "$tmp/routefile.json" fuel_l_per_100km) t_rf=$(field "$tmp/routefile.json" duration_s)
f_ss=$(field "$tmp/setspeed.json" fuel_l_per_100km)
# The comparison means something when the daemon drove: each step with the cruise on but
# not on a valid setpoint (EcoValid = 0 on a stale input, or none in time, when the loaded
# guest delivers a frame late) is the driver's, who holds the limit (full throttle where the
# MPC cruises below it), some 0.4 g a step. At most 1 % of such steps, else the case fails:
# the guest was too slow for the speedup. (At a stop the plant's cruise is off: the set
# speed it sends is the reference's, 0; the car stands either way.)
drv=0 on=0
for r in horizon routefile setspeed; do
    line=$(grep 'steps:' "$tmp/$r.err")
    [[ $line =~ \ ([0-9]+)\ on\ valid.*\ ([0-9]+)\ with\ the\ cruise\ on ]] ||
        fail "$r: no step count in: $line"
    drv=$((drv + BASH_REMATCH[2] - BASH_REMATCH[1])) on=$((on + BASH_REMATCH[2]))
    applied=${BASH_REMATCH[1]}
    [[ $line =~ \ ([0-9]+)\ steps\ on\ the\ daemon\'s\ brake ]] && [ "${BASH_REMATCH[1]}" = "$applied" ] ||
        fail "$r: not every step on a valid setpoint was on the daemon's brake: $line"
done
[ $((100 * drv)) -le "$on" ] ||
    fail "$drv of $on steps with the cruise on were the driver's (late inputs: the guest is too slow for ECO_BUS_SPEEDUP=$speedup)"
# Issue 10's bar is 2 % of fuel and trip time. With the daemon's brake the loop is within a few
# tenths of a percent in process (test_rt_route) and on vcan (docs/daemon.md section 9); with
# the driver's brake it was 1.4 to 2.4 % over here.
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.2f %%", 100 * (a / b - 1) }'; }
for r in horizon:$f_hz:$t_hz routefile:$f_rf:$t_rf; do
    IFS=: read -r name f t <<<"$r"
    within "$t" "$t_ip" 0.02 || fail "$name: trip $t s, in process $t_ip s (2 %)"
    within "$f" "$f_ip" 0.02 || fail "$name: fuel $f l/100km, in process $f_ip (2 %)"
    echo "$name: fuel $(pct "$f" "$f_ip"), trip $(pct "$t" "$t_ip") on in process"
done
awk -v a="$f_ss" -v b="$f_hz" 'BEGIN { exit !(a > 1.02 * b) }' ||
    fail "setspeed: $f_ss l/100km is not measurably more than the horizon's $f_hz"
echo "setspeed: fuel $(pct "$f_ss" "$f_hz") on the horizon's ($drv driver steps of $on)"

# --replay of the horizon log: the same setpoints twice over
for k in 1 2; do
    "$bin/ecodrived" --replay "$tmp/horizon.log" --dbc "$tmp/slow.dbc" --mapping "$mapping" \
        --vehicle "$vehicle" --time-price "$price" \
        --out "$tmp/replay$k.log" >/dev/null 2>&1 || fail "--replay of the horizon log failed"
done
cmp -s "$tmp/replay1.log" "$tmp/replay2.log" || fail "--replay of the horizon log differs"
grep -q ' 200#' "$tmp/replay1.log" || fail "--replay of the horizon log sent no setpoint"
