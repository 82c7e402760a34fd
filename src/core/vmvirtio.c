// SPDX-License-Identifier: GPL-2.0
/* A VM's virtio devices on their transport (see vmvirtio.h). */
#include <errno.h>
#include <string.h>
#include "mm/frame.h"
#include "src/boot/boot_info.h"
#include "src/arch/printk.h"
#include "src/core/vm.h"
#include "src/core/vmirq.h"
#include "src/core/vmnet.h"
#include "src/core/vmpci.h"
#include "src/core/vmvirtio.h"
#include "src/core/ctl.h"

unsigned int vmvirtio_count(const struct guest_config *g)
{
	return !!(g->virtio & CFG_VIRTIO_CONSOLE) + !!(g->virtio & CFG_VIRTIO_BLK) +
	       !!(g->virtio & CFG_VIRTIO_NET);
}

static void msi(void *ctx, const struct apic_msg *m)
{
	vmirq_msi(ctx, m);
}

/* INTx, and a virtio-mmio slot's line, are levels on vIOAPIC pins. */
static void line(void *ctx, unsigned int gsi, bool level)
{
	vmirq_gsi(ctx, gsi, level);
}

/* virtio-console lines join the UART's on the guest's console. */
static void console_emit(void *ctx, const char *text, unsigned int len)
{
	struct vm *vm = ctx;

	spin_lock(&vm->uart_lock);
	vm_console_emit(vm, text, len);
	spin_unlock(&vm->uart_lock);
}

/* The virtio-mmio slots: the devices, then empty slots reading 0. */
static int slots_read(void *d, uint64_t off, unsigned int size, uint64_t *val)
{
	struct vm *vm = d;
	unsigned int i = (unsigned int)(off / VIRTIO_MMIO_SIZE);

	if (i >= vm->n_vmmio) {
		*val = 0;
		return 0;
	}
	return virtio_mmio_ops.read(&vm->vmmio[i], off % VIRTIO_MMIO_SIZE,
				    size, val);
}

static int slots_write(void *d, uint64_t off, unsigned int size, uint64_t val)
{
	struct vm *vm = d;
	unsigned int i = (unsigned int)(off / VIRTIO_MMIO_SIZE);

	if (i >= vm->n_vmmio)
		return 0;
	return virtio_mmio_ops.write(&vm->vmmio[i], off % VIRTIO_MMIO_SIZE,
				     size, val);
}

static const struct mmio_ops slots_ops = {
	.name = "virtio-mmio", .read = slots_read, .write = slots_write,
};

/*
 * A driver broke the virtqueue rules: a line, rate limited (a guest
 * resetting and breaking in a loop must not flood the console); the
 * summary counts them all.
 */
static void broken(void *owner, struct virtio_dev *vd)
{
	struct vm *vm = owner;

	vm_log(vm, VM_LOG_VIRTIO,
	       "%s: the driver broke the virtqueue rules; NEEDS_RESET until it resets the device",
	       vd->ops->name);
}

/* @vd on the guest's transport; @slot is its PCI device number. */
static int attach(struct vm *vm, struct virtio_dev *vd, struct virtio_pci *vp,
		  unsigned int slot)
{
	struct virtio_irq irq = {
		.send = msi, .intx = line, .ctx = vm,
		.gsi = VMPCI_INTX_GSI + slot % 4,
	};
	const char *name = vd->ops->name;
	unsigned int i = vm->n_vmmio;
	int r;

	vd->broken = broken;
	vd->owner = vm;
	if (vm->cfg->virtio_mmio) {
		virtio_mmio_init(&vm->vmmio[i], vd, line, VMVIRTIO_MMIO_GSI + i, vm);
		vm->n_vmmio++;
		pr_info("hvisor: guest '%s': %s (virtio-mmio) at %#lx, GSI %u\n",
			vm->name, name,
			(unsigned long)(VMVIRTIO_MMIO_GPA + VIRTIO_MMIO_SIZE * i),
			VMVIRTIO_MMIO_GSI + i);
		return 0;
	}
	r = virtio_pci_init(vp, vd, &irq);
	if (!r)
		r = pci_plug(&vm->pci, slot, &vp->pci);
	if (!r)
		pr_info("hvisor: guest '%s': %s (virtio-pci) at 00:%02x.0, BAR %#lx\n",
			vm->name, name, slot, pci_bar_addr(&vp->pci, VIRTIO_PCI_BAR));
	return r;
}

/*
 * The disk, found once: a boot module used in place (blk:IMAGE: what the
 * guest writes stays in it), or a RAM disk from the hypervisor's frames,
 * zeroed. Either outlives the guest: a restart finds it in vm->blk_disk
 * and gives the new guest what the old one wrote.
 */
static int find_disk(struct vm *vm)
{
	const struct boot_module *m = vm->blk_image;
	uint64_t size = m ? m->size : vm->cfg->blk_size, pa;

	if (m) {
		if (!size || size % VBLK_SECTOR) {
			pr_err("hvisor: guest '%s': disk image '%s' is %lu bytes, not whole 512-byte sectors\n",
			       vm->name, m->name, size);
			return -EINVAL;
		}
		pa = m->base;
		pr_info("hvisor: guest '%s': virtio-blk disk image '%s', %lu KiB\n",
			vm->name, m->name, size >> 10);
	} else {
		pa = frame_alloc_aligned((size + 4095) >> 12, 4096);
		if (!pa) {
			pr_err("hvisor: guest '%s': no %lu KiB left for its virtio-blk RAM disk\n",
			       vm->name, size >> 10);
			return -ENOMEM;
		}
		memset((void *)pa, 0, size);
		pr_info("hvisor: guest '%s': virtio-blk RAM disk of %lu KiB\n",
			vm->name, size >> 10);
	}
	vm->blk_disk = (uint8_t *)pa;
	vm->blk_disk_size = size;
	return 0;
}

static int add_blk(struct vm *vm)
{
	int r = vm->blk_disk ? 0 : find_disk(vm);

	if (!r)
		r = virtio_blk_init(&vm->vblk, &vm->ram_view, vm->blk_disk,
				    vm->blk_disk_size);
	if (!r)
		r = attach(vm, &vm->vblk.vd, &vm->vblk_pci, VMVIRTIO_SLOT_BLK);
	return r;
}

int vmvirtio_create(struct vm *vm)
{
	int r = 0;

	_Static_assert(sizeof(vm->vmmio) / sizeof(vm->vmmio[0]) <=
		       VMVIRTIO_MMIO_SLOTS, "more virtio-mmio devices than slots");
	vm->ram_view.base = (uint8_t *)vm->ram_hpa;
	vm->ram_view.size = vm->ram_size;
	vm->n_vmmio = 0;
	if (vm->cfg->virtio & CFG_VIRTIO_CONSOLE) {
		r = virtio_console_init(&vm->vcon, &vm->ram_view, console_emit,
					vm, ctl_port(vm));
		if (!r)
			r = attach(vm, &vm->vcon.vd, &vm->vcon_pci,
				   VMVIRTIO_SLOT_CONSOLE);
	}
	if (!r && (vm->cfg->virtio & CFG_VIRTIO_BLK))
		r = add_blk(vm);
	if (!r && (vm->cfg->virtio & CFG_VIRTIO_NET)) {
		r = vmnet_create(vm);
		if (!r)
			r = attach(vm, &vm->vnet.vd, &vm->vnet_pci,
				   VMVIRTIO_SLOT_NET);
	}
	if (!r && vm->cfg->virtio_mmio)
		r = vm_mmio_register_locked(vm, &vm->vmmio_win, &vm->pci_lock,
					    VMVIRTIO_MMIO_GPA,
					    VMVIRTIO_MMIO_SLOTS * VIRTIO_MMIO_SIZE,
					    &slots_ops, vm);
	return r;
}

void vmvirtio_flush(struct vm *vm)
{
	if (!(vm->cfg->virtio & CFG_VIRTIO_CONSOLE))
		return;
	spin_lock(&vm->uart_lock);
	linebuf_flush(&vm->vcon.out);
	spin_unlock(&vm->uart_lock);
}

void vmvirtio_summary(const struct vm *vm)
{
	const struct virtio_blk *b = &vm->vblk;

	if (vm->cfg->virtio & CFG_VIRTIO_CONSOLE)
		pr_info("hvisor:   %-12s virtio-console: %lu bytes out, %lu driver error(s)\n",
			vm->name, vm->vcon.tx_bytes, vm->vcon.vd.failures);
	if (vm->cfg->virtio & CFG_VIRTIO_BLK)
		pr_info("hvisor:   %-12s virtio-blk: %lu KiB, %lu read(s) %lu KiB, %lu write(s) %lu KiB, %lu flush(es), %lu I/O error(s), %lu driver error(s), fnv1a64 %#018lx\n",
			vm->name, b->size >> 10, b->reads, b->bytes_read >> 10,
			b->writes, b->bytes_written >> 10, b->flushes, b->errors,
			b->vd.failures, virtio_blk_checksum(b));
	if (vm->cfg->virtio & CFG_VIRTIO_NET)
		vmnet_summary(vm);
}
