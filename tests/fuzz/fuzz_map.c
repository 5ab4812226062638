// SPDX-License-Identifier: MIT
/*
 * fuzz_map.c - libFuzzer target: the Linux twin's priority mapping
 * (linux/sd_map.c, the very source the module is built from).
 *
 * Input: 4 bytes of level, then policy, nice and rt priority (4 bytes each).
 * Checks, aborting (a libFuzzer crash) if not:
 *   - sd_map_from_level accepts exactly 1..31, leaves its output alone
 *     otherwise, and gives SPEC 9.3's policy ranges: 1..15 SCHED_OTHER at
 *     a nice in -20..19 with rt 0; 16..31 SCHED_RR 1..16 at nice 0
 *   - every accepted level reads back as itself
 *   - sd_map_to_level of any policy, nice and rt priority gives -1 (an
 *     unknown policy) or a level in 1..31, and -1 only for unknown policies
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sd_map.h"

static sd_u32 get32(const uint8_t *p)
{
	return (sd_u32)p[0] | (sd_u32)p[1] << 8 | (sd_u32)p[2] << 16 |
	       (sd_u32)p[3] << 24;
}

static int known_policy(sd_u32 policy)
{
	return policy == SD_SCHED_OTHER || policy == SD_SCHED_FIFO ||
	       policy == SD_SCHED_RR || policy == SD_SCHED_BATCH ||
	       policy == SD_SCHED_IDLE || policy == SD_SCHED_DEADLINE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t buf[16] = { 0 };
	struct sd_sched m = { 0xEEEEEEEEu, -12345, 0xEEEEEEEEu }, untouched = m;
	sd_s32 level, back;
	sd_u32 policy, rt;
	sd_s32 nice;

	memcpy(buf, data, size < sizeof(buf) ? size : sizeof(buf));
	level = (sd_s32)get32(buf);
	policy = get32(buf + 4);
	nice = (sd_s32)get32(buf + 8);
	rt = get32(buf + 12);
	/* Small values are where the edges are: fold some inputs onto them. */
	if (size > 16 && (data[16] & 1)) {
		level %= 40;
		policy %= 8;
		nice %= 48;
		rt %= 128;
	}

	if (sd_map_from_level(level, &m) == 0) {
		if (level < SD_PRIORITY_MIN || level > SD_PRIORITY_MAX)
			abort();	/* accepted a level off the scale */
		if (level <= 15 && (m.policy != SD_SCHED_OTHER || m.rt_priority != 0 ||
				    m.nice < SD_NICE_MIN || m.nice > SD_NICE_MAX))
			abort();
		if (level >= 16 && (m.policy != SD_SCHED_RR || m.nice != 0 ||
				    m.rt_priority < 1 || m.rt_priority > SD_RT_PRIO_MAX))
			abort();
		if (sd_map_to_level(m.policy, m.nice, m.rt_priority) != level)
			abort();	/* a level that does not read back */
	} else if (sd_level_valid(level) || memcmp(&m, &untouched, sizeof(m))) {
		abort();		/* refused a level on the scale, or wrote */
	}

	back = sd_map_to_level(policy, nice, rt);
	if (back == -1 ? known_policy(policy) :
	    (back < SD_PRIORITY_MIN || back > SD_PRIORITY_MAX || !known_policy(policy)))
		abort();
	return 0;
}
