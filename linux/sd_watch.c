// SPDX-License-Identifier: GPL-2.0
/*
 * sd_watch.c - the twin's watchdog (sd_watch.h).
 *
 * A watch holds a reference to its thread's task_struct, which is also its
 * key in the table, as the Windows driver's holds its ETHREAD: a SET finds
 * the watch by the task it looked up, with no reference taken and dropped
 * (bench/). A thread released since (its pid detached: !pid_alive) is let
 * go at the next sample. What it reads, per watched thread:
 *   - se.sum_exec_runtime: the CPU time the scheduler charged it, in ns,
 *     brought up to date at each tick and each switch, for every policy;
 *   - nvcsw: its voluntary context switches. It grows each time the thread
 *     blocks (sleeps, waits), and only then; a sample that finds it changed
 *     starts the run "without blocking" again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/pid.h>
#include <linux/rtmutex.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "sd_boost.h"
#include "sd_log.h"
#include "sd_sched.h"
#include "sd_watch.h"
#include "sd_watchdog.h"

static DEFINE_RT_MUTEX(sd_watch_lock);	/* an rt_mutex: sd_sched.h */
static struct sd_watches sd_watches;	/* slots NULL: the watchdog is off */

int sd_watch_init(u32 budget_ms, u32 window_ms, u32 share_ms)
{
	struct sd_watch_settings set = { budget_ms, window_ms, share_ms };
	struct sd_watch **slots;

	if (!budget_ms) {
		pr_info("watchdog off: watchdog_budget_ms=0\n");
		return 0;
	}
	slots = kvcalloc(SD_WATCH_MAX, sizeof(*slots), GFP_KERNEL);
	if (!slots)
		return -ENOMEM;
	sd_watch_table_init(&sd_watches, slots, SD_WATCH_MAX, &set);
	return 0;
}

/* A watch the table gave back: drop its reference to the thread, and free it. */
static void sd_watch_free(struct sd_watch *s)
{
	put_task_struct((struct task_struct *)s->key);
	kfree(s);
}

void sd_watch_exit(void)
{
	u32 i;

	if (!sd_watches.slots)
		return;
	for (i = 0; i < sd_watches.capacity; i++) {
		if (sd_watch_at(&sd_watches, i))
			sd_watch_free(sd_watch_remove(&sd_watches, i));
	}
	kvfree(sd_watches.slots);
	sd_watches.slots = NULL;
}

/*
 * Set a task to a checked level through the scheduler (sd_apply_level), and
 * keep its watch in step: a level of 16..31 is watched from the first
 * change on; a lower one ends the watch. With the watchdog on and
 * SD_WATCH_MAX threads watched, a change to a real-time level of one more
 * thread is refused with -ENOSPC, and nothing changes.
 */
int sd_set_task(struct task_struct *task, u32 tid, s32 level, s32 *old)
{
	struct sd_watch *fresh = NULL, *gone = NULL;
	u64 now = 0, cpu = 0, switches = 0;
	int ret;

	if (!sd_watches.slots)
		return sd_apply_level(task, tid, level, old);
	/*
	 * Nothing watched, and a level that begins no watch: nothing to note
	 * (the lean path, bench/). A watch a racing SET begins meanwhile for
	 * this thread is let go at its next sample, which finds the level
	 * changed, as for any change made elsewhere.
	 */
	if (level < SD_PRIORITY_REALTIME_MIN && !READ_ONCE(sd_watches.live))
		return sd_apply_level(task, tid, level, old);
	/*
	 * A task released already (its pid detached) is not watched: the next
	 * sample would let the watch go at once.
	 */
	if (!pid_alive(task))
		return sd_apply_level(task, tid, level, old);
	*old = 0;
	rt_mutex_lock(&sd_watch_lock);
	if (sd_watch_wants(&sd_watches, task, level)) {
		ret = -ENOSPC;
		if (sd_watches.live >= sd_watches.capacity)
			goto out;
		ret = -ENOMEM;
		fresh = kmalloc(sizeof(*fresh), GFP_KERNEL);
		if (!fresh)
			goto out;
		/*
		 * The new watch starts at the change: read its clock and
		 * counters before it, as the thread set here may preempt us
		 * inside it (sd_sched.h).
		 */
		now = ktime_get_ns();
		cpu = READ_ONCE(task->se.sum_exec_runtime);
		switches = READ_ONCE(task->nvcsw);
		/*
		 * The driver's thread samples every period while anything is
		 * watched, and takes this lock each time. With nothing watched
		 * it may sleep for good: wake it now, before the change, so
		 * that it comes to the lock and lends its priority.
		 */
		if (!sd_watches.live)
			sd_boost_kick();
	}
	ret = sd_apply_level(task, tid, level, old);
	/* A new watch takes its reference under the lock, before a sample can see it. */
	if (ret >= 0 && sd_watch_note(&sd_watches, task, tid, level, *old, now, cpu, switches,
				      &fresh, &gone) > 0)
		get_task_struct(task);
out:
	rt_mutex_unlock(&sd_watch_lock);
	kfree(fresh);
	if (gone)
		sd_watch_free(gone);
	return ret;
}

/* One runaway: put it back, and say so in the log and in dmesg. */
static void sd_take_back(struct task_struct *task, const struct sd_watch *s,
			 const struct sd_watch_verdict *v)
{
	struct sd_log_note note = { };
	SdWatchdogEvent event = {
		.Rule = v->rule,
		.UsedUs = (u32)min_t(u64, div_u64(v->used_ns, 1000), U32_MAX),
		.SpanUs = (u32)min_t(u64, div_u64(v->span_ns, 1000), U32_MAX),
	};
	s32 was;
	int ret;

	ret = sd_apply_level(task, s->tid, s->old, &was);
	if (ret == SD_SET_UNCHANGED)
		note.flags = SD_LOG_F_UNCHANGED;
	else if (!ret)
		note.flags = SD_LOG_F_CHANGE;
	ret = min(ret, 0);
	/* The record first: its time is the take-back's, not the console's after it. */
	sd_log_note_capture(&note, &event, sizeof(event));
	note.target = s->tid;
	note.old_level = s->level;
	note.new_level = s->old;
	sd_log_write(SD_LOG_WATCHDOG, 0, 0, 0, ret, &note);
	pr_warn("watchdog: thread %u at %d used %u us of CPU in %u us (%s); back to %d: %d\n",
		s->tid, s->level, event.UsedUs, event.SpanUs,
		v->rule == SD_WATCH_RULE_BUDGET ? "without blocking" : "within the window",
		s->old, ret);
}

u32 sd_watch_tick(void)
{
	struct sd_watch_verdict v;
	u32 i, live;

	if (!sd_watches.slots)
		return 0;
	rt_mutex_lock(&sd_watch_lock);
	for (i = 0; i < sd_watches.capacity && sd_watches.live; i++) {
		struct sd_watch *s = sd_watch_at(&sd_watches, i);
		struct task_struct *task;

		if (!s)
			continue;
		task = (struct task_struct *)s->key;	/* the watch's reference */
		if (!pid_alive(task) || sd_task_level(task) != s->level) {
			/* Gone, or changed by someone else: no longer the driver's to watch. */
			sd_watch_free(sd_watch_remove(&sd_watches, i));
		} else if (sd_watch_sample(&sd_watches, i, ktime_get_ns(),
					   READ_ONCE(task->se.sum_exec_runtime),
					   READ_ONCE(task->nvcsw), &v)) {
			sd_take_back(task, s, &v);
			sd_watch_free(sd_watch_remove(&sd_watches, i));
		}
	}
	live = sd_watches.live;
	rt_mutex_unlock(&sd_watch_lock);
	return live;
}

void sd_watch_info(SdDriverInfo *info)
{
	if (!sd_watches.slots)
		return;
	rt_mutex_lock(&sd_watch_lock);
	info->WatchBudgetMs = sd_watches.set.budget_ms;
	info->WatchWindowMs = sd_watches.set.window_ms;
	info->WatchShareMs = sd_watches.set.share_ms;
	info->Watched = sd_watches.live;
	rt_mutex_unlock(&sd_watch_lock);
}
