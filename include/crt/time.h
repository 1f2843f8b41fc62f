/*
 * time.h -- Tandem's private mini C runtime for apps (core/crt/).
 * Replaced by musl when libos lands: keep it minimal.
 */
#ifndef _TDCRT_TIME_H
#define _TDCRT_TIME_H

#include <stddef.h>

typedef long	time_t;
typedef int	clockid_t;

struct timespec {
	time_t	tv_sec;
	long	tv_nsec;
};

struct tm {
	int	tm_sec;
	int	tm_min;
	int	tm_hour;
	int	tm_mday;
	int	tm_mon;		/* 0..11 */
	int	tm_year;	/* years since 1900 */
	int	tm_wday;	/* 0 = Sunday */
	int	tm_yday;
	int	tm_isdst;
};

#define CLOCK_REALTIME	0
#define CLOCK_MONOTONIC	1

int	 clock_gettime(clockid_t, struct timespec *);
int	 nanosleep(const struct timespec *, struct timespec *);
time_t	 time(time_t *);
struct tm *gmtime_r(const time_t *, struct tm *);
/* Not standard: "YYYY-MM-DDTHH:MM:SSZ" into buf (>= 21 bytes). */
char	*td_fmt_utc(const struct tm *, char *buf, size_t len);

#endif
