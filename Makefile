# hvisor: a bare-metal x86_64 hypervisor.
#
#   make          build/hvisor.elf, build/hvisor.efi, build/hvctl, test guests
#   make iso      build/hvisor.iso (GRUB, Multiboot2) for hvisor.ini
#   make esp      build/esp.img (FAT, UEFI) for hvisor.ini
#   make run      install what is missing, build, boot the demo under Bochs
#   make test     unit tests (cmocka) and integration tests (Bochs, QEMU+OVMF)
#   make deps     install the Debian packages the build needs
#   make linux    fetch Debian's kernel, build the test initramfs (build/linux)
#   make fuzz     the libFuzzer harnesses (tests/fuzz), run by tests/run-fuzz.sh
#
# BUILD=dir puts every output in another folder; V=1 prints the full
# commands instead of one short line per step. DEBUG=1 builds the
# hypervisor with the lock-order checker (src/lib/spinlock.h); use it with its
# own BUILD folder.

BUILD	?= build
INI	?= hvisor.ini
CC	:= gcc
OBJCOPY	:= objcopy

GCCINC	:= $(shell $(CC) -print-file-name=include)
INIH_A	:= $(firstword $(wildcard /usr/lib/x86_64-linux-gnu/libinih.a /usr/lib/libinih.a))
FDT_A	:= $(firstword $(wildcard /usr/lib/x86_64-linux-gnu/libfdt.a /usr/lib/libfdt.a))
# libfdt's three headers alone: /usr/include would bring glibc's in.
FDT_INC	:= $(BUILD)/fdtinc
FDT_H	:= $(FDT_INC)/libfdt.h $(FDT_INC)/libfdt_env.h $(FDT_INC)/fdt.h
EFI_LIB	:= /usr/lib
EFI_INC	:= /usr/include/efi

# One short line per step (CC src/core/vm.c); V=1 shows the commands.
V	?= 0
ifeq ($(V),1)
Q	:=
say	:= @:
else
Q	:= @
say	:= @printf '  %-8s %s\n'
endif

WARN	:= -Wall -Wextra -Wno-unused-parameter -Wmissing-prototypes
# Flags shared by both freestanding builds of the hypervisor.
HV_COMMON := -std=gnu11 -O2 -g $(WARN) -ffreestanding -nostdinc \
	-isystem $(GCCINC) -Isrc/lib/libc/include -I. \
	-mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-strict-aliasing -I$(FDT_INC) -DHVISOR $(if $(DEBUG),-DHV_LOCKDEP)
# Link-time optimization: an exit's path runs through many small files
# (vLAPIC, interrupt plan, scheduler, timers), and under an emulator each
# instruction there is guest time; LTO inlines across them (docs/DESIGN.md).
# Both images link through the compiler for it.
HV_LTO	   := -flto=auto
HV_CFLAGS  := $(HV_COMMON) $(HV_LTO) -fno-pic -fno-pie -mcmodel=small
EFI_CFLAGS := $(HV_COMMON) $(HV_LTO) -fpic -fshort-wchar -DGNU_EFI_USE_MS_ABI \
	-I$(EFI_INC) -I$(EFI_INC)/x86_64

HOST_CFLAGS := -std=gnu11 -O1 -g $(WARN) -I. -fsanitize=address,undefined \
	-fno-omit-frame-pointer -DHV_HOST -DHV_LOCKDEP

# Sources of the hypervisor core, shared by the Multiboot2 and UEFI images.
CORE_C	:= src/boot/boot_info.c $(filter-out src/hvctl%.c src/tracejson.c, \
	$(wildcard src/*.c src/lib/*.c src/lib/libc/*.c src/arch/*.c \
		   src/core/*.c mm/*.c vmx/*.c dev/*.c guests/*.c sched/*.c))
CORE_S	:= $(wildcard src/arch/*.S vmx/*.S)
MB_SRC	:= src/boot/mb2.S src/boot/multiboot2.c src/boot/mb2_entry.c
EFI_SRC	:= $(wildcard src/boot/efi*.c)

# Plain C that also builds for the host, for cmocka and hvctl. Device
# models and the scheduler are plain C by rule, so whole folders count.
HOST_SRC := src/config.c src/conkeys.c src/boot/multiboot2.c src/boot/boot_info.c \
	src/lib/fmt.c src/boot/efi_info.c guests/elf.c guests/mbi.c \
	guests/linux.c guests/pvh.c guests/mb2hdr.c guests/modplace.c \
	src/arch/spec_caps.c src/tracejson.c src/core/crashloop.c src/core/ratelimit.c src/core/ctlmsg.c src/core/decode.c src/core/intr.c src/core/guard.c src/core/pv.c vmx/intr.c src/lib/lockdep.c src/lib/logring.c $(wildcard mm/*.c dev/*.c sched/*.c)
HOST_SRC := $(sort $(wildcard $(HOST_SRC)))

MB_OBJ	:= $(patsubst %,$(BUILD)/mb/%.o,$(CORE_C) $(CORE_S) $(MB_SRC))
EFI_OBJ	:= $(patsubst %,$(BUILD)/efi/%.o,$(CORE_C) $(CORE_S) $(EFI_SRC))
HOST_OBJ := $(patsubst %,$(BUILD)/host/%.o,$(HOST_SRC))

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

GUEST_SRC := $(wildcard tests/guests/*.c)
GUEST_BIN := $(patsubst tests/guests/%.c,$(BUILD)/guests/%.elf,$(filter-out tests/guests/lib%.c,$(GUEST_SRC)))

all: $(BUILD)/hvisor.elf $(BUILD)/hvisor.efi $(BUILD)/hvctl guests

guests: $(GUEST_BIN)

$(FDT_INC)/%.h: /usr/include/%.h
	@mkdir -p $(dir $@)
	$(Q)ln -sf $< $@

# ---- Multiboot2 image --------------------------------------------------
$(BUILD)/mb/%.c.o: %.c | $(FDT_H)
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(HV_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/mb/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(say) AS $<
	$(Q)$(CC) $(HV_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/hvisor.elf: $(MB_OBJ) src/arch/hvisor.ld $(INIH_A) $(FDT_A)
	$(say) LD $@
	$(Q)$(CC) $(HV_CFLAGS) -nostdlib -static -no-pie -Wl,--build-id=none \
		-Wl,-z,max-page-size=0x1000 -Wl,-T,src/arch/hvisor.ld \
		-o $@ $(MB_OBJ) $(INIH_A) $(FDT_A)

# ---- UEFI application ---------------------------------------------------
$(BUILD)/efi/%.c.o: %.c | $(FDT_H)
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/efi/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(say) AS $<
	$(Q)$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

# libefi.a's init.o (InitializeLib) also defines memcpy and memset, which
# clash with src/lib/libc: link a copy where those two are weak.
$(BUILD)/efi/libefi.a: $(EFI_LIB)/libefi.a
	@mkdir -p $(dir $@)
	$(say) OBJCOPY $@
	$(Q)$(OBJCOPY) --weaken-symbol=memcpy --weaken-symbol=memset $< $@

# --no-undefined: a shared object may otherwise keep undefined symbols,
# which nothing resolves at run time (gnu-efi only applies relocations).
$(BUILD)/hvisor.so: $(EFI_OBJ) $(INIH_A) $(FDT_A) $(BUILD)/efi/libefi.a
	$(say) LD $@
	$(Q)$(CC) $(EFI_CFLAGS) -nostdlib -shared -Wl,-znocombreloc \
		-Wl,-Bsymbolic -Wl,--no-undefined -Wl,--build-id=none \
		-Wl,-T,$(EFI_LIB)/elf_x86_64_efi.lds \
		$(EFI_LIB)/crt0-efi-x86_64.o $(EFI_OBJ) $(INIH_A) $(FDT_A) \
		$(BUILD)/efi/libefi.a $(EFI_LIB)/libgnuefi.a -o $@

$(BUILD)/hvisor.efi: $(BUILD)/hvisor.so
	$(say) OBJCOPY $@
	$(Q)$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym \
		-j .rel -j .rela -j .rel.* -j .rela.* -j .reloc \
		--target efi-app-x86_64 --subsystem=10 $< $@

# ---- host tool and unit tests -------------------------------------------
$(BUILD)/host/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(say) HOSTCC $<
	$(Q)$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libhvhost.a: $(HOST_OBJ)
	$(say) AR $@
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

HVCTL_SRC := src/hvctl.c src/hvctl_ctl.c src/hvctl_trace.c

$(BUILD)/hvctl: $(HVCTL_SRC) src/hvctl.h $(BUILD)/libhvhost.a
	$(say) HOSTLD $@
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $(HVCTL_SRC) $(BUILD)/libhvhost.a -linih -lfdt

# The same tool for the test initramfs (/usr/bin/hvctl in the root
# guest): static, without the sanitizers, from the same sources.
HVCTL_GUEST_SRC := $(HVCTL_SRC) src/config.c src/core/ctlmsg.c src/lib/fmt.c \
	src/tracejson.c sched/trace.c
$(BUILD)/hvctl-static: $(HVCTL_GUEST_SRC) src/hvctl.h src/tracejson.h src/core/ctlmsg.h
	$(say) CC $@
	$(Q)$(CC) -std=gnu11 -O2 $(WARN) -I. -DHV_HOST -static -o $@ \
		$(HVCTL_GUEST_SRC) -linih -lfdt

# -MMD: a test rebuilds when a header it includes (sched_sim.h, a struct
# it shares with the library) changes, not only its own .c.
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libhvhost.a
	@mkdir -p $(dir $@)
	$(say) HOSTLD $@
	$(Q)$(CC) $(HOST_CFLAGS) -MMD -MP -o $@ $< $(BUILD)/libhvhost.a -lcmocka -linih -lfdt

# test_decode also checks the decoder against Zydis where libzydis-dev is
# installed; without the header it still builds and skips those tests.
ZYDIS_H	:= $(wildcard /usr/include/Zydis/Zydis.h)
$(BUILD)/tests/test_decode: tests/unit/test_decode.c tests/oracle/zydis_cmp.c \
		$(BUILD)/libhvhost.a
	@mkdir -p $(dir $@)
	$(say) HOSTLD $@
	$(Q)$(CC) $(HOST_CFLAGS) -MMD -MP $(if $(ZYDIS_H),-DHV_HAVE_ZYDIS) -o $@ $< \
		$(if $(ZYDIS_H),tests/oracle/zydis_cmp.c) \
		$(BUILD)/libhvhost.a -lcmocka -linih -lfdt $(if $(ZYDIS_H),-lZydis)

# ---- fuzzing: libFuzzer harnesses (Debian's clang) --------------------------
# `make fuzz` builds one binary per tests/fuzz/fuzz_NAME.c, each with the
# plain-C sources it drives; tests/run-fuzz.sh runs them (60 s each in
# `make test`) from the corpus in tests/fuzz/corpus/NAME.
CLANG	?= clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 $(WARN) -I. -DHV_HOST \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
FUZZ_NAMES := config decode virtq mb2 linux acpi
FUZZ_BIN := $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)
fuzz_src_config	:= src/config.c src/lib/fmt.c
fuzz_lib_config	:= -linih
fuzz_src_decode	:= src/core/decode.c $(if $(ZYDIS_H),tests/oracle/zydis_cmp.c)
fuzz_lib_decode	:= $(if $(ZYDIS_H),-DHV_HAVE_ZYDIS -lZydis)
fuzz_src_virtq	:= dev/virtq.c
fuzz_src_mb2	:= guests/mb2hdr.c guests/elf.c
fuzz_src_linux	:= guests/linux.c guests/pvh.c guests/elf.c
fuzz_src_acpi	:= dev/acpi_tables.c dev/aml.c

fuzz: $(FUZZ_BIN)

define fuzz_rule
$(BUILD)/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c $(fuzz_src_$(1))
	@mkdir -p $$(dir $$@)
	$$(say) FUZZ $$@
	$$(Q)$$(CLANG) $$(FUZZ_CFLAGS) -o $$@ $$^ $(fuzz_lib_$(1))
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call fuzz_rule,$(n))))

# ---- test guests ----------------------------------------------------------
GUEST_CFLAGS := -std=gnu11 -O2 -g -m32 -ffreestanding -nostdlib -fno-pic \
	-fno-pie -fno-stack-protector -mgeneral-regs-only $(WARN) -Itests/guests -I.
# gcc links PIE by default on Debian: a guest is a static ELF at fixed addresses.
GUEST_LDFLAGS := -static -no-pie -Wl,-T,tests/guests/guest.ld \
	-Wl,--build-id=none -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack
$(BUILD)/guests/%.elf: tests/guests/%.c tests/guests/libguest.c \
		tests/guests/guest.ld tests/guests/libguest.h src/core/hypercall.h
	@mkdir -p $(dir $@)
	$(say) CC32 $@
	$(Q)$(CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) \
		-o $@ tests/guests/libguest.c $<

# mb2check: the Asterinas boot-contract kernel, an ELF64 with its own entry
# and link script (tests/guests/mb2check/), and the module its tests pass:
# 12345 fixed bytes whose Adler-32 and length tests/configs/mb2check.ini
# repeats in its cmdline.
MB2CHECK_SRC := $(wildcard tests/guests/mb2check/*.c tests/guests/mb2check/*.S)
GUEST_BIN += $(BUILD)/guests/mb2check.elf $(BUILD)/guests/mb2check-module.bin
guests: $(BUILD)/guests/mb2check.elf $(BUILD)/guests/mb2check-module.bin
$(BUILD)/guests/mb2check.elf: $(MB2CHECK_SRC) tests/guests/mb2check/mb2check.ld
	@mkdir -p $(dir $@)
	$(say) CC $@
	$(Q)$(CC) -std=gnu11 -O2 -g -m64 -ffreestanding -nostdlib -fno-pic -fno-pie \
		-mcmodel=small -mno-red-zone -mgeneral-regs-only \
		-fno-stack-protector -fno-asynchronous-unwind-tables $(WARN) \
		-static -no-pie -Wl,-T,tests/guests/mb2check/mb2check.ld \
		-Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
		-Wl,-z,noexecstack -o $@ $(MB2CHECK_SRC)
$(BUILD)/guests/mb2check-module.bin:
	@mkdir -p $(dir $@)
	$(say) GEN $@
	$(Q)LC_ALL=C seq 1 5000 | head -c 12345 >$@

# A disk image for virtio = blk:IMAGE (tests/configs/linux-pvh.ini): 1 MiB
# of numbered lines, "hvisor-disk-000001" first, so a test knows every
# byte of it (test-bochs-linux.sh checks hvisor's checksum of the disk
# after Linux wrote to it).
GUEST_BIN += $(BUILD)/guests/blk-test.img
guests: $(BUILD)/guests/blk-test.img
$(BUILD)/guests/blk-test.img:
	@mkdir -p $(dir $@)
	$(say) GEN $@
	$(Q)LC_ALL=C seq -f 'hvisor-disk-%06g' 1 60000 | head -c 1048576 >$@

# ---- images ---------------------------------------------------------------
# The scripts find hvctl and put their logs under $BUILD.
export BUILD

iso: $(BUILD)/hvisor.elf $(BUILD)/hvctl guests
	scripts/mkiso.sh -o $(BUILD)/hvisor.iso -e $(BUILD)/hvisor.elf \
		-L $(BUILD)/guests $(INI)

esp: $(BUILD)/hvisor.efi $(BUILD)/hvctl guests
	scripts/mkesp.sh -o $(BUILD)/esp.img -e $(BUILD)/hvisor.efi \
		-L $(BUILD)/guests $(INI)

deps:
	scripts/deps.sh

# Debian's kernel (bzImage and PVH vmlinux) and the test initramfs, cached
# in $(BUILD)/linux: the Linux guest tests need them.
linux: $(BUILD)/hvctl-static
	scripts/get-kernel.sh -o $(BUILD)/linux
	scripts/mkrootfs.sh -k $(BUILD)/linux -c $(BUILD)/hvctl-static \
		-o $(BUILD)/linux/rootfs.cpio.gz

# make run: the rig hvisor is for (scripts/bench-linux.sh -v): Debian's
# Linux with 4 vCPUs on 2 pCPUs beside a CPU-hog guest, sysbench and
# cyclictest inside, then their figures and hvisor's per-vCPU table.
# make run DEMO=quick: hvisor.ini's two toy guests, one per CPU (seconds).
DEMO ?= linux
run:
	@scripts/deps.sh --check || scripts/deps.sh
	@case "$(DEMO)" in \
	linux) scripts/bench-linux.sh -v -s 2 -o $(BUILD)/run 2:1+hog-fair ;; \
	quick) $(MAKE) all && $(MAKE) iso && \
		scripts/run-bochs.sh -c 2 $(BUILD)/hvisor.iso ;; \
	*) echo "make run: DEMO=$(DEMO)? (linux, the default, or quick)" >&2; \
		exit 2 ;; \
	esac

unit: $(UNIT_BIN)
	$(Q)tests/run-unit.sh $(UNIT_BIN)

test:
	@scripts/deps.sh --check || scripts/deps.sh
	tests/run-all.sh

clean:
	rm -rf $(BUILD)

.PHONY: all guests iso esp deps linux run unit test clean fuzz
.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
