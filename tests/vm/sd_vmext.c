// SPDX-License-Identifier: MIT
/*
 * sd_vmext.c - the twin's GET, SET_EX and BATCH codes, run as root inside
 * the QEMU VM (tests/vm/init.sh). The seed's SET is sd_vmtest.c's.
 *
 *   sd_vmext all          get, set_ex, batch, reset-on-fork (64-bit build)
 *   sd_vmext errors       every error of the three codes, a good BATCH, and
 *                         GET_INFO:
 *                         the 32-bit build runs it through compat_ioctl
 *   sd_vmext spawn N      a process of N blocked threads: prints "pid PID",
 *                         then waits to be killed
 *   sd_vmext levels PID   "tid policy nice rt" for each thread of PID
 *
 * Every level is read back with sched_getattr(2) and /proc, against SPEC
 * 9.3's table typed by hand (sd_vmlib.h). Prints PASS/FAIL lines and
 * "N passed, N failed".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "seconddriver.h"
#include "sd_target.h"
#include "sd_vmlib.h"

#ifndef SCHED_FLAG_RESET_ON_FORK
#define SCHED_FLAG_RESET_ON_FORK 0x01
#endif

static int dev_open(int flags)
{
	return open(SD_LINUX_DEVICE_PATH, flags | O_CLOEXEC);
}

/* One raw request: 0 or the errno. */
static int raw(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) == 0 ? 0 : errno;
}

static int get(int fd, pid_t tid, int *level)
{
	SdGetPriority q = { (sd_u32)tid, -99 };
	int err = raw(fd, SD_LINUX_IOCTL_GET_PRIORITY, &q);

	*level = q.Level;
	return err;
}

static int set_ex(int fd, pid_t tid, int level, sd_u32 flags, int *old)
{
	SdSetPriorityEx x = { (sd_u32)tid, level, flags, -99 };
	int err = raw(fd, SD_LINUX_IOCTL_SET_PRIORITY_EX, &x);

	*old = x.OldLevel;
	return err;
}

static int batch(int fd, const SdBatchEntry *e, SdBatchResult *r, sd_u32 n, sd_u32 flags)
{
	struct sd_batch b = { (sd_u64)(uintptr_t)e, (sd_u64)(uintptr_t)r, n, flags };

	return raw(fd, SD_LINUX_IOCTL_SET_PRIORITY_BATCH, &b);
}

static int set_seed(int fd, pid_t tid, int level)
{
	ThreadData td = { (sd_u32)tid, level };

	return raw(fd, SD_LINUX_IOCTL_SET_PRIORITY, &td);
}

static const char *en(int e)
{
	return e ? strerrorname_np(e) : "0";
}

static void expect(int got, int want, const char *what)
{
	result(got == want, "errors: %s -> %s (got %s)", what, en(want), en(got));
}

/* Put a thread in a state by sched_setattr(2) itself. */
static int sched_to(pid_t tid, int policy, int nice, int rt, unsigned long long flags)
{
	struct sd_sched_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.sched_policy = (uint32_t)policy;
	a.sched_nice = nice;
	a.sched_priority = (uint32_t)rt;
	a.sched_flags = flags;
	return (int)syscall(SYS_sched_setattr, tid, &a, 0);
}

static unsigned long long sched_flags(pid_t tid)
{
	struct sd_sched_attr a;

	memset(&a, 0, sizeof(a));
	if (syscall(SYS_sched_getattr, tid, &a, sizeof(a), 0))
		return ~0ull;
	return a.sched_flags;
}

/* A page that reads but does not write, holding len bytes of src. */
static void *read_only_copy(const void *src, size_t len)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memcpy(p, src, len);
	if (mprotect(p, 4096, PROT_READ)) {
		munmap(p, 4096);
		return NULL;
	}
	return p;
}

/* ---- GET -------------------------------------------------------------------------- */

static void suite_get(int fd)
{
	struct target t;
	char why[256] = "";
	int level, got = 0, ok = 1, err, ro;

	if (target_start(&t)) {
		result(0, "get: cannot start a target thread");
		return;
	}
	for (level = SD_PRIORITY_MIN; level <= SD_PRIORITY_MAX && ok; level++) {
		err = set_seed(fd, t.tid, level);
		if (!err)
			err = get(fd, t.tid, &got);
		ok = !err && got == level && at_level(0, t.tid, level, why, sizeof(why));
		if (!ok && !why[0])
			snprintf(why, sizeof(why), "level %d: %s, read %d", level, en(err), got);
	}
	result(ok, "get: GET(SET(p)) = p for every level 1..31%s%s", ok ? "" : ": ", why);

	/* States the driver never makes, read as SPEC 9.3 says. */
	{
		static const struct { int policy, nice, rt, want; const char *what; } st[] = {
			{ SCHED_FIFO, 0, 50, 31, "SCHED_FIFO 50 (above 16)" },
			{ SCHED_RR, 0, 99, 31, "SCHED_RR 99" },
			{ SCHED_FIFO, 0, 3, 18, "SCHED_FIFO 3" },
			{ SCHED_IDLE, 0, 0, 1, "SCHED_IDLE" },
			{ SCHED_BATCH, 5, 0, 6, "SCHED_BATCH nice 5 (nearest: nice 6)" },
			{ SCHED_OTHER, -19, 0, 14, "nice -19 (a tie, toward 8)" },
		};
		size_t i;

		for (i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
			err = sched_to(t.tid, st[i].policy, st[i].nice, st[i].rt, 0) ? errno : 0;
			if (!err)
				err = get(fd, t.tid, &got);
			result(!err && got == st[i].want, "get: a thread at %s reads as level %d (got %d, %s)",
			       st[i].what, st[i].want, got, en(err));
		}
		sched_to(t.tid, SCHED_OTHER, 0, 0, 0);
	}

	err = get(fd, 2, &got);
	result(!err && got == 8, "get: a kernel thread may be read: kthreadd is at level 8 (got %d, %s)",
	       got, en(err));
	ro = dev_open(O_RDONLY);
	err = ro < 0 ? errno : get(ro, t.tid, &got);
	result(!err && got == 8, "get: a file opened read-only may GET (got %d, %s)", got, en(err));
	if (ro >= 0)
		close(ro);
	target_stop(&t);
}

/* ---- SET_EX ----------------------------------------------------------------------- */

static void suite_set_ex(int fd)
{
	static const int seq[] = { 20, 3, 31, 8, 15, 16 };
	struct target t;
	char why[256] = "";
	int i, old, prev = 8, ok = 1, err, ro;

	if (target_start(&t)) {
		result(0, "set_ex: cannot start a target thread");
		return;
	}
	for (i = 0; i < (int)(sizeof(seq) / sizeof(seq[0])) && ok; i++) {
		/* What the thread is at, read by sched_getattr, before the change. */
		ok = at_level(0, t.tid, prev, why, sizeof(why));
		err = set_ex(fd, t.tid, seq[i], 0, &old);
		ok = ok && !err && old == prev && at_level(0, t.tid, seq[i], why, sizeof(why));
		if (!ok && !why[0])
			snprintf(why, sizeof(why), "%d -> %d: %s, old %d", prev, seq[i], en(err), old);
		prev = seq[i];
	}
	result(ok, "set_ex: each change answers the level sched_getattr read before it (8 20 3 31 8 15 -> 16)%s%s",
	       ok ? "" : ": ", why);

	why[0] = 0;
	why[0] = 0;
	err = set_ex(fd, t.tid, 9, SD_SET_EX_BASE, &old);
	result(!err && old == 16 && at_level(0, t.tid, 9, why, sizeof(why)),
	       "set_ex: the base flag changes nothing on Linux, where levels last: 16 -> 9 (%s, old %d)%s%s",
	       en(err), old, why[0] ? ": " : "", why);
	set_ex(fd, t.tid, 16, 0, &old);
	expect(set_ex(fd, t.tid, 20, 2, &old), EINVAL, "SET_EX with an unknown flag");
	expect(set_ex(fd, t.tid, 0, 0, &old), EINVAL, "SET_EX of level 0");
	ro = dev_open(O_RDONLY);
	expect(ro < 0 ? errno : set_ex(ro, t.tid, 20, 0, &old), EBADF, "SET_EX on a file opened read-only");
	expect(ro < 0 ? errno : set_seed(ro, t.tid, 20), EBADF, "SET on a file opened read-only");
	if (ro >= 0)
		close(ro);
	{
		SdSetPriorityEx x = { (sd_u32)t.tid, 20, 0, 0 }, *p = read_only_copy(&x, sizeof(x));

		expect(p ? raw(fd, SD_LINUX_IOCTL_SET_PRIORITY_EX, p) : -1, EFAULT,
		       "SET_EX of a structure that reads but does not write");
		if (p)
			munmap(p, 4096);
	}
	result(at_level(0, t.tid, 16, why, sizeof(why)),
	       "set_ex: no refused SET_EX changed the thread (still level 16)%s%s", why[0] ? ": " : "", why);
	target_stop(&t);
}

/* ---- BATCH ------------------------------------------------------------------------ */

static int child_sleeper(void *unused)
{
	(void)unused;
	pause();
	return 0;
}

static void suite_batch(int fd)
{
	static SdBatchEntry e[SD_BATCH_MAX + 1];
	static SdBatchResult r[SD_BATCH_MAX + 1];
	struct target a, b;
	char why[256] = "";
	pid_t other;
	int err, ro, ok;
	sd_u32 i;

	other = fork();
	if (other == 0)
		_exit(child_sleeper(NULL));
	if (other < 0 || target_start(&a) || target_start(&b)) {
		result(0, "batch: setup failed");
		return;
	}

	e[0] = (SdBatchEntry){ (sd_u32)a.tid, 20, (sd_u32)getpid(), 0 };	/* good */
	e[1] = (SdBatchEntry){ (sd_u32)b.tid, 0, 0, 0 };			/* bad level */
	e[2] = (SdBatchEntry){ 0x3ffffff0u, 5, 0, 0 };				/* no such thread */
	e[3] = (SdBatchEntry){ (sd_u32)other, 5, (sd_u32)getpid(), 0 };	/* another process's */
	e[4] = (SdBatchEntry){ (sd_u32)a.tid, 25, 0, 0 };			/* a again */
	e[5] = (SdBatchEntry){ (sd_u32)b.tid, 5, 0, 1 };			/* Reserved */
	e[6] = (SdBatchEntry){ (sd_u32)b.tid, 3, (sd_u32)getpid(), 0 };		/* good */
	memset(r, 0x55, sizeof(r));
	err = batch(fd, e, r, 7, 0);
	ok = !err && r[0].Status == 0 && r[0].OldLevel == 8 && r[1].Status == -EINVAL &&
	     r[2].Status == -ESRCH && r[3].Status == -ESRCH && r[4].Status == 0 &&
	     r[4].OldLevel == 20 && r[5].Status == -EINVAL && r[6].Status == 0 && r[6].OldLevel == 8;
	for (i = 0; i < 7; i++) {
		if (r[i].Status && r[i].OldLevel != 0)
			ok = 0;
	}
	result(ok && at_level(0, a.tid, 25, why, sizeof(why)) && at_level(0, b.tid, 3, why, sizeof(why)) &&
	       at_level(other, other, 8, why, sizeof(why)),
	       "batch: in index order, one result each: 0/8, EINVAL, ESRCH, ESRCH (another process's thread, left at 8), 0/20 (the first entry's new level), EINVAL (Reserved), 0/8 (%s; %d %d %d %d %d %d %d)%s%s",
	       en(err), r[0].Status, r[1].Status, r[2].Status, r[3].Status, r[4].Status, r[5].Status,
	       r[6].Status, why[0] ? ": " : "", why);

	/* Refused whole: nothing changes. */
	e[0] = (SdBatchEntry){ (sd_u32)a.tid, 31, 0, 0 };
	expect(batch(fd, e, r, 0, 0), EINVAL, "BATCH of 0 entries");
	expect(batch(fd, e, r, SD_BATCH_MAX + 1, 0), EINVAL, "BATCH of 4097 entries (over the cap)");
	expect(batch(fd, e, r, 1, 1), EINVAL, "BATCH with flags");
	expect(batch(fd, NULL, r, 1, 0), EFAULT, "BATCH whose entries cannot be read");
	{
		SdBatchResult *rr = read_only_copy(r, sizeof(*r));

		expect(rr ? batch(fd, e, rr, 1, 0) : -1, EFAULT,
		       "BATCH whose results cannot be written (checked before any change)");
		if (rr)
			munmap(rr, 4096);
	}
	ro = dev_open(O_RDONLY);
	expect(ro < 0 ? errno : batch(ro, e, r, 1, 0), EBADF, "BATCH on a file opened read-only");
	if (ro >= 0)
		close(ro);
	why[0] = 0;
	result(at_level(0, a.tid, 25, why, sizeof(why)),
	       "batch: no refused BATCH changed a thread (still level 25)%s%s", why[0] ? ": " : "", why);

	/* Exactly the cap: the same thread, 4096 times, each seeing the last. */
	for (i = 0; i < SD_BATCH_MAX; i++)
		e[i] = (SdBatchEntry){ (sd_u32)b.tid, (sd_s32)(1 + i % 31), 0, 0 };
	err = batch(fd, e, r, SD_BATCH_MAX, 0);
	ok = !err;
	for (i = 0; ok && i < SD_BATCH_MAX; i++)
		ok = r[i].Status == 0 && r[i].OldLevel == (i == 0 ? 3 : (sd_s32)(1 + (i - 1) % 31));
	result(ok && at_level(0, b.tid, 1 + (SD_BATCH_MAX - 1) % 31, why, sizeof(why)),
	       "batch: exactly the cap, 4096 entries of one thread, each answering the level the one before set (%s)",
	       en(err));

	target_stop(&a);
	target_stop(&b);
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);
}

/* Threads that end while a batch names them: each answers 0 or ESRCH. */
static void *brief(void *p)
{
	volatile pid_t *tid = p;

	*tid = gettid_();
	usleep(200 + (unsigned)(*tid % 7) * 150);
	return NULL;
}

static void suite_batch_exiting(int fd)
{
	enum { N = 64 };
	static SdBatchEntry e[N];
	static SdBatchResult r[N];
	volatile pid_t tids[N];
	pthread_t th[N];
	int i, ok = 1, done = 0, gone = 0, err;

	for (i = 0; i < N; i++) {
		tids[i] = 0;
		if (pthread_create(&th[i], NULL, brief, (void *)&tids[i]))
			ok = 0;
	}
	for (i = 0; i < N; i++) {
		while (ok && !tids[i])
			usleep(10);
		e[i] = (SdBatchEntry){ (sd_u32)tids[i], 20, (sd_u32)getpid(), 0 };
	}
	err = batch(fd, e, r, N, 0);
	for (i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		if (r[i].Status == 0)
			done++;
		else if (r[i].Status == -ESRCH)
			gone++;
		else
			ok = 0;
	}
	result(ok && !err && done + gone == N,
	       "batch: %d threads that end while the batch runs each answer 0 or ESRCH (%d set, %d gone, %s)",
	       N, done, gone, en(err));
}

/* ---- reset-on-fork ---------------------------------------------------------------- */

static void suite_reset_on_fork(int fd)
{
	struct target t, plain;
	int old, err;
	SdBatchEntry e = { 0, 25, 0, 0 };
	SdBatchResult r;

	if (target_start(&t) || target_start(&plain)) {
		result(0, "reset-on-fork: cannot start target threads");
		return;
	}
	if (sched_to(t.tid, SCHED_OTHER, 0, 0, SCHED_FLAG_RESET_ON_FORK)) {
		result(0, "reset-on-fork: sched_setattr: %s", strerror(errno));
		return;
	}
	err = set_seed(fd, t.tid, 20);
	result(!err && (sched_flags(t.tid) & SCHED_FLAG_RESET_ON_FORK),
	       "reset-on-fork: SET to level 20 keeps the thread's SCHED_RESET_ON_FORK (%s)", en(err));
	err = set_ex(fd, t.tid, 5, 0, &old);
	result(!err && (sched_flags(t.tid) & SCHED_FLAG_RESET_ON_FORK),
	       "reset-on-fork: SET_EX to level 5 keeps it (%s)", en(err));
	e.ThreadId = (sd_u32)t.tid;
	err = batch(fd, &e, &r, 1, 0);
	result(!err && r.Status == 0 && (sched_flags(t.tid) & SCHED_FLAG_RESET_ON_FORK),
	       "reset-on-fork: BATCH to level 25 keeps it (%s)", en(err));
	err = set_seed(fd, plain.tid, 20);
	result(!err && !(sched_flags(plain.tid) & SCHED_FLAG_RESET_ON_FORK),
	       "reset-on-fork: a thread without the flag does not gain it");
	target_stop(&t);
	target_stop(&plain);
}

/* ---- the error suite, also through compat_ioctl --------------------------------- */

static void suite_errors(int fd)
{
	struct target t;
	SdBatchEntry e[2];
	SdBatchResult r[2];
	char why[256] = "";
	int got, old, err;

	if (target_start(&t)) {
		result(0, "errors: cannot start a target thread");
		return;
	}
	expect(get(fd, 0x3ffffff0, &got), ESRCH, "GET of a thread id that does not exist");
	expect(raw(fd, SD_LINUX_IOCTL_GET_PRIORITY, NULL), EFAULT, "GET of a NULL buffer");
	expect(raw(fd, SD_LINUX_IOCTL_SET_PRIORITY_EX, NULL), EFAULT, "SET_EX of a NULL buffer");
	expect(raw(fd, SD_LINUX_IOCTL_SET_PRIORITY_BATCH, NULL), EFAULT, "BATCH of a NULL header");
	expect(set_ex(fd, 0x3ffffff0, 5, 0, &old), ESRCH, "SET_EX of a thread id that does not exist");
	expect(set_ex(fd, t.tid, 32, 0, &old), EINVAL, "SET_EX of level 32");
	expect(set_ex(fd, 2, 8, 0, &old), EPERM, "SET_EX of a kernel thread (kthreadd)");
	expect(raw(fd, _IOC(_IOC_READ | _IOC_WRITE, SD_LINUX_MAGIC, 1, 4), &t), ENOTTY,
	       "GET's nr with a 4-byte size");
	expect(raw(fd, _IOW(SD_LINUX_MAGIC, 2, SdSetPriorityEx), &t), ENOTTY,
	       "SET_EX's nr and size, write direction only");
	expect(raw(fd, _IOWR(SD_LINUX_MAGIC, 3, ThreadData), &t), ENOTTY, "BATCH's nr with an 8-byte size");
	expect(raw(fd, IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH, &t), ENOTTY, "the Windows BATCH code");

	/* A good one through this ABI: the arrays' pointers travel as __u64. */
	e[0] = (SdBatchEntry){ (sd_u32)t.tid, 20, 0, 0 };
	e[1] = (SdBatchEntry){ (sd_u32)t.tid, 4, 0, 0 };
	err = batch(fd, e, r, 2, 0);
	result(!err && r[0].Status == 0 && r[0].OldLevel == 8 && r[1].Status == 0 &&
	       r[1].OldLevel == 20 && at_level(0, t.tid, 4, why, sizeof(why)),
	       "errors: a good BATCH through this ABI sets 20 then 4 (%s)%s%s", en(err),
	       why[0] ? ": " : "", why);
	err = get(fd, t.tid, &got);
	result(!err && got == 4, "errors: and GET through this ABI reads 4 (got %d, %s)", got, en(err));

	/* GET_INFO: 32 bytes out, through this ABI; a file opened write-only may not. */
	{
		SdDriverInfo info;
		int wo = dev_open(O_WRONLY);

		memset(&info, 0x5a, sizeof(info));
		err = raw(fd, SD_LINUX_IOCTL_GET_INFO, &info);
		result(!err && info.Version == SD_INTERFACE_VERSION && info.MaxLevel == 31 &&
		       info.MaxLeases == SD_LEASES_MAX && info.LiveLeases == 0 &&
		       info.WatchBudgetMs == SD_WATCH_BUDGET_MS && info.WatchWindowMs == SD_WATCH_WINDOW_MS &&
		       info.WatchShareMs == SD_WATCH_SHARE_MS,
		       "errors: GET_INFO answers version %u, cap %d, at most %u leases, none live, the watchdog's defaults %u/%u/%u ms (%s)",
		       info.Version, info.MaxLevel, info.MaxLeases, info.WatchBudgetMs, info.WatchShareMs,
		       info.WatchWindowMs, en(err));
		expect(raw(fd, SD_LINUX_IOCTL_GET_INFO, NULL), EFAULT, "GET_INFO into NULL");
		expect(wo < 0 ? errno : raw(wo, SD_LINUX_IOCTL_GET_INFO, &info), EBADF,
		       "GET_INFO on a file opened write-only");
		if (wo >= 0)
			close(wo);
	}
	target_stop(&t);
}

/* ---- helpers for the shell ------------------------------------------------------ */

static void *blocked(void *unused)
{
	(void)unused;
	for (;;)
		pause();
	return NULL;
}

static int spawn(int n)
{
	pthread_t th;
	int i;

	for (i = 1; i < n; i++) {
		if (pthread_create(&th, NULL, blocked, NULL)) {
			fprintf(stderr, "sd_vmext: pthread_create: %s\n", strerror(errno));
			return 1;
		}
	}
	printf("pid %d\n", getpid());
	fflush(stdout);
	blocked(NULL);
	return 0;
}

static int levels(pid_t pid)
{
	char path[64];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return 1;
	while ((d = readdir(dir))) {
		struct sched_now s;
		pid_t tid = atoi(d->d_name);

		if (tid > 0 && get_sched(pid, tid, &s) == 0)
			printf("%d %d %d %d\n", tid, s.policy, s.nice, s.rt);
	}
	closedir(dir);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "all";
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "spawn") && argc == 3)
		return spawn(atoi(argv[2]));
	if (!strcmp(mode, "levels") && argc == 3)
		return levels(atoi(argv[2]));

	fd = dev_open(O_RDWR);
	if (fd < 0) {
		result(0, "open %s: %s", SD_LINUX_DEVICE_PATH, strerror(errno));
	} else if (!strcmp(mode, "all")) {
		suite_get(fd);
		suite_set_ex(fd);
		suite_batch(fd);
		suite_batch_exiting(fd);
		suite_reset_on_fork(fd);
	} else if (!strcmp(mode, "errors")) {
		suite_errors(fd);
	} else {
		fprintf(stderr, "usage: sd_vmext all|errors|spawn N|levels PID\n");
		return 2;
	}
	if (fd >= 0)
		close(fd);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
