// SPDX-License-Identifier: MIT
/*
 * sd_bench.c - SET through /dev/SecondDriver against a direct
 * sched_setattr(2) doing the same change, side by side in one run.
 *
 * Runs as root inside the test VM (bench/run.sh boots it). Every call
 * alternates between two levels, because setting an unchanged value can
 * return early. The ways take turns in short rounds on the same blocked
 * thread, so that drift in the (emulated, shared) machine falls on all of
 * them; the report is the ratio of their totals. Three ways cut short at
 * their first error show where the difference goes. Absolute times here are
 * TCG emulation on a shared host and mean nothing; only ratios are printed
 * as results.
 *
 * Then BATCH: the cost per thread of one request setting N threads, against
 * N single SETs of the same threads, for N = 1, 10, 100 and 1000, every
 * thread really changing its level.
 *
 *   sd_bench [ROUNDS [CALLS_PER_ROUND]]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "seconddriver.h"
#include "sd_map.h"
#include "sd_sched_attr.h"
#include "sd_target.h"

static struct target tgt;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dev_fd = -1;

/* SET through the driver: the whole request. */
static int ioctl_set(int level)
{
	ThreadData td = { (sd_u32)tgt.tid, level };

	return ioctl(dev_fd, SD_LINUX_IOCTL_SET_PRIORITY, &td);
}

/* The same change by the syscall, with the same mapping work per call. */
static int syscall_set(int level)
{
	struct sd_sched_attr a;
	struct sd_sched m;

	if (sd_map_from_level(level, &m))
		return -1;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.sched_policy = m.policy;
	a.sched_nice = m.nice;
	a.sched_priority = m.rt_priority;
	return (int)syscall(SYS_sched_setattr, tgt.tid, &a, 0);
}

/*
 * The ways cut short, to see where the difference goes:
 * - sched_setattr with pid -1 stops at its first check (EINVAL): the
 *   system call's entry and exit only;
 * - an unknown ioctl code (ENOTTY) adds the ioctl system call's own path:
 *   the fd lookup, the LSM's file_ioctl hook, vfs_ioctl, the driver's table;
 * - SET with level 0 (EINVAL) adds the driver's first steps: capable(), the
 *   copy of the 8 bytes, the validation; it stops before the lookup.
 */
static int syscall_einval(int level)
{
	struct sd_sched_attr a = { .size = sizeof(a) };

	(void)level;
	if (syscall(SYS_sched_setattr, -1, &a, 0) == 0 || errno != EINVAL)
		return -1;
	return 0;
}

static int ioctl_enotty(int level)
{
	ThreadData td = { (sd_u32)tgt.tid, level };

	/* SET's number with another size: no such command. */
	if (ioctl(dev_fd, _IOW(SD_LINUX_MAGIC, 0, int), &td) == 0 ||
	    errno != ENOTTY)
		return -1;
	return 0;
}

static int ioctl_einval(int level)
{
	ThreadData td = { (sd_u32)tgt.tid, 0 };

	(void)level;
	if (ioctl(dev_fd, SD_LINUX_IOCTL_SET_PRIORITY, &td) == 0 || errno != EINVAL)
		return -1;
	return 0;
}

struct way {
	const char *name;
	int (*call)(int level);
	double seconds;
};

/* Time calls of one way, alternating levels lo/hi. Returns seconds, or -1. */
static double run(const struct way *w, int lo, int hi, int calls)
{
	double t0 = now();
	int i;

	for (i = 0; i < calls; i++) {
		errno = 0;
		if (w->call((i & 1) ? hi : lo)) {
			fprintf(stderr, "sd_bench: %s did not end as it should (errno: %s)\n",
				w->name, errno ? strerror(errno) : "none, it succeeded");
			return -1;
		}
	}
	return now() - t0;
}

/*
 * All ways take turns in every round, each round starting one further along,
 * so that drift in the machine falls on all of them alike. With no name, a
 * warm-up: nothing is printed.
 */
static int compare(const char *what, int lo, int hi, int rounds, int calls)
{
	struct way ways[] = {
		{ "ioctl SET", ioctl_set, 0 },
		{ "sched_setattr SET", syscall_set, 0 },
		{ "sched_setattr EINVAL", syscall_einval, 0 },
		{ "ioctl ENOTTY", ioctl_enotty, 0 },
		{ "ioctl SET EINVAL", ioctl_einval, 0 },
	};
	const int n = (int)(sizeof(ways) / sizeof(ways[0]));
	double base, entry, vfs, first;
	int r, k;

	for (r = 0; r < rounds; r++) {
		for (k = 0; k < n; k++) {
			struct way *w = &ways[(r + k) % n];
			double t = run(w, lo, hi, calls);

			if (t < 0)
				return -1;
			w->seconds += t;
		}
	}
	if (!what)
		return 0;
	base = ways[1].seconds;
	printf("bench: SET %s, levels %d<->%d, %d calls each way: ioctl/sched_setattr = %.3fx (target <= 1.10x)\n",
	       what, lo, hi, rounds * calls, ways[0].seconds / base);
	/* Each step's cost as a share of one SET by sched_setattr. */
	entry = ways[2].seconds / base;
	vfs = (ways[3].seconds - ways[2].seconds) / base;
	first = (ways[4].seconds - ways[3].seconds) / base;
	printf("bench:   as shares of one sched_setattr SET: system call entry+exit %.3f;"
	       " the ioctl path (fd, LSM hook, vfs_ioctl, table) %.3f;"
	       " capable()+copy+validation %.3f; so the driver's lookup+change"
	       " differs from sched_setattr's by %+.3f\n",
	       entry, vfs, first, ways[0].seconds / base - 1.0 - vfs - first);
	return 0;
}

/* ---- BATCH against single SETs ------------------------------------------- */

enum { BATCH_THREADS = 1000 };
static pthread_t many[BATCH_THREADS];
static pid_t many_tid[BATCH_THREADS];
static int many_pipe[2];
static SdBatchEntry entries[BATCH_THREADS];
static SdBatchResult results[BATCH_THREADS];

/* Blocks on one shared pipe: a blocked thread at SCHED_RR starves no one. */
static void *many_main(void *p)
{
	char c;

	__atomic_store_n((pid_t *)p, gettid_(), __ATOMIC_RELEASE);
	while (read(many_pipe[0], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static int many_start(void)
{
	pthread_attr_t attr;
	int i;

	if (pipe(many_pipe))
		return -1;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < BATCH_THREADS; i++) {
		if (pthread_create(&many[i], &attr, many_main, &many_tid[i]))
			return -1;
	}
	pthread_attr_destroy(&attr);
	for (i = 0; i < BATCH_THREADS; i++) {
		while (!__atomic_load_n(&many_tid[i], __ATOMIC_ACQUIRE))
			usleep(100);
	}
	return 0;
}

static void many_stop(void)
{
	char go[BATCH_THREADS];
	int i;

	memset(go, 'x', sizeof(go));
	if (write(many_pipe[1], go, sizeof(go)) != (ssize_t)sizeof(go))
		perror("many_stop");
	for (i = 0; i < BATCH_THREADS; i++)
		pthread_join(many[i], NULL);
	close(many_pipe[0]);
	close(many_pipe[1]);
}

/* One BATCH setting the first n threads to level; 0, or -1. */
static int batch_once(int n, int level)
{
	struct sd_batch b = { (sd_u64)(uintptr_t)entries, (sd_u64)(uintptr_t)results,
			      (sd_u32)n, 0 };
	int i;

	for (i = 0; i < n; i++)
		entries[i].Priority = level;
	if (ioctl(dev_fd, SD_LINUX_IOCTL_SET_PRIORITY_BATCH, &b))
		return -1;
	for (i = 0; i < n; i++) {
		if (results[i].Status) {
			errno = -results[i].Status;
			return -1;
		}
	}
	return 0;
}

/* n single SETs of the same threads; 0, or -1. */
static int singles_once(int n, int level)
{
	int i;

	for (i = 0; i < n; i++) {
		ThreadData td = { (sd_u32)many_tid[i], level };

		if (ioctl(dev_fd, SD_LINUX_IOCTL_SET_PRIORITY, &td))
			return -1;
	}
	return 0;
}

/*
 * Per-thread cost of BATCH against single SETs, n threads a request, over
 * about `changes` thread changes each way, the two ways taking turns.
 */
static int batch_compare(int n, int lo, int hi, long changes)
{
	long reps = changes / n > 2 ? changes / n : 2, r;
	double tb = 0, ts = 0, t0;
	int i;

	for (i = 0; i < n; i++)
		entries[i] = (SdBatchEntry){ (sd_u32)many_tid[i], 0, 0, 0 };
	/*
	 * Each call sets the threads to the other level, so every thread
	 * changes; which way goes first alternates every other repetition.
	 */
	for (r = 0; r < reps; r++) {
		int k;

		for (k = 0; k < 2; k++) {
			int batch = (k == 0) == !(r & 2), level = k ? hi : lo;

			errno = 0;
			t0 = now();
			if ((batch ? batch_once : singles_once)(n, level))
				goto fail;
			*(batch ? &tb : &ts) += now() - t0;
		}
	}
	printf("bench: BATCH of %d threads, levels %d<->%d, %ld changes each way: per thread, batch/single SET = %.3fx\n",
	       n, lo, hi, reps * n, tb / ts);
	return 0;
fail:
	fprintf(stderr, "sd_bench: BATCH of %d did not end as it should (errno: %s)\n", n,
		errno ? strerror(errno) : "none");
	return -1;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	int calls = argc > 2 ? atoi(argv[2]) : 500;
	int rc = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (rounds < 1 || calls < 2) {
		fprintf(stderr, "usage: sd_bench [ROUNDS>=1 [CALLS>=2]]\n");
		return 2;
	}
	dev_fd = open(SD_LINUX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0) {
		fprintf(stderr, "sd_bench: open %s: %s\n", SD_LINUX_DEVICE_PATH, strerror(errno));
		return 1;
	}
	if (target_start(&tgt)) {
		fprintf(stderr, "sd_bench: cannot start the target thread\n");
		return 1;
	}

	/* A short warm-up of all ways. */
	if (compare(NULL, 20, 21, 1, 2) ||
	    compare("real-time (SCHED_RR)", 20, 21, rounds, calls) ||
	    compare("time-sharing (nice)", 5, 6, rounds, calls))
		rc = 1;
	if (many_start()) {
		fprintf(stderr, "sd_bench: cannot start %d target threads\n", BATCH_THREADS);
		rc = 1;
	} else {
		static const int sizes[] = { 1, 10, 100, 1000 };
		long changes = (long)rounds * calls;
		size_t i;

		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]) && !rc; i++)
			rc = batch_compare(sizes[i], 20, 21, changes) ? 1 : 0;
		many_stop();
	}

	target_stop(&tgt);
	close(dev_fd);
	return rc;
}
