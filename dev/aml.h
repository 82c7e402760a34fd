/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small writer of ACPI Machine Language (ACPI 6.x, chapter 20) for the
 * guests' DSDT: names with constant values, scopes and devices, buffers,
 * and the resource descriptors (chapter 6.4) a host bridge's _CRS needs.
 * No methods: a guest's interpreter has nothing to run.
 *
 * Packages (scope, device, buffer) are opened and closed; their PkgLength
 * gets the shortest encoding when they close, as iasl writes it. A write
 * past @cap sets an overflow that aml_end() reports.
 */
#ifndef HV_DEV_AML_H
#define HV_DEV_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AML_DEPTH	8

struct aml {
	uint8_t *buf;
	size_t cap, len;
	size_t open[AML_DEPTH];		/* where each open PkgLength is */
	unsigned int depth;
	bool bad;			/* overflow or unbalanced */
};

void aml_init(struct aml *a, void *buf, size_t cap);
/* The bytes written, or -ENOSPC (overflow) / -EINVAL (a package open). */
int aml_end(const struct aml *a);

/* Bytes already encoded. */
void aml_raw(struct aml *a, const void *p, size_t n);
/* Name (SEG, ...): the value follows (aml_int(), aml_eisaid(), ...). */
void aml_name(struct aml *a, const char seg[4]);
/* An integer in its shortest form (Zero, One, Byte/Word/DWord/QWordConst). */
void aml_int(struct aml *a, uint64_t v);
/* A string constant ("LNRO0005"). */
void aml_string(struct aml *a, const char *str);
/* EisaId ("PNP0A08"): a DWordConst of the compressed ID. */
void aml_eisaid(struct aml *a, const char *id);
/* The compressed EISA ID of @id (3 capitals, 4 hex digits), 0 if bad. */
uint32_t aml_eisaid_value(const char *id);

/*
 * Scope (SEG) { ... } and Device (SEG) { ... }: close with aml_close().
 * At the top of a table SEG is in the root scope (\_SB_).
 */
void aml_scope(struct aml *a, const char seg[4]);
void aml_device(struct aml *a, const char seg[4]);
void aml_close(struct aml *a);
/* Package (@n) { ... }: @n elements follow; close with aml_close(). */
void aml_package(struct aml *a, uint8_t n);
/* Buffer () { @n bytes }: a resource template from struct aml_res. */
void aml_buffer(struct aml *a, const void *p, size_t n);

/* A resource template: descriptors in order, then aml_res_end(). */
struct aml_res {
	uint8_t b[128];
	size_t n;
	bool bad;			/* overflow */
};

void aml_res_init(struct aml_res *r);
/* WordBusNumber (ResourceProducer, MinFixed, MaxFixed, ...) [min, max]. */
void aml_res_bus(struct aml_res *r, uint16_t min, uint16_t max);
/* IO (Decode16, min, max, align, len): a fixed range it consumes. */
void aml_res_io(struct aml_res *r, uint16_t min, uint16_t max, uint8_t align,
		uint8_t len);
/* DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed,
 * NonCacheable, ReadWrite) [base, base + len): a window it decodes. */
void aml_res_mem_window(struct aml_res *r, uint32_t base, uint32_t len);
/* Memory32Fixed (ReadWrite, base, len): a range it consumes. */
void aml_res_mem_fixed(struct aml_res *r, uint32_t base, uint32_t len);
/* Interrupt (ResourceConsumer, Edge or Level, ActiveHigh, Exclusive)
 * { @gsi }: the extended interrupt descriptor. */
void aml_res_irq(struct aml_res *r, uint32_t gsi, bool edge);
/* EndTag; returns the template's length, or -ENOSPC. */
int aml_res_end(struct aml_res *r);

#endif
