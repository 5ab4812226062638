// SPDX-License-Identifier: MIT
/*
 * sd_target.c - a process with threads to aim SecondDriverClient at.
 *
 *   sd_target.exe <seconds>
 *
 * Plays the part of the seed's Notepad. Prints, one per line, and flushes:
 *   tid=<id>          a thread that waits (blocks) until the process ends
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
	DWORD tid, gone_tid;
	HANDLE t, gone;

	stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
	t = CreateThread(NULL, 0, waiter, NULL, 0, &tid);
	gone = CreateThread(NULL, 0, quitter, NULL, 0, &gone_tid);
	if (!stop_event || !t || !gone) {
		fprintf(stderr, "sd_target: CreateThread failed: %lu\n", GetLastError());
		return 1;
	}
	WaitForSingleObject(gone, INFINITE);
	CloseHandle(gone);

	printf("tid=%lu\nexited_tid=%lu\nready\n", tid, gone_tid);
	fflush(stdout);

	Sleep(seconds * 1000);
	SetEvent(stop_event);
	WaitForSingleObject(t, INFINITE);
	return 0;
}
