// SPDX-License-Identifier: MIT
/*
 * sd_config.c - the service's Parameters key, read once at load
 * (sd_config.h).
 */
#include "sd_config.h"

SD_CONFIG SdConfig = { SD_PRIORITY_MAX, SD_LEASES_MAX, SD_WATCH_BUDGET_MS, SD_WATCH_WINDOW_MS,
		       SD_WATCH_SHARE_MS };

/* The defaults, before the key is read. */
SD_INIT_CODE
static void SdDefaultConfig(void)
{
	SdConfig.MaxLevel = SD_PRIORITY_MAX;
	SdConfig.MaxLeases = SD_LEASES_MAX;
	SdConfig.WatchBudgetMs = SD_WATCH_BUDGET_MS;
	SdConfig.WatchWindowMs = SD_WATCH_WINDOW_MS;
	SdConfig.WatchShareMs = SD_WATCH_SHARE_MS;
}

/* Open Name under the key Root (or, with Root NULL, the absolute Name). */
SD_INIT_CODE
static NTSTATUS SdOpenKey(_In_opt_ HANDLE Root, _In_ PUNICODE_STRING Name, _Out_ PHANDLE Key)
{
	OBJECT_ATTRIBUTES attributes;

	InitializeObjectAttributes(&attributes, Name, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE,
				   Root, NULL);
	return ZwOpenKey(Key, KEY_READ, &attributes);
}

/*
 * Read the REG_DWORD Name from the open Parameters key into *Value, if it
 * is there; it must be within Min..Max. A missing value leaves *Value.
 */
SD_INIT_CODE
static NTSTATUS SdReadDword(_In_ HANDLE Parameters, _In_ PUNICODE_STRING Name, _In_ ULONG Min,
			    _In_ ULONG Max, _Inout_ ULONG *Value)
{
	/* The header and one DWORD, ULONG-aligned. */
	ULONG buffer[(sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(ULONG)) / sizeof(ULONG) + 1];
	PKEY_VALUE_PARTIAL_INFORMATION value = (PKEY_VALUE_PARTIAL_INFORMATION)buffer;
	ULONG length, v;
	NTSTATUS status;

	status = ZwQueryValueKey(Parameters, Name, KeyValuePartialInformation, value,
				 sizeof(buffer), &length);
	if (status == STATUS_OBJECT_NAME_NOT_FOUND)
		return STATUS_SUCCESS;		/* not set: the default */
	if (status == STATUS_BUFFER_OVERFLOW || status == STATUS_BUFFER_TOO_SMALL ||
	    (NT_SUCCESS(status) &&
	     (value->Type != REG_DWORD || value->DataLength != sizeof(ULONG)))) {
		SdError("Parameters\\%ls must be a REG_DWORD from %lu to %lu\n", Name->Buffer,
			(unsigned long)Min, (unsigned long)Max);
		return STATUS_INVALID_PARAMETER;
	}
	if (!NT_SUCCESS(status)) {
		SdError("reading Parameters\\%ls failed (0x%08lX)\n", Name->Buffer,
			(unsigned long)(ULONG)status);
		return status;
	}
	RtlCopyMemory(&v, value->Data, sizeof(v));
	if (v < Min || v > Max) {
		SdError("Parameters\\%ls is %lu; it must be from %lu to %lu\n", Name->Buffer,
			(unsigned long)v, (unsigned long)Min, (unsigned long)Max);
		return STATUS_INVALID_PARAMETER;
	}
	*Value = v;
	return STATUS_SUCCESS;
}

/* Read every setting from the open Parameters key into SdConfig. */
SD_INIT_CODE
static NTSTATUS SdReadParameters(_In_ HANDLE Parameters)
{
	UNICODE_STRING maxPriority = RTL_CONSTANT_STRING(L"MaxPriority");
	UNICODE_STRING maxLeases = RTL_CONSTANT_STRING(L"MaxLeases");
	UNICODE_STRING budget = RTL_CONSTANT_STRING(L"WatchdogBudgetMs");
	UNICODE_STRING window = RTL_CONSTANT_STRING(L"WatchdogWindowMs");
	UNICODE_STRING share = RTL_CONSTANT_STRING(L"WatchdogShareMs");
	ULONG level = SD_PRIORITY_MAX, leases = SD_LEASES_MAX;
	ULONG budgetMs = SD_WATCH_BUDGET_MS, windowMs = SD_WATCH_WINDOW_MS;
	ULONG shareMs = SD_WATCH_SHARE_MS;
	NTSTATUS status;

	status = SdReadDword(Parameters, &maxPriority, SD_PRIORITY_MIN, SD_PRIORITY_MAX, &level);
	if (NT_SUCCESS(status))
		status = SdReadDword(Parameters, &maxLeases, 1, SD_LEASES_MAX, &leases);
	if (NT_SUCCESS(status))
		status = SdReadDword(Parameters, &budget, 0, SD_WATCH_LIMIT_MS, &budgetMs);
	if (NT_SUCCESS(status))
		status = SdReadDword(Parameters, &window, SD_WATCH_WINDOW_MIN_MS, SD_WATCH_LIMIT_MS,
				     &windowMs);
	/* The share is checked against the window just read. */
	if (NT_SUCCESS(status))
		status = SdReadDword(Parameters, &share, 0, windowMs, &shareMs);
	if (!NT_SUCCESS(status))
		return status;
	SdConfig.MaxLevel = (LONG)level;
	SdConfig.MaxLeases = leases;
	SdConfig.WatchBudgetMs = budgetMs;
	SdConfig.WatchWindowMs = windowMs;
	SdConfig.WatchShareMs = shareMs;
	return STATUS_SUCCESS;
}

_Use_decl_annotations_
SD_INIT_CODE
NTSTATUS SdReadConfig(PUNICODE_STRING RegistryPath)
{
	UNICODE_STRING parametersName = RTL_CONSTANT_STRING(L"Parameters");
	HANDLE service, parameters;
	NTSTATUS status;

	SdDefaultConfig();
	status = SdOpenKey(NULL, RegistryPath, &service);
	if (status == STATUS_OBJECT_NAME_NOT_FOUND)
		return STATUS_SUCCESS;		/* no service key: the defaults */
	if (!NT_SUCCESS(status))
		return status;
	status = SdOpenKey(service, &parametersName, &parameters);
	ZwClose(service);
	if (status == STATUS_OBJECT_NAME_NOT_FOUND)
		return STATUS_SUCCESS;		/* no Parameters key: the defaults */
	if (!NT_SUCCESS(status))
		return status;
	status = SdReadParameters(parameters);
	ZwClose(parameters);
	if (NT_SUCCESS(status))
		SdInfo("levels are capped at %ld; at most %lu leases\n", (long)SdConfig.MaxLevel,
		       (unsigned long)SdConfig.MaxLeases);
	return status;
}
