/* SPDX-License-Identifier: MIT */
/*
 * harness_kernel.h - the kernel names driver/sd_capture.h needs, for the
 * user-mode Win32 program sd_probe_test.exe, which is linked with the
 * release build's own sd_capture.obj.
 *
 * Under Wine the real driver never sees a bad pointer: Wine copies
 * METHOD_NEITHER input into the driver host, and its ProbeForRead does
 * nothing. So the capture code is exercised here, in user mode, with real
 * SEH and real faults, and with a ProbeForRead that the test supplies and
 * that checks what Windows' does (alignment, then the user-mode range).
 */
#ifndef HARNESS_KERNEL_H
#define HARNESS_KERNEL_H

#include <windows.h>
#include <winternl.h>

typedef CCHAR KPROCESSOR_MODE;
enum { KernelMode = 0, UserMode = 1 };

#ifndef STATUS_SUCCESS
#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#endif

#define PAGED_CODE() ((void)0)

#endif /* HARNESS_KERNEL_H */
