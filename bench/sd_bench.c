// SPDX-License-Identifier: MIT
/*
 * sd_bench.c - SET through /dev/SecondDriver against a direct
 * sched_setattr(2) doing the same change, side by side in one run.
 *
 * Runs as root inside the test VM (bench/run.sh boots it). Every call
 * alternates between two levels, because setting an unchanged value can
 * return early. The two ways take turns in short rounds on the same
 * blocked thread, so that drift in the (emulated, shared) machine falls on
 * both; the report is the ratio of their totals. Absolute times here are
 * TCG emulation on a shared host and mean nothing; only ratios are printed
 * as results.
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

static int block_pipe[2];
static pid_t target_tid;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;

static void *target(void *unused)
{
	char c;

	(void)unused;
	pthread_mutex_lock(&lock);
	target_tid = (pid_t)syscall(SYS_gettid);
	pthread_cond_signal(&ready);
	pthread_mutex_unlock(&lock);
	while (read(block_pipe[0], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int via_ioctl(int fd, int level)
{
	ThreadData td = { (sd_u32)target_tid, level };

	return ioctl(fd, SD_LINUX_IOCTL_SET_PRIORITY, &td);
}

static int via_syscall(int level)
{
	struct sd_sched_attr a;
	struct sd_sched m;

	/* The same work the module does per call: map, then set. */
	if (sd_map_from_level(level, &m))
		return -1;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.sched_policy = m.policy;
	a.sched_nice = m.nice;
	a.sched_priority = m.rt_priority;
	return (int)syscall(SYS_sched_setattr, target_tid, &a, 0);
}

/* Time calls of one way, alternating levels lo/hi. Returns seconds, or -1. */
static double run(int fd, int lo, int hi, int calls)
{
	double t0 = now();
	int i;

	for (i = 0; i < calls; i++) {
		int level = (i & 1) ? hi : lo;
		int rc = fd >= 0 ? via_ioctl(fd, level) : via_syscall(level);

		if (rc) {
			fprintf(stderr, "sd_bench: call failed: %s\n", strerror(errno));
			return -1;
		}
	}
	return now() - t0;
}

static int compare(int fd, const char *what, int lo, int hi, int rounds, int calls)
{
	double t_ioctl = 0, t_sys = 0, a, b;
	int r;

	for (r = 0; r < rounds; r++) {
		/* Alternate which way goes first in a round. */
		if (r & 1) {
			b = run(-1, lo, hi, calls);
			a = run(fd, lo, hi, calls);
		} else {
			a = run(fd, lo, hi, calls);
			b = run(-1, lo, hi, calls);
		}
		if (a < 0 || b < 0)
			return -1;
		t_ioctl += a;
		t_sys += b;
	}
	printf("bench: SET %s, levels %d<->%d, %d calls each way: ioctl/sched_setattr = %.3fx (target <= 1.10x)\n",
	       what, lo, hi, rounds * calls, t_ioctl / t_sys);
	return 0;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	int calls = argc > 2 ? atoi(argv[2]) : 500;
	pthread_t t;
	int fd, rc = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (rounds < 1 || calls < 2) {
		fprintf(stderr, "usage: sd_bench [ROUNDS>=1 [CALLS>=2]]\n");
		return 2;
	}
	fd = open(SD_LINUX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "sd_bench: open %s: %s\n", SD_LINUX_DEVICE_PATH, strerror(errno));
		return 1;
	}
	if (pipe(block_pipe) || pthread_create(&t, NULL, target, NULL)) {
		fprintf(stderr, "sd_bench: cannot start the target thread\n");
		return 1;
	}
	pthread_mutex_lock(&lock);
	while (!target_tid)
		pthread_cond_wait(&ready, &lock);
	pthread_mutex_unlock(&lock);

	/* Warm both paths once. */
	if (run(fd, 20, 21, 2) < 0 || run(-1, 20, 21, 2) < 0)
		rc = 1;
	if (!rc && compare(fd, "real-time (SCHED_RR)", 20, 21, rounds, calls))
		rc = 1;
	if (!rc && compare(fd, "time-sharing (nice)", 5, 6, rounds, calls))
		rc = 1;
	printf("bench: batch of 1000 vs 1000 single calls: not measured; the contract has no batch IOCTL yet\n");

	if (write(block_pipe[1], "x", 1) != 1)
		rc = 1;
	pthread_join(t, NULL);
	close(fd);
	return rc;
}
