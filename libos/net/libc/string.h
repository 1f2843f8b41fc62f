/*
 * string.h -- the few string functions lwIP's core calls, for its
 * freestanding build only (core/string.c or the C library defines them).
 */
#ifndef TANDEM_LWIP_STRING_H
#define TANDEM_LWIP_STRING_H
#include <stddef.h>
void	*memcpy(void *, const void *, size_t);
void	*memmove(void *, const void *, size_t);
void	*memset(void *, int, size_t);
int	 memcmp(const void *, const void *, size_t);
size_t	 strlen(const char *);
size_t	 strnlen(const char *, size_t);
int	 strcmp(const char *, const char *);
int	 strncmp(const char *, const char *, size_t);
#endif
