#!/usr/bin/env bash
# check_docs.sh - the docs and scripts still say what the code does.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib/report.sh"
cd "$root" || exit 1

line=$(grep -n 'request.IoControlCode = ' driver/SecondDriver.c | cut -d: -f1)
check "docs: the WinDbg script breaks on the line after IoGetCurrentIrpStackLocation ($line)" \
	grep -q "bu \`SecondDriver!SecondDriver.c:$line\`" docs/windbg/seconddriver.wds
fn=$(grep -n '^NTSTATUS SecondDriverDeviceControl' driver/SecondDriver.c | cut -d: -f1)
get=$(awk -v fn="${fn:-0}" 'NR > fn && /stack = IoGetCurrentIrpStackLocation\(Irp\);/ { print NR; exit }' driver/SecondDriver.c)
check "docs: that line comes after IoGetCurrentIrpStackLocation, in SecondDriverDeviceControl" \
	eval '[ -n "$fn" ] && [ -n "$get" ] && [ "$fn" -lt "$get" ] && [ "$get" -lt "$line" ]'

sddl=$(sed -n 's/^#define SD_DEVICE_SDDL *"\(.*\)"$/\1/p' include/seconddriver.h)
check "docs: SPEC names the header's SDDL ($sddl)" \
	eval '[ -n "$sddl" ] && grep -qF "$sddl" docs/SPEC.md'
check "docs: SPEC gives the header's IOCTL code 0x80002003" \
	eval 'grep -q "== 0x80002003u" include/seconddriver.h && grep -q "0x80002003" docs/SPEC.md'
check "docs: the README's test command is what .ci/run runs" \
	eval 'grep -q "bash scripts/test.sh" README.md && grep -q "^bash scripts/test.sh" .ci/run'
bp=$(sed -n "s/^line=\$(grep -n '\(.*\)' \"\$src\".*/\1/p" scripts/debug-vm.sh)
check "docs: debug-vm.sh's breakpoint line ($bp) is in the Linux ioctl handler" \
	eval '[ -n "$bp" ] && grep -qF "$bp" linux/seconddriver_main.c &&
	      sed -n "/^static long sd_ioctl_set_priority/,/^}/p" linux/seconddriver_main.c | grep -qF "$bp"'
check "docs: SPEC gives the Linux SET code 0x4008D500 (the native tests assert it)" \
	grep -q '0x4008D500' docs/SPEC.md
check "docs: SPEC's nice row is the table the tests type in" \
	grep -qF '| nice | 19 | 18 | 15 | 12 | 9 | 6 | 3 | 0 | −3 | −6 | −9 | −12 | −15 | −18 | −20 |' docs/SPEC.md
check "docs: the module's magic byte in SPEC is the header's" \
	eval 'grep -q "^#define SD_LINUX_MAGIC        0xD5$" include/seconddriver.h && grep -q "0xD5" docs/SPEC.md'
for s in scripts/demo.sh scripts/test.sh scripts/debug-wine.sh scripts/debug-vm.sh \
	tests/vm/run.sh bench/run.sh tests/fuzz/run.sh tests/wine/stress.sh \
	tests/vm/stress.sh tests/static/run.sh docs/SECURITY.md docs/RELIABILITY.md \
	tests/windows/sd_check.c; do
	check "docs: $s, named in the docs, exists" [ -f "$s" ]
done
# Every code the contract asserts, Windows and Linux, is in SPEC.
for code in $(sed -n 's/^_Static_assert(\(IOCTL\|SD_LINUX_IOCTL\)_[A-Z_]* == \(0x[0-9A-F]*\)u.*/\2/p' include/seconddriver.h); do
	check "docs: SPEC gives the contract's code $code" grep -q "$code" docs/SPEC.md
done
for c in get set threads boost-process apply log clear-log info boost hold leases decode install uninstall; do
	check "docs: the README's command table has the client's \"$c\" command" \
		eval 'grep -qE "^\| \`$c[ \`]" README.md && grep -q "{ \"$c\"," client/sd_client.c'
done
seed_line=$(grep -E '^#7 .* IOCTL SET_PRIORITY 0x80002003 ' docs/DEBUGGING.md)
check "docs: the README's log line for the seed's request is DEBUGGING.md's (which the native tests build)" \
	eval '[ -n "$seed_line" ] && grep -qxF "    $seed_line" README.md'
check "docs: the README documents the long forms (scripts/test.sh --long), and test.sh takes the flag" \
	eval 'grep -q "bash scripts/test.sh --long" README.md && grep -q -- "--long) long=--long" scripts/test.sh'
check "docs: SPEC's handle-access table names the access SdIoctlTable gives SET (FILE_WRITE_DATA)" \
	eval 'grep -q "IOCTL_SECOND_DRIVER_SET_PRIORITY, FILE_WRITE_DATA" driver/sd_ioctl.c &&
	      grep -q "(SET_PRIORITY) | \`FILE_WRITE_DATA\`" docs/SPEC.md'
check "docs: SPEC and the driver agree on the Wine unload pause ($(sed -n 's/^#define SD_WINE_UNLOAD_GRACE_MS \([0-9]*\)$/\1/p' driver/SecondDriver.c) ms)" \
	eval 'ms=$(sed -n "s/^#define SD_WINE_UNLOAD_GRACE_MS \([0-9]*\)$/\1/p" driver/SecondDriver.c);
	      [ -n "$ms" ] && grep -q "pauses $ms ms" docs/SPEC.md'
summary
