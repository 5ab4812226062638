// SPDX-License-Identifier: MIT
/*
 * sd_client.c - SecondDriverClient: read and set threads' priorities through
 * the SecondDriver kernel driver.
 *
 *   SecondDriverClient <tid> <priority>             the seed's command
 *   SecondDriverClient [--json] <command> ...        one of commands[] below
 *
 * Same source for Windows and Linux; the differences live behind
 * sd_platform.h. Exit codes: 0 everything asked for succeeded, 1 a request
 * or part of one failed, 2 bad usage (nothing was sent). For the commands
 * that change many threads, a thread that is gone by the time the driver
 * looks for it is reported as "gone" and does not count as a failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sd_args.h"
#include "sd_decode.h"
#include "sd_json.h"
#include "sd_platform.h"
#include "sd_service.h"

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

/* The options; each command takes the ones its mask names. */
enum {
	OPT_JSON = 1 << 0,
	OPT_UNDO = 1 << 1,	/* apply --undo */
	OPT_BASE = 1 << 2,	/* set --base */
	OPT_FOLLOW = 1 << 3,	/* log --follow */
	OPT_SINCE = 1 << 4,	/* log --since N */
	OPT_WINDOWS = 1 << 5,	/* decode --windows */
	OPT_LINUX = 1 << 6,	/* decode --linux */
	OPT_FOR = 1 << 7,	/* boost, hold --for <duration> */
};

struct options {
	unsigned given;		/* OPT_* */
	int json, undo, base, follow;
	sd_u64 since;		/* --since: the first record wanted */
	sd_u32 for_ms;		/* --for: the lease's duration */
};

struct command {
	const char *name;
	const char *args;
	int min_args, max_args;
	unsigned options;	/* the OPT_* it takes */
	int (*run)(char **args, int nargs, const struct options *o);
	const char *help;
};

static const struct command commands[];

static void usage(FILE *f, const char *prog)
{
	size_t i;

	fprintf(f,
		"usage: %s <tid> <priority>\n"
		"       %s [--json] <command> [arguments]\n"
		"  Sets thread <tid> to <priority> (%d..%d, the Windows scale) through\n"
		"  %s. Needs an elevated (administrator/root) caller.\n"
		"commands:\n",
		prog, prog, SD_PRIORITY_MIN, SD_PRIORITY_MAX, sd_device_display_name);
	for (i = 0; commands[i].name; i++)
		fprintf(f, "  %-15s %-34s %s\n", commands[i].name, commands[i].args,
			commands[i].help);
	fprintf(f, "  --json prints JSON instead of lines: one document, or for log one\n"
		   "  object a line.\n");
}

/* The driver's cap (GET_INFO), or 0 if it cannot be read. */
static sd_s32 driver_cap(void)
{
	struct sd_device *dev;
	SdDriverInfo info;
	int err;

	if (sd_open(&dev, 0))
		return 0;
	err = sd_get_info(dev, &info);
	sd_close(dev);
	return err ? 0 : info.MaxLevel;
}

/* If level was refused for being above the cap, say so. 1 if it was. */
static int hint_cap(sd_s32 level)
{
	sd_s32 cap = driver_cap();

	if (!cap || level <= cap)
		return 0;
	fprintf(stderr,
		"SecondDriverClient: hint: the driver caps levels at %ld, so %ld is refused; "
		"the cap is %s\n", (long)cap, (long)level, sd_cap_setting);
	return 1;
}

/* A failed request, with its level when it set one (0: none). */
static void report_level(const char *what, int err, sd_s32 level)
{
	char text[512];
	int capped = level && sd_error_may_be_cap(err) && hint_cap(level);

	sd_describe_error(err, text, sizeof(text));
	fprintf(stderr, "SecondDriverClient: %s failed: error %d: %s\n",
		what, err, text);
	if (sd_error_is_access_denied(err))
		fprintf(stderr,
			"SecondDriverClient: hint: only administrators may open %s "
			"and steer a thread; run from an elevated prompt (or as root)\n",
			sd_device_display_name);
	if (sd_error_is_privilege(err) && !capped)
		fprintf(stderr,
			"SecondDriverClient: hint: levels %d..%d need the privilege "
			"SeIncreaseBasePriorityPrivilege (\"Increase scheduling priority\"), "
			"which Administrators hold\n",
			SD_PRIORITY_REALTIME_MIN, SD_PRIORITY_MAX);
}

static void report(const char *what, int err)
{
	report_level(what, err, 0);
}

static void note_level(sd_s32 level)
{
	if (sd_level_note(level))
		fprintf(stderr, "SecondDriverClient: note: %s\n", sd_level_note(level));
}

static int bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "SecondDriverClient: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	return EXIT_USAGE;
}

static int out_of_memory(void)
{
	fprintf(stderr, "SecondDriverClient: out of memory\n");
	return EXIT_FAILED;
}

static int open_device(struct sd_device **dev, int write)
{
	int err = sd_open(dev, write);

	if (err)
		report("opening the device", err);
	return err;
}

/* ---- reading -------------------------------------------------------------------- */

/* GET one thread into row; 0, or the error. */
static int read_one(struct sd_device *dev, sd_u32 pid, sd_u32 tid, struct sd_row *row)
{
	memset(row, 0, sizeof(*row));
	row->pid = pid;
	row->tid = tid;
	return sd_get_priority(dev, tid, &row->priority);
}

static void print_read(const struct sd_row *row)
{
	printf("Thread %lu: priority %ld\n", (unsigned long)row->tid, (long)row->priority);
}

static int cmd_get(char **args, int nargs, const struct options *o)
{
	struct sd_device *dev;
	struct sd_row row;
	sd_u32 tid;
	int err;

	(void)nargs;
	if (sd_parse_u32(args[0], &tid) || tid == 0)
		return bad_usage("thread id must be a decimal number from 1 to 4294967295, not \"%s\"",
				 args[0]);
	if (open_device(&dev, 0))
		return EXIT_FAILED;
	err = read_one(dev, sd_thread_process(tid), tid, &row);
	sd_close(dev);
	if (err) {
		report("reading the priority", err);
		return EXIT_FAILED;
	}
	if (o->json)
		sd_json_print(stdout, &row, 1);
	else
		print_read(&row);
	return EXIT_OK;
}

/* The threads of pid; EXIT_OK, or what to exit with (reported). */
static int list(const char *arg, sd_u32 *pid, sd_u32 **tids, size_t *n)
{
	int err;

	if (sd_parse_u32(arg, pid) || *pid == 0)
		return bad_usage("process id must be a decimal number from 1 to 4294967295, not \"%s\"",
				 arg);
	err = sd_list_threads(*pid, tids, n);
	if (err == SD_NO_SUCH_PROCESS)
		return bad_usage("no process has the id %s", arg);
	if (err) {
		report("listing the process's threads", err);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

static int cmd_threads(char **args, int nargs, const struct options *o)
{
	struct sd_device *dev;
	struct sd_row *rows;
	size_t n, i, kept = 0;
	sd_u32 pid, *tids;
	int rc, failed = 0;

	(void)nargs;
	rc = list(args[0], &pid, &tids, &n);
	if (rc)
		return rc;
	if (open_device(&dev, 0)) {
		free(tids);
		return EXIT_FAILED;
	}
	rows = calloc(n ? n : 1, sizeof(*rows));
	for (i = 0; rows && i < n; i++) {
		int err = read_one(dev, pid, tids[i], &rows[kept]);

		if (!err) {
			if (!o->json)
				print_read(&rows[kept]);
			kept++;
		} else if (sd_error_is_gone(err)) {
			if (!o->json)
				printf("Thread %lu: gone\n", (unsigned long)tids[i]);
		} else {
			report("reading a priority", err);
			failed = 1;
		}
	}
	sd_close(dev);
	if (!rows) {
		free(tids);
		return out_of_memory();
	}
	if (o->json)
		sd_json_print(stdout, rows, kept);
	free(rows);
	free(tids);
	return failed ? EXIT_FAILED : EXIT_OK;
}

/* ---- changing ------------------------------------------------------------------- */

static int cmd_set(char **args, int nargs, const struct options *o)
{
	struct sd_device *dev;
	struct sd_row row;
	sd_u32 tid;
	sd_s32 level;
	int err;

	(void)nargs;
	if (sd_parse_u32(args[0], &tid) || tid == 0)
		return bad_usage("thread id must be a decimal number from 1 to 4294967295, not \"%s\"",
				 args[0]);
	if (sd_parse_level(args[1], &level))
		return bad_usage("priority must be a decimal number from 1 to 31, not \"%s\"", args[1]);
	if (open_device(&dev, 1))
		return EXIT_FAILED;
	memset(&row, 0, sizeof(row));
	row.pid = sd_thread_process(tid);
	row.tid = tid;
	row.priority = level;
	row.changed = 1;
	err = sd_set_priority_ex(dev, tid, level, o->base ? SD_SET_EX_BASE : 0, &row.old);
	sd_close(dev);
	if (err) {
		report_level("setting the priority", err, level);
		return EXIT_FAILED;
	}
	row.has_old = 1;
	if (o->json)
		sd_json_print(stdout, &row, 1);
	else
		printf("Thread %lu: priority %ld -> %ld\n", (unsigned long)tid, (long)row.old,
		       (long)level);
	if (!o->base)
		note_level(level);
	return EXIT_OK;
}

/*
 * Send entries in batches of at most SD_BATCH_MAX and report each thread:
 * the rows, as lines or one JSON array. Returns the exit code.
 */
static int run_batch(const SdBatchEntry *entries, size_t n, const struct options *o)
{
	SdBatchResult *results = calloc(n ? n : 1, sizeof(*results));
	struct sd_row *rows = calloc(n ? n : 1, sizeof(*rows));
	char (*texts)[256] = calloc(n ? n : 1, sizeof(*texts));
	struct sd_device *dev;
	size_t i, done;
	int failed = 0, noted = 0;
	sd_s32 capped = 0;	/* the highest level refused as maybe above the cap */

	if (!results || !rows || !texts) {
		free(results);
		free(rows);
		free(texts);
		return out_of_memory();
	}
	if (open_device(&dev, 1)) {
		free(results);
		free(rows);
		free(texts);
		return EXIT_FAILED;
	}
	for (done = 0; done < n; done += SD_BATCH_MAX) {
		sd_u32 chunk = (sd_u32)(n - done < SD_BATCH_MAX ? n - done : SD_BATCH_MAX);
		int err = sd_set_priority_batch(dev, entries + done, chunk, results + done);

		if (err) {
			report("setting the priorities", err);
			sd_close(dev);
			free(results);
			free(rows);
			free(texts);
			return EXIT_FAILED;
		}
	}
	sd_close(dev);

	for (i = 0; i < n; i++) {
		struct sd_row *r = &rows[i];
		const SdBatchResult *res = &results[i];

		r->pid = entries[i].ProcessId;
		r->tid = entries[i].ThreadId;
		r->priority = entries[i].Priority;
		r->changed = 1;
		if (res->Status == 0) {
			r->has_old = 1;
			r->old = res->OldLevel;
			if (!o->json)
				printf("Thread %lu: priority %ld -> %ld\n", (unsigned long)r->tid,
				       (long)r->old, (long)r->priority);
			if (!noted && sd_level_note(r->priority)) {
				note_level(r->priority);
				noted = 1;
			}
			continue;
		}
		sd_describe_status(res->Status, texts[i], sizeof(texts[i]));
		r->has_error = 1;
		r->error_code = res->Status;
		r->error_text = texts[i];
		if (sd_status_is_gone(res->Status)) {
			if (!o->json)
				printf("Thread %lu: gone\n", (unsigned long)r->tid);
		} else {
			failed = 1;
			if (sd_status_may_be_cap(res->Status) && r->priority > capped)
				capped = r->priority;
			if (!o->json)
				printf("Thread %lu: error %ld: %s\n", (unsigned long)r->tid,
				       (long)res->Status, texts[i]);
		}
	}
	if (capped)
		hint_cap(capped);
	if (o->json)
		sd_json_print(stdout, rows, n);
	free(results);
	free(rows);
	free(texts);
	return failed ? EXIT_FAILED : EXIT_OK;
}

static int cmd_boost_process(char **args, int nargs, const struct options *o)
{
	SdBatchEntry *entries;
	sd_u32 pid, *tids;
	sd_s32 level;
	size_t n, i;
	int rc;

	(void)nargs;
	if (sd_parse_level(args[1], &level))
		return bad_usage("priority must be a decimal number from 1 to 31, not \"%s\"", args[1]);
	rc = list(args[0], &pid, &tids, &n);
	if (rc)
		return rc;
	entries = calloc(n ? n : 1, sizeof(*entries));
	if (!entries) {
		free(tids);
		return out_of_memory();
	}
	for (i = 0; i < n; i++) {
		entries[i].ThreadId = tids[i];
		entries[i].Priority = level;
		entries[i].ProcessId = pid;	/* a reused thread id is left alone */
	}
	free(tids);
	rc = run_batch(entries, n, o);
	free(entries);
	return rc;
}

/* The whole of a file; NULL (reported) if it cannot be read. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0;
	char *buf = NULL;

	if (!f) {
		perror(path);
		return NULL;
	}
	for (;;) {
		char *grown = realloc(buf, cap);

		if (!grown) {
			free(buf);
			fclose(f);
			out_of_memory();
			return NULL;
		}
		buf = grown;
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		cap *= 2;
	}
	if (ferror(f)) {
		perror(path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

static int cmd_apply(char **args, int nargs, const struct options *o)
{
	struct sd_apply_item *items;
	SdBatchEntry *entries;
	char why[256];
	size_t len, n, i;
	char *text;
	int rc;

	(void)nargs;
	text = read_file(args[0], &len);
	if (!text)
		return EXIT_USAGE;
	rc = sd_json_parse_apply(text, len, o->undo ? SD_APPLY_OLD : SD_APPLY_PRIORITY,
				 &items, &n, why, sizeof(why));
	free(text);
	if (rc) {
		fprintf(stderr, "SecondDriverClient: %s is malformed: %s; nothing was sent\n",
			args[0], why);
		return EXIT_USAGE;
	}
	entries = calloc(n ? n : 1, sizeof(*entries));
	if (!entries) {
		free(items);
		return out_of_memory();
	}
	for (i = 0; i < n; i++) {
		entries[i].ThreadId = items[i].tid;
		entries[i].Priority = items[i].level;
		entries[i].ProcessId = items[i].pid;
	}
	free(items);
	rc = run_batch(entries, n, o);
	free(entries);
	return rc;
}

/* ---- the driver's log ---------------------------------------------------------- */

static void print_record(const SdLogRecord *r, long long boot, const struct options *o)
{
	char line[768];

	if (o->json) {
		sd_json_record(stdout, r, boot);
		return;
	}
	sd_format_record(line, sizeof(line), r, boot);
	printf("%s\n", line);
}

static void print_gap(sd_u64 lost, sd_u64 before, const struct options *o)
{
	char line[128];

	if (o->json) {
		sd_json_gap(stdout, lost, before);
		return;
	}
	sd_format_gap(line, sizeof(line), lost, before);
	printf("%s\n", line);
}

/*
 * Print the records from --since on (all the driver holds by default),
 * then with --follow keep polling for new ones until Ctrl-C. Records lost
 * to overwriting or clearing between two reads are reported as a gap.
 */
static int cmd_log(char **args, int nargs, const struct options *o)
{
	static volatile int stop;
	SdLogRecord *records = calloc(SD_LOG_CAPACITY, sizeof(*records));
	sd_u64 from = o->since;
	struct sd_device *dev;
	long long boot;
	int rc = EXIT_OK;

	(void)args;
	(void)nargs;
	if (!records)
		return out_of_memory();
	if (open_device(&dev, 0)) {
		free(records);
		return EXIT_FAILED;
	}
	boot = sd_boot_time_ns();
	if (o->follow)
		sd_catch_interrupt(&stop);
	while (!stop) {
		SdGetLogOut out;
		sd_u32 i;
		int err = sd_get_log(dev, from, records, SD_LOG_CAPACITY, &out);

		if (err) {
			report("reading the log", err);
			rc = EXIT_FAILED;
			break;
		}
		if (out.Lost)
			print_gap(out.Lost, out.NextSeq - out.Count, o);
		for (i = 0; i < out.Count; i++)
			print_record(&records[i], boot, o);
		fflush(stdout);
		from = out.NextSeq;
		if (out.Count == SD_LOG_CAPACITY)
			continue;	/* a full answer: more may be waiting */
		if (!o->follow)
			break;
		sd_sleep_ms(200);
	}
	sd_close(dev);
	free(records);
	return rc;
}

static int cmd_clear_log(char **args, int nargs, const struct options *o)
{
	struct sd_device *dev;
	int err;

	(void)args;
	(void)nargs;
	(void)o;
	if (open_device(&dev, 1))
		return EXIT_FAILED;
	err = sd_clear_log(dev);
	sd_close(dev);
	if (err) {
		report("clearing the log", err);
		return EXIT_FAILED;
	}
	printf("log cleared; its numbering goes on\n");
	return EXIT_OK;
}

static int cmd_decode(char **args, int nargs, const struct options *o)
{
	enum sd_decode_os which = SD_DECODE_BOTH;
	sd_u32 code;

	(void)nargs;
	if (sd_parse_code(args[0], &code))
		return bad_usage("a code is a 32-bit number, 0x-prefixed hex or decimal, not \"%s\"",
				 args[0]);
	if ((o->given & OPT_WINDOWS) && (o->given & OPT_LINUX))
		return bad_usage("%s", "decode takes --windows or --linux, not both");
	if (o->given & OPT_WINDOWS)
		which = SD_DECODE_WINDOWS;
	else if (o->given & OPT_LINUX)
		which = SD_DECODE_LINUX;
	sd_decode_print(stdout, code, which);
	return EXIT_OK;
}

static int cmd_info(char **args, int nargs, const struct options *o)
{
	struct sd_device *dev;
	SdDriverInfo info;
	int err;

	(void)args;
	(void)nargs;
	if (open_device(&dev, 0))
		return EXIT_FAILED;
	err = sd_get_info(dev, &info);
	sd_close(dev);
	if (err) {
		report("reading the driver's settings", err);
		return EXIT_FAILED;
	}
	if (o->json) {
		printf("{\"version\": %lu, \"max_level\": %ld, \"max_leases\": %lu, "
		       "\"live_leases\": %lu, \"watchdog_budget_ms\": %lu, "
		       "\"watchdog_window_ms\": %lu, \"watchdog_share_ms\": %lu, "
		       "\"watched\": %lu}\n", (unsigned long)info.Version, (long)info.MaxLevel,
		       (unsigned long)info.MaxLeases, (unsigned long)info.LiveLeases,
		       (unsigned long)info.WatchBudgetMs, (unsigned long)info.WatchWindowMs,
		       (unsigned long)info.WatchShareMs, (unsigned long)info.Watched);
		return EXIT_OK;
	}
	printf("interface version %lu\n", (unsigned long)info.Version);
	printf("levels capped at %ld%s\n", (long)info.MaxLevel,
	       info.MaxLevel == SD_PRIORITY_MAX ? " (no cap)" : "");
	printf("leases: %lu live, at most %lu\n", (unsigned long)info.LiveLeases,
	       (unsigned long)info.MaxLeases);
	if (!info.WatchBudgetMs)
		printf("watchdog: off\n");
	else if (!info.WatchShareMs)
		printf("watchdog: %lu ms without blocking; %lu threads watched\n",
		       (unsigned long)info.WatchBudgetMs, (unsigned long)info.Watched);
	else
		printf("watchdog: %lu ms without blocking, or %lu ms in %lu ms; %lu threads watched\n",
		       (unsigned long)info.WatchBudgetMs, (unsigned long)info.WatchShareMs,
		       (unsigned long)info.WatchWindowMs, (unsigned long)info.Watched);
	return EXIT_OK;
}

/* ---- leases: boosts that end by themselves -------------------------------------- */

/* Parse <tid> <priority>; EXIT_OK, or EXIT_USAGE (reported). */
static int tid_and_level(char **args, sd_u32 *tid, sd_s32 *level)
{
	if (sd_parse_u32(args[0], tid) || *tid == 0)
		return bad_usage("thread id must be a decimal number from 1 to 4294967295, not \"%s\"",
				 args[0]);
	if (sd_parse_level(args[1], level))
		return bad_usage("priority must be a decimal number from 1 to 31, not \"%s\"", args[1]);
	return EXIT_OK;
}

/* Send BOOST; EXIT_OK with *r, or EXIT_FAILED (reported). The device stays open in *dev. */
static int send_boost(struct sd_device **dev, sd_u32 tid, sd_s32 level, sd_u32 flags,
		      sd_u32 ms, SdBoostResult *r)
{
	SdBoost b = { tid, level, flags, ms };
	int err;

	if (open_device(dev, 1))
		return EXIT_FAILED;
	err = sd_boost(*dev, &b, r);
	if (err) {
		sd_close(*dev);
		report_level("boosting the thread", err, level);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

static void print_lease(const struct options *o, sd_u32 tid, sd_s32 level, const SdBoostResult *r,
			const char *how)
{
	if (o->json)
		printf("{\"tid\": %lu, \"priority\": %ld, \"old\": %ld, \"lease\": %lu, "
		       "\"ms\": %lu}\n", (unsigned long)tid, (long)level, (long)r->OldLevel,
		       (unsigned long)r->LeaseId, (unsigned long)o->for_ms);
	else
		printf("Thread %lu: priority %ld -> %ld %s (lease %lu)\n", (unsigned long)tid,
		       (long)r->OldLevel, (long)level, how, (unsigned long)r->LeaseId);
	fflush(stdout);
}

/* boost <tid> <priority> --for D: a detached lease; the driver ends it. */
static int cmd_boost(char **args, int nargs, const struct options *o)
{
	struct sd_device *dev;
	SdBoostResult r;
	char how[64];
	sd_u32 tid;
	sd_s32 level;
	int rc;

	(void)nargs;
	rc = tid_and_level(args, &tid, &level);
	if (rc)
		return rc;
	if (!(o->given & OPT_FOR))
		return bad_usage("%s", "boost needs --for <duration>: a boost that outlives the "
				 "client must end by itself (hold makes one that ends with it)");
	rc = send_boost(&dev, tid, level, SD_BOOST_DETACHED, o->for_ms, &r);
	if (rc)
		return rc;
	sd_close(dev);
	snprintf(how, sizeof(how), "for %lu ms", (unsigned long)o->for_ms);
	print_lease(o, tid, level, &r, how);
	return EXIT_OK;
}

/*
 * hold <tid> <priority> [--for D]: a lease on this client's handle. It ends
 * when the handle closes: at Ctrl-C or SIGTERM, after D, or if the client
 * is killed.
 */
static int cmd_hold(char **args, int nargs, const struct options *o)
{
	static volatile int stop;
	struct sd_device *dev;
	SdBoostResult r;
	unsigned long waited = 0;
	sd_u32 tid;
	sd_s32 level;
	int rc;

	(void)nargs;
	rc = tid_and_level(args, &tid, &level);
	if (rc)
		return rc;
	sd_catch_interrupt(&stop);
	rc = send_boost(&dev, tid, level, 0, o->for_ms, &r);
	if (rc)
		return rc;
	print_lease(o, tid, level, &r, o->for_ms ? "held until Ctrl-C or the time is up" :
						   "held until Ctrl-C");
	while (!stop && (!o->for_ms || waited < o->for_ms)) {
		sd_sleep_ms(20);
		waited += 20;
	}
	sd_close(dev);		/* the lease ends with the handle */
	if (!o->json)
		printf("Thread %lu: released (lease %lu)\n", (unsigned long)tid,
		       (unsigned long)r.LeaseId);
	return EXIT_OK;
}

static int cmd_leases(char **args, int nargs, const struct options *o)
{
	SdLeaseInfo *leases = calloc(SD_LEASES_MAX, sizeof(*leases));
	struct sd_device *dev;
	sd_u32 count = 0, total = 0, i;
	int err;

	(void)args;
	(void)nargs;
	if (!leases)
		return out_of_memory();
	if (open_device(&dev, 0)) {
		free(leases);
		return EXIT_FAILED;
	}
	err = sd_list_leases(dev, leases, SD_LEASES_MAX, &count, &total);
	sd_close(dev);
	if (err) {
		free(leases);
		report("listing the leases", err);
		return EXIT_FAILED;
	}
	if (o->json)
		printf("[");
	for (i = 0; i < count; i++) {
		const SdLeaseInfo *l = &leases[i];
		int detached = (l->Flags & SD_BOOST_DETACHED) != 0;

		if (o->json)
			printf("%s\n  {\"lease\": %lu, \"tid\": %lu, \"level\": %ld, \"before\": %ld, "
			       "\"detached\": %s, \"remaining_ms\": %lu}", i ? "," : "",
			       (unsigned long)l->LeaseId, (unsigned long)l->ThreadId, (long)l->Level,
			       (long)l->Before, detached ? "true" : "false",
			       (unsigned long)l->RemainingMs);
		else if (l->RemainingMs)
			printf("lease %lu: thread %lu at %ld (back to %ld), %s, %lu ms left\n",
			       (unsigned long)l->LeaseId, (unsigned long)l->ThreadId, (long)l->Level,
			       (long)l->Before, detached ? "detached" : "on its handle",
			       (unsigned long)l->RemainingMs);
		else
			printf("lease %lu: thread %lu at %ld (back to %ld), %s\n",
			       (unsigned long)l->LeaseId, (unsigned long)l->ThreadId, (long)l->Level,
			       (long)l->Before, detached ? "detached" : "on its handle");
	}
	if (o->json)
		printf("%s]\n", count ? "\n" : "");
	else
		printf("%lu lease%s live\n", (unsigned long)total, total == 1 ? "" : "s");
	free(leases);
	return EXIT_OK;
}

/* The Linux answer to install and uninstall. */
static int no_service_manager(const char *what)
{
	fprintf(stderr,
		"SecondDriverClient: %s is for the Windows driver's service. On Linux, load the "
		"module with insmod, as the README's \"Loading it on a real Linux machine\" "
		"shows\n", what);
	return EXIT_USAGE;
}

static int cmd_install(char **args, int nargs, const struct options *o)
{
	const struct sd_scm *scm = sd_service_manager();
	char path[1024];
	int err;

	(void)o;
	if (!scm)
		return no_service_manager("install");
	err = sd_driver_path(nargs ? args[0] : NULL, path, sizeof(path));
	if (err) {
		char what[1200];

		snprintf(what, sizeof(what), "finding the driver file %s",
			 nargs ? args[0] : SD_DRIVER_FILE " beside the client");
		report(what, err);
		return EXIT_FAILED;
	}
	return sd_service_install(scm, path, stdout, stderr);
}

static int cmd_uninstall(char **args, int nargs, const struct options *o)
{
	const struct sd_scm *scm = sd_service_manager();

	(void)args;
	(void)nargs;
	(void)o;
	if (!scm)
		return no_service_manager("uninstall");
	return sd_service_uninstall(scm, stdout, stderr);
}

static const struct command commands[] = {
	{ "get", "<tid>", 1, 1, OPT_JSON, cmd_get, "print a thread's priority" },
	{ "set", "[--base] <tid> <priority>", 2, 2, OPT_JSON | OPT_BASE, cmd_set,
	  "set it, and print the one before (--base: as the thread's base, which lasts)" },
	{ "threads", "<pid>", 1, 1, OPT_JSON, cmd_threads, "print each thread of a process" },
	{ "boost-process", "<pid> <priority>", 2, 2, OPT_JSON, cmd_boost_process,
	  "set every thread of a process, in one request" },
	{ "apply", "[--undo] <file>", 1, 1, OPT_JSON | OPT_UNDO, cmd_apply,
	  "set what a --json file says (\"priority\"; with --undo, \"old\")" },
	{ "log", "[--follow] [--json] [--since N]", 0, 0, OPT_JSON | OPT_FOLLOW | OPT_SINCE,
	  cmd_log, "print the requests the driver received (--follow: and keep printing)" },
	{ "boost", "<tid> <priority> --for <duration>", 2, 2, OPT_JSON | OPT_FOR, cmd_boost,
	  "set it until the time is up (200ms, 5s, 2m, 1h; at most 24h), then put it back" },
	{ "hold", "<tid> <priority> [--for <duration>]", 2, 2, OPT_JSON | OPT_FOR, cmd_hold,
	  "set it until Ctrl-C (or the time is up, or the client dies), then put it back" },
	{ "leases", "[--json]", 0, 0, OPT_JSON, cmd_leases, "print the live leases" },
	{ "info", "[--json]", 0, 0, OPT_JSON, cmd_info,
	  "print the driver's interface version, its cap on levels, leases and watchdog" },
	{ "clear-log", "", 0, 0, 0, cmd_clear_log,
	  "drop the driver's log records (their numbering goes on)" },
	{ "decode", "[--windows|--linux] <code>", 1, 1, OPT_WINDOWS | OPT_LINUX, cmd_decode,
	  "split an IOCTL code into its fields and name it (offline)" },
	{ "install", "[path-to-.sys]", 0, 1, 0, cmd_install,
	  "Windows: create and start the service \"second\" (as sc create/sc start)" },
	{ "uninstall", "", 0, 0, 0, cmd_uninstall,
	  "Windows: stop and delete the service \"second\"" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL },
};

/* The seed's command: <tid> <priority>, with its messages and stdout line. */
static int seed(int argc, char **argv, const char *prog)
{
	struct sd_device *dev;
	ThreadData td;
	enum sd_args_result r;
	int err;

	r = sd_parse_args(argc, argv, &td);
	if (r == SD_ARGS_HELP) {
		usage(stdout, prog);
		return EXIT_OK;
	}
	if (r != SD_ARGS_OK) {
		fprintf(stderr, "SecondDriverClient: %s\n", sd_args_strerror(r));
		usage(stderr, prog);
		return EXIT_USAGE;
	}

	if (open_device(&dev, 1))
		return EXIT_FAILED;
	err = sd_set_priority(dev, &td);
	sd_close(dev);
	if (err) {
		report_level("setting the priority", err, td.Priority);
		return EXIT_FAILED;
	}
	printf("Priority change for thread %lu to %ld succeeded!\n",
	       (unsigned long)td.ThreadId, (long)td.Priority);
	note_level(td.Priority);
	return EXIT_OK;
}

/* The flag options; --since, which takes a value, is parsed in main. */
static const struct {
	const char *name;
	unsigned bit;
} flags[] = {
	{ "--json", OPT_JSON }, { "--undo", OPT_UNDO }, { "--base", OPT_BASE },
	{ "--follow", OPT_FOLLOW }, { "--windows", OPT_WINDOWS }, { "--linux", OPT_LINUX },
};

int main(int argc, char **argv)
{
	const char *prog = argc > 0 && argv[0] ? argv[0] : "SecondDriverClient";
	struct options o;
	char *rest[8];
	int i, n = 0;

	memset(&o, 0, sizeof(o));
	/* Options may come anywhere; what is left is the command and its arguments. */
	for (i = 1; i < argc; i++) {
		size_t f;

		for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
			if (!strcmp(argv[i], flags[f].name))
				break;
		}
		if (f < sizeof(flags) / sizeof(flags[0])) {
			o.given |= flags[f].bit;
		} else if (!strcmp(argv[i], "--for")) {
			if (i + 1 >= argc || sd_parse_duration(argv[i + 1], &o.for_ms))
				return bad_usage("--for takes a duration from 1ms to 24h, such as 200ms, "
						 "5s, 2m or 1h, not \"%s\"", i + 1 < argc ? argv[i + 1] : "");
			o.given |= OPT_FOR;
			i++;
		} else if (!strcmp(argv[i], "--since")) {
			sd_u32 since;

			if (i + 1 >= argc || sd_parse_u32(argv[i + 1], &since))
				return bad_usage("--since takes a record number, not \"%s\"",
						 i + 1 < argc ? argv[i + 1] : "");
			o.since = since;
			o.given |= OPT_SINCE;
			i++;
		} else if (n < 8) {
			rest[n++] = argv[i];
		} else {
			n++;
		}
	}
	o.json = !!(o.given & OPT_JSON);
	o.undo = !!(o.given & OPT_UNDO);
	o.base = !!(o.given & OPT_BASE);
	o.follow = !!(o.given & OPT_FOLLOW);
	if (n >= 1) {
		const struct command *c;

		for (c = commands; c->name; c++) {
			if (strcmp(rest[0], c->name))
				continue;
			if (n - 1 < c->min_args || n - 1 > c->max_args ||
			    (o.given & ~c->options)) {
				fprintf(stderr, "SecondDriverClient: %s takes %s\n", c->name,
					c->args[0] ? c->args : "nothing more");
				usage(stderr, prog);
				return EXIT_USAGE;
			}
			return c->run(rest + 1, n - 1, &o);
		}
	}
	if (o.given) {
		fprintf(stderr, "SecondDriverClient: options go with a command\n");
		usage(stderr, prog);
		return EXIT_USAGE;
	}
	return seed(argc, argv, prog);
}
