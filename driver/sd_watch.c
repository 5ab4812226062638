// SPDX-License-Identifier: MIT
/*
 * sd_watch.c - the Windows driver's watchdog (sd_watch.h).
 *
 * The table lives in paged pool and is guarded by a KMUTEX. A watched
 * thread's slot keeps one reference to its ETHREAD, taken when the watch
 * begins and dropped when it ends. The routines run in the native tests
 * with a fake KeQueryRuntimeThread.
 */
#include "sd_watch.h"
#include "sd_base.h"
#include "sd_boost.h"
#include "sd_config.h"
#include "sd_host.h"
#include "sd_log.h"
#include "sd_watchdog.h"

/* "SdWd" in a pool dump. */
#define SD_WATCH_POOL_TAG \
	((ULONG)'S' | ((ULONG)'d' << 8) | ((ULONG)'W' << 16) | ((ULONG)'d' << 24))

typedef ULONG (NTAPI *SD_QUERY_RUNTIME)(PKTHREAD Thread, ULONG *UserTime);
typedef ULONG (NTAPI *SD_QUERY_INCREMENT)(void);

static struct sd_watches SdWatches;	/* slots NULL: the watchdog is off */
static KMUTEX SdWatchLock;
static SD_QUERY_RUNTIME SdQueryRuntime;
static ULONGLONG SdTickNs;		/* a clock tick, in ns */

static void SdWatchLockAcquire(void)
{
	NTSTATUS status;

	status = KeWaitForSingleObject(&SdWatchLock, Executive, KernelMode, FALSE, NULL);
	NT_ASSERT(status == STATUS_SUCCESS);
	UNREFERENCED_PARAMETER(status);
}

static void SdWatchLockRelease(void)
{
	KeReleaseMutex(&SdWatchLock, FALSE);
}

/* The thread's CPU time, kernel and user, in ns. */
static ULONGLONG SdCpuNs(_In_ PETHREAD Thread)
{
	ULONG user = 0, kernel;

	kernel = SdQueryRuntime((PKTHREAD)Thread, &user);
	return ((ULONGLONG)kernel + user) * SdTickNs;
}

_Use_decl_annotations_
SD_INIT_CODE
NTSTATUS SdWatchStart(void)
{
	UNICODE_STRING runtime = RTL_CONSTANT_STRING(L"KeQueryRuntimeThread");
	UNICODE_STRING increment = RTL_CONSTANT_STRING(L"KeQueryTimeIncrement");
	struct sd_watch_settings set = { SdConfig.WatchBudgetMs, SdConfig.WatchWindowMs,
					 SdConfig.WatchShareMs };
	SD_QUERY_INCREMENT queryIncrement;
	struct sd_watch **slots;

	SdWatches.slots = NULL;
	KeInitializeMutex(&SdWatchLock, 0);
	if (set.budget_ms == 0) {
		SdInfo("watchdog off: WatchdogBudgetMs is 0\n");
		return STATUS_SUCCESS;
	}
	if (SdHost.Wine) {
		/* Wine's KeQueryRuntimeThread is a bare stub: never call it. */
		SdInfo("watchdog off: Wine\n");
		return STATUS_SUCCESS;
	}
	SdQueryRuntime = (SD_QUERY_RUNTIME)MmGetSystemRoutineAddress(&runtime);
	queryIncrement = (SD_QUERY_INCREMENT)MmGetSystemRoutineAddress(&increment);
	if (SdQueryRuntime == NULL || queryIncrement == NULL) {
		SdWarn("watchdog off: ntoskrnl has no KeQueryRuntimeThread\n");
		return STATUS_SUCCESS;
	}
	SdTickNs = (ULONGLONG)queryIncrement() * 100;	/* 100 ns units */
	slots = (struct sd_watch **)ExAllocatePoolWithTag(
		PagedPool, SD_WATCH_MAX * sizeof(struct sd_watch *), SD_WATCH_POOL_TAG);
	if (slots == NULL)
		return STATUS_INSUFFICIENT_RESOURCES;
	sd_watch_table_init(&SdWatches, slots, SD_WATCH_MAX, &set);
	SdInfo("watchdog on: %lu ms without blocking, %lu ms in %lu ms\n",
	       (unsigned long)set.budget_ms, (unsigned long)set.share_ms,
	       (unsigned long)set.window_ms);
	return STATUS_SUCCESS;
}

/* A watch the table gave back: drop its reference to the thread, and free it. */
static void SdWatchFree(_In_ struct sd_watch *Watch)
{
	ObDereferenceObject((PVOID)Watch->key);
	ExFreePoolWithTag(Watch, SD_WATCH_POOL_TAG);
}

_Use_decl_annotations_
SD_PAGED_CODE
void SdWatchStop(void)
{
	ULONG i;

	PAGED_CODE();

	if (SdWatches.slots == NULL)
		return;
	for (i = 0; i < SdWatches.capacity; i++) {
		if (sd_watch_at(&SdWatches, i) != NULL)
			SdWatchFree(sd_watch_remove(&SdWatches, i));
	}
	ExFreePoolWithTag(SdWatches.slots, SD_WATCH_POOL_TAG);
	SdWatches.slots = NULL;
}

/* The change itself: the current priority, or with Base the base. */
static NTSTATUS SdApplyLevel(_In_ PETHREAD Thread, _In_ sd_s32 Level, _In_ BOOLEAN Base,
			     _Out_ sd_s32 *OldLevel)
{
	NTSTATUS status;

	if (!Base) {
		*OldLevel = (sd_s32)KeSetPriorityThread((PKTHREAD)Thread, (KPRIORITY)Level);
		return STATUS_SUCCESS;
	}
	*OldLevel = (sd_s32)KeQueryPriorityThread((PKTHREAD)Thread);
	status = SdSetThreadBase(Thread, Level);
	if (!NT_SUCCESS(status))
		*OldLevel = 0;
	return status;
}

_Use_decl_annotations_
NTSTATUS SdWatchSetLevel(PETHREAD Thread, sd_u32 ThreadId, sd_s32 Level, BOOLEAN Base,
			 sd_s32 *OldLevel)
{
	struct sd_watch *fresh = NULL, *gone = NULL;
	NTSTATUS status;
	int note = 0;

	if (SdWatches.slots == NULL)
		return SdApplyLevel(Thread, Level, Base, OldLevel);
	*OldLevel = 0;
	SdWatchLockAcquire();
	if (sd_watch_wants(&SdWatches, Thread, Level)) {
		if (SdWatches.live >= SdWatches.capacity) {
			SdWarn("thread %lu: %lu threads are watched already; level %ld refused\n",
			       (unsigned long)ThreadId, (unsigned long)SD_WATCH_MAX, (long)Level);
			status = STATUS_INSUFFICIENT_RESOURCES;
			goto out;
		}
		fresh = (struct sd_watch *)ExAllocatePoolWithTag(PagedPool, sizeof(*fresh),
								 SD_WATCH_POOL_TAG);
		if (fresh == NULL) {
			status = STATUS_INSUFFICIENT_RESOURCES;
			goto out;
		}
	}
	status = SdApplyLevel(Thread, Level, Base, OldLevel);
	if (NT_SUCCESS(status))
		note = sd_watch_note(&SdWatches, Thread, ThreadId, Level, *OldLevel,
				     SdTimeSinceBootNs(), SdCpuNs(Thread), SD_WATCH_NO_SWITCHES,
				     &fresh, &gone);
	if (note > 0)
		ObReferenceObject(Thread);
out:
	SdWatchLockRelease();
	if (fresh != NULL)
		ExFreePoolWithTag(fresh, SD_WATCH_POOL_TAG);
	if (gone != NULL)
		SdWatchFree(gone);
	if (note > 0)
		SdBoostKick();	/* the leases' thread may be waiting with nothing to sample */
	return status;
}

/* One runaway: put it back, and say so in the log and the debug output. */
static void SdTakeBack(_In_ PETHREAD Thread, _In_ const struct sd_watch *Watch,
		       _In_ const struct sd_watch_verdict *Verdict)
{
	SdWatchdogEvent event;
	SD_LOG_NOTE note;

	RtlZeroMemory(&event, sizeof(event));
	RtlZeroMemory(&note, sizeof(note));
	event.Rule = Verdict->rule;
	event.UsedUs = Verdict->used_ns / 1000 > 0xFFFFFFFFull ? 0xFFFFFFFFu :
			(sd_u32)(Verdict->used_ns / 1000);
	event.SpanUs = Verdict->span_ns / 1000 > 0xFFFFFFFFull ? 0xFFFFFFFFu :
			(sd_u32)(Verdict->span_ns / 1000);
	KeSetPriorityThread((PKTHREAD)Thread, Watch->old);
	/* The record first: its time is the take-back's, not the debug output's after it. */
	SdLogNoteCapture(&note, &event, sizeof(event));
	SdLogNoteChange(&note, Watch->tid, Watch->level, Watch->old);
	SdLogWrite(SD_LOG_WATCHDOG, 0, 0, 0, STATUS_SUCCESS, 0, &note);
	SdWarn("watchdog: thread %lu at %ld used %lu us of CPU in %lu us; back to %ld\n",
	       (unsigned long)Watch->tid, (long)Watch->level, (unsigned long)event.UsedUs,
	       (unsigned long)event.SpanUs, (long)Watch->old);
}

_Use_decl_annotations_
ULONG SdWatchTick(void)
{
	struct sd_watch_verdict verdict;
	ULONG i, live;

	if (SdWatches.slots == NULL)
		return 0;
	SdWatchLockAcquire();
	for (i = 0; i < SdWatches.capacity && SdWatches.live; i++) {
		struct sd_watch *s = sd_watch_at(&SdWatches, i);
		PETHREAD thread;

		if (s == NULL)
			continue;
		thread = (PETHREAD)s->key;
		if ((SdHost.IsThreadTerminating && SdHost.IsThreadTerminating(thread)) ||
		    KeQueryPriorityThread((PKTHREAD)thread) != s->level) {
			/* Ending, or changed by someone else: no longer the driver's to watch. */
			SdWatchFree(sd_watch_remove(&SdWatches, i));
		} else if (sd_watch_sample(&SdWatches, i, SdTimeSinceBootNs(), SdCpuNs(thread),
					   SD_WATCH_NO_SWITCHES, &verdict)) {
			SdTakeBack(thread, s, &verdict);
			SdWatchFree(sd_watch_remove(&SdWatches, i));
		}
	}
	live = SdWatches.live;
	SdWatchLockRelease();
	return live;
}

_Use_decl_annotations_
void SdWatchInfo(SdDriverInfo *Info)
{
	if (SdWatches.slots == NULL)
		return;
	SdWatchLockAcquire();
	Info->WatchBudgetMs = SdWatches.set.budget_ms;
	Info->WatchWindowMs = SdWatches.set.window_ms;
	Info->WatchShareMs = SdWatches.set.share_ms;
	Info->Watched = SdWatches.live;
	SdWatchLockRelease();
}
