// SPDX-License-Identifier: MIT
/*
 * sd_host.c - tell Windows from Wine, once, at load.
 */
#include "sd_host.h"

SD_HOST SdHost;

/*
 * Where ntoskrnl exports KeQueryInterruptTime (Wine's does; SdDetectHost
 * looked), the driver calls it; on x64 Windows the WDK's
 * KeQueryInterruptTime is a macro that reads KUSER_SHARED_DATA's
 * InterruptTime at its kernel address, which is not mapped in Wine's
 * user-mode driver host. Its unit is 100 ns on Windows, and Wine's tick
 * count's millisecond under Wine.
 */
_Use_decl_annotations_
ULONGLONG SdTimeSinceBootNs(void)
{
	ULONGLONG units;

#if defined(SD_WINDOWS_KERNEL)
	units = SdHost.QueryInterruptTime ? SdHost.QueryInterruptTime() : KeQueryInterruptTime();
#else
	units = SdHost.QueryInterruptTime ? SdHost.QueryInterruptTime() : 0;
#endif
	return units * (SdHost.InterruptTimeUnitNs ? SdHost.InterruptTimeUnitNs : 100);
}

_Use_decl_annotations_
SD_INIT_CODE
void SdDetectHost(void)
{
	UNICODE_STRING wineOnly = RTL_CONSTANT_STRING(L"wine_ntoskrnl_main_loop");
	UNICODE_STRING interruptTime = RTL_CONSTANT_STRING(L"KeQueryInterruptTime");
	UNICODE_STRING terminating = RTL_CONSTANT_STRING(L"PsIsThreadTerminating");

	SdHost.Wine = MmGetSystemRoutineAddress(&wineOnly) != NULL;
	SdHost.QueryInterruptTime =
		(ULONGLONG (NTAPI *)(void))MmGetSystemRoutineAddress(&interruptTime);
	SdHost.InterruptTimeUnitNs = SdHost.Wine ? 1000000 : 100;
	SdHost.IsThreadTerminating = SdHost.Wine ? NULL :
		(BOOLEAN (NTAPI *)(PETHREAD))MmGetSystemRoutineAddress(&terminating);
}
