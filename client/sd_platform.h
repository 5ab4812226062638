/* SPDX-License-Identifier: MIT */
/*
 * sd_platform.h - the client's thin platform seam.
 *
 * sd_client.c holds everything both kernels share (arguments, messages,
 * exit codes); each platform supplies these four calls:
 *   sd_platform_win.c    CreateFile / DeviceIoControl / FormatMessage
 *   sd_platform_linux.c  open / ioctl / strerror
 * Errors are the platform's own numbers: a Win32 error code or an errno.
 */
#ifndef SD_PLATFORM_H
#define SD_PLATFORM_H

#include <stddef.h>

#include "seconddriver.h"

struct sd_device;

/* Open the device. Returns 0 and sets *dev, or returns the error. */
int sd_open(struct sd_device **dev);

/*
 * Send SET_PRIORITY. Returns 0, or the error the kernel gave. On Windows a
 * level of 16..31 first enables SeIncreaseBasePriorityPrivilege in the
 * client's token, as the driver requires it (Administrators hold it,
 * disabled).
 */
int sd_set_priority(struct sd_device *dev, const ThreadData *td);

/* Close what sd_open opened. */
void sd_close(struct sd_device *dev);

/* The platform's text for err, without a trailing newline. */
void sd_describe_error(int err, char *buf, size_t len);

/* Non-zero if err means "not allowed to open the device". */
int sd_error_is_access_denied(int err);

/* Non-zero if err means "the caller lacks a privilege the level needs". */
int sd_error_is_privilege(int err);

/*
 * A one-line note on what the kernel does with this level afterwards, or
 * NULL. Windows keeps 1..15 only until the thread's next quantum ends
 * (docs/SPEC.md section 5); Linux keeps every level.
 */
const char *sd_level_note(sd_s32 level);

/* How the device is named on this platform, for messages. */
extern const char sd_device_display_name[];

#endif /* SD_PLATFORM_H */
