#!/usr/bin/env bash
# run.sh - static analysis: clang's analyzer on the driver, the client and
# the twin's mapping, and sparse on the Linux module through Kbuild (C=2),
# against Debian 12's unpacked 6.1 headers (tests/vm/fetch-kernel.sh).
#
#   bash tests/static/run.sh
#
# A finding in the project's own files (driver/, client/, include/, linux/)
# fails the run. Findings inside system or kernel headers are counted in the
# log (build/static/), not failed on. Each tool is first shown a planted
# defect, which it must report: a clean run of a tool that checked nothing
# would prove nothing. Ends with "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib/report.sh"
cd "$root" || exit 1
out=build/static
rm -rf "$out"
mkdir -p "$out"

OURS='^(\./)?(driver|client|include|linux)/'

# The driver as it is built (Makefile's KCFLAGS, without the code options).
KFLAGS=(--target=x86_64-pc-windows-msvc -fgnuc-version=4.2.1 -std=c11
	-D_AMD64_ -DNTDDI_VERSION=0x0A000000 -D_WIN32_WINNT=0x0A00 -D_KERNEL_MODE
	-D__INTRINSIC_DEFINED_InterlockedBitTestAndSet
	-D__INTRINSIC_DEFINED_InterlockedBitTestAndReset
	-isystem /usr/share/mingw-w64/include/ddk -isystem /usr/x86_64-w64-mingw32/include
	-Iinclude -Idriver)

# analyze LOG FLAGS... FILE: clang's analyzer; its diagnostics go to LOG.
analyze() {
	local log=$1
	shift
	clang --analyze -Xanalyzer -analyzer-output=text "$@" -o /dev/null >>"$log" 2>&1
}

# Split a log's findings into ours and the headers'; echo "ours headers".
count() {
	local ours headers
	ours=$(grep -E ': (warning|error):' "$1" | grep -cE "$OURS")
	headers=$(grep -E ': (warning|error):' "$1" | grep -vcE "$OURS")
	echo "$ours $headers"
}

# ---- clang --analyze ------------------------------------------------------------
planted=$out/planted.c
cat >"$planted" <<'EOF'
int planted(int *p)
{
	p = 0;
	return *p;	/* a NULL dereference the analyzer must report */
}
EOF
analyze "$out/planted-clang.log" -std=c11 "$planted"
check "static: clang's analyzer reports a planted NULL dereference" \
	grep -q 'core.NullDereference\|Dereference of null pointer' "$out/planted-clang.log"

log=$out/clang.log
: >"$log"
for f in driver/*.c; do
	analyze "$log" "${KFLAGS[@]}" -DDBG=0 "$f"
	analyze "$log" "${KFLAGS[@]}" -DDBG=1 "$f"
done
for f in client/sd_client.c client/sd_args.c client/sd_json.c client/sd_decode.c \
	client/sd_service.c client/sd_platform_linux.c; do
	analyze "$log" -std=c11 -Iinclude -Iclient "$f"
done
analyze "$log" --target=x86_64-w64-windows-gnu -std=c11 -Iinclude -Iclient client/sd_platform_win.c
analyze "$log" -std=c11 -Iinclude -Ilinux linux/sd_map.c
analyze "$log" -std=c11 -DSD_HOST_TEST -Iinclude -Idriver -Itests/native driver/sd_ioctl.c
read -r ours headers <<<"$(count "$log")"
check "static: clang's analyzer finds nothing in the driver (release and DBG), the client (both platforms) and the twin's mapping ($ours in our files; $headers in system headers, not failed on; log: $log)" \
	[ "$ours" -eq 0 ]
[ "$ours" -eq 0 ] || grep -E ': (warning|error):' "$log" | grep -E "$OURS" | head -n 10 | sed 's/^/    | /'

# ---- sparse, through Kbuild ------------------------------------------------------
if ! command -v sparse >/dev/null; then
	fail "static: sparse is installed" "run scripts/install-deps.sh"
	summary
	exit 1
fi
if ! bash tests/vm/fetch-kernel.sh >"$out/fetch.log" 2>&1; then
	tail -n 5 "$out/fetch.log"
	fail "static: fetch Debian's kernel headers for sparse" "log: $out/fetch.log"
	summary
	exit 1
fi
kdir=$(cat build/vm/kernel/kdir)

# sparse_build DIR LOG: build the module in DIR with C=2 (check every file).
sparse_build() {
	make -C "$kdir" M="$1" C=2 modules >"$2" 2>&1
}

mkdir -p "$out/planted-module"
cat >"$out/planted-module/planted.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <linux/uaccess.h>

int planted(void __user *p);
int planted(void __user *p)
{
	return *(int *)p;	/* a user pointer used as a kernel one */
}
MODULE_LICENSE("GPL");
EOF
echo 'obj-m := planted.o' >"$out/planted-module/Kbuild"
sparse_build "$(realpath "$out/planted-module")" "$out/planted-sparse.log"
check "static: sparse reports a planted user pointer dereferenced as a kernel one" \
	grep -q 'planted.c:.*address space' "$out/planted-sparse.log"

mkdir -p "$out/module"
cp -r linux include "$out/module/"
log=$out/sparse.log
if ! sparse_build "$(realpath "$out/module/linux")" "$log"; then
	tail -n 20 "$log"
	fail "static: the module builds with C=2" "log: $log"
else
	pass "static: the module builds with sparse checking every file (C=2) against $(cat build/vm/kernel/release)"
fi
# sparse names files by their path as Kbuild gave it: relative to M's copy.
sed -i "s|$(realpath "$out/module")/||g" "$log"
checked=$(grep -c '  CHECK ' "$log")
read -r ours headers <<<"$(count "$log")"
nfiles=$(sed -n 's/^seconddriver-y := //p' linux/Kbuild | wc -w)
check "static: sparse checked each of the module's $nfiles files ($checked) and finds nothing in them ($ours; $headers in kernel headers, not failed on; log: $log)" \
	eval '[ "$nfiles" -ge 3 ] && [ "$checked" -ge "$nfiles" ] && [ "$ours" -eq 0 ]'
[ "$ours" -eq 0 ] || grep -E ': (warning|error):' "$log" | grep -E "$OURS" | head -n 10 | sed 's/^/    | /'

# ---- the annotations agree -------------------------------------------------------
bad=$(grep -rhoE '_IRQL_requires[a-z_]*\([A-Z_]+\)' driver/*.h | sort -u |
	grep -vE '_IRQL_requires_max_\((PASSIVE|APC|DISPATCH)_LEVEL\)')
check "static: every IRQL annotation in the driver's headers is _IRQL_requires_max_ of PASSIVE_LEVEL, APC_LEVEL or DISPATCH_LEVEL${bad:+: $bad}" \
	[ -z "$bad" ]
# A routine that may run above PASSIVE_LEVEL is kept non-pageable: SPEC 8
# puts each one in .text, and its definition names no code section. (Paged
# code may run at APC_LEVEL; the driver's APC_LEVEL routines run under its
# fast mutex, and it keeps them resident all the same.)
dispatch=$(awk '/_IRQL_requires_max_\((APC|DISPATCH)_LEVEL\)/ { want = 1; next }
	want && match($0, /[A-Za-z_][A-Za-z0-9_]*\(/) { print substr($0, RSTART, RLENGTH - 1); want = 0 }' driver/*.h)
text_row=$(grep -E '^\| .* \| `\.text` \| any' docs/SPEC.md)
missing=""
for fn in $dispatch; do
	grep -qF "\`$fn\`" <<<"$text_row" || missing="$missing $fn"
	if grep -B2 -E "^[A-Za-z_ ]+[ *]$fn\(" driver/*.c | grep -q 'SD_\(PAGED\|INIT\)_CODE'; then
		missing="$missing $fn(paged)"
	fi
done
check "static: the $(wc -w <<<"$dispatch") routines annotated APC_LEVEL or DISPATCH_LEVEL are in SPEC 8's .text row and in no paged section${missing:+; not:$missing}" \
	eval '[ -n "$dispatch" ] && [ -z "$missing" ]'
summary
