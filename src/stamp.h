/* SPDX-License-Identifier: ISC */
/*
 * stamp.h: -D: text lines that start with the time they were written.
 *
 * A stamped stream is a FILE of its own over another: every line written
 * to it reaches the other whole, after "[2026-12-03T18:30:00.123Z] " (RFC
 * 3339, UTC, milliseconds), as tcping's and ping's -D do for a log.
 */
#ifndef ISOCK_STAMP_H
#define ISOCK_STAMP_H

#include <stdio.h>

/*
 * A stream whose lines go to `under` (not closed with it), each after the
 * wall-clock time; unbuffered, so it interleaves with what else is written
 * to `under`.  NULL when out of memory.
 */
FILE *stamp_open(FILE *under);

#endif /* ISOCK_STAMP_H */
