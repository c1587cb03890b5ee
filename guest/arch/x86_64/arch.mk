# arch/x86_64/arch.mk -- the PVH guest kernel; included by guest/Makefile
# (paths are relative to guest/).
#   $(B)/x86_64/drift-kernel.elf        arch + lib + vm, stripped (the image base)
#   $(B)/x86_64/drift-kernel.elf.debug  the same with symbols and DWARF
#   $(B)/x86_64/noop.elf                boot baseline: PVH entry -> "noop\n" -> exit 0

X86_DIR   := arch/x86_64
X86_OUT   := $(B)/x86_64
X86_CC    ?= gcc
# Size first (-Oz: images stay small; see docs/benchmarks.md), except the
# interpreter's hot paths (X86_HOT_SRCS), built with -O2.
X86_OPT      ?= -Oz
X86_HOT_OPT  ?= -O2 -falign-functions=1 -falign-jumps=1 -falign-loops=1 -falign-labels=1
# link-time optimization: ~1 KiB smaller (each function keeps its own -O level)
X86_LTO      ?= -flto=auto
X86_ARCH_OPT ?= -Oz
X86_HOT_SRCS := vm/interp.c vm/dict.c
# -ffreestanding implies -fno-builtin, which would turn every small
# memcpy(&v, p, 4) into a call: -fbuiltin gives GCC its builtins back.
# -fno-tree-loop-distribute-patterns stops it from turning loops into calls
# to memset/memcpy/strlen (lib/string.c would call itself).
X86_CFLAGS = -std=gnu11 $(X86_OPT) $(X86_LTO) -g $(WARN) -ffreestanding -fbuiltin -fno-pic -fno-pie \
	-mcmodel=small -mno-red-zone -fno-stack-protector -fcf-protection=none \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fno-common \
	-ffunction-sections -fdata-sections -fno-tree-loop-distribute-patterns \
	-Ivm -Ilib -Iarch/common -I$(X86_DIR) -DDRIFT_GUEST=1 -MMD -MP
X86_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,$(X86_DIR)/kernel.ld \
	-Wl,--gc-sections -Wl,-z,max-page-size=4096 -Wl,--build-id=none \
	-Wl,--no-warn-rwx-segments -Wl,-z,noexecstack -Wl,-n

X86_ARCH_SRCS := arch/common/kio.c arch/common/snapchan.c $(X86_DIR)/boot.S $(X86_DIR)/console.c $(X86_DIR)/chan.c $(X86_DIR)/clock.c \
	$(X86_DIR)/trap.c $(X86_DIR)/platform.c $(X86_DIR)/timer.c
X86_NOOP_SRCS := $(X86_DIR)/boot.S $(X86_DIR)/console.c $(X86_DIR)/noop.c

x86_obj = $(patsubst %,$(X86_OUT)/obj/%.o,$(basename $(1)))
X86_KERNEL_OBJS := $(call x86_obj,$(X86_ARCH_SRCS) $(LIB_SRCS) $(VM_SRCS))
X86_NOOP_OBJS   := $(call x86_obj,$(X86_NOOP_SRCS))

x86_64: $(X86_OUT)/drift-kernel.elf $(X86_OUT)/noop.elf

$(X86_OUT)/obj/$(X86_DIR)/%.o $(X86_OUT)/obj/arch/common/%.o: X86_OPT = $(X86_ARCH_OPT)
$(call x86_obj,$(X86_HOT_SRCS)): X86_OPT = $(X86_HOT_OPT)

$(X86_OUT)/obj/%.o: %.c Makefile $(X86_DIR)/arch.mk
	@mkdir -p $(dir $@)
	$(X86_CC) $(X86_CFLAGS) -c -o $@ $<

$(X86_OUT)/obj/%.o: %.S Makefile $(X86_DIR)/arch.mk
	@mkdir -p $(dir $@)
	$(X86_CC) $(X86_CFLAGS) -c -o $@ $<

$(X86_OUT)/%.elf.debug: $(X86_DIR)/kernel.ld
	$(X86_CC) $(X86_CFLAGS) $(X86_LDFLAGS) -o $@ $(filter %.o,$^) -lgcc

$(X86_OUT)/%.elf: $(X86_OUT)/%.elf.debug
	objcopy --strip-all $< $@

$(X86_OUT)/drift-kernel.elf.debug: $(X86_KERNEL_OBJS)
$(X86_OUT)/noop.elf.debug: $(X86_NOOP_OBJS)

.SECONDARY: $(X86_OUT)/drift-kernel.elf.debug $(X86_OUT)/noop.elf.debug

-include $(wildcard $(X86_OUT)/obj/*/*.d $(X86_OUT)/obj/*/*/*.d)
