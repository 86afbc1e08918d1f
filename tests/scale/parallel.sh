#!/usr/bin/env bash
# GNU parallel runs four shards two at a time; ecosim merge joins them into exactly the
# unsharded file (docs/campaign.md, "GNU parallel"). Exit 77 (skipped) without parallel.
source "$(dirname "$0")/common.sh"
trap 'rm -rf "$work"' EXIT
command -v parallel >/dev/null || { echo "SKIP: GNU parallel is not installed"; exit 77; }
parallel --will-cite --halt now,fail=1 -j 2 \
    "$ecosim" campaign "$work/campaign.json" --shard {}/4 --jobs 1 --quiet \
    --out "$work/shard-{}.jsonl" ::: 0 1 2 3
"$ecosim" merge "$work"/shard-*.jsonl --out "$work/merged.jsonl"
cmp "$work/merged.jsonl" "$work/full.jsonl"
# a missing shard is refused by name
if "$ecosim" merge "$work/shard-0.jsonl" "$work/shard-2.jsonl" --out "$work/x.jsonl" 2>"$work/err"; then
    echo "FAIL: merge took two of four shards"; exit 1
fi
grep -q "missing: 1/4, 3/4" "$work/err" || { echo "FAIL: $(cat "$work/err")"; exit 1; }
echo "parallel: 4 shards merged, byte-identical to the unsharded file (24 cases)"
