#!/usr/bin/env python3
"""pe.py - the little of the PE format SecondDriver's build and tests need.

  pe.py fix-checksum FILE     write the PE checksum lld-link leaves at 0
  pe.py dump FILE             print what the PE checks look at, as JSON

Imported by tests/pe/check_pe.py. Standard library only.
"""
import json
import struct
import sys

SUBSYSTEM_NATIVE = 1
SUBSYSTEM_WINDOWS_CUI = 3
DLLCHAR_DYNAMIC_BASE = 0x0040
DLLCHAR_NX_COMPAT = 0x0100
SCN_MEM_EXECUTE = 0x20000000
SCN_MEM_WRITE = 0x80000000
SCN_MEM_DISCARDABLE = 0x02000000


class PE:
    def __init__(self, data):
        self.data = data
        if data[:2] != b"MZ":
            raise ValueError("no MZ header")
        self.pe_off = struct.unpack_from("<I", data, 0x3C)[0]
        if data[self.pe_off:self.pe_off + 4] != b"PE\0\0":
            raise ValueError("no PE signature")
        coff = self.pe_off + 4
        (self.machine, nsect, _, _, _, opt_size,
         self.characteristics) = struct.unpack_from("<HHIIIHH", data, coff)
        self.opt_off = coff + 20
        magic = struct.unpack_from("<H", data, self.opt_off)[0]
        if magic != 0x20B:
            raise ValueError("not PE32+ (magic 0x%x)" % magic)
        o = self.opt_off
        self.entry_rva = struct.unpack_from("<I", data, o + 16)[0]
        self.image_base = struct.unpack_from("<Q", data, o + 24)[0]
        self.checksum_off = o + 64
        self.checksum = struct.unpack_from("<I", data, self.checksum_off)[0]
        self.subsystem, self.dll_characteristics = struct.unpack_from(
            "<HH", data, o + 68)
        ndirs = struct.unpack_from("<I", data, o + 108)[0]
        self.dirs = [struct.unpack_from("<II", data, o + 112 + 8 * i)
                     for i in range(ndirs)]
        self.sections = []
        s = self.opt_off + opt_size
        for i in range(nsect):
            name, vsize, va, rawsize, rawptr = struct.unpack_from(
                "<8sIIII", data, s + 40 * i)
            chars = struct.unpack_from("<I", data, s + 40 * i + 36)[0]
            self.sections.append({
                "name": name.rstrip(b"\0").decode("ascii", "replace"),
                "va": va, "vsize": vsize, "rawptr": rawptr,
                "rawsize": rawsize, "characteristics": chars})

    def rva_to_off(self, rva):
        for s in self.sections:
            if s["va"] <= rva < s["va"] + max(s["vsize"], s["rawsize"]):
                return rva - s["va"] + s["rawptr"]
        raise ValueError("RVA 0x%x is in no section" % rva)

    def cstr(self, rva):
        off = self.rva_to_off(rva)
        return self.data[off:self.data.index(b"\0", off)].decode("ascii")

    def imports(self):
        """{dll name: [imported names]} from the import directory."""
        rva, size = self.dirs[1] if len(self.dirs) > 1 else (0, 0)
        out = {}
        if not rva:
            return out
        off = self.rva_to_off(rva)
        while True:
            ilt, _, _, name_rva, iat = struct.unpack_from("<IIIII", self.data, off)
            if not (ilt or name_rva or iat):
                break
            dll = self.cstr(name_rva)
            names = []
            t = self.rva_to_off(ilt or iat)
            while True:
                entry = struct.unpack_from("<Q", self.data, t)[0]
                if entry == 0:
                    break
                if entry & (1 << 63):
                    names.append("#%d" % (entry & 0xFFFF))
                else:
                    names.append(self.cstr((entry & 0x7FFFFFFF) + 2))
                t += 8
            out[dll] = names
            off += 20
        return out

    def exports(self):
        """Names in the export directory."""
        rva, _ = self.dirs[0] if self.dirs else (0, 0)
        if not rva:
            return []
        off = self.rva_to_off(rva)
        nnames, _, names_rva = struct.unpack_from("<III", self.data, off + 24)
        noff = self.rva_to_off(names_rva)
        return [self.cstr(struct.unpack_from("<I", self.data, noff + 4 * i)[0])
                for i in range(nnames)]

    def compute_checksum(self):
        """The PE image checksum, as imagehlp's CheckSumMappedFile makes it."""
        data = bytearray(self.data)
        data[self.checksum_off:self.checksum_off + 4] = b"\0\0\0\0"
        if len(data) % 2:
            data.append(0)
        total = 0
        for (word,) in struct.iter_unpack("<H", bytes(data)):
            total += word
            total = (total & 0xFFFF) + (total >> 16)
        total = (total & 0xFFFF) + (total >> 16)
        return (total + len(self.data)) & 0xFFFFFFFF

    def summary(self):
        return {
            "machine": self.machine,
            "subsystem": self.subsystem,
            "dll_characteristics": self.dll_characteristics,
            "entry_rva": self.entry_rva,
            "checksum": self.checksum,
            "computed_checksum": self.compute_checksum(),
            "sections": self.sections,
            "imports": self.imports(),
        }


def load(path):
    with open(path, "rb") as f:
        return PE(f.read())


def main(argv):
    if len(argv) != 3 or argv[1] not in ("fix-checksum", "dump"):
        sys.stderr.write(__doc__)
        return 2
    pe = load(argv[2])
    if argv[1] == "dump":
        print(json.dumps(pe.summary(), indent=1))
        return 0
    value = pe.compute_checksum()
    with open(argv[2], "r+b") as f:
        f.seek(pe.checksum_off)
        f.write(struct.pack("<I", value))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
