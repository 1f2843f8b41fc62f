/*
 * switch.S -- thread context switch, plain SysV x86_64.
 *
 * Only the callee-saved registers survive a call, so a switch pushes
 * those on the old stack, stores rsp in the old context, loads the new
 * rsp and pops.  Nothing here is privileged: platform/posix uses the
 * same code inside a Linux process.
 *
 * App threads use SSE and x87.  A switch is a function call, and the
 * SysV ABI makes every vector and x87 register caller-saved, so the only
 * FPU state a thread can expect to survive it is what the ABI calls
 * callee-saved: the MXCSR control bits and the x87 control word (an app
 * may change rounding or exception masks).  Those two travel in one
 * 8-byte slot of the frame.  Interrupt handlers never touch the FPU
 * (kernel code is built -mgeneral-regs-only) and never switch threads.
 */
	.text

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
	subq	$8, %rsp
	stmxcsr	4(%rsp)
	fnstcw	(%rsp)
	movq	%rsp, (%rdi)
	movq	(%rsi), %rsp
	ldmxcsr	4(%rsp)
	fldcw	(%rsp)
	addq	$8, %rsp
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
 * Builds the frame arch_switch pops: the FPU control words at their
 * initial values, r13 = fn, r12 = arg, rbp = 0 (ends backtraces),
 * return address = arch_thread_entry.  After that ret, rsp
 * is 16-byte aligned, so the call there enters fn as the ABI wants.
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
	movl	$0x1f80, -60(%rsi)	/* MXCSR: all exceptions masked */
	movl	$0x037f, -64(%rsi)	/* x87 CW: the ABI's default */
	leaq	-64(%rsi), %rax
	movq	%rax, (%rdi)
	ret
	.size	arch_ctx_init, . - arch_ctx_init

	.type	arch_thread_entry, @function
arch_thread_entry:
	movq	%r12, %rdi
	callq	*%r13
	ud2				/* fn must not return */
	.size	arch_thread_entry, . - arch_thread_entry

	.section .note.GNU-stack, "", @progbits
