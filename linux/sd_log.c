// SPDX-License-Identifier: GPL-2.0
/*
 * sd_log.c - the twin's log: one ring of SD_LOG_CAPACITY records
 * (include/sd_logring.h), allocated at load, under a spin lock that is
 * never held across a copy to or from user space.
 */
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "sd_log.h"
#include "sd_logring.h"

static DEFINE_SPINLOCK(sd_ring_lock);
static struct sd_logring sd_ring;
static SdLogRecord *sd_ring_slots;

int sd_log_init(void)
{
	sd_ring_slots = kcalloc(SD_LOG_CAPACITY, sizeof(*sd_ring_slots), GFP_KERNEL);
	if (!sd_ring_slots)
		return -ENOMEM;
	sd_logring_init(&sd_ring, sd_ring_slots, SD_LOG_CAPACITY);
	return 0;
}

/* Called after misc_deregister(), when no file of the device is left. */
void sd_log_exit(void)
{
	kfree(sd_ring_slots);
	sd_ring_slots = NULL;
}

void sd_log_note_capture(struct sd_log_note *note, const void *data, size_t len)
{
	len = min_t(size_t, len, SD_LOG_CAPTURE_MAX);
	memcpy(note->captured, data, len);
	/* A note starts zeroed; only a longer capture before leaves bytes to clear. */
	if (len < note->captured_len)
		memset(note->captured + len, 0, note->captured_len - len);
	note->captured_len = len;
}

void sd_log_write(u8 kind, u32 code, u32 in_len, u32 out_len, s32 status,
		  const struct sd_log_note *note)
{
	static const struct sd_log_note none;
	SdLogRecord *rec;
	u32 process, thread;

#ifdef SD_BENCH_LOG_OFF
	/* bench/run.sh's measure of the record's cost: never on otherwise. */
	return;
#endif
	/*
	 * In the caller's pid namespace, as the thread ids it sends; in the
	 * initial one, the numbers the task carries (bench/: the lean path).
	 */
	if (task_active_pid_ns(current) == &init_pid_ns) {
		process = current->tgid;
		thread = current->pid;
	} else {
		process = task_tgid_vnr(current);
		thread = task_pid_vnr(current);
	}
	if (!note)
		note = &none;

	/*
	 * Written in place, every field, under the lock: no record is built
	 * on the stack and copied (bench/: zeroing 88 bytes and copying them
	 * were about a fifth of the record's instructions).
	 */
	spin_lock(&sd_ring_lock);
	rec = sd_logring_claim(&sd_ring);
	/* Read under the lock, so that times grow with numbers. */
	rec->TimeNs = ktime_get_boottime_ns();
	rec->Kind = kind;
	rec->Os = SD_LOG_OS_LINUX;
	rec->Flags = note->flags;
	rec->Code = code;
	rec->InLen = in_len;
	rec->OutLen = out_len;
	rec->ProcessId = process;
	rec->ThreadId = thread;
	rec->Status = status;
	rec->CapturedLength = note->captured_len;
	rec->Information = note->information;
	/* The bytes after captured_len are zero (sd_log_note_capture). */
	memcpy(rec->Captured, note->captured, sizeof(rec->Captured));
	rec->TargetThread = note->target;
	rec->OldLevel = note->old_level;
	rec->NewLevel = note->new_level;
	rec->Reserved = 0;
	spin_unlock(&sd_ring_lock);
}

u32 sd_log_read(u64 from, SdLogRecord *out, u32 max, SdGetLogOut *answer)
{
	memset(answer, 0, sizeof(*answer));
	spin_lock(&sd_ring_lock);
	answer->Count = sd_logring_read(&sd_ring, from, out, max, &answer->Lost,
					&answer->NextSeq);
	spin_unlock(&sd_ring_lock);
	return answer->Count;
}

void sd_log_clear(void)
{
	spin_lock(&sd_ring_lock);
	sd_logring_clear(&sd_ring);
	spin_unlock(&sd_ring_lock);
}
