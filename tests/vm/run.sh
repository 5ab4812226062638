#!/usr/bin/env bash
# run.sh - the Linux twin in Debian's own kernel, booted under QEMU TCG.
#
#   bash tests/vm/run.sh
#
# Fetches Debian's current kernel packages (dpkg -x, never installed), builds
# seconddriver.ko with Kbuild, checks its modinfo, packs a busybox initramfs
# with the static client and tests/vm/sd_vmtest, boots it with
# oops=panic panic_on_warn=1 panic=-1 -no-reboot under a hard timeout, and
# folds the PASS/FAIL lines the VM printed into its own. A VM that panics,
# hangs or stops early fails the run. Ends with "N passed, N failed".
# The serial log is kept in build/vm/test-console.log.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/report.sh"
. "$here/lib.sh"

if ! vm_prepare; then
	fail "vm: prepare the kernel, module and programs" "see the messages above"
	summary
	exit 1
fi
pass "module: seconddriver.ko builds with Kbuild against $(cat "$VM_KERNEL/release") (-Werror)"

info() { modinfo -F "$1" "$VM_KO" 2>/dev/null; }
check "modinfo: license GPL (the GPL-only scheduler exports need it)" test "$(info license)" = GPL
check "modinfo: author, description and version are filled in" \
	test -n "$(info author)" -a -n "$(info description)" -a -n "$(info version)"
check "modinfo: vermagic is the booted kernel's ($(info vermagic | cut -d' ' -f1))" \
	test "$(info vermagic | cut -d' ' -f1)" = "$(cat "$VM_KERNEL/release")"

if ! vm_initramfs test; then
	fail "vm: pack the initramfs"
	summary
	exit 1
fi

log=$VM_DIR/test-console.log
echo "vm: booting Debian $(cat "$VM_KERNEL/release") under QEMU TCG (timeout ${VM_TIMEOUT}s; about 10 s)"
start=$(date +%s)
vm_boot "$log"
rc=$?
echo "vm: QEMU exited $rc after $(($(date +%s) - start)) s; console log: $log"

absorb "vm: the tests inside the VM" "$log" "$rc"
grep -E '^# ' "$log" || true

check "vm: the VM ran to the end (SD-VM-END) and powered off" \
	grep -q '^SD-VM-END' "$log"
check "vm: the in-VM programs each ended with their summary line" \
	test "$(grep -cE '^[0-9]+ passed, [0-9]+ failed' "$log")" -eq 16
check "vm: no kernel panic" bash -c "! grep -q 'Kernel panic' '$log'"
if [ "$rc" -ne 0 ] || ! grep -q '^SD-VM-END' "$log"; then
	echo "vm: the last lines of the console:"
	tail -n 25 "$log" | sed 's/^/    | /'
fi

# The watchdog with two vCPUs: the spinner has one to itself, and the
# watchdog's thread and this test share the other.
if vm_initramfs watch2; then
	wlog=$VM_DIR/watch2-console.log
	echo "vm: booting with two vCPUs for the watchdog's tests (about 40 s)"
	start=$(date +%s)
	VM_SMP=2 vm_boot "$wlog"
	wrc=$?
	echo "vm: QEMU exited $wrc after $(($(date +%s) - start)) s; console log: $wlog"
	absorb "vm: the watchdog's tests on two vCPUs" "$wlog" "$wrc"
	grep -E '^# ' "$wlog" || true
	check "vm: two vCPUs: the guest saw 2 CPUs, ran to the end (SD-VM-END) and printed 4 summaries" \
		eval 'grep -q "^# sd_vmwatch on 2 vCPUs" "$wlog" && grep -q "^SD-VM-END" "$wlog" && test "$(grep -cE "^[0-9]+ passed, [0-9]+ failed" "$wlog")" -eq 4'
else
	fail "vm: pack the watch2 initramfs"
fi

# The harness itself: a kernel crash in the VM must end the boot at once
# and must not read as a passing run.
if vm_initramfs crash; then
	clog=$VM_DIR/crash-console.log
	start=$(date +%s)
	VM_TIMEOUT=60 vm_boot "$clog"
	crc=$?
	took=$(($(date +%s) - start))
	check "vm: harness: a deliberate kernel crash panics the VM, which exits in ${took}s (QEMU exit $crc)" \
		eval 'grep -q "Kernel panic" "$clog" && [ "$crc" -ne 124 ] && [ "$took" -lt 60 ]'
	check "vm: harness: the crashed run has no SD-VM-END, so it would fail" \
		eval 'grep -q "^SD-VM-CRASHING" "$clog" && ! grep -q "^SD-VM-END" "$clog"'
else
	fail "vm: harness: pack the crash initramfs"
fi
summary
