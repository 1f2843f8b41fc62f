/*
 * start.S -- platform posix entered straight from the kernel, for
 * freestanding static links (gcc -nostdlib -static): no C library runs
 * before Tandem.  The kernel leaves (x86_64 psABI, "Process
 * Initialization"): argc at (%rsp), argv[] after it, NULL, then envp[],
 * NULL, then the aux vector; rsp is 16-byte aligned, rdx holds a
 * function for atexit (none here: ignored).
 */
	.text
	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp		/* outermost frame: backtraces stop */
	movq	(%rsp), %rdi		/* argc */
	leaq	8(%rsp), %rsi		/* argv */
	leaq	16(%rsp,%rdi,8), %rdx	/* envp = argv + argc + 1 */
	andq	$-16, %rsp		/* the ABI's alignment at a call */
	call	posix_start
	ud2				/* posix_start never returns */
	.size	_start, . - _start

	.section .note.GNU-stack, "", @progbits
