// SPDX-License-Identifier: MIT
/*
 * sd_vmlog.c - the twin's log (GET_LOG, CLEAR_LOG), run as root inside the
 * QEMU VM (tests/vm/init.sh).
 *
 *   sd_vmlog all           known requests, then the log holds exactly them,
 *                          in order, field by field; errors; wrap-around
 *                          (the 32-bit build runs it through compat_ioctl)
 *   sd_vmlog race N        8 threads send N requests each while a reader
 *                          follows the log: no record torn, none lost
 *                          without a gap count
 *
 * Prints PASS/FAIL lines and "N passed, N failed".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>

#include "seconddriver.h"
#include "sd_logcheck.h"
#include "sd_target.h"
#include "sd_vmlib.h"

static SdLogRecord records[SD_LOG_CAPACITY];

static int dev_open(int flags)
{
	return open(SD_LINUX_DEVICE_PATH, flags | O_CLOEXEC);
}

/* One raw request: 0 or the errno. */
static int raw(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) == 0 ? 0 : errno;
}

/* GET_LOG from `from` into buf, room for `room`; 0 or the errno. */
static int get_log(int fd, sd_u64 from, SdLogRecord *buf, sd_u32 room, SdGetLogOut *out)
{
	struct sd_get_log q = {
		.from_seq = from,
		.records = (sd_u64)(uintptr_t)buf,
		.capacity = room,
	};
	int err = raw(fd, SD_LINUX_IOCTL_GET_LOG, &q);

	*out = q.out;
	if (!err && (out->Count > room || out->Reserved))
		return EPROTO;
	return err;
}

static const char *en(int e)
{
	return e ? strerror(e) : "ok";
}

static sd_u64 boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (sd_u64)ts.tv_sec * 1000000000ull + (sd_u64)ts.tv_nsec;
}

/* An ioctl the module does not have: its magic, a number past the contract's. */
#define UNKNOWN_CMD _IOW(SD_LINUX_MAGIC, 0x77, sd_u32)

static void suite_all(void)
{
	int rw = dev_open(O_RDWR), ro, wo, err;
	sd_u32 me_pid = (sd_u32)getpid(), me_tid = (sd_u32)gettid_(), i, junk = 7;
	struct { SdBatchEntry e[2]; SdBatchResult r[2]; } b;
	struct sd_batch sb;
	SdGetLogOut out;
	SdGetPriority q;
	SdSetPriorityEx x;
	ThreadData td, bad;
	struct target t;
	sd_u64 s, now, next;
	unsigned char seen[16];
	int ok;

	if (rw < 0 || target_start(&t)) {
		result(0, "log: open the device and start a target thread: %s", strerror(errno));
		return;
	}
	err = raw(rw, SD_LINUX_IOCTL_CLEAR_LOG, NULL);
	result(!err, "log: CLEAR_LOG succeeds (%s)", en(err));
	err = get_log(rw, 0, records, SD_LOG_CAPACITY, &out);
	ok = !err && out.Count == 1 && out.Lost == 0 &&
	     is_request(&records[0], SD_LOG_OS_LINUX,
			records[0].Seq, SD_LINUX_IOCTL_CLEAR_LOG, 0, 0, 0) &&
	     out.NextSeq == records[0].Seq + 1 && records[0].CapturedLength == 0 &&
	     records[0].ProcessId == me_pid && records[0].ThreadId == me_tid;
	result(ok, "log: after CLEAR_LOG the log holds only CLEAR_LOG's record, numbered on, with this process and thread (#%llu, %s)",
	       (unsigned long long)records[0].Seq, en(err));
	if (!ok) {
		show(records, out.Count);
		return;
	}
	s = records[0].Seq;

	td = (ThreadData){ (sd_u32)t.tid, 20 };
	bad = (ThreadData){ (sd_u32)t.tid, 0 };
	err = raw(rw, SD_LINUX_IOCTL_SET_PRIORITY, &td);
	result(!err, "log: send SET (%d, 20) (%s)", t.tid, en(err));
	err = raw(rw, SD_LINUX_IOCTL_SET_PRIORITY, &bad);
	result(err == EINVAL, "log: send SET (%d, 0), refused with EINVAL (%s)", t.tid, en(err));
	err = raw(rw, UNKNOWN_CMD, &junk);
	result(err == ENOTTY, "log: send an unknown ioctl %#lx, refused with ENOTTY (%s)",
	       (unsigned long)UNKNOWN_CMD, en(err));
	q = (SdGetPriority){ (sd_u32)t.tid, -1 };
	err = raw(rw, SD_LINUX_IOCTL_GET_PRIORITY, &q);
	result(!err && q.Level == 20, "log: send GET (%d): 20 (%s)", t.tid, en(err));
	x = (SdSetPriorityEx){ (sd_u32)t.tid, 31, 0, -1 };
	err = raw(rw, SD_LINUX_IOCTL_SET_PRIORITY_EX, &x);
	result(!err && x.OldLevel == 20, "log: send SET_EX (%d, 31): was 20 (%s)", t.tid, en(err));
	b.e[0] = (SdBatchEntry){ (sd_u32)t.tid, 8, 0, 0 };
	b.e[1] = (SdBatchEntry){ 0x3FFFFFF0u, 8, 0, 0 };
	sb = (struct sd_batch){ (sd_u64)(uintptr_t)b.e, (sd_u64)(uintptr_t)b.r, 2, 0 };
	err = raw(rw, SD_LINUX_IOCTL_SET_PRIORITY_BATCH, &sb);
	result(!err && b.r[0].Status == 0 && b.r[1].Status == -ESRCH,
	       "log: send BATCH of 2, one done and one thread that does not exist (%s)", en(err));
	ro = dev_open(O_RDONLY);
	err = ro < 0 ? errno : raw(ro, SD_LINUX_IOCTL_SET_PRIORITY, &td);
	result(err == EBADF, "log: send SET on a file opened read-only: EBADF (%s)", en(err));
	if (ro >= 0)
		close(ro);

	err = get_log(rw, s, records, SD_LOG_CAPACITY, &out);
	ok = !err && out.Count == 11 && out.Lost == 0 && out.NextSeq == s + 11;
	result(ok, "log: GET_LOG from CLEAR_LOG's number answers the 11 records since, none lost (%u, %llu lost, %s)",
	       out.Count, (unsigned long long)out.Lost, en(err));
	if (!ok) {
		show(records, out.Count);
		return;
	}
	result(is_request(&records[1], SD_LOG_OS_LINUX,
			  s + 1, SD_LINUX_IOCTL_SET_PRIORITY, 8, 0, 0) &&
	       captured(&records[1], &td, 8) && change(&records[1], (sd_u32)t.tid, 8, 20) &&
	       records[1].Information == 0,
	       "log: 1: SET, 8 bytes in, success, its ThreadData, thread %d 8 -> 20", t.tid);
	result(is_request(&records[2], SD_LOG_OS_LINUX,
			  s + 2, SD_LINUX_IOCTL_SET_PRIORITY, 8, 0, -EINVAL) &&
	       captured(&records[2], &bad, 8) && records[2].Flags == 0,
	       "log: 2: the refused SET, -EINVAL, its ThreadData as sent, no change");
	result(is_request(&records[3], SD_LOG_OS_LINUX,
			  s + 3, (sd_u32)UNKNOWN_CMD, 4, 0, -ENOTTY) &&
	       records[3].CapturedLength == 0 && records[3].Flags == 0,
	       "log: 3: the unknown ioctl, -ENOTTY, its size as its input length, nothing captured");
	q = (SdGetPriority){ (sd_u32)t.tid, -1 };
	result(is_request(&records[4], SD_LOG_OS_LINUX,
			  s + 4, SD_LINUX_IOCTL_GET_PRIORITY, 8, 8, 0) &&
	       captured(&records[4], &q, 8) && records[4].Information == 8 && records[4].Flags == 0,
	       "log: 4: GET, 8 in and 8 out, returned 8, its input as sent");
	x = (SdSetPriorityEx){ (sd_u32)t.tid, 31, 0, -1 };
	result(is_request(&records[5], SD_LOG_OS_LINUX,
			  s + 5, SD_LINUX_IOCTL_SET_PRIORITY_EX, 16, 16, 0) &&
	       captured(&records[5], &x, 16) && records[5].Information == 16 &&
	       change(&records[5], (sd_u32)t.tid, 20, 31),
	       "log: 5: SET_EX, returned 16, its input as sent, thread %d 20 -> 31", t.tid);
	result(records[6].Seq == s + 6 && records[6].Kind == SD_LOG_CHANGE &&
	       records[6].Code == SD_LINUX_IOCTL_SET_PRIORITY_BATCH && records[6].Status == 0 &&
	       captured(&records[6], &b.e[0], 16) && change(&records[6], (sd_u32)t.tid, 31, 8),
	       "log: 6: the batch's one change, a CHANGE record with its entry, thread %d 31 -> 8, before the batch's own record",
	       t.tid);
	memcpy(seen, &sb.count, 8);		/* the header, as Windows captures it */
	memcpy(seen + 8, &b.e[0], 8);		/* and the first entry's thread and level */
	result(is_request(&records[7], SD_LOG_OS_LINUX,
			  s + 7, SD_LINUX_IOCTL_SET_PRIORITY_BATCH, 24, 24, 0) &&
	       captured(&records[7], seen, 16) && records[7].Information == 16 &&
	       records[7].Flags == 0,
	       "log: 7: BATCH, captured as the Windows driver does (count, flags, entry 0), returned 16");
	result(records[8].Seq == s + 8 && records[8].Kind == SD_LOG_CREATE && records[8].Status == 0 &&
	       records[8].Code == 0 && records[9].Seq == s + 9 &&
	       is_request(&records[9], SD_LOG_OS_LINUX,
			  s + 9, SD_LINUX_IOCTL_SET_PRIORITY, 8, 0, -EBADF) &&
	       records[9].CapturedLength == 0 && records[10].Kind == SD_LOG_CLOSE &&
	       records[10].Seq == s + 10,
	       "log: 8-10: the read-only file's open (CREATE), its refused SET (-EBADF, nothing captured), its release (CLOSE)");
	now = boottime_ns();
	ok = 1;
	for (i = 0; i < 11; i++) {
		ok = ok && records[i].ProcessId == me_pid && records[i].ThreadId == me_tid;
		ok = ok && (i == 0 || records[i].TimeNs >= records[i - 1].TimeNs);
		ok = ok && records[i].TimeNs <= now && records[i].TimeNs + 5000000000ull >= now;
	}
	result(ok, "log: every record names this process and thread, and its time is CLOCK_BOOTTIME's, in order, within 5 s of now");

	/* Access and arguments. */
	wo = dev_open(O_WRONLY);
	ro = dev_open(O_RDONLY);
	err = wo < 0 ? errno : get_log(wo, 0, records, 1, &out);
	result(err == EBADF, "log: GET_LOG on a file opened write-only: EBADF (%s)", en(err));
	err = ro < 0 ? errno : raw(ro, SD_LINUX_IOCTL_CLEAR_LOG, NULL);
	result(err == EBADF, "log: CLEAR_LOG on a file opened read-only: EBADF (%s)", en(err));
	{
		struct sd_get_log g = { 0, (sd_u64)(uintptr_t)records, 1, 1, { 0, 0, 0, 0 } };

		err = raw(ro, SD_LINUX_IOCTL_GET_LOG, &g);
		result(err == EINVAL, "log: GET_LOG with flags: EINVAL (%s)", en(err));
		g = (struct sd_get_log){ 0, 16, 4, 0, { 0, 0, 0, 0 } };
		err = raw(ro, SD_LINUX_IOCTL_GET_LOG, &g);
		result(err == EFAULT, "log: GET_LOG into an unwritable array: EFAULT (%s)", en(err));
		err = raw(ro, SD_LINUX_IOCTL_GET_LOG, (void *)16);
		result(err == EFAULT, "log: GET_LOG with an unreadable argument: EFAULT (%s)", en(err));
	}
	err = get_log(ro, ~0ull, records, 0, &out);
	next = out.NextSeq;
	result(!err && out.Count == 0 && out.Lost == 0 && next > s + 11,
	       "log: GET_LOG from beyond the newest, room 0: nothing, and the next number (%llu, %s)",
	       (unsigned long long)next, en(err));

	/* Wrap the ring: 300 GETs from `next` on leave the newest 256, and a gap of 44. */
	for (i = 0; i < 300; i++) {
		q = (SdGetPriority){ (sd_u32)t.tid, (sd_s32)i };
		if (raw(ro, SD_LINUX_IOCTL_GET_PRIORITY, &q))
			break;
	}
	err = get_log(ro, next, records, SD_LOG_CAPACITY, &out);
	ok = !err && i == 300 && out.Count == SD_LOG_CAPACITY && out.Lost == 44 &&
	     out.NextSeq == next + 300;
	for (i = 0; ok && i < SD_LOG_CAPACITY; i++) {
		q = (SdGetPriority){ (sd_u32)t.tid, (sd_s32)(44 + i) };
		ok = records[i].Seq == next + 44 + i &&
		     records[i].Code == SD_LINUX_IOCTL_GET_PRIORITY && captured(&records[i], &q, 8);
	}
	result(ok, "log: 300 requests past a full ring: the newest 256 in order, each with its own input, and 44 lost (%u, %llu lost, %s)",
	       out.Count, (unsigned long long)out.Lost, en(err));
	err = get_log(ro, next + 50, records, 10, &out);
	result(!err && out.Count == 10 && out.Lost == 0 && out.NextSeq == next + 60 &&
	       records[0].Seq == next + 50,
	       "log: a read with room for 10 answers 10 and the number after them (%s)", en(err));
	err = raw(rw, SD_LINUX_IOCTL_CLEAR_LOG, NULL);
	err = err ? err : get_log(ro, next + 100, records, SD_LOG_CAPACITY, &out);
	result(!err && out.Lost == 200 && out.Count == 1 && records[0].Code == SD_LINUX_IOCTL_CLEAR_LOG,
	       "log: after CLEAR_LOG an old number's records are a gap (%llu lost), then CLEAR_LOG's own record (%s)",
	       (unsigned long long)out.Lost, en(err));

	/*
	 * The lean path (docs/SPEC.md 9.4, step 5a): a set to exactly what the
	 * thread has already writes nothing and says UNCHANGED; one that only
	 * looks the same on the scale is still made.
	 */
	td = (ThreadData){ (sd_u32)t.tid, 20 };
	err = raw(rw, SD_LINUX_IOCTL_SET_PRIORITY, &td);
	err = err ? err : raw(rw, SD_LINUX_IOCTL_CLEAR_LOG, NULL);
	err = err ? err : raw(rw, SD_LINUX_IOCTL_SET_PRIORITY, &td);
	x = (SdSetPriorityEx){ (sd_u32)t.tid, 20, 0, -1 };
	err = err ? err : raw(rw, SD_LINUX_IOCTL_SET_PRIORITY_EX, &x);
	b.e[0] = (SdBatchEntry){ (sd_u32)t.tid, 20, 0, 0 };
	sb = (struct sd_batch){ (sd_u64)(uintptr_t)b.e, (sd_u64)(uintptr_t)b.r, 1, 0 };
	err = err ? err : raw(rw, SD_LINUX_IOCTL_SET_PRIORITY_BATCH, &sb);
	/* nice -19 reads as level 14 (the table's one tie), but 14 is nice -18. */
	td.Priority = 8;
	err = err ? err : raw(rw, SD_LINUX_IOCTL_SET_PRIORITY, &td);
	err = err ? err : (setpriority(PRIO_PROCESS, (id_t)t.tid, -19) ? errno : 0);
	td.Priority = 14;
	err = err ? err : raw(rw, SD_LINUX_IOCTL_SET_PRIORITY, &td);
	ok = !err && x.OldLevel == 20 && b.r[0].Status == 0 && b.r[0].OldLevel == 20;
	err = err ? err : get_log(rw, 0, records, SD_LOG_CAPACITY, &out);
	ok = ok && !err && out.Count == 7;
	ok = ok && records[1].Kind == SD_LOG_IOCTL && records[1].Status == 0 &&
	     records[1].Flags == SD_LOG_F_UNCHANGED && records[1].TargetThread == (sd_u32)t.tid &&
	     records[1].OldLevel == 20 && records[1].NewLevel == 20;
	ok = ok && records[2].Flags == SD_LOG_F_UNCHANGED && records[2].OldLevel == 20;
	ok = ok && records[3].Kind == SD_LOG_CHANGE && records[3].Flags == SD_LOG_F_UNCHANGED;
	ok = ok && change(&records[5], (sd_u32)t.tid, 20, 8) && change(&records[6], (sd_u32)t.tid, 14, 14);
	result(ok,
	       "log: unchanged: SET, SET_EX (was 20) and a BATCH entry of a thread at 20 to 20 are logged UNCHANGED; SET 14 of a thread at nice -19 (which reads as 14) is a CHANGE 14 -> 14 (%s)",
	       en(err));
	if (!ok && !err)
		show(records, out.Count);
	result(!raw(rw, SD_LINUX_IOCTL_SET_PRIORITY, &td) && at_level(0, t.tid, 14, (char[128]){ 0 }, 128),
	       "log: unchanged: and that thread is at nice -18 now, level 14 exactly");
	close(ro);
	close(wo);
	close(rw);
	target_stop(&t);
}

/* ---- writers and a reader ------------------------------------------------------- */

#define WRITERS 8

struct race {
	int fd;
	unsigned long per_writer;
	int finished;		/* writers done (atomic) */
	pthread_barrier_t start;
};

/* Each writer sends GETs of its own thread, numbered in the Level field. */
static void *writer(void *p)
{
	struct race *r = p;
	sd_u32 me = (sd_u32)gettid_();
	unsigned long i;

	pthread_barrier_wait(&r->start);
	for (i = 0; i < r->per_writer; i++) {
		SdGetPriority q = { me, (sd_s32)i };

		if (ioctl(r->fd, SD_LINUX_IOCTL_GET_PRIORITY, &q))
			break;
	}
	__atomic_add_fetch(&r->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int race(unsigned long per_writer)
{
	static SdLogRecord buf[64];
	struct race r = { .fd = dev_open(O_RDWR), .per_writer = per_writer };
	pthread_t th[WRITERS];
	sd_s32 last[WRITERS];
	sd_u32 tids[WRITERS];
	sd_u64 from, seen = 0, lost = 0, reads = 0, gaps = 0, torn = 0, order = 0;
	SdGetLogOut out;
	int i, err = 0;

	if (r.fd < 0) {
		result(0, "race: open the device: %s", strerror(errno));
		return 1;
	}
	/* Where the writers' records start: the next number now. */
	err = get_log(r.fd, ~0ull, buf, 0, &out);
	from = out.NextSeq;
	pthread_barrier_init(&r.start, NULL, WRITERS + 1);
	for (i = 0; i < WRITERS; i++) {
		last[i] = -1;
		tids[i] = 0;
		pthread_create(&th[i], NULL, writer, &r);
	}
	pthread_barrier_wait(&r.start);
	/* Follow until the writers are done and a read after that finds nothing new. */
	for (;;) {
		int all_done = __atomic_load_n(&r.finished, __ATOMIC_ACQUIRE) == WRITERS;
		sd_u32 k;

		err = get_log(r.fd, from, buf, 64, &out);
		if (err)
			break;
		reads++;
		if (out.Lost) {
			gaps++;
			lost += out.Lost;
		}
		if (out.NextSeq != from + out.Lost + out.Count)
			order++;	/* records lost without being counted */
		for (k = 0; k < out.Count; k++) {
			const SdLogRecord *rec = &buf[k];
			sd_u32 tid;
			sd_s32 n;
			int w;

			memcpy(&tid, rec->Captured, 4);
			memcpy(&n, rec->Captured + 4, 4);
			if (rec->Seq != from + out.Lost + k)
				order++;
			if (rec->Kind != SD_LOG_IOCTL || rec->Code != SD_LINUX_IOCTL_GET_PRIORITY ||
			    rec->CapturedLength != 8 || rec->Status != 0 || tid != rec->ThreadId ||
			    rec->InLen != 8 || rec->OutLen != 8 || rec->Information != 8) {
				torn++;
				continue;
			}
			for (w = 0; w < WRITERS && tids[w] && tids[w] != tid; w++)
				;
			if (w == WRITERS) {
				torn++;
				continue;
			}
			tids[w] = tid;
			if (n <= last[w])
				order++;	/* a writer's requests out of its order */
			last[w] = n;
		}
		seen += out.Count;
		from = out.NextSeq;
		if (out.Count == 0 && out.Lost == 0) {
			if (all_done)
				break;
			usleep(1000);
		}
	}
	for (i = 0; i < WRITERS; i++)
		pthread_join(th[i], NULL);
	printf("# race: %d writers x %lu requests; the reader saw %llu records in %llu reads, and was told of %llu lost in %llu gaps\n",
	       WRITERS, per_writer, (unsigned long long)seen, (unsigned long long)reads,
	       (unsigned long long)lost, (unsigned long long)gaps);
	result(!err, "race: every GET_LOG of the reader succeeded (%s)", en(err));
	result(torn == 0, "race: no record read while 8 threads wrote was torn: each is a GET whose captured thread is its requestor (%llu were not)",
	       (unsigned long long)torn);
	result(order == 0, "race: numbers run on without a hole, and each writer's requests appear in its order (%llu did not)",
	       (unsigned long long)order);
	result(seen + lost == (sd_u64)WRITERS * per_writer,
	       "race: every request is either read or counted as lost: %llu + %llu = %lu",
	       (unsigned long long)seen, (unsigned long long)lost, WRITERS * per_writer);
	close(r.fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "all";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "all") && argc == 2) {
		suite_all();
	} else if (!strcmp(mode, "race") && argc == 3) {
		race(strtoul(argv[2], NULL, 10));
	} else {
		fprintf(stderr, "usage: sd_vmlog all | race N\n");
		return 2;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
