/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * sd_map.h - the Windows priority scale (1..31) on Linux scheduling policies.
 *
 * Pure arithmetic with no kernel API, so that the native host tests compile
 * the very code the module runs (tests/native). docs/SPEC.md section 9 is the
 * datasheet of this mapping:
 *
 *   level 1..15   SCHED_OTHER  nice = clamp(3 * (8 - level), -20, 19)
 *   level 16..31  SCHED_RR     sched_priority = level - 15   (1..16)
 *
 * and back (sd_map_to_level):
 *   SCHED_OTHER/SCHED_BATCH  the level whose nice is nearest, ties toward 8
 *                            (a nice off -20..19 counts as the nearest end)
 *   SCHED_IDLE               1
 *   SCHED_FIFO/SCHED_RR r    15 + min(r, 16)
 *   SCHED_DEADLINE           31
 */
#ifndef SD_MAP_H
#define SD_MAP_H

#include "seconddriver.h"

/*
 * Linux's policy numbers (uapi/linux/sched.h), named here so that the host
 * tests need no kernel header. sd_map.c asserts they match in the kernel.
 */
#define SD_SCHED_OTHER     0
#define SD_SCHED_FIFO      1
#define SD_SCHED_RR        2
#define SD_SCHED_BATCH     3
#define SD_SCHED_IDLE      5
#define SD_SCHED_DEADLINE  6

#define SD_NICE_MIN        (-20)
#define SD_NICE_MAX        19
#define SD_RT_LEVEL_BASE   15   /* level 16 is SCHED_RR priority 1 */
#define SD_RT_PRIO_MAX     16   /* level 31 is SCHED_RR priority 16 */

struct sd_sched {
	sd_u32 policy;          /* SD_SCHED_* */
	sd_s32 nice;            /* SCHED_OTHER only; 0 otherwise */
	sd_u32 rt_priority;     /* SCHED_RR only; 0 for SCHED_OTHER */
};

/*
 * Non-zero if level is on the contract's scale. Inline: a SET's first check
 * (bench/: the level is mapped once, by the change, not by the check too).
 */
static inline int sd_level_valid(sd_s32 level)
{
	return level >= SD_PRIORITY_MIN && level <= SD_PRIORITY_MAX;
}

/*
 * The policy for a level. Returns 0, or -1 if the level is off the scale
 * (out is then untouched).
 */
int sd_map_from_level(sd_s32 level, struct sd_sched *out);

/*
 * The level a thread's policy reads as. Returns the level (1..31), or -1 for
 * a policy this mapping does not know.
 */
sd_s32 sd_map_to_level(sd_u32 policy, sd_s32 nice, sd_u32 rt_priority);

#endif /* SD_MAP_H */
