/* th_random: getrandom with its flags, as Linux answers. */
/* STATUS: 0 */
/* BOOT: --cpu max */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#ifndef GRND_INSECURE
#define GRND_INSECURE	4
#endif

static const char *
ename(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case EAGAIN: return "EAGAIN";
	default: return strerror(e);
	}
}

static const char *
res(ssize_t r)
{
	static char b[32];

	if (r < 0)
		return ename(errno);
	snprintf(b, sizeof(b), "%zd", r);
	return b;
}

int
main(int argc, char **argv)
{
	unsigned char a[64], b[64], big[100000];
	int i, zero = 0;

	/* "nonblock" (tests/libos/extra-thr.sh): a guest without any
	 * entropy source must not block when told not to */
	if (argc > 1 && strcmp(argv[1], "nonblock") == 0) {
		printf("NONBLOCK: %s\n", res(getrandom(a, 16, GRND_NONBLOCK)));
		printf("INSECURE: %s\n", res(getrandom(a, 16, GRND_INSECURE)));
		return 0;
	}

	printf("getrandom 64: %s\n", res(getrandom(a, sizeof(a), 0)));
	printf("again: %s\n", res(getrandom(b, sizeof(b), 0)));
	printf("two draws differ: %s\n", memcmp(a, b, sizeof(a)) ? "yes" : "no");
	printf("NONBLOCK: %s\n", res(getrandom(a, 16, GRND_NONBLOCK)));
	printf("RANDOM: %s\n", res(getrandom(a, 16, GRND_RANDOM)));
	printf("RANDOM|NONBLOCK: %s\n",
	    res(getrandom(a, 16, GRND_RANDOM | GRND_NONBLOCK)));
	printf("length 0: %s\n", res(getrandom(a, 0, 0)));
	printf("bad flags: %s\n", res(getrandom(a, 16, 0x100)));
	memset(big, 0, sizeof(big));
	printf("100000 bytes: %s\n", res(getrandom(big, sizeof(big), 0)));
	for (i = 0; i < (int)sizeof(big); i++)
		zero += big[i] == 0;
	printf("zero bytes about 1/256: %s\n",
	    zero > 200 && zero < 700 ? "yes" : "no");
	return 0;
}
