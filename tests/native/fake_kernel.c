// SPDX-License-Identifier: MIT
/*
 * fake_kernel.c - scripted fakes of the kernel calls sd_ioctl.c makes,
 * and of SdCaptureThreadData (the real one needs SEH; it is tested under
 * Wine by tests/wine/sd_probe_test.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fake_kernel.h"
#include "fake_state.h"
#include "sd_capture.h"

struct fake_state fake;

struct _FAKE_THREAD {
	ULONG id;
};

static struct _FAKE_THREAD threads[4];

void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.lookup_status = STATUS_SUCCESS;
	fake.capture_status = STATUS_SUCCESS;
}

NTSTATUS PsLookupThreadByThreadId(HANDLE ThreadId, PETHREAD *Thread)
{
	fake.lookups++;
	fake.last_lookup_id = (ULONG)(uintptr_t)ThreadId;
	if (!NT_SUCCESS(fake.lookup_status))
		return fake.lookup_status;
	threads[0].id = fake.last_lookup_id;
	*Thread = &threads[0];
	fake.refs++;		/* the lookup returns a referenced object */
	return STATUS_SUCCESS;
}

KPRIORITY KeSetPriorityThread(PKTHREAD Thread, KPRIORITY Priority)
{
	fake.sets++;
	fake.refs_at_set = fake.refs;
	fake.set_thread_id = Thread->id;
	fake.set_priority = Priority;
	return 8;
}

void ObDereferenceObject(PVOID Object)
{
	(void)Object;
	fake.derefs++;
	fake.refs--;
}

NTSTATUS SdCaptureThreadData(const void *Buffer, KPROCESSOR_MODE RequestorMode,
			     ThreadData *Captured)
{
	fake.captures++;
	fake.capture_mode = RequestorMode;
	if (!NT_SUCCESS(fake.capture_status))
		return fake.capture_status;
	memcpy(Captured, Buffer, sizeof(*Captured));
	return STATUS_SUCCESS;
}

void SdLog(ULONG Level, const char *Format, ...)
{
	va_list args;

	va_start(args, Format);
	vsnprintf(fake.last_log, sizeof(fake.last_log), Format, args);
	va_end(args);
	fake.last_log_level = Level;
	fake.logs++;
}
