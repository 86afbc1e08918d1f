# Shared by the scale-out tests: a quick campaign (baseline runs of three cars on every
# shipped cycle, 24 cases) and its unsharded file, in a fresh temporary directory $work.
set -euo pipefail
bin=${1:?usage: $0 BIN_DIR}
ecosim=$bin/ecosim
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/eco_scale_XXXXXX")
cat >"$work/campaign.json" <<JSON
{"name": "scale-out test",
 "vehicles": ["toyota_prius_2022", "tesla_model3_rwd_2022", "toyota_corolla_1p8_cvt"],
 "cycles": ["wltc_class1", "wltc_class2", "wltc_class3a", "wltc_class3b", "nedc", "udds",
            "ftp75", "hwfet"],
 "controllers": ["baseline"]}
JSON
"$ecosim" campaign "$work/campaign.json" --jobs 1 --quiet --out "$work/full.jsonl"
[ "$(wc -l <"$work/full.jsonl")" -eq 24 ] || { echo "FAIL: the campaign has not 24 lines"; exit 1; }
