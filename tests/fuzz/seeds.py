#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""seeds.py: write the hand-made seed inputs of the fuzz corpora.

    tests/fuzz/seeds.py [DIR]     (default tests/fuzz/corpus)

Writes DIR/NAME/seed-* for the harnesses whose inputs are binary: MMIO
instructions (decode), a sane virtqueue with a direct and an indirect
chain (virtq), a small Multiboot2 ELF and an address-tag image (mb2),
and a bzImage and a PVH vmlinux, each just big enough to load (linux).
The formats are the documented ones (Multiboot2 spec, Linux boot
protocol 2.15, ELF, virtio 1.x split rings); the fuzzer mutates from
there. The config corpus gets the INIs issue 17 found wrongly accepted;
tests/run-fuzz.sh adds tests/configs as its seeds.
"""
import os
import struct
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/corpus"


def put(name, seed, data):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + seed), "wb") as f:
        f.write(data)


# ---- decode: a byte for the mode is not needed: each input runs in all three.
for i, hx in enumerate([
        "8b00", "8908", "c70078563412", "488b0500100000", "0fb601",
        "66891083", "833805", "f70001000000", "87", "a1efbeadde",
        "4c8b4c2408", "3e8b4300", "f0870b", "803b7f", "480fbe02"]):
    put("decode", f"{i:02d}", bytes.fromhex(hx))

# ---- virtq: 16-byte header (size u16, desc u32, avail u32, used u32,
# indirect u8, offset u8), then RAM: the descriptor table at 0, the
# available ring at 0x100, the used ring at 0x200, buffers from 0x400.
ram = bytearray(0x1000)
desc = [  # addr, len, flags, next
    (0x400, 16, 1, 1), (0x500, 64, 2, 0),          # out -> in
    (0x600, 32, 4, 0),                             # an indirect table
]
for i, (a, l, f, n) in enumerate(desc):
    struct.pack_into("<QIHH", ram, 16 * i, a, l, f, n)
struct.pack_into("<QIHH", ram, 0x600, 0x700, 8, 1, 1)
struct.pack_into("<QIHH", ram, 0x610, 0x800, 8, 2, 0)
struct.pack_into("<HHHH", ram, 0x100, 0, 2, 0, 2)  # flags, idx, ring[0..1]
ram[0x400:0x410] = b"hvisor virtq seed"[:16]
hdr = struct.pack("<HIIIBB", 4, 0, 0x100, 0x200, 1, 0)
put("virtq", "two-chains", hdr + bytes(ram))

# ---- mb2: an ELF32 with one PT_LOAD at 1 MiB whose first bytes are a
# Multiboot2 header (an information request and the end tag).
def mb2_header(tags):
    body = b"".join(tags) + struct.pack("<HHI", 0, 0, 8)
    length = 16 + len(body)
    magic, arch = 0xE85250D6, 0
    csum = (-(magic + arch + length)) & 0xFFFFFFFF
    return struct.pack("<IIII", magic, arch, length, csum) + body


info_req = struct.pack("<HHIII", 1, 0, 16, 6, 1)
hdr_plain = mb2_header([info_req])
code = hdr_plain + b"\xf4" * 64
ehdr = struct.pack("<16sHHIIIIIHHHHHH", b"\x7fELF\x01\x01\x01" + b"\0" * 9,
                   2, 3, 1, 0x100000 + len(hdr_plain), 52, 0, 0, 52, 32, 1,
                   0, 0, 0)
phdr = struct.pack("<IIIIIIII", 1, 0x1000, 0x100000, 0x100000, len(code),
                   len(code) + 0x100, 7, 0x1000)
elf = ehdr + phdr
elf += b"\0" * (0x1000 - len(elf)) + code
put("mb2", "elf32", elf)
# The same kernel through the address tag (the a.out kludge).
addr = struct.pack("<HHIIIII", 2, 0, 24, 0x100000, 0x100000, 0, 0x100200)
entry = struct.pack("<HHII", 3, 0, 12, 0x100040) + b"\0" * 4
img = mb2_header([addr, entry])
put("mb2", "address", img + b"\xf4" * (0x100 - len(img)))

# ---- linux: a bzImage (protocol 2.15, 64-bit entry, relocatable) of
# one setup sector and 4 KiB of protected-mode code.
setup_sects = 1
bz = bytearray(512 * (1 + setup_sects) + 4096)
struct.pack_into("<B", bz, 0x1F1, setup_sects)
struct.pack_into("<I", bz, 0x1F4, 4096 // 16)
struct.pack_into("<H", bz, 0x1FE, 0xAA55)
struct.pack_into("<BB", bz, 0x200, 0xEB, 0x264 - 0x202)
bz[0x202:0x206] = b"HdrS"
struct.pack_into("<H", bz, 0x206, 0x020F)
struct.pack_into("<B", bz, 0x211, 1)
struct.pack_into("<I", bz, 0x214, 0x100000)
struct.pack_into("<I", bz, 0x22C, 0x7FFFFFFF)
struct.pack_into("<I", bz, 0x230, 0x200000)
struct.pack_into("<B", bz, 0x234, 1)
struct.pack_into("<H", bz, 0x236, 1)
struct.pack_into("<I", bz, 0x238, 2047)
struct.pack_into("<Q", bz, 0x258, 0x1000000)
struct.pack_into("<I", bz, 0x260, 0x10000)
put("linux", "bzimage", bytes(bz))

# A vmlinux: ELF64 with a PT_LOAD at 1 MiB and a PT_NOTE holding the
# PVH entry (name "Xen", type 18, a 4-byte address).
note = struct.pack("<III", 4, 4, 18) + b"Xen\0" + struct.pack("<I", 0x100010)
text = b"\xf4" * 256
off_note, off_text = 64 + 2 * 56, 0x200
eh = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + b"\0" * 9,
                 2, 62, 1, 0x100000, 64, 0, 0, 64, 56, 2, 0, 0, 0)
ph_load = struct.pack("<IIQQQQQQ", 1, 7, off_text, 0xFFFFFFFF81000000,
                      0x100000, len(text), len(text) + 0x1000, 0x1000)
ph_note = struct.pack("<IIQQQQQQ", 4, 4, off_note, 0, 0, len(note),
                      len(note), 4)
vm = eh + ph_load + ph_note + note
vm += b"\0" * (off_text - len(vm)) + text
put("linux", "pvh", vm)
# ---- config: beside tests/configs, the inputs issue 17 found accepted
# that must not be (each is an error now; test_config has them too).
G = "[guest a]\nkind = multiboot2\nkernel = k.elf\nmemory = 16M\n"
for i, text in enumerate([
        "[hypervisor] scheduler = partition\n" + G,
        "[guest a] vcpus = 8\nkind = multiboot2\nkernel = k.elf\n",
        "[guest a]]\nkind = multiboot2\nkernel = k.elf\n",
        "[hypervisor]\nscheduler: rr\n" + G,
        G + "cmdline = a\x1b[2Jb\x7f\n",
        G.replace("\n", "\r") + "vcpus = 2\r",
        "#" * 5000 + "\n" + G,
        G + "vcpus = 08\ncpus = 0x3\n",
        G.replace("16M", "17179869183G"),
        "[hypervisor]\ntrace_boot = yes\ntrace_records = 0\n" + G]):
    put("config", f"issue17-{i:02d}", text.encode())
print(f"seeds.py: wrote the seeds under {out}")
