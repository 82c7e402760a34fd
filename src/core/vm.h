/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VM: one guest's memory, EPT, devices and vCPUs, and how it ended.
 * guests/ builds them from the configuration; vmx/ runs their vCPUs.
 */
#ifndef HV_VM_H
#define HV_VM_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/mmio.h"
#include "dev/pci.h"
#include "dev/pci_host.h"
#include "dev/virtio_blk.h"
#include "dev/virtio_console.h"
#include "dev/virtio_mmio.h"
#include "dev/virtio_net.h"
#include "dev/virtio_pci.h"
#include "dev/vioapic.h"
#include "dev/vlapic.h"
#include "dev/vpic.h"
#include "dev/vpit.h"
#include "dev/vrtc.h"
#include "dev/pio.h"
#include "dev/pm.h"
#include "dev/hvport.h"
#include "dev/reset.h"
#include "dev/uart.h"
#include "mm/ept.h"
#include "src/core/config.h"
#include "src/core/ratelimit.h"
#include "src/core/crashloop.h"
#include "src/arch/power.h"
#include "src/core/hypercall.h"
#include "src/core/vcpu.h"

struct vm_vendor;

#define VM_MAX_VCPUS	CFG_MAX_VCPUS
#define VM_TAIL_LINES	8
/* Where a guest's xAPIC registers sit: the vLAPIC's reset base. */
#define VM_APIC_GPA	APIC_BASE_DEFAULT

/* A port device whose accesses take a lock (its VM's dev_lock or its own). */
struct locked_pio {
	spinlock_t *lock;
	const struct pio_ops *ops;
	void *dev;
};

/* The same for an MMIO device. */
struct locked_mmio {
	spinlock_t *lock;
	const struct mmio_ops *ops;
	void *dev;
};

enum vm_state {
	VM_RUNNING,
	VM_STOPPED,
	VM_RESTARTING,	/* stopped, and being rebuilt (guests/restart.c) */
};

struct boot_module;

/* More than CRASHLOOP_MAX restarts in this long (TSC time): a crash loop. */
#define VM_RESTART_WINDOW_S	60

/*
 * What a guest can make hvisor say again and again, each kind limited
 * on its own: VM_LOG_BURST lines per VM_LOG_WINDOW_S, then a count.
 */
enum vm_log_kind {
	VM_LOG_MSR,		/* an unknown MSR */
	VM_LOG_VIRTIO,		/* a driver broke the virtqueue rules */
	VM_LOG_VCPU,		/* a SIPI that cannot be placed */
	VM_LOG_KINDS
};
#define VM_LOG_BURST		10
#define VM_LOG_WINDOW_S		5

struct vm {
	/* ---- kept for the VM's life, across restarts ---- */
	uint32_t id;
	const struct guest_config *cfg;
	const char *name;
	uint64_t ram_hpa;
	uint64_t ram_size;
	struct ept ept;
	struct vm_vendor *vendor;	/* vmx/: MSR bitmaps, APIC-access page */
	struct vlapic *lapics[VM_MAX_VCPUS];	/* their pages, reused */
	const struct boot_module *blk_image;	/* blk:IMAGE's module */
	uint8_t *blk_disk;		/* the disk the guest sees: it outlives it */
	uint64_t blk_disk_size;
	bool net_attached;		/* has its port on net_sw */
	uint32_t weight;		/* its vCPUs' (config, or hvctl set) */
	uint64_t affinity;		/* its vCPUs' pCPUs (likewise) */
	uint32_t net_sw, net_port;	/* its switch and port (vmnet.c) */
	struct vcpu vcpus[VM_MAX_VCPUS];	/* rebuilt by vcpu_create() */
	int state;		/* enum vm_state, changed atomically */
	char reason[192];
	/* The last lines of its console, for the summary of a failed guest. */
	char tail[VM_TAIL_LINES][VUART_LINE_MAX + 1];
	unsigned int tail_next;
	struct crashloop restarts;	/* on_crash = restart's budget */
	struct ratelimit log_rl[VM_LOG_KINDS];	/* vm_log()'s, per kind */
	uint32_t n_restarts;		/* every restart, asked for or not */
	struct sw_timer restart_timer;	/* the rebuild's steps (restart.c) */
	int restart_phase;
	uint64_t restart_epochs[CFG_MAX_CPUS];

	/* ---- rebuilt from zero at every (re)start: devices and life ---- */
	char rebuilt_begin[0];
	struct pio_bus pio;
	struct mmio_bus mmio;
	/* The VM-wide interrupt platform (src/core/vmirq.c), under dev_lock. */
	spinlock_t dev_lock;
	struct vioapic ioapic;
	struct vpic pic;
	struct vpit pit;
	struct vrtc rtc;
	struct sw_timer pit_timer;
	struct vpm pm;
	struct vreset reset;
	struct locked_pio locked[10];
	/*
	 * PCI bus 0, its host bridge and the virtio devices on it or on
	 * virtio-mmio (src/core/vmpci.c, vmvirtio.c), under pci_lock: config
	 * space, the BAR window, the virtio-mmio slots.
	 */
	spinlock_t pci_lock;
	struct pci_bus pci;
	struct pci_host pci_host;
	struct locked_pio pci_pio;
	struct locked_mmio pci_ecam, pci_win;
	struct virtq_mem ram_view;	/* RAM as virtqueues see it */
	struct virtio_console vcon;	/* virtio = console */
	struct virtio_blk vblk;		/* virtio = blk:ram:SIZE or blk:IMAGE */
	struct virtio_net vnet;		/* virtio = net:SWITCH */
	/* their transports (src/core/vmvirtio.c) */
	struct virtio_pci vcon_pci, vblk_pci, vnet_pci;
	struct virtio_mmio vmmio[3];
	unsigned int n_vmmio;
	struct locked_mmio vmmio_win;
	/* COM1, under its own lock: its IRQ line takes dev_lock inside it. */
	spinlock_t uart_lock;
	struct locked_pio uart_pio;
	struct vuart uart;
	struct hvport texit;		/* port 0xF4 */
	struct hvport smark;		/* port 0xF5 */
	uint32_t n_vcpus;
	uint32_t n_parked;		/* vCPUs halted with interrupts off */
	struct vcpu_boot boot;		/* how vCPU 0 starts */
	int exit_code;		/* 0 pass, 1..63 guest's, 64 crashed */
	bool was_reset;		/* stopped by its own reset request */
	bool verdict;		/* ended through port 0xF4 or hvctl stop: final */
	bool halted;		/* stopped by hvctl stop */
	uint64_t last_output_tsc;	/* its console's last line (watchdog) */
	bool watchdog_fired;
	char rebuilt_end[0];
};

extern struct vm vms[CFG_MAX_GUESTS];
extern uint32_t nr_vms;

/* Count @vm as running; done once it is fully built. */
void vm_mark_running(struct vm *vm);
/* Register @dev at @port..@port+@len-1 so that every access holds @lock. */
int vm_pio_register_locked(struct vm *vm, struct locked_pio *l,
			   spinlock_t *lock, uint16_t port, uint16_t len,
			   const struct pio_ops *ops, void *dev);
/* Register @dev at [@gpa, @gpa + @len) so that every access holds @lock. */
int vm_mmio_register_locked(struct vm *vm, struct locked_mmio *l,
			    spinlock_t *lock, uint64_t gpa, uint64_t len,
			    const struct mmio_ops *ops, void *dev);
/* vCPUs of @vm that have been started (vCPU 0, and APs after SIPI). */
uint32_t vm_started_vcpus(const struct vm *vm);
/*
 * One line of @ctx's (a struct vm) console output: kept among its last
 * lines and printed with its name. Call under uart_lock.
 */
void vm_console_emit(void *ctx, const char *line, unsigned int len);
/* Keep @line as one of the last console lines of @vm (under uart_lock). */
void vm_console_line(struct vm *vm, const char *line, unsigned int len);
/* A byte of console input for @vm's COM1; false when it was dropped. */
bool vm_uart_input(struct vm *vm, uint8_t c);
/*
 * End the VM with @code; the first call wins, later ones are ignored.
 * With on_crash = restart (and not a port-0xF4 verdict, not a crash loop)
 * it is rebuilt instead: guests/restart.c.
 */
void vm_stop(struct vm *vm, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool vm_stopped(const struct vm *vm);
/*
 * hvctl: rebuild @vm from its images now, whether it runs or has
 * stopped (and whatever its on_crash). 0, or -EBUSY while it already is
 * being rebuilt. Takes no lock but the timer list's.
 */
int vm_restart(struct vm *vm, const char *why);
/* hvctl: stop @vm for good (code 0, "STOPPED" in the summary). */
void vm_halt(struct vm *vm, const char *why);
/* @vm's exits of each reason, all its vCPUs together (summary, hvctl top). */
void vm_exits_by_reason(const struct vm *vm, uint64_t n[VCPU_EXIT_CODES]);
/*
 * A warning @vm's behaviour caused, rate limited per guest and @kind;
 * what was suppressed is said with the next one and in the summary.
 */
void vm_log(struct vm *vm, enum vm_log_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The state's name: running, stopped, restarting. */
const char *vm_state_name(const struct vm *vm);
/*
 * @vm will not run again: count it out of the running guests (the last
 * one out ends the run loops). vm_stop() does it unless it restarts.
 */
void vm_not_running(struct vm *vm);
/* Host pointer for [gpa, gpa + len) of guest RAM, or NULL. */
void *vm_gpa_to_hva(const struct vm *vm, uint64_t gpa, uint64_t len);
/* Number of VMs still running. */
int vms_running(void);
/*
 * Print one line per VM and the scheduler table, then with @with_trace
 * the event rings (trace_boot); return the worst code.
 */
int vms_summary(bool with_trace);
/* The scheduler table; @machine adds the sched-stat/sched-path lines. */
void vms_print_sched(bool machine);
void vm_print_mark(struct vm *vm, uint32_t tag);
/* TSC when the guests were started. */
extern uint64_t vms_start_tsc;

/* VMCALL: returns RAX; may also set *rbx. */
uint64_t hypercall(struct vcpu *v, uint64_t nr, uint64_t *rbx);

#endif
