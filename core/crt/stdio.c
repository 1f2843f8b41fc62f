/*
 * stdio.c -- the apps' printf family, straight onto core's console.
 * Private runtime until musl arrives.
 */
#include <stdio.h>
#include <string.h>

#include <tandem/core.h>

int
vprintf(const char *fmt, va_list ap)
{
	return td_vprintf(fmt, ap);
}

int
printf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = td_vprintf(fmt, ap);
	va_end(ap);
	return r;
}

int
vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	return td_vsnprintf(buf, n, fmt, ap);
}

int
snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = td_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

int
puts(const char *s)
{
	td_cons_write(s, strlen(s));
	td_cons_write("\n", 1);
	return 1;
}

int
putchar(int c)
{
	char ch = (char)c;

	td_cons_write(&ch, 1);
	return (unsigned char)c;
}
