#!/usr/bin/python3
"""pe.py - what SecondDriver's build and tests read from PE files, on pefile.

  pe.py fix-checksum FILE     write the PE checksum lld-link leaves at 0
  pe.py dump FILE             print what the PE checks look at, as JSON
  pe.py stubs NTOSKRNL        print the exports that are Wine spec stubs

pefile (Debian's python3-pefile) decodes the format. This file adds only
what pefile leaves undecoded: Wine's stub thunks, the x64 unwind data of a
function with its C scope table, and the extended DLL characteristics
(CET). Debian's python3-pefile is not visible to the pyenv python3 that may
come first on PATH, so this runs under /usr/bin/python3.
"""
import json
import struct
import sys

try:
    import pefile
except ImportError:  # pragma: no cover - said once, clearly
    sys.stderr.write("pe.py: needs Debian's python3-pefile, run by /usr/bin/python3 "
                     "(scripts/install-deps.sh installs it)\n")
    raise

SUBSYSTEM_NATIVE = 1
DLLCHAR_DYNAMIC_BASE = 0x0040
DLLCHAR_NX_COMPAT = 0x0100
DLLCHAR_WDM_DRIVER = 0x2000
SCN_MEM_EXECUTE = 0x20000000
SCN_MEM_WRITE = 0x80000000
SCN_MEM_DISCARDABLE = 0x02000000
DEBUG_TYPE_EX_DLLCHARACTERISTICS = 20
EX_DLLCHAR_CET_COMPAT = 0x01
UNW_FLAG_EHANDLER = 0x1
UNW_FLAG_UHANDLER = 0x2
UNW_FLAG_CHAININFO = 0x4


def load(path):
    """The parsed PE; pefile.PEFormatError if it is not one."""
    return pefile.PE(path, fast_load=False)


def section_name(section):
    return section.Name.rstrip(b"\0").decode("ascii", "replace")


def section_of(pe, rva):
    for s in pe.sections:
        if s.VirtualAddress <= rva < s.VirtualAddress + max(s.Misc_VirtualSize, s.SizeOfRawData):
            return s
    return None


def imports(pe):
    """{dll name (lower case): [imported names]}."""
    out = {}
    for entry in getattr(pe, "DIRECTORY_ENTRY_IMPORT", []):
        names = [i.name.decode() if i.name else "#%d" % i.ordinal for i in entry.imports]
        out[entry.dll.decode().lower()] = names
    return out


def iat_names(pe):
    """{IAT slot RVA: imported name}."""
    out = {}
    for entry in getattr(pe, "DIRECTORY_ENTRY_IMPORT", []):
        for i in entry.imports:
            out[i.address - pe.OPTIONAL_HEADER.ImageBase] = i.name.decode() if i.name else None
    return out


def exports(pe):
    """{exported name: RVA}."""
    d = getattr(pe, "DIRECTORY_ENTRY_EXPORT", None)
    if d is None:
        return {}
    return {e.name.decode(): e.address for e in d.symbols if e.name}


def checksum_ok(pe):
    return pe.OPTIONAL_HEADER.CheckSum != 0 and pe.verify_checksum()


def fix_checksum(path):
    pe = load(path)
    pe.OPTIONAL_HEADER.CheckSum = pe.generate_checksum()
    data = pe.write()
    pe.close()
    with open(path, "wb") as f:
        f.write(data)


def cet_compat(pe):
    """True if the extended DLL characteristics say CET-compatible."""
    for d in getattr(pe, "DIRECTORY_ENTRY_DEBUG", []):
        if d.struct.Type == DEBUG_TYPE_EX_DLLCHARACTERISTICS:
            raw = pe.get_data(d.struct.AddressOfRawData, 4)
            return bool(struct.unpack("<I", raw)[0] & EX_DLLCHAR_CET_COMPAT)
    return False


def version_strings(pe):
    """The VERSIONINFO resource's string table, as a dict."""
    out = {}
    for fi in getattr(pe, "FileInfo", []) or []:
        for entry in fi:
            for table in getattr(entry, "StringTable", []):
                for k, v in table.entries.items():
                    out[k.decode()] = v.decode()
    return out


def wine_stubs(pe):
    """The exports of a Wine PE module that are bare spec stubs.

    winebuild makes each '@ stub' export a thunk that loads the module's
    name and the function's name and calls the unimplemented-function
    handler:  sub rsp,0x28; lea rcx,[rip+d]; lea rdx,[rip+d]; call rel32.
    An export is a stub when its code is that thunk, the second string is
    its own name, and the call goes where every other stub's call goes.
    """
    image = pe.get_memory_mapped_image()
    found = {}
    for name, rva in exports(pe).items():
        b = image[rva:rva + 23]
        if len(b) < 23 or b[0:4] != b"\x48\x83\xec\x28" or b[4:7] != b"\x48\x8d\x0d" \
                or b[11:14] != b"\x48\x8d\x15" or b[18] != 0xE8:
            continue
        s = rva + 18 + struct.unpack_from("<i", b, 14)[0]
        end = image.find(b"\0", s)
        if image[s:end].decode("ascii", "replace") != name:
            continue
        found[name] = rva + 23 + struct.unpack_from("<i", b, 19)[0]
    # The handler is the one target that (nearly) every such thunk calls.
    targets = {}
    for t in found.values():
        targets[t] = targets.get(t, 0) + 1
    if not targets:
        return set()
    handler = max(targets, key=targets.get)
    return {n for n, t in found.items() if t == handler}


def runtime_function(pe, rva):
    """(begin, end, unwind RVA) of the .pdata entry covering rva, or None."""
    for e in getattr(pe, "DIRECTORY_ENTRY_EXCEPTION", []):
        s = e.struct
        if s.BeginAddress <= rva < s.EndAddress:
            return s.BeginAddress, s.EndAddress, s.UnwindData
    return None


def c_scope_table(pe, unwind_rva):
    """(flags, handler RVA, [(begin, end, handler, target)]) of an UNWIND_INFO.

    After the unwind codes of a function with an exception handler come the
    handler's RVA and its language-specific data; for __C_specific_handler
    that is a count and the scope records.
    """
    head = pe.get_data(unwind_rva, 4)
    version_flags, _, ncodes, _ = struct.unpack("<BBBB", head)
    flags = version_flags >> 3
    if not flags & (UNW_FLAG_EHANDLER | UNW_FLAG_UHANDLER):
        return flags, None, []
    off = unwind_rva + 4 + 2 * ((ncodes + 1) & ~1)
    handler = struct.unpack("<I", pe.get_data(off, 4))[0]
    count = struct.unpack("<I", pe.get_data(off + 4, 4))[0]
    scopes = [struct.unpack("<IIII", pe.get_data(off + 8 + 16 * i, 16)) for i in range(count)]
    return flags, handler, scopes


def thunk_target_name(pe, rva):
    """The import a 'jmp [rip+d]' thunk at rva jumps through, or None."""
    b = pe.get_data(rva, 6)
    if b[:2] != b"\xff\x25":
        return None
    slot = rva + 6 + struct.unpack("<i", b[2:6])[0]
    return iat_names(pe).get(slot)


def summary(pe):
    oh = pe.OPTIONAL_HEADER
    return {
        "machine": pe.FILE_HEADER.Machine,
        "subsystem": oh.Subsystem,
        "dll_characteristics": oh.DllCharacteristics,
        "entry_rva": oh.AddressOfEntryPoint,
        "checksum": oh.CheckSum,
        "computed_checksum": pe.generate_checksum(),
        "sections": [{"name": section_name(s), "va": s.VirtualAddress,
                      "characteristics": s.Characteristics} for s in pe.sections],
        "imports": imports(pe),
        "cet_compat": cet_compat(pe),
        "version": version_strings(pe),
    }


def main(argv):
    if len(argv) != 3 or argv[1] not in ("fix-checksum", "dump", "stubs"):
        sys.stderr.write(__doc__)
        return 2
    if argv[1] == "fix-checksum":
        fix_checksum(argv[2])
    elif argv[1] == "dump":
        print(json.dumps(summary(load(argv[2])), indent=1))
    else:
        for name in sorted(wine_stubs(load(argv[2]))):
            print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
