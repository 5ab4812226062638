// SPDX-License-Identifier: MIT
/*
 * sd_vmrt.c - what a level-31 thread leaves to the rest of a PREEMPT_RT
 * kernel, run as root inside the QEMU VM on one vCPU (tests/vm/init.sh's
 * rt mode, tests/vm/run.sh --kernel 6.12-rt), with the module loaded with
 * watchdog_budget_ms=0 so that nothing takes the spinner back.
 *
 *   sd_vmrt irq     prints the interrupt threads' policy and priority (FIFO
 *                   50, above every level's SCHED_RR 1..16); then, with a
 *                   process spinning at 31 and sched_rt_runtime_us = -1, a
 *                   byte sent out on /dev/ttyS1 comes back (the host echoes
 *                   it) within the fair server's period: the tty layer's
 *                   worker is time-sharing (measured 0.93-0.95 s; the issue
 *                   hoped for 100 ms). This program waits at SCHED_FIFO 60,
 *                   so that what it measures is the interrupt's path, not
 *                   its own turn on the CPU.
 *   sd_vmrt share   with sched_rt_runtime_us = 500000 and a time-sharing
 *                   hog, a process spinning at 31 gets what 6.12's fair
 *                   server leaves it, 95% (the issue expected about half).
 *
 * Every spinner gives up after 5 s by itself. Prints PASS/FAIL lines and
 * "N passed, N failed".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>

#include "seconddriver.h"
#include "sd_vmlib.h"

static int set_level(int fd, pid_t tid, int level)
{
	ThreadData td = { (sd_u32)tid, level };

	return ioctl(fd, SD_LINUX_IOCTL_SET_PRIORITY, &td) ? errno : 0;
}

/*
 * A child that spins for up to limit_us, then exits 0. It starts at the
 * default policy, not at its parent's FIFO 60: the driver sets its level.
 */
static pid_t spinner(long long limit_us)
{
	struct sched_param sp = { .sched_priority = 0 };
	pid_t pid = fork();
	long long end;

	if (pid != 0)
		return pid;
	sched_setscheduler(0, SCHED_OTHER, &sp);
	end = now_us() + limit_us;
	while (now_us() < end)
		;
	_exit(0);
}

/* Its state letter in /proc/<pid>/stat: R while it runs or waits to. */
static char state_of(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	return p && p[1] == ' ' ? p[2] : '?';
}

static void reap(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

/* utime + stime of a process, in clock ticks; -1 if unreadable. */
static long long cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	p = strrchr(buf, ')');
	/* after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (long long)(ut + st);
}

/* The interrupt threads (comm "irq/..."), with their policy and priority. */
static int irq_threads(int *all_fifo50)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	*all_fifo50 = 1;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[300], comm[64] = "";
		struct sd_sched_attr a;
		pid_t pid = (pid_t)atoi(e->d_name);
		FILE *f;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = 0;
		fclose(f);
		comm[strcspn(comm, "\n")] = 0;
		if (strncmp(comm, "irq/", 4))
			continue;
		memset(&a, 0, sizeof(a));
		if (syscall(SYS_sched_getattr, pid, &a, sizeof(a), 0))
			continue;
		printf("# rt: %s (pid %d): policy %u (%s), priority %u\n", comm, pid, a.sched_policy,
		       a.sched_policy == SCHED_FIFO ? "SCHED_FIFO" : "other", a.sched_priority);
		if (a.sched_policy != SCHED_FIFO || a.sched_priority != 50)
			*all_fifo50 = 0;
		n++;
	}
	closedir(d);
	return n;
}

static void suite_irq(void)
{
	int fd = open(SD_LINUX_DEVICE_PATH, O_RDWR | O_CLOEXEC), tty, err, n, fifo50;
	struct sched_param sp = { .sched_priority = 60 };
	struct termios t;
	struct pollfd p;
	long long start, took = -1;
	char c = 'x', back = 0;
	pid_t pid;

	n = irq_threads(&fifo50);
	result(n > 0 && fifo50,
	       "rt: the kernel's %d interrupt threads are SCHED_FIFO 50, above every level's SCHED_RR 1..16",
	       n);
	tty = open("/dev/ttyS1", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || tty < 0 || tcgetattr(tty, &t) || set_rt_runtime("-1") ||
	    sched_setscheduler(0, SCHED_FIFO, &sp)) {
		result(0, "rt: open the device and /dev/ttyS1, RT throttling off, this program at FIFO 60: %s",
		       strerror(errno));
		return;
	}
	cfmakeraw(&t);
	tcsetattr(tty, TCSANOW, &t);
	tcflush(tty, TCIOFLUSH);
	/* A warm-up round trip, with nothing spinning: the host's echo is there. */
	if (write(tty, &c, 1) != 1 || (p = (struct pollfd){ tty, POLLIN, 0 }, poll(&p, 1, 5000)) != 1 ||
	    read(tty, &back, 1) != 1 || back != c) {
		result(0, "rt: a byte sent on /dev/ttyS1 comes back with nothing spinning (the host's echo)");
		return;
	}
	pid = spinner(5000000);
	usleep(20000);
	err = set_level(fd, pid, 31);
	c = 'y';
	start = now_us();
	if (!err && write(tty, &c, 1) == 1) {
		p = (struct pollfd){ tty, POLLIN, 0 };
		if (poll(&p, 1, 3000) == 1 && read(tty, &back, 1) == 1 && back == c)
			took = now_us() - start;
	}
	/*
	 * The interrupt thread (FIFO 50) takes the byte at once, but the tty
	 * layer hands it to the reader from a workqueue, whose kworker is
	 * time-sharing: below the spinner, it runs only in the fair server's
	 * 50 ms of each second (6.12). Measured 932 and 951 ms; so the bound
	 * is that second, not the 100 ms the issue hoped for.
	 */
	result(!err && took >= 0 && took <= 1500000 && level_of(pid) == 31 && state_of(pid) == 'R',
	       "rt: with a process spinning at 31 on the only vCPU (throttling off), a byte's round trip over the serial port takes %lld us: back within the fair server's period (1.5 s at most; the tty's worker is time-sharing), and the spinner is still at 31 and running (%c)",
	       took, state_of(pid));
	reap(pid);
	sp.sched_priority = 0;
	sched_setscheduler(0, SCHED_OTHER, &sp);
	set_rt_runtime("950000");
	close(tty);
	close(fd);
}

static void suite_share(void)
{
	int fd = open(SD_LINUX_DEVICE_PATH, O_RDWR | O_CLOEXEC), err;
	struct sched_param sp = { .sched_priority = 60 };
	long long c0, c1, h0, h1, t0, t1, hz = sysconf(_SC_CLK_TCK);
	double share;
	pid_t pid, hog;

	if (fd < 0 || set_rt_runtime("500000") || sched_setscheduler(0, SCHED_FIFO, &sp)) {
		result(0, "share: open the device, sched_rt_runtime_us=500000, this program at FIFO 60: %s",
		       strerror(errno));
		return;
	}
	/* A time-sharing process that wants the CPU too: throttling is for it. */
	hog = spinner(6000000);
	pid = spinner(5000000);
	usleep(20000);
	err = set_level(fd, pid, 31);
	usleep(500000);		/* past the first period's start */
	c0 = cpu_ticks(pid);
	h0 = cpu_ticks(hog);
	t0 = now_us();
	usleep(3000000);
	c1 = cpu_ticks(pid);
	h1 = cpu_ticks(hog);
	t1 = now_us();
	share = c0 < 0 || c1 < 0 ? -1 : (double)(c1 - c0) / (double)hz * 1e6 / (double)(t1 - t0);
	printf("# share: the time-sharing hog got %.0f%%\n",
	       h0 < 0 || h1 < 0 ? -100.0 : (double)(h1 - h0) / (double)hz * 1e8 / (double)(t1 - t0));
	/*
	 * On 6.12 the fair server, not sched_rt_runtime_us, decides what
	 * time-sharing gets next to a real-time spinner: 50 ms of each second
	 * (fair_server/runtime and period, printed by init.sh). Measured: the
	 * spinner 95%, the hog 5%, with rt_runtime at 500000; the issue
	 * expected about half.
	 */
	result(!err && share >= 0.90 && share <= 0.97 && state_of(pid) == 'R',
	       "share: with sched_rt_runtime_us=500000 and a time-sharing hog, a process spinning at 31 got %.0f%% of the CPU over 3 s: what the fair server leaves (90%% to 97%%), not half; and is still running (%c)",
	       share * 100, state_of(pid));
	reap(pid);
	reap(hog);
	sp.sched_priority = 0;
	sched_setscheduler(0, SCHED_OTHER, &sp);
	set_rt_runtime("950000");
	close(fd);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "irq"))
		suite_irq();
	else if (argc == 2 && !strcmp(argv[1], "share"))
		suite_share();
	else {
		fprintf(stderr, "usage: sd_vmrt irq|share\n");
		return 2;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
