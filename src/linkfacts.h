/* SPDX-License-Identifier: ISC */
/*
 * linkfacts.h: the state of the route's device (issue 20): administratively
 * down (no IFF_UP) or without carrier (no IFF_LOWER_UP), from the flags of
 * the RTM_GETLINK reply that named the device (route.c).
 */
#ifndef ISOCK_LINKFACTS_H
#define ISOCK_LINKFACTS_H

#include <stdbool.h>
#include <net/if.h>

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

#endif /* ISOCK_LINKFACTS_H */
