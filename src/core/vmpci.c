// SPDX-License-Identifier: GPL-2.0
/* The wiring of a VM's PCI bus (see vmpci.h). */
#include <errno.h>
#include <string.h>
#include "dev/pci_host.h"
#include "dev/reset.h"
#include "mm/frame.h"
#include "src/arch/printk.h"
#include "src/core/vm.h"
#include "src/core/vmirq.h"
#include "src/core/vmpci.h"

_Static_assert(VMPCI_WIN_GPA >= CFG_MEMORY_MAX,
	       "guest RAM may reach into the PCI window");

#define VMPCI_SLOT_CONSOLE	1
#define VMPCI_SLOT_BLK		2

/* The BAR window: whichever device decodes the address answers. */
static int win_read(void *d, uint64_t off, unsigned int size, uint64_t *val)
{
	struct vm *vm = d;

	return pci_window_read(&vm->pci, VMPCI_WIN_GPA + off, size, val);
}

static int win_write(void *d, uint64_t off, unsigned int size, uint64_t val)
{
	struct vm *vm = d;

	return pci_window_write(&vm->pci, VMPCI_WIN_GPA + off, size, val);
}

static const struct mmio_ops win_ops = {
	.name = "pci-window", .read = win_read, .write = win_write,
};

static void msi(void *ctx, const struct apic_msg *m)
{
	vmirq_msi(ctx, m);
}

/* INTx is a level on a vIOAPIC pin, as the DSDT's _PRT routes it. */
static void intx(void *ctx, unsigned int gsi, bool level)
{
	struct vm *vm = ctx;

	spin_lock(&vm->dev_lock);
	vioapic_set_irq(&vm->ioapic, gsi, level);
	spin_unlock(&vm->dev_lock);
}

/* How the device at @slot signals: MSI-X, or INTA on its _PRT GSI. */
static struct virtio_irq irq_of(struct vm *vm, unsigned int slot)
{
	return (struct virtio_irq){
		.send = msi, .intx = intx, .ctx = vm,
		.gsi = VMPCI_INTX_GSI + slot % 4,
	};
}

/* virtio-console lines join the UART's on the guest's console. */
static void console_emit(void *ctx, const char *line, unsigned int len)
{
	struct vm *vm = ctx;

	spin_lock(&vm->uart_lock);
	vm_console_emit(vm, line, len);
	spin_unlock(&vm->uart_lock);
}

static int add_console(struct vm *vm)
{
	struct virtio_irq irq = irq_of(vm, VMPCI_SLOT_CONSOLE);
	int r = virtio_console_init(&vm->vcon, &vm->ram_view, console_emit,
				    &irq);

	if (!r)
		r = pci_plug(&vm->pci, VMPCI_SLOT_CONSOLE, &vm->vcon.vp.pci);
	if (!r)
		pr_info("hvisor: guest '%s': virtio-console (virtio-pci) at 00:%02x.0, BAR %#lx\n",
			vm->name, VMPCI_SLOT_CONSOLE,
			pci_bar_addr(&vm->vcon.vp.pci, VIRTIO_PCI_BAR));
	return r;
}

/* A RAM disk from the hypervisor's frames, zeroed: it outlives the guest. */
static int add_blk(struct vm *vm)
{
	struct virtio_irq irq = irq_of(vm, VMPCI_SLOT_BLK);
	uint64_t size = vm->cfg->blk_size, pa;
	int r;

	pa = frame_alloc_aligned((size + 4095) >> 12, 4096);
	if (!pa) {
		pr_err("hvisor: guest '%s': no %lu KiB left for its virtio-blk RAM disk\n",
		       vm->name, size >> 10);
		return -ENOMEM;
	}
	memset((void *)pa, 0, size);
	r = virtio_blk_init(&vm->vblk, &vm->ram_view, (uint8_t *)pa, size, &irq);
	if (!r)
		r = pci_plug(&vm->pci, VMPCI_SLOT_BLK, &vm->vblk.vp.pci);
	if (!r)
		pr_info("hvisor: guest '%s': virtio-blk (virtio-pci) at 00:%02x.0, BAR %#lx, RAM disk of %lu KiB\n",
			vm->name, VMPCI_SLOT_BLK,
			pci_bar_addr(&vm->vblk.vp.pci, VIRTIO_PCI_BAR), size >> 10);
	return r;
}

void vmpci_flush(struct vm *vm)
{
	if (!(vm->cfg->virtio & CFG_VIRTIO_CONSOLE))
		return;
	spin_lock(&vm->uart_lock);
	linebuf_flush(&vm->vcon.out);
	spin_unlock(&vm->uart_lock);
}

void vmpci_summary(const struct vm *vm)
{
	const struct virtio_blk *b = &vm->vblk;

	if (vm->cfg->virtio & CFG_VIRTIO_CONSOLE)
		pr_info("hvisor:   %-12s virtio-console: %lu bytes out, %lu driver error(s)\n",
			vm->name, vm->vcon.tx_bytes, vm->vcon.vp.failures);
	if (vm->cfg->virtio & CFG_VIRTIO_BLK)
		pr_info("hvisor:   %-12s virtio-blk: %lu KiB, %lu read(s) %lu KiB, %lu write(s) %lu KiB, %lu flush(es), %lu I/O error(s), %lu driver error(s), fnv1a64 %#018lx\n",
			vm->name, b->size >> 10, b->reads, b->bytes_read >> 10,
			b->writes, b->bytes_written >> 10, b->flushes, b->errors,
			b->vp.failures, virtio_blk_checksum(b));
}

int vmpci_create(struct vm *vm)
{
	int r;

	spin_lock_init(&vm->pci_lock, LOCK_PCI);
	vm->ram_view.base = (uint8_t *)vm->ram_hpa;
	vm->ram_view.size = vm->ram_size;
	pci_bus_init(&vm->pci, VMPCI_WIN_GPA, VMPCI_WIN_SIZE);
	/* 0xCF9, the reset register, sits inside the config ports. */
	r = pci_host_init(&vm->pci_host, &vm->pci, &vreset_cf9_ops, &vm->reset);
	if (!r)
		r = vm_pio_register_locked(vm, &vm->pci_pio, &vm->pci_lock,
					   PCI_HOST_PORT, PCI_HOST_PORTS,
					   &pci_host_pio_ops, &vm->pci_host);
	if (!r)
		r = vm_mmio_register_locked(vm, &vm->pci_ecam, &vm->pci_lock,
					    VMPCI_ECAM_GPA,
					    (VMPCI_BUS_END + 1ull) * PCI_ECAM_BUS_SIZE,
					    &pci_host_ecam_ops, &vm->pci_host);
	if (!r)
		r = vm_mmio_register_locked(vm, &vm->pci_win, &vm->pci_lock,
					    VMPCI_WIN_GPA, VMPCI_WIN_SIZE,
					    &win_ops, vm);
	if (!r && (vm->cfg->virtio & CFG_VIRTIO_CONSOLE))
		r = add_console(vm);
	if (!r && (vm->cfg->virtio & CFG_VIRTIO_BLK))
		r = add_blk(vm);
	return r;
}
