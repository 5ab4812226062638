#!/usr/bin/env bash
# fetch-kernel.sh - download and unpack a Debian kernel for the VM tests.
#
#   bash tests/vm/fetch-kernel.sh [DIR [KERNEL]]
#
# KERNEL is one of
#   6.1      Debian 12's own kernel (the default; DIR defaults to build/vm/kernel)
#   6.12     6.12 from bookworm-backports
#   6.12-rt  6.12 PREEMPT_RT from bookworm-backports
# Each is resolved at run time to the newest release of its suite (Debian's
# archive keeps only the current kernels, so a pinned version would stop
# downloading one day): `apt-cache depends linux-image-amd64` (or
# linux-image-rt-amd64). For 6.1 that is the machine's own package lists.
# bookworm-backports is reached through a private apt state under
# build/apt-backports/ whose one source is the machine's own Debian archive
# with the suite bookworm-backports; the machine's apt sources are left
# alone. Then it `apt-get download`s the image, its headers, the common
# headers and the kbuild package, and unpacks them with `dpkg -x`: nothing
# is installed, /boot is not touched. Afterwards DIR holds:
#   root/            the unpacked packages
#   vmlinux          the decompressed kernel (a PVH ELF QEMU boots directly)
#   kdir             path of the Kbuild tree (KDIR for `make -C`)
#   release          the kernel release, e.g. 6.1.0-56-amd64
# A second run with the same release does nothing. Set SD_KERNEL_ABI to pin
# a 6.1 one.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$root/build/vm/kernel}
kernel=${2:-6.1}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

die() { echo "fetch-kernel: $*" >&2; exit 1; }

# apt with the private state for bookworm-backports (6.12, 6.12-rt).
apt_state=$root/build/apt-backports
apt_opts=()
backports_state() {
	local uri
	mkdir -p "$apt_state"/{parts,lists/partial,cache/archives/partial}
	# The machine's Debian archive: the URI of the source that has "bookworm",
	# in deb822 (.sources) or one-line (.list) form.
	uri=$(awk '/^URIs:/ { u = $2 } /^Suites:/ && / bookworm( |$)/ { print u; exit }' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null || true)
	[ -n "$uri" ] || uri=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
	[ -n "$uri" ] || die "no bookworm source in /etc/apt: cannot find the Debian archive for bookworm-backports"
	printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$uri" >"$apt_state/parts/backports.sources"
	apt_opts=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$apt_state/parts"
		-o "Dir::State::Lists=$apt_state/lists" -o "Dir::Cache=$apt_state/cache")
	if [ -z "$(find "$apt_state/lists" -name '*bookworm-backports*Packages*' -mmin -720 2>/dev/null)" ]; then
		echo "fetch-kernel: reading bookworm-backports' package lists from $uri (private apt state in build/apt-backports)"
		apt-get "${apt_opts[@]}" update -qq || die "apt-get update of bookworm-backports failed: check access to $uri"
	fi
}

case $kernel in
6.1) meta=linux-image-amd64 ;;
6.12) meta=linux-image-amd64; backports_state ;;
6.12-rt) meta=linux-image-rt-amd64; backports_state ;;
*) die "unknown kernel '$kernel': 6.1, 6.12 or 6.12-rt" ;;
esac

resolve() {
	apt-cache "${apt_opts[@]}" depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1
}
if [ -n "${SD_KERNEL_ABI:-}" ] && [ "$kernel" = 6.1 ]; then
	img=linux-image-$SD_KERNEL_ABI
else
	img=$(resolve)
	if [ -z "$img" ] && [ "$kernel" = 6.1 ]; then
		echo "fetch-kernel: refreshing the package lists (apt-get update)"
		apt-get update -qq || die "apt-get update failed: check access to Debian's archive"
		img=$(resolve)
	fi
	[ -n "$img" ] || die "cannot resolve $meta's kernel package for $kernel; is the machine Debian 12 with bookworm sources?"
fi
release=${img#linux-image-}			# 6.1.0-56-amd64, 6.12.95+deb12-rt-amd64
case $kernel in
6.1)
	abi=${release%-amd64}				# 6.1.0-56
	series=$(echo "$release" | cut -d. -f1,2)	# 6.1
	pkgs=("linux-image-$release" "linux-headers-$release" "linux-headers-$abi-common"
		"linux-kbuild-$series")
	;;
*)
	abi=${release%-amd64}
	abi=${abi%-rt}					# 6.12.95+deb12
	common=linux-headers-$abi-common
	[ "$kernel" = 6.12-rt ] && common=$common-rt
	# The unsigned image: the same kernel, without the Secure Boot wrapper.
	pkgs=("linux-image-$release-unsigned" "linux-headers-$release" "$common"
		"linux-kbuild-$abi")
	;;
esac

if [ -f "$dir/release" ] && [ "$(cat "$dir/release")" = "$release" ] &&
	[ -f "$dir/vmlinux" ] && [ -d "$(cat "$dir/kdir" 2>/dev/null)" ]; then
	echo "fetch-kernel: $release already unpacked in $dir"
	exit 0
fi

echo "fetch-kernel: downloading ${pkgs[*]} (6.1: about 80 MB, 6.12: about 130 MB; a minute or two)"
rm -rf "$dir/debs" "$dir/root" "$dir/vmlinux" "$dir/kdir" "$dir/release"
mkdir -p "$dir/debs" "$dir/root"
if ! (cd "$dir/debs" && apt-get "${apt_opts[@]}" download -q "${pkgs[@]}" >"$dir/download.log" 2>&1); then
	echo "fetch-kernel: apt-get download failed; retrying after apt-get update"
	apt-get "${apt_opts[@]}" update -qq || die "apt-get update failed: check access to Debian's archive"
	(cd "$dir/debs" && apt-get "${apt_opts[@]}" download -q "${pkgs[@]}" >"$dir/download.log" 2>&1) ||
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
for l in "$dir"/root/usr/src/linux-headers-"$abi"-common*/scripts "$dir"/root/usr/src/linux-headers-"$abi"-common*/tools; do
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
