/*
 * util.c -- small helpers of libos: memory from rumpuser, number
 * formatting, panic.
 */
#include "lo.h"

void *
lo_malloc(size_t n)
{
	void *p;

	if (rumpuser_malloc(n, 0, &p) != 0)
		return NULL;
	return p;
}

void *
lo_zalloc(size_t n)
{
	void *p = lo_malloc(n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

void
lo_free(void *p, size_t n)
{

	if (p != NULL)
		rumpuser_free(p, n);
}

char *
lo_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = lo_malloc(n);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

void
lo_strfree(char *s)
{

	if (s != NULL)
		lo_free(s, strlen(s) + 1);
}

char *
lo_utoa(char *buf, uint64_t v, int base)
{
	char tmp[24];
	int i = 0, j = 0;

	do
		tmp[i++] = "0123456789abcdef"[v % (unsigned)base];
	while ((v /= (unsigned)base) != 0);
	while (i > 0)
		buf[j++] = tmp[--i];
	buf[j] = '\0';
	return buf;
}

void
lo_panic(const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	int i = 0;

	/* rumpuser_dprintf has no va_list form: print the format's plain
	 * text and the first %s argument, which is all libos passes. */
	va_start(ap, fmt);
	for (; *fmt != '\0' && i < (int)sizeof(buf) - 1; fmt++) {
		if (fmt[0] == '%' && fmt[1] == 's') {
			const char *s = va_arg(ap, const char *);
			while (s != NULL && *s != '\0' &&
			    i < (int)sizeof(buf) - 1)
				buf[i++] = *s++;
			fmt++;
		} else if (fmt[0] == '%' && fmt[1] == 'd') {
			char num[24];
			int v = va_arg(ap, int), k;
			if (v < 0 && i < (int)sizeof(buf) - 1) {
				buf[i++] = '-';
				v = -v;
			}
			lo_utoa(num, (uint64_t)v, 10);
			for (k = 0; num[k] != '\0' &&
			    i < (int)sizeof(buf) - 1; k++)
				buf[i++] = num[k];
			fmt++;
		} else
			buf[i++] = *fmt;
	}
	va_end(ap);
	buf[i] = '\0';
	rumpuser_dprintf("tandem: libos: %s\n", buf);
	rumpuser_exit(RUMPUSER_PANIC);
}

/* rumpuser reports NetBSD errno values; apps see Linux ones. */
int
lo_errno_from_rump(int e)
{

	switch (e) {
	case 0:		return 0;
	case 35:	return EAGAIN;
	case 36:	return EINPROGRESS;
	case 45:	return EOPNOTSUPP;
	case 55:	return ENOBUFS;
	case 60:	return ETIMEDOUT;
	case 63:	return ENAMETOOLONG;
	case 78:	return ENOSYS;
	default:
		/* 1..34 are the same numbers on both */
		return e > 0 && e <= 34 ? e : EIO;
	}
}
