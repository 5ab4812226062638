// SPDX-License-Identifier: GPL-2.0
/*
 * sd_boost.c - the twin's leases (sd_boost.h).
 *
 * The table (include/sd_lease.h) is guarded by one rt_mutex (sd_sched.h):
 * every caller is in process context (ioctls, release, the thread), and
 * ending a lease sets a level, which may sleep. A lease holds a reference
 * to the thread's struct pid, not to its task, so an exited thread is
 * simply gone when its lease ends; the task is looked up under RCU then.
 *
 * The thread sleeps until the earliest lease's end on an hrtimer
 * (schedule_hrtimeout), or until it is kicked: by a new lease with a
 * duration, END_LEASE, a release, the first thread the watchdog watches,
 * or the module's exit. While the watchdog watches any thread, it also
 * wakes every SD_WATCH_PERIOD_MS to sample them (sd_watch.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/rtmutex.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "sd_boost.h"
#include "sd_lease.h"
#include "sd_log.h"
#include "sd_sched.h"
#include "sd_watch.h"
#include "sd_watchdog.h"

static DEFINE_RT_MUTEX(sd_lease_lock);	/* an rt_mutex: sd_sched.h */
static struct sd_leases sd_table;
static struct sd_lease *sd_slots;
static struct task_struct *sd_lease_thread;
static atomic_t sd_lease_kick = ATOMIC_INIT(0);

/* The leases' clock: milliseconds of CLOCK_MONOTONIC, which schedule_hrtimeout uses. */
static u64 sd_now_ms(void)
{
	return ktime_to_ms(ktime_get());
}

void sd_boost_kick(void)
{
	atomic_set(&sd_lease_kick, 1);
	wake_up_process(sd_lease_thread);
}

/*
 * Log one lease's end: LEASE_END or LEASE_SKIPPED; flags: SD_LOG_F_CHANGE
 * when the thread was put back, SD_LOG_F_UNCHANGED when it was at its
 * level to restore already, 0 when no call was made.
 */
static void sd_log_end(const struct sd_lease_end *e, u8 kind, u16 flags)
{
	struct sd_log_note note = { .information = e->id, .flags = flags };

	note.target = e->tid;
	note.old_level = e->level;
	note.new_level = e->restore;
	sd_log_write(kind, 0, 0, 0, 0, &note);
}

/*
 * End one removed lease: put the thread back if the lease was on top and
 * the thread is still at its level; let an exited thread go; drop the pid.
 */
static void sd_finish(const struct sd_lease_end *e)
{
	struct pid *pid = e->ref;
	struct task_struct *task;
	s32 old;
	int ret;

	rcu_read_lock();
	task = pid_task(pid, PIDTYPE_PID);
	if (task)
		get_task_struct(task);
	rcu_read_unlock();

	if (!task || !e->on_top) {
		/* Gone, or below another lease: nothing to put back. */
		sd_log_end(e, SD_LOG_LEASE_END, 0);
	} else if (sd_task_level(task) != e->level) {
		pr_debug("lease %u: thread %u is no longer at %d; left alone\n",
			 e->id, e->tid, e->level);
		sd_log_end(e, SD_LOG_LEASE_SKIPPED, 0);
	} else {
		ret = sd_set_task(task, e->tid, e->restore, &old);
		pr_debug("lease %u: thread %u back to %d: %d\n", e->id, e->tid, e->restore, ret);
		if (ret < 0)
			sd_log_end(e, SD_LOG_LEASE_SKIPPED, 0);
		else
			sd_log_end(e, SD_LOG_LEASE_END,
				   ret ? SD_LOG_F_UNCHANGED : SD_LOG_F_CHANGE);
	}
	if (task)
		put_task_struct(task);
	put_pid(pid);
}

/* End every lease that is due now. */
static void sd_end_due(void)
{
	struct sd_lease_end e;
	u32 i;

	rt_mutex_lock(&sd_lease_lock);
	while ((i = sd_leases_due(&sd_table, sd_now_ms())) != SD_LEASE_NONE) {
		sd_leases_remove(&sd_table, i, &e);
		sd_finish(&e);
	}
	rt_mutex_unlock(&sd_lease_lock);
}

static int sd_lease_main(void *unused)
{
	u64 sample_at = 0;	/* the watchdog's next sample; 0: nothing watched */

	/* SCHED_FIFO 50: above every level the driver gives (SCHED_RR 16 at most). */
	sched_set_fifo(current);
	while (!kthread_should_stop()) {
		u64 next, now;

		atomic_set(&sd_lease_kick, 0);
		sd_end_due();
		rt_mutex_lock(&sd_lease_lock);
		next = sd_leases_next_end(&sd_table);
		rt_mutex_unlock(&sd_lease_lock);
		/*
		 * The watchdog's samples, every period while it watches any
		 * thread. The next one is due a period after the last one was
		 * due, not after this pass ends, so that the passes' own time
		 * does not stretch the period; an extra pass (a kick) keeps it.
		 */
		if (sd_watch_tick()) {
			now = sd_now_ms();
			sample_at = sd_watch_next_sample(sample_at, now);
			if (!next || sample_at < next)
				next = sample_at;
		} else {
			sample_at = 0;
		}

		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop() || atomic_read(&sd_lease_kick)) {
			__set_current_state(TASK_RUNNING);
			continue;
		}
		if (next) {
			ktime_t until = ms_to_ktime(next);

			schedule_hrtimeout(&until, HRTIMER_MODE_ABS);
		} else {
			schedule();
		}
	}
	/* The module is going: every lease ends now. */
	rt_mutex_lock(&sd_lease_lock);
	sd_leases_end_owned(&sd_table, NULL);
	rt_mutex_unlock(&sd_lease_lock);
	sd_end_due();
	return 0;
}

int sd_boost_init(unsigned int max)
{
	sd_slots = kvcalloc(max, sizeof(*sd_slots), GFP_KERNEL);
	if (!sd_slots)
		return -ENOMEM;
	sd_leases_init(&sd_table, sd_slots, max);
	sd_lease_thread = kthread_run(sd_lease_main, NULL, "sd-leases");
	if (IS_ERR(sd_lease_thread)) {
		kvfree(sd_slots);
		sd_slots = NULL;
		return PTR_ERR(sd_lease_thread);
	}
	return 0;
}

void sd_boost_exit(void)
{
	kthread_stop(sd_lease_thread);
	kvfree(sd_slots);
	sd_slots = NULL;
}

int sd_boost_start(struct file *file, u32 tid, s32 level, u32 flags, u32 duration_ms,
		   s32 *old, u32 *id)
{
	struct task_struct *task;
	struct pid *pid;
	u32 slot;
	int ret;

	*old = 0;
	*id = 0;
	ret = sd_check_level(tid, level);
	if (ret)
		return ret;
	if (tid == 0 || tid > PID_MAX_LIMIT)
		return -ESRCH;
	pid = find_get_pid((pid_t)tid);
	if (!pid)
		return -ESRCH;
	task = get_pid_task(pid, PIDTYPE_PID);
	if (!task) {
		put_pid(pid);
		return -ESRCH;
	}

	rt_mutex_lock(&sd_lease_lock);
	if (sd_table.live >= sd_table.capacity) {
		ret = -ENOSPC;
	} else {
		/*
		 * A lease with an end: wake the thread before the change, so
		 * that it waits on this lock, and lends its priority, if the
		 * thread set here preempts us before the lease is in the
		 * table (sd_sched.h).
		 */
		if (duration_ms)
			sd_boost_kick();
		ret = sd_set_task(task, tid, level, old);
		if (ret >= 0) {
			slot = sd_leases_add(&sd_table, tid, level, *old, flags,
					     duration_ms ? sd_now_ms() + duration_ms : 0,
					     flags & SD_BOOST_DETACHED ? NULL : file, pid);
			*id = sd_table.slots[slot].id;
			pid = NULL;	/* the lease holds it now */
		}
	}
	rt_mutex_unlock(&sd_lease_lock);
	put_task_struct(task);
	if (pid)
		put_pid(pid);
	return ret;
}

int sd_boost_end(u32 id)
{
	u32 i;

	rt_mutex_lock(&sd_lease_lock);
	i = sd_leases_find(&sd_table, id);
	if (i != SD_LEASE_NONE)
		sd_leases_end_now(&sd_table, i);
	rt_mutex_unlock(&sd_lease_lock);
	if (i == SD_LEASE_NONE)
		return -ENOENT;
	sd_boost_kick();
	return 0;
}

void sd_boost_release(struct file *file)
{
	u32 n;

	rt_mutex_lock(&sd_lease_lock);
	n = sd_leases_end_owned(&sd_table, file);
	rt_mutex_unlock(&sd_lease_lock);
	if (n)
		sd_boost_kick();
}

u32 sd_boost_list(SdLeaseInfo *out, u32 max, u32 *total)
{
	u64 now = sd_now_ms();
	u32 i, n = 0;

	rt_mutex_lock(&sd_lease_lock);
	*total = sd_table.live;
	for (i = 0; i < sd_table.capacity && n < max; i++) {
		const struct sd_lease *s = &sd_table.slots[i];

		if (!s->id)
			continue;
		out[n].LeaseId = s->id;
		out[n].ThreadId = s->tid;
		out[n].Level = s->level;
		out[n].Before = s->before;
		out[n].Flags = s->flags;
		out[n].RemainingMs = !s->end_ms ? 0 : s->end_ms > now ? (u32)(s->end_ms - now) : 1;
		n++;
	}
	rt_mutex_unlock(&sd_lease_lock);
	return n;
}

u32 sd_boost_max(void)
{
	return sd_table.capacity;
}

u32 sd_boost_live(void)
{
	u32 n;

	rt_mutex_lock(&sd_lease_lock);
	n = sd_table.live;
	rt_mutex_unlock(&sd_lease_lock);
	return n;
}
