/*
 * arch/cc.h -- lwIP's compiler/platform port header for Tandem.
 *
 * lwIP is built freestanding with the kernel's flags (no SSE: network
 * code may run while an app's FPU state is live).  Diagnostics and
 * assertions go to the console through rumpuser; randomness comes from
 * rumpuser_getrandom.  Nothing here includes a libc header.
 */
#ifndef TANDEM_LWIP_ARCH_CC_H
#define TANDEM_LWIP_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>
#include <limits.h>

#define BYTE_ORDER		LITTLE_ENDIAN
#define LWIP_NO_INTTYPES_H	1
#define LWIP_NO_CTYPE_H		1
#define X8_F	"02x"
#define U16_F	"u"
#define S16_F	"d"
#define X16_F	"x"
#define U32_F	"u"
#define S32_F	"d"
#define X32_F	"x"
#define SZT_F	"zu"

/* lwIP's ssize_t hack keys off SSIZE_MAX; ours is the LP64 one. */
typedef long ssize_t;
#define SSIZE_MAX		LONG_MAX
#define LWIP_NO_UNISTD_H	1

/* Hooks implemented in libos/net/sys_arch.c. */
void	lnet_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	lnet_assert(const char *msg, const char *file, int line)
	    __attribute__((noreturn));
uint32_t lnet_rand(void);

#define LWIP_PLATFORM_DIAG(x)	do { lnet_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x)	lnet_assert((x), __FILE__, __LINE__)
#define LWIP_RAND()		lnet_rand()

/* Byte swaps as the compiler's single instructions, not lwIP's calls
 * (def.c): a handful per packet on every header field. */
#define lwip_htons(x)		((uint16_t)__builtin_bswap16((uint16_t)(x)))
#define lwip_htonl(x)		((uint32_t)__builtin_bswap32((uint32_t)(x)))

/* lwIP's own errno table is not used: the socket layer is ours and
 * speaks Linux errno values (libos/net/lx.h). */
#define LWIP_ERRNO_STDINCLUDE	0

#endif
