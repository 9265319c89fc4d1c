/* SPDX-License-Identifier: ISC */
/*
 * stamp.c: -D: text lines that start with the time they were written.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "stamp.h"

struct stamp {
	FILE *under;
	bool midline;		/* the last byte written was no newline */
};

/* fopencookie's write: each line's first byte gets the time first. */
static ssize_t
stamp_write(void *cookie, const char *buf, size_t size)
{
	struct stamp *st = cookie;
	struct timespec now;
	char t[CLOCK_RFC3339_MAX];
	size_t done = 0, n;
	const char *nl;

	while (done < size) {
		if (!st->midline) {
			now = clock_wall();
			fprintf(st->under, "[%s] ", clock_rfc3339(&now, t,
			    sizeof(t)));
		}
		nl = memchr(buf + done, '\n', size - done);
		n = nl != NULL ? (size_t)(nl - (buf + done)) + 1 : size - done;
		if (fwrite(buf + done, 1, n, st->under) != n)
			return done > 0 ? (ssize_t)done : -1;
		st->midline = nl == NULL;
		done += n;
	}
	return (ssize_t)done;
}

static int
stamp_close(void *cookie)
{
	struct stamp *st = cookie;
	int rc = fflush(st->under);

	free(st);
	return rc;
}

FILE *
stamp_open(FILE *under)
{
	cookie_io_functions_t io = { .write = stamp_write,
	    .close = stamp_close };
	struct stamp *st = calloc(1, sizeof(*st));
	FILE *f;

	if (st == NULL)
		return NULL;
	st->under = under;
	if ((f = fopencookie(st, "w", io)) == NULL) {
		free(st);
		return NULL;
	}
	setvbuf(f, NULL, _IONBF, 0);
	return f;
}
