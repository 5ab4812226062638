/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * seconddriver.h - the SecondDriver interface contract.
 *
 * This is the one header that names every code, structure and limit of the
 * interface. The Windows driver, the Win32 client, the Linux kernel module,
 * Linux user space and the native host tests all include it; none of them
 * redefines anything declared here. docs/SPEC.md is the prose datasheet of
 * this file and must be kept in step with it.
 *
 * It compiles, warning-free under -Wall -Wextra -Werror, in five places:
 *   - the Windows kernel driver      (_WIN32, SD_WINDOWS_KERNEL defined)
 *   - the Win32 client and tests     (_WIN32)
 *   - the Linux kernel module        (__KERNEL__)
 *   - Linux user space               (__linux__)
 *   - native host unit tests         (any hosted C11 compiler)
 *
 * Adding an IOCTL: give it a function number below (SD_FUNC_*), its Windows
 * code (IOCTL_SECOND_DRIVER_*), its Linux code (SD_LINUX_IOCTL_*) and the
 * structure it carries, with size/offset asserts. Then add one handler and
 * one table row in the driver (driver/sd_ioctl.c) and in the Linux module,
 * and one test block per host.
 */
#ifndef SECONDDRIVER_H
#define SECONDDRIVER_H

/* ---------------------------------------------------------------------------
 * Fixed-width types. ULONG is 4 bytes on Windows (LLP64) but 8 bytes on
 * 64-bit Linux (LP64), so the wire structures use explicit widths.
 * ------------------------------------------------------------------------- */
#if defined(__KERNEL__)
#include <linux/types.h>
#include <linux/ioctl.h>
typedef __u8 sd_u8;
typedef __u16 sd_u16;
typedef __u32 sd_u32;
typedef __s32 sd_s32;
typedef __u64 sd_u64;
#else
#include <stdint.h>
typedef uint8_t sd_u8;
typedef uint16_t sd_u16;
typedef uint32_t sd_u32;
typedef int32_t sd_s32;
typedef uint64_t sd_u64;
#if defined(__linux__)
#include <linux/ioctl.h>
#endif
#endif

/* ---------------------------------------------------------------------------
 * Names
 * ------------------------------------------------------------------------- */
#define SD_DEVICE_NAME_W      L"\\Device\\SecondDriver"  /* kernel device object */
#define SD_SYMLINK_NAME_W     L"\\??\\SecondDriver"      /* its DOS-device link */
#define SD_USER_PATH_W        L"\\\\.\\SecondDriver"     /* what CreateFile opens */
#define SD_USER_PATH_A        "\\\\.\\SecondDriver"
#define SD_DRIVER_FILE        "SecondDriver.sys"
#define SD_SERVICE_NAME       "second"                   /* sc create second ... */
#define SD_LINUX_DEVICE_NAME  "SecondDriver"             /* misc device name */
#define SD_LINUX_DEVICE_PATH  "/dev/SecondDriver"

/*
 * Only SYSTEM and the Administrators group may open the Windows device:
 * the DACL this SDDL describes is built by the driver itself (see
 * driver/SecondDriver.c), because mingw-w64 has no IoCreateDeviceSecure.
 */
#define SD_DEVICE_SDDL        "D:P(A;;GA;;;SY)(A;;GA;;;BA)"

/* ---------------------------------------------------------------------------
 * Windows I/O control codes
 *
 * CTL_CODE(DeviceType, Function, Method, Access) =
 *     (DeviceType << 16) | (Access << 14) | (Function << 2) | Method
 *
 * The device type is written 0x8000u: a signed 0x8000 shifted left by 16
 * would move a bit into the sign bit of an int, which is undefined in C.
 *
 * Deliberate, as in the seed: the IOCTL's device type (0x8000, the first
 * value of the vendor range 0x8000..0xFFFF) differs from the device object's
 * type, FILE_DEVICE_UNKNOWN (0x22). The I/O manager does not compare them;
 * the code only has to be unique to this driver.
 * ------------------------------------------------------------------------- */
#define SD_DEVICE_TYPE        0x8000u
#define SD_METHOD_BUFFERED    0u        /* == METHOD_BUFFERED */
#define SD_METHOD_NEITHER     3u        /* == METHOD_NEITHER */
#define SD_FILE_ANY_ACCESS    0u        /* == FILE_ANY_ACCESS */
#define SD_FILE_READ_ACCESS   1u        /* == FILE_READ_ACCESS */
#define SD_FILE_WRITE_ACCESS  2u        /* == FILE_WRITE_ACCESS */

#define SD_CTL_CODE(devtype, function, method, access) \
	(((sd_u32)(devtype) << 16) | ((sd_u32)(access) << 14) | \
	 ((sd_u32)(function) << 2) | (sd_u32)(method))

/*
 * Function numbers: 0x800..0xFFF is the range reserved for vendors. The
 * whole plan, so that later work does not collide. Every code after the
 * seed's is METHOD_BUFFERED and carries its access in the code, which the
 * I/O manager checks on each handle. Linux: nr = function - 0x800.
 *
 *   function  name                Windows access      status
 *   0x800     SET_PRIORITY        FILE_ANY_ACCESS     the seed's (METHOD_NEITHER)
 *   0x801     GET_PRIORITY        FILE_READ_ACCESS    here
 *   0x802     SET_PRIORITY_EX     FILE_WRITE_ACCESS   here
 *   0x803     SET_PRIORITY_BATCH  FILE_WRITE_ACCESS   here
 *   0x804     GET_LOG             FILE_READ_ACCESS    here
 *   0x805     CLEAR_LOG           FILE_WRITE_ACCESS   here
 *   0x806     BOOST               FILE_WRITE_ACCESS   here
 *   0x807     END_LEASE           FILE_WRITE_ACCESS   here
 *   0x808     LIST_LEASES         FILE_READ_ACCESS    here
 *   0x809     GET_INFO            FILE_READ_ACCESS    here
 */
#define SD_FUNC_BASE                0x800u
#define SD_FUNC_SET_PRIORITY        0x800u
#define SD_FUNC_GET_PRIORITY        0x801u
#define SD_FUNC_SET_PRIORITY_EX     0x802u
#define SD_FUNC_SET_PRIORITY_BATCH  0x803u
#define SD_FUNC_GET_LOG             0x804u
#define SD_FUNC_CLEAR_LOG           0x805u
#define SD_FUNC_BOOST               0x806u
#define SD_FUNC_END_LEASE           0x807u
#define SD_FUNC_LIST_LEASES         0x808u
#define SD_FUNC_GET_INFO            0x809u

/* Set one thread's priority. Input: ThreadData. Output: none. */
#define IOCTL_SECOND_DRIVER_SET_PRIORITY \
	SD_CTL_CODE(SD_DEVICE_TYPE, SD_FUNC_SET_PRIORITY, \
		    SD_METHOD_NEITHER, SD_FILE_ANY_ACCESS)

_Static_assert(IOCTL_SECOND_DRIVER_SET_PRIORITY == 0x80002003u,
	       "IOCTL_SECOND_DRIVER_SET_PRIORITY must stay 0x80002003");

/* Read one thread's level. In and out: SdGetPriority. */
#define IOCTL_SECOND_DRIVER_GET_PRIORITY \
	SD_CTL_CODE(SD_DEVICE_TYPE, SD_FUNC_GET_PRIORITY, \
		    SD_METHOD_BUFFERED, SD_FILE_READ_ACCESS)

/* Set one thread's level, and learn the one before. In and out: SdSetPriorityEx. */
#define IOCTL_SECOND_DRIVER_SET_PRIORITY_EX \
	SD_CTL_CODE(SD_DEVICE_TYPE, SD_FUNC_SET_PRIORITY_EX, \
		    SD_METHOD_BUFFERED, SD_FILE_WRITE_ACCESS)

/*
 * Set many threads' levels in one request. In: SdBatchHeader and Count
 * SdBatchEntry records, inline. Out: Count SdBatchResult records.
 */
#define IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH \
	SD_CTL_CODE(SD_DEVICE_TYPE, SD_FUNC_SET_PRIORITY_BATCH, \
		    SD_METHOD_BUFFERED, SD_FILE_WRITE_ACCESS)

/*
 * Read the driver's log of requests. In: SdGetLogIn. Out: SdGetLogOut and
 * as many SdLogRecord records after it as fit.
 */
#define IOCTL_SECOND_DRIVER_GET_LOG \
	SD_CTL_CODE(SD_DEVICE_TYPE, SD_FUNC_GET_LOG, \
		    SD_METHOD_BUFFERED, SD_FILE_READ_ACCESS)

/* Drop the log's records; the sequence numbers go on. No input, no output. */
#define IOCTL_SECOND_DRIVER_CLEAR_LOG \
	SD_CTL_CODE(SD_DEVICE_TYPE, SD_FUNC_CLEAR_LOG, \
		    SD_METHOD_BUFFERED, SD_FILE_WRITE_ACCESS)

/* Set a level that ends by itself. In: SdBoost. Out: SdBoostResult. */
#define IOCTL_SECOND_DRIVER_BOOST \
	SD_CTL_CODE(SD_DEVICE_TYPE, SD_FUNC_BOOST, \
		    SD_METHOD_BUFFERED, SD_FILE_WRITE_ACCESS)

/* End a lease now. In: SdEndLease. No output. */
#define IOCTL_SECOND_DRIVER_END_LEASE \
	SD_CTL_CODE(SD_DEVICE_TYPE, SD_FUNC_END_LEASE, \
		    SD_METHOD_BUFFERED, SD_FILE_WRITE_ACCESS)

/* The live leases. No input. Out: SdLeaseListHeader and SdLeaseInfo records. */
#define IOCTL_SECOND_DRIVER_LIST_LEASES \
	SD_CTL_CODE(SD_DEVICE_TYPE, SD_FUNC_LIST_LEASES, \
		    SD_METHOD_BUFFERED, SD_FILE_READ_ACCESS)

/* What the driver is and how it is set up. No input. Out: SdDriverInfo. */
#define IOCTL_SECOND_DRIVER_GET_INFO \
	SD_CTL_CODE(SD_DEVICE_TYPE, SD_FUNC_GET_INFO, \
		    SD_METHOD_BUFFERED, SD_FILE_READ_ACCESS)

_Static_assert(IOCTL_SECOND_DRIVER_GET_PRIORITY == 0x80006004u, "GET_PRIORITY's code");
_Static_assert(IOCTL_SECOND_DRIVER_GET_INFO == 0x80006024u, "GET_INFO's code");
_Static_assert(IOCTL_SECOND_DRIVER_BOOST == 0x8000A018u, "BOOST's code");
_Static_assert(IOCTL_SECOND_DRIVER_END_LEASE == 0x8000A01Cu, "END_LEASE's code");
_Static_assert(IOCTL_SECOND_DRIVER_LIST_LEASES == 0x80006020u, "LIST_LEASES's code");
_Static_assert(IOCTL_SECOND_DRIVER_GET_LOG == 0x80006010u, "GET_LOG's code");
_Static_assert(IOCTL_SECOND_DRIVER_CLEAR_LOG == 0x8000A014u, "CLEAR_LOG's code");
_Static_assert(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX == 0x8000A008u, "SET_PRIORITY_EX's code");
_Static_assert(IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH == 0x8000A00Cu,
	       "SET_PRIORITY_BATCH's code");

#if defined(CTL_CODE) && defined(METHOD_NEITHER) && defined(FILE_ANY_ACCESS)
/* Where the WDK/SDK macro exists, the contract must agree with it. */
_Static_assert(IOCTL_SECOND_DRIVER_SET_PRIORITY ==
	       CTL_CODE(0x8000u, 0x800, METHOD_NEITHER, FILE_ANY_ACCESS),
	       "SD_CTL_CODE disagrees with CTL_CODE");
_Static_assert(IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH ==
	       CTL_CODE(0x8000u, 0x803, METHOD_BUFFERED, FILE_WRITE_ACCESS),
	       "SD_CTL_CODE disagrees with CTL_CODE");
#endif

/* ---------------------------------------------------------------------------
 * Priorities: the Windows scale, 1 (lowest) .. 31 (highest real-time).
 * ------------------------------------------------------------------------- */
#define SD_PRIORITY_MIN       1
#define SD_PRIORITY_MAX       31
/*
 * 16..31 is Windows' real-time range: no decay, no boosts, and from user
 * mode only with SeIncreaseBasePriorityPrivilege (docs/SPEC.md section 5).
 */
#define SD_PRIORITY_REALTIME_MIN 16

/* ---------------------------------------------------------------------------
 * ThreadData: the input of SET_PRIORITY.
 *
 * Byte-identical to the seed's { ULONG ThreadId; int Priority; } on Windows:
 * 8 bytes, little-endian, ThreadId at offset 0 and Priority at offset 4.
 * ------------------------------------------------------------------------- */
typedef struct ThreadData {
	sd_u32 ThreadId;   /* Windows thread id, or Linux tid */
	sd_s32 Priority;   /* SD_PRIORITY_MIN .. SD_PRIORITY_MAX */
} ThreadData;

_Static_assert(sizeof(ThreadData) == 8, "ThreadData must be 8 bytes");
_Static_assert(__builtin_offsetof(ThreadData, ThreadId) == 0,
	       "ThreadId must be at offset 0");
_Static_assert(__builtin_offsetof(ThreadData, Priority) == 4,
	       "Priority must be at offset 4");
_Static_assert(_Alignof(ThreadData) == 4, "ThreadData must be 4-aligned");

/* ---------------------------------------------------------------------------
 * GET_PRIORITY: in, ThreadId; out, the same structure with Level filled in.
 * Windows: the thread's current priority, 0..31. Linux: its policy read
 * back on the 1..31 scale (docs/SPEC.md 9.3).
 * ------------------------------------------------------------------------- */
typedef struct SdGetPriority {
	sd_u32 ThreadId;
	sd_s32 Level;      /* out */
} SdGetPriority;

_Static_assert(sizeof(SdGetPriority) == 8, "SdGetPriority must be 8 bytes");
_Static_assert(__builtin_offsetof(SdGetPriority, Level) == 4, "Level at 4");

/* ---------------------------------------------------------------------------
 * SET_PRIORITY_EX: in, ThreadId, Priority and Flags; out, the same structure
 * with OldLevel, the level the thread had before (as GET would have read it).
 * ------------------------------------------------------------------------- */
typedef struct SdSetPriorityEx {
	sd_u32 ThreadId;
	sd_s32 Priority;   /* SD_PRIORITY_MIN .. SD_PRIORITY_MAX */
	sd_u32 Flags;      /* SD_SET_EX_*; other bits: invalid */
	sd_s32 OldLevel;   /* out */
} SdSetPriorityEx;

/*
 * The base-priority option. Windows: the level becomes the thread's base
 * priority, which does not decay, if it is within two of its process's base
 * (6..10 for a normal-class process); else STATUS_INVALID_PARAMETER. Under
 * Wine, STATUS_NOT_SUPPORTED. Linux: every level lasts anyway, and the flag
 * changes nothing. docs/SPEC.md 5.1.
 */
#define SD_SET_EX_BASE        0x1u
#define SD_SET_EX_FLAGS_KNOWN SD_SET_EX_BASE

_Static_assert(sizeof(SdSetPriorityEx) == 16, "SdSetPriorityEx must be 16 bytes");
_Static_assert(__builtin_offsetof(SdSetPriorityEx, Flags) == 8, "Flags at 8");
_Static_assert(__builtin_offsetof(SdSetPriorityEx, OldLevel) == 12, "OldLevel at 12");

/* ---------------------------------------------------------------------------
 * SET_PRIORITY_BATCH: Count entries, applied in index order; one result each.
 *
 * Windows: the input is an SdBatchHeader followed by Count SdBatchEntry
 * records, exactly 8 + 16 * Count bytes; the output receives Count
 * SdBatchResult records. Linux: struct sd_batch points at the two arrays,
 * which have exactly these layouts.
 * ------------------------------------------------------------------------- */
#define SD_BATCH_MAX          4096u    /* the most entries one request takes */

typedef struct SdBatchHeader {
	sd_u32 Count;      /* 1 .. SD_BATCH_MAX */
	sd_u32 Flags;      /* must be 0 */
} SdBatchHeader;

typedef struct SdBatchEntry {
	sd_u32 ThreadId;
	sd_s32 Priority;
	/*
	 * Non-zero: the process that must own the thread, or the entry fails
	 * (STATUS_INVALID_CID, ESRCH) and nothing changes for it. Guards
	 * against a thread id reused between listing and boost.
	 */
	sd_u32 ProcessId;
	sd_u32 Reserved;   /* must be 0 */
} SdBatchEntry;

typedef struct SdBatchResult {
	/* The kernel's own code: an NTSTATUS, or a negative errno; 0: done. */
	sd_s32 Status;
	sd_s32 OldLevel;   /* the level before the change; 0 when Status fails */
} SdBatchResult;

/* Linux only: where the arrays are. Pointers travel as __u64 (compat). */
struct sd_batch {
	sd_u64 entries;    /* SdBatchEntry[count] */
	sd_u64 results;    /* SdBatchResult[count] */
	sd_u32 count;      /* 1 .. SD_BATCH_MAX */
	sd_u32 flags;      /* must be 0 */
};

_Static_assert(sizeof(SdBatchHeader) == 8, "SdBatchHeader must be 8 bytes");
_Static_assert(sizeof(SdBatchEntry) == 16, "SdBatchEntry must be 16 bytes");
_Static_assert(__builtin_offsetof(SdBatchEntry, ProcessId) == 8, "ProcessId at 8");
_Static_assert(sizeof(SdBatchResult) == 8, "SdBatchResult must be 8 bytes");
_Static_assert(sizeof(struct sd_batch) == 24, "struct sd_batch must be 24 bytes");
_Static_assert(__builtin_offsetof(struct sd_batch, count) == 16, "count at 16");

/* ---------------------------------------------------------------------------
 * The log: the driver's own record of the requests it received, in a ring
 * of SD_LOG_CAPACITY records (docs/SPEC.md 4b). Each record has a sequence
 * number that only grows, from 1 at load; CLEAR_LOG drops records but never
 * resets the count. A reader that asks from a number whose records are
 * gone is told how many it lost.
 * ------------------------------------------------------------------------- */
#define SD_LOG_CAPACITY       256u     /* records the ring holds */
#define SD_LOG_CAPTURE_MAX    16u      /* bytes of input a record keeps */

/* SdLogRecord.Kind. 0 is never used; values above 15 are reserved. */
#define SD_LOG_CREATE         1u   /* a handle opened: IRP_MJ_CREATE, open() */
#define SD_LOG_CLEANUP        2u   /* Windows: its last handle closed (IRP_MJ_CLEANUP) */
#define SD_LOG_CLOSE          3u   /* the file let go: IRP_MJ_CLOSE, release() */
#define SD_LOG_IOCTL          4u   /* a device control, known or not */
#define SD_LOG_LEASE_END      5u   /* a lease ended, the thread put back */
#define SD_LOG_LEASE_SKIPPED  6u   /* a lease ended, the thread left alone */
#define SD_LOG_WATCHDOG       7u   /* the watchdog took a thread back (SdWatchdogEvent) */
#define SD_LOG_CHANGE         8u   /* one batch entry's change, before its IOCTL record */
#define SD_LOG_KIND_MAX       15u

/* SdLogRecord.Os: whose numbers Status holds. */
#define SD_LOG_OS_WINDOWS     1u   /* an NTSTATUS */
#define SD_LOG_OS_LINUX       2u   /* 0, or a negative errno */

/* SdLogRecord.Flags. */
#define SD_LOG_F_UNCHANGED    0x1u /* the level was already set: no scheduler call */
#define SD_LOG_F_CHANGE       0x2u /* TargetThread, OldLevel and NewLevel are a change */

typedef struct SdLogRecord {
	sd_u64 Seq;            /* 1, 2, 3, ... since the driver loaded */
	sd_u64 TimeNs;         /* since boot: KeQueryInterruptTime() * 100, ktime_get_boottime_ns() */
	sd_u8 Kind;            /* SD_LOG_CREATE .. SD_LOG_CHANGE */
	sd_u8 Os;              /* SD_LOG_OS_* */
	sd_u16 Flags;          /* SD_LOG_F_* */
	sd_u32 Code;           /* the IOCTL code; 0 for the other kinds */
	sd_u32 InLen;          /* the input's and output's lengths */
	sd_u32 OutLen;
	sd_u32 ProcessId;      /* the requestor's process and thread */
	sd_u32 ThreadId;
	sd_s32 Status;         /* the request's answer, as Os says */
	sd_u32 CapturedLength; /* 0 .. SD_LOG_CAPTURE_MAX bytes in Captured */
	sd_u64 Information;    /* bytes returned */
	sd_u8 Captured[SD_LOG_CAPTURE_MAX]; /* the input, as the handler copied it */
	sd_u32 TargetThread;   /* with SD_LOG_F_CHANGE: the thread changed, */
	sd_s32 OldLevel;       /* its level before, */
	sd_s32 NewLevel;       /* and after */
	sd_u32 Reserved;       /* 0 */
} SdLogRecord;

_Static_assert(sizeof(SdLogRecord) == 88, "SdLogRecord must be 88 bytes");
_Static_assert(__builtin_offsetof(SdLogRecord, Kind) == 16, "Kind at 16");
_Static_assert(__builtin_offsetof(SdLogRecord, Code) == 20, "Code at 20");
_Static_assert(__builtin_offsetof(SdLogRecord, Status) == 40, "Status at 40");
_Static_assert(__builtin_offsetof(SdLogRecord, Information) == 48, "Information at 48");
_Static_assert(__builtin_offsetof(SdLogRecord, Captured) == 56, "Captured at 56");
_Static_assert(__builtin_offsetof(SdLogRecord, TargetThread) == 72, "TargetThread at 72");

/*
 * GET_LOG. In: the first sequence number wanted (0: the oldest record held).
 * Out: SdGetLogOut, then Count records, oldest first. Lost counts the
 * records from FromSeq that were overwritten or cleared before this read;
 * NextSeq is the number to ask for next. A FromSeq beyond the newest
 * record answers none, and NextSeq is the driver's next number.
 */
typedef struct SdGetLogIn {
	sd_u64 FromSeq;
} SdGetLogIn;

typedef struct SdGetLogOut {
	sd_u64 NextSeq;
	sd_u64 Lost;
	sd_u32 Count;
	sd_u32 Reserved;       /* 0 */
} SdGetLogOut;

/* Linux only: where the records go, and the answer. */
struct sd_get_log {
	sd_u64 from_seq;       /* in: as SdGetLogIn.FromSeq */
	sd_u64 records;        /* in: SdLogRecord[capacity] */
	sd_u32 capacity;       /* in: records there is room for, 1 .. */
	sd_u32 flags;          /* in: must be 0 */
	SdGetLogOut out;       /* out */
};

_Static_assert(sizeof(SdGetLogIn) == 8, "SdGetLogIn must be 8 bytes");
_Static_assert(sizeof(SdGetLogOut) == 24, "SdGetLogOut must be 24 bytes");
_Static_assert(sizeof(struct sd_get_log) == 48, "struct sd_get_log must be 48 bytes");
_Static_assert(__builtin_offsetof(struct sd_get_log, out) == 24, "out at 24");

/* ---------------------------------------------------------------------------
 * Leases: a level that ends by itself (docs/SPEC.md 5c). BOOST sets it and
 * answers a lease id. By default the lease belongs to the handle that made
 * it and ends when that handle is closed; with DurationMs it also ends when
 * the time is up; a DETACHED lease outlives its handle and must have a
 * duration. When a lease ends, the driver's own thread puts the thread back
 * to the level it had before, if it is still at the lease's level.
 * ------------------------------------------------------------------------- */
#define SD_LEASES_MAX           4096u          /* live leases at once */
#define SD_LEASE_MAX_MS         86400000u      /* 24 h: the longest duration */
#define SD_BOOST_DETACHED       0x1u           /* outlive the handle */
#define SD_BOOST_FLAGS_KNOWN    SD_BOOST_DETACHED

typedef struct SdBoost {
	sd_u32 ThreadId;
	sd_s32 Priority;       /* 1..31, and at most the cap */
	sd_u32 Flags;          /* SD_BOOST_*; other bits: invalid */
	sd_u32 DurationMs;     /* 0: until the handle closes; else 1..SD_LEASE_MAX_MS */
} SdBoost;

typedef struct SdBoostResult {
	sd_s32 OldLevel;       /* the level the thread had */
	sd_u32 LeaseId;        /* 1.. : END_LEASE's argument */
} SdBoostResult;

typedef struct SdEndLease {
	sd_u32 LeaseId;
	sd_u32 Reserved;       /* 0 */
} SdEndLease;

typedef struct SdLeaseListHeader {
	sd_u32 Count;          /* records that follow */
	sd_u32 Total;          /* leases live now (more than Count if they did not fit) */
} SdLeaseListHeader;

typedef struct SdLeaseInfo {
	sd_u32 LeaseId;
	sd_u32 ThreadId;
	sd_s32 Level;          /* the lease's level */
	sd_s32 Before;         /* the level the thread goes back to */
	sd_u32 Flags;          /* SD_BOOST_* */
	sd_u32 RemainingMs;    /* until it ends by itself; 0: no duration */
} SdLeaseInfo;

/* Linux only: BOOST's in and out in one structure, and LIST_LEASES's array. */
struct sd_boost {
	SdBoost in;
	SdBoostResult out;
};

struct sd_list_leases {
	sd_u64 leases;         /* in: SdLeaseInfo[capacity] */
	sd_u32 capacity;       /* in */
	sd_u32 reserved;       /* in: 0 */
	SdLeaseListHeader out; /* out */
};

_Static_assert(sizeof(SdBoost) == 16, "SdBoost must be 16 bytes");
_Static_assert(sizeof(SdBoostResult) == 8, "SdBoostResult must be 8 bytes");
_Static_assert(sizeof(SdEndLease) == 8, "SdEndLease must be 8 bytes");
_Static_assert(sizeof(SdLeaseListHeader) == 8, "SdLeaseListHeader must be 8 bytes");
_Static_assert(sizeof(SdLeaseInfo) == 24, "SdLeaseInfo must be 24 bytes");
_Static_assert(__builtin_offsetof(SdLeaseInfo, RemainingMs) == 20, "RemainingMs at 20");
_Static_assert(sizeof(struct sd_boost) == 24, "struct sd_boost must be 24 bytes");
_Static_assert(sizeof(struct sd_list_leases) == 24, "struct sd_list_leases must be 24 bytes");

/* ---------------------------------------------------------------------------
 * The watchdog (docs/SPEC.md 5d): every thread the driver put at 16..31 is
 * sampled every SD_WATCH_PERIOD_MS on the driver's own thread. One that
 * uses more than BudgetMs of CPU time without blocking, or more than
 * ShareMs within any WindowMs, is put back to the level it had before the
 * driver's first change, and a WATCHDOG record says so. Windows: the
 * Parameters values WatchdogBudgetMs, WatchdogWindowMs, WatchdogShareMs;
 * Linux: the module parameters watchdog_budget_ms, watchdog_window_ms,
 * watchdog_share_ms. A budget of 0 turns it off; a share of 0 turns off
 * the window rule alone.
 * ------------------------------------------------------------------------- */
#define SD_WATCH_PERIOD_MS      50u        /* how often watched threads are sampled */
#define SD_WATCH_MAX            4096u      /* threads watched at once: a full batch */
#define SD_WATCH_BUDGET_MS      200u       /* default: rtkit's RLIMIT_RTTIME */
#define SD_WATCH_WINDOW_MS      1000u
#define SD_WATCH_SHARE_MS       500u
#define SD_WATCH_LIMIT_MS       60000u     /* the most any of the three may be */
#define SD_WATCH_WINDOW_MIN_MS  100u

/* SdWatchdogEvent.Rule: which limit the thread broke. */
#define SD_WATCH_RULE_BUDGET    1u         /* BudgetMs without blocking */
#define SD_WATCH_RULE_WINDOW    2u         /* ShareMs within WindowMs */

/* A WATCHDOG record's Captured bytes (CapturedLength 16). */
typedef struct SdWatchdogEvent {
	sd_u32 Rule;           /* SD_WATCH_RULE_* */
	sd_u32 UsedUs;         /* the CPU time it used, */
	sd_u32 SpanUs;         /* within this much time */
	sd_u32 Reserved;       /* 0 */
} SdWatchdogEvent;

_Static_assert(sizeof(SdWatchdogEvent) == SD_LOG_CAPTURE_MAX, "SdWatchdogEvent fills Captured");

/* ---------------------------------------------------------------------------
 * GET_INFO: the interface's version (docs/SPEC.md's), and the driver's
 * settings. MaxLevel is the cap: the highest level any request may set
 * (Windows: the service's Parameters\MaxPriority; Linux: the module
 * parameter max_priority; 31 unless set). A level above it is refused with
 * STATUS_PRIVILEGE_NOT_HELD / ERANGE. MaxLeases is SD_LEASES_MAX, and
 * LiveLeases the leases live now. The watchdog's settings are those in
 * effect: WatchBudgetMs is 0 when it is off (asked, or under Wine).
 * ------------------------------------------------------------------------- */
#define SD_INTERFACE_VERSION  7u

typedef struct SdDriverInfo {
	sd_u32 Version;        /* SD_INTERFACE_VERSION */
	sd_s32 MaxLevel;       /* the cap, 1..31 */
	sd_u32 MaxLeases;      /* leases the driver may hold at once */
	sd_u32 LiveLeases;     /* leases held now */
	sd_u32 WatchBudgetMs;  /* 0: the watchdog is off */
	sd_u32 WatchWindowMs;
	sd_u32 WatchShareMs;   /* 0: no window rule */
	sd_u32 Watched;        /* threads watched now */
} SdDriverInfo;

_Static_assert(sizeof(SdDriverInfo) == 32, "SdDriverInfo must be 32 bytes");
_Static_assert(__builtin_offsetof(SdDriverInfo, LiveLeases) == 12, "LiveLeases at 12");

/* ---------------------------------------------------------------------------
 * Linux ioctl codes
 *
 * _IOC_NR is 8 bits and the type byte cannot hold 0x8000, so a Linux code
 * keeps the Windows function number as nr = function - 0x800 under one
 * magic byte, and encodes the same structure (and so the same size).
 *
 * 0xD5 is unassigned in the kernel's list of ioctl magic numbers
 * (Documentation/userspace-api/ioctl/ioctl-number.rst, checked in 6.1:
 * the list goes from 0xCF to 0xDB). Every structure an ioctl carries has
 * fixed-width fields; a pointer, should one ever travel, goes as a __u64,
 * so that 32-bit callers use the same layout (compat_ptr_ioctl).
 * ------------------------------------------------------------------------- */
#define SD_LINUX_MAGIC        0xD5
#define SD_LINUX_NR(function) ((function) - SD_FUNC_BASE)

#if defined(__KERNEL__) || defined(__linux__)
#define SD_LINUX_IOCTL_SET_PRIORITY \
	_IOW(SD_LINUX_MAGIC, SD_LINUX_NR(SD_FUNC_SET_PRIORITY), ThreadData)

_Static_assert(_IOC_NR(SD_LINUX_IOCTL_SET_PRIORITY) == 0,
	       "SET_PRIORITY is function 0x800, nr 0");
_Static_assert(_IOC_TYPE(SD_LINUX_IOCTL_SET_PRIORITY) == SD_LINUX_MAGIC,
	       "wrong magic");
_Static_assert(_IOC_SIZE(SD_LINUX_IOCTL_SET_PRIORITY) == sizeof(ThreadData),
	       "SET_PRIORITY carries one ThreadData");

#define SD_LINUX_IOCTL_GET_PRIORITY \
	_IOWR(SD_LINUX_MAGIC, SD_LINUX_NR(SD_FUNC_GET_PRIORITY), SdGetPriority)
#define SD_LINUX_IOCTL_SET_PRIORITY_EX \
	_IOWR(SD_LINUX_MAGIC, SD_LINUX_NR(SD_FUNC_SET_PRIORITY_EX), SdSetPriorityEx)
#define SD_LINUX_IOCTL_SET_PRIORITY_BATCH \
	_IOWR(SD_LINUX_MAGIC, SD_LINUX_NR(SD_FUNC_SET_PRIORITY_BATCH), struct sd_batch)
#define SD_LINUX_IOCTL_GET_LOG \
	_IOWR(SD_LINUX_MAGIC, SD_LINUX_NR(SD_FUNC_GET_LOG), struct sd_get_log)
#define SD_LINUX_IOCTL_CLEAR_LOG \
	_IO(SD_LINUX_MAGIC, SD_LINUX_NR(SD_FUNC_CLEAR_LOG))
#define SD_LINUX_IOCTL_GET_INFO \
	_IOR(SD_LINUX_MAGIC, SD_LINUX_NR(SD_FUNC_GET_INFO), SdDriverInfo)
#define SD_LINUX_IOCTL_BOOST \
	_IOWR(SD_LINUX_MAGIC, SD_LINUX_NR(SD_FUNC_BOOST), struct sd_boost)
#define SD_LINUX_IOCTL_END_LEASE \
	_IOW(SD_LINUX_MAGIC, SD_LINUX_NR(SD_FUNC_END_LEASE), SdEndLease)
#define SD_LINUX_IOCTL_LIST_LEASES \
	_IOWR(SD_LINUX_MAGIC, SD_LINUX_NR(SD_FUNC_LIST_LEASES), struct sd_list_leases)

_Static_assert(SD_LINUX_IOCTL_GET_PRIORITY == 0xC008D501u, "GET_PRIORITY's Linux code");
_Static_assert(SD_LINUX_IOCTL_SET_PRIORITY_EX == 0xC010D502u, "SET_PRIORITY_EX's Linux code");
_Static_assert(SD_LINUX_IOCTL_SET_PRIORITY_BATCH == 0xC018D503u,
	       "SET_PRIORITY_BATCH's Linux code");
_Static_assert(SD_LINUX_IOCTL_GET_LOG == 0xC030D504u, "GET_LOG's Linux code");
_Static_assert(SD_LINUX_IOCTL_CLEAR_LOG == 0x0000D505u, "CLEAR_LOG's Linux code");
_Static_assert(SD_LINUX_IOCTL_GET_INFO == 0x8020D509u, "GET_INFO's Linux code");
_Static_assert(SD_LINUX_IOCTL_BOOST == 0xC018D506u, "BOOST's Linux code");
_Static_assert(SD_LINUX_IOCTL_END_LEASE == 0x4008D507u, "END_LEASE's Linux code");
_Static_assert(SD_LINUX_IOCTL_LIST_LEASES == 0xC018D508u, "LIST_LEASES's Linux code");
#endif

#endif /* SECONDDRIVER_H */
