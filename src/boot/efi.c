// SPDX-License-Identifier: GPL-2.0
/*
 * UEFI entry: hvisor.efi, a gnu-efi application.
 *
 * Reads \hvisor.ini and every image it names from the volume we were
 * loaded from, takes the ACPI RSDP, a low page for the AP trampoline and
 * the memory map, leaves boot services and calls hv_main() with the same
 * struct boot_info the Multiboot2 entry fills.
 *
 * Images are found with the small scanner efi_ini_images() (efi_info.c),
 * not with config_parse(): the loader only needs the names, and a config
 * with errors must still boot far enough for the hypervisor to report them.
 */
#include <efi.h>
#include <efilib.h>

#include "src/boot/boot_info.h"
#include "src/boot/efi_info.h"

#define ESP_PATH_MAX	256
/* Below the EBDA, which OVMF and real firmware keep at 0x9F000 and up. */
#define TRAMPOLINE_MAX	0x9F000
/* Chunked reads: some firmware FAT drivers dislike one huge Read(). */
#define READ_CHUNK	(16UL << 20)
#define EBS_TRIES	8

_Static_assert(sizeof(EFI_MEMORY_DESCRIPTOR) == sizeof(struct efi_mem_desc),
	       "efi_mem_desc layout");
_Static_assert(offsetof(EFI_MEMORY_DESCRIPTOR, PhysicalStart) ==
	       offsetof(struct efi_mem_desc, phys_start), "efi_mem_desc layout");
_Static_assert(offsetof(EFI_MEMORY_DESCRIPTOR, NumberOfPages) ==
	       offsetof(struct efi_mem_desc, num_pages), "efi_mem_desc layout");

/* Static, in the image (LoaderCode, reserved in the map): outlives boot services. */
static struct boot_info efi_bi;

/* Names tried and not loaded, so that each is reported once. */
#define FAILED_MAX	(2 * BOOT_MOD_MAX)

struct efi_loader {
	EFI_FILE_HANDLE root;
	struct boot_info *bi;
	uint32_t n_failed;
	char failed[FAILED_MAX][BOOT_NAME_MAX];
};

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

static EFI_STATUS open_root(EFI_LOADED_IMAGE *li, EFI_FILE_HANDLE *root)
{
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->HandleProtocol, 3, li->DeviceHandle,
			       &FileSystemProtocol, (void **)&fs);
	if (EFI_ERROR(st))
		return st;
	return uefi_call_wrapper(fs->OpenVolume, 2, fs, root);
}

/*
 * Read @path (ASCII, '\'-separated) into fresh EfiLoaderData pages. One
 * zero byte follows the data, so text files are C strings.
 */
static EFI_STATUS read_file(EFI_FILE_HANDLE root, const char *path,
			    uint64_t *base, uint64_t *size)
{
	CHAR16 wpath[ESP_PATH_MAX];
	EFI_FILE_HANDLE fh;
	EFI_FILE_INFO *info;
	EFI_PHYSICAL_ADDRESS addr;
	UINTN pages, i;
	uint64_t len, done = 0;
	EFI_STATUS st;

	for (i = 0; path[i] && i < ESP_PATH_MAX - 1; i++)
		wpath[i] = (unsigned char)path[i];
	wpath[i] = 0;

	st = uefi_call_wrapper(root->Open, 5, root, &fh, wpath,
			       EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st))
		return st;

	info = LibFileInfo(fh);
	if (!info) {
		st = EFI_DEVICE_ERROR;
		goto out;
	}
	len = info->FileSize;
	if (info->Attribute & EFI_FILE_DIRECTORY)
		st = EFI_NOT_FOUND;
	FreePool(info);
	if (EFI_ERROR(st))
		goto out;

	pages = EFI_SIZE_TO_PAGES(len + 1);
	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages,
			       EfiLoaderData, pages, &addr);
	if (EFI_ERROR(st))
		goto out;

	while (done < len) {
		UINTN n = len - done > READ_CHUNK ? READ_CHUNK : len - done;

		st = uefi_call_wrapper(fh->Read, 3, fh, &n,
				       (void *)(UINTN)(addr + done));
		if (!EFI_ERROR(st) && !n)
			st = EFI_END_OF_FILE;	/* shorter than FileSize said */
		if (EFI_ERROR(st)) {
			uefi_call_wrapper(BS->FreePages, 2, addr, pages);
			goto out;
		}
		done += n;
	}
	((unsigned char *)(UINTN)addr)[len] = 0;
	*base = addr;
	*size = len;
out:
	uefi_call_wrapper(fh->Close, 1, fh);
	return st;
}

static int name_eq(const char *a, const char *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (a[i] != b[i])
			return 0;
	return !a[len];
}

static void note_failed(struct efi_loader *ld, const char *name, size_t len)
{
	size_t i;

	if (len >= BOOT_NAME_MAX || ld->n_failed == FAILED_MAX)
		return;
	for (i = 0; i < len; i++)
		ld->failed[ld->n_failed][i] = name[i];
	ld->failed[ld->n_failed++][len] = '\0';
}

/*
 * Load one image named in hvisor.ini into a module of the same name.
 * Nothing here is fatal: the hypervisor's validator names what is missing.
 */
static int load_image(void *ctx, const char *name, size_t len)
{
	struct efi_loader *ld = ctx;
	struct boot_info *bi = ld->bi;
	struct boot_module *mod;
	char path[ESP_PATH_MAX];
	char shown[BOOT_NAME_MAX];
	uint64_t base, size;
	uint32_t i;
	EFI_STATUS st;

	/* Guests may share an image, a list may repeat one: load or report it once. */
	for (i = 0; i < bi->n_mods; i++)
		if (name_eq(bi->mods[i].name, name, len))
			return 0;
	for (i = 0; i < ld->n_failed; i++)
		if (name_eq(ld->failed[i], name, len))
			return 0;

	for (i = 0; i < len && i < sizeof(shown) - 1; i++)
		shown[i] = name[i];
	shown[i] = '\0';

	if (len >= BOOT_NAME_MAX) {
		Print(L"hvisor.efi: image name too long: %a...\n", shown);
		return 0;
	}
	if (bi->n_mods == BOOT_MOD_MAX) {
		Print(L"hvisor.efi: more than %d files, %a not loaded\n",
		      BOOT_MOD_MAX, shown);
		note_failed(ld, name, len);
		return 0;
	}
	if (efi_esp_path(name, len, path, sizeof(path)) < 0) {
		Print(L"hvisor.efi: bad image name %a\n", shown);
		note_failed(ld, name, len);
		return 0;
	}

	st = read_file(ld->root, path, &base, &size);
	if (EFI_ERROR(st)) {
		if (st == EFI_NOT_FOUND)
			Print(L"hvisor.efi: %a not found on the ESP\n", shown);
		else
			Print(L"hvisor.efi: cannot read %a: %r\n", shown, st);
		note_failed(ld, name, len);
		return 0;
	}

	mod = &bi->mods[bi->n_mods++];
	for (i = 0; i < len; i++)
		mod->name[i] = name[i];
	mod->name[len] = '\0';
	mod->base = base;
	mod->size = size;
	Print(L"hvisor.efi: loaded %a (%ld bytes) at 0x%lx\n", shown, size,
	      base);
	return 0;
}

/* hvisor.ini is module "hvisor.ini", as GRUB's module2 line names it. */
static void load_config(struct efi_loader *ld)
{
	struct boot_info *bi = ld->bi;
	struct boot_module *mod;
	uint64_t base, size;
	EFI_STATUS st;
	int i;

	st = read_file(ld->root, "\\" BOOT_INI_NAME, &base, &size);
	if (st == EFI_NOT_FOUND) {
		Print(L"hvisor.efi: " BOOT_INI_NAME " not found on the ESP\n");
		return;
	}
	if (EFI_ERROR(st)) {
		Print(L"hvisor.efi: cannot read " BOOT_INI_NAME ": %r\n", st);
		return;
	}

	mod = &bi->mods[bi->n_mods++];
	for (i = 0; BOOT_INI_NAME[i]; i++)
		mod->name[i] = BOOT_INI_NAME[i];
	mod->name[i] = '\0';
	mod->base = base;
	mod->size = size;
	Print(L"hvisor.efi: loaded " BOOT_INI_NAME " (%ld bytes)\n", size);

	efi_ini_images((const char *)(UINTN)base, size, load_image, ld);
}

static void find_rsdp(struct boot_info *bi)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
	EFI_GUID acpi10 = ACPI_TABLE_GUID;
	void *rsdp = NULL;
	uint8_t rev;

	if (EFI_ERROR(LibGetSystemConfigurationTable(&acpi20, &rsdp)) &&
	    EFI_ERROR(LibGetSystemConfigurationTable(&acpi10, &rsdp)))
		rsdp = NULL;
	if (!rsdp) {
		Print(L"hvisor.efi: no ACPI RSDP in the configuration table\n");
		return;
	}
	/* RSDP revision byte: 0 for ACPI 1.0, 2 for 2.0 and later. */
	rev = ((const uint8_t *)rsdp)[15];
	bi->rsdp = (uint64_t)(UINTN)rsdp;
	bi->rsdp_rev = rev >= 2 ? 2 : 0;
}

static void get_trampoline(struct boot_info *bi)
{
	EFI_PHYSICAL_ADDRESS addr = TRAMPOLINE_MAX;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress,
			       EfiLoaderData, 1, &addr);
	if (EFI_ERROR(st)) {
		/* Not fatal: hv_main then takes a low page from RAM. */
		Print(L"hvisor.efi: no page below 1 MiB for the AP trampoline: %r\n",
		      st);
		addr = 0;
	}
	bi->trampoline = addr;
}

/* LoadOptions as a command line, when it is plain printable text. */
static void get_cmdline(EFI_LOADED_IMAGE *li, struct boot_info *bi)
{
	const CHAR16 *opt = li->LoadOptions;
	UINTN n = li->LoadOptionsSize / sizeof(CHAR16), i;

	bi->cmdline[0] = '\0';
	if (!opt || n >= BOOT_CMDLINE_MAX)
		return;
	for (i = 0; i < n && opt[i]; i++)
		if (opt[i] < 0x20 || opt[i] > 0x7e)
			return;	/* binary boot-option data, not text */
	for (i = 0; i < n && opt[i]; i++)
		bi->cmdline[i] = (char)opt[i];
	bi->cmdline[i] = '\0';
}

/*
 * Take the final memory map and leave boot services. Nothing between the
 * last GetMemoryMap and ExitBootServices may allocate or print, since that
 * changes the map key; a stale key gives EFI_INVALID_PARAMETER, and then
 * only these two calls are allowed, so retry with the buffer we have.
 */
static EFI_STATUS exit_boot_services(EFI_HANDLE image, struct boot_info *bi)
{
	EFI_MEMORY_DESCRIPTOR *map = NULL;
	UINTN size = 0, cap, key, dsize;
	UINT32 dver;
	EFI_STATUS st;
	int tries;

	st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, NULL, &key, &dsize,
			       &dver);
	if (st != EFI_BUFFER_TOO_SMALL)
		return EFI_ERROR(st) ? st : EFI_LOAD_ERROR;
	/* Slack for our own pool allocation and whatever fires meanwhile. */
	cap = 2 * size + 16 * dsize;
	st = uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, cap,
			       (void **)&map);
	if (EFI_ERROR(st))
		return st;

	/* A dry run while we can still print: does the map fit boot_info? */
	size = cap;
	st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, map, &key, &dsize,
			       &dver);
	if (EFI_ERROR(st))
		return st;
	if (efi_mmap_to_boot(map, size, dsize, bi) < 0)
		Print(L"hvisor.efi: memory map does not fit %d regions, rest ignored\n",
		      BOOT_MMAP_MAX);

	for (tries = 0; tries < EBS_TRIES; tries++) {
		size = cap;
		st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, map, &key,
				       &dsize, &dver);
		if (EFI_ERROR(st))
			return st;
		st = uefi_call_wrapper(BS->ExitBootServices, 2, image, key);
		if (st != EFI_INVALID_PARAMETER)
			break;
	}
	if (EFI_ERROR(st))
		return st;

	/* An error leaves a valid, shorter map: already reported above. */
	efi_mmap_to_boot(map, size, dsize, bi);
	return EFI_SUCCESS;
}

/* Called by gnu-efi's crt0 with the SysV ABI, after self-relocation. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	struct boot_info *bi = &efi_bi;
	struct efi_loader ld = { .bi = bi };
	EFI_LOADED_IMAGE *li;
	EFI_STATUS st;

	InitializeLib(image, systab);

	st = uefi_call_wrapper(BS->HandleProtocol, 3, image,
			       &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st)) {
		Print(L"hvisor.efi: no loaded-image protocol: %r\n", st);
		return st;
	}
	bi->loader = "uefi";
	bi->image_start = (uint64_t)(UINTN)li->ImageBase;
	bi->image_end = bi->image_start + li->ImageSize;
	get_cmdline(li, bi);

	st = open_root(li, &ld.root);
	if (EFI_ERROR(st)) {
		Print(L"hvisor.efi: cannot open the boot volume: %r\n", st);
		return st;
	}
	load_config(&ld);
	uefi_call_wrapper(ld.root->Close, 1, ld.root);

	find_rsdp(bi);
	get_trampoline(bi);

	st = exit_boot_services(image, bi);
	if (EFI_ERROR(st)) {
		/* Boot services may be half gone: printing is a best effort. */
		Print(L"hvisor.efi: ExitBootServices failed: %r\n", st);
		return st;
	}

	/* The firmware's IDT is no longer ours to take interrupts on. */
	asm volatile("cli");
	hv_main(bi);
}
