// SPDX-License-Identifier: MIT
/*
 * sd_capture.c - probe-and-copy of METHOD_NEITHER input.
 *
 * With METHOD_NEITHER the I/O manager hands the driver the caller's raw
 * user-mode pointer (Parameters.DeviceIoControl.Type3InputBuffer). It may
 * be NULL, unaligned, unmapped, or a kernel address, and another thread of
 * the caller can unmap or rewrite it at any moment. The rules:
 *   1. probe it (ProbeForRead raises if it is not a user-mode range or is
 *      misaligned),
 *   2. touch it only inside __try/__except,
 *   3. read it exactly once, into kernel memory, and use only the copy.
 *
 * The reading is in its own non-inlined function: a fault inside a __try
 * body of the same function is not reliably caught by clang without
 * asynchronous exceptions, while one raised from a call is.
 */
#include "sd_capture.h"

/* Read the caller's structure: the only place that dereferences it. */
static __declspec(noinline) void SdProbeAndCopy(const void *Buffer,
						ThreadData *Captured)
{
	const volatile ThreadData *user = (const volatile ThreadData *)Buffer;

	ProbeForRead((PVOID)Buffer, sizeof(ThreadData),
		     TYPE_ALIGNMENT(ThreadData));
	Captured->ThreadId = user->ThreadId;
	Captured->Priority = user->Priority;
}

_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SdCaptureThreadData(const void *Buffer,
			     KPROCESSOR_MODE RequestorMode,
			     ThreadData *Captured)
{
	NTSTATUS code = STATUS_SUCCESS;

	PAGED_CODE();

	if (RequestorMode == KernelMode) {
		const ThreadData *kernel = (const ThreadData *)Buffer;

		*Captured = *kernel;
		return STATUS_SUCCESS;
	}

	__try {
		SdProbeAndCopy(Buffer, Captured);
	} __except (code = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
		/*
		 * The code is read in the filter expression: Wine 8 returns 0
		 * from GetExceptionCode() in the handler body.
		 */
		return code;
	}
	return STATUS_SUCCESS;
}
