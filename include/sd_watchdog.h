/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * sd_watchdog.h - the watchdog's table and arithmetic, without a lock, a clock
 * or a scheduler (docs/SPEC.md 5d).
 *
 * Both drivers keep one of these and hold their own lock around every call;
 * the native tests run it with a fake clock and fake CPU times. The rule:
 *
 *   - every thread the driver put at 16..31 is watched, from the driver's
 *     first change to it; `old` is the level it had before that change;
 *   - a thread runs away when it uses more than budget_ms of CPU time
 *     without blocking, or more than share_ms within any window_ms;
 *   - the driver then puts it back at `old` and stops watching it.
 *
 * "Without blocking" is read from the thread's count of voluntary context
 * switches where the kernel has one (Linux nvcsw): a sample that finds it
 * changed starts the run again. Where it does not (Windows: no export
 * reads a thread's switch count), pass SD_WATCH_NO_SWITCHES, and a sampling
 * period in which the thread used less than half the time counts as one in
 * which it blocked.
 *
 * The window is kept as SD_WATCH_POINTS (time, CPU time) points taken at
 * least window/(SD_WATCH_POINTS - 1) apart; the CPU time used since the
 * oldest point still inside the window is the share. A point is at most
 * one sample late, so the span measured is at most the window: the rule
 * never fires early, and at worst fires one spacing late.
 *
 * A watch's key is the kernel's object for the thread (a task_struct *, a
 * PETHREAD), on which the caller holds one reference while it is watched:
 * sd_watch_note says when to take it and when to drop it. The table holds
 * pointers; the caller allocates a watch only for a thread that needs one
 * (sd_watch_wants), and frees each one the table gives back.
 *
 * The table is open-addressed: a watch sits at the first free slot from
 * its key's hash on, and a removed one leaves a marker (SD_WATCH_GONE)
 * that searches step over, until no watch is left and enough markers have
 * gathered to be worth a sweep. So every SET finds its thread's watch in a probe or two, not by
 * a scan of the table (bench/: with 1000 threads watched, the scan was
 * five sixths of a SET). Walk the slots with sd_watch_at.
 */
#ifndef SD_WATCHDOG_H
#define SD_WATCHDOG_H

#include "seconddriver.h"

#define SD_WATCH_NONE 0xFFFFFFFFu		/* no slot */
/* A slot whose watch was removed: not free for a search, free for a new watch. */
#define SD_WATCH_GONE ((struct sd_watch *)(__UINTPTR_TYPE__)1)
#define SD_WATCH_NO_SWITCHES 0xFFFFFFFFFFFFFFFFull	/* the kernel gives no switch count */
#define SD_WATCH_POINTS 17u

struct sd_watch_settings {
	sd_u32 budget_ms;	/* CPU time without blocking; 0: the watchdog is off */
	sd_u32 window_ms;	/* the window's length */
	sd_u32 share_ms;	/* CPU time allowed within a window; 0: no window rule */
};

struct sd_watch {
	const void *key;	/* the thread */
	sd_u32 tid;
	sd_s32 level;		/* the level the driver set last */
	sd_s32 old;		/* the level before the driver's first change */
	sd_u64 last_ns;		/* the last sample: its time, */
	sd_u64 last_cpu_ns;	/* the thread's CPU time then, */
	sd_u64 last_switches;	/* and its voluntary switches */
	sd_u64 run_ns;		/* CPU time since it last blocked */
	sd_u64 run_since_ns;	/* when that run began (the sample that saw the block) */
	sd_u32 points, head;	/* the window's points: how many, and the oldest */
	sd_u64 point_ns[SD_WATCH_POINTS];
	sd_u64 point_cpu_ns[SD_WATCH_POINTS];
};

struct sd_watches {
	struct sd_watch **slots;	/* capacity pointers, the caller's memory; NULL: free */
	sd_u32 capacity;
	sd_u32 live;
	sd_u32 gone;			/* slots holding SD_WATCH_GONE */
	struct sd_watch_settings set;
};

/* Why a thread was taken back; SdWatchdogEvent.Rule. */
struct sd_watch_verdict {
	sd_u32 rule;		/* 0: none; SD_WATCH_RULE_BUDGET; SD_WATCH_RULE_WINDOW */
	sd_u64 used_ns;		/* the CPU time that broke the rule, */
	sd_u64 span_ns;		/* used within this much time */
};

static inline void sd_watch_table_init(struct sd_watches *w, struct sd_watch **slots,
				       sd_u32 capacity, const struct sd_watch_settings *set)
{
	sd_u32 i;

	for (i = 0; i < capacity; i++)
		slots[i] = (struct sd_watch *)0;
	w->slots = slots;
	w->capacity = capacity;
	w->live = 0;
	w->gone = 0;
	w->set = *set;
}

/* Where a search for key begins: its pointer, mixed (Fibonacci hashing). */
static inline sd_u32 sd_watch_home(const struct sd_watches *w, const void *key)
{
	sd_u64 h = ((sd_u64)(__UINTPTR_TYPE__)key >> 4) * 0x9E3779B97F4A7C15ull;

	return (sd_u32)((h >> 32) % w->capacity);
}

/* Slot i's watch, or NULL for a free slot or a removed watch's marker. */
static inline struct sd_watch *sd_watch_at(const struct sd_watches *w, sd_u32 i)
{
	struct sd_watch *s = w->slots[i];

	return s == SD_WATCH_GONE ? (struct sd_watch *)0 : s;
}

/* The slot watching key, or SD_WATCH_NONE. With nothing watched, at once. */
static inline sd_u32 sd_watch_find(const struct sd_watches *w, const void *key)
{
	sd_u32 i, n;

	if (!key || !w->live)
		return SD_WATCH_NONE;
	for (i = sd_watch_home(w, key), n = 0; n < w->capacity; n++) {
		const struct sd_watch *s = w->slots[i];

		if (!s)
			break;			/* free: key is not further on */
		if (s != SD_WATCH_GONE && s->key == key)
			return i;
		i = i + 1 == w->capacity ? 0 : i + 1;
	}
	return SD_WATCH_NONE;
}

/*
 * Whether a change of key to level would begin a watch: a real-time level
 * for a thread not yet watched. The caller then needs a slot (live below
 * capacity, or it refuses the change) and a struct sd_watch to hand to
 * sd_watch_note.
 */
static inline int sd_watch_wants(const struct sd_watches *w, const void *key, sd_s32 level)
{
	return level >= SD_PRIORITY_REALTIME_MIN && sd_watch_find(w, key) == SD_WATCH_NONE;
}

/* Start a run, and the window, at this sample. */
static inline void sd_watch_restart(struct sd_watch *s, sd_u64 now_ns, sd_u64 cpu_ns,
				    sd_u64 switches)
{
	s->last_ns = now_ns;
	s->last_cpu_ns = cpu_ns;
	s->last_switches = switches;
	s->run_ns = 0;
	s->run_since_ns = now_ns;
	s->points = 1;
	s->head = 0;
	s->point_ns[0] = now_ns;
	s->point_cpu_ns[0] = cpu_ns;
}

/* Stop watching slot i, and give its watch back to the caller to free. */
static inline struct sd_watch *sd_watch_remove(struct sd_watches *w, sd_u32 i)
{
	struct sd_watch *s = w->slots[i];

	w->slots[i] = SD_WATCH_GONE;
	w->gone++;
	/*
	 * The last one out cleans the table, once an eighth of it is markers:
	 * the sweep is paid for by that many removals, not by every SET that
	 * ends a thread's only watch.
	 */
	if (--w->live == 0 && w->gone >= w->capacity / 8) {
		for (i = 0; i < w->capacity; i++)
			w->slots[i] = (struct sd_watch *)0;
		w->gone = 0;
	}
	return s;
}

/*
 * The driver set key's thread to level; old is the level it had just
 * before. *fresh is the caller's new watch if sd_watch_wants said so, or
 * NULL. Returns:
 *   +1  a watch began in *fresh (now NULL): take a reference on key;
 *   -1  the watch ended, *gone is it: free it and drop the reference;
 *    0  nothing to do (a watched thread moved within 16..31, or was not
 *       watched), but free *fresh if it is still there.
 */
static inline int sd_watch_note(struct sd_watches *w, const void *key, sd_u32 tid, sd_s32 level,
				sd_s32 old, sd_u64 now_ns, sd_u64 cpu_ns, sd_u64 switches,
				struct sd_watch **fresh, struct sd_watch **gone)
{
	sd_u32 i = sd_watch_find(w, key);
	struct sd_watch *s;

	*gone = (struct sd_watch *)0;
	if (level < SD_PRIORITY_REALTIME_MIN) {
		if (i == SD_WATCH_NONE)
			return 0;
		*gone = sd_watch_remove(w, i);
		return -1;
	}
	if (i != SD_WATCH_NONE) {
		w->slots[i]->level = level;	/* still watched: its old level and run go on */
		return 0;
	}
	s = *fresh;
	if (!s || w->live >= w->capacity)
		return 0;			/* the caller checked; not reached */
	/* The first free slot or marker from its home: there is one. */
	for (i = sd_watch_home(w, key); w->slots[i] && w->slots[i] != SD_WATCH_GONE;)
		i = i + 1 == w->capacity ? 0 : i + 1;
	if (w->slots[i] == SD_WATCH_GONE)
		w->gone--;
	*fresh = (struct sd_watch *)0;
	s->key = key;
	s->tid = tid;
	s->level = level;
	s->old = old;
	sd_watch_restart(s, now_ns, cpu_ns, switches);
	w->slots[i] = s;
	w->live++;
	return 1;
}

/*
 * One sample of slot i's thread at now_ns: its CPU time and voluntary
 * switches (or SD_WATCH_NO_SWITCHES). Returns the rule it broke, or 0;
 * *v says how (untouched when 0).
 */
static inline sd_u32 sd_watch_sample(struct sd_watches *w, sd_u32 i, sd_u64 now_ns,
				     sd_u64 cpu_ns, sd_u64 switches,
				     struct sd_watch_verdict *v)
{
	struct sd_watch *s = w->slots[i];
	sd_u64 dt = now_ns > s->last_ns ? now_ns - s->last_ns : 0;
	sd_u64 dcpu = cpu_ns > s->last_cpu_ns ? cpu_ns - s->last_cpu_ns : 0;
	sd_u64 window_ns = (sd_u64)w->set.window_ms * 1000000u;
	sd_u64 spacing = window_ns / (SD_WATCH_POINTS - 1);
	sd_u32 newest, j, k;
	int blocked;

	if (switches == SD_WATCH_NO_SWITCHES)
		blocked = dcpu * 2 < dt;
	else
		blocked = switches != s->last_switches;
	if (blocked) {
		s->run_ns = 0;
		s->run_since_ns = now_ns;
	} else {
		s->run_ns += dcpu;
	}
	s->last_ns = now_ns;
	s->last_cpu_ns = cpu_ns;
	s->last_switches = switches;

	newest = (s->head + s->points - 1) % SD_WATCH_POINTS;
	if (now_ns - s->point_ns[newest] >= spacing) {
		if (s->points == SD_WATCH_POINTS) {
			s->head = (s->head + 1) % SD_WATCH_POINTS;
			s->points--;
		}
		newest = (s->head + s->points) % SD_WATCH_POINTS;
		s->point_ns[newest] = now_ns;
		s->point_cpu_ns[newest] = cpu_ns;
		s->points++;
	}

	if (w->set.budget_ms && s->run_ns > (sd_u64)w->set.budget_ms * 1000000u) {
		v->rule = SD_WATCH_RULE_BUDGET;
		v->used_ns = s->run_ns;
		v->span_ns = now_ns - s->run_since_ns;
		return v->rule;
	}
	if (!w->set.share_ms)
		return 0;
	/* The oldest point no more than a window ago. */
	for (j = 0; j < s->points; j++) {
		k = (s->head + j) % SD_WATCH_POINTS;
		if (now_ns - s->point_ns[k] <= window_ns)
			break;
	}
	if (j == s->points)
		return 0;
	if (cpu_ns > s->point_cpu_ns[k] &&
	    cpu_ns - s->point_cpu_ns[k] > (sd_u64)w->set.share_ms * 1000000u) {
		v->rule = SD_WATCH_RULE_WINDOW;
		v->used_ns = cpu_ns - s->point_cpu_ns[k];
		v->span_ns = now_ns - s->point_ns[k];
		return v->rule;
	}
	return 0;
}

/*
 * When the next sample is due, after a pass at now_ms: a period after the
 * one that was due (sample_at; 0 when watching just began), so that the
 * passes' own time does not stretch the period; a period from now if even
 * that is past (the pass was a period late). A pass before sample_at (an
 * extra one, for a kick) keeps it.
 */
static inline sd_u64 sd_watch_next_sample(sd_u64 sample_at, sd_u64 now_ms)
{
	if (sample_at > now_ms)
		return sample_at;
	if (sample_at && sample_at + SD_WATCH_PERIOD_MS > now_ms)
		return sample_at + SD_WATCH_PERIOD_MS;
	return now_ms + SD_WATCH_PERIOD_MS;
}

#endif /* SD_WATCHDOG_H */
