// SPDX-License-Identifier: GPL-2.0
/*
 * seconddriver_main.c - SecondDriver's Linux twin.
 *
 * A misc device, /dev/SecondDriver, that takes the same requests as the
 * Windows driver (include/seconddriver.h) and sets a thread's scheduling
 * policy from the Windows priority scale 1..31 (sd_map.h).
 *
 * The ioctl dispatch mirrors the Windows driver's: one table row per code,
 * each with its handler. Adding an ioctl is one row and one handler.
 * Every open, release and ioctl but GET_LOG is written to the log
 * (sd_log.h), as the Windows driver writes its requests.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/rtmutex.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/linux/sched/types.h>

#include "seconddriver.h"
#include "sd_boost.h"
#include "sd_log.h"
#include "sd_map.h"
#include "sd_sched.h"
#include "sd_watch.h"

static struct miscdevice sd_misc;

/*
 * The cap: the highest level any request may set (docs/SPEC.md 5b), fixed
 * at load: insmod seconddriver.ko max_priority=15. Read-only afterwards.
 */
static int sd_max_priority = SD_PRIORITY_MAX;
module_param_named(max_priority, sd_max_priority, int, 0444);
MODULE_PARM_DESC(max_priority, "the highest level (1..31) a request may set; default 31");

/* The bound on live leases, fixed at load: insmod seconddriver.ko max_leases=64. */
static unsigned int sd_max_leases = SD_LEASES_MAX;
module_param_named(max_leases, sd_max_leases, uint, 0444);
MODULE_PARM_DESC(max_leases, "the most leases live at once (1..4096); default 4096");

/*
 * The watchdog's limits (docs/SPEC.md 5d), fixed at load:
 * insmod seconddriver.ko watchdog_budget_ms=0 turns it off.
 */
static unsigned int sd_watch_budget_ms = SD_WATCH_BUDGET_MS;
module_param_named(watchdog_budget_ms, sd_watch_budget_ms, uint, 0444);
MODULE_PARM_DESC(watchdog_budget_ms,
		 "CPU time a boosted real-time thread may use without blocking (0: watchdog off); default 200");
static unsigned int sd_watch_window_ms = SD_WATCH_WINDOW_MS;
module_param_named(watchdog_window_ms, sd_watch_window_ms, uint, 0444);
MODULE_PARM_DESC(watchdog_window_ms, "the window of the share rule (100..60000); default 1000");
static unsigned int sd_watch_share_ms = SD_WATCH_SHARE_MS;
module_param_named(watchdog_share_ms, sd_watch_share_ms, uint, 0444);
MODULE_PARM_DESC(watchdog_share_ms,
		 "CPU time allowed within a window (0: no share rule; at most the window); default 500");

/*
 * A SET to a SCHED_RR level is two scheduler calls: the policy, then nice 0
 * (a real-time policy leaves nice alone). Two SETs of one thread at once
 * could interleave them and leave a state neither asked for (SCHED_OTHER at
 * nice 0, from a level-3 SET landing between a level-20 SET's two steps;
 * found by tests/vm/sd_stress.c's race mode). SETs through the driver take
 * this lock around both calls, so they apply one after the other. An
 * rt_mutex: the driver's thread may wait on it (sd_sched.h).
 */
static DEFINE_RT_MUTEX(sd_set_lock);

/*
 * The task of thread id tid in the caller's pid namespace, with a reference
 * the caller drops with put_task_struct(); NULL if there is none. Looked up
 * under RCU, with no reference to its struct pid (bench/: the lean path).
 */
static struct task_struct *sd_get_task(u32 tid)
{
	struct task_struct *task;

	if (tid == 0 || tid > PID_MAX_LIMIT)
		return NULL;
	rcu_read_lock();
	task = pid_task(find_vpid((pid_t)tid), PIDTYPE_PID);
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	return task;
}

/* The level a task is at, on the 1..31 scale (sd_map.h); -1 for a policy it does not know. */
s32 sd_task_level(struct task_struct *task)
{
	return sd_map_to_level(READ_ONCE(task->policy), task_nice(task),
			       READ_ONCE(task->rt_priority));
}

/*
 * A level a request may set: 1..31 (EINVAL), and at most the cap (ERANGE).
 * The scale's own test, not the mapping: sd_apply_level maps it, once.
 */
int sd_check_level(u32 tid, s32 level)
{
	if (!sd_level_valid(level)) {
		dev_dbg(sd_misc.this_device, "set: thread %u: priority %d out of range\n",
			tid, level);
		return -EINVAL;
	}
	if (level > sd_max_priority) {
		dev_dbg(sd_misc.this_device, "set: thread %u: priority %d is above the cap, %d\n",
			tid, level, sd_max_priority);
		return -ERANGE;
	}
	return 0;
}

/*
 * Whether a task already has exactly what a SET to sched would write: its
 * policy, rt priority and nice (0 for a SCHED_RR level). The reset-on-fork
 * flag is not compared: a SET keeps it. Read without the lock, as the
 * scheduler's own first test in __sched_setscheduler() reads.
 */
static bool sd_task_has(struct task_struct *task, const struct sd_sched *sched)
{
	return READ_ONCE(task->policy) == sched->policy &&
	       READ_ONCE(task->rt_priority) == sched->rt_priority &&
	       task_nice(task) == sched->nice;
}

/*
 * Set a task, which the caller holds a reference to, to a level it has
 * checked, without a word to the watchdog (sd_set_task, in sd_watch.c,
 * is the way every request goes): 0, SD_SET_UNCHANGED when the task had
 * exactly that already and nothing was written (no lock, no scheduler call:
 * bench/'s lean path; docs/SPEC.md 9.4), or a negative errno. *old gets the
 * level the task had, read under the lock that serialises the change (the
 * log's audit trail, SET_EX's answer, a lease's "before"), or in the
 * comparison that found it unchanged; 0 when the change fails.
 *
 * sched_setattr_nocheck() skips the LSM hook (security_task_setscheduler)
 * and RLIMIT_RTPRIO, and security_task_setscheduler() is not exported to
 * modules: the caller's CAP_SYS_NICE check is the only gate, as the
 * administrators-only device is on Windows. Kernel threads are refused
 * (EPERM), as the Windows driver refuses System threads. May sleep: call it
 * outside any RCU section.
 */
int sd_apply_level(struct task_struct *task, u32 tid, s32 level, s32 *old)
{
	struct sched_attr attr = { .size = sizeof(attr) };
	struct sd_sched sched;
	int ret;

	*old = 0;
	if (sd_map_from_level(level, &sched))
		return -EINVAL;
	/*
	 * Kernel threads are the kernel's to schedule, as System threads are
	 * on Windows, where the driver refuses them too. A root caller that
	 * put them at real-time levels stalled RCU in a stress test.
	 */
	if (task->flags & PF_KTHREAD) {
		dev_dbg(sd_misc.this_device, "set: thread %u is a kernel thread\n", tid);
		return -EPERM;
	}

	if (sd_task_has(task, &sched)) {
		*old = sd_task_level(task);
		dev_dbg(sd_misc.this_device, "set: thread %u is at %d already\n", tid, level);
		return SD_SET_UNCHANGED;
	}

	attr.sched_policy = sched.policy;
	attr.sched_nice = sched.nice;
	attr.sched_priority = sched.rt_priority;
	/* A SET changes the level only: the thread keeps its reset-on-fork. */
	if (task->sched_reset_on_fork)
		attr.sched_flags = SCHED_FLAG_RESET_ON_FORK;
	rt_mutex_lock(&sd_set_lock);
	*old = sd_task_level(task);
	ret = sched_setattr_nocheck(task, &attr);
	/*
	 * A real-time policy leaves the old nice value behind (it shows in
	 * /proc/<pid>/stat and returns with SCHED_OTHER). Reset it, so that a
	 * level says everything about the thread: SCHED_RR levels are nice 0.
	 * Only when needed: set_user_nice() takes the runqueue lock.
	 */
	if (!ret && sched.policy == SD_SCHED_RR && task_nice(task) != 0)
		set_user_nice(task, 0);
	rt_mutex_unlock(&sd_set_lock);

	if (ret) {
		*old = 0;
		dev_dbg(sd_misc.this_device, "set: thread %u to %d failed: %d\n",
			tid, level, ret);
	} else {
		dev_dbg(sd_misc.this_device,
			"Thread Priority change for %u to %d succeeded (policy %u nice %d rt %u)\n",
			tid, level, sched.policy, sched.nice, sched.rt_priority);
	}
	return ret;
}

/*
 * Set one thread to a level: 0, or a negative errno. The order of the checks
 * is part of the contract (docs/SPEC.md 9.4): validation, cap, lookup,
 * process, kernel thread, change. A non-zero tgid must be the thread's
 * process, in the caller's pid namespace. *old: as sd_set_task's.
 */
static int sd_set_one(u32 tid, s32 level, u32 tgid, s32 *old)
{
	struct task_struct *task;
	int ret;

	*old = 0;
	ret = sd_check_level(tid, level);
	if (ret)
		return ret;
	task = sd_get_task(tid);
	if (!task) {
		dev_dbg(sd_misc.this_device, "set: thread %u not found\n", tid);
		return -ESRCH;
	}
	if (tgid && task_tgid_vnr(task) != (pid_t)tgid) {
		dev_dbg(sd_misc.this_device, "set: thread %u is not in process %u\n",
			tid, tgid);
		ret = -ESRCH;
	} else {
		ret = sd_set_task(task, tid, level, old);
	}
	put_task_struct(task);
	return ret;
}

/*
 * A code that changes threads needs a file opened for writing (EBADF), as
 * its Windows code needs a handle with write access; checked before the
 * argument is read. Only a caller with CAP_SYS_NICE can open one (sd_open):
 * the file carries that power from then on, as msr_open's does
 * CAP_SYS_RAWIO, where Windows checks the requestor of every request.
 */
static int sd_may_change(struct file *file)
{
	if (!(file->f_mode & FMODE_WRITE)) {
		dev_dbg(sd_misc.this_device, "set: file not opened for writing\n");
		return -EBADF;
	}
	return 0;
}

/*
 * A SET that succeeded, for its record: a change, or SD_SET_UNCHANGED's
 * nothing written. Returns 0, the request's answer either way.
 */
static int sd_note_set(struct sd_log_note *note, u32 tid, s32 old, s32 level, int ret)
{
	sd_log_note_change(note, tid, old, level, ret == SD_SET_UNCHANGED);
	return 0;
}

/* SET_PRIORITY, the seed's request. */
static long sd_ioctl_set_priority(struct file *file, void __user *arg,
				  struct sd_log_note *note)
{
	ThreadData td;
	s32 old;
	int ret;

	ret = sd_may_change(file);
	if (ret)
		return ret;
	if (copy_from_user(&td, arg, sizeof(td))) {
		dev_dbg(sd_misc.this_device, "set: bad user buffer %p\n", arg);
		return -EFAULT;
	}
	sd_log_note_capture(note, &td, sizeof(td));
	ret = sd_set_one(td.ThreadId, td.Priority, 0, &old);
	if (ret >= 0)
		ret = sd_note_set(note, td.ThreadId, old, td.Priority, ret);
	return ret;
}

/*
 * GET_PRIORITY: a thread's level. Reading needs neither write access nor a
 * capability, as sched_getattr(2) needs none; kernel threads may be read.
 */
static long sd_ioctl_get_priority(struct file *file, void __user *arg,
				  struct sd_log_note *note)
{
	struct task_struct *task;
	SdGetPriority q;

	if (copy_from_user(&q, arg, sizeof(q)))
		return -EFAULT;
	sd_log_note_capture(note, &q, sizeof(q));
	task = sd_get_task(q.ThreadId);
	if (!task) {
		dev_dbg(sd_misc.this_device, "get: thread %u not found\n", q.ThreadId);
		return -ESRCH;
	}
	q.Level = sd_task_level(task);
	put_task_struct(task);
	if (q.Level < 0)
		return -EINVAL;		/* a policy the scale does not know */
	if (copy_to_user(arg, &q, sizeof(q)))
		return -EFAULT;
	note->information = sizeof(q);
	dev_dbg(sd_misc.this_device, "get: thread %u at %d\n", q.ThreadId, q.Level);
	return 0;
}

/*
 * SET_PRIORITY_EX: SET with flags, answering the level before. The struct is
 * written back unchanged before the change, so that one that cannot be
 * written gets EFAULT with nothing changed. The base flag is accepted: a
 * Linux level does not decay, so it is a base already.
 */
static long sd_ioctl_set_priority_ex(struct file *file, void __user *arg,
				     struct sd_log_note *note)
{
	SdSetPriorityEx x;
	int ret;

	ret = sd_may_change(file);
	if (ret)
		return ret;
	if (copy_from_user(&x, arg, sizeof(x)) || copy_to_user(arg, &x, sizeof(x)))
		return -EFAULT;
	sd_log_note_capture(note, &x, sizeof(x));
	/* SD_SET_EX_BASE: every level lasts here, so it changes nothing. */
	if (x.Flags & ~SD_SET_EX_FLAGS_KNOWN)
		return -EINVAL;
	ret = sd_set_one(x.ThreadId, x.Priority, 0, &x.OldLevel);
	if (ret < 0)
		return ret;
	sd_note_set(note, x.ThreadId, x.OldLevel, x.Priority, ret);
	if (copy_to_user(arg, &x, sizeof(x)))
		return -EFAULT;
	note->information = sizeof(x);
	return 0;
}

/*
 * SET_PRIORITY_BATCH: count entries in index order, one result each. The
 * entries are copied into kernel memory whole, and the results array is
 * cleared (which proves it writable), before the first change; a bad
 * header or an unreadable or unwritable array changes nothing.
 */
static long sd_ioctl_set_priority_batch(struct file *file, void __user *arg,
					struct sd_log_note *note)
{
	u8 seen[SD_LOG_CAPTURE_MAX];
	SdBatchResult *results = NULL;
	SdBatchEntry *entries = NULL;
	SdBatchHeader header;
	void __user *uresults;
	struct sd_batch b;
	u32 i, changed = 0;
	long ret;

	ret = sd_may_change(file);
	if (ret)
		return ret;
	if (copy_from_user(&b, arg, sizeof(b)))
		return -EFAULT;
	/* As the Windows driver notes its input: the header, then entry 0's start. */
	header.Count = b.count;
	header.Flags = b.flags;
	sd_log_note_capture(note, &header, sizeof(header));
	if (b.flags || b.count == 0 || b.count > SD_BATCH_MAX)
		return -EINVAL;

	entries = kvmalloc_array(b.count, sizeof(*entries), GFP_KERNEL);
	results = kvcalloc(b.count, sizeof(*results), GFP_KERNEL);
	if (!entries || !results) {
		ret = -ENOMEM;
		goto out;
	}
	uresults = u64_to_user_ptr(b.results);
	if (copy_from_user(entries, u64_to_user_ptr(b.entries),
			   array_size(b.count, sizeof(*entries))) ||
	    clear_user(uresults, array_size(b.count, sizeof(*results)))) {
		ret = -EFAULT;
		goto out;
	}

	memcpy(seen, &header, sizeof(header));
	memcpy(seen + sizeof(header), &entries[0], sizeof(seen) - sizeof(header));
	sd_log_note_capture(note, seen, sizeof(seen));

	for (i = 0; i < b.count; i++) {
		int r = -EINVAL;

		if (!entries[i].Reserved)
			r = sd_set_one(entries[i].ThreadId, entries[i].Priority,
				       entries[i].ProcessId, &results[i].OldLevel);
		if (r >= 0) {
			struct sd_log_note change = { };

			/*
			 * The audit trail: one CHANGE record per thread set,
			 * marked UNCHANGED when it was at that level already.
			 */
			sd_log_note_capture(&change, &entries[i], sizeof(entries[i]));
			r = sd_note_set(&change, entries[i].ThreadId, results[i].OldLevel,
					entries[i].Priority, r);
			sd_log_write(SD_LOG_CHANGE, SD_LINUX_IOCTL_SET_PRIORITY_BATCH,
				     sizeof(entries[i]), sizeof(results[i]), 0, &change);
			changed++;
		}
		results[i].Status = r;
	}
	ret = copy_to_user(uresults, results, array_size(b.count, sizeof(*results))) ?
	      -EFAULT : 0;
	if (!ret)
		note->information = array_size(b.count, sizeof(*results));
	dev_dbg(sd_misc.this_device, "batch: %u of %u entries changed\n", changed, b.count);
out:
	kvfree(results);
	kvfree(entries);
	return ret;
}

/*
 * GET_LOG: the records from from_seq on, as many as capacity holds. They are
 * copied out of the ring under its lock into a kernel buffer, and to the
 * caller after it is released. Never logged itself: a reader that follows
 * the log would fill it.
 */
static long sd_ioctl_get_log(struct file *file, void __user *arg,
			     struct sd_log_note *note)
{
	struct sd_get_log __user *uarg = arg;
	SdLogRecord *records = NULL;
	struct sd_get_log q;
	u32 n;
	long ret = 0;

	if (!(file->f_mode & FMODE_READ))
		return -EBADF;
	if (copy_from_user(&q, uarg, sizeof(q)))
		return -EFAULT;
	if (q.flags)
		return -EINVAL;
	n = min_t(u32, q.capacity, SD_LOG_CAPACITY);
	if (n) {
		records = kvmalloc_array(n, sizeof(*records), GFP_KERNEL);
		if (!records)
			return -ENOMEM;
	}
	n = sd_log_read(q.from_seq, records, n, &q.out);
	if ((n && copy_to_user(u64_to_user_ptr(q.records), records,
			       array_size(n, sizeof(*records)))) ||
	    copy_to_user(&uarg->out, &q.out, sizeof(q.out)))
		ret = -EFAULT;
	kvfree(records);
	return ret;
}

/* CLEAR_LOG: drop the records; the numbers go on. Needs a file open for writing. */
static long sd_ioctl_clear_log(struct file *file, void __user *arg,
			       struct sd_log_note *note)
{
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	sd_log_clear();
	return 0;
}

/*
 * BOOST: a level that ends by itself (sd_boost.h). The structure is written
 * back unchanged first, so that one that cannot be written gets EFAULT with
 * nothing changed.
 */
static long sd_ioctl_boost(struct file *file, void __user *arg, struct sd_log_note *note)
{
	struct sd_boost b;
	int ret;

	ret = sd_may_change(file);
	if (ret)
		return ret;
	if (copy_from_user(&b, arg, sizeof(b)) || copy_to_user(arg, &b, sizeof(b)))
		return -EFAULT;
	sd_log_note_capture(note, &b.in, sizeof(b.in));
	if ((b.in.Flags & ~SD_BOOST_FLAGS_KNOWN) || b.in.DurationMs > SD_LEASE_MAX_MS ||
	    ((b.in.Flags & SD_BOOST_DETACHED) && !b.in.DurationMs))
		return -EINVAL;
	ret = sd_boost_start(file, b.in.ThreadId, b.in.Priority, b.in.Flags, b.in.DurationMs,
			     &b.out.OldLevel, &b.out.LeaseId);
	if (ret < 0)
		return ret;
	sd_note_set(note, b.in.ThreadId, b.out.OldLevel, b.in.Priority, ret);
	if (copy_to_user(arg, &b, sizeof(b)))
		return -EFAULT;
	note->information = sizeof(b);
	return 0;
}

/* END_LEASE: the lease ends now, on the driver's thread. */
static long sd_ioctl_end_lease(struct file *file, void __user *arg, struct sd_log_note *note)
{
	SdEndLease e;
	int ret;

	ret = sd_may_change(file);
	if (ret)
		return ret;
	if (copy_from_user(&e, arg, sizeof(e)))
		return -EFAULT;
	sd_log_note_capture(note, &e, sizeof(e));
	if (e.Reserved)
		return -EINVAL;
	return sd_boost_end(e.LeaseId);
}

/* LIST_LEASES: the live leases, as many as the array holds, and how many there are. */
static long sd_ioctl_list_leases(struct file *file, void __user *arg, struct sd_log_note *note)
{
	struct sd_list_leases __user *uarg = arg;
	struct sd_list_leases q;
	SdLeaseInfo *leases = NULL;
	u32 n;
	long ret = 0;

	if (!(file->f_mode & FMODE_READ))
		return -EBADF;
	if (copy_from_user(&q, uarg, sizeof(q)))
		return -EFAULT;
	if (q.reserved)
		return -EINVAL;
	n = min_t(u32, q.capacity, sd_boost_max());
	if (n) {
		leases = kvmalloc_array(n, sizeof(*leases), GFP_KERNEL);
		if (!leases)
			return -ENOMEM;
	}
	q.out.Count = sd_boost_list(leases, n, &q.out.Total);
	if ((q.out.Count && copy_to_user(u64_to_user_ptr(q.leases), leases,
					 array_size(q.out.Count, sizeof(*leases)))) ||
	    copy_to_user(&uarg->out, &q.out, sizeof(q.out)))
		ret = -EFAULT;
	kvfree(leases);
	if (!ret)
		note->information = array_size(q.out.Count, sizeof(*leases));
	return ret;
}

/* GET_INFO: the interface's version and the settings. Needs a file open for reading. */
static long sd_ioctl_get_info(struct file *file, void __user *arg,
			      struct sd_log_note *note)
{
	SdDriverInfo info = {
		.Version = SD_INTERFACE_VERSION,
		.MaxLevel = sd_max_priority,
		.MaxLeases = sd_boost_max(),
		.LiveLeases = sd_boost_live(),
	};

	sd_watch_info(&info);
	if (!(file->f_mode & FMODE_READ))
		return -EBADF;
	if (copy_to_user(arg, &info, sizeof(info)))
		return -EFAULT;
	note->information = sizeof(info);
	return 0;
}

struct sd_ioctl {
	unsigned int cmd;
	const char *name;
	long (*handler)(struct file *file, void __user *arg, struct sd_log_note *note);
};

/* One row per code of include/seconddriver.h, in the Windows driver's order. */
static const struct sd_ioctl sd_ioctls[] = {
	{ SD_LINUX_IOCTL_SET_PRIORITY, "SET_PRIORITY", sd_ioctl_set_priority },
	{ SD_LINUX_IOCTL_GET_PRIORITY, "GET_PRIORITY", sd_ioctl_get_priority },
	{ SD_LINUX_IOCTL_SET_PRIORITY_EX, "SET_PRIORITY_EX", sd_ioctl_set_priority_ex },
	{ SD_LINUX_IOCTL_SET_PRIORITY_BATCH, "SET_PRIORITY_BATCH",
	  sd_ioctl_set_priority_batch },
	{ SD_LINUX_IOCTL_GET_LOG, "GET_LOG", sd_ioctl_get_log },
	{ SD_LINUX_IOCTL_CLEAR_LOG, "CLEAR_LOG", sd_ioctl_clear_log },
	{ SD_LINUX_IOCTL_BOOST, "BOOST", sd_ioctl_boost },
	{ SD_LINUX_IOCTL_END_LEASE, "END_LEASE", sd_ioctl_end_lease },
	{ SD_LINUX_IOCTL_LIST_LEASES, "LIST_LEASES", sd_ioctl_list_leases },
	{ SD_LINUX_IOCTL_GET_INFO, "GET_INFO", sd_ioctl_get_info },
};

/*
 * Codes are matched whole: a request with the right number but another size
 * or direction encodes a different command, and gets -ENOTTY like any
 * unknown one.
 */
static long sd_unlocked_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct sd_log_note note = { };
	size_t i;
	long ret = -ENOTTY;

	for (i = 0; i < ARRAY_SIZE(sd_ioctls); i++) {
		if (sd_ioctls[i].cmd == cmd)
			break;
	}
	if (i < ARRAY_SIZE(sd_ioctls)) {
		ret = sd_ioctls[i].handler(file, (void __user *)arg, &note);
		dev_dbg(sd_misc.this_device, "%s from pid %d: %ld\n",
			sd_ioctls[i].name, task_pid_nr(current), ret);
	} else {
		dev_dbg(sd_misc.this_device, "unknown ioctl %#x\n", cmd);
	}
	/* The lengths a code carries: its size, in and/or out by its direction. */
	if (cmd != SD_LINUX_IOCTL_GET_LOG)
		sd_log_write(SD_LOG_IOCTL, cmd,
			     _IOC_DIR(cmd) & _IOC_WRITE ? _IOC_SIZE(cmd) : 0,
			     _IOC_DIR(cmd) & _IOC_READ ? _IOC_SIZE(cmd) : 0,
			     (s32)ret, &note);
	return ret;
}

/*
 * The device has no position: nonseekable_open() makes lseek() fail with
 * ESPIPE (no .llseek either; no_llseek is gone since Linux 6.12).
 *
 * Opening for writing, which every change needs (sd_may_change), needs
 * CAP_SYS_NICE: checked here once, not on every request (the lean path,
 * bench/). A file opened read-only (GET, GET_LOG, LIST_LEASES, GET_INFO)
 * needs no capability, as sched_getattr(2) needs none.
 */
static int sd_open(struct inode *inode, struct file *file)
{
	int ret = nonseekable_open(inode, file);

	if (!ret && (file->f_mode & FMODE_WRITE) && !capable(CAP_SYS_NICE)) {
		dev_dbg(sd_misc.this_device, "open: for writing, and the caller lacks CAP_SYS_NICE\n");
		ret = -EPERM;
	}

	sd_log_write(SD_LOG_CREATE, 0, 0, 0, ret, NULL);
	return ret;
}

/* The last reference to the file: its leases end (on the driver's thread). */
static int sd_release(struct inode *inode, struct file *file)
{
	sd_boost_release(file);
	sd_log_write(SD_LOG_CLOSE, 0, 0, 0, 0, NULL);
	return 0;
}

static const struct file_operations sd_fops = {
	.owner		= THIS_MODULE,
	.open		= sd_open,
	.release	= sd_release,
	.unlocked_ioctl	= sd_unlocked_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static struct miscdevice sd_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= SD_LINUX_DEVICE_NAME,
	.fops	= &sd_fops,
	.mode	= 0600,		/* root only; no udev runs in the test VM */
};

static int __init sd_init(void)
{
	int ret;

	if (sd_max_priority < SD_PRIORITY_MIN || sd_max_priority > SD_PRIORITY_MAX) {
		pr_err("max_priority=%d: it must be from %d to %d\n", sd_max_priority,
		       SD_PRIORITY_MIN, SD_PRIORITY_MAX);
		return -EINVAL;
	}
	if (sd_max_leases < 1 || sd_max_leases > SD_LEASES_MAX) {
		pr_err("max_leases=%u: it must be from 1 to %u\n", sd_max_leases, SD_LEASES_MAX);
		return -EINVAL;
	}
	if (sd_watch_budget_ms > SD_WATCH_LIMIT_MS || sd_watch_window_ms < SD_WATCH_WINDOW_MIN_MS ||
	    sd_watch_window_ms > SD_WATCH_LIMIT_MS || sd_watch_share_ms > sd_watch_window_ms) {
		pr_err("watchdog_budget_ms=%u watchdog_window_ms=%u watchdog_share_ms=%u: the budget must be 0..%u, the window %u..%u, and the share 0..the window\n",
		       sd_watch_budget_ms, sd_watch_window_ms, sd_watch_share_ms, SD_WATCH_LIMIT_MS,
		       SD_WATCH_WINDOW_MIN_MS, SD_WATCH_LIMIT_MS);
		return -EINVAL;
	}
	ret = sd_log_init();
	if (ret) {
		pr_err("cannot allocate the log: %d\n", ret);
		return ret;
	}
	ret = sd_watch_init(sd_watch_budget_ms, sd_watch_window_ms, sd_watch_share_ms);
	if (ret) {
		pr_err("cannot allocate the watchdog's table: %d\n", ret);
		goto out_log;
	}
	ret = sd_boost_init(sd_max_leases);
	if (ret) {
		pr_err("cannot start the leases' thread: %d\n", ret);
		goto out_watch;
	}
	ret = misc_register(&sd_misc);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n", SD_LINUX_DEVICE_NAME, ret);
		goto out_boost;
	}
	pr_info("loaded: /dev/%s, ioctl SET_PRIORITY %#x, levels capped at %d\n",
		SD_LINUX_DEVICE_NAME, (unsigned int)SD_LINUX_IOCTL_SET_PRIORITY, sd_max_priority);
	return 0;

out_boost:
	sd_boost_exit();
out_watch:
	sd_watch_exit();
out_log:
	sd_log_exit();
	return ret;
}

/*
 * No file is open (each holds the module), and no new open can succeed
 * once the module is going. The leases end first: ending one sets a level,
 * whose debug line names sd_misc's device, which misc_deregister() frees
 * (a use-after-free KASAN found on the debug kernel, scripts/debug-kernel.sh).
 */
static void __exit sd_exit(void)
{
	sd_boost_exit();	/* every lease ends, and its thread stops */
	sd_watch_exit();	/* after the thread: nothing samples any more */
	misc_deregister(&sd_misc);
	sd_log_exit();
	pr_info("unloaded\n");
}

module_init(sd_init);
module_exit(sd_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("SecondDriver developers");
MODULE_DESCRIPTION("SecondDriver: set any thread's priority on the Windows 1..31 scale");
MODULE_VERSION("1.0");
