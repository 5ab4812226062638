// SPDX-License-Identifier: MIT
/*
 * fuzz_ioctl.c - libFuzzer target: the Windows driver's request code
 * (driver/sd_ioctl.c, the very source the .sys is built from), against the
 * native fake kernel (tests/native/fake_kernel.c).
 *
 * Each input is decoded into one request:
 *   first      the code: a code of SdIoctlTable, a neighbour of one (a bit
 *              flipped, another function, method or access), or 32 random
 *              bits
 *   then       the requestor mode and the pointer: UserMode with a valid,
 *              NULL, misaligned or faulting pointer; KernelMode with a valid
 *              kernel buffer or NULL (SPEC section 5: a bad KernelMode
 *              pointer is the caller's bug, so none is sent)
 *   then       what the thread lookup finds: a thread, an exiting thread,
 *              or nothing (STATUS_INVALID_CID as under Wine,
 *              STATUS_INVALID_PARAMETER as on Windows); and in its high
 *              bits, one time in four, a cap (MaxPriority) below 31
 *   then       who asks: the handle's access (unknown, or any mask), a
 *              system thread, a thread whose security refuses the open, a
 *              missing privilege, Windows or Wine
 *   then       input and output lengths, 0..64 KiB each, mostly short
 *   the rest   the input's contents, repeated to its length
 *
 * After every request it checks, and aborts (a libFuzzer crash) if not:
 *   - every successful lookup was matched by exactly one dereference, and
 *     every thread handle the access check opened was closed
 *   - the status is one SPEC lists for that code
 *   - Information is 0 on failure, and within the output buffer on success
 *   - neither buffer was written outside [0, Information) of the output;
 *     ASan catches any read outside them (they are allocated to the byte)
 *   - a successful SET changed the thread it named, to a level in 1..31;
 *     no thread was set above the cap;
 *     a batch answers one result per entry, each with a status SPEC lists
 *   - the leases (driver/sd_boost.c, a table of 4 made afresh for each
 *     input, so that it fills): a BOOST that succeeded holds exactly one
 *     thread reference; when every lease has ended, every reference is
 *     given back
 *   - the log (driver/sd_log.c, started once): every request but GET_LOG
 *     added exactly its one IOCTL record (after a CHANGE record per thread
 *     a batch changed), with the request's code, lengths, status and
 *     Information, and captured bytes that are the input's own; GET_LOG
 *     added none, and answered whole, consecutive records; the log's spin
 *     lock was released every time
 * A code that SdIoctlTable gains without a status list here aborts too, so
 * a new IOCTL cannot land without joining this fuzzer.
 */
#define _DEFAULT_SOURCE	/* MAP_ANONYMOUS under -std=c11 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fake_state.h"
#include "sd_access.h"
#include "sd_boost.h"
#include "sd_config.h"
#include "sd_host.h"
#include "sd_ioctl.h"
#include "sd_log.h"
#include "sd_watch.h"

#define MAX_LEN 65536u
#define PATTERN 0xA5

/* The statuses docs/SPEC.md lists for each code (section 5 for SET). */
struct allowed {
	ULONG code;
	NTSTATUS status[8];
};

static const struct allowed spec_statuses[] = {
	{ IOCTL_SECOND_DRIVER_SET_PRIORITY,
	  { STATUS_SUCCESS, STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_PARAMETER,
	    STATUS_ACCESS_VIOLATION, STATUS_DATATYPE_MISALIGNMENT,
	    STATUS_INVALID_CID, STATUS_ACCESS_DENIED, STATUS_PRIVILEGE_NOT_HELD } },
	{ IOCTL_SECOND_DRIVER_GET_PRIORITY,
	  { STATUS_SUCCESS, STATUS_BUFFER_TOO_SMALL, STATUS_ACCESS_DENIED,
	    STATUS_INVALID_CID, STATUS_INVALID_PARAMETER } },
	{ IOCTL_SECOND_DRIVER_SET_PRIORITY_EX,
	  { STATUS_SUCCESS, STATUS_BUFFER_TOO_SMALL, STATUS_ACCESS_DENIED,
	    STATUS_INVALID_PARAMETER, STATUS_NOT_SUPPORTED, STATUS_INVALID_CID,
	    STATUS_PRIVILEGE_NOT_HELD } },
	{ IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH,
	  { STATUS_SUCCESS, STATUS_BUFFER_TOO_SMALL, STATUS_INVALID_PARAMETER,
	    STATUS_ACCESS_DENIED } },
	{ IOCTL_SECOND_DRIVER_GET_LOG,
	  { STATUS_SUCCESS, STATUS_BUFFER_TOO_SMALL, STATUS_ACCESS_DENIED } },
	{ IOCTL_SECOND_DRIVER_CLEAR_LOG, { STATUS_SUCCESS, STATUS_ACCESS_DENIED } },
	{ IOCTL_SECOND_DRIVER_GET_INFO,
	  { STATUS_SUCCESS, STATUS_BUFFER_TOO_SMALL, STATUS_ACCESS_DENIED } },
	{ IOCTL_SECOND_DRIVER_BOOST,
	  { STATUS_SUCCESS, STATUS_BUFFER_TOO_SMALL, STATUS_ACCESS_DENIED,
	    STATUS_INVALID_PARAMETER, STATUS_INVALID_CID, STATUS_PRIVILEGE_NOT_HELD,
	    STATUS_INSUFFICIENT_RESOURCES } },
	{ IOCTL_SECOND_DRIVER_END_LEASE,
	  { STATUS_SUCCESS, STATUS_BUFFER_TOO_SMALL, STATUS_ACCESS_DENIED,
	    STATUS_INVALID_PARAMETER, STATUS_NOT_FOUND } },
	{ IOCTL_SECOND_DRIVER_LIST_LEASES,
	  { STATUS_SUCCESS, STATUS_BUFFER_TOO_SMALL, STATUS_ACCESS_DENIED } },
};

static void die(const char *what, ULONG code, NTSTATUS st)
{
	fprintf(stderr, "fuzz_ioctl: %s (code 0x%08X, status 0x%08X)\n", what,
		(unsigned)code, (unsigned)st);
	abort();
}

static int status_allowed(ULONG code, NTSTATUS st)
{
	size_t i, j;

	if (SdFindIoctl(code) == NULL)
		return st == STATUS_INVALID_DEVICE_REQUEST;
	for (i = 0; i < sizeof(spec_statuses) / sizeof(spec_statuses[0]); i++) {
		if (spec_statuses[i].code != code)
			continue;
		for (j = 0; j < 8; j++) {
			if (spec_statuses[i].status[j] == st &&
			    (st != 0 || j == 0))
				return 1;
		}
		return 0;
	}
	die("a code of SdIoctlTable has no SPEC status list in the fuzzer", code, st);
	return 0;
}

struct cursor {
	const uint8_t *p;
	size_t n;
};

static uint8_t take8(struct cursor *c)
{
	uint8_t v = 0;

	if (c->n) {
		v = *c->p++;
		c->n--;
	}
	return v;
}

static uint32_t take32(struct cursor *c)
{
	uint32_t v = take8(c);

	v |= (uint32_t)take8(c) << 8;
	v |= (uint32_t)take8(c) << 16;
	return v | (uint32_t)take8(c) << 24;
}

/*
 * A length of 0..64 KiB. Most are short, where the length checks are; one
 * in eight is drawn from the whole range.
 */
static ULONG take_len(struct cursor *c)
{
	uint8_t kind = take8(c);
	uint32_t v = take8(c);

	v |= (uint32_t)take8(c) << 8;
	switch (kind % 8) {
	case 0:
	case 1:
	case 2:
		return v % 33;
	case 3:
	case 4:
		return v % 257;
	case 5:
	case 6:
		return v % 4097;
	default:
		return ((v << 1) | (kind >> 7)) % (MAX_LEN + 1);
	}
}

static ULONG pick_code(struct cursor *c)
{
	uint8_t kind = take8(c);
	ULONG base = SdIoctlTable[take8(c) % SdIoctlCount].Code;
	uint8_t r = take8(c);

	switch (kind % 6) {
	case 0:
	case 1:
		return base;
	case 2:
		return base ^ (1u << (r % 32));		/* one bit flipped */
	case 3:
		return base + (((ULONG)(r % 16) - 8u) << 2);	/* a nearby function */
	case 4:
		return (base & ~0xC003u) | ((r & 3u) << 14) | (r >> 6);	/* access, method */
	default:
		return take32(c);
	}
}

/* One page nobody may touch: a faulting user pointer points here. */
static uint8_t *fault_page;

/* Fill n bytes from the fuzzer's data, repeated; 0x5A if there is none. */
static void fill(uint8_t *dst, size_t n, const struct cursor *c)
{
	size_t i;

	if (!c->n) {
		memset(dst, 0x5A, n);
		return;
	}
	for (i = 0; i < n; i += c->n)
		memcpy(dst + i, c->p, n - i < c->n ? n - i : c->n);
}

/* The number the log gives its next record. */
static sd_u64 log_next(void)
{
	SdGetLogOut o;

	SdLogRead(~0ull, NULL, 0, &o);
	return o.NextSeq;
}

/* Record number seq into *rec; 0 if the log no longer holds it. */
static int log_record(sd_u64 seq, SdLogRecord *rec)
{
	SdGetLogOut o;

	return SdLogRead(seq, rec, 1, &o) == 1 && o.Lost == 0 && rec->Seq == seq;
}

/* 1 if the n bytes at p are one of the batch input's entries. */
static int is_entry(const uint8_t *sys, ULONG inlen, const uint8_t *p, size_t n)
{
	size_t off;

	for (off = sizeof(SdBatchHeader); off + sizeof(SdBatchEntry) <= inlen;
	     off += sizeof(SdBatchEntry)) {
		if (!memcmp(sys + off, p, n))
			return 1;
	}
	return 0;
}

/*
 * What this one request did to the log, from number before on. The input
 * as the driver saw it is `seen` (inlen bytes), or NULL where it could not
 * be read.
 */
static void check_log(ULONG code, NTSTATUS st, ULONG_PTR info, const SD_REQUEST *r,
		      sd_u64 before, const uint8_t *seen, const uint8_t *answer)
{
	sd_u64 after = log_next(), seq;
	SdLogRecord rec;

	if (fake.lock_held || fake.lock_misuse)
		die("the log's spin lock was left held, or taken twice", code, st);
	if (code == IOCTL_SECOND_DRIVER_GET_LOG) {
		const SdGetLogOut *o = (const SdGetLogOut *)answer;
		const SdLogRecord *recs;
		ULONG i;

		if (after != before)
			die("GET_LOG was recorded", code, st);
		if (!NT_SUCCESS(st))
			return;
		recs = (const SdLogRecord *)(o + 1);
		if (info != sizeof(*o) + o->Count * sizeof(SdLogRecord) ||
		    o->Count > (r->OutputBufferLength - sizeof(*o)) / sizeof(SdLogRecord) ||
		    o->Count > SD_LOG_CAPACITY || o->NextSeq > after || o->Reserved)
			die("GET_LOG's answer does not add up", code, st);
		for (i = 0; i < o->Count; i++) {
			if (recs[i].Seq != o->NextSeq - o->Count + i || recs[i].Kind == 0 ||
			    recs[i].CapturedLength > SD_LOG_CAPTURE_MAX)
				die("GET_LOG answered a record out of order, or torn", code, st);
		}
		return;
	}
	if (after < before + 1)
		die("a request was not recorded", code, st);
	for (seq = before; seq + 1 < after; seq++) {
		/* Only a batch writes more: one CHANGE record per thread changed. */
		if (code != IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH || !NT_SUCCESS(st))
			die("a request wrote more than its one record", code, st);
		if (log_record(seq, &rec) &&
		    (rec.Kind != SD_LOG_CHANGE || rec.CapturedLength != sizeof(SdBatchEntry) ||
		     !(rec.Flags & SD_LOG_F_CHANGE) || !is_entry(seen, r->InputBufferLength,
								 rec.Captured, 8)))
			die("a batch's CHANGE record is not one of its entries", code, st);
	}
	if (!log_record(after - 1, &rec))
		die("the request's record is not the newest", code, st);
	if (rec.Kind != SD_LOG_IOCTL || rec.Os != SD_LOG_OS_WINDOWS || rec.Code != code ||
	    rec.Status != st || rec.Information != info || rec.InLen != r->InputBufferLength ||
	    rec.OutLen != r->OutputBufferLength || rec.Reserved != 0)
		die("the request's record does not say what happened", code, st);
	if (rec.CapturedLength > SD_LOG_CAPTURE_MAX || rec.CapturedLength > r->InputBufferLength ||
	    (rec.CapturedLength && (!seen || memcmp(rec.Captured, seen, rec.CapturedLength))))
		die("a record's captured bytes are not the input's", code, st);
	if ((rec.Flags & SD_LOG_F_CHANGE) &&
	    (!NT_SUCCESS(st) || rec.NewLevel < SD_PRIORITY_MIN || rec.NewLevel > SD_PRIORITY_MAX))
		die("a record shows a change the request did not make", code, st);
	if (code == IOCTL_SECOND_DRIVER_CLEAR_LOG && NT_SUCCESS(st) && log_record(before - 1, &rec))
		die("CLEAR_LOG left a record behind", code, st);
}

/* The statuses one SET_PRIORITY_BATCH entry may end with. */
static int entry_status_allowed(NTSTATUS st)
{
	return st == STATUS_SUCCESS || st == STATUS_INVALID_PARAMETER ||
	       st == STATUS_INVALID_CID || st == STATUS_ACCESS_DENIED ||
	       st == STATUS_PRIVILEGE_NOT_HELD;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	ULONG code = pick_code(&c);
	uint8_t how = take8(&c), lookup = take8(&c), who = take8(&c);
	ACCESS_MASK granted = take8(&c);
	ULONG inlen = take_len(&c), outlen = take_len(&c);
	int buffered = (code & 3u) == METHOD_BUFFERED;
	size_t bufsize = buffered ? (inlen > outlen ? inlen : outlen) : 0;
	uint8_t *in = NULL, *in_copy = NULL, *out = NULL, *sys = NULL, *sys_copy = NULL;
	SD_REQUEST r;
	ThreadData named = { 0, 0 };
	ULONG_PTR info = 0xDEAD;
	const uint8_t *seen = NULL;
	int pre_lease = 0, watched;
	SdDriverInfo wi;
	sd_u64 before;
	NTSTATUS st;
	size_t i;

	if (!fault_page) {
		fault_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (fault_page == MAP_FAILED)
			abort();
		fake_reset();
		if (SdLogStart() != STATUS_SUCCESS)	/* the log lives for the whole run */
			abort();
	}

	fake_reset();
	SdHost.Wine = (who & 1) != 0;
	fake.system_thread = (who & 2) != 0;
	fake.open_status = (who & 4) ? STATUS_ACCESS_DENIED : STATUS_SUCCESS;
	fake.privilege_denied = (who & 8) != 0;
	SdConfig.MaxLevel = (lookup >> 2) % 4 == 0 ? 1 + (lookup >> 4) % 31 : SD_PRIORITY_MAX;
	switch (lookup % 4) {
	case 1:
		fake.lookup_exiting = 1;
		break;
	case 2:
		fake.lookup_status = STATUS_INVALID_CID;
		break;
	case 3:
		fake.lookup_status = STATUS_INVALID_PARAMETER;
		break;
	}

	memset(&r, 0, sizeof(r));
	r.IoControlCode = code;
	r.InputBufferLength = inlen;
	r.OutputBufferLength = outlen;
	r.RequestorMode = (how & 1) ? UserMode : KernelMode;
	if (who & 0x10) {		/* a create that carried a security context */
		SD_OPEN open = { 0, TRUE, granted | ((who & 0x20) ? FILE_WRITE_DATA : 0) };
		PVOID ctx;

		if (SdOpen(&open, &ctx) != STATUS_SUCCESS)
			die("SdOpen refused an open of the device itself", 0, 0);
		SdHandleAccessFromContext(ctx, &r);
	}

	if (buffered) {
		/*
		 * METHOD_BUFFERED, as the I/O manager sends it: one kernel buffer
		 * of the larger length, the input at its start, for both; none if
		 * both lengths are 0.
		 */
		if (bufsize) {
			sys = malloc(bufsize);
			sys_copy = malloc(bufsize);
			if (!sys || !sys_copy)
				abort();
			memset(sys, PATTERN, bufsize);
			fill(sys, inlen, &c);
			/* Often a batch header whose count fits the length. */
			if (code == IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH && (who & 0x40) &&
			    inlen >= sizeof(SdBatchHeader)) {
				SdBatchHeader h = { (inlen - sizeof(h)) / sizeof(SdBatchEntry),
						    (who & 0x80) ? 1u : 0u };

				memcpy(sys, &h, sizeof(h));
			}
			memcpy(sys_copy, sys, bufsize);
		}
		r.InputBuffer = sys;
		r.OutputBuffer = sys;
	} else {
		/* The input, allocated to the byte, filled from the fuzzer's data. */
		in = malloc(inlen);	/* ASan: even 0 bytes is a real allocation */
		in_copy = malloc(inlen + 1);
		if (!in || !in_copy)
			abort();
		fill(in, inlen, &c);
		memcpy(in_copy, in, inlen);
		if (inlen >= sizeof(ThreadData))
			memcpy(&named, in, sizeof(named));
		if (outlen) {
			out = malloc(outlen);
			if (!out)
				abort();
			memset(out, PATTERN, outlen);
		}
		r.OutputBuffer = out;
		r.InputBuffer = in;
		if (r.RequestorMode == KernelMode) {
			if ((how >> 1) % 4 == 0)
				r.InputBuffer = NULL;
		} else {
			switch ((how >> 1) % 6) {
			case 0:
				r.InputBuffer = NULL;
				break;
			case 1:		/* misaligned: fails ProbeForRead, never read */
				r.InputBuffer = in + 1 + (how >> 6) % 3;
				break;
			case 2:		/* unmapped, or not a user address */
			case 3:
				r.InputBuffer = fault_page + ((how >> 4) & 3) * 4;
				fake.fault_begin = fault_page;
				fake.fault_end = fault_page + 4096;
				fake.fault_status = (how & 0x80) ? STATUS_ACCESS_VIOLATION
								 : STATUS_DATATYPE_MISALIGNMENT;
				break;
			default:
				break;
			}
		}
	}

	/* The input as the driver can see it: captured bytes must be these. */
	if (buffered)
		seen = sys_copy;
	else if (r.InputBuffer == (const void *)in)
		seen = in_copy;
	else if (r.InputBuffer && (const uint8_t *)r.InputBuffer > in &&
		 (const uint8_t *)r.InputBuffer < in + inlen)
		seen = NULL;	/* misaligned: never read */
	before = log_next();
	r.FileObject = &fault_page;	/* any address: the handle that owns leases */
	/* The watchdog is on off Wine: every change at 16..31 starts a watch. */
	if (SdWatchStart() != STATUS_SUCCESS || SdBoostStart(4) != STATUS_SUCCESS)
		abort();
	if (who & 0x80) {		/* a lease already live on another handle, if it can be */
		SdBoost b = { 7, SD_PRIORITY_MIN, 0, 0 };
		SdBoostResult res;
		SD_REQUEST other = { .RequestorMode = KernelMode, .FileObject = &fake };

		pre_lease = NT_SUCCESS(SdBoostLease(&other, &b, &res));
	}
	fake.refs = 0;
	fake.lookups = fake.derefs = fake.sets = 0;
	st = SdDispatchIoctl(&r, &info);
	check_log(code, st, info, &r, before, seen, sys);
	memset(&wi, 0, sizeof(wi));
	SdWatchInfo(&wi);
	watched = (int)wi.Watched;	/* each watch holds one reference */
	if (SdHost.Wine && (watched || fake.runtime_queries))
		die("the watchdog ran under Wine", code, st);
	if (watched > 1 && code != IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH)
		die("one request began more than one watch", code, st);
	if (code == IOCTL_SECOND_DRIVER_BOOST && NT_SUCCESS(st) && fake.refs != 1 + watched)
		die("a lease did not keep exactly one thread reference", code, st);
	fake.refs -= watched;		/* given back when the watches end */
	if (code == IOCTL_SECOND_DRIVER_BOOST && NT_SUCCESS(st))
		fake.refs = 0;		/* the lease's, given back when it ends */

	if (fake.refs != 0)
		die("a thread reference was kept or dropped twice", code, st);
	/*
	 * A lease keeps its lookup's reference until it ends (checked below);
	 * a watch that began and ended within the request (a BATCH naming one
	 * thread twice) dropped the reference it took.
	 */
	if (fake.derefs != (NT_SUCCESS(fake.lookup_status) ? fake.lookups : 0) -
			   (code == IOCTL_SECOND_DRIVER_BOOST && NT_SUCCESS(st)) +
			   fake.ref_takes - watched)
		die("a successful lookup was not dereferenced exactly once", code, st);
	if (fake.handles != 0)
		die("a handle was left open", code, st);
	if (fake.process_refs != 0)
		die("a process reference was kept", code, st);
	if (NT_SUCCESS(st) && r.HandleAccessKnown && SdFindIoctl(code) &&
	    (r.HandleAccess & SdFindIoctl(code)->HandleAccess) != SdFindIoctl(code)->HandleAccess)
		die("a request succeeded on a handle without the code's access", code, st);
	if (fake.sets && r.RequestorMode == UserMode &&
	    (fake.system_thread || !NT_SUCCESS(fake.open_status) ||
	     (fake.privilege_denied && fake.set_priority >= SD_PRIORITY_REALTIME_MIN)))
		die("a UserMode request changed a thread the access rules refuse", code, st);
	if (fake.sets > fake.lookups)
		die("a thread was set without a lookup", code, st);
	if (fake.sets && fake.set_priority > SdConfig.MaxLevel)
		die("a thread was set above the cap", code, st);
	if (!status_allowed(code, st))
		die("a status SPEC does not list for this code", code, st);
	if (!NT_SUCCESS(st) && info != 0)
		die("Information is not 0 on a failure", code, st);
	if (NT_SUCCESS(st) && info > outlen)
		die("Information is larger than the output buffer", code, st);
	if (!NT_SUCCESS(st) && fake.sets)
		die("a failed request changed a thread", code, st);
	if (buffered) {
		/* Nothing written beyond what the request answers. */
		for (i = (size_t)(NT_SUCCESS(st) ? info : 0); i < bufsize; i++) {
			if (sys[i] != sys_copy[i])
				die("the buffer was written beyond Information", code, st);
		}
		if (NT_SUCCESS(st) && code == IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH) {
			const SdBatchHeader *h = (const SdBatchHeader *)sys_copy;
			const SdBatchResult *res = (const SdBatchResult *)sys;

			if (info != h->Count * sizeof(SdBatchResult))
				die("a batch answered other than one result per entry", code, st);
			for (i = 0; i < h->Count; i++) {
				if (!entry_status_allowed(res[i].Status) ||
				    (!NT_SUCCESS(res[i].Status) && res[i].OldLevel != 0))
					die("a batch entry's result is not one SPEC lists", code, st);
			}
		}
	} else {
		for (i = (size_t)(NT_SUCCESS(st) ? info : 0); i < outlen; i++) {
			if (out[i] != PATTERN)
				die("the output was written beyond Information", code, st);
		}
		if (memcmp(in_copy, in, inlen))
			die("the input buffer was written", code, st);
		if (NT_SUCCESS(st) && code == IOCTL_SECOND_DRIVER_SET_PRIORITY) {
			if (fake.sets != 1 || fake.set_thread_id != named.ThreadId ||
			    fake.set_priority != named.Priority ||
			    named.Priority < SD_PRIORITY_MIN || named.Priority > SD_PRIORITY_MAX)
				die("a successful SET did not set the thread and level it named", code, st);
		}
	}

	/* Every lease ends (the unload's path): every reference comes back. */
	{
		int held = fake.refs;

		fake.refs = 0;
		SdBoostStop();
		SdWatchStop();
		if (fake.refs != -(held + pre_lease + watched +
				   (code == IOCTL_SECOND_DRIVER_BOOST && NT_SUCCESS(st))))
			die("ending the leases and the watches did not give back each one's reference",
			    code, st);
	}

	free(sys);
	free(sys_copy);
	free(out);
	free(in_copy);
	free(in);
	return 0;
}
