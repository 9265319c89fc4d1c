/* SPDX-License-Identifier: ISC */
/*
 * route.h: facts from the routing subsystem (rtnetlink): the route that
 * matched a destination or that none did, the next hop's neighbour entry,
 * whether a source address is assigned, and whether IPv6 is there.
 *
 * Every look-up costs the same whatever the size of the tables: the route
 * is the kernel's own answer to one RTM_GETROUTE (RTM_F_FIB_MATCH); only
 * when the kernel refuses it with a reject route's error are the policy
 * rules read and the routes of the types that error implies dumped,
 * filtered in the kernel (NETLINK_GET_STRICT_CHK).
 */
#ifndef ISOCK_ROUTE_H
#define ISOCK_ROUTE_H

#include <stdbool.h>
#include <net/if.h>

#include "facts.h"
#include "nl.h"
#include "procfacts.h"

/* DIAG_ROUTE: the route that matched the destination. */
struct route_fact {
	int type;		/* RTN_UNICAST, RTN_UNREACHABLE, ... */
	unsigned table;		/* RT_TABLE_MAIN, ...; 0: unknown */
	struct diag_ip prefix;
	unsigned prefixlen;
	int ifindex;		/* 0: none */
	char dev[IF_NAMESIZE];	/* raw ("" when unknown): escape to print */
	bool link_known;	/* the RTM_GETLINK that named dev gave: */
	unsigned link_flags;	/* ... its IFF_* flags (IFF_UP,
				   IFF_LOWER_UP) */
	struct diag_ip gateway;	/* family 0: on-link, no gateway */
	bool from_kernel;	/* the kernel's own answer; false when
				   matched here by following the rules
				   through filtered dumps, its type
				   checked against the kernel's error */
};

/* DIAG_NOROUTE: no route matched. */
struct noroute_fact {
	bool has_default;	/* a table the rules reach has a default
				   route (a reject or throw one) */
};

/* DIAG_NEIGH: the next hop's neighbour entry. */
struct neigh_fact {
	struct diag_ip addr;	/* the next hop */
	int ifindex;
	char dev[IF_NAMESIZE];	/* raw: escape to print */
	unsigned state;		/* NUD_FAILED, NUD_INCOMPLETE, ... */
	bool is_gateway;	/* the next hop is a gateway */
};

/* DIAG_SOURCE: whether --source is assigned. */
struct source_fact {
	struct diag_ip addr;
	bool assigned;
	char dev[IF_NAMESIZE];	/* where, when assigned; raw */
};

/*
 * The route to `dst` (`ifindex`: the zone's interface of a link-local
 * address, or 0): the kernel's answer into `rt`, or, when the kernel
 * refuses it with a reject route's errno, the route found by following the
 * policy rules through dumps filtered by the types that errno implies, kept
 * only when it fits; no route at all with ENETUNREACH fills `none`.
 * Returns DIAG_ROUTE, DIAG_NOROUTE, or 0 (nothing known).  A whole answer
 * is given again for the same `dst` and `ifindex` asked within a second,
 * without a request: the targets of a run that share a destination (1000
 * ports of one host) share its look-up.
 */
unsigned route_lookup(struct nl_ctx *nl, const struct diag_ip *dst,
    int ifindex, struct route_fact *rt, struct noroute_fact *none);

/*
 * The neighbour entry of the next hop of the unicast route `rt` towards
 * `dst`: DIAG_NEIGH with `nb` filled, or 0.
 */
unsigned route_neigh(struct nl_ctx *nl, const struct diag_ip *dst,
    const struct route_fact *rt, struct neigh_fact *nb);

/*
 * Whether `src` is assigned to an interface (one filtered address dump):
 * DIAG_SOURCE with `sf` filled, or 0.
 */
unsigned route_source(struct nl_ctx *nl, const struct diag_ip *src,
    struct source_fact *sf);

/*
 * Whether IPv6 is there: procfacts_ipv6, then its global addresses and
 * default route; always DIAG_IPV6, unknown parts at -1.
 */
unsigned route_ipv6(struct nl_ctx *nl, struct ipv6_fact *v6);

/*
 * Feed `len` bytes of netlink messages to every parser of this module:
 * for the fuzzer only.
 */
void route_fuzz(const void *buf, size_t len);

#endif /* ISOCK_ROUTE_H */
