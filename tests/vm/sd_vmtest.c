// SPDX-License-Identifier: MIT
/*
 * sd_vmtest.c - the Linux twin's tests, run as root inside the QEMU VM
 * (tests/vm/init.sh starts it; tests/vm/run.sh boots the VM).
 *
 *   sd_vmtest all            levels 1..31, kernel threads, errors,
 *                            references, privilege (64-bit build)
 *   sd_vmtest errors         the error suite alone (the 32-bit build runs it,
 *                            so the kernel's compat_ioctl path is exercised)
 *   sd_vmtest nsprobe TID    run under `unshare -p -f`: TID is a thread of the
 *                            parent pid namespace, which must not be found
 *   sd_vmtest show TID       print "policy nice rt_priority" of a thread
 *
 * Expected values are the spec's table (docs/SPEC.md 9.3), typed here, and
 * every change is read back twice: sched_getattr(2) and /proc's stat file.
 * Target threads block on a pipe: a spinning SCHED_RR thread would starve
 * the VM's one CPU.
 *
 * Prints "PASS name" / "FAIL name: why" and ends with "N passed, N failed".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seconddriver.h"
#include "sd_target.h"
#include "sd_vmlib.h"

static int dev_open(void)
{
	return open(SD_LINUX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
}

/* One raw request. Returns 0 or the errno. */
static int raw(int fd, unsigned long cmd, const void *arg)
{
	return ioctl(fd, cmd, arg) == 0 ? 0 : errno;
}

static int set_level(int fd, pid_t tid, int level)
{
	ThreadData td = { (sd_u32)tid, level };

	return raw(fd, SD_LINUX_IOCTL_SET_PRIORITY, &td);
}

/*
 * pthread_join() returns when the exiting thread clears its tid, which is
 * before the kernel releases the thread's pid: in between, the thread is
 * still found. Wait for /proc/self/task/TID to go, the same lookup the
 * driver makes. 0 once gone; -1 after two seconds.
 */
static int wait_reaped(pid_t tid)
{
	char path[64];
	int i;

	snprintf(path, sizeof(path), "/proc/self/task/%d", tid);
	for (i = 0; i < 2000; i++) {
		if (access(path, F_OK) && errno == ENOENT)
			return 0;
		usleep(1000);
	}
	return -1;
}

/* --- suites -------------------------------------------------------------- */

static void suite_levels(int fd)
{
	struct target a, b;
	char why[256] = "";
	int level, ok = 1;

	if (target_start(&a) || target_start(&b)) {
		result(0, "levels: cannot start target threads");
		return;
	}
	for (level = SD_PRIORITY_MIN; level <= SD_PRIORITY_MAX && ok; level++) {
		int err = set_level(fd, a.tid, level);

		if (err) {
			snprintf(why, sizeof(why), "level %d: %s", level, strerror(err));
			ok = 0;
		} else {
			ok = at_level(0, a.tid, level, why, sizeof(why));
		}
	}
	result(ok, "levels: every level 1..31 set on a thread reads back as the table says%s%s",
	       ok ? "" : ": ", why);

	why[0] = 0;
	result(at_level(0, b.tid, 8, why, sizeof(why)) &&
	       at_level(0, gettid_(), 8, why, sizeof(why)),
	       "levels: the sibling thread and the main thread stay at level 8 (SCHED_OTHER, nice 0)%s%s",
	       why[0] ? ": " : "", why);

	/* The same thread again, across the policy boundary both ways. */
	why[0] = 0;
	ok = set_level(fd, a.tid, 31) == 0 && at_level(0, a.tid, 31, why, sizeof(why)) &&
	     set_level(fd, a.tid, 1) == 0 && at_level(0, a.tid, 1, why, sizeof(why)) &&
	     set_level(fd, a.tid, 16) == 0 && at_level(0, a.tid, 16, why, sizeof(why)) &&
	     set_level(fd, a.tid, 15) == 0 && at_level(0, a.tid, 15, why, sizeof(why));
	result(ok, "levels: 31 -> 1 -> 16 -> 15 crosses SCHED_RR/SCHED_OTHER both ways%s%s",
	       ok ? "" : ": ", why);

	target_stop(&a);
	target_stop(&b);
}

/* The pid of the kernel thread whose comm is name, or -1. */
static pid_t find_comm(const char *name)
{
	char path[64], comm[64];
	pid_t pid;

	for (pid = 2; pid < 200; pid++) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f)) {
			comm[strcspn(comm, "\n")] = 0;
			if (!strcmp(comm, name)) {
				fclose(f);
				return pid;
			}
		}
		fclose(f);
	}
	return -1;
}

/* /proc/sys/kernel/pid_max, or -1. */
static int read_pid_max(void)
{
	FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
	int n = -1;

	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* 1 if the kernel log holds the text. */
static int klog_has(const char *text)
{
	static char buf[1 << 20];
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, (int)sizeof(buf) - 1);

	if (n < 0)
		return 0;
	buf[n] = 0;
	return strstr(buf, text) != NULL;
}

/*
 * Kernel threads are refused with EPERM (docs/SPEC.md 9.4), before the
 * scheduler is asked: kthreadd (pid 2), and the stop task (migration/0),
 * which the scheduler itself would refuse with EINVAL. The module's log
 * says why, and neither thread changes.
 */
static void suite_kernel_threads(int fd)
{
	static const char *const names[] = { "kthreadd", "migration/0" };
	struct sched_now before, after;
	char line[96];
	size_t i;
	int err;

	for (i = 0; i < 2; i++) {
		pid_t pid = find_comm(names[i]);

		if (pid < 0 || get_sched(0, pid, &before)) {
			result(0, "kernel threads: cannot find %s", names[i]);
			continue;
		}
		err = set_level(fd, pid, i ? 20 : 8);
		get_sched(0, pid, &after);
		snprintf(line, sizeof(line), "set: thread %d is a kernel thread", pid);
		result(err == EPERM && klog_has(line),
		       "kernel threads: %s (pid %d) is refused with EPERM (got %s), logged as \"%s\"",
		       names[i], pid, err ? strerrorname_np(err) : "0", line);
		result(after.policy == before.policy && after.rt == before.rt &&
		       after.nice == before.nice,
		       "kernel threads: and %s is unchanged (policy %d, nice %d, rt %d)",
		       names[i], after.policy, after.nice, after.rt);
	}
}

/*
 * Every path drops what it takes. A request that kept its task_struct or
 * struct pid reference would keep the object forever: N short-lived threads,
 * each set once and asked for again after it has gone, would leave N objects
 * behind. SLUB's count is approximate (objects in per-CPU slabs count as in
 * use) and frees wait for RCU, so the bound is N/4, polled for three seconds.
 */
static void suite_references(int fd)
{
	enum { N = 400 };
	static const char *const caches[] = { "task_struct", "pid" };
	long before[2], now[2];
	int i, k, bad = 0;

	for (k = 0; k < 2; k++)
		before[k] = slab_in_use(caches[k]);
	for (i = 0; i < N; i++) {
		struct target t;
		pid_t tid;

		if (target_start(&t)) {
			bad++;
			break;
		}
		tid = t.tid;
		if (set_level(fd, tid, (i & 1) ? 5 : 20))
			bad++;
		target_stop(&t);
		if (wait_reaped(tid) || set_level(fd, tid, 5) != ESRCH)
			bad++;
	}
	result(bad == 0, "references: %d short-lived threads each set, then not found once gone (%d went wrong)",
	       N, bad);
	for (i = 0; i < 30; i++) {
		for (k = 0; k < 2; k++)
			now[k] = slab_in_use(caches[k]);
		if (now[0] - before[0] < N / 4 && now[1] - before[1] < N / 4)
			break;
		usleep(100000);
	}
	for (k = 0; k < 2; k++)
		result(before[k] >= 0 && now[k] - before[k] < N / 4,
		       "references: %s objects in use %ld -> %ld after the %d requests (a kept reference leaves one each)",
		       caches[k], before[k], now[k], N);
}

static void expect(int got, int want, const char *what)
{
	result(got == want, "errors: %s -> %s (got %s)", what,
	       want ? strerrorname_np(want) : "0", got ? strerrorname_np(got) : "0");
}

static void suite_errors(int fd)
{
	struct target t, gone;
	char why[256] = "";
	static const int bad_levels[] = { 0, 32, -1, INT_MIN, INT_MAX };
	ThreadData td;
	size_t i;
	long page = sysconf(_SC_PAGESIZE);
	char *map;

	if (target_start(&t) || target_start(&gone)) {
		result(0, "errors: cannot start target threads");
		return;
	}

	/* The compat path works for a good request too. */
	result(set_level(fd, t.tid, 20) == 0 && at_level(0, t.tid, 20, why, sizeof(why)),
	       "errors: a good request through this ABI sets level 20%s%s", why[0] ? ": " : "", why);
	why[0] = 0;

	for (i = 0; i < sizeof(bad_levels) / sizeof(bad_levels[0]); i++) {
		char what[64];

		snprintf(what, sizeof(what), "priority %d", bad_levels[i]);
		expect(set_level(fd, t.tid, bad_levels[i]), EINVAL, what);
	}
	result(at_level(0, t.tid, 20, why, sizeof(why)),
	       "errors: refused priorities left the thread at level 20%s%s", why[0] ? ": " : "", why);

	expect(set_level(fd, 0x3ffffff0, 5), ESRCH, "a thread id that does not exist");
	expect(set_level(fd, 0, 5), ESRCH, "thread id 0");
	td.ThreadId = 0xffffffffu;
	td.Priority = 5;
	expect(raw(fd, SD_LINUX_IOCTL_SET_PRIORITY, &td), ESRCH, "thread id 0xffffffff");
	{
		pid_t tid = gone.tid;

		target_stop(&gone);
		if (wait_reaped(tid))
			result(0, "errors: thread %d did not go after its exit", tid);
		else
			expect(set_level(fd, tid, 5), ESRCH, "a thread that has exited");
	}
	{
		/* In range, so it reaches find_get_pid(), which finds nothing. */
		pid_t unused = read_pid_max() - 1;
		char what[96];

		snprintf(what, sizeof(what), "an unused thread id below pid_max (%d)", unused);
		if (unused < 2 || !kill(unused, 0) || errno != ESRCH)
			result(0, "errors: cannot find an unused thread id (pid_max - 1 = %d)", unused);
		else
			expect(set_level(fd, unused, 5), ESRCH, what);
	}

	expect(lseek(fd, 8, SEEK_SET) < 0 ? errno : 0, ESPIPE, "lseek on the device");
	expect(raw(fd, SD_LINUX_IOCTL_SET_PRIORITY, NULL), EFAULT, "a NULL buffer");
	expect(raw(fd, SD_LINUX_IOCTL_SET_PRIORITY, (void *)1), EFAULT, "buffer pointer 1");
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED || munmap(map + page, page)) {
		result(0, "errors: cannot map the straddle pages");
	} else {
		ThreadData *straddle = (ThreadData *)(map + page - 4);

		straddle->ThreadId = (sd_u32)t.tid;	/* the first half is readable */
		expect(raw(fd, SD_LINUX_IOCTL_SET_PRIORITY, straddle), EFAULT,
		       "a ThreadData straddling an unmapped page");
		munmap(map, page);
	}
	if (sizeof(void *) == 8)
		expect(raw(fd, SD_LINUX_IOCTL_SET_PRIORITY, (void *)(uintptr_t)0xffffffff81000000ull),
		       EFAULT, "a kernel address");
	else
		printf("# [32-bit] a kernel address does not fit a 32-bit pointer: not sent\n");

	td.ThreadId = (sd_u32)t.tid;
	td.Priority = 5;
	expect(raw(fd, _IOW(SD_LINUX_MAGIC, 0x7f, ThreadData), &td), ENOTTY, "an unknown nr");
	expect(raw(fd, _IOC(_IOC_WRITE, SD_LINUX_MAGIC, 0, 4), &td), ENOTTY,
	       "SET's nr with a 4-byte size");
	expect(raw(fd, _IOR(SD_LINUX_MAGIC, 0, ThreadData), &td), ENOTTY,
	       "SET's nr and size, read direction");
	expect(raw(fd, _IOW('x', 0, ThreadData), &td), ENOTTY, "another magic byte");
	expect(raw(fd, 0x80002003u, &td), ENOTTY, "the Windows code 0x80002003");

	/* The order of the checks: validation before lookup. */
	expect(set_level(fd, 0x3ffffff0, 0), EINVAL, "a bad priority and a missing thread");
	result(at_level(0, t.tid, 20, why, sizeof(why)),
	       "errors: no refused request changed the thread%s%s", why[0] ? ": " : "", why);
	target_stop(&t);
}

/* Run fn in a child process; returns its exit status, or -1. */
static int in_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(arg));
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int open_as_nobody(void *unused)
{
	(void)unused;
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return 100;
	return dev_open() < 0 ? errno : 0;
}

static int capset_nice(int drop)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	if (drop) {
		d[CAP_TO_INDEX(CAP_SYS_NICE)].effective &= ~CAP_TO_MASK(CAP_SYS_NICE);
		d[CAP_TO_INDEX(CAP_SYS_NICE)].permitted &= ~CAP_TO_MASK(CAP_SYS_NICE);
	}
	return (int)syscall(SYS_capset, &h, d);
}

struct nocap_arg {
	pid_t tid;
	int level;	/* for keeps_power: the level to set after the drop */
};

/*
 * Without CAP_SYS_NICE: open() for writing is refused with EPERM, before
 * any request (docs/SPEC.md 9.4). A read-only open still works and reads
 * (GET), and a SET through it gets EBADF. Returns 0 when all that held,
 * else the step that did not: 100 + n, or the errno of a wrong answer.
 */
static int open_without_cap_sys_nice(void *p)
{
	struct nocap_arg *a = p;
	ThreadData td = { (sd_u32)a->tid, 31 };
	SdGetPriority q = { (sd_u32)a->tid, 0 };
	int fd, err;

	if (capset_nice(1))
		return 101;
	if (open(SD_LINUX_DEVICE_PATH, O_RDWR | O_CLOEXEC) >= 0)
		return 102;
	if (errno != EPERM)
		return errno;
	if (open(SD_LINUX_DEVICE_PATH, O_WRONLY | O_CLOEXEC) >= 0 || errno != EPERM)
		return 103;
	fd = open(SD_LINUX_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 104;
	if (raw(fd, SD_LINUX_IOCTL_GET_PRIORITY, &q) || q.Level != 8)
		return 105;
	err = raw(fd, SD_LINUX_IOCTL_SET_PRIORITY, &td);
	return err == EBADF ? 0 : 106;
}

/*
 * A file opened for writing with CAP_SYS_NICE keeps its power after the
 * capability is dropped, as a file opened with it should (docs/SPEC.md
 * 9.4). Returns the SET's errno, or 100 + n for a step before it.
 */
static int keeps_power(void *p)
{
	struct nocap_arg *a = p;
	int fd = dev_open();

	if (fd < 0)
		return 100;
	if (capset_nice(1))
		return 101;
	if (open(SD_LINUX_DEVICE_PATH, O_RDWR | O_CLOEXEC) >= 0 || errno != EPERM)
		return 102;	/* the drop took: a new open is refused */
	return set_level(fd, a->tid, a->level);
}

static void suite_privilege(void)
{
	struct nocap_arg a;
	struct target t;
	char why[256] = "";
	int rc;

	rc = in_child(open_as_nobody, NULL);
	result(rc == EACCES, "privilege: an unprivileged user (uid 65534) cannot open %s (%s)",
	       SD_LINUX_DEVICE_PATH, rc > 0 && rc < 100 ? strerrorname_np(rc) : "setup failed or opened");

	if (target_start(&t)) {
		result(0, "privilege: cannot start a target thread");
		return;
	}
	a.tid = t.tid;
	a.level = 0;
	rc = in_child(open_without_cap_sys_nice, &a);
	result(rc == 0,
	       "privilege: root without CAP_SYS_NICE (capset): open() for reading and writing, or writing, gets EPERM; read-only opens, GETs (8), and a SET on it gets EBADF (child status %d)",
	       rc);
	result(at_level(0, t.tid, 8, why, sizeof(why)),
	       "privilege: and the thread is unchanged%s%s", why[0] ? ": " : "", why);
	a.level = 20;
	rc = in_child(keeps_power, &a);
	result(rc == 0 && at_level(0, t.tid, 20, why, sizeof(why)),
	       "privilege: a file opened with CAP_SYS_NICE keeps its power after capset drops it: SET 20 succeeds (child status %d)%s%s",
	       rc, why[0] ? ": " : "", why);
	target_stop(&t);
}

static int nsprobe(int fd, pid_t outside)
{
	struct sched_now before, after;
	int err;

	if (getpid() != 1) {
		result(0, "namespace: nsprobe must run as pid 1 of a new pid namespace (is %d)", getpid());
		return 1;
	}
	if (read_stat(0, outside, &before)) {
		result(0, "namespace: cannot read /proc/%d/stat", outside);
		return 1;
	}
	err = set_level(fd, outside, 31);
	expect(err, ESRCH, "a thread id of the parent pid namespace, from inside a child one");
	read_stat(0, outside, &after);
	result(after.st_policy == before.st_policy && after.st_nice == before.st_nice &&
	       after.st_rt == before.st_rt,
	       "namespace: the outside thread %d is unchanged", outside);
	/*
	 * Its own thread id, 1 here, names this process, not the VM's init.
	 * Read back with sched_getattr(0): /proc is the parent namespace's.
	 */
	err = set_level(fd, 1, 10);
	{
		struct sd_sched_attr a;
		long rc;

		memset(&a, 0, sizeof(a));
		rc = syscall(SYS_sched_getattr, 0, &a, sizeof(a), 0);
		result(err == 0 && rc == 0 &&
		       a.sched_policy == SCHED_OTHER && a.sched_nice == spec_nice[10],
		       "namespace: thread id 1 inside the namespace is the caller itself (%s, nice %d)",
		       err ? strerror(err) : "ok", a.sched_nice);
	}
	return 0;
}

static int show(pid_t tid)
{
	struct sched_now s;

	if (get_sched(0, tid, &s)) {
		fprintf(stderr, "sd_vmtest: cannot read thread %d\n", tid);
		return 1;
	}
	printf("%d %d %d\n", s.policy, s.nice, s.rt);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "all";
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "show") && argc == 3)
		return show(atoi(argv[2]));

	fd = dev_open();
	if (fd < 0) {
		result(0, "open %s: %s", SD_LINUX_DEVICE_PATH, strerror(errno));
	} else if (!strcmp(mode, "all")) {
		suite_levels(fd);
		suite_kernel_threads(fd);
		suite_errors(fd);
		suite_references(fd);
		suite_privilege();
	} else if (!strcmp(mode, "errors")) {
		suite_errors(fd);
	} else if (!strcmp(mode, "nsprobe") && argc == 3) {
		nsprobe(fd, atoi(argv[2]));
	} else {
		fprintf(stderr, "usage: sd_vmtest all|errors|nsprobe TID|show TID\n");
		return 2;
	}
	if (fd >= 0)
		close(fd);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
