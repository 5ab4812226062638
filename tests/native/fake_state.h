/* SPDX-License-Identifier: MIT */
/* fake_state.h - what the native fakes record, for the tests to check. */
#ifndef FAKE_STATE_H
#define FAKE_STATE_H

#include "fake_kernel.h"

struct fake_state {
	/* scripted answers */
	NTSTATUS lookup_status;
	NTSTATUS capture_status;
	/* what happened */
	int lookups, sets, derefs, captures, logs;
	int refs;		/* outstanding thread references */
	int refs_at_set;	/* references held when KeSetPriorityThread ran */
	ULONG last_lookup_id, set_thread_id;
	KPRIORITY set_priority;
	KPROCESSOR_MODE capture_mode;
	ULONG last_log_level;
	char last_log[256];
};

extern struct fake_state fake;
void fake_reset(void);

#endif /* FAKE_STATE_H */
