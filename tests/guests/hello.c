// SPDX-License-Identifier: GPL-2.0
/*
 * hello: the basic test guest. It checks what hvisor promises every
 * Multiboot2 guest (entry magic, an MBI with a command line and a memory
 * map, CPUID without VMX and with the hypervisor bit, the HC_VERSION
 * hypercall and -ENOSYS for unknown ones), prints a few numbered lines
 * slowly so that two guests' output interleaves, and exits 0.
 *
 * Each failed check exits with its own code.
 */
#include "libguest.h"

enum hello_fail {
	FAIL_MAGIC = 1,		/* EAX at entry is not the Multiboot2 magic */
	FAIL_MMAP,		/* no memory map tag, or no RAM in it */
	FAIL_CPUID_VMX,		/* CPUID.1:ECX.VMX is visible */
	FAIL_CPUID_HV,		/* CPUID.1:ECX.hypervisor is clear */
	FAIL_HC_MAGIC,		/* HC_VERSION returned the wrong EAX */
	FAIL_HC_ABI,		/* HC_VERSION returned the wrong EBX */
	FAIL_HC_ENOSYS,		/* an unknown hypercall did not fail */
	FAIL_CMDLINE,		/* no command line tag */
	FAIL_ACPI,		/* no RSDP tag, or the MADT does not match */
};

#define HC_UNKNOWN	0xffffu	/* a hypercall number nobody defines */
#define TICKS		5
#define TICK_DELAY	200000

static uint32_t mmap_ram_mib(const struct mb2_tag *tag, uint32_t *regions)
{
	const struct mb2_tag_mmap *mm = (const void *)tag;
	const struct mb2_mmap_entry *e;
	uint64_t total = 0;
	uint32_t off;

	*regions = 0;
	if (mm->entry_size < sizeof(*e))
		return 0;
	for (off = sizeof(*mm); off + mm->entry_size <= mm->size;
	     off += mm->entry_size) {
		e = (const void *)((const char *)mm + off);
		(*regions)++;
		if (e->type == MB2_MEM_AVAILABLE)
			total += e->len;
	}
	return (uint32_t)(total >> 20);
}

static bool sum_ok(const uint8_t *p, uint32_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return sum == 0;
}

/*
 * ACPI from the MBI's tag 15: the RSDP, its XSDT and the MADT, which must
 * list exactly this guest's vCPUs (@vcpus, from CPUID) and an IOAPIC at
 * 0xFEC00000 with GSI base 0. Returns NULL or what is wrong.
 */
static const char *check_acpi(uint32_t mbi, uint32_t vcpus)
{
	const struct mb2_tag *t = mb2_find_tag(mbi, 15);
	const uint8_t *rsdp, *xsdt, *madt = 0, *p, *end;
	uint32_t n, lapics = 0, ioapic = 0, gsi = ~0u;

	if (!t || t->size < 8 + 36)
		return "no ACPI 2.0 RSDP tag (15)";
	rsdp = (const uint8_t *)(t + 1);
	if (rsdp[0] != 'R' || !sum_ok(rsdp, 20) || !sum_ok(rsdp, 36))
		return "bad RSDP";
	xsdt = (const uint8_t *)*(const uint32_t *)(rsdp + 24);
	if (xsdt[0] != 'X' || !sum_ok(xsdt, *(const uint32_t *)(xsdt + 4)))
		return "bad XSDT";
	n = (*(const uint32_t *)(xsdt + 4) - 36) / 8;
	for (uint32_t i = 0; i < n; i++) {
		p = (const uint8_t *)*(const uint32_t *)(xsdt + 36 + 8 * i);
		if (p[0] == 'A' && p[1] == 'P' && p[2] == 'I' && p[3] == 'C')
			madt = p;
	}
	if (!madt || !sum_ok(madt, *(const uint32_t *)(madt + 4)))
		return "no valid MADT";
	end = madt + *(const uint32_t *)(madt + 4);
	for (p = madt + 44; p + 2 <= end && p[1] >= 2; p += p[1]) {
		if (p[0] == 0 && (p[4] & 1))
			lapics++;
		if (p[0] == 1) {
			ioapic = *(const uint32_t *)(p + 4);
			gsi = *(const uint32_t *)(p + 8);
		}
	}
	if (lapics != vcpus)
		return "MADT vCPU count differs from CPUID's";
	if (ioapic != 0xfec00000 || gsi != 0)
		return "MADT IOAPIC is not at 0xfec00000 with GSI base 0";
	guest_printf("hello: acpi ok (MADT %u vCPU(s), IOAPIC %x GSI %u)\n",
		     lapics, ioapic, gsi);
	return 0;
}

int guest_main(uint32_t magic, uint32_t mbi)
{
	const struct mb2_tag *cmd, *mmap;
	struct regs4 r = { 0 };
	const char *why;
	uint32_t mib, regions, ret, i;

	if (magic != MB2_BOOTLOADER_MAGIC) {
		guest_printf("hello: FAIL: entry magic %x, want %x\n",
			     magic, MB2_BOOTLOADER_MAGIC);
		return FAIL_MAGIC;
	}

	cmd = mb2_find_tag(mbi, MB2_TAG_CMDLINE);
	if (!cmd) {
		guest_printf("hello: FAIL: no command line tag in the MBI at %x\n",
			     mbi);
		return FAIL_CMDLINE;
	}
	guest_printf("hello: hello from a test guest, cmdline '%s'\n",
		     (const char *)(cmd + 1));

	mmap = mb2_find_tag(mbi, MB2_TAG_MMAP);
	mib = mmap ? mmap_ram_mib(mmap, &regions) : 0;
	if (!mib) {
		guest_printf("hello: FAIL: %s\n", mmap ?
			     "no RAM in the memory map" : "no memory map tag");
		return FAIL_MMAP;
	}
	guest_printf("hello: memory %u MiB of RAM in %u map entries\n",
		     mib, regions);

	cpuid(1, 0, &r);
	if (r.ecx & CPUID1_ECX_VMX) {
		guest_printf("hello: FAIL: CPUID.1:ECX %x shows VMX\n", r.ecx);
		return FAIL_CPUID_VMX;
	}
	if (!(r.ecx & CPUID1_ECX_HYPERVISOR)) {
		guest_printf("hello: FAIL: CPUID.1:ECX %x has no hypervisor bit\n",
			     r.ecx);
		return FAIL_CPUID_HV;
	}
	guest_printf("hello: cpuid ok (ecx %x)\n", r.ecx);

	ret = vmcall(HC_VERSION, &r);
	if (ret != HC_VERSION_MAGIC) {
		guest_printf("hello: FAIL: HC_VERSION returned eax %x, want %x\n",
			     ret, HC_VERSION_MAGIC);
		return FAIL_HC_MAGIC;
	}
	if (r.ebx != HC_VERSION_ABI) {
		guest_printf("hello: FAIL: HC_VERSION returned ebx %u, want %u\n",
			     r.ebx, HC_VERSION_ABI);
		return FAIL_HC_ABI;
	}
	ret = vmcall(HC_UNKNOWN, 0);
	if (ret != (uint32_t)HC_ENOSYS) {
		guest_printf("hello: FAIL: hypercall %x returned %d, want %d\n",
			     HC_UNKNOWN, (int)ret, HC_ENOSYS);
		return FAIL_HC_ENOSYS;
	}
	guest_printf("hello: hypercalls ok (version %u)\n", r.ebx);

	for (i = 1; i <= TICKS; i++) {
		guest_printf("hello: tick %u of %u\n", i, TICKS);
		guest_delay(TICK_DELAY);
	}

	cpuid(1, 0, &r);
	why = check_acpi(mbi, (r.edx & (1u << 28)) ? (r.ebx >> 16) & 0xff : 1);
	if (why) {
		guest_printf("hello: FAIL: %s\n", why);
		return FAIL_ACPI;
	}
	guest_puts("hello: PASS\n");
	return 0;
}
