/*
 * traps.S -- interrupt and exception entry stubs.
 *
 * Ring 0 (QEMU, Xen PVH): the CPU pushes ss, rsp, rflags, cs, rip and for
 * some exceptions an error code; each stub evens that out with a dummy
 * error code, pushes its vector and joins trap_common, which builds a
 * struct trapframe (see traps.c) and calls arch_trap(frame).
 *
 * Xen PV: Xen bounces exceptions and the event upcall to the guest kernel
 * with rcx and r11 pushed on top of the same frame.  The PV stubs pop
 * those two first, so both paths share trap_common.  PV returns through
 * HYPERVISOR_iret, which also restores the event mask from the saved
 * RFLAGS.IF atomically -- that is what makes the unmask race harmless on
 * return from an upcall.
 */
#define __HYPERVISOR_iret 23

	.text

.macro TRAP_NOERR vec
	.balign 16
	pushq	$0
	pushq	$\vec
	jmp	trap_common
.endm
.macro TRAP_ERR vec
	.balign 16
	pushq	$\vec
	jmp	trap_common
.endm

	/* 32 ring-0 exception stubs, 16 bytes apart, then 224 interrupt
	 * stubs 8 bytes apart (vector - 128 fits a push's imm8; irq_common
	 * adds the error code): idt_init (traps.c) computes them */
	.balign 16
	.globl trap_stubs
trap_stubs:
	.set v, 0
	.rept 32
	.if (v == 8) || (v >= 10 && v <= 14) || (v == 17) || (v == 21) || (v == 29) || (v == 30)
	TRAP_ERR v
	.else
	TRAP_NOERR v
	.endif
	.set v, v + 1
	.endr
	.balign 8
	.globl irq_stubs
irq_stubs:
	.rept 224
	.balign 8
	pushq	$(v - 128)
	jmp	irq_common
	.set v, v + 1
	.endr

irq_common:
	pushq	(%rsp)			/* vector - 128, twice */
	movq	$0, 8(%rsp)		/* the error code */
	addq	$128, (%rsp)		/* the vector */

trap_common:
	cld				/* the ABI wants DF clear; memmove sets it */
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %rdi
	/* frame pointer chain for backtraces: link to the interrupted rbp */
	mov	%rsp, %rbx
	and	$~15, %rsp
	call	arch_trap
	mov	%rbx, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	add	$16, %rsp			/* vector, error code */
	/* (flags are free here: iret restores them from the frame) */
	cmpl	$1, arch_irq_mode(%rip)		/* ARCH_IRQ_XENPV */
	je	1f
	iretq
1:	pushq	$0				/* iret flags: not in syscall */
	jmp	hypercall_page + __HYPERVISOR_iret * 32

/* Xen PV exception stubs, 24 bytes apart: drop Xen's rcx/r11, then as
 * ring 0. */
.macro PVTRAP_NOERR vec
0:	mov	(%rsp), %rcx
	mov	8(%rsp), %r11
	add	$16, %rsp
	pushq	$0
	pushq	$\vec
	jmp	trap_common
	.skip	24 - (. - 0b), 0x90
.endm
.macro PVTRAP_ERR vec
0:	mov	(%rsp), %rcx
	mov	8(%rsp), %r11
	add	$16, %rsp
	pushq	$\vec
	jmp	trap_common
	.skip	24 - (. - 0b), 0x90
.endm

	.balign 8
	.globl pv_trap_stubs
pv_trap_stubs:
	.set v, 0
	.rept 32
	.if (v == 8) || (v >= 10 && v <= 14) || (v == 17) || (v == 21) || (v == 29) || (v == 30)
	PVTRAP_ERR v
	.else
	PVTRAP_NOERR v
	.endif
	.set v, v + 1
	.endr

	/* Xen PV event upcall: vector 256 marks it for arch_trap */
	.balign 32
	.globl pv_event_callback
pv_event_callback:
	mov	(%rsp), %rcx
	mov	8(%rsp), %r11
	add	$16, %rsp
	pushq	$0
	pushq	$256
	jmp	trap_common

	/* Xen PV failsafe: a bad segment on return; nothing to repair */
	.balign 32
	.globl pv_failsafe_callback
pv_failsafe_callback:
	mov	(%rsp), %rcx
	mov	8(%rsp), %r11
	add	$16, %rsp
	pushq	$0
	pushq	$257
	jmp	trap_common

	.section .note.GNU-stack, "", @progbits
