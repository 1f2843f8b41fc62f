# Tandem overlay: vfork is a call into libos (which has no processes and
# answers -ENOSYS); __syscall_ret turns that into errno.
	.text
	.global	vfork
	.type	vfork, @function
vfork:
	sub	$8, %rsp		# align the stack for the call
	mov	$58, %edi		# SYS_vfork
	call	__tandem_syscall
	add	$8, %rsp
	mov	%rax, %rdi
	.hidden	__syscall_ret
	jmp	__syscall_ret
	.size	vfork, . - vfork
