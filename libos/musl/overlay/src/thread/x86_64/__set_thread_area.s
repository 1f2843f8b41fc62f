# Tandem overlay: __set_thread_area(p) is arch_prctl(ARCH_SET_FS, p),
# made as a call into libos instead of a trap.
	.text
	.global	__set_thread_area
	.hidden	__set_thread_area
	.type	__set_thread_area, @function
__set_thread_area:
	mov	%rdi, %rdx		# a2: the new FS base
	mov	$0x1002, %esi		# a1: ARCH_SET_FS
	mov	$158, %edi		# SYS_arch_prctl
	jmp	__tandem_syscall
	.size	__set_thread_area, . - __set_thread_area
