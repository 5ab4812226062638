#!/usr/bin/env bash
# fetch-kernel.sh - download and unpack Debian's current 6.1 kernel for the VM tests.
#
#   bash tests/vm/fetch-kernel.sh [DIR]        (default: build/vm/kernel)
#
# Resolves the kernel ABI at run time from `apt-cache depends linux-image-amd64`
# (Debian's archive keeps only the current kernels, so a pinned version would
# stop downloading one day), then `apt-get download`s
#   linux-image-$K, linux-headers-$K, linux-headers-<abi>-common, linux-kbuild-6.1
# and unpacks them with `dpkg -x`: nothing is installed, /boot is not touched.
# Afterwards DIR holds:
#   root/            the unpacked packages
#   vmlinux          the decompressed kernel (a PVH ELF QEMU boots directly)
#   kdir             path of the Kbuild tree (KDIR for `make -C`)
#   release          the kernel release, e.g. 6.1.0-56-amd64
# A second run with the same ABI does nothing. Set SD_KERNEL_ABI to pin one.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$root/build/vm/kernel}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

die() { echo "fetch-kernel: $*" >&2; exit 1; }

if [ -n "${SD_KERNEL_ABI:-}" ]; then
	img=linux-image-$SD_KERNEL_ABI
else
	img=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
	if [ -z "$img" ]; then
		echo "fetch-kernel: refreshing the package lists (apt-get update)"
		apt-get update -qq || die "apt-get update failed: check access to Debian's archive"
		img=$(apt-cache depends linux-image-amd64 |
			sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
	fi
	[ -n "$img" ] || die "cannot resolve linux-image-amd64's kernel package; is the machine Debian 12 with bookworm sources?"
fi
release=${img#linux-image-}			# 6.1.0-56-amd64
abi=${release%-amd64}				# 6.1.0-56
series=$(echo "$release" | cut -d. -f1,2)	# 6.1

if [ -f "$dir/release" ] && [ "$(cat "$dir/release")" = "$release" ] &&
	[ -f "$dir/vmlinux" ] && [ -d "$(cat "$dir/kdir" 2>/dev/null)" ]; then
	echo "fetch-kernel: $release already unpacked in $dir"
	exit 0
fi

pkgs=("linux-image-$release" "linux-headers-$release" "linux-headers-$abi-common" "linux-kbuild-$series")
echo "fetch-kernel: downloading ${pkgs[*]} (about 80 MB; a minute or two)"
rm -rf "$dir/debs" "$dir/root" "$dir/vmlinux" "$dir/kdir" "$dir/release"
mkdir -p "$dir/debs" "$dir/root"
if ! (cd "$dir/debs" && apt-get download -q "${pkgs[@]}" >"$dir/download.log" 2>&1); then
	echo "fetch-kernel: apt-get download failed; retrying after apt-get update"
	apt-get update -qq || die "apt-get update failed: check access to Debian's archive"
	(cd "$dir/debs" && apt-get download -q "${pkgs[@]}" >"$dir/download.log" 2>&1) ||
		{ tail -n 20 "$dir/download.log" >&2; die "apt-get download failed (log: $dir/download.log)"; }
fi
echo "fetch-kernel: unpacking with dpkg -x"
for deb in "$dir"/debs/*.deb; do
	dpkg -x "$deb" "$dir/root" || die "dpkg -x $deb failed"
done

kdir=$dir/root/usr/src/linux-headers-$release
[ -d "$kdir" ] || die "no $kdir in the unpacked headers package"
# The arch headers' Makefile includes the -common tree by absolute path;
# point that one line into the unpacked tree.
mk=$kdir/Makefile
grep -q '^include /usr/src/' "$mk" || die "unexpected $mk: no absolute include line to fix"
sed -i "s|^include /usr/src/|include $dir/root/usr/src/|" "$mk"
# The scripts and tools come as links into /usr/lib/linux-kbuild-*: repoint them.
for l in scripts tools; do
	if [ -L "$kdir/$l" ]; then
		t=$(readlink "$kdir/$l")
		case "$t" in /*) ln -sfn "$dir/root$t" "$kdir/$l" ;; esac
	fi
done
for l in "$dir"/root/usr/src/linux-headers-"$abi"-common/scripts "$dir"/root/usr/src/linux-headers-"$abi"-common/tools; do
	if [ -L "$l" ]; then
		t=$(readlink "$l")
		case "$t" in /*) ln -sfn "$dir/root$t" "$l" ;; esac
	fi
done

echo "fetch-kernel: decompressing vmlinux from the bzImage"
python3 "$root/tests/vm/extract-vmlinux.py" "$dir/root/boot/vmlinuz-$release" "$dir/vmlinux" ||
	die "could not extract vmlinux from vmlinuz-$release"

echo "$kdir" >"$dir/kdir"
echo "$release" >"$dir/release"
echo "fetch-kernel: $release ready in $dir"
