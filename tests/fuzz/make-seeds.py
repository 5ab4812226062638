#!/usr/bin/env python3
"""make-seeds.py - write the fuzzers' seed corpus (tests/fuzz/corpus/).

The seeds follow the input layouts that fuzz_ioctl.c and fuzz_map.c decode;
run this again whenever a layout changes. Each seed is one meaningful
request, so that the fuzzer starts from every path the SPEC describes.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SET = 0x80002003
USER_VALID, USER_NULL, USER_MISALIGNED, USER_FAULT = 0x09, 0x01, 0x03, 0x85
KERNEL_VALID = 0x02


def length(n):
    # take_len: kind 0 keeps n % 33, kind 5 keeps n % 4097
    return bytes([0 if n <= 32 else 5]) + struct.pack("<H", n)


# SdIoctlTable's rows, in order (driver/sd_ioctl.c)
(SET_ROW, GET_ROW, SET_EX_ROW, BATCH_ROW, GET_LOG_ROW, CLEAR_LOG_ROW, BOOST_ROW, END_LEASE_ROW,
 LIST_LEASES_ROW, GET_INFO_ROW) = range(10)


def ioctl(name, content, how=USER_VALID, lookup=0, who=0x30, granted=0,
          inlen=8, outlen=0, code=None, row=SET_ROW):
    # pick_code: kind 0 = the table's row; kind 5 = 32 bits that follow
    head = bytes([0, row, 0]) if code is None else bytes([5, 0, 0]) + struct.pack("<I", code)
    data = head + bytes([how, lookup, who, granted]) + length(inlen) + length(outlen) + content
    with open(os.path.join(HERE, "corpus/ioctl", name), "wb") as f:
        f.write(data)


def mapping(name, level, policy, nice, rt):
    with open(os.path.join(HERE, "corpus/map", name), "wb") as f:
        f.write(struct.pack("<iIiI", level, policy, nice, rt))


def json(name, text):
    with open(os.path.join(HERE, "corpus/json", name), "w") as f:
        f.write(text)


def main():
    for d in ("corpus/ioctl", "corpus/map", "corpus/json"):
        os.makedirs(os.path.join(HERE, d), exist_ok=True)
        for old in os.listdir(os.path.join(HERE, d)):
            os.remove(os.path.join(HERE, d, old))
    td = struct.pack("<Ii", 8520, 31)	# the seed's debugger session
    ioctl("set-8520-31-user", td)
    ioctl("set-8520-31-kernel", td, how=KERNEL_VALID)
    ioctl("set-8520-8-user", struct.pack("<Ii", 8520, 8))
    ioctl("set-exiting-thread", td, lookup=1)
    ioctl("set-no-such-thread", td, lookup=2)
    ioctl("set-short-input", td, inlen=4)
    ioctl("set-null-input", td, how=USER_NULL)
    ioctl("set-misaligned", td, how=USER_MISALIGNED)
    ioctl("set-faulting-pointer", td, how=USER_FAULT)
    ioctl("set-priority-32", struct.pack("<Ii", 8520, 32))
    ioctl("set-with-output", td, outlen=16)
    ioctl("set-read-only-handle", td, who=0x10, granted=0x01)
    ioctl("set-access-unknown", td, who=0x00)
    ioctl("set-system-thread", td, who=0x32)
    ioctl("set-thread-refuses-open", td, who=0x34)
    ioctl("set-no-privilege", td, who=0x38)
    ioctl("set-under-wine", td, who=0x31)
    ioctl("unknown-code", td, code=0x80002007)
    get = struct.pack("<Ii", 8520, 0)
    ioctl("get", get, row=GET_ROW, who=0x31, granted=0x01, outlen=8)
    ioctl("get-short-output", get, row=GET_ROW, outlen=4)
    setex = struct.pack("<IiIi", 8520, 31, 0, 0)
    ioctl("set-ex", setex, row=SET_EX_ROW, inlen=16, outlen=16)
    ioctl("set-ex-base-flag", struct.pack("<IiIi", 8520, 12, 1, 0), row=SET_EX_ROW,
          inlen=16, outlen=16)
    entries = b"".join(struct.pack("<IiII", 100 + i, 1 + i * 7, i % 2, 0) for i in range(4))
    batch = struct.pack("<II", 4, 0) + entries
    ioctl("batch-4", batch, row=BATCH_ROW, who=0x70, inlen=len(batch), outlen=32)
    ioctl("batch-short-output", batch, row=BATCH_ROW, who=0x70, inlen=len(batch), outlen=31)
    ioctl("batch-wrong-count", struct.pack("<II", 5, 0) + entries, row=BATCH_ROW,
          inlen=len(batch), outlen=40)
    ioctl("get-log-from-0", struct.pack("<Q", 0), row=GET_LOG_ROW, who=0x31, granted=0x01,
          inlen=8, outlen=24 + 2 * 88)
    ioctl("get-log-from-old", struct.pack("<Q", 1), row=GET_LOG_ROW, inlen=8, outlen=4096)
    ioctl("get-log-header-only", struct.pack("<Q", 5), row=GET_LOG_ROW, inlen=8, outlen=24)
    ioctl("get-log-short-output", struct.pack("<Q", 0), row=GET_LOG_ROW, inlen=8, outlen=23)
    ioctl("get-log-write-only-handle", struct.pack("<Q", 0), row=GET_LOG_ROW, who=0x30,
          granted=0x00, inlen=8, outlen=200)
    ioctl("clear-log", b"", row=CLEAR_LOG_ROW, who=0x30, inlen=0, outlen=0)
    ioctl("clear-log-read-only-handle", b"", row=CLEAR_LOG_ROW, who=0x10, granted=0x01,
          inlen=0, outlen=0)
    ioctl("get-info", b"", row=GET_INFO_ROW, who=0x31, granted=0x01, inlen=0, outlen=32)
    ioctl("get-info-short-output", b"", row=GET_INFO_ROW, inlen=0, outlen=31)
    # lookup 0xE0: the cap (bits 2-3 clear) at 1 + (0xE0 >> 4) % 31 = 15
    ioctl("set-8520-16-capped-at-15", struct.pack("<Ii", 8520, 16), lookup=0xE0)
    ioctl("set-8520-15-capped-at-15", struct.pack("<Ii", 8520, 15), lookup=0xE0)
    boost = struct.pack("<IiII", 8520, 20, 0, 0)
    ioctl("boost-handle-scoped", boost, row=BOOST_ROW, who=0x30, inlen=16, outlen=8)
    ioctl("boost-detached-500ms", struct.pack("<IiII", 8520, 20, 1, 500), row=BOOST_ROW,
          who=0x30, inlen=16, outlen=8)
    ioctl("boost-detached-no-duration", struct.pack("<IiII", 8520, 20, 1, 0), row=BOOST_ROW,
          inlen=16, outlen=8)
    ioctl("boost-beside-another-lease", boost, row=BOOST_ROW, who=0xB0, inlen=16, outlen=8)
    ioctl("end-lease-1", struct.pack("<II", 1, 0), row=END_LEASE_ROW, who=0xB0, inlen=8)
    ioctl("end-lease-unknown", struct.pack("<II", 77, 0), row=END_LEASE_ROW, inlen=8)
    ioctl("list-leases", b"", row=LIST_LEASES_ROW, who=0xB1, granted=0x01, inlen=0,
          outlen=8 + 2 * 24)
    mapping("level-1", 1, 0, 19, 0)
    mapping("level-8", 8, 0, 0, 0)
    mapping("level-31", 31, 2, 0, 16)
    mapping("fifo-99", 0, 1, 0, 99)
    mapping("deadline", 32, 6, 0, 0)
    json("threads", '[\n  {"pid": 100, "tid": 101, "priority": 15}\n]\n')
    json("boost", '[\n  {"pid": 100, "tid": 101, "priority": 31, "old": 8, "error": null},\n'
         '  {"pid": 100, "tid": 102, "priority": 31, "old": null, "error": '
         '{"code": -3, "text": "No such \\"process\\""}}\n]\n')
    json("escapes", '[{"s": "\\u00e9\\n", "x": [1, 2.5e3, true, false, null], "tid": 5, "priority": 1}]')


if __name__ == "__main__":
    main()
