#!/usr/bin/env python3
"""check_pe.py - checks on the built SecondDriver.sys (release and debug).

Prints PASS/FAIL lines and "N passed, N failed". The checksum is checked
twice: by tools/pe.py and, for the signed release, independently by
`osslsigncode verify`.
"""
import glob
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import pe  # noqa: E402

WINE_NTOSKRNL_GLOB = "/usr/lib/*/wine/x86_64-windows/ntoskrnl.exe"
ALLOWED_DLLS = {"ntoskrnl.exe", "hal.dll"}

passed = failed = 0


def check(name, ok, why=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS pe: " + name)
    else:
        failed += 1
        print("FAIL pe: " + name + (": " + why if why else ""))


def section_of(p, rva):
    for s in p.sections:
        if s["va"] <= rva < s["va"] + max(s["vsize"], s["rawsize"]):
            return s
    return None


def check_driver(variant, path, wine_exports):
    try:
        p = pe.load(path)
    except (OSError, ValueError) as e:
        check(variant + ": parses as PE32+", False, str(e))
        return
    check(variant + ": x64 (machine 0x8664)", p.machine == 0x8664, hex(p.machine))
    check(variant + ": subsystem native", p.subsystem == pe.SUBSYSTEM_NATIVE,
          str(p.subsystem))
    entry = section_of(p, p.entry_rva)
    check(variant + ": entry point (DriverEntry) is code in the INIT section",
          entry is not None and entry["name"] == "INIT"
          and entry["characteristics"] & pe.SCN_MEM_EXECUTE,
          "entry 0x%x in %s" % (p.entry_rva, entry and entry["name"]))
    check(variant + ": INIT is discardable",
          any(s["name"] == "INIT" and s["characteristics"] & pe.SCN_MEM_DISCARDABLE
              for s in p.sections))
    check(variant + ": pageable code is in a PAGE section",
          any(s["name"] == "PAGE" and s["characteristics"] & pe.SCN_MEM_EXECUTE
              for s in p.sections))
    check(variant + ": dynamic base and NX compatible",
          p.dll_characteristics & pe.DLLCHAR_DYNAMIC_BASE
          and p.dll_characteristics & pe.DLLCHAR_NX_COMPAT,
          hex(p.dll_characteristics))
    wx = [s["name"] for s in p.sections
          if s["characteristics"] & pe.SCN_MEM_WRITE
          and s["characteristics"] & pe.SCN_MEM_EXECUTE]
    check(variant + ": no section is both writable and executable", not wx,
          ", ".join(wx))
    imports = {k.lower(): v for k, v in p.imports().items()}
    check(variant + ": imports only from ntoskrnl.exe (no C runtime)",
          set(imports) <= ALLOWED_DLLS and "ntoskrnl.exe" in imports,
          ", ".join(imports))
    if wine_exports is not None:
        missing = [n for n in imports.get("ntoskrnl.exe", []) if n not in wine_exports]
        check(variant + ": every import exists in Wine's ntoskrnl.exe", not missing,
              "missing: " + ", ".join(missing))
    check(variant + ": PE checksum is valid (tools/pe.py)",
          p.checksum != 0 and p.checksum == p.compute_checksum(),
          "header 0x%x, computed 0x%x" % (p.checksum, p.compute_checksum()))
    return p


def main():
    rel = os.path.join(ROOT, "build/win/release/SecondDriver.sys")
    dbg = os.path.join(ROOT, "build/win/debug/SecondDriver.sys")
    wine = sorted(glob.glob(WINE_NTOSKRNL_GLOB))
    wine_exports = set(pe.load(wine[0]).exports()) if wine else None
    check("Wine's ntoskrnl.exe found, to check imports against", bool(wine_exports))

    p = check_driver("release", rel, wine_exports)
    if p is not None:
        with open(rel, "rb") as f:
            data = f.read()
        check("release: has an Authenticode signature (certificate table)",
              len(p.dirs) > 4 and p.dirs[4][0] != 0 and p.dirs[4][1] != 0)
        check("release: names its PDB (CodeView record)", b"SecondDriver.pdb" in data)
        check("release: the PDB was written",
              os.path.getsize(os.path.join(ROOT, "build/win/release/SecondDriver.pdb")) > 0)
        cert = os.path.join(ROOT, "build/win/cert/testcert.pem")
        r = subprocess.run(["osslsigncode", "verify", "-CAfile", cert, "-in", rel],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        check("release: osslsigncode verify accepts the signature",
              r.returncode == 0 and "Signature verification: ok" in r.stdout,
              r.stdout.strip().splitlines()[-1] if r.stdout.strip() else "no output")
        check("release: osslsigncode finds the PE checksum valid",
              "PE checksum" in r.stdout and "invalid PE checksum" not in r.stdout)

    p = check_driver("debug", dbg, wine_exports)
    if p is not None:
        # lld-link keeps long section names in the COFF string table.
        with open(dbg, "rb") as f:
            data = f.read()
        check("debug: carries DWARF (.debug_info, .debug_line) for gdb",
              all(n in data for n in (b".debug_info", b".debug_line")))

    tracked = subprocess.run(["git", "-C", ROOT, "ls-files"], stdout=subprocess.PIPE,
                             text=True).stdout.split()
    secrets = [f for f in tracked if f.endswith((".pem", ".key", ".pfx", ".p12"))]
    check("the test certificate and key are not committed", not secrets,
          ", ".join(secrets))

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
