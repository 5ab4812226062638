#!/usr/bin/env bash
# test_debug.sh - runs scripts/debug-wine.sh (the seed's debugger session,
# under Wine with gdb) and checks what it printed against what was sent.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/report.sh"

prio=27
out=$(mktemp)
bash "$here/../../scripts/debug-wine.sh" "$prio" >"$out" 2>&1
rc=$?
tid=$(sed -n 's/^target thread: \([0-9]*\)$/\1/p' "$out")
irp=$(grep '^SD-IRP ' "$out")
echo "    $irp"

check "debug: scripts/debug-wine.sh exits 0" [ "$rc" -eq 0 ]
line=$(grep -n 'request.IoControlCode = ' "$here/../../driver/SecondDriver.c" | cut -d: -f1)
check "debug: gdb stopped in SecondDriverDeviceControl at the line after IoGetCurrentIrpStackLocation ($line)" \
	grep -qE "SecondDriverDeviceControl \(DeviceObject=.*Irp=.*\) at driver/SecondDriver.c:${line:-x}\$" "$out"
check "debug: the IRP is IRP_MJ_DEVICE_CONTROL (14)" grep -q 'major=14 ' <<<"$irp"
check "debug: IoControlCode 0x80002003, InputBufferLength 8" \
	grep -q 'code=0x80002003 inlen=8 ' <<<"$irp"
check "debug: the input buffer holds the client's thread id ($tid)" \
	eval '[ -n "$tid" ] && grep -q "tid=$tid " <<<"$irp"'
check "debug: the input buffer holds the client's priority ($prio)" \
	grep -qE "priority=$prio\$" <<<"$irp"
check "debug: the buffer reads as two little-endian ints" \
	grep -qE "^0x[0-9a-f]+:[[:space:]]+0x0*$(printf '%x' "${tid:-0}")[[:space:]]+0x0*$(printf '%x' "$prio")\$" "$out"
# Frame 0 only: gdb has no Windows x64 unwinder (docs/DEBUGGING.md).
check "debug: the backtrace's frame 0 is SecondDriverDeviceControl, with its IRP" \
	grep -qE '^#0 +SecondDriverDeviceControl \(DeviceObject=0x[0-9a-f]+, Irp=0x[0-9a-f]+\) at driver/SecondDriver.c:' "$out"
check "debug: gdb detached" grep -q '^SD-DETACHED' "$out"
check "debug: the request completed after the detach (client exit 0)" \
	grep -q '^SD-CLIENT exit=0$' "$out"
check "debug: the driver host still answers afterwards" \
	grep -q '^SD-HOST open: error 0$' "$out"
summary_or_show "$out" 40
