// SPDX-License-Identifier: MIT
/*
 * sd_platform_win.c - the client's Windows seam: \\.\SecondDriver through
 * CreateFile and DeviceIoControl; threads from Toolhelp32.
 */
#include <windows.h>
#include <tlhelp32.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sd_platform.h"
#include "sd_service.h"

struct sd_device {
	HANDLE h;
};

const char sd_device_display_name[] = SD_USER_PATH_A;
const char sd_cap_setting[] =
	"the DWORD MaxPriority under HKLM\\SYSTEM\\CurrentControlSet\\Services\\second\\Parameters, "
	"read when the driver starts";

/*
 * GENERIC_WRITE for the codes that change threads (SET, SET_EX and BATCH
 * need write access), GENERIC_READ for GET: each handle gets no more access
 * than its command needs.
 */
int sd_open(struct sd_device **dev, int write)
{
	static struct sd_device one;
	HANDLE h;

	h = CreateFileW(SD_USER_PATH_W, write ? GENERIC_WRITE : GENERIC_READ,
			FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return (int)GetLastError();
	one.h = h;
	*dev = &one;
	return 0;
}

/*
 * Enable SeIncreaseBasePriorityPrivilege, if the token holds it. Failing
 * here is not an error: the driver then refuses the level with 1314, which
 * the caller reports.
 */
static void enable_increase_base_priority(void)
{
	TOKEN_PRIVILEGES tp = { .PrivilegeCount = 1 };
	HANDLE token;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES, &token))
		return;
	if (LookupPrivilegeValueA(NULL, "SeIncreaseBasePriorityPrivilege",
				  &tp.Privileges[0].Luid)) {
		tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
		AdjustTokenPrivileges(token, FALSE, &tp, sizeof(tp), NULL, NULL);
	}
	CloseHandle(token);
}

int sd_set_priority(struct sd_device *dev, const ThreadData *td)
{
	ThreadData in = *td;
	DWORD returned = 0;

	if (td->Priority >= SD_PRIORITY_REALTIME_MIN)
		enable_increase_base_priority();

	if (!DeviceIoControl(dev->h, IOCTL_SECOND_DRIVER_SET_PRIORITY, &in,
			     sizeof(in), NULL, 0, &returned, NULL))
		return (int)GetLastError();
	return 0;
}

int sd_get_priority(struct sd_device *dev, sd_u32 tid, sd_s32 *level)
{
	SdGetPriority q = { tid, 0 };
	DWORD returned = 0;

	if (!DeviceIoControl(dev->h, IOCTL_SECOND_DRIVER_GET_PRIORITY, &q, sizeof(q), &q,
			     sizeof(q), &returned, NULL))
		return (int)GetLastError();
	*level = q.Level;
	return 0;
}

int sd_set_priority_ex(struct sd_device *dev, sd_u32 tid, sd_s32 level, sd_u32 flags,
		       sd_s32 *old)
{
	SdSetPriorityEx x = { tid, level, flags, 0 };
	DWORD returned = 0;

	if (level >= SD_PRIORITY_REALTIME_MIN)
		enable_increase_base_priority();
	if (!DeviceIoControl(dev->h, IOCTL_SECOND_DRIVER_SET_PRIORITY_EX, &x, sizeof(x), &x,
			     sizeof(x), &returned, NULL))
		return (int)GetLastError();
	*old = x.OldLevel;
	return 0;
}

int sd_set_priority_batch(struct sd_device *dev, const SdBatchEntry *entries, sd_u32 n,
			  SdBatchResult *results)
{
	DWORD inlen = (DWORD)(sizeof(SdBatchHeader) + n * sizeof(SdBatchEntry));
	DWORD returned = 0, err = 0;
	unsigned char *in = malloc(inlen);
	SdBatchHeader header = { n, 0 };
	sd_u32 i;

	if (!in)
		return ERROR_NOT_ENOUGH_MEMORY;
	memcpy(in, &header, sizeof(header));
	memcpy(in + sizeof(header), entries, n * sizeof(SdBatchEntry));
	for (i = 0; i < n; i++) {
		if (entries[i].Priority >= SD_PRIORITY_REALTIME_MIN) {
			enable_increase_base_priority();
			break;
		}
	}
	if (!DeviceIoControl(dev->h, IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH, in, inlen, results,
			     (DWORD)(n * sizeof(SdBatchResult)), &returned, NULL))
		err = GetLastError();
	free(in);
	return (int)err;
}

int sd_get_log(struct sd_device *dev, sd_u64 from, SdLogRecord *records, sd_u32 capacity,
	       SdGetLogOut *out)
{
	DWORD outlen = (DWORD)(sizeof(SdGetLogOut) + capacity * sizeof(SdLogRecord));
	unsigned char *buf = malloc(outlen);
	SdGetLogIn in = { from };
	DWORD returned = 0, err = 0;

	if (!buf)
		return ERROR_NOT_ENOUGH_MEMORY;
	if (!DeviceIoControl(dev->h, IOCTL_SECOND_DRIVER_GET_LOG, &in, sizeof(in), buf, outlen,
			     &returned, NULL)) {
		err = GetLastError();
	} else if (returned < sizeof(SdGetLogOut)) {
		err = ERROR_INVALID_DATA;
	} else {
		memcpy(out, buf, sizeof(*out));
		if (out->Count > capacity ||
		    returned != sizeof(SdGetLogOut) + out->Count * sizeof(SdLogRecord))
			err = ERROR_INVALID_DATA;
		else
			memcpy(records, buf + sizeof(*out), out->Count * sizeof(SdLogRecord));
	}
	free(buf);
	return (int)err;
}

int sd_clear_log(struct sd_device *dev)
{
	DWORD returned = 0;

	if (!DeviceIoControl(dev->h, IOCTL_SECOND_DRIVER_CLEAR_LOG, NULL, 0, NULL, 0, &returned,
			     NULL))
		return (int)GetLastError();
	return 0;
}

int sd_get_info(struct sd_device *dev, SdDriverInfo *info)
{
	DWORD returned = 0;

	if (!DeviceIoControl(dev->h, IOCTL_SECOND_DRIVER_GET_INFO, NULL, 0, info, sizeof(*info),
			     &returned, NULL))
		return (int)GetLastError();
	return returned == sizeof(*info) ? 0 : ERROR_INVALID_DATA;
}

int sd_boost(struct sd_device *dev, const SdBoost *boost, SdBoostResult *result)
{
	SdBoost in = *boost;
	DWORD returned = 0;

	if (boost->Priority >= SD_PRIORITY_REALTIME_MIN)
		enable_increase_base_priority();
	if (!DeviceIoControl(dev->h, IOCTL_SECOND_DRIVER_BOOST, &in, sizeof(in), result,
			     sizeof(*result), &returned, NULL))
		return (int)GetLastError();
	return returned == sizeof(*result) ? 0 : ERROR_INVALID_DATA;
}

int sd_end_lease(struct sd_device *dev, sd_u32 id)
{
	SdEndLease e = { id, 0 };
	DWORD returned = 0;

	if (!DeviceIoControl(dev->h, IOCTL_SECOND_DRIVER_END_LEASE, &e, sizeof(e), NULL, 0,
			     &returned, NULL))
		return (int)GetLastError();
	return 0;
}

int sd_list_leases(struct sd_device *dev, SdLeaseInfo *leases, sd_u32 capacity, sd_u32 *count,
		   sd_u32 *total)
{
	DWORD outlen = (DWORD)(sizeof(SdLeaseListHeader) + capacity * sizeof(SdLeaseInfo));
	unsigned char *buf = malloc(outlen);
	SdLeaseListHeader header;
	DWORD returned = 0, err = 0;

	if (!buf)
		return ERROR_NOT_ENOUGH_MEMORY;
	if (!DeviceIoControl(dev->h, IOCTL_SECOND_DRIVER_LIST_LEASES, NULL, 0, buf, outlen,
			     &returned, NULL)) {
		err = GetLastError();
	} else {
		memcpy(&header, buf, sizeof(header));
		if (header.Count > capacity ||
		    returned != sizeof(header) + header.Count * sizeof(SdLeaseInfo)) {
			err = ERROR_INVALID_DATA;
		} else {
			memcpy(leases, buf + sizeof(header), header.Count * sizeof(SdLeaseInfo));
			*count = header.Count;
			*total = header.Total;
		}
	}
	free(buf);
	return (int)err;
}

int sd_error_is_no_lease(int err)
{
	return err == ERROR_NOT_FOUND;
}

void sd_close(struct sd_device *dev)
{
	CloseHandle(dev->h);
}

/*
 * Now, less the time since boot. GetTickCount64 counts from boot as the
 * interrupt time the driver reads does, to within a clock tick (Wine's
 * KeQueryInterruptTime is this very tick count, docs/SPEC.md 4b).
 */
long long sd_boot_time_ns(void)
{
	/* 100 ns units from 1601 to 1970 */
	const unsigned long long unix_epoch = 116444736000000000ull;
	unsigned long long now;
	ULONGLONG since_boot_ms = GetTickCount64();
	FILETIME ft;

	GetSystemTimeAsFileTime(&ft);
	now = ((unsigned long long)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
	return (long long)(now - unix_epoch) * 100 - (long long)since_boot_ms * 1000000;
}

void sd_sleep_ms(unsigned ms)
{
	Sleep(ms);
}

static volatile int *interrupt_flag;

static BOOL WINAPI on_control(DWORD type)
{
	if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT)
		return FALSE;
	*interrupt_flag = 1;
	return TRUE;
}

void sd_catch_interrupt(volatile int *stop)
{
	interrupt_flag = stop;
	SetConsoleCtrlHandler(on_control, TRUE);
}

/* ---- the Service Control Manager (sd_service.h) -------------------------------- */

static int scm_connect(void **scm, int create)
{
	SC_HANDLE h = OpenSCManagerA(NULL, NULL, create ? SC_MANAGER_CREATE_SERVICE :
							SC_MANAGER_CONNECT);

	if (!h)
		return (int)GetLastError();
	*scm = h;
	return 0;
}

/*
 * sc create second type= kernel binPath= <path>: the rest are sc's
 * defaults, and like sc it gives no display name.
 */
static int scm_create(void *scm, const char *path, void **service)
{
	SC_HANDLE h = CreateServiceA((SC_HANDLE)scm, SD_SERVICE_NAME, NULL,
				     SERVICE_ALL_ACCESS, SERVICE_KERNEL_DRIVER,
				     SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, path,
				     NULL, NULL, NULL, NULL, NULL);

	if (!h)
		return (int)GetLastError();
	*service = h;
	return 0;
}

static int scm_open(void *scm, void **service)
{
	SC_HANDLE h = OpenServiceA((SC_HANDLE)scm, SD_SERVICE_NAME,
				   SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS | SERVICE_START |
				   SERVICE_STOP | DELETE);

	if (!h)
		return (int)GetLastError();
	*service = h;
	return 0;
}

static int scm_binary_path(void *service, char *buf, size_t len)
{
	union {
		QUERY_SERVICE_CONFIGA config;
		char bytes[8192];
	} u;
	DWORD needed = 0;

	if (!QueryServiceConfigA((SC_HANDLE)service, &u.config, sizeof(u), &needed))
		return (int)GetLastError();
	snprintf(buf, len, "%s", u.config.lpBinaryPathName ? u.config.lpBinaryPathName : "");
	return 0;
}

static int scm_start(void *service)
{
	return StartServiceA((SC_HANDLE)service, 0, NULL) ? 0 : (int)GetLastError();
}

/* Ask it to stop, then wait (up to 10 s) until the SCM says it has. */
static int scm_stop(void *service)
{
	SERVICE_STATUS st;
	int i;

	if (!ControlService((SC_HANDLE)service, SERVICE_CONTROL_STOP, &st))
		return (int)GetLastError();
	for (i = 0; i < 100 && st.dwCurrentState != SERVICE_STOPPED; i++) {
		Sleep(100);
		if (!QueryServiceStatus((SC_HANDLE)service, &st))
			return (int)GetLastError();
	}
	return st.dwCurrentState == SERVICE_STOPPED ? 0 : ERROR_SERVICE_REQUEST_TIMEOUT;
}

static int scm_remove(void *service)
{
	return DeleteService((SC_HANDLE)service) ? 0 : (int)GetLastError();
}

static void scm_close(void *handle)
{
	CloseServiceHandle((SC_HANDLE)handle);
}

static const struct sd_scm windows_scm = {
	scm_connect, scm_create, scm_open, scm_binary_path, scm_start, scm_stop,
	scm_remove, scm_close, sd_describe_error,
};

const struct sd_scm *sd_service_manager(void)
{
	return &windows_scm;
}

int sd_driver_path(const char *arg, char *buf, size_t len)
{
	char beside[MAX_PATH];
	DWORD n, attrs;

	if (!arg) {
		char *slash;

		n = GetModuleFileNameA(NULL, beside, sizeof(beside));
		if (n == 0 || n >= sizeof(beside))
			return n ? ERROR_FILENAME_EXCED_RANGE : (int)GetLastError();
		slash = strrchr(beside, '\\');
		if (!slash || (size_t)(slash + 1 - beside) + sizeof(SD_DRIVER_FILE) > sizeof(beside))
			return ERROR_BAD_PATHNAME;
		memcpy(slash + 1, SD_DRIVER_FILE, sizeof(SD_DRIVER_FILE));
		arg = beside;
	}
	n = GetFullPathNameA(arg, (DWORD)len, buf, NULL);
	if (n == 0)
		return (int)GetLastError();
	if (n >= len)
		return ERROR_FILENAME_EXCED_RANGE;
	attrs = GetFileAttributesA(buf);
	if (attrs == INVALID_FILE_ATTRIBUTES)
		return (int)GetLastError();
	if (attrs & FILE_ATTRIBUTE_DIRECTORY)
		return ERROR_FILE_NOT_FOUND;
	return 0;
}

/* 1 if a process with this id exists. */
static int process_exists(DWORD pid)
{
	PROCESSENTRY32 pe = { .dwSize = sizeof(pe) };
	HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	int found = 0;

	if (snap == INVALID_HANDLE_VALUE)
		return 0;
	if (Process32First(snap, &pe)) {
		do {
			found = pe.th32ProcessID == pid;
		} while (!found && Process32Next(snap, &pe));
	}
	CloseHandle(snap);
	return found;
}

int sd_list_threads(sd_u32 pid, sd_u32 **tids, size_t *n)
{
	struct sd_tid_list list = { NULL, 0, 0 };
	THREADENTRY32 te = { .dwSize = sizeof(te) };
	HANDLE snap;

	*tids = NULL;
	*n = 0;
	if (pid == 0 || !process_exists(pid))
		return SD_NO_SUCH_PROCESS;
	snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
	if (snap == INVALID_HANDLE_VALUE)
		return (int)GetLastError();
	if (Thread32First(snap, &te)) {
		do {
			if (te.th32OwnerProcessID == pid &&
			    sd_tid_list_add(&list, te.th32ThreadID)) {
				CloseHandle(snap);
				return ERROR_NOT_ENOUGH_MEMORY;
			}
		} while (Thread32Next(snap, &te));
	}
	CloseHandle(snap);
	*tids = list.tids;
	*n = list.n;
	return 0;
}

sd_u32 sd_thread_process(sd_u32 tid)
{
	HANDLE t = OpenThread(THREAD_QUERY_LIMITED_INFORMATION, FALSE, tid);
	DWORD pid;

	if (!t)
		return 0;
	pid = GetProcessIdOfThread(t);
	CloseHandle(t);
	return pid;
}

void sd_describe_error(int err, char *buf, size_t len)
{
	DWORD n;

	n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
			   NULL, (DWORD)err, 0, buf, (DWORD)len, NULL);
	if (n == 0) {
		snprintf(buf, len, "(no system text for this error)");
		return;
	}
	/* FormatMessage ends its text with "\r\n": drop it. */
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		buf[--n] = '\0';
}

int sd_error_is_access_denied(int err)
{
	return err == ERROR_ACCESS_DENIED;
}

int sd_error_is_privilege(int err)
{
	return err == ERROR_PRIVILEGE_NOT_HELD;
}

int sd_error_may_be_cap(int err)
{
	return err == ERROR_PRIVILEGE_NOT_HELD;
}

int sd_status_may_be_cap(sd_s32 status)
{
	return (ULONG)status == 0xC0000061u;	/* STATUS_PRIVILEGE_NOT_HELD */
}

/* A missing thread: error 87 (STATUS_INVALID_PARAMETER, or under Wine
 * STATUS_INVALID_CID, docs/SPEC.md section 5). */
int sd_error_is_gone(int err)
{
	return err == ERROR_INVALID_PARAMETER;
}

/*
 * A batch entry whose thread is gone: STATUS_INVALID_CID (not in the
 * process named, or no such thread under Wine) or STATUS_INVALID_PARAMETER
 * (no such thread on Windows). The client sends only valid levels and a zero
 * Reserved, so STATUS_INVALID_PARAMETER can only come from the lookup.
 */
int sd_status_is_gone(sd_s32 status)
{
	return (ULONG)status == 0xC000000Bu || (ULONG)status == 0xC000000Du;
}

void sd_describe_status(sd_s32 status, char *buf, size_t len)
{
	typedef ULONG (WINAPI *to_dos_error)(LONG);
	to_dos_error convert = (to_dos_error)(void *)GetProcAddress(
		GetModuleHandleA("ntdll.dll"), "RtlNtStatusToDosError");

	sd_describe_error(convert ? (int)convert(status) : (int)status, buf, len);
}

const char *sd_level_note(sd_s32 level)
{
	if (level >= SD_PRIORITY_REALTIME_MIN)
		return NULL;
	return "levels 1..15 set the thread's current priority only: Windows moves it "
	       "back toward the thread's base priority as its quanta end "
	       "(docs/SPEC.md section 5)";
}
