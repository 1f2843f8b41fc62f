/*
 * console.c -- the console and the clocks, straight to the platform.
 * Kept apart from printf.c so the panic path has one tiny dependency.
 */
#include "core_impl.h"

void
td_cons_write(const char *buf, size_t len)
{
	/* early in boot the platform may not have a console yet */
	if (td_plat.cons_write != NULL && len > 0)
		td_plat.cons_write(buf, len);
}

uint64_t
td_now(void)
{
	return td_plat.mono_ns();
}

int64_t
td_wall_ns(void)
{
	return td_plat.wall_base_ns + (int64_t)td_plat.mono_ns();
}
