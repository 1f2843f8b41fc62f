/* Hardening: unbounded recursion in another thread (a core thread named
 * "deep", created through core's API, which every image links) runs
 * into the guard page under that thread's stack.  Expected: status 255,
 * "stack overflow in thread deep", dive in the report. */
/* EXPECT: tandem: fault: stack overflow in thread deep */
/* EXPECT: panic: [a-z ]+ at dive\+ */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Winfinite-recursion"

struct td_thread;
struct td_thread *td_thread_create(const char *, void (*)(void *), void *,
    size_t, int);
int	td_thread_join(struct td_thread *);

int __attribute__((noinline))
dive(int n)
{
	volatile char pad[200];

	memset((char *)pad, n, sizeof(pad));
	return dive(n + 1) + pad[n % 200];
}

static void
deep(void *arg)
{
	printf("%d\n", dive(0));
}

int
main(void)
{
	struct td_thread *t;

	puts("recursing in thread deep");
	fflush(stdout);
	t = td_thread_create("deep", deep, NULL, 0, 1);
	if (t == NULL) {
		puts("no thread");
		return 1;
	}
	td_thread_join(t);
	puts("thread returned");
	return 0;
}
