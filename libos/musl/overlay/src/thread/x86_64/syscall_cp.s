# Tandem overlay: a cancellation-point system call.
# __syscall_cp_asm(&cancel, nr, a1, a2, a3, a4, a5, a6): if the thread
# has a pending cancel, cancel now; otherwise the call into libos, a tail
# call with the arguments moved one place left.  libos never interrupts a
# thread asynchronously, so cancellation acts at the start of the call.
	.text
	.global	__cp_begin
	.hidden	__cp_begin
	.global	__cp_end
	.hidden	__cp_end
	.global	__cp_cancel
	.hidden	__cp_cancel
	.hidden	__cancel
	.global	__syscall_cp_asm
	.hidden	__syscall_cp_asm
	.type	__syscall_cp_asm, @function
__syscall_cp_asm:
__cp_begin:
	mov	(%rdi), %eax
	test	%eax, %eax
	jnz	__cp_cancel
	mov	%rsi, %rdi		# nr
	mov	%rdx, %rsi		# a1
	mov	%rcx, %rdx		# a2
	mov	%r8, %rcx		# a3
	mov	%r9, %r8		# a4
	mov	8(%rsp), %r9		# a5
	mov	16(%rsp), %rax		# a6 becomes the 7th argument,
	mov	%rax, 8(%rsp)		# in the caller's argument area
	jmp	__tandem_syscall
__cp_end:
	ret
__cp_cancel:
	jmp	__cancel
	.size	__syscall_cp_asm, . - __syscall_cp_asm
