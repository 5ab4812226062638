#!/bin/busybox sh
# init.sh - /init of the Linux twin's test VM (busybox, no udev, one CPU).
#
# /sd/mode says what to do:
#   test   every in-VM test; prints PASS/FAIL lines, then SD-VM-END
#   bench  bench/sd_bench, then SD-VM-END; latency: bench/sd_latency
#   crash  crashes the kernel on purpose (sysrq c): the harness's self-test
#   debug  prints SD-TEXT <addr of the module's .text>, waits for a line on
#          /dev/ttyS1 (the debugger is ready), runs the client once with
#          /sd/debug-priority, then the tests as in test mode
#   stress the request storm (64-bit, then i386), module load/unload churn,
#          the after-checks and the kernel's log (tests/vm/stress.sh), sized
#          to fit about two minutes; stress-long: the long forms
#   watch2 the watchdog's tests, booted with two vCPUs (tests/vm/run.sh)
#   preempt the one-vCPU spinner tests, booted with preempt=full (or on
#          PREEMPT_RT): a lease and the watchdog end on time
#   sigenforce  booted with module.sig_enforce=1: the unsigned and the
#          self-signed module are both refused (tests/sign/run.sh)
#   dkms   the module DKMS built (tests/dkms/run.sh): a SET, then rmmod
#   rt     6.12-rt's checks (tests/vm/sd_vmrt.c): the interrupt threads, a
#          serial round trip past a level-31 spinner, RT throttling's share
#   plant  the debug kernel's self-test: loads sd_plant.ko with the bug
#          named in /sd/plant, then checks dmesg (tests/vm/debug-run.sh)
# and powers the VM off. Tests run as root; target processes block.
/bin/busybox mkdir -p /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/sd:/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev	# DEVTMPFS_MOUNT is off in Debian's kernel
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# The debug kernel's leak detector (scripts/debug-kernel.sh): forget what
# boot left, so that only what the tests leak is reported at the end.
kmemleak=/sys/kernel/debug/kmemleak
if [ -e $kmemleak ]; then
	echo clear >$kmemleak
	# The programs relax the two bounds the debug kernel's checks break: a
	# shell's start-up time (sd_vmwatch) and a lease's lateness (sd_vmlease).
	export SD_DEBUG_KERNEL=1
fi
mode=$(cat /sd/mode)
suite=$(cat /sd/suite 2>/dev/null || echo all)	# test mode: all, or functional
MOD=seconddriver
DEV=/dev/SecondDriver

timed() {	# timed COMMAND...: runs it, then says how long it took
	t0=$(date +%s)
	"$@"
	echo "# took $(($(date +%s) - t0)) s: $*"
}

ok() {	# ok NAME COMMAND...: PASS when the command succeeds
	name=$1
	shift
	if "$@"; then echo "PASS [vm] $name"; else echo "FAIL [vm] $name"; fi
}

finish() {
	echo "SD-VM-END"
	sync
	poweroff -f
}

echo "SD-VM-BEGIN mode=$mode kernel=$(uname -r)"

if [ "$mode" = sigenforce ]; then
	# tests/sign/run.sh: booted with module.sig_enforce=1, neither the
	# unsigned module nor one signed by a key the kernel does not hold loads.
	for ko in seconddriver.ko seconddriver_signed.ko; do
		out=$(insmod /sd/$ko 2>&1)
		rc=$?
		echo "# sigenforce: insmod $ko: exit $rc: $out"
		ok "sign: insmod of $ko fails with EKEYREJECTED (\"$out\")" \
			eval 'test $rc -ne 0 && echo "$out" | grep -q "Key was rejected by service"'
	done
	ok "sign: the module is not loaded" test ! -d /sys/module/$MOD
	dmesg | grep -E 'Loading of .* is rejected' | sed 's/^/# dmesg: /'
	ok "sign: dmesg has the kernel's line for the unsigned module" \
		eval 'dmesg | grep -q "Loading of unsigned module is rejected"'
	ok "sign: and for the one signed with a key it does not hold" \
		eval 'dmesg | grep -q "Loading of module with unavailable key is rejected"'
	finish
fi

# The tests read the driver's pr_debug lines; the benchmark first runs
# without them (the default when loaded without dyndbg=+p).
dyndbg=dyndbg=+p
[ "$mode" = bench ] && dyndbg=
[ "$mode" = latency ] && dyndbg=
# A storm of a million requests would log two million debug lines.
case $mode in stress | stress-long) dyndbg= ;; esac
if ! insmod /sd/$MOD.ko $dyndbg; then
	echo "FAIL [vm] module: insmod $MOD.ko $dyndbg"
	finish
fi
echo "PASS [vm] module: insmod $MOD.ko $dyndbg"
ok "module: $DEV is a character device" test -c $DEV
ok "module: $DEV has mode 0600, root:root (miscdevice.mode; no udev here)" \
	test "$(stat -c '%a %u %g' $DEV)" = "600 0 0"

# The kernel's complaints, on any kernel: Debian's, or the debug kernel's
# KASAN, lockdep, atomic-sleep and debug-object reports.
dmesg_bad='WARNING:|BUG:|Oops|Call Trace|general protection|ODEBUG|possible circular locking'

# kmemleak (the debug kernel only): objects the module allocated and lost.
leak_check() {
	[ -e $kmemleak ] || return 0
	echo scan >$kmemleak
	sleep 6	# kmemleak reports objects older than 5 s
	echo scan >$kmemleak
	leaks=$(grep -c seconddriver $kmemleak)
	ok "kernel: kmemleak finds nothing the module allocated ($leaks traces name it)" test "$leaks" -eq 0
	[ "$leaks" -eq 0 ] || head -n 40 $kmemleak | sed 's/^/SD-KMEMLEAK: /'
}

if [ "$mode" = plant ]; then
	# The debug kernel's self-test: one planted bug must be reported.
	bug=$(cat /sd/plant)
	echo "# plant: sd_plant.ko bug=$bug"
	insmod /sd/sd_plant.ko bug="$bug"
	echo "# plant: insmod exited $?"
	sleep 2
	stats=/sys/kernel/debug/debug_objects/stats
	[ -e $stats ] && sed 's/^/# debug_objects: /' $stats
	bad=$(dmesg | grep -E "$dmesg_bad" | head -n 3)
	ok "kernel: dmesg has no WARN, BUG or Oops${bad:+: $bad}" test -z "$bad"
	finish
fi

if [ "$mode" = crash ]; then
	# The harness's own test: a crash must fail the run (tests/vm/run.sh).
	echo "SD-VM-CRASHING"
	echo c >/proc/sysrq-trigger
fi

if [ "$mode" = bench ]; then
	# bench/run.sh: sd_bench with /sd/bench-args, the module's pr_debug
	# lines off; then SET alone with the log's record write compiled out,
	# and then also with the watchdog off.
	mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
	args=$(cat /sd/bench-args)
	echo "# sd_bench $args"
	# shellcheck disable=SC2086
	sd_bench $args || echo "bench-failed: sd_bench $args exited $?"
	if [ -e /sd/seconddriver_nolog.ko ]; then
		rmmod $MOD && insmod /sd/seconddriver_nolog.ko || echo "bench-failed: load seconddriver_nolog.ko"
		echo "# sd_bench -s -l \"log off\" $args"
		# shellcheck disable=SC2086
		sd_bench -s -l "log off" $args || echo "bench-failed: sd_bench -s $args exited $?"
		# And without the watchdog either: what the two features cost together.
		rmmod $MOD && insmod /sd/seconddriver_nolog.ko watchdog_budget_ms=0 ||
			echo "bench-failed: load seconddriver_nolog.ko watchdog_budget_ms=0"
		echo "# sd_bench -s -l \"log off, watchdog off\" $args"
		# shellcheck disable=SC2086
		sd_bench -s -l "log off, watchdog off" $args ||
			echo "bench-failed: sd_bench -s $args (watchdog off) exited $?"
	fi
	finish
fi

if [ "$mode" = dkms ]; then
	# tests/dkms/run.sh: the module DKMS built, loaded above, does its job.
	sleep 1000 &
	target=$!
	ok "dkms: SecondDriverClient $target 31 succeeds with the DKMS-built module" \
		SecondDriverClient $target 31
	ok "dkms: the target is now SCHED_RR 16 ($(sd_vmtest show $target))" \
		test "$(sd_vmtest show $target)" = "2 0 16"
	kill $target
	ok "dkms: rmmod succeeds" rmmod $MOD
	bad=$(dmesg | grep -E "$dmesg_bad" | head -n 3)
	ok "kernel: dmesg has no WARN, BUG or Oops${bad:+: $bad}" test -z "$bad"
	finish
fi

if [ "$mode" = rt ]; then
	# tests/vm/run.sh --kernel 6.12-rt: what a level-31 spinner leaves to
	# the rest of an RT kernel. The watchdog off, so that it stays at 31.
	rmmod $MOD
	insmod /sd/$MOD.ko watchdog_budget_ms=0
	echo "# rt: $(uname -v | grep -o 'PREEMPT[_A-Z]*' | head -n 1) on $(nproc) vCPU"
	timed sd_vmrt irq
	fs=/sys/kernel/debug/sched/fair_server/cpu0
	if [ -d $fs ]; then
		echo "# rt: the fair server (6.12): runtime $(cat $fs/runtime) ns per period $(cat $fs/period) ns"
	else
		echo "# rt: no fair server in this kernel ($fs)"
	fi
	timed sd_vmrt share
	ok "rt: the final rmmod succeeds" rmmod $MOD
	bad=$(dmesg | grep -E "$dmesg_bad" | head -n 3)
	ok "kernel: dmesg has no WARN, BUG or Oops${bad:+: $bad}" test -z "$bad"
	finish
fi

if [ "$mode" = latency ]; then
	# bench/run.sh --latency: a cyclic thread's wake-up lateness under load.
	args=$(cat /sd/bench-args)
	echo "# sd_latency $args"
	# shellcheck disable=SC2086
	sd_latency $args || echo "bench-failed: sd_latency $args exited $?"
	finish
fi

if [ "$mode" = stress ] || [ "$mode" = stress-long ]; then
	# Bounded: sized to fit tests/vm/stress.sh's ~120 s budget here.
	storm_n=150000 storm_threads=8 cycles=200 races=5000 log_race=10000
	if [ "$mode" = stress-long ]; then
		storm_n=1000000 cycles=1000 races=20000 log_race=100000
	fi
	echo "# stress: $(nproc) CPUs; storm of $storm_n requests over $storm_threads threads per ABI, $cycles churn cycles"
	echo "# sd_stress storm $storm_n $storm_threads"
	timed sd_stress storm $storm_n $storm_threads
	echo "# sd_stress32 storm $storm_n $storm_threads (i386 build, through compat_ioctl)"
	timed sd_stress32 storm $storm_n $storm_threads
	echo "# sd_stress race $races"
	timed sd_stress race $races
	echo "# sd_vmlog race $log_race (8 writers, one reader following, $(nproc) CPUs)"
	timed sd_vmlog race $log_race
	ok "stress: rmmod before the churn" rmmod $MOD
	echo "# sd_stress churn $cycles"
	timed sd_stress churn $cycles /sd/$MOD.ko
	ok "stress: insmod again after the churn" insmod /sd/$MOD.ko
	echo "# sd_stress after"
	timed sd_stress after
	ok "stress: the final rmmod succeeds" rmmod $MOD
	ok "stress: $DEV and the module are gone" test ! -e $DEV -a ! -d /sys/module/$MOD

	# The kernel's log. On a stall or lockup, all of it goes to the console.
	stall='rcu_.*stall|RCU stall|soft lockup|hard LOCKUP|hung_task|blocked for more than'
	if dmesg | grep -qE "$stall"; then
		echo "# a stall or lockup was logged: the whole dmesg follows (SD-DMESG lines)"
		dmesg | sed 's/^/SD-DMESG: /'
	fi
	bad=$(dmesg | grep -E "$dmesg_bad|$stall|refcount_t|sleeping function called from invalid context" | head -n 3)
	ok "kernel: dmesg has no WARN, BUG, Oops, stall, lockup, hung task, refcount_t or sleep-in-atomic line${bad:+: $bad}" test -z "$bad"
	taint=$(cat /proc/sys/kernel/tainted)
	# 4096 = O (out-of-tree module), 8192 = E (unsigned module)
	ok "kernel: the only taint is out-of-tree/unsigned (O, E), tainted=$taint" \
		test $((taint & ~(4096 | 8192))) -eq 0 -a $((taint & 4096)) -ne 0
	dmesg | grep -cE "$MOD: (loaded|unloaded)" | sed 's/^/# dmesg: load and unload lines: /'
	leak_check
	finish
fi

if [ "$mode" = debug ]; then
	echo "SD-TEXT $(cat /sys/module/$MOD/sections/.text)"
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
	# The debugger says "go" once its breakpoint is set; without it, go on
	# after a minute rather than hang until the host's timeout.
	read -r -t 60 go </dev/ttyS1 || echo "SD-DEBUG-NO-GO: no word from the debugger in 60 s"
	sleep 1000 &
	target=$!
	prio=$(cat /sd/debug-priority)
	echo "SD-DEBUG-TARGET $target"
	echo "SD-DEBUG-RUN SecondDriverClient $target $prio"
	SecondDriverClient $target "$prio"
	echo "SD-DEBUG-CLIENT-EXIT $?"
	echo "SD-DEBUG-AFTER $(sd_vmtest show $target)"
	kill $target
fi

if [ "$mode" = preempt ]; then
	# tests/vm/run.sh boots this with preempt=full: a caller can be preempted
	# inside the driver by the thread it just set above itself.
	model=$(dmesg | grep -o 'Dynamic Preempt: [a-z]*' | tail -n 1 | cut -d' ' -f3)
	uname -v | grep -q PREEMPT_RT && model=PREEMPT_RT
	echo "# one vCPU, preemption: $model"
	timed sd_vmlease spinner
	timed sd_vmwatch spinner -1
	timed sd_vmwatch spinner 950000
	ok "preempt: the final rmmod succeeds" rmmod $MOD
	bad=$(dmesg | grep -E "$dmesg_bad" | head -n 3)
	ok "kernel: dmesg has no WARN, BUG or Oops${bad:+: $bad}" test -z "$bad"
	finish
fi

if [ "$mode" = watch2 ]; then
	# tests/vm/run.sh boots this with two vCPUs: the spinner has one to itself.
	echo "# sd_vmwatch on $(nproc) vCPUs: RT throttling off, then the kernel's default"
	timed sd_vmwatch spinner -1
	timed sd_vmwatch sleeper -1
	timed sd_vmwatch spinner 950000
	rmmod $MOD
	insmod /sd/$MOD.ko watchdog_budget_ms=0
	echo "# sd_vmwatch off -1 ($(nproc) vCPUs, loaded with watchdog_budget_ms=0, throttling off)"
	timed sd_vmwatch off -1
	ok "watch2: the final rmmod succeeds" rmmod $MOD
	bad=$(dmesg | grep -E "$dmesg_bad" | head -n 3)
	ok "kernel: dmesg has no WARN, BUG or Oops${bad:+: $bad}" test -z "$bad"
	leak_check
	finish
fi

# --- the test program: levels, errors, privilege; then the i386 build ------
echo "# sd_vmtest all"
timed sd_vmtest all
echo "# sd_vmtest32 errors (i386 build, through compat_ioctl)"
timed sd_vmtest32 errors
echo "# sd_vmext all (GET, SET_EX, BATCH)"
timed sd_vmext all
echo "# sd_vmext32 errors (i386 build, through compat_ioctl)"
timed sd_vmext32 errors
echo "# sd_vmlog all (the log: GET_LOG, CLEAR_LOG)"
timed sd_vmlog all
echo "# sd_vmlog32 all (i386 build, through compat_ioctl)"
timed sd_vmlog32 all
echo "# sd_vmlog race 2000 (8 writers, one reader following)"
timed sd_vmlog race 2000
echo "# sd_vmlease all (BOOST, END_LEASE, LIST_LEASES)"
timed sd_vmlease all
echo "# sd_vmlease32 all (i386 build, through compat_ioctl)"
timed sd_vmlease32 all
# The timing of a spinner at 31 on the only vCPU (tests/vm/run.sh: not in
# 6.12's and 6.12-rt's functional suite, /sd/suite; their --full runs it).
if [ "$suite" = all ]; then
	echo "# sd_vmlease spinner (one vCPU, RT throttling off)"
	timed sd_vmlease spinner
	echo "# sd_vmwatch (one vCPU): the watchdog, RT throttling off, then the kernel's default"
	timed sd_vmwatch spinner -1
	timed sd_vmwatch sleeper -1
	timed sd_vmwatch spinner 950000
	line=$(SecondDriverClient log | grep ' WATCHDOG' | tail -n 1)
	echo "# log: $line"
	ok "watchdog: the client's log prints the WATCHDOG record: the rule, the CPU time and the change" \
		eval 'echo "$line" | grep -qE "WATCHDOG: .*; ran without blocking: [0-9]+ us of CPU in [0-9]+ us; thread [0-9]+: 31 -> 8$"'
fi

# --- pid namespaces: a thread id of the parent namespace is not found ------
sleep 1000 &
outside=$!
echo "# unshare -p -f sd_vmtest nsprobe $outside"
unshare -p -f sd_vmtest nsprobe $outside
kill $outside

# --- the client, 64- and 32-bit ------------------------------------------
reqs() { dmesg | grep -cE "[A-Z_]+ from pid"; }
sleep 1000 &
target=$!
out=$(SecondDriverClient $target 31)
ok "client: SecondDriverClient $target 31 succeeds and says so" \
	test $? -eq 0 -a -n "$(echo "$out" | grep 'succeeded')"
ok "client: the target is now SCHED_RR, rt priority 16 (policy nice rt: $(sd_vmtest show $target))" \
	test "$(sd_vmtest show $target)" = "2 0 16"
ok "client: the driver logged the change (pr_debug, dyndbg=+p)" \
	test -n "$(dmesg | grep "Thread Priority change for $target to 31 succeeded")"
SecondDriverClient32 $target 3 >/dev/null
ok "client: the i386 client sets level 3 through compat_ioctl (exit $?, now: $(sd_vmtest show $target))" \
	test "$(sd_vmtest show $target)" = "0 15 0"

before=$(reqs)
for args in "$target 32" "$target 0" "abc 5" "$target -1" "$target 1x" "4294967296 5" "1" "1 2 3"; do
	# shellcheck disable=SC2086
	SecondDriverClient $args >/dev/null 2>&1
	rc=$?
	ok "client: refuses \"$args\" with exit 2 (got $rc)" test $rc -eq 2
done
SecondDriverClient32 $target 99 >/dev/null 2>&1
ok "client: the i386 client refuses priority 99 with exit 2" test $? -eq 2
ok "client: no refused argument reached the driver (request lines: $before -> $(reqs))" \
	test "$(reqs)" = "$before"
SecondDriverClient --help >/dev/null
ok "client: --help exits 0" test $? -eq 0
err=$(SecondDriverClient 1073741808 5 2>&1)
rc=$?
ok "client: a missing thread exits 1 with the errno's text (\"$err\")" \
	test $rc -eq 1 -a -n "$(echo "$err" | grep 'No such process')"
kill $target
dmesg | grep -E 'seconddriver|SecondDriver' | tail -n 4 | sed 's/^/# dmesg: /'

# --- the client's commands: get, set, threads, boost-process, apply ------------
# Two processes of blocked threads: the one boosted (50 threads), and a
# sibling that nothing may touch.
sd_vmext spawn 50 >/tmp/p1 &
job1=$!
sd_vmext spawn 5 >/tmp/p2 &
job2=$!
for _ in $(seq 1 100); do
	grep -q '^pid' /tmp/p1 && grep -q '^pid' /tmp/p2 && break
	sleep 0.05
done
P1=$(sed -n 's/^pid //p' /tmp/p1)
P2=$(sed -n 's/^pid //p' /tmp/p2)
levels() { sd_vmext levels "$1" | sort; }
levels "$P1" >/tmp/p1.start
levels "$P2" >/tmp/p2.start
tid=$(ls /proc/"$P1"/task | sort -n | tail -n 1)
ok "commands: the process has 50 threads, all at level 8" \
	test "$(wc -l </tmp/p1.start)" -eq 50 -a "$(grep -vc ' 0 0 0$' /tmp/p1.start)" -eq 0

out=$(SecondDriverClient get "$tid")
ok "commands: get prints \"Thread <tid>: priority 8\" (\"$out\")" test "$out" = "Thread $tid: priority 8"
out=$(SecondDriverClient set "$tid" 20)
ok "commands: set prints the level before and after (\"$out\")" test "$out" = "Thread $tid: priority 8 -> 20"
out=$(SecondDriverClient32 set "$tid" 8)
ok "commands: the i386 client's set, back to 8 (\"$out\")" test "$out" = "Thread $tid: priority 20 -> 8"
out=$(SecondDriverClient set --base "$tid" 9 && SecondDriverClient set "$tid" 8)
ok "commands: set --base works as set on Linux, where levels last (\"$(echo $out)\")" \
	test "$(echo $out)" = "Thread $tid: priority 8 -> 9 Thread $tid: priority 9 -> 8"
out=$(SecondDriverClient threads "$P1")
ok "commands: threads prints one line per thread, each at level 8" \
	test "$(echo "$out" | grep -c ': priority 8$')" -eq 50

SecondDriverClient --json threads "$P1" >/tmp/snap.json
ok "commands: threads --json lists the 50 threads with pid, tid and priority" \
	test "$(grep -c "{\"pid\": $P1, \"tid\": [0-9]*, \"priority\": 8}" /tmp/snap.json)" -eq 50
out=$(SecondDriverClient boost-process "$P1" 31)
rc=$?
ok "commands: boost-process sets all 50 threads in one request (exit $rc)" \
	test $rc -eq 0 -a "$(echo "$out" | grep -c ': priority 8 -> 31$')" -eq 50
ok "commands: every thread of the process is at level 31 (SCHED_RR 16)" \
	test "$(levels "$P1" | grep -c ' 2 0 16$')" -eq 50
ok "commands: the sibling process is untouched" cmp -s /tmp/p2.start "$(levels "$P2" >/tmp/p2.now; echo /tmp/p2.now)"
SecondDriverClient apply /tmp/snap.json >/dev/null
rc=$?
ok "commands: apply of the threads --json snapshot puts every thread back exactly (exit $rc)" \
	eval 'test $rc -eq 0 && levels "$P1" | cmp -s /tmp/p1.start -'
SecondDriverClient32 --json boost-process "$P1" 25 >/tmp/boost.json
ok "commands: the i386 client's boost-process --json reports 50 changes from 8, none failed" \
	test "$(grep -c '"priority": 25, "old": 8, "error": null' /tmp/boost.json)" -eq 50
SecondDriverClient apply --undo /tmp/boost.json >/dev/null
rc=$?
ok "commands: apply --undo of the boost's output puts every thread back exactly (exit $rc)" \
	eval 'test $rc -eq 0 && levels "$P1" | cmp -s /tmp/p1.start -'
ok "commands: the sibling process is still untouched" \
	eval 'levels "$P2" | cmp -s /tmp/p2.start -'

before=$(reqs)
echo '[{"tid": 1, "priority": 32}]' >/tmp/bad.json
echo '[{"tid": 1, "priority": 5},' >/tmp/cut.json
for args in "threads 999999" "boost-process 999999 5" "boost-process $P1 32" "apply /tmp/bad.json" \
	    "apply /tmp/cut.json" "apply /tmp/none.json" "get 0" "set $tid 0" "get" "frob 1"; do
	# shellcheck disable=SC2086
	SecondDriverClient $args >/dev/null 2>&1
	rc=$?
	ok "commands: refuses \"$args\" with exit 2 (got $rc)" test $rc -eq 2
done
ok "commands: no refused command reached the driver (request lines: $before -> $(reqs))" \
	test "$(reqs)" = "$before"
SecondDriverClient get 1073741808 >/dev/null 2>&1
ok "commands: get of a missing thread exits 1" test $? -eq 1
kill "$job1" "$job2"

# --- the log, through the client --------------------------------------------
# The seed's request, written out by the driver itself (docs/DEBUGGING.md): a
# thread 8520 to boost, made by asking for the pid after 8519.
echo 8519 >/proc/sys/kernel/ns_last_pid
sleep 1000 &
t8520=$!
ok "log: a thread 8520 to boost, as in the seed (ns_last_pid; got $t8520)" test "$t8520" = 8520
SecondDriverClient 8520 31 >/dev/null
line=$(SecondDriverClient log | grep -F 'ThreadId 8520 (0x2148)' | tail -n 1)
echo "# log: $line"
rest=$(echo "$line" | sed -n 's/^#[0-9]* [0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]\{6\} pid [0-9]* tid [0-9]* //p')
ok "log: the seed's request (8520, 31) prints as docs/DEBUGGING.md shows it, with the twin's code and its change 8 -> 31" \
	test "$rest" = "IOCTL SET_PRIORITY 0x4008D500 (direction write, size 8, type 0xD5, nr 0) in 8 out 0: 0 (success), returned 0; ThreadId 8520 (0x2148), Priority 31 (0x1F); thread 8520: 8 -> 31"
kill $t8520
SecondDriverClient log --json >/tmp/log.json
rc=$?
ok "log: log --json prints one object a line ($(wc -l </tmp/log.json) lines, exit $rc)" \
	test $rc -eq 0 -a "$(wc -l </tmp/log.json)" -gt 10 -a "$(grep -cvE '^\{"(seq|lost)": .*\}$' /tmp/log.json)" -eq 0
ok "log: and the seed's request is in it, decoded" \
	grep -q '"name": "SET_PRIORITY".*"input": "ThreadId 8520 (0x2148), Priority 31 (0x1F)", "change": {"thread": 8520, "old": 8, "new": 31' /tmp/log.json
SecondDriverClient log --follow >/tmp/follow.out 2>&1 &
follow=$!
sleep 0.5
SecondDriverClient get 1 >/dev/null
sleep 0.5
kill -INT $follow
wait $follow
rc=$?
ok "log: log --follow prints a request made after it started, and ends with exit 0 on SIGINT (exit $rc)" \
	eval 'test $rc -eq 0 && grep -q "GET_PRIORITY .*; ThreadId 1 (0x1)$" /tmp/follow.out'
SecondDriverClient clear-log >/dev/null
out=$(SecondDriverClient log --since 1)
ok "log: after clear-log, log --since 1 starts with the gap (\"$(echo "$out" | head -n 1)\")" \
	eval 'echo "$out" | head -n 1 | grep -qE "^-- [0-9]+ records lost \(overwritten or cleared\) before #[0-9]+ --$" &&
	      echo "$out" | sed -n 2p | grep -q " IOCTL CLEAR_LOG 0x0000D505 "'
out=$(SecondDriverClient decode 0x4008D500)
ok "log: decode 0x4008D500 marks the Linux reading as SET_PRIORITY" \
	eval 'echo "$out" | grep -qF "* Linux:   direction write, size 8, type 0xD5, nr 0  = SD_LINUX_IOCTL_SET_PRIORITY"'
err=$(SecondDriverClient install 2>&1)
rc=$?
ok "log: install on Linux exits 2 and points to the README's insmod steps (exit $rc)" \
	eval 'test $rc -eq 2 && echo "$err" | grep -q "with insmod, as the README"'

# --- the cap: the module parameter max_priority ------------------------------
out=$(SecondDriverClient info | tr '\n' '|')
ok "cap: info says interface version 7, levels capped at 31 (no cap), no lease live of 4096, the watchdog's defaults (\"$out\")" \
	test "$out" = "interface version 7|levels capped at 31 (no cap)|leases: 0 live, at most 4096|watchdog: 200 ms without blocking, or 500 ms in 1000 ms; 0 threads watched|"
rmmod $MOD
insmod /sd/$MOD.ko dyndbg=+p max_priority=15
ok "cap: insmod max_priority=15, read back from sysfs, read-only (0444)" \
	test "$(cat /sys/module/$MOD/parameters/max_priority) $(stat -c %a /sys/module/$MOD/parameters/max_priority)" = "15 444"
sleep 1000 &
t=$!
err=$(SecondDriverClient $t 16 2>&1)
rc=$?
ok "cap: the seed's SET of 16 gets ERANGE and the client names the cap (exit $rc)" \
	eval 'test $rc -eq 1 && echo "$err" | grep -q "caps levels at 15, so 16 is refused"'
ok "cap: the thread is unchanged, at level 8 ($(sd_vmtest show $t))" test "$(sd_vmtest show $t)" = "0 0 0"
SecondDriverClient $t 15 >/dev/null
rc=$?
ok "cap: a SET of 15, at the cap, succeeds: nice -20 (exit $rc, $(sd_vmtest show $t))" \
	test $rc -eq 0 -a "$(sd_vmtest show $t)" = "0 -20 0"
err=$(SecondDriverClient boost-process $t 20 2>&1)
rc=$?
ok "cap: boost-process (BATCH) of 20: the entry gets -ERANGE, with the hint (exit $rc)" \
	eval 'test $rc -eq 1 && echo "$err" | grep -q "Thread $t: error -34" && echo "$err" | grep -q "caps levels at 15"'
out=$(SecondDriverClient --json info)
ok "cap: info --json reads the cap ($out)" \
	test "$out" = '{"version": 7, "max_level": 15, "max_leases": 4096, "live_leases": 0, "watchdog_budget_ms": 200, "watchdog_window_ms": 1000, "watchdog_share_ms": 500, "watched": 0}'
kill $t
rmmod $MOD
for bad in 0 32 -1; do
	insmod /sd/$MOD.ko max_priority=$bad 2>/dev/null
	rc=$?
	ok "cap: insmod max_priority=$bad is refused (exit $rc), and the module says why" \
		eval 'test $rc -ne 0 -a ! -d /sys/module/$MOD && dmesg | grep -q "max_priority=$bad: it must be from 1 to 31"'
done
insmod /sd/$MOD.ko dyndbg=+p
ok "cap: loaded again without the parameter: no cap" \
	test "$(cat /sys/module/$MOD/parameters/max_priority)" = 31

# --- the watchdog's settings: module parameters ------------------------------
rmmod $MOD
insmod /sd/$MOD.ko dyndbg=+p watchdog_budget_ms=0
ok "watchdog: loaded with watchdog_budget_ms=0, the module says it is off" \
	eval 'dmesg | grep -q "watchdog off: watchdog_budget_ms=0"'
ok "watchdog: info says so" eval 'SecondDriverClient info | grep -qx "watchdog: off"'
if [ "$suite" = all ]; then
	echo "# sd_vmwatch off 950000 (one vCPU, the kernel's default throttling)"
	timed sd_vmwatch off 950000
fi
rmmod $MOD
for bad in watchdog_budget_ms=60001 watchdog_window_ms=99 watchdog_window_ms=60001 \
	"watchdog_window_ms=400 watchdog_share_ms=401"; do
	insmod /sd/$MOD.ko $bad 2>/dev/null
	rc=$?
	ok "watchdog: insmod $bad is refused (exit $rc), and the module says why" \
		eval 'test $rc -ne 0 -a ! -d /sys/module/$MOD && dmesg | grep -q "the budget must be 0..60000, the window 100..60000, and the share 0..the window"'
done
insmod /sd/$MOD.ko dyndbg=+p watchdog_budget_ms=100 watchdog_window_ms=2000 watchdog_share_ms=0
out=$(SecondDriverClient --json info)
ok "watchdog: insmod watchdog_budget_ms=100 watchdog_window_ms=2000 watchdog_share_ms=0: GET_INFO reads them ($out)" \
	eval 'echo "$out" | grep -q "\"watchdog_budget_ms\": 100, \"watchdog_window_ms\": 2000, \"watchdog_share_ms\": 0,"'
ok "watchdog: info prints the budget alone when the share rule is off" \
	eval 'SecondDriverClient info | grep -qx "watchdog: 100 ms without blocking; 0 threads watched"'
rmmod $MOD
insmod /sd/$MOD.ko dyndbg=+p

# --- leases through the client -------------------------------------------------
sleep 1000 &
t=$!
SecondDriverClient hold $t 24 >/tmp/hold.out 2>&1 &
holder=$!
for _ in $(seq 1 100); do grep -q '^Thread' /tmp/hold.out && break; sleep 0.05; done
ok "lease: hold prints the lease and keeps the level ($(head -n 1 /tmp/hold.out); now $(sd_vmtest show $t))" \
	eval 'grep -q "^Thread $t: priority 8 -> 24 held until Ctrl-C (lease [0-9]*)$" /tmp/hold.out && test "$(sd_vmtest show $t)" = "2 0 9"'
out=$(SecondDriverClient leases)
ok "lease: leases lists it (\"$(echo "$out" | head -n 1)\")" \
	eval 'echo "$out" | grep -q "^lease [0-9]*: thread $t at 24 (back to 8), on its handle$" && echo "$out" | grep -q "^1 lease live$"'
kill -9 $holder
wait $holder 2>/dev/null
for _ in $(seq 1 100); do test "$(sd_vmtest show $t)" = "0 0 0" && break; sleep 0.01; done
ok "lease: a hold killed with SIGKILL: the level is back at 8 ($(sd_vmtest show $t))" test "$(sd_vmtest show $t)" = "0 0 0"
SecondDriverClient hold $t 20 --for 300ms >/tmp/hold.out 2>&1
rc=$?
ok "lease: hold --for 300ms ends by itself, exit 0, level back at 8 (exit $rc; $(tail -n 1 /tmp/hold.out))" \
	eval 'test $rc -eq 0 && grep -q "^Thread $t: released (lease [0-9]*)$" /tmp/hold.out && test "$(sd_vmtest show $t)" = "0 0 0"'
out=$(SecondDriverClient boost $t 26 --for 1s)
rc=$?
ok "lease: boost --for 1s returns at once with the level set (exit $rc: $out)" \
	eval 'test $rc -eq 0 && echo "$out" | grep -q "^Thread $t: priority 8 -> 26 for 1000 ms (lease [0-9]*)$" && test "$(sd_vmtest show $t)" = "2 0 11"'
sleep 1.4
ok "lease: and the driver put it back after 1 s ($(sd_vmtest show $t))" test "$(sd_vmtest show $t)" = "0 0 0"
SecondDriverClient boost $t 26 >/dev/null 2>&1
rc=$?
ok "lease: boost without --for is refused before sending (exit $rc)" test $rc -eq 2
for bad in 0ms 25h 5 5sec; do
	SecondDriverClient boost $t 26 --for $bad >/dev/null 2>&1
	rc=$?
	ok "lease: boost --for $bad is refused (exit $rc)" test $rc -eq 2
done
out=$(SecondDriverClient --json leases)
ok "lease: leases --json with none live prints [] ($out)" test "$out" = "[]"
SecondDriverClient boost $t 28 --for 10s >/dev/null
rmmod $MOD
rc=$?
ok "lease: rmmod with a detached lease live succeeds, and the lease ends: the level is back at 8 (exit $rc, $(sd_vmtest show $t))" \
	eval 'test $rc -eq 0 && test "$(sd_vmtest show $t)" = "0 0 0"'
kill $t
insmod /sd/$MOD.ko max_leases=0 2>/dev/null
ok "lease: insmod max_leases=0 is refused, and the module says why" \
	eval 'test ! -d /sys/module/$MOD && dmesg | grep -q "max_leases=0: it must be from 1 to 4096"'
insmod /sd/$MOD.ko dyndbg=+p max_leases=3
echo "# sd_vmlease bound 3 (loaded with max_leases=3)"
timed sd_vmlease bound 3
rmmod $MOD
insmod /sd/$MOD.ko dyndbg=+p

# --- the benchmark's program still runs: every way ends as it should -------
out=$(sd_bench 1 2 2>&1)
rc=$?
err=$(echo "$out" | grep -v '^bench' | head -n 1)
ok "bench: sd_bench runs every way once (exit $rc)${err:+: $err}" \
	test $rc -eq 0 -a -n "$(echo "$out" | grep '^bench: SET time-sharing')"
# And the latency program, with work after each wake-up (bench/run.sh --latency):
# 6 cases, each saying its work; a period's worth of work or more is refused.
out=$(sd_latency -w 100 100 2>&1)
rc=$?
ok "bench: sd_latency -w 100 runs its 6 cases, each with 100 us of work (exit $rc)" \
	test $rc -eq 0 -a "$(echo "$out" | grep -c '^latency: .*100 us of work each')" -eq 6
sd_latency -w 1000 100 >/dev/null 2>&1
rc=$?
ok "bench: sd_latency refuses -w 1000, a whole period (exit $rc, want 2)" test $rc -eq 2

# --- unload: an open file keeps the module --------------------------------
exec 3<$DEV
rmmod $MOD 2>/dev/null
ok "unload: rmmod is refused while a file is open" test $? -ne 0
ok "unload: the module and $DEV are still there" test -c $DEV -a -d /sys/module/$MOD
exec 3<&-
ok "unload: after the close, rmmod succeeds" rmmod $MOD
ok "unload: $DEV is gone" test ! -e $DEV
ok "unload: the module is gone" test ! -d /sys/module/$MOD
ok "unload: the module logged its unload" test -n "$(dmesg | grep "$MOD: unloaded")"

# --- afterwards: no warning, no oops; only the out-of-tree taint -----------
bad=$(dmesg | grep -E "$dmesg_bad" | head -n 3)
ok "kernel: dmesg has no WARN, BUG or Oops${bad:+: $bad}" test -z "$bad"
leak_check
taint=$(cat /proc/sys/kernel/tainted)
# 4096 = O (out-of-tree module), 8192 = E (unsigned module)
ok "kernel: the only taint is out-of-tree/unsigned (O, E), tainted=$taint" \
	test $((taint & ~(4096 | 8192))) -eq 0 -a $((taint & 4096)) -ne 0
finish
