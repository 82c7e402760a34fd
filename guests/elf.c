// SPDX-License-Identifier: GPL-2.0
/* ELF loading for Multiboot2 guests: p_paddr is where a segment goes. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include "guests/bytes.h"
#include "guests/elf.h"

#define PT_LOAD		1
#define EM_386		3
#define EM_X86_64	62

/* A segment, whichever ELF class it came from. */
struct seg {
	uint32_t type;
	uint64_t offset, paddr, filesz, memsz;
};

static void read_seg(const uint8_t *ph, bool is64, struct seg *s)
{
	s->type = rd32(ph);
	if (is64) {
		s->offset = rd64(ph + 8);
		s->paddr = rd64(ph + 24);
		s->filesz = rd64(ph + 32);
		s->memsz = rd64(ph + 40);
	} else {
		s->offset = rd32(ph + 4);
		s->paddr = rd32(ph + 12);
		s->filesz = rd32(ph + 16);
		s->memsz = rd32(ph + 20);
	}
}

int elf_load(const void *img, size_t len, uint8_t *ram, uint64_t ram_size,
	     struct elf_info *info)
{
	const uint8_t *e = img;
	uint64_t phoff, phentsize, phnum;
	bool is64, any = false;
	uint16_t machine;

	if (len < 52 || memcmp(e, "\x7f" "ELF", 4) || e[5] != 1 /* LE */)
		return -ENOEXEC;
	if (e[4] != 1 && e[4] != 2)
		return -ENOEXEC;
	is64 = e[4] == 2;
	if (is64 && len < 64)
		return -ENOEXEC;
	machine = rd16(e + 18);
	if (machine != (is64 ? EM_X86_64 : EM_386))
		return -ENOEXEC;
	info->entry = is64 ? rd64(e + 24) : rd32(e + 24);
	phoff = is64 ? rd64(e + 32) : rd32(e + 28);
	phentsize = rd16(e + (is64 ? 54 : 42));
	phnum = rd16(e + (is64 ? 56 : 44));
	if (phentsize < (is64 ? 56u : 32u) || phoff > len ||
	    phnum * phentsize > len - phoff)
		return -ENOEXEC;

	info->lowest = ~0ULL;
	info->highest = 0;
	for (uint64_t i = 0; i < phnum; i++) {
		struct seg s;

		read_seg(e + phoff + i * phentsize, is64, &s);
		if (s.type != PT_LOAD || !s.memsz)
			continue;
		if (s.filesz > s.memsz || s.offset > len ||
		    s.filesz > len - s.offset)
			return -ENOEXEC;
		if (s.paddr >= ram_size || s.memsz > ram_size - s.paddr)
			return -ERANGE;
		memcpy(ram + s.paddr, e + s.offset, s.filesz);
		memset(ram + s.paddr + s.filesz, 0, s.memsz - s.filesz);
		if (s.paddr < info->lowest)
			info->lowest = s.paddr;
		if (s.paddr + s.memsz > info->highest)
			info->highest = s.paddr + s.memsz;
		any = true;
	}
	if (!any)
		return -ENOEXEC;
	if (info->entry < info->lowest || info->entry >= info->highest)
		return -ENOEXEC;
	return 0;
}
