# Tandem overlay: a detached thread frees its own stack and ends.  The
# thread is still running on that stack, so libos defers the free until
# the thread is gone; this never returns.
	.text
	.global	__unmapself
	.type	__unmapself, @function
__unmapself:
	jmp	__tandem_unmapself
	.size	__unmapself, . - __unmapself
