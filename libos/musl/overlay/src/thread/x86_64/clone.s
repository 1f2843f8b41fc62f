# Tandem overlay: __clone(fn, stack, flags, arg, ptid, tls, ctid) has the
# C calling convention already; libos starts a thread that runs fn(arg)
# on `stack` with FS base `tls` and returns its tid (or -errno).
	.text
	.global	__clone
	.hidden	__clone
	.type	__clone, @function
__clone:
	jmp	__tandem_clone
	.size	__clone, . - __clone
