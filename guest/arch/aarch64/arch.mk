# arch/aarch64/arch.mk -- the aarch64 guest kernel for QEMU's virt machine;
# included by guest/Makefile (paths are relative to guest/).
#   $(B)/aarch64/drift-kernel.elf        arch + lib + vm, stripped (the image base)
#   $(B)/aarch64/drift-kernel.elf.debug  the same with symbols and DWARF
#   $(B)/aarch64/noop.elf                boot baseline: entry -> "noop\n" -> exit 0
# Cross compiler: Debian's gcc-aarch64-linux-gnu (freestanding use only).
# The same optimisation policy as x86_64 (arch/x86_64/arch.mk).

A64_DIR   := arch/aarch64
A64_OUT   := $(B)/aarch64
A64_CROSS ?= aarch64-linux-gnu-
A64_CC    ?= $(A64_CROSS)gcc
A64_OPT      ?= -Oz
A64_HOT_OPT  ?= -O2 -falign-functions=4 -falign-jumps=1 -falign-loops=1 -falign-labels=1
A64_LTO      ?= -flto=auto
A64_ARCH_OPT ?= -Oz
A64_HOT_SRCS := vm/interp.c vm/dict.c
# -mgeneral-regs-only is not used: the VM computes with doubles (boot.S turns
# FP/SIMD on before any C runs).  -mstrict-align: device memory (and memory
# before the MMU is on) faults on unaligned accesses.  -ffp-contract=off: GCC
# would fuse a*b+c into one fmadd (one rounding instead of two), and floats
# must come out bit-identical to x86_64 (and CPython), also across a migration.
A64_CFLAGS = -std=gnu11 $(A64_OPT) $(A64_LTO) -g $(WARN) -ffreestanding -fbuiltin -fno-pic -fno-pie \
	-mcmodel=small -mstrict-align -ffp-contract=off -fno-stack-protector -mbranch-protection=none \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fno-common -mno-outline-atomics \
	-ffunction-sections -fdata-sections -fno-tree-loop-distribute-patterns \
	-Ivm -Ilib -Iarch/common -I$(A64_DIR) -DDRIFT_GUEST=1 -MMD -MP
A64_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,$(A64_DIR)/kernel.ld \
	-Wl,--gc-sections -Wl,-z,max-page-size=4096 -Wl,--build-id=none \
	-Wl,--no-warn-rwx-segments -Wl,-z,noexecstack -Wl,-n

A64_ARCH_SRCS := arch/common/kio.c arch/common/snapchan.c $(A64_DIR)/boot.S $(A64_DIR)/console.c $(A64_DIR)/chan.c \
	$(A64_DIR)/pci.c $(A64_DIR)/gic.c $(A64_DIR)/fdt.c $(A64_DIR)/clock.c $(A64_DIR)/trap.c $(A64_DIR)/exit.c \
	$(A64_DIR)/platform.c $(A64_DIR)/timer.c
A64_NOOP_SRCS := arch/common/kio.c $(A64_DIR)/boot.S $(A64_DIR)/console.c $(A64_DIR)/trap.c \
	$(A64_DIR)/exit.c $(A64_DIR)/noop.c lib/string.c

a64_obj = $(patsubst %,$(A64_OUT)/obj/%.o,$(basename $(1)))
A64_KERNEL_OBJS := $(call a64_obj,$(A64_ARCH_SRCS) $(LIB_SRCS) $(VM_SRCS))
A64_NOOP_OBJS   := $(call a64_obj,$(A64_NOOP_SRCS))

aarch64: $(A64_OUT)/drift-kernel.elf $(A64_OUT)/noop.elf

$(A64_OUT)/obj/$(A64_DIR)/%.o $(A64_OUT)/obj/arch/common/%.o: A64_OPT = $(A64_ARCH_OPT)
$(call a64_obj,$(A64_HOT_SRCS)): A64_OPT = $(A64_HOT_OPT)

$(A64_OUT)/obj/%.o: %.c Makefile $(A64_DIR)/arch.mk
	@mkdir -p $(dir $@)
	$(A64_CC) $(A64_CFLAGS) -c -o $@ $<

$(A64_OUT)/obj/%.o: %.S Makefile $(A64_DIR)/arch.mk
	@mkdir -p $(dir $@)
	$(A64_CC) $(A64_CFLAGS) -c -o $@ $<

$(A64_OUT)/%.elf.debug: $(A64_DIR)/kernel.ld
	$(A64_CC) $(A64_CFLAGS) $(A64_LDFLAGS) -o $@ $(filter %.o,$^) -lgcc

$(A64_OUT)/%.elf: $(A64_OUT)/%.elf.debug
	$(A64_CROSS)objcopy --strip-all $< $@

$(A64_OUT)/drift-kernel.elf.debug: $(A64_KERNEL_OBJS)
$(A64_OUT)/noop.elf.debug: $(A64_NOOP_OBJS)

.SECONDARY: $(A64_OUT)/drift-kernel.elf.debug $(A64_OUT)/noop.elf.debug

-include $(wildcard $(A64_OUT)/obj/*/*.d $(A64_OUT)/obj/*/*/*.d)
