/* SPDX-License-Identifier: ISC */
/*
 * nl_none.c: the look-ups of route.h and sockdiag.h in a build without
 * libmnl (configure --without-libmnl; make static).  Stands in for nl.c,
 * route.c and sockdiag.c.
 *
 * Nothing is read over netlink: a look-up that needs it finds no fact and
 * marks the context `unread` (when the diagnosis had a budget for netlink),
 * so that the diagnosis says that this build reads no netlink facts rather
 * than leaving a missing route or listener to look like none.  What /proc
 * alone says (procfacts.h) is still read.
 */
#include "config.h"

#include <string.h>

#include "route.h"
#include "sockdiag.h"

/* Start `nl`: no sockets, a budget only to know whether netlink was due. */
void
nl_init(struct nl_ctx *nl, long budget_ms)
{
	memset(nl, 0, sizeof(*nl));
	nl->enabled = budget_ms > 0;
	nl->waiter = -1;
}

/* Nothing to close. */
void
nl_close(struct nl_ctx *nl)
{
	(void)nl;
}

/* A look-up that needs netlink: no fact; say so when netlink was due. */
static unsigned
nl_none(struct nl_ctx *nl)
{
	if (nl->enabled)
		nl->unread = true;
	return 0;
}

/* The route to `dst`: unknown without netlink. */
unsigned
route_lookup(struct nl_ctx *nl, const struct diag_ip *dst, int ifindex,
    struct route_fact *rt, struct noroute_fact *none)
{
	(void)dst;
	(void)ifindex;
	(void)rt;
	(void)none;
	return nl_none(nl);
}

/* The next hop's neighbour entry: unknown without netlink. */
unsigned
route_neigh(struct nl_ctx *nl, const struct diag_ip *dst,
    const struct route_fact *rt, struct neigh_fact *nb)
{
	(void)dst;
	(void)rt;
	(void)nb;
	return nl_none(nl);
}

/* Whether --source is assigned: unknown without netlink. */
unsigned
route_source(struct nl_ctx *nl, const struct diag_ip *src,
    struct source_fact *sf)
{
	(void)src;
	(void)sf;
	return nl_none(nl);
}

/* Whether IPv6 is there: what /proc says, addresses and default unknown. */
unsigned
route_ipv6(struct nl_ctx *nl, struct ipv6_fact *v6)
{
	(void)procfacts_ipv6(v6);
	if (v6->present)
		(void)nl_none(nl);
	return DIAG_IPV6;
}

/* Who listens on `ports`: unknown without netlink. */
unsigned
sockdiag_listeners_of(struct nl_ctx *nl, int type, const unsigned *ports,
    size_t n, struct listen_fact *lf)
{
	(void)type;
	(void)ports;
	(void)n;
	(void)lf;
	return nl_none(nl);
}

/* Who listens on `port`: unknown without netlink. */
unsigned
sockdiag_listeners(struct nl_ctx *nl, int type, unsigned port,
    struct listen_fact *lf)
{
	(void)type;
	(void)port;
	(void)lf;
	return nl_none(nl);
}

/* The local port range from /proc; how much of it is in use is unknown. */
unsigned
sockdiag_ports(struct nl_ctx *nl, int type, const struct diag_ip *dst,
    unsigned port, const struct timespec *deadline, struct ports_fact *pf)
{
	(void)type;
	(void)dst;
	(void)port;
	(void)deadline;
	(void)nl_none(nl);
	return procfacts_ports(pf);
}

/*
 * The holder of a socket inode: never asked here, since the inodes come
 * from sock_diag; nothing found, so nothing is said.
 */
unsigned
sockdiag_owner(unsigned long ino, const struct timespec *deadline,
    unsigned long max_fds, struct owner_fact *of)
{
	(void)deadline;
	(void)max_fds;
	memset(of, 0, sizeof(*of));
	of->inode = ino;
	return 0;
}

/* The socket bound at a Unix path: unknown without netlink. */
unsigned
sockdiag_unix_peer(struct nl_ctx *nl, dev_t dev, ino_t ino, int type,
    bool refused, struct unixpeer_fact *uf)
{
	(void)dev;
	(void)ino;
	(void)type;
	(void)refused;
	(void)uf;
	return nl_none(nl);
}
