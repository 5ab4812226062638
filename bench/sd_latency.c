// SPDX-License-Identifier: MIT
/*
 * sd_latency.c - what a boost buys: how late a cyclic thread wakes under
 * CPU load, at the default level and after SecondDriver sets it to 15 and
 * to 31.
 *
 * Runs as root inside the test VM, on one vCPU (bench/run.sh --latency
 * boots it). For each load (2, then 8 busy threads at the default level)
 * and each level (the default, untouched; 15, nice -20; 31, SCHED_RR 16),
 * a fresh thread sleeps to absolute 1 ms deadlines (clock_nanosleep,
 * TIMER_ABSTIME) and records how late each wake-up is. Prints p50, p99 and
 * max per case, then judges level 31 against the default for each load:
 * p50 at most 0.7 of the default's, and p99 no worse.
 *
 * Part of level 31's gain at p50 is timer slack: a SCHED_OTHER thread's
 * sleeps may end up to 50 us late by design (PR_SET_TIMERSLACK), a
 * real-time thread's do not.
 *
 * With -w US, the thread also works US microseconds of its own CPU time
 * after each wake-up, as an audio or control loop does: a thread that
 * needs more than its fair share of the CPU on time.
 *
 *   sd_latency [-w US] [WAKEUPS]      default: no work, 2000 wake-ups a case
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

enum { MAX_HOGS = 8, PERIOD_NS = 1000000 };

static int dev_fd = -1;
static volatile int hogs_stop;
static int wakeups = 2000;
static int64_t work_ns;	/* -w: CPU time to use after each wake-up */

static int64_t ns_of(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

static void *hog_main(void *unused)
{
	volatile unsigned long x = 0;

	(void)unused;
	while (!hogs_stop)
		x++;
	return NULL;
}

struct cyclic {
	int level;		/* 0: left at the default */
	int64_t *late_ns;	/* wakeups entries */
	int err;		/* the SET's errno, or 0 */
};

/* Use ns of this thread's own CPU time. */
static void work(int64_t ns)
{
	struct timespec t;
	int64_t until;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	until = ns_of(&t) + ns;
	do
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	while (ns_of(&t) < until);
}

static void *cyclic_main(void *p)
{
	struct cyclic *c = p;
	struct timespec next, now;
	int i;

	if (c->level) {
		ThreadData td = { (sd_u32)syscall(SYS_gettid), c->level };

		if (ioctl(dev_fd, SD_LINUX_IOCTL_SET_PRIORITY, &td)) {
			c->err = errno;
			return NULL;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; i < wakeups; i++) {
		next.tv_nsec += PERIOD_NS;
		if (next.tv_nsec >= 1000000000) {
			next.tv_nsec -= 1000000000;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
		clock_gettime(CLOCK_MONOTONIC, &now);
		c->late_ns[i] = ns_of(&now) - ns_of(&next);
		if (work_ns)
			work(work_ns);
	}
	return NULL;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

struct stats {
	double p50, p99, max;	/* microseconds */
};

/* One case: a fresh cyclic thread at level, its wake-ups' lateness. */
static int one_case(int level, int hogs, struct stats *st)
{
	struct cyclic c = { level, calloc((size_t)wakeups, sizeof(int64_t)), 0 };
	pthread_t t;

	if (!c.late_ns || pthread_create(&t, NULL, cyclic_main, &c)) {
		free(c.late_ns);
		return -1;
	}
	pthread_join(t, NULL);
	if (c.err) {
		fprintf(stderr, "sd_latency: SET to %d: %s\n", level, strerror(c.err));
		free(c.late_ns);
		return -1;
	}
	qsort(c.late_ns, (size_t)wakeups, sizeof(int64_t), cmp64);
	st->p50 = (double)c.late_ns[wakeups / 2] / 1000.0;
	st->p99 = (double)c.late_ns[(wakeups * 99) / 100] / 1000.0;
	st->max = (double)c.late_ns[wakeups - 1] / 1000.0;
	printf("latency: %d hogs, level %s: p50 %.0f us, p99 %.0f us, max %.0f us (%d wake-ups, 1 ms period, %lld us of work each)\n",
	       hogs, level == 31 ? "31 (SCHED_RR 16)" : level == 15 ? "15 (nice -20)" : "default (8, nice 0)",
	       st->p50, st->p99, st->max, wakeups, (long long)(work_ns / 1000));
	free(c.late_ns);
	return 0;
}

int main(int argc, char **argv)
{
	static const int loads[] = { 2, 8 };
	static const int levels[] = { 0, 15, 31 };
	int li, k, i, c, bad = 0, work_us = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt(argc, argv, "w:")) != -1) {
		if (c != 'w')
			goto usage;
		work_us = atoi(optarg);
	}
	if (optind < argc)
		wakeups = atoi(argv[optind++]);
	if (wakeups < 100 || work_us < 0 || work_us >= PERIOD_NS / 1000 || optind < argc)
		goto usage;
	work_ns = (int64_t)work_us * 1000;
	dev_fd = open(SD_LINUX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0) {
		fprintf(stderr, "sd_latency: open %s: %s\n", SD_LINUX_DEVICE_PATH, strerror(errno));
		return 1;
	}
	printf("latency: %ld CPU(s); the load is busy threads at the default level\n",
	       sysconf(_SC_NPROCESSORS_ONLN));
	for (li = 0; li < 2; li++) {
		pthread_t hog[MAX_HOGS];
		struct stats st[3];

		hogs_stop = 0;
		for (i = 0; i < loads[li]; i++) {
			if (pthread_create(&hog[i], NULL, hog_main, NULL)) {
				fprintf(stderr, "sd_latency: cannot start a hog\n");
				return 1;
			}
		}
		usleep(200000);	/* the hogs settle */
		for (k = 0; k < 3; k++) {
			if (one_case(levels[k], loads[li], &st[k]))
				bad = 1;
		}
		hogs_stop = 1;
		for (i = 0; i < loads[li]; i++)
			pthread_join(hog[i], NULL);
		if (bad)
			break;
		printf("latency-judge: %d hogs: level 31's p50 is %.2f of the default's (target <= 0.70: %s); its p99 %.0f us against %.0f us (target: no worse: %s)\n",
		       loads[li], st[2].p50 / st[0].p50, st[2].p50 <= 0.7 * st[0].p50 ? "met" : "MISSED",
		       st[2].p99, st[0].p99, st[2].p99 <= st[0].p99 ? "met" : "MISSED");
	}
	close(dev_fd);
	return bad;
usage:
	fprintf(stderr, "usage: sd_latency [-w US<1000] [WAKEUPS>=100]\n");
	return 2;
}
