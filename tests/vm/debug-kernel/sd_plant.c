// SPDX-License-Identifier: GPL-2.0
/*
 * sd_plant.c - a module built only to prove the debug kernel
 * (scripts/debug-kernel.sh) catches the bugs the twin could have. Loaded
 * with bug=NAME, it commits that one bug, once, at load:
 *
 *   sleep     might_sleep() under a spin lock         (DEBUG_ATOMIC_SLEEP)
 *   uaf       a read of freed memory                  (KASAN)
 *   hrtimer   an hrtimer freed while armed            (DEBUG_OBJECTS_TIMERS)
 *   abba      two mutexes taken in both orders        (PROVE_LOCKING)
 *
 * Never built into the twin, never loaded by the normal tests.
 */
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

static char *bug = "";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "sleep, uaf, hrtimer or abba");

static DEFINE_SPINLOCK(sd_plant_lock);
static DEFINE_MUTEX(sd_plant_a);
static DEFINE_MUTEX(sd_plant_b);

static enum hrtimer_restart sd_plant_fire(struct hrtimer *t)
{
	return HRTIMER_NORESTART;
}

static int __init sd_plant_init(void)
{
	pr_info("sd_plant: planting %s\n", bug);
	if (!strcmp(bug, "sleep")) {
		spin_lock(&sd_plant_lock);
		might_sleep();
		spin_unlock(&sd_plant_lock);
	} else if (!strcmp(bug, "uaf")) {
		char *p = kmalloc(64, GFP_KERNEL);

		if (!p)
			return -ENOMEM;
		kfree(p);
		pr_info("sd_plant: read %d\n", READ_ONCE(p[8]));
	} else if (!strcmp(bug, "hrtimer")) {
		struct hrtimer *t = kmalloc(sizeof(*t), GFP_KERNEL);

		if (!t)
			return -ENOMEM;
		hrtimer_init(t, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		t->function = sd_plant_fire;
		hrtimer_start(t, ms_to_ktime(10000), HRTIMER_MODE_REL);
		kfree(t);
	} else if (!strcmp(bug, "abba")) {
		mutex_lock(&sd_plant_a);
		mutex_lock(&sd_plant_b);
		mutex_unlock(&sd_plant_b);
		mutex_unlock(&sd_plant_a);
		mutex_lock(&sd_plant_b);
		mutex_lock(&sd_plant_a);
		mutex_unlock(&sd_plant_a);
		mutex_unlock(&sd_plant_b);
	} else {
		pr_err("sd_plant: bug=%s: want sleep, uaf, hrtimer or abba\n", bug);
		return -EINVAL;
	}
	pr_info("sd_plant: planted %s\n", bug);
	return 0;
}

static void __exit sd_plant_exit(void)
{
}

module_init(sd_plant_init);
module_exit(sd_plant_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SecondDriver's debug-kernel self-test: plants one bug");
