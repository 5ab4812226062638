/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sd_sched.h - the twin's way of reading and setting a thread's level
 * (seconddriver_main.c), for the lease code (sd_boost.c) and the watchdog
 * (sd_watch.c).
 */
#ifndef SD_SCHED_H
#define SD_SCHED_H

#include <linux/sched.h>
#include <linux/types.h>

/*
 * The locks held across a scheduler call (sd_set_lock, sd_watch_lock,
 * sd_lease_lock) are rt_mutexes, as the i2c core's bus lock is, for their
 * priority inheritance. A caller that sets a thread above itself on its own
 * CPU is preempted by that thread inside the call, at the scheduler's
 * preempt_enable() on a preemptible kernel (preempt=full, PREEMPT_RT),
 * with the lock still held and the thread's lease or watch not yet noted.
 * Below a level-31 spinner it would not run again for a second (6.12's fair
 * server), or ever (6.1 with RT throttling off): the lease would not end and
 * the watchdog would wait on the lock. With an rt_mutex, the driver's own
 * thread (SCHED_FIFO 50) lends the caller its priority when it waits on the
 * lock, and the caller finishes at once. It takes the watchdog's lock every
 * period while anything is watched; where it might be asleep with nothing
 * due, the caller wakes it before the change (sd_boost_kick): the first
 * watch, a lease with an end. A new watch's clock and counters are read
 * before the change. tests/vm/run.sh boots preempt=full.
 */

/* A level a request may set: 0, -EINVAL (off 1..31) or -ERANGE (above the cap). */
int sd_check_level(u32 tid, s32 level);

/*
 * A successful set that wrote nothing: the task had exactly what the level
 * asks for already (docs/SPEC.md 9.4). Callers answer 0 for it.
 */
#define SD_SET_UNCHANGED 1

/*
 * Set a referenced task to a checked level; *old: the level before. 0,
 * SD_SET_UNCHANGED or -errno. The watchdog learns of the level (sd_watch.c);
 * -ENOSPC when it watches SD_WATCH_MAX threads and this would be one more.
 */
int sd_set_task(struct task_struct *task, u32 tid, s32 level, s32 *old);

/* The same, without the watchdog: for the watchdog itself (seconddriver_main.c). */
int sd_apply_level(struct task_struct *task, u32 tid, s32 level, s32 *old);

/* The level a task is at, on the 1..31 scale; -1 for a policy it does not know. */
s32 sd_task_level(struct task_struct *task);

#endif /* SD_SCHED_H */
