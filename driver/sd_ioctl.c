// SPDX-License-Identifier: MIT
/*
 * sd_ioctl.c - the IOCTL table and its handlers.
 *
 * Adding an IOCTL is one contract entry (include/seconddriver.h), one
 * handler and one row of SdIoctlTable here, and one test block per host.
 */
#include "sd_ioctl.h"
#include "sd_access.h"
#include "sd_capture.h"

const SD_IOCTL_ENTRY SdIoctlTable[] = {
	{ IOCTL_SECOND_DRIVER_SET_PRIORITY, FILE_WRITE_DATA, sizeof(ThreadData),
	  SdSetPriority, "SET_PRIORITY" },
};

const ULONG SdIoctlCount = sizeof(SdIoctlTable) / sizeof(SdIoctlTable[0]);

_Use_decl_annotations_
SD_PAGED_CODE
const SD_IOCTL_ENTRY *SdFindIoctl(ULONG Code)
{
	ULONG i;

	PAGED_CODE();

	for (i = 0; i < SdIoctlCount; i++) {
		if (SdIoctlTable[i].Code == Code)
			return &SdIoctlTable[i];
	}
	return NULL;
}

_Use_decl_annotations_
NTSTATUS SdValidateThreadData(const ThreadData *Data)
{
	if (Data->Priority < SD_PRIORITY_MIN || Data->Priority > SD_PRIORITY_MAX)
		return STATUS_INVALID_PARAMETER;
	return STATUS_SUCCESS;
}

/*
 * IOCTL_SECOND_DRIVER_SET_PRIORITY: the seed's request, in the seed's order
 * of checks (length, NULL, range), but on a captured copy of the input, and
 * only on a thread the requestor could set from user mode (sd_access.h).
 */
_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdSetPriority(const SD_REQUEST *Request, ULONG_PTR *Information)
{
	ThreadData data;
	PETHREAD thread;
	NTSTATUS status;

	PAGED_CODE();

	*Information = 0;

	if (Request->InputBuffer == NULL)
		return STATUS_INVALID_PARAMETER;

	status = SdCaptureThreadData(Request->InputBuffer,
				     Request->RequestorMode, &data);
	if (!NT_SUCCESS(status))
		return status;

	status = SdValidateThreadData(&data);
	if (!NT_SUCCESS(status))
		return status;

	status = PsLookupThreadByThreadId(ULongToHandle(data.ThreadId), &thread);
	if (!NT_SUCCESS(status))
		return status;

	/* The lookup took a reference on the thread: one dereference below. */
	status = SdCheckThreadAccess(thread, Request->RequestorMode, data.Priority);
	if (NT_SUCCESS(status))
		KeSetPriorityThread((PKTHREAD)thread, (KPRIORITY)data.Priority);
	ObDereferenceObject(thread);
	if (!NT_SUCCESS(status))
		return status;

	SdInfo("Thread Priority change for %lu to %ld succeeded!\n",
	       (unsigned long)data.ThreadId, (long)data.Priority);
	return STATUS_SUCCESS;
}

_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdDispatchIoctl(const SD_REQUEST *Request, ULONG_PTR *Information)
{
	const SD_IOCTL_ENTRY *entry;
	NTSTATUS status;

	PAGED_CODE();

	*Information = 0;

	entry = SdFindIoctl(Request->IoControlCode);
	if (entry == NULL) {
		SdWarn("unknown IOCTL 0x%08lX: STATUS_INVALID_DEVICE_REQUEST\n",
			(unsigned long)Request->IoControlCode);
		return STATUS_INVALID_DEVICE_REQUEST;
	}

	status = SdCheckHandleAccess(Request, entry->HandleAccess);
	if (NT_SUCCESS(status) && Request->InputBufferLength < entry->MinInputLength)
		status = STATUS_BUFFER_TOO_SMALL;
	if (NT_SUCCESS(status))
		status = entry->Handler(Request, Information);

	if (!NT_SUCCESS(status)) {
		*Information = 0;
		SdWarn("%s (0x%08lX) failed: status 0x%08lX\n", entry->Name,
			(unsigned long)Request->IoControlCode,
			(unsigned long)(ULONG)status);
	}
	return status;
}
