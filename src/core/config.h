/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hvisor.ini, parsed with inih into a validated configuration. The same
 * code runs inside the hypervisor and in the host tool `hvctl check`.
 */
#ifndef HV_CONFIG_H
#define HV_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include "src/arch/printk.h"

#define CFG_MAX_GUESTS	8
#define CFG_MAX_CPUS	64
#define CFG_MAX_VCPUS	8	/* per guest */
#define CFG_NAME_MAX	32
#define CFG_PATH_MAX	64
#define CFG_CMDLINE_MAX	512
#define CFG_MAX_MODULES	4	/* per guest, after the initrd */
/* A guest's RAM is one block from 0 that ends below its PCI window
 * (src/core/vmpci.h). */
#define CFG_MEMORY_MAX	(3ull << 30)

enum cfg_console {
	CFG_CONSOLE_SERIAL,	/* 16550 on COM1 */
	CFG_CONSOLE_E9,		/* Bochs/QEMU debug port 0xE9 */
};

enum cfg_sched {
	CFG_SCHED_FAIR,
	CFG_SCHED_RR,
	CFG_SCHED_PARTITION,
};

enum cfg_guest_kind {
	CFG_GUEST_LINUX,
	CFG_GUEST_MULTIBOOT2,
};

/* How interrupts reach vCPUs; auto picks the best the CPU has. */
enum cfg_delivery {
	CFG_DELIVERY_AUTO,
	CFG_DELIVERY_POSTED,	/* hardware posted interrupts */
	CFG_DELIVERY_VID,	/* virtual-interrupt delivery */
	CFG_DELIVERY_INJECT,	/* event injection */
};

enum cfg_guard {
	CFG_GUARD_AUTO,		/* probe the CPU at boot (vmx/probe.c) */
	CFG_GUARD_ON,
	CFG_GUARD_OFF,
};

struct hyp_config {
	enum cfg_console console;
	enum log_level log_level;
	enum cfg_sched scheduler;
	uint32_t slice_us;
	uint32_t latency_us;
	uint32_t boost_us;		/* fair: an early run for an interrupt */
	enum cfg_delivery delivery;
	enum cfg_guard vid_guard;	/* vmx/intr.c: the Bochs IF=0 quirk */
	uint32_t trace_records;		/* per pCPU, 0: no rings (sched/trace.h) */
	bool trace_boot;		/* record from boot, print at the end */
	bool guard_watch;		/* end interrupt guards when the guest is done */
	bool irq_steal;			/* a waiting interrupt may move pCPU */
};

#define CFG_NET_NAME_MAX	16

enum cfg_on_crash {
	CFG_ON_CRASH_STOP,	/* the guest stays stopped (the default) */
	CFG_ON_CRASH_RESTART,	/* rebuilt from its images, others run on */
};

struct guest_config {
	char name[CFG_NAME_MAX];
	int line;			/* line of the [guest NAME] header */
	enum cfg_guest_kind kind;
	char kernel[CFG_PATH_MAX];	/* image name as the INI spells it */
	char initrd[CFG_PATH_MAX];	/* "" when none */
	/* Multiboot2 modules after the initrd (the first module), in order. */
	char modules[CFG_MAX_MODULES][CFG_PATH_MAX];
	uint32_t n_modules;
	char cmdline[CFG_CMDLINE_MAX];
	uint64_t memory;		/* bytes */
	uint32_t vcpus;
	uint64_t cpus;			/* bitmask of allowed pCPUs */
	uint32_t weight;
	bool root;
	uint32_t watchdog_s;		/* silent this long (guest time): stop; 0 off */
	uint32_t pv;			/* CFG_PV_* the guest is offered */
	uint32_t virtio;		/* CFG_VIRTIO_* devices on its PCI bus */
	uint64_t blk_size;		/* virtio-blk RAM disk bytes (blk:ram:SIZE) */
	char blk_image[CFG_PATH_MAX];	/* or its disk image (blk:IMAGE), "" */
	bool virtio_mmio;		/* virtio_transport = mmio (else pci) */
	char net_switch[CFG_NET_NAME_MAX];	/* virtio-net's switch (net:NAME) */
	uint8_t mac[6];			/* mac = ..., or derived from the name */
	bool mac_set;
	enum cfg_on_crash on_crash;	/* what a crash, reset or power-off does */
};

/* In-hypervisor virtio devices, "virtio = console" in hvisor.ini. */
#define CFG_VIRTIO_CONSOLE	(1u << 0)
#define CFG_VIRTIO_BLK		(1u << 1)
#define CFG_VIRTIO_NET		(1u << 2)
#define CFG_BLK_MAX		(256ull << 20)

/* KVM paravirtual features (src/core/pv.h), "pv = steal" in hvisor.ini. */
#define CFG_PV_STEAL	(1u << 0)
#define CFG_PV_TLB	(1u << 1)	/* needs steal */
#define CFG_PV_YIELD	(1u << 2)
#define CFG_PV_KICK	(1u << 3)	/* PV unhalt: paravirtual spinlocks */
#define CFG_PV_IPI	(1u << 4)
#define CFG_PV_ALL	(CFG_PV_STEAL | CFG_PV_TLB | CFG_PV_YIELD | \
			 CFG_PV_KICK | CFG_PV_IPI)	/* the default */

struct hv_config {
	struct hyp_config hyp;
	uint32_t n_guests;
	struct guest_config guests[CFG_MAX_GUESTS];
};

/*
 * What the validator needs to know about the machine it will run on.
 * A zero n_cpus or free_mem skips that check; a NULL image_size skips the
 * image check.
 */
struct cfg_machine {
	uint32_t n_cpus;
	uint64_t free_mem;
	/* Return 0 and the size if image @name exists, negative otherwise. */
	int (*image_size)(void *ctx, const char *name, uint64_t *size);
	/* Called once per error with one line of text, no newline. */
	void (*report)(void *ctx, const char *msg);
	void *ctx;
};

/*
 * Parse and validate @text (the contents of @file). Every problem is
 * reported through m->report as "FILE:LINE: [SECTION] KEY: why". Returns 0
 * when the configuration is valid, or -EINVAL after reporting all errors.
 */
int config_parse(const char *file, const char *text,
		 const struct cfg_machine *m, struct hv_config *cfg);

/*
 * Parse a size such as "4096", "64M" or "1G" (K, M, G are powers of 1024)
 * into bytes. Returns 0, -EINVAL for bad syntax or -ERANGE on overflow.
 */
int cfg_parse_size(const char *s, uint64_t *bytes);

/*
 * A cpus list such as "0", "0-1" or "0,2-3" into a mask: 0, -EINVAL for
 * bad syntax, -EDOM for a number not in plain decimal ("01", "0x3"), or
 * -ERANGE with *@bad set to a CPU number past CFG_MAX_CPUS.
 */
int cfg_parse_cpus(const char *s, uint64_t *mask, uint64_t *bad);

/*
 * Place every vCPU as scheduler = partition does: guests in file order,
 * each vCPU on the lowest free pCPU of its cpus list. Fills @pin (may be
 * NULL) with pCPU numbers; returns the index of the first guest that does
 * not fit, with its vCPU in *@fail_vcpu, or n_guests when all fit.
 */
uint32_t cfg_partition_place(const struct hv_config *cfg, uint32_t n_cpus,
			     int8_t pin[CFG_MAX_GUESTS][CFG_MAX_CPUS],
			     uint32_t *fail_vcpu);

const char *cfg_kind_name(enum cfg_guest_kind kind);
const char *cfg_sched_name(enum cfg_sched s);

#endif
