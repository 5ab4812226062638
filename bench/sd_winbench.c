// SPDX-License-Identifier: MIT
/*
 * sd_winbench.c - the Windows driver's own cost, under Wine (bench/run.sh
 * --wine), where there is no instruction clock.
 *
 * 1. SET against a request the driver refuses at once (an unknown code,
 *    STATUS_INVALID_DEVICE_REQUEST): both cross the same path, the
 *    client to wineserver to the driver's host process and back. In
 *    between, a SET the driver refuses at its validation (level 0,
 *    STATUS_INVALID_PARAMETER): its capture, checks and log record, the
 *    driver's own code up to the thread's lookup. The rest of a SET is the
 *    lookup and the change, which under Wine are wineserver calls
 *    themselves (PsLookupThreadByThreadId) and a stub (KeSetPriorityThread).
 *    Each printed as a share of the refused request's round trip.
 * 2. BATCH against single SETs: the cost per thread of one request setting
 *    N of this process's threads, against N single SETs of them. No
 *    target: under Wine, each entry's PsLookupThreadByThreadId is itself
 *    several wineserver round trips.
 *
 * The two ways of each take turns in short rounds. Prints one line of
 * each; bench/run.sh runs it 5 times and reports the spread.
 *
 *   sd_winbench.exe [ROUNDS [CALLS]]      default 10 rounds of 200 calls
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

#include "seconddriver.h"

/* A code the driver does not know: its table refuses it at once. */
#define SD_BENCH_UNKNOWN \
	SD_CTL_CODE(SD_DEVICE_TYPE, 0x8FFu, SD_METHOD_NEITHER, SD_FILE_ANY_ACCESS)

enum { THREADS = 100 };

static HANDLE dev;
static HANDLE stop;
static DWORD tids[THREADS];

static double now_s(void)
{
	static LARGE_INTEGER f;
	LARGE_INTEGER c;

	if (!f.QuadPart)
		QueryPerformanceFrequency(&f);
	QueryPerformanceCounter(&c);
	return (double)c.QuadPart / (double)f.QuadPart;
}

static DWORD WINAPI waiter(LPVOID arg)
{
	(void)arg;
	WaitForSingleObject(stop, INFINITE);
	return 0;
}

static int set_one(DWORD tid, int level)
{
	ThreadData td = { tid, level };
	DWORD n;

	return DeviceIoControl(dev, IOCTL_SECOND_DRIVER_SET_PRIORITY, &td, sizeof(td), NULL, 0,
			       &n, NULL) ? 0 : -1;
}

static int refused(DWORD tid, int level)
{
	ThreadData td = { tid, level };
	DWORD n;

	if (DeviceIoControl(dev, SD_BENCH_UNKNOWN, &td, sizeof(td), NULL, 0, &n, NULL))
		return -1;	/* it should have been refused */
	return GetLastError() == ERROR_INVALID_FUNCTION ? 0 : -1;
}

static int invalid(DWORD tid, int level)
{
	ThreadData td = { tid, 0 };
	DWORD n;

	(void)level;
	if (DeviceIoControl(dev, IOCTL_SECOND_DRIVER_SET_PRIORITY, &td, sizeof(td), NULL, 0, &n,
			    NULL))
		return -1;	/* level 0 must be refused */
	return GetLastError() == ERROR_INVALID_PARAMETER ? 0 : -1;
}

static int batch(int n, int level)
{
	static unsigned char in[sizeof(SdBatchHeader) + THREADS * sizeof(SdBatchEntry)];
	static SdBatchResult out[THREADS];
	SdBatchHeader *h = (SdBatchHeader *)in;
	SdBatchEntry *e = (SdBatchEntry *)(in + sizeof(*h));
	DWORD got;
	int i;

	h->Count = (sd_u32)n;
	h->Flags = 0;
	for (i = 0; i < n; i++) {
		e[i].ThreadId = tids[i];
		e[i].Priority = level;
		e[i].ProcessId = 0;
		e[i].Reserved = 0;
	}
	if (!DeviceIoControl(dev, IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH, in,
			     (DWORD)(sizeof(*h) + (size_t)n * sizeof(*e)), out,
			     (DWORD)((size_t)n * sizeof(*out)), &got, NULL))
		return -1;
	for (i = 0; i < n; i++) {
		if (out[i].Status)
			return -1;
	}
	return 0;
}

static int singles(int n, int level)
{
	int i;

	for (i = 0; i < n; i++) {
		if (set_one(tids[i], level))
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 10;
	int calls = argc > 2 ? atoi(argv[2]) : 200;
	double ts = 0, tr = 0, ti = 0, t0, tb, tsg;
	int r, i, k, n;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (rounds < 1 || calls < 2) {
		fprintf(stderr, "usage: sd_winbench.exe [ROUNDS>=1 [CALLS>=2]]\n");
		return 2;
	}
	dev = CreateFileW(SD_USER_PATH_W, GENERIC_READ | GENERIC_WRITE,
			  FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
	stop = CreateEventW(NULL, TRUE, FALSE, NULL);
	if (dev == INVALID_HANDLE_VALUE || !stop) {
		fprintf(stderr, "sd_winbench: cannot open %ls: %lu\n", SD_USER_PATH_W, GetLastError());
		return 1;
	}
	for (i = 0; i < THREADS; i++) {
		if (!CreateThread(NULL, 64 * 1024, waiter, NULL, 0, &tids[i])) {
			fprintf(stderr, "sd_winbench: CreateThread: %lu\n", GetLastError());
			return 1;
		}
	}

	/* 1. SET, a SET refused at validation, a refused request: in turns; a warm-up first. */
	for (r = -1; r < rounds; r++) {
		for (k = 0; k < 3; k++) {
			static int (*const way[3])(DWORD, int) = { set_one, invalid, refused };
			static const char *const name[3] = { "SET", "SET of level 0", "the refused request" };
			int w = (k + (r < 0 ? 0 : r)) % 3;
			double *sum[3] = { &ts, &ti, &tr };

			t0 = now_s();
			for (i = 0; i < calls; i++) {
				if (way[w](tids[0], (i & 1) ? 21 : 20)) {
					fprintf(stderr, "sd_winbench: %s failed: %lu\n", name[w],
						GetLastError());
					return 1;
				}
			}
			if (r >= 0)
				*sum[w] += now_s() - t0;
		}
	}
	printf("wine: SET %.1f us, SET refused at validation %.1f us, refused request %.1f us a call: the driver's own code up to the lookup is %.1f%% of the round trip, the lookup and change (Wine's wineserver calls) %.1f%% (%d calls each)\n",
	       ts / (rounds * calls) * 1e6, ti / (rounds * calls) * 1e6, tr / (rounds * calls) * 1e6,
	       (ti - tr) / tr * 100.0, (ts - ti) / tr * 100.0, rounds * calls);

	/* 2. BATCH of n threads against n single SETs. */
	for (n = 10; n <= THREADS; n *= 10) {
		int reps = n == 10 ? 40 : 4;

		tb = tsg = 0;
		for (r = 0; r < reps; r++) {
			for (k = 0; k < 2; k++) {
				int b = (k == 0) == !(r & 1);

				t0 = now_s();
				if ((b ? batch : singles)(n, k ? 21 : 20)) {
					fprintf(stderr, "sd_winbench: %s of %d failed: %lu\n",
						b ? "BATCH" : "singles", n, GetLastError());
					return 1;
				}
				*(b ? &tb : &tsg) += now_s() - t0;
			}
		}
		printf("wine: BATCH of %d threads: per thread, batch/single SET = %.3fx (%d changes each way; no target)\n",
		       n, tb / tsg, reps * n);
	}
	SetEvent(stop);
	CloseHandle(dev);
	return 0;
}
