#!/usr/bin/env python3
"""extract-vmlinux.py BZIMAGE OUT - write the ELF vmlinux inside an xz bzImage.

Debian's amd64 kernel is xz-compressed. The payload starts at an xz magic
somewhere after the setup code; decompress from the first offset that yields
an ELF image. QEMU can boot that ELF directly (it carries a PVH note), which
is about twice as fast under TCG as booting the bzImage.
"""
import lzma
import sys

XZ_MAGIC = b"\xfd7zXZ\x00"


def extract(data):
    pos = data.find(XZ_MAGIC)
    while pos >= 0:
        dec = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
        try:
            out = dec.decompress(data[pos:])
        except lzma.LZMAError:
            out = b""
        if out[:4] == b"\x7fELF":
            return out
        pos = data.find(XZ_MAGIC, pos + 1)
    return None


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: extract-vmlinux.py BZIMAGE OUT")
    with open(sys.argv[1], "rb") as f:
        elf = extract(f.read())
    if elf is None:
        sys.exit("extract-vmlinux: no xz-compressed ELF found in " + sys.argv[1])
    with open(sys.argv[2], "wb") as f:
        f.write(elf)
    print("extract-vmlinux: %d bytes" % len(elf))


if __name__ == "__main__":
    main()
