/* SPDX-License-Identifier: MIT */
/*
 * test_harness.h - the native tests' cases and checks, shared by
 * test_native.c (which owns the counters and main) and test_log.c.
 *
 * A case is begin("name") ... CHECK(cond) ... end(): it prints
 * "PASS name", or "FAIL name: cond (line N)" at its first failed check.
 * begin() resets the kernel fakes.
 */
#ifndef TEST_HARNESS_H
#define TEST_HARNESS_H

#include <stdio.h>

#include "fake_kernel.h"

extern int passed, failed;
extern int case_failed;
extern const char *case_name;

void begin(const char *name);
void end(void);

/*
 * Send request r through the driver's dispatcher, as the I/O manager
 * would: a METHOD_BUFFERED code gets one shared buffer, buf (size bytes),
 * holding the input and filled with 0xA5 beyond it; a METHOD_NEITHER code
 * gets in itself. *info is 0xDEAD until the dispatcher sets it.
 */
struct _SD_REQUEST;
NTSTATUS test_dispatch(struct _SD_REQUEST *r, unsigned char *buf, size_t size, const void *in,
		       ULONG_PTR *info);

/* Script a thread the fake lookup finds (tests/native/fake_state.h). */
void add_thread(ULONG id, ULONG pid, KPRIORITY prio);

#define CHECK(cond) do {						\
	if (!(cond) && !case_failed) {					\
		printf("FAIL %s: %s (line %d)\n", case_name, #cond,	\
		       __LINE__);					\
		case_failed = 1;					\
	}								\
} while (0)

/* The log's cases (test_log.c). */
void test_log_ring(void);
void test_log_driver(void);
void test_decode(void);
void test_service(void);

/* The cap and GET_INFO (test_config.c). */
void test_config(void);

/* The lease table (test_lease.c). */
void test_lease(void);
void test_boost_driver(void);

/* The watchdog (test_watch.c). */
void test_watch(void);

#endif /* TEST_HARNESS_H */
