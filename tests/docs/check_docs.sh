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
get=$(grep -n 'stack = IoGetCurrentIrpStackLocation(Irp);' driver/SecondDriver.c | cut -d: -f1)
check "docs: that line comes after IoGetCurrentIrpStackLocation, in SecondDriverDeviceControl" \
	eval '[ -n "$fn" ] && [ -n "$get" ] && [ "$fn" -lt "$get" ] && [ "$get" -lt "$line" ]'

sddl=$(sed -n 's/^#define SD_DEVICE_SDDL *"\(.*\)"$/\1/p' include/seconddriver.h)
check "docs: SPEC names the header's SDDL ($sddl)" \
	eval '[ -n "$sddl" ] && grep -qF "$sddl" docs/SPEC.md'
check "docs: SPEC gives the header's IOCTL code 0x80002003" \
	eval 'grep -q "== 0x80002003u" include/seconddriver.h && grep -q "0x80002003" docs/SPEC.md'
check "docs: the README's test command is what .ci/run runs" \
	eval 'grep -q "bash scripts/test.sh" README.md && grep -q "^bash scripts/test.sh" .ci/run'
for s in scripts/demo.sh scripts/test.sh scripts/debug-wine.sh; do
	check "docs: $s, named in the docs, exists" [ -f "$s" ]
done
summary
