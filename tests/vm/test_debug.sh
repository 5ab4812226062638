#!/usr/bin/env bash
# test_debug.sh - runs scripts/debug-vm.sh (gdb on QEMU's gdb stub, breaking
# in the Linux twin's ioctl handler) and checks what it printed against what
# the client sent.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/report.sh"

prio=27
out=$(mktemp)
start=$(date +%s)
bash "$here/../../scripts/debug-vm.sh" "$prio" >"$out" 2>&1
rc=$?
took=$(($(date +%s) - start))
tid=$(sed -n 's/^SD-DEBUG-TARGET \([0-9]*\)$/\1/p' "$out")
req=$(grep '^SD-REQ ' "$out")
echo "    $req"

check "vm-debug: scripts/debug-vm.sh exits 0" [ "$rc" -eq 0 ]
check "vm-debug: it took under 90 s ($took s)" [ "$took" -lt 90 ]
check "vm-debug: QEMU's gdb stub listened on 127.0.0.1 only" \
	grep -qE '^SD-LISTEN 127\.0\.0\.1:[0-9]+ ?$' "$out"
line=$(grep -n 'ret = sd_set_one(td.ThreadId, td.Priority, 0, &old);' "$here/../../linux/seconddriver_main.c" | cut -d: -f1)
check "vm-debug: gdb set a hardware breakpoint" grep -q '^Hardware assisted breakpoint 1 at ' "$out"
check "vm-debug: gdb stopped there, in the ioctl handler at the line after the copy ($line)" \
	grep -qE "^Breakpoint 1, sd_ioctl_set_priority \(.*\) at .*seconddriver_main.c:${line:-x}\$" "$out"
check "vm-debug: the request holds the client's thread id ($tid)" \
	eval '[ -n "$tid" ] && grep -q "tid=$tid " <<<"$req"'
check "vm-debug: the request holds the client's priority ($prio), size 8" \
	grep -qE "priority=$prio size=8\$" <<<"$req"
check "vm-debug: the struct reads as two little-endian ints" \
	grep -qE "^0x[0-9a-f]+:[[:space:]]+${tid:-x}[[:space:]]+$prio\$" "$out"
le_bytes() {	# le_bytes N: N as 4 little-endian bytes, as gdb's x/4xb prints them
	printf '0x%02x\t0x%02x\t0x%02x\t0x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) \
		$(($1 >> 16 & 255)) $(($1 >> 24 & 255))
}
check "vm-debug: the raw bytes are the thread id, then the priority, little-endian" \
	grep -qP "^0x[0-9a-f]+:\t$(le_bytes "${tid:-0}")\t$(le_bytes "$prio")\$" "$out"
check "vm-debug: the backtrace shows the dispatcher calling the handler" \
	grep -qE '^#1 .*sd_unlocked_ioctl' "$out"
check "vm-debug: gdb detached" grep -q '^SD-DETACHED' "$out"
check "vm-debug: the request completed after the detach (client exit 0)" \
	grep -q '^SD-DEBUG-CLIENT-EXIT 0$' "$out"
check "vm-debug: the thread is at level $prio afterwards (SCHED_RR $((prio - 15)))" \
	grep -q "^SD-DEBUG-AFTER 2 0 $((prio - 15))\$" "$out"
check "vm-debug: the tests then ran to the end, none failing" \
	grep -qE '^SD-VM exit=0 end=1 passed=[1-9][0-9]* failed=0$' "$out"
summary_or_show "$out" 50
