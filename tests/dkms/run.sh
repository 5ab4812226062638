#!/usr/bin/env bash
# run.sh - the Linux twin built through DKMS, against each kernel of the VM
# matrix (Debian 12's 6.1, and 6.12 and 6.12-rt from bookworm-backports),
# then loaded in the VM.
#
#   bash tests/dkms/run.sh
#
# linux/dkms.conf is used as it would be from /usr/src/seconddriver-1.0/:
# the tree (dkms.conf, linux/, include/) is copied to
# build/dkms/src/seconddriver-1.0/, and `dkms build` runs with --sourcetree,
# --dkmstree and --installtree under build/dkms/ and --kernelsourcedir at
# the unpacked headers (tests/vm/fetch-kernel.sh). Nothing outside build/
# changes: the test compares /var/lib/dkms and /lib/modules before and
# after. Each module is then booted in its kernel (tests/vm/init.sh's dkms
# mode): a SET through the client, rmmod, and a clean dmesg. Ends with
# "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/lib/report.sh"

command -v dkms >/dev/null || { fail "dkms: installed" "run scripts/install-deps.sh"; summary; exit 1; }
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$root/linux/dkms.conf")
check "dkms: dkms.conf's version ($version) is the module's MODULE_VERSION" \
	grep -q "^MODULE_VERSION(\"$version\");" "$root/linux/seconddriver_main.c"

base=$root/build/dkms
rm -rf "$base"
mkdir -p "$base"/{src,tree,install}
src=$base/src/seconddriver-$version
mkdir -p "$src"
cp -r "$root/linux" "$root/include" "$src/"
cp "$root/linux/dkms.conf" "$src/"
outside() { ls -lR /var/lib/dkms /lib/modules 2>/dev/null | md5sum; }
before=$(outside)

for kernel in 6.1 6.12 6.12-rt; do
	if [ "$kernel" = 6.1 ]; then kdir_base=$root/build/vm; else kdir_base=$root/build/vm-$kernel; fi
	echo "dkms: $kernel: the kernel's packages (tests/vm/fetch-kernel.sh)"
	if ! bash "$root/tests/vm/fetch-kernel.sh" "$kdir_base/kernel" "$kernel"; then
		fail "dkms: $kernel: fetch the kernel's packages"
		continue
	fi
	release=$(cat "$kdir_base/kernel/release")
	kdir=$(cat "$kdir_base/kernel/kdir")
	log=$base/build-$kernel.log
	echo "dkms: $kernel: dkms build -m seconddriver -v $version -k $release"
	dkms build -m seconddriver -v "$version" -k "$release" \
		--sourcetree "$base/src" --dkmstree "$base/tree" --installtree "$base/install" \
		--kernelsourcedir "$kdir" >"$log" 2>&1
	rc=$?
	ko=$base/tree/seconddriver/$version/$release/x86_64/module/seconddriver.ko
	check "dkms: $kernel: dkms build succeeds against $release (exit $rc; log: build/dkms/build-$kernel.log)" \
		test "$rc" -eq 0 -a -f "$ko"
	[ -f "$ko" ] || { tail -n 20 "$log"; continue; }
	check "dkms: $kernel: the module's vermagic is $release" \
		test "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$release"

	# Boot it: the VM's own build is replaced by the DKMS one (VM_KO).
	vmlog=$base/vm-$kernel.out
	(
		export VM_KERNEL_KIND=$kernel VM_DIR=$base/vm-$kernel VM_KERNEL=$kdir_base/kernel VM_KO=$ko
		. "$root/tests/vm/lib.sh"
		vm_prepare && vm_initramfs dkms && vm_boot "$VM_DIR/dkms-console.log"
	) >"$vmlog" 2>&1
	rc=$?
	clog=$base/vm-$kernel/dkms-console.log
	while IFS= read -r line; do
		case $line in
		"PASS "*) pass "$kernel: ${line#PASS }" ;;
		"FAIL "*) fail "$kernel: ${line#FAIL }" ;;
		esac
	done < <(grep -E '^(PASS|FAIL) ' "$clog" 2>/dev/null)
	check "dkms: $kernel: the VM with the DKMS-built module ran to the end (SD-VM-END; exit $rc; log: ${clog#$root/})" \
		grep -q '^SD-VM-END' "$clog"
done

check "dkms: nothing outside build/ changed (/var/lib/dkms, /lib/modules)" test "$(outside)" = "$before"
summary
