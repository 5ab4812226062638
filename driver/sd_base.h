/* SPDX-License-Identifier: MIT */
/*
 * sd_base.h - SET_PRIORITY_EX's base-priority option (SD_SET_EX_BASE).
 *
 * KeSetPriorityThread sets a thread's current priority, which the scheduler
 * moves back toward the thread's base as its quanta end (docs/SPEC.md 5.1).
 * A level that lasts must be the base itself. Windows sets a base as an
 * increment relative to the process's base priority, with
 * ZwSetInformationThread(ThreadBasePriority): -2..2, what SetThreadPriority
 * offers from THREAD_PRIORITY_LOWEST to THREAD_PRIORITY_HIGHEST. So for a
 * normal-class process (base 8) the levels that can last are 6..10.
 */
#ifndef SD_BASE_H
#define SD_BASE_H

#include "sd_kernel.h"

/* The increments ThreadBasePriority takes here (saturation aside). */
#define SD_BASE_INCREMENT_MIN (-2)
#define SD_BASE_INCREMENT_MAX 2

/*
 * SdBaseIncrement - the increment that makes Level the base of a thread
 * whose process has base priority ProcessBase; STATUS_INVALID_PARAMETER if
 * Level is more than two away from it.
 */
NTSTATUS SdBaseIncrement(_In_ KPRIORITY ProcessBase, _In_ sd_s32 Level,
			 _Out_ LONG *Increment);

/*
 * SdSetThreadBase - make Level Thread's base priority. The caller has
 * looked the thread up and checked that its requestor may set it
 * (sd_access.h); the process's base priority is read, and the increment
 * set, through kernel handles that are closed before this returns.
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS SdSetThreadBase(_In_ PETHREAD Thread, _In_ sd_s32 Level);

#endif /* SD_BASE_H */
