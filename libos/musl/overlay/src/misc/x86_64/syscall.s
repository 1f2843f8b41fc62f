# Tandem overlay: syscall(2), musl's variadic wrapper, without the
# va_list walk (about 35 instructions of every call).  On x86_64 a
# variadic call passes n and the six arguments where a plain one does
# (%rdi..%r9, the sixth on the stack), which is exactly what
# __tandem_syscall(n, a1..a6) takes: the sixth is copied down one slot
# (that also keeps the call 16-byte aligned), and the result goes
# through __syscall_ret for errno, as musl's C version does.
	.text
	.global	syscall
	.type	syscall, @function
	.hidden	__syscall_ret
syscall:
	push	8(%rsp)			# a6, as __tandem_syscall's 7th
	call	__tandem_syscall
	add	$8, %rsp
	mov	%rax, %rdi
	jmp	__syscall_ret
	.size	syscall, . - syscall
