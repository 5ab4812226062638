#!/usr/bin/env bash
# run.sh - the Linux twin, signed, and a kernel that enforces signatures.
#
#   bash tests/sign/run.sh
#
# Makes the signing key and certificate as `make sign` does (openssl, under
# build/linux-sign/, never committed), signs a copy of the module built for
# Debian 12's 6.1 with that kernel's own sign-file (from its linux-kbuild
# package), and checks that modinfo names the certificate's CN as signer and
# its serial number as sig_key. Then boots 6.1 with module.sig_enforce=1
# (tests/vm/init.sh's sigenforce mode): the unsigned module and the signed
# one are both refused with EKEYREJECTED, and dmesg has the kernel's line
# for each. Enrolling the key (MOK) needs Secure Boot firmware, which the
# VM does not have. Ends with "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/lib/report.sh"
export VM_DIR=$root/build/vm-sign
mkdir -p "$VM_DIR"
export VM_KERNEL=$root/build/vm/kernel
. "$root/tests/vm/lib.sh"

if ! vm_prepare; then
	fail "sign: prepare the kernel, module and programs" "see the messages above"
	summary
	exit 1
fi
make -s -C "$root" build/linux-sign/signing_key.pem || { fail "sign: make the key"; summary; exit 1; }
key=$root/build/linux-sign/signing_key.pem
cert=$root/build/linux-sign/signing_cert.pem
kdir=$(cat "$VM_KERNEL/kdir")
signed=$VM_DIR/seconddriver_signed.ko
cp "$VM_KO" "$signed"
check "sign: $(cat "$VM_KERNEL/release")'s own sign-file signs the module" \
	"$kdir/scripts/sign-file" sha256 "$key" "$cert" "$signed"
cn=$(openssl x509 -in "$cert" -noout -subject -nameopt multiline | sed -n 's/^ *commonName *= *//p')
serial=$(openssl x509 -in "$cert" -noout -serial | sed 's/^serial=//')
signer=$(modinfo -F signer "$signed")
sig_key=$(modinfo -F sig_key "$signed" | tr -d ':')
check "sign: modinfo's signer is the certificate's CN (\"$signer\")" test -n "$cn" -a "$signer" = "$cn"
check "sign: modinfo's sig_key is the certificate's serial number ($sig_key)" \
	test -n "$serial" -a "$sig_key" = "$serial"
check "sign: the unsigned module has no signer" test -z "$(modinfo -F signer "$VM_KO")"

if ! VM_EXTRA=$signed vm_initramfs sigenforce; then
	fail "sign: pack the initramfs"
	summary
	exit 1
fi
log=$VM_DIR/sigenforce-console.log
echo "sign: booting $(cat "$VM_KERNEL/release") with module.sig_enforce=1"
VM_KERNEL_ARGS="module.sig_enforce=1" vm_boot "$log"
rc=$?
while IFS= read -r line; do
	case $line in
	"PASS "*) pass "${line#PASS }" ;;
	"FAIL "*) fail "${line#FAIL }" ;;
	esac
done < <(grep -E '^(PASS|FAIL) ' "$log")
grep -E '^# ' "$log" || true
check "sign: the VM ran to the end (SD-VM-END; QEMU exit $rc; log: ${log#$root/})" grep -q '^SD-VM-END' "$log"
summary
