/*
 * time.c -- clocks and sleeping for apps, over core's clocks and
 * scheduler.  Private runtime until musl arrives.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <tandem/core.h>

#define NS	1000000000LL

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	int64_t ns;

	if (id == CLOCK_MONOTONIC)
		ns = (int64_t)td_now();
	else if (id == CLOCK_REALTIME)
		ns = td_wall_ns();
	else {
		errno = EINVAL;
		return -1;
	}
	ts->tv_sec = ns / NS;
	ts->tv_nsec = ns % NS;
	return 0;
}

/* Sleeps the whole interval: a thread wake is no signal. */
static void
sleep_for(uint64_t ns)
{
	uint64_t deadline = td_now() + ns;

	while (td_now() < deadline)
		td_sleep_until(deadline);
}

int
nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= NS) {
		errno = EINVAL;
		return -1;
	}
	sleep_for((uint64_t)req->tv_sec * NS + req->tv_nsec);
	if (rem != NULL)
		rem->tv_sec = rem->tv_nsec = 0;
	return 0;
}

int
usleep(useconds_t us)
{
	sleep_for((uint64_t)us * 1000);
	return 0;
}

unsigned int
sleep(unsigned int s)
{
	sleep_for((uint64_t)s * NS);
	return 0;
}

time_t
time(time_t *tp)
{
	time_t t = td_wall_ns() / NS;

	if (tp != NULL)
		*tp = t;
	return t;
}

/*
 * Days since 1970-01-01 to a civil date, counting in 400-year eras of
 * 146097 days that start on March 1st, so the leap day ends each year.
 */
static void
civil(int64_t days, int *y, int *m, int *d)
{
	int64_t z = days + 719468;	/* from 0000-03-01 */
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

struct tm *
gmtime_r(const time_t *tp, struct tm *tm)
{
	static const short before[12] = {
		0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334,
	};
	int64_t t = *tp, days = t / 86400, secs = t % 86400;
	int y, m, d;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil(days, &y, &m, &d);
	tm->tm_sec = secs % 60;
	tm->tm_min = secs / 60 % 60;
	tm->tm_hour = secs / 3600;
	tm->tm_mday = d;
	tm->tm_mon = m - 1;
	tm->tm_year = y - 1900;
	tm->tm_wday = (int)(((days % 7) + 11) % 7);	/* 1970-01-01: Thu */
	tm->tm_yday = before[m - 1] + d - 1 + (m > 2 && is_leap(y));
	tm->tm_isdst = 0;
	return tm;
}

char *
td_fmt_utc(const struct tm *tm, char *buf, size_t len)
{
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	    tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour,
	    tm->tm_min, tm->tm_sec);
	return buf;
}
