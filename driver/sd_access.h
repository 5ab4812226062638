/* SPDX-License-Identifier: MIT */
/*
 * sd_access.h - who may ask SecondDriver for what (docs/SECURITY.md).
 *
 * Two questions, each answered without the IRP so that the native tests
 * can ask them too:
 *   - at IRP_MJ_CREATE, what may this handle do?  SdOpen records the access
 *     the I/O manager granted in the file object; every request made on the
 *     handle is then checked against it (SdCheckHandleAccess).
 *   - may this requestor steer this thread?  SdCheckThreadAccess grants
 *     only what NtSetInformationThread(ThreadPriority) would grant the same
 *     caller from user mode.
 */
#ifndef SD_ACCESS_H
#define SD_ACCESS_H

#include "sd_ioctl.h"

/* The parts of an IRP_MJ_CREATE that SdOpen reads. */
typedef struct _SD_OPEN {
	USHORT FileNameLength;		/* FileObject->FileName.Length */
	BOOLEAN AccessKnown;		/* Parameters.Create.SecurityContext != NULL */
	ACCESS_MASK DesiredAccess;	/* SecurityContext->DesiredAccess */
} SD_OPEN;

/*
 * SdOpen - accept or refuse an open, and make the file object's context.
 *
 * A name below the device (\\.\SecondDriver\junk) gets
 * STATUS_OBJECT_NAME_NOT_FOUND. Otherwise *FsContext receives the handle's
 * access: the desired access the I/O manager checked against the device's
 * DACL, or "unknown" when the create carries no security context (Wine 8
 * passes none).
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS SdOpen(_In_ const SD_OPEN *Open, _Out_ PVOID *FsContext);

/* Fill Request's handle fields from a file object's FsContext. */
void SdHandleAccessFromContext(_In_opt_ PVOID FsContext, _Inout_ SD_REQUEST *Request);

/*
 * STATUS_ACCESS_DENIED unless the handle was granted every right in Needed,
 * or its access is unknown.
 */
NTSTATUS SdCheckHandleAccess(_In_ const SD_REQUEST *Request, _In_ ACCESS_MASK Needed);

/*
 * SdCheckThreadAccess - may RequestorMode's caller set Thread to Level?
 *
 * For a UserMode requestor: not a system thread (STATUS_ACCESS_DENIED);
 * THREAD_SET_LIMITED_INFORMATION granted by the thread's own security, as
 * OpenThread would check it (ObOpenObjectByPointer's status); and for
 * levels 16..31, SeIncreaseBasePriorityPrivilege
 * (STATUS_PRIVILEGE_NOT_HELD). A KernelMode requestor passes all three.
 * The handle the check opens is closed before it returns.
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS SdCheckThreadAccess(_In_ PETHREAD Thread,
			     _In_ KPROCESSOR_MODE RequestorMode,
			     _In_ sd_s32 Level);

/*
 * SdCheckThreadQuery - may RequestorMode's caller read Thread's priority?
 * THREAD_QUERY_LIMITED_INFORMATION, as GetThreadPriority needs; System
 * threads are not refused, as user mode may read them too.
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS SdCheckThreadQuery(_In_ PETHREAD Thread, _In_ KPROCESSOR_MODE RequestorMode);

#endif /* SD_ACCESS_H */
