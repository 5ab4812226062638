#!/usr/bin/env bash
# Installs every Debian package SecondDriver's build, demo and tests need.
# Safe to run repeatedly: apt-get only installs what is missing.
set -euo pipefail

PKGS=(
  # Windows driver and client: clang's MSVC target, lld-link, mingw-w64 headers
  clang lld llvm gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev
  # signing, the version resource and the PE checks (pefile, for Debian's
  # own /usr/bin/python3)
  osslsigncode openssl python3 python3-pefile
  # the Windows host: Wine 8 (64-bit only, headless)
  wine wine64
  # the Linux twin: QEMU TCG, a busybox initramfs, the kernel's build needs
  qemu-system-x86 busybox-static cpio gcc make libc6-dev gcc-multilib
  libelf-dev bc xz-utils kmod
  # 6.12 from bookworm-backports: a zstd-compressed kernel, and pahole (BTF)
  # for its module builds
  zstd dwarves
  # the module through DKMS (tests/dkms/run.sh), and its signing (make sign)
  dkms
  # the native fuzzers: clang's libFuzzer and sanitizer runtimes
  libclang-rt-14-dev
  # static analysis of the Linux module (Kbuild's C=1)
  sparse
  # the debug kernel (scripts/debug-kernel.sh): building Linux itself
  flex bison libssl-dev
  # tests and debugging
  cmake gdb iproute2 procps
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PKGS[@]} packages already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing packages: ${missing[*]}" >&2
  echo "deps: run this script as root (or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi

echo "deps: installing ${#missing[@]} Debian packages: ${missing[*]}"
echo "deps: (apt-get update, then install; this can take a few minutes on a fresh machine)"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq; then
  echo "deps: 'apt-get update' failed: check the machine's access to Debian's archive, then re-run" >&2
  exit 1
fi
aptlog=$(mktemp /tmp/seconddriver-apt.XXXXXX.log)
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$aptlog" 2>&1; then
  tail -n 30 "$aptlog" >&2
  echo "deps: apt-get install failed (full log: $aptlog); fix the cause above and re-run" >&2
  exit 1
fi
rm -f "$aptlog"
echo "deps: done"
