#!/usr/bin/env python3
"""extract-vmlinux.py BZIMAGE OUT - write the ELF vmlinux inside a bzImage.

Debian 12's 6.1 kernel is xz-compressed; the 6.12 kernels of
bookworm-backports are zstd-compressed. The payload starts at the format's
magic somewhere after the setup code; decompress from the first offset that
yields an ELF image. xz with Python's lzma; zstd with the zstd program
(package zstd: Python 3.11 has no zstd module). QEMU can boot that ELF
directly (it carries a PVH note), which is about twice as fast under TCG as
booting the bzImage.
"""
import lzma
import subprocess
import sys

XZ_MAGIC = b"\xfd7zXZ\x00"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def unxz(data):
    dec = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
    try:
        return dec.decompress(data)
    except lzma.LZMAError:
        return b""


def unzstd(data):
    # One frame; whatever follows it (the bzImage's trailer) is not zstd.
    try:
        run = subprocess.run(["zstd", "-d", "-c", "-q"], input=data,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except FileNotFoundError:
        sys.exit("extract-vmlinux: the payload is zstd; install the zstd package")
    return run.stdout


def extract(data):
    for magic, decompress in ((XZ_MAGIC, unxz), (ZSTD_MAGIC, unzstd)):
        pos = data.find(magic)
        while pos >= 0:
            out = decompress(data[pos:])
            if out[:4] == b"\x7fELF":
                return out
            pos = data.find(magic, pos + 1)
    return None


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: extract-vmlinux.py BZIMAGE OUT")
    with open(sys.argv[1], "rb") as f:
        elf = extract(f.read())
    if elf is None:
        sys.exit("extract-vmlinux: no xz- or zstd-compressed ELF found in " + sys.argv[1])
    with open(sys.argv[2], "wb") as f:
        f.write(elf)
    print("extract-vmlinux: %d bytes" % len(elf))


if __name__ == "__main__":
    main()
