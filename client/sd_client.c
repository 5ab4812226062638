// SPDX-License-Identifier: MIT
/*
 * sd_client.c - SecondDriverClient: set a thread's priority through the
 * SecondDriver kernel driver.
 *
 *   SecondDriverClient <tid> <priority>
 *
 * Same source for Windows and Linux; the differences live behind
 * sd_platform.h. Exit codes: 0 success, 1 the request failed, 2 bad
 * arguments (nothing was sent).
 */
#include <stdio.h>

#include "sd_args.h"
#include "sd_platform.h"

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s <tid> <priority>\n"
		"  Sets thread <tid> to <priority> (%d..%d, the Windows scale) through\n"
		"  %s. Needs an elevated (administrator/root) caller.\n",
		prog, SD_PRIORITY_MIN, SD_PRIORITY_MAX, sd_device_display_name);
}

static void report(const char *what, int err)
{
	char text[512];

	sd_describe_error(err, text, sizeof(text));
	fprintf(stderr, "SecondDriverClient: %s failed: error %d: %s\n",
		what, err, text);
	if (sd_error_is_access_denied(err))
		fprintf(stderr,
			"SecondDriverClient: hint: only administrators may open %s "
			"and steer a thread; run from an elevated prompt (or as root)\n",
			sd_device_display_name);
	if (sd_error_is_privilege(err))
		fprintf(stderr,
			"SecondDriverClient: hint: levels %d..%d need the privilege "
			"SeIncreaseBasePriorityPrivilege (\"Increase scheduling priority\"), "
			"which Administrators hold\n",
			SD_PRIORITY_REALTIME_MIN, SD_PRIORITY_MAX);
}

int main(int argc, char **argv)
{
	const char *prog = argc > 0 && argv[0] ? argv[0] : "SecondDriverClient";
	struct sd_device *dev;
	ThreadData td;
	enum sd_args_result r;
	int err;

	r = sd_parse_args(argc, argv, &td);
	if (r == SD_ARGS_HELP) {
		usage(stdout, prog);
		return EXIT_OK;
	}
	if (r != SD_ARGS_OK) {
		fprintf(stderr, "SecondDriverClient: %s\n", sd_args_strerror(r));
		usage(stderr, prog);
		return EXIT_USAGE;
	}

	err = sd_open(&dev);
	if (err) {
		report("opening the device", err);
		return EXIT_FAILED;
	}
	err = sd_set_priority(dev, &td);
	sd_close(dev);
	if (err) {
		report("setting the priority", err);
		return EXIT_FAILED;
	}
	printf("Priority change for thread %lu to %ld succeeded!\n",
	       (unsigned long)td.ThreadId, (long)td.Priority);
	if (sd_level_note(td.Priority))
		fprintf(stderr, "SecondDriverClient: note: %s\n", sd_level_note(td.Priority));
	return EXIT_OK;
}
