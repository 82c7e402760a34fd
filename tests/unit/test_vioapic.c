// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the virtual I/O APIC (dev/vioapic.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "dev/vioapic.h"

#define MAX_MSGS	32

struct fake {
	int n;
	struct apic_msg msg[MAX_MSGS];
	struct vioapic *io;
	bool eoi_back;		/* EOI from inside deliver(), once */
};

static void fake_deliver(void *ctx, const struct apic_msg *m)
{
	struct fake *f = ctx;

	assert_true(f->n < MAX_MSGS);
	f->msg[f->n++] = *m;
	if (f->eoi_back) {
		f->eoi_back = false;
		vioapic_eoi(f->io, m->vector);
	}
}

static const struct vioapic_env env = { .deliver = fake_deliver };

static void setup(struct vioapic *io, struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->io = io;
	vioapic_init(io, &env, f, 0);
}

static uint32_t rd(struct vioapic *io, uint32_t idx)
{
	uint64_t v = 0xdeadbeef;

	assert_int_equal(vioapic_mmio_write(io, VIOAPIC_REGSEL, 4, idx), 0);
	assert_int_equal(vioapic_mmio_read(io, VIOAPIC_WIN, 4, &v), 0);
	return v;
}

static void wr(struct vioapic *io, uint32_t idx, uint32_t v)
{
	assert_int_equal(vioapic_mmio_write(io, VIOAPIC_REGSEL, 4, idx), 0);
	assert_int_equal(vioapic_mmio_write(io, VIOAPIC_WIN, 4, v), 0);
}

static void set_rte(struct vioapic *io, unsigned int pin, uint64_t rte)
{
	/* High half first, the way Linux unmasks last. */
	wr(io, VIOAPIC_REG_REDTBL + 2 * pin + 1, rte >> 32);
	wr(io, VIOAPIC_REG_REDTBL + 2 * pin, (uint32_t)rte);
}

static uint64_t get_rte(struct vioapic *io, unsigned int pin)
{
	return (uint64_t)rd(io, VIOAPIC_REG_REDTBL + 2 * pin + 1) << 32 |
	       rd(io, VIOAPIC_REG_REDTBL + 2 * pin);
}

static void test_reset_state(void **state)
{
	struct vioapic io;
	struct fake f;

	setup(&io, &f);
	vioapic_init(&io, &env, &f, 5);
	assert_int_equal(rd(&io, VIOAPIC_REG_ID), 5u << 24);
	assert_int_equal(rd(&io, VIOAPIC_REG_VER), 0x00170020);
	assert_int_equal((rd(&io, VIOAPIC_REG_VER) >> 16 & 0xff) + 1, 24);
	assert_int_equal(rd(&io, VIOAPIC_REG_ARB), 5u << 24);
	for (unsigned int i = 0; i < VIOAPIC_PINS; i++) {
		assert_int_equal(rd(&io, 0x10 + 2 * i), 0x00010000);
		assert_int_equal(rd(&io, 0x11 + 2 * i), 0);
	}
	/* Asserting a masked pin sends nothing. */
	vioapic_set_irq(&io, 4, true);
	assert_int_equal(f.n, 0);
}

/* Asterinas: read the entry, refuse it unless the vector is 0, write
 * the vector (fixed, edge, unmasked) then dest 0; disable = 1 << 16. */
static void test_asterinas_sequence(void **state)
{
	struct vioapic io;
	struct fake f;

	setup(&io, &f);
	for (unsigned int i = 0; i < VIOAPIC_PINS; i++) {
		wr(&io, 0x10 + 2 * i, 1u << 16);	/* disable all first */
		wr(&io, 0x11 + 2 * i, 0);
	}
	for (unsigned int i = 0; i < VIOAPIC_PINS; i++) {
		uint8_t vec = 0x20 + i;

		assert_int_equal(rd(&io, 0x10 + 2 * i) & 0xff, 0);
		wr(&io, 0x10 + 2 * i, vec);
		wr(&io, 0x11 + 2 * i, 0);
		assert_int_equal(rd(&io, 0x10 + 2 * i), vec);
		/* Now "in use": a second enable would be refused. */
		assert_int_not_equal(rd(&io, 0x10 + 2 * i) & 0xff, 0);
	}
	vioapic_set_irq(&io, 4, true);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.msg[0].vector, 0x24);
	assert_int_equal(f.msg[0].dest, 0);
	assert_false(f.msg[0].logical);
	assert_false(f.msg[0].level);
	wr(&io, 0x10 + 2 * 4, 1u << 16);		/* disable */
	assert_int_equal(rd(&io, 0x10 + 2 * 4) & 0xff, 0);
}

static void test_vectors_read_back_exactly(void **state)
{
	struct vioapic io;
	struct fake f;

	setup(&io, &f);
	for (unsigned int v = 0; v < 256; v++) {
		wr(&io, 0x10, 0x10000 | v);
		assert_int_equal(rd(&io, 0x10), 0x10000 | v);
	}
	/* Every writable field at once, on a pin in the middle. */
	set_rte(&io, 9, 0xa5ULL << 56 | RTE_MASKED | RTE_LEVEL |
		RTE_POLARITY_LOW | RTE_LOGICAL | 5ULL << 8 | 0x7e);
	assert_int_equal(get_rte(&io, 9), 0xa5ULL << 56 | RTE_MASKED |
			 RTE_LEVEL | RTE_POLARITY_LOW | RTE_LOGICAL |
			 5ULL << 8 | 0x7e);
}

static void test_reserved_and_status_bits(void **state)
{
	struct vioapic io;
	struct fake f;

	setup(&io, &f);
	/* Status bits (12, 14) and reserved bits (17-55) stay 0. */
	wr(&io, 0x12, 0xffffffff);
	wr(&io, 0x13, 0xffffffff);
	assert_int_equal(rd(&io, 0x12), 0x0001afff);
	assert_int_equal(rd(&io, 0x13), 0xff000000);
	/* ID: only bits 27:24. VER and ARB are read-only. */
	wr(&io, VIOAPIC_REG_ID, 0xffffffff);
	assert_int_equal(rd(&io, VIOAPIC_REG_ID), 0x0f000000);
	wr(&io, VIOAPIC_REG_VER, 0);
	assert_int_equal(rd(&io, VIOAPIC_REG_VER), 0x00170020);
	wr(&io, VIOAPIC_REG_ARB, 0);
	assert_int_equal(rd(&io, VIOAPIC_REG_ARB), 0x0f000000);
	/* Past the last entry, and unknown registers: 0, writes ignored. */
	wr(&io, 0x10 + 2 * VIOAPIC_PINS, 0x1234);
	assert_int_equal(rd(&io, 0x10 + 2 * VIOAPIC_PINS), 0);
	assert_int_equal(rd(&io, 0x03), 0);
	assert_int_equal(rd(&io, 0xff), 0);
}

static void test_mmio_access(void **state)
{
	struct vioapic io;
	struct fake f;
	uint64_t v;

	setup(&io, &f);
	/* IOREGSEL keeps 8 bits. */
	assert_int_equal(vioapic_mmio_write(&io, VIOAPIC_REGSEL, 4, 0x1234), 0);
	assert_int_equal(vioapic_mmio_read(&io, VIOAPIC_REGSEL, 4, &v), 0);
	assert_int_equal(v, 0x34);
	/* Byte access to IOREGSEL and to a byte lane of IOWIN. */
	assert_int_equal(vioapic_mmio_write(&io, VIOAPIC_REGSEL, 1, 0x01), 0);
	assert_int_equal(vioapic_mmio_read(&io, VIOAPIC_WIN + 2, 1, &v), 0);
	assert_int_equal(v, 0x17);	/* max redirection entry */
	assert_int_equal(vioapic_mmio_write(&io, VIOAPIC_REGSEL, 1, 0x10), 0);
	assert_int_equal(vioapic_mmio_write(&io, VIOAPIC_WIN, 1, 0x42), 0);
	assert_int_equal(rd(&io, 0x10), 0x10042);	/* mask kept */
	/* Bad sizes and straddling accesses. */
	assert_int_equal(vioapic_mmio_read(&io, VIOAPIC_WIN, 8, &v), -EINVAL);
	assert_int_equal(vioapic_mmio_read(&io, VIOAPIC_WIN + 3, 2, &v),
			 -EINVAL);
	assert_int_equal(vioapic_mmio_write(&io, VIOAPIC_WIN, 3, 0), -EINVAL);
	assert_int_equal(vioapic_mmio_read(&io, VIOAPIC_SIZE, 4, &v), -EINVAL);
	/* Other offsets read 0; the EOI register is write-only. */
	assert_int_equal(vioapic_mmio_read(&io, 0x20, 4, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(vioapic_mmio_read(&io, VIOAPIC_EOI, 4, &v), 0);
	assert_int_equal(v, 0);
}

static void test_edge(void **state)
{
	struct vioapic io;
	struct fake f;

	setup(&io, &f);
	set_rte(&io, 1, 0x31);
	vioapic_set_irq(&io, 1, true);
	assert_int_equal(f.n, 1);
	vioapic_set_irq(&io, 1, true);		/* no new edge */
	assert_int_equal(f.n, 1);
	vioapic_set_irq(&io, 1, false);
	assert_int_equal(f.n, 1);
	vioapic_set_irq(&io, 1, true);
	assert_int_equal(f.n, 2);
	/* Edge entries have no remote IRR; EOI does nothing. */
	assert_int_equal(get_rte(&io, 1) & RTE_REMOTE_IRR, 0);
	vioapic_eoi(&io, 0x31);
	assert_int_equal(f.n, 2);
	/* An edge while masked is lost, also when unmasked later. */
	vioapic_set_irq(&io, 1, false);
	set_rte(&io, 1, RTE_MASKED | 0x31);
	vioapic_set_irq(&io, 1, true);
	set_rte(&io, 1, 0x31);
	assert_int_equal(f.n, 2);
	vioapic_set_irq(&io, 1, false);
	vioapic_set_irq(&io, 1, true);
	assert_int_equal(f.n, 3);
	assert_int_equal(io.delivered, 3);
}

static void test_level_remote_irr_and_reassert(void **state)
{
	struct vioapic io;
	struct fake f;

	setup(&io, &f);
	set_rte(&io, 10, RTE_LEVEL | RTE_POLARITY_LOW | 0x51);
	vioapic_set_irq(&io, 10, true);
	assert_int_equal(f.n, 1);
	assert_true(f.msg[0].level);
	assert_true(f.msg[0].assert);
	assert_true(get_rte(&io, 10) & RTE_REMOTE_IRR);
	/* Remote IRR holds it off however often the device asserts. */
	vioapic_set_irq(&io, 10, true);
	assert_int_equal(f.n, 1);
	/* Another vector's EOI does not touch it. */
	vioapic_eoi(&io, 0x52);
	assert_int_equal(f.n, 1);
	assert_true(get_rte(&io, 10) & RTE_REMOTE_IRR);
	/* EOI with the line still asserted: delivered again. */
	vioapic_eoi(&io, 0x51);
	assert_int_equal(f.n, 2);
	assert_true(get_rte(&io, 10) & RTE_REMOTE_IRR);
	/* The device lowers the line, then the EOI: quiet, IRR clear. */
	vioapic_set_irq(&io, 10, false);
	vioapic_eoi(&io, 0x51);
	assert_int_equal(f.n, 2);
	assert_int_equal(get_rte(&io, 10) & RTE_REMOTE_IRR, 0);
	/* Next assertion goes straight through. */
	vioapic_set_irq(&io, 10, true);
	assert_int_equal(f.n, 3);
}

static void test_eoi_register(void **state)
{
	struct vioapic io;
	struct fake f;

	setup(&io, &f);
	set_rte(&io, 3, RTE_LEVEL | 0x61);
	vioapic_set_irq(&io, 3, true);
	assert_int_equal(f.n, 1);
	vioapic_set_irq(&io, 3, false);
	assert_int_equal(vioapic_mmio_write(&io, VIOAPIC_EOI, 4, 0x60), 0);
	assert_true(get_rte(&io, 3) & RTE_REMOTE_IRR);
	assert_int_equal(vioapic_mmio_write(&io, VIOAPIC_EOI, 4, 0x61), 0);
	assert_int_equal(get_rte(&io, 3) & RTE_REMOTE_IRR, 0);
	assert_int_equal(f.n, 1);
}

static void test_eoi_shared_vector(void **state)
{
	struct vioapic io;
	struct fake f;

	setup(&io, &f);
	set_rte(&io, 16, RTE_LEVEL | 0x70);
	set_rte(&io, 17, RTE_LEVEL | 0x70);
	vioapic_set_irq(&io, 16, true);
	vioapic_set_irq(&io, 17, true);
	assert_int_equal(f.n, 2);
	vioapic_set_irq(&io, 16, false);
	vioapic_eoi(&io, 0x70);			/* both cleared, 17 again */
	assert_int_equal(f.n, 3);
	assert_int_equal(get_rte(&io, 16) & RTE_REMOTE_IRR, 0);
	assert_true(get_rte(&io, 17) & RTE_REMOTE_IRR);
}

static void test_unmask_asserted_level(void **state)
{
	struct vioapic io;
	struct fake f;

	setup(&io, &f);
	set_rte(&io, 5, RTE_MASKED | RTE_LEVEL | 0x45);
	vioapic_set_irq(&io, 5, true);
	assert_int_equal(f.n, 0);
	assert_int_equal(get_rte(&io, 5) & RTE_REMOTE_IRR, 0);
	/* Writing the high half does not unmask; the low half does. */
	wr(&io, 0x10 + 2 * 5 + 1, 0x01000000);
	assert_int_equal(f.n, 0);
	wr(&io, 0x10 + 2 * 5, RTE_LEVEL | 0x45);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.msg[0].vector, 0x45);
	assert_int_equal(f.msg[0].dest, 1);
	/* Masking again while in service, EOI, unmask: re-delivered. */
	wr(&io, 0x10 + 2 * 5, RTE_MASKED | RTE_LEVEL | 0x45);
	vioapic_eoi(&io, 0x45);
	assert_int_equal(f.n, 1);
	wr(&io, 0x10 + 2 * 5, RTE_LEVEL | 0x45);
	assert_int_equal(f.n, 2);
	/* Deasserted while masked: unmasking sends nothing. */
	vioapic_eoi(&io, 0x45);
	assert_int_equal(f.n, 3);		/* still asserted */
	wr(&io, 0x10 + 2 * 5, RTE_MASKED | RTE_LEVEL | 0x45);
	vioapic_eoi(&io, 0x45);
	vioapic_set_irq(&io, 5, false);
	wr(&io, 0x10 + 2 * 5, RTE_LEVEL | 0x45);
	assert_int_equal(f.n, 3);
}

static void test_edge_write_clears_remote_irr(void **state)
{
	struct vioapic io;
	struct fake f;

	setup(&io, &f);
	set_rte(&io, 7, RTE_LEVEL | 0x57);
	vioapic_set_irq(&io, 7, true);
	assert_true(get_rte(&io, 7) & RTE_REMOTE_IRR);
	/* Linux's EOI for IOAPICs without the EOI register. */
	wr(&io, 0x10 + 2 * 7, RTE_MASKED | 0x57);
	assert_int_equal(get_rte(&io, 7) & RTE_REMOTE_IRR, 0);
	assert_int_equal(f.n, 1);
	/* Back to level, unmasked, line still up: delivered. */
	wr(&io, 0x10 + 2 * 7, RTE_LEVEL | 0x57);
	assert_int_equal(f.n, 2);
}

static void test_physical_and_logical_messages(void **state)
{
	struct vioapic io;
	struct fake f;

	setup(&io, &f);
	set_rte(&io, 0, 3ULL << 56 | 0x41);			/* phys, fixed */
	set_rte(&io, 1, 0x0cULL << 56 | RTE_LOGICAL | RTE_LEVEL |
		(uint64_t)APIC_DM_LOWEST << 8 | 0x42);
	set_rte(&io, 2, 0xffULL << 56 | (uint64_t)APIC_DM_NMI << 8 | 0x02);
	set_rte(&io, 3, (uint64_t)APIC_DM_EXTINT << 8);
	for (unsigned int i = 0; i < 4; i++)
		vioapic_set_irq(&io, i, true);
	assert_int_equal(f.n, 4);

	assert_int_equal(f.msg[0].vector, 0x41);
	assert_int_equal(f.msg[0].mode, APIC_DM_FIXED);
	assert_int_equal(f.msg[0].shorthand, APIC_SH_NONE);
	assert_false(f.msg[0].logical);
	assert_false(f.msg[0].level);
	assert_true(f.msg[0].assert);
	assert_int_equal(f.msg[0].dest, 3);
	assert_false(f.msg[0].x2apic);		/* 8-bit destination */

	assert_int_equal(f.msg[1].vector, 0x42);
	assert_int_equal(f.msg[1].mode, APIC_DM_LOWEST);
	assert_true(f.msg[1].logical);
	assert_true(f.msg[1].level);
	assert_int_equal(f.msg[1].dest, 0x0c);

	assert_int_equal(f.msg[2].mode, APIC_DM_NMI);
	assert_false(f.msg[2].logical);
	assert_int_equal(f.msg[2].dest, 0xff);		/* broadcast */

	assert_int_equal(f.msg[3].mode, APIC_DM_EXTINT);
	assert_int_equal(f.msg[3].dest, 0);
}

static void test_eoi_from_deliver(void **state)
{
	struct vioapic io;
	struct fake f;

	setup(&io, &f);
	set_rte(&io, 12, RTE_LEVEL | 0x66);
	f.eoi_back = true;	/* EOI comes back inside the first delivery */
	vioapic_set_irq(&io, 12, true);
	/* The first delivery set remote IRR before calling out, so the
	 * nested EOI cleared it and re-delivered once. */
	assert_int_equal(f.n, 2);
	assert_true(get_rte(&io, 12) & RTE_REMOTE_IRR);
}

static void test_bad_pin_and_reset(void **state)
{
	struct vioapic io;
	struct fake f;

	setup(&io, &f);
	vioapic_set_irq(&io, VIOAPIC_PINS, true);
	vioapic_set_irq(&io, 1000, true);
	assert_int_equal(f.n, 0);
	set_rte(&io, 2, 0x33);
	vioapic_reset(&io);
	assert_int_equal(get_rte(&io, 2), RTE_MASKED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_state),
		cmocka_unit_test(test_asterinas_sequence),
		cmocka_unit_test(test_vectors_read_back_exactly),
		cmocka_unit_test(test_reserved_and_status_bits),
		cmocka_unit_test(test_mmio_access),
		cmocka_unit_test(test_edge),
		cmocka_unit_test(test_level_remote_irr_and_reassert),
		cmocka_unit_test(test_eoi_register),
		cmocka_unit_test(test_eoi_shared_vector),
		cmocka_unit_test(test_unmask_asserted_level),
		cmocka_unit_test(test_edge_write_clears_remote_irr),
		cmocka_unit_test(test_physical_and_logical_messages),
		cmocka_unit_test(test_eoi_from_deliver),
		cmocka_unit_test(test_bad_pin_and_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
