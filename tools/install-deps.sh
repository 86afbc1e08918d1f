#!/usr/bin/env bash
# Installs what ecodrive needs to build, test and plot, from Debian 12 packages.
# Runs apt-get as root, through sudo when called by another user.
set -euo pipefail
PACKAGES=(
    build-essential cmake pkg-config clang-format
    clang libclang-rt-14-dev # tests/fuzz: libFuzzer and the ASan/UBSan runtimes (-DECO_FUZZ=ON)
    libgsl-dev        # interpolation, linear algebra
    libcjson-dev      # vehicle, weights and mapping files
    libsocketcan-dev  # CAN link state and bus-off restart
    libcriterion-dev  # unit tests
    can-utils         # candump, cansend, canplayer, cangen in the vcan tests
    iproute2          # ip link add ... type vcan
    user-mode-linux   # a Linux kernel with CAN modules, run as a process (tests/vm)
    gnuplot-nox       # ecosim --plot
    graphviz          # tools/module-graph.sh draws docs/architecture.svg from cmake --graphviz
    libnlopt-dev      # ecosim tune: COBYLA, a derivative-free optimiser with constraints
    parallel          # tests/scale: GNU parallel runs campaign shards
    slurm-wlm munge   # tests/scale: a one-node Slurm cluster runs a shard job array
    systemd logrotate # tests/deploy: systemd-analyze verify/security and logrotate check the units
    python3-canmatrix # tests/integrator_kit.py: an encoder independent of ours writes the kit's log
)
if [ "$(id -u)" -ne 0 ]; then
    exec sudo "$0" "$@"
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
echo "install-deps: ${#PACKAGES[@]} packages present"
