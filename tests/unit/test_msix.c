// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for MSI-X (dev/msix.c): the capability, the table and PBA
 * as a driver programs them, masking and pending delivery, and the MSI
 * address/data decoding.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "dev/msix.h"
#include "dev/pci.h"

static struct pci_bus bus;
static struct pci_dev dev;
static struct msix x;
static struct apic_msg sent[8];
static int n_sent;

static void f_send(void *ctx, const struct apic_msg *m)
{
	assert_ptr_equal(ctx, &x);
	assert_true(n_sent < 8);
	sent[n_sent++] = *m;
}

static void f_cap_write(struct pci_dev *d, uint32_t off, unsigned int size)
{
	msix_cap_written(&x);
}

static const struct pci_dev_ops ops = { .cap_write = f_cap_write };

static void setup(unsigned int n)
{
	pci_bus_init(&bus, 0xc0000000, 0x100000);
	pci_dev_init(&dev, 0x1af4, 0x1043, 0x078000, 1, &ops, NULL);
	assert_int_equal(pci_add_bar(&dev, 4, 0x8000, true), 0);
	assert_int_equal(msix_init(&x, &dev, n, 4, 0x4000, 0x4800, f_send, &x), 0);
	assert_int_equal(pci_plug(&bus, 3, &dev), 0);
	n_sent = 0;
}

static void ctrl(uint16_t v)
{
	pci_cfg_write(&bus, 3, 0, x.cap + 2, 2, v);
}

static void entry(unsigned int vec, uint32_t addr, uint32_t data, bool mask)
{
	uint64_t o = vec * MSIX_ENTRY_SIZE;

	assert_int_equal(msix_table_write(&x, o, 8, addr), 0);
	assert_int_equal(msix_table_write(&x, o + 8, 4, data), 0);
	assert_int_equal(msix_table_write(&x, o + 12, 4, mask), 0);
}

static void test_cap(void **state)
{
	uint32_t cap;

	setup(3);
	cap = pci_cfg_read(&bus, 3, 0, PCI_CAP_PTR, 1);
	assert_int_equal(cap, x.cap);
	assert_int_equal(pci_cfg_read(&bus, 3, 0, cap, 1), PCI_CAP_ID_MSIX);
	assert_int_equal(pci_cfg_read(&bus, 3, 0, cap + 2, 2), 2);	/* n - 1 */
	assert_int_equal(pci_cfg_read(&bus, 3, 0, cap + 4, 4), 0x4000 | 4);
	assert_int_equal(pci_cfg_read(&bus, 3, 0, cap + 8, 4), 0x4800 | 4);
	/* Only enable and function mask are writable. */
	ctrl(0xffff);
	assert_int_equal(pci_cfg_read(&bus, 3, 0, cap + 2, 2), 0xc002);
	assert_true(msix_enabled(&x));
	ctrl(0);
	assert_false(msix_enabled(&x));
	/* Bad arguments. */
	assert_int_equal(msix_init(&x, &dev, 0, 4, 0, 0x800, f_send, &x), -EINVAL);
	assert_int_equal(msix_init(&x, &dev, 33, 4, 0, 0x800, f_send, &x), -EINVAL);
	assert_int_equal(msix_init(&x, &dev, 2, 4, 4, 0x800, f_send, &x), -EINVAL);
}

static void test_table(void **state)
{
	uint64_t v;

	setup(2);
	/* Reset state: every vector masked, nothing pending. */
	assert_int_equal(msix_table_read(&x, 12, 4, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(msix_table_read(&x, 16 + 12, 4, &v), 0);
	assert_int_equal(v, 1);
	entry(1, 0xfee01000, 0x4041, true);
	assert_int_equal(msix_table_read(&x, 16, 8, &v), 0);
	assert_int_equal(v, 0xfee01000);
	assert_int_equal(msix_table_read(&x, 16 + 8, 8, &v), 0);
	assert_int_equal(v, 0x100004041ull);
	/* Reserved control bits read 0; the low address bits are 0. */
	assert_int_equal(msix_table_write(&x, 12, 4, 0xfffffffe), 0);
	assert_int_equal(msix_table_read(&x, 12, 4, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(msix_table_write(&x, 0, 4, 0xfee00003), 0);
	assert_int_equal(msix_table_read(&x, 0, 4, &v), 0);
	assert_int_equal(v, 0xfee00000);
	/* Past the table, misaligned, odd sizes. */
	assert_int_equal(msix_table_read(&x, 32, 4, &v), -EINVAL);
	assert_int_equal(msix_table_write(&x, 2, 4, 0), -EINVAL);
	assert_int_equal(msix_table_read(&x, 4, 8, &v), -EINVAL);
	assert_int_equal(msix_table_read(&x, 0, 2, &v), -EINVAL);
	assert_int_equal(msix_pba_read(&x, 8, 4, &v), -EINVAL);
}

static void test_delivery(void **state)
{
	uint64_t v;

	setup(2);
	entry(0, 0xfee02000, 0x0031, false);	/* APIC 2, vector 0x31 */
	entry(1, 0xfee0300c, 0x0132, false);	/* logical 3, lowest, 0x32 */
	/* Disabled: the device must use INTx. */
	assert_false(msix_notify(&x, 0));
	assert_int_equal(n_sent, 0);
	ctrl(MSIX_CTRL_ENABLE);
	assert_true(msix_notify(&x, 0));
	assert_int_equal(n_sent, 1);
	assert_int_equal(sent[0].vector, 0x31);
	assert_int_equal(sent[0].dest, 2);
	assert_int_equal(sent[0].mode, APIC_DM_FIXED);
	assert_false(sent[0].logical);
	assert_true(sent[0].assert);
	assert_true(msix_notify(&x, 1));
	assert_int_equal(sent[1].vector, 0x32);
	assert_int_equal(sent[1].dest, 3);
	assert_true(sent[1].logical);
	assert_int_equal(sent[1].mode, APIC_DM_LOWEST);
	assert_false(msix_notify(&x, 2));	/* no such vector */

	/* Vector masked: pending, sent on unmask. */
	assert_int_equal(msix_table_write(&x, 12, 4, 1), 0);
	assert_true(msix_notify(&x, 0));
	assert_int_equal(n_sent, 2);
	assert_int_equal(msix_pba_read(&x, 0, 4, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(msix_table_write(&x, 12, 4, 0), 0);
	assert_int_equal(n_sent, 3);
	assert_int_equal(sent[2].vector, 0x31);
	assert_int_equal(msix_pba_read(&x, 0, 8, &v), 0);
	assert_int_equal(v, 0);

	/* Function masked: both pend; unmasking the function sends both. */
	ctrl(MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL);
	assert_true(msix_notify(&x, 0));
	assert_true(msix_notify(&x, 1));
	assert_true(msix_notify(&x, 1));	/* coalesces */
	assert_int_equal(n_sent, 3);
	ctrl(MSIX_CTRL_ENABLE);
	assert_int_equal(n_sent, 5);

	/* A vector the driver never programmed goes nowhere, counted. */
	entry(1, 0, 0, false);
	assert_true(msix_notify(&x, 1));
	assert_int_equal(n_sent, 5);
	assert_int_equal(x.dropped, 1);
}

static void test_msi_decode(void **state)
{
	struct apic_msg m;

	assert_true(msi_decode(0xfee0f000, 0x80ff, &m));	/* level */
	assert_int_equal(m.dest, 0x0f);
	assert_int_equal(m.vector, 0xff);
	assert_true(m.level);
	assert_true(msi_decode(0xfeeff000, 0x0400, &m));	/* NMI */
	assert_int_equal(m.dest, 0xff);
	assert_int_equal(m.mode, APIC_DM_NMI);
	assert_false(msi_decode(0xfed00000, 0x30, &m));
	assert_false(msi_decode(0x1fee00000ull, 0x30, &m));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_delivery),
		cmocka_unit_test(test_msi_decode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
