// SPDX-License-Identifier: MIT
/*
 * sd_ioctl.c - the IOCTL table and its handlers.
 *
 * Adding an IOCTL is one contract entry (include/seconddriver.h), one
 * handler and one row of SdIoctlTable here, and one test block per host.
 */
#include "sd_ioctl.h"
#include "sd_access.h"
#include "sd_boost.h"
#include "sd_capture.h"
#include "sd_config.h"
#include "sd_host.h"
#include "sd_watch.h"

const SD_IOCTL_ENTRY SdIoctlTable[] = {
	{ IOCTL_SECOND_DRIVER_SET_PRIORITY, FILE_WRITE_DATA, sizeof(ThreadData), 0,
	  SdSetPriority, "SET_PRIORITY" },
	{ IOCTL_SECOND_DRIVER_GET_PRIORITY, FILE_READ_DATA, sizeof(SdGetPriority),
	  sizeof(SdGetPriority), SdGetPriorityHandler, "GET_PRIORITY" },
	{ IOCTL_SECOND_DRIVER_SET_PRIORITY_EX, FILE_WRITE_DATA, sizeof(SdSetPriorityEx),
	  sizeof(SdSetPriorityEx), SdSetPriorityExHandler, "SET_PRIORITY_EX" },
	/* The output's length depends on the count: the handler checks it. */
	{ IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH, FILE_WRITE_DATA, sizeof(SdBatchHeader), 0,
	  SdSetPriorityBatchHandler, "SET_PRIORITY_BATCH" },
	{ IOCTL_SECOND_DRIVER_GET_LOG, FILE_READ_DATA, sizeof(SdGetLogIn), sizeof(SdGetLogOut),
	  SdGetLogHandler, "GET_LOG" },
	{ IOCTL_SECOND_DRIVER_CLEAR_LOG, FILE_WRITE_DATA, 0, 0, SdClearLogHandler, "CLEAR_LOG" },
	{ IOCTL_SECOND_DRIVER_BOOST, FILE_WRITE_DATA, sizeof(SdBoost), sizeof(SdBoostResult),
	  SdBoostHandler, "BOOST" },
	{ IOCTL_SECOND_DRIVER_END_LEASE, FILE_WRITE_DATA, sizeof(SdEndLease), 0,
	  SdEndLeaseHandler, "END_LEASE" },
	{ IOCTL_SECOND_DRIVER_LIST_LEASES, FILE_READ_DATA, 0, sizeof(SdLeaseListHeader),
	  SdListLeasesHandler, "LIST_LEASES" },
	{ IOCTL_SECOND_DRIVER_GET_INFO, FILE_READ_DATA, 0, sizeof(SdDriverInfo),
	  SdGetInfoHandler, "GET_INFO" },
};

const ULONG SdIoctlCount = sizeof(SdIoctlTable) / sizeof(SdIoctlTable[0]);

_Use_decl_annotations_
SD_PAGED_CODE
const SD_IOCTL_ENTRY *SdFindIoctl(ULONG Code)
{
	ULONG i;

	PAGED_CODE();

	for (i = 0; i < SdIoctlCount; i++) {
		if (SdIoctlTable[i].Code == Code)
			return &SdIoctlTable[i];
	}
	return NULL;
}

_Use_decl_annotations_
NTSTATUS SdValidateThreadData(const ThreadData *Data)
{
	if (Data->Priority < SD_PRIORITY_MIN || Data->Priority > SD_PRIORITY_MAX)
		return STATUS_INVALID_PARAMETER;
	if (Data->Priority > SdConfig.MaxLevel) {
		SdWarn("level %ld is above the cap, MaxPriority %ld\n", (long)Data->Priority,
		       (long)SdConfig.MaxLevel);
		return STATUS_PRIVILEGE_NOT_HELD;
	}
	return STATUS_SUCCESS;
}

/*
 * SdSetThreadLevel - look up ThreadId, check that the requestor could set it
 * from user mode (sd_access.h), and set it to Level, which the caller has
 * validated: its current priority, or with Base its base priority
 * (sd_base.h). A non-zero ProcessId must own the thread, or the thread is
 * left alone with STATUS_INVALID_CID. *OldLevel gets the thread's priority
 * before: what KeSetPriorityThread reports (Wine's stub reports the new
 * one), or KeQueryPriorityThread's for a base. The lookup's reference is
 * dropped on every path.
 */
SD_PAGED_CODE
static NTSTATUS SdSetThreadLevel(_In_ sd_u32 ThreadId, _In_ sd_s32 Level,
				 _In_ sd_u32 ProcessId, _In_ BOOLEAN Base,
				 _In_ KPROCESSOR_MODE RequestorMode, _Out_ sd_s32 *OldLevel)
{
	PETHREAD thread;
	NTSTATUS status;

	PAGED_CODE();

	*OldLevel = 0;
	status = PsLookupThreadByThreadId(ULongToHandle(ThreadId), &thread);
	if (!NT_SUCCESS(status))
		return status;

	/* The lookup took a reference on the thread: one dereference below. */
	if (ProcessId != 0 && HandleToULong(PsGetThreadProcessId(thread)) != ProcessId)
		status = STATUS_INVALID_CID;
	else
		status = SdCheckThreadAccess(thread, RequestorMode, Level);
	if (NT_SUCCESS(status))
		status = SdWatchSetLevel(thread, ThreadId, Level, Base, OldLevel);
	ObDereferenceObject(thread);
	return status;
}

/*
 * IOCTL_SECOND_DRIVER_SET_PRIORITY: the seed's request, in the seed's order
 * of checks (length, NULL, range), but on a captured copy of the input, and
 * only on a thread the requestor could set from user mode (sd_access.h).
 */
_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdSetPriority(const SD_REQUEST *Request, ULONG_PTR *Information,
		       PSD_LOG_NOTE Note)
{
	ThreadData data;
	NTSTATUS status;
	sd_s32 old;

	PAGED_CODE();

	*Information = 0;

	if (Request->InputBuffer == NULL)
		return STATUS_INVALID_PARAMETER;

	status = SdCaptureThreadData(Request->InputBuffer,
				     Request->RequestorMode, &data);
	if (!NT_SUCCESS(status))
		return status;
	SdLogNoteCapture(Note, &data, sizeof(data));

	status = SdValidateThreadData(&data);
	if (!NT_SUCCESS(status))
		return status;

	status = SdSetThreadLevel(data.ThreadId, data.Priority, 0, FALSE,
				  Request->RequestorMode, &old);
	if (!NT_SUCCESS(status))
		return status;
	SdLogNoteChange(Note, data.ThreadId, old, data.Priority);

	SdInfo("Thread Priority change for %lu to %ld succeeded!\n",
	       (unsigned long)data.ThreadId, (long)data.Priority);
	return STATUS_SUCCESS;
}

/*
 * IOCTL_SECOND_DRIVER_GET_PRIORITY: the thread's current priority, if the
 * requestor could read it from user mode. METHOD_BUFFERED: the structure is
 * read whole before the answer overwrites it.
 */
_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdGetPriorityHandler(const SD_REQUEST *Request, ULONG_PTR *Information,
			      PSD_LOG_NOTE Note)
{
	SdGetPriority query = *(const SdGetPriority *)Request->InputBuffer;
	PETHREAD thread;
	NTSTATUS status;

	PAGED_CODE();

	*Information = 0;
	SdLogNoteCapture(Note, &query, sizeof(query));
	status = PsLookupThreadByThreadId(ULongToHandle(query.ThreadId), &thread);
	if (!NT_SUCCESS(status))
		return status;
	status = SdCheckThreadQuery(thread, Request->RequestorMode);
	if (NT_SUCCESS(status))
		query.Level = (sd_s32)KeQueryPriorityThread((PKTHREAD)thread);
	ObDereferenceObject(thread);
	if (!NT_SUCCESS(status))
		return status;

	*(SdGetPriority *)Request->OutputBuffer = query;
	*Information = sizeof(query);
	SdInfo("GET_PRIORITY (0x%08lX) succeeded: thread %lu at %ld\n",
	       (unsigned long)Request->IoControlCode, (unsigned long)query.ThreadId,
	       (long)query.Level);
	return STATUS_SUCCESS;
}

/*
 * IOCTL_SECOND_DRIVER_SET_PRIORITY_EX: SET, with flags, answering the level
 * the thread had. An unknown flag is invalid. With SD_SET_EX_BASE the level
 * becomes the thread's base (sd_base.h); not under Wine, whose
 * ProcessBasicInformation reports the priority class (2 for normal) where
 * Windows reports the base priority (8), so no increment can be computed.
 */
_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdSetPriorityExHandler(const SD_REQUEST *Request, ULONG_PTR *Information,
				PSD_LOG_NOTE Note)
{
	SdSetPriorityEx set = *(const SdSetPriorityEx *)Request->InputBuffer;
	ThreadData data = { set.ThreadId, set.Priority };
	NTSTATUS status;

	PAGED_CODE();

	*Information = 0;
	SdLogNoteCapture(Note, &set, sizeof(set));
	if (set.Flags & ~SD_SET_EX_FLAGS_KNOWN)
		return STATUS_INVALID_PARAMETER;
	if ((set.Flags & SD_SET_EX_BASE) && SdHost.Wine)
		return STATUS_NOT_SUPPORTED;
	status = SdValidateThreadData(&data);
	if (!NT_SUCCESS(status))
		return status;
	status = SdSetThreadLevel(set.ThreadId, set.Priority, 0,
				  (set.Flags & SD_SET_EX_BASE) != 0, Request->RequestorMode,
				  &set.OldLevel);
	if (!NT_SUCCESS(status))
		return status;
	SdLogNoteChange(Note, set.ThreadId, set.OldLevel, set.Priority);

	*(SdSetPriorityEx *)Request->OutputBuffer = set;
	*Information = sizeof(set);
	SdInfo("Thread Priority change for %lu to %ld succeeded! (was %ld)\n",
	       (unsigned long)set.ThreadId, (long)set.Priority, (long)set.OldLevel);
	return STATUS_SUCCESS;
}

/*
 * IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH: Count entries in index order, one
 * result each; one entry's failure does not stop the next. A bad header, a
 * length that is not exactly the header and Count entries, or an output
 * that cannot hold every result changes nothing.
 *
 * Input and output are one buffer (METHOD_BUFFERED). Result i (8 bytes at
 * 8 * i) is written after entry i (16 bytes at 8 + 16 * i) is read, and
 * never reaches an entry not yet read, which all start beyond 8 * i + 8.
 */
_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdSetPriorityBatchHandler(const SD_REQUEST *Request, ULONG_PTR *Information,
				   PSD_LOG_NOTE Note)
{
	const UCHAR *in = (const UCHAR *)Request->InputBuffer;
	SdBatchResult *results = (SdBatchResult *)Request->OutputBuffer;
	SdBatchHeader header = *(const SdBatchHeader *)in;
	ULONG i, changed = 0;

	PAGED_CODE();

	*Information = 0;
	/* The header, and the first entry's thread and level. */
	SdLogNoteCapture(Note, in, Request->InputBufferLength);
	if (header.Flags != 0 || header.Count == 0 || header.Count > SD_BATCH_MAX ||
	    Request->InputBufferLength !=
		    sizeof(SdBatchHeader) + header.Count * sizeof(SdBatchEntry))
		return STATUS_INVALID_PARAMETER;
	if (Request->OutputBufferLength < header.Count * sizeof(SdBatchResult))
		return STATUS_BUFFER_TOO_SMALL;

	for (i = 0; i < header.Count; i++) {
		SdBatchEntry entry =
			((const SdBatchEntry *)(in + sizeof(SdBatchHeader)))[i];
		ThreadData data = { entry.ThreadId, entry.Priority };
		SdBatchResult result = { 0, 0 };

		if (entry.Reserved != 0)
			result.Status = STATUS_INVALID_PARAMETER;
		else
			result.Status = SdValidateThreadData(&data);
		if (NT_SUCCESS(result.Status))
			result.Status = SdSetThreadLevel(entry.ThreadId, entry.Priority,
							 entry.ProcessId, FALSE,
							 Request->RequestorMode,
							 &result.OldLevel);
		if (NT_SUCCESS(result.Status)) {
			SD_LOG_NOTE change = { { 0 }, 0, 0, 0, 0, 0 };

			/* The audit trail: one CHANGE record per thread changed. */
			SdLogNoteCapture(&change, &entry, sizeof(entry));
			SdLogNoteChange(&change, entry.ThreadId, result.OldLevel, entry.Priority);
			SdLogWrite(SD_LOG_CHANGE, Request->IoControlCode, sizeof(entry),
				   sizeof(result), result.Status, 0, &change);
			changed++;
		}
		results[i] = result;
	}
	*Information = header.Count * sizeof(SdBatchResult);
	SdInfo("SET_PRIORITY_BATCH (0x%08lX) succeeded: %lu of %lu entries changed\n",
	       (unsigned long)Request->IoControlCode, (unsigned long)changed,
	       (unsigned long)header.Count);
	return STATUS_SUCCESS;
}

/*
 * IOCTL_SECOND_DRIVER_GET_LOG: the records from FromSeq on that fit after
 * the SdGetLogOut header. Never recorded itself, so that a reader that
 * follows the log does not fill it.
 */
_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdGetLogHandler(const SD_REQUEST *Request, ULONG_PTR *Information,
			 PSD_LOG_NOTE Note)
{
	sd_u64 from = ((const SdGetLogIn *)Request->InputBuffer)->FromSeq;
	SdGetLogOut *out = (SdGetLogOut *)Request->OutputBuffer;
	ULONG room;

	PAGED_CODE();

	UNREFERENCED_PARAMETER(Note);
	room = (Request->OutputBufferLength - (ULONG)sizeof(SdGetLogOut)) /
	       (ULONG)sizeof(SdLogRecord);
	if (room > SD_LOG_CAPACITY)
		room = SD_LOG_CAPACITY;
	/* METHOD_BUFFERED: FromSeq was read above, before the answer lands. */
	SdLogRead(from, (SdLogRecord *)(out + 1), room, out);
	*Information = sizeof(SdGetLogOut) + (ULONG_PTR)out->Count * sizeof(SdLogRecord);
	SdInfo("GET_LOG (0x%08lX) succeeded: %lu records before #%llu, %llu lost\n",
	       (unsigned long)Request->IoControlCode, (unsigned long)out->Count,
	       (unsigned long long)out->NextSeq, (unsigned long long)out->Lost);
	return STATUS_SUCCESS;
}

/* IOCTL_SECOND_DRIVER_CLEAR_LOG: drop the records; the numbers go on. */
_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdClearLogHandler(const SD_REQUEST *Request, ULONG_PTR *Information,
			   PSD_LOG_NOTE Note)
{
	PAGED_CODE();

	UNREFERENCED_PARAMETER(Note);
	*Information = 0;
	SdLogClear();
	SdInfo("CLEAR_LOG (0x%08lX) succeeded\n", (unsigned long)Request->IoControlCode);
	return STATUS_SUCCESS;
}

/*
 * IOCTL_SECOND_DRIVER_BOOST: a level that ends by itself (sd_boost.h). An
 * unknown flag, a duration over 24 h, or a detached lease without one is
 * invalid.
 */
_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdBoostHandler(const SD_REQUEST *Request, ULONG_PTR *Information, PSD_LOG_NOTE Note)
{
	SdBoost boost = *(const SdBoost *)Request->InputBuffer;
	SdBoostResult result;
	NTSTATUS status;

	PAGED_CODE();

	*Information = 0;
	SdLogNoteCapture(Note, &boost, sizeof(boost));
	if ((boost.Flags & ~SD_BOOST_FLAGS_KNOWN) || boost.DurationMs > SD_LEASE_MAX_MS ||
	    ((boost.Flags & SD_BOOST_DETACHED) && boost.DurationMs == 0))
		return STATUS_INVALID_PARAMETER;
	status = SdBoostLease(Request, &boost, &result);
	if (!NT_SUCCESS(status))
		return status;
	SdLogNoteChange(Note, boost.ThreadId, result.OldLevel, boost.Priority);
	*(SdBoostResult *)Request->OutputBuffer = result;
	*Information = sizeof(result);
	SdInfo("BOOST (0x%08lX) succeeded: lease %lu, thread %lu to %ld (was %ld)\n",
	       (unsigned long)Request->IoControlCode, (unsigned long)result.LeaseId,
	       (unsigned long)boost.ThreadId, (long)boost.Priority, (long)result.OldLevel);
	return STATUS_SUCCESS;
}

/* IOCTL_SECOND_DRIVER_END_LEASE: the lease ends now, on the driver's thread. */
_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdEndLeaseHandler(const SD_REQUEST *Request, ULONG_PTR *Information,
			   PSD_LOG_NOTE Note)
{
	SdEndLease end = *(const SdEndLease *)Request->InputBuffer;
	NTSTATUS status;

	PAGED_CODE();

	*Information = 0;
	SdLogNoteCapture(Note, &end, sizeof(end));
	if (end.Reserved != 0)
		return STATUS_INVALID_PARAMETER;
	status = SdBoostEnd(end.LeaseId);
	if (NT_SUCCESS(status))
		SdInfo("END_LEASE (0x%08lX) succeeded: lease %lu\n",
		       (unsigned long)Request->IoControlCode, (unsigned long)end.LeaseId);
	return status;
}

/* IOCTL_SECOND_DRIVER_LIST_LEASES: the live leases that fit after the header. */
_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdListLeasesHandler(const SD_REQUEST *Request, ULONG_PTR *Information,
			     PSD_LOG_NOTE Note)
{
	SdLeaseListHeader *header = (SdLeaseListHeader *)Request->OutputBuffer;
	ULONG room;

	PAGED_CODE();

	UNREFERENCED_PARAMETER(Note);
	room = (Request->OutputBufferLength - (ULONG)sizeof(SdLeaseListHeader)) /
	       (ULONG)sizeof(SdLeaseInfo);
	header->Count = SdBoostList((SdLeaseInfo *)(header + 1), room, &header->Total);
	*Information = sizeof(*header) + (ULONG_PTR)header->Count * sizeof(SdLeaseInfo);
	SdInfo("LIST_LEASES (0x%08lX) succeeded: %lu of %lu\n",
	       (unsigned long)Request->IoControlCode, (unsigned long)header->Count,
	       (unsigned long)header->Total);
	return STATUS_SUCCESS;
}

/* IOCTL_SECOND_DRIVER_GET_INFO: the interface's version and the settings. */
_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdGetInfoHandler(const SD_REQUEST *Request, ULONG_PTR *Information,
			  PSD_LOG_NOTE Note)
{
	SdDriverInfo info = { SD_INTERFACE_VERSION, 0, 0, 0, 0, 0, 0, 0 };

	PAGED_CODE();

	UNREFERENCED_PARAMETER(Note);
	info.MaxLevel = SdConfig.MaxLevel;
	SdBoostCounts(&info.MaxLeases, &info.LiveLeases);
	SdWatchInfo(&info);
	*(SdDriverInfo *)Request->OutputBuffer = info;
	*Information = sizeof(info);
	SdInfo("GET_INFO (0x%08lX) succeeded: version %lu, cap %ld\n",
	       (unsigned long)Request->IoControlCode, (unsigned long)info.Version,
	       (long)info.MaxLevel);
	return STATUS_SUCCESS;
}

_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdDispatchIoctl(const SD_REQUEST *Request, ULONG_PTR *Information)
{
	SD_LOG_NOTE note = { { 0 }, 0, 0, 0, 0, 0 };
	const SD_IOCTL_ENTRY *entry;
	NTSTATUS status;

	PAGED_CODE();

	*Information = 0;

	entry = SdFindIoctl(Request->IoControlCode);
	if (entry == NULL) {
		SdWarn("unknown IOCTL 0x%08lX: STATUS_INVALID_DEVICE_REQUEST\n",
			(unsigned long)Request->IoControlCode);
		status = STATUS_INVALID_DEVICE_REQUEST;
	} else {
		status = SdCheckHandleAccess(Request, entry->HandleAccess);
		if (NT_SUCCESS(status) &&
		    (Request->InputBufferLength < entry->MinInputLength ||
		     Request->OutputBufferLength < entry->MinOutputLength))
			status = STATUS_BUFFER_TOO_SMALL;
		if (NT_SUCCESS(status))
			status = entry->Handler(Request, Information, &note);
		if (!NT_SUCCESS(status))
			SdWarn("%s (0x%08lX) failed: status 0x%08lX\n", entry->Name,
				(unsigned long)Request->IoControlCode,
				(unsigned long)(ULONG)status);
	}
	if (!NT_SUCCESS(status))
		*Information = 0;

	if (Request->IoControlCode != IOCTL_SECOND_DRIVER_GET_LOG)
		SdLogWrite(SD_LOG_IOCTL, Request->IoControlCode, Request->InputBufferLength,
			   Request->OutputBufferLength, status, *Information, &note);
	return status;
}
