#!/usr/bin/env bash
# run.sh - the native fuzzers: the driver's request code, the Linux twin's
# mapping and the client's apply-file parser, under libFuzzer with ASan and
# UBSan.
#
#   bash tests/fuzz/run.sh            the bounded pass the test command runs
#                                     (about 55 s: ioctl 40 s, map 5 s,
#                                     json 10 s)
#   bash tests/fuzz/run.sh --long     10^7 executions of each target
#
# For each target it first replays every input that ever crashed
# (tests/fuzz/regressions/<target>/) and the seed corpus
# (tests/fuzz/corpus/<target>/, written by make-seeds.py), then fuzzes from a
# fresh copy of the seed corpus, so the repository's files never change. A crash leaves its input
# in build/fuzz/artifacts/: add it to tests/fuzz/regressions/<target>/ with
# the fix. Ends with "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib/report.sh"
cd "$root" || exit 1

long=0
[ "${1:-}" = --long ] && long=1

make -s fuzz >/dev/null 2>build/fuzz-build.log || {
	cat build/fuzz-build.log
	fail "fuzz: build the fuzzers (make fuzz)"
	summary
	exit 1
}
rm -f build/fuzz-build.log
mkdir -p build/fuzz/artifacts

# fuzz TARGET SECONDS_OR_RUNS
fuzz() {
	local t=$1 limit=$2 bin=build/fuzz/fuzz_$1 work log files rc runs secs cov ft
	files=$(find "tests/fuzz/regressions/$t" "tests/fuzz/corpus/$t" -type f 2>/dev/null | sort)
	if [ -n "$files" ]; then
		# shellcheck disable=SC2086  # one argument per file
		if "$bin" -runs=0 $files >"build/fuzz/replay-$t.log" 2>&1; then
			pass "fuzz: $t: the $(echo "$files" | wc -l) regression and seed inputs replay cleanly"
		else
			fail "fuzz: $t: a regression or seed input fails" "log: build/fuzz/replay-$t.log"
			tail -n 20 "build/fuzz/replay-$t.log" | sed 's/^/    | /'
		fi
	fi
	work=$(mktemp -d /tmp/seconddriver-fuzz.XXXXXX)
	cp "tests/fuzz/corpus/$t"/* "$work/" 2>/dev/null
	log=build/fuzz/fuzz-$t.log
	echo "fuzz: $t: $([ $long = 1 ] && echo "$limit executions" || echo "$limit s")"
	if [ $long = 1 ]; then
		"$bin" -runs="$limit" -print_final_stats=1 \
			-artifact_prefix="build/fuzz/artifacts/$t-" "$work" >"$log" 2>&1
	else
		"$bin" -max_total_time="$limit" -print_final_stats=1 \
			-artifact_prefix="build/fuzz/artifacts/$t-" "$work" >"$log" 2>&1
	fi
	rc=$?
	rm -rf "$work"
	runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1/p' "$log")
	secs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$log")
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
	ft=${cov#*ft: }
	cov=${cov#cov: }
	cov=${cov%% *}
	if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
		pass "fuzz: $t: $runs executions in $secs s, coverage $cov edges / $ft features, no crash, leak or sanitizer report"
	else
		fail "fuzz: $t: libFuzzer stopped (exit $rc)" \
			"log: $log; the input is in build/fuzz/artifacts/: fix the cause, then add it to tests/fuzz/regressions/$t/"
		grep -E 'ERROR|runtime error|fuzz_|SUMMARY|artifact' "$log" | head -n 12 | sed 's/^/    | /'
	fi
}

if [ $long = 1 ]; then
	fuzz ioctl 10000000
	fuzz map 10000000
	fuzz json 10000000
else
	fuzz ioctl 40
	fuzz map 5
	fuzz json 10
fi
summary
