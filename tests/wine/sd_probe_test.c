// SPDX-License-Identifier: MIT
/*
 * sd_probe_test.c - the driver's own probe-and-copy, fed bad pointers for
 * real, in a user-mode program under Wine.
 *
 * The program is linked with build/win/release/sd_capture.obj: the very
 * object that goes into the release SecondDriver.sys, compiled for the
 * same MSVC target with the same flags. So its __try/__except, its unwind
 * data and its scope table are the shipped ones, and Wine's ntdll runs
 * them through __C_specific_handler as Windows' kernel would. Like the
 * driver, the program has no C runtime: lld-link, /nodefaultlib, imports
 * from kernel32 and ntdll only (the .def files in tests/wine/probe/).
 *
 * Each case must come back from SdCaptureThreadData as a status: a crash
 * ends the program early, which the runner reports as a failure (no
 * summary line).
 */
#include <stdarg.h>

#include "sd_capture.h"

int __cdecl _vsnprintf(char *buf, size_t len, const char *fmt, va_list ap);

/* printf, without a C runtime: format with ntdll, write to stdout. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[256];
	DWORD written;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = _vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = sizeof(buf) - 1;
	WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), buf, (DWORD)n, &written, NULL);
}

/* Windows x64's MmUserProbeAddress: the end of the user-mode range. */
#define USER_PROBE_LIMIT 0x00007FFFFFFF0000ull

static int probes;

/* What Windows' ProbeForRead checks, in its order. */
static VOID test_probe_for_read(volatile VOID *Address, SIZE_T Length, ULONG Alignment)
{
	ULONG_PTR a = (ULONG_PTR)Address;

	probes++;
	if (Length == 0)
		return;
	if (a & (Alignment - 1))
		RaiseException((DWORD)STATUS_DATATYPE_MISALIGNMENT, 0, 0, NULL);
	if (a + Length < a || a + Length > USER_PROBE_LIMIT)
		RaiseException((DWORD)STATUS_ACCESS_VIOLATION, 0, 0, NULL);
}

/*
 * The driver's object calls ProbeForRead through the import slot
 * __imp_ProbeForRead (ntoskrnl's, in the .sys). Here that slot points at
 * the test's own.
 */
VOID (*__imp_ProbeForRead)(volatile VOID *, SIZE_T, ULONG) = test_probe_for_read;

static int passed, failed;

static void expect(const char *name, const void *p, KPROCESSOR_MODE mode,
		   NTSTATUS want)
{
	ThreadData out = { 0xAAAAAAAAu, -2 };
	NTSTATUS got = SdCaptureThreadData(p, mode, &out);

	if (got == want) {
		passed++;
		say("PASS probe: %s -> 0x%08lX\n", name, (unsigned long)got);
	} else {
		failed++;
		say("FAIL probe: %s: got 0x%08lX, want 0x%08lX\n", name,
		       (unsigned long)got, (unsigned long)want);
	}
}

static void check(const char *name, int ok)
{
	if (ok) {
		passed++;
		say("PASS probe: %s\n", name);
	} else {
		failed++;
		say("FAIL probe: %s\n", name);
	}
}

static int probe_main(void)
{
	unsigned char *pages;
	DWORD old;
	ThreadData *good;
	ThreadData out;
	int before;

	/* Two pages: the first readable, the second PAGE_NOACCESS. */
	pages = VirtualAlloc(NULL, 2 * 4096, MEM_COMMIT | MEM_RESERVE,
			     PAGE_READWRITE);
	if (!pages || !VirtualProtect(pages + 4096, 4096, PAGE_NOACCESS, &old)) {
		say("FAIL probe: setup: VirtualAlloc/VirtualProtect: %lu\n",
		       GetLastError());
		say("0 passed, 1 failed\n");
		return 1;
	}
	good = (ThreadData *)(pages + 64);
	good->ThreadId = 8520;
	good->Priority = 31;

	/* A good buffer is copied exactly. */
	out.ThreadId = 0;
	out.Priority = 0;
	check("a valid user buffer is captured",
	      SdCaptureThreadData(good, UserMode, &out) == STATUS_SUCCESS &&
	      out.ThreadId == 8520 && out.Priority == 31);

	expect("NULL", NULL, UserMode, STATUS_ACCESS_VIOLATION);
	expect("pointer 1", (void *)1, UserMode, STATUS_DATATYPE_MISALIGNMENT);
	expect("a struct straddling a PAGE_NOACCESS page",
	       pages + 4096 - 4, UserMode, STATUS_ACCESS_VIOLATION);
	expect("a struct inside a PAGE_NOACCESS page",
	       pages + 4096 + 8, UserMode, STATUS_ACCESS_VIOLATION);
	expect("a misaligned pointer", pages + 66, UserMode,
	       STATUS_DATATYPE_MISALIGNMENT);
	expect("a kernel-range address", (void *)0xFFFFF80000000000ull,
	       UserMode, STATUS_ACCESS_VIOLATION);

	/* What a caller of DeviceIoControl sees for the two capture faults
	 * (docs/SPEC.md section 5). */
	check("STATUS_ACCESS_VIOLATION reaches the caller as error 998",
	      RtlNtStatusToDosError(STATUS_ACCESS_VIOLATION) == ERROR_NOACCESS);
	check("STATUS_DATATYPE_MISALIGNMENT reaches the caller as error 998",
	      RtlNtStatusToDosError(STATUS_DATATYPE_MISALIGNMENT) == ERROR_NOACCESS);

	/* Kernel-mode requestors are trusted: no probe. */
	before = probes;
	out.ThreadId = 0;
	check("a KernelMode buffer is copied without a probe",
	      SdCaptureThreadData(good, KernelMode, &out) == STATUS_SUCCESS &&
	      out.ThreadId == 8520 && probes == before);

	say("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

/* The entry point: no C runtime to call main. */
void __cdecl mainCRTStartup(void)
{
	ExitProcess((UINT)probe_main());
}
