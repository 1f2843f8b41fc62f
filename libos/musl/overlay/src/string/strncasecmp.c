/*
 * strncasecmp, Tandem's overlay of musl's src/string/strncasecmp.c: the
 * same results, with the ASCII case folding inline instead of calls to
 * tolower() (see strcasecmp.c next to this file).
 */
#include <features.h>	/* musl's internal one: weak_alias */
#include <strings.h>

static inline int
fold(int c)
{
	/* tolower() of the C locale: only 'A'..'Z' change */
	return (unsigned)c - 'A' < 26 ? c | 32 : c;
}

int
strncasecmp(const char *_l, const char *_r, size_t n)
{
	const unsigned char *l = (void *)_l, *r = (void *)_r;

	if (n-- == 0)
		return 0;
	for (; *l && n && (*l == *r || fold(*l) == fold(*r)); l++, r++, n--)
		continue;
	return fold(*l) - fold(*r);
}

int
__strncasecmp_l(const char *l, const char *r, size_t n, locale_t loc)
{
	(void)loc;
	return strncasecmp(l, r, n);
}

weak_alias(__strncasecmp_l, strncasecmp_l);
