# shellcheck shell=bash
# report.sh - PASS/FAIL lines and the closing "N passed, N failed" line.
# Sourced by the bash test suites.

SD_PASSED=0
SD_FAILED=0

pass() { SD_PASSED=$((SD_PASSED + 1)); echo "PASS $1"; }
fail() { SD_FAILED=$((SD_FAILED + 1)); echo "FAIL $1${2:+: $2}"; }

# check NAME COMMAND...: PASS if the command succeeds.
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

# Fold a child program's PASS/FAIL lines (and its summary) into ours.
# A child that printed no summary line crashed or was killed: that fails.
absorb() {
	local name=$1 out=$2 rc=$3 line
	while IFS= read -r line; do
		case "$line" in
		PASS\ *) SD_PASSED=$((SD_PASSED + 1)); echo "$line" ;;
		FAIL\ *) SD_FAILED=$((SD_FAILED + 1)); echo "$line" ;;
		esac
	done <"$out"
	if ! grep -qE '^[0-9]+ passed, [0-9]+ failed' "$out"; then
		fail "$name" "ended (exit $rc) without its summary line"
		sed 's/^/    | /' "$out" | tail -n 15
	fi
}

# summary_or_show OUT N: the summary; on a failure, first the last N lines
# of OUT (the output of the program under test) for context. Removes OUT.
summary_or_show() {
	if [ "$SD_FAILED" -ne 0 ]; then
		sed 's/^/    | /' "$1" | tail -n "$2"
	fi
	rm -f "$1"
	summary
}

summary() {
	echo "$SD_PASSED passed, $SD_FAILED failed"
	[ "$SD_FAILED" -eq 0 ]
}
