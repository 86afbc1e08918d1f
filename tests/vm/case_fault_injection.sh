#!/bin/bash
# case_fault_injection.sh BIN_DIR: issue 4, test case 3. canplayer plays the vehicle's inputs
# (a candump log made below) into ecodrived on vcan0, with faults:
#   2.0-4.0 s  BattSOC stops (EcoBattery not sent)  -> EcoValid = 0 within 3 periods, then
#              valid again when it resumes;
#   6.001 s    one EcoEngine frame with a corrupted CRC -> rejected, counted, invalid step;
#   7.0-8.0 s  VehicleSpeed 95 m/s, above the DBC's 90 -> invalid, never clamped;
# then a burst of random frames from cangen -> no crash, the counters rise; then SIGHUP with
# a bad weights file (refused, the old weights stay) and with a good one (swapped in).
# Times are measured on the daemon's own candump log (--log) of what it received and sent.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
vm_case_begin "$@"

# The input frames of models/ecodrive.dbc, E2E protected (CRC-8/SAE-J1850 over the data id
# and bytes 0..6, AUTOSAR E2E profile 1), at their cycle times 20/10/100 ms. CruiseActive
# (bit 52: byte 6, 0x10; the default mapping's engaged input) is 1 unless $s{nocruise}.
cat >"$tmp/gen.pl" <<'PERL'
use strict; use warnings;
my %ctr;
sub crc8 { my ($id, @b) = @_; my $c = 0xFF;
  for my $x ($id & 0xFF, ($id >> 8) & 0xFF, @b[0 .. 6]) { $c ^= $x;
    for (1 .. 8) { $c = ($c & 0x80) ? (($c << 1) ^ 0x1D) & 0xFF : ($c << 1) & 0xFF } }
  return $c ^ 0xFF }
sub r16 { my $v = shift; $v = $v < 0 ? int($v - 0.5) : int($v + 0.5); $v &= 0xFFFF; ($v & 0xFF, $v >> 8) }
sub motion { my %s = @_; my @b = (r16($s{v} / 0.01), r16($s{set} / 0.01), r16(0),
  ($ctr{m}++ & 15) | ($s{nocruise} ? 0 : 0x10), 0);
  $b[7] = crc8(0x0A01, @b); ('100', @b) }
sub engine { my %s = @_; my @b = (r16(150 / 0.02), r16(40 / 0.1), 25, 0, 2 | (($ctr{e}++ & 15) << 4), 0);
  $b[7] = crc8(0x0A02, @b); $b[7] ^= 0x55 if $s{badcrc}; ('101', @b) }
sub batt { ('102', r16(60 / 0.01), r16(201.6 / 0.01), r16(3 / 0.05), 0, 0) }
sub line { my ($t, $id, @b) = @_;
  printf "(%d.%06d) vcan0 %s#%s\n", 1000 + int($t / 1000), ($t % 1000) * 1000, $id, join('', map { sprintf '%02X', $_ } @b) }
# scenario: time ms -> (speed, set speed, fault flags)
my ($dur, $scen) = @ARGV;
for my $t (0 .. $dur - 1) {
  my %s = (v => 10, set => 12);
  if ($scen eq 'faults') {
    $s{v} = 95 if $t >= 7000 && $t < 8000;
    $s{nobatt} = $t >= 2000 && $t < 4000;
    $s{badcrc} = $t == 6001;
  } else { # steps: piecewise-constant phases of 3 s, a battery dropout in the 5th
    my @ph = ([0, 8], [8, 14], [14, 14], [14, 6], [10, 10], [10, 12]);
    ($s{v}, $s{set}) = @{$ph[int($t / 3000)]};
    $s{nobatt} = int($t / 3000) == 4;
  }
  line($t, motion(%s)) if $t % 20 == 3;
  line($t, engine(%s)) if $t % 10 == 1;
  line($t, batt()) if $t % 100 == 7 && !$s{nobatt};
}
PERL
perl "$tmp/gen.pl" 9500 faults >"$tmp/in.log" || fail "log generator"

echo '{"fuel_per_g": 1}' >"$tmp/w.json"
"$bin/ecodrived" --iface vcan0 --log "$tmp/daemon.log" --weights "$tmp/w.json" 2>"$tmp/err" &
daemon=$!
trap 'kill $daemon 2>/dev/null' EXIT
for _ in $(seq 200); do [[ $(<"$tmp/err") == *running* ]] && break; sleep 0.05; done
canplayer -I "$tmp/in.log" || fail "canplayer failed"
sleep 0.3
# The burst: random data on EcoEngine's id (all fail the CRC), then random ids and lengths.
cangen vcan0 -I 101 -L 8 -D r -g 0.5 -n 400 || fail "cangen 101"
cangen vcan0 -g 0.2 -n 2000 -e || true # extended and standard ids; ENOBUFS may cut it short
sleep 1.2
kill -0 $daemon || fail "ecodrived died in the burst: $(cat "$tmp/err")"
echo '{"fuel_per_g": -1}' >"$tmp/w.json"
kill -HUP $daemon
sleep 0.5
echo '{"fuel_per_g": 1, "nox_per_mg": 0.01}' >"$tmp/w.json"
kill -HUP $daemon
for _ in $(seq 100); do [[ $(<"$tmp/err") == *"new weights in use"* ]] && break; sleep 0.1; done
grep -q 'weights not reloaded, the old ones stay: .*fuel_per_g' "$tmp/err" || fail "bad weights not refused: $(cat "$tmp/err")"
grep -q 'new weights in use' "$tmp/err" || fail "good weights not swapped in: $(cat "$tmp/err")"
kill -TERM $daemon
wait $daemon || fail "ecodrived exit status $?"
cat "$tmp/err"

# Analyse the daemon's log: its received (0x100..0x102) and sent (0x200, 0x201) frames.
perl - "$tmp/daemon.log" <<'PERL' || fail "see above"
use strict; use warnings;
my (@sp, @batt, @oor, @badcrc, @st);
open my $fh, '<', $ARGV[0] or die;
while (<$fh>) {
  my ($t, $id, $d) = /^\((\d+\.\d+)\) \S+ ([0-9A-F]+)#([0-9A-F]*)/ or next;
  my @b = map { hex } unpack '(A2)*', $d;
  if ($id eq '200') { push @sp, [$t, $b[4] & 1] }
  elsif ($id eq '201') { push @st, [$t, @b] }
  elsif ($id eq '102') { push @batt, $t }
  elsif ($id eq '100' && ($b[0] | $b[1] << 8) == 9500) { push @oor, $t }
}
my $ok = 1;
sub first_sp { my ($after, $valid) = @_; for (@sp) { return $_->[0] if $_->[0] > $after && $_->[1] == $valid } return undef }
# 1. The battery gap: the last frame before it and the first after it.
my ($last, $resume);
for my $i (1 .. $#batt) { if ($batt[$i] - $batt[$i - 1] > 1.0) { ($last, $resume) = ($batt[$i - 1], $batt[$i]); last } }
defined $last or die "FAIL: no battery gap in the log\n";
my $inv = first_sp($last, 0);
my $dt = ($inv - $last) * 1000;
printf "battery: last frame %.3f, first invalid setpoint %.0f ms later = %.2f periods after the first missing frame (stale at 300 ms)\n", $last, $dt, ($dt - 100) / 100;
if ($dt < 300 || $dt > 430) { print "FAIL: invalid not within 3 periods of the loss (+30 ms guest timer slack)\n"; $ok = 0 }
my $val = first_sp($resume, 1);
printf "battery: resumed %.3f, valid again %.0f ms later\n", $resume, ($val - $resume) * 1000;
if (($val - $resume) * 1000 > 130) { print "FAIL: not valid again within a period\n"; $ok = 0 }
# 2. The out-of-range speed: invalid from the first such frame to the last, valid after.
my $inv2 = first_sp($oor[0], 0);
printf "out of range: first 95 m/s frame %.3f, invalid %.0f ms later\n", $oor[0], ($inv2 - $oor[0]) * 1000;
if (($inv2 - $oor[0]) * 1000 > 130) { print "FAIL: out-of-range speed not invalid within a period\n"; $ok = 0 }
for (@sp) { if ($_->[0] > $oor[0] + 0.11 && $_->[0] < $oor[-1] && $_->[1]) { printf "FAIL: valid setpoint at %.3f during the out-of-range speed\n", $_->[0]; $ok = 0; last } }
my $val2 = first_sp($oor[-1], 1);
printf "out of range: valid again %.0f ms after the last such frame\n", ($val2 - $oor[-1]) * 1000;
# 3. The corrupted CRC at 6.001 s of the log: an invalid setpoint between the two phases.
my $bad = first_sp($val, 0);
if (!defined $bad || $bad >= $oor[0]) { print "FAIL: no invalid setpoint after the corrupted CRC\n"; $ok = 0 }
else { printf "corrupted CRC: invalid setpoint at %.3f (one period)\n", $bad }
# 4. EcoStatus counters (entries: time, bytes 0..7): EcoFramesRejected is bits 28..39.
my @pre = grep { $_->[0] < $oor[-1] + 1 } @st;
my $rej_pre = ($pre[-1][4] >> 4) | ($pre[-1][5] << 4);
my $rej_end = ($st[-1][4] >> 4) | ($st[-1][5] << 4);
my $rx_end = $st[-1][1] | ($st[-1][2] << 8);
printf "EcoStatus: rejected %d after the CRC fault, %d after the burst; received %d\n", $rej_pre, $rej_end, $rx_end;
if ($rej_pre < 1) { print "FAIL: the corrupted CRC was not counted\n"; $ok = 0 }
if ($rej_end < $rej_pre + 300) { print "FAIL: the burst was not counted as rejected\n"; $ok = 0 }
exit !$ok;
PERL
grep -q 'stopped:' "$tmp/err" || fail "no summary at exit"
echo "ok: fault injection"
