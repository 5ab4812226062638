/* SPDX-License-Identifier: MIT */
/*
 * sd_report.h - PASS/FAIL/SKIP lines and the closing "N passed, N failed"
 * line, for the Win32 test programs (tests/wine/sd_stress.c,
 * tests/windows/sd_check.c). The runners fold these lines into theirs
 * (tests/lib/report.sh's absorb). Each program includes it once.
 */
#ifndef SD_REPORT_H
#define SD_REPORT_H

#include <stdarg.h>
#include <stdio.h>

static int passed, failed, skipped;

static void result(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (ok)
		passed++;
	else
		failed++;
}

/* A check this host cannot make, and why. Neither passes nor fails. */
static inline void skip(const char *what, const char *why)
{
	printf("SKIP %s: %s\n", what, why);
	skipped++;
}

/* The closing line; the program's exit status. */
static inline int summary(void)
{
	if (skipped)
		printf("%d skipped\n", skipped);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#endif /* SD_REPORT_H */
