#!/bin/bash
# uml_run.sh SCRIPT [ARGS...]
#
# Boots a User-mode Linux kernel (Debian package user-mode-linux) with the host's / as its
# root file system (hostfs), loads the CAN modules, brings up vcan0, runs SCRIPT with ARGS
# inside the guest in the current directory and with the current environment, powers the
# guest off and exits with SCRIPT's exit status. Guest output goes to our stdout (stdout
# and stderr of SCRIPT are merged). See README.md beside this file.
#
# Environment:
#   UML_TIMEOUT   seconds before a hung guest is killed (default 300); exit status 124 then
#   UML_MEM       guest memory (default 256M)
#   UML_LINUX     the UML kernel binary (default: linux from PATH, i.e. /usr/bin/linux)
#   UML_KEEP=1    keep the temporary directory (for debugging) and print its path
#   UML_VERBOSE=1 show the kernel's boot messages instead of silencing them
#
# Exit status: SCRIPT's status; 124 on timeout; 125 when the harness itself failed
# (UML missing, modules missing, guest setup failed, guest died before SCRIPT finished).

set -u
shopt -s nullglob

me=${0##*/}
die() { printf '%s: error: %s\n' "$me" "$*" >&2; exit 125; }

[ $# -ge 1 ] || { printf 'usage: %s SCRIPT [ARGS...]\n' "$me" >&2; exit 2; }

# --- what we need on the host -------------------------------------------------------------
linux_bin=${UML_LINUX:-$(command -v linux || true)}
if [ -z "$linux_bin" ] || [ ! -x "$linux_bin" ]; then
    die "the User-mode Linux kernel 'linux' was not found (Debian: apt-get install user-mode-linux, gives /usr/bin/linux)"
fi
uml_ver=$("$linux_bin" --version 2>/dev/null | head -n1)
case $uml_ver in
    [0-9]*.*) ;;
    *) die "'$linux_bin --version' did not print a kernel version (is it really the user-mode-linux kernel?)" ;;
esac
moddir=/usr/lib/uml/modules/$uml_ver
[ -d "$moddir/kernel" ] ||
    die "UML kernel modules for $uml_ver not found in $moddir (package user-mode-linux, same version as $linux_bin)"
for m in drivers/net/can/dev/can-dev net/can/can net/can/can-raw drivers/net/can/vcan; do
    if [ ! -e "$moddir/kernel/$m.ko" ] && ! grep -qs "^kernel/$m.ko" "$moddir/modules.builtin"; then
        die "CAN module $m is neither a module in $moddir/kernel nor built into UML $uml_ver"
    fi
done
for t in timeout ip bash perl mkfifo; do
    command -v "$t" >/dev/null || die "'$t' is needed but not installed"
done

script=$1
shift
case $script in
    */*) [ -f "$script" ] || die "no such script: $script" ;;
    *) command -v "$script" >/dev/null || die "no such command: $script" ;;
esac

mem=${UML_MEM:-256M}
case $mem in
    *[gG]) mem_mb=$((${mem%?} * 1024)) ;;
    *[mM]) mem_mb=${mem%?} ;;
    *[kK]) mem_mb=$((${mem%?} / 1024)) ;;
    *) die "UML_MEM must look like 256M, 1G or 262144K, not '$mem'" ;;
esac

# --- a temporary directory where we may execute -------------------------------------------
# It holds the guest's init, which the guest executes, and its path goes on the kernel
# command line (init=...), so it must not contain blanks. The guest sees it through hostfs,
# so it must not be where the guest mounts its own file systems (/run, /dev, /proc, /sys).
work=
for base in "${TMPDIR:-}" /tmp /var/tmp; do
    if [ -z "$base" ] || [ ! -d "$base" ] || [ ! -w "$base" ]; then continue; fi
    case $(cd "$base" && pwd -P) in *[[:space:]]* | /run | /run/* | /dev | /dev/* | /proc/* | /sys/*) continue ;; esac
    d=$(mktemp -d "$base/uml_run.XXXXXX" 2>/dev/null) || continue
    printf '#!/bin/sh\nexit 0\n' >"$d/exec_probe" && chmod +x "$d/exec_probe"
    if "$d/exec_probe" 2>/dev/null; then
        work=$d
        break
    fi
    rm -rf "$d"
done
[ -n "$work" ] || die "no writable temporary directory that allows exec (TMPDIR=${TMPDIR:-unset}, /tmp and /var/tmp are all noexec, missing, under /run or /dev, or have blanks in their path); set TMPDIR to one that does"

tpid=
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    if [ -n "$tpid" ]; then kill -TERM "$tpid" 2>/dev/null; wait "$tpid" 2>/dev/null; fi
    if [ "${UML_KEEP:-0}" = 1 ]; then
        printf '%s: kept %s\n' "$me" "$work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
for sig in INT:130 TERM:143 HUP:129; do
    # shellcheck disable=SC2064  # the signal's name and status are expanded now, on purpose
    trap "printf '%s: interrupted (SIG${sig%:*})\n' \"\$me\" >&2; exit ${sig#*:}" "${sig%:*}"
done

# Where UML keeps the guest's memory (a file mapped with PROT_EXEC): /dev/shm, UML's own
# default, when it allows exec and has room for the whole guest memory (Docker's default
# /dev/shm has 64 MB: the guest would die of SIGBUS), else our directory (UML then warns on
# stderr that it is not on tmpfs; that is harmless).
memdir=$work
if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && [ -w /dev/shm ]; then
    avail_mb=$(($(df -Pk /dev/shm | awk 'NR == 2 { print $4 }') / 1024))
    if [ "$avail_mb" -ge $((mem_mb + 32)) ] && cp "$work/exec_probe" /dev/shm/uml_run_probe.$$ 2>/dev/null &&
        /dev/shm/uml_run_probe.$$ 2>/dev/null; then
        memdir=/dev/shm
    fi
    rm -f /dev/shm/uml_run_probe.$$
fi
rm -f "$work/exec_probe"

mkdir -p "$work/uml" "$work/tmp" || die "cannot create directories in $work"

# What the guest needs: cwd, the command line and the environment, NUL-separated.
pwd -P >"$work/cwd"
printf '%s\0' "$script" "$@" >"$work/argv"
env -0 >"$work/env"

# The guest's set-up, in one perl process: every exec in the guest costs about 0.1 s (UML
# forks are slow and every library is read through hostfs), so mount, stty and insmod as
# separate commands would cost 2-3 s per boot. perl-base is Essential in Debian; kmod
# (insmod) is often not installed. The syscall numbers are x86_64's, UML's only 64-bit arch.
cat >"$work/setup.pl" <<'SETUP'
use strict;
use warnings;
use POSIX ();
my ($w) = @ARGV;
(POSIX::uname())[4] eq 'x86_64' or die "guest is not x86_64: syscall numbers below are wrong\n";
sub sys_mount {
    my ($type, $target) = @_;
    my ($s, $t, $f) = ("$type", "$target", "$type");
    syscall(165, $s, $t, $f, 0, 0) == 0 or die "mount -t $type $target: $!\n";
}
sys_mount('proc', '/proc');    # before this, /proc is the host's, through hostfs
if (open(my $ec, '>', '/proc/exitcode')) { print $ec "125\n"; close $ec; }    # until the script's status is known
# No CR before each LF on the host's stdout: clear ONLCR (octal 4 on Linux) on the console.
my $tio = POSIX::Termios->new;
if (defined $tio->getattr(1)) {
    $tio->setoflag($tio->getoflag & ~04);
    $tio->setattr(1, POSIX::TCSANOW);
}
my %mounted;
open(my $m, '<', '/proc/mounts') or die "/proc/mounts: $!\n";
while (<$m>) { my @f = split; $mounted{$f[1]} = $f[2]; }
close $m;
sys_mount('sysfs', '/sys') unless ($mounted{'/sys'} // '') eq 'sysfs';
sys_mount('devtmpfs', '/dev') unless ($mounted{'/dev'} // '') eq 'devtmpfs';
mkdir '/dev/shm';
sys_mount('tmpfs', '/dev/shm');
# The host's /run is none of the guest's business; the guest's TMPDIR is private to this boot.
sys_mount('tmpfs', '/run');
sys_mount('tmpfs', "$w/tmp");

# CAN modules do not autoload. Built-in ones are skipped, already loaded ones tolerated.
my $k = '/usr/lib/uml/modules/' . (POSIX::uname())[2];
my %builtin;
if (open(my $b, '<', "$k/modules.builtin")) { while (<$b>) { chomp; $builtin{$_} = 1; } close $b; }
for my $rel (qw(drivers/net/can/dev/can-dev drivers/net/can/vcan net/can/can net/can/can-raw)) {
    next if $builtin{"kernel/$rel.ko"};
    (my $name = $rel) =~ s{.*/}{};
    $name =~ tr/-/_/;
    next if -d "/sys/module/$name";
    my $file = "$k/kernel/$rel.ko";
    open(my $fh, '<', $file) or die "CAN module $file: $!\n";
    my $params = '';
    syscall(313, fileno($fh), $params, 0) == 0 or $!{EEXIST} or die "finit_module $file: $!\n";
    close $fh;
}
SETUP

cat >"$work/init" <<'INIT'
#!/bin/bash
# PID 1 of the UML guest, generated by uml_run.sh. It must never exit: the kernel would panic.
W=@WORK@
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

finish() {    # finish STATUS: report STATUS to the host and power off
    echo "$1" >/proc/exitcode 2>/dev/null
    echo "$1" >"$W/status"
    # Drain the console to the host, sync, then
    # reboot(LINUX_REBOOT_MAGIC1, MAGIC2, LINUX_REBOOT_CMD_POWER_OFF), syscall 169 on x86_64.
    # (systemd's poweroff wants systemd as PID 1.)
    perl -MPOSIX -e 'POSIX::tcdrain(1); syscall(162); syscall(169, 0xfee1dead, 672274793, 0x4321fedc, 0);
                     die "reboot: $!\n"'
    echo "uml_run(guest): poweroff failed; waiting for the host's timeout"
    while :; do sleep 3600; done
}
setup_failed() {
    echo "uml_run(guest): setup failed: $*"
    echo "setup failed: $*" >"$W/setup_error"
    finish 125
}
exec </dev/null 2>&1

perl "$W/setup.pl" "$W" || setup_failed "mounts or CAN modules (see above)"
ip -batch - <<'IP' || setup_failed "ip link: cannot create vcan0 (see above)"
link set lo up
link add dev vcan0 type vcan
link set up vcan0
IP

# The script, in the host's environment and directory.
(
    for v in $(compgen -e); do unset "$v"; done
    mapfile -d '' -t env <"$W/env"
    for kv in "${env[@]}"; do
        n=${kv%%=*}
        case $n in PWD | OLDPWD | SHLVL | _ | TMPDIR) continue ;; esac
        [[ $n =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] && export "$kv" 2>/dev/null
    done
    export TMPDIR=$W/tmp UML_GUEST=1
    IFS= read -r cwd <"$W/cwd"
    cd "$cwd" || { echo "uml_run(guest): cannot cd to $cwd"; exit 125; }
    mapfile -d '' -t argv <"$W/argv"
    "${argv[@]}"
)
finish $?
INIT
sed -i "s|@WORK@|$work|" "$work/init"
chmod +x "$work/init"

# initcall_blacklist=raid6_select_algo: the built-in RAID6 library (for btrfs and md, which
# the guest never uses) benchmarks itself for ~0.9 s at every boot; skipping that halves it.
loglevel=(quiet loglevel=0)
[ "${UML_VERBOSE:-0}" = 1 ] && loglevel=(loglevel=7 printk.time=1)

# UML's console writes to a FIFO that cat copies to our stdout, rather than to our stdout
# directly: UML makes its console fd non-blocking, which would leak into whoever shares our
# stdout (and it cannot poll a regular file).
mkfifo "$work/console" || die "mkfifo failed"
cat "$work/console" &
cat_pid=$!
TMPDIR=$memdir timeout -k 10 "${UML_TIMEOUT:-300}" "$linux_bin" \
    rootfstype=hostfs rootflags=/ rw init="$work/init" mem="$mem" \
    con=null ssl=null con0=null,fd:1 uml_dir="$work/uml" initcall_blacklist=raid6_select_algo "${loglevel[@]}" \
    </dev/null >"$work/console" &
tpid=$!
wait "$tpid"
uml_rc=$?
tpid=
wait "$cat_pid"

# The status file, written by the guest through hostfs, is the truth. UML's own exit status
# is /proc/exitcode after a poweroff, but 134 (SIGABRT) when the kernel panics, which once
# happened here after the script had finished and its status was written.
if [ -s "$work/setup_error" ]; then
    printf '%s: guest %s\n' "$me" "$(cat "$work/setup_error")" >&2
    exit 125
fi
if [ -s "$work/status" ]; then
    status=$(cat "$work/status")
    if [ "$status" != "$uml_rc" ]; then
        printf '%s: note: %s exited with %s; UML exited with %s\n' "$me" "$script" "$status" "$uml_rc" >&2
    fi
    exit "$status"
fi
if [ "$uml_rc" = 124 ] || [ "$uml_rc" = 137 ]; then
    printf '%s: the guest did not finish within %ss (UML_TIMEOUT); killed\n' "$me" "${UML_TIMEOUT:-300}" >&2
    exit 124
fi
printf '%s: the guest stopped before %s finished (UML exit status %s; rerun with UML_VERBOSE=1 to see the kernel log)\n' \
    "$me" "$script" "$uml_rc" >&2
exit 125
