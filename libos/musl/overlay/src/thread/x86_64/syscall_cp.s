# Tandem overlay: a cancellation-point system call.
# __syscall_cp_asm(&cancel, nr, a1, a2, a3, a4, a5, a6): if the thread
# has a pending cancel, cancel now; otherwise the call into libos with
# the arguments moved one place left.  The call sits between __cp_begin
# and __cp_end as musl's `syscall` instruction would: when SIGCANCEL's
# handler runs at the end of the call, the return address it is shown
# (the ucontext's RIP) is inside, so it redirects it to __cp_cancel and
# libos returns there (libos/signal.c) -- a thread blocked in a
# cancellation point is cancelled, as on Linux.
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
	jnz	2f
	mov	%rsi, %rdi		# nr
	mov	%rdx, %rsi		# a1
	mov	%rcx, %rdx		# a2
	mov	%r8, %rcx		# a3
	mov	%r9, %r8		# a4
	mov	8(%rsp), %r9		# a5
	push	16(%rsp)		# a6: the 7th argument (aligns the call)
	call	__tandem_syscall
	add	$8, %rsp
__cp_end:
	ret
__cp_cancel:				# only as the call's return address
	add	$8, %rsp		# the 7th argument's slot
2:	jmp	__cancel
	.size	__syscall_cp_asm, . - __syscall_cp_asm
