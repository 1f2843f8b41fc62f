/*
 * stdlib.c -- the apps' allocator, exit and number parsing.  Private
 * runtime until musl arrives.  The allocation calls pass their own
 * caller down so an out-of-memory panic names the app's function.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <tandem/core.h>
#include "../core_impl.h"


void *
malloc(size_t n)
{
	return heap_malloc_from(n, __builtin_return_address(0));
}

void *
calloc(size_t n, size_t size)
{
	return heap_calloc_from(n, size, __builtin_return_address(0));
}

void *
realloc(void *p, size_t n)
{
	return heap_realloc_from(p, n, __builtin_return_address(0));
}

void
free(void *p)
{
	td_free(p);
}

char *
strdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(heap_malloc_from(n, __builtin_return_address(0)),
	    s, n);
}

void
exit(int status)
{
	td_exit(status);
}

void
abort(void)
{
	td_panic("abort() called");
}

int
abs(int v)
{
	return v < 0 ? -v : v;
}

long
labs(long v)
{
	return v < 0 ? -v : v;
}

static int
digit_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/*
 * The common part of strtol and strtoul: magnitude up to lim (ERANGE and
 * lim beyond it), sign in *neg, end of the number in *endp.
 */
static unsigned long
parse_ul(const char *s, char **endp, int base, int *neg, unsigned long lim)
{
	const char *p = s, *digits;
	unsigned long v = 0;
	int d, over = 0;

	*neg = 0;
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' &&
	    (p[1] == 'x' || p[1] == 'X') && digit_val(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0)
		base = p[0] == '0' ? 8 : 10;
	if (base < 2 || base > 36) {
		errno = EINVAL;
		if (endp != NULL)
			*endp = (char *)s;
		return 0;
	}
	for (digits = p; (d = digit_val(*p)) < base; p++) {
		if (v > (lim - d) / base)
			over = 1;
		else
			v = v * base + d;
	}
	if (endp != NULL)
		*endp = (char *)(p == digits ? s : p);
	if (over) {
		errno = ERANGE;
		return lim;
	}
	return v;
}

long
strtol(const char *s, char **endp, int base)
{
	unsigned long v;
	int neg;

	/* the magnitude of LONG_MIN is one more than LONG_MAX */
	v = parse_ul(s, endp, base, &neg, 0x8000000000000000UL);
	if (!neg && v > 0x7fffffffffffffffUL) {
		errno = ERANGE;
		return 0x7fffffffffffffffL;
	}
	return neg ? (long)(0 - v) : (long)v;
}

unsigned long
strtoul(const char *s, char **endp, int base)
{
	unsigned long v;
	int neg;

	v = parse_ul(s, endp, base, &neg, ~0UL);
	return neg ? 0 - v : v;
}

int
atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}
