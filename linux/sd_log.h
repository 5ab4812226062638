/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sd_log.h - the twin's log of the requests it received, in the Windows
 * driver's record format (include/seconddriver.h, docs/SPEC.md 4b).
 */
#ifndef SD_LOG_H
#define SD_LOG_H

#include <linux/types.h>

#include "seconddriver.h"

/* What a handler saw, for its record: the input it copied, the change it made. */
struct sd_log_note {
	u8 captured[SD_LOG_CAPTURE_MAX];
	u32 captured_len;
	u16 flags;		/* SD_LOG_F_* */
	u32 target;		/* with SD_LOG_F_CHANGE or SD_LOG_F_UNCHANGED */
	s32 old_level;
	s32 new_level;
	u64 information;	/* bytes written back to the caller */
};

int sd_log_init(void);
void sd_log_exit(void);

/*
 * Keep up to SD_LOG_CAPTURE_MAX bytes of what a handler copied, in a note
 * that started zeroed (= { }); the bytes after them are zero, as the
 * record's are. Not inline: SET's handler calls it after the copy, where
 * the debugger session of docs/DEBUGGING.md stops with the request in view
 * (tests/vm/test_debug.sh).
 */
void sd_log_note_capture(struct sd_log_note *note, const void *data, size_t len);

/*
 * Record that thread tid went from old_level to new_level (SD_LOG_F_CHANGE),
 * or, unchanged, that it was at new_level already (SD_LOG_F_UNCHANGED).
 */
static inline void sd_log_note_change(struct sd_log_note *note, u32 tid, s32 old_level,
				      s32 new_level, bool unchanged)
{
	note->flags |= unchanged ? SD_LOG_F_UNCHANGED : SD_LOG_F_CHANGE;
	note->target = tid;
	note->old_level = old_level;
	note->new_level = new_level;
}

/*
 * Append one record for the current task: kind, the ioctl code (0 for the
 * other kinds), the lengths, the answer (0 or a negative errno) and the
 * note (may be NULL). Takes a spin lock; does not sleep.
 */
void sd_log_write(u8 kind, u32 code, u32 in_len, u32 out_len, s32 status,
		  const struct sd_log_note *note);

/*
 * Copy up to max records from number from on into out (kernel memory), and
 * fill *answer (include/sd_logring.h). Returns the count.
 */
u32 sd_log_read(u64 from, SdLogRecord *out, u32 max, SdGetLogOut *answer);

/* Drop every record; the numbers go on. */
void sd_log_clear(void);

#endif /* SD_LOG_H */
