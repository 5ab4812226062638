// SPDX-License-Identifier: MIT
/*
 * test_watch.c - native tests of the watchdog: its arithmetic
 * (include/sd_watchdog.h) with a fake clock and fake CPU times, and the
 * Windows driver's watchdog (driver/sd_watch.c) through its dispatcher,
 * with a fake KeQueryRuntimeThread.
 */
#include <string.h>

#include "fake_state.h"
#include "sd_config.h"
#include "sd_host.h"
#include "sd_ioctl.h"
#include "sd_log.h"
#include "sd_watch.h"
#include "sd_watchdog.h"
#include "test_harness.h"

#define MS 1000000ull	/* ns */

static struct sd_watch *wslots[4];
static struct sd_watch pool[8];	/* the watches "allocated", by index */
static int in_use[8];
static struct sd_watches wt;
static int key_a, key_b, key_c, key_d, key_e;

static void wreset(sd_u32 budget, sd_u32 window, sd_u32 share)
{
	struct sd_watch_settings set = { budget, window, share };

	memset(wslots, 0x5a, sizeof(wslots));
	memset(in_use, 0, sizeof(in_use));
	sd_watch_table_init(&wt, wslots, 4, &set);
}

/* The count of watches allocated and not given back. */
static int watches_held(void)
{
	int i, n = 0;

	for (i = 0; i < 8; i++)
		n += in_use[i];
	return n;
}

static void give_back(struct sd_watch *s)
{
	if (s)
		in_use[s - pool] = 0;
}

/* A change as the drivers make it: a new watch only when one is wanted. */
static int wnote(const void *key, sd_u32 tid, sd_s32 level, sd_s32 old, sd_u64 now, sd_u64 cpu,
		 sd_u64 sw)
{
	struct sd_watch *fresh = NULL, *gone = NULL;
	int i, r;

	if (sd_watch_wants(&wt, key, level)) {
		for (i = 0; i < 8 && in_use[i]; i++)
			;
		in_use[i] = 1;
		fresh = &pool[i];
	}
	r = sd_watch_note(&wt, key, tid, level, old, now, cpu, sw, &fresh, &gone);
	give_back(fresh);
	give_back(gone);
	return r;
}

/* The slot of key_a's watch: the single-thread tests watch key_a. */
static sd_u32 a_slot(void)
{
	return sd_watch_find(&wt, &key_a);
}

/*
 * Sample key_a's slot every period_ms from from_ms to to_ms; the thread uses
 * cpu_per of each period, and blocks in it if blocks (or, with switches
 * NO, the count is unknown). Returns the rule that fired (and *at_ms when),
 * or 0. *cpu carries the thread's CPU time across calls.
 */
static sd_u32 run(sd_u64 from_ms, sd_u64 to_ms, sd_u64 period_ms, sd_u64 cpu_per_ns, int blocks,
		  int no_switches, sd_u64 *cpu, sd_u64 *switches, sd_u64 *at_ms,
		  struct sd_watch_verdict *v)
{
	sd_u64 t;
	sd_u32 rule;

	for (t = from_ms + period_ms; t <= to_ms; t += period_ms) {
		*cpu += cpu_per_ns;
		*switches += blocks ? 1 : 0;
		rule = sd_watch_sample(&wt, a_slot(), t * MS, *cpu,
				       no_switches ? SD_WATCH_NO_SWITCHES : *switches, v);
		if (rule) {
			*at_ms = t;
			return rule;
		}
	}
	return 0;
}

static void test_watch_table(void)
{
	struct sd_watch_verdict v;
	sd_u64 cpu, sw, at;
	sd_u32 i;

	begin("watchdog: a real-time level starts a watch that keeps the level before the first change; 1..15 ends it");
	wreset(200, 1000, 500);
	CHECK(wnote(&key_a, 8520, 8, 6, 0, 0, 0) == 0 && wt.live == 0);
	CHECK(wnote(&key_a, 8520, 20, 8, 0, 0, 0) == 1 && wt.live == 1);
	CHECK(wnote(&key_a, 8520, 31, 20, 5 * MS, 0, 0) == 0);
	i = sd_watch_find(&wt, &key_a);
	CHECK(i != SD_WATCH_NONE && wt.slots[i]->level == 31 && wt.slots[i]->old == 8 &&
	      wt.slots[i]->tid == 8520);
	CHECK(wnote(&key_a, 8520, 15, 31, 0, 0, 0) == -1 && wt.live == 0 && watches_held() == 0);
	CHECK(sd_watch_find(&wt, &key_a) == SD_WATCH_NONE);
	CHECK(wnote(&key_a, 8520, 16, 15, 0, 0, 0) == 1 &&
	      wt.slots[sd_watch_find(&wt, &key_a)]->old == 15);
	end();

	begin("watchdog: a full table refuses a real-time level for one more thread, but not a watched one's or 1..15");
	wreset(200, 1000, 500);
	CHECK(wnote(&key_a, 1, 31, 8, 0, 0, 0) == 1);
	CHECK(wnote(&key_b, 2, 31, 8, 0, 0, 0) == 1);
	CHECK(wnote(&key_c, 3, 31, 8, 0, 0, 0) == 1);
	CHECK(wnote(&key_d, 4, 31, 8, 0, 0, 0) == 1 && wt.live == 4);
	/* A fifth thread's real-time level wants a watch, and the table is full: refused. */
	CHECK(sd_watch_wants(&wt, &key_e, 16) && wt.live == wt.capacity);
	CHECK(!sd_watch_wants(&wt, &key_e, 15) && !sd_watch_wants(&wt, &key_b, 24));
	{
		struct sd_watch *gone = sd_watch_remove(&wt, sd_watch_find(&wt, &key_c));

		CHECK(gone->key == &key_c && wt.live == 3);
		give_back(gone);
	}
	CHECK(wnote(&key_e, 5, 31, 8, 0, 0, 0) == 1 && watches_held() == 4);
	end();

	begin("watchdog: the table is hashed: each watch is found past removed ones' markers, a marker is reused, and the last removal cleans the table");
	wreset(200, 1000, 500);
	/* Four threads in four slots: some share a home, so chains form. */
	CHECK(wnote(&key_a, 1, 31, 8, 0, 0, 0) == 1 && wnote(&key_b, 2, 31, 8, 0, 0, 0) == 1 &&
	      wnote(&key_c, 3, 31, 8, 0, 0, 0) == 1 && wnote(&key_d, 4, 31, 8, 0, 0, 0) == 1);
	CHECK(wt.live == 4 && sd_watch_find(&wt, &key_e) == SD_WATCH_NONE);	/* full: no endless search */
	CHECK(sd_watch_at(&wt, sd_watch_find(&wt, &key_a))->tid == 1 &&
	      sd_watch_at(&wt, sd_watch_find(&wt, &key_d))->tid == 4);
	give_back(sd_watch_remove(&wt, sd_watch_find(&wt, &key_a)));
	give_back(sd_watch_remove(&wt, sd_watch_find(&wt, &key_c)));
	{
		sd_u32 k, markers = 0, nulls = 0;

		for (k = 0; k < wt.capacity; k++) {
			markers += wt.slots[k] == SD_WATCH_GONE;
			nulls += wt.slots[k] == 0;
			CHECK(wt.slots[k] == SD_WATCH_GONE ? sd_watch_at(&wt, k) == 0 : 1);
		}
		CHECK(markers == 2 && nulls == 0 && wt.live == 2 && wt.gone == 2);
	}
	CHECK(sd_watch_find(&wt, &key_a) == SD_WATCH_NONE && sd_watch_find(&wt, &key_c) == SD_WATCH_NONE &&
	      sd_watch_at(&wt, sd_watch_find(&wt, &key_b))->tid == 2 &&
	      sd_watch_at(&wt, sd_watch_find(&wt, &key_d))->tid == 4);
	/* A new watch takes a marker's slot; everyone is still found. */
	CHECK(wnote(&key_e, 5, 20, 8, 0, 0, 0) == 1 && wt.live == 3 && wt.gone == 1 &&
	      sd_watch_at(&wt, sd_watch_find(&wt, &key_e))->tid == 5 &&
	      sd_watch_at(&wt, sd_watch_find(&wt, &key_b))->tid == 2 &&
	      sd_watch_at(&wt, sd_watch_find(&wt, &key_d))->tid == 4);
	CHECK(wnote(&key_b, 2, 8, 31, 0, 0, 0) == -1 && wnote(&key_d, 4, 8, 31, 0, 0, 0) == -1 &&
	      wnote(&key_e, 5, 8, 20, 0, 0, 0) == -1);
	{
		sd_u32 k, clean = 1;

		for (k = 0; k < wt.capacity; k++)
			clean &= wt.slots[k] == 0;
		CHECK(wt.live == 0 && wt.gone == 0 && clean && watches_held() == 0);
	}
	end();

	begin("watchdog: in a big table, the last watch's end sweeps the markers only once an eighth of it is markers");
	{
		static struct sd_watch *big[64];
		static struct sd_watch w[8];
		static int keys[8];
		struct sd_watch_settings set = { 200, 1000, 500 };
		struct sd_watch *fresh, *gone;
		int k, r, ok = 1;

		memset(big, 0, sizeof(big));
		sd_watch_table_init(&wt, big, 64, &set);
		/* One thread whose watch begins and ends over and over: its marker is reused, no sweep. */
		for (k = 0; k < 20; k++) {
			fresh = &w[0];
			r = sd_watch_note(&wt, &keys[0], 1, 31, 8, 0, 0, 0, &fresh, &gone);
			ok &= r == 1 && wt.live == 1 && wt.gone == 0;
			r = sd_watch_note(&wt, &keys[0], 1, 8, 31, 0, 0, 0, &fresh, &gone);
			ok &= r == -1 && wt.live == 0 && wt.gone == 1;
		}
		CHECK(ok);
		/* Eight threads watched, then let go: the eighth marker sweeps the table. */
		for (k = 0; k < 8; k++) {
			fresh = &w[k];
			CHECK(sd_watch_note(&wt, &keys[k], (sd_u32)k, 31, 8, 0, 0, 0, &fresh, &gone) == 1);
		}
		for (k = 0; k < 8; k++)
			CHECK(sd_watch_note(&wt, &keys[k], (sd_u32)k, 8, 31, 0, 0, 0, &fresh, &gone) == -1);
		ok = wt.live == 0 && wt.gone == 0;
		for (k = 0; k < 64; k++)
			ok &= big[k] == 0;
		CHECK(ok);
	}
	end();

	begin("watchdog: a spinner is taken back at the first sample past 200 ms without blocking, not at 200 ms");
	wreset(200, 1000, 500);
	wnote(&key_a, 1, 31, 8, 0, 0, 0);
	cpu = 0;
	sw = 0;
	CHECK(run(0, 200, 50, 50 * MS, 0, 0, &cpu, &sw, &at, &v) == 0);	/* exactly the budget */
	CHECK(sd_watch_sample(&wt, a_slot(), 200 * MS + 1, cpu + 1, sw, &v) == SD_WATCH_RULE_BUDGET);
	CHECK(v.used_ns == 200 * MS + 1 && v.span_ns == 200 * MS + 1);
	end();

	begin("watchdog: a spinner sampled every 50 ms is caught at 250 ms, by the budget, with the time it used");
	wreset(200, 1000, 500);
	wnote(&key_a, 1, 31, 8, 0, 0, 0);
	cpu = sw = 0;
	CHECK(run(0, 10000, 50, 50 * MS, 0, 0, &cpu, &sw, &at, &v) == SD_WATCH_RULE_BUDGET);
	CHECK(at == 250 && v.used_ns == 250 * MS && v.span_ns == 250 * MS);
	end();

	begin("watchdog: a thread that sleeps 1 ms and runs 100 us, over and over, is never taken back in 10 s");
	wreset(200, 1000, 500);
	wnote(&key_a, 1, 31, 8, 0, 0, 0);
	cpu = sw = 0;
	/* 50 ms periods: 45 cycles of 1.1 ms, 4.5 ms of CPU, 45 blocks each */
	CHECK(run(0, 10000, 50, 4500000, 1, 0, &cpu, &sw, &at, &v) == 0);
	end();

	begin("watchdog: blocking starts the run again: 190 ms, a block, 190 ms is not a runaway");
	wreset(200, 1000, 500);
	wnote(&key_a, 1, 31, 8, 0, 0, 0);
	CHECK(sd_watch_sample(&wt, a_slot(), 190 * MS, 190 * MS, 0, &v) == 0);
	CHECK(sd_watch_sample(&wt, a_slot(), 200 * MS, 195 * MS, 1, &v) == 0);	/* it blocked */
	CHECK(sd_watch_sample(&wt, a_slot(), 390 * MS, 385 * MS, 1, &v) == 0);	/* 190 ms since */
	CHECK(sd_watch_sample(&wt, a_slot(), 411 * MS, 406 * MS + 1, 1, &v) == SD_WATCH_RULE_BUDGET &&
	      v.used_ns == 211 * MS + 1 && v.span_ns == 211 * MS);
	end();

	begin("watchdog: the window rule: 500 ms in 1 s is allowed, one ns more is not");
	wreset(60000, 1000, 500);
	wnote(&key_a, 1, 31, 8, 0, 0, 0);
	CHECK(sd_watch_sample(&wt, a_slot(), 1000 * MS, 500 * MS, 1, &v) == 0);
	wreset(60000, 1000, 500);
	wnote(&key_a, 1, 31, 8, 0, 0, 0);
	CHECK(sd_watch_sample(&wt, a_slot(), 1000 * MS, 500 * MS + 1, 1, &v) == SD_WATCH_RULE_WINDOW &&
	      v.used_ns == 500 * MS + 1 && v.span_ns == 1000 * MS);
	end();

	begin("watchdog: the window slides: 40% for 10 s stays; 60%, blocking every period, is caught within 1 s");
	wreset(200, 1000, 500);
	wnote(&key_a, 1, 31, 8, 0, 0, 0);
	cpu = sw = 0;
	CHECK(run(0, 10000, 50, 20 * MS, 1, 0, &cpu, &sw, &at, &v) == 0);
	CHECK(run(10000, 12000, 50, 30 * MS, 1, 0, &cpu, &sw, &at, &v) == SD_WATCH_RULE_WINDOW);
	/* 400 ms of the old 40% in the window, plus 0.2 ms per ms since: past 500 after 500 ms */
	CHECK(at > 10500 && at <= 11000 && v.used_ns > 500 * MS && v.span_ns <= 1000 * MS);
	end();

	begin("watchdog: a window older than the points kept is measured over the newest points, never more than 1 s");
	wreset(60000, 1000, 500);
	wnote(&key_a, 1, 31, 8, 0, 0, 0);
	cpu = sw = 0;
	CHECK(run(0, 5000, 10, 4 * MS, 1, 0, &cpu, &sw, &at, &v) == 0);	/* 40% at 10 ms samples */
	CHECK(wt.slots[a_slot()]->points == SD_WATCH_POINTS);
	CHECK(run(5000, 6000, 10, 10 * MS, 1, 0, &cpu, &sw, &at, &v) == SD_WATCH_RULE_WINDOW &&
	      v.span_ns <= 1000 * MS);
	end();

	begin("watchdog: without a switch count (Windows), a period with less than half the time used counts as a block");
	wreset(200, 1000, 500);
	wnote(&key_a, 1, 31, 8, 0, 0, SD_WATCH_NO_SWITCHES);
	cpu = sw = 0;
	CHECK(run(0, 10000, 50, 24 * MS, 0, 1, &cpu, &sw, &at, &v) == 0);	/* 48% */
	/* half of each period, exactly: no block, so the run grows by 25 ms a period */
	CHECK(run(10000, 20000, 50, 25 * MS, 0, 1, &cpu, &sw, &at, &v) == SD_WATCH_RULE_BUDGET &&
	      at == 10450 && v.used_ns == 225 * MS && v.span_ns == 450 * MS);
	end();

	begin("watchdog: samples stay a period apart: a late pass does not push the next, an extra one keeps it");
	CHECK(sd_watch_next_sample(0, 1000) == 1050);		/* watching begins */
	CHECK(sd_watch_next_sample(1050, 1052) == 1100);	/* 2 ms late: still 1100 */
	CHECK(sd_watch_next_sample(1100, 1030) == 1100);	/* a kick's extra pass */
	CHECK(sd_watch_next_sample(1100, 1100) == 1150);
	CHECK(sd_watch_next_sample(1100, 1150) == 1200);	/* a whole period late: from now */
	CHECK(sd_watch_next_sample(1100, 1149) == 1150);
	end();

	begin("watchdog: a share of 0 turns the window rule off; the budget still holds");
	wreset(200, 1000, 0);
	wnote(&key_a, 1, 31, 8, 0, 0, 0);
	cpu = sw = 0;
	CHECK(run(0, 10000, 50, 45 * MS, 1, 0, &cpu, &sw, &at, &v) == 0);
	CHECK(run(10000, 11000, 50, 50 * MS, 0, 0, &cpu, &sw, &at, &v) == SD_WATCH_RULE_BUDGET);
	end();
}

/* ---- the Windows driver's watchdog, through its dispatcher ------------------------ */

static unsigned char wbuf[256];

static NTSTATUS wsend(ULONG code, const void *in, ULONG inlen, ULONG outlen, ULONG_PTR *info)
{
	SD_REQUEST r = {
		.IoControlCode = code, .InputBufferLength = inlen, .OutputBufferLength = outlen,
		.RequestorMode = UserMode,
	};

	return test_dispatch(&r, wbuf, sizeof(wbuf), in, info);
}

static NTSTATUS wset(sd_u32 tid, sd_s32 level)
{
	ThreadData td = { tid, level };
	ULONG_PTR info;

	return wsend(IOCTL_SECOND_DRIVER_SET_PRIORITY, &td, sizeof(td), 0, &info);
}

static void at(ULONGLONG ms)
{
	fake.interrupt_time = ms * 10000;	/* 100 ns units */
}

static BOOLEAN NTAPI fake_terminating(PETHREAD Thread)
{
	return ((struct fake_thread *)Thread)->exiting != 0;	/* its first member */
}

static void start_watch(sd_u32 budget, int wine)
{
	fake.wine_exports = wine;
	SdDetectHost();
	SdHost.QueryInterruptTime = fake_query_interrupt_time;
	SdHost.InterruptTimeUnitNs = 100;
	SdHost.IsThreadTerminating = wine ? NULL : fake_terminating;
	SdConfig.WatchBudgetMs = budget;
	SdConfig.WatchWindowMs = 1000;
	SdConfig.WatchShareMs = 500;
	at(1000);
	CHECK(SdLogStart() == STATUS_SUCCESS);
	CHECK(SdWatchStart() == STATUS_SUCCESS);
}

static void stop_watch(void)
{
	SdWatchStop();
	SdLogStop();
	SdHost.Wine = FALSE;
	SdHost.IsThreadTerminating = NULL;
	SdConfig.WatchBudgetMs = SD_WATCH_BUDGET_MS;
	CHECK(fake.pool_blocks == 0 && fake.refs == 0 && !fake.watch_mutex_held &&
	      !fake.lock_misuse);
}

/* The newest log record, into *r; 0 if there is none. */
static int newest(SdLogRecord *r)
{
	static SdLogRecord all[SD_LOG_CAPACITY];
	SdGetLogOut out;
	ULONG n = SdLogRead(0, all, SD_LOG_CAPACITY, &out);

	if (n)
		*r = all[n - 1];
	return n != 0;
}

static void test_watch_driver(void)
{
	const SdDriverInfo *di = (const SdDriverInfo *)wbuf;
	SdWatchdogEvent ev;
	SdLogRecord rec;
	ULONG_PTR info;
	int t;

	begin("watchdog (Windows): a SET to 31 of a spinner is taken back to 8 at 250 ms, with a WATCHDOG record");
	start_watch(200, 0);
	add_thread(8520, 100, 8);
	CHECK(wset(8520, 31) == STATUS_SUCCESS && fake.table[0].priority == 31 && fake.refs == 1);
	for (t = 50; t <= 250 && fake.table[0].priority == 31; t += 50) {
		at(1000 + t);
		fake.table[0].kernel_ticks += 30;	/* 1 ms ticks: 50 ms of CPU per period */
		fake.table[0].user_ticks += 20;
		SdWatchTick();
	}
	CHECK(t == 300 && fake.table[0].priority == 8 && fake.refs == 0);
	CHECK(newest(&rec) && rec.Kind == SD_LOG_WATCHDOG && rec.Flags == SD_LOG_F_CHANGE &&
	      rec.TargetThread == 8520 && rec.OldLevel == 31 && rec.NewLevel == 8 &&
	      rec.CapturedLength == sizeof(ev) && rec.Status == 0);
	memcpy(&ev, rec.Captured, sizeof(ev));
	CHECK(ev.Rule == SD_WATCH_RULE_BUDGET && ev.UsedUs == 250000 && ev.SpanUs == 250000 &&
	      ev.Reserved == 0);
	CHECK(SdWatchTick() == 0);
	stop_watch();
	end();

	begin("watchdog (Windows): the old level is the one before the first change; a SET to 15 ends the watch");
	start_watch(200, 0);
	add_thread(8520, 100, 6);
	CHECK(wset(8520, 20) == STATUS_SUCCESS && wset(8520, 31) == STATUS_SUCCESS);
	CHECK(wsend(IOCTL_SECOND_DRIVER_GET_INFO, NULL, 0, 32, &info) == STATUS_SUCCESS &&
	      di->WatchBudgetMs == 200 && di->WatchWindowMs == 1000 && di->WatchShareMs == 500 &&
	      di->Watched == 1);
	at(1300);
	fake.table[0].kernel_ticks = 300;
	CHECK(SdWatchTick() == 0 && fake.table[0].priority == 6);
	add_thread(8521, 100, 8);
	CHECK(wset(8521, 24) == STATUS_SUCCESS && SdWatchTick() == 1 && fake.refs == 1);
	CHECK(wset(8521, 15) == STATUS_SUCCESS && SdWatchTick() == 0 && fake.refs == 0);
	stop_watch();
	end();

	begin("watchdog (Windows): a thread changed by someone else, or ending, is let go untouched");
	start_watch(200, 0);
	add_thread(8520, 100, 8);
	add_thread(8521, 100, 8);
	CHECK(wset(8520, 31) == STATUS_SUCCESS && wset(8521, 31) == STATUS_SUCCESS);
	fake.table[0].priority = 25;	/* another driver's change */
	fake.table[1].exiting = 1;
	at(1500);
	fake.table[0].kernel_ticks = fake.table[1].kernel_ticks = 500;
	CHECK(SdWatchTick() == 0 && fake.table[0].priority == 25 && fake.table[1].priority == 31);
	CHECK(fake.refs == 0 && newest(&rec) && rec.Kind != SD_LOG_WATCHDOG);
	stop_watch();
	end();

	begin("watchdog (Windows): a budget of 0 turns it off: nothing watched, no CPU time read, GET_INFO says 0");
	start_watch(0, 0);
	CHECK(strstr(fake.last_log, "watchdog off: WatchdogBudgetMs is 0") != NULL);
	add_thread(8520, 100, 8);
	CHECK(wset(8520, 31) == STATUS_SUCCESS && fake.refs == 0);
	at(5000);
	fake.table[0].kernel_ticks = 4000;
	CHECK(SdWatchTick() == 0 && fake.table[0].priority == 31 && fake.runtime_queries == 0);
	CHECK(wsend(IOCTL_SECOND_DRIVER_GET_INFO, NULL, 0, 32, &info) == STATUS_SUCCESS &&
	      di->WatchBudgetMs == 0 && di->Watched == 0);
	stop_watch();
	end();

	begin("watchdog (Wine): off, says \"watchdog off: Wine\", and never calls KeQueryRuntimeThread");
	start_watch(200, 1);
	CHECK(SdHost.Wine && strstr(fake.last_log, "watchdog off: Wine") != NULL);
	add_thread(8520, 100, 8);
	CHECK(wset(8520, 31) == STATUS_SUCCESS);
	at(5000);
	CHECK(SdWatchTick() == 0 && fake.runtime_queries == 0 && fake.table[0].priority == 31);
	stop_watch();
	end();

	begin("watchdog (Windows): without KeQueryRuntimeThread it is off, and says why");
	fake.no_runtime_export = 1;
	start_watch(200, 0);
	CHECK(strstr(fake.last_log, "no KeQueryRuntimeThread") != NULL);
	add_thread(8520, 100, 8);
	CHECK(wset(8520, 31) == STATUS_SUCCESS && SdWatchTick() == 0 && fake.refs == 0);
	stop_watch();
	end();

	begin("watchdog (Windows): each watched thread holds one reference; the unload drops them all");
	start_watch(200, 0);
	{
		int k;

		for (k = 0; k < FAKE_THREADS; k++)
			add_thread(9000 + k, 100, 8);
		for (k = 0; k < FAKE_THREADS; k++)
			CHECK(wset(9000 + k, 16 + k) == STATUS_SUCCESS);
		CHECK(SdWatchTick() == FAKE_THREADS && fake.refs == FAKE_THREADS);
	}
	stop_watch();
	end();
}

void test_watch(void)
{
	test_watch_table();
	test_watch_driver();
}
