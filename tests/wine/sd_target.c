// SPDX-License-Identifier: MIT
/*
 * sd_target.c - a process with threads to aim SecondDriverClient at.
 *
 *   sd_target.exe <seconds> [waiters]
 *
 * Plays the part of the seed's Notepad. Prints, one per line, and flushes:
 *   pid=<id>          this process
 *   tid=<id>          a thread that waits (blocks) until the process ends
 *                     (with waiters > 1, that many such threads; the first's)
 *   exited_tid=<id>   a thread that has already exited (handle closed)
 *   ready
 * then sleeps <seconds> (default 60) and exits.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

static HANDLE stop_event;

static DWORD WINAPI waiter(LPVOID arg)
{
	(void)arg;
	WaitForSingleObject(stop_event, INFINITE);
	return 0;
}

static DWORD WINAPI quitter(LPVOID arg)
{
	(void)arg;
	return 0;
}

int main(int argc, char **argv)
{
	DWORD seconds = argc > 1 ? (DWORD)strtoul(argv[1], NULL, 10) : 60;
	DWORD waiters = argc > 2 ? (DWORD)strtoul(argv[2], NULL, 10) : 1;
	DWORD tid = 0, gone_tid, i;
	HANDLE t[64], gone;

	if (waiters < 1 || waiters > 64)
		waiters = 1;
	stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
	for (i = 0; i < waiters; i++) {
		DWORD id;

		t[i] = CreateThread(NULL, 0, waiter, NULL, 0, &id);
		if (!t[i]) {
			fprintf(stderr, "sd_target: CreateThread failed: %lu\n", GetLastError());
			return 1;
		}
		if (i == 0)
			tid = id;
	}
	gone = CreateThread(NULL, 0, quitter, NULL, 0, &gone_tid);
	if (!stop_event || !gone) {
		fprintf(stderr, "sd_target: CreateThread failed: %lu\n", GetLastError());
		return 1;
	}
	WaitForSingleObject(gone, INFINITE);
	CloseHandle(gone);

	printf("pid=%lu\ntid=%lu\nexited_tid=%lu\nready\n", GetCurrentProcessId(), tid,
	       gone_tid);
	fflush(stdout);

	Sleep(seconds * 1000);
	SetEvent(stop_event);
	WaitForMultipleObjects(waiters, t, TRUE, INFINITE);
	return 0;
}
