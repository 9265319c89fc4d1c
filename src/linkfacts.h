/* SPDX-License-Identifier: ISC */
/*
 * linkfacts.h: the state of the route's device (issue 20): administratively
 * down (no IFF_UP) or without carrier (no IFF_LOWER_UP), from the flags of
 * the RTM_GETLINK reply that named the device (route.c); and a device that
 * is down and holds an address (linkfacts.c).
 */
#ifndef ISOCK_LINKFACTS_H
#define ISOCK_LINKFACTS_H

#include <stdbool.h>
#include <net/if.h>

#include "facts.h"
/* <linux/if.h>'s, which <net/if.h> does not give. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

/* DIAG_LINK: the device of the route that matched. */
struct link_fact {
	char dev[IF_NAMESIZE];		/* raw: escape it to print */
	bool up;			/* IFF_UP */
	bool lower_up;			/* IFF_LOWER_UP: carrier */
};

/* DIAG_DOWNLINK: a device that is down and holds an address. */
struct downlink_fact {
	char dev[IF_NAMESIZE];		/* raw: escape it to print */
	struct diag_ip addr;		/* an address it holds */
	unsigned prefixlen;
};

/*
 * The first device, not a loopback, that is down (no IFF_UP) and holds an
 * address (of `family` before any other; an IPv6 link-local one does not
 * count) into `df`: the kernel removed the routes through it when it went
 * down.  False when there is none or the addresses cannot be read.
 */
bool linkfacts_down(int family, struct downlink_fact *df);

#endif /* ISOCK_LINKFACTS_H */
