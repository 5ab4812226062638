/* SPDX-License-Identifier: MIT */
/*
 * sd_host.h - what the driver knows about the kernel that loaded it.
 *
 * SecondDriver runs on Windows, and under Wine 8 for its tests. Wine's
 * ntoskrnl differs from Windows' in ways a driver can feel (docs/SPEC.md
 * section 7 and ../shared/HOSTS.md); where the driver must act
 * differently, it asks here rather than guessing.
 */
#ifndef SD_HOST_H
#define SD_HOST_H

#include "sd_kernel.h"

typedef struct _SD_HOST {
	/*
	 * Wine's ntoskrnl.exe, found at load by an export only it has
	 * (wine_ntoskrnl_main_loop). Windows has no such export.
	 */
	BOOLEAN Wine;
	/*
	 * ntoskrnl's exported KeQueryInterruptTime, if it has one: Wine's
	 * does. NULL on x64 Windows, where the WDK's KeQueryInterruptTime is
	 * a macro that reads KUSER_SHARED_DATA (sd_log.c).
	 */
	ULONGLONG (NTAPI *QueryInterruptTime)(void);
	/*
	 * Nanoseconds per unit of the interrupt time: 100 on Windows. Wine 8's
	 * KeQueryInterruptTime answers its tick count, in milliseconds.
	 */
	ULONG InterruptTimeUnitNs;
	/*
	 * PsIsThreadTerminating, found on Windows only: Wine 8's export is a
	 * bare stub, and a call would abort the driver host. NULL under Wine.
	 */
	BOOLEAN (NTAPI *IsThreadTerminating)(PETHREAD Thread);
} SD_HOST;

extern SD_HOST SdHost;

/* Time since boot in nanoseconds, on the interrupt time's clock; any IRQL. */
_IRQL_requires_max_(DISPATCH_LEVEL)
ULONGLONG SdTimeSinceBootNs(void);

/* Fill SdHost. Called once, from DriverEntry. */
_IRQL_requires_max_(PASSIVE_LEVEL)
void SdDetectHost(void);

#endif /* SD_HOST_H */
