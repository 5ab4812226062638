# shellcheck shell=bash
# lib.sh - build and boot the Linux twin's test VM. Sourced by tests/vm/run.sh,
# bench/run.sh and scripts/debug-vm.sh.
#
#   vm_prepare          kernel packages, the module, the static programs
#   vm_initramfs MODE   pack the busybox initramfs; MODE is test, bench, debug,
#                       crash, stress, stress-long, watch2 or plant (see
#                       tests/vm/init.sh) (debug: the client sends
#                       VM_DEBUG_PRIORITY, default 31; plant: VM_PLANT names
#                       the bug; bench: VM_BENCH_ARGS are sd_bench's
#                       arguments; VM_EXTRA: more files for /sd)
#   vm_boot LOG [QEMU ARGS...]
#                       boot it under QEMU TCG with a hard timeout; the
#                       serial console goes to LOG (escape codes and \r removed)
#
# Settings for vm_boot, from the environment: VM_TIMEOUT (seconds, default
# 180), VM_SMP (vCPUs, default 1), VM_MEM (MiB, default 512), VM_KERNEL_ARGS (appended to the kernel
# command line, after the defaults, so e.g. loglevel=7 overrides loglevel=4).
#
# Everything lands under build/vm/. Nothing listens on the network: the VM
# has no network device, and only debug-vm.sh opens QEMU's gdb stub, on
# 127.0.0.1.

VM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# VM_KERNEL_KIND is 6.1 (the default), 6.12 or 6.12-rt (tests/vm/run.sh
# --kernel; tests/vm/fetch-kernel.sh).
# VM_DIR and VM_KERNEL may be set beforehand: scripts/debug-kernel.sh
# points them at its own kernel, which vm_prepare then does not fetch.
case ${VM_KERNEL_KIND:-6.1} in
6.1) VM_DIR=${VM_DIR:-$VM_ROOT/build/vm} ;;
*) VM_DIR=${VM_DIR:-$VM_ROOT/build/vm-$VM_KERNEL_KIND} ;;
esac
VM_KERNEL=${VM_KERNEL:-$VM_DIR/kernel}
VM_SRC=$VM_DIR/src
VM_KO=${VM_KO:-$VM_SRC/linux/seconddriver.ko}	# tests/dkms/run.sh sets its own
VM_TIMEOUT=${VM_TIMEOUT:-180}

vm_say() { echo "vm: $*"; }
vm_die() { echo "vm: $*" >&2; return 1; }

# Build the module from a copy of linux/ and include/, so that Kbuild's
# objects stay out of the source tree: in VM_SRC, or in SRC with more make
# arguments (bench/run.sh's log-off build: SRC KCFLAGS=-DSD_BENCH_LOG_OFF).
vm_build_module() {
	local kdir src=${1:-$VM_SRC} log
	[ $# -gt 0 ] && shift
	log=$VM_DIR/$(basename "$src")-build.log
	[ "$src" = "$VM_SRC" ] && log=$VM_DIR/module-build.log
	kdir=$(cat "$VM_KERNEL/kdir") || return 1
	rm -rf "$src"
	mkdir -p "$src"
	cp -r "$VM_ROOT/linux" "$VM_ROOT/include" "$src/" || return 1
	vm_say "building seconddriver.ko with Kbuild against $(cat "$VM_KERNEL/release")${*:+ ($*)}"
	if ! make -C "$src/linux" KDIR="$kdir" "$@" >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		vm_die "the module did not build (log: $log)"
		return 1
	fi
}

vm_prepare() {
	mkdir -p "$VM_DIR"
	if [ -f "$VM_KERNEL/built-here" ]; then
		vm_say "using the kernel built in $VM_KERNEL ($(cat "$VM_KERNEL/release"))"
	else
		vm_say "fetching Debian's kernel packages (tests/vm/fetch-kernel.sh)"
		bash "$VM_ROOT/tests/vm/fetch-kernel.sh" "$VM_KERNEL" "${VM_KERNEL_KIND:-6.1}" || {
			vm_die "could not fetch the kernel; see the message above"
			return 1
		}
	fi
	vm_build_module || return 1
	vm_say "building the static client and test programs (make linux-user)"
	make -s -C "$VM_ROOT" linux-user >"$VM_DIR/user-build.log" 2>&1 || {
		tail -n 30 "$VM_DIR/user-build.log" >&2
		vm_die "make linux-user failed (log: $VM_DIR/user-build.log)"
		return 1
	}
}

vm_initramfs() {
	local mode=$1 root=$VM_DIR/initramfs-root bb
	bb=$(command -v busybox) || { vm_die "busybox-static is not installed"; return 1; }
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,sd}
	cp "$bb" "$root/bin/busybox"
	cp "$VM_ROOT/tests/vm/init.sh" "$root/init"
	chmod 755 "$root/init"
	echo "$mode" >"$root/sd/mode"
	echo "${VM_DEBUG_PRIORITY:-31}" >"$root/sd/debug-priority"
	echo "${VM_PLANT:-}" >"$root/sd/plant"
	echo "${VM_BENCH_ARGS:-}" >"$root/sd/bench-args"
	echo "${VM_SUITE:-all}" >"$root/sd/suite"
	[ -z "${VM_EXTRA:-}" ] || cp $VM_EXTRA "$root/sd/"
	cp "$VM_KO" "$root/sd/"
	cp "$VM_ROOT"/build/linux/{SecondDriverClient,SecondDriverClient32,sd_vmtest,sd_vmtest32,sd_vmext,sd_vmext32,sd_vmlog,sd_vmlog32,sd_vmlease,sd_vmlease32,sd_vmwatch,sd_vmrt,sd_bench,sd_latency,sd_stress,sd_stress32} "$root/sd/"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1 >"$VM_DIR/initramfs.gz") || {
		vm_die "could not pack the initramfs"
		return 1
	}
}

# vm_boot LOG [EXTRA QEMU ARGS...]. Returns QEMU's status (124: timed out).
vm_boot() {
	local log=$1 rc
	shift
	rm -f "$log.raw"
	# A PVH vmlinux, or a bzImage where the kernel has one (scripts/debug-kernel.sh).
	local image=$VM_KERNEL/vmlinux
	[ -f "$VM_KERNEL/bzImage" ] && image=$VM_KERNEL/bzImage
	timeout --kill-after=10 "$VM_TIMEOUT" qemu-system-x86_64 \
		-machine pc,accel=tcg -cpu max -smp "${VM_SMP:-1}" -m "${VM_MEM:-512}" \
		-nodefaults -display none -no-reboot \
		-kernel "$image" -initrd "$VM_DIR/initramfs.gz" \
		-append "console=ttyS0 loglevel=4 oops=panic panic_on_warn=1 panic=-1${VM_KERNEL_ARGS:+ $VM_KERNEL_ARGS}" \
		-serial "file:$log.raw" "$@" </dev/null >"$log.qemu" 2>&1
	rc=$?
	tr -d '\r' <"$log.raw" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' >"$log"
	return $rc
}
