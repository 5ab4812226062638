#!/usr/bin/env bash
# debug-wine.sh - the seed's debugger session, replayed under Wine with gdb.
#
#   bash scripts/debug-wine.sh [priority]
#
# 1. Starts the DWARF build of SecondDriver.sys (-O0, locals intact) in a
#    fresh Wine session, installed with the seed's `sc create`/`sc start`.
# 2. Attaches gdb to the Linux process that hosts the driver (the
#    winedevice.exe that has SecondDriver.sys mapped), and loads the
#    driver's symbols at the offset where Wine relocated it (read from
#    /proc/PID/maps). No winedbg --gdb: its proxy listens on all interfaces;
#    this uses ptrace only and opens no socket.
# 3. Breaks on the source line in SecondDriverDeviceControl right after the
#    stack location is obtained (a breakpoint on the function name would
#    stop before the prologue has saved the arguments). The breakpoint is in
#    place before any request is sent.
# 4. Runs SecondDriverClient.exe <tid> <priority> (default 31).
# 5. Prints the IRP's major function, Parameters.DeviceIoControl, the input
#    buffer as raw bytes and as two little-endian ints, and a backtrace.
# 6. Detaches (the host keeps running) and shows that the request completes.
#
# Lines starting "SD-" are for tests/wine/test_debug.sh to read.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
priority=${1:-31}

step() { printf '\n== %s\n' "$*"; }
die() { echo "debug-wine: $*" >&2; exit 1; }

step "installing packages and building the debug driver"
bash scripts/install-deps.sh >/dev/null || die "package install failed: run scripts/install-deps.sh"
make -j2 driver client wine-tests >/dev/null 2>"$root/build.log" ||
	{ tail -n 20 "$root/build.log"; die "build failed (build.log)"; }
rm -f "$root/build.log"

. tests/wine/lib.sh
step "starting Wine with the DWARF build of SecondDriver.sys"
wine_session_start debug >/dev/null || die "could not start a Wine session"
sc_create_second >/dev/null || die "sc create failed"
wrun sc start second | grep -E 'STATE' || die "sc start failed"
start_target 300 || die "sd_target.exe did not report its thread"
echo "target thread: $TARGET_TID"

# The Linux process hosting the driver, and where Wine put the image. Only
# this session's: the image's path is inside this session's own prefix, so
# another Wine session on the machine is never attached to.
image=$(realpath "$WINEPREFIX/drive_c/Driver/SecondDriver/SecondDriver.sys")
pid=""
for p in $(pgrep -u "$(id -u)" -f 'winedevice.exe'); do
	if grep -qF " $image" "/proc/$p/maps" 2>/dev/null; then
		pid=$p
		break
	fi
done
[ -n "$pid" ] || die "no winedevice.exe of this session has $image mapped"
base=0x$(grep -F " $image" "/proc/$pid/maps" | head -n 1 | cut -d- -f1)
sys=build/win/debug/SecondDriver.sys
offset=$(/usr/bin/python3 -c "import sys; sys.path.insert(0, 'tools'); import pe
print(hex($base - pe.load('$sys').OPTIONAL_HEADER.ImageBase))")
line=$(grep -n 'request.IoControlCode = ' driver/SecondDriver.c | cut -d: -f1)
echo "driver host: Linux pid $pid; SecondDriver.sys loaded at $base (symbols offset $offset)"
echo "breakpoint:  driver/SecondDriver.c:$line, just after IoGetCurrentIrpStackLocation"

gdbcmds=$SD_WORK/session.gdb
cat >"$gdbcmds" <<EOF
set pagination off
set confirm off
set print pretty on
# Wine runs on these signals (thread suspension, exception and privileged-
# instruction emulation): let them through silently.
handle SIGSEGV SIGILL SIGBUS SIGFPE SIGUSR1 SIGUSR2 SIGPIPE SIGALRM SIGCHLD nostop noprint pass
add-symbol-file $sys -o $offset
break SecondDriver.c:$line
echo SD-READY\n
continue
echo \n--- stopped in SecondDriverDeviceControl ---\n
printf "IRP major function: %d (IRP_MJ_DEVICE_CONTROL = 14)\n", stack->MajorFunction
echo Parameters.DeviceIoControl:\n
print stack->Parameters.DeviceIoControl
printf "IoControlCode     = 0x%08x\n", stack->Parameters.DeviceIoControl.IoControlCode
printf "InputBufferLength = %u\n", stack->Parameters.DeviceIoControl.InputBufferLength
printf "Type3InputBuffer  = %p\n", stack->Parameters.DeviceIoControl.Type3InputBuffer
echo input buffer, raw bytes:\n
x/8xb stack->Parameters.DeviceIoControl.Type3InputBuffer
echo input buffer, two little-endian 4-byte ints (the seed's dd):\n
x/2xw stack->Parameters.DeviceIoControl.Type3InputBuffer
printf "ThreadId = 0x%x = %u\n", ((unsigned int *)stack->Parameters.DeviceIoControl.Type3InputBuffer)[0], ((unsigned int *)stack->Parameters.DeviceIoControl.Type3InputBuffer)[0]
printf "Priority = 0x%x = %d\n", ((int *)stack->Parameters.DeviceIoControl.Type3InputBuffer)[1], ((int *)stack->Parameters.DeviceIoControl.Type3InputBuffer)[1]
# Debian's gdb has no Windows x64 unwinder (its OS ABIs are SVR4 and
# GNU/Linux), so it cannot walk from the driver's frame into Wine's
# ntoskrnl.exe, which called it: the backtrace ends at the driver.
echo backtrace (the driver's frames; see docs/DEBUGGING.md):\n
backtrace 1
printf "SD-IRP major=%d code=0x%08x inlen=%u tid=%u priority=%d\n", stack->MajorFunction, stack->Parameters.DeviceIoControl.IoControlCode, stack->Parameters.DeviceIoControl.InputBufferLength, ((unsigned int *)stack->Parameters.DeviceIoControl.Type3InputBuffer)[0], ((int *)stack->Parameters.DeviceIoControl.Type3InputBuffer)[1]
delete
detach
echo SD-DETACHED\n
EOF

step "attaching gdb to pid $pid"
gdblog=$SD_WORK/gdb.out
timeout 120 gdb -q -nx -batch -p "$pid" -x "$gdbcmds" >"$gdblog" 2>&1 &
gdb_pid=$!
for _ in $(seq 1 150); do
	grep -q '^SD-READY' "$gdblog" && break
	kill -0 "$gdb_pid" 2>/dev/null || break
	sleep 0.2
done
grep -q '^SD-READY' "$gdblog" || { cat "$gdblog"; die "gdb did not get ready"; }
grep -E '^(Breakpoint|add symbol)' "$gdblog"

step "SecondDriverClient.exe $TARGET_TID $priority (the driver stops in gdb)"
client_out=$SD_WORK/client.out
wine "$SD_WIN_DIR\\SecondDriverClient.exe" "$TARGET_TID" "$priority" >"$client_out" 2>&1 &
client_pid=$!
wait "$gdb_pid"
gdb_rc=$?
sed -n '/^--- stopped/,$p' "$gdblog" | grep -v '^\[Inferior'

step "after detach, the request completes"
wait "$client_pid"
client_rc=$?
tr -d '\r' <"$client_out"
echo "SD-CLIENT exit=$client_rc"
out=$(wrun "$SD_WIN_DIR\\sd_wine_tests.exe" open)
echo "$out"
echo "SD-HOST $out"
[ "$gdb_rc" -eq 0 ] && [ "$client_rc" -eq 0 ]
