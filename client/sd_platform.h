/* SPDX-License-Identifier: MIT */
/*
 * sd_platform.h - the client's thin platform seam.
 *
 * sd_client.c holds everything both kernels share (commands, arguments,
 * messages, JSON, exit codes); each platform supplies these calls:
 *   sd_platform_win.c    CreateFile / DeviceIoControl / Toolhelp32 /
 *                        FormatMessage
 *   sd_platform_linux.c  open / ioctl / procfs / strerror
 * Errors are the platform's own numbers: a Win32 error code or an errno.
 * A batch entry's status is the kernel's own: an NTSTATUS or a negative
 * errno.
 */
#ifndef SD_PLATFORM_H
#define SD_PLATFORM_H

#include <stddef.h>
#include <stdlib.h>

#include "seconddriver.h"

struct sd_device;

/*
 * Open the device, for writing (the codes that change threads) or for
 * reading only (GET). Returns 0 and sets *dev, or returns the error.
 */
int sd_open(struct sd_device **dev, int write);

/*
 * Send SET_PRIORITY. Returns 0, or the error the kernel gave. On Windows a
 * level of 16..31 first enables SeIncreaseBasePriorityPrivilege in the
 * client's token, as the driver requires it (Administrators hold it,
 * disabled); so do the two calls below.
 */
int sd_set_priority(struct sd_device *dev, const ThreadData *td);

/* GET_PRIORITY: *level, or the error. */
int sd_get_priority(struct sd_device *dev, sd_u32 tid, sd_s32 *level);

/* SET_PRIORITY_EX with flags (SD_SET_EX_*): *old, or the error. */
int sd_set_priority_ex(struct sd_device *dev, sd_u32 tid, sd_s32 level, sd_u32 flags,
		       sd_s32 *old);

/* SET_PRIORITY_BATCH of n (1..SD_BATCH_MAX) entries: results[n], or the error. */
int sd_set_priority_batch(struct sd_device *dev, const SdBatchEntry *entries, sd_u32 n,
			  SdBatchResult *results);

/*
 * GET_LOG: up to capacity (1..SD_LOG_CAPACITY) records from number from on,
 * into records; *out says how many, how many were lost, and what to ask for
 * next. 0, or the error.
 */
int sd_get_log(struct sd_device *dev, sd_u64 from, SdLogRecord *records, sd_u32 capacity,
	       SdGetLogOut *out);

/* CLEAR_LOG (a device opened for writing). 0, or the error. */
int sd_clear_log(struct sd_device *dev);

/* GET_INFO: the interface's version and the driver's settings. 0, or the error. */
int sd_get_info(struct sd_device *dev, SdDriverInfo *info);

/* BOOST (a device opened for writing): *result, or the error. */
int sd_boost(struct sd_device *dev, const SdBoost *boost, SdBoostResult *result);

/* END_LEASE. 0, or the error. */
int sd_end_lease(struct sd_device *dev, sd_u32 id);

/* LIST_LEASES: up to capacity records; *count of them, *total live. 0, or the error. */
int sd_list_leases(struct sd_device *dev, SdLeaseInfo *leases, sd_u32 capacity, sd_u32 *count,
		   sd_u32 *total);

/* Non-zero if err means "no lease has that id". */
int sd_error_is_no_lease(int err);

/* Close what sd_open opened. */
void sd_close(struct sd_device *dev);

/*
 * When the machine booted, in nanoseconds since 1970 (UTC), on the clock
 * the driver stamps its records with: a record's TimeNs added to it is the
 * record's wall-clock time.
 */
long long sd_boot_time_ns(void);

/* Sleep for ms milliseconds. */
void sd_sleep_ms(unsigned ms);

/* From now on, Ctrl-C sets *stop (to 1) instead of ending the program. */
void sd_catch_interrupt(volatile int *stop);

struct sd_scm;

/* The Service Control Manager (sd_service.h); NULL where there is none (Linux). */
const struct sd_scm *sd_service_manager(void);

/*
 * The driver file `install` registers: arg made absolute, or with arg NULL
 * the SecondDriver.sys beside the client. 0, or the error (the file must
 * exist).
 */
int sd_driver_path(const char *arg, char *buf, size_t len);

/* A growing list of thread ids, as sd_list_threads builds it. */
struct sd_tid_list {
	sd_u32 *tids;
	size_t n, cap;
};

/* Append tid: 0, or -1 out of memory, and then the list is freed. */
static inline int sd_tid_list_add(struct sd_tid_list *l, sd_u32 tid)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		sd_u32 *grown = realloc(l->tids, cap * sizeof(*grown));

		if (!grown) {
			free(l->tids);
			l->tids = NULL;
			l->n = l->cap = 0;
			return -1;
		}
		l->tids = grown;
		l->cap = cap;
	}
	l->tids[l->n++] = tid;
	return 0;
}

/* sd_list_threads's answer for a process id that names no process. */
#define SD_NO_SUCH_PROCESS (-1)

/*
 * The thread ids of process pid, in a malloc'd array the caller frees.
 * Returns 0, SD_NO_SUCH_PROCESS, or the platform's error.
 */
int sd_list_threads(sd_u32 pid, sd_u32 **tids, size_t *n);

/* The process that owns thread tid, or 0 if it cannot be told. */
sd_u32 sd_thread_process(sd_u32 tid);

/* The platform's text for err, without a trailing newline. */
void sd_describe_error(int err, char *buf, size_t len);

/* The platform's text for a batch entry's status. */
void sd_describe_status(sd_s32 status, char *buf, size_t len);

/* Non-zero if err means "not allowed to open the device". */
int sd_error_is_access_denied(int err);

/* Non-zero if err means "the caller lacks a privilege the level needs". */
int sd_error_is_privilege(int err);

/*
 * Non-zero if err (a request's) or status (a batch entry's) may mean "above
 * the driver's cap": ERANGE on Linux; on Windows the cap shares
 * STATUS_PRIVILEGE_NOT_HELD (1314) with the privilege, and the client asks
 * GET_INFO which it was.
 */
int sd_error_may_be_cap(int err);
int sd_status_may_be_cap(sd_s32 status);

/* Non-zero if err (a request's) or status (a batch entry's) means the
 * thread is gone: no such thread, or no longer in the process named. */
int sd_error_is_gone(int err);
int sd_status_is_gone(sd_s32 status);

/*
 * A one-line note on what the kernel does with this level afterwards, or
 * NULL. Windows keeps 1..15 only until the thread's next quantum ends
 * (docs/SPEC.md section 5.1); Linux keeps every level.
 */
const char *sd_level_note(sd_s32 level);

/* How the device is named on this platform, for messages. */
extern const char sd_device_display_name[];

/* Where the cap is set on this platform, for messages. */
extern const char sd_cap_setting[];

#endif /* SD_PLATFORM_H */
