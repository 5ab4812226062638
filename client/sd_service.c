// SPDX-License-Identifier: MIT
/*
 * sd_service.c - `install` and `uninstall` (sd_service.h). Both may be run
 * again and again: each step that is already done is reported as such.
 */
#include <ctype.h>
#include <string.h>

#include "seconddriver.h"
#include "sd_service.h"

static int failed(const struct sd_scm *scm, FILE *err, const char *what, int e)
{
	char text[256];

	scm->describe(e, text, sizeof(text));
	fprintf(err, "SecondDriverClient: %s failed: error %d: %s\n", what, e, text);
	if (e == SD_ERROR_ACCESS_DENIED)
		fprintf(err, "SecondDriverClient: hint: installing and removing a driver needs an "
			"elevated prompt: start the command prompt with \"Run as administrator\"\n");
	return 1;
}

/* The SCM may hand the path back with the kernel's \??\ prefix; compare without case. */
static int same_path(const char *held, const char *wanted)
{
	if (!strncmp(held, "\\??\\", 4))
		held += 4;
	for (; *held && *wanted; held++, wanted++) {
		if (tolower((unsigned char)*held) != tolower((unsigned char)*wanted))
			return 0;
	}
	return *held == *wanted;
}

int sd_service_install(const struct sd_scm *scm, const char *path, FILE *out, FILE *err)
{
	void *manager, *service;
	char held[1024];
	int e, rc = 0;

	e = scm->connect(&manager, 1);
	if (e)
		return failed(scm, err, "opening the Service Control Manager", e);

	e = scm->create(manager, path, &service);
	if (!e) {
		fprintf(out, "created service %s: kernel driver, demand start, %s\n",
			SD_SERVICE_NAME, path);
	} else if (e == SD_ERROR_SERVICE_EXISTS) {
		e = scm->open(manager, &service);
		if (e) {
			rc = failed(scm, err, "opening the existing service", e);
			goto out;
		}
		if (scm->binary_path(service, held, sizeof(held)))
			snprintf(held, sizeof(held), "(its path could not be read)");
		fprintf(out, "service %s already exists: %s\n", SD_SERVICE_NAME, held);
		if (!same_path(held, path))
			fprintf(err, "SecondDriverClient: note: it was not installed from %s; "
				"run uninstall first to change that\n", path);
	} else {
		rc = failed(scm, err, "creating the service", e);
		goto out;
	}

	e = scm->start(service);
	if (!e)
		fprintf(out, "started service %s\n", SD_SERVICE_NAME);
	else if (e == SD_ERROR_SERVICE_ALREADY_RUNNING)
		fprintf(out, "service %s is already running\n", SD_SERVICE_NAME);
	else
		rc = failed(scm, err, "starting the service (loading the driver)", e);
	scm->close(service);
out:
	scm->close(manager);
	return rc;
}

int sd_service_uninstall(const struct sd_scm *scm, FILE *out, FILE *err)
{
	void *manager, *service;
	int e, rc = 0;

	e = scm->connect(&manager, 0);
	if (e)
		return failed(scm, err, "opening the Service Control Manager", e);

	e = scm->open(manager, &service);
	if (e == SD_ERROR_SERVICE_DOES_NOT_EXIST) {
		fprintf(out, "service %s is not installed; nothing to do\n", SD_SERVICE_NAME);
		goto out;
	}
	if (e) {
		rc = failed(scm, err, "opening the service", e);
		goto out;
	}

	e = scm->stop(service);
	if (!e) {
		fprintf(out, "stopped service %s\n", SD_SERVICE_NAME);
	} else if (e == SD_ERROR_SERVICE_NOT_ACTIVE) {
		fprintf(out, "service %s was not running\n", SD_SERVICE_NAME);
	} else {
		rc = failed(scm, err, "stopping the service", e);
		fprintf(err, "SecondDriverClient: the service was left in place\n");
		goto close;
	}

	e = scm->remove(service);
	if (!e)
		fprintf(out, "deleted service %s\n", SD_SERVICE_NAME);
	else if (e == SD_ERROR_SERVICE_MARKED_FOR_DELETE)
		fprintf(out, "service %s is already marked for deletion\n", SD_SERVICE_NAME);
	else
		rc = failed(scm, err, "deleting the service", e);
close:
	scm->close(service);
out:
	scm->close(manager);
	return rc;
}
