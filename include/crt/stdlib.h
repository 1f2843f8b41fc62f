/*
 * stdlib.h -- Tandem's private mini C runtime for apps (core/crt/).
 * Replaced by musl when libos lands: keep it minimal.
 */
#ifndef _TDCRT_STDLIB_H
#define _TDCRT_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS	0
#define EXIT_FAILURE	1

void	*malloc(size_t);
void	*calloc(size_t, size_t);
void	*realloc(void *, size_t);
void	 free(void *);
void	 exit(int) __attribute__((noreturn));
void	 abort(void) __attribute__((noreturn));
int	 atoi(const char *);
long	 strtol(const char *, char **, int);
unsigned long strtoul(const char *, char **, int);
int	 abs(int);
long	 labs(long);

#endif
