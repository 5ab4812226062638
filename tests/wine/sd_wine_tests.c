// SPDX-License-Identifier: MIT
/*
 * sd_wine_tests.c - raw requests to \\.\SecondDriver, the ones the client
 * would refuse to send, each checked for its exact Win32 error.
 *
 *   sd_wine_tests cases <tid> <exited_tid>   the bad-input table, then one
 *                                            good request (host still alive)
 *   sd_wine_tests open                       print "open: error N"
 *   sd_wine_tests set <tid> <priority>       one raw SET, "set: error N"
 *   sd_wine_tests hold <gofile> <tid>        open, wait for <gofile>, then
 *                                            use and close the old handle
 *   sd_wine_tests access <read|write|none> <tid> <priority>
 *                                            open with GENERIC_READ,
 *                                            GENERIC_WRITE or no access,
 *                                            then one SET: "access: open
 *                                            error N, set error N"
 *   sd_wine_tests open-path <suffix>         open \\.\SecondDriver<suffix>
 *   sd_wine_tests threads <exe> [module]     the thread ids of every
 *                                            process named <exe> (that has
 *                                            <module> loaded)
 *
 * Adding an IOCTL: add its rows to the table in run_cases().
 */
#include <windows.h>
#include <tlhelp32.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seconddriver.h"

static HANDLE open_device(DWORD *err)
{
	HANDLE h = CreateFileW(SD_USER_PATH_W, GENERIC_READ | GENERIC_WRITE,
			       0, NULL, OPEN_EXISTING, 0, NULL);

	*err = h == INVALID_HANDLE_VALUE ? GetLastError() : 0;
	return h;
}

/* Send one request; 0 if it succeeded, else the Win32 error. */
static DWORD send_request(HANDLE h, DWORD code, const void *in, DWORD inlen)
{
	DWORD returned = 0;

	if (DeviceIoControl(h, code, (void *)in, inlen, NULL, 0, &returned, NULL))
		return 0;
	return GetLastError();
}

struct raw_case {
	const char *name;
	DWORD code;
	sd_u32 tid;		/* 0: the live target thread */
	sd_s32 priority;
	DWORD inlen;
	DWORD want;		/* Win32 error; 0 = success */
};

static int run_cases(sd_u32 live, sd_u32 exited)
{
	const DWORD SET = IOCTL_SECOND_DRIVER_SET_PRIORITY;
	const struct raw_case cases[] = {
		/* SET_PRIORITY: the driver's own checks */
		{ "set: priority 0", SET, 0, 0, 8, ERROR_INVALID_PARAMETER },
		{ "set: priority 32", SET, 0, 32, 8, ERROR_INVALID_PARAMETER },
		{ "set: priority -1", SET, 0, -1, 8, ERROR_INVALID_PARAMETER },
		{ "set: a 4-byte input", SET, 0, 31, 4, ERROR_INSUFFICIENT_BUFFER },
		{ "set: a 0-byte input", SET, 0, 31, 0, ERROR_INSUFFICIENT_BUFFER },
		{ "set: a thread id that does not exist", SET, 0xFFFFFFF0u, 31, 8,
		  ERROR_INVALID_PARAMETER },
		{ "set: a thread that has exited", SET, exited, 31, 8,
		  ERROR_INVALID_PARAMETER },
		/* codes the driver does not know */
		{ "unknown code 0x80002007", 0x80002007u, 0, 31, 8,
		  ERROR_INVALID_FUNCTION },
		{ "unknown code 0x80002004 (function 0x801)", 0x80002004u, 0, 31, 8,
		  ERROR_INVALID_FUNCTION },
		{ "unknown code 0x00222003 (FILE_DEVICE_UNKNOWN)", 0x00222003u, 0,
		  31, 8, ERROR_INVALID_FUNCTION },
		/* last: the host still answers a good request */
		{ "set: a good request after all the bad ones", SET, 0, 31, 8, 0 },
	};
	int passed = 0, failed = 0;
	size_t i;
	DWORD err;
	HANDLE h = open_device(&err);

	if (h == INVALID_HANDLE_VALUE) {
		printf("FAIL raw: open \\\\.\\SecondDriver: error %lu\n", err);
		return 1;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct raw_case *c = &cases[i];
		ThreadData td = { c->tid ? c->tid : live, c->priority };
		DWORD got = send_request(h, c->code, c->inlen ? &td : NULL, c->inlen);

		if (got == c->want) {
			passed++;
			printf("PASS raw: %s -> error %lu\n", c->name, got);
		} else {
			failed++;
			printf("FAIL raw: %s: got error %lu, want %lu\n", c->name,
			       got, c->want);
		}
	}
	CloseHandle(h);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

/* 1 if process pid has a module named name loaded. */
static int has_module(DWORD pid, const char *name)
{
	HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, pid);
	MODULEENTRY32 me = { .dwSize = sizeof(me) };
	int found = 0;

	if (snap == INVALID_HANDLE_VALUE)
		return 0;
	if (Module32First(snap, &me)) {
		do {
			found = !_stricmp(me.szModule, name);
		} while (!found && Module32Next(snap, &me));
	}
	CloseHandle(snap);
	return found;
}

static sd_u32 arg_u32(const char *s)
{
	return (sd_u32)strtoul(s, NULL, 10);
}

int main(int argc, char **argv)
{
	DWORD err;
	HANDLE h;

	setvbuf(stdout, NULL, _IONBF, 0);

	if (argc == 4 && !strcmp(argv[1], "cases"))
		return run_cases(arg_u32(argv[2]), arg_u32(argv[3]));

	if (argc == 2 && !strcmp(argv[1], "open")) {
		h = open_device(&err);
		printf("open: error %lu\n", err);
		if (h != INVALID_HANDLE_VALUE)
			CloseHandle(h);
		return 0;
	}

	if (argc == 4 && !strcmp(argv[1], "set")) {
		ThreadData td = { arg_u32(argv[2]), (sd_s32)atol(argv[3]) };

		h = open_device(&err);
		if (h == INVALID_HANDLE_VALUE) {
			printf("open: error %lu\n", err);
			return 1;
		}
		printf("set: error %lu\n",
		       send_request(h, IOCTL_SECOND_DRIVER_SET_PRIORITY, &td, sizeof(td)));
		CloseHandle(h);
		return 0;
	}

	if (argc == 4 && !strcmp(argv[1], "hold")) {
		ThreadData td = { arg_u32(argv[3]), 31 };
		int waited;

		h = open_device(&err);
		printf("open: error %lu\n", err);
		if (h == INVALID_HANDLE_VALUE)
			return 1;
		for (waited = 0; waited < 600; waited++) {
			if (GetFileAttributesA(argv[2]) != INVALID_FILE_ATTRIBUTES)
				break;
			Sleep(100);
		}
		if (waited == 600) {
			printf("hold: timed out waiting for %s\n", argv[2]);
			CloseHandle(h);
			return 1;
		}
		printf("old-handle-set: error %lu\n",
		       send_request(h, IOCTL_SECOND_DRIVER_SET_PRIORITY, &td, sizeof(td)));
		printf("close: %s\n", CloseHandle(h) ? "ok" : "failed");
		return 0;
	}

	if (argc == 5 && !strcmp(argv[1], "access")) {
		DWORD access = !strcmp(argv[2], "read") ? GENERIC_READ :
			       !strcmp(argv[2], "write") ? GENERIC_WRITE : 0;
		ThreadData td = { arg_u32(argv[3]), (sd_s32)atol(argv[4]) };

		h = CreateFileW(SD_USER_PATH_W, access, FILE_SHARE_READ | FILE_SHARE_WRITE,
				NULL, OPEN_EXISTING, 0, NULL);
		if (h == INVALID_HANDLE_VALUE) {
			printf("access: open error %lu\n", GetLastError());
			return 1;
		}
		printf("access: open error 0, set error %lu\n",
		       send_request(h, IOCTL_SECOND_DRIVER_SET_PRIORITY, &td, sizeof(td)));
		CloseHandle(h);
		return 0;
	}

	if (argc == 3 && !strcmp(argv[1], "open-path")) {
		WCHAR path[256];

		swprintf(path, 256, L"%ls%hs", SD_USER_PATH_W, argv[2]);
		h = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
				OPEN_EXISTING, 0, NULL);
		printf("open-path: error %lu\n", h == INVALID_HANDLE_VALUE ? GetLastError() : 0);
		if (h != INVALID_HANDLE_VALUE)
			CloseHandle(h);
		return 0;
	}

	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "threads")) {
		HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS | TH32CS_SNAPTHREAD, 0);
		PROCESSENTRY32 pe = { .dwSize = sizeof(pe) };
		THREADENTRY32 te = { .dwSize = sizeof(te) };

		if (snap == INVALID_HANDLE_VALUE)
			return 1;
		printf("threads:");
		if (Process32First(snap, &pe)) {
			do {
				if (_stricmp(pe.szExeFile, argv[2]) ||
				    (argc == 4 && !has_module(pe.th32ProcessID, argv[3])))
					continue;
				if (!Thread32First(snap, &te))
					break;
				do {
					if (te.th32OwnerProcessID == pe.th32ProcessID)
						printf(" %lu", te.th32ThreadID);
				} while (Thread32Next(snap, &te));
			} while (Process32Next(snap, &pe));
		}
		printf("\n");
		CloseHandle(snap);
		return 0;
	}

	fprintf(stderr, "usage: sd_wine_tests cases <tid> <exited_tid> | open | "
		"set <tid> <priority> | hold <gofile> <tid> | "
		"access <read|write|none> <tid> <priority> | open-path <suffix> | "
		"threads <exe> [module]\n");
	return 2;
}
