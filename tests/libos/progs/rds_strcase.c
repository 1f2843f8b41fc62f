/*
 * strcasecmp/strncasecmp as redis uses them (command lookup), the same on
 * Tandem as natively with Debian's musl-gcc: every pair of single bytes,
 * prefixes and lengths, folded into checksums, plus the signs of a few
 * known cases.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

static unsigned long
mix(unsigned long h, int v)
{
	return (h ^ (unsigned)v) * 1099511628211UL;
}

int
main(void)
{
	unsigned long h1 = 14695981039346656037UL, h2 = h1;
	char a[4], b[4];
	int x, y;
	size_t n;

	for (x = 0; x < 256; x++) {
		for (y = 0; y < 256; y++) {
			a[0] = 'q'; a[1] = (char)x; a[2] = 'Z'; a[3] = 0;
			b[0] = 'Q'; b[1] = (char)y; b[2] = 'z'; b[3] = 0;
			h1 = mix(h1, strcasecmp(a, b));
			for (n = 0; n < 5; n++)
				h2 = mix(h2, strncasecmp(a, b, n));
			a[1] = 0;
			h1 = mix(h1, strcasecmp(a, b));
			h2 = mix(h2, strncasecmp(b, a, 3));
		}
	}
	printf("strcasecmp %016lx\nstrncasecmp %016lx\n", h1, h2);
	printf("%d %d %d %d\n", strcasecmp("GET", "get") == 0,
	    strcasecmp("abc", "ABD") < 0, strcasecmp("abcd", "ABC") > 0,
	    strncasecmp("SETEX", "setnx", 3) == 0);
	printf("%d %d\n", strcasecmp("", "") == 0, strncasecmp("a", "B", 0) == 0);
	return 0;
}
