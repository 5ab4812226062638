/* SPDX-License-Identifier: MIT */
/*
 * sd_logcheck.h - checks on the driver's log records (docs/SPEC.md 4b),
 * shared by the programs that read the real log: tests/wine/sd_wine_log.c
 * (Win32, under Wine) and tests/vm/sd_vmlog.c (Linux, in the VM). Each
 * includes it once; the OS (SD_LOG_OS_*) is the program's.
 */
#ifndef SD_LOGCHECK_H
#define SD_LOGCHECK_H

#include <stdio.h>
#include <string.h>

#include "seconddriver.h"

/* An IOCTL record of this OS, numbered seq, with this code, lengths and answer. */
static int is_request(const SdLogRecord *r, unsigned os, sd_u64 seq, sd_u32 code, sd_u32 in,
		      sd_u32 out, sd_s32 status)
{
	return r->Seq == seq && r->Kind == SD_LOG_IOCTL && r->Os == os && r->Code == code &&
	       r->InLen == in && r->OutLen == out && r->Status == status && r->Reserved == 0;
}

/* It captured exactly these n bytes. */
static int captured(const SdLogRecord *r, const void *bytes, sd_u32 n)
{
	return r->CapturedLength == n && !memcmp(r->Captured, bytes, n);
}

/* It records one change: thread tid, from old to level. */
static int change(const SdLogRecord *r, sd_u32 tid, sd_s32 old, sd_s32 level)
{
	return r->Flags == SD_LOG_F_CHANGE && r->TargetThread == tid && r->OldLevel == old &&
	       r->NewLevel == level;
}

/* Print n records, one line each, after a failed check. */
static void show(const SdLogRecord *r, sd_u32 n)
{
	sd_u32 i;

	for (i = 0; i < n; i++)
		printf("    #%llu kind %u code 0x%08lX in %lu out %lu status %ld captured %lu "
		       "flags %u target %lu %ld -> %ld pid %lu tid %lu info %llu\n",
		       (unsigned long long)r[i].Seq, (unsigned)r[i].Kind, (unsigned long)r[i].Code,
		       (unsigned long)r[i].InLen, (unsigned long)r[i].OutLen, (long)r[i].Status,
		       (unsigned long)r[i].CapturedLength, (unsigned)r[i].Flags,
		       (unsigned long)r[i].TargetThread, (long)r[i].OldLevel, (long)r[i].NewLevel,
		       (unsigned long)r[i].ProcessId, (unsigned long)r[i].ThreadId,
		       (unsigned long long)r[i].Information);
}

#endif /* SD_LOGCHECK_H */
