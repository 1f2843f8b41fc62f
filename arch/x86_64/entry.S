/*
 * entry.S -- the two ways into a Tandem image.
 *
 *   pvh_start32  XEN_ELFNOTE_PHYS32_ENTRY: QEMU -kernel (PVH boot) and Xen
 *                PVH.  32-bit protected mode, paging off, %ebx = physical
 *                address of struct hvm_start_info; nothing else is defined
 *                (Xen PVH: selectors 0, %esp 0), so we bring our own GDT,
 *                stack and page tables.
 *   pv_start64   XEN_ELFNOTE_ENTRY: Xen PV.  Long mode, ring 3 kernel mode,
 *                paging on with the builder's tables (VA == pseudo-physical
 *                because VIRT_BASE = PADDR_OFFSET = 0), %rsi = start_info.
 *
 * Both end in arch_boot(kind, info) on the boot stack.
 */
#include <xen/elfnote.h>

/* Notes stay 4-aligned: QEMU aligns the note name to the PT_NOTE's
 * p_align, and an 8-aligned segment makes it miss the PVH note. */
#define ELFNOTE(type, desc)					\
	.pushsection .note.Xen, "a", @note; .balign 4;		\
	.long 2f - 1f; .long 4f - 3f; .long type;		\
1:	.asciz "Xen"; 2: .balign 4; 3: desc; 4: .balign 4; .popsection

ELFNOTE(XEN_ELFNOTE_GUEST_OS,       .asciz "Tandem")
ELFNOTE(XEN_ELFNOTE_GUEST_VERSION,  .asciz "0.1")
/* libelf wants both XEN_VERSION and LOADER for a non-Linux image */
ELFNOTE(XEN_ELFNOTE_XEN_VERSION,    .asciz "xen-3.0")
ELFNOTE(XEN_ELFNOTE_LOADER,         .asciz "generic")
ELFNOTE(XEN_ELFNOTE_VIRT_BASE,      .quad 0)
ELFNOTE(XEN_ELFNOTE_PADDR_OFFSET,   .quad 0)
ELFNOTE(XEN_ELFNOTE_ENTRY,          .quad pv_start64)
ELFNOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page)
ELFNOTE(XEN_ELFNOTE_FEATURES,       .asciz "!writable_page_tables")
/* QEMU reads a 64-bit value for an ELF64 image; libelf takes 1..8 bytes */
ELFNOTE(XEN_ELFNOTE_PHYS32_ENTRY,   .quad pvh_start32)

#define CR0_PE		0x00000001
#define CR0_MP		0x00000002
#define CR0_EM		0x00000004
#define CR0_NE		0x00000020
#define CR0_WP		0x00010000
#define CR0_PG		0x80000000
#define CR4_PAE		0x00000020
#define CR4_OSFXSR	0x00000200
#define CR4_OSXMMEXCPT	0x00000400
#define MSR_EFER	0xc0000080
#define EFER_LME	0x00000100
#define EFER_NXE	0x00000800

	.section .text.entry, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	cli
	cld
	/* we run at our link address (== physical), absolute refs are fine */
	mov	%ebx, arch_entry_info
	rdtsc
	mov	%eax, arch_entry_tsc
	mov	%edx, arch_entry_tsc + 4
	movl	$1, arch_entry_kind
	mov	$boot_stack_top, %esp

	/* Identity map 0..4 GiB with 2 MiB pages.  4 GiB, not 1: Xen PVH
	 * puts its console and xenstore pages just below 0xff000000, and
	 * the LAPIC sits at 0xfee00000.
	 * The tables are in .bss, which every loader (QEMU's -kernel, Xen's
	 * domain builder) hands over zeroed, as the ELF program header asks:
	 * no clearing here (a software KVM interprets ring-0 code, where
	 * clearing 28 KiB cost ~20 ms).
	 */
	movl	$(boot_pdpt + 0x3), boot_pml4
	mov	$(boot_pd + 0x3), %eax
	mov	$boot_pdpt, %edi
	mov	$4, %ecx
1:	mov	%eax, (%edi)
	add	$0x1000, %eax
	add	$8, %edi
	loop	1b
	/* the first 2 MiB in 4 KiB pages, so that arch_traps_init can
	 * unmap page 0 once the boot info (QEMU puts it there) is read */
	mov	$0x0003, %eax			/* P | RW */
	mov	$boot_pt0, %edi
	mov	$512, %ecx
5:	mov	%eax, (%edi)
	add	$0x1000, %eax
	add	$8, %edi
	loop	5b
	mov	$boot_pd, %edi
	mov	$0x83, %eax			/* P | RW | PS */
	xor	%edx, %edx			/* high dword of the frame */
	mov	$2048, %ecx
2:	mov	%eax, (%edi)
	mov	%edx, 4(%edi)
	add	$0x200000, %eax
	adc	$0, %edx
	add	$8, %edi
	loop	2b
	movl	$(boot_pt0 + 0x3), boot_pd	/* PD[0] -> the 4 KiB table */
	movl	$0, boot_pd + 4

	mov	%cr4, %eax
	or	$(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	mov	%eax, %cr4
	mov	$boot_pml4, %eax
	mov	%eax, %cr3
	/* NX only where the CPU has it (CPUID 0x80000001 EDX bit 20):
	 * with EFER.NXE clear, bit 63 of a PTE is reserved and faults */
	mov	$0x80000000, %eax
	cpuid
	xor	%esi, %esi
	cmp	$0x80000001, %eax
	jb	6f
	mov	$0x80000001, %eax
	cpuid
	bt	$20, %edx
	jnc	6f
	mov	$EFER_NXE, %esi
6:	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	or	%esi, %eax
	wrmsr
	mov	%cr0, %eax
	and	$~CR0_EM, %eax
	/* WP: read-only pages are read-only for ring 0 too (W^X) */
	or	$(CR0_PG | CR0_PE | CR0_MP | CR0_NE | CR0_WP), %eax
	mov	%eax, %cr0
	lgdt	boot_gdt_desc
	ljmp	$0x08, $3f

	.code64
3:	mov	$0x10, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	mov	$boot_stack_top, %rsp
	xor	%ebp, %ebp			/* ends backtraces */
	fninit
	mov	$1, %edi
	mov	arch_entry_info(%rip), %esi	/* zero-extended */
	call	arch_boot
4:	cli
	hlt
	jmp	4b

	.code64
	.globl pv_start64
pv_start64:
	cld
	mov	%rsi, arch_entry_info(%rip)
	rdtsc
	mov	%eax, arch_entry_tsc(%rip)
	mov	%edx, arch_entry_tsc + 4(%rip)
	movl	$2, arch_entry_kind(%rip)
	lea	boot_stack_top(%rip), %rsp
	xor	%ebp, %ebp
	mov	$2, %edi
	mov	arch_entry_info(%rip), %rsi
	call	arch_boot
5:	jmp	5b

	.section .rodata
	.balign 16
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff		/* 0x08: 64-bit code, DPL 0 */
	.quad	0x00cf92000000ffff		/* 0x10: flat data */
boot_gdt_end:
boot_gdt_desc:
	.word	boot_gdt_end - boot_gdt - 1
	.quad	boot_gdt

	.data
	.balign 8
	.globl arch_entry_info, arch_entry_tsc, arch_entry_kind
arch_entry_info:	.quad 0
arch_entry_tsc:		.quad 0
arch_entry_kind:	.long 0

	.bss
	.balign 4096
	/* PV: filled by the domain builder (XEN_ELFNOTE_HYPERCALL_PAGE);
	 * PVH: filled by Xen once its address is written to the MSR that
	 * CPUID leaf base+2 names. */
	.globl hypercall_page
hypercall_page:	.skip 4096
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
	.globl boot_pd
boot_pd:	.skip 4 * 4096
	.globl boot_pt0
boot_pt0:	.skip 4096
	.globl boot_stack, boot_stack_top
boot_stack:	.skip 65536
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
