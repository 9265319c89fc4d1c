/* SPDX-License-Identifier: ISC */
/*
 * clock.c: monotonic time for deadlines and elapsed times.
 */
#include "config.h"

#include <limits.h>

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
