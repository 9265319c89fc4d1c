/* SPDX-License-Identifier: ISC */
/*
 * fake_result.c: fabricated attempts for the result and report suites.
 */
#include "config.h"

#include <netinet/in.h>
#include <string.h>

#include "fake_result.h"

void
fake_attempt(struct result_attempt *a, int family, int error, double ms)
{
	memset(a, 0, sizeof(*a));
	a->addr.ss.ss_family = (sa_family_t)family;
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&a->addr.ss;

		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin->sin_port = htons(80);
		a->addr.len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->addr.ss;

		sin6->sin6_addr = in6addr_loopback;
		sin6->sin6_port = htons(80);
		a->addr.len = sizeof(*sin6);
	}
	a->error = error;
	a->step = error != 0 ? "connect" : NULL;
	a->ms = ms;
}
