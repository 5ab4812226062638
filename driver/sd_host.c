// SPDX-License-Identifier: MIT
/*
 * sd_host.c - tell Windows from Wine, once, at load.
 */
#include "sd_host.h"

SD_HOST SdHost;

_Use_decl_annotations_
SD_INIT_CODE
void SdDetectHost(void)
{
	UNICODE_STRING wineOnly = RTL_CONSTANT_STRING(L"wine_ntoskrnl_main_loop");
	UNICODE_STRING interruptTime = RTL_CONSTANT_STRING(L"KeQueryInterruptTime");

	SdHost.Wine = MmGetSystemRoutineAddress(&wineOnly) != NULL;
	SdHost.QueryInterruptTime =
		(ULONGLONG (NTAPI *)(void))MmGetSystemRoutineAddress(&interruptTime);
	SdHost.InterruptTimeUnitNs = SdHost.Wine ? 1000000 : 100;
}
