/* Hardening: the stack-protector canary musl took from AT_RANDOM.  The
 * test boots this twice with an entropy source and wants two different
 * values (and never 0). */
/* STATUS: 0 */
#include <stdint.h>
#include <stdio.h>

int
main(void)
{
	uintptr_t c;

	__asm__ volatile("mov %%fs:0x28, %0" : "=r"(c));
	printf("canary %016lx\n", (unsigned long)c);
	return c == 0;
}
