/* SPDX-License-Identifier: ISC */
/*
 * cause.h: the cause table (issue 20).  Each row names a cause, the facts
 * it needs, the facts that rule it out, its sentence and its Check; the
 * facts of a diagnosis (diagnose.h) are first reduced to a set of bits
 * (enum cause_fact), then every row is tried against them.
 *
 * The finding is typed: one row fits (proven), several fit (candidates,
 * in table order, with the read that would tell them apart), or none fits
 * (unknown: the errno's general text stands).  A finding is never
 * stronger than its facts: no row is chosen among several.
 *
 * The sentences are templates; facts_text.c fills their {placeholders}
 * from the facts and words the finding, the man page's DIAGNOSTICS lists
 * the rows.
 */
#ifndef ISOCK_CAUSE_H
#define ISOCK_CAUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diagnose.h"

/* The facts a row can ask for, one bit each. */
enum cause_fact {
	CF_TCP = 1, CF_DGRAM = 1 << 1,
	CF_REFUSED = 1 << 2,		/* ECONNREFUSED */
	CF_TIMEDOUT = 1 << 3,		/* ETIMEDOUT */
	CF_EACCES = 1 << 4,
	CF_DST6 = 1 << 5,		/* the destination is IPv6 */
	CF_ICMP = 1 << 6,		/* an ICMP error from a known sender */
	CF_ICMP_HERE = 1 << 7,		/* ... that is this host */
	CF_ICMP_FROM_DST = 1 << 8,	/* ... that is the destination */
	CF_ICMP_ROUTER = 1 << 9,	/* ... that is neither: a router */
	CF_ICMP_PORT = 1 << 10,		/* port unreachable */
	CF_ICMP_HOST = 1 << 11,		/* host (v4) / address (v6) unreachable */
	CF_ICMP_ADDR6 = 1 << 12,	/* ICMPv6 address unreachable: only a
					   failed neighbour discovery sends it */
	CF_ICMP_RULE = 1 << 13,		/* an answer only a rule or a prohibit
					   route gives: administratively
					   prohibited, or port unreachable to
					   a TCP SYN */
	CF_ICMP_NET = 1 << 14,		/* network unreachable, no route */
	CF_ROUTE_LOCAL = 1 << 15,	/* the destination is this host's */
	CF_ROUTE_REJECT = 1 << 16,	/* a prohibit/unreachable/blackhole
					   route of this host covers it */
	CF_NOROUTE = 1 << 17,		/* no route (or a throw route) */
	CF_NEIGH_FAILED = 1 << 18,	/* next hop: FAILED or INCOMPLETE */
	CF_NEIGH_OK = 1 << 19,		/* next hop resolved */
	CF_NEIGH_GW = 1 << 20,		/* the next hop is a gateway */
	CF_LISTEN_NONE = 1 << 21,	/* nothing here listens on the port */
	CF_LISTEN_COVERS = 1 << 22,	/* a listener here covers the dst */
	CF_LISTEN_ELSEWHERE = 1 << 23,	/* listeners, none covering the dst */
	CF_QUEUE_FULL = 1 << 24,	/* the covering listener's queue */
	CF_OWNER_STOPPED = 1 << 25,	/* its process is stopped */
	CF_RULES_UNREAD = 1 << 26,	/* the ruleset could not be read */
	CF_DROP_HERE = 1 << 27,		/* a chain of this host drops */
	CF_REJECT_HERE = 1 << 28,	/* a chain of this host rejects (for a
					   time-out: the reply, which then
					   never reaches the socket) */
	CF_NO_DROP = 1 << 29,		/* read whole: no chain drops */
	CF_NO_REJECT = 1u << 30,	/* read whole: no chain rejects */
	CF_BROADCAST = 1ull << 31,	/* broadcast without SO_BROADCAST */
	CF_PATH_NOPERM = 1ull << 32,	/* a Unix path component denies */
	CF_GROUP_GRANTS = 1ull << 33,	/* ... and its group's bits would
					   grant the right (not the owner) */
	CF_LISTED_NOT_HELD = 1ull << 34,	/* /etc/group lists the user in
					   that group, the process lacks it */
	CF_FD_LIMIT = 1ull << 35,	/* a read failed for want of a free
					   descriptor (EMFILE, ENFILE) */
	CF_LINK_DOWN = 1ull << 36,	/* the route's device is not IFF_UP */
	CF_NO_CARRIER = 1ull << 37,	/* ... up, without IFF_LOWER_UP */
	CF_NEARBY = 1ull << 38,		/* a listener on a port near it */
	CF_UNIX_NEAR = 1ull << 39,	/* a socket near a missing path */
	CF_ADDRNOTAVAIL = 1ull << 40,	/* EADDRNOTAVAIL */
	CF_SRC_FOREIGN = 1ull << 41,	/* the -s address is on no interface
					   of this host */
	CF_DOWN_HOLDS = 1ull << 42,	/* a device down holds an address */
	CF_ARP_DROP = 1ull << 43,	/* an arp chain of this host drops */
	CF_ARP_DROP_SURE = 1ull << 44,	/* ... surely, all ARP of its hook */
	CF_ZONED = 1ull << 45,		/* an IPv6 zone holds the route
					   look-up to its interface */
	CF_REJECT_SURE = 1ull << 46	/* ... and a reject rule of it surely
					   matches (not only may) */
};

/* One row of the table. */
struct cause_row {
	const char *name;		/* short, stable: the man page's */
	uint64_t need;			/* every one of these facts */
	uint64_t any;			/* at least one of these (0: none) */
	uint64_t exclude;		/* none of these */
	const char *clause;		/* the cause in a few words, for a
					   list of candidates */
	const char *meaning;		/* the sentence when it alone fits;
					   NULL: the errno's own stands */
	const char *check;		/* the Check when it alone fits */
	const char *tell;		/* the read that confirms or rules it
					   out among candidates; NULL: none */
};

/* The strength of a finding. */
enum cause_strength {
	CAUSE_UNKNOWN,			/* no row fits */
	CAUSE_PROVEN,			/* exactly one row fits */
	CAUSE_CANDIDATES		/* several fit; none is picked */
};

/* How many candidates a finding keeps. */
#define CAUSE_CAND_MAX 4

/* What the facts support. */
struct cause_finding {
	enum cause_strength strength;
	uint64_t facts;			/* the fact bits it was decided on */
	size_t n;			/* rows that fit, in table order */
	const struct cause_row *row[CAUSE_CAND_MAX];
};

/* The table and its number of rows. */
const struct cause_row *cause_table(size_t *n);

/*
 * The index in f->listen of the listener that covers the destination (its
 * address, or a wildcard that takes it), or -1.
 */
int cause_listener(const struct diag_facts *f);

/* The fact bits that the facts `f` of a diagnosis hold. */
uint64_t cause_facts(const struct diag_facts *f);

/* True when `row` fits the fact bits `facts`. */
bool cause_fits(const struct cause_row *row, uint64_t facts);

/* The finding for the fact bits `facts`. */
void cause_decide_facts(uint64_t facts, struct cause_finding *out);

/* The finding for the facts `f`: cause_decide_facts(cause_facts(f)). */
void cause_decide(const struct diag_facts *f, struct cause_finding *out);

#endif /* ISOCK_CAUSE_H */
