/* SPDX-License-Identifier: ISC */
/*
 * linkfacts.c: a device that is down and holds an address (see
 * linkfacts.h).
 */
#include "config.h"

#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "facts.h"
#include "linkfacts.h"

/* The number of bits set in the netmask `mask` (`len` bytes). */
static unsigned
linkfacts_plen(const unsigned char *mask, size_t len)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += (unsigned)__builtin_popcount(mask[i]);
	return n;
}

bool
linkfacts_down(int family, struct downlink_fact *df)
{
	struct ifaddrs *all, *a;
	const struct ifaddrs *best = NULL;
	struct diag_ip ip, mask;

	memset(df, 0, sizeof(*df));
	if (getifaddrs(&all) != 0)
		return false;
	for (a = all; a != NULL; a = a->ifa_next) {
		if (a->ifa_addr == NULL || a->ifa_name == NULL ||
		    (a->ifa_flags & (IFF_UP | IFF_LOOPBACK)) != 0 ||
		    !diag_ip_from_sa(&ip, a->ifa_addr) ||
		    (ip.family == AF_INET6 &&
		    IN6_IS_ADDR_LINKLOCAL(&ip.u.v6)))
			continue;
		if (best == NULL || (ip.family == family &&
		    best->ifa_addr->sa_family != family))
			best = a;
	}
	if (best != NULL) {
		facts_strlcpy(df->dev, best->ifa_name, sizeof(df->dev));
		(void)diag_ip_from_sa(&df->addr, best->ifa_addr);
		if (best->ifa_netmask != NULL && diag_ip_from_sa(&mask,
		    best->ifa_netmask) && mask.family == df->addr.family)
			df->prefixlen = linkfacts_plen((const void *)&mask.u,
			    diag_ip_len(mask.family));
		else
			df->prefixlen = df->addr.family == AF_INET ? 32 : 128;
	}
	freeifaddrs(all);
	return best != NULL;
}
