/* SPDX-License-Identifier: MIT */
/*
 * sd_args.h - strict command-line parsing for SecondDriverClient.
 *
 * Pure C, no OS calls: the native unit tests compile it as it is.
 */
#ifndef SD_ARGS_H
#define SD_ARGS_H

#include "seconddriver.h"

enum sd_args_result {
	SD_ARGS_OK = 0,
	SD_ARGS_HELP,          /* --help or -h: print usage, exit 0 */
	SD_ARGS_USAGE,         /* wrong number of arguments */
	SD_ARGS_BAD_TID,       /* not a decimal number, or does not fit 32 bits */
	SD_ARGS_BAD_PRIORITY,  /* not a decimal number, or outside 1..31 */
};

/*
 * Parse "<tid> <priority>" (argv[1], argv[2]) into *out.
 * Numbers are plain decimal digits: no '+', no spaces, no trailing bytes,
 * no overflow. The priority may carry a leading '-', so that "-1" is
 * reported as out of range rather than as not a number.
 */
enum sd_args_result sd_parse_args(int argc, char **argv, ThreadData *out);

/* Human-readable reason for a result other than SD_ARGS_OK. */
const char *sd_args_strerror(enum sd_args_result r);

/* Strict decimal parsers; return 0 on success, -1 on any malformed input. */
int sd_parse_u32(const char *s, sd_u32 *out);
int sd_parse_s32(const char *s, sd_s32 *out);

/* A level: a strict decimal number from 1 to 31. 0, or -1. */
int sd_parse_level(const char *s, sd_s32 *out);

/*
 * A duration: decimal digits and a unit, ms, s, m or h ("200ms", "5s",
 * "2m", "1h"), from 1 ms to 24 h (SD_LEASE_MAX_MS). *ms, and 0; or -1.
 */
int sd_parse_duration(const char *s, sd_u32 *ms);

#endif /* SD_ARGS_H */
