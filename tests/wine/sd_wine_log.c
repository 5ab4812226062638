// SPDX-License-Identifier: MIT
/*
 * sd_wine_log.c - the driver's log (GET_LOG, CLEAR_LOG) against the real
 * SecondDriver.sys under Wine.
 *
 *   sd_wine_log <tid>      <tid>: a live thread of another process
 *
 * Sends known requests, then reads the log and checks that it holds exactly
 * them, in order, field by field; then wraps the ring and checks the gap
 * count. Where Wine decides a field (its stubs, the requestor ids its
 * ntoskrnl reports, the IRPs it sends), the check's name says so.
 * Prints PASS/FAIL lines and "N passed, N failed".
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "seconddriver.h"
#include "sd_logcheck.h"
#include "sd_report.h"

#define STATUS_SUCCESS_                0
#define STATUS_INVALID_PARAMETER_      ((sd_s32)0xC000000D)
#define STATUS_INVALID_DEVICE_REQUEST_ ((sd_s32)0xC0000010)
#define STATUS_INVALID_CID_            ((sd_s32)0xC000000B)

static SdLogRecord records[SD_LOG_CAPACITY];

static HANDLE open_access(DWORD access)
{
	return CreateFileW(SD_USER_PATH_W, access, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
			   OPEN_EXISTING, 0, NULL);
}

/* One request; 0 or the Win32 error. */
static DWORD io(HANDLE h, DWORD code, const void *in, DWORD inlen, void *out, DWORD outlen,
		DWORD *returned)
{
	*returned = 0xFFFFFFFFu;
	if (DeviceIoControl(h, code, (void *)in, inlen, out, outlen, returned, NULL))
		return 0;
	return GetLastError();
}

/* GET_LOG from `from` into records[], room for `room`; 0 or the Win32 error. */
static DWORD get_log(HANDLE h, sd_u64 from, sd_u32 room, SdGetLogOut *out)
{
	static unsigned char buf[sizeof(SdGetLogOut) + SD_LOG_CAPACITY * sizeof(SdLogRecord)];
	SdGetLogIn in = { from };
	DWORD ret, err;

	memset(buf, 0xA5, sizeof(buf));
	err = io(h, IOCTL_SECOND_DRIVER_GET_LOG, &in, sizeof(in), buf,
		 (DWORD)(sizeof(SdGetLogOut) + room * sizeof(SdLogRecord)), &ret);
	if (err)
		return err;
	memcpy(out, buf, sizeof(*out));
	if (out->Count > room || ret != sizeof(SdGetLogOut) + out->Count * sizeof(SdLogRecord))
		return ERROR_INVALID_DATA;
	memcpy(records, buf + sizeof(*out), out->Count * sizeof(SdLogRecord));
	return 0;
}

int main(int argc, char **argv)
{
	const DWORD SET = IOCTL_SECOND_DRIVER_SET_PRIORITY, GET = IOCTL_SECOND_DRIVER_GET_PRIORITY;
	const DWORD SETEX = IOCTL_SECOND_DRIVER_SET_PRIORITY_EX;
	const DWORD BATCH = IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH;
	const DWORD GETLOG = IOCTL_SECOND_DRIVER_GET_LOG, CLEAR = IOCTL_SECOND_DRIVER_CLEAR_LOG;
	DWORD me_pid = GetCurrentProcessId(), me_tid = GetCurrentThreadId();
	unsigned char batch[8 + 2 * 16];
	SdBatchResult results[2];
	SdGetLogOut out;
	SdGetPriority q;
	SdSetPriorityEx x;
	ThreadData td, bad;
	HANDLE rw, ro, wo;
	sd_u64 s, t;
	DWORD err, ret;
	sd_u32 live, i;
	ULONGLONG now_ns;
	int ok;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: sd_wine_log <tid of a live thread>\n");
		return 2;
	}
	live = (sd_u32)strtoul(argv[1], NULL, 10);
	rw = open_access(GENERIC_READ | GENERIC_WRITE);
	if (rw == INVALID_HANDLE_VALUE) {
		result(0, "log: open the device: error %lu", GetLastError());
		return summary();
	}

	/* A clean start: only CLEAR_LOG's own record is left. */
	err = io(rw, CLEAR, NULL, 0, NULL, 0, &ret);
	result(!err && ret == 0, "log: CLEAR_LOG succeeds and returns nothing (error %lu)", err);
	err = get_log(rw, 0, SD_LOG_CAPACITY, &out);
	ok = !err && out.Count == 1 && out.Lost == 0 && out.Reserved == 0 &&
	     is_request(&records[0], SD_LOG_OS_WINDOWS,
			records[0].Seq, CLEAR, 0, 0, STATUS_SUCCESS_) &&
	     out.NextSeq == records[0].Seq + 1 && records[0].CapturedLength == 0;
	result(ok, "log: after CLEAR_LOG the log holds only CLEAR_LOG's record, numbered on (#%llu; error %lu)",
	       (unsigned long long)(ok ? records[0].Seq : 0), err);
	if (!ok) {
		show(records, out.Count);
		return summary();
	}
	s = records[0].Seq;
	result(records[0].ProcessId == me_pid && records[0].ThreadId == me_tid,
	       "log: the requestor ids under Wine are the caller's own process and thread "
	       "(Wine's PsGetCurrentProcessId/ThreadId answer the client's; got %lu/%lu, me %lu/%lu)",
	       (unsigned long)records[0].ProcessId, (unsigned long)records[0].ThreadId, me_pid,
	       me_tid);

	/* Known requests, refused ones included. */
	td = (ThreadData){ live, 15 };
	bad = (ThreadData){ live, 0 };
	err = io(rw, SET, &td, sizeof(td), NULL, 0, &ret);
	result(!err, "log: send SET (%lu, 15) (error %lu)", (unsigned long)live, err);
	err = io(rw, SET, &bad, sizeof(bad), NULL, 0, &ret);
	result(err == ERROR_INVALID_PARAMETER, "log: send SET (%lu, 0), refused with 87 (error %lu)",
	       (unsigned long)live, err);
	err = io(rw, 0x80002007u, &td, sizeof(td), NULL, 0, &ret);
	result(err == ERROR_INVALID_FUNCTION, "log: send the unknown code 0x80002007, refused with 1 (error %lu)",
	       err);
	q = (SdGetPriority){ live, -1 };
	err = io(rw, GET, &q, sizeof(q), &q, sizeof(q), &ret);
	result(!err, "log: send GET (%lu) (error %lu)", (unsigned long)live, err);
	x = (SdSetPriorityEx){ live, 20, 0, -1 };
	err = io(rw, SETEX, &x, sizeof(x), &x, sizeof(x), &ret);
	result(!err, "log: send SET_EX (%lu, 20) (error %lu)", (unsigned long)live, err);
	{
		SdBatchHeader h = { 2, 0 };
		SdBatchEntry e[2] = { { live, 21, 0, 0 }, { 0xFFFFFFF0u, 21, 0, 0 } };

		memcpy(batch, &h, sizeof(h));
		memcpy(batch + 8, e, sizeof(e));
		err = io(rw, BATCH, batch, sizeof(batch), results, sizeof(results), &ret);
		result(!err && results[0].Status == 0 && results[1].Status == STATUS_INVALID_CID_,
		       "log: send BATCH of 2, one done and one thread that does not exist (error %lu)",
		       err);
	}

	err = get_log(rw, s, SD_LOG_CAPACITY, &out);
	ok = !err && out.Count == 8 && out.Lost == 0 && out.NextSeq == s + 8;
	result(ok, "log: GET_LOG from CLEAR_LOG's number answers the 8 records since, none lost (%lu records, %llu lost; error %lu)",
	       (unsigned long)out.Count, (unsigned long long)out.Lost, err);
	if (!ok) {
		show(records, out.Count);
		return summary();
	}
	/* Wine's KeSetPriorityThread returns the new level, so a change's "old" is the new one. */
	result(is_request(&records[1], SD_LOG_OS_WINDOWS, s + 1, SET, 8, 0, STATUS_SUCCESS_) &&
	       captured(&records[1], &td, 8) && change(&records[1], live, 15, 15) &&
	       records[1].Information == 0,
	       "log: 1: SET, 8 bytes in, success, its ThreadData, thread %lu 15 -> 15 (the old level is Wine's stub's answer, the new one)",
	       (unsigned long)live);
	result(is_request(&records[2], SD_LOG_OS_WINDOWS,
			  s + 2, SET, 8, 0, STATUS_INVALID_PARAMETER_) &&
	       captured(&records[2], &bad, 8) && records[2].Flags == 0,
	       "log: 2: the refused SET, STATUS_INVALID_PARAMETER, its ThreadData as sent, no change");
	result(is_request(&records[3], SD_LOG_OS_WINDOWS,
			  s + 3, 0x80002007u, 8, 0, STATUS_INVALID_DEVICE_REQUEST_) &&
	       records[3].CapturedLength == 0 && records[3].Flags == 0,
	       "log: 3: the unknown code, STATUS_INVALID_DEVICE_REQUEST, nothing captured");
	q = (SdGetPriority){ live, -1 };
	result(is_request(&records[4], SD_LOG_OS_WINDOWS, s + 4, GET, 8, 8, STATUS_SUCCESS_) &&
	       captured(&records[4], &q, 8) && records[4].Information == 8 && records[4].Flags == 0,
	       "log: 4: GET, 8 in and 8 out, returned 8, its input as sent");
	x = (SdSetPriorityEx){ live, 20, 0, -1 };
	result(is_request(&records[5], SD_LOG_OS_WINDOWS, s + 5, SETEX, 16, 16, STATUS_SUCCESS_) &&
	       captured(&records[5], &x, 16) && records[5].Information == 16 &&
	       change(&records[5], live, 20, 20),
	       "log: 5: SET_EX, returned 16, its 16 bytes as sent, thread %lu 20 -> 20 (Wine's stub)",
	       (unsigned long)live);
	result(records[6].Seq == s + 6 && records[6].Kind == SD_LOG_CHANGE &&
	       records[6].Code == BATCH && records[6].Status == 0 &&
	       captured(&records[6], batch + 8, 16) && change(&records[6], live, 21, 21),
	       "log: 6: the batch's one change, a CHANGE record with its entry, before the batch's own record");
	result(is_request(&records[7], SD_LOG_OS_WINDOWS,
			  s + 7, BATCH, sizeof(batch), sizeof(results), STATUS_SUCCESS_) &&
	       captured(&records[7], batch, 16) && records[7].Information == sizeof(results) &&
	       records[7].Flags == 0,
	       "log: 7: BATCH, its header and first entry captured, returned 16");
	ok = 1;
	now_ns = GetTickCount64() * 1000000ull;
	for (i = 0; i < 8; i++) {
		ok = ok && records[i].ProcessId == me_pid && records[i].ThreadId == me_tid;
		ok = ok && (i == 0 || records[i].TimeNs >= records[i - 1].TimeNs);
		ok = ok && records[i].TimeNs <= now_ns + 1000000000ull &&
		     records[i].TimeNs + 5000000000ull >= now_ns;
	}
	result(ok, "log: every record names this process and thread, and its time is since boot in ns, in order, within 5 s of GetTickCount64 (Wine's KeQueryInterruptTime answers ms; the driver scales it)");

	/* Closing and opening are recorded. */
	CloseHandle(rw);
	ro = open_access(GENERIC_READ);
	err = get_log(ro, s + 8, SD_LOG_CAPACITY, &out);
	ok = !err && out.Count == 2 && records[0].Kind == SD_LOG_CLOSE &&
	     records[1].Kind == SD_LOG_CREATE && records[0].Seq == s + 8 &&
	     records[0].Status == 0 && records[1].Status == 0 && records[0].Code == 0;
	result(ok, "log: closing the handle is a CLOSE record and opening one a CREATE record; Wine 8 sends no IRP_MJ_CLEANUP, so there is no CLEANUP record (error %lu)",
	       err);
	if (!ok)
		show(records, out.Count);

	/* The handle's access, checked by wineserver before the driver. */
	wo = open_access(GENERIC_WRITE);
	err = get_log(wo, 0, 1, &out);
	result(err == ERROR_ACCESS_DENIED, "log: GET_LOG on a GENERIC_WRITE handle gets 5 (its FILE_READ_ACCESS; error %lu)", err);
	err = io(ro, CLEAR, NULL, 0, NULL, 0, &ret);
	result(err == ERROR_ACCESS_DENIED, "log: CLEAR_LOG on a GENERIC_READ handle gets 5 (its FILE_WRITE_ACCESS; error %lu)", err);
	{
		SdGetLogIn in = { 0 };
		unsigned char small[sizeof(SdGetLogOut)];

		err = io(ro, GETLOG, &in, sizeof(in), small, sizeof(small) - 1, &ret);
		result(err == ERROR_INSUFFICIENT_BUFFER, "log: GET_LOG with less room than its header gets 122 (error %lu)", err);
		err = io(ro, GETLOG, &in, sizeof(in) - 1, small, sizeof(small), &ret);
		result(err == ERROR_INSUFFICIENT_BUFFER, "log: GET_LOG with a 7-byte input gets 122 (error %lu)", err);
	}
	/* A number beyond the newest answers the driver's next one: an idiom for "now". */
	err = get_log(ro, ~0ull, 0, &out);
	t = out.NextSeq;
	err = err ? err : get_log(ro, t + 1000, SD_LOG_CAPACITY, &out);
	result(!err && out.Count == 0 && out.Lost == 0 && out.NextSeq == t,
	       "log: GET_LOG from a number not yet written answers nothing, and the next number (%llu; error %lu)",
	       (unsigned long long)out.NextSeq, err);

	/* Wrap the ring: 300 GETs from number t on leave the newest 256, and a gap of 44. */
	for (i = 0; i < 300; i++) {
		q = (SdGetPriority){ live, (sd_s32)i };
		if (io(ro, GET, &q, sizeof(q), &q, sizeof(q), &ret))
			break;
	}
	err = get_log(ro, t, SD_LOG_CAPACITY, &out);
	ok = !err && i == 300 && out.Count == SD_LOG_CAPACITY && out.Lost == 44 &&
	     out.NextSeq == t + 300 && records[0].Seq == t + 44 &&
	     records[SD_LOG_CAPACITY - 1].Seq == t + 299;
	for (i = 0; ok && i < SD_LOG_CAPACITY; i++) {
		q = (SdGetPriority){ live, (sd_s32)(44 + i) };
		ok = records[i].Seq == t + 44 + i && records[i].Code == GET && captured(&records[i], &q, 8);
	}
	result(ok, "log: 300 requests past a full ring: the newest 256 in order, each with its own input, and 44 lost (%lu records, %llu lost; error %lu)",
	       (unsigned long)out.Count, (unsigned long long)out.Lost, err);
	err = get_log(ro, t + 50, 10, &out);
	result(!err && out.Count == 10 && out.Lost == 0 && out.NextSeq == t + 60 &&
	       records[0].Seq == t + 50,
	       "log: a read with room for 10 answers 10 and the number after them (error %lu)", err);

	CloseHandle(ro);
	CloseHandle(wo);
	return summary();
}
