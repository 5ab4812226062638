#!/usr/bin/env bash
# test.sh - every SecondDriver test, on a fresh Debian 12 machine.
#
#   bash scripts/test.sh           every suite, bounded (about 11.5 minutes)
#   bash scripts/test.sh --long    the same, with the long forms of the
#                                  fuzz, stress and churn runs (an hour or
#                                  more; see docs/RELIABILITY.md)
#
# Installs what it needs (apt packages; the Linux kernel packages are
# downloaded by the VM suite), builds, then runs the suites:
#   native  driver logic and client parsing, compiled for this host
#   fuzz    libFuzzer on the driver's request code and the twin's mapping
#   pe      the built SecondDriver.sys: format, flags, imports against Wine's
#           stubs, SEH scope, /GS, version resource, checksum, signature
#   docs    the docs and scripts still match the code
#   wine    the driver loaded by Wine 8, end to end
#   wine-stress  a request storm and stop/start cycles under Wine
#   wine-debug  the seed's debugger session, replayed with gdb under Wine
#   vm      the Linux twin in Debian's own kernel under QEMU
#   vm-6.12, vm-6.12-rt  its functional suite on bookworm-backports' 6.12
#           and 6.12 PREEMPT_RT, and the RT checks on the latter
#   dkms    the module built through DKMS against each kernel, then loaded
#   sign    the module signed (make sign's key), and refused by a kernel
#           booted with module.sig_enforce=1
#   vm-stress   a request storm and module churn in the VM
#   vm-debug    the debugger session on the Linux twin (gdb on QEMU's stub)
#   bench   one short pass of the instruction-count benchmark (it runs)
#   static  clang's analyzer and sparse, each shown a planted defect first
# and ends with one line: "N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
. tests/lib/report.sh

long=
case "${1:-}" in
--long) long=--long ;;
"") ;;
*)
	echo "usage: bash scripts/test.sh [--long]" >&2
	exit 2
	;;
esac

echo "== installing packages (scripts/install-deps.sh)"
if ! bash scripts/install-deps.sh; then
	fail "setup: install packages" "see the message above"
	summary
	exit 1
fi

echo "== building (make)"
if ! make -j2 all >build.log 2>&1; then
	tail -n 40 build.log
	fail "setup: build" "make failed; full log in build.log"
	summary
	exit 1
fi
rm -f build.log

mkdir -p build/test-logs
suite() {
	local name=$1 rc start=$SECONDS
	shift
	echo "== $name: $*"
	"$@" >"build/test-logs/$name.out" 2>&1
	rc=$?
	echo "   ($name took $((SECONDS - start)) s)"
	absorb "$name: $*" "build/test-logs/$name.out" "$rc"
	if [ "$rc" -ne 0 ] && ! grep -q '^FAIL' "build/test-logs/$name.out"; then
		fail "$name" "exited $rc (log: build/test-logs/$name.out)"
	fi
}

suite native ./build/native/test_native
suite fuzz bash tests/fuzz/run.sh $long
suite pe /usr/bin/python3 tests/pe/check_pe.py
suite docs bash tests/docs/check_docs.sh
suite wine bash tests/wine/run.sh
suite wine-stress bash tests/wine/stress.sh $long
suite wine-debug bash tests/wine/test_debug.sh
suite vm bash tests/vm/run.sh
suite vm-6.12 bash tests/vm/run.sh --kernel 6.12
suite vm-6.12-rt bash tests/vm/run.sh --kernel 6.12-rt
suite dkms bash tests/dkms/run.sh
suite sign bash tests/sign/run.sh
suite vm-stress bash tests/vm/stress.sh $long
suite vm-debug bash tests/vm/test_debug.sh
suite bench bash bench/run.sh --short
suite static bash tests/static/run.sh

summary
