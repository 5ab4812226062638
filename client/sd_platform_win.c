// SPDX-License-Identifier: MIT
/*
 * sd_platform_win.c - the client's Windows seam: \\.\SecondDriver through
 * CreateFile and DeviceIoControl.
 */
#include <windows.h>
#include <stdio.h>

#include "sd_platform.h"

struct sd_device {
	HANDLE h;
};

const char sd_device_display_name[] = SD_USER_PATH_A;

int sd_open(struct sd_device **dev)
{
	static struct sd_device one;
	HANDLE h;

	h = CreateFileW(SD_USER_PATH_W, GENERIC_WRITE, FILE_SHARE_WRITE, NULL,
			OPEN_EXISTING, 0, NULL);
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

void sd_close(struct sd_device *dev)
{
	CloseHandle(dev->h);
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

const char *sd_level_note(sd_s32 level)
{
	if (level >= SD_PRIORITY_REALTIME_MIN)
		return NULL;
	return "levels 1..15 set the thread's current priority only: Windows moves it "
	       "back toward the thread's base priority as its quanta end "
	       "(docs/SPEC.md section 5)";
}
