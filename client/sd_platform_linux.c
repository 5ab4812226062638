// SPDX-License-Identifier: MIT
/*
 * sd_platform_linux.c - the client's Linux seam: /dev/SecondDriver through
 * open(2) and ioctl(2); threads from /proc.
 */
#define _POSIX_C_SOURCE 200809L	/* O_CLOEXEC, strtok_r under -std=c11 */
#define _DEFAULT_SOURCE		/* DT_DIR */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "sd_platform.h"

struct sd_device {
	int fd;
};

const char sd_device_display_name[] = SD_LINUX_DEVICE_PATH;
const char sd_cap_setting[] =
	"the module parameter max_priority (/sys/module/seconddriver/parameters/max_priority), "
	"set at insmod";

int sd_open(struct sd_device **dev, int write)
{
	static struct sd_device one;
	int fd;

	fd = open(SD_LINUX_DEVICE_PATH, (write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return errno;
	one.fd = fd;
	*dev = &one;
	return 0;
}

int sd_set_priority(struct sd_device *dev, const ThreadData *td)
{
	ThreadData in = *td;

	if (ioctl(dev->fd, SD_LINUX_IOCTL_SET_PRIORITY, &in) < 0)
		return errno;
	return 0;
}

int sd_get_priority(struct sd_device *dev, sd_u32 tid, sd_s32 *level)
{
	SdGetPriority q = { tid, 0 };

	if (ioctl(dev->fd, SD_LINUX_IOCTL_GET_PRIORITY, &q) < 0)
		return errno;
	*level = q.Level;
	return 0;
}

int sd_set_priority_ex(struct sd_device *dev, sd_u32 tid, sd_s32 level, sd_u32 flags,
		       sd_s32 *old)
{
	SdSetPriorityEx x = { tid, level, flags, 0 };

	if (ioctl(dev->fd, SD_LINUX_IOCTL_SET_PRIORITY_EX, &x) < 0)
		return errno;
	*old = x.OldLevel;
	return 0;
}

int sd_set_priority_batch(struct sd_device *dev, const SdBatchEntry *entries, sd_u32 n,
			  SdBatchResult *results)
{
	struct sd_batch b = {
		.entries = (sd_u64)(uintptr_t)entries,
		.results = (sd_u64)(uintptr_t)results,
		.count = n,
	};

	if (ioctl(dev->fd, SD_LINUX_IOCTL_SET_PRIORITY_BATCH, &b) < 0)
		return errno;
	return 0;
}

int sd_get_log(struct sd_device *dev, sd_u64 from, SdLogRecord *records, sd_u32 capacity,
	       SdGetLogOut *out)
{
	struct sd_get_log q = {
		.from_seq = from,
		.records = (sd_u64)(uintptr_t)records,
		.capacity = capacity,
	};

	if (ioctl(dev->fd, SD_LINUX_IOCTL_GET_LOG, &q) < 0)
		return errno;
	if (q.out.Count > capacity)
		return EPROTO;
	*out = q.out;
	return 0;
}

int sd_clear_log(struct sd_device *dev)
{
	if (ioctl(dev->fd, SD_LINUX_IOCTL_CLEAR_LOG) < 0)
		return errno;
	return 0;
}

int sd_get_info(struct sd_device *dev, SdDriverInfo *info)
{
	if (ioctl(dev->fd, SD_LINUX_IOCTL_GET_INFO, info) < 0)
		return errno;
	return 0;
}

int sd_boost(struct sd_device *dev, const SdBoost *boost, SdBoostResult *result)
{
	struct sd_boost b = { *boost, { 0, 0 } };

	if (ioctl(dev->fd, SD_LINUX_IOCTL_BOOST, &b) < 0)
		return errno;
	*result = b.out;
	return 0;
}

int sd_end_lease(struct sd_device *dev, sd_u32 id)
{
	SdEndLease e = { id, 0 };

	if (ioctl(dev->fd, SD_LINUX_IOCTL_END_LEASE, &e) < 0)
		return errno;
	return 0;
}

int sd_list_leases(struct sd_device *dev, SdLeaseInfo *leases, sd_u32 capacity, sd_u32 *count,
		   sd_u32 *total)
{
	struct sd_list_leases q = {
		.leases = (sd_u64)(uintptr_t)leases,
		.capacity = capacity,
	};

	if (ioctl(dev->fd, SD_LINUX_IOCTL_LIST_LEASES, &q) < 0)
		return errno;
	if (q.out.Count > capacity)
		return EPROTO;
	*count = q.out.Count;
	*total = q.out.Total;
	return 0;
}

int sd_error_is_no_lease(int err)
{
	return err == ENOENT;
}

void sd_close(struct sd_device *dev)
{
	close(dev->fd);
}

static long long ns_of(clockid_t clock)
{
	struct timespec ts = { 0, 0 };

	clock_gettime(clock, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The driver stamps records with ktime_get_boottime_ns(): CLOCK_BOOTTIME here. */
long long sd_boot_time_ns(void)
{
	return ns_of(CLOCK_REALTIME) - ns_of(CLOCK_BOOTTIME);
}

void sd_sleep_ms(unsigned ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	/* Woken early by a signal, as Ctrl-C should. */
	nanosleep(&ts, NULL);
}

static volatile int *interrupt_flag;

static void on_signal(int sig)
{
	(void)sig;
	*interrupt_flag = 1;
}

void sd_catch_interrupt(volatile int *stop)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	interrupt_flag = stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* The module is installed with insmod or DKMS (README); there is no SCM. */
const struct sd_scm *sd_service_manager(void)
{
	return NULL;
}

int sd_driver_path(const char *arg, char *buf, size_t len)
{
	(void)arg;
	(void)buf;
	(void)len;
	return ENOSYS;
}

/* The Tgid: line of /proc/<tid>/status: the thread's process; 0 if none. */
sd_u32 sd_thread_process(sd_u32 tid)
{
	char path[64], line[128];
	unsigned long tgid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%lu/status", (unsigned long)tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Tgid: %lu", &tgid) == 1)
			break;
	}
	fclose(f);
	return (sd_u32)tgid;
}

int sd_list_threads(sd_u32 pid, sd_u32 **tids, size_t *n)
{
	struct sd_tid_list list = { NULL, 0, 0 };
	char path[64];
	struct dirent *d;
	DIR *dir;

	*tids = NULL;
	*n = 0;
	/* A thread id that is not its process's own names no process. */
	if (pid == 0 || sd_thread_process(pid) != pid)
		return SD_NO_SUCH_PROCESS;
	snprintf(path, sizeof(path), "/proc/%lu/task", (unsigned long)pid);
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? SD_NO_SUCH_PROCESS : errno;
	while ((d = readdir(dir))) {
		char *end;
		unsigned long tid = strtoul(d->d_name, &end, 10);

		if (*end || tid == 0)
			continue;
		if (sd_tid_list_add(&list, (sd_u32)tid)) {
			closedir(dir);
			return ENOMEM;
		}
	}
	closedir(dir);
	*tids = list.tids;
	*n = list.n;
	return 0;
}

void sd_describe_error(int err, char *buf, size_t len)
{
	snprintf(buf, len, "%s", strerror(err));
}

void sd_describe_status(sd_s32 status, char *buf, size_t len)
{
	snprintf(buf, len, "%s", strerror(-status));
}

int sd_error_is_access_denied(int err)
{
	return err == EACCES || err == EPERM;
}

int sd_error_is_privilege(int err)
{
	(void)err;	/* CAP_SYS_NICE is the one gate: EPERM, as above */
	return 0;
}

int sd_error_may_be_cap(int err)
{
	return err == ERANGE;
}

int sd_status_may_be_cap(sd_s32 status)
{
	return status == -ERANGE;
}

int sd_error_is_gone(int err)
{
	return err == ESRCH;
}

int sd_status_is_gone(sd_s32 status)
{
	return status == -ESRCH;
}

const char *sd_level_note(sd_s32 level)
{
	(void)level;	/* a policy and nice value stay until changed */
	return NULL;
}
