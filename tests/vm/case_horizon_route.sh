#!/bin/bash
# case_horizon_route.sh BIN_DIR: issue 10, the route on the bus. A route made by `ecosim route
# --from-drive` from the first 300 s of a shipped drive (cmap_4116880_1_2007-04-23, the
# shortest), driven in closed loop over vcan0 by `ecosim bus --route R` (the plant and the map
# ECU) and `ecodrived`, 5x faster than real time, twice:
# - the horizon on the bus, the daemon without --route (its MPC previews the set speed: it
#   does not plan on the bus horizon yet); it must take every horizon frame, reject none,
#   and say the horizon is in use (EcoHorizonState 1);
# - the route file given to `ecodrived --route R` as well, at the in-process MPC's time price
#   (EcoHorizonState 4).
# Fuel and trip time of both are printed beside the in-process
# `ecosim run --route R --controller mpc`; they are reported, not yet held to issue 10's 2 %
# (300 s keeps the VM suite short; the acceptance case will want 600 s).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
require_guest
bin=${1:?BIN_DIR}
tmp=$(mktemp -d)
here=$(cd "$(dirname "$0")" && pwd)
speedup=${ECO_BUS_SPEEDUP:-5}
vehicle=$here/../../models/vehicles/toyota_corolla_1p8_cvt.json

head -n 301 "$here/../../sim/drives/cmap_4116880_1_2007-04-23.csv" >"$tmp/drive.csv"
"$bin/ecosim" route --from-drive "$tmp/drive.csv" -o "$tmp/r.csv" || fail "ecosim route failed"

# on_bus NAME [DAEMON OPTIONS...]: the daemon and the plant over vcan0.
on_bus() {
    local name=$1 daemon
    shift
    "$bin/ecodrived" --iface vcan0 --vehicle "$vehicle" --speedup "$speedup" "$@" \
        --log "$tmp/$name.log" 2>"$tmp/$name.daemon.err" &
    daemon=$!
    trap 'kill $daemon 2>/dev/null' EXIT
    "$bin/ecosim" bus --iface vcan0 --vehicle "$vehicle" --route "$tmp/r.csv" \
        --speedup "$speedup" --json >"$tmp/$name.json" 2>"$tmp/$name.err" ||
        fail "$name: ecosim bus failed: $(cat "$tmp/$name.err")"
    kill -TERM $daemon
    wait $daemon || fail "$name: ecodrived exit status $?"
    trap - EXIT
    echo "$name:"
    sed 's/^/  /' "$tmp/$name.err"
    grep -E 'stopped|overrun' "$tmp/$name.daemon.err" | tail -2 | sed 's/^/  /'
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
on_bus horizon
# the route file at the time price the in-process MPC found for its trip time
on_bus route --route "$tmp/r.csv" --time-price "$(field "$tmp/inproc.json" time_price_per_s)"

for r in horizon route; do # (the guest has no /dev/fd for a process substitution)
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
read -r n s1 s3 s4 got rej <<<"$(hz_status route)"
[ "$s4" = "$n" ] || fail "route: $((n - s4)) of $n EcoStatus2 not in state 4 (the route file)"

for r in inproc horizon route; do
    printf '%-8s fuel %s l/100km, %s s, %s km, %s driver steps\n' "$r" \
        "$(field "$tmp/$r.json" fuel_l_per_100km)" "$(field "$tmp/$r.json" duration_s)" \
        "$(field "$tmp/$r.json" distance_km)" "$(field "$tmp/$r.json" invalid_setpoints)"
done
