/*
 * strcasecmp, Tandem's overlay of musl's src/string/strcasecmp.c: the
 * same results (musl's tolower is ASCII-only in every locale), but the
 * case folding is done inline instead of by two calls to tolower() per
 * differing byte.  redis looks every command name up with strcasecmp
 * ("GET" against its table's "get"), so each byte differs and the calls
 * were most of the cost (bench/RESULTS.md, redis -P 16).
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
strcasecmp(const char *_l, const char *_r)
{
	const unsigned char *l = (void *)_l, *r = (void *)_r;

	/* *r == 0 with *l != 0 ends the loop too: fold(*l) != 0 */
	for (; *l && (*l == *r || fold(*l) == fold(*r)); l++, r++)
		continue;
	return fold(*l) - fold(*r);
}

int
__strcasecmp_l(const char *l, const char *r, locale_t loc)
{
	(void)loc;
	return strcasecmp(l, r);
}

weak_alias(__strcasecmp_l, strcasecmp_l);
