#!/usr/bin/env bash
# speedup.sh BIN_DIR [REPEATS]: the sharding figures of docs/campaign.md ("Figures"), not a
# test. Runs a baseline campaign (480 cases) and an MPC campaign (32 cases) as 1 shard and as
# 2 shards under GNU parallel -j 2 (each shard --jobs 1), REPEATS times (default 3), and
# prints one JSON object per campaign and shard count: the median wall seconds of the
# parallel command, the median of the shards' summed CPU seconds (user + system, from
# /usr/bin/time), the load average before, the wall speed-up and efficiency against 1 shard
# (efficiency = speed-up / 2), the CPU ratio (2 shards' CPU over 1 shard's: what sharding
# adds) and the CPU-bound efficiency, 1 shard's CPU over twice the busier shard's: what two
# otherwise idle cores would give if the shards do not slow each other (shared caches and
# memory can; a loaded machine cannot show it). The MPC's table is built once beforehand in
# a --cache-dir that every shard reads, so the figures are the runs'. The merged shards are
# compared with the unsharded file.
set -euo pipefail
bin=${1:?usage: speedup.sh BIN_DIR [REPEATS]}
reps=${2:-3}
ecosim=$bin/ecosim
command -v parallel >/dev/null || { echo "speedup.sh: GNU parallel is not installed" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/eco_speedup_XXXXXX")
trap 'rm -rf "$work"' EXIT
cycles='"wltc_class1", "wltc_class2", "wltc_class3a", "wltc_class3b", "nedc", "udds", "ftp75", "hwfet"'
all=$cycles
for _ in $(seq 2 20); do all="$all, $cycles"; done
cat >"$work/baseline.json" <<JSON
{"vehicles": ["toyota_prius_2022", "tesla_model3_rwd_2022", "toyota_corolla_1p8_cvt"],
 "cycles": [$all], "controllers": ["baseline"]}
JSON
cat >"$work/mpc.json" <<JSON
{"vehicles": ["toyota_prius_2022"], "cycles": ["wltc_class1"], "controllers": ["mpc"],
 "weights": {"sample": {"method": "sobol", "n": 32,
   "ranges": {"nox_per_mg": [0.0005, 0.05], "jerk_per_mps3_2s": [0.0005, 0.05]}}}}
JSON
mkdir "$work/cache"
"$ecosim" campaign "$work/mpc.json" --jobs 1 --quiet --cache-dir "$work/cache" \
    --out "$work/mpc-full.jsonl"
"$ecosim" campaign "$work/baseline.json" --jobs 1 --quiet --out "$work/baseline-full.jsonl"
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
# run NAME N: one timed parallel run of N shards; prints "WALL CPU LOAD MAX_SHARD_CPU"
run() {
    local name=$1 n=$2 load t0 t1
    load=$(cut -d' ' -f1 /proc/loadavg)
    rm -f "$work"/shard-*.jsonl "$work"/cpu-*
    t0=$(date +%s.%N)
    parallel --will-cite --halt now,fail=1 -j 2 \
        /usr/bin/time -f '%U+%S' -o "$work/cpu-{}" \
        "$ecosim" campaign "$work/$name.json" --shard {}/"$n" --jobs 1 --quiet \
        --cache-dir "$work/cache" --out "$work/shard-{}.jsonl" ::: $(seq 0 $((n - 1)))
    t1=$(date +%s.%N)
    "$ecosim" merge "$work"/shard-*.jsonl --out "$work/merged.jsonl"
    cmp -s "$work/merged.jsonl" "$work/$name-full.jsonl" ||
        { echo "speedup.sh: the merged $name shards differ from the unsharded file" >&2; exit 1; }
    echo "$(echo "$t1 - $t0" | bc -l) $(cat "$work"/cpu-* | awk -F+ '{s += $1 + $2} END {print s}') $load $(cat "$work"/cpu-* | awk -F+ '{c = $1 + $2; if (c > m) m = c} END {print m}')"
}
for name in baseline mpc; do
    : >"$work/r1"
    : >"$work/r2"
    for _ in $(seq "$reps"); do
        run "$name" 1 >>"$work/r1"
        run "$name" 2 >>"$work/r2"
    done
    w1=$(cut -d' ' -f1 "$work/r1" | median) c1=$(cut -d' ' -f2 "$work/r1" | median)
    w2=$(cut -d' ' -f1 "$work/r2" | median) c2=$(cut -d' ' -f2 "$work/r2" | median)
    l1=$(cut -d' ' -f3 "$work/r1" | median) l2=$(cut -d' ' -f3 "$work/r2" | median)
    m2=$(cut -d' ' -f4 "$work/r2" | median)
    printf '{"campaign": "%s", "cases": %d, "repeats": %d, "wall_s_1": %.2f, "wall_s_2": %.2f, ' \
        "$name" "$(wc -l <"$work/$name-full.jsonl")" "$reps" "$w1" "$w2"
    printf '"cpu_s_1": %.2f, "cpu_s_2": %.2f, "load_1": %s, "load_2": %s, ' "$c1" "$c2" "$l1" "$l2"
    printf '"speedup": %.3f, "efficiency": %.3f, "cpu_ratio": %.3f, "cpu_s_busier_shard": %.2f, ' \
        "$(echo "$w1 / $w2" | bc -l)" "$(echo "$w1 / $w2 / 2" | bc -l)" "$(echo "$c2 / $c1" | bc -l)" "$m2"
    printf '"cpu_bound_efficiency": %.3f, "merged_identical": true}\n' "$(echo "$c1 / $m2 / 2" | bc -l)"
done
