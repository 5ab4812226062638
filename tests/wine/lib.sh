# shellcheck shell=bash
# lib.sh - a throw-away Wine session that hosts SecondDriver.sys.
# Sourced by tests/wine/run.sh and scripts/demo.sh.
#
#   wine_session_start [release|debug]   fresh prefix, persistent wineserver,
#                                        driver and programs under C:\Driver
#   wine_session_stop                    kill the session, remove the prefix
#   wrun PROGRAM ARGS...                 run a Windows program, quiet, no \r
#   start_target SECONDS [WAITERS]       start sd_target.exe; sets
#                                        TARGET_PID, TARGET_TID and EXITED_TID
#   driver_log_lines REGEX               count matching lines of the driver log
#   SD_ANY_REQUEST                       the regex of the one line the driver
#                                        logs for every request it receives
#   host_crash_lines                     Wine's lines for a crashed process
#
# Facts this relies on (measured, see ../shared/HOSTS.md):
#   - Wine must create the prefix itself (wineboot -i); don't mkdir it.
#   - Without `wineserver -p` the driver host dies ~3 s after the last
#     Windows process exits.
#   - The driver's DbgPrint output goes to the stderr of the process that
#     started services.exe, with that process's WINEDEBUG: here, the first
#     `sc create`, whose stderr is the file $DRIVER_LOG.

SD_ROOT=${SD_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SD_BIN=$SD_ROOT/build/win/bin

# The seed installs the driver from C:\Driver\SecondDriver\SecondDriver.sys.
SD_WIN_DIR='C:\Driver'
SD_WIN_SYS='C:\Driver\SecondDriver\SecondDriver.sys'

wine_session_start() {
	local variant=${1:-release}
	local sys=$SD_ROOT/build/win/$variant/SecondDriver.sys

	if [ ! -f "$sys" ] || [ ! -f "$SD_BIN/SecondDriverClient.exe" ]; then
		echo "wine: $sys or the client is missing: run 'make' first" >&2
		return 1
	fi
	command -v wine >/dev/null || {
		echo "wine: not installed: run scripts/install-deps.sh" >&2
		return 1
	}

	SD_WORK=$(mktemp -d /tmp/seconddriver-wine.XXXXXX)
	export WINEPREFIX=$SD_WORK/prefix   # Wine creates it
	export WINEDLLOVERRIDES="mscoree,mshtml="  # no Mono/Gecko prompts
	export WINEDEBUG=-all
	unset DISPLAY WAYLAND_DISPLAY
	DRIVER_LOG=$SD_WORK/driver.log
	: >"$DRIVER_LOG"
	trap wine_session_stop EXIT

	echo "wine: creating a fresh prefix in $WINEPREFIX (about 10 s)"
	if ! wineboot -i >"$SD_WORK/wineboot.log" 2>&1; then
		tail -n 20 "$SD_WORK/wineboot.log" >&2
		echo "wine: 'wineboot -i' failed (log above)" >&2
		return 1
	fi
	wineserver -w   # let the first-run session finish and exit

	mkdir -p "$WINEPREFIX/drive_c/Driver/SecondDriver"
	cp "$sys" "$WINEPREFIX/drive_c/Driver/SecondDriver/SecondDriver.sys"
	cp "$SD_BIN"/*.exe "$WINEPREFIX/drive_c/Driver/"

	wineserver -p   # persistent: keeps services.exe and winedevice.exe
}

wine_session_stop() {
	trap - EXIT
	[ -n "${WINEPREFIX:-}" ] || return 0
	wineserver -k 2>/dev/null
	wineserver -w 2>/dev/null
	if [ -n "${SD_KEEP_WINE:-}" ]; then
		echo "wine: kept $SD_WORK (SD_KEEP_WINE is set)"
	else
		rm -rf "$SD_WORK"
	fi
}

# Run a Windows program quietly; Windows line ends become Unix ones.
wrun() {
	wine "$@" 2>/dev/null | tr -d '\r'
	return "${PIPESTATUS[0]}"
}

# The seed's install step, run so that services.exe (and with it the driver
# host) is started with the driver's output going to $DRIVER_LOG.
sc_create_second() {
	WINEDEBUG=warn+debugstr,fixme+ntoskrnl \
		wine sc create second type= kernel binPath= "$SD_WIN_SYS" \
		2>>"$DRIVER_LOG" | tr -d '\r'
	return "${PIPESTATUS[0]}"
}

start_target() {
	local seconds=${1:-120} waiters=${2:-1} i
	TARGET_OUT=$SD_WORK/target.out
	wine "$SD_WIN_DIR\\sd_target.exe" "$seconds" "$waiters" >"$TARGET_OUT" 2>/dev/null &
	TARGET_JOB=$!
	for i in $(seq 1 100); do
		grep -q '^ready' "$TARGET_OUT" 2>/dev/null && break
		sleep 0.1
	done
	TARGET_PID=$(sed -n 's/^pid=\([0-9]*\).*/\1/p' "$TARGET_OUT")
	TARGET_TID=$(sed -n 's/^tid=\([0-9]*\).*/\1/p' "$TARGET_OUT")
	EXITED_TID=$(sed -n 's/^exited_tid=\([0-9]*\).*/\1/p' "$TARGET_OUT")
	[ -n "$TARGET_PID" ] && [ -n "$TARGET_TID" ] && [ -n "$EXITED_TID" ]
}

SD_ANY_REQUEST='SecondDriver: (Thread Priority change|unknown IOCTL|[A-Z_]+ \(0x[0-9A-F]{8}\) (failed|succeeded))'

# The driver log is written by another process: give it a moment.
driver_log_settle() { sleep 0.3; }

driver_log_lines() {
	grep -cE "$1" "$DRIVER_LOG"
}

# What Wine prints when a process (the driver host) faults and dies.
host_crash_lines() {
	grep -E 'Unhandled (page fault|exception)|err:seh:' "$DRIVER_LOG"
}
