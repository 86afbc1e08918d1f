#!/usr/bin/env bash
# One shard of a campaign as a Slurm array task (docs/campaign.md, "Slurm job array"):
#   sbatch --array=0-$((N - 1)) campaign_array.sh ECOSIM CAMPAIGN.json OUTDIR N
# Task K runs `ecosim campaign --shard K/N` into OUTDIR/shard-K.jsonl; --resume lets a
# requeued or re-submitted task keep the cases it had finished. Then, once all are done:
#   ecosim merge OUTDIR/shard-*.jsonl --out campaign.jsonl
#SBATCH --job-name=ecosim-campaign
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
set -euo pipefail
ecosim=${1:?usage: campaign_array.sh ECOSIM CAMPAIGN.json OUTDIR N}
campaign=${2:?campaign file}
outdir=${3:?output directory}
n=${4:?number of shards}
k=${SLURM_ARRAY_TASK_ID:?not a Slurm array task (set SLURM_ARRAY_TASK_ID)}
mkdir -p "$outdir"
exec "$ecosim" campaign "$campaign" --shard "$k/$n" --jobs "${SLURM_CPUS_PER_TASK:-1}" \
    --out "$outdir/shard-$k.jsonl" --resume --quiet
