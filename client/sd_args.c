// SPDX-License-Identifier: MIT
/*
 * sd_args.c - strict parsing of SecondDriverClient's arguments.
 *
 * The seed used atoi(), which turns "abc" into 0 and "99999999999" into
 * whatever the overflow gives. Here every byte is checked and anything
 * that is not a plain in-range decimal number is refused before the
 * client opens the device.
 */
#include <string.h>

#include "sd_args.h"

/* Accumulate decimal digits into *out; fail on empty input, non-digits or
 * a value above limit. */
static int parse_digits(const char *s, unsigned long long limit,
			unsigned long long *out)
{
	unsigned long long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long long)(*s - '0');
		if (v > limit)
			return -1;
	}
	*out = v;
	return 0;
}

int sd_parse_u32(const char *s, sd_u32 *out)
{
	unsigned long long v;

	if (!s || parse_digits(s, 0xFFFFFFFFull, &v))
		return -1;
	*out = (sd_u32)v;
	return 0;
}

int sd_parse_s32(const char *s, sd_s32 *out)
{
	unsigned long long v;
	int neg = 0;

	if (!s)
		return -1;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (parse_digits(s, neg ? 0x80000000ull : 0x7FFFFFFFull, &v))
		return -1;
	*out = neg ? (sd_s32)(0 - (long long)v) : (sd_s32)v;
	return 0;
}

int sd_parse_level(const char *s, sd_s32 *out)
{
	sd_s32 v;

	if (sd_parse_s32(s, &v) || v < SD_PRIORITY_MIN || v > SD_PRIORITY_MAX)
		return -1;
	*out = v;
	return 0;
}

int sd_parse_duration(const char *s, sd_u32 *ms)
{
	static const struct {
		const char *unit;
		sd_u32 scale;
	} units[] = { { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 } };
	unsigned long long v = 0;
	size_t i, digits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > SD_LEASE_MAX_MS)
			return -1;
	}
	if (!digits)
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(s, units[i].unit))
			break;
	}
	if (i == sizeof(units) / sizeof(units[0]))
		return -1;
	v *= units[i].scale;
	if (v == 0 || v > SD_LEASE_MAX_MS)
		return -1;
	*ms = (sd_u32)v;
	return 0;
}

enum sd_args_result sd_parse_args(int argc, char **argv, ThreadData *out)
{
	ThreadData td;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
			  !strcmp(argv[1], "/?")))
		return SD_ARGS_HELP;
	if (argc != 3)
		return SD_ARGS_USAGE;
	if (sd_parse_u32(argv[1], &td.ThreadId))
		return SD_ARGS_BAD_TID;
	if (sd_parse_level(argv[2], &td.Priority))
		return SD_ARGS_BAD_PRIORITY;
	*out = td;
	return SD_ARGS_OK;
}

const char *sd_args_strerror(enum sd_args_result r)
{
	switch (r) {
	case SD_ARGS_OK:
		return "ok";
	case SD_ARGS_HELP:
		return "help requested";
	case SD_ARGS_USAGE:
		return "expected exactly two arguments";
	case SD_ARGS_BAD_TID:
		return "thread id must be a decimal number from 0 to 4294967295";
	case SD_ARGS_BAD_PRIORITY:
		return "priority must be a decimal number from 1 to 31";
	}
	return "unknown error";
}
