// SPDX-License-Identifier: MIT
/*
 * sd_decode.c - codes, statuses and log records, written out for people
 * (sd_decode.h). No OS calls.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sd_decode.h"
#include "sd_json.h"

/* The Linux codes, spelled out: the contract's macros exist only on Linux. */
#define SD_IOC(dir, nr, size) \
	(((sd_u32)(dir) << 30) | ((sd_u32)(size) << 16) | \
	 ((sd_u32)SD_LINUX_MAGIC << 8) | (sd_u32)(nr))
#define SD_IOC_NONE  0u
#define SD_IOC_WRITE 1u
#define SD_IOC_READ  2u

struct sd_code_name {
	sd_u32 windows, linux;
	sd_u32 function;
	const char *name;
};

static const struct sd_code_name sd_codes[] = {
	{ IOCTL_SECOND_DRIVER_SET_PRIORITY,
	  SD_IOC(SD_IOC_WRITE, 0, sizeof(ThreadData)),
	  SD_FUNC_SET_PRIORITY, "SET_PRIORITY" },
	{ IOCTL_SECOND_DRIVER_GET_PRIORITY,
	  SD_IOC(SD_IOC_READ | SD_IOC_WRITE, 1, sizeof(SdGetPriority)),
	  SD_FUNC_GET_PRIORITY, "GET_PRIORITY" },
	{ IOCTL_SECOND_DRIVER_SET_PRIORITY_EX,
	  SD_IOC(SD_IOC_READ | SD_IOC_WRITE, 2, sizeof(SdSetPriorityEx)),
	  SD_FUNC_SET_PRIORITY_EX, "SET_PRIORITY_EX" },
	{ IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH,
	  SD_IOC(SD_IOC_READ | SD_IOC_WRITE, 3, sizeof(struct sd_batch)),
	  SD_FUNC_SET_PRIORITY_BATCH, "SET_PRIORITY_BATCH" },
	{ IOCTL_SECOND_DRIVER_GET_LOG,
	  SD_IOC(SD_IOC_READ | SD_IOC_WRITE, 4, sizeof(struct sd_get_log)),
	  SD_FUNC_GET_LOG, "GET_LOG" },
	{ IOCTL_SECOND_DRIVER_CLEAR_LOG, SD_IOC(SD_IOC_NONE, 5, 0),
	  SD_FUNC_CLEAR_LOG, "CLEAR_LOG" },
	{ IOCTL_SECOND_DRIVER_BOOST,
	  SD_IOC(SD_IOC_READ | SD_IOC_WRITE, 6, sizeof(struct sd_boost)),
	  SD_FUNC_BOOST, "BOOST" },
	{ IOCTL_SECOND_DRIVER_END_LEASE, SD_IOC(SD_IOC_WRITE, 7, sizeof(SdEndLease)),
	  SD_FUNC_END_LEASE, "END_LEASE" },
	{ IOCTL_SECOND_DRIVER_LIST_LEASES,
	  SD_IOC(SD_IOC_READ | SD_IOC_WRITE, 8, sizeof(struct sd_list_leases)),
	  SD_FUNC_LIST_LEASES, "LIST_LEASES" },
	{ IOCTL_SECOND_DRIVER_GET_INFO, SD_IOC(SD_IOC_READ, 9, sizeof(SdDriverInfo)),
	  SD_FUNC_GET_INFO, "GET_INFO" },
};

#define SD_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__linux__)
/* Where the contract's Linux macros exist, the table must agree with them. */
_Static_assert(SD_IOC(SD_IOC_WRITE, 0, sizeof(ThreadData)) == SD_LINUX_IOCTL_SET_PRIORITY,
	       "SET_PRIORITY's Linux code");
_Static_assert(SD_IOC(SD_IOC_READ | SD_IOC_WRITE, 4, sizeof(struct sd_get_log)) ==
	       SD_LINUX_IOCTL_GET_LOG, "GET_LOG's Linux code");
_Static_assert(SD_IOC(SD_IOC_NONE, 5, 0) == SD_LINUX_IOCTL_CLEAR_LOG, "CLEAR_LOG's Linux code");
_Static_assert(SD_IOC(SD_IOC_READ, 9, sizeof(SdDriverInfo)) == SD_LINUX_IOCTL_GET_INFO,
	       "GET_INFO's Linux code");
_Static_assert(SD_IOC(SD_IOC_READ | SD_IOC_WRITE, 6, sizeof(struct sd_boost)) ==
	       SD_LINUX_IOCTL_BOOST, "BOOST's Linux code");
_Static_assert(SD_IOC(SD_IOC_WRITE, 7, sizeof(SdEndLease)) == SD_LINUX_IOCTL_END_LEASE,
	       "END_LEASE's Linux code");
_Static_assert(SD_IOC(SD_IOC_READ | SD_IOC_WRITE, 8, sizeof(struct sd_list_leases)) ==
	       SD_LINUX_IOCTL_LIST_LEASES, "LIST_LEASES's Linux code");
#endif

static const struct sd_code_name *find_code(sd_u32 code, unsigned os)
{
	size_t i;

	for (i = 0; i < SD_COUNT(sd_codes); i++) {
		if (os == SD_LOG_OS_WINDOWS ? sd_codes[i].windows == code :
					      sd_codes[i].linux == code)
			return &sd_codes[i];
	}
	return NULL;
}

const char *sd_windows_code_name(sd_u32 code)
{
	const struct sd_code_name *c = find_code(code, SD_LOG_OS_WINDOWS);

	return c ? c->name : NULL;
}

const char *sd_linux_code_name(sd_u32 code)
{
	const struct sd_code_name *c = find_code(code, SD_LOG_OS_LINUX);

	return c ? c->name : NULL;
}

const char *sd_kind_name(unsigned kind)
{
	static const char *const names[] = {
		[SD_LOG_CREATE] = "CREATE",
		[SD_LOG_CLEANUP] = "CLEANUP",
		[SD_LOG_CLOSE] = "CLOSE",
		[SD_LOG_IOCTL] = "IOCTL",
		[SD_LOG_LEASE_END] = "LEASE_END",
		[SD_LOG_LEASE_SKIPPED] = "LEASE_SKIPPED",
		[SD_LOG_WATCHDOG] = "WATCHDOG",
		[SD_LOG_CHANGE] = "CHANGE",
	};

	return kind < SD_COUNT(names) ? names[kind] : NULL;
}

struct sd_status_name {
	sd_u32 status;
	const char *name;
	long win32;		/* what RtlNtStatusToDosError gives (tests/wine checks) */
};

/* The statuses SecondDriver and the I/O manager answer its requests with. */
static const struct sd_status_name sd_statuses[] = {
	{ 0x00000000u, "STATUS_SUCCESS", 0 },
	{ 0x80000002u, "STATUS_DATATYPE_MISALIGNMENT", 998 },
	{ 0xC0000002u, "STATUS_NOT_IMPLEMENTED", 1 },
	{ 0xC0000005u, "STATUS_ACCESS_VIOLATION", 998 },
	{ 0xC0000008u, "STATUS_INVALID_HANDLE", 6 },
	{ 0xC000000Bu, "STATUS_INVALID_CID", 87 },
	{ 0xC000000Du, "STATUS_INVALID_PARAMETER", 87 },
	{ 0xC0000010u, "STATUS_INVALID_DEVICE_REQUEST", 1 },
	{ 0xC0000022u, "STATUS_ACCESS_DENIED", 5 },
	{ 0xC0000023u, "STATUS_BUFFER_TOO_SMALL", 122 },
	{ 0xC0000034u, "STATUS_OBJECT_NAME_NOT_FOUND", 2 },
	{ 0xC000004Bu, "STATUS_THREAD_IS_TERMINATING", 5 },
	{ 0xC0000056u, "STATUS_DELETE_PENDING", 5 },
	{ 0xC0000061u, "STATUS_PRIVILEGE_NOT_HELD", 1314 },
	{ 0xC000009Au, "STATUS_INSUFFICIENT_RESOURCES", 1450 },
	{ 0xC00000BBu, "STATUS_NOT_SUPPORTED", 50 },
};

static const struct sd_status_name *find_status(sd_s32 status)
{
	size_t i;

	for (i = 0; i < SD_COUNT(sd_statuses); i++) {
		if (sd_statuses[i].status == (sd_u32)status)
			return &sd_statuses[i];
	}
	return NULL;
}

const char *sd_ntstatus_name(sd_s32 status)
{
	const struct sd_status_name *s = find_status(status);

	return s ? s->name : NULL;
}

long sd_ntstatus_win32(sd_s32 status)
{
	const struct sd_status_name *s = find_status(status);

	return s ? s->win32 : -1;
}

const char *sd_errno_name(int err)
{
	/* Linux's generic numbers (asm-generic/errno-base.h, errno.h), which x86 uses. */
	static const char *const names[] = {
		[1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR",
		[5] = "EIO", [9] = "EBADF", [11] = "EAGAIN", [12] = "ENOMEM",
		[13] = "EACCES", [14] = "EFAULT", [16] = "EBUSY", [19] = "ENODEV",
		[22] = "EINVAL", [25] = "ENOTTY", [34] = "ERANGE", [38] = "ENOSYS",
	};

	return err > 0 && (size_t)err < SD_COUNT(names) ? names[err] : NULL;
}

/* ---- codes ----------------------------------------------------------------------- */

static const char *method_name(sd_u32 method)
{
	static const char *const names[] = {
		"METHOD_BUFFERED", "METHOD_IN_DIRECT", "METHOD_OUT_DIRECT", "METHOD_NEITHER",
	};

	return names[method & 3u];
}

static const char *access_name(sd_u32 access)
{
	static const char *const names[] = {
		"FILE_ANY_ACCESS", "FILE_READ_ACCESS", "FILE_WRITE_ACCESS",
		"FILE_READ_ACCESS | FILE_WRITE_ACCESS",
	};

	return names[access & 3u];
}

static const char *direction_name(sd_u32 dir)
{
	static const char *const names[] = { "none", "write", "read", "read/write" };

	return names[dir & 3u];
}

/* snprintf that appends at *used and never runs past len. */
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n < len - *used ? (size_t)n : len - *used - 1;
}

static void windows_fields(char *buf, size_t len, size_t *used, sd_u32 code)
{
	append(buf, len, used, "device type 0x%04lX, access %s, function 0x%03lX, method %s",
	       (unsigned long)(code >> 16), access_name(code >> 14),
	       (unsigned long)((code >> 2) & 0xFFFu), method_name(code));
}

static void linux_fields(char *buf, size_t len, size_t *used, sd_u32 code)
{
	append(buf, len, used, "direction %s, size %lu, type 0x%02lX, nr %lu",
	       direction_name(code >> 30), (unsigned long)((code >> 16) & 0x3FFFu),
	       (unsigned long)((code >> 8) & 0xFFu), (unsigned long)(code & 0xFFu));
}

int sd_decode_print(FILE *f, sd_u32 code, enum sd_decode_os which)
{
	const char *name;
	char fields[160];
	size_t used;
	int matched = 0;

	fprintf(f, "0x%08lX\n", (unsigned long)code);
	if (which != SD_DECODE_LINUX) {
		used = 0;
		windows_fields(fields, sizeof(fields), &used, code);
		name = sd_windows_code_name(code);
		fprintf(f, "%c Windows: %s%s%s\n", name ? '*' : ' ', fields,
			name ? "  = IOCTL_SECOND_DRIVER_" : "", name ? name : "");
		matched += name != NULL;
	}
	if (which != SD_DECODE_WINDOWS) {
		used = 0;
		linux_fields(fields, sizeof(fields), &used, code);
		name = sd_linux_code_name(code);
		fprintf(f, "%c Linux:   %s%s%s\n", name ? '*' : ' ', fields,
			name ? "  = SD_LINUX_IOCTL_" : "", name ? name : "");
		matched += name != NULL;
	}
	return matched;
}

void sd_format_code(char *buf, size_t len, sd_u32 code, unsigned os)
{
	const struct sd_code_name *c = find_code(code, os);
	size_t used = 0;

	buf[0] = '\0';
	append(buf, len, &used, "%s 0x%08lX (", c ? c->name : "unknown", (unsigned long)code);
	if (os == SD_LOG_OS_LINUX)
		linux_fields(buf, len, &used, code);
	else
		windows_fields(buf, len, &used, code);
	append(buf, len, &used, ")");
}

void sd_format_status(char *buf, size_t len, sd_s32 status, unsigned os)
{
	if (os == SD_LOG_OS_LINUX) {
		const char *name = status < 0 ? sd_errno_name(-status) : NULL;

		if (status == 0)
			snprintf(buf, len, "0 (success)");
		else if (name)
			snprintf(buf, len, "%s (errno %ld)", name, -(long)status);
		else if (status < 0)
			snprintf(buf, len, "errno %ld", -(long)status);
		else
			snprintf(buf, len, "%ld", (long)status);
	} else {
		const char *name = sd_ntstatus_name(status);
		long win32 = sd_ntstatus_win32(status);
		size_t used = 0;

		buf[0] = '\0';
		if (name)
			append(buf, len, &used, "%s ", name);
		append(buf, len, &used, "0x%08lX", (unsigned long)(sd_u32)status);
		if (win32 >= 0)
			append(buf, len, &used, " (Win32 %ld)", win32);
	}
}

/* ---- captured input --------------------------------------------------------------- */

static sd_u32 u32_at(const SdLogRecord *r, size_t off)
{
	const sd_u8 *p = r->Captured + off;

	return (sd_u32)p[0] | ((sd_u32)p[1] << 8) | ((sd_u32)p[2] << 16) | ((sd_u32)p[3] << 24);
}

static void thread_and_level(char *buf, size_t len, size_t *used, const SdLogRecord *r,
			     size_t off, int level)
{
	sd_u32 tid = u32_at(r, off);

	append(buf, len, used, "ThreadId %lu (0x%lX)", (unsigned long)tid, (unsigned long)tid);
	if (level) {
		sd_u32 raw = u32_at(r, off + 4);

		append(buf, len, used, ", Priority %ld (0x%lX)", (long)(sd_s32)raw,
		       (unsigned long)raw);
	}
}

void sd_format_captured(char *buf, size_t len, const SdLogRecord *r)
{
	const struct sd_code_name *c = find_code(r->Code, r->Os);
	sd_u32 n = r->CapturedLength < SD_LOG_CAPTURE_MAX ? r->CapturedLength :
							   SD_LOG_CAPTURE_MAX;
	sd_u32 function = c ? c->function : 0;
	size_t used = 0;
	sd_u32 i;

	buf[0] = '\0';
	if (n == 0)
		return;
	if (r->Kind == SD_LOG_WATCHDOG && n >= sizeof(SdWatchdogEvent)) {
		sd_u32 rule = u32_at(r, 0);

		append(buf, len, &used, "%s: %lu us of CPU in %lu us",
		       rule == SD_WATCH_RULE_BUDGET ? "ran without blocking" :
		       rule == SD_WATCH_RULE_WINDOW ? "over its share of the window" : "rule ?",
		       (unsigned long)u32_at(r, 4), (unsigned long)u32_at(r, 8));
		return;
	}
	if (r->Kind == SD_LOG_CHANGE && function == SD_FUNC_SET_PRIORITY_BATCH && n >= 12) {
		thread_and_level(buf, len, &used, r, 0, 1);
		append(buf, len, &used, ", ProcessId %lu", (unsigned long)u32_at(r, 8));
		return;
	}
	if (function == SD_FUNC_SET_PRIORITY && n >= sizeof(ThreadData)) {
		thread_and_level(buf, len, &used, r, 0, 1);
		return;
	}
	if (function == SD_FUNC_GET_PRIORITY && n >= 4) {
		thread_and_level(buf, len, &used, r, 0, 0);
		return;
	}
	if (function == SD_FUNC_SET_PRIORITY_EX && n >= 12) {
		thread_and_level(buf, len, &used, r, 0, 1);
		append(buf, len, &used, ", Flags 0x%lX", (unsigned long)u32_at(r, 8));
		return;
	}
	if (function == SD_FUNC_BOOST && n >= sizeof(SdBoost)) {
		thread_and_level(buf, len, &used, r, 0, 1);
		append(buf, len, &used, ", Flags 0x%lX, DurationMs %lu", (unsigned long)u32_at(r, 8),
		       (unsigned long)u32_at(r, 12));
		return;
	}
	if (function == SD_FUNC_END_LEASE && n >= 4) {
		append(buf, len, &used, "LeaseId %lu", (unsigned long)u32_at(r, 0));
		return;
	}
	if (function == SD_FUNC_SET_PRIORITY_BATCH && n >= sizeof(SdBatchHeader)) {
		append(buf, len, &used, "Count %lu, Flags 0x%lX", (unsigned long)u32_at(r, 0),
		       (unsigned long)u32_at(r, 4));
		if (n >= 16) {
			append(buf, len, &used, "; first ");
			thread_and_level(buf, len, &used, r, 8, 1);
		}
		return;
	}
	append(buf, len, &used, "bytes");
	for (i = 0; i < n; i++)
		append(buf, len, &used, " %02X", r->Captured[i]);
}

/* ---- records ---------------------------------------------------------------------- */

static void format_time(char *buf, size_t len, sd_u64 time_ns, long long boot_ns)
{
	long long at = boot_ns + (long long)time_ns;
	time_t secs = (time_t)(at / 1000000000LL);
	struct tm *tm = localtime(&secs);
	char date[32];

	if (!tm || !strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", tm)) {
		snprintf(buf, len, "boot+%llu.%06llus", (unsigned long long)(time_ns / 1000000000u),
			 (unsigned long long)(time_ns % 1000000000u / 1000u));
		return;
	}
	snprintf(buf, len, "%s.%06lld", date, at % 1000000000LL / 1000);
}

void sd_format_record(char *buf, size_t len, const SdLogRecord *r, long long boot_ns)
{
	const char *kind = sd_kind_name(r->Kind);
	char when[64], text[160];
	size_t used = 0;

	buf[0] = '\0';
	format_time(when, sizeof(when), r->TimeNs, boot_ns);
	append(buf, len, &used, "#%llu %s pid %lu tid %lu ", (unsigned long long)r->Seq, when,
	       (unsigned long)r->ProcessId, (unsigned long)r->ThreadId);
	if (kind)
		append(buf, len, &used, "%s", kind);
	else
		append(buf, len, &used, "KIND %u", (unsigned)r->Kind);
	if (r->Kind == SD_LOG_IOCTL || r->Kind == SD_LOG_CHANGE) {
		sd_format_code(text, sizeof(text), r->Code, r->Os);
		append(buf, len, &used, " %s in %lu out %lu", text, (unsigned long)r->InLen,
		       (unsigned long)r->OutLen);
	}
	if (r->Kind == SD_LOG_LEASE_END || r->Kind == SD_LOG_LEASE_SKIPPED)
		append(buf, len, &used, " lease %llu", (unsigned long long)r->Information);
	sd_format_status(text, sizeof(text), r->Status, r->Os);
	append(buf, len, &used, ": %s", text);
	if (r->Kind == SD_LOG_IOCTL)
		append(buf, len, &used, ", returned %llu", (unsigned long long)r->Information);
	sd_format_captured(text, sizeof(text), r);
	if (text[0])
		append(buf, len, &used, "; %s", text);
	if (r->Flags & SD_LOG_F_UNCHANGED)
		append(buf, len, &used, "; thread %lu: %ld (unchanged)",
		       (unsigned long)r->TargetThread, (long)r->NewLevel);
	else if (r->Flags & SD_LOG_F_CHANGE)
		append(buf, len, &used, "; thread %lu: %ld -> %ld", (unsigned long)r->TargetThread,
		       (long)r->OldLevel, (long)r->NewLevel);
	else if (r->Kind == SD_LOG_LEASE_SKIPPED)
		append(buf, len, &used, "; thread %lu: no longer at %ld, left alone",
		       (unsigned long)r->TargetThread, (long)r->OldLevel);
	else if (r->Kind == SD_LOG_LEASE_END)
		append(buf, len, &used, "; thread %lu: left as it is (gone, under another lease, "
		       "or a level Windows moves back itself)", (unsigned long)r->TargetThread);
}

void sd_json_record(FILE *f, const SdLogRecord *r, long long boot_ns)
{
	const struct sd_code_name *c = find_code(r->Code, r->Os);
	const char *kind = sd_kind_name(r->Kind);
	char text[160];
	sd_u32 i, n;

	format_time(text, sizeof(text), r->TimeNs, boot_ns);
	fprintf(f, "{\"seq\": %llu, \"time_ns\": %llu, \"time\": ", (unsigned long long)r->Seq,
		(unsigned long long)r->TimeNs);
	sd_json_string(f, text);
	fprintf(f, ", \"kind\": ");
	if (kind)
		sd_json_string(f, kind);
	else
		fprintf(f, "%u", (unsigned)r->Kind);
	fprintf(f, ", \"os\": \"%s\", \"flags\": %u, \"pid\": %lu, \"tid\": %lu",
		r->Os == SD_LOG_OS_LINUX ? "linux" : r->Os == SD_LOG_OS_WINDOWS ? "windows" : "?",
		(unsigned)r->Flags, (unsigned long)r->ProcessId, (unsigned long)r->ThreadId);
	fprintf(f, ", \"code\": %lu, \"name\": ", (unsigned long)r->Code);
	if (c)
		sd_json_string(f, c->name);
	else
		fprintf(f, "null");
	fprintf(f, ", \"in\": %lu, \"out\": %lu, \"status\": %ld, \"status_text\": ",
		(unsigned long)r->InLen, (unsigned long)r->OutLen, (long)r->Status);
	sd_format_status(text, sizeof(text), r->Status, r->Os);
	sd_json_string(f, text);
	fprintf(f, ", \"information\": %llu, \"captured\": \"", (unsigned long long)r->Information);
	n = r->CapturedLength < SD_LOG_CAPTURE_MAX ? r->CapturedLength : SD_LOG_CAPTURE_MAX;
	for (i = 0; i < n; i++)
		fprintf(f, "%02x", r->Captured[i]);
	fprintf(f, "\", \"input\": ");
	sd_format_captured(text, sizeof(text), r);
	sd_json_string(f, text);
	fprintf(f, ", \"change\": ");
	if (r->Flags & (SD_LOG_F_CHANGE | SD_LOG_F_UNCHANGED))
		fprintf(f, "{\"thread\": %lu, \"old\": %ld, \"new\": %ld, \"unchanged\": %s}",
			(unsigned long)r->TargetThread, (long)r->OldLevel, (long)r->NewLevel,
			r->Flags & SD_LOG_F_UNCHANGED ? "true" : "false");
	else
		fprintf(f, "null");
	fprintf(f, "}\n");
}

void sd_format_gap(char *buf, size_t len, sd_u64 lost, sd_u64 before)
{
	snprintf(buf, len, "-- %llu record%s lost (overwritten or cleared) before #%llu --",
		 (unsigned long long)lost, lost == 1 ? "" : "s", (unsigned long long)before);
}

void sd_json_gap(FILE *f, sd_u64 lost, sd_u64 before)
{
	fprintf(f, "{\"lost\": %llu, \"before\": %llu}\n", (unsigned long long)lost,
		(unsigned long long)before);
}

int sd_parse_code(const char *s, sd_u32 *out)
{
	unsigned long long v = 0;
	int base = 10, digits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++, digits++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -1;
		v = v * (unsigned)base + (unsigned)d;
		if (v > 0xFFFFFFFFull)
			return -1;
	}
	if (!digits)
		return -1;
	*out = (sd_u32)v;
	return 0;
}
