/* SPDX-License-Identifier: MIT */
/*
 * sd_gs.h - stack cookies (/GS) for a driver built without the WDK.
 *
 * The driver is compiled with -fstack-protector-strong, which on clang's
 * MSVC target makes the /GS code: a function with a local array keeps
 * __security_cookie XOR its stack pointer below the array, and calls
 * __security_check_cookie on the way out. The WDK links both from
 * BufferOverflowK.lib; neither Windows' nor Wine's ntoskrnl exports them,
 * so the driver defines them here, with GsDriverEntry, the entry point that
 * seeds the cookie before DriverEntry's own code runs, as the WDK's does.
 */
#ifndef SD_GS_H
#define SD_GS_H

#include "sd_kernel.h"

/* The compilers' well-known starting value of the 64-bit cookie. */
#define SD_GS_DEFAULT_COOKIE ((ULONG_PTR)0x00002B992DDFA232ull)

/* The bug check a smashed cookie raises. */
#define SD_DRIVER_OVERRAN_STACK_BUFFER 0xF7

extern ULONG_PTR __security_cookie;
extern ULONG_PTR __security_cookie_complement;

/*
 * Called by instrumented functions on return, with their saved cookie
 * (already XORed back with the stack pointer). A mismatch bug checks
 * DRIVER_OVERRAN_STACK_BUFFER: a smashed stack must not return.
 */
void __security_check_cookie(_In_ ULONG_PTR Cookie);

/*
 * Give the cookie a value of this boot and load, unless someone (a loader
 * that reads a load-config directory) already did. Mixes the time-stamp
 * counter, a stack address and Salt (the driver object's address).
 */
void SdInitSecurityCookie(_In_opt_ const void *Salt);

#endif /* SD_GS_H */
