// SPDX-License-Identifier: MIT
/*
 * sd_access.c - the handle's access, and the requestor's right to a thread.
 * See sd_access.h, docs/SPEC.md section 5 and docs/SECURITY.md.
 */
#include "sd_access.h"
#include "sd_host.h"

/*
 * A file object's FsContext holds the handle's access: the granted mask in
 * the low 32 bits, and bit 32 set when the mask is known. NULL (never
 * written) reads as unknown.
 */
#define SD_ACCESS_KNOWN_BIT ((ULONG_PTR)1 << 32)

_Static_assert(sizeof(ULONG_PTR) == 8, "the FsContext encoding needs 64 bits");

_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdOpen(const SD_OPEN *Open, PVOID *FsContext)
{
	PAGED_CODE();

	*FsContext = NULL;
	if (Open->FileNameLength != 0)
		return STATUS_OBJECT_NAME_NOT_FOUND;
	if (Open->AccessKnown)
		*FsContext = (PVOID)(SD_ACCESS_KNOWN_BIT | (ULONG_PTR)Open->DesiredAccess);
	return STATUS_SUCCESS;
}

_Use_decl_annotations_
void SdHandleAccessFromContext(PVOID FsContext, SD_REQUEST *Request)
{
	ULONG_PTR v = (ULONG_PTR)FsContext;

	Request->HandleAccessKnown = (v & SD_ACCESS_KNOWN_BIT) != 0;
	Request->HandleAccess = (ACCESS_MASK)(v & 0xFFFFFFFFu);
}

_Use_decl_annotations_
NTSTATUS SdCheckHandleAccess(const SD_REQUEST *Request, ACCESS_MASK Needed)
{
	if (!Request->HandleAccessKnown)
		return STATUS_SUCCESS;
	if ((Request->HandleAccess & Needed) != Needed)
		return STATUS_ACCESS_DENIED;
	return STATUS_SUCCESS;
}

/*
 * Open Thread for Access as RequestorMode's caller would, and close the
 * handle again: the thread's DACL and the protected-process rules decide,
 * as they decide an OpenThread. With UserMode the handle lives, for this
 * moment, in the requestor's own handle table (we run in its context): it
 * could have opened the same handle itself. Wine 8's ObOpenObjectByPointer
 * implements KernelMode only, so there the open grants all.
 */
SD_PAGED_CODE
static NTSTATUS SdOpenThreadAs(_In_ PETHREAD Thread, _In_ KPROCESSOR_MODE RequestorMode,
			       _In_ ACCESS_MASK Access)
{
	HANDLE handle;
	NTSTATUS status;

	PAGED_CODE();

	status = ObOpenObjectByPointer(Thread, 0, NULL, Access, SD_THREAD_OBJECT_TYPE,
				       SdHost.Wine ? KernelMode : RequestorMode, &handle);
	if (!NT_SUCCESS(status))
		return status;
	status = ZwClose(handle);
	if (!NT_SUCCESS(status))
		SdError("ZwClose of the thread handle failed (0x%08lX)\n",
			(unsigned long)(ULONG)status);
	return STATUS_SUCCESS;
}

_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdCheckThreadAccess(PETHREAD Thread, KPROCESSOR_MODE RequestorMode,
			     sd_s32 Level)
{
	NTSTATUS status;

	PAGED_CODE();

	if (RequestorMode == KernelMode)
		return STATUS_SUCCESS;

	/* OpenThread cannot reach the System process's threads either. */
	if (PsIsSystemThread(Thread))
		return STATUS_ACCESS_DENIED;

	status = SdOpenThreadAs(Thread, RequestorMode, THREAD_SET_LIMITED_INFORMATION);
	if (!NT_SUCCESS(status))
		return status;

	/* NtSetInformationThread(ThreadPriority) asks the same for 16..31. */
	if (Level >= SD_PRIORITY_REALTIME_MIN &&
	    !SeSinglePrivilegeCheck(RtlConvertLongToLuid(SE_INC_BASE_PRIORITY_PRIVILEGE),
				    RequestorMode))
		return STATUS_PRIVILEGE_NOT_HELD;
	return STATUS_SUCCESS;
}

_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdCheckThreadQuery(PETHREAD Thread, KPROCESSOR_MODE RequestorMode)
{
	PAGED_CODE();

	if (RequestorMode == KernelMode)
		return STATUS_SUCCESS;
	return SdOpenThreadAs(Thread, RequestorMode, THREAD_QUERY_LIMITED_INFORMATION);
}
