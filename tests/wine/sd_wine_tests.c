// SPDX-License-Identifier: MIT
/*
 * sd_wine_tests.c - raw requests to \\.\SecondDriver, the ones the client
 * would refuse to send, each checked for its exact Win32 error.
 *
 *   sd_wine_tests cases <tid> <exited_tid>   the bad-input table, then one
 *                                            good request (host still alive)
 *   sd_wine_tests codes <tid> <pid>          GET, SET_EX and BATCH, each
 *                                            check a PASS/FAIL line; <tid> is
 *                                            a live thread of process <pid>
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

/* One request with an output buffer; 0 or the Win32 error. */
static DWORD io(HANDLE h, DWORD code, const void *in, DWORD inlen, void *out, DWORD outlen,
		DWORD *returned)
{
	*returned = 0xFFFFFFFFu;
	if (DeviceIoControl(h, code, (void *)in, inlen, out, outlen, returned, NULL))
		return 0;
	return GetLastError();
}

static HANDLE open_access(DWORD access)
{
	return CreateFileW(SD_USER_PATH_W, access, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
			   OPEN_EXISTING, 0, NULL);
}

static int codes_passed, codes_failed;

static void codes_check(int ok, const char *name, DWORD err)
{
	printf("%s codes: %s (error %lu)\n", ok ? "PASS" : "FAIL", name, err);
	if (ok)
		codes_passed++;
	else
		codes_failed++;
}

#define STATUS_INVALID_CID_ ((sd_s32)0xC000000B)
#define STATUS_INVALID_PARAMETER_ ((sd_s32)0xC000000D)

/*
 * GET, SET_EX and BATCH against the real driver. Where Wine's stubs decide
 * the answer (KeQueryPriorityThread always says 15, KeSetPriorityThread
 * returns the new level, not the old), the check's name says so.
 */
static int run_codes(sd_u32 live, sd_u32 pid)
{
	static unsigned char in[8 + 16 * (SD_BATCH_MAX + 1)];
	static SdBatchResult res[SD_BATCH_MAX + 1];
	const DWORD GET = IOCTL_SECOND_DRIVER_GET_PRIORITY;
	const DWORD SETEX = IOCTL_SECOND_DRIVER_SET_PRIORITY_EX;
	const DWORD BATCH = IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH;
	HANDLE rw = open_access(GENERIC_READ | GENERIC_WRITE);
	HANDLE ro = open_access(GENERIC_READ), wo = open_access(GENERIC_WRITE);
	SdGetPriority q;
	SdSetPriorityEx x;
	SdBatchHeader hdr;
	SdBatchEntry *e = (SdBatchEntry *)(in + sizeof(hdr));
	DWORD err, ret;
	sd_u32 i;
	int ok;

	if (rw == INVALID_HANDLE_VALUE || ro == INVALID_HANDLE_VALUE || wo == INVALID_HANDLE_VALUE) {
		printf("FAIL codes: open the device three ways: error %lu\n", GetLastError());
		printf("0 passed, 1 failed\n");
		return 1;
	}

	/* GET */
	q = (SdGetPriority){ live, -1 };
	err = io(rw, GET, &q, sizeof(q), &q, sizeof(q), &ret);
	codes_check(!err && ret == 8 && q.ThreadId == live && q.Level == 15,
		    "get: answers 8 bytes with the thread's level: 15, which Wine's KeQueryPriorityThread always answers", err);
	q = (SdGetPriority){ live, -1 };
	err = io(rw, GET, &q, 4, &q, sizeof(q), &ret);
	codes_check(err == ERROR_INSUFFICIENT_BUFFER, "get: a 4-byte input gets 122", err);
	err = io(rw, GET, &q, sizeof(q), &q, 4, &ret);
	codes_check(err == ERROR_INSUFFICIENT_BUFFER, "get: a 4-byte output gets 122", err);
	q = (SdGetPriority){ 0xFFFFFFF0u, -1 };
	err = io(rw, GET, &q, sizeof(q), &q, sizeof(q), &ret);
	codes_check(err == ERROR_INVALID_PARAMETER, "get: a thread id that does not exist gets 87", err);
	q = (SdGetPriority){ live, -1 };
	err = io(ro, GET, &q, sizeof(q), &q, sizeof(q), &ret);
	codes_check(!err && q.Level == 15, "get: a GENERIC_READ handle may GET", err);
	err = io(wo, GET, &q, sizeof(q), &q, sizeof(q), &ret);
	codes_check(err == ERROR_ACCESS_DENIED,
		    "get: a GENERIC_WRITE handle gets 5: wineserver checks the code's FILE_READ_ACCESS", err);

	/* SET_EX */
	x = (SdSetPriorityEx){ live, 20, 0, -1 };
	err = io(rw, SETEX, &x, sizeof(x), &x, sizeof(x), &ret);
	codes_check(!err && ret == 16 && x.ThreadId == live && x.OldLevel == 20,
		    "set_ex: answers 16 bytes; OldLevel is 20, the new level, because Wine's KeSetPriorityThread returns it (Windows returns the old)", err);
	x = (SdSetPriorityEx){ live, 20, SD_SET_EX_BASE, -1 };
	err = io(rw, SETEX, &x, sizeof(x), &x, sizeof(x), &ret);
	codes_check(err == ERROR_NOT_SUPPORTED,
		    "set_ex: the base flag gets 50 under Wine (STATUS_NOT_SUPPORTED): Wine's ProcessBasicInformation reports the priority class, not the base priority the increment needs", err);
	x = (SdSetPriorityEx){ live, 20, 2, -1 };
	err = io(rw, SETEX, &x, sizeof(x), &x, sizeof(x), &ret);
	codes_check(err == ERROR_INVALID_PARAMETER, "set_ex: an unknown flag gets 87", err);
	x = (SdSetPriorityEx){ live, 32, 0, -1 };
	err = io(rw, SETEX, &x, sizeof(x), &x, sizeof(x), &ret);
	codes_check(err == ERROR_INVALID_PARAMETER, "set_ex: level 32 gets 87", err);
	x = (SdSetPriorityEx){ live, 20, 0, -1 };
	err = io(rw, SETEX, &x, sizeof(x), &x, 12, &ret);
	codes_check(err == ERROR_INSUFFICIENT_BUFFER, "set_ex: a 12-byte output gets 122", err);
	x = (SdSetPriorityEx){ 0xFFFFFFF0u, 20, 0, -1 };
	err = io(rw, SETEX, &x, sizeof(x), &x, sizeof(x), &ret);
	codes_check(err == ERROR_INVALID_PARAMETER, "set_ex: a thread id that does not exist gets 87", err);
	x = (SdSetPriorityEx){ live, 20, 0, -1 };
	err = io(ro, SETEX, &x, sizeof(x), &x, sizeof(x), &ret);
	codes_check(err == ERROR_ACCESS_DENIED,
		    "set_ex: a GENERIC_READ handle gets 5: wineserver checks the code's FILE_WRITE_ACCESS", err);

	/* BATCH: mixed entries */
	hdr = (SdBatchHeader){ 6, 0 };
	memcpy(in, &hdr, sizeof(hdr));
	e[0] = (SdBatchEntry){ live, 20, pid, 0 };		/* good */
	e[1] = (SdBatchEntry){ live, 0, 0, 0 };			/* bad level */
	e[2] = (SdBatchEntry){ 0xFFFFFFF0u, 5, 0, 0 };		/* no such thread */
	e[3] = (SdBatchEntry){ live, 5, pid + 4, 0 };		/* the wrong process */
	e[4] = (SdBatchEntry){ live, 25, 0, 1 };		/* Reserved */
	e[5] = (SdBatchEntry){ live, 17, 0, 0 };		/* good */
	memset(res, 0x55, sizeof(res));
	err = io(rw, BATCH, in, 8 + 6 * 16, res, 6 * 8, &ret);
	ok = !err && ret == 6 * 8 && res[0].Status == 0 && res[0].OldLevel == 20 &&
	     res[1].Status == STATUS_INVALID_PARAMETER_ && res[1].OldLevel == 0 &&
	     res[2].Status == STATUS_INVALID_CID_ && res[3].Status == STATUS_INVALID_CID_ &&
	     res[4].Status == STATUS_INVALID_PARAMETER_ && res[5].Status == 0 && res[5].OldLevel == 17;
	codes_check(ok, "batch: one result per entry, in order: done, invalid level, no such thread (STATUS_INVALID_CID under Wine), the wrong process (STATUS_INVALID_CID), Reserved set, done; OldLevel is each new level (Wine's stub)", err);
	if (!ok)
		for (i = 0; i < 6; i++)
			printf("    result %lu: status 0x%08lX old %ld\n", (unsigned long)i,
			       (unsigned long)res[i].Status, (long)res[i].OldLevel);
	err = io(rw, BATCH, in, 8 + 6 * 16, res, 6 * 8 - 1, &ret);
	codes_check(err == ERROR_INSUFFICIENT_BUFFER, "batch: an output one byte short gets 122", err);
	err = io(rw, BATCH, in, 8 + 6 * 16 - 1, res, 6 * 8, &ret);
	codes_check(err == ERROR_INVALID_PARAMETER, "batch: an input one byte short of its count gets 87", err);
	hdr.Count = 0;
	memcpy(in, &hdr, sizeof(hdr));
	err = io(rw, BATCH, in, 8, res, 8, &ret);
	codes_check(err == ERROR_INVALID_PARAMETER, "batch: a count of 0 gets 87", err);
	hdr = (SdBatchHeader){ 1, 1 };
	memcpy(in, &hdr, sizeof(hdr));
	err = io(rw, BATCH, in, 8 + 16, res, 8, &ret);
	codes_check(err == ERROR_INVALID_PARAMETER, "batch: flags get 87", err);
	err = io(ro, BATCH, in, 8 + 16, res, 8, &ret);
	codes_check(err == ERROR_ACCESS_DENIED, "batch: a GENERIC_READ handle gets 5 (wineserver)", err);

	/* BATCH: exactly the cap, and one over */
	hdr = (SdBatchHeader){ SD_BATCH_MAX, 0 };
	memcpy(in, &hdr, sizeof(hdr));
	for (i = 0; i < SD_BATCH_MAX; i++)
		e[i] = (SdBatchEntry){ live, (sd_s32)(1 + i % 31), pid, 0 };
	err = io(rw, BATCH, in, 8 + 16 * SD_BATCH_MAX, res, 8 * SD_BATCH_MAX, &ret);
	ok = !err && ret == 8 * SD_BATCH_MAX;
	for (i = 0; ok && i < SD_BATCH_MAX; i++)
		ok = res[i].Status == 0;
	codes_check(ok, "batch: exactly the cap, 4096 entries, all done", err);
	hdr.Count = SD_BATCH_MAX + 1;
	memcpy(in, &hdr, sizeof(hdr));
	e[SD_BATCH_MAX] = e[0];
	err = io(rw, BATCH, in, 8 + 16 * (SD_BATCH_MAX + 1), res, 8 * (SD_BATCH_MAX + 1), &ret);
	codes_check(err == ERROR_INVALID_PARAMETER, "batch: 4097 entries, over the cap, get 87", err);

	CloseHandle(rw);
	CloseHandle(ro);
	CloseHandle(wo);
	printf("%d passed, %d failed\n", codes_passed, codes_failed);
	return codes_failed ? 1 : 0;
}

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
	if (argc == 4 && !strcmp(argv[1], "codes"))
		return run_codes(arg_u32(argv[2]), arg_u32(argv[3]));

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

	fprintf(stderr, "usage: sd_wine_tests cases <tid> <exited_tid> | codes <tid> <pid> | open | "
		"set <tid> <priority> | hold <gofile> <tid> | "
		"access <read|write|none> <tid> <priority> | open-path <suffix> | "
		"threads <exe> [module]\n");
	return 2;
}
