/* SPDX-License-Identifier: MIT */
/*
 * sd_service.h - `install` and `uninstall`: the Windows driver's service,
 * through the Service Control Manager, as the seed's `sc` commands make it.
 *
 * The steps and every message are here, in pure C; the SCM calls are the
 * platform's (sd_platform_win.c), behind struct sd_scm, so the native
 * tests run both commands against a scripted SCM, errors included.
 * Errors are Win32 error codes.
 */
#ifndef SD_SERVICE_H
#define SD_SERVICE_H

#include <stddef.h>
#include <stdio.h>

/* The Win32 errors the two commands answer themselves (winerror.h). */
#define SD_ERROR_FILE_NOT_FOUND            2
#define SD_ERROR_ACCESS_DENIED             5
#define SD_ERROR_SERVICE_ALREADY_RUNNING   1056
#define SD_ERROR_SERVICE_DOES_NOT_EXIST    1060
#define SD_ERROR_SERVICE_NOT_ACTIVE        1062
#define SD_ERROR_SERVICE_MARKED_FOR_DELETE 1072
#define SD_ERROR_SERVICE_EXISTS            1073

/* The Service Control Manager, as the two commands use it. Each call returns 0 or an error. */
struct sd_scm {
	/* OpenSCManager; create: with the right to create services. */
	int (*connect)(void **scm, int create);
	/* CreateService "second": kernel driver, demand start, normal errors (sc create's defaults). */
	int (*create)(void *scm, const char *path, void **service);
	/* OpenService "second", with the rights to query, start, stop and delete it. */
	int (*open)(void *scm, void **service);
	/* The service's binary path, as the SCM holds it. */
	int (*binary_path)(void *service, char *buf, size_t len);
	int (*start)(void *service);
	/* Ask it to stop, and wait until it has. */
	int (*stop)(void *service);
	int (*remove)(void *service);
	void (*close)(void *handle);
	/* The system's text for an error, without a trailing newline. */
	void (*describe)(int err, char *buf, size_t len);
};

/*
 * Create the service for the driver at path (absolute) if it does not
 * exist, and start it if it is not running. Reports each step on out, a
 * failure on err. Returns the exit code: 0, or 1 if a step failed.
 */
int sd_service_install(const struct sd_scm *scm, const char *path, FILE *out, FILE *err);

/* Stop the service if it runs, and delete it if it exists. As above. */
int sd_service_uninstall(const struct sd_scm *scm, FILE *out, FILE *err);

#endif /* SD_SERVICE_H */
