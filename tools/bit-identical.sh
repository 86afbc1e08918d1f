#!/usr/bin/env bash
# bit-identical.sh BIN_DIR OUT_DIR: writes the outputs that a structural change must leave
# bit-identical (ecosim compare --json on WLTC 3b and run --json --csv on FTP-75, HWFET and US06
# for every shipped vehicle, ecosim run --json on every shipped cycle, one sweep, ecodrived
# --replay of two recorded logs with both controllers). Run it on the build before and after a
# change and `diff -r` the two folders.
# The MPC's solve-time percentiles (wall clock) are masked.
set -euo pipefail
bin=${1:?usage: bit-identical.sh BIN_DIR OUT_DIR}
out=${2:?usage: bit-identical.sh BIN_DIR OUT_DIR}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
for v in "$here"/models/vehicles/*.json; do
    name=$(basename "$v" .json)
    # (a P2 hybrid's compare is refused by the MPC: the refusal is the output compared)
    "$bin/ecosim" compare --vehicle "$v" --cycle wltc_class3b --json >"$out/compare_$name.json" \
        2>"$out/compare_$name.err" || true
    for c in ftp75 hwfet us06; do # each powertrain's own paths through the model, hot and cold
        "$bin/ecosim" run --vehicle "$v" --cycle "$c" --json --csv "$out/run_${name}_$c.csv" \
            >"$out/run_${name}_$c.json"
    done
done
for c in wltc_class1 wltc_class2 wltc_class3a wltc_class3b nedc udds ftp75 hwfet us06; do
    "$bin/ecosim" run --cycle "$c" --json >"$out/run_$c.json"
done
"$bin/ecosim" sweep --cycle wltc_class1 --vary nox_per_mg=0,0.5,2 --json --jobs 1 --quiet \
    >"$out/sweep.json"
# The logs: the VM suite's generator (tests/vm/case_fault_injection.sh), both scenarios.
sed -n "/^cat >\"\$tmp\/gen.pl\" <<'PERL'$/,/^PERL$/p" "$here/tests/vm/case_fault_injection.sh" |
    sed '1d;$d' >"$out/gen.pl"
perl "$out/gen.pl" 18000 steps >"$out/steps.log"
perl "$out/gen.pl" 9500 faults >"$out/faults.log"
for log in steps faults; do
    for ctl in mpc baseline; do
        "$bin/ecodrived" --replay "$out/$log.log" --controller "$ctl" --out "$out/replay_${log}_$ctl.log" \
            2>"$out/replay_${log}_$ctl.err"
    done
done
sed -i "s|$out/||g" "$out"/*.err # the folder itself is not a result
# Solve times are wall-clock measurements, not results: masked so that the files compare.
sed -i -E 's/"mpc_solve_us":\{[^}]*\}/"mpc_solve_us":{}/g' "$out"/*.json
echo "bit-identical: outputs in $out"
