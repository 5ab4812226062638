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
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/uaccess.h>
#include <uapi/linux/sched/types.h>

#include "seconddriver.h"
#include "sd_map.h"

static struct miscdevice sd_misc;

/*
 * A SET to a SCHED_RR level is two scheduler calls: the policy, then nice 0
 * (a real-time policy leaves nice alone). Two SETs of one thread at once
 * could interleave them and leave a state neither asked for (SCHED_OTHER at
 * nice 0, from a level-3 SET landing between a level-20 SET's two steps;
 * found by tests/vm/sd_stress.c's race mode). SETs through the driver take
 * this lock around both calls, so they apply one after the other.
 */
static DEFINE_MUTEX(sd_set_lock);

/*
 * The task of thread id tid in the caller's pid namespace, with a reference
 * the caller drops with put_task_struct(); NULL if there is none.
 */
static struct task_struct *sd_get_task(u32 tid)
{
	struct task_struct *task;
	struct pid *pid;

	if (tid == 0 || tid > PID_MAX_LIMIT)
		return NULL;
	pid = find_get_pid((pid_t)tid);
	if (!pid)
		return NULL;
	task = get_pid_task(pid, PIDTYPE_PID);
	put_pid(pid);
	return task;
}

/*
 * Set one thread's priority. The order of the checks is part of the contract
 * (docs/SPEC.md 9.4): privilege, copy, validation, lookup, kernel thread,
 * change.
 *
 * sched_setattr_nocheck() skips the LSM hook (security_task_setscheduler)
 * and RLIMIT_RTPRIO, and security_task_setscheduler() is not exported to
 * modules: the CAP_SYS_NICE check here is the only gate, as the
 * administrators-only device is on Windows. Kernel threads are refused
 * (EPERM), as the Windows driver refuses System threads.
 */
static long sd_ioctl_set_priority(struct file *file, void __user *arg)
{
	struct sched_attr attr = { .size = sizeof(attr) };
	struct task_struct *task;
	struct sd_sched sched;
	ThreadData td;
	int ret;

	if (!capable(CAP_SYS_NICE)) {
		dev_dbg(sd_misc.this_device, "set: caller lacks CAP_SYS_NICE\n");
		return -EPERM;
	}
	if (copy_from_user(&td, arg, sizeof(td))) {
		dev_dbg(sd_misc.this_device, "set: bad user buffer %p\n", arg);
		return -EFAULT;
	}
	if (sd_map_from_level(td.Priority, &sched)) {
		dev_dbg(sd_misc.this_device, "set: thread %u: priority %d out of range\n",
			td.ThreadId, td.Priority);
		return -EINVAL;
	}

	task = sd_get_task(td.ThreadId);
	if (!task) {
		dev_dbg(sd_misc.this_device, "set: thread %u not found\n",
			td.ThreadId);
		return -ESRCH;
	}
	/*
	 * Kernel threads are the kernel's to schedule, as System threads are
	 * on Windows, where the driver refuses them too. A root caller that
	 * put them at real-time levels stalled RCU in a stress test.
	 */
	if (task->flags & PF_KTHREAD) {
		dev_dbg(sd_misc.this_device, "set: thread %u is a kernel thread\n",
			td.ThreadId);
		put_task_struct(task);
		return -EPERM;
	}

	attr.sched_policy = sched.policy;
	attr.sched_nice = sched.nice;
	attr.sched_priority = sched.rt_priority;
	/* May sleep: called with a task reference, outside any RCU section. */
	mutex_lock(&sd_set_lock);
	ret = sched_setattr_nocheck(task, &attr);
	/*
	 * A real-time policy leaves the old nice value behind (it shows in
	 * /proc/<pid>/stat and returns with SCHED_OTHER). Reset it, so that a
	 * level says everything about the thread: SCHED_RR levels are nice 0.
	 * Only when needed: set_user_nice() takes the runqueue lock.
	 */
	if (!ret && sched.policy == SD_SCHED_RR && task_nice(task) != 0)
		set_user_nice(task, 0);
	mutex_unlock(&sd_set_lock);
	put_task_struct(task);

	if (ret)
		dev_dbg(sd_misc.this_device,
			"set: thread %u to %d failed: %d\n",
			td.ThreadId, td.Priority, ret);
	else
		dev_dbg(sd_misc.this_device,
			"Thread Priority change for %u to %d succeeded (policy %u nice %d rt %u)\n",
			td.ThreadId, td.Priority, sched.policy, sched.nice,
			sched.rt_priority);
	return ret;
}

struct sd_ioctl {
	unsigned int cmd;
	const char *name;
	long (*handler)(struct file *file, void __user *arg);
};

/* One row per code of include/seconddriver.h, in the Windows driver's order. */
static const struct sd_ioctl sd_ioctls[] = {
	{ SD_LINUX_IOCTL_SET_PRIORITY, "SET_PRIORITY", sd_ioctl_set_priority },
};

/*
 * Codes are matched whole: a request with the right number but another size
 * or direction encodes a different command, and gets -ENOTTY like any
 * unknown one.
 */
static long sd_unlocked_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sd_ioctls); i++) {
		if (sd_ioctls[i].cmd == cmd) {
			dev_dbg(sd_misc.this_device, "%s from pid %d\n",
				sd_ioctls[i].name, task_pid_nr(current));
			return sd_ioctls[i].handler(file, (void __user *)arg);
		}
	}
	dev_dbg(sd_misc.this_device, "unknown ioctl %#x\n", cmd);
	return -ENOTTY;
}

/*
 * The device has no position: nonseekable_open() makes lseek() fail with
 * ESPIPE (no .llseek either; no_llseek is gone since Linux 6.12).
 */
static int sd_open(struct inode *inode, struct file *file)
{
	return nonseekable_open(inode, file);
}

static int sd_release(struct inode *inode, struct file *file)
{
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

	ret = misc_register(&sd_misc);
	if (ret) {
		pr_err("cannot register /dev/%s: %d\n", SD_LINUX_DEVICE_NAME, ret);
		return ret;
	}
	pr_info("loaded: /dev/%s, ioctl SET_PRIORITY %#x\n",
		SD_LINUX_DEVICE_NAME, (unsigned int)SD_LINUX_IOCTL_SET_PRIORITY);
	return 0;
}

static void __exit sd_exit(void)
{
	misc_deregister(&sd_misc);
	pr_info("unloaded\n");
}

module_init(sd_init);
module_exit(sd_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("SecondDriver developers");
MODULE_DESCRIPTION("SecondDriver: set any thread's priority on the Windows 1..31 scale");
MODULE_VERSION("1.0");
