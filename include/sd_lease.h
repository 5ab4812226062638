/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * sd_lease.h - the table of live leases, without a lock, a clock or a
 * scheduler.
 *
 * Both drivers keep their leases in one of these and hold their own lock
 * around every call; the native tests run it as it is. It keeps the
 * contract's rules (docs/SPEC.md 5c):
 *
 *   - a table of at most `capacity` leases; ids 1, 2, 3, ... never 0;
 *   - each thread's live leases form a stack, in the order they were made;
 *     only the top lease's level applies;
 *   - a lease that ends on top puts the thread back to its `before` level
 *     (the caller applies the compare rule: only if the thread is still at
 *     the lease's level);
 *   - a lease that ends below the top changes nothing, and the lease just
 *     above it inherits its `before` level, so that the last one to end
 *     puts the thread back where the first one found it.
 *
 * The kernel's own reference to the thread travels with the lease (`ref`)
 * and comes back to the caller exactly once, when the lease is removed.
 */
#ifndef SD_LEASE_H
#define SD_LEASE_H

#include "seconddriver.h"

#define SD_LEASE_NONE 0xFFFFFFFFu	/* no slot */

struct sd_lease {
	sd_u32 id;		/* 0: the slot is free */
	sd_u32 tid;
	sd_s32 level;		/* the level the lease set */
	sd_s32 before;		/* the level the thread goes back to, if it ends on top */
	sd_u32 flags;		/* SD_BOOST_* */
	sd_u64 end_ms;		/* when it ends by itself (the caller's clock); 0: never */
	int ending;		/* it ends now: its handle closed, END_LEASE, or the unload */
	sd_u64 order;		/* when it was made: its place in its thread's stack */
	const void *owner;	/* the handle that made it; NULL: detached */
	void *ref;		/* the kernel's reference to the thread */
};

struct sd_leases {
	struct sd_lease *slots;	/* capacity slots, the caller's memory, zeroed */
	sd_u32 capacity;
	sd_u32 live;
	sd_u32 last_id;
	sd_u64 next_order;
};

/* What removing a lease asks of the caller. */
struct sd_lease_end {
	sd_u32 id, tid;
	sd_s32 level;		/* the lease's level: the thread must still be at it */
	sd_s32 restore;		/* on top: the level to put it back to */
	int on_top;		/* 0: below another lease, nothing to change */
	sd_u32 flags;
	void *ref;		/* the reference to drop, exactly once */
};

static inline void sd_leases_init(struct sd_leases *l, struct sd_lease *slots, sd_u32 capacity)
{
	sd_u32 i;

	for (i = 0; i < capacity; i++)
		slots[i].id = 0;
	l->slots = slots;
	l->capacity = capacity;
	l->live = 0;
	l->last_id = 0;
	l->next_order = 1;
}

/* The slot of lease id, or SD_LEASE_NONE. */
static inline sd_u32 sd_leases_find(const struct sd_leases *l, sd_u32 id)
{
	sd_u32 i;

	for (i = 0; id && i < l->capacity; i++) {
		if (l->slots[i].id == id)
			return i;
	}
	return SD_LEASE_NONE;
}

/*
 * The slot of tid's lease made just after `order` (its neighbour above),
 * or with order 0 the one on top; SD_LEASE_NONE if there is none.
 */
static inline sd_u32 sd_leases_above(const struct sd_leases *l, sd_u32 tid, sd_u64 order)
{
	sd_u32 i, best = SD_LEASE_NONE;

	for (i = 0; i < l->capacity; i++) {
		const struct sd_lease *s = &l->slots[i];

		if (!s->id || s->tid != tid)
			continue;
		if (order ? s->order > order &&
			    (best == SD_LEASE_NONE || s->order < l->slots[best].order)
			  : best == SD_LEASE_NONE || s->order > l->slots[best].order)
			best = i;
	}
	return best;
}

/* tid's lease on top of its stack, or SD_LEASE_NONE. */
static inline sd_u32 sd_leases_top(const struct sd_leases *l, sd_u32 tid)
{
	return sd_leases_above(l, tid, 0);
}

/*
 * Add a lease on top of tid's stack. `before` is the level the thread had
 * when this lease set its own. Returns its slot, or SD_LEASE_NONE when the
 * table is full (the caller then changes nothing).
 */
static inline sd_u32 sd_leases_add(struct sd_leases *l, sd_u32 tid, sd_s32 level,
				   sd_s32 before, sd_u32 flags, sd_u64 end_ms,
				   const void *owner, void *ref)
{
	sd_u32 i;

	if (l->live >= l->capacity)
		return SD_LEASE_NONE;
	for (i = 0; i < l->capacity && l->slots[i].id; i++)
		;
	if (i == l->capacity)
		return SD_LEASE_NONE;
	/* Ids go on from the last one, skip 0 and any still live. */
	do {
		l->last_id++;
	} while (!l->last_id || sd_leases_find(l, l->last_id) != SD_LEASE_NONE);
	l->slots[i].id = l->last_id;
	l->slots[i].tid = tid;
	l->slots[i].level = level;
	l->slots[i].before = before;
	l->slots[i].flags = flags;
	l->slots[i].end_ms = end_ms;
	l->slots[i].ending = 0;
	l->slots[i].order = l->next_order++;
	l->slots[i].owner = owner;
	l->slots[i].ref = ref;
	l->live++;
	return i;
}

/* Remove the lease in slot i, and say what the caller must do (above). */
static inline void sd_leases_remove(struct sd_leases *l, sd_u32 i, struct sd_lease_end *end)
{
	struct sd_lease *s = &l->slots[i];
	sd_u32 above = sd_leases_above(l, s->tid, s->order);

	end->id = s->id;
	end->tid = s->tid;
	end->level = s->level;
	end->restore = s->before;
	end->flags = s->flags;
	end->ref = s->ref;
	end->on_top = above == SD_LEASE_NONE;
	if (!end->on_top)
		l->slots[above].before = s->before;	/* the one above inherits it */
	s->id = 0;
	s->ref = (void *)0;
	s->owner = (void *)0;
	l->live--;
}

/* A lease that must end now, or whose time is up at now_ms; or SD_LEASE_NONE. */
static inline sd_u32 sd_leases_due(const struct sd_leases *l, sd_u64 now_ms)
{
	sd_u32 i;

	for (i = 0; i < l->capacity; i++) {
		const struct sd_lease *s = &l->slots[i];

		if (s->id && (s->ending || (s->end_ms && s->end_ms <= now_ms)))
			return i;
	}
	return SD_LEASE_NONE;
}

/*
 * The earliest time a lease ends by itself; 0 if none does; 1 (long past)
 * if one must end now.
 */
static inline sd_u64 sd_leases_next_end(const struct sd_leases *l)
{
	sd_u64 next = 0;
	sd_u32 i;

	for (i = 0; i < l->capacity; i++) {
		const struct sd_lease *s = &l->slots[i];

		if (s->id && s->ending)
			return 1;
		if (s->id && s->end_ms && (!next || s->end_ms < next))
			next = s->end_ms;
	}
	return next;
}

/* Make the lease in slot i end now, owned by no handle. */
static inline void sd_leases_end_now(struct sd_leases *l, sd_u32 i)
{
	l->slots[i].owner = (void *)0;
	l->slots[i].ending = 1;
}

/*
 * Make every lease of owner (or, with owner NULL, every lease) end now.
 * Returns how many.
 */
static inline sd_u32 sd_leases_end_owned(struct sd_leases *l, const void *owner)
{
	sd_u32 i, n = 0;

	for (i = 0; i < l->capacity; i++) {
		if (l->slots[i].id && (!owner || l->slots[i].owner == owner)) {
			sd_leases_end_now(l, i);
			n++;
		}
	}
	return n;
}

#endif /* SD_LEASE_H */
