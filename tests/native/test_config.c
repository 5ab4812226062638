// SPDX-License-Identifier: MIT
/*
 * test_config.c - native tests of the cap (driver/sd_config.c: the service's
 * Parameters\MaxPriority, against a fake registry) and of GET_INFO, through
 * the driver's dispatcher.
 */
#include <string.h>

#include "fake_state.h"
#include "sd_boost.h"
#include "sd_config.h"
#include "sd_ioctl.h"
#include "test_harness.h"

static UNICODE_STRING service = RTL_CONSTANT_STRING(
	L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\second");

static void dword(ULONG v)
{
	fake.reg_type = REG_DWORD;
	fake.reg_len = sizeof(v);
	memcpy(fake.reg_data, &v, sizeof(v));
}

static unsigned char buf[256];

/* A request with METHOD_NEITHER input (SET) or one shared buffer (the others). */
static NTSTATUS send(ULONG code, const void *in, ULONG inlen, ULONG outlen, ACCESS_MASK access,
		     ULONG_PTR *info)
{
	SD_REQUEST r = {
		.IoControlCode = code, .InputBufferLength = inlen, .OutputBufferLength = outlen,
		.RequestorMode = UserMode, .HandleAccessKnown = access != 0, .HandleAccess = access,
	};

	return test_dispatch(&r, buf, sizeof(buf), in, info);
}

void test_config(void)
{
	const SdBatchResult *res = (const SdBatchResult *)buf;
	ULONG_PTR info;

	begin("cap: without the service key, the Parameters key or MaxPriority, the cap is 31");
	fake.no_service_key = 1;
	CHECK(SdReadConfig(&service) == STATUS_SUCCESS && SdConfig.MaxLevel == 31);
	fake.no_service_key = 0;
	fake.no_parameters_key = 1;
	CHECK(SdReadConfig(&service) == STATUS_SUCCESS && SdConfig.MaxLevel == 31);
	fake.no_parameters_key = 0;
	CHECK(SdReadConfig(&service) == STATUS_SUCCESS && SdConfig.MaxLevel == 31);
	CHECK(fake.keys_open == 0);
	end();

	begin("cap: MaxPriority 15 caps at 15, 1 and 31 are taken as they are, every key is closed");
	dword(15);
	CHECK(SdReadConfig(&service) == STATUS_SUCCESS && SdConfig.MaxLevel == 15);
	dword(1);
	CHECK(SdReadConfig(&service) == STATUS_SUCCESS && SdConfig.MaxLevel == 1);
	dword(31);
	CHECK(SdReadConfig(&service) == STATUS_SUCCESS && SdConfig.MaxLevel == 31);
	CHECK(fake.keys_open == 0 && strstr(fake.last_log, "levels are capped at 31"));
	end();

	begin("cap: 0, 32, a REG_SZ or an 8-byte value stop the load with STATUS_INVALID_PARAMETER, and say why");
	dword(0);
	CHECK(SdReadConfig(&service) == STATUS_INVALID_PARAMETER);
	CHECK(strstr(fake.last_log, "MaxPriority is 0; it must be from 1 to 31") != NULL);
	dword(32);
	CHECK(SdReadConfig(&service) == STATUS_INVALID_PARAMETER);
	fake.reg_type = REG_SZ;
	CHECK(SdReadConfig(&service) == STATUS_INVALID_PARAMETER);
	CHECK(strstr(fake.last_log, "must be a REG_DWORD from 1 to 31") != NULL);
	dword(15);
	fake.reg_len = 8;
	CHECK(SdReadConfig(&service) == STATUS_INVALID_PARAMETER);
	fake.reg_len = 2;
	CHECK(SdReadConfig(&service) == STATUS_INVALID_PARAMETER);
	CHECK(fake.keys_open == 0);
	end();

	begin("cap: a service key that cannot be opened for another reason stops the load with that status");
	fake.key_open_status = STATUS_ACCESS_DENIED;
	CHECK(SdReadConfig(&service) == STATUS_ACCESS_DENIED && fake.keys_open == 0);
	end();

	begin("cap: SET, SET_EX and a BATCH entry above it get STATUS_PRIVILEGE_NOT_HELD before any lookup; at it, they pass");
	SdConfig.MaxLevel = 15;
	add_thread(8520, 100, 8);
	{
		ThreadData td = { 8520, 16 };
		SdSetPriorityEx x = { 8520, 31, 0, 0 };
		unsigned char in[8 + 2 * 16];
		SdBatchHeader h = { 2, 0 };
		SdBatchEntry e[2] = { { 8520, 20, 0, 0 }, { 8520, 15, 0, 0 } };

		CHECK(send(IOCTL_SECOND_DRIVER_SET_PRIORITY, &td, 8, 0, 0, &info) ==
		      STATUS_PRIVILEGE_NOT_HELD);
		CHECK(strstr(fake.last_log, "SET_PRIORITY (0x80002003) failed: status 0xC0000061"));
		CHECK(send(IOCTL_SECOND_DRIVER_SET_PRIORITY_EX, &x, 16, 16, 0, &info) ==
		      STATUS_PRIVILEGE_NOT_HELD);
		CHECK(fake.lookups == 0 && fake.sets == 0 && fake.table[0].priority == 8);
		memcpy(in, &h, 8);
		memcpy(in + 8, e, sizeof(e));
		CHECK(send(IOCTL_SECOND_DRIVER_SET_PRIORITY_BATCH, in, sizeof(in), 16, 0, &info) ==
		      STATUS_SUCCESS);
		CHECK(res[0].Status == STATUS_PRIVILEGE_NOT_HELD && res[0].OldLevel == 0);
		CHECK(res[1].Status == STATUS_SUCCESS && fake.sets == 1 && fake.lookups == 1);
		td.Priority = 15;
		CHECK(send(IOCTL_SECOND_DRIVER_SET_PRIORITY, &td, 8, 0, 0, &info) == STATUS_SUCCESS);
		td.Priority = 32;	/* off the scale is still INVALID_PARAMETER */
		CHECK(send(IOCTL_SECOND_DRIVER_SET_PRIORITY, &td, 8, 0, 0, &info) ==
		      STATUS_INVALID_PARAMETER);
		CHECK(fake.refs == 0);
	}
	end();

	begin("GET_INFO: version 7, the cap, the leases' bound and count, 32 bytes; a short output or a write-only handle is refused");
	SdConfig.MaxLevel = 22;
	CHECK(SdBoostStart(64) == STATUS_SUCCESS);
	{
		const SdDriverInfo *out = (const SdDriverInfo *)buf;

		CHECK(send(IOCTL_SECOND_DRIVER_GET_INFO, NULL, 0, 32, FILE_READ_DATA, &info) ==
		      STATUS_SUCCESS);
		CHECK(info == 32 && out->Version == 7 && out->MaxLevel == 22 && out->MaxLeases == 64 &&
		      out->LiveLeases == 0 && !out->WatchBudgetMs && !out->Watched);
		CHECK(send(IOCTL_SECOND_DRIVER_GET_INFO, NULL, 0, 31, 0, &info) ==
		      STATUS_BUFFER_TOO_SMALL && info == 0);
		CHECK(send(IOCTL_SECOND_DRIVER_GET_INFO, NULL, 0, 32, FILE_WRITE_DATA, &info) ==
		      STATUS_ACCESS_DENIED);
	}
	SdBoostStop();
	CHECK(fake.pool_blocks == 0);
	end();

	begin("cap: MaxLeases 1..4096 sets the leases' bound; 0 or 4097 stop the load");
	CHECK(SdReadConfig(&service) == STATUS_SUCCESS && SdConfig.MaxLeases == 4096);
	fake.leases_type = REG_DWORD;
	fake.leases_value = 64;
	CHECK(SdReadConfig(&service) == STATUS_SUCCESS && SdConfig.MaxLeases == 64 &&
	      SdConfig.MaxLevel == 31);
	fake.leases_value = 0;
	CHECK(SdReadConfig(&service) == STATUS_INVALID_PARAMETER);
	CHECK(strstr(fake.last_log, "MaxLeases is 0; it must be from 1 to 4096") != NULL);
	fake.leases_value = 4097;
	CHECK(SdReadConfig(&service) == STATUS_INVALID_PARAMETER && fake.keys_open == 0);
	end();

	begin("watchdog: Parameters' WatchdogBudgetMs, WatchdogWindowMs, WatchdogShareMs: 200/1000/500 unless set; off their ranges, the load stops");
	CHECK(SdReadConfig(&service) == STATUS_SUCCESS && SdConfig.WatchBudgetMs == 200 &&
	      SdConfig.WatchWindowMs == 1000 && SdConfig.WatchShareMs == 500);
	fake.watch_set[0] = fake.watch_set[1] = fake.watch_set[2] = 1;
	fake.watch_values[0] = 0;	/* off */
	fake.watch_values[1] = 2000;
	fake.watch_values[2] = 2000;	/* the whole window: allowed */
	CHECK(SdReadConfig(&service) == STATUS_SUCCESS && SdConfig.WatchBudgetMs == 0 &&
	      SdConfig.WatchWindowMs == 2000 && SdConfig.WatchShareMs == 2000);
	fake.watch_values[2] = 2001;	/* more than the window */
	CHECK(SdReadConfig(&service) == STATUS_INVALID_PARAMETER);
	CHECK(strstr(fake.last_log, "WatchdogShareMs is 2001; it must be from 0 to 2000") != NULL);
	fake.watch_values[2] = 500;
	fake.watch_values[1] = 99;
	CHECK(SdReadConfig(&service) == STATUS_INVALID_PARAMETER);
	fake.watch_values[1] = 1000;
	fake.watch_values[0] = 60001;
	CHECK(SdReadConfig(&service) == STATUS_INVALID_PARAMETER && fake.keys_open == 0);
	fake.watch_values[0] = 60000;
	CHECK(SdReadConfig(&service) == STATUS_SUCCESS && SdConfig.WatchBudgetMs == 60000);
	end();
}
