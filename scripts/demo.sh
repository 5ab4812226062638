#!/usr/bin/env bash
# demo.sh - the seed's session, on Debian, under Wine 8.
#
#   bash scripts/demo.sh
#
# Installs what it needs, builds SecondDriver.sys and the client, creates a
# fresh Wine prefix, installs the driver with the seed's own commands
#   sc create second type= kernel binPath= C:\Driver\SecondDriver\SecondDriver.sys
#   sc start second
# starts a target thread (the seed used one of Notepad's), boosts it to 31
# with SecondDriverClient.exe, shows the driver's log lines for it, and
# stops and removes the driver again.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1

step() { printf '\n== %s\n' "$*"; }

step "installing packages (scripts/install-deps.sh)"
bash scripts/install-deps.sh || exit 1

step "building (make driver client wine-tests)"
if ! make -j2 driver client wine-tests >build.log 2>&1; then
	tail -n 30 build.log
	echo "demo: the build failed; full log in build.log" >&2
	exit 1
fi
rm -f build.log
ls -l build/win/release/SecondDriver.sys build/win/release/SecondDriver.pdb \
	build/win/bin/SecondDriverClient.exe | awk '{print "   ", $5, $9}'

. tests/wine/lib.sh
step "starting Wine"
wine_session_start release || exit 1

show() { printf '> %s\n' "$*"; }

step "installing the driver, as the seed does"
show "sc create second type= kernel binPath= $SD_WIN_SYS"
sc_create_second || { echo "demo: sc create failed" >&2; exit 1; }
show "sc start second"
wrun sc start second
driver_log_settle

step "a target thread (the seed's Notepad thread)"
start_target 60 || { echo "demo: sd_target.exe did not start" >&2; exit 1; }
echo "sd_target.exe: thread $TARGET_TID is waiting"

step "boosting it to 31"
show "SecondDriverClient.exe $TARGET_TID 31"
wrun "$SD_WIN_DIR\\SecondDriverClient.exe" "$TARGET_TID" 31
rc=$?
driver_log_settle

step "the driver's log lines (DbgPrintEx, via WINEDEBUG=warn+debugstr)"
grep -E 'SecondDriver:|KeSetPriorityThread' "$DRIVER_LOG" |
	sed 's/^[0-9a-f]*:warn:debugstr:vDbgPrintExWithPrefix [0-9a-f]*:[0-9a-f]*: /   /;
	     s/^[0-9a-f]*:fixme:ntoskrnl:/   (Wine stub) /'
echo
echo "Wine's KeSetPriorityThread is a stub: the line above shows the call and its"
echo "argument, not a real priority change. tests/vm shows the real change on the"
echo "Linux twin."

step "what the driver itself recorded (SecondDriverClient.exe log)"
show "SecondDriverClient.exe log"
wrun "$SD_WIN_DIR\\SecondDriverClient.exe" log
echo
echo "Every request the driver took, decoded: the seed's WinDbg session, without a"
echo "debugger (docs/DEBUGGING.md section 4). Under Wine the change reads 31 -> 31:"
echo "its KeSetPriorityThread stub answers the new level where Windows answers the old."

step "stopping and removing the driver"
show "sc stop second"; wrun sc stop second | grep -E 'STATE' || true
show "sc delete second"; wrun sc delete second
exit "$rc"
