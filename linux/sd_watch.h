/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sd_watch.h - the twin's watchdog for runaway real-time threads
 * (docs/SPEC.md 5d), kept in include/sd_watch.h's table.
 *
 * Every change the twin makes goes through sd_set_task (sd_sched.h), which
 * starts, moves or ends a thread's watch. The leases' thread (sd_boost.c)
 * samples the watched threads every SD_WATCH_PERIOD_MS.
 *
 * Locks: the leases' mutex, then the watch mutex, then the set lock; never
 * the other way round.
 */
#ifndef SD_WATCH_H_LINUX
#define SD_WATCH_H_LINUX

#include <linux/types.h>

#include "seconddriver.h"

/* Take the settings (checked by the caller); budget_ms 0: off. 0 or -ENOMEM. */
int sd_watch_init(u32 budget_ms, u32 window_ms, u32 share_ms);

/* Stop watching every thread, and drop the references. */
void sd_watch_exit(void);

/*
 * Sample every watched thread, and take back each one that ran away.
 * Returns how many are still watched: if any, call again in
 * SD_WATCH_PERIOD_MS.
 */
u32 sd_watch_tick(void);

/* GET_INFO's numbers: the settings in effect, and the threads watched. */
void sd_watch_info(SdDriverInfo *info);

#endif /* SD_WATCH_H_LINUX */
