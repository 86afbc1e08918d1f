#!/usr/bin/python3
"""Issue 11's acceptance, the integrator's kit: a log of a Toyota-style bus made by an
independent encoder (canmatrix) from tests/data/kit/toyota_style.dbc, replayed by
ecodrived --replay with the mapping file alone (tests/data/kit/toyota_style.json); the
setpoints it sends are decoded by canmatrix and their Toyota checksums checked here.

usage: integrator_kit.py ECODRIVED DBC MAPPING VEHICLE WORKDIR
Prints 'kit: KEY VALUE' lines for tests/test_integrator_kit.c; exit 0 if it could run.

The Toyota checksum is written here from opendbc's definition (opendbc/car/toyota/
toyotacan.py toyota_checksum: the frame length, the address byte by byte and every byte but
the last, & 0xFF), not with ecodrive's code."""
import decimal
import math
import subprocess
import sys

import canmatrix.formats

ecodrived, dbc_path, mapping, vehicle, work = sys.argv[1:6]
db = canmatrix.formats.loadp_flat(dbc_path)
MPH = 0.44704  # m/s, exact (NIST SP 811)


def toyota_checksum(addr, data):
    s = len(data) + sum(data[:-1])
    while addr:
        s += addr & 0xFF
        addr >>= 8
    return s & 0xFF


def frame(name, values, corrupt=False):
    f = db.frame_by_name(name)
    # canmatrix's Frame.encode takes raw values: the physical ones go through phys2raw
    raw = {s.name: s.phys2raw(decimal.Decimal(repr(values.get(s.name, 0)))) for s in f.signals}
    data = bytearray(f.encode(raw))
    if any(s.name == "CHECKSUM" for s in f.signals):
        data[-1] = toyota_checksum(f.arbitration_id.id, data) ^ (0x5A if corrupt else 0)
    return "%03X#%s" % (f.arbitration_id.id, data.hex().upper())


def drive(t):
    """The drive: at rest in P, D at 2 s, away at 5 s to 50 mph by 35 s, cruise engaged from
    40 s to 100 s (set 55 mph), then disengaged, coasting to 35 mph by 120 s."""
    if t < 5:
        v = 0.0
    elif t < 35:
        v = 50.0 * (t - 5) / 30
    elif t < 100:
        v = 50.0 + 5.0 * min(1.0, (t - 40) / 20) if t >= 40 else 50.0
    else:
        v = 55.0 - 20.0 * (t - 100) / 20
    engaged = 40 <= t < 100
    return v, engaged


T_END, lines = 120.0, []
bad_at = {45.005, 60.005, 75.005}  # GAS_PEDAL frames with a corrupted checksum
periods = [("WHEEL_SPEEDS", 0.010), ("ENGINE_RPM", 0.010), ("GAS_PEDAL", 0.010),
           ("BRAKE_MODULE", 0.010), ("PCM_CRUISE", 0.030), ("PCM_CRUISE_2", 0.030),
           ("GEAR_PACKET", 0.030)]
n_ticks = int(T_END / 0.010)
for k in range(n_ticks):
    t = round(k * 0.010, 3)
    v, engaged = drive(t)
    # a wheel at rest reads one count below 0 mph: -0.01, outside the DBC's [0|250]
    ws = -0.01 if v == 0.0 and k % 2 else v
    rpm = 750 + 30 * v
    pedal = 0.2 if 5 <= t < 35 else (0.12 if t < 100 and t >= 35 else 0.0)
    vals = {
        "WHEEL_SPEEDS": {"WHEEL_SPEED_FR": ws, "WHEEL_SPEED_FL": ws, "WHEEL_SPEED_RR": ws,
                         "WHEEL_SPEED_RL": ws},
        "ENGINE_RPM": {"RPM": rpm, "ENGINE_RUNNING": 1},
        "GAS_PEDAL": {"GAS_PEDAL": pedal, "GAS_RELEASED_2": int(pedal == 0)},
        "BRAKE_MODULE": {"BRAKE_POSITION": 0, "BRAKE_PRESSED": 0, "BRAKE_PRESSURE": 0},
        "PCM_CRUISE": {"CRUISE_ACTIVE": int(engaged), "CRUISE_STATE": 8 if engaged else 0,
                       "GAS_RELEASED": int(pedal == 0), "ACCEL_NET": 0},
        "PCM_CRUISE_2": {"MAIN_ON": 1, "SET_SPEED": 55 if engaged else 0},
        "GEAR_PACKET": {"GEAR": 0 if t < 2 else 3, "SPORT_ON": 0},
    }
    for i, (name, period) in enumerate(periods):
        if k % round(period / 0.010) == 0:
            ts = t + 0.0001 * (i + 1)
            corrupt = name == "GAS_PEDAL" and round(t + 0.005, 3) in bad_at
            lines.append("(%.6f) can0 %s" % (1000.0 + ts, frame(name, vals[name], corrupt)))
log = work + "/toyota_style.log"
with open(log, "w") as f:
    f.write("\n".join(lines) + "\n")
print("kit: frames %d" % len(lines))
print("kit: corrupted %d" % len(bad_at))

out = work + "/setpoints.log"
r = subprocess.run([ecodrived, "--replay", log, "--dbc", dbc_path, "--mapping", mapping,
                    "--vehicle", vehicle, "--out", out], capture_output=True, text=True)
print("kit: exit %d" % r.returncode)
for line in r.stderr.splitlines():
    print("kit: stderr " + line)
if r.returncode != 0:
    sys.exit(0)

def cruise_seen(t):
    """When the last PCM_CRUISE frame before a step at t was sent (every 30 ms, 0.5 ms after the
    tick): the step decides on the cruise state of that frame, not on the drive at t."""
    return round(math.floor((t - 0.0005) / 0.030 - 1e-9) * 0.030, 3)


sp = db.frame_by_name("ECO_SETPOINT")
n = {True: [0, 0], False: [0, 0]}  # engaged -> [setpoints, valid]
bad_sums = counters_off = 0
last_counter = None
with open(out) as f:
    for line in f:
        parts = line.split()
        if len(parts) < 3 or "#" not in parts[2]:
            continue
        ident, hexdata = parts[2].split("#")
        if int(ident, 16) != sp.arbitration_id.id:
            continue
        data = bytearray.fromhex(hexdata)
        t = float(parts[0].strip("()")) - 1000.0
        dec = sp.decode(data)
        bad_sums += data[-1] != toyota_checksum(sp.arbitration_id.id, data)
        c = int(dec["ECO_COUNTER"].raw_value)
        counters_off += last_counter is not None and c != (last_counter + 1) % 16
        last_counter = c
        _, engaged = drive(cruise_seen(t))
        n[engaged][0] += 1
        n[engaged][1] += int(dec["ECO_VALID"].raw_value) == 1
print("kit: engaged_setpoints %d" % n[True][0])
print("kit: engaged_valid %d" % n[True][1])
print("kit: disengaged_setpoints %d" % n[False][0])
print("kit: disengaged_valid %d" % n[False][1])
print("kit: setpoint_checksum_errors %d" % bad_sums)
print("kit: setpoint_counter_steps_off %d" % counters_off)
