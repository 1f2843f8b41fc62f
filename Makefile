# Tandem -- top-level build.  `make` builds everything into $(BUILD)/,
# `make check` runs every test tier, `make demo` boots the demo appliance.
# Several builds can live side by side: make BUILD=build-foo.

BUILD	?= build
CC	 = gcc
AR	 = ar
LD	 = ld
SHELL	 = /bin/bash

# Xen public headers are used as packaged (libxen-dev); this macro selects
# the current hypercall numbering instead of the legacy compat one.
XENDEFS	 = -D__XEN_INTERFACE_VERSION__=0x00040e00

# Kernel code: freestanding, no SSE (interrupt handlers do not save it),
# no red zone (traps push on the interrupted stack), frame pointers for
# backtraces, non-PIE in the low 2 GiB.  No padding before jump targets
# and loops (functions stay 16-byte aligned): 2 KiB of nops in every
# image, which the 200 KiB musl hello budget feels; TCG gains nothing
# from them and current CPUs little.
KCFLAGS	 = -std=gnu11 -O2 -g -m64 -ffreestanding -fno-pic -fno-pie \
	   -mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	   -fno-asynchronous-unwind-tables -fcf-protection=none \
	   -fno-omit-frame-pointer -fno-builtin-printf -fno-tree-loop-distribute-patterns \
	   -falign-jumps=1 -falign-loops=1 \
	   -Wall -Wextra -Wno-unused-parameter -Werror=implicit-function-declaration \
	   -Iinclude $(XENDEFS)
# Apps (until musl): same ABI, SSE allowed.
ACFLAGS	 = -std=gnu11 -O2 -g -m64 -ffreestanding -fno-pic -fno-pie -mno-red-zone \
	   -fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
	   -fno-omit-frame-pointer -Wall -Wextra -Wno-unused-parameter \
	   -Iinclude/crt -Iinclude
# Host builds (unit tests, platform/posix).
HCFLAGS	 = -std=gnu11 -O1 -g -fno-omit-frame-pointer -Wall -Wextra \
	   -Wno-unused-parameter -Iinclude $(XENDEFS)
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all

# ---- what goes into every image ------------------------------------
KSRC	:= $(wildcard arch/x86_64/*.c arch/x86_64/*.S core/*.c \
	     platform/xen/*.c platform/virtio/*.c netfront/*.c blkfront/*.c \
	     hypercall/*.c)
KOBJ	:= $(patsubst %,$(BUILD)/k/%.o,$(KSRC))
CRTSRC	:= $(wildcard core/crt/*.c)
CRTOBJ	:= $(patsubst %,$(BUILD)/k/%.o,$(CRTSRC))
APPS	:= hello stress panic hypercall-test hypercall-bench blkcheck pingd
IMGS	:= $(patsubst %,$(BUILD)/img/%.img,$(APPS))
LOPROGS	:= $(patsubst tests/libos/progs/%.c,%,$(wildcard tests/libos/progs/*.c))
NETIMGS	:= $(BUILD)/img/netecho.img	# apps with libos/net, see below
NETIMGS	+= $(BUILD)/img/epecho.img
APPLIANCES := $(BUILD)/img/nginx.img $(BUILD)/img/redis.img
XENTESTS := pvcheck xencheck	# test images of tests/xen/, see below

.PHONY: all deps check demo demo-xen clean unit boot xen-check posix-check bench net-check fs-check
.SECONDARY:
all: deps-ok $(BUILD)/lib/libtandem.a $(BUILD)/lib/libtdcrt.a $(IMGS) $(NETIMGS) \
	toolchain $(BUILD)/lib/libosfs.a $(patsubst %,$(BUILD)/img/lo-%.img,$(LOPROGS)) \
	$(APPLIANCES) \
	$(patsubst %,$(BUILD)/img/%.img,$(XENTESTS)) $(BUILD)/bin/tandem \
	$(BUILD)/bin/tandem-libvirt

# ---- dependencies (Debian packages only) ---------------------------
deps:
	tools/deps.sh install
deps-ok:
	@tools/deps.sh check || tools/deps.sh install
.PHONY: deps-ok

# ---- kernel objects ------------------------------------------------
$(BUILD)/k/%.c.o: %.c | deps-ok
	@mkdir -p $(dir $@); echo "  CC      $<"
	@$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/k/%.S.o: %.S | deps-ok
	@mkdir -p $(dir $@); echo "  AS      $<"
	@$(CC) $(KCFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@
$(BUILD)/k/core/crt/%.c.o: core/crt/%.c | deps-ok
	@mkdir -p $(dir $@); echo "  CC      $<"
	@$(CC) $(KCFLAGS) -Iinclude/crt -MMD -MP -c $< -o $@
$(BUILD)/a/%.c.o: %.c | deps-ok
	@mkdir -p $(dir $@); echo "  CC      $<"
	@$(CC) $(ACFLAGS) -MMD -MP -c $< -o $@

# Cold kernel code (boot, probing, xenstore/xenbus, diagnostics) is built
# for size: every image carries all of it, and a musl hello must stay
# within 200 KiB.  Data paths (scheduler, heap, virtio rings, drivers'
# I/O) stay at -O2; hypercall/bio and blkdev (rumpuser_bio's fd table,
# bounce copies by memcpy, the block registry's checks and queues) do not
# gain from it next to the device's own path, nor do Xen's split-driver
# rings and event channels next to a hypercall per notification.
KCOLD	:= platform/xen/xenstore platform/xen/xenbus platform/xen/xs_proto \
	   platform/xen/pv platform/xen/pvh platform/xen/common \
	   platform/xen/lifecycle platform/xen/pvmem platform/xen/console \
	   platform/xen/grant blkfront/blkfront netfront/netfront \
	   blkfront/blkring netfront/netring platform/xen/evtchn \
	   platform/virtio/clock \
	   platform/virtio/pci platform/virtio/vpci platform/virtio/vmmio \
	   platform/virtio/boot platform/virtio/vdev platform/virtio/irq \
	   platform/virtio/vrng platform/virtio/acpi core/printf core/cmdline \
	   core/panic core/main core/thread \
	   arch/x86_64/traps arch/x86_64/symbols arch/x86_64/boot \
	   core/lazy arch/x86_64/mmu core/stack core/page \
	   hypercall/init hypercall/random hypercall/bio hypercall/blkdev
$(patsubst %,$(BUILD)/k/%.c.o,$(KCOLD)): KCFLAGS += -Os
$(BUILD)/lib/libtandem.a: $(KOBJ)
	@mkdir -p $(dir $@)
	@echo "  AR      $@"; rm -f $@; $(AR) rcs $@ $^
$(BUILD)/lib/libtdcrt.a: $(CRTOBJ)
	@mkdir -p $(dir $@)
	@echo "  AR      $@"; rm -f $@; $(AR) rcs $@ $^

# ---- images: app objects + libtdcrt + libtandem, linked twice so the
# second pass embeds the symbol table of the first (for backtraces) ----
$(BUILD)/img/%.img: $(BUILD)/a/apps/%/main.c.o $(BUILD)/lib/libtandem.a \
		$(BUILD)/lib/libtdcrt.a arch/x86_64/image.lds tools/mksyms.sh tools/link-image.sh
	@mkdir -p $(dir $@) $(BUILD)/tmp; echo "  IMAGE   $@"
	@tools/link-image.sh $@ $(BUILD)/tmp/$*.syms $< $(BUILD)/lib/libtdcrt.a \
	    $(BUILD)/lib/libtandem.a

# Test-only images of tests/xen/ (pvcheck: platform/xen internals;
# xencheck: the split-driver plumbing): they look inside platform/xen.
$(BUILD)/a/tests/xen/%.c.o: tests/xen/%.c
	@mkdir -p $(dir $@); echo "  CC      $<"
	@$(CC) $(KCFLAGS) -Iplatform/xen -MMD -MP -c $< -o $@
$(patsubst %,$(BUILD)/img/%.img,$(XENTESTS)): $(BUILD)/img/%.img: \
		$(BUILD)/a/tests/xen/%.c.o $(BUILD)/lib/libtandem.a \
		$(BUILD)/lib/libtdcrt.a arch/x86_64/image.lds tools/link-image.sh
	@mkdir -p $(dir $@) $(BUILD)/tmp; echo "  IMAGE   $@"
	@tools/link-image.sh $@ $(BUILD)/tmp/$*.syms $< $(BUILD)/lib/libtdcrt.a \
	    $(BUILD)/lib/libtandem.a

# ---- libos, musl and the app toolchain (tandem-cc, tandem bake) ----
LOSRC	:= $(filter-out libos/hostfs.c,$(wildcard libos/*.c))
LOOBJ	:= $(patsubst %,$(BUILD)/lo/%.o,$(LOSRC))
# libos is kernel code for the FPU rule (never touches SSE, so it may
# run anywhere app state is live) and builds against the kernel's uapi
# headers only.
LOCFLAGS = $(KCFLAGS) -I$(BUILD)/gen
MUSLDEPS := libos/musl/build-musl.sh $(shell find libos/musl/overlay -type f)
TOOLCHAIN := $(BUILD)/musl/lib/libc.a $(BUILD)/lib/libos.a \
	$(BUILD)/bin/tandem-cc $(BUILD)/bin/tandem-link \
	$(BUILD)/lib/tandem/link-image.sh $(BUILD)/lib/tandem/mksyms.sh \
	$(BUILD)/lib/tandem/image.lds $(BUILD)/lib/tandem/bake.sh \
	$(patsubst configs/%,$(BUILD)/lib/tandem/configs/%,$(wildcard configs/*.conf))

$(BUILD)/gen/sysnames.h: libos/gensysnames.sh $(LOSRC)
	@mkdir -p $(dir $@); libos/gensysnames.sh $@
$(BUILD)/lo/libos/%.c.o: libos/%.c $(BUILD)/gen/sysnames.h | deps-ok
	@mkdir -p $(dir $@); echo "  CC      $<"
	@$(CC) $(LOCFLAGS) -MMD -MP -c $< -o $@
# libos is cold next to the data it moves: size over speed (-Os keeps a
# hello image within its 200 KiB budget), except the hot paths every
# system call and every read/write take.
LOHOT	:= syscall fd wait
$(filter-out $(patsubst %,$(BUILD)/lo/libos/%.c.o,$(LOHOT)),$(LOOBJ)): LOCFLAGS += -Os
$(BUILD)/lib/libos.a: $(LOOBJ)
	@mkdir -p $(dir $@)
	@echo "  AR      $@"; rm -f $@; $(AR) rcs $@ $^
# hostfs serves the host's files to posix programs only (tandem-link posix)
$(BUILD)/lib/libos-host.a: $(BUILD)/lo/libos/hostfs.c.o
	@mkdir -p $(dir $@)
	@echo "  AR      $@"; rm -f $@; $(AR) rcs $@ $^
$(BUILD)/musl/lib/libc.a: $(MUSLDEPS) | deps-ok
	@libos/musl/build-musl.sh $(BUILD)
	@touch $@
$(BUILD)/bin/tandem-cc $(BUILD)/bin/tandem-link: $(BUILD)/bin/%: bake/%
	@mkdir -p $(dir $@); install -m 755 $< $@
$(BUILD)/lib/tandem/%.sh: tools/%.sh
	@mkdir -p $(dir $@); install -m 755 $< $@
$(BUILD)/lib/tandem/bake.sh: bake/bake.sh
	@mkdir -p $(dir $@); install -m 755 $< $@
$(BUILD)/lib/tandem/image.lds: arch/x86_64/image.lds
	@mkdir -p $(dir $@); install -m 644 $< $@
$(BUILD)/lib/tandem/configs/%: configs/%
	@mkdir -p $(dir $@); install -m 644 $< $@
# platform posix for tandem-cc programs run on Linux (configure tests):
# core, hypercall and platform/posix without the machine platforms.
PXSRC	:= $(wildcard core/*.c hypercall/*.c) arch/x86_64/irq.c \
	   $(filter-out platform/posix/hosted.c platform/posix/appmode.c,\
	   $(wildcard platform/posix/*.c)) arch/x86_64/switch.S
PXOBJ	:= $(patsubst %,$(BUILD)/px/%.o,$(PXSRC))
PXCFLAGS = $(KCFLAGS) -fno-tree-loop-distribute-patterns
$(BUILD)/px/%.c.o: %.c | deps-ok
	@mkdir -p $(dir $@); echo "  CC      $< (posix)"
	@$(CC) $(PXCFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/px/%.S.o: %.S | deps-ok
	@mkdir -p $(dir $@); echo "  AS      $< (posix)"
	@$(CC) $(PXCFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@
$(BUILD)/lib/libtandem-posix.a: $(PXOBJ)
	@mkdir -p $(dir $@)
	@echo "  AR      $@"; rm -f $@; $(AR) rcs $@ $^
# _start plus the app-mode flag, as plain objects (see platform/posix)
$(BUILD)/lib/tandem/posix-start.o: platform/posix/start.S platform/posix/appmode.c | deps-ok
	@mkdir -p $(dir $@) $(BUILD)/px
	@$(CC) $(PXCFLAGS) -c platform/posix/start.S -o $(BUILD)/px/start.o
	@$(CC) $(PXCFLAGS) -c platform/posix/appmode.c -o $(BUILD)/px/appmode.o
	@ld -r -o $@ $(BUILD)/px/start.o $(BUILD)/px/appmode.o
TOOLCHAIN += $(BUILD)/lib/libtandem-posix.a $(BUILD)/lib/tandem/posix-start.o \
	$(BUILD)/lib/libos-host.a \
	$(BUILD)/lib/libtdnet.a $(BUILD)/lib/liblwip.a
toolchain: $(TOOLCHAIN) $(BUILD)/lib/libtandem.a

# Programs of tests/libos (plain C, built by tandem-cc) and their images.
$(BUILD)/lo-progs/%: tests/libos/progs/%.c $(TOOLCHAIN) $(BUILD)/lib/libtandem.a
	@mkdir -p $(dir $@); echo "  TDCC    $<"
	@$(BUILD)/bin/tandem-cc -O2 -g -Wall -o $@ $<
$(BUILD)/img/lo-%.img: $(BUILD)/lo-progs/% $(TOOLCHAIN)
	@echo "  BAKE    $@"
	@$(BUILD)/lib/tandem/bake.sh $< -o $@ \
	    $(if $(wildcard tests/libos/roots/$*),--root tests/libos/roots/$*) \
	    --config $$(sed -n 's|^/\* CONFIG: \(.*\) \*/$$|\1|p' \
	    tests/libos/progs/$*.c | grep . || echo base)
# tests/libos/roots/NAME/: the root baked into lo-NAME.img (and copied
# into the scratch directory of the Linux run); rebake when it changes
$(foreach r,$(notdir $(wildcard tests/libos/roots/*)),$(eval \
    $(BUILD)/img/lo-$(r).img: $(shell find tests/libos/roots/$(r) ! -type l)))
.PHONY: toolchain
# ---- libos/net: lwIP from Debian's source package (unmodified, built
# with our lwipopts.h and the kernel's flags: no SSE in network code) and
# the stack glue + sockets of libos/net/.  netecho: the echo appliance. --
LWIPMARK := $(BUILD)/src/.lwip.dir
NETSRC	:= $(wildcard libos/net/*.c)
NETOBJ	:= $(patsubst %,$(BUILD)/net/%.o,$(NETSRC))
$(LWIPMARK): | deps-ok
	@echo "  SRCPKG  lwip"; TANDEM_QUIET=1 tools/srcpkg.sh lwip $(BUILD)/src > /dev/null
$(BUILD)/net/%.c.o: %.c $(LWIPMARK) $(BUILD)/gen/sysnames.h
	@mkdir -p $(dir $@); echo "  CC      $<"
	@$(CC) $(KCFLAGS) -Ilibos/net -Ilibos/net/libc -Ilibos -I$(BUILD)/gen \
	    -I$$(cat $(LWIPMARK))/src/include -MMD -MP -c $< -o $@
$(BUILD)/lib/liblwip.a: $(LWIPMARK) libos/net/lwipopts.h libos/net/arch/cc.h \
		libos/net/build-lwip.sh
	@mkdir -p $(dir $@); echo "  LWIP    $@"
	@libos/net/build-lwip.sh $$(cat $(LWIPMARK)) $@ $(BUILD)/lwip $(KCFLAGS)
$(BUILD)/lib/libtdnet.a: $(NETOBJ)
	@mkdir -p $(dir $@)
	@echo "  AR      $@"; rm -f $@; $(AR) rcs $@ $^
$(BUILD)/a/apps/netecho/%.c.o: ACFLAGS += -Ilibos/net
NETECHO_OBJ := $(BUILD)/a/apps/netecho/main.c.o $(BUILD)/a/apps/netecho/selftest.c.o
$(BUILD)/img/netecho.img: $(NETECHO_OBJ) $(BUILD)/lib/libtdnet.a \
		$(BUILD)/lib/liblwip.a $(BUILD)/lib/libtandem.a \
		$(BUILD)/lib/libtdcrt.a arch/x86_64/image.lds tools/link-image.sh
	@mkdir -p $(dir $@) $(BUILD)/tmp; echo "  IMAGE   $@"
	@tools/link-image.sh $@ $(BUILD)/tmp/netecho.syms $(NETECHO_OBJ) \
	    --start-group $(BUILD)/lib/libtdnet.a $(BUILD)/lib/liblwip.a \
	    $(BUILD)/lib/libtdcrt.a --end-group $(BUILD)/lib/libtandem.a
# epecho: an ordinary epoll C program (apps/epecho) baked with `net`;
# also built natively for Linux (tests/net, bench/netstack.sh)
$(BUILD)/epecho/epecho: apps/epecho/epecho.c $(TOOLCHAIN) $(BUILD)/lib/libtandem.a
	@mkdir -p $(dir $@); echo "  TDCC    $<"
	@$(BUILD)/bin/tandem-cc -O2 -g -Wall -o $@ $<
$(BUILD)/img/epecho.img: $(BUILD)/epecho/epecho $(TOOLCHAIN)
	@echo "  BAKE    $@"
	@$(BUILD)/lib/tandem/bake.sh $< -o $@ --config net
$(BUILD)/epecho/epecho-linux: apps/epecho/epecho.c
	@mkdir -p $(dir $@); echo "  CC      $< (Linux)"
	@$(CC) -std=gnu11 -O2 -g -Wall -o $@ $<
all: $(BUILD)/epecho/epecho-linux

# kvmprobe: what `tandem probe-kvm` boots by default (apps/kvmprobe)
$(BUILD)/kvmprobe/kvmprobe: apps/kvmprobe/main.c $(TOOLCHAIN) $(BUILD)/lib/libtandem.a
	@mkdir -p $(dir $@); echo "  TDCC    $<"
	@$(BUILD)/bin/tandem-cc -O2 -g -Wall -o $@ $<
$(BUILD)/img/kvmprobe.img: $(BUILD)/kvmprobe/kvmprobe $(TOOLCHAIN)
	@echo "  BAKE    $@"
	@$(BUILD)/lib/tandem/bake.sh $< -o $@
all: $(BUILD)/img/kvmprobe.img

# Hardening test programs (tests/libos/harden.sh): each does one bad
# thing and must end in a clear panic.
HDPROGS	:= $(patsubst tests/libos/harden/%.c,%,$(wildcard tests/libos/harden/*.c))
all: $(patsubst %,$(BUILD)/img/hd-%.img,$(HDPROGS))
$(BUILD)/hd-progs/%: tests/libos/harden/%.c $(TOOLCHAIN) $(BUILD)/lib/libtandem.a
	@mkdir -p $(dir $@); echo "  TDCC    $<"
	@$(BUILD)/bin/tandem-cc -O2 -g -Wall -o $@ $<
$(BUILD)/img/hd-%.img: $(BUILD)/hd-progs/% $(TOOLCHAIN)
	@echo "  BAKE    $@"
	@$(BUILD)/lib/tandem/bake.sh $< -o $@

# ---- libos/fs: ext2/3/4 on libext2fs (Debian's e2fsprogs, built with
# tandem-cc by libos/fs/build-ext2fs.sh) for images of config `fs` -----
EXT2T	:= $(BUILD)/ext2fs-tandem
FSSRC	:= $(wildcard libos/fs/*.c)
FSOBJ	:= $(patsubst %,$(BUILD)/fs/%.o,$(FSSRC))
$(EXT2T)/lib/libext2fs.a: libos/fs/build-ext2fs.sh | toolchain
	@echo "  EXT2FS  $@ (tandem-cc)"
	@libos/fs/build-ext2fs.sh $(abspath $(BUILD))/bin/tandem-cc $(EXT2T) -O2 -g
$(BUILD)/fs/%.c.o: %.c $(EXT2T)/lib/libext2fs.a
	@mkdir -p $(dir $@); echo "  TDCC    $<"
	@$(BUILD)/bin/tandem-cc -O2 -g -Wall -Iinclude -I$(EXT2T)/include \
	    -MMD -MP -c $< -o $@
$(BUILD)/lib/libosfs.a: $(FSOBJ)
	@mkdir -p $(dir $@)
	@echo "  AR      $@"; rm -f $@; $(AR) rcs $@ $^

# ---- the appliances: nginx and redis from Debian's source packages,
# built with their own build systems and tandem-cc (apps/*/build.sh
# caches the build; the bake always runs) ----
$(BUILD)/img/nginx.img: apps/nginx/build.sh $(shell find apps/nginx/root) \
		$(TOOLCHAIN) $(BUILD)/lib/libtandem.a
	@apps/nginx/build.sh $(BUILD)
$(BUILD)/img/redis.img: apps/redis/build.sh $(shell find apps/redis/root) \
		$(TOOLCHAIN) $(BUILD)/lib/libosfs.a $(BUILD)/lib/libtandem.a
	@apps/redis/build.sh $(BUILD)

# ---- launcher ------------------------------------------------------
TANDEM_SH := tools/tandem-xen.sh tools/tandem-qemu.sh tools/tandem-image.sh \
	     tools/tandem-config.sh
$(BUILD)/bin/tandem: tools/tandem $(TANDEM_SH) $(BUILD)/bin/tandem-inspect \
		$(BUILD)/bin/tandem-exec
	@mkdir -p $(dir $@)
	@install -m 755 tools/tandem $@
	@install -m 644 $(TANDEM_SH) $(BUILD)/bin/
# the launcher's one look at an image before QEMU starts, and how it
# starts QEMU under TCG (no transparent huge pages)
$(BUILD)/bin/tandem-inspect $(BUILD)/bin/tandem-exec: $(BUILD)/bin/%: tools/%.c
	@mkdir -p $(dir $@); echo "  CC      $<"
	@$(CC) -std=gnu11 -O2 -g -Wall -Wextra -o $@ $<
# `tandem run libvirt`: libvirt's C API (libvirt-dev)
$(BUILD)/bin/tandem-libvirt: tools/tandem-libvirt.c | deps-ok
	@mkdir -p $(dir $@); echo "  CC      $<"
	@$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -o $@ $< -lvirt

# ---- tests -----------------------------------------------------------
check: all
	tests/run-all.sh $(BUILD)

unit: deps-ok
	tests/unit/run.sh $(BUILD)

net-check: all
	tests/net/run.sh $(BUILD)
# ext2/3/4 (libos/fs) on platform posix and in QEMU guests (needs the
# toolchain and libosfs.a); FS_FUZZ_N=1000 for a quick run
fs-check: all
	tests/fs/run.sh $(BUILD)

demo: all
	@apps/nginx/demo.sh $(BUILD)

# The same nginx.img as Xen PV and PVH guests, its page fetched from dom0
# (Xen-in-QEMU here; ~2 min, and the first time it fetches Xen and a dom0
# kernel from the Debian archive).
demo-xen: all
	@apps/nginx/demo-xen.sh $(BUILD)

bench: all
	bench/boot.sh $(BUILD)
	bench/hypercall.sh $(BUILD)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/k $(BUILD)/a $(BUILD)/lo $(BUILD)/px $(BUILD)/net $(BUILD)/fs -name '*.d' -type f 2>/dev/null)
