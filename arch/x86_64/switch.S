/*
 * switch.S -- thread context switch, plain SysV x86_64.
 *
 * Only the callee-saved registers survive a call, so a switch pushes
 * those on the old stack, stores rsp in the old context, loads the new
 * rsp and pops.  Nothing here is privileged: platform/posix uses the
 * same code inside a Linux process.
 *
 * App threads use SSE and x87, and a switch keeps all of it: the old
 * thread's FXSAVE image goes on its own stack below the pushed
 * registers, the new thread's comes back with FXRSTOR.  The ABI would
 * let a switch keep only the callee-saved part (MXCSR control bits and
 * the x87 control word), but reading those needs STMXCSR/FNSTCW and
 * LDMXCSR/FLDCW, which some hypervisors cannot emulate: a software KVM
 * (kvm_pvm) emulates a batch of instructions after each exit, and a
 * switch right after a WRMSR or HLT ended the guest with "emulation
 * failure".  KVM's emulator does know FXSAVE/FXRSTOR.  The cost is
 * 512 bytes each way per switch, one instruction each.  Interrupt
 * handlers never touch the FPU (kernel code is built
 * -mgeneral-regs-only) and never switch threads.
 */
	.text

/* The FXSAVE area (512 bytes) plus 8 that bring it to a 16-byte
 * boundary: rsp is 8 past one at entry and six pushes keep it so. */
#define FXFRAME	520

/* void arch_switch(struct arch_ctx *from, struct arch_ctx *to) */
	.globl	arch_switch
	.type	arch_switch, @function
arch_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$FXFRAME, %rsp		/* 16-aligned: FXSAVE needs it */
	fxsave64 (%rsp)
	movq	%rsp, (%rdi)
	movq	(%rsi), %rsp
	fxrstor64 (%rsp)
	addq	$FXFRAME, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	arch_switch, . - arch_switch

/*
 * void arch_ctx_init(struct arch_ctx *ctx, void *stack_top,
 *     void (*fn)(void *), void *arg)
 *
 * Builds the frame arch_switch pops: a clean FXSAVE image (x87 control
 * word 0x37f and MXCSR 0x1f80 as the ABI starts a program, every
 * register empty), r13 = fn, r12 = arg, rbp = 0 (ends backtraces),
 * return address = arch_thread_entry.  After that ret, rsp is 16-byte
 * aligned, so the call there enters fn as the ABI wants.
 */
	.globl	arch_ctx_init
	.type	arch_ctx_init, @function
arch_ctx_init:
	andq	$-16, %rsi
	leaq	arch_thread_entry(%rip), %rax
	movq	%rax, -8(%rsi)
	movq	$0, -16(%rsi)		/* rbp */
	movq	$0, -24(%rsi)		/* rbx */
	movq	%rcx, -32(%rsi)		/* r12: arg */
	movq	%rdx, -40(%rsi)		/* r13: fn */
	movq	$0, -48(%rsi)		/* r14 */
	movq	$0, -56(%rsi)		/* r15 */
	leaq	-56-FXFRAME(%rsi), %rax
	movq	%rax, (%rdi)
	movq	%rax, %rdi		/* zero the FXSAVE image */
	movq	%rax, %rdx
	movl	$FXFRAME / 8, %ecx
	xorl	%eax, %eax
	cld
	rep stosq
	movw	$0x037f, (%rdx)		/* FCW: the ABI's default */
	movl	$0x1f80, 24(%rdx)	/* MXCSR: all exceptions masked */
	ret
	.size	arch_ctx_init, . - arch_ctx_init

	.type	arch_thread_entry, @function
arch_thread_entry:
	movq	%r12, %rdi
	callq	*%r13
	ud2				/* fn must not return */
	.size	arch_thread_entry, . - arch_thread_entry

	.section .note.GNU-stack, "", @progbits
