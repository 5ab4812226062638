// SPDX-License-Identifier: MIT
/*
 * sd_platform_linux.c - the client's Linux seam: /dev/SecondDriver through
 * open(2) and ioctl(2).
 */
#define _POSIX_C_SOURCE 200809L	/* O_CLOEXEC under -std=c11 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sd_platform.h"

struct sd_device {
	int fd;
};

const char sd_device_display_name[] = SD_LINUX_DEVICE_PATH;

int sd_open(struct sd_device **dev)
{
	static struct sd_device one;
	int fd;

	fd = open(SD_LINUX_DEVICE_PATH, O_RDWR | O_CLOEXEC);
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

void sd_close(struct sd_device *dev)
{
	close(dev->fd);
}

void sd_describe_error(int err, char *buf, size_t len)
{
	snprintf(buf, len, "%s", strerror(err));
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

const char *sd_level_note(sd_s32 level)
{
	(void)level;	/* a policy and nice value stay until changed */
	return NULL;
}
