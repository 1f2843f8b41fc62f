# Tandem overlay: libos runs signal handlers as plain calls and returns
# from them itself, so the restorer musl installs is never used; if
# anything jumps here, libos reports rt_sigreturn as a fatal misuse.
	.text
	.global	__restore_rt
	.hidden	__restore_rt
	.type	__restore_rt, @function
__restore_rt:
	mov	$15, %edi		# SYS_rt_sigreturn
	jmp	__tandem_syscall
	.size	__restore_rt, . - __restore_rt
