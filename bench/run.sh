#!/usr/bin/env bash
# run.sh - SecondDriver's benchmark: boots the Linux twin's VM and runs
# bench/sd_bench.c there, which prints ratios measured side by side in one
# run (SET through the ioctl vs. the same change by sched_setattr(2)).
#
#   bash bench/run.sh
#
# Uses the test VM's kernel and build (tests/vm/lib.sh). Under TCG the
# absolute times are emulation on a shared machine and are not reported.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/vm/lib.sh"

bash "$root/scripts/install-deps.sh" || exit 1
vm_prepare || exit 1
vm_initramfs bench || exit 1
log=$VM_DIR/bench-console.log
echo "bench: booting the VM and running sd_bench (about a minute under TCG)"
vm_boot "$log"
rc=$?
if ! grep -q '^SD-VM-END' "$log" || [ "$rc" -ne 0 ]; then
	tail -n 25 "$log" | sed 's/^/    | /'
	echo "bench: the VM did not finish (QEMU exit $rc); console log: $log" >&2
	exit 1
fi
grep -E '^bench:|^sd_bench:' "$log"
# Every run's results are kept, so that a number quoted in the README can be
# traced to the run that printed it.
{
	echo "== $(date -u '+%F %T UTC') $(git -C "$root" describe --always --dirty 2>/dev/null)"
	grep -E '^bench:' "$log"
} >>"$root/build/bench-history.log"
echo "bench: results appended to build/bench-history.log"
grep -q '^bench: SET' "$log" || { echo "bench: sd_bench printed no result (log: $log)" >&2; exit 1; }
