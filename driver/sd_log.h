/* SPDX-License-Identifier: MIT */
/*
 * sd_log.h - the driver's own log of the requests it received.
 *
 * One ring of SD_LOG_CAPACITY records (include/sd_logring.h), allocated at
 * load from non-paged pool and guarded by a spin lock, so that a record can
 * be written or read at any IRQL up to DISPATCH_LEVEL. The dispatch
 * routines write one record per request (SecondDriver.c, sd_ioctl.c);
 * GET_LOG reads them and CLEAR_LOG drops them. Everything here is
 * non-paged code (docs/SPEC.md section 8).
 *
 * A handler says what it saw in an SD_LOG_NOTE: the bytes of input it
 * copied, and the change it made. The log never reads a request's buffer
 * itself.
 */
#ifndef SD_LOG_H
#define SD_LOG_H

#include "sd_kernel.h"

typedef struct _SD_LOG_NOTE {
	UCHAR Captured[SD_LOG_CAPTURE_MAX];
	ULONG CapturedLength;		/* 0: nothing was copied */
	USHORT Flags;			/* SD_LOG_F_* */
	ULONG TargetThread;		/* with SD_LOG_F_CHANGE */
	LONG OldLevel;
	LONG NewLevel;
} SD_LOG_NOTE, *PSD_LOG_NOTE;

/* Allocate the ring. Called once, from DriverEntry. */
_IRQL_requires_max_(PASSIVE_LEVEL)
_Must_inspect_result_
NTSTATUS SdLogStart(void);

/* Free the ring. Called once, from the unload, when no request is left. */
_IRQL_requires_max_(PASSIVE_LEVEL)
void SdLogStop(void);

/* Keep the first SD_LOG_CAPTURE_MAX bytes of what a handler copied. */
_IRQL_requires_max_(DISPATCH_LEVEL)
void SdLogNoteCapture(_Inout_ PSD_LOG_NOTE Note, _In_ const void *Data, _In_ ULONG Length);

/* Record that Thread went from Old to New. */
_IRQL_requires_max_(DISPATCH_LEVEL)
void SdLogNoteChange(_Inout_ PSD_LOG_NOTE Note, _In_ ULONG Thread, _In_ LONG Old,
		     _In_ LONG New);

/*
 * Append one record: Kind, the IOCTL code (0 for the other kinds), the
 * lengths, the answer and what the handler noted (Note may be NULL). The
 * sequence number, the time, the OS and the current process and thread
 * are filled in here.
 */
_IRQL_requires_max_(DISPATCH_LEVEL)
void SdLogWrite(_In_ UCHAR Kind, _In_ ULONG Code, _In_ ULONG InLength,
		_In_ ULONG OutLength, _In_ NTSTATUS Status, _In_ ULONG_PTR Information,
		_In_opt_ const SD_LOG_NOTE *Note);

/*
 * Copy up to Max records from number From on into Records (non-paged
 * memory): their count, with Out's Lost and NextSeq (include/sd_logring.h).
 */
_IRQL_requires_max_(DISPATCH_LEVEL)
ULONG SdLogRead(_In_ sd_u64 From, _Out_writes_(Max) SdLogRecord *Records, _In_ ULONG Max,
		_Out_ SdGetLogOut *Out);

/* Drop every record; the numbers go on. */
_IRQL_requires_max_(DISPATCH_LEVEL)
void SdLogClear(void);

#endif /* SD_LOG_H */
