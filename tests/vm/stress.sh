#!/usr/bin/env bash
# stress.sh - the Linux twin under load, in Debian's own kernel under QEMU TCG.
#
#   bash tests/vm/stress.sh          bounded: 150,000 requests per storm, 200
#                                    churn cycles; ~30 s on a quiet host here,
#                                    up to ~4x that while the host is busy
#   bash tests/vm/stress.sh --long   1,000,000 requests per storm, 1000 churn
#                                    cycles; ~2 min on a quiet host here
#
# Boots the VM (tests/vm/lib.sh) with two vCPUs in init.sh's stress mode:
# a random request storm through the 64-bit and the i386 ABI (with fd churn
# and short-lived target threads), pairs of SETs racing on one thread,
# module load/unload churn with openers
# racing rmmod, the levels read back afterwards, slab leak checks, and the
# kernel's log (no WARN/BUG/Oops/stall/lockup; only the O/E taint). The module
# is loaded without dyndbg=+p. The kernel runs with oops=panic
# panic_on_warn=1 panic=-1 -no-reboot under a hard timeout, and loglevel=7,
# so stall traces reach the console even if the guest dies. Folds the VM's
# PASS/FAIL lines into its own and ends with "N passed, N failed". The serial
# log is kept in build/vm/stress-console.log.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/report.sh"
. "$here/lib.sh"

mode=stress
timeout=${VM_STRESS_TIMEOUT:-300}	# scripts/debug-kernel.sh's slower kernel sets more
case ${1:-} in
--long) mode=stress-long timeout=1800 ;;
"") ;;
*)
	echo "usage: bash tests/vm/stress.sh [--long]" >&2
	exit 2
	;;
esac

if ! vm_prepare; then
	fail "vm: prepare the kernel, module and programs" "see the messages above"
	summary
	exit 1
fi
if ! vm_initramfs "$mode"; then
	fail "vm: pack the initramfs"
	summary
	exit 1
fi

log=$VM_DIR/stress-console.log
smp=2
echo "vm: booting Debian $(cat "$VM_KERNEL/release") under QEMU TCG, $smp vCPUs, mode $mode (timeout ${timeout}s)"
start=$(date +%s)
VM_SMP=$smp VM_TIMEOUT=$timeout VM_KERNEL_ARGS="loglevel=7" vm_boot "$log"
rc=$?
echo "vm: QEMU exited $rc after $(($(date +%s) - start)) s; console log: $log"

absorb "vm: the stress run inside the VM" "$log" "$rc"
grep -E '^# ' "$log" || true

check "vm: the VM ran to the end (SD-VM-END) and powered off" grep -q '^SD-VM-END' "$log"
check "vm: the guest saw $smp CPUs" grep -q "^# stress: $smp CPUs" "$log"
# storm (64-bit), storm (i386), race, the log's race, churn, after
check "vm: the six in-VM programs each ended with their summary line" \
	test "$(grep -cE '^[0-9]+ passed, [0-9]+ failed' "$log")" -eq 6
check "vm: no kernel panic" bash -c "! grep -q 'Kernel panic' '$log'"
check "vm: no stall or lockup dump (SD-DMESG lines)" bash -c "! grep -q '^SD-DMESG:' '$log'"
# The console has every kernel line (loglevel=7), even if dmesg's ring wrapped.
check "vm: no stall, lockup or hung-task line on the console" \
	bash -c "! grep -vE '^(PASS|FAIL|SD-DMESG:|#)' '$log' | grep -qE 'rcu_.*stall|RCU stall|soft lockup|hard LOCKUP|hung_task|blocked for more than'"
if [ "$rc" -ne 0 ] || ! grep -q '^SD-VM-END' "$log"; then
	echo "vm: the last lines of the console:"
	tail -n 40 "$log" | sed 's/^/    | /'
fi
echo "vm: console log: $log"
summary
