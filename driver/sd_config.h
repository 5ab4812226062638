/* SPDX-License-Identifier: MIT */
/*
 * sd_config.h - the driver's settings, read once at load from the service's
 * Parameters key.
 *
 *   MaxPriority (REG_DWORD, 1..31)   the cap: the highest level any request
 *                                    may set (docs/SPEC.md 5b). Absent: 31.
 *   MaxLeases (REG_DWORD, 1..4096)   the most leases live at once (5c).
 *                                    Absent: 4096.
 *   WatchdogBudgetMs (0..60000)      the watchdog (5d): CPU time a boosted
 *                                    real-time thread may use without
 *                                    blocking; 0 turns it off. Absent: 200.
 *   WatchdogWindowMs (100..60000)    the window of the share rule. Absent: 1000.
 *   WatchdogShareMs (0..the window)  CPU time allowed within a window; 0
 *                                    turns the share rule off. Absent: 500.
 *
 *   reg add HKLM\SYSTEM\CurrentControlSet\Services\second\Parameters
 *           /v MaxPriority /t REG_DWORD /d 15
 *
 * then restart the driver (sc stop second, sc start second).
 */
#ifndef SD_CONFIG_H
#define SD_CONFIG_H

#include "sd_kernel.h"

typedef struct _SD_CONFIG {
	LONG MaxLevel;		/* the cap, SD_PRIORITY_MIN..SD_PRIORITY_MAX */
	ULONG MaxLeases;	/* the bound on live leases, 1..SD_LEASES_MAX */
	ULONG WatchBudgetMs;	/* 0: the watchdog is off */
	ULONG WatchWindowMs;
	ULONG WatchShareMs;	/* 0: no share rule */
} SD_CONFIG;

extern SD_CONFIG SdConfig;

/*
 * Read the settings under RegistryPath\Parameters into SdConfig. A missing
 * key or value keeps the default. A value that is not a REG_DWORD in
 * its range is an error (STATUS_INVALID_PARAMETER): the driver does not load,
 * and says why, rather than run with a cap nobody asked for.
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
_Must_inspect_result_
NTSTATUS SdReadConfig(_In_ PUNICODE_STRING RegistryPath);

#endif /* SD_CONFIG_H */
