/* SPDX-License-Identifier: MIT */
/*
 * sd_ioctl.h - SecondDriver's IOCTL dispatch, apart from the IRP.
 *
 * SecondDriverDeviceControl (SecondDriver.c) copies what it needs from the
 * IRP's stack location into an SD_REQUEST, calls SdDispatchIoctl, and
 * completes the IRP with the status and Information it gets back. Keeping
 * the IRP out of this file lets the native unit tests run every handler on
 * Linux against fakes of the kernel calls.
 */
#ifndef SD_IOCTL_H
#define SD_IOCTL_H

#include "sd_kernel.h"
#include "sd_log.h"

typedef struct _SD_REQUEST {
	ULONG IoControlCode;
	/*
	 * METHOD_NEITHER: the requestor's own pointers, unprobed
	 * (Parameters.DeviceIoControl.Type3InputBuffer, Irp->UserBuffer).
	 * METHOD_BUFFERED: both are Irp->AssociatedIrp.SystemBuffer, the I/O
	 * manager's kernel copy, one buffer for input and output: a handler
	 * reads what it needs before it writes.
	 */
	const void *InputBuffer;
	ULONG InputBufferLength;
	void *OutputBuffer;
	ULONG OutputBufferLength;
	KPROCESSOR_MODE RequestorMode;	/* Irp->RequestorMode */
	/* The file object: the owner of the leases made on this handle. */
	const void *FileObject;
	/* What the handle may do, from its file object (sd_access.h). */
	BOOLEAN HandleAccessKnown;
	ACCESS_MASK HandleAccess;
} SD_REQUEST, *PSD_REQUEST;

/*
 * One IOCTL's handler. It runs at PASSIVE_LEVEL in the requestor's context,
 * after the dispatcher has checked InputBufferLength >= the table's minimum.
 * It returns the request's status and sets *Information (bytes returned),
 * and notes in *Note what the log should keep: the input it copied, and
 * the change it made (sd_log.h).
 */
typedef _IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS SD_IOCTL_HANDLER(_In_ const SD_REQUEST *Request,
			  _Out_ ULONG_PTR *Information, _Inout_ PSD_LOG_NOTE Note);

typedef struct _SD_IOCTL_ENTRY {
	ULONG Code;			/* IOCTL_SECOND_DRIVER_* */
	/*
	 * The rights the handle must have been granted at open, checked by the
	 * driver: STATUS_ACCESS_DENIED otherwise. The seed's code says
	 * FILE_ANY_ACCESS, so the I/O manager checks nothing for it.
	 */
	ACCESS_MASK HandleAccess;
	ULONG MinInputLength;		/* shorter input: STATUS_BUFFER_TOO_SMALL */
	ULONG MinOutputLength;		/* shorter output: STATUS_BUFFER_TOO_SMALL */
	SD_IOCTL_HANDLER *Handler;
	const char *Name;		/* for logs */
} SD_IOCTL_ENTRY;

/* The table of every IOCTL the driver answers (sd_ioctl.c). */
extern const SD_IOCTL_ENTRY SdIoctlTable[];
extern const ULONG SdIoctlCount;

/* Look Code up in SdIoctlTable; NULL if the driver does not know it. */
const SD_IOCTL_ENTRY *SdFindIoctl(_In_ ULONG Code);

/*
 * Run one request: unknown code -> STATUS_INVALID_DEVICE_REQUEST, a handle
 * without the code's access -> STATUS_ACCESS_DENIED, short input or output
 * -> STATUS_BUFFER_TOO_SMALL, otherwise the handler's answer. Prints a
 * failure to the debugger, and writes the request's record to the log
 * (every request but GET_LOG's). *Information is 0 unless the handler sets
 * it, and 0 on failure.
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS SdDispatchIoctl(_In_ const SD_REQUEST *Request,
			 _Out_ ULONG_PTR *Information);

/* Handlers, one per IOCTL. */
SD_IOCTL_HANDLER SdSetPriority;
SD_IOCTL_HANDLER SdGetPriorityHandler;
SD_IOCTL_HANDLER SdSetPriorityExHandler;
SD_IOCTL_HANDLER SdSetPriorityBatchHandler;
SD_IOCTL_HANDLER SdGetLogHandler;
SD_IOCTL_HANDLER SdClearLogHandler;
SD_IOCTL_HANDLER SdGetInfoHandler;
SD_IOCTL_HANDLER SdBoostHandler;
SD_IOCTL_HANDLER SdEndLeaseHandler;
SD_IOCTL_HANDLER SdListLeasesHandler;

/*
 * Validation of a captured ThreadData, with no kernel calls: a level off
 * 1..31 is STATUS_INVALID_PARAMETER, one above the cap (sd_config.h)
 * STATUS_PRIVILEGE_NOT_HELD.
 */
NTSTATUS SdValidateThreadData(_In_ const ThreadData *Data);

#endif /* SD_IOCTL_H */
