/* SPDX-License-Identifier: MIT */
/*
 * fake_kernel.h - just enough of the Windows kernel's types and calls for
 * driver/sd_ioctl.c to compile and run natively on Linux.
 *
 * The calls are fakes with counters (fake_kernel.c): the tests script what
 * each returns and check what the driver did, e.g. that every successful
 * PsLookupThreadByThreadId is matched by exactly one ObDereferenceObject.
 */
#ifndef FAKE_KERNEL_H
#define FAKE_KERNEL_H

#include <stddef.h>
#include <stdint.h>

typedef int32_t NTSTATUS;
typedef uint32_t ULONG;
typedef uintptr_t ULONG_PTR;
typedef void *PVOID;
typedef void *HANDLE;
typedef int32_t KPRIORITY;
typedef char KPROCESSOR_MODE;
typedef struct _FAKE_THREAD *PETHREAD, *PKTHREAD;

enum { KernelMode = 0, UserMode = 1 };

#define NT_SUCCESS(s)                  ((NTSTATUS)(s) >= 0)
#define STATUS_SUCCESS                 ((NTSTATUS)0x00000000)
#define STATUS_ACCESS_VIOLATION        ((NTSTATUS)0xC0000005)
#define STATUS_INVALID_CID             ((NTSTATUS)0xC000000B)
#define STATUS_INVALID_PARAMETER       ((NTSTATUS)0xC000000D)
#define STATUS_INVALID_DEVICE_REQUEST  ((NTSTATUS)0xC0000010)
#define STATUS_BUFFER_TOO_SMALL        ((NTSTATUS)0xC0000023)
#define STATUS_DATATYPE_MISALIGNMENT   ((NTSTATUS)0x80000002)

#define DPFLTR_ERROR_LEVEL   0
#define DPFLTR_WARNING_LEVEL 1
#define DPFLTR_INFO_LEVEL    3

#define PAGED_CODE() ((void)0)

#define _In_
#define _In_z_
#define _Out_

static inline HANDLE ULongToHandle(ULONG v) { return (HANDLE)(uintptr_t)v; }

NTSTATUS PsLookupThreadByThreadId(HANDLE ThreadId, PETHREAD *Thread);
KPRIORITY KeSetPriorityThread(PKTHREAD Thread, KPRIORITY Priority);
void ObDereferenceObject(PVOID Object);

#endif /* FAKE_KERNEL_H */
