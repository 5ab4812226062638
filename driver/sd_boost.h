/* SPDX-License-Identifier: MIT */
/*
 * sd_boost.h - the Windows driver's leases: levels that end by themselves
 * (docs/SPEC.md 5c), kept in include/sd_lease.h's table.
 *
 * Every lease ends on one system thread of the driver's, at priority 31,
 * which the boosted threads cannot starve; the watchdog samples there too
 * (sd_watch.h). It waits on two events (stop,
 * kick) with a timeout until the earliest lease's end: no KTIMER and no DPC
 * exist, so none is left to cancel or flush at unload. A lease holds the
 * reference PsLookupThreadByThreadId took, until it ends.
 *
 * SdBoostEndDue, the thread's work, is a function of its own, so that the
 * native tests can run it with a fake clock.
 */
#ifndef SD_BOOST_H
#define SD_BOOST_H

#include "sd_ioctl.h"

/* Allocate the table (Max leases) and start the thread. Called from DriverEntry. */
_IRQL_requires_max_(PASSIVE_LEVEL)
_Must_inspect_result_
NTSTATUS SdBoostStart(_In_ ULONG Max);

/* End every lease, stop the thread, free the table; returns when the thread has gone. */
_IRQL_requires_max_(PASSIVE_LEVEL)
void SdBoostStop(void);

/*
 * BOOST: look the thread up, check the requestor's right to it, set it to
 * Level, and make a lease owned by Owner (NULL: detached) that ends at
 * DurationMs (0: never by itself). The caller has checked the flags and
 * the duration. *Result gets the level before and the lease's id.
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS SdBoostLease(_In_ const SD_REQUEST *Request, _In_ const SdBoost *Boost,
		      _Out_ SdBoostResult *Result);

/* END_LEASE: lease Id ends now. STATUS_NOT_FOUND if no lease has that id. */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS SdBoostEnd(_In_ sd_u32 Id);

/* IRP_MJ_CLEANUP, IRP_MJ_CLOSE: the file's leases end now. Idempotent. */
_IRQL_requires_max_(PASSIVE_LEVEL)
void SdBoostRelease(_In_ const void *FileObject);

/* Wake the thread: a lease is due sooner than it thought, or a thread is watched. */
_IRQL_requires_max_(DISPATCH_LEVEL)
void SdBoostKick(void);

/* End every lease that is due now: the thread's work. */
_IRQL_requires_max_(PASSIVE_LEVEL)
void SdBoostEndDue(void);

/* LIST_LEASES: up to Max records; *Total gets the leases live. Returns the count. */
_IRQL_requires_max_(PASSIVE_LEVEL)
ULONG SdBoostList(_Out_writes_(Max) SdLeaseInfo *Leases, _In_ ULONG Max, _Out_ sd_u32 *Total);

/* GET_INFO's numbers. */
_IRQL_requires_max_(PASSIVE_LEVEL)
void SdBoostCounts(_Out_ sd_u32 *Max, _Out_ sd_u32 *Live);

#endif /* SD_BOOST_H */
