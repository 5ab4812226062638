// SPDX-License-Identifier: MIT
/*
 * SecondDriver.c - a WDM driver that sets any thread's priority (1..31).
 *
 * The driver of "Writing a Windows Kernel Driver from Scratch and Inspecting
 * IRP Requests with WinDbg", in C, with the seed's names kept so that the
 * seed's debugger commands work as written:
 *
 *   DriverEntry                 create \Device\SecondDriver (admin-only) and
 *                               the link \??\SecondDriver
 *   SecondDriverCreateClose     IRP_MJ_CREATE / IRP_MJ_CLEANUP / IRP_MJ_CLOSE
 *   SecondDriverDeviceControl   IRP_MJ_DEVICE_CONTROL (see sd_ioctl.c)
 *   SecondDriverUnload          delete the link, wait for requests still
 *                               inside the driver, delete the device, free
 *                               the log
 *
 * Every request the driver takes is written to its log (sd_log.h).
 *
 * The interface is in include/seconddriver.h and docs/SPEC.md.
 */
#include "sd_kernel.h"
#include "sd_access.h"
#include "sd_boost.h"
#include "sd_config.h"
#include "sd_host.h"
#include "sd_ioctl.h"
#include "sd_log.h"
#include "sd_watch.h"

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD SecondDriverUnload;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLEANUP) _Dispatch_type_(IRP_MJ_CLOSE)
DRIVER_DISPATCH SecondDriverCreateClose;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
DRIVER_DISPATCH SecondDriverDeviceControl;

/*
 * ntoskrnl exports IoDeviceObjectType as a variable holding the device
 * object type. mingw-w64 does not declare it. Declared dllimport, as here,
 * the name reads the exported variable itself; the WDK's spelling
 * "POBJECT_TYPE *IoDeviceObjectType" (used as *IoDeviceObjectType) is for a
 * declaration without dllimport that aliases the import-table slot.
 */
extern __declspec(dllimport) POBJECT_TYPE IoDeviceObjectType;

/*
 * The device's own state. The remove lock counts the dispatch routines
 * running in the driver: each holds it while it works, and the unload
 * waits for the count to drain before the device (and, after the unload
 * returns, the image) goes. Windows never unloads a driver while a file on
 * its device is open, so there the wait finds nothing; Wine 8 unloads at
 * once, even with a request inside the driver (docs/SPEC.md section 7).
 */
/* Under Wine only: how long the unload lets requests in flight land. */
#define SD_WINE_UNLOAD_GRACE_MS 50

typedef struct _SD_DEVICE_EXTENSION {
	IO_REMOVE_LOCK RemoveLock;
} SD_DEVICE_EXTENSION, *PSD_DEVICE_EXTENSION;

static PSD_DEVICE_EXTENSION SdExtension(_In_ PDEVICE_OBJECT DeviceObject)
{
	return (PSD_DEVICE_EXTENSION)DeviceObject->DeviceExtension;
}

_Use_decl_annotations_
void SdPrint(ULONG Level, const char *Format, ...)
{
	va_list args;

	va_start(args, Format);
	vDbgPrintEx(DPFLTR_IHVDRIVER_ID, Level, Format, args);
	va_end(args);
}

/*
 * A SID with two sub-authorities, laid out as the SID structure is, so the
 * two well-known SIDs can be constants instead of pool allocations.
 */
typedef struct _SD_SID2 {
	UCHAR Revision;
	UCHAR SubAuthorityCount;
	SID_IDENTIFIER_AUTHORITY IdentifierAuthority;
	ULONG SubAuthority[2];
} SD_SID2;

/* S-1-5-18, Local System ("SY") */
static const SD_SID2 SdLocalSystemSid = {
	SID_REVISION, 1, SECURITY_NT_AUTHORITY,
	{ SECURITY_LOCAL_SYSTEM_RID, 0 }
};

/* S-1-5-32-544, BUILTIN\Administrators ("BA") */
static const SD_SID2 SdAdministratorsSid = {
	SID_REVISION, 2, SECURITY_NT_AUTHORITY,
	{ SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS }
};

/*
 * SdApplyDeviceSecurity - give the device object the DACL that the SDDL
 * string D:P(A;;GA;;;SY)(A;;GA;;;BA) describes: protected (no inherited
 * ACEs), GENERIC_ALL for SYSTEM and for Administrators, nobody else.
 *
 * IoCreateDeviceSecure would do this from the SDDL string, but mingw-w64
 * has no library behind it, so the driver does what Windows does inside
 * it: build the security descriptor, open a kernel handle to the device
 * object and set the DACL through the object manager.
 */
SD_INIT_CODE
static NTSTATUS SdApplyDeviceSecurity(_In_ PDEVICE_OBJECT DeviceObject)
{
	SECURITY_DESCRIPTOR sd;
	ULONG aclBuffer[32];	/* 128 bytes; the ACL needs 52 */
	PACL acl = (PACL)aclBuffer;
	PSID system = (PSID)&SdLocalSystemSid;
	PSID admins = (PSID)&SdAdministratorsSid;
	ULONG aclLength;
	HANDLE handle;
	NTSTATUS status;

	aclLength = sizeof(ACL) +
		    2 * (ULONG)(sizeof(ACCESS_ALLOWED_ACE) - sizeof(ULONG)) +
		    RtlLengthSid(system) + RtlLengthSid(admins);
	if (aclLength > sizeof(aclBuffer))
		return STATUS_BUFFER_TOO_SMALL;

	status = RtlCreateSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION);
	if (!NT_SUCCESS(status))
		return status;
	status = RtlCreateAcl(acl, aclLength, ACL_REVISION);
	if (!NT_SUCCESS(status))
		return status;
	status = RtlAddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL, system);
	if (!NT_SUCCESS(status))
		return status;
	status = RtlAddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL, admins);
	if (!NT_SUCCESS(status))
		return status;
	status = RtlSetDaclSecurityDescriptor(&sd, TRUE, acl, FALSE);
	if (!NT_SUCCESS(status))
		return status;
	sd.Control |= SE_DACL_PROTECTED;	/* the "P" in "D:P" */

	status = ObOpenObjectByPointer(DeviceObject, OBJ_KERNEL_HANDLE, NULL,
				       WRITE_DAC, IoDeviceObjectType,
				       KernelMode, &handle);
	if (!NT_SUCCESS(status))
		return status;
	status = ZwSetSecurityObject(handle, DACL_SECURITY_INFORMATION, &sd);
	ZwClose(handle);
	return status;
}

_Use_decl_annotations_
SD_INIT_CODE
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
	UNICODE_STRING devName = RTL_CONSTANT_STRING(SD_DEVICE_NAME_W);
	UNICODE_STRING symLink = RTL_CONSTANT_STRING(SD_SYMLINK_NAME_W);
	PDEVICE_OBJECT DeviceObject;
	NTSTATUS status;

	SdInfo("DriverEntry started\n");
	SdDetectHost();
	if (SdHost.Wine)
		SdInfo("running under Wine\n");

	/* The settings first: a bad one stops the load before anything exists. */
	status = SdReadConfig(RegistryPath);
	if (!NT_SUCCESS(status)) {
		SdError("Failed to read the service's Parameters (0x%08lX)\n",
			(unsigned long)(ULONG)status);
		return status;
	}

	DriverObject->DriverUnload = SecondDriverUnload;
	DriverObject->MajorFunction[IRP_MJ_CREATE] = SecondDriverCreateClose;
	DriverObject->MajorFunction[IRP_MJ_CLEANUP] = SecondDriverCreateClose;
	DriverObject->MajorFunction[IRP_MJ_CLOSE] = SecondDriverCreateClose;
	DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = SecondDriverDeviceControl;

	status = SdLogStart();
	if (!NT_SUCCESS(status)) {
		SdError("Failed to allocate the log (0x%08lX)\n", (unsigned long)(ULONG)status);
		return status;
	}
	status = SdWatchStart();
	if (!NT_SUCCESS(status)) {
		SdError("Failed to start the watchdog (0x%08lX)\n", (unsigned long)(ULONG)status);
		goto out_log;
	}
	status = SdBoostStart(SdConfig.MaxLeases);
	if (!NT_SUCCESS(status)) {
		SdError("Failed to start the leases' thread (0x%08lX)\n",
			(unsigned long)(ULONG)status);
		goto out_watch;
	}

	status = IoCreateDevice(DriverObject, sizeof(SD_DEVICE_EXTENSION), &devName,
				FILE_DEVICE_UNKNOWN, FILE_DEVICE_SECURE_OPEN, FALSE,
				&DeviceObject);
	if (!NT_SUCCESS(status)) {
		SdError("Failed to create device (0x%08lX)\n", (unsigned long)(ULONG)status);
		goto out_boost;
	}
	IoInitializeRemoveLock(&SdExtension(DeviceObject)->RemoveLock, SD_POOL_TAG, 0, 0);

	/* Secure the device before the symbolic link makes it easy to find. */
	status = SdApplyDeviceSecurity(DeviceObject);
	if (!NT_SUCCESS(status)) {
		SdError("Failed to set the device's security (0x%08lX)\n",
			(unsigned long)(ULONG)status);
		goto out_device;
	}

	status = IoCreateSymbolicLink(&symLink, &devName);
	if (!NT_SUCCESS(status)) {
		SdError("Failed to create symbolic link (0x%08lX)\n",
			(unsigned long)(ULONG)status);
		goto out_device;
	}

	SdInfo("DriverEntry completed successfully\n");
	return STATUS_SUCCESS;

	/* One way out: undo, in reverse, what was made. */
out_device:
	IoDeleteDevice(DeviceObject);
out_boost:
	SdBoostStop();
out_watch:
	SdWatchStop();
out_log:
	SdLogStop();
	return status;
}

_Use_decl_annotations_
SD_PAGED_CODE
void SecondDriverUnload(PDRIVER_OBJECT DriverObject)
{
	UNICODE_STRING symLink = RTL_CONSTANT_STRING(SD_SYMLINK_NAME_W);
	PDEVICE_OBJECT device = DriverObject->DeviceObject;
	PIO_REMOVE_LOCK lock = &SdExtension(device)->RemoveLock;
	NTSTATUS status;

	PAGED_CODE();

	/* No new opens, then wait until no request is inside the driver. */
	status = IoDeleteSymbolicLink(&symLink);
	if (!NT_SUCCESS(status))
		SdError("Failed to delete symbolic link (0x%08lX)\n",
			(unsigned long)(ULONG)status);
	status = IoAcquireRemoveLock(lock, DriverObject);
	if (NT_SUCCESS(status))
		IoReleaseRemoveLockAndWait(lock, DriverObject);
	/* Every lease ends, and the leases' thread is gone before the image is. */
	SdBoostStop();
	SdWatchStop();	/* after the thread: nothing samples any more */
	if (SdHost.Wine) {
		/*
		 * Wine 8 frees the image as soon as this routine returns, and its
		 * dispatch threads do not wait for that: a request it has already
		 * taken for this device may still be on its way in. Give such a
		 * request time to arrive, find the unload begun, and leave, while
		 * the code is still mapped. Windows never unloads while a file on
		 * the device is open, so it needs no such pause.
		 */
		LARGE_INTEGER grace;

		grace.QuadPart = -10000LL * SD_WINE_UNLOAD_GRACE_MS;
		status = KeDelayExecutionThread(KernelMode, FALSE, &grace);
		if (status != STATUS_SUCCESS)
			SdError("the unload's pause ended early (0x%08lX)\n",
				(unsigned long)(ULONG)status);
	}
	IoDeleteDevice(device);
	SdLogStop();

	SdInfo("unloaded\n");
}

/*
 * SdOpenFromIrp - IRP_MJ_CREATE: refuse a name below the device, and record
 * what the handle may do in its file object (sd_access.h).
 */
SD_PAGED_CODE
static NTSTATUS SdOpenFromIrp(_In_ PIO_STACK_LOCATION Stack)
{
	PIO_SECURITY_CONTEXT security = Stack->Parameters.Create.SecurityContext;
	PFILE_OBJECT file = Stack->FileObject;
	PVOID noFile;
	SD_OPEN open;
	NTSTATUS status;

	PAGED_CODE();

	open.FileNameLength = file ? file->FileName.Length : 0;
	open.AccessKnown = security != NULL;
	open.DesiredAccess = security ? security->DesiredAccess : 0;
	status = SdOpen(&open, file ? &file->FsContext : &noFile);
	if (!NT_SUCCESS(status))
		SdWarn("open of a name below the device (%u bytes): status 0x%08lX\n",
		       (unsigned)open.FileNameLength, (unsigned long)(ULONG)status);
	else if (open.AccessKnown)
		SdInfo("open: access 0x%08lX\n", (unsigned long)open.DesiredAccess);
	else
		SdInfo("open: no security context, access unknown\n");
	return status;
}

_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SecondDriverCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
	PIO_REMOVE_LOCK lock = &SdExtension(DeviceObject)->RemoveLock;
	BOOLEAN locked;
	NTSTATUS status;
	UCHAR kind;

	PAGED_CODE();

	/* STATUS_DELETE_PENDING once the unload has begun. */
	status = IoAcquireRemoveLock(lock, Irp);
	locked = NT_SUCCESS(status);
	if (locked && stack->MajorFunction == IRP_MJ_CREATE)
		status = SdOpenFromIrp(stack);
	/*
	 * The handle's leases end: at IRP_MJ_CLEANUP, when its last handle
	 * closes, and again (idempotent) at IRP_MJ_CLOSE, which is all Wine 8
	 * sends.
	 */
	if (locked && stack->MajorFunction != IRP_MJ_CREATE)
		SdBoostRelease(stack->FileObject);

	/*
	 * The log holds what the driver took; a request refused because the
	 * unload has begun is not written, as the log is going too.
	 */
	if (locked) {
		kind = stack->MajorFunction == IRP_MJ_CREATE ? SD_LOG_CREATE :
		       stack->MajorFunction == IRP_MJ_CLEANUP ? SD_LOG_CLEANUP : SD_LOG_CLOSE;
		SdLogWrite(kind, 0, 0, 0, status, 0, NULL);
	}

	/* The one completion path. */
	Irp->IoStatus.Status = status;
	Irp->IoStatus.Information = 0;
	IoCompleteRequest(Irp, IO_NO_INCREMENT);
	if (locked)
		IoReleaseRemoveLock(lock, Irp);
	return status;
}

_Use_decl_annotations_
SD_PAGED_CODE
NTSTATUS SecondDriverDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
	PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
	PIO_REMOVE_LOCK lock = &SdExtension(DeviceObject)->RemoveLock;
	ULONG_PTR information = 0;
	SD_REQUEST request;
	BOOLEAN locked;
	NTSTATUS status;

	PAGED_CODE();

	request.IoControlCode = stack->Parameters.DeviceIoControl.IoControlCode;
	request.InputBufferLength = stack->Parameters.DeviceIoControl.InputBufferLength;
	request.OutputBufferLength = stack->Parameters.DeviceIoControl.OutputBufferLength;
	request.RequestorMode = Irp->RequestorMode;
	request.FileObject = stack->FileObject;
	switch (METHOD_FROM_CTL_CODE(request.IoControlCode)) {
	case METHOD_NEITHER:	/* the seed's code: the caller's own pointers */
		request.InputBuffer = stack->Parameters.DeviceIoControl.Type3InputBuffer;
		request.OutputBuffer = Irp->UserBuffer;
		break;
	case METHOD_BUFFERED:	/* the I/O manager's copy, in and out */
		request.InputBuffer = Irp->AssociatedIrp.SystemBuffer;
		request.OutputBuffer = Irp->AssociatedIrp.SystemBuffer;
		break;
	default:		/* no code of the driver's uses direct I/O */
		request.InputBuffer = NULL;
		request.OutputBuffer = NULL;
		break;
	}
	SdHandleAccessFromContext(stack->FileObject ? stack->FileObject->FsContext : NULL,
				  &request);

	/* STATUS_DELETE_PENDING once the unload has begun. */
	status = IoAcquireRemoveLock(lock, Irp);
	locked = NT_SUCCESS(status);
	if (locked)
		status = SdDispatchIoctl(&request, &information);

	/* The one completion path. */
	Irp->IoStatus.Status = status;
	Irp->IoStatus.Information = information;
	IoCompleteRequest(Irp, IO_NO_INCREMENT);
	if (locked)
		IoReleaseRemoveLock(lock, Irp);
	return status;
}
