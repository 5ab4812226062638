# SecondDriver - build everything on Debian (no Windows needed).
#
#   make            the driver (release + debug), client, Wine test programs,
#                   native unit tests
#   make test       scripts/test.sh (installs packages, builds, runs every test)
#   make demo       scripts/demo.sh
#   make clean
#
# Output lands under build/:
#   build/win/release/SecondDriver.sys  test-signed driver, PDB beside it
#   build/win/debug/SecondDriver.sys    -O0, DWARF symbols, for gdb under Wine
#   build/win/bin/*.exe                 client and Wine test programs
#   build/native/                       native unit tests
#   build/linux/                        Linux client and VM test programs
#                                       (static; *32 are the i386 builds)
#   make module KDIR=...                the Linux twin, linux/seconddriver.ko
#                                       (tests/vm/run.sh builds it against
#                                       Debian's unpacked kernel headers)

BUILD     ?= build
WIN       := $(BUILD)/win
REL       := $(WIN)/release
DBG       := $(WIN)/debug
BIN       := $(WIN)/bin
NATIVE    := $(BUILD)/native
LNX       := $(BUILD)/linux

DDK_INC   ?= /usr/share/mingw-w64/include/ddk
MINGW_INC ?= /usr/x86_64-w64-mingw32/include
MINGW_GCC_LIB ?= $(firstword $(wildcard /usr/lib/gcc/x86_64-w64-mingw32/*-win32))

WARN      := -std=c11 -Wall -Wextra -Werror

# --- the driver: clang's MSVC target, lld-link, mingw-w64's DDK headers ----
# -fgnuc-version: without it _mingw.h defines __attribute__ away.
# -fasynchronous-unwind-tables: unwind data for every function, not only
#   the one holding __try (clang 14).
# -isystem: wdm.h trips -Werror (-Wpragma-pack) when passed with -I.
# __INTRINSIC_DEFINED_*: winnt.h and wdm.h both define these two
#   intrinsics; without this each object file exports a copy.
KCC       := clang --target=x86_64-pc-windows-msvc -fgnuc-version=4.2.1 \
             -fasynchronous-unwind-tables
# -fstack-protector-strong: on the MSVC target, the /GS stack cookies
#   (driver/sd_gs.c supplies the cookie and its check).
KCFLAGS   := $(WARN) -D_AMD64_ -DNTDDI_VERSION=0x0A000000 -D_WIN32_WINNT=0x0A00 \
             -D_KERNEL_MODE -DPOOL_TAGGING -fstack-protector-strong \
             -D__INTRINSIC_DEFINED_InterlockedBitTestAndSet \
             -D__INTRINSIC_DEFINED_InterlockedBitTestAndReset \
             -isystem $(DDK_INC) -isystem $(MINGW_INC) -Iinclude -Idriver
KCFLAGS_REL := -O2 -gcodeview -DDBG=0
KCFLAGS_DBG := -O0 -gdwarf-4 -DDBG=1
# /driver:wdm sets WDM_DRIVER; /cetcompat marks the image CET-compatible;
# GsDriverEntry (driver/sd_gs.c) seeds the /GS cookie, then runs DriverEntry.
KLDFLAGS  := /driver:wdm /subsystem:native /entry:GsDriverEntry /nodefaultlib \
             /dynamicbase /nxcompat /cetcompat /section:INIT,erd

# Debian's python3-pefile is seen by Debian's own python3 only.
PYTHON    := /usr/bin/python3

DRIVER_SRC := driver/SecondDriver.c driver/sd_access.c driver/sd_base.c driver/sd_host.c \
              driver/sd_ioctl.c driver/sd_log.c driver/sd_config.c driver/sd_boost.c \
              driver/sd_capture.c driver/sd_gs.c driver/sd_watch.c
# Objects also depend on this Makefile, so changed flags rebuild them.
DRIVER_HDR := include/seconddriver.h include/sd_logring.h include/sd_lease.h include/sd_watchdog.h \
              $(wildcard driver/*.h) Makefile

# --- user mode: clang's GNU target with mingw-w64's CRT (SEH in C) ----------
UCC       := clang --target=x86_64-w64-windows-gnu -fms-extensions \
             -fasynchronous-unwind-tables -fuse-ld=lld -L$(MINGW_GCC_LIB)
UCFLAGS   := $(WARN) -O1 -Iinclude -Iclient

CLIENT_SRC := client/sd_client.c client/sd_args.c client/sd_json.c client/sd_decode.c \
              client/sd_service.c

# --- Linux user space: static, for the busybox VM; i386 for compat_ioctl ---
LCC       := gcc
LCFLAGS   := $(WARN) -O2 -static -Iinclude -Iclient
LINUX_BINS := $(LNX)/SecondDriverClient $(LNX)/SecondDriverClient32 $(LNX)/sd_vmext $(LNX)/sd_vmext32 \
              $(LNX)/sd_vmtest $(LNX)/sd_vmtest32 $(LNX)/sd_vmlog $(LNX)/sd_vmlog32 \
              $(LNX)/sd_vmlease $(LNX)/sd_vmlease32 $(LNX)/sd_vmwatch $(LNX)/sd_vmrt $(LNX)/sd_bench \
              $(LNX)/sd_latency $(LNX)/sd_stress $(LNX)/sd_stress32

# --- native unit tests -------------------------------------------------------
HOSTCC    ?= gcc
NCFLAGS   := $(WARN) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
             -DSD_HOST_TEST -Iinclude -Idriver -Iclient -Ilinux -Itests/native

# --- native fuzzers: clang's libFuzzer, ASan+UBSan, the same fakes ----------
FUZZ      := $(BUILD)/fuzz
FUZZCC    := clang
FUZZFLAGS := $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined \
             -fno-sanitize-recover=all -DSD_HOST_TEST \
             -Iinclude -Idriver -Ilinux -Itests/native

.PHONY: all driver client wine-tests native fuzz linux-user module sign clean test demo
all: driver client wine-tests native fuzz linux-user

driver: $(REL)/SecondDriver.sys $(DBG)/SecondDriver.sys
client: $(BIN)/SecondDriverClient.exe
wine-tests: $(BIN)/sd_target.exe $(BIN)/sd_wine_tests.exe $(BIN)/sd_probe_test.exe \
            $(BIN)/sd_stress.exe $(BIN)/sd_check.exe $(BIN)/sd_wine_log.exe $(BIN)/sd_winbench.exe
native: $(NATIVE)/test_native
fuzz: $(FUZZ)/fuzz_ioctl $(FUZZ)/fuzz_map $(FUZZ)/fuzz_json
linux-user: $(LINUX_BINS)

$(WIN)/ntoskrnl.lib: driver/ntoskrnl.def
	@mkdir -p $(@D)
	llvm-dlltool -m i386:x86-64 -d $< -l $@

# The cookie's own check must not check itself.
$(REL)/sd_gs.obj $(DBG)/sd_gs.obj: KCFLAGS += -fno-stack-protector

# The VERSIONINFO resource, shared by both builds.
$(WIN)/SecondDriver.res: driver/SecondDriver.rc driver/sd_version.h
	@mkdir -p $(@D)
	llvm-rc -I driver -fo $@ $<

# Release: optimised, CodeView -> PDB for WinDbg, a map for tests/pe.
$(REL)/%.obj: driver/%.c $(DRIVER_HDR)
	@mkdir -p $(@D)
	$(KCC) $(KCFLAGS) $(KCFLAGS_REL) -c $< -o $@

$(REL)/SecondDriver.unsigned.sys: $(patsubst driver/%.c,$(REL)/%.obj,$(DRIVER_SRC)) \
		$(WIN)/SecondDriver.res $(WIN)/ntoskrnl.lib tools/pe.py
	lld-link $(KLDFLAGS) /debug /pdb:$(REL)/SecondDriver.pdb /pdbaltpath:SecondDriver.pdb \
	    /map:$(REL)/SecondDriver.map /out:$@ $(filter-out tools/pe.py,$^)
	$(PYTHON) tools/pe.py fix-checksum $@

# Debug: -O0 and DWARF 4 so gdb under Wine sees locals and lines.
$(DBG)/%.obj: driver/%.c $(DRIVER_HDR)
	@mkdir -p $(@D)
	$(KCC) $(KCFLAGS) $(KCFLAGS_DBG) -c $< -o $@

$(DBG)/SecondDriver.unsigned.sys: $(patsubst driver/%.c,$(DBG)/%.obj,$(DRIVER_SRC)) \
		$(WIN)/SecondDriver.res $(WIN)/ntoskrnl.lib tools/pe.py
	lld-link $(KLDFLAGS) /debug:dwarf /map:$(DBG)/SecondDriver.map /out:$@ \
	    $(filter-out tools/pe.py,$^)
	$(PYTHON) tools/pe.py fix-checksum $@

# The test certificate is made here, on first build, and never committed.
$(WIN)/cert/testcert.pem:
	@mkdir -p $(@D)
	openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
	    -subj "/CN=SecondDriver Test Signing (not trusted)" \
	    -addext "extendedKeyUsage=codeSigning" \
	    -keyout $(WIN)/cert/testkey.pem -out $@ 2>/dev/null

# Both builds are test-signed; osslsigncode rewrites the PE checksum.
$(WIN)/%/SecondDriver.sys: $(WIN)/%/SecondDriver.unsigned.sys $(WIN)/cert/testcert.pem
	rm -f $@
	osslsigncode sign -certs $(WIN)/cert/testcert.pem -key $(WIN)/cert/testkey.pem \
	    -n SecondDriver -h sha256 -in $< -out $@ >/dev/null

# User-mode programs.
$(BIN)/SecondDriverClient.exe: $(CLIENT_SRC) client/sd_platform_win.c client/*.h include/seconddriver.h
	@mkdir -p $(@D)
	$(UCC) $(UCFLAGS) $(CLIENT_SRC) client/sd_platform_win.c -o $@

$(BIN)/sd_target.exe: tests/wine/sd_target.c
	@mkdir -p $(@D)
	$(UCC) $(UCFLAGS) $< -o $@

$(BIN)/sd_wine_tests.exe: tests/wine/sd_wine_tests.c include/seconddriver.h
	@mkdir -p $(@D)
	$(UCC) $(UCFLAGS) $< -o $@

# The checks only real Windows can answer (README: "On real Windows, check
# these first"); Wine runs the ones it can.
$(BIN)/sd_check.exe: tests/windows/sd_check.c tests/lib/sd_report.h include/seconddriver.h
	@mkdir -p $(@D)
	$(UCC) $(UCFLAGS) -Itests/lib $< -ladvapi32 -lntdll -o $@

$(BIN)/sd_wine_log.exe: tests/wine/sd_wine_log.c tests/lib/sd_report.h tests/lib/sd_logcheck.h \
		include/seconddriver.h
	@mkdir -p $(@D)
	$(UCC) $(UCFLAGS) -Itests/lib $< -o $@

$(BIN)/sd_winbench.exe: bench/sd_winbench.c include/seconddriver.h
	@mkdir -p $(@D)
	$(UCC) $(UCFLAGS) $< -o $@

$(BIN)/sd_stress.exe: tests/wine/sd_stress.c tests/lib/sd_report.h include/seconddriver.h
	@mkdir -p $(@D)
	$(UCC) $(UCFLAGS) -Itests/lib $< -ladvapi32 -o $@

# The driver's own capture code, the release build's very object, linked
# into a user-mode MSVC-target program with no C runtime.
PROBE_LIBS := $(WIN)/probe/kernel32.lib $(WIN)/probe/ntdll.lib

$(WIN)/probe/%.lib: tests/wine/probe/%.def
	@mkdir -p $(@D)
	llvm-dlltool -m i386:x86-64 -d $< -l $@

$(WIN)/probe/sd_probe_test.obj: tests/wine/sd_probe_test.c tests/wine/harness_kernel.h $(DRIVER_HDR)
	@mkdir -p $(@D)
	$(KCC) $(WARN) -O1 -DSD_WIN32_HARNESS -isystem $(MINGW_INC) -Iinclude -Idriver \
	    -Itests/wine -c $< -o $@

$(BIN)/sd_probe_test.exe: $(WIN)/probe/sd_probe_test.obj $(REL)/sd_capture.obj $(PROBE_LIBS)
	@mkdir -p $(@D)
	lld-link /subsystem:console /entry:mainCRTStartup /nodefaultlib /dynamicbase \
	    /nxcompat /out:$@ $^

# The driver's sources that never touch an IRP, built for this host.
DRIVER_LOGIC := driver/sd_ioctl.c driver/sd_access.c driver/sd_base.c driver/sd_host.c \
                driver/sd_log.c driver/sd_config.c driver/sd_boost.c driver/sd_gs.c \
                driver/sd_watch.c

$(NATIVE)/test_native: tests/native/test_native.c tests/native/test_log.c \
		tests/native/test_config.c tests/native/test_lease.c tests/native/test_watch.c \
		tests/native/fake_kernel.c \
		$(DRIVER_LOGIC) client/sd_args.c client/sd_json.c client/sd_decode.c \
		client/sd_service.c linux/sd_map.c linux/sd_map.h \
		tests/native/*.h $(DRIVER_HDR) client/*.h
	@mkdir -p $(@D)
	$(HOSTCC) $(NCFLAGS) tests/native/test_native.c tests/native/test_log.c \
	    tests/native/test_config.c tests/native/test_lease.c tests/native/test_watch.c \
	    tests/native/fake_kernel.c \
	    $(DRIVER_LOGIC) client/sd_args.c client/sd_json.c client/sd_decode.c \
	    client/sd_service.c linux/sd_map.c -o $@

# The fuzzers build the driver's and the module's own sources.
$(FUZZ)/fuzz_ioctl: tests/fuzz/fuzz_ioctl.c tests/native/fake_kernel.c $(DRIVER_LOGIC) \
		tests/native/*.h $(DRIVER_HDR)
	@mkdir -p $(@D)
	$(FUZZCC) $(FUZZFLAGS) tests/fuzz/fuzz_ioctl.c tests/native/fake_kernel.c \
	    $(DRIVER_LOGIC) -o $@

$(FUZZ)/fuzz_map: tests/fuzz/fuzz_map.c linux/sd_map.c linux/sd_map.h include/seconddriver.h Makefile
	@mkdir -p $(@D)
	$(FUZZCC) $(FUZZFLAGS) tests/fuzz/fuzz_map.c linux/sd_map.c -o $@

$(FUZZ)/fuzz_json: tests/fuzz/fuzz_json.c client/sd_json.c client/sd_json.h include/seconddriver.h Makefile
	@mkdir -p $(@D)
	$(FUZZCC) $(FUZZFLAGS) -Iclient tests/fuzz/fuzz_json.c client/sd_json.c -o $@

# The Linux programs.
LINUX_CLIENT := $(CLIENT_SRC) client/sd_platform_linux.c
$(LNX)/SecondDriverClient: $(LINUX_CLIENT) client/*.h include/seconddriver.h Makefile
	@mkdir -p $(@D)
	$(LCC) $(LCFLAGS) $(LINUX_CLIENT) -o $@

$(LNX)/SecondDriverClient32: $(LINUX_CLIENT) client/*.h include/seconddriver.h Makefile
	@mkdir -p $(@D)
	$(LCC) -m32 $(LCFLAGS) $(LINUX_CLIENT) -o $@

# The VM's test programs, each in a 64-bit and an i386 build.
VM_PROG_DEPS := tests/vm/sd_sched_attr.h tests/vm/sd_target.h tests/vm/sd_vmlib.h \
                tests/lib/sd_logcheck.h include/seconddriver.h Makefile

$(LNX)/sd_%: tests/vm/sd_%.c $(VM_PROG_DEPS)
	@mkdir -p $(@D)
	$(LCC) $(LCFLAGS) -Itests/vm -Itests/lib -pthread $< -o $@

$(LNX)/sd_%32: tests/vm/sd_%.c $(VM_PROG_DEPS)
	@mkdir -p $(@D)
	$(LCC) -m32 $(LCFLAGS) -Itests/vm -Itests/lib -pthread $< -o $@

$(LNX)/sd_bench: bench/sd_bench.c tests/vm/sd_sched_attr.h tests/vm/sd_target.h include/seconddriver.h \
		linux/sd_map.c linux/sd_map.h Makefile
	@mkdir -p $(@D)
	$(LCC) $(LCFLAGS) -Ilinux -Itests/vm -pthread bench/sd_bench.c linux/sd_map.c -o $@

$(LNX)/sd_latency: bench/sd_latency.c include/seconddriver.h Makefile
	@mkdir -p $(@D)
	$(LCC) $(LCFLAGS) -pthread bench/sd_latency.c -o $@

# The kernel module, against KDIR (default: the running kernel's headers).
KDIR ?= /lib/modules/$(shell uname -r)/build
module:
	$(MAKE) -C linux KDIR=$(KDIR)

# The module signed with a key made here, never committed (like the Windows
# test certificate), by KDIR's own sign-file (from its linux-kbuild package).
# A kernel trusts it only once the certificate is enrolled (README: MOK).
SIGN := $(BUILD)/linux-sign
$(SIGN)/signing_key.pem:
	@mkdir -p $(@D)
	openssl req -new -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
	    -subj "/CN=SecondDriver module signing (test key, not trusted)" \
	    -addext "keyUsage=digitalSignature" -addext "extendedKeyUsage=codeSigning" \
	    -keyout $@ -out $(SIGN)/signing_cert.pem 2>/dev/null
sign: module $(SIGN)/signing_key.pem
	$(KDIR)/scripts/sign-file sha256 $(SIGN)/signing_key.pem $(SIGN)/signing_cert.pem \
	    linux/seconddriver.ko
	@modinfo -F signer linux/seconddriver.ko

test:
	bash scripts/test.sh

demo:
	bash scripts/demo.sh

clean:
	rm -rf $(WIN) $(NATIVE) $(FUZZ) $(LNX)
