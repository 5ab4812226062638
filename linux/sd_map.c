// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * sd_map.c - the Windows priority scale on Linux scheduling policies.
 * See sd_map.h and docs/SPEC.md section 9.
 */
#ifdef __KERNEL__
#include <linux/build_bug.h>
#include <uapi/linux/sched.h>
#endif

#include "sd_map.h"

#ifdef __KERNEL__
static_assert(SD_SCHED_OTHER == SCHED_NORMAL);
static_assert(SD_SCHED_FIFO == SCHED_FIFO);
static_assert(SD_SCHED_RR == SCHED_RR);
static_assert(SD_SCHED_BATCH == SCHED_BATCH);
static_assert(SD_SCHED_IDLE == SCHED_IDLE);
static_assert(SD_SCHED_DEADLINE == SCHED_DEADLINE);
#endif

static sd_s32 sd_clamp_nice(sd_s32 nice)
{
	if (nice < SD_NICE_MIN)
		return SD_NICE_MIN;
	if (nice > SD_NICE_MAX)
		return SD_NICE_MAX;
	return nice;
}

static sd_s32 sd_nice_of_level(sd_s32 level)
{
	return sd_clamp_nice(3 * (8 - level));
}

int sd_map_from_level(sd_s32 level, struct sd_sched *out)
{
	if (!sd_level_valid(level))
		return -1;
	if (level <= SD_RT_LEVEL_BASE) {
		out->policy = SD_SCHED_OTHER;
		out->nice = sd_nice_of_level(level);
		out->rt_priority = 0;
	} else {
		out->policy = SD_SCHED_RR;
		out->nice = 0;
		out->rt_priority = (sd_u32)(level - SD_RT_LEVEL_BASE);
	}
	return 0;
}

/*
 * The level 1..15 whose nice is nearest to each nice -20..19; on a tie (only
 * -19, between 14's -18 and 15's -20), the one nearer 8. A table, not a
 * search: every SET and GET reads it (bench/: the search over 15 levels was
 * a fifth of a time-sharing SET's instructions). tests/native checks each
 * entry against the rule.
 */
static const signed char sd_level_by_nice[SD_NICE_MAX - SD_NICE_MIN + 1] = {
	15, 14, 14, 14, 13, 13, 13, 12, 12, 12,	/* -20..-11 */
	11, 11, 11, 10, 10, 10, 9, 9, 9, 8,	/* -10..-1 */
	8, 8, 7, 7, 7, 6, 6, 6, 5, 5,		/* 0..9 */
	5, 4, 4, 4, 3, 3, 3, 2, 2, 1,		/* 10..19 */
};

static sd_s32 sd_level_of_nice(sd_s32 nice)
{
	return sd_level_by_nice[nice - SD_NICE_MIN];
}

sd_s32 sd_map_to_level(sd_u32 policy, sd_s32 nice, sd_u32 rt_priority)
{
	switch (policy) {
	case SD_SCHED_OTHER:
	case SD_SCHED_BATCH:
		/*
		 * The kernel keeps nice within -20..19; a value off that range
		 * (only a caller of this function can make one) reads as the
		 * nearest end, and never overflows the distance arithmetic.
		 */
		return sd_level_of_nice(sd_clamp_nice(nice));
	case SD_SCHED_IDLE:
		return SD_PRIORITY_MIN;
	case SD_SCHED_FIFO:
	case SD_SCHED_RR:
		if (rt_priority > SD_RT_PRIO_MAX)
			rt_priority = SD_RT_PRIO_MAX;
		return SD_RT_LEVEL_BASE + (sd_s32)rt_priority;
	case SD_SCHED_DEADLINE:
		return SD_PRIORITY_MAX;
	default:
		return -1;
	}
}
