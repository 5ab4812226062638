#!/usr/bin/env bash
# debug-run.sh - the twin's VM tests on the debug kernel that
# scripts/debug-kernel.sh built (its directory is the argument):
#
#   1. each planted bug (tests/vm/debug-kernel/sd_plant.c) is reported, and
#      fails the run: the kernel's checks are on, and the harness notices;
#   2. the whole VM suite (tests/vm/run.sh), on that kernel;
#   3. the storm and module churn (tests/vm/stress.sh), on that kernel.
#
# Everything lands under build/vm-debug/. Ends with "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
kernel=$(cd "${1:?usage: debug-run.sh KERNEL_DIR}" && pwd)
export VM_KERNEL=$kernel
export VM_DIR=$here/../../build/vm-debug
mkdir -p "$VM_DIR"
VM_DIR=$(cd "$VM_DIR" && pwd)
# KASAN and lockdep slow the guest several times over.
export VM_TIMEOUT=${VM_TIMEOUT:-900}
export VM_STRESS_TIMEOUT=${VM_STRESS_TIMEOUT:-1200}
# KASAN's shadow and quarantine, and its doubled thread stacks, need room.
export VM_MEM=${VM_MEM:-3072}
# No PREEMPT_DYNAMIC in debug.config: with it, this kernel hung early in
# boot under TCG, at "Running RCU-tasks wait API self tests", in the second
# boot of two passes in a row (RELIABILITY 3a). So run.sh skips its
# preempt=full boot here.
export VM_PREEMPT_BOOT=no
. "$here/../lib/report.sh"
. "$here/lib.sh"

start_all=$(date +%s)
if ! vm_prepare; then
	fail "debug: prepare the module and programs for $(cat "$kernel/release")" "see above"
	summary
	exit 1
fi

# ---- 1. the plants ------------------------------------------------------------
plant_src=$VM_DIR/plant
rm -rf "$plant_src"
mkdir -p "$plant_src"
cp "$here/debug-kernel/sd_plant.c" "$here/debug-kernel/Kbuild" "$plant_src/"
if ! make -C "$(cat "$kernel/kdir")" M="$plant_src" modules >"$VM_DIR/plant-build.log" 2>&1; then
	tail -n 20 "$VM_DIR/plant-build.log"
	fail "debug: build sd_plant.ko" "log: $VM_DIR/plant-build.log"
	summary
	exit 1
fi
# bug, then the line the kernel must print for it
plants=(
	"sleep|BUG: sleeping function called from invalid context"
	"uaf|BUG: KASAN: (slab-)?use-after-free"
	"hrtimer|ODEBUG: free active .*object type: hrtimer"
	"abba|WARNING: possible circular locking dependency detected"
)
for p in "${plants[@]}"; do
	bug=${p%%|*}
	want=${p#*|}
	log=$VM_DIR/plant-$bug-console.log
	if ! VM_EXTRA="$plant_src/sd_plant.ko" VM_PLANT=$bug vm_initramfs plant; then
		fail "debug: plant $bug: pack the initramfs"
		continue
	fi
	echo "debug: booting with bug=$bug planted"
	s=$(date +%s)
	VM_KERNEL_ARGS="loglevel=7" vm_boot "$log"	# the whole report on the console
	rc=$?
	echo "debug: QEMU exited $rc after $(($(date +%s) - s)) s"
	check "debug: plant $bug: the kernel reports it (\"$want\")" grep -qE "$want" "$log"
	check "debug: plant $bug: and the run fails (a FAIL line, or a panic before SD-VM-END)" \
		eval 'grep -q "^FAIL \[vm\] kernel: dmesg" "$log" || ! grep -q "^SD-VM-END" "$log"'
done

# ---- 2. and 3. the suite and the storm -------------------------------------------
for suite in run stress; do
	out=$VM_DIR/$suite.out
	echo "debug: tests/vm/$suite.sh on $(cat "$kernel/release") (timeout ${VM_TIMEOUT}s per boot)"
	s=$(date +%s)
	bash "$here/$suite.sh" >"$out" 2>&1
	rc=$?
	echo "debug: tests/vm/$suite.sh exited $rc after $(($(date +%s) - s)) s"
	absorb "debug: tests/vm/$suite.sh" "$out" "$rc"
	grep -E '^# ' "$out" || true
done
echo "debug: the whole debug pass took $(($(date +%s) - start_all)) s"
summary
