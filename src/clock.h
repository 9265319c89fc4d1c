/* SPDX-License-Identifier: ISC */
/*
 * clock.h: monotonic time for deadlines and elapsed times.
 */
#ifndef ISOCK_CLOCK_H
#define ISOCK_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Now, on CLOCK_MONOTONIC. */
struct timespec clock_now(void);

/* `t` plus `ms` milliseconds. */
struct timespec clock_add_ms(struct timespec t, long ms);

/* True when `t` is the "no deadline" value {0, 0}. */
bool clock_is_unset(const struct timespec *t);

/*
 * Milliseconds from now until `deadline`, rounded up so a wait never ends
 * before it, and 0 once it has passed; -1 for a NULL or unset deadline (the
 * value poll() takes as "no limit").
 */
int clock_ms_until(const struct timespec *deadline);

/* Milliseconds from `from` to `to`, as a double (may be negative). */
double clock_ms_between(const struct timespec *from, const struct timespec *to);

/* Now, on CLOCK_REALTIME: the wall clock, for the times a log shows. */
struct timespec clock_wall(void);

#define CLOCK_RFC3339_MAX 32	/* "2026-12-03T18:30:00.123Z" and its NUL */

/*
 * The wall-clock time `t` as RFC 3339 in UTC to the millisecond, in `buf`
 * of at least CLOCK_RFC3339_MAX bytes; returns `buf`.
 */
char *clock_rfc3339(const struct timespec *t, char *buf, size_t size);

#endif /* ISOCK_CLOCK_H */
