// SPDX-License-Identifier: GPL-2.0
/* ELF loading for Multiboot2 guests: p_paddr is where a segment goes. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include "guests/bytes.h"
#include "guests/elf.h"

#define EM_386		3
#define EM_X86_64	62

int elf_open(const void *img, size_t len, struct elf_file *f)
{
	const uint8_t *e = img;
	uint16_t machine;

	if (len < 52 || memcmp(e, "\x7f" "ELF", 4) || e[5] != 1 /* LE */)
		return -ENOEXEC;
	if (e[4] != 1 && e[4] != 2)
		return -ENOEXEC;
	f->img = e;
	f->len = len;
	f->is64 = e[4] == 2;
	if (f->is64 && len < 64)
		return -ENOEXEC;
	machine = rd16(e + 18);
	if (machine != (f->is64 ? EM_X86_64 : EM_386))
		return -ENOEXEC;
	f->entry = f->is64 ? rd64(e + 24) : rd32(e + 24);
	f->phoff = f->is64 ? rd64(e + 32) : rd32(e + 28);
	f->phentsize = rd16(e + (f->is64 ? 54 : 42));
	f->phnum = rd16(e + (f->is64 ? 56 : 44));
	if (f->phentsize < (f->is64 ? 56u : 32u) || f->phoff > len ||
	    f->phnum * f->phentsize > len - f->phoff)
		return -ENOEXEC;
	return 0;
}

void elf_seg(const struct elf_file *f, uint64_t i, struct elf_seg *s)
{
	const uint8_t *ph = f->img + f->phoff + i * f->phentsize;

	s->type = rd32(ph);
	if (f->is64) {
		s->offset = rd64(ph + 8);
		s->paddr = rd64(ph + 24);
		s->filesz = rd64(ph + 32);
		s->memsz = rd64(ph + 40);
		s->align = rd64(ph + 48);
	} else {
		s->offset = rd32(ph + 4);
		s->paddr = rd32(ph + 12);
		s->filesz = rd32(ph + 16);
		s->memsz = rd32(ph + 20);
		s->align = rd32(ph + 28);
	}
}

int elf_load(const void *img, size_t len, uint8_t *ram, uint64_t ram_size,
	     struct elf_info *info)
{
	struct elf_file f;
	bool any = false;
	int r = elf_open(img, len, &f);

	if (r)
		return r;
	info->entry = f.entry;
	info->lowest = ~0ULL;
	info->highest = 0;
	for (uint64_t i = 0; i < f.phnum; i++) {
		struct elf_seg s;

		elf_seg(&f, i, &s);
		if (s.type != ELF_PT_LOAD || !s.memsz)
			continue;
		if (s.filesz > s.memsz || s.offset > len ||
		    s.filesz > len - s.offset)
			return -ENOEXEC;
		if (s.paddr >= ram_size || s.memsz > ram_size - s.paddr)
			return -ERANGE;
		memcpy(ram + s.paddr, f.img + s.offset, s.filesz);
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
