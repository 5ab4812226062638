// SPDX-License-Identifier: MIT
/*
 * test_lease.c - native tests of the lease table (include/sd_lease.h): ids,
 * the bound, stacks, every order of ending three stacked leases, the
 * compare rule as the drivers apply it, times and owners.
 */
#include <string.h>

#include "fake_state.h"
#include "sd_args.h"
#include "sd_boost.h"
#include "sd_host.h"
#include "sd_lease.h"
#include "sd_log.h"
#include "test_harness.h"

static struct sd_lease slots[8];
static struct sd_leases table;
static sd_s32 level_now;	/* the one thread's level, as a scheduler would hold it */
static int refs;		/* references handed in and not yet given back */
static int restores, skips;

/* BOOST as the drivers do it: read the level, add the lease, set the level. */
static sd_u32 boost(sd_u32 tid, sd_s32 level, const void *owner, sd_u64 end_ms)
{
	sd_u32 i = sd_leases_add(&table, tid, level, level_now, 0, end_ms, owner, &refs);

	if (i != SD_LEASE_NONE) {
		refs++;
		level_now = level;
		return table.slots[i].id;
	}
	return 0;
}

/* Ending as the drivers do it: remove, compare, put back, drop the reference. */
static void end_slot(sd_u32 i)
{
	struct sd_lease_end e;

	sd_leases_remove(&table, i, &e);
	if (e.on_top && level_now == e.level) {
		level_now = e.restore;
		restores++;
	} else if (e.on_top) {
		skips++;
	}
	if (e.ref == &refs)
		refs--;
}

static void end_id(sd_u32 id)
{
	sd_u32 i = sd_leases_find(&table, id);

	if (i != SD_LEASE_NONE)
		end_slot(i);
}

static void reset(void)
{
	memset(slots, 0x5a, sizeof(slots));
	sd_leases_init(&table, slots, 8);
	level_now = 8;
	refs = restores = skips = 0;
}

void test_lease(void)
{
	static const int orders[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};
	sd_u32 ids[8], i;
	int p, k, owner_a, owner_b;

	begin("lease: ids start at 1, a full table adds nothing, a freed slot is used again");
	reset();
	for (i = 0; i < 8; i++)
		ids[i] = boost(100 + i, 20, NULL, 0);
	CHECK(ids[0] == 1 && ids[7] == 8 && table.live == 8);
	CHECK(boost(200, 20, NULL, 0) == 0 && table.live == 8 && refs == 8);
	end_id(ids[3]);
	CHECK(table.live == 7 && sd_leases_find(&table, ids[3]) == SD_LEASE_NONE);
	CHECK(boost(200, 20, NULL, 0) == 9 && table.live == 8);
	CHECK(sd_leases_find(&table, 0) == SD_LEASE_NONE);
	end();

	begin("lease: ids go on after the last, skip 0 and any id still live");
	reset();
	table.last_id = 0xFFFFFFFEu;
	ids[0] = boost(100, 20, NULL, 0);
	ids[1] = boost(101, 20, NULL, 0);
	CHECK(ids[0] == 0xFFFFFFFFu && ids[1] == 1);
	table.last_id = 0;		/* the next would be 1, which is live */
	CHECK(boost(102, 20, NULL, 0) == 2);
	end();

	begin("lease: three stacked on one thread, ended in every order, put it back where the first found it");
	for (p = 0; p < 6; p++) {
		reset();
		ids[0] = boost(7, 20, NULL, 0);
		ids[1] = boost(7, 25, NULL, 0);
		ids[2] = boost(7, 30, NULL, 0);
		CHECK(level_now == 30 && sd_leases_top(&table, 7) == sd_leases_find(&table, ids[2]));
		for (k = 0; k < 3; k++) {
			end_id(ids[orders[p][k]]);
			/* The top lease's level applies while any is live. */
			if (k < 2) {
				i = sd_leases_top(&table, 7);
				CHECK(i != SD_LEASE_NONE && level_now == table.slots[i].level);
			}
		}
		CHECK(level_now == 8 && table.live == 0 && refs == 0 && skips == 0);
	}
	end();

	begin("lease: a thread someone else changed is left alone when its lease ends (the compare rule)");
	reset();
	ids[0] = boost(7, 20, NULL, 0);
	level_now = 12;			/* a SET from elsewhere */
	end_id(ids[0]);
	CHECK(level_now == 12 && skips == 1 && restores == 0 && refs == 0);
	end();

	begin("lease: a lease ending below the top changes nothing, and the one above inherits its before");
	reset();
	ids[0] = boost(7, 20, NULL, 0);	/* before 8 */
	ids[1] = boost(7, 25, NULL, 0);	/* before 20 */
	end_id(ids[0]);
	CHECK(level_now == 25 && table.slots[sd_leases_find(&table, ids[1])].before == 8);
	CHECK(restores == 0 && skips == 0);
	end();

	begin("lease: stacks are per thread: another thread's lease does not move this one's");
	reset();
	ids[0] = boost(7, 20, NULL, 0);
	ids[1] = boost(9, 25, NULL, 0);
	CHECK(sd_leases_top(&table, 7) == sd_leases_find(&table, ids[0]));
	CHECK(sd_leases_top(&table, 9) == sd_leases_find(&table, ids[1]));
	CHECK(sd_leases_top(&table, 8) == SD_LEASE_NONE);
	end();

	begin("lease: time: the next end is the earliest; a lease is due at its time, not before");
	reset();
	boost(7, 20, NULL, 0);
	boost(8, 20, NULL, 500);
	boost(9, 20, NULL, 300);
	CHECK(sd_leases_next_end(&table) == 300);
	CHECK(sd_leases_due(&table, 299) == SD_LEASE_NONE);
	i = sd_leases_due(&table, 300);
	CHECK(i != SD_LEASE_NONE && table.slots[i].tid == 9);
	end_slot(i);
	CHECK(sd_leases_next_end(&table) == 500 && sd_leases_due(&table, 499) == SD_LEASE_NONE);
	end_slot(sd_leases_due(&table, 1000));
	CHECK(sd_leases_next_end(&table) == 0 && sd_leases_due(&table, ~0ull) == SD_LEASE_NONE);
	end();

	begin("lease: a handle's leases end with it, others stay; with no handle named, all end");
	reset();
	boost(7, 20, &owner_a, 0);
	boost(8, 20, &owner_a, 900);
	boost(9, 20, &owner_b, 0);
	boost(10, 20, NULL, 5000);	/* detached */
	CHECK(sd_leases_end_owned(&table, &owner_a) == 2);
	CHECK(sd_leases_next_end(&table) == 1);	/* ending now: long past */
	for (k = 0; (i = sd_leases_due(&table, 0)) != SD_LEASE_NONE; k++)
		end_slot(i);
	CHECK(k == 2 && table.live == 2 && sd_leases_next_end(&table) == 5000);
	CHECK(sd_leases_end_owned(&table, &owner_a) == 0);
	CHECK(sd_leases_end_owned(&table, NULL) == 2 && sd_leases_due(&table, 0) != SD_LEASE_NONE);
	while ((i = sd_leases_due(&table, 0)) != SD_LEASE_NONE)
		end_slot(i);
	CHECK(table.live == 0 && refs == 0);
	end();
}

/* ---- the Windows driver's leases, through its dispatcher ------------------------ */

static unsigned char lbuf[512];
static int file_a, file_b;	/* two file objects: their addresses are the owners */

static NTSTATUS lsend(ULONG code, const void *in, ULONG inlen, ULONG outlen, const void *file,
		      ULONG_PTR *info)
{
	SD_REQUEST r = {
		.IoControlCode = code, .InputBufferLength = inlen, .OutputBufferLength = outlen,
		.RequestorMode = UserMode, .FileObject = file,
	};

	return test_dispatch(&r, lbuf, sizeof(lbuf), in, info);
}

/* BOOST; the lease's id, or 0 (and *status says why). */
static sd_u32 lboost(sd_u32 tid, sd_s32 level, sd_u32 flags, sd_u32 ms, const void *file,
		     NTSTATUS *status)
{
	SdBoost b = { tid, level, flags, ms };
	ULONG_PTR info;

	*status = lsend(IOCTL_SECOND_DRIVER_BOOST, &b, sizeof(b), sizeof(SdBoostResult), file,
			&info);
	return NT_SUCCESS(*status) && info == 8 ? ((const SdBoostResult *)lbuf)->LeaseId : 0;
}

static NTSTATUS lend(sd_u32 id)
{
	SdEndLease e = { id, 0 };
	ULONG_PTR info;

	return lsend(IOCTL_SECOND_DRIVER_END_LEASE, &e, sizeof(e), 0, NULL, &info);
}

/* The fake clock, in ms (KeQueryInterruptTime counts 100 ns). */
static void at_ms(ULONGLONG ms)
{
	fake.interrupt_time = ms * 10000;
}

static void start_leases(ULONG max)
{
	SdHost.QueryInterruptTime = fake_query_interrupt_time;
	SdHost.InterruptTimeUnitNs = 100;
	at_ms(1000);
	CHECK(SdBoostStart(max) == STATUS_SUCCESS);
	CHECK(SdLogStart() == STATUS_SUCCESS);
}

static void stop_leases(void)
{
	SdBoostStop();
	SdLogStop();
	CHECK(fake.pool_blocks == 0 && fake.refs == 0 && !fake.mutex_held && !fake.lock_misuse);
}

static int duration_is(const char *text, sd_u32 want)
{
	sd_u32 ms = 12345;

	return want ? sd_parse_duration(text, &ms) == 0 && ms == want :
		      sd_parse_duration(text, &ms) == -1 && ms == 12345;
}

void test_boost_driver(void)
{
	static const int orders[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};
	const SdLeaseListHeader *h = (const SdLeaseListHeader *)lbuf;
	const SdLeaseInfo *li = (const SdLeaseInfo *)(h + 1);
	ULONG_PTR info;
	NTSTATUS st;
	sd_u32 id, ids[3];
	int p, k;

	begin("client: --for takes 1 ms to 24 h with a unit: 200ms, 5s, 2m, 1h; nothing else");
	CHECK(duration_is("200ms", 200) && duration_is("5s", 5000) && duration_is("2m", 120000));
	CHECK(duration_is("1h", 3600000) && duration_is("24h", 86400000) && duration_is("1ms", 1));
	CHECK(duration_is("86400000ms", 86400000) && duration_is("0ms", 0) && duration_is("25h", 0));
	CHECK(duration_is("86400001ms", 0) && duration_is("200", 0) && duration_is("ms", 0));
	CHECK(duration_is("-5s", 0) && duration_is("5 s", 0) && duration_is("5sec", 0) &&
	      duration_is("", 0) && duration_is("99999999999999999999ms", 0));
	end();

	begin("boost: a lease sets the level, answers the level before and an id, and keeps the thread's reference");
	start_leases(8);
	add_thread(8520, 100, 8);
	id = lboost(8520, 20, 0, 0, &file_a, &st);
	CHECK(st == STATUS_SUCCESS && id == 1 && ((const SdBoostResult *)lbuf)->OldLevel == 8);
	CHECK(fake.table[0].priority == 20 && fake.refs == 1);
	CHECK(lsend(IOCTL_SECOND_DRIVER_LIST_LEASES, NULL, 0, 8 + 2 * 24, NULL, &info) == 0);
	CHECK(info == 8 + 24 && h->Count == 1 && h->Total == 1 && li[0].LeaseId == 1 &&
	      li[0].ThreadId == 8520 && li[0].Level == 20 && li[0].Before == 8 &&
	      li[0].Flags == 0 && li[0].RemainingMs == 0);
	stop_leases();
	end();

	begin("boost: closing the handle ends its leases on the driver's thread: the thread goes back; others stay");
	start_leases(8);
	add_thread(8520, 100, 8);
	add_thread(8521, 100, 8);
	lboost(8520, 20, 0, 0, &file_a, &st);
	lboost(8521, 21, 0, 0, &file_b, &st);
	SdBoostRelease(&file_a);
	CHECK(fake.table[0].priority == 20);	/* nothing until the thread runs */
	SdBoostEndDue();
	CHECK(fake.table[0].priority == 8 && fake.table[1].priority == 21 && fake.refs == 1);
	SdBoostRelease(&file_a);		/* IRP_MJ_CLOSE after CLEANUP: nothing more */
	SdBoostEndDue();
	CHECK(fake.refs == 1 && fake.table[1].priority == 21);
	stop_leases();				/* the unload ends the rest */
	CHECK(fake.table[1].priority == 8);
	end();

	begin("boost: a lease with a duration ends when it is due, not before; a detached one outlives its handle");
	start_leases(8);
	add_thread(8520, 100, 8);
	id = lboost(8520, 25, SD_BOOST_DETACHED, 500, &file_a, &st);
	CHECK(st == STATUS_SUCCESS && id != 0);
	SdBoostRelease(&file_a);
	at_ms(1499);
	SdBoostEndDue();
	CHECK(fake.table[0].priority == 25);
	CHECK(lsend(IOCTL_SECOND_DRIVER_LIST_LEASES, NULL, 0, 8 + 24, NULL, &info) == 0 &&
	      li[0].RemainingMs == 1 && li[0].Flags == SD_BOOST_DETACHED);
	at_ms(1500);
	SdBoostEndDue();
	CHECK(fake.table[0].priority == 8 && fake.refs == 0);
	stop_leases();
	end();

	begin("boost: END_LEASE ends one now; an unknown id is STATUS_NOT_FOUND");
	start_leases(8);
	add_thread(8520, 100, 8);
	id = lboost(8520, 22, 0, 0, &file_a, &st);
	CHECK(lend(id) == STATUS_SUCCESS);
	SdBoostEndDue();
	CHECK(fake.table[0].priority == 8 && fake.refs == 0);
	CHECK(lend(id) == STATUS_NOT_FOUND && lend(0) == STATUS_NOT_FOUND);
	{
		SdEndLease e = { 1, 7 };

		CHECK(lsend(IOCTL_SECOND_DRIVER_END_LEASE, &e, 8, 0, NULL, &info) ==
		      STATUS_INVALID_PARAMETER);
	}
	stop_leases();
	end();

	begin("boost: three stacked on one thread, ended in every order by END_LEASE, leave it at 8");
	for (p = 0; p < 6; p++) {
		start_leases(8);
		add_thread(8520, 100, 8);
		ids[0] = lboost(8520, 20, 0, 0, &file_a, &st);
		ids[1] = lboost(8520, 25, 0, 0, &file_a, &st);
		ids[2] = lboost(8520, 30, 0, 0, &file_a, &st);
		for (k = 0; k < 3; k++) {
			CHECK(lend(ids[orders[p][k]]) == STATUS_SUCCESS);
			SdBoostEndDue();
		}
		CHECK(fake.table[0].priority == 8 && fake.refs == 0);
		stop_leases();
	}
	end();

	begin("boost: a thread changed by someone else is left alone; on Windows 1..15 end without a call, under Wine with one");
	start_leases(8);
	add_thread(8520, 100, 8);
	lboost(8520, 20, 0, 0, &file_a, &st);
	fake.table[0].priority = 23;		/* a SET from elsewhere */
	k = fake.sets;
	SdBoostRelease(&file_a);
	SdBoostEndDue();
	CHECK(fake.table[0].priority == 23 && fake.sets == k && fake.refs == 0);
	lboost(8520, 12, 0, 0, &file_a, &st);
	k = fake.sets;
	SdBoostRelease(&file_a);
	SdBoostEndDue();
	CHECK(fake.sets == k && fake.table[0].priority == 12);	/* Windows decays it itself */
	SdHost.Wine = TRUE;
	lboost(8520, 15, 0, 0, &file_a, &st);
	k = fake.sets;
	SdBoostRelease(&file_a);
	SdBoostEndDue();
	CHECK(fake.sets == k + 1 && fake.table[0].priority == 12);	/* back to its before */
	SdHost.Wine = FALSE;
	stop_leases();
	end();

	begin("boost: flags, durations, the cap and the bound: refused, nothing set, every reference given back");
	start_leases(2);
	add_thread(8520, 100, 8);
	CHECK(lboost(8520, 20, 2, 0, &file_a, &st) == 0 && st == STATUS_INVALID_PARAMETER);
	CHECK(lboost(8520, 20, SD_BOOST_DETACHED, 0, &file_a, &st) == 0 &&
	      st == STATUS_INVALID_PARAMETER);
	CHECK(lboost(8520, 20, 0, SD_LEASE_MAX_MS + 1, &file_a, &st) == 0 &&
	      st == STATUS_INVALID_PARAMETER);
	CHECK(lboost(8520, 32, 0, 0, &file_a, &st) == 0 && st == STATUS_INVALID_PARAMETER);
	CHECK(lboost(99, 20, 0, 0, &file_a, &st) == 0 && st == STATUS_INVALID_CID);
	CHECK(fake.sets == 0 && fake.refs == 0);
	CHECK(lboost(8520, 20, 0, SD_LEASE_MAX_MS, &file_a, &st) != 0);
	CHECK(lboost(8520, 21, 0, 0, &file_a, &st) != 0);
	CHECK(lboost(8520, 22, 0, 0, &file_a, &st) == 0 && st == STATUS_INSUFFICIENT_RESOURCES);
	CHECK(fake.table[0].priority == 21 && fake.refs == 2);
	CHECK(lsend(IOCTL_SECOND_DRIVER_LIST_LEASES, NULL, 0, 8 + 24, NULL, &info) == 0 &&
	      h->Count == 1 && h->Total == 2 && info == 32);
	stop_leases();
	CHECK(fake.table[0].priority == 8);
	end();
}
