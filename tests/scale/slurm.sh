#!/usr/bin/env bash
# A Slurm job array runs the shards of a campaign (docs/campaign.md, "Slurm job array"): the
# test starts a one-node cluster on 127.0.0.1 (munged, slurmctld, slurmd with a generated
# slurm.conf in a temporary directory), submits campaign_array.sh with sbatch --array=0-3
# --wait, merges the shards and compares them with the unsharded file; the daemons are
# stopped by their pid files. First, and whatever Slurm can do here, the array script's
# logic is tested with SLURM_ARRAY_TASK_ID set by hand. If the cluster cannot run (not
# root, packages missing, a daemon that does not start), the test says why and passes on
# the hand-set run alone.
source "$(dirname "$0")/common.sh"
pids=()
stop_daemons() {
    for f in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munge/munged.pid"; do
        [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
    done
    for _ in $(seq 50); do
        alive=0
        for f in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munge/munged.pid"; do
            [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && alive=1
        done
        [ $alive = 0 ] && break
        sleep 0.1
    done
}
trap 'stop_daemons; rm -rf "$work"' EXIT

# 1. The script's logic: four tasks by hand, merged.
for k in 0 1 2 3; do
    SLURM_ARRAY_TASK_ID=$k bash "$here/campaign_array.sh" "$ecosim" "$work/campaign.json" \
        "$work/by-hand" 4
done
"$ecosim" merge "$work"/by-hand/shard-*.jsonl --out "$work/by-hand.jsonl"
cmp "$work/by-hand.jsonl" "$work/full.jsonl"
if bash "$here/campaign_array.sh" "$ecosim" "$work/campaign.json" "$work/x" 4 2>/dev/null; then
    echo "FAIL: the array script ran outside an array task"; exit 1
fi
echo "slurm: the array script by hand (SLURM_ARRAY_TASK_ID=0..3): merged, byte-identical"

why=""
[ "$(id -u)" = 0 ] || why="not root (munged and slurmd are started as root here)"
for tool in munged slurmctld slurmd sbatch sinfo; do
    [ -n "$why" ] || command -v $tool >/dev/null || why="$tool is not installed (slurm-wlm, munge)"
done
if [ -n "$why" ]; then
    echo "slurm: no cluster: $why; the hand-set run above stands for it"
    exit 0
fi

# 2. A one-node cluster on 127.0.0.1.
host=$(hostname -s)
port=$((20000 + $$ % 20000))
mkdir -p "$work/munge" "$work/state" "$work/spool"
chown munge:munge "$work/munge"
chmod 755 "$work/munge" # munged: the socket dir must be searchable by all
dd if=/dev/urandom bs=1 count=1024 of="$work/munge/munge.key" status=none
chown munge:munge "$work/munge/munge.key"
chmod 400 "$work/munge/munge.key"
chmod 755 "$work"
runuser -u munge -- munged --key-file="$work/munge/munge.key" \
    --socket="$work/munge/munge.socket" --pid-file="$work/munge/munged.pid" \
    --log-file="$work/munge/munged.log" --seed-file="$work/munge/munged.seed" ||
    { echo "slurm: no cluster: munged did not start: $(tail -2 "$work/munge/munged.log" 2>/dev/null)"; exit 0; }
cat >"$work/slurm.conf" <<CONF
ClusterName=ecotest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=eco Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
slurmctld -f "$SLURM_CONF" || { echo "slurm: no cluster: slurmctld did not start: $(tail -3 "$work/slurmctld.log")"; exit 0; }
slurmd -f "$SLURM_CONF" || { echo "slurm: no cluster: slurmd did not start: $(tail -3 "$work/slurmd.log")"; exit 0; }
for _ in $(seq 100); do
    state=$(sinfo -h -o %t 2>/dev/null || true)
    [ "$state" = idle ] && break
    sleep 0.2
done
if [ "$state" != idle ]; then
    echo "slurm: no cluster: the node is '$state' after 20 s: $(tail -3 "$work/slurmctld.log")"
    exit 0
fi

# 3. The job array, waited for; then the merge.
sbatch --array=0-3 --wait --chdir="$work" --output="$work/task-%a.log" --quiet \
    "$here/campaign_array.sh" "$ecosim" "$work/campaign.json" "$work/array" 4
"$ecosim" merge "$work"/array/shard-*.jsonl --out "$work/array.jsonl"
cmp "$work/array.jsonl" "$work/full.jsonl"
echo "slurm: sbatch --array=0-3 on a one-node cluster: 4 shards merged, byte-identical"
