// SPDX-License-Identifier: GPL-2.0
/*
 * Plain-C helpers of the UEFI entry (see efi_info.h). Kept free of gnu-efi
 * and of libc beyond <errno.h> so that the host build can test them.
 */
#include <errno.h>

#include "src/boot/efi_info.h"

uint32_t efi_mem_type_to_boot(uint32_t efi_type)
{
	switch (efi_type) {
	case EFI_MT_CONVENTIONAL:
		return BOOT_MEM_RAM;
	case EFI_MT_ACPI_RECLAIM:
		return BOOT_MEM_ACPI;
	case EFI_MT_ACPI_NVS:
		return BOOT_MEM_NVS;
	case EFI_MT_UNUSABLE:
		return BOOT_MEM_BAD;
	default:
		/*
		 * Loader and boot-services memory included: after
		 * ExitBootServices we still run on that code and stack, and
		 * the loaded images live in loader data.
		 */
		return BOOT_MEM_RESERVED;
	}
}

/*
 * Add a region keeping bi->mmap sorted by base and merged with its
 * neighbours, so the table stays minimal whatever order the firmware uses.
 */
static int mmap_add(struct boot_info *bi, uint64_t base, uint64_t len,
		    uint32_t type)
{
	struct boot_mem_region *m = bi->mmap;
	uint32_t i = bi->n_mmap, j;
	int to_prev, to_next;

	/* Scan from the end: firmware maps are usually sorted already. */
	while (i > 0 && m[i - 1].base > base)
		i--;
	to_prev = i > 0 && m[i - 1].type == type &&
		  m[i - 1].base + m[i - 1].len == base;
	to_next = i < bi->n_mmap && m[i].type == type &&
		  base + len == m[i].base;

	if (to_prev && to_next) {
		m[i - 1].len += len + m[i].len;
		for (j = i + 1; j < bi->n_mmap; j++)
			m[j - 1] = m[j];
		bi->n_mmap--;
	} else if (to_prev) {
		m[i - 1].len += len;
	} else if (to_next) {
		m[i].base = base;
		m[i].len += len;
	} else {
		if (bi->n_mmap == BOOT_MMAP_MAX)
			return -E2BIG;
		for (j = bi->n_mmap; j > i; j--)
			m[j] = m[j - 1];
		m[i].base = base;
		m[i].len = len;
		m[i].type = type;
		bi->n_mmap++;
	}
	return 0;
}

int efi_mmap_to_boot(const void *map, size_t map_size, size_t desc_size,
		     struct boot_info *bi)
{
	const unsigned char *p = map;
	size_t off;
	int ret;

	bi->n_mmap = 0;
	/* The firmware may grow descriptors, never shrink them. */
	if (desc_size < sizeof(struct efi_mem_desc) || desc_size % 8)
		return -EINVAL;

	for (off = 0; off + desc_size <= map_size; off += desc_size) {
		const struct efi_mem_desc *d =
			(const struct efi_mem_desc *)(p + off);

		if (!d->num_pages)
			continue;
		ret = mmap_add(bi, d->phys_start,
			       d->num_pages * EFI_INFO_PAGE_SIZE,
			       efi_mem_type_to_boot(d->type));
		if (ret)
			return ret;
	}
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	       c == '\f' || c == '\v';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Does [s, s + n) equal the lower-case word @w, ignoring case? */
static int word_eq(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!w[i] || lower(s[i]) != w[i])
			return 0;
	return !w[n];
}

/* Like inih: an inline ';' comment must follow whitespace. */
static const char *value_end(const char *s, const char *end)
{
	const char *p;

	for (p = s; p < end; p++)
		if (*p == ';' && p > s && is_blank(p[-1]))
			return p;
	return end;
}

static const char *rstrip(const char *s, const char *end)
{
	while (end > s && is_blank(end[-1]))
		end--;
	return end;
}

/*
 * The names in the value [v, ve): the whole value, or with @list each
 * comma-separated item, blanks trimmed; empty ones are skipped.
 */
static int value_names(const char *v, const char *ve, int list,
		       efi_image_cb cb, void *ctx)
{
	while (v < ve) {
		const char *ne = v, *s;
		int ret;

		while (ne < ve && !(list && *ne == ','))
			ne++;
		for (s = v; s < ne && is_blank(*s); s++)
			;
		v = ne < ve ? ne + 1 : ve;
		ne = rstrip(s, ne);
		if (ne == s)
			continue;
		ret = cb(ctx, s, ne - s);
		if (ret)
			return ret;
	}
	return 0;
}

int efi_ini_images(const char *text, size_t len, efi_image_cb cb, void *ctx)
{
	const char *p = text, *end = text + len;
	int in_guest = 0, prev_key = 0, list;

	/* UTF-8 byte order mark, skipped as inih does. */
	if (len >= 3 && (unsigned char)p[0] == 0xef &&
	    (unsigned char)p[1] == 0xbb && (unsigned char)p[2] == 0xbf)
		p += 3;

	while (p < end) {
		const char *line = p, *eol = p, *s, *e, *eq, *ve;
		int ret;

		while (eol < end && *eol != '\n')
			eol++;
		p = eol < end ? eol + 1 : end;

		for (s = line; s < eol && is_blank(*s); s++)
			;
		e = rstrip(s, eol);
		if (s == e || *s == ';' || *s == '#')
			continue;
		/* inih's multi-line values: an indented line continues the last key. */
		if (s > line && prev_key)
			continue;

		if (*s == '[') {
			const char *name = s + 1, *ne = name;

			while (ne < e && *ne != ']')
				ne++;
			if (ne == e)
				continue;	/* inih keeps the old section */
			in_guest = ne - name >= 5 && word_eq(name, 5, "guest") &&
				   (ne - name == 5 || is_blank(name[5]));
			prev_key = 0;
			continue;
		}

		for (eq = s; eq < e && *eq != '=' && *eq != ':'; eq++)
			;
		if (eq == e)
			continue;	/* not a key; the real parser reports it */
		prev_key = 1;
		if (!in_guest)
			continue;

		ve = rstrip(s, eq);
		list = word_eq(s, ve - s, "modules");
		if (!list && !word_eq(s, ve - s, "kernel") &&
		    !word_eq(s, ve - s, "initrd"))
			continue;
		/* The comment search starts right after '=', as in inih. */
		ret = value_names(eq + 1, value_end(eq + 1, e), list, cb, ctx);
		if (ret)
			return ret;
	}
	return 0;
}

int efi_esp_path(const char *name, size_t len, char *out, size_t out_size)
{
	size_t i, n = 0;
	int sep = 1;	/* a separator is pending: the leading one */

	for (i = 0; i < len; i++) {
		char c = name[i];

		if ((unsigned char)c < 0x20 || c == 0x7f)
			return -EINVAL;
		if (c == '/' || c == '\\') {
			sep = 1;
			continue;
		}
		if (sep) {
			if (n + 1 >= out_size)
				return -E2BIG;
			out[n++] = '\\';
			sep = 0;
		}
		if (n + 1 >= out_size)
			return -E2BIG;
		out[n++] = c;
	}
	if (!n)
		return -EINVAL;
	out[n] = '\0';
	return n;
}
