/* SPDX-License-Identifier: MIT */
/*
 * sd_decode.h - what the client's `log` and `decode` print: codes split
 * into their fields and named, statuses named, and the driver's log
 * records written out as lines or JSON.
 *
 * Pure C, no OS calls: the native unit tests compile it as it is, and it
 * reads Windows and Linux numbers alike on either platform, so that a
 * record or a code from one can be read on the other.
 */
#ifndef SD_DECODE_H
#define SD_DECODE_H

#include <stddef.h>
#include <stdio.h>

#include "seconddriver.h"

/* The contract's name of a Windows code ("SET_PRIORITY"), or NULL. */
const char *sd_windows_code_name(sd_u32 code);

/* The contract's name of a Linux code, or NULL. */
const char *sd_linux_code_name(sd_u32 code);

/* A log record's kind ("CREATE" .. "CHANGE"), or NULL for one not defined. */
const char *sd_kind_name(unsigned kind);

/* An NTSTATUS's name ("STATUS_INVALID_CID"), or NULL if the table lacks it. */
const char *sd_ntstatus_name(sd_s32 status);

/* The Win32 error the NTSTATUS becomes in user mode, or -1 if unknown. */
long sd_ntstatus_win32(sd_s32 status);

/* A Linux errno's name ("ESRCH"; err > 0), or NULL. Linux's numbers. */
const char *sd_errno_name(int err);

/* Which readings `decode` prints. */
enum sd_decode_os { SD_DECODE_BOTH, SD_DECODE_WINDOWS, SD_DECODE_LINUX };

/*
 * Print code's readings, one per line after a heading line: as a Windows
 * CTL_CODE (device type, access, function, method) and as a Linux _IOC
 * (direction, size, type, nr). A reading that is a contract code is marked
 * and named. Returns the number of readings that matched.
 */
int sd_decode_print(FILE *f, sd_u32 code, enum sd_decode_os which);

/*
 * Write the code as a record names it into buf: its contract name, the
 * code, and its fields in the record's OS's reading, e.g.
 *   SET_PRIORITY 0x80002003 (device type 0x8000, access FILE_ANY_ACCESS,
 *   function 0x800, method METHOD_NEITHER)
 */
void sd_format_code(char *buf, size_t len, sd_u32 code, unsigned os);

/* A record's status: "STATUS_SUCCESS 0x00000000 (Win32 0)", "ESRCH (errno 3)". */
void sd_format_status(char *buf, size_t len, sd_s32 status, unsigned os);

/*
 * The captured input read as the structure the code carries, written the
 * way the seed wrote it by hand: "ThreadId 8520 (0x2148), Priority 31
 * (0x1F)". Other input is shown as bytes; none gives "".
 */
void sd_format_captured(char *buf, size_t len, const SdLogRecord *r);

/*
 * The whole line `log` prints for a record. boot_ns is the wall-clock time
 * of boot in nanoseconds since 1970 (UTC); the time is shown in local time.
 */
void sd_format_record(char *buf, size_t len, const SdLogRecord *r, long long boot_ns);

/* The record as one JSON object on one line (`log --json`). */
void sd_json_record(FILE *f, const SdLogRecord *r, long long boot_ns);

/* `log`'s line, and `log --json`'s object, for lost records just before number `before`. */
void sd_format_gap(char *buf, size_t len, sd_u64 lost, sd_u64 before);
void sd_json_gap(FILE *f, sd_u64 lost, sd_u64 before);

/* Parse a code: 0x-prefixed hex or decimal, 32 bits. 0, or -1. */
int sd_parse_code(const char *s, sd_u32 *out);

#endif /* SD_DECODE_H */
