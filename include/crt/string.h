/*
 * string.h -- Tandem's private mini C runtime for apps; the functions
 * live in core/string.c.  Replaced by musl when libos lands.
 */
#ifndef _TDCRT_STRING_H
#define _TDCRT_STRING_H

#include <stddef.h>

void	*memcpy(void *, const void *, size_t);
void	*memmove(void *, const void *, size_t);
void	*memset(void *, int, size_t);
int	 memcmp(const void *, const void *, size_t);
size_t	 strlen(const char *);
size_t	 strnlen(const char *, size_t);
int	 strcmp(const char *, const char *);
int	 strncmp(const char *, const char *, size_t);
char	*strchr(const char *, int);
char	*strrchr(const char *, int);
char	*strcpy(char *, const char *);
char	*strncpy(char *, const char *, size_t);
char	*strcat(char *, const char *);
char	*strdup(const char *);

#endif
