/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sd_boost.h - the twin's leases: levels that end by themselves
 * (docs/SPEC.md 5c), kept in include/sd_lease.h's table and ended by one
 * kernel thread at SCHED_FIFO 50, which the boosted threads (SCHED_RR 1..16
 * at most) cannot starve.
 */
#ifndef SD_BOOST_H
#define SD_BOOST_H

#include <linux/fs.h>
#include <linux/types.h>

#include "seconddriver.h"

/* Allocate the table (max leases) and start the thread. 0 or -errno. */
int sd_boost_init(unsigned int max);

/* End every lease, and stop the thread; returns when it has. */
void sd_boost_exit(void);

/*
 * BOOST: set tid to level and make a lease owned by file (and with
 * SD_BOOST_DETACHED by no file). The caller has checked the flags and the
 * duration. *old: the level before; *id: the lease. 0, SD_SET_UNCHANGED
 * (sd_sched.h: the thread was at that level already), or -EINVAL/-ERANGE
 * (the level), -ESRCH, -EPERM (a kernel thread), -ENOSPC (the table is
 * full), or the scheduler's error. Nothing changes on failure.
 */
int sd_boost_start(struct file *file, u32 tid, s32 level, u32 flags, u32 duration_ms,
		   s32 *old, u32 *id);

/* END_LEASE: hand lease id to the thread to end now. 0, or -ENOENT. */
int sd_boost_end(u32 id);

/* A file is released: its leases end now. */
void sd_boost_release(struct file *file);

/* LIST_LEASES: up to max records into out; *total: the leases live. Returns the count. */
u32 sd_boost_list(SdLeaseInfo *out, u32 max, u32 *total);

/* Wake the thread: a lease is due sooner than it thought, or a thread is watched. */
void sd_boost_kick(void);

/* GET_INFO's numbers. */
u32 sd_boost_max(void);
u32 sd_boost_live(void);

#endif /* SD_BOOST_H */
