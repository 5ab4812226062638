#!/usr/bin/env bash
# debug-kernel.sh - build a small Linux 6.1 with KASAN, lockdep, atomic-sleep
# and debug-object checks for the twin's VM tests, and run them on it.
#
#   bash scripts/debug-kernel.sh            build (or reuse) the kernel; print its directory
#   bash scripts/debug-kernel.sh --test     ... then the plants (each must be caught), the
#                                           whole VM suite and the storm and churn on it
#
# The source is Debian's own linux-source-6.1 (apt-get download + dpkg -x:
# nothing is installed). The config is Linux's tinyconfig plus
# tests/vm/debug-kernel/debug.config; every line of that fragment must
# survive Kconfig, or the build stops and says which. The build is cached
# under build/debug-kernel/<source version>-<fragment hash>/, in the layout
# tests/vm/lib.sh boots (bzImage, vmlinux, kdir, release). It boots as a
# bzImage: 6.1's PVH entry (xen_prepare_pvh) is built with KASAN and faults
# on the shadow before KASAN is set up. Debian's kernels have none of these
# checks (docs/RELIABILITY.md), which is why this exists.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
frag=$root/tests/vm/debug-kernel/debug.config
base=$root/build/debug-kernel
jobs=$(nproc)

say() { echo "debug-kernel: $*"; }
die() { echo "debug-kernel: $*" >&2; exit 1; }

test_too=0
case "${1:-}" in
--test) test_too=1 ;;
"") ;;
*) die "usage: bash scripts/debug-kernel.sh [--test]" ;;
esac

say "checking the build's packages (scripts/install-deps.sh)"
bash "$root/scripts/install-deps.sh" || die "could not install the packages; see above"

mkdir -p "$base/src"
version=$(apt-cache policy linux-source-6.1 2>/dev/null | sed -n 's/^ *Candidate: //p')
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
	say "refreshing the package lists (apt-get update)"
	apt-get update -qq || die "apt-get update failed: check access to Debian's archive"
	version=$(apt-cache policy linux-source-6.1 | sed -n 's/^ *Candidate: //p')
fi
[ -n "$version" ] && [ "$version" != "(none)" ] ||
	die "Debian's archive has no linux-source-6.1; is this Debian 12 with its security sources?"
key=$version-$(sha256sum "$frag" | cut -c1-12)
out=$base/$key
tree=$out/linux

# Download, unpack and configure the source into $tree.
unpack_and_configure() {
	local deb=$base/src/linux-source-6.1_${version}_all.deb tarball line lost=""

	if [ ! -f "$deb" ]; then
		say "downloading linux-source-6.1 $version (about 140 MB)"
		(cd "$base/src" && apt-get download "linux-source-6.1=$version" >download.log 2>&1) ||
			die "apt-get download linux-source-6.1=$version failed (log: $base/src/download.log)"
	fi
	rm -rf "$out"
	mkdir -p "$out/pkg"
	say "unpacking $(basename "$deb") (dpkg -x; nothing is installed)"
	dpkg -x "$deb" "$out/pkg"
	tarball=$(find "$out/pkg/usr/src" -name 'linux-source-6.1.tar.xz' | head -n 1)
	[ -n "$tarball" ] || die "the package holds no linux-source-6.1.tar.xz"
	tar -C "$out" -xJf "$tarball"
	mv "$out/linux-source-6.1" "$tree"
	rm -rf "$out/pkg"

	say "configuring: tinyconfig + $(grep -c '^CONFIG_' "$frag") options from tests/vm/debug-kernel/debug.config"
	make -s -C "$tree" tinyconfig >"$out/config.log" 2>&1
	(cd "$tree" && KCONFIG_CONFIG=.config scripts/kconfig/merge_config.sh -m .config "$frag") \
		>>"$out/config.log" 2>&1
	make -s -C "$tree" olddefconfig >>"$out/config.log" 2>&1
	while IFS= read -r line; do
		case "$line" in CONFIG_*) grep -qxF "$line" "$tree/.config" || lost="$lost $line" ;; esac
	done <"$frag"
	[ -z "$lost" ] || die "Kconfig did not keep:$lost (a dependency is missing; see $tree/.config)"
	touch "$out/configured"
}

if [ -f "$out/bzImage" ] && [ -f "$out/built-here" ]; then
	say "cached: $out ($(cat "$out/release"))"
else
	if [ -f "$out/configured" ]; then
		say "reusing the configured tree in $tree"
	else
		unpack_and_configure
	fi
	say "building the kernel and the module tree with $jobs jobs (from scratch on 2 cores, about 7 minutes; log: $out/build.log)"
	start=$(date +%s)
	if ! make -C "$tree" -j"$jobs" bzImage modules >"$out/build.log" 2>&1; then
		tail -n 30 "$out/build.log" >&2
		die "the kernel did not build (log: $out/build.log)"
	fi
	took=$(($(date +%s) - start))
	cp "$tree/vmlinux" "$out/vmlinux"
	cp "$tree/arch/x86/boot/bzImage" "$out/bzImage"
	echo "$tree" >"$out/kdir"
	make -s -C "$tree" kernelrelease >"$out/release"
	touch "$out/built-here"
	say "built $(cat "$out/release") in $took s: $out"
fi

[ "$test_too" -eq 1 ] || { echo "$out"; exit 0; }

# ---- the tests on it ------------------------------------------------------------
exec bash "$root/tests/vm/debug-run.sh" "$out"
