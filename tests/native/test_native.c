// SPDX-License-Identifier: MIT
/*
 * test_native.c - native unit tests: the contract, the driver's IOCTL
 * dispatch and validation (driver/sd_ioctl.c, against fakes of the kernel),
 * the client's argument parsing, and the Linux twin's priority mapping
 * (linux/sd_map.c). No Wine, no VM.
 *
 * Prints "PASS name" / "FAIL name: why" and ends with "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L	/* fmemopen under -std=c11 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_state.h"
#include "sd_access.h"
#include "sd_args.h"
#include "sd_base.h"
#include "sd_config.h"
#include "sd_gs.h"
#include "sd_host.h"
#include "sd_ioctl.h"
#include "sd_json.h"
#include "sd_map.h"
#include "test_harness.h"

int passed, failed;
int case_failed;
const char *case_name;

void begin(const char *name)
{
	case_name = name;
	case_failed = 0;
	fake_reset();
	SdHost.Wine = FALSE;
	SdHost.QueryInterruptTime = NULL;
	SdHost.InterruptTimeUnitNs = 100;
	SdConfig.MaxLevel = SD_PRIORITY_MAX;
}

void end(void)
{
	if (case_failed) {
		failed++;
	} else {
		passed++;
		printf("PASS %s\n", case_name);
	}
}

_Use_decl_annotations_
NTSTATUS test_dispatch(SD_REQUEST *r, unsigned char *buf, size_t size, const void *in,
		       ULONG_PTR *info)
{
	if ((r->IoControlCode & 3u) == SD_METHOD_BUFFERED) {
		memset(buf, 0xA5, size);
		if (r->InputBufferLength)
			memcpy(buf, in, r->InputBufferLength);
		r->InputBuffer = buf;
		r->OutputBuffer = buf;
	} else {
		r->InputBuffer = in;
	}
	*info = 0xDEAD;
	return SdDispatchIoctl(r, info);
}

/* Send one request through the driver's dispatcher. */
static NTSTATUS request(ULONG code, const void *in, ULONG inlen,
			KPROCESSOR_MODE mode, ULONG_PTR *info)
{
	SD_REQUEST r = {
		.IoControlCode = code,
		.InputBuffer = in,
		.InputBufferLength = inlen,
		.RequestorMode = mode,
	};

	*info = 0xDEAD;
	return SdDispatchIoctl(&r, info);
}

static NTSTATUS set_priority(ULONG tid, sd_s32 prio, ULONG_PTR *info)
{
	ThreadData td = { tid, prio };

	return request(IOCTL_SECOND_DRIVER_SET_PRIORITY, &td, sizeof(td),
		       UserMode, info);
}

/* ---- the contract --------------------------------------------------------- */

static void test_contract(void)
{
	sd_u32 code = IOCTL_SECOND_DRIVER_SET_PRIORITY;
	ThreadData td;
	unsigned char *b = (unsigned char *)&td;

	begin("contract: SET_PRIORITY is 0x80002003 and decodes to the seed's CTL_CODE");
	CHECK(code == 0x80002003u);
	CHECK((code >> 16) == 0x8000u);		/* device type */
	CHECK(((code >> 14) & 3u) == 0u);	/* FILE_ANY_ACCESS */
	CHECK(((code >> 2) & 0xFFFu) == 0x800u);/* function */
	CHECK((code & 3u) == 3u);		/* METHOD_NEITHER */
	end();

	begin("contract: ThreadData is {u32 ThreadId; s32 Priority}, 8 bytes, little-endian");
	td.ThreadId = 8520;	/* 0x2148, the seed's debugger session */
	td.Priority = 31;	/* 0x1F */
	CHECK(sizeof(td) == 8);
	CHECK(b[0] == 0x48 && b[1] == 0x21 && b[2] == 0 && b[3] == 0);
	CHECK(b[4] == 0x1F && b[5] == 0 && b[6] == 0 && b[7] == 0);
	td.Priority = -1;
	CHECK(b[4] == 0xFF && b[7] == 0xFF);
	end();

	begin("contract: priority range is 1..31");
	CHECK(SD_PRIORITY_MIN == 1 && SD_PRIORITY_MAX == 31);
	end();

#ifdef __linux__
	begin("contract: Linux SET_PRIORITY is _IOW(0xD5, 0, ThreadData) = 0x4008D500");
	CHECK(SD_LINUX_IOCTL_SET_PRIORITY == 0x4008D500u);
	CHECK(_IOC_DIR(SD_LINUX_IOCTL_SET_PRIORITY) == _IOC_WRITE);
	CHECK(_IOC_TYPE(SD_LINUX_IOCTL_SET_PRIORITY) == 0xD5);
	CHECK(_IOC_NR(SD_LINUX_IOCTL_SET_PRIORITY) == SD_FUNC_SET_PRIORITY - 0x800u);
	CHECK(_IOC_SIZE(SD_LINUX_IOCTL_SET_PRIORITY) == 8);
	end();
#endif
}

static void test_table(void)
{
	ULONG i, j;

	begin("table: every IOCTL is unique, in the vendor range, and has a handler");
	CHECK(SdIoctlCount >= 1);
	for (i = 0; i < SdIoctlCount; i++) {
		const SD_IOCTL_ENTRY *e = &SdIoctlTable[i];
		ULONG fn = (e->Code >> 2) & 0xFFFu;

		CHECK((e->Code >> 16) == SD_DEVICE_TYPE);
		CHECK(fn >= 0x800u && fn <= 0xFFFu);
		CHECK(e->Handler != NULL && e->Name != NULL);
		/* Every code but CLEAR_LOG and GET_INFO, which carry nothing, has an input. */
		CHECK(e->MinInputLength > 0 || e->Code == IOCTL_SECOND_DRIVER_CLEAR_LOG ||
		      e->Code == IOCTL_SECOND_DRIVER_GET_INFO ||
		      e->Code == IOCTL_SECOND_DRIVER_LIST_LEASES);
		CHECK(SdFindIoctl(e->Code) == e);
		/* The seed's code is the only METHOD_NEITHER, FILE_ANY_ACCESS one;
		 * every other carries its access, and the table agrees with it. */
		if (e->Code == IOCTL_SECOND_DRIVER_SET_PRIORITY) {
			CHECK(e->HandleAccess == FILE_WRITE_DATA);
		} else {
			CHECK((e->Code & 3u) == SD_METHOD_BUFFERED);
			CHECK(((e->Code >> 14) & 3u) == SD_FILE_READ_ACCESS ||
			      ((e->Code >> 14) & 3u) == SD_FILE_WRITE_ACCESS);
			CHECK(e->HandleAccess == (((e->Code >> 14) & 3u) == SD_FILE_READ_ACCESS ?
						  FILE_READ_DATA : FILE_WRITE_DATA));
		}
		for (j = i + 1; j < SdIoctlCount; j++)
			CHECK(SdIoctlTable[j].Code != e->Code);
	}
	CHECK(SdFindIoctl(0x80002007u) == NULL);
	end();

	begin("table: the contract's codes, each in the table with its function number");
	CHECK(IOCTL_SECOND_DRIVER_GET_PRIORITY == 0x80006004u);
	CHECK(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX == 0x8000A008u);
	CHECK(IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH == 0x8000A00Cu);
	CHECK(SdFindIoctl(IOCTL_SECOND_DRIVER_GET_PRIORITY) != NULL);
	CHECK(SdFindIoctl(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX) != NULL);
	CHECK(SdFindIoctl(IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH) != NULL);
	CHECK(((IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH >> 2) & 0xFFFu) == SD_FUNC_SET_PRIORITY_BATCH);
	CHECK(IOCTL_SECOND_DRIVER_GET_LOG == 0x80006010u);
	CHECK(IOCTL_SECOND_DRIVER_CLEAR_LOG == 0x8000A014u);
	CHECK(SdFindIoctl(IOCTL_SECOND_DRIVER_GET_LOG) != NULL);
	CHECK(SdFindIoctl(IOCTL_SECOND_DRIVER_CLEAR_LOG) != NULL);
	CHECK(IOCTL_SECOND_DRIVER_GET_INFO == 0x80006024u);
	CHECK(SdFindIoctl(IOCTL_SECOND_DRIVER_GET_INFO) != NULL);
	CHECK(SdFindIoctl(IOCTL_SECOND_DRIVER_BOOST) != NULL &&
	      SdFindIoctl(IOCTL_SECOND_DRIVER_END_LEASE) != NULL &&
	      SdFindIoctl(IOCTL_SECOND_DRIVER_LIST_LEASES) != NULL);
	CHECK(SdIoctlCount == 10);
#ifdef __linux__
	CHECK(SD_LINUX_IOCTL_GET_PRIORITY == 0xC008D501u);
	CHECK(SD_LINUX_IOCTL_SET_PRIORITY_EX == 0xC010D502u);
	CHECK(SD_LINUX_IOCTL_SET_PRIORITY_BATCH == 0xC018D503u);
	CHECK(_IOC_NR(SD_LINUX_IOCTL_SET_PRIORITY_BATCH) == 3 &&
	      _IOC_SIZE(SD_LINUX_IOCTL_SET_PRIORITY_BATCH) == sizeof(struct sd_batch));
	CHECK(SD_LINUX_IOCTL_GET_LOG == 0xC030D504u && SD_LINUX_IOCTL_CLEAR_LOG == 0x0000D505u);
	CHECK(SD_LINUX_IOCTL_GET_INFO == 0x8020D509u &&
	      _IOC_SIZE(SD_LINUX_IOCTL_GET_INFO) == sizeof(SdDriverInfo));
	CHECK(_IOC_SIZE(SD_LINUX_IOCTL_GET_LOG) == sizeof(struct sd_get_log) &&
	      _IOC_DIR(SD_LINUX_IOCTL_CLEAR_LOG) == _IOC_NONE);
#endif
	end();
}

/* ---- the METHOD_BUFFERED codes ------------------------------------------- */

/*
 * Send a METHOD_BUFFERED request as the I/O manager does: one kernel
 * buffer, holding the input, receives the output. Its size is the larger of
 * the two lengths; beyond the input it is filled with 0xA5.
 */
static unsigned char sysbuf[8 + 16 * (SD_BATCH_MAX + 1)];

static NTSTATUS buffered(ULONG code, const void *in, ULONG inlen, ULONG outlen,
			 KPROCESSOR_MODE mode, ULONG_PTR *info)
{
	SD_REQUEST r = {
		.IoControlCode = code,
		.InputBufferLength = inlen,
		.OutputBufferLength = outlen,
		.RequestorMode = mode,
	};

	return test_dispatch(&r, sysbuf, sizeof(sysbuf), in, info);
}

void add_thread(ULONG id, ULONG pid, KPRIORITY prio)
{
	struct fake_thread *t = &fake.table[fake.table_n++];

	t->id = id;
	t->process_id = pid;
	t->priority = prio;
}

static void test_get(void)
{
	SdGetPriority q = { 8520, -7 }, *out = (SdGetPriority *)sysbuf;
	ULONG_PTR info;

	begin("get: answers the thread's current priority (KeQueryPriorityThread), Information 8");
	add_thread(8520, 100, 13);
	CHECK(buffered(IOCTL_SECOND_DRIVER_GET_PRIORITY, &q, 8, 8, UserMode, &info) == STATUS_SUCCESS);
	CHECK(info == 8 && out->ThreadId == 8520 && out->Level == 13);
	CHECK(fake.queries == 1 && fake.sets == 0 && fake.refs == 0 && fake.derefs == 1);
	CHECK(fake.open_access == THREAD_QUERY_LIMITED_INFORMATION && fake.open_mode == UserMode);
	CHECK(fake.handles == 0);
	CHECK(strstr(fake.last_log, "GET_PRIORITY (0x80006004) succeeded: thread 8520 at 13"));
	end();

	begin("get: short input or output gets STATUS_BUFFER_TOO_SMALL; a missing thread its lookup status");
	CHECK(buffered(IOCTL_SECOND_DRIVER_GET_PRIORITY, &q, 7, 8, UserMode, &info) == STATUS_BUFFER_TOO_SMALL);
	CHECK(buffered(IOCTL_SECOND_DRIVER_GET_PRIORITY, &q, 8, 7, UserMode, &info) == STATUS_BUFFER_TOO_SMALL);
	CHECK(info == 0 && fake.lookups == 0);
	q.ThreadId = 4242;
	add_thread(8520, 100, 13);
	CHECK(buffered(IOCTL_SECOND_DRIVER_GET_PRIORITY, &q, 8, 8, UserMode, &info) == STATUS_INVALID_CID);
	CHECK(info == 0 && fake.refs == 0);
	end();

	begin("get: a thread whose security refuses the query open is refused; System threads are not (user mode may read them)");
	q.ThreadId = 8520;
	add_thread(8520, 4, 13);
	fake.table[0].system = 1;
	CHECK(buffered(IOCTL_SECOND_DRIVER_GET_PRIORITY, &q, 8, 8, UserMode, &info) == STATUS_SUCCESS);
	fake.open_status = STATUS_ACCESS_DENIED;
	CHECK(buffered(IOCTL_SECOND_DRIVER_GET_PRIORITY, &q, 8, 8, UserMode, &info) == STATUS_ACCESS_DENIED);
	CHECK(info == 0 && fake.refs == 0 && fake.handles == 0);
	end();

	begin("get: a handle without FILE_READ_DATA is refused; a read-only handle works");
	{
		SD_REQUEST r = { .IoControlCode = IOCTL_SECOND_DRIVER_GET_PRIORITY,
				 .InputBuffer = &q, .InputBufferLength = 8,
				 .OutputBuffer = sysbuf, .OutputBufferLength = 8,
				 .RequestorMode = UserMode, .HandleAccessKnown = TRUE,
				 .HandleAccess = FILE_WRITE_DATA };

		CHECK(SdDispatchIoctl(&r, &info) == STATUS_ACCESS_DENIED);
		r.HandleAccess = FILE_READ_DATA;
		CHECK(SdDispatchIoctl(&r, &info) == STATUS_SUCCESS && info == 8);
	}
	end();
}

static void test_set_ex(void)
{
	SdSetPriorityEx x = { 8520, 31, 0, -99 }, *out = (SdSetPriorityEx *)sysbuf;
	ULONG_PTR info;

	begin("set_ex: sets the level and answers the one before (KeSetPriorityThread's), Information 16");
	add_thread(8520, 100, 9);
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX, &x, 16, 16, UserMode, &info) == STATUS_SUCCESS);
	CHECK(info == 16 && out->ThreadId == 8520 && out->Priority == 31 && out->OldLevel == 9);
	CHECK(fake.table[0].priority == 31 && fake.refs == 0 && fake.handles == 0);
	CHECK(strstr(fake.last_log, "Thread Priority change for 8520 to 31 succeeded! (was 9)"));
	end();

	begin("set_ex: an unknown flag is STATUS_INVALID_PARAMETER, and the base flag under Wine STATUS_NOT_SUPPORTED, before any lookup");
	add_thread(8520, 100, 9);
	x.Flags = 2;
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX, &x, 16, 16, UserMode, &info) == STATUS_INVALID_PARAMETER);
	x.Flags = SD_SET_EX_BASE | 0x80000000u;
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX, &x, 16, 16, UserMode, &info) == STATUS_INVALID_PARAMETER);
	SdHost.Wine = TRUE;
	x.Flags = SD_SET_EX_BASE;
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX, &x, 16, 16, UserMode, &info) == STATUS_NOT_SUPPORTED);
	SdHost.Wine = FALSE;
	x.Flags = 0;
	x.Priority = 32;
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX, &x, 16, 16, UserMode, &info) == STATUS_INVALID_PARAMETER);
	CHECK(info == 0 && fake.lookups == 0 && fake.sets == 0);
	end();

	begin("set_ex: the base flag makes the level the thread's base (ZwSetInformationThread(ThreadBasePriority), increment level - process base), answers the current priority before");
	add_thread(8520, 100, 13);
	fake.process_base = 8;
	x = (SdSetPriorityEx){ 8520, 10, SD_SET_EX_BASE, -99 };
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX, &x, 16, 16, UserMode, &info) == STATUS_SUCCESS);
	CHECK(info == 16 && out->OldLevel == 13);
	CHECK(fake.base_sets == 1 && fake.base_increment == 2 && fake.sets == 0);
	CHECK(fake.kernel_open_access == THREAD_SET_INFORMATION);
	CHECK(fake.open_access == THREAD_SET_LIMITED_INFORMATION && fake.open_mode == UserMode);
	CHECK(fake.refs == 0 && fake.process_refs == 0 && fake.handles == 0);
	end();

	begin("set_ex: a base more than two from the process's base is STATUS_INVALID_PARAMETER; a refused thread or process changes nothing");
	add_thread(8520, 100, 13);
	x = (SdSetPriorityEx){ 8520, 11, SD_SET_EX_BASE, -99 };
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX, &x, 16, 16, UserMode, &info) == STATUS_INVALID_PARAMETER);
	x.Priority = 5;
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX, &x, 16, 16, UserMode, &info) == STATUS_INVALID_PARAMETER);
	fake.process_status = STATUS_INVALID_CID;
	x.Priority = 9;
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX, &x, 16, 16, UserMode, &info) == STATUS_INVALID_CID);
	fake.process_status = STATUS_SUCCESS;
	fake.table[0].system = 1;
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX, &x, 16, 16, UserMode, &info) == STATUS_ACCESS_DENIED);
	CHECK(fake.base_sets == 0 && fake.sets == 0 && info == 0);
	CHECK(fake.refs == 0 && fake.process_refs == 0 && fake.handles == 0);
	end();

	begin("base: the increment is the level less the process's base, within -2..2, for every class's base");
	{
		static const KPRIORITY bases[] = { 4, 6, 8, 10, 13, 24 };
		size_t b;
		sd_s32 l;

		for (b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
			for (l = -1; l <= 33; l++) {
				LONG inc = 99;
				int reachable = l >= 1 && l <= 31 && l - bases[b] >= -2 && l - bases[b] <= 2;

				CHECK((SdBaseIncrement(bases[b], l, &inc) == STATUS_SUCCESS) == reachable);
				CHECK(inc == (reachable ? l - bases[b] : 0));
			}
		}
	}
	end();

	begin("set_ex: short buffers, a missing thread and the access rules answer as SET does, and change nothing");
	x.Priority = 20;
	add_thread(1, 1, 8);	/* a table without 8520 */
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX, &x, 15, 16, UserMode, &info) == STATUS_BUFFER_TOO_SMALL);
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX, &x, 16, 12, UserMode, &info) == STATUS_BUFFER_TOO_SMALL);
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX, &x, 16, 16, UserMode, &info) == STATUS_INVALID_CID);
	add_thread(8520, 100, 9);
	fake.privilege_denied = 1;
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX, &x, 16, 16, UserMode, &info) == STATUS_PRIVILEGE_NOT_HELD);
	CHECK(info == 0 && fake.sets == 0 && fake.refs == 0 && fake.handles == 0);
	end();
}

/* Build a batch request in buf: the header and n entries. */
static ULONG batch_in(unsigned char *buf, const SdBatchEntry *e, sd_u32 n)
{
	SdBatchHeader h = { n, 0 };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), e, n * sizeof(*e));
	return sizeof(h) + n * sizeof(*e);
}

static void test_batch(void)
{
	static unsigned char in[8 + 16 * (SD_BATCH_MAX + 1)];
	const SdBatchResult *res = (const SdBatchResult *)sysbuf;
	SdBatchEntry e[8];
	ULONG_PTR info;
	ULONG len;
	sd_u32 i;

	begin("batch: entries in index order, one result each, failures do not stop the rest, the call succeeds");
	add_thread(10, 100, 8);
	add_thread(11, 100, 8);
	add_thread(12, 200, 8);
	e[0] = (SdBatchEntry){ 10, 20, 100, 0 };	/* good */
	e[1] = (SdBatchEntry){ 11, 0, 100, 0 };		/* bad level */
	e[2] = (SdBatchEntry){ 99, 20, 0, 0 };		/* no such thread */
	e[3] = (SdBatchEntry){ 12, 20, 100, 0 };	/* owned by another process */
	e[4] = (SdBatchEntry){ 11, 5, 0, 1 };		/* Reserved != 0 */
	e[5] = (SdBatchEntry){ 10, 25, 100, 0 };	/* the same thread again */
	e[6] = (SdBatchEntry){ 12, 3, 200, 0 };		/* good, right process */
	len = batch_in(in, e, 7);
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH, in, len, 7 * 8, UserMode, &info) ==
	      STATUS_SUCCESS);
	CHECK(info == 7 * 8);
	CHECK(res[0].Status == STATUS_SUCCESS && res[0].OldLevel == 8);
	CHECK(res[1].Status == STATUS_INVALID_PARAMETER && res[1].OldLevel == 0);
	CHECK(res[2].Status == STATUS_INVALID_CID && res[2].OldLevel == 0);
	CHECK(res[3].Status == STATUS_INVALID_CID && res[3].OldLevel == 0);
	CHECK(res[4].Status == STATUS_INVALID_PARAMETER);
	CHECK(res[5].Status == STATUS_SUCCESS && res[5].OldLevel == 20);	/* the first entry's new level */
	CHECK(res[6].Status == STATUS_SUCCESS && res[6].OldLevel == 8);
	CHECK(fake.table[0].priority == 25 && fake.table[1].priority == 8 && fake.table[2].priority == 3);
	CHECK(fake.sets == 3 && fake.refs == 0 && fake.handles == 0);
	CHECK(strstr(fake.last_log, "succeeded: 3 of 7 entries changed"));
	end();

	begin("batch: a count of 0 or over the cap, a wrong length or flags get STATUS_INVALID_PARAMETER, and nothing changes");
	add_thread(10, 100, 8);
	e[0] = (SdBatchEntry){ 10, 20, 0, 0 };
	len = batch_in(in, e, 1);
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH, in, len - 1, 8, UserMode, &info) ==
	      STATUS_INVALID_PARAMETER);
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH, in, len + 16, 16, UserMode, &info) ==
	      STATUS_INVALID_PARAMETER);
	((SdBatchHeader *)in)->Count = 0;
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH, in, 8, 8, UserMode, &info) ==
	      STATUS_INVALID_PARAMETER);
	((SdBatchHeader *)in)->Count = SD_BATCH_MAX + 1;
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH, in, 8 + 16 * (SD_BATCH_MAX + 1),
		       8 * (SD_BATCH_MAX + 1), UserMode, &info) == STATUS_INVALID_PARAMETER);
	((SdBatchHeader *)in)->Count = 1;
	((SdBatchHeader *)in)->Flags = 1;
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH, in, len, 8, UserMode, &info) ==
	      STATUS_INVALID_PARAMETER);
	((SdBatchHeader *)in)->Flags = 0;
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH, in, 4, 8, UserMode, &info) ==
	      STATUS_BUFFER_TOO_SMALL);
	CHECK(fake.lookups == 0 && fake.sets == 0 && info == 0);
	end();

	begin("batch: an output that cannot hold every result gets STATUS_BUFFER_TOO_SMALL, and nothing changes");
	add_thread(10, 100, 8);
	for (i = 0; i < 4; i++)
		e[i] = (SdBatchEntry){ 10, 20, 0, 0 };
	len = batch_in(in, e, 4);
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH, in, len, 4 * 8 - 1, UserMode, &info) ==
	      STATUS_BUFFER_TOO_SMALL);
	CHECK(fake.lookups == 0 && fake.sets == 0 && info == 0);
	end();

	begin("batch: exactly the cap (4096 entries) is taken, in place in one buffer, every result right");
	add_thread(10, 100, 8);
	for (i = 0; i < SD_BATCH_MAX; i++) {
		SdBatchEntry one = { i % 2 ? 10 : 1000 + i, (sd_s32)(1 + i % 31), 0, 0 };

		memcpy(in + 8 + 16 * i, &one, sizeof(one));
	}
	((SdBatchHeader *)in)->Count = SD_BATCH_MAX;
	((SdBatchHeader *)in)->Flags = 0;
	CHECK(buffered(IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH, in, 8 + 16 * SD_BATCH_MAX,
		       8 * SD_BATCH_MAX, UserMode, &info) == STATUS_SUCCESS);
	CHECK(info == 8 * SD_BATCH_MAX);
	for (i = 0; i < SD_BATCH_MAX; i++) {
		if (i % 2) {
			/* each odd entry finds the level the previous odd one set */
			CHECK(res[i].Status == STATUS_SUCCESS);
			CHECK(res[i].OldLevel == (i == 1 ? 8 : (sd_s32)(1 + (i - 2) % 31)));
		} else {
			CHECK(res[i].Status == STATUS_INVALID_CID && res[i].OldLevel == 0);
		}
	}
	CHECK(fake.refs == 0 && fake.handles == 0 && fake.sets == (int)SD_BATCH_MAX / 2);
	end();
}

/* ---- SET_PRIORITY through the dispatcher ---------------------------------- */

static void test_set_priority(void)
{
	static const ULONG codes[] = { 0, 0x80002000u, 0x80002007u, 0x80001003u,
				       0x00222003u, 0xFFFFFFFFu };
	static const ULONG short_lengths[] = { 0, 1, 4, 7 };
	static const sd_s32 bad[] = { 0, 32, -1, 100, INT_MIN, INT_MAX };
	ThreadData td = { 8520, 31 };
	ULONG_PTR info;
	NTSTATUS st;
	size_t i;
	sd_s32 p;

	begin("set: unknown codes get STATUS_INVALID_DEVICE_REQUEST, nothing looked up");
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		st = request(codes[i], &td, sizeof(td), UserMode, &info);
		CHECK(st == STATUS_INVALID_DEVICE_REQUEST);
		CHECK(info == 0);
	}
	CHECK(fake.captures == 0 && fake.lookups == 0 && fake.sets == 0);
	CHECK(fake.last_log_level == DPFLTR_WARNING_LEVEL);
	CHECK(strstr(fake.last_log, "unknown IOCTL 0xFFFFFFFF") != NULL);
	end();

	begin("set: input shorter than 8 bytes gets STATUS_BUFFER_TOO_SMALL before the NULL check");
	for (i = 0; i < sizeof(short_lengths) / sizeof(short_lengths[0]); i++) {
		st = request(IOCTL_SECOND_DRIVER_SET_PRIORITY, &td,
			     short_lengths[i], UserMode, &info);
		CHECK(st == STATUS_BUFFER_TOO_SMALL);
		st = request(IOCTL_SECOND_DRIVER_SET_PRIORITY, NULL,
			     short_lengths[i], UserMode, &info);
		CHECK(st == STATUS_BUFFER_TOO_SMALL);
		CHECK(info == 0);
	}
	CHECK(fake.captures == 0 && fake.lookups == 0);
	end();

	begin("set: NULL input of length 8 gets STATUS_INVALID_PARAMETER, never read");
	st = request(IOCTL_SECOND_DRIVER_SET_PRIORITY, NULL, 8, UserMode, &info);
	CHECK(st == STATUS_INVALID_PARAMETER);
	CHECK(fake.captures == 0 && fake.lookups == 0);
	end();

	begin("set: priorities outside 1..31 get STATUS_INVALID_PARAMETER, no lookup");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		st = set_priority(8520, bad[i], &info);
		CHECK(st == STATUS_INVALID_PARAMETER);
	}
	CHECK(fake.captures == (int)(sizeof(bad) / sizeof(bad[0])));
	CHECK(fake.lookups == 0 && fake.sets == 0);
	end();

	begin("set: every priority 1..31 reaches KeSetPriorityThread with one reference held");
	for (p = SD_PRIORITY_MIN; p <= SD_PRIORITY_MAX; p++) {
		fake_reset();
		st = set_priority(1234, p, &info);
		CHECK(st == STATUS_SUCCESS);
		CHECK(info == 0);
		CHECK(fake.last_lookup_id == 1234 && fake.set_thread_id == 1234);
		CHECK(fake.set_priority == p);
		CHECK(fake.refs_at_set == 1);
		CHECK(fake.lookups == 1 && fake.sets == 1 && fake.derefs == 1);
		CHECK(fake.refs == 0);
	}
	end();

	begin("set: success logs the seed's line");
	st = set_priority(8520, 31, &info);
	CHECK(st == STATUS_SUCCESS);
	CHECK(fake.last_log_level == DPFLTR_INFO_LEVEL);
	CHECK(strcmp(fake.last_log,
		     "SecondDriver: Thread Priority change for 8520 to 31 succeeded!\n") == 0);
	end();

	begin("set: a failed lookup's status is returned, nothing set or dereferenced");
	fake.lookup_status = STATUS_INVALID_CID;
	st = set_priority(99999, 31, &info);
	CHECK(st == STATUS_INVALID_CID);
	CHECK(fake.sets == 0 && fake.derefs == 0 && fake.refs == 0);
	CHECK(strstr(fake.last_log, "SET_PRIORITY (0x80002003) failed: status 0xC000000B"));
	end();

	begin("set: a capture fault's status is returned, nothing looked up");
	fake.capture_status = STATUS_ACCESS_VIOLATION;
	CHECK(set_priority(1, 31, &info) == STATUS_ACCESS_VIOLATION);
	fake.capture_status = STATUS_DATATYPE_MISALIGNMENT;
	CHECK(set_priority(1, 31, &info) == STATUS_DATATYPE_MISALIGNMENT);
	CHECK(fake.lookups == 0 && fake.sets == 0);
	end();

	begin("set: the requestor mode reaches the capture; longer input is accepted");
	st = request(IOCTL_SECOND_DRIVER_SET_PRIORITY, &td, sizeof(td),
		     KernelMode, &info);
	CHECK(st == STATUS_SUCCESS && fake.capture_mode == KernelMode);
	{
		ThreadData two[2] = { { 7, 9 }, { 0, 0 } };

		st = request(IOCTL_SECOND_DRIVER_SET_PRIORITY, two, sizeof(two),
			     UserMode, &info);
		CHECK(st == STATUS_SUCCESS && fake.capture_mode == UserMode);
		CHECK(fake.set_thread_id == 7 && fake.set_priority == 9);
	}
	end();
}

/*
 * Every path through SET_PRIORITY: each combination of input length, NULL
 * input, capture result, priority and lookup result. Whatever the outcome,
 * references taken == references dropped, and a successful lookup is
 * dereferenced exactly once.
 */
static void test_reference_balance(void)
{
	static const ULONG lengths[] = { 0, 7, 8, 9 };
	static const NTSTATUS captures[] = { STATUS_SUCCESS, STATUS_ACCESS_VIOLATION };
	static const NTSTATUS lookups[] = { STATUS_SUCCESS, STATUS_INVALID_CID,
					    STATUS_INVALID_PARAMETER };
	static const sd_s32 prios[] = { -1, 0, 1, 15, 16, 31, 32 };
	size_t a, b, c, d;
	int nullp, denial, paths = 0, successes = 0;
	ULONG_PTR info;

	begin("set: on every path each successful lookup has exactly one dereference, and no thread handle stays open");
	for (a = 0; a < 4; a++)
	for (nullp = 0; nullp < 2; nullp++)
	for (b = 0; b < 2; b++)
	for (c = 0; c < 3; c++)
	for (d = 0; d < 7; d++)
	for (denial = 0; denial < 4; denial++) {
		ThreadData td[2] = { { 42, prios[d] }, { 0, 0 } };
		int looked_up_ok;
		NTSTATUS st;

		fake_reset();
		fake.capture_status = captures[b];
		fake.lookup_status = lookups[c];
		fake.system_thread = denial == 1;
		fake.open_status = denial == 2 ? STATUS_ACCESS_DENIED : STATUS_SUCCESS;
		fake.privilege_denied = denial == 3;
		st = request(IOCTL_SECOND_DRIVER_SET_PRIORITY,
			     nullp ? NULL : td, lengths[a], UserMode, &info);
		looked_up_ok = fake.lookups == 1 && NT_SUCCESS(lookups[c]);
		CHECK(fake.refs == 0);
		CHECK(fake.derefs == (looked_up_ok ? 1 : 0));
		CHECK(fake.handles == 0);
		CHECK(fake.sets <= fake.derefs);
		CHECK(NT_SUCCESS(st) == (fake.sets == 1));
		CHECK(info == 0);
		paths++;
		successes += NT_SUCCESS(st);
	}
	CHECK(paths == 4 * 2 * 2 * 3 * 7 * 4);
	/*
	 * Success needs length >= 8, non-NULL, capture ok, lookup ok, 1..31,
	 * and no denial; the privilege denial stops only 16 and 31.
	 */
	CHECK(successes == 2 * 1 * 1 * 1 * (4 + 2));
	end();
}

/* ---- who may ask what (driver/sd_access.c) --------------------------------- */

static NTSTATUS set_on_handle(int known, ACCESS_MASK granted, sd_s32 prio,
			      KPROCESSOR_MODE mode, ULONG_PTR *info)
{
	ThreadData td = { 1234, prio };
	SD_REQUEST r = {
		.IoControlCode = IOCTL_SECOND_DRIVER_SET_PRIORITY,
		.InputBuffer = &td,
		.InputBufferLength = sizeof(td),
		.RequestorMode = mode,
	};
	PVOID ctx = NULL;
	SD_OPEN open = { 0, (BOOLEAN)known, granted };

	if (SdOpen(&open, &ctx) != STATUS_SUCCESS)
		return -1;
	SdHandleAccessFromContext(ctx, &r);
	*info = 0xDEAD;
	return SdDispatchIoctl(&r, info);
}

static void test_access(void)
{
	ULONG_PTR info;
	PVOID ctx;
	SD_OPEN open;
	SD_REQUEST r;
	sd_s32 p;

	/* IRP_MJ_CREATE's fields, as SecondDriverCreateClose hands them over. */
	begin("open (fake IRP): with a SecurityContext, the handle's access is recorded");
	open = (SD_OPEN){ 0, TRUE, FILE_READ_DATA | FILE_WRITE_DATA };
	ctx = (PVOID)1;
	CHECK(SdOpen(&open, &ctx) == STATUS_SUCCESS);
	memset(&r, 0, sizeof(r));
	SdHandleAccessFromContext(ctx, &r);
	CHECK(r.HandleAccessKnown && r.HandleAccess == (FILE_READ_DATA | FILE_WRITE_DATA));
	open.DesiredAccess = 0;
	CHECK(SdOpen(&open, &ctx) == STATUS_SUCCESS);
	SdHandleAccessFromContext(ctx, &r);
	CHECK(r.HandleAccessKnown && r.HandleAccess == 0);
	end();

	begin("open (fake IRP): without a SecurityContext (Wine 8), the access is unknown");
	open = (SD_OPEN){ 0, FALSE, 0xFFFFFFFFu };
	CHECK(SdOpen(&open, &ctx) == STATUS_SUCCESS && ctx == NULL);
	SdHandleAccessFromContext(ctx, &r);
	CHECK(!r.HandleAccessKnown);
	end();

	begin("open (fake IRP): a name below the device (\\\\.\\SecondDriver\\junk) gets STATUS_OBJECT_NAME_NOT_FOUND");
	open = (SD_OPEN){ 8, TRUE, FILE_WRITE_DATA };
	ctx = (PVOID)1;
	CHECK(SdOpen(&open, &ctx) == STATUS_OBJECT_NAME_NOT_FOUND && ctx == NULL);
	open.AccessKnown = FALSE;
	CHECK(SdOpen(&open, &ctx) == STATUS_OBJECT_NAME_NOT_FOUND);
	end();

	begin("access: SET on a handle without FILE_WRITE_DATA gets STATUS_ACCESS_DENIED before any other check");
	CHECK(set_on_handle(1, FILE_READ_DATA, 31, UserMode, &info) == STATUS_ACCESS_DENIED);
	CHECK(info == 0);
	CHECK(set_on_handle(1, 0, 31, UserMode, &info) == STATUS_ACCESS_DENIED);
	{
		SD_REQUEST none = { .IoControlCode = IOCTL_SECOND_DRIVER_SET_PRIORITY,
				    .HandleAccessKnown = TRUE, .HandleAccess = FILE_READ_DATA };

		CHECK(SdDispatchIoctl(&none, &info) == STATUS_ACCESS_DENIED);	/* not 122 */
	}
	CHECK(fake.captures == 0 && fake.lookups == 0 && fake.sets == 0);
	CHECK(set_on_handle(1, FILE_WRITE_DATA, 31, UserMode, &info) == STATUS_SUCCESS);
	CHECK(set_on_handle(0, 0, 31, UserMode, &info) == STATUS_SUCCESS);	/* unknown */
	CHECK(fake.sets == 2);
	end();

	begin("access: a system thread from a UserMode requestor gets STATUS_ACCESS_DENIED; the reference is released, no handle opened");
	fake.system_thread = 1;
	CHECK(set_priority(4, 8, &info) == STATUS_ACCESS_DENIED);
	CHECK(fake.sets == 0 && fake.derefs == 1 && fake.refs == 0 && fake.opens == 0);
	end();

	begin("access: the thread's own security refuses the open: its status is returned, the reference released");
	fake.open_status = STATUS_ACCESS_DENIED;
	CHECK(set_priority(1234, 8, &info) == STATUS_ACCESS_DENIED);
	CHECK(fake.opens == 1 && fake.handles == 0 && fake.closes == 0);
	CHECK(fake.sets == 0 && fake.derefs == 1 && fake.refs == 0);
	end();

	begin("access: the open asks THREAD_SET_LIMITED_INFORMATION on the thread type, in the requestor's mode, and closes the handle");
	CHECK(set_priority(1234, 8, &info) == STATUS_SUCCESS);
	CHECK(fake.open_access == THREAD_SET_LIMITED_INFORMATION);
	CHECK(fake.open_type == SD_THREAD_OBJECT_TYPE && fake.open_mode == UserMode);
	CHECK(fake.opens == 1 && fake.closes == 1 && fake.handles == 0);
	end();

	begin("access: levels 16..31 need SeIncreaseBasePriorityPrivilege (STATUS_PRIVILEGE_NOT_HELD); 1..15 never ask");
	fake.privilege_denied = 1;
	for (p = SD_PRIORITY_MIN; p <= SD_PRIORITY_MAX; p++) {
		int checks = fake.privilege_checks;

		CHECK(set_priority(1234, p, &info) ==
		      (p >= 16 ? STATUS_PRIVILEGE_NOT_HELD : STATUS_SUCCESS));
		CHECK(fake.privilege_checks == checks + (p >= 16));
	}
	CHECK(fake.privilege.LowPart == SE_INC_BASE_PRIORITY_PRIVILEGE &&
	      fake.privilege.HighPart == 0 && fake.privilege_mode == UserMode);
	CHECK(fake.sets == 15 && fake.refs == 0 && fake.handles == 0);
	end();

	begin("access: a KernelMode requestor passes all three checks without asking");
	fake.system_thread = 1;
	fake.open_status = STATUS_ACCESS_DENIED;
	fake.privilege_denied = 1;
	{
		ThreadData td = { 4, 31 };

		CHECK(request(IOCTL_SECOND_DRIVER_SET_PRIORITY, &td, sizeof(td),
			      KernelMode, &info) == STATUS_SUCCESS);
	}
	CHECK(fake.opens == 0 && fake.privilege_checks == 0 && fake.sets == 1);
	end();

	begin("access: under Wine the open is made with KernelMode (Wine 8 implements no other); the privilege check keeps UserMode");
	SdHost.Wine = TRUE;
	CHECK(set_priority(1234, 20, &info) == STATUS_SUCCESS);
	CHECK(fake.open_mode == KernelMode && fake.privilege_mode == UserMode);
	CHECK(fake.handles == 0);
	end();

	begin("host: SdDetectHost finds Wine by its wine_ntoskrnl_main_loop export, and only by that");
	SdDetectHost();
	CHECK(SdHost.Wine == FALSE);
	fake.wine_exports = 1;
	SdDetectHost();
	CHECK(SdHost.Wine == TRUE);
	end();
}

/* ---- stack cookies (driver/sd_gs.c) ------------------------------------------ */

static void test_gs(void)
{
	ULONG_PTR good;

	begin("gs: GsDriverEntry's seeding replaces the default cookie, keeps the top 16 bits clear, and runs once");
	__security_cookie = SD_GS_DEFAULT_COOKIE;
	__security_cookie_complement = ~SD_GS_DEFAULT_COOKIE;
	SdInitSecurityCookie(&fake);
	good = __security_cookie;
	CHECK(good != SD_GS_DEFAULT_COOKIE && good != 0);
	CHECK((good >> 48) == 0);
	CHECK(__security_cookie_complement == ~good);
	SdInitSecurityCookie(NULL);	/* a loader (or a first call) has set it */
	CHECK(__security_cookie == good);
	end();

	begin("gs: a matching cookie returns quietly; a smashed one bug checks DRIVER_OVERRAN_STACK_BUFFER (0xF7)");
	__security_check_cookie(good);
	CHECK(fake.bugchecks == 0);
	__security_check_cookie(good ^ 0x41);
	CHECK(fake.bugchecks == 1 && fake.bugcheck_code == 0xF7);
	CHECK(fake.bugcheck_args[0] == (good ^ 0x41) && fake.bugcheck_args[1] == good);
	end();
}

/* ---- the client's argument parsing ---------------------------------------- */

static enum sd_args_result parse2(const char *a, const char *b, ThreadData *td)
{
	char *argv[] = { "SecondDriverClient", (char *)a, (char *)b, NULL };

	return sd_parse_args(3, argv, td);
}

static void test_args(void)
{
	static const char *bad_tids[] = { "", "abc", "12a", " 1", "1 ", "+1", "-1",
					  "0x10", "4294967296", "99999999999",
					  "1.5" };
	static const char *bad_prios[] = { "0", "32", "-1", "abc", "", "1.5",
					   "31x", "+5", "2147483648",
					   "-2147483649", "99999999999" };
	ThreadData td = { 0, 0 };
	char *argv[] = { "c", "1", "2", "3", NULL };
	size_t i;

	begin("args: the seed's \"8520 31\" parses exactly");
	CHECK(parse2("8520", "31", &td) == SD_ARGS_OK);
	CHECK(td.ThreadId == 8520 && td.Priority == 31);
	CHECK(parse2("4294967295", "1", &td) == SD_ARGS_OK);
	CHECK(td.ThreadId == 4294967295u && td.Priority == 1);
	end();

	begin("args: malformed or overflowing thread ids are refused");
	for (i = 0; i < sizeof(bad_tids) / sizeof(bad_tids[0]); i++)
		CHECK(parse2(bad_tids[i], "31", &td) == SD_ARGS_BAD_TID);
	end();

	begin("args: priorities outside 1..31 or malformed are refused");
	for (i = 0; i < sizeof(bad_prios) / sizeof(bad_prios[0]); i++)
		CHECK(parse2("8520", bad_prios[i], &td) == SD_ARGS_BAD_PRIORITY);
	end();

	begin("args: wrong argument counts give usage, --help gives help");
	CHECK(sd_parse_args(1, argv, &td) == SD_ARGS_USAGE);
	CHECK(sd_parse_args(2, argv, &td) == SD_ARGS_USAGE);
	CHECK(sd_parse_args(4, argv, &td) == SD_ARGS_USAGE);
	argv[1] = "--help";
	CHECK(sd_parse_args(2, argv, &td) == SD_ARGS_HELP);
	CHECK(sd_args_strerror(SD_ARGS_BAD_PRIORITY) != NULL);
	end();

	begin("args: strict integer parsers hold their limits");
	{
		sd_s32 s;
		sd_u32 u;

		CHECK(sd_parse_s32("-2147483648", &s) == 0 && s == INT_MIN);
		CHECK(sd_parse_s32("2147483647", &s) == 0 && s == INT_MAX);
		CHECK(sd_parse_s32("-", &s) == -1);
		CHECK(sd_parse_u32("0", &u) == 0 && u == 0);
		CHECK(sd_parse_u32(NULL, &u) == -1);
	}
	end();
}

/* ---- the client's JSON (client/sd_json.c) ----------------------------------------- */

static int parse(const char *text, enum sd_apply_field f, struct sd_apply_item **items,
		 size_t *n, char *why)
{
	return sd_json_parse_apply(text, strlen(text), f, items, n, why, 200);
}

static void test_json(void)
{
	struct sd_apply_item *items = NULL;
	char why[200], out[2048];
	size_t n = 0;
	FILE *f;

	begin("json: rows print as one array: a read has pid, tid, priority; a change adds old and error");
	{
		struct sd_row rows[3] = {
			{ 100, 101, 15, 0, 0, 0, 0, 0, NULL },
			{ 100, 102, 31, 1, 1, 8, 0, 0, NULL },
			{ 100, 103, 31, 1, 0, 0, 1, -3, "No such \"process\"\n" },
		};

		f = fmemopen(out, sizeof(out), "w");
		sd_json_print(f, rows, 3);
		fclose(f);
		CHECK(strcmp(out,
			     "[\n"
			     "  {\"pid\": 100, \"tid\": 101, \"priority\": 15},\n"
			     "  {\"pid\": 100, \"tid\": 102, \"priority\": 31, \"old\": 8, \"error\": null},\n"
			     "  {\"pid\": 100, \"tid\": 103, \"priority\": 31, \"old\": null, \"error\": "
			     "{\"code\": -3, \"text\": \"No such \\\"process\\\"\\n\"}}\n"
			     "]\n") == 0);
		f = fmemopen(out, sizeof(out), "w");
		sd_json_print(f, rows, 0);
		fclose(f);
		CHECK(strcmp(out, "[]\n") == 0);
	}
	end();

	begin("json: what --json prints parses back for apply, and for apply --undo");
	f = fmemopen(out, sizeof(out), "w");
	{
		struct sd_row rows[2] = {
			{ 7, 8, 20, 1, 1, 9, 0, 0, NULL },
			{ 7, 9, 20, 1, 0, 0, 1, -3, "gone" },
		};

		sd_json_print(f, rows, 2);
	}
	fclose(f);
	CHECK(parse(out, SD_APPLY_PRIORITY, &items, &n, why) == 0 && n == 2);
	CHECK(items && items[0].pid == 7 && items[0].tid == 8 && items[0].level == 20);
	CHECK(items && items[1].tid == 9 && items[1].level == 20);
	free(items);
	/* --undo: the failed element changed nothing, so it is skipped */
	CHECK(parse(out, SD_APPLY_OLD, &items, &n, why) == 0 && n == 1);
	CHECK(items && items[0].tid == 8 && items[0].level == 9);
	free(items);
	end();

	begin("json: apply takes any valid JSON: spacing, escapes, other members, an empty array");
	CHECK(parse(" [ {\"x\": [1, {\"a\": null}], \"tid\":5,\"priority\" : 31, \"s\": \"\\u00e9\\\"\"} ]\n",
		    SD_APPLY_PRIORITY, &items, &n, why) == 0 && n == 1);
	CHECK(items && items[0].tid == 5 && items[0].level == 31 && items[0].pid == 0);
	free(items);
	CHECK(parse("[]", SD_APPLY_PRIORITY, &items, &n, why) == 0 && n == 0);
	free(items);
	end();

	begin("json: malformed files are refused with where they fail");
	{
		static const char *bad[] = {
			"", "{}", "[", "[{]", "[{\"tid\": 5}]", "[{\"priority\": 5}]",
			"[{\"tid\": 5, \"priority\": 32}]", "[{\"tid\": 5, \"priority\": 0}]",
			"[{\"tid\": 5, \"priority\": 5.5}]", "[{\"tid\": 5, \"priority\": \"5\"}]",
			"[{\"tid\": 0, \"priority\": 5}]", "[{\"tid\": 4294967296, \"priority\": 5}]",
			"[{\"tid\": 5, \"priority\": 5, \"pid\": -1}]", "[{\"tid\": 5, \"priority\": 5}] x",
			"[{\"tid\": 5, \"priority\": 5},]", "[{\"tid\": 5 \"priority\": 5}]",
			"[{\"tid\": 5, \"priority\": 5, \"s\": \"\\x\"}]",
			"[{\"tid\": 5, \"priority\": null}]", "[1e999999999999]",
		};
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			why[0] = 0;
			if (parse(bad[i], SD_APPLY_PRIORITY, &items, &n, why) != -1 || !why[0]) {
				printf("    accepted or unexplained: %s\n", bad[i]);
				CHECK(0);
			}
		}
	}
	CHECK(parse("[{\"tid\": 5, \"priority\": 5}, {\"tid\": 6}]", SD_APPLY_PRIORITY,
		    &items, &n, why) == -1 && strstr(why, "element 2") && strstr(why, "priority"));
	CHECK(parse("[{\"tid\": 5, \"priority\": 5}]", SD_APPLY_OLD, &items, &n, why) == -1 &&
	      strstr(why, "\"old\""));
	end();
}

/*
 * The Linux twin's mapping (linux/sd_map.c) against the table the spec
 * writes out (docs/SPEC.md 9.3), typed here by hand, not computed.
 */
static const int spec_nice[16] = {
	0, 19, 18, 15, 12, 9, 6, 3, 0, -3, -6, -9, -12, -15, -18, -20
};

static void test_linux_map(void)
{
	struct sd_sched m;
	sd_s32 level;
	int nice;

	begin("linux map: levels 1..15 are SCHED_OTHER at the spec's nice values");
	for (level = 1; level <= 15; level++) {
		m.policy = 99;
		CHECK(sd_map_from_level(level, &m) == 0);
		CHECK(m.policy == SD_SCHED_OTHER && m.nice == spec_nice[level] &&
		      m.rt_priority == 0);
	}
	end();

	begin("linux map: levels 16..31 are SCHED_RR 1..16 at nice 0");
	for (level = 16; level <= 31; level++) {
		CHECK(sd_map_from_level(level, &m) == 0);
		CHECK(m.policy == SD_SCHED_RR && m.rt_priority == (sd_u32)(level - 15) &&
		      m.nice == 0);
	}
	end();

	begin("linux map: levels off the scale are refused and leave the output alone");
	{
		static const sd_s32 bad[] = { 0, 32, -1, INT_MIN, INT_MAX };
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			m.policy = 77;
			CHECK(sd_map_from_level(bad[i], &m) == -1 && m.policy == 77);
			CHECK(!sd_level_valid(bad[i]));
		}
	}
	end();

	begin("linux map: every level reads back as itself");
	for (level = 1; level <= 31; level++) {
		CHECK(sd_map_from_level(level, &m) == 0);
		CHECK(sd_map_to_level(m.policy, m.nice, m.rt_priority) == level);
	}
	end();

	begin("linux map: any nice reads as the nearest level, ties toward 8");
	for (nice = -20; nice <= 19; nice++) {
		sd_s32 got = sd_map_to_level(SD_SCHED_OTHER, nice, 0);
		int d = spec_nice[got] > nice ? spec_nice[got] - nice : nice - spec_nice[got];
		sd_s32 l;

		CHECK(got >= 1 && got <= 15);
		for (l = 1; l <= 15; l++) {
			int dl = spec_nice[l] > nice ? spec_nice[l] - nice : nice - spec_nice[l];

			CHECK(dl >= d);	/* nothing nearer */
			/* and on a tie, the answer is the one nearer 8 */
			if (dl == d && l != got)
				CHECK((l > 8 ? l - 8 : 8 - l) > (got > 8 ? got - 8 : 8 - got));
		}
		CHECK(sd_map_to_level(SD_SCHED_BATCH, nice, 0) == got);
	}
	/* Worked by hand. The only tie on the scale is -19, between 14 and 15. */
	CHECK(sd_map_to_level(SD_SCHED_OTHER, 1, 0) == 8);
	CHECK(sd_map_to_level(SD_SCHED_OTHER, -19, 0) == 14);	/* -18 vs -20 */
	CHECK(sd_map_to_level(SD_SCHED_OTHER, 17, 0) == 2);
	CHECK(sd_map_to_level(SD_SCHED_OTHER, 16, 0) == 3);
	CHECK(sd_map_to_level(SD_SCHED_OTHER, 2, 0) == 7);
	CHECK(sd_map_to_level(SD_SCHED_OTHER, -2, 0) == 9);
	end();

	/* Found by tests/fuzz/fuzz_map.c: nice INT_MIN overflowed the distance. */
	begin("linux map: a nice off -20..19 reads as the nearest end, without overflow");
	CHECK(sd_map_to_level(SD_SCHED_OTHER, INT_MIN, 0) == 15);
	CHECK(sd_map_to_level(SD_SCHED_OTHER, -21, 0) == 15);
	CHECK(sd_map_to_level(SD_SCHED_BATCH, INT_MAX, 0) == 1);
	CHECK(sd_map_to_level(SD_SCHED_OTHER, 20, 0) == 1);
	end();

	begin("linux map: IDLE, FIFO/RR, DEADLINE and unknown policies read as the spec says");
	CHECK(sd_map_to_level(SD_SCHED_IDLE, 0, 0) == 1);
	CHECK(sd_map_to_level(SD_SCHED_FIFO, 0, 1) == 16);
	CHECK(sd_map_to_level(SD_SCHED_RR, 0, 16) == 31);
	CHECK(sd_map_to_level(SD_SCHED_FIFO, 0, 50) == 31);
	CHECK(sd_map_to_level(SD_SCHED_RR, 0, 99) == 31);
	CHECK(sd_map_to_level(SD_SCHED_DEADLINE, 0, 0) == 31);
	CHECK(sd_map_to_level(4, 0, 0) == -1);
	CHECK(sd_map_to_level(7, 0, 0) == -1);
	end();
}

int main(void)
{
	test_contract();
	test_table();
	test_set_priority();
	test_reference_balance();
	test_access();
	test_get();
	test_set_ex();
	test_batch();
	test_gs();
	test_args();
	test_json();
	test_linux_map();
	test_log_ring();
	test_log_driver();
	test_decode();
	test_service();
	test_config();
	test_lease();
	test_boost_driver();
	test_watch();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
