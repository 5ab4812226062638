// SPDX-License-Identifier: MIT
/*
 * sd_boost.c - the Windows driver's leases (sd_boost.h).
 *
 * The table (include/sd_lease.h) lives in paged pool and is guarded by a
 * fast mutex: every caller runs at PASSIVE_LEVEL (the dispatch routines and
 * the driver's thread), and under the mutex (APC_LEVEL) the driver only
 * reads and sets priorities and writes log records. The thread's start and
 * stop are Windows-only; the rest also runs in the native tests.
 */
#include "sd_boost.h"
#include "sd_access.h"
#include "sd_host.h"
#include "sd_lease.h"
#include "sd_log.h"
#include "sd_watch.h"
#include "sd_watchdog.h"

/* "SdBo" in a pool dump. */
#define SD_BOOST_POOL_TAG \
	((ULONG)'S' | ((ULONG)'d' << 8) | ((ULONG)'B' << 16) | ((ULONG)'o' << 24))

static struct sd_leases SdLeases;
static struct sd_lease *SdLeaseSlots;
static FAST_MUTEX SdLeaseLock;

#if defined(SD_WINDOWS_KERNEL)
static KEVENT SdLeaseStopEvent;		/* notification: the unload has begun */
static KEVENT SdLeaseKickEvent;		/* synchronization: look at the table again */
static HANDLE SdLeaseThread;		/* a kernel handle, waited on at unload */
#endif

static ULONGLONG SdNowMs(void)
{
	return SdTimeSinceBootNs() / 1000000;
}

_Use_decl_annotations_
void SdBoostKick(void)
{
#if defined(SD_WINDOWS_KERNEL)
	KeSetEvent(&SdLeaseKickEvent, IO_NO_INCREMENT, FALSE);
#endif
}

/* One lease's end, in the log: LEASE_END (with the change, if one was made) or LEASE_SKIPPED. */
static void SdLogLeaseEnd(_In_ const struct sd_lease_end *End, _In_ UCHAR Kind,
			  _In_ BOOLEAN Changed)
{
	SD_LOG_NOTE note;

	RtlZeroMemory(&note, sizeof(note));
	note.TargetThread = End->tid;
	note.OldLevel = End->level;
	note.NewLevel = End->restore;
	if (Changed)
		note.Flags = SD_LOG_F_CHANGE;
	SdLogWrite(Kind, 0, 0, 0, STATUS_SUCCESS, End->id, &note);
}

/*
 * End one removed lease, with the lock held: put the thread back if the
 * lease was on top and the thread is still at its level (the compare rule,
 * docs/SPEC.md 5c), then drop the lease's reference.
 */
static void SdFinish(_In_ const struct sd_lease_end *End)
{
	PETHREAD thread = (PETHREAD)End->ref;
	sd_s32 was;

	if (!End->on_top || (SdHost.IsThreadTerminating && SdHost.IsThreadTerminating(thread))) {
		SdLogLeaseEnd(End, SD_LOG_LEASE_END, FALSE);	/* nothing to put back */
	} else if (!SdHost.Wine && End->level < SD_PRIORITY_REALTIME_MIN) {
		/* Windows moves 1..15 back toward the base by itself (SPEC 5.1). */
		SdLogLeaseEnd(End, SD_LOG_LEASE_END, FALSE);
	} else if (KeQueryPriorityThread((PKTHREAD)thread) != End->level) {
		SdInfo("lease %lu: thread %lu is no longer at %ld; left alone\n",
		       (unsigned long)End->id, (unsigned long)End->tid, (long)End->level);
		SdLogLeaseEnd(End, SD_LOG_LEASE_SKIPPED, FALSE);
	} else {
		NTSTATUS status = SdWatchSetLevel(thread, End->tid, End->restore, FALSE, &was);

		SdInfo("lease %lu: thread %lu back to %ld (0x%08lX)\n", (unsigned long)End->id,
		       (unsigned long)End->tid, (long)End->restore, (unsigned long)(ULONG)status);
		SdLogLeaseEnd(End, NT_SUCCESS(status) ? SD_LOG_LEASE_END : SD_LOG_LEASE_SKIPPED,
			      NT_SUCCESS(status));
	}
	ObDereferenceObject(thread);
}

_Use_decl_annotations_
void SdBoostEndDue(void)
{
	struct sd_lease_end end;
	ULONG i;

	ExAcquireFastMutex(&SdLeaseLock);
	while ((i = sd_leases_due(&SdLeases, SdNowMs())) != SD_LEASE_NONE) {
		sd_leases_remove(&SdLeases, i, &end);
		SdFinish(&end);
	}
	ExReleaseFastMutex(&SdLeaseLock);
}

/* Every lease ends now. */
static void SdEndAll(void)
{
	ExAcquireFastMutex(&SdLeaseLock);
	sd_leases_end_owned(&SdLeases, NULL);
	ExReleaseFastMutex(&SdLeaseLock);
	SdBoostEndDue();
}

#if defined(SD_WINDOWS_KERNEL)
static KSTART_ROUTINE SdLeaseWorker;

/*
 * The driver's thread: end what is due, then wait for the stop event, a
 * kick, or the earliest lease's end. At 31 on Windows, so that no thread
 * the driver boosted can starve it; under Wine its KeSetPriorityThread is a
 * stub, and the thread skips it.
 */
_Use_decl_annotations_
static VOID SdLeaseWorker(PVOID Context)
{
	PVOID events[2] = { &SdLeaseStopEvent, &SdLeaseKickEvent };
	ULONGLONG next, now, sampleAt = 0;	/* the watchdog's next sample; 0: none */
	LARGE_INTEGER timeout;
	NTSTATUS status;

	UNREFERENCED_PARAMETER(Context);
	if (!SdHost.Wine)
		KeSetPriorityThread(KeGetCurrentThread(), SD_PRIORITY_MAX);
	for (;;) {
		SdBoostEndDue();
		ExAcquireFastMutex(&SdLeaseLock);
		next = sd_leases_next_end(&SdLeases);
		ExReleaseFastMutex(&SdLeaseLock);
		now = SdNowMs();
		/* The watchdog's samples, every period while it watches any thread. */
		if (SdWatchTick()) {
			sampleAt = sd_watch_next_sample(sampleAt, now);
			if (!next || sampleAt < next)
				next = sampleAt;
		} else {
			sampleAt = 0;
		}
		timeout.QuadPart = next > now ? -10000LL * (LONGLONG)(next - now) : 0;
		status = KeWaitForMultipleObjects(2, events, WaitAny, Executive, KernelMode, FALSE,
						  next ? &timeout : NULL, NULL);
		if (status == STATUS_WAIT_0)
			break;
	}
	SdEndAll();
	PsTerminateSystemThread(STATUS_SUCCESS);
}
#endif

_Use_decl_annotations_
SD_INIT_CODE
NTSTATUS SdBoostStart(ULONG Max)
{
	SdLeaseSlots = (struct sd_lease *)ExAllocatePoolWithTag(
		PagedPool, (SIZE_T)Max * sizeof(struct sd_lease), SD_BOOST_POOL_TAG);
	if (SdLeaseSlots == NULL)
		return STATUS_INSUFFICIENT_RESOURCES;
	sd_leases_init(&SdLeases, SdLeaseSlots, Max);
	ExInitializeFastMutex(&SdLeaseLock);
#if defined(SD_WINDOWS_KERNEL)
	{
		OBJECT_ATTRIBUTES attributes;
		NTSTATUS status;

		KeInitializeEvent(&SdLeaseStopEvent, NotificationEvent, FALSE);
		KeInitializeEvent(&SdLeaseKickEvent, SynchronizationEvent, FALSE);
		InitializeObjectAttributes(&attributes, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
		status = PsCreateSystemThread(&SdLeaseThread, THREAD_ALL_ACCESS, &attributes, NULL,
					      NULL, SdLeaseWorker, NULL);
		if (!NT_SUCCESS(status)) {
			ExFreePoolWithTag(SdLeaseSlots, SD_BOOST_POOL_TAG);
			SdLeaseSlots = NULL;
			return status;
		}
	}
#endif
	return STATUS_SUCCESS;
}

_Use_decl_annotations_
SD_PAGED_CODE
void SdBoostStop(void)
{
	PAGED_CODE();

	if (SdLeaseSlots == NULL)
		return;
#if defined(SD_WINDOWS_KERNEL)
	{
		NTSTATUS status;

		/* The thread ends every lease, then itself; its image must outlive it. */
		KeSetEvent(&SdLeaseStopEvent, IO_NO_INCREMENT, FALSE);
		status = ZwWaitForSingleObject(SdLeaseThread, FALSE, NULL);
		if (status != STATUS_SUCCESS)
			SdError("waiting for the leases' thread failed (0x%08lX)\n",
				(unsigned long)(ULONG)status);
		ZwClose(SdLeaseThread);
	}
#else
	SdEndAll();	/* the native tests have no thread: its last act, here */
#endif
	ExFreePoolWithTag(SdLeaseSlots, SD_BOOST_POOL_TAG);
	SdLeaseSlots = NULL;
}

_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdBoostLease(const SD_REQUEST *Request, const SdBoost *Boost, SdBoostResult *Result)
{
	ThreadData data = { Boost->ThreadId, Boost->Priority };
	PETHREAD thread;
	NTSTATUS status;
	ULONG slot;

	PAGED_CODE();

	Result->OldLevel = 0;
	Result->LeaseId = 0;
	status = SdValidateThreadData(&data);
	if (!NT_SUCCESS(status))
		return status;
	status = PsLookupThreadByThreadId(ULongToHandle(Boost->ThreadId), &thread);
	if (!NT_SUCCESS(status))
		return status;
	status = SdCheckThreadAccess(thread, Request->RequestorMode, Boost->Priority);
	if (NT_SUCCESS(status)) {
		ExAcquireFastMutex(&SdLeaseLock);
		if (SdLeases.live >= SdLeases.capacity)
			status = STATUS_INSUFFICIENT_RESOURCES;
		else
			status = SdWatchSetLevel(thread, Boost->ThreadId, Boost->Priority, FALSE,
						 &Result->OldLevel);
		if (NT_SUCCESS(status)) {
			slot = sd_leases_add(&SdLeases, Boost->ThreadId, Boost->Priority,
					     Result->OldLevel, Boost->Flags,
					     Boost->DurationMs ? SdNowMs() + Boost->DurationMs : 0,
					     (Boost->Flags & SD_BOOST_DETACHED) ? NULL :
										  Request->FileObject,
					     thread);
			Result->LeaseId = SdLeases.slots[slot].id;
			thread = NULL;	/* the lease holds the reference now */
		}
		ExReleaseFastMutex(&SdLeaseLock);
	}
	if (thread != NULL)
		ObDereferenceObject(thread);
	if (NT_SUCCESS(status) && Boost->DurationMs)
		SdBoostKick();	/* its end may come before the thread's next wake */
	return status;
}

_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdBoostEnd(sd_u32 Id)
{
	ULONG i;

	PAGED_CODE();

	ExAcquireFastMutex(&SdLeaseLock);
	i = sd_leases_find(&SdLeases, Id);
	if (i != SD_LEASE_NONE)
		sd_leases_end_now(&SdLeases, i);
	ExReleaseFastMutex(&SdLeaseLock);
	if (i == SD_LEASE_NONE)
		return STATUS_NOT_FOUND;
	SdBoostKick();
	return STATUS_SUCCESS;
}

_Use_decl_annotations_
SD_PAGED_CODE
void SdBoostRelease(const void *FileObject)
{
	ULONG n;

	PAGED_CODE();

	if (SdLeaseSlots == NULL || FileObject == NULL)
		return;
	ExAcquireFastMutex(&SdLeaseLock);
	n = sd_leases_end_owned(&SdLeases, FileObject);
	ExReleaseFastMutex(&SdLeaseLock);
	if (n)
		SdBoostKick();
}

_Use_decl_annotations_
SD_PAGED_CODE
ULONG SdBoostList(SdLeaseInfo *Leases, ULONG Max, sd_u32 *Total)
{
	ULONGLONG now = SdNowMs();
	ULONG i, n = 0;

	PAGED_CODE();

	ExAcquireFastMutex(&SdLeaseLock);
	*Total = SdLeases.live;
	for (i = 0; i < SdLeases.capacity && n < Max; i++) {
		const struct sd_lease *s = &SdLeases.slots[i];

		if (!s->id)
			continue;
		Leases[n].LeaseId = s->id;
		Leases[n].ThreadId = s->tid;
		Leases[n].Level = s->level;
		Leases[n].Before = s->before;
		Leases[n].Flags = s->flags;
		Leases[n].RemainingMs = !s->end_ms ? 0 :
					s->end_ms > now ? (sd_u32)(s->end_ms - now) : 1;
		n++;
	}
	ExReleaseFastMutex(&SdLeaseLock);
	return n;
}

_Use_decl_annotations_
SD_PAGED_CODE
void SdBoostCounts(sd_u32 *Max, sd_u32 *Live)
{
	PAGED_CODE();

	ExAcquireFastMutex(&SdLeaseLock);
	*Max = SdLeases.capacity;
	*Live = SdLeases.live;
	ExReleaseFastMutex(&SdLeaseLock);
}
