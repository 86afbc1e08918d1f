#!/bin/bash
# case_bus_mapping_e2e.sh BIN_DIR: a mapping's "e2e" entry on both sides of the bus (issue
# 11). The shipped mapping plus an entry that protects EcoVehicleMotion with opendbc's Toyota
# checksum in place of the DBC's AUTOSAR CRC; `ecosim bus` and `ecodrived`, both given that
# mapping, drive the Corolla 1.8 CVT in closed loop over vcan0 on the first 60 s of WLTC
# class 3b at --speedup 2. The daemon must reject none of the plant's frames and recommend
# on 95 % of the steps with the cruise on, and every EcoVehicleMotion frame in its log must
# carry the Toyota checksum computed here by hand (the byte sum of the payload but its last
# byte, plus the id's bytes, plus the length; opendbc toyotacan.py toyota_checksum). Before
# the plant protected its frames with the DBC's E2E whatever the mapping said, and the
# daemon rejected each of them.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vm_case_begin "$@"
vehicle=$here/../../models/vehicles/toyota_corolla_1p8_cvt.json

wltc3b_window 60 "$tmp/wltc3b_0_60.csv"
# the shipped mapping with its last closing brace replaced by the "e2e" entry
sed '$ s/}[[:space:]]*$//' "$here/../../models/mappings/ecodrive.json" >"$tmp/toyota.json"
cat >>"$tmp/toyota.json" <<'EOF'
  ,"e2e": {"EcoVehicleMotion": {"algorithm": "toyota", "counter": "VehicleMotionCounter",
                                "checksum": "VehicleMotionCRC"}}
}
EOF
"$bin/ecodrived" --check --mapping "$tmp/toyota.json" --vehicle "$vehicle" >"$tmp/check.out" \
    2>&1 || fail "the mapping does not check: $(cat "$tmp/check.out")"

"$bin/ecodrived" --iface vcan0 --mapping "$tmp/toyota.json" --vehicle "$vehicle" --speedup 2 \
    --log "$tmp/daemon.log" 2>"$tmp/daemon.err" &
daemon=$!
trap 'kill $daemon 2>/dev/null' EXIT
"$bin/ecosim" bus --iface vcan0 --mapping "$tmp/toyota.json" --vehicle "$vehicle" \
    --cycle "$tmp/wltc3b_0_60.csv" --speedup 2 --json >"$tmp/bus.json" 2>"$tmp/bus.err" ||
    fail "ecosim bus failed: $(cat "$tmp/bus.err")"
kill -TERM $daemon
wait $daemon || fail "ecodrived exit status $?: $(cat "$tmp/daemon.err")"
trap - EXIT
cat "$tmp/bus.err"
grep -E 'stopped' "$tmp/daemon.err" | tail -1

stopped=$(grep 'stopped' "$tmp/daemon.err" | tail -1)
[[ $stopped =~ frames\ ([0-9]+)\ received,\ ([0-9]+)\ rejected ]] ||
    fail "no frame count in: $stopped"
[ "${BASH_REMATCH[2]}" = 0 ] || fail "the daemon rejected ${BASH_REMATCH[2]} frames"
line=$(grep 'steps:' "$tmp/bus.err")
[[ $line =~ ([0-9]+)\ steps:\ ([0-9]+)\ on\ valid.*\ ([0-9]+)\ with\ the\ cruise\ on ]] ||
    fail "no step count in: $line"
valid=${BASH_REMATCH[2]} cruise=${BASH_REMATCH[3]}
[ "$cruise" -gt 0 ] && [ $((valid * 100)) -ge $((cruise * 95)) ] ||
    fail "only $valid of $cruise steps with the cruise on on valid setpoints"

# every EcoVehicleMotion frame (id 0x100, 8 bytes) with the Toyota checksum in its last byte
# (a file, not a process substitution: the guest has no /dev/fd)
grep -E ' 100#[0-9A-F]{16}$' "$tmp/daemon.log" >"$tmp/motion.log"
n=0 bad=0
while IFS= read -r l; do
    d=${l##*#}
    sum=$((0x01 + 0x00 + 8))
    for i in 0 2 4 6 8 10 12; do sum=$((sum + 0x${d:i:2})); done
    n=$((n + 1))
    [ $((sum & 0xFF)) = $((0x${d:14:2})) ] || bad=$((bad + 1))
done <"$tmp/motion.log"
[ "$n" -gt 100 ] || fail "only $n EcoVehicleMotion frames in the daemon's log"
[ "$bad" = 0 ] || fail "$bad of $n EcoVehicleMotion frames without the Toyota checksum"
echo "ok: $n EcoVehicleMotion frames, each with the Toyota checksum; none rejected;" \
    "$valid of $cruise steps with the cruise on on valid setpoints"
