// SPDX-License-Identifier: GPL-2.0
/* The wiring of a VM's PCI bus (see vmpci.h). */
#include "dev/pci_host.h"
#include "dev/reset.h"
#include "src/arch/printk.h"
#include "src/core/vm.h"
#include "src/core/vmirq.h"
#include "src/core/vmpci.h"

_Static_assert(VMPCI_WIN_GPA >= CFG_MEMORY_MAX,
	       "guest RAM may reach into the PCI window");

#define VMPCI_SLOT_CONSOLE	1

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
	int r = virtio_console_init(&vm->vcon, &vm->ram_view, console_emit,
				    msi, vm);

	if (!r)
		r = pci_plug(&vm->pci, VMPCI_SLOT_CONSOLE, &vm->vcon.vp.pci);
	if (!r)
		pr_info("hvisor: guest '%s': virtio-console (virtio-pci) at 00:%02x.0, BAR %#lx\n",
			vm->name, VMPCI_SLOT_CONSOLE,
			pci_bar_addr(&vm->vcon.vp.pci, VIRTIO_PCI_BAR));
	return r;
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
	return r;
}
