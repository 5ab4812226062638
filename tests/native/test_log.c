// SPDX-License-Identifier: MIT
/*
 * test_log.c - native tests of the log: the ring's rules
 * (include/sd_logring.h), the Windows driver's records and GET_LOG /
 * CLEAR_LOG through its dispatcher (driver/sd_log.c, sd_ioctl.c, against
 * the kernel fakes), the client's decoders (client/sd_decode.c) and its
 * install/uninstall against a scripted Service Control Manager
 * (client/sd_service.c).
 */
#define _POSIX_C_SOURCE 200809L	/* fmemopen, setenv, tzset under -std=c11 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_state.h"
#include "sd_decode.h"
#include "sd_host.h"
#include "sd_ioctl.h"
#include "sd_log.h"
#include "sd_logring.h"
#include "sd_service.h"
#include "test_harness.h"

/* ---- the ring ------------------------------------------------------------------ */

/* Add n records, as the drivers do: claim a numbered slot, fill it. */
static void append_n(struct sd_logring *r, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		SdLogRecord *slot = sd_logring_claim(r);

		slot->Code = (sd_u32)(slot->Seq * 10);
	}
}

/* Read and check: count, lost, next, and that record i is number first + i. */
static int read_is(const struct sd_logring *r, sd_u64 from, sd_u32 max, sd_u32 count,
		   sd_u64 lost, sd_u64 next, sd_u64 first)
{
	SdLogRecord out[300];
	sd_u64 got_lost = 77, got_next = 77;
	sd_u32 n, i;

	n = sd_logring_read(r, from, out, max, &got_lost, &got_next);
	if (n != count || got_lost != lost || got_next != next)
		return 0;
	for (i = 0; i < n; i++) {
		if (out[i].Seq != first + i || out[i].Code != (first + i) * 10)
			return 0;
	}
	return 1;
}

void test_log_ring(void)
{
	static SdLogRecord slots[SD_LOG_CAPACITY];
	struct sd_logring r;
	int i;

	begin("log: the record's layout is SPEC 4a's table, field by field");
	CHECK(sizeof(SdLogRecord) == 88 && _Alignof(SdLogRecord) == 8);
	CHECK(offsetof(SdLogRecord, Seq) == 0 && offsetof(SdLogRecord, TimeNs) == 8);
	CHECK(offsetof(SdLogRecord, Kind) == 16 && offsetof(SdLogRecord, Os) == 17);
	CHECK(offsetof(SdLogRecord, Flags) == 18 && offsetof(SdLogRecord, Code) == 20);
	CHECK(offsetof(SdLogRecord, InLen) == 24 && offsetof(SdLogRecord, OutLen) == 28);
	CHECK(offsetof(SdLogRecord, ProcessId) == 32 && offsetof(SdLogRecord, ThreadId) == 36);
	CHECK(offsetof(SdLogRecord, Status) == 40 && offsetof(SdLogRecord, CapturedLength) == 44);
	CHECK(offsetof(SdLogRecord, Information) == 48 && offsetof(SdLogRecord, Captured) == 56);
	CHECK(offsetof(SdLogRecord, TargetThread) == 72 && offsetof(SdLogRecord, OldLevel) == 76);
	CHECK(offsetof(SdLogRecord, NewLevel) == 80 && offsetof(SdLogRecord, Reserved) == 84);
	CHECK(sizeof(SdGetLogIn) == 8 && sizeof(SdGetLogOut) == 24 &&
	      offsetof(SdGetLogOut, Lost) == 8 && offsetof(SdGetLogOut, Count) == 16);
	CHECK(sizeof(struct sd_get_log) == 48 && offsetof(struct sd_get_log, records) == 8 &&
	      offsetof(struct sd_get_log, capacity) == 16 && offsetof(struct sd_get_log, flags) == 20);
	CHECK(SD_LOG_CREATE == 1 && SD_LOG_CLEANUP == 2 && SD_LOG_CLOSE == 3 && SD_LOG_IOCTL == 4 &&
	      SD_LOG_LEASE_END == 5 && SD_LOG_LEASE_SKIPPED == 6 && SD_LOG_WATCHDOG == 7 &&
	      SD_LOG_CHANGE == 8 && SD_LOG_KIND_MAX == 15);
	CHECK(SD_LOG_OS_WINDOWS == 1 && SD_LOG_OS_LINUX == 2 && SD_LOG_F_UNCHANGED == 1 &&
	      SD_LOG_F_CHANGE == 2 && SD_LOG_CAPACITY == 256 && SD_LOG_CAPTURE_MAX == 16);
	end();

	begin("log ring: empty, a read from 0, from 1 or from the future answers nothing, next 1");
	sd_logring_init(&r, slots, 4);
	CHECK(read_is(&r, 0, 4, 0, 0, 1, 1));
	CHECK(read_is(&r, 1, 4, 0, 0, 1, 1));
	CHECK(read_is(&r, 5, 4, 0, 0, 1, 1));
	end();

	begin("log ring: records are numbered from 1 whatever their slots held, read back oldest first");
	for (i = 0; i < 4; i++)
		slots[i].Seq = 999;
	sd_logring_init(&r, slots, 4);
	append_n(&r, 3);
	CHECK(read_is(&r, 0, 4, 3, 0, 4, 1));
	CHECK(read_is(&r, 2, 4, 2, 0, 4, 2));
	CHECK(read_is(&r, 3, 1, 1, 0, 4, 3));
	CHECK(read_is(&r, 4, 4, 0, 0, 4, 4));	/* the current number: nothing yet */
	end();

	begin("log ring: past its capacity it keeps the newest; an old number gets the gap count");
	sd_logring_init(&r, slots, 4);
	append_n(&r, 10);			/* 7..10 held */
	CHECK(read_is(&r, 1, 4, 4, 6, 11, 7));
	CHECK(read_is(&r, 6, 4, 4, 1, 11, 7));
	CHECK(read_is(&r, 8, 4, 3, 0, 11, 8));
	CHECK(read_is(&r, 0, 4, 4, 0, 11, 7));	/* from 0: the oldest held, no gap */
	CHECK(read_is(&r, 7, 2, 2, 0, 9, 7));	/* room for 2: next is 9 */
	CHECK(read_is(&r, 1, 2, 2, 6, 9, 7));
	CHECK(read_is(&r, 50, 4, 0, 0, 11, 11)); /* the future: nothing, next 11 */
	end();

	begin("log ring: clearing drops the records, keeps the numbers, and a reader is told what it lost");
	sd_logring_init(&r, slots, 4);
	append_n(&r, 10);
	sd_logring_clear(&r);
	CHECK(read_is(&r, 9, 4, 0, 2, 11, 11));
	CHECK(read_is(&r, 0, 4, 0, 0, 11, 11));
	append_n(&r, 1);
	CHECK(r.next_seq == 12);
	CHECK(read_is(&r, 9, 4, 1, 2, 12, 11));
	CHECK(read_is(&r, 11, 4, 1, 0, 12, 11));
	end();

	begin("log ring: 1000 appends around a ring of 7: every slot's number is right");
	sd_logring_init(&r, slots, 7);
	for (i = 0; i < 1000; i++) {
		append_n(&r, 1);
		CHECK(read_is(&r, 0, 7, (sd_u32)(i + 1 < 7 ? i + 1 : 7), 0, (sd_u64)i + 2,
			      (sd_u64)(i + 1 < 7 ? 1 : i - 5)));
	}
	end();

	begin("log ring: claimed slots are numbered in turn and wrap with the others");
	sd_logring_init(&r, slots, 3);
	append_n(&r, 2);			/* 1, 2 */
	for (i = 0; i < 5; i++) {		/* 3..7 claimed: 5..7 held */
		SdLogRecord *slot = sd_logring_claim(&r);

		CHECK(slot == &slots[(i + 2) % 3] && slot->Seq == (sd_u64)i + 3);
		slot->Code = (sd_u32)(slot->Seq * 10);
	}
	CHECK(read_is(&r, 1, 3, 3, 4, 8, 5));
	append_n(&r, 1);			/* 8 lands after the claims */
	CHECK(read_is(&r, 0, 3, 3, 0, 9, 6));
	end();

	begin("log ring: the driver's size, 256: 300 records leave 45..300, 44 lost from 1");
	sd_logring_init(&r, slots, SD_LOG_CAPACITY);
	append_n(&r, 300);
	CHECK(read_is(&r, 1, SD_LOG_CAPACITY, SD_LOG_CAPACITY, 44, 301, 45));
	end();
}

/* ---- the Windows driver's records --------------------------------------------- */

static unsigned char logbuf[sizeof(SdGetLogOut) + (SD_LOG_CAPACITY + 1) * sizeof(SdLogRecord)];

static NTSTATUS send(ULONG code, const void *in, ULONG inlen, ULONG outlen, ULONG_PTR *info)
{
	SD_REQUEST r = {
		.IoControlCode = code,
		.InputBufferLength = inlen,
		.OutputBufferLength = outlen,
		.RequestorMode = UserMode,
	};

	return test_dispatch(&r, logbuf, sizeof(logbuf), in, info);
}

/* GET_LOG from `from`, with room for `room` records; the answer's header, or NULL. */
static const SdGetLogOut *get_log(sd_u64 from, ULONG room, const SdLogRecord **records)
{
	SdGetLogIn in = { from };
	ULONG_PTR info;

	if (send(IOCTL_SECOND_DRIVER_GET_LOG, &in, sizeof(in),
		 (ULONG)(sizeof(SdGetLogOut) + room * sizeof(SdLogRecord)), &info) != STATUS_SUCCESS)
		return NULL;
	*records = (const SdLogRecord *)(logbuf + sizeof(SdGetLogOut));
	if (info != sizeof(SdGetLogOut) + ((const SdGetLogOut *)logbuf)->Count * sizeof(SdLogRecord))
		return NULL;
	return (const SdGetLogOut *)logbuf;
}

static void start_log(void)
{
	fake.current_pid = 6104;
	fake.current_tid = 6108;
	CHECK(SdLogStart() == STATUS_SUCCESS);
}

static void stop_log(void)
{
	SdLogStop();
	CHECK(fake.pool_blocks == 0 && !fake.lock_held && fake.lock_misuse == 0);
}

void test_log_driver(void)
{
	const SdGetLogOut *out;
	const SdLogRecord *rec;
	ThreadData td = { 8520, 31 };
	ULONG_PTR info;
	int i;

	begin("log: SdLogStart takes one non-paged block, SdLogStop gives it back; no pool, no start");
	CHECK(SdLogStart() == STATUS_SUCCESS && fake.pool_blocks == 1);
	SdLogStop();
	CHECK(fake.pool_blocks == 0);
	fake.pool_fail = 1;
	CHECK(SdLogStart() == STATUS_INSUFFICIENT_RESOURCES && fake.pool_blocks == 0);
	/* A driver without its log records nothing, and crashes nothing. */
	SdLogWrite(SD_LOG_CREATE, 0, 0, 0, 0, 0, NULL);
	CHECK(!fake.lock_held && fake.lock_misuse == 0);
	end();

	begin("log: the seed's SET is one IOCTL record: code, lengths, requestor, its ThreadData, 8 -> 31");
	start_log();
	add_thread(8520, 100, 8);
	CHECK(send(IOCTL_SECOND_DRIVER_SET_PRIORITY, &td, sizeof(td), 0, &info) == STATUS_SUCCESS);
	out = get_log(0, 4, &rec);
	CHECK(out && out->Count == 1 && out->Lost == 0 && out->NextSeq == 2 && out->Reserved == 0);
	CHECK(out && rec[0].Seq == 1 && rec[0].Kind == SD_LOG_IOCTL && rec[0].Os == SD_LOG_OS_WINDOWS);
	CHECK(out && rec[0].Code == 0x80002003u && rec[0].InLen == 8 && rec[0].OutLen == 0);
	CHECK(out && rec[0].ProcessId == 6104 && rec[0].ThreadId == 6108);
	CHECK(out && rec[0].Status == 0 && rec[0].Information == 0);
	CHECK(out && rec[0].CapturedLength == 8 && !memcmp(rec[0].Captured, &td, 8));
	CHECK(out && rec[0].Flags == SD_LOG_F_CHANGE && rec[0].TargetThread == 8520 &&
	      rec[0].OldLevel == 8 && rec[0].NewLevel == 31 && rec[0].Reserved == 0);
	stop_log();
	end();

	begin("log: refused requests are recorded too: unknown code, no access, bad level, failed capture");
	start_log();
	add_thread(8520, 100, 8);
	CHECK(send(0x80002007u, &td, sizeof(td), 0, &info) == STATUS_INVALID_DEVICE_REQUEST);
	{
		SD_REQUEST r = {
			.IoControlCode = IOCTL_SECOND_DRIVER_SET_PRIORITY, .InputBuffer = &td,
			.InputBufferLength = sizeof(td), .RequestorMode = UserMode,
			.HandleAccessKnown = TRUE, .HandleAccess = FILE_READ_DATA,
		};

		CHECK(SdDispatchIoctl(&r, &info) == STATUS_ACCESS_DENIED);
	}
	td.Priority = 0;
	CHECK(send(IOCTL_SECOND_DRIVER_SET_PRIORITY, &td, sizeof(td), 0, &info) ==
	      STATUS_INVALID_PARAMETER);
	td.Priority = 31;
	fake.capture_status = STATUS_ACCESS_VIOLATION;
	CHECK(send(IOCTL_SECOND_DRIVER_SET_PRIORITY, &td, sizeof(td), 0, &info) ==
	      STATUS_ACCESS_VIOLATION);
	out = get_log(0, 8, &rec);
	CHECK(out && out->Count == 4);
	CHECK(out && rec[0].Code == 0x80002007u && rec[0].Status == STATUS_INVALID_DEVICE_REQUEST &&
	      rec[0].CapturedLength == 0 && rec[0].Flags == 0);
	CHECK(out && rec[1].Status == STATUS_ACCESS_DENIED && rec[1].CapturedLength == 0);
	CHECK(out && rec[2].Status == STATUS_INVALID_PARAMETER && rec[2].CapturedLength == 8 &&
	      rec[2].Flags == 0);
	CHECK(out && rec[3].Status == STATUS_ACCESS_VIOLATION && rec[3].CapturedLength == 0);
	CHECK(fake.table[0].priority == 8);
	stop_log();
	end();

	begin("log: GET_LOG is never recorded; CLEAR_LOG is, after the drop, and a reader sees the gap");
	start_log();
	add_thread(8520, 100, 8);
	for (i = 0; i < 3; i++)
		CHECK(send(IOCTL_SECOND_DRIVER_SET_PRIORITY, &td, sizeof(td), 0, &info) == 0);
	out = get_log(0, 8, &rec);
	out = get_log(0, 8, &rec);
	CHECK(out && out->Count == 3 && out->NextSeq == 4);
	CHECK(send(IOCTL_SECOND_DRIVER_CLEAR_LOG, NULL, 0, 0, &info) == STATUS_SUCCESS && info == 0);
	out = get_log(2, 8, &rec);
	CHECK(out && out->Lost == 2 && out->Count == 1 && out->NextSeq == 5);
	CHECK(out && rec[0].Seq == 4 && rec[0].Code == IOCTL_SECOND_DRIVER_CLEAR_LOG &&
	      rec[0].Status == 0 && rec[0].InLen == 0 && rec[0].CapturedLength == 0);
	stop_log();
	end();

	begin("log: GET_LOG fills what fits after its header; no room for the header is BUFFER_TOO_SMALL");
	start_log();
	add_thread(8520, 100, 8);
	for (i = 0; i < 5; i++)
		CHECK(send(IOCTL_SECOND_DRIVER_SET_PRIORITY, &td, sizeof(td), 0, &info) == 0);
	out = get_log(0, 0, &rec);
	CHECK(out && out->Count == 0 && out->Lost == 0 && out->NextSeq == 1);
	out = get_log(2, 2, &rec);
	CHECK(out && out->Count == 2 && out->NextSeq == 4 && rec[0].Seq == 2 && rec[1].Seq == 3);
	{
		SdGetLogIn in = { 0 };

		CHECK(send(IOCTL_SECOND_DRIVER_GET_LOG, &in, sizeof(in), sizeof(SdGetLogOut) - 1,
			   &info) == STATUS_BUFFER_TOO_SMALL && info == 0);
		CHECK(send(IOCTL_SECOND_DRIVER_GET_LOG, &in, sizeof(in) - 1, sizeof(logbuf),
			   &info) == STATUS_BUFFER_TOO_SMALL);
	}
	/* An output of more than the ring still gets at most the ring's worth. */
	for (i = 0; i < 300; i++)
		SdLogWrite(SD_LOG_CREATE, 0, 0, 0, 0, 0, NULL);
	out = get_log(1, SD_LOG_CAPACITY + 1, &rec);
	CHECK(out && out->Count == SD_LOG_CAPACITY && out->Lost == 305 - SD_LOG_CAPACITY &&
	      out->NextSeq == 306);
	stop_log();
	end();

	begin("log: a record written over an older one in its slot keeps nothing of it");
	start_log();
	{
		SD_LOG_NOTE full = { 0 }, shorter = { 0 };
		ULONG k, j, clean = 1;

		memset(full.Captured, 0xAA, sizeof(full.Captured));
		full.CapturedLength = SD_LOG_CAPTURE_MAX;
		SdLogNoteChange(&full, 77, 3, 31);
		SdLogNoteCapture(&shorter, "\x01\x02\x03\x04", 4);
		for (k = 0; k < SD_LOG_CAPACITY; k++)
			SdLogWrite(SD_LOG_CHANGE, 5, 6, 7, -1, 8, &full);
		/* The ring's every slot is written over: half with no note, half with 4 bytes. */
		for (k = 0; k < SD_LOG_CAPACITY; k++)
			SdLogWrite(SD_LOG_CREATE, 0, 0, 0, 0, 0, k & 1 ? &shorter : NULL);
		out = get_log(0, SD_LOG_CAPACITY, &rec);
		CHECK(out && out->Count == SD_LOG_CAPACITY);
		for (k = 0; out && k < out->Count; k++) {
			ULONG kept = k & 1 ? 4 : 0;

			clean &= rec[k].Kind == SD_LOG_CREATE && rec[k].Flags == 0 &&
				 rec[k].Code == 0 && rec[k].InLen == 0 && rec[k].OutLen == 0 &&
				 rec[k].Status == 0 && rec[k].Information == 0 &&
				 rec[k].CapturedLength == kept && rec[k].TargetThread == 0 &&
				 rec[k].OldLevel == 0 && rec[k].NewLevel == 0 && rec[k].Reserved == 0;
			clean &= !kept || rec[k].Captured[3] == 4;
			for (j = kept; j < SD_LOG_CAPTURE_MAX; j++)
				clean &= rec[k].Captured[j] == 0;
		}
		CHECK(clean);
	}
	stop_log();
	end();

	begin("log: a batch writes a CHANGE record per thread changed, then its IOCTL record");
	start_log();
	add_thread(10, 100, 8);
	add_thread(11, 100, 9);
	{
		unsigned char in[8 + 3 * 16];
		SdBatchHeader h = { 3, 0 };
		SdBatchEntry e[3] = { { 10, 20, 100, 0 }, { 99, 20, 0, 0 }, { 11, 3, 0, 0 } };

		memcpy(in, &h, 8);
		memcpy(in + 8, e, sizeof(e));
		CHECK(send(IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH, in, sizeof(in), 3 * 8, &info) == 0);
		out = get_log(0, 8, &rec);
		CHECK(out && out->Count == 3);
		CHECK(out && rec[0].Kind == SD_LOG_CHANGE && rec[0].TargetThread == 10 &&
		      rec[0].OldLevel == 8 && rec[0].NewLevel == 20 && rec[0].CapturedLength == 16 &&
		      !memcmp(rec[0].Captured, &e[0], 16) && rec[0].Flags == SD_LOG_F_CHANGE);
		CHECK(out && rec[1].Kind == SD_LOG_CHANGE && rec[1].TargetThread == 11 &&
		      rec[1].OldLevel == 9 && rec[1].NewLevel == 3);
		CHECK(out && rec[2].Kind == SD_LOG_IOCTL && rec[2].InLen == sizeof(in) &&
		      rec[2].Information == 24 && rec[2].Flags == 0 && rec[2].CapturedLength == 16 &&
		      !memcmp(rec[2].Captured, in, 16));
	}
	stop_log();
	end();

	begin("log: time is the interrupt time in ns: x100 where it is 100 ns, x1,000,000 for Wine's ms");
	fake.wine_exports = 1;
	SdDetectHost();
	CHECK(SdHost.Wine && SdHost.QueryInterruptTime && SdHost.InterruptTimeUnitNs == 1000000);
	start_log();
	fake.interrupt_time = 1234;
	SdLogWrite(SD_LOG_CREATE, 0, 0, 0, 0, 0, NULL);
	SdHost.Wine = FALSE;
	SdHost.InterruptTimeUnitNs = 100;
	fake.interrupt_time = 5000;
	SdLogWrite(SD_LOG_CLOSE, 0, 0, 0, 0, 0, NULL);
	out = get_log(0, 4, &rec);
	CHECK(out && out->Count == 2 && rec[0].TimeNs == 1234000000ull && rec[1].TimeNs == 500000ull);
	CHECK(out && rec[0].Kind == SD_LOG_CREATE && rec[1].Kind == SD_LOG_CLOSE &&
	      rec[0].Code == 0 && rec[1].Status == 0);
	stop_log();
	end();
}

/* ---- the client's decoders ----------------------------------------------------- */

static const char *captured_text(unsigned kind, sd_u32 code, unsigned os, const void *in,
				 sd_u32 n)
{
	static char text[200];
	SdLogRecord r;

	memset(&r, 0, sizeof(r));
	r.Kind = (sd_u8)kind;
	r.Code = code;
	r.Os = (sd_u8)os;
	r.CapturedLength = n;
	memcpy(r.Captured, in, n);
	sd_format_captured(text, sizeof(text), &r);
	return text;
}

/* The seed's request as the driver records it (test_log_driver's first case). */
static SdLogRecord seed_record(void)
{
	ThreadData td = { 8520, 31 };
	SdLogRecord r;

	memset(&r, 0, sizeof(r));
	r.Seq = 7;
	r.TimeNs = 3600ull * 1000000000ull + 123456789ull;
	r.Kind = SD_LOG_IOCTL;
	r.Os = SD_LOG_OS_WINDOWS;
	r.Flags = SD_LOG_F_CHANGE;
	r.Code = 0x80002003u;
	r.InLen = 8;
	r.ProcessId = 6104;
	r.ThreadId = 6108;
	r.CapturedLength = 8;
	memcpy(r.Captured, &td, 8);
	r.TargetThread = 8520;
	r.OldLevel = 8;
	r.NewLevel = 31;
	return r;
}

/* 2026-11-26 13:08:52 UTC: the record above is then at 14:08:52.123456. */
#define SEED_BOOT_NS (1795698532LL * 1000000000LL)

static const char seed_line[] =
	"#7 2026-11-26 14:08:52.123456 pid 6104 tid 6108 IOCTL SET_PRIORITY 0x80002003 "
	"(device type 0x8000, access FILE_ANY_ACCESS, function 0x800, method METHOD_NEITHER) "
	"in 8 out 0: STATUS_SUCCESS 0x00000000 (Win32 0), returned 0; "
	"ThreadId 8520 (0x2148), Priority 31 (0x1F); thread 8520: 8 -> 31";

/* 1 if docs/DEBUGGING.md has line, whole, on a line of its own. */
static int debugging_md_has(const char *line)
{
	FILE *f = fopen("docs/DEBUGGING.md", "r");
	char buf[1024];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		found = !strcmp(buf, line);
	}
	fclose(f);
	return found;
}

void test_decode(void)
{
	char buf[1024];
	SdLogRecord r;
	FILE *f;
	sd_u32 code;

	begin("decode: a code in the record's OS's reading, with its contract name");
	sd_format_code(buf, sizeof(buf), 0x80002003u, SD_LOG_OS_WINDOWS);
	CHECK(!strcmp(buf, "SET_PRIORITY 0x80002003 (device type 0x8000, access FILE_ANY_ACCESS, "
		      "function 0x800, method METHOD_NEITHER)"));
	sd_format_code(buf, sizeof(buf), 0x8000A014u, SD_LOG_OS_WINDOWS);
	CHECK(!strcmp(buf, "CLEAR_LOG 0x8000A014 (device type 0x8000, access FILE_WRITE_ACCESS, "
		      "function 0x805, method METHOD_BUFFERED)"));
	sd_format_code(buf, sizeof(buf), 0x4008D500u, SD_LOG_OS_LINUX);
	CHECK(!strcmp(buf, "SET_PRIORITY 0x4008D500 (direction write, size 8, type 0xD5, nr 0)"));
	sd_format_code(buf, sizeof(buf), 0xC030D504u, SD_LOG_OS_LINUX);
	CHECK(!strcmp(buf, "GET_LOG 0xC030D504 (direction read/write, size 48, type 0xD5, nr 4)"));
	sd_format_code(buf, sizeof(buf), 0x80002007u, SD_LOG_OS_WINDOWS);
	CHECK(!strcmp(buf, "unknown 0x80002007 (device type 0x8000, access FILE_ANY_ACCESS, "
		      "function 0x801, method METHOD_NEITHER)"));
	end();

	begin("decode: every contract code has its name, on both kernels, and no other code does");
	CHECK(!strcmp(sd_windows_code_name(IOCTL_SECOND_DRIVER_GET_PRIORITY), "GET_PRIORITY"));
	CHECK(!strcmp(sd_windows_code_name(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX), "SET_PRIORITY_EX"));
	CHECK(!strcmp(sd_windows_code_name(IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH),
		      "SET_PRIORITY_BATCH"));
	CHECK(!strcmp(sd_windows_code_name(IOCTL_SECOND_DRIVER_GET_LOG), "GET_LOG"));
	CHECK(!strcmp(sd_windows_code_name(IOCTL_SECOND_DRIVER_CLEAR_LOG), "CLEAR_LOG"));
	CHECK(!strcmp(sd_windows_code_name(IOCTL_SECOND_DRIVER_GET_INFO), "GET_INFO"));
	CHECK(!strcmp(sd_windows_code_name(IOCTL_SECOND_DRIVER_BOOST), "BOOST"));
	CHECK(!strcmp(sd_windows_code_name(IOCTL_SECOND_DRIVER_END_LEASE), "END_LEASE"));
	CHECK(!strcmp(sd_windows_code_name(IOCTL_SECOND_DRIVER_LIST_LEASES), "LIST_LEASES"));
#ifdef __linux__
	CHECK(!strcmp(sd_linux_code_name(SD_LINUX_IOCTL_SET_PRIORITY), "SET_PRIORITY"));
	CHECK(!strcmp(sd_linux_code_name(SD_LINUX_IOCTL_GET_PRIORITY), "GET_PRIORITY"));
	CHECK(!strcmp(sd_linux_code_name(SD_LINUX_IOCTL_SET_PRIORITY_EX), "SET_PRIORITY_EX"));
	CHECK(!strcmp(sd_linux_code_name(SD_LINUX_IOCTL_SET_PRIORITY_BATCH), "SET_PRIORITY_BATCH"));
	CHECK(!strcmp(sd_linux_code_name(SD_LINUX_IOCTL_GET_LOG), "GET_LOG"));
	CHECK(!strcmp(sd_linux_code_name(SD_LINUX_IOCTL_CLEAR_LOG), "CLEAR_LOG"));
	CHECK(!strcmp(sd_linux_code_name(SD_LINUX_IOCTL_GET_INFO), "GET_INFO"));
	CHECK(!strcmp(sd_linux_code_name(SD_LINUX_IOCTL_BOOST), "BOOST"));
	CHECK(!strcmp(sd_linux_code_name(SD_LINUX_IOCTL_END_LEASE), "END_LEASE"));
	CHECK(!strcmp(sd_linux_code_name(SD_LINUX_IOCTL_LIST_LEASES), "LIST_LEASES"));
#endif
	CHECK(sd_windows_code_name(0x4008D500u) == NULL && sd_linux_code_name(0x80002003u) == NULL);
	CHECK(sd_windows_code_name(0x80002007u) == NULL && sd_windows_code_name(0) == NULL);
	end();

	begin("decode: `decode` prints both readings and marks the contract's");
	f = fmemopen(buf, sizeof(buf), "w");
	CHECK(sd_decode_print(f, 0x80002003u, SD_DECODE_BOTH) == 1);
	fclose(f);
	CHECK(!strcmp(buf, "0x80002003\n"
		      "* Windows: device type 0x8000, access FILE_ANY_ACCESS, function 0x800, "
		      "method METHOD_NEITHER  = IOCTL_SECOND_DRIVER_SET_PRIORITY\n"
		      "  Linux:   direction read, size 0, type 0x20, nr 3\n"));
	f = fmemopen(buf, sizeof(buf), "w");
	CHECK(sd_decode_print(f, 0x4008D500u, SD_DECODE_LINUX) == 1);
	fclose(f);
	CHECK(!strcmp(buf, "0x4008D500\n"
		      "* Linux:   direction write, size 8, type 0xD5, nr 0  = SD_LINUX_IOCTL_SET_PRIORITY\n"));
	f = fmemopen(buf, sizeof(buf), "w");
	CHECK(sd_decode_print(f, 0x12345678u, SD_DECODE_WINDOWS) == 0);
	fclose(f);
	CHECK(!strcmp(buf, "0x12345678\n"
		      "  Windows: device type 0x1234, access FILE_READ_ACCESS, function 0x59E, "
		      "method METHOD_BUFFERED\n"));
	end();

	begin("decode: codes parse as 0x-hex or decimal, 32 bits, nothing else");
	CHECK(sd_parse_code("0x80002003", &code) == 0 && code == 0x80002003u);
	CHECK(sd_parse_code("2147491843", &code) == 0 && code == 0x80002003u);
	CHECK(sd_parse_code("0X1f", &code) == 0 && code == 0x1Fu);
	CHECK(sd_parse_code("0xFFFFFFFF", &code) == 0 && code == 0xFFFFFFFFu);
	CHECK(sd_parse_code("", &code) == -1 && sd_parse_code("0x", &code) == -1);
	CHECK(sd_parse_code("0x1g", &code) == -1 && sd_parse_code("4294967296", &code) == -1);
	CHECK(sd_parse_code("-1", &code) == -1 && sd_parse_code("0x100000000", &code) == -1);
	CHECK(sd_parse_code("12a", &code) == -1);
	end();

	begin("decode: statuses by name, with the Win32 error or the errno");
	sd_format_status(buf, sizeof(buf), 0, SD_LOG_OS_WINDOWS);
	CHECK(!strcmp(buf, "STATUS_SUCCESS 0x00000000 (Win32 0)"));
	sd_format_status(buf, sizeof(buf), (sd_s32)0xC000000Bu, SD_LOG_OS_WINDOWS);
	CHECK(!strcmp(buf, "STATUS_INVALID_CID 0xC000000B (Win32 87)"));
	sd_format_status(buf, sizeof(buf), (sd_s32)0xC0000061u, SD_LOG_OS_WINDOWS);
	CHECK(!strcmp(buf, "STATUS_PRIVILEGE_NOT_HELD 0xC0000061 (Win32 1314)"));
	sd_format_status(buf, sizeof(buf), (sd_s32)0xC0000999u, SD_LOG_OS_WINDOWS);
	CHECK(!strcmp(buf, "0xC0000999"));
	sd_format_status(buf, sizeof(buf), 0, SD_LOG_OS_LINUX);
	CHECK(!strcmp(buf, "0 (success)"));
	sd_format_status(buf, sizeof(buf), -3, SD_LOG_OS_LINUX);
	CHECK(!strcmp(buf, "ESRCH (errno 3)"));
	sd_format_status(buf, sizeof(buf), -25, SD_LOG_OS_LINUX);
	CHECK(!strcmp(buf, "ENOTTY (errno 25)"));
	sd_format_status(buf, sizeof(buf), -200, SD_LOG_OS_LINUX);
	CHECK(!strcmp(buf, "errno 200"));
	CHECK(!strcmp(sd_kind_name(SD_LOG_CLEANUP), "CLEANUP") &&
	      !strcmp(sd_kind_name(SD_LOG_CHANGE), "CHANGE") && sd_kind_name(0) == NULL &&
	      sd_kind_name(9) == NULL && sd_kind_name(200) == NULL);
	end();

	begin("decode: captured input, read as the code's structure, the way the seed wrote it");
	{
		ThreadData td = { 8520, 31 };
		SdSetPriorityEx x = { 8520, 15, 1, 0 };
		unsigned char batch[16] = { 3, 0, 0, 0, 0, 0, 0, 0, 0x48, 0x21, 0, 0, 20, 0, 0, 0 };
		SdBatchEntry e = { 8520, 20, 4444, 0 };
		ThreadData neg = { 1, -1 };

		CHECK(!strcmp(captured_text(SD_LOG_IOCTL, 0x80002003u, SD_LOG_OS_WINDOWS, &td, 8),
			      "ThreadId 8520 (0x2148), Priority 31 (0x1F)"));
		CHECK(!strcmp(captured_text(SD_LOG_IOCTL, 0x4008D500u, SD_LOG_OS_LINUX, &td, 8),
			      "ThreadId 8520 (0x2148), Priority 31 (0x1F)"));
		CHECK(!strcmp(captured_text(SD_LOG_IOCTL, 0x80002003u, SD_LOG_OS_WINDOWS, &neg, 8),
			      "ThreadId 1 (0x1), Priority -1 (0xFFFFFFFF)"));
		CHECK(!strcmp(captured_text(SD_LOG_IOCTL, 0x80006004u, SD_LOG_OS_WINDOWS, &td, 8),
			      "ThreadId 8520 (0x2148)"));
		CHECK(!strcmp(captured_text(SD_LOG_IOCTL, 0x8000A008u, SD_LOG_OS_WINDOWS, &x, 16),
			      "ThreadId 8520 (0x2148), Priority 15 (0xF), Flags 0x1"));
		CHECK(!strcmp(captured_text(SD_LOG_IOCTL, 0x8000A00Cu, SD_LOG_OS_WINDOWS, batch, 16),
			      "Count 3, Flags 0x0; first ThreadId 8520 (0x2148), Priority 20 (0x14)"));
		CHECK(!strcmp(captured_text(SD_LOG_CHANGE, 0x8000A00Cu, SD_LOG_OS_WINDOWS, &e, 16),
			      "ThreadId 8520 (0x2148), Priority 20 (0x14), ProcessId 4444"));
		CHECK(!strcmp(captured_text(SD_LOG_IOCTL, 0x80002007u, SD_LOG_OS_WINDOWS, &td, 8),
			      "bytes 48 21 00 00 1F 00 00 00"));
		{
			SdBoost b = { 8520, 31, SD_BOOST_DETACHED, 200 };
			SdEndLease el = { 7, 0 };

			CHECK(!strcmp(captured_text(SD_LOG_IOCTL, IOCTL_SECOND_DRIVER_BOOST,
						    SD_LOG_OS_WINDOWS, &b, 16),
				      "ThreadId 8520 (0x2148), Priority 31 (0x1F), Flags 0x1, DurationMs 200"));
			CHECK(!strcmp(captured_text(SD_LOG_IOCTL, IOCTL_SECOND_DRIVER_END_LEASE,
						    SD_LOG_OS_WINDOWS, &el, 8), "LeaseId 7"));
		}
		CHECK(!strcmp(captured_text(SD_LOG_IOCTL, 0x80002003u, SD_LOG_OS_WINDOWS, &td, 5),
			      "bytes 48 21 00 00 1F"));
		CHECK(!strcmp(captured_text(SD_LOG_IOCTL, 0x80002003u, SD_LOG_OS_WINDOWS, &td, 0), ""));
	}
	end();

	begin("decode: the seed's request is one line, exactly as docs/DEBUGGING.md shows it");
	setenv("TZ", "UTC", 1);
	tzset();
	r = seed_record();
	sd_format_record(buf, sizeof(buf), &r, SEED_BOOT_NS);
	CHECK(!strcmp(buf, seed_line));
	CHECK(debugging_md_has(seed_line));
	r.Flags = SD_LOG_F_CHANGE | SD_LOG_F_UNCHANGED;
	r.OldLevel = 31;
	sd_format_record(buf, sizeof(buf), &r, SEED_BOOT_NS);
	CHECK(strstr(buf, "; thread 8520: 31 (unchanged)") != NULL);
	r = seed_record();
	r.Kind = SD_LOG_CREATE;
	r.Code = 0;
	r.CapturedLength = 0;
	r.Flags = 0;
	sd_format_record(buf, sizeof(buf), &r, SEED_BOOT_NS);
	CHECK(!strcmp(buf, "#7 2026-11-26 14:08:52.123456 pid 6104 tid 6108 CREATE: "
		      "STATUS_SUCCESS 0x00000000 (Win32 0)"));
	r.Kind = 12;
	sd_format_record(buf, sizeof(buf), &r, SEED_BOOT_NS);
	CHECK(strstr(buf, " KIND 12: ") != NULL);
	r.Kind = SD_LOG_LEASE_END;
	r.Information = 3;
	r.TargetThread = 8520;
	r.OldLevel = 31;
	r.NewLevel = 8;
	r.Flags = SD_LOG_F_CHANGE;
	sd_format_record(buf, sizeof(buf), &r, SEED_BOOT_NS);
	CHECK(strstr(buf, " LEASE_END lease 3: STATUS_SUCCESS 0x00000000 (Win32 0); "
		      "thread 8520: 31 -> 8") != NULL);
	r.Kind = SD_LOG_LEASE_SKIPPED;
	r.Flags = 0;
	sd_format_record(buf, sizeof(buf), &r, SEED_BOOT_NS);
	CHECK(strstr(buf, " LEASE_SKIPPED lease 3: STATUS_SUCCESS 0x00000000 (Win32 0); "
		      "thread 8520: no longer at 31, left alone") != NULL);
	sd_format_gap(buf, sizeof(buf), 44, 45);
	CHECK(!strcmp(buf, "-- 44 records lost (overwritten or cleared) before #45 --"));
	end();

	begin("decode: a record as one JSON object on one line");
	r = seed_record();
	f = fmemopen(buf, sizeof(buf), "w");
	sd_json_record(f, &r, SEED_BOOT_NS);
	fclose(f);
	CHECK(strstr(buf, "{\"seq\": 7, \"time_ns\": 3600123456789, "
		      "\"time\": \"2026-11-26 14:08:52.123456\", \"kind\": \"IOCTL\", "
		      "\"os\": \"windows\", \"flags\": 2, \"pid\": 6104, \"tid\": 6108, "
		      "\"code\": 2147491843, \"name\": \"SET_PRIORITY\", \"in\": 8, \"out\": 0, "
		      "\"status\": 0, \"status_text\": \"STATUS_SUCCESS 0x00000000 (Win32 0)\", "
		      "\"information\": 0, \"captured\": \"482100001f000000\", "
		      "\"input\": \"ThreadId 8520 (0x2148), Priority 31 (0x1F)\", "
		      "\"change\": {\"thread\": 8520, \"old\": 8, \"new\": 31, \"unchanged\": false}}\n") ==
	      buf);
	CHECK(strchr(buf, '\n') == buf + strlen(buf) - 1);
	f = fmemopen(buf, sizeof(buf), "w");
	sd_json_gap(f, 3, 10);
	fclose(f);
	CHECK(!strcmp(buf, "{\"lost\": 3, \"before\": 10}\n"));
	end();
}

/* ---- install and uninstall, against a scripted SCM ------------------------------ */

static struct {
	int connect_err, create_err, open_err, start_err, stop_err, remove_err;
	int exists, running;		/* the service's state */
	int handles;			/* open now */
	char path[256];
	int steps;
} scm;

static int f_connect(void **h, int create)
{
	(void)create;
	scm.steps++;
	if (scm.connect_err)
		return scm.connect_err;
	scm.handles++;
	*h = &scm;
	return 0;
}

static int f_create(void *m, const char *path, void **s)
{
	(void)m;
	scm.steps++;
	if (scm.create_err)
		return scm.create_err;
	if (scm.exists)
		return SD_ERROR_SERVICE_EXISTS;
	scm.exists = 1;
	snprintf(scm.path, sizeof(scm.path), "%s", path);
	scm.handles++;
	*s = &scm.path;
	return 0;
}

static int f_open(void *m, void **s)
{
	(void)m;
	scm.steps++;
	if (scm.open_err)
		return scm.open_err;
	if (!scm.exists)
		return SD_ERROR_SERVICE_DOES_NOT_EXIST;
	scm.handles++;
	*s = &scm.path;
	return 0;
}

static int f_binary_path(void *s, char *buf, size_t len)
{
	(void)s;
	snprintf(buf, len, "%s", scm.path);
	return 0;
}

static int f_start(void *s)
{
	(void)s;
	if (scm.start_err)
		return scm.start_err;
	if (scm.running)
		return SD_ERROR_SERVICE_ALREADY_RUNNING;
	scm.running = 1;
	return 0;
}

static int f_stop(void *s)
{
	(void)s;
	if (scm.stop_err)
		return scm.stop_err;
	if (!scm.running)
		return SD_ERROR_SERVICE_NOT_ACTIVE;
	scm.running = 0;
	return 0;
}

static int f_remove(void *s)
{
	(void)s;
	if (scm.remove_err)
		return scm.remove_err;
	scm.exists = 0;
	return 0;
}

static void f_close(void *h)
{
	(void)h;
	scm.handles--;
}

static void f_describe(int err, char *buf, size_t len)
{
	snprintf(buf, len, err == 5 ? "Access is denied." : "error text %d", err);
}

static const struct sd_scm fake_scm = {
	f_connect, f_create, f_open, f_binary_path, f_start, f_stop, f_remove, f_close,
	f_describe,
};

static int run_service(int install, const char *path, char *out, size_t outlen, char *err,
		       size_t errlen)
{
	FILE *o, *e;
	int rc;

	/* fmemopen writes no terminator when nothing is written. */
	out[0] = err[0] = '\0';
	o = fmemopen(out, outlen, "w");
	e = fmemopen(err, errlen, "w");
	rc = install ? sd_service_install(&fake_scm, path, o, e) :
		       sd_service_uninstall(&fake_scm, o, e);

	fclose(o);
	fclose(e);
	return rc;
}

void test_service(void)
{
	const char *sys = "C:\\drivers\\SecondDriver.sys";
	char out[1024], err[1024];

	begin("install: creates and starts the service; again, it says both are done; exit 0 each time");
	memset(&scm, 0, sizeof(scm));
	CHECK(run_service(1, sys, out, sizeof(out), err, sizeof(err)) == 0);
	CHECK(!strcmp(out, "created service second: kernel driver, demand start, "
		      "C:\\drivers\\SecondDriver.sys\nstarted service second\n") && !err[0]);
	CHECK(scm.exists && scm.running && scm.handles == 0);
	CHECK(run_service(1, sys, out, sizeof(out), err, sizeof(err)) == 0);
	CHECK(!strcmp(out, "service second already exists: C:\\drivers\\SecondDriver.sys\n"
		      "service second is already running\n") && !err[0]);
	CHECK(scm.handles == 0);
	end();

	begin("install: a service from another path is kept, and the client says how to change it");
	snprintf(scm.path, sizeof(scm.path), "\\??\\C:\\old\\SecondDriver.sys");
	CHECK(run_service(1, sys, out, sizeof(out), err, sizeof(err)) == 0);
	CHECK(strstr(err, "note: it was not installed from C:\\drivers\\SecondDriver.sys; "
		     "run uninstall first") != NULL);
	snprintf(scm.path, sizeof(scm.path), "\\??\\c:\\DRIVERS\\SecondDriver.sys");
	CHECK(run_service(1, sys, out, sizeof(out), err, sizeof(err)) == 0 && !err[0]);
	end();

	begin("uninstall: stops and deletes; again, says it is not installed; exit 0 each time");
	CHECK(run_service(0, NULL, out, sizeof(out), err, sizeof(err)) == 0);
	CHECK(!strcmp(out, "stopped service second\ndeleted service second\n") && !err[0]);
	CHECK(!scm.exists && !scm.running && scm.handles == 0);
	CHECK(run_service(0, NULL, out, sizeof(out), err, sizeof(err)) == 0);
	CHECK(!strcmp(out, "service second is not installed; nothing to do\n") && !err[0]);
	scm.exists = 1;		/* installed, not running */
	CHECK(run_service(0, NULL, out, sizeof(out), err, sizeof(err)) == 0);
	CHECK(!strcmp(out, "service second was not running\ndeleted service second\n"));
	CHECK(scm.handles == 0);
	end();

	begin("install, uninstall: without elevation OpenSCManager fails with 5: an elevated prompt, exit 1");
	memset(&scm, 0, sizeof(scm));
	scm.connect_err = SD_ERROR_ACCESS_DENIED;
	CHECK(run_service(1, sys, out, sizeof(out), err, sizeof(err)) == 1);
	CHECK(!out[0] && strstr(err, "opening the Service Control Manager failed: error 5: "
				     "Access is denied.") &&
	      strstr(err, "needs an elevated prompt") && strstr(err, "Run as administrator"));
	CHECK(run_service(0, NULL, out, sizeof(out), err, sizeof(err)) == 1);
	CHECK(strstr(err, "elevated prompt") && scm.steps == 2 && scm.handles == 0);
	end();

	begin("install, uninstall: a failed step is reported, exit 1, every handle closed");
	memset(&scm, 0, sizeof(scm));
	scm.start_err = 577;	/* ERROR_INVALID_IMAGE_HASH: an unsigned driver */
	CHECK(run_service(1, sys, out, sizeof(out), err, sizeof(err)) == 1);
	CHECK(strstr(out, "created service second") &&
	      strstr(err, "starting the service (loading the driver) failed: error 577"));
	scm.start_err = 0;
	scm.running = 1;
	scm.stop_err = 1051;	/* ERROR_DEPENDENT_SERVICES_RUNNING */
	CHECK(run_service(0, NULL, out, sizeof(out), err, sizeof(err)) == 1);
	CHECK(strstr(err, "stopping the service failed: error 1051") &&
	      strstr(err, "left in place") && scm.exists);
	scm.stop_err = 0;
	scm.remove_err = SD_ERROR_SERVICE_MARKED_FOR_DELETE;
	CHECK(run_service(0, NULL, out, sizeof(out), err, sizeof(err)) == 0);
	CHECK(strstr(out, "already marked for deletion") != NULL);
	scm.create_err = SD_ERROR_ACCESS_DENIED;
	CHECK(run_service(1, sys, out, sizeof(out), err, sizeof(err)) == 1);
	CHECK(strstr(err, "creating the service failed: error 5") && strstr(err, "elevated"));
	CHECK(scm.handles == 0);
	end();
}
