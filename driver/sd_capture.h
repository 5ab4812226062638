/* SPDX-License-Identifier: MIT */
/*
 * sd_capture.h - copy a caller's input structure into kernel memory, once,
 * without trusting the caller's pointer.
 */
#ifndef SD_CAPTURE_H
#define SD_CAPTURE_H

#include "sd_kernel.h"

/*
 * SdCaptureThreadData - copy the ThreadData at Buffer into *Captured.
 *
 * For a UserMode requestor the pointer is the caller's own
 * (METHOD_NEITHER): it is probed with ProbeForRead and read inside
 * __try/__except, so a bad pointer comes back as the exception's status
 * (STATUS_ACCESS_VIOLATION, or STATUS_DATATYPE_MISALIGNMENT for a pointer
 * that is not 4-byte aligned) instead of crashing the system. A KernelMode
 * requestor's buffer is trusted and copied directly.
 *
 * The caller must validate *Captured, never Buffer: user memory can change
 * between two reads.
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
_Must_inspect_result_
NTSTATUS SdCaptureThreadData(_In_ const void *Buffer,
			     _In_ KPROCESSOR_MODE RequestorMode,
			     _Out_ ThreadData *Captured);

#endif /* SD_CAPTURE_H */
