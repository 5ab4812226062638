/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * sd_logring.h - the log's ring of records, without a lock or a clock.
 *
 * Both drivers keep their log in one of these (driver/sd_log.c,
 * linux/sd_log.c) and hold their own lock around every call; the native
 * tests run it as it is. The rules it keeps are the contract's
 * (include/seconddriver.h, docs/SPEC.md 4b):
 *
 *   - records are numbered 1, 2, 3, ...; the number only grows, and
 *     clearing does not reset it;
 *   - the ring holds the newest `capacity` records at most; an append to a
 *     full ring overwrites the oldest;
 *   - a read from number n answers the records from n on that are still
 *     held, oldest first, and how many records from n on it can no longer
 *     answer (overwritten or cleared), so a reader never takes a gap for
 *     silence;
 *   - a read from 0 starts at the oldest record held and reports no gap; a
 *     read from beyond the newest answers nothing.
 */
#ifndef SD_LOGRING_H
#define SD_LOGRING_H

#include "seconddriver.h"

struct sd_logring {
	SdLogRecord *slots;     /* capacity records, the caller's memory */
	sd_u32 capacity;        /* > 0 */
	sd_u32 head;            /* the slot the next record goes to */
	sd_u64 next_seq;        /* the number the next record gets */
	sd_u64 first_seq;       /* the oldest number held; == next_seq when empty */
};

static inline void sd_logring_init(struct sd_logring *r, SdLogRecord *slots,
				   sd_u32 capacity)
{
	r->slots = slots;
	r->capacity = capacity;
	r->head = 0;
	r->next_seq = 1;
	r->first_seq = 1;
}

/*
 * The slot of a number still held: back from head by its distance from
 * next_seq, which is at most capacity (no 64-bit division, which a 32-bit
 * kernel would not link).
 */
static inline SdLogRecord *sd_logring_slot(const struct sd_logring *r, sd_u64 seq)
{
	sd_u32 back = (sd_u32)(r->next_seq - seq);

	return &r->slots[(r->head + r->capacity - back) % r->capacity];
}

/*
 * The slot of the next record, numbered: Seq is set, and the caller fills
 * every other field before it lets go of its lock. The slot holds an older
 * record until then. Both drivers write their records in place this way,
 * without a copy (bench/).
 */
static inline SdLogRecord *sd_logring_claim(struct sd_logring *r)
{
	SdLogRecord *slot = &r->slots[r->head];

	slot->Seq = r->next_seq++;
	r->head = r->head + 1 == r->capacity ? 0 : r->head + 1;
	if (r->next_seq - r->first_seq > r->capacity)
		r->first_seq = r->next_seq - r->capacity;
	return slot;
}

/* Drop every record; the numbers go on. */
static inline void sd_logring_clear(struct sd_logring *r)
{
	r->first_seq = r->next_seq;
}

/*
 * Copy up to max records, from number from on, into out. Returns how many;
 * *lost gets the records from `from` on that are gone, *next the number to
 * ask for next.
 */
static inline sd_u32 sd_logring_read(const struct sd_logring *r, sd_u64 from,
				     SdLogRecord *out, sd_u32 max,
				     sd_u64 *lost, sd_u64 *next)
{
	sd_u64 start, avail;
	sd_u32 i, n;

	if (from == 0)
		from = r->first_seq;
	if (from > r->next_seq)
		from = r->next_seq;
	start = from < r->first_seq ? r->first_seq : from;
	*lost = start - from;
	avail = r->next_seq - start;
	n = avail < max ? (sd_u32)avail : max;
	for (i = 0; i < n; i++)
		out[i] = *sd_logring_slot(r, start + i);
	*next = start + n;
	return n;
}

#endif /* SD_LOGRING_H */
