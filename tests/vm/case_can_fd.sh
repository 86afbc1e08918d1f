#!/bin/bash
# case_can_fd.sh BIN_DIR: issue 11, CAN FD. tests/data/ecodrive_fd.dbc makes EcoVehicleMotion
# a 64-byte FD frame (its signals in bytes 40..47, counter and CRC in bytes 62 and 63) and
# EcoSetpoint a 16-byte FD frame. On a classic vcan0 both programs refuse that DBC (exit 2);
# on vcan0 with MTU 72 three FD frames made by hand go in by cansend (taken, logged as sent);
# then `ecosim bus` and `ecodrived` run in closed loop over the first 120 s of
# WLTC 3b (the Corolla, --speedup 4): fuel within 1 % of the in-process MPC, every frame as
# candump saw it FD, CRCs recomputed by hand over all their bytes; and the daemon's log, "##"
# lines, replays bit-identically to what it sent.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vm_case_begin "$@"
dbc=$here/../data/ecodrive_fd.dbc
map=$here/../../models/mappings/ecodrive.json
veh=$here/../../models/vehicles/toyota_corolla_1p8_cvt.json
speedup=4


# bytes HEX: the bytes of a hex string, as 0xNN words.
bytes() {
    local h=$1 i
    for ((i = 0; i < ${#h}; i += 2)); do printf '0x%s ' "${h:i:2}"; done
}

wltc3b_window 120 "$tmp/cycle.csv"

# 1. A classic link (vcan's default MTU is 72, CAN FD): refused by name, before anything runs.
ip link set vcan0 down && ip link set vcan0 mtu 16 && ip link set vcan0 up ||
    fail "cannot set vcan0's MTU to 16 (classic CAN)"
for prog in "ecodrived --iface vcan0" "ecosim bus --iface vcan0 --cycle $tmp/cycle.csv"; do
    # shellcheck disable=SC2086 # the words of prog
    timeout 20 $bin/$prog --dbc "$dbc" --mapping "$map" >/dev/null 2>"$tmp/classic.err"
    st=$?
    [ "$st" = 2 ] || fail "${prog%% *} on a classic vcan0 with the FD DBC: exit $st, not 2"
    grep -q "vcan0 is classic CAN, but the DBC has 2 CAN FD message(s) (EcoVehicleMotion, EcoSetpoint)" \
        "$tmp/classic.err" || fail "${prog%% *}: $(cat "$tmp/classic.err")"
done
echo "ok: a classic vcan0 refused by both: $(cat "$tmp/classic.err")"

# 2. An FD link: the closed loop.
ip link set vcan0 down && ip link set vcan0 mtu 72 && ip link set vcan0 up ||
    fail "cannot set vcan0's MTU to 72 (CAN FD)"
# cansend's FD frames into the daemon: EcoVehicleMotion by hand, VehicleSpeed 12.34 m/s (1234 =
# D2 04, bytes 40-41), SetSpeed 20.00 m/s Motorola (2000 = 07 D0, bytes 42-43), RoadGrade
# -0.05 rad (-500 = 0C FE, bytes 45-46), CruiseActive (byte 62 bit 4) with counters 0..2 in
# byte 62 and the CRC in byte 63; all three taken, none rejected, logged as sent.
"$bin/ecodrived" --iface vcan0 --dbc "$dbc" --mapping "$map" --log "$tmp/cansend.log" \
    2>"$tmp/cansend.err" &
daemon=$!
trap 'kill $daemon 2>/dev/null' EXIT
for _ in $(seq 200); do [[ $(<"$tmp/cansend.err") == *running* ]] && break; sleep 0.05; done
body=$(printf '00%.0s' {1..40})D20407D0000CFE$(printf '00%.0s' {1..15})
for k in 0 1 2; do
    # shellcheck disable=SC2046
    crc=$(crc8 0x01 0x0A $(bytes "${body}1$k"))
    frame=$(printf '100##1%s1%d%02X' "$body" "$k" "$crc")
    cansend vcan0 "$frame" || fail "cansend $frame"
    sent[k]=$frame
    sleep 0.05
done
kill -TERM $daemon
wait $daemon || fail "ecodrived exit status $?"
trap - EXIT
grep -q "frames 3 received, 0 rejected, 0 unknown" "$tmp/cansend.err" ||
    fail "cansend's FD frames: $(grep stopped "$tmp/cansend.err")"
for k in 0 1 2; do
    grep -q " ${sent[k]}\$" "$tmp/cansend.log" || fail "${sent[k]} not in the daemon's log"
done
echo "ok: 3 FD frames from cansend taken (CRC and counter good), logged as sent: ${sent[0]:0:12}..."

"$bin/ecosim" run --vehicle "$veh" --cycle "$tmp/cycle.csv" --controller mpc --band 0 --json \
    >"$tmp/inproc.json" || fail "ecosim run failed"
candump -L vcan0 >"$tmp/capture.log" &
dump=$!
wait_receivers vcan0 1
"$bin/ecodrived" --iface vcan0 --dbc "$dbc" --mapping "$map" --vehicle "$veh" \
    --speedup "$speedup" --log "$tmp/daemon.log" 2>"$tmp/daemon.err" &
daemon=$!
trap 'kill $daemon $dump 2>/dev/null' EXIT
timeout 120 "$bin/ecosim" bus --iface vcan0 --dbc "$dbc" --mapping "$map" --vehicle "$veh" \
    --cycle "$tmp/cycle.csv" --speedup "$speedup" --json >"$tmp/bus.json" 2>"$tmp/bus.err" ||
    fail "ecosim bus failed: $(cat "$tmp/bus.err")"
kill -TERM $daemon
wait $daemon || fail "ecodrived exit status $?"
sleep 0.2
kill $dump
trap - EXIT
cat "$tmp/bus.err"
grep stopped "$tmp/daemon.err"
grep -q "frames [0-9]* received, 0 rejected, 0 unknown" "$tmp/daemon.err" ||
    fail "the daemon rejected frames: $(grep stopped "$tmp/daemon.err")"
a=$(field "$tmp/inproc.json" fuel_l_per_100km)
b=$(field "$tmp/bus.json" fuel_l_per_100km)
pct=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", 100 * (b - a) / a }')
echo "fuel: in process $a, over CAN FD $b l/100km: $pct %;" \
    "$(field "$tmp/bus.json" invalid_setpoints) driver steps"
awk -v p="$pct" 'BEGIN { exit !(p <= 1 && p >= -1) }' || fail "fuel differs by $pct % (> 1 %)"

# 3. The frames on the bus, as candump saw them: every one FD and of its length; the CRCs of the
# first 25 of each by hand (bash is slow at it; the daemon and ecosim bus checked them all).
n100=0 n200=0 valid=0
while read -r _ _ frame; do
    id=${frame%%#*} data=${frame#*#}
    case $id in 100 | 200) ;; *) continue ;; esac
    [ "${data:0:1}" = "#" ] || fail "a classic $id frame on the bus: $frame"
    hex=${data:2}
    if [ "$id" = 100 ]; then
        [ ${#hex} = 128 ] || fail "EcoVehicleMotion with ${#hex} hex digits, not 64 bytes: $frame"
        # shellcheck disable=SC2046 # one word per byte
        [ $n100 -ge 25 ] || [ "$(crc8 0x01 0x0A $(bytes "${hex:0:126}"))" = $((16#${hex:126:2})) ] ||
            fail "EcoVehicleMotion CRC (bytes 0..62 over data id 0x0A01) wrong: $frame"
        n100=$((n100 + 1))
    else
        [ ${#hex} = 32 ] || fail "EcoSetpoint with ${#hex} hex digits, not 16 bytes: $frame"
        # shellcheck disable=SC2046
        [ $n200 -ge 25 ] || [ "$(crc8 0x10 0x0A $(bytes "${hex:0:14}") $(bytes "${hex:16:16}"))" = $((16#${hex:14:2})) ] ||
            fail "EcoSetpoint CRC (bytes 0..6 and 8..15 over data id 0x0A10) wrong: $frame"
        valid=$((valid + (16#${hex:8:2} & 1)))
        n200=$((n200 + 1))
    fi
done <"$tmp/capture.log"
[ "$n100" -ge 1000 ] && [ "$n200" -ge 250 ] || fail "only $n100 EcoVehicleMotion, $n200 EcoSetpoint"
[ "$valid" -ge $((n200 / 2)) ] || fail "only $valid of $n200 setpoints valid"
echo "ok: $n100 EcoVehicleMotion (64 bytes) and $n200 EcoSetpoint (16 bytes, $valid valid) FD frames; 25 CRCs of each right by hand"

# 4. The daemon's log replays bit-identically: twice the same, and the live frames.
for r in 1 2; do
    # --speedup as live: the inputs' timeouts were divided by it
    "$bin/ecodrived" --replay "$tmp/daemon.log" --logged-steps --dbc "$dbc" --mapping "$map" \
        --vehicle "$veh" --speedup "$speedup" --out "$tmp/replay$r.log" 2>"$tmp/replay.err" ||
        fail "replay: $(cat "$tmp/replay.err")"
done
cmp -s "$tmp/replay1.log" "$tmp/replay2.log" || fail "two replays of the FD log differ"
grep -c '##' "$tmp/daemon.log" >/dev/null || fail "no ## line in the daemon's log"
live=$(grep ' 200##' "$tmp/daemon.log" | sed '$d' | cut -d' ' -f3)
replayed=$(grep ' 200##' "$tmp/replay1.log" | sed '$d' | cut -d' ' -f3)
if [ -z "$live" ] || [ "$live" != "$replayed" ]; then
    echo "$live" >"$tmp/live.txt"
    echo "$replayed" >"$tmp/replayed.txt"
    fail "the replay's EcoSetpoint frames differ from the live ones: $(diff "$tmp/live.txt" "$tmp/replayed.txt" | head -4)"
fi
echo "ok: the FD log replays bit-identically ($(echo "$live" | wc -l) setpoints as sent live); $(sed -n 2,3p "$tmp/replay.err" | tr -s ' ')"
