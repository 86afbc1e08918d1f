#!/bin/bash
# case_daemon_decode.sh BIN_DIR: issue 4, test case 1. Frames sent with cansend are decoded by
# ecodrived to the right physical values; the EcoSetpoint frames it sends, captured by
# candump, decode by hand to the expected setpoint with a good counter and CRC.
# Runs inside the UML guest: tests/vm/uml_run.sh tests/vm/case_daemon_decode.sh BIN_DIR
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vm_case_begin "$@"


# Frames worked out by hand from models/ecodrive.dbc (all Intel):
#  0x100 EcoVehicleMotion: VehicleSpeed 12.34 m/s = 1234 = 0x04D2 -> D2 04; SetSpeed 13.89 m/s
#        = 1389 = 0x056D -> 6D 05; RoadGrade 0.0123 rad = 123 -> 7B 00; counter 0; CRC over
#        data id 0x0A01 (01 0A) and D2 04 6D 05 7B 00 00 = 0xF1.
#  0x101 EcoEngine: EngineSpeed 200 rad/s / 0.02 = 10000 = 0x2710 -> 10 27; EngineTorque
#        -12.3 Nm / 0.1 = -123 = 0xFF85 -> 85 FF; AccelPedal 24.8 % / 0.4 = 62 = 0x3E;
#        BrakePedal 0; Gear 3 -> raw 4 (offset -1), counter 0 -> byte 6 = 0x04; CRC 0x9B.
#  0x102 EcoBattery: BattSOC 61.5 % = 6150 = 0x1806 -> 06 18; BattVoltage 201.6 V = 20160 =
#        0x4EC0 -> C0 4E; BattCurrent -25.5 A / 0.05 = -510 = 0xFE02 -> 02 FE.
m100=D2046D057B0000F1 m101=102785FF3E00049B m102=0618C04E02FE0000
[ "$(crc8 0x01 0x0A 0xD2 0x04 0x6D 0x05 0x7B 0x00 0x00)" = $((0xF1)) ] || fail "CRC of 0x100 by hand"
[ "$(crc8 0x02 0x0A 0x10 0x27 0x85 0xFF 0x3E 0x00 0x04)" = $((0x9B)) ] || fail "CRC of 0x101 by hand"

# cansend costs a process each: a mapping whose inputs go stale only after 3 x 5 s.
cat >"$tmp/map.json" <<'JSON'
{ "inputs": {
    "vehicle_speed_mps": {"signal": "VehicleSpeed", "cycle_ms": 5000},
    "engine_speed_radps": {"signal": "EngineSpeed", "cycle_ms": 5000},
    "engine_torque_nm": {"signal": "EngineTorque", "cycle_ms": 5000},
    "accel_pedal": {"signal": "AccelPedal", "cycle_ms": 5000},
    "brake_pedal": {"signal": "BrakePedal", "cycle_ms": 5000},
    "gear": {"signal": "Gear", "cycle_ms": 5000},
    "battery_soc": {"signal": "BattSOC", "cycle_ms": 5000},
    "battery_voltage_v": {"signal": "BattVoltage", "cycle_ms": 5000},
    "battery_current_a": {"signal": "BattCurrent", "cycle_ms": 5000},
    "set_speed_mps": {"signal": "SetSpeed", "cycle_ms": 5000},
    "road_grade_rad": {"signal": "RoadGrade", "cycle_ms": 5000} },
  "outputs": { "throttle": "EcoThrottle", "regen": "EcoRegen", "valid": "EcoValid",
               "counter": "EcoCounter", "crc": "EcoCRC" },
  "status": { "frames_received": "EcoFramesReceived", "frames_stale": "EcoFramesStale",
              "frames_rejected": "EcoFramesRejected", "deadline_overruns": "EcoDeadlineOverruns",
              "solve_time_us": "EcoSolveTime" } }
JSON

before=$(can_receivers vcan0)
stdbuf -oL candump -L vcan0 >"$tmp/cap" &
wait_receivers vcan0 $((before + 1))
"$bin/ecodrived" --iface vcan0 --mapping "$tmp/map.json" --verbose 2>"$tmp/err" &
daemon=$!
trap 'kill $daemon 2>/dev/null; kill %1 2>/dev/null' EXIT
for _ in $(seq 200); do [[ $(<"$tmp/err") == *running* ]] && break; sleep 0.05; done
[[ $(<"$tmp/err") == *running* ]] || fail "ecodrived did not start: $(cat "$tmp/err")"
cansend vcan0 100#$m100 && cansend vcan0 101#$m101 && cansend vcan0 102#$m102 || fail cansend
sleep 2.3 # two status periods after the frames
kill -TERM $daemon
wait $daemon || fail "ecodrived exited with $? after SIGTERM: $(cat "$tmp/err")"
sleep 0.2
kill %1

# 1. Decoded physical values, SI, as ecodrived printed them.
want="vehicle_speed_mps=12.3400 engine_speed_radps=200.0000 engine_torque_nm=-12.3000 accel_pedal=0.2480 brake_pedal=0.0000 gear=3.0000 battery_soc=0.6150 battery_voltage_v=201.6000 battery_current_a=-25.5000 set_speed_mps=13.8900 road_grade_rad=0.0123; setpoint valid"
got=$(grep 'inputs:' "$tmp/err" | tail -1)
[[ $got == *"$want" ]] || fail "decoded inputs differ
 want: $want
 got:  $got
$(cat "$tmp/err")"
echo "ok: decoded $want"

# 2. The setpoints on the bus, by hand: throttle/regen 0.01 %, valid bit 32, counter
#    bits 48..51 advancing by 1, CRC over data id 0x0A10 and bytes 0..6. Just before each,
#    its EcoBrake (0x203): brake bits 0..15 at 0.01 %, valid bit 16 as the setpoint's, its
#    own counter, CRC over data id 0x0A11.
n=0 nvalid=0 last_ctr=-1 first_valid= brake_valid= brake_ctr=-1 nbrake=0
while read -r _ _ fr; do
    id=${fr%%#*} d=${fr#*#}
    b=()
    if [ "$id" = 203 ]; then
        [ -z "$brake_valid" ] || fail "two EcoBrake frames without an EcoSetpoint: $fr"
        for i in 0 1 2 3 4 5 6 7; do b[i]=$((16#${d:2*i:2})); done
        [ "$(crc8 0x11 0x0A "${b[@]:0:7}")" = "${b[7]}" ] || fail "bad CRC in EcoBrake $fr"
        [ "$brake_ctr" -lt 0 ] || [ $((b[6] & 15)) = $(((brake_ctr + 1) % 16)) ] ||
            fail "EcoBrake counter $brake_ctr -> $((b[6] & 15)) in $fr"
        brake_ctr=$((b[6] & 15)) brake_valid=$((b[2] & 1)) nbrake=$((nbrake + 1))
        [ $((b[0] | b[1] << 8)) -le 10000 ] || fail "brake out of 0..100 %: $fr"
        continue
    fi
    [ "$id" = 200 ] || continue
    for i in 0 1 2 3 4 5 6 7; do b[i]=$((16#${d:2*i:2})); done
    thr=$((b[0] | b[1] << 8)) regen=$((b[2] | b[3] << 8)) valid=$((b[4] & 1)) ctr=$((b[6] & 15))
    crc=$(crc8 0x10 0x0A "${b[@]:0:7}")
    [ "$crc" = "${b[7]}" ] || fail "bad CRC in $fr: computed $crc"
    [ "$last_ctr" -lt 0 ] || [ "$ctr" = $(((last_ctr + 1) % 16)) ] || fail "counter $last_ctr -> $ctr in $fr"
    last_ctr=$ctr
    [ "$brake_valid" = "$valid" ] || fail "EcoBrakeValid '$brake_valid' before the setpoint $fr"
    brake_valid=
    n=$((n + 1))
    if [ "$valid" = 1 ]; then
        nvalid=$((nvalid + 1))
        [ -z "$first_valid" ] && first_valid=$d && echo "ok: first valid setpoint $fr: throttle $((thr / 100)).$(printf %02d $((thr % 100))) %, regen $((regen / 100)).$(printf %02d $((regen % 100))) %, counter $ctr, CRC 0x$(printf %02X "$crc") checked"
        [ $thr -le 10000 ] && [ $regen -le 10000 ] || fail "setpoint out of 0..100 %: $fr"
    fi
    lastd=$d
done <"$tmp/cap"
[ "$n" -ge 20 ] || fail "only $n EcoSetpoint frames in $(cat "$tmp/cap" | wc -l) lines"
[ "$nvalid" -ge 15 ] || fail "only $nvalid valid setpoints of $n"
[ $((16#${lastd:8:2} & 1)) = 0 ] || fail "the last frame (SIGTERM) is not invalid: $lastd"
echo "ok: $n EcoSetpoint frames, $nvalid valid, CRC and counter good on all, the last one (SIGTERM) invalid; $nbrake EcoBrake frames, one before each, valid with it"

# 3. The expected setpoint: --replay of the same three frames gives the same payload.
printf '(1.000000) vcan0 100#%s\n(1.000000) vcan0 101#%s\n(1.000000) vcan0 102#%s\n(1.200000) vcan0 7FF#00\n' \
    $m100 $m101 $m102 >"$tmp/in.log"
"$bin/ecodrived" --replay "$tmp/in.log" --mapping "$tmp/map.json" >"$tmp/rep.log" || fail "replay failed"
rep=$(grep -m1 ' 200#' "$tmp/rep.log")
rep=${rep##* }
[ "${rep#200#}" != "$rep" ] || fail "replay wrote $rep"
[ "${rep:4:12}" = "${first_valid:0:12}" ] || fail "live first setpoint $first_valid, replay $rep (bytes 0..5)"
echo "ok: the live setpoint equals --replay's: ${first_valid:0:12}"

# 4. EcoStatus: 3 frames received, none rejected.
st=$(grep ' 201#' "$tmp/cap" | tail -1)
d=${st#*#}
[ $((16#${d:0:2} | 16#${d:2:2} << 8)) = 3 ] || fail "EcoFramesReceived in $st"
echo "ok: EcoStatus $st: 3 frames received"
