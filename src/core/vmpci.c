// SPDX-License-Identifier: GPL-2.0
/* The wiring of a VM's PCI bus (see vmpci.h). */
#include "dev/pci_host.h"
#include "dev/reset.h"
#include "src/core/vm.h"
#include "src/core/vmpci.h"

_Static_assert(VMPCI_WIN_GPA >= CFG_MEMORY_MAX,
	       "guest RAM may reach into the PCI window");

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

int vmpci_create(struct vm *vm)
{
	int r;

	spin_lock_init(&vm->pci_lock, LOCK_PCI);
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
	return r;
}
