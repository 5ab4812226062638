/* SPDX-License-Identifier: MIT */
/*
 * sd_watch.h - the Windows driver's watchdog for runaway real-time threads
 * (docs/SPEC.md 5d), kept in include/sd_watchdog.h's table.
 *
 * Every change the driver makes goes through SdWatchSetLevel, which starts,
 * moves or ends the thread's watch; the leases' thread (sd_boost.c) calls
 * SdWatchTick every SD_WATCH_PERIOD_MS while any thread is watched.
 *
 * What it reads: KeQueryRuntimeThread's kernel and user times, in clock
 * ticks, scaled by KeQueryTimeIncrement. No export reads a thread's
 * context-switch count, so "without blocking" is read from the times: a
 * sampling period in which the thread ran less than half the time counts
 * as one in which it blocked.
 *
 * Under Wine it is off: Wine 8's KeQueryRuntimeThread is a bare stub, and a
 * call would abort the driver host. Both routines are found at load with
 * MmGetSystemRoutineAddress, and only off Wine.
 *
 * Locks: the leases' fast mutex, then the watch mutex (a KMUTEX: a base
 * change calls ZwSetInformationThread, which needs PASSIVE_LEVEL); never the
 * other way round.
 */
#ifndef SD_WATCH_H
#define SD_WATCH_H

#include "sd_kernel.h"

/* Read the settings (SdConfig) and allocate the table, unless off. */
_IRQL_requires_max_(PASSIVE_LEVEL)
_Must_inspect_result_
NTSTATUS SdWatchStart(void);

/* Stop watching every thread, drop the references, free the table. */
_IRQL_requires_max_(PASSIVE_LEVEL)
void SdWatchStop(void);

/*
 * Set a referenced thread to a validated level, its current priority or
 * with Base its base (sd_base.h), and keep its watch in step. *OldLevel:
 * the level before (as SdSetThreadLevel documents). With the watchdog on
 * and SD_WATCH_MAX threads watched, a real-time level for one more thread
 * is refused with STATUS_INSUFFICIENT_RESOURCES, and nothing changes.
 */
_IRQL_requires_max_(APC_LEVEL)
NTSTATUS SdWatchSetLevel(_In_ PETHREAD Thread, _In_ sd_u32 ThreadId, _In_ sd_s32 Level,
			 _In_ BOOLEAN Base, _Out_ sd_s32 *OldLevel);

/* Sample every watched thread; take back the runaways. Returns how many are still watched. */
_IRQL_requires_max_(APC_LEVEL)
ULONG SdWatchTick(void);

/* GET_INFO's numbers: the settings in effect, and the threads watched. */
_IRQL_requires_max_(APC_LEVEL)
void SdWatchInfo(_Inout_ SdDriverInfo *Info);

#endif /* SD_WATCH_H */
