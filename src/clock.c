/* SPDX-License-Identifier: ISC */
/*
 * clock.c: monotonic time for deadlines and elapsed times; the wall clock
 * for the times a log shows.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>

#include "clock.h"

struct timespec
clock_now(void)
{
	struct timespec t;

	/* CLOCK_MONOTONIC cannot fail on Linux with a valid pointer. */
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t;
}

struct timespec
clock_add_ms(struct timespec t, long ms)
{
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	} else if (t.tv_nsec < 0) {
		t.tv_sec--;
		t.tv_nsec += 1000000000L;
	}
	return t;
}

bool
clock_is_unset(const struct timespec *t)
{
	return t->tv_sec == 0 && t->tv_nsec == 0;
}

int
clock_ms_until(const struct timespec *deadline)
{
	struct timespec now;
	double ms;

	if (deadline == NULL || clock_is_unset(deadline))
		return -1;
	now = clock_now();
	ms = clock_ms_between(&now, deadline);
	if (ms <= 0)
		return 0;
	if (ms >= INT_MAX)
		return INT_MAX;
	/* Round up: a wait of 0.3 ms must not become a busy poll of 0. */
	return (int)ms + ((double)(int)ms < ms);
}

double
clock_ms_between(const struct timespec *from, const struct timespec *to)
{
	return (double)(to->tv_sec - from->tv_sec) * 1e3 +
	    (double)(to->tv_nsec - from->tv_nsec) / 1e6;
}

struct timespec
clock_wall(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return t;
}

char *
clock_rfc3339(const struct timespec *t, char *buf, size_t size)
{
	struct tm tm;
	time_t sec = t->tv_sec;

	if (size == 0)
		return buf;
	if (gmtime_r(&sec, &tm) == NULL) {
		buf[0] = '\0';
		return buf;
	}
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long)(t->tv_nsec / 1000000));
	return buf;
}
