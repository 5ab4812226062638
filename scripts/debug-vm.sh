#!/usr/bin/env bash
# debug-vm.sh - the seed's debugger session on the Linux twin: gdb on QEMU's
# gdb stub, breaking in the module's ioctl handler.
#
#   bash scripts/debug-vm.sh [priority]
#
# 1. Boots the test VM (tests/vm/lib.sh) with QEMU's gdb stub bound to
#    127.0.0.1 only, on a free port, and a second serial port on a pair of
#    FIFOs through which the VM waits for the debugger.
# 2. Reads the module's .text address, which the VM prints from
#    /sys/module/seconddriver/sections/.text, and loads seconddriver.ko's
#    symbols there (add-symbol-file).
# 3. Sets a hardware breakpoint in the ioctl handler, sd_ioctl_set_priority,
#    on the line after the request has been copied in and validated.
# 4. Lets the VM run the client: SecondDriverClient <tid> <priority>.
# 5. Prints the request struct (as fields, as raw bytes, as two
#    little-endian ints) and the backtrace.
# 6. Detaches; the request completes and the VM runs the test suite to the
#    end. Takes about 12 s.
#
# Lines starting "SD-" are for tests/vm/test_debug.sh to read. The kernel's
# own symbols are not loaded (frames below the module show as ??); see
# docs/DEBUGGING.md for Debian's -dbg package.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
priority=${1:-31}
. tests/vm/lib.sh

step() { printf '\n== %s\n' "$*"; }
die() { echo "debug-vm: $*" >&2; exit 1; }

step "installing packages, fetching the kernel, building the module"
bash scripts/install-deps.sh >/dev/null || die "package install failed: run scripts/install-deps.sh"
vm_prepare || die "could not prepare the VM (see above)"
VM_DEBUG_PRIORITY=$priority vm_initramfs debug || die "could not pack the initramfs"

work=$VM_DIR/debug
rm -rf "$work"
mkdir -p "$work"
mkfifo "$work/ctl.in" "$work/ctl.out" || die "mkfifo failed"
# Drain what the VM writes to its second serial port.
cat "$work/ctl.out" >/dev/null &
drain=$!
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
log=$work/console.log

step "booting the VM with its gdb stub on 127.0.0.1:$port"
vm_boot "$log" -gdb "tcp:127.0.0.1:$port" -serial "pipe:$work/ctl" -pidfile "$work/qemu.pid" &
vm=$!
# On an early exit, QEMU itself must go too, not only the shell around it.
cleanup() {
	[ -s "$work/qemu.pid" ] && kill "$(cat "$work/qemu.pid")" 2>/dev/null
	kill "$vm" "$drain" 2>/dev/null
}
trap cleanup EXIT

text=""
for _ in $(seq 1 120); do
	text=$(grep -a '^SD-TEXT ' "$log.raw" 2>/dev/null | tr -d '\r' | cut -d' ' -f2)
	[ -n "$text" ] && break
	kill -0 "$vm" 2>/dev/null || break
	sleep 0.5
done
[ -n "$text" ] || { tail -n 20 "$log.raw" 2>/dev/null; die "the VM never printed the module's .text address"; }
echo "module .text: $text (from /sys/module/seconddriver/sections/.text)"
echo "SD-LISTEN $(ss -Hltn "sport = :$port" | awk '{print $4}' | tr '\n' ' ')"

src=$VM_SRC/linux/seconddriver_main.c
line=$(grep -n 'ret = sd_set_one(td.ThreadId, td.Priority, 0, &old);' "$src" | cut -d: -f1)
[ -n "$line" ] || die "cannot find the breakpoint line in $src"
echo "breakpoint:  linux/seconddriver_main.c:$line, after the request is copied in"

step "gdb: attach, break, let the client run"
cat >"$work/gdb.cmd" <<GDB
set pagination off
set confirm off
set architecture i386:x86-64
target remote 127.0.0.1:$port
add-symbol-file $VM_KO -s .text $text
hbreak seconddriver_main.c:$line
shell echo go >$work/ctl.in
continue
echo SD-STOPPED\\n
info symbol \$pc
echo -- the request, as the module copied it in --\\n
print td
print/x td
echo -- raw bytes --\\n
x/8xb &td
echo -- as two little-endian 4-byte ints --\\n
x/2dw &td
printf "SD-REQ tid=%u priority=%d size=%d\\n", td.ThreadId, td.Priority, sizeof(td)
echo -- backtrace --\\n
bt
delete
detach
echo SD-DETACHED\\n
GDB
timeout 120 gdb -q -batch -nx -x "$work/gdb.cmd" 2>&1 | tee "$work/gdb.out" | grep -v '^warning: .*symbols'
gdb_rc=${PIPESTATUS[0]}
grep -q '^SD-DETACHED' "$work/gdb.out" ||
	die "gdb (exit $gdb_rc) did not stop at the breakpoint and detach; its output: $work/gdb.out"
step "after the detach"
wait "$vm"
rc=$?
trap - EXIT
kill "$drain" 2>/dev/null
grep -E '^SD-DEBUG-' "$log"
echo "SD-VM exit=$rc end=$(grep -c '^SD-VM-END' "$log") passed=$(grep -c '^PASS ' "$log") failed=$(grep -c '^FAIL ' "$log")"
[ "$gdb_rc" -eq 0 ] || die "gdb ended with exit $gdb_rc; its output: $work/gdb.out"
[ "$rc" -eq 0 ] || die "the VM ended with QEMU exit $rc; console log: $log"
