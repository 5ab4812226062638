#!/usr/bin/python3
"""check_pe.py - checks on the built SecondDriver.sys (release and debug).

Reads both images with pefile (tools/pe.py) and prints PASS/FAIL lines and
"N passed, N failed". The checksum is checked twice, by pefile and,
independently, by `osslsigncode verify`. Every import is checked against
the installed Wine's ntoskrnl.exe: it must exist there, and must not be a
bare spec stub, whose call aborts the driver host. Runs under
/usr/bin/python3, which sees Debian's python3-pefile.
"""
import glob
import os
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import pe  # noqa: E402

WINE_NTOSKRNL_GLOB = "/usr/lib/*/wine/x86_64-windows/ntoskrnl.exe"
ALLOWED_DLLS = {"ntoskrnl.exe", "hal.dll"}
CERT = os.path.join(ROOT, "build/win/cert/testcert.pem")
VERSION = {
    "ProductName": "SecondDriver",
    "CompanyName": "SecondDriver developers",
    "FileDescription": "SecondDriver: sets a thread's priority (1..31)",
    "OriginalFilename": "SecondDriver.sys",
}

# What to do instead of an import Wine 8 cannot run.
ADVICE = {
    "ExAllocatePool2": "missing in Wine 8: use ExAllocatePoolWithTag",
    "ExAllocatePoolZero": "missing in Wine 8: use ExAllocatePoolWithTag and RtlZeroMemory",
    "KeQueryPerformanceCounter": "missing in Wine 8: use the time-stamp counter or a tick count",
    "ObCloseHandle": "a stub in Wine 8: close a handle with ZwClose",
    "SeAccessCheck": "a stub in Wine 8: let ObOpenObjectByPointer check, in the requestor's mode",
    "SeCaptureSubjectContext": "a stub in Wine 8: let ObOpenObjectByPointer check, in the requestor's mode",
    "PsGetThreadProcess": "a stub in Wine 8: use PsGetThreadProcessId",
    "IoGetRequestorProcessId": "a stub in Wine 8: use PsGetCurrentProcessId in the dispatch routine",
    "ExQueueWorkItem": "a stub in Wine 8: use a driver-owned thread (PsCreateSystemThread)",
    "KeQueryRuntimeThread": "a stub in Wine 8: resolve it with MmGetSystemRoutineAddress and never call it under Wine",
    "KeSetBasePriorityThread": "a stub in Wine 8: resolve it with MmGetSystemRoutineAddress and never call it under Wine",
}
DEFAULT_ADVICE = ("resolve it at run time with MmGetSystemRoutineAddress, behind a "
                  "documented reason, or use a call Wine implements")

passed = failed = 0


def check(name, ok, why=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS pe: " + name)
    else:
        failed += 1
        print("FAIL pe: " + name + (": " + why if why else ""))


def read_map(path, image_base):
    """{symbol: RVA} from lld-link's /map file."""
    syms = {}
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 4 and fields[0].count(":") == 1 and len(fields[2]) == 16:
                try:
                    syms[fields[1]] = int(fields[2], 16) - image_base
                except ValueError:
                    pass
    return syms


def calls_to(p, target):
    """RVAs of the 'call rel32' instructions, in executable sections, to target."""
    found = []
    for s in p.sections:
        if not s.Characteristics & pe.SCN_MEM_EXECUTE:
            continue
        code = s.get_data()[:s.Misc_VirtualSize]
        for i in range(len(code) - 4):
            if code[i] == 0xE8:
                rva = s.VirtualAddress + i
                if rva + 5 + struct.unpack_from("<i", code, i + 1)[0] == target:
                    found.append(rva)
    return found


def advise(names):
    return "; ".join("%s: %s" % (n, ADVICE.get(n, DEFAULT_ADVICE)) for n in names)


def check_driver(variant, path, wine_exports, wine_stubs):
    try:
        p = pe.load(path)
    except (OSError, pe.pefile.PEFormatError) as e:
        check(variant + ": parses as PE32+", False, str(e))
        return None
    oh = p.OPTIONAL_HEADER
    syms = read_map(path.replace(".sys", ".map"), oh.ImageBase)
    check(variant + ": x64 (machine 0x8664)", p.FILE_HEADER.Machine == 0x8664,
          hex(p.FILE_HEADER.Machine))
    check(variant + ": subsystem native", oh.Subsystem == pe.SUBSYSTEM_NATIVE, str(oh.Subsystem))
    entry = pe.section_of(p, oh.AddressOfEntryPoint)
    check(variant + ": the entry point is GsDriverEntry, code in the INIT section",
          entry is not None and pe.section_name(entry) == "INIT"
          and entry.Characteristics & pe.SCN_MEM_EXECUTE
          and syms.get("GsDriverEntry") == oh.AddressOfEntryPoint,
          "entry 0x%x in %s" % (oh.AddressOfEntryPoint, entry and pe.section_name(entry)))
    check(variant + ": INIT is discardable",
          any(pe.section_name(s) == "INIT" and s.Characteristics & pe.SCN_MEM_DISCARDABLE
              for s in p.sections))
    check(variant + ": pageable code is in a PAGE section",
          any(pe.section_name(s) == "PAGE" and s.Characteristics & pe.SCN_MEM_EXECUTE
              for s in p.sections))
    dc = oh.DllCharacteristics
    check(variant + ": dynamic base and NX compatible",
          dc & pe.DLLCHAR_DYNAMIC_BASE and dc & pe.DLLCHAR_NX_COMPAT, hex(dc))
    check(variant + ": WDM_DRIVER is set (/driver:wdm)", dc & pe.DLLCHAR_WDM_DRIVER, hex(dc))
    check(variant + ": CET-compatible (/cetcompat: the extended DLL characteristics)",
          pe.cet_compat(p))
    wx = [pe.section_name(s) for s in p.sections
          if s.Characteristics & pe.SCN_MEM_WRITE and s.Characteristics & pe.SCN_MEM_EXECUTE]
    check(variant + ": no section is both writable and executable", not wx, ", ".join(wx))

    imports = pe.imports(p)
    check(variant + ": imports only from ntoskrnl.exe (no C runtime)",
          set(imports) <= ALLOWED_DLLS and "ntoskrnl.exe" in imports, ", ".join(imports))
    names = imports.get("ntoskrnl.exe", [])
    if wine_exports is not None:
        missing = [n for n in names if n not in wine_exports]
        check(variant + ": every import exists in Wine's ntoskrnl.exe (else the driver does not load)",
              not missing, advise(missing))
        stubs = [n for n in names if n in wine_stubs]
        check(variant + ": no import is a bare spec stub in Wine's ntoskrnl.exe (a call aborts the host)",
              not stubs, advise(stubs))

    check(variant + ": PE checksum is valid (pefile)", pe.checksum_ok(p),
          "header 0x%x, computed 0x%x" % (oh.CheckSum, p.generate_checksum()))
    sec = oh.DATA_DIRECTORY[4]
    check(variant + ": has an Authenticode signature (certificate table)",
          sec.VirtualAddress != 0 and sec.Size != 0)
    r = subprocess.run(["osslsigncode", "verify", "-CAfile", CERT, "-in", path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    check(variant + ": osslsigncode verify accepts the signature",
          r.returncode == 0 and "Signature verification: ok" in r.stdout,
          r.stdout.strip().splitlines()[-1] if r.stdout.strip() else "no output")
    check(variant + ": osslsigncode finds the PE checksum valid (a second tool)",
          "PE checksum" in r.stdout and "invalid PE checksum" not in r.stdout.lower()
          and "mismatch" not in r.stdout.lower())

    version = pe.version_strings(p)
    bad = {k: version.get(k) for k, v in VERSION.items() if version.get(k) != v}
    check(variant + ": the VERSIONINFO resource names the product, company, description and file",
          not bad, "got %s" % bad)
    check(variant + ": its file and product versions are set and agree",
          version.get("FileVersion") and version.get("FileVersion") == version.get("ProductVersion"),
          "%s / %s" % (version.get("FileVersion"), version.get("ProductVersion")))

    # /GS: the cookie, its check, and instrumented code calling the check.
    cookie = syms.get("__security_cookie")
    where = pe.section_of(p, cookie) if cookie is not None else None
    check(variant + ": /GS: __security_cookie lives in writable, non-executable data",
          where is not None and where.Characteristics & pe.SCN_MEM_WRITE
          and not where.Characteristics & pe.SCN_MEM_EXECUTE)
    check_fn = syms.get("__security_check_cookie")
    callers = calls_to(p, check_fn) if check_fn is not None else []
    check(variant + ": /GS: instrumented functions call __security_check_cookie (%d calls)" % len(callers),
          len(callers) > 0)
    return p, syms


def check_seh(p, syms):
    """The capture routine's unwind data: __C_specific_handler and its scope."""
    cap, probe = syms.get("SdCaptureThreadData"), syms.get("SdProbeAndCopy")
    if cap is None or probe is None:
        check("release: SEH: SdCaptureThreadData and SdProbeAndCopy are in the map", False)
        return
    rf = pe.runtime_function(p, cap)
    if rf is None:
        check("release: SEH: SdCaptureThreadData has a .pdata entry", False)
        return
    flags, handler, scopes = pe.c_scope_table(p, rf[2])
    name = pe.thunk_target_name(p, handler) if handler else None
    check("release: SEH: SdCaptureThreadData's unwind data names an exception handler, "
          "the imported __C_specific_handler",
          flags & pe.UNW_FLAG_EHANDLER and name == "__C_specific_handler",
          "flags %d, handler %s" % (flags, name))
    calls = [c for c in calls_to(p, probe) if rf[0] <= c < rf[1]]
    covered = [c for c in calls
               if any(b <= c + 5 < e for (b, e, _, _) in scopes)]
    check("release: SEH: a scope record covers the return address of the call that reads "
          "user memory (SdProbeAndCopy)",
          calls and covered == calls,
          "calls at %s, scopes %s" % ([hex(c) for c in calls],
                                      [(hex(b), hex(e)) for (b, e, _, _) in scopes]))


def main():
    rel = os.path.join(ROOT, "build/win/release/SecondDriver.sys")
    dbg = os.path.join(ROOT, "build/win/debug/SecondDriver.sys")
    wine = sorted(glob.glob(WINE_NTOSKRNL_GLOB))
    wine_pe = pe.load(wine[0]) if wine else None
    wine_exports = set(pe.exports(wine_pe)) if wine_pe else None
    wine_stubs = pe.wine_stubs(wine_pe) if wine_pe else set()
    check("Wine's ntoskrnl.exe found, to check imports against", bool(wine_exports))
    # The stub decoder itself: known stubs found, known real functions not.
    check("Wine's stubs are decoded from its ntoskrnl.exe (%d of %d exports): KeQueryRuntimeThread "
          "and ObCloseHandle are, KeSetPriorityThread and PsLookupThreadByThreadId are not"
          % (len(wine_stubs), len(wine_exports or ())),
          {"KeQueryRuntimeThread", "ObCloseHandle"} <= wine_stubs
          and not {"KeSetPriorityThread", "PsLookupThreadByThreadId"} & wine_stubs)

    got = check_driver("release", rel, wine_exports, wine_stubs)
    if got is not None:
        p, syms = got
        with open(rel, "rb") as f:
            data = f.read()
        check("release: names its PDB (CodeView record)", b"SecondDriver.pdb" in data)
        check("release: the PDB was written",
              os.path.getsize(os.path.join(ROOT, "build/win/release/SecondDriver.pdb")) > 0)
        check_seh(p, syms)

    got = check_driver("debug", dbg, wine_exports, wine_stubs)
    if got is not None:
        # lld-link keeps long section names in the COFF string table.
        with open(dbg, "rb") as f:
            data = f.read()
        check("debug: carries DWARF (.debug_info, .debug_line) for gdb",
              all(n in data for n in (b".debug_info", b".debug_line")))

    tracked = subprocess.run(["git", "-C", ROOT, "ls-files"], stdout=subprocess.PIPE,
                             text=True).stdout.split()
    secrets = [f for f in tracked if f.endswith((".pem", ".key", ".pfx", ".p12"))]
    check("the test certificate and key are not committed", not secrets, ", ".join(secrets))

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
