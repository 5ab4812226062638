/* SPDX-License-Identifier: MIT */
/*
 * sd_kernel.h - what the driver's sources see of the kernel.
 *
 * The driver's IOCTL logic (sd_ioctl.c) and its user-buffer capture
 * (sd_capture.c) are compiled in three places, and this header is the seam:
 *
 *   (default)          the real driver: mingw-w64's ntifs.h/ntddk.h
 *   SD_HOST_TEST       native unit tests on Linux: tests/native/fake_kernel.h
 *                      supplies the types and counting fakes of the calls
 *   SD_WIN32_HARNESS   a user-mode Win32 program run under Wine:
 *                      tests/wine/harness_kernel.h (real SEH, a ProbeForRead
 *                      that the test supplies)
 */
#ifndef SD_KERNEL_H
#define SD_KERNEL_H

#if defined(SD_HOST_TEST)
#include "fake_kernel.h"
#elif defined(SD_WIN32_HARNESS)
#include "harness_kernel.h"
#else
#include <ntifs.h>	/* PsLookupThreadByThreadId lives here: before ntddk.h */
#include <ntddk.h>
#include <stdarg.h>
#define SD_WINDOWS_KERNEL 1
#ifndef PROCESS_QUERY_LIMITED_INFORMATION	/* the WDK has it; mingw's DDK does not */
#define PROCESS_QUERY_LIMITED_INFORMATION 0x1000
#endif
#endif

#include "seconddriver.h"

/*
 * SAL and role annotations. mingw-w64's sal.h/driverspecs.h define most of
 * them away; the few it lacks get empty definitions here so that the
 * sources can carry the WDK's annotations as written.
 */
#ifndef _Dispatch_type_
#define _Dispatch_type_(x)
#endif
#ifndef _Use_decl_annotations_
#define _Use_decl_annotations_
#endif
#ifndef _IRQL_requires_max_
#define _IRQL_requires_max_(x)
#endif
#ifndef _IRQL_requires_
#define _IRQL_requires_(x)
#endif
#ifndef _In_opt_
#define _In_opt_
#endif
#ifndef _Inout_
#define _Inout_
#endif
#ifndef _Must_inspect_result_
#define _Must_inspect_result_
#endif
#ifndef _Printf_format_string_
#define _Printf_format_string_
#endif

/*
 * Code placement. clang 14 rejects "#pragma alloc_text", so each function
 * names its section itself: SD_INIT_CODE is discarded after DriverEntry,
 * SD_PAGED_CODE may be paged out and must only run at IRQL <= APC_LEVEL.
 */
#if defined(SD_WINDOWS_KERNEL)
#define SD_INIT_CODE  __declspec(code_seg("INIT"))
#define SD_PAGED_CODE __declspec(code_seg("PAGE"))
#else
#define SD_INIT_CODE
#define SD_PAGED_CODE
#endif

/*
 * The thread object type, for ObOpenObjectByPointer. mingw-w64 declares
 * PsThreadType dllimport with the WDK's type (POBJECT_TYPE *), so the name
 * already reads ntoskrnl's exported variable, which holds the type object's
 * address; the WDK's *PsThreadType would go one step too far. (The WDK's
 * declaration has no dllimport: there the name is the import-table slot.)
 */
#if defined(SD_WINDOWS_KERNEL)
#define SD_THREAD_OBJECT_TYPE ((POBJECT_TYPE)PsThreadType)
#define SD_PROCESS_OBJECT_TYPE ((POBJECT_TYPE)PsProcessType)	/* the same */
#endif

/* The CPU's time-stamp counter (the native tests supply their own). */
#if defined(SD_WINDOWS_KERNEL)
#define SdReadTimeStampCounter() __rdtsc()
#endif

/* Pool tag: 'SdDr' as it reads in a pool dump. */
#define SD_POOL_TAG 'rDdS'

/*
 * SdPrint: every driver message goes through here, to DbgPrintEx with the
 * IHVDRIVER component id. The format attribute lets -Wformat check each
 * call, which DbgPrintEx's own declaration in mingw-w64 does not.
 * Levels: DPFLTR_ERROR_LEVEL (0, the driver itself failed) is always shown
 * by a debugger; DPFLTR_WARNING_LEVEL (1, a request was refused) and
 * DPFLTR_INFO_LEVEL (3, load, unload, success) need the IHVDRIVER mask
 * (see README).
 */
void SdPrint(_In_ ULONG Level, _In_z_ _Printf_format_string_ const char *Format, ...)
	__attribute__((format(printf, 2, 3)));

#define SdError(...) SdPrint(DPFLTR_ERROR_LEVEL, "SecondDriver: " __VA_ARGS__)
#define SdWarn(...)  SdPrint(DPFLTR_WARNING_LEVEL, "SecondDriver: " __VA_ARGS__)
#define SdInfo(...)  SdPrint(DPFLTR_INFO_LEVEL, "SecondDriver: " __VA_ARGS__)

#endif /* SD_KERNEL_H */
