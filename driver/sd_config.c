// SPDX-License-Identifier: MIT
/*
 * sd_config.c - the service's Parameters key, read once at load
 * (sd_config.h).
 */
#include "sd_config.h"

SD_CONFIG SdConfig = { SD_PRIORITY_MAX };

/* Open Name under the key Root (or, with Root NULL, the absolute Name). */
SD_INIT_CODE
static NTSTATUS SdOpenKey(_In_opt_ HANDLE Root, _In_ PUNICODE_STRING Name, _Out_ PHANDLE Key)
{
	OBJECT_ATTRIBUTES attributes;

	InitializeObjectAttributes(&attributes, Name, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE,
				   Root, NULL);
	return ZwOpenKey(Key, KEY_READ, &attributes);
}

/* Read MaxPriority from the open Parameters key into SdConfig. */
SD_INIT_CODE
static NTSTATUS SdReadMaxPriority(_In_ HANDLE Parameters)
{
	UNICODE_STRING name = RTL_CONSTANT_STRING(L"MaxPriority");
	/* The header and one DWORD, ULONG-aligned. */
	ULONG buffer[(sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(ULONG)) / sizeof(ULONG) + 1];
	PKEY_VALUE_PARTIAL_INFORMATION value = (PKEY_VALUE_PARTIAL_INFORMATION)buffer;
	ULONG length, level;
	NTSTATUS status;

	status = ZwQueryValueKey(Parameters, &name, KeyValuePartialInformation, value,
				 sizeof(buffer), &length);
	if (status == STATUS_OBJECT_NAME_NOT_FOUND)
		return STATUS_SUCCESS;		/* not set: the default */
	if (status == STATUS_BUFFER_OVERFLOW || status == STATUS_BUFFER_TOO_SMALL ||
	    (NT_SUCCESS(status) &&
	     (value->Type != REG_DWORD || value->DataLength != sizeof(ULONG)))) {
		SdError("Parameters\\MaxPriority must be a REG_DWORD from %d to %d\n",
			SD_PRIORITY_MIN, SD_PRIORITY_MAX);
		return STATUS_INVALID_PARAMETER;
	}
	if (!NT_SUCCESS(status)) {
		SdError("reading Parameters\\MaxPriority failed (0x%08lX)\n",
			(unsigned long)(ULONG)status);
		return status;
	}
	RtlCopyMemory(&level, value->Data, sizeof(level));
	if (level < SD_PRIORITY_MIN || level > SD_PRIORITY_MAX) {
		SdError("Parameters\\MaxPriority is %lu; it must be from %d to %d\n",
			(unsigned long)level, SD_PRIORITY_MIN, SD_PRIORITY_MAX);
		return STATUS_INVALID_PARAMETER;
	}
	SdConfig.MaxLevel = (LONG)level;
	return STATUS_SUCCESS;
}

_Use_decl_annotations_
SD_INIT_CODE
NTSTATUS SdReadConfig(PUNICODE_STRING RegistryPath)
{
	UNICODE_STRING parametersName = RTL_CONSTANT_STRING(L"Parameters");
	HANDLE service, parameters;
	NTSTATUS status;

	SdConfig.MaxLevel = SD_PRIORITY_MAX;
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
	status = SdReadMaxPriority(parameters);
	ZwClose(parameters);
	if (NT_SUCCESS(status))
		SdInfo("levels are capped at %ld\n", (long)SdConfig.MaxLevel);
	return status;
}
