/*
 * string.c -- the C string and memory functions core (and, through the
 * compiler, every object) needs.  Weak, so that a real libc linked into
 * the image later takes precedence.  The copies use the string
 * instructions: short, and fast on every CPU with ERMS.
 */
#include <stddef.h>
#include <stdint.h>

#define WEAK	__attribute__((weak))

WEAK void *
memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t q = n >> 3, r = n & 7;

	/* quadwords first: emulators (QEMU TCG) run rep movs one element
	 * per step, so 8-byte elements are 8 times faster there */
	__asm__ volatile("rep movsq; mov %3, %%rcx; rep movsb"
	    : "+D"(d), "+S"(src), "+c"(q) : "r"(r) : "memory");
	return dst;
}

WEAK void *
memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((uintptr_t)d - (uintptr_t)s >= n)
		return memcpy(dst, src, n);	/* no harmful overlap */
	/* dst overlaps the tail of src: copy backwards */
	d += n - 1;
	s += n - 1;
	__asm__ volatile("std; rep movsb; cld"
	    : "+D"(d), "+S"(s), "+c"(n) :: "memory");
	return dst;
}

WEAK void *
memset(void *dst, int c, size_t n)
{
	void *d = dst;
	uint64_t v = (uint8_t)c * 0x0101010101010101ULL;
	size_t q = n >> 3, r = n & 7;

	__asm__ volatile("rep stosq; mov %3, %%rcx; rep stosb"
	    : "+D"(d), "+c"(q) : "a"(v), "r"(r) : "memory");
	return dst;
}

WEAK int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n > 0; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

WEAK size_t
strlen(const char *s)
{
	const char *p = s;

	while (*p != '\0')
		p++;
	return p - s;
}

WEAK size_t
strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

WEAK int
strcmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

WEAK int
strncmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (*a == '\0')
			break;
	}
	return 0;
}

WEAK char *
strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}

WEAK char *
strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (*s == '\0')
			return (char *)last;
	}
}

WEAK char *
strcpy(char *dst, const char *src)
{
	char *d = dst;

	while ((*d++ = *src++) != '\0')
		;
	return dst;
}

/* Pads with NULs to n, as the standard wants. */
WEAK char *
strncpy(char *dst, const char *src, size_t n)
{
	size_t i = 0;

	for (; i < n && src[i] != '\0'; i++)
		dst[i] = src[i];
	for (; i < n; i++)
		dst[i] = '\0';
	return dst;
}

WEAK char *
strcat(char *dst, const char *src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}
