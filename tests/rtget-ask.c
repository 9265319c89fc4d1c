/* SPDX-License-Identifier: ISC */
/*
 * rtget-ask.c: a test helper (tests/t-rtget.sh): for each address of the
 * command line, the kernel's answer to its route look-up, asked twice
 * and on a fresh loop each time: through rtget_start() and the loop (first
 * all at once, as a run's diagnoses do), then through rtget_errno().
 * Prints one line an address, "ADDRESS async=N sync=N" (N: 0, an errno, or
 * -1), and "early" after a callback called from inside rtget_start().
 * Exits 0, or 2 on misuse.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "clock.h"
#include "loop.h"
#include "rtget.h"

#define ASK_MAX 16

struct ask {
	struct sockaddr_storage ss;
	int calls, err;
	bool early;
};

static bool in_start;

static void
on_route(void *arg, int err)
{
	struct ask *a = arg;

	a->calls++;
	a->err = err;
	a->early = a->early || in_start;
}

/* `text` as an address into `ss`; false when it is none. */
static bool
parse(const char *text, struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &s4->sin_addr) == 1)
		s4->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, text, &s6->sin6_addr) == 1)
		s6->sin6_family = AF_INET6;
	else
		return false;
	return true;
}

int
main(int argc, char **argv)
{
	struct ask a[ASK_MAX];
	struct timespec end;
	struct loop *l;
	int i, n = argc - 1, done, k;

	if (n < 1 || n > ASK_MAX) {
		fprintf(stderr, "usage: rtget-ask ADDRESS... (at most %d)\n",
		    ASK_MAX);
		return 2;
	}
	for (i = 0; i < n; i++) {
		if (!parse(argv[i + 1], &a[i].ss)) {
			fprintf(stderr, "rtget-ask: not an address: %s\n",
			    argv[i + 1]);
			return 2;
		}
		a[i].calls = 0;
		a[i].err = -2;
		a[i].early = false;
	}
	if ((l = loop_new()) == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		in_start = true;
		if (rtget_start((struct sockaddr *)&a[i].ss, 2000, on_route,
		    &a[i]) == NULL)
			a[i].err = -3;
		in_start = false;
	}
	end = clock_add_ms(clock_now(), 5000);
	for (k = 0, done = 0; k < 100 && done < n &&
	    clock_ms_until(&end) > 0; k++) {
		if (loop_once(l, 100) < 0)
			break;
		for (i = 0, done = 0; i < n; i++)
			done += a[i].calls > 0 || a[i].err == -3;
	}
	loop_free(l);
	for (i = 0; i < n; i++)
		printf("%s async=%d sync=%d%s%s\n", argv[i + 1], a[i].err,
		    rtget_errno((struct sockaddr *)&a[i].ss, 2000),
		    a[i].early ? " early" : "", a[i].calls > 1 ? " twice" : "");
	return 0;
}
