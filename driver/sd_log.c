// SPDX-License-Identifier: MIT
/*
 * sd_log.c - the driver's log: a ring of records in non-paged pool, under a
 * spin lock. The ring's rules are include/sd_logring.h's.
 *
 * All of this file but SdLogStart (INIT, from DriverEntry) is non-paged:
 * records are written with the spin lock held (DISPATCH_LEVEL), and copied
 * out under it; SdLogStop takes the lock too.
 */
#include "sd_log.h"
#include "sd_host.h"
#include "sd_logring.h"

/* "SdLg" in a pool dump (written out: the native tests build this file too). */
#define SD_LOG_POOL_TAG \
	((ULONG)'S' | ((ULONG)'d' << 8) | ((ULONG)'L' << 16) | ((ULONG)'g' << 24))

static struct sd_logring SdRing;
static KSPIN_LOCK SdRingLock;
static SdLogRecord *SdRingSlots;	/* NULL before SdLogStart, after SdLogStop */

_Use_decl_annotations_
SD_INIT_CODE
NTSTATUS SdLogStart(void)
{
	/*
	 * ExAllocatePoolWithTag, not ExAllocatePool2: Wine 8's ntoskrnl has
	 * no ExAllocatePool2, and the driver would not load there.
	 */
	SdRingSlots = (SdLogRecord *)ExAllocatePoolWithTag(
		NonPagedPoolNx, SD_LOG_CAPACITY * sizeof(SdLogRecord), SD_LOG_POOL_TAG);
	if (SdRingSlots == NULL)
		return STATUS_INSUFFICIENT_RESOURCES;
	RtlZeroMemory(SdRingSlots, SD_LOG_CAPACITY * sizeof(SdLogRecord));
	KeInitializeSpinLock(&SdRingLock);
	sd_logring_init(&SdRing, SdRingSlots, SD_LOG_CAPACITY);
	return STATUS_SUCCESS;
}

_Use_decl_annotations_
void SdLogStop(void)
{
	SdLogRecord *slots;
	KIRQL irql;

	/* No request is left by now; the lock makes sure of it all the same. */
	irql = KeAcquireSpinLockRaiseToDpc(&SdRingLock);
	slots = SdRingSlots;
	SdRingSlots = NULL;
	KeReleaseSpinLock(&SdRingLock, irql);
	if (slots != NULL)
		ExFreePoolWithTag(slots, SD_LOG_POOL_TAG);
}

_Use_decl_annotations_
void SdLogNoteCapture(PSD_LOG_NOTE Note, const void *Data, ULONG Length)
{
	if (Length > SD_LOG_CAPTURE_MAX)
		Length = SD_LOG_CAPTURE_MAX;
	RtlCopyMemory(Note->Captured, Data, Length);
	Note->CapturedLength = Length;
}

_Use_decl_annotations_
void SdLogNoteChange(PSD_LOG_NOTE Note, ULONG Thread, LONG Old, LONG New)
{
	Note->Flags |= SD_LOG_F_CHANGE;
	Note->TargetThread = Thread;
	Note->OldLevel = Old;
	Note->NewLevel = New;
}

_Use_decl_annotations_
void SdLogWrite(UCHAR Kind, ULONG Code, ULONG InLength, ULONG OutLength, NTSTATUS Status,
		ULONG_PTR Information, const SD_LOG_NOTE *Note)
{
	static const SD_LOG_NOTE none;
	/* The requestor's: the dispatch routines run in its context. */
	ULONG process = HandleToULong(PsGetCurrentProcessId());
	ULONG thread = HandleToULong(PsGetCurrentThreadId());
	SdLogRecord *record;
	ULONG captured;
	KIRQL irql;

	if (Note == NULL)
		Note = &none;
	captured = Note->CapturedLength;
	if (captured > SD_LOG_CAPTURE_MAX)
		captured = SD_LOG_CAPTURE_MAX;

	/*
	 * Written in place, every field, under the lock, as the Linux twin
	 * writes its own: no record is zeroed on the stack and then copied.
	 */
	irql = KeAcquireSpinLockRaiseToDpc(&SdRingLock);
	if (SdRingSlots != NULL) {
		record = sd_logring_claim(&SdRing);
		/* Read under the lock, so that times grow with numbers. */
		record->TimeNs = SdTimeSinceBootNs();
		record->Kind = Kind;
		record->Os = SD_LOG_OS_WINDOWS;
		record->Flags = Note->Flags;
		record->Code = Code;
		record->InLen = InLength;
		record->OutLen = OutLength;
		record->ProcessId = process;
		record->ThreadId = thread;
		record->Status = Status;
		record->CapturedLength = captured;
		record->Information = Information;
		/* The slot held an older record: what follows the bytes is zeroed. */
		RtlCopyMemory(record->Captured, Note->Captured, captured);
		RtlZeroMemory(record->Captured + captured, sizeof(record->Captured) - captured);
		record->TargetThread = Note->TargetThread;
		record->OldLevel = Note->OldLevel;
		record->NewLevel = Note->NewLevel;
		record->Reserved = 0;
	}
	KeReleaseSpinLock(&SdRingLock, irql);
}

_Use_decl_annotations_
ULONG SdLogRead(sd_u64 From, SdLogRecord *Records, ULONG Max, SdGetLogOut *Out)
{
	ULONG count = 0;
	KIRQL irql;

	RtlZeroMemory(Out, sizeof(*Out));
	irql = KeAcquireSpinLockRaiseToDpc(&SdRingLock);
	if (SdRingSlots != NULL)
		count = sd_logring_read(&SdRing, From, Records, Max, &Out->Lost, &Out->NextSeq);
	KeReleaseSpinLock(&SdRingLock, irql);
	Out->Count = count;
	return count;
}

_Use_decl_annotations_
void SdLogClear(void)
{
	KIRQL irql;

	irql = KeAcquireSpinLockRaiseToDpc(&SdRingLock);
	if (SdRingSlots != NULL)
		sd_logring_clear(&SdRing);
	KeReleaseSpinLock(&SdRingLock, irql);
}
