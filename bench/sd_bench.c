// SPDX-License-Identifier: MIT
/*
 * sd_bench.c - SET through /dev/SecondDriver against a direct
 * sched_setattr(2) doing the same change, side by side in one run.
 *
 * Runs as root inside the test VM (bench/run.sh boots it). Every changing
 * call alternates between two levels, because setting an unchanged value
 * can return early; the unchanged ways measure that early return on
 * purpose. The ways take turns in short rounds on the same blocked thread,
 * so that drift in the machine falls on all of them; the report is the
 * ratio of their totals. Booted with QEMU's -icount shift=0,sleep=off, the
 * guest clock advances 1 ns per guest instruction, so the ratios are of
 * instructions and repeat from run to run; under plain TCG they are of
 * emulated wall time on a shared host, and scatter. Only ratios are
 * printed.
 *
 * Then BATCH: the cost per thread of one request setting N threads, against
 * N single SETs of the same threads, for N = 1, 10, 100 and 1000, every
 * thread really changing its level.
 *
 *   sd_bench [-c icount|wall] [-s] [-l LABEL] [ROUNDS [CALLS_PER_ROUND]]
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
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "seconddriver.h"
#include "sd_map.h"
#include "sd_sched_attr.h"
#include "sd_target.h"

static struct target tgt;
static int icount;	/* the guest clock counts instructions */

/*
 * Under icount, this thread's CPU time: the instructions it ran, in user
 * space and in the kernel on its behalf (with the timer interrupts that
 * land on it: Debian's kernel has no IRQ_TIME_ACCOUNTING). Not the
 * monotonic clock, which under -icount sleep=off jumps to the next timer
 * whenever the guest idles: a request that waits would count its wait as
 * instructions. Under plain TCG, the monotonic clock.
 */
static double now(void)
{
	struct timespec ts;

	clock_gettime(icount ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
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
 * The same SETs to the level the thread has already: the driver's lean
 * path skips the scheduler call (docs/SPEC.md 9.4, step 5a); the system
 * call still takes the runqueue lock before it finds nothing to do.
 */
static int same_level;

static int ioctl_unchanged(int level)
{
	(void)level;
	return ioctl_set(same_level);
}

static int syscall_unchanged(int level)
{
	(void)level;
	return syscall_set(same_level);
}

/*
 * The floor of any ioctl design: an unknown code (ENOTTY) costs the ioctl
 * system call's own path (the file lookup, the LSM's file_ioctl hook,
 * vfs_ioctl, the driver's table) and nothing of the driver's work.
 */
static int ioctl_enotty(int level)
{
	ThreadData td = { (sd_u32)tgt.tid, level };

	/* SET's number with another size: no such command. */
	if (ioctl(dev_fd, _IOW(SD_LINUX_MAGIC, 0, int), &td) == 0 ||
	    errno != ENOTTY)
		return -1;
	return 0;
}

/*
 * The kernel's part of that floor: the same request to a device with no
 * ioctl handler at all (/dev/null: vfs_ioctl answers ENOTTY), so the system
 * call's path and the LSM hook without anything of the driver's. ENOTTY
 * less this is the driver's own floor: its table and its log's record.
 */
static int null_fd = -1;

static int ioctl_enotty_nodriver(int level)
{
	ThreadData td = { (sd_u32)tgt.tid, level };

	if (ioctl(null_fd, _IOW(SD_LINUX_MAGIC, 0, int), &td) == 0 || errno != ENOTTY)
		return -1;
	return 0;
}

struct way {
	const char *name;
	int (*call)(int level);
	double seconds;	/* all rounds */
	double best;	/* the fewest in one round */
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
 * What every result line ends with: the kernel, the active LSMs (Debian
 * 12's TOMOYO hooks every ioctl) and what the clock counted.
 */
static char tail[512];
static int targets;	/* the targets are set for 6.1 only */

static const char *judge(double x, double target)
{
	if (!targets)
		return "no target on this kernel";
	return x <= target ? "met" : "MISSED";
}

/*
 * All ways take turns in every round, each round starting one further along,
 * so that drift in the machine falls on all of them alike. With no name, a
 * warm-up: nothing is printed. calls is even, so a changing way leaves the
 * thread at hi, the level the unchanged ways set again.
 */
static int compare(const char *what, int lo, int hi, int rounds, int calls, int set_only)
{
	struct way ways[] = {
		{ "ioctl SET", ioctl_set, 0, 0 },
		{ "sched_setattr SET", syscall_set, 0, 0 },
		{ "ioctl SET, unchanged", ioctl_unchanged, 0, 0 },
		{ "sched_setattr SET, unchanged", syscall_unchanged, 0, 0 },
		{ "ioctl ENOTTY", ioctl_enotty, 0, 0 },
		{ "ioctl ENOTTY, no driver", ioctl_enotty_nodriver, 0, 0 },
	};
	const int n = set_only ? 2 : (int)(sizeof(ways) / sizeof(ways[0]));
	double base, x;
	int r, k;

	same_level = hi;
	if (ioctl_set(hi))
		return -1;
	for (r = 0; r < rounds; r++) {
		for (k = 0; k < n; k++) {
			struct way *w = &ways[(r + k) % n];
			double t = run(w, lo, hi, calls);

			if (t < 0)
				return -1;
			w->seconds += t;
			if (r == 0 || t < w->best)
				w->best = t;
		}
	}
	if (!what)
		return 0;
	/*
	 * Under icount, each way's fewest instructions in one round: a round
	 * that a timer interrupt landed in counts the interrupt's instructions
	 * too, and which way's rounds they land in differs from boot to boot.
	 */
	if (icount) {
		for (k = 0; k < n; k++)
			ways[k].seconds = ways[k].best * rounds;
	}
	base = ways[1].seconds;
	x = ways[0].seconds / base;
	printf("bench: SET %s, levels %d<->%d, %d calls each way: ioctl/sched_setattr = %.3fx (target <= 1.10x: %s) [%s]\n",
	       what, lo, hi, rounds * calls, x, judge(x, 1.10), tail);
	if (set_only)
		return 0;
	x = ways[2].seconds / base;
	printf("bench: SET %s, level %d again (unchanged), %d calls each way: ioctl/sched_setattr changing = %.3fx (target <= 0.75x: %s); against sched_setattr unchanged %.3fx [%s]\n",
	       what, hi, rounds * calls, x, judge(x, 0.75), ways[2].seconds / ways[3].seconds, tail);
	printf("bench: the floor, %s: an ioctl refused at once (ENOTTY)/sched_setattr SET = %.3fx, of which the kernel's (the same ioctl to /dev/null, which has no handler) %.3fx and the driver's (its table and its log's record) %.3fx [%s]\n",
	       what, ways[4].seconds / base, ways[5].seconds / base,
	       (ways[4].seconds - ways[5].seconds) / base, tail);
	/* Under icount, 1 ns of guest time is one instruction: a count, not a time. */
	if (icount)
		printf("icount: %s, instructions per call: ioctl SET %.0f, sched_setattr SET %.0f, ioctl SET unchanged %.0f, sched_setattr unchanged %.0f, ioctl ENOTTY %.0f, ioctl ENOTTY to /dev/null %.0f\n",
		       what, ways[0].seconds * 1e9 / (rounds * calls), base * 1e9 / (rounds * calls),
		       ways[2].seconds * 1e9 / (rounds * calls), ways[3].seconds * 1e9 / (rounds * calls),
		       ways[4].seconds * 1e9 / (rounds * calls), ways[5].seconds * 1e9 / (rounds * calls));
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
	 * Untimed, once each way, ending at hi: every thread is at a real-time
	 * level, so watched, before the first timed call. Otherwise that call
	 * (a BATCH) would begin the watches of the threads a smaller N left
	 * alone, and pay for them alone: 900 of them at N = 1000.
	 */
	errno = 0;
	if (singles_once(n, lo) || batch_once(n, hi))
		goto fail;
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
	if (icount)
		printf("icount: BATCH of %d, instructions per thread: batch %.0f, single SETs %.0f\n",
		       n, tb * 1e9 / (reps * n), ts * 1e9 / (reps * n));
	if (n == 1)
		printf("bench: BATCH of %d thread, levels %d<->%d, %ld changes each way: per thread, batch/single SET = %.3fx (no target) [%s]\n",
		       n, lo, hi, reps * n, tb / ts, tail);
	else
		printf("bench: BATCH of %d threads, levels %d<->%d, %ld changes each way: per thread, batch/single SET = %.3fx (target <= %.2fx: %s) [%s]\n",
		       n, lo, hi, reps * n, tb / ts, n >= 100 ? 0.55 : 0.65,
		       judge(tb / ts, n >= 100 ? 0.55 : 0.65), tail);
	return 0;
fail:
	fprintf(stderr, "sd_bench: BATCH of %d did not end as it should (errno: %s)\n", n,
		errno ? strerror(errno) : "none");
	return -1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: sd_bench [-c CLOCK] [-s] [-l LABEL] [ROUNDS>=1 [CALLS>=2, even]]\n"
		"  -c CLOCK  what the clock counts, for the result lines: icount (guest\n"
		"            instructions, QEMU -icount shift=0) or wall (plain TCG)\n"
		"  -s        SET against sched_setattr only (no unchanged, floor or BATCH)\n"
		"  -l LABEL  a word on every result line (bench/run.sh: \"log off\")\n");
}

/* The kernel's release and its active LSMs, for every line. */
static void describe(const char *clock, const char *label)
{
	struct utsname u;
	char lsm[256] = "unknown (securityfs not mounted)";
	FILE *f = fopen("/sys/kernel/security/lsm", "r");

	if (f) {
		if (!fgets(lsm, sizeof(lsm), f))
			snprintf(lsm, sizeof(lsm), "none");
		fclose(f);
	}
	uname(&u);
	targets = strncmp(u.release, "6.1.", 4) == 0;
	icount = strcmp(clock, "icount") == 0;
	snprintf(tail, sizeof(tail), "%s%s%s; kernel %s; LSMs %s",
		 strcmp(clock, "icount") ? "wall-time ratio, plain TCG" :
		 "instruction ratio, QEMU icount",
		 label ? "; " : "", label ? label : "", u.release, lsm);
}

int main(int argc, char **argv)
{
	const char *clock = "wall", *label = NULL;
	int rounds = 20, calls = 500, set_only = 0, rc = 0, c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt(argc, argv, "c:sl:")) != -1) {
		switch (c) {
		case 'c':
			clock = optarg;
			break;
		case 's':
			set_only = 1;
			break;
		case 'l':
			label = optarg;
			break;
		default:
			usage();
			return 2;
		}
	}
	if (optind < argc)
		rounds = atoi(argv[optind++]);
	if (optind < argc)
		calls = atoi(argv[optind++]);
	if (rounds < 1 || calls < 2 || (calls & 1) || optind < argc ||
	    (strcmp(clock, "icount") && strcmp(clock, "wall"))) {
		usage();
		return 2;
	}
	describe(clock, label);
	dev_fd = open(SD_LINUX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0) {
		fprintf(stderr, "sd_bench: open %s: %s\n", SD_LINUX_DEVICE_PATH, strerror(errno));
		return 1;
	}
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0) {
		fprintf(stderr, "sd_bench: open /dev/null: %s\n", strerror(errno));
		return 1;
	}
	if (target_start(&tgt)) {
		fprintf(stderr, "sd_bench: cannot start the target thread\n");
		return 1;
	}

	/* A short warm-up of all ways. */
	if (compare(NULL, 20, 21, 1, 2, 0) ||
	    compare("real-time (SCHED_RR)", 20, 21, rounds, calls, set_only) ||
	    compare("time-sharing (nice)", 5, 6, rounds, calls, set_only))
		rc = 1;
	if (set_only) {
		/* nothing more */
	} else if (many_start()) {
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
