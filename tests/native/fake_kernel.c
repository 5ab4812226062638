// SPDX-License-Identifier: MIT
/*
 * fake_kernel.c - scripted fakes of the kernel calls sd_ioctl.c makes,
 * and of SdCaptureThreadData (the real one needs SEH; it is tested under
 * Wine by tests/wine/sd_probe_test.c). The fake capture keeps the real
 * one's user-mode rules: a misaligned pointer fails the probe, and a pointer
 * in the scripted fault range fails as a faulting read would.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_kernel.h"
#include "fake_state.h"
#include "sd_capture.h"

struct fake_state fake;
struct _FAKE_OBJECT_TYPE {
	int unused;
} fake_thread_type, fake_process_type;

/* The one process PsLookupProcessByProcessId finds. */
struct _FAKE_PROCESS {
	int unused;
} fake_process;

/* PETHREAD points at a scripted thread. */
struct _FAKE_THREAD {
	struct fake_thread t;
};

static int names(const UNICODE_STRING *s, const wchar_t *name);

void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.lookup_status = STATUS_SUCCESS;
	fake.capture_status = STATUS_SUCCESS;
	fake.process_status = STATUS_SUCCESS;
	fake.process_base = 8;
	fake.table[0].priority = 8;
	fake.time_increment = 10000;	/* 1 ms ticks */
}

NTSTATUS PsLookupThreadByThreadId(HANDLE ThreadId, PETHREAD *Thread)
{
	ULONG id = (ULONG)(uintptr_t)ThreadId;
	struct fake_thread *found = NULL;
	int i;

	fake.lookups++;
	fake.last_lookup_id = id;
	if (!NT_SUCCESS(fake.lookup_status))
		return fake.lookup_status;
	if (fake.table_n == 0) {
		found = &fake.table[0];
		found->id = id;
		found->exiting = fake.lookup_exiting;
	}
	for (i = 0; i < fake.table_n && !found; i++) {
		if (fake.table[i].id == id)
			found = &fake.table[i];
	}
	if (!found)
		return STATUS_INVALID_CID;
	*Thread = (PETHREAD)found;
	fake.refs++;		/* the lookup returns a referenced object */
	return STATUS_SUCCESS;
}

KPRIORITY KeSetPriorityThread(PKTHREAD Thread, KPRIORITY Priority)
{
	KPRIORITY old = Thread->t.priority;

	fake.sets++;
	fake.refs_at_set = fake.refs;
	fake.set_thread_id = Thread->t.id;
	fake.set_priority = Priority;
	fake.sets_on_exiting += Thread->t.exiting;
	Thread->t.priority = Priority;
	return old;
}

KPRIORITY KeQueryPriorityThread(PKTHREAD Thread)
{
	fake.queries++;
	return Thread->t.priority;
}

HANDLE PsGetThreadProcessId(PETHREAD Thread)
{
	return (HANDLE)(uintptr_t)Thread->t.process_id;
}

void ObDereferenceObject(PVOID Object)
{
	if (Object == (PVOID)&fake_process) {
		fake.process_refs--;
		return;
	}
	fake.derefs++;
	fake.refs--;
}

NTSTATUS PsLookupProcessByProcessId(HANDLE ProcessId, PEPROCESS *Process)
{
	(void)ProcessId;
	fake.process_lookups++;
	if (!NT_SUCCESS(fake.process_status))
		return fake.process_status;
	fake.process_refs++;
	*Process = &fake_process;
	return STATUS_SUCCESS;
}

NTSTATUS ZwQueryInformationProcess(HANDLE Process, PROCESSINFOCLASS Class, PVOID Info,
				   ULONG Length, ULONG *ReturnLength)
{
	PROCESS_BASIC_INFORMATION *pbi = Info;

	(void)Process;
	if (ReturnLength)
		*ReturnLength = 0;
	if (Class != ProcessBasicInformation || Length != sizeof(*pbi))
		return STATUS_INVALID_PARAMETER;
	memset(pbi, 0, sizeof(*pbi));
	pbi->BasePriority = fake.process_base;
	return STATUS_SUCCESS;
}

NTSTATUS ZwSetInformationThread(HANDLE Thread, THREADINFOCLASS Class, PVOID Info,
				ULONG Length)
{
	(void)Thread;
	if (Class != ThreadBasePriority || Length != sizeof(LONG))
		return STATUS_INVALID_PARAMETER;
	fake.base_sets++;
	memcpy(&fake.base_increment, Info, sizeof(LONG));
	return STATUS_SUCCESS;
}

BOOLEAN PsIsSystemThread(PETHREAD Thread)
{
	return fake.system_thread || Thread->t.system ? TRUE : FALSE;
}

NTSTATUS ObOpenObjectByPointer(PVOID Object, ULONG HandleAttributes,
			       PACCESS_STATE PassedAccessState,
			       ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
			       KPROCESSOR_MODE AccessMode, PHANDLE Handle)
{
	(void)Object;
	(void)HandleAttributes;
	(void)PassedAccessState;
	/* The requestor's opens are the access checks; KernelMode ones are
	 * the driver's own, which its privilege never refuses. */
	if (AccessMode == KernelMode && (HandleAttributes & OBJ_KERNEL_HANDLE)) {
		fake.kernel_open_access = DesiredAccess;
		fake.handles++;
		*Handle = (HANDLE)(uintptr_t)0x1234;
		return STATUS_SUCCESS;
	}
	fake.opens++;
	fake.open_access = DesiredAccess;
	fake.open_type = ObjectType;
	fake.open_mode = AccessMode;
	if (!NT_SUCCESS(fake.open_status))
		return fake.open_status;
	fake.handles++;
	*Handle = (HANDLE)(uintptr_t)0x1234;
	return STATUS_SUCCESS;
}

/* Two keys: the service's (handle 0x5000) and its Parameters (0x5001). */
NTSTATUS ZwOpenKey(PHANDLE Key, ACCESS_MASK Access, OBJECT_ATTRIBUTES *Attributes)
{
	(void)Access;
	if (!(Attributes->Attributes & OBJ_KERNEL_HANDLE))
		return STATUS_ACCESS_DENIED;	/* a driver's key handle must be a kernel one */
	if (Attributes->RootDirectory == NULL) {
		if (!NT_SUCCESS(fake.key_open_status))
			return fake.key_open_status;
		if (fake.no_service_key)
			return STATUS_OBJECT_NAME_NOT_FOUND;
		*Key = (HANDLE)(uintptr_t)0x5000;
	} else {
		if (Attributes->RootDirectory != (HANDLE)(uintptr_t)0x5000 ||
		    !names(Attributes->ObjectName, L"Parameters"))
			return STATUS_OBJECT_NAME_NOT_FOUND;
		if (fake.no_parameters_key)
			return STATUS_OBJECT_NAME_NOT_FOUND;
		*Key = (HANDLE)(uintptr_t)0x5001;
	}
	fake.keys_open++;
	return STATUS_SUCCESS;
}

NTSTATUS ZwQueryValueKey(HANDLE Key, UNICODE_STRING *Name, KEY_VALUE_INFORMATION_CLASS Class,
			 PVOID Info, ULONG Length, ULONG *ResultLength)
{
	KEY_VALUE_PARTIAL_INFORMATION *v = Info;
	const unsigned char *data;
	ULONG type, len, need;

	if (Key != (HANDLE)(uintptr_t)0x5001 || Class != KeyValuePartialInformation)
		return STATUS_OBJECT_NAME_NOT_FOUND;
	if (names(Name, L"MaxPriority")) {
		type = fake.reg_type;
		len = fake.reg_len;
		data = fake.reg_data;
	} else if (names(Name, L"MaxLeases")) {
		type = fake.leases_type;
		len = sizeof(fake.leases_value);
		data = (const unsigned char *)&fake.leases_value;
	} else if (names(Name, L"WatchdogBudgetMs") || names(Name, L"WatchdogWindowMs") ||
		   names(Name, L"WatchdogShareMs")) {
		int i = names(Name, L"WatchdogBudgetMs") ? 0 : names(Name, L"WatchdogWindowMs") ? 1 : 2;

		type = fake.watch_set[i] ? REG_DWORD : 0;
		len = sizeof(fake.watch_values[i]);
		data = (const unsigned char *)&fake.watch_values[i];
	} else {
		return STATUS_OBJECT_NAME_NOT_FOUND;
	}
	if (type == 0)
		return STATUS_OBJECT_NAME_NOT_FOUND;
	need = (ULONG)offsetof(KEY_VALUE_PARTIAL_INFORMATION, Data) + len;
	*ResultLength = need;
	if (Length < offsetof(KEY_VALUE_PARTIAL_INFORMATION, Data))
		return STATUS_BUFFER_TOO_SMALL;
	v->TitleIndex = 0;
	v->Type = type;
	v->DataLength = len;
	if (Length < need)
		return STATUS_BUFFER_OVERFLOW;
	memcpy(v->Data, data, len);
	return STATUS_SUCCESS;
}

NTSTATUS ZwClose(HANDLE Handle)
{
	if (Handle == (HANDLE)(uintptr_t)0x5000 || Handle == (HANDLE)(uintptr_t)0x5001) {
		fake.keys_open--;
		return STATUS_SUCCESS;
	}
	if (Handle != (HANDLE)(uintptr_t)0x1234)
		return STATUS_INVALID_PARAMETER;
	fake.closes++;
	fake.handles--;
	return STATUS_SUCCESS;
}

BOOLEAN SeSinglePrivilegeCheck(LUID PrivilegeValue, KPROCESSOR_MODE PreviousMode)
{
	fake.privilege_checks++;
	fake.privilege = PrivilegeValue;
	fake.privilege_mode = PreviousMode;
	return fake.privilege_denied ? FALSE : TRUE;
}

void KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3,
		  ULONG_PTR P4)
{
	fake.bugchecks++;
	fake.bugcheck_code = BugCheckCode;
	fake.bugcheck_args[0] = P1;
	fake.bugcheck_args[1] = P2;
	fake.bugcheck_args[2] = P3;
	fake.bugcheck_args[3] = P4;
}

unsigned long long SdReadTimeStampCounter(void)
{
	static unsigned long long tsc = 0x123456789ull;

	return tsc += 0x1000;
}

ULONGLONG fake_query_interrupt_time(void)
{
	return fake.interrupt_time;
}

static int names(const UNICODE_STRING *s, const wchar_t *name)
{
	size_t n = wcslen(name);

	return s->Length == n * sizeof(wchar_t) && !wmemcmp(s->Buffer, name, n);
}

/* With wine_exports, the two exports Wine has and x64 Windows lacks. */
ULONG NTAPI fake_query_runtime_thread(PKTHREAD Thread, ULONG *UserTime)
{
	fake.runtime_queries++;
	*UserTime = Thread->t.user_ticks;
	return Thread->t.kernel_ticks;
}

ULONG NTAPI fake_query_time_increment(void)
{
	return fake.time_increment;
}

PVOID MmGetSystemRoutineAddress(UNICODE_STRING *SystemRoutineName)
{
	/* Windows has these; Wine's KeQueryRuntimeThread is a stub the driver must not find. */
	if (!fake.no_runtime_export && names(SystemRoutineName, L"KeQueryRuntimeThread"))
		return (PVOID)fake_query_runtime_thread;
	if (!fake.no_runtime_export && names(SystemRoutineName, L"KeQueryTimeIncrement"))
		return (PVOID)fake_query_time_increment;
	if (!fake.wine_exports)
		return NULL;
	if (names(SystemRoutineName, L"wine_ntoskrnl_main_loop"))
		return (PVOID)&fake;
	if (names(SystemRoutineName, L"KeQueryInterruptTime"))
		return (PVOID)fake_query_interrupt_time;
	return NULL;
}

PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
	void *p;

	(void)Tag;
	if ((PoolType != NonPagedPoolNx && PoolType != PagedPool) || fake.pool_fail)
		return NULL;
	p = malloc(NumberOfBytes);
	if (p)
		fake.pool_blocks++;
	return p;
}

void ExFreePoolWithTag(PVOID P, ULONG Tag)
{
	(void)Tag;
	fake.pool_blocks--;
	free(P);
}

void KeInitializeSpinLock(PKSPIN_LOCK SpinLock)
{
	*SpinLock = 0;
}

KIRQL KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock)
{
	fake.lock_misuse += *SpinLock != 0;
	*SpinLock = 1;
	fake.lock_held = 1;
	return 0;
}

void KeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
	fake.lock_misuse += *SpinLock != 1 || NewIrql != 0;
	*SpinLock = 0;
	fake.lock_held = 0;
}

NTSTATUS KeWaitForSingleObject(PVOID Object, int WaitReason, KPROCESSOR_MODE WaitMode,
			       BOOLEAN Alertable, PVOID Timeout)
{
	KMUTEX *mutex = Object;

	(void)WaitReason;
	(void)WaitMode;
	(void)Alertable;
	(void)Timeout;
	fake.lock_misuse += mutex->held != 0;
	mutex->held = 1;
	fake.watch_mutex_held = 1;
	return STATUS_SUCCESS;
}

LONG KeReleaseMutex(KMUTEX *Mutex, BOOLEAN Wait)
{
	(void)Wait;
	fake.lock_misuse += Mutex->held != 1;
	Mutex->held = 0;
	fake.watch_mutex_held = 0;
	return 0;
}

void ObReferenceObject(PVOID Object)
{
	(void)Object;
	fake.refs++;
	fake.ref_takes++;
}

void ExAcquireFastMutex(FAST_MUTEX *Mutex)
{
	fake.lock_misuse += Mutex->held != 0;
	Mutex->held = 1;
	fake.mutex_held = 1;
}

void ExReleaseFastMutex(FAST_MUTEX *Mutex)
{
	fake.lock_misuse += Mutex->held != 1;
	Mutex->held = 0;
	fake.mutex_held = 0;
}

HANDLE PsGetCurrentProcessId(void)
{
	return (HANDLE)(uintptr_t)fake.current_pid;
}

HANDLE PsGetCurrentThreadId(void)
{
	return (HANDLE)(uintptr_t)fake.current_tid;
}

NTSTATUS SdCaptureThreadData(const void *Buffer, KPROCESSOR_MODE RequestorMode,
			     ThreadData *Captured)
{
	fake.captures++;
	fake.capture_mode = RequestorMode;
	if (!NT_SUCCESS(fake.capture_status))
		return fake.capture_status;
	if (RequestorMode == UserMode) {
		/* ProbeForRead's first check: the type's alignment. */
		if ((uintptr_t)Buffer % _Alignof(ThreadData))
			return STATUS_DATATYPE_MISALIGNMENT;
		if ((const char *)Buffer >= (const char *)fake.fault_begin &&
		    (const char *)Buffer < (const char *)fake.fault_end)
			return fake.fault_status;
	}
	memcpy(Captured, Buffer, sizeof(*Captured));
	return STATUS_SUCCESS;
}

void SdPrint(ULONG Level, const char *Format, ...)
{
	va_list args;

	va_start(args, Format);
	vsnprintf(fake.last_log, sizeof(fake.last_log), Format, args);
	va_end(args);
	fake.last_log_level = Level;
	fake.logs++;
}
