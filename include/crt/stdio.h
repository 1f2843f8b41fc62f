/*
 * stdio.h -- Tandem's private mini C runtime for apps (core/crt/).
 * Replaced by musl when libos lands: keep it minimal.
 */
#ifndef _TDCRT_STDIO_H
#define _TDCRT_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF	(-1)

int	printf(const char *, ...) __attribute__((format(printf, 1, 2)));
int	vprintf(const char *, va_list);
int	snprintf(char *, size_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	vsnprintf(char *, size_t, const char *, va_list);
int	puts(const char *);
int	putchar(int);

#endif
