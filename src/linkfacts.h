/* SPDX-License-Identifier: ISC */
/*
 * linkfacts.h: the state of the route's device (issue 20): administratively
 * down (no IFF_UP) or without carrier (no IFF_LOWER_UP), read from sysfs.
 */
#ifndef ISOCK_LINKFACTS_H
#define ISOCK_LINKFACTS_H

#include <stdbool.h>
#include <net/if.h>

/* DIAG_LINK: the device of the route that matched. */
struct link_fact {
	char dev[IF_NAMESIZE];		/* raw: escape it to print */
	bool up;			/* IFF_UP */
	bool lower_up;			/* IFF_LOWER_UP: carrier */
};

/*
 * Read the state of device `dev` of index `ifindex` from `sysfs` (NULL:
 * /sys/class/net) into `lf`; false when it cannot be read or the index
 * there is another (a sysfs of another network namespace).
 */
bool linkfacts_read(const char *sysfs, const char *dev, int ifindex,
    struct link_fact *lf);

#endif /* ISOCK_LINKFACTS_H */
