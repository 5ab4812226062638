// SPDX-License-Identifier: MIT
/*
 * sd_gs.c - the /GS cookie, its check, and the entry point that seeds it.
 * Built with -fno-stack-protector: the check must not check itself.
 * See sd_gs.h.
 */
#include "sd_gs.h"

ULONG_PTR __security_cookie = SD_GS_DEFAULT_COOKIE;
ULONG_PTR __security_cookie_complement = ~SD_GS_DEFAULT_COOKIE;

void __security_check_cookie(ULONG_PTR Cookie)
{
	if (Cookie != __security_cookie)
		KeBugCheckEx(SD_DRIVER_OVERRAN_STACK_BUFFER, Cookie, __security_cookie,
			     __security_cookie_complement, 0);
}

_Use_decl_annotations_
SD_INIT_CODE
void SdInitSecurityCookie(const void *Salt)
{
	volatile ULONG_PTR here = 0;
	ULONG_PTR cookie;

	if (__security_cookie != SD_GS_DEFAULT_COOKIE && __security_cookie != 0)
		return;		/* the loader has set it */
	/*
	 * No KeQueryInterruptTime: on x64 it reads KUSER_SHARED_DATA at its
	 * kernel address, which Wine can only emulate.
	 */
	cookie = (ULONG_PTR)SdReadTimeStampCounter();
	cookie ^= (ULONG_PTR)&here << 16;
	cookie ^= (ULONG_PTR)Salt;
	/* The top 16 bits stay clear, as the compilers' runtime keeps them. */
	cookie &= 0x0000FFFFFFFFFFFFull;
	if (cookie == SD_GS_DEFAULT_COOKIE || cookie == 0)
		cookie = SD_GS_DEFAULT_COOKIE ^ 0x5D5D;
	__security_cookie = cookie;
	__security_cookie_complement = ~cookie;
}

#if defined(SD_WINDOWS_KERNEL)
DRIVER_INITIALIZE DriverEntry;
DRIVER_INITIALIZE GsDriverEntry;

/* The image's entry point: seed the cookie, then run DriverEntry. */
_Use_decl_annotations_
SD_INIT_CODE
NTSTATUS GsDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
	SdInitSecurityCookie(DriverObject);
	return DriverEntry(DriverObject, RegistryPath);
}
#endif
