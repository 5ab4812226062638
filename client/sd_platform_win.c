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

int sd_set_priority(struct sd_device *dev, const ThreadData *td)
{
	ThreadData in = *td;
	DWORD returned = 0;

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
