/*
 * unistd.h -- Tandem's private mini C runtime for apps (core/crt/).
 * Replaced by musl when libos lands: keep it minimal.
 */
#ifndef _TDCRT_UNISTD_H
#define _TDCRT_UNISTD_H

typedef unsigned int useconds_t;

int		usleep(useconds_t);
unsigned int	sleep(unsigned int);

#endif
