/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Little-endian fields of boot formats (ELF, the Linux zero page, PVH,
 * Multiboot2) read and written byte by byte: the images are untrusted
 * and their fields are not always aligned.
 */
#ifndef HV_GUESTS_BYTES_H
#define HV_GUESTS_BYTES_H

#include <stdint.h>

static inline uint16_t rd16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static inline uint32_t rd32(const uint8_t *p)
{
	return rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static inline uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static inline void wr64(uint8_t *p, uint64_t v)
{
	wr32(p, v);
	wr32(p + 4, v >> 32);
}

#endif
