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
#include <string.h>
#include <wchar.h>

typedef int32_t NTSTATUS;
typedef uint32_t ULONG;
typedef int32_t LONG;
typedef uint16_t USHORT;
typedef uint64_t ULONGLONG;
typedef size_t SIZE_T;
typedef unsigned char KIRQL;
typedef uintptr_t KSPIN_LOCK, *PKSPIN_LOCK;
#define NTAPI

typedef unsigned char BOOLEAN;
typedef unsigned char UCHAR;
typedef uint32_t ACCESS_MASK;
typedef struct { ULONG LowPart; LONG HighPart; } LUID;
typedef struct _FAKE_OBJECT_TYPE *POBJECT_TYPE;
typedef void *PACCESS_STATE;

typedef uintptr_t ULONG_PTR;
typedef void *PVOID;
typedef void *HANDLE;
typedef HANDLE *PHANDLE;
typedef int32_t KPRIORITY;
typedef char KPROCESSOR_MODE;
typedef struct _FAKE_THREAD *PETHREAD, *PKTHREAD;
typedef struct _FAKE_PROCESS *PEPROCESS;

enum { KernelMode = 0, UserMode = 1 };

#define NT_SUCCESS(s)                  ((NTSTATUS)(s) >= 0)
#define STATUS_SUCCESS                 ((NTSTATUS)0x00000000)
#define STATUS_ACCESS_VIOLATION        ((NTSTATUS)0xC0000005)
#define STATUS_INVALID_CID             ((NTSTATUS)0xC000000B)
#define STATUS_INVALID_PARAMETER       ((NTSTATUS)0xC000000D)
#define STATUS_INVALID_DEVICE_REQUEST  ((NTSTATUS)0xC0000010)
#define STATUS_BUFFER_TOO_SMALL        ((NTSTATUS)0xC0000023)
#define STATUS_DATATYPE_MISALIGNMENT   ((NTSTATUS)0x80000002)
#define STATUS_ACCESS_DENIED           ((NTSTATUS)0xC0000022)
#define STATUS_OBJECT_NAME_NOT_FOUND   ((NTSTATUS)0xC0000034)
#define STATUS_PRIVILEGE_NOT_HELD      ((NTSTATUS)0xC0000061)
#define STATUS_DELETE_PENDING          ((NTSTATUS)0xC0000056)
#define STATUS_NOT_SUPPORTED           ((NTSTATUS)0xC00000BB)
#define STATUS_INSUFFICIENT_RESOURCES  ((NTSTATUS)0xC000009A)
#define STATUS_BUFFER_OVERFLOW         ((NTSTATUS)0x80000005)
#define STATUS_NOT_FOUND               ((NTSTATUS)0xC0000225)

#define TRUE  1
#define FALSE 0
#define FILE_READ_DATA                  0x0001
#define FILE_WRITE_DATA                 0x0002
#define THREAD_SET_LIMITED_INFORMATION  0x0400
#define THREAD_QUERY_LIMITED_INFORMATION 0x0800
#define THREAD_SET_INFORMATION          0x0020
#define PROCESS_QUERY_LIMITED_INFORMATION 0x1000
#define OBJ_KERNEL_HANDLE               0x0200
#define METHOD_BUFFERED                 0
#define METHOD_NEITHER                  3
#define SE_INC_BASE_PRIORITY_PRIVILEGE  14

/* Here L"" strings are wchar_t, 4 bytes a character; lengths stay in bytes. */
typedef struct {
	USHORT Length, MaximumLength;
	const wchar_t *Buffer;
} UNICODE_STRING, *PUNICODE_STRING;
#define RTL_CONSTANT_STRING(s) \
	{ sizeof(s) - sizeof((s)[0]), sizeof(s), (s) }

#define DPFLTR_ERROR_LEVEL   0
#define DPFLTR_WARNING_LEVEL 1
#define DPFLTR_INFO_LEVEL    3

#define PAGED_CODE() ((void)0)
#define UNREFERENCED_PARAMETER(p) ((void)(p))
#define RtlZeroMemory(d, n) memset((d), 0, (n))
#define RtlCopyMemory(d, s, n) memcpy((d), (s), (n))
#define PASSIVE_LEVEL  0
#define DISPATCH_LEVEL 2
#define _Out_writes_(n)

#define _In_
#define _In_z_
#define _In_opt_
#define _Inout_
#define _Out_

static inline HANDLE ULongToHandle(ULONG v) { return (HANDLE)(uintptr_t)v; }
static inline ULONG HandleToULong(HANDLE h) { return (ULONG)(uintptr_t)h; }

static inline LUID RtlConvertLongToLuid(LONG v)
{
	LUID l = { (ULONG)v, v < 0 ? -1 : 0 };

	return l;
}

extern struct _FAKE_OBJECT_TYPE fake_thread_type, fake_process_type;
#define SD_THREAD_OBJECT_TYPE (&fake_thread_type)
#define SD_PROCESS_OBJECT_TYPE (&fake_process_type)

typedef enum { ProcessBasicInformation = 0 } PROCESSINFOCLASS;
typedef enum { ThreadBasePriority = 3 } THREADINFOCLASS;
typedef struct {
	NTSTATUS ExitStatus;
	void *PebBaseAddress;
	ULONG_PTR AffinityMask;
	KPRIORITY BasePriority;
	ULONG_PTR UniqueProcessId;
	ULONG_PTR InheritedFromUniqueProcessId;
} PROCESS_BASIC_INFORMATION;

NTSTATUS PsLookupThreadByThreadId(HANDLE ThreadId, PETHREAD *Thread);
KPRIORITY KeSetPriorityThread(PKTHREAD Thread, KPRIORITY Priority);
KPRIORITY KeQueryPriorityThread(PKTHREAD Thread);
HANDLE PsGetThreadProcessId(PETHREAD Thread);
void ObDereferenceObject(PVOID Object);
BOOLEAN PsIsSystemThread(PETHREAD Thread);
NTSTATUS ObOpenObjectByPointer(PVOID Object, ULONG HandleAttributes,
			       PACCESS_STATE PassedAccessState,
			       ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
			       KPROCESSOR_MODE AccessMode, PHANDLE Handle);
NTSTATUS ZwClose(HANDLE Handle);
NTSTATUS PsLookupProcessByProcessId(HANDLE ProcessId, PEPROCESS *Process);
NTSTATUS ZwQueryInformationProcess(HANDLE Process, PROCESSINFOCLASS Class, PVOID Info,
				   ULONG Length, ULONG *ReturnLength);
NTSTATUS ZwSetInformationThread(HANDLE Thread, THREADINFOCLASS Class, PVOID Info,
				ULONG Length);
BOOLEAN SeSinglePrivilegeCheck(LUID PrivilegeValue, KPROCESSOR_MODE PreviousMode);
PVOID MmGetSystemRoutineAddress(UNICODE_STRING *SystemRoutineName);
void KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3,
		  ULONG_PTR P4);
unsigned long long SdReadTimeStampCounter(void);

/* The registry (driver/sd_config.c). */
typedef struct {
	ULONG Length;
	HANDLE RootDirectory;
	UNICODE_STRING *ObjectName;
	ULONG Attributes;
	PVOID SecurityDescriptor, SecurityQualityOfService;
} OBJECT_ATTRIBUTES;
#define OBJ_CASE_INSENSITIVE 0x40
#define KEY_READ 0x20019
#define REG_SZ 1
#define REG_DWORD 4
#define InitializeObjectAttributes(p, n, a, r, s) \
	do { (p)->Length = sizeof(OBJECT_ATTRIBUTES); (p)->RootDirectory = (r); \
	     (p)->ObjectName = (n); (p)->Attributes = (a); (p)->SecurityDescriptor = (s); \
	     (p)->SecurityQualityOfService = NULL; } while (0)
typedef enum { KeyValuePartialInformation = 2 } KEY_VALUE_INFORMATION_CLASS;
typedef struct {
	ULONG TitleIndex, Type, DataLength;
	UCHAR Data[1];
} KEY_VALUE_PARTIAL_INFORMATION, *PKEY_VALUE_PARTIAL_INFORMATION;
NTSTATUS ZwOpenKey(PHANDLE Key, ACCESS_MASK Access, OBJECT_ATTRIBUTES *Attributes);
NTSTATUS ZwQueryValueKey(HANDLE Key, UNICODE_STRING *Name, KEY_VALUE_INFORMATION_CLASS Class,
			 PVOID Info, ULONG Length, ULONG *ResultLength);

/* The log's kernel calls (driver/sd_log.c). */
typedef enum { PagedPool = 1, NonPagedPoolNx = 512 } POOL_TYPE;

/* The leases' lock (driver/sd_boost.c). */
typedef struct { int held; } FAST_MUTEX;
#define ExInitializeFastMutex(m) ((m)->held = 0)
void ExAcquireFastMutex(FAST_MUTEX *Mutex);
void ExReleaseFastMutex(FAST_MUTEX *Mutex);
PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
void ExFreePoolWithTag(PVOID P, ULONG Tag);
void KeInitializeSpinLock(PKSPIN_LOCK SpinLock);
KIRQL KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock);
void KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql);
HANDLE PsGetCurrentProcessId(void);
HANDLE PsGetCurrentThreadId(void);

/* The watchdog's lock and references (driver/sd_watch.c). */
typedef struct { int held; } KMUTEX;
enum { Executive = 0 };
#define KeInitializeMutex(m, level) ((m)->held = 0)
NTSTATUS KeWaitForSingleObject(PVOID Object, int WaitReason, KPROCESSOR_MODE WaitMode,
			       BOOLEAN Alertable, PVOID Timeout);
LONG KeReleaseMutex(KMUTEX *Mutex, BOOLEAN Wait);
void ObReferenceObject(PVOID Object);
#define NT_ASSERT(e) ((void)0)

#endif /* FAKE_KERNEL_H */
