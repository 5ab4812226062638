/* SPDX-License-Identifier: MIT */
/* fake_state.h - what the native fakes record, for the tests to check. */
#ifndef FAKE_STATE_H
#define FAKE_STATE_H

#include "fake_kernel.h"

/*
 * A scripted thread. With an empty table, every lookup finds one thread
 * (table[0]'s fields are then set from lookup_exiting); with a table, only
 * its ids are found, and the others get STATUS_INVALID_CID.
 */
struct fake_thread {
	ULONG id;
	ULONG process_id;	/* PsGetThreadProcessId */
	KPRIORITY priority;	/* KeQueryPriorityThread; KeSetPriorityThread returns and sets it */
	int exiting;
	int system;		/* PsIsSystemThread */
	ULONG kernel_ticks, user_ticks;	/* KeQueryRuntimeThread */
};

enum { FAKE_THREADS = 8 };

struct fake_state {
	/* scripted answers */
	struct fake_thread table[FAKE_THREADS];
	int table_n;
	NTSTATUS lookup_status;
	NTSTATUS capture_status;
	int lookup_exiting;	/* the lookup finds a thread that is exiting */
	/*
	 * A user-mode range that faults: a UserMode capture of a pointer in
	 * [fault_begin, fault_end) fails with fault_status without reading it,
	 * as the real capture's __except would (the fuzzer uses this).
	 */
	const void *fault_begin, *fault_end;
	NTSTATUS fault_status;
	int system_thread;		/* PsIsSystemThread answers TRUE */
	NTSTATUS open_status;		/* ObOpenObjectByPointer's answer */
	int privilege_denied;		/* SeSinglePrivilegeCheck answers FALSE */
	int wine_exports;		/* MmGetSystemRoutineAddress finds Wine's name */
	int no_runtime_export;		/* ... and not KeQueryRuntimeThread */
	ULONG time_increment;		/* KeQueryTimeIncrement, in 100 ns */
	int runtime_queries;		/* KeQueryRuntimeThread calls */
	int watch_mutex_held;		/* the watchdog's KMUTEX is held now */
	int ref_takes;			/* ObReferenceObject calls (the watchdog's) */
	KPRIORITY process_base;		/* ProcessBasicInformation's BasePriority */
	int pool_fail;			/* ExAllocatePoolWithTag answers NULL */
	ULONG current_pid, current_tid;	/* PsGetCurrentProcessId/ThreadId */
	ULONGLONG interrupt_time;	/* KeQueryInterruptTime, in 100 ns */
	/* The service's key: which keys exist, and MaxPriority's type and bytes. */
	int no_service_key, no_parameters_key;
	NTSTATUS key_open_status;	/* other than NOT_FOUND, for the service key */
	ULONG reg_type;			/* 0: no MaxPriority value */
	ULONG reg_len;
	unsigned char reg_data[16];
	ULONG leases_type;		/* 0: no MaxLeases value */
	ULONG leases_value;
	ULONG watch_values[3];		/* WatchdogBudgetMs, -WindowMs, -ShareMs; */
	int watch_set[3];		/* ... each a REG_DWORD only if set */
	int keys_open;			/* registry keys opened and not closed */
	NTSTATUS process_status;	/* PsLookupProcessByProcessId's answer */
	/* what happened */
	int lookups, sets, derefs, captures, logs, queries;
	int sets_on_exiting;	/* KeSetPriorityThread calls on an exiting thread */
	int opens, closes, handles;	/* thread handles opened, closed, open now */
	ACCESS_MASK open_access;
	KPROCESSOR_MODE open_mode, privilege_mode;
	POBJECT_TYPE open_type;
	int privilege_checks;
	LUID privilege;
	int process_lookups, process_refs;	/* processes looked up, held now */
	int base_sets;			/* ZwSetInformationThread(ThreadBasePriority) */
	LONG base_increment;
	ACCESS_MASK kernel_open_access;	/* the last KernelMode open's access */
	int bugchecks;			/* KeBugCheckEx calls (the fake returns) */
	int pool_blocks;		/* pool allocations not yet freed */
	int lock_held;			/* the spin lock is held now */
	int mutex_held;			/* the leases' fast mutex is held now */
	int lock_misuse;		/* acquired twice, or released when free */
	ULONG bugcheck_code;
	ULONG_PTR bugcheck_args[4];
	int refs;		/* outstanding thread references */
	int refs_at_set;	/* references held when KeSetPriorityThread ran */
	ULONG last_lookup_id, set_thread_id;
	KPRIORITY set_priority;
	KPROCESSOR_MODE capture_mode;
	ULONG last_log_level;
	char last_log[256];
};

extern struct fake_state fake;
void fake_reset(void);

/* KeQueryRuntimeThread's and KeQueryTimeIncrement's fakes. */
ULONG NTAPI fake_query_runtime_thread(PKTHREAD Thread, ULONG *UserTime);
ULONG NTAPI fake_query_time_increment(void);

/* KeQueryInterruptTime's fake: fake.interrupt_time. */
ULONGLONG fake_query_interrupt_time(void);

#endif /* FAKE_STATE_H */
