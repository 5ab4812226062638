#!/usr/bin/env bash
# run.sh - the Linux twin in a Debian kernel, booted under QEMU TCG.
#
#   bash tests/vm/run.sh [--kernel 6.1|6.12|6.12-rt] [--full]
#
# Fetches the kernel's packages (dpkg -x, never installed; 6.1 is Debian 12's
# own, 6.12 and 6.12-rt come from bookworm-backports), builds seconddriver.ko
# with Kbuild, checks its modinfo, packs a busybox initramfs with the static
# client and tests/vm/sd_vmtest, boots it with oops=panic panic_on_warn=1
# panic=-1 -no-reboot under a hard timeout, and folds the PASS/FAIL lines the
# VM printed into its own. A VM that panics, hangs or stops early fails the
# run. Ends with "N passed, N failed".
#
# On 6.1: the whole suite (every test, the timing of a spinner at 31 on one
# vCPU under a lease and the watchdog, the watchdog on two vCPUs, the
# harness's crash test). On 6.12 and 6.12-rt: the functional suite (every
# request, every refusal, rmmod, the log, leases, the watchdog's settings),
# and on 6.12-rt the RT checks; --full adds the rest. On each: a one-vCPU
# boot with preempt=full (6.12-rt as it is), where the caller of a SET or a
# BOOST is preempted inside it by the spinner it sets (linux/sd_sched.h).
# Each line names a kernel other than 6.1: "PASS [6.12-rt] ...". Everything
# lands under build/vm/ (6.1) or build/vm-<kernel>/.
set -u
here=$(cd "$(dirname "$0")" && pwd)

kernel=6.1 full=
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=${2:-}; shift 2 || break ;;
	--full) full=1; shift ;;
	*) echo "usage: bash tests/vm/run.sh [--kernel 6.1|6.12|6.12-rt] [--full]" >&2; exit 2 ;;
	esac
done
case $kernel in
6.1 | 6.12 | 6.12-rt) ;;
*) echo "run.sh: unknown kernel '$kernel': 6.1, 6.12 or 6.12-rt" >&2; exit 2 ;;
esac
[ "$kernel" = 6.1 ] && full=1
# Lines name the kernel, when it is not 6.1.
if [ "$kernel" != 6.1 ] && [ -z "${SD_VM_NAMED:-}" ]; then
	SD_VM_NAMED=1 bash "$0" --kernel "$kernel" ${full:+--full} 2>&1 |
		sed -u "s/^\(PASS\|FAIL\) /\1 [$kernel] /"
	exit "${PIPESTATUS[0]}"
fi
[ "$kernel" = 6.1 ] || export VM_KERNEL_KIND=$kernel	# lib.sh: build/vm-$kernel
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

# Without --full, the functional suite: no spinner timing on one vCPU.
if ! VM_SUITE=$([ -n "$full" ] && echo all || echo functional) vm_initramfs test; then
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
programs=16
[ -n "$full" ] || programs=11	# no sd_vmlease spinner, no sd_vmwatch (4 runs)
check "vm: the in-VM programs each ended with their summary line ($programs)" \
	test "$(grep -cE '^[0-9]+ passed, [0-9]+ failed' "$log")" -eq "$programs"
check "vm: no kernel panic" bash -c "! grep -q 'Kernel panic' '$log'"
if [ "$rc" -ne 0 ] || ! grep -q '^SD-VM-END' "$log"; then
	echo "vm: the last lines of the console:"
	tail -n 25 "$log" | sed 's/^/    | /'
fi

# PREEMPT_RT: what a level-31 spinner leaves to the rest of the kernel. The
# guest's second serial port is a pair of FIFOs; the host echoes every byte.
if [ "$kernel" = 6.12-rt ]; then
	if vm_initramfs rt; then
		rlog=$VM_DIR/rt-console.log
		echo_fifo=$VM_DIR/echo
		rm -f "$echo_fifo.in" "$echo_fifo.out"
		mkfifo "$echo_fifo.in" "$echo_fifo.out"
		# Opens its output first: both ends wait for QEMU to open them.
		(cat <"$echo_fifo.out" >"$echo_fifo.in") &
		echo_job=$!
		echo "vm: booting $kernel for its RT checks, one vCPU, ttyS1 echoed by the host (about 30 s)"
		start=$(date +%s)
		vm_boot "$rlog" -chardev "pipe,id=echo,path=$echo_fifo" -serial chardev:echo
		rrc=$?
		echo "vm: QEMU exited $rrc after $(($(date +%s) - start)) s; console log: $rlog"
		kill "$echo_job" 2>/dev/null
		wait "$echo_job" 2>/dev/null
		rm -f "$echo_fifo.in" "$echo_fifo.out"
		absorb "vm: the RT checks" "$rlog" "$rrc"
		grep -E '^# ' "$rlog" || true
		check "vm: the RT checks ran to the end (SD-VM-END) and printed 2 summaries" \
			eval 'grep -q "^SD-VM-END" "$rlog" && test "$(grep -cE "^[0-9]+ passed, [0-9]+ failed" "$rlog")" -eq 2'
	else
		fail "vm: pack the rt initramfs"
	fi
fi

# A caller preempted inside the driver by the thread it set above itself:
# with preempt=full (PREEMPT_RT always), one vCPU, a level-31 spinner's
# lease and watchdog still end on time (linux/sd_sched.h). Not on a kernel
# that cannot preempt fully (VM_PREEMPT_BOOT=no: the debug kernel).
if [ "${VM_PREEMPT_BOOT:-}" = no ]; then
	echo "vm: no preempt=full boot: this kernel has no PREEMPT_DYNAMIC"
elif vm_initramfs preempt; then
	plog=$VM_DIR/preempt-console.log
	pargs=preempt=full
	[ "$kernel" = 6.12-rt ] && pargs=
	echo "vm: booting ${pargs:-PREEMPT_RT} with one vCPU for the preemption tests (about 15 s)"
	start=$(date +%s)
	VM_KERNEL_ARGS=$pargs vm_boot "$plog"
	prc=$?
	echo "vm: QEMU exited $prc after $(($(date +%s) - start)) s; console log: $plog"
	sed -i "s/^\(PASS\|FAIL\) /\1 [${pargs:-PREEMPT_RT}] /" "$plog"	# not the test boot's names
	absorb "vm: the preemption tests" "$plog" "$prc"
	grep -E '^# ' "$plog" || true
	check "vm: preemption: the kernel preempts fully, and the VM ran to the end (SD-VM-END) with 3 summaries" \
		eval 'grep -qE "^# one vCPU, preemption: (full|PREEMPT_RT)$" "$plog" && grep -q "^SD-VM-END" "$plog" && test "$(grep -cE "^[0-9]+ passed, [0-9]+ failed" "$plog")" -eq 3'
else
	fail "vm: pack the preempt initramfs"
fi

if [ -z "$full" ]; then
	echo "vm: $kernel: the functional suite only (tests/vm/run.sh --kernel $kernel --full for the rest)"
	summary
	exit
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
