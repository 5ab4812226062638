/* SPDX-License-Identifier: MIT */
/*
 * sd_sched_attr.h - sched_setattr(2)/sched_getattr(2)'s structure for the
 * VM's user-space programs (tests/vm/sd_vmtest.c, bench/sd_bench.c).
 *
 * uapi/linux/sched/types.h defines it, but cannot be included beside
 * glibc's <sched.h> (both define struct sched_param), and glibc 2.36 has no
 * wrapper. This is its layout (SCHED_ATTR_SIZE_VER1, 56 bytes); the fields
 * are fixed-width and 8-aligned, so i386 lays it out the same way.
 */
#ifndef SD_SCHED_ATTR_H
#define SD_SCHED_ATTR_H

#include <stdint.h>

struct sd_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
	uint32_t sched_util_min, sched_util_max;
};

_Static_assert(sizeof(struct sd_sched_attr) == 56, "SCHED_ATTR_SIZE_VER1 is 56");

#endif /* SD_SCHED_ATTR_H */
