/* SPDX-License-Identifier: MIT */
/*
 * sd_vmlib.h - what the VM's test programs share (tests/vm/sd_vmtest.c,
 * tests/vm/sd_stress.c): the PASS/FAIL lines, SPEC 9.3's table typed by
 * hand, and a thread's scheduling read back two ways, through
 * sched_getattr(2) and from /proc's stat file.
 *
 * Each program includes it once, after defining _GNU_SOURCE; its functions
 * are static.
 */
#ifndef SD_VMLIB_H
#define SD_VMLIB_H

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sd_sched_attr.h"

static int passed, failed;
static const char *bits = sizeof(void *) == 8 ? "64-bit" : "32-bit";

static void result(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s [%s] ", ok ? "PASS" : "FAIL", bits);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		passed++;
	else
		failed++;
}

/* CLOCK_MONOTONIC, in microseconds. */
static inline long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* RT throttling: writes /proc/sys/kernel/sched_rt_runtime_us (-1: off). 0 or -1. */
static inline int set_rt_runtime(const char *value)
{
	FILE *f = fopen("/proc/sys/kernel/sched_rt_runtime_us", "w");

	if (!f)
		return -1;
	if (fprintf(f, "%s\n", value) < 0) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

/* The spec's table, by hand: level -> (policy, nice, rt priority). */
static const int spec_nice[16] = {
	0, 19, 18, 15, 12, 9, 6, 3, 0, -3, -6, -9, -12, -15, -18, -20
};

struct sched_now {
	int policy, nice, rt;		/* from sched_getattr */
	int st_policy, st_nice, st_rt;	/* from /proc/<pid>/task/<tid>/stat */
};

/*
 * Fill s's st_ fields from the stat file of thread tid of process pid (0:
 * this process); a thread found under neither is looked up as /proc/<tid>.
 */
static inline int read_stat(pid_t pid, pid_t tid, struct sched_now *s)
{
	char path[64], buf[1024], *p, *tok, *save = NULL;
	int field = 3;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid ? pid : getpid(), tid);
	f = fopen(path, "r");
	if (!f) {
		snprintf(path, sizeof(path), "/proc/%d/stat", tid);
		f = fopen(path, "r");
	}
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	for (tok = strtok_r(p + 1, " ", &save); tok; tok = strtok_r(NULL, " ", &save), field++) {
		if (field == 19)
			s->st_nice = atoi(tok);
		else if (field == 40)
			s->st_rt = atoi(tok);
		else if (field == 41)
			s->st_policy = atoi(tok);
	}
	return field > 41 ? 0 : -1;
}

/* Both readings of thread tid (of process pid, 0: this one). 0, or -1. */
static inline int get_sched(pid_t pid, pid_t tid, struct sched_now *s)
{
	struct sd_sched_attr a;

	memset(&a, 0, sizeof(a));
	memset(s, 0, sizeof(*s));
	if (syscall(SYS_sched_getattr, tid, &a, sizeof(a), 0) != 0)
		return -1;
	s->policy = (int)a.sched_policy;
	s->nice = a.sched_nice;
	s->rt = (int)a.sched_priority;
	return read_stat(pid, tid, s);
}

/* 1 if tid is at level, on both readings; else 0, with why filled in. */
static inline int at_level(pid_t pid, pid_t tid, int level, char *why, size_t len)
{
	int policy = level <= 15 ? SCHED_OTHER : SCHED_RR;
	int nice = level <= 15 ? spec_nice[level] : 0;
	int rt = level <= 15 ? 0 : level - 15;
	struct sched_now s;

	if (get_sched(pid, tid, &s)) {
		snprintf(why, len, "cannot read thread %d: %s", tid, strerror(errno));
		return 0;
	}
	if (s.policy != policy || s.nice != nice || s.rt != rt ||
	    s.st_policy != policy || s.st_nice != nice || s.st_rt != rt) {
		snprintf(why, len,
			 "thread %d level %d: want policy %d nice %d rt %d; "
			 "sched_getattr %d/%d/%d, stat %d/%d/%d",
			 tid, level, policy, nice, rt, s.policy, s.nice, s.rt,
			 s.st_policy, s.st_nice, s.st_rt);
		return 0;
	}
	return 1;
}

/* The level thread tid is at, on both readings; -1 if it is at none (or mid-change). */
static inline int level_of(pid_t tid)
{
	char why[256];
	int l;

	for (l = 1; l <= 31; l++) {
		if (at_level(0, tid, l, why, sizeof(why)))
			return l;
	}
	return -1;
}

/*
 * The objects in use in a slab cache, from /proc/slabinfo; -1 if absent.
 * The cache is shrunk first where SLUB offers it: on the debug kernel
 * (scripts/debug-kernel.sh) that also empties KASAN's quarantine of it,
 * which otherwise holds freed objects back and counts them as in use.
 */
static inline long slab_in_use(const char *cache)
{
	char line[512], name[64];
	long active = -1, n;
	FILE *f;

	snprintf(line, sizeof(line), "/sys/kernel/slab/%s/shrink", cache);
	f = fopen(line, "w");
	if (f) {
		fputs("1\n", f);
		fclose(f);
	}
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld", name, &n) == 2 && !strcmp(name, cache)) {
			active = n;
			break;
		}
	}
	fclose(f);
	return active;
}

#endif /* SD_VMLIB_H */
