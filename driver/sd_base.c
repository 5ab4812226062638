// SPDX-License-Identifier: MIT
/*
 * sd_base.c - the base-priority option of SET_PRIORITY_EX. See sd_base.h
 * and docs/SPEC.md 5.1.
 */
#include "sd_base.h"

_Use_decl_annotations_
NTSTATUS SdBaseIncrement(KPRIORITY ProcessBase, sd_s32 Level, LONG *Increment)
{
	LONG increment = (LONG)Level - (LONG)ProcessBase;

	*Increment = 0;
	if (Level < SD_PRIORITY_MIN || Level > SD_PRIORITY_MAX ||
	    increment < SD_BASE_INCREMENT_MIN || increment > SD_BASE_INCREMENT_MAX)
		return STATUS_INVALID_PARAMETER;
	*Increment = increment;
	return STATUS_SUCCESS;
}

/* Close a kernel handle this file opened; a failure is logged, not returned. */
static void SdCloseKernelHandle(_In_ HANDLE Handle)
{
	NTSTATUS status = ZwClose(Handle);

	if (!NT_SUCCESS(status))
		SdError("ZwClose of a kernel handle failed (0x%08lX)\n",
			(unsigned long)(ULONG)status);
}

/* The base priority of Thread's process, read through a kernel handle. */
SD_PAGED_CODE
static NTSTATUS SdProcessBase(_In_ PETHREAD Thread, _Out_ KPRIORITY *Base)
{
	PROCESS_BASIC_INFORMATION info;
	PEPROCESS process;
	HANDLE handle;
	NTSTATUS status;

	PAGED_CODE();

	*Base = 0;
	status = PsLookupProcessByProcessId(PsGetThreadProcessId(Thread), &process);
	if (!NT_SUCCESS(status))
		return status;
	status = ObOpenObjectByPointer(process, OBJ_KERNEL_HANDLE, NULL,
				       PROCESS_QUERY_LIMITED_INFORMATION,
				       SD_PROCESS_OBJECT_TYPE, KernelMode, &handle);
	ObDereferenceObject(process);
	if (!NT_SUCCESS(status))
		return status;
	status = ZwQueryInformationProcess(handle, ProcessBasicInformation, &info,
					   sizeof(info), NULL);
	SdCloseKernelHandle(handle);
	if (NT_SUCCESS(status))
		*Base = info.BasePriority;
	return status;
}

_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdSetThreadBase(PETHREAD Thread, sd_s32 Level)
{
	KPRIORITY base;
	LONG increment;
	HANDLE handle;
	NTSTATUS status;

	PAGED_CODE();

	status = SdProcessBase(Thread, &base);
	if (!NT_SUCCESS(status))
		return status;
	status = SdBaseIncrement(base, Level, &increment);
	if (!NT_SUCCESS(status))
		return status;
	status = ObOpenObjectByPointer(Thread, OBJ_KERNEL_HANDLE, NULL, THREAD_SET_INFORMATION,
				       SD_THREAD_OBJECT_TYPE, KernelMode, &handle);
	if (!NT_SUCCESS(status))
		return status;
	status = ZwSetInformationThread(handle, ThreadBasePriority, &increment,
					sizeof(increment));
	SdCloseKernelHandle(handle);
	return status;
}
