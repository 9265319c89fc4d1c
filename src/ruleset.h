/* SPDX-License-Identifier: ISC */
/*
 * ruleset.h: this host's nftables ruleset as a fact (issue 20): which
 * chains of which hooks hold a rule that drops or rejects, or a drop
 * policy, with the packets their counters saw.
 *
 * Read through libnftnl over its own NETLINK_NETFILTER socket (two dumps:
 * chains, then rules), within a deadline; a dump cut short, interrupted
 * (NLM_F_DUMP_INTR) or refused (no CAP_NET_ADMIN) leaves the fact out, so
 * "no rule drops" is only ever said from a whole ruleset.  Whether a rule
 * matches the packet is not evaluated: a chain is listed when it holds a
 * drop or reject verdict at all.  Built without libnftnl, ruleset_read
 * reads nothing.
 */
#ifndef ISOCK_RULESET_H
#define ISOCK_RULESET_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* How many chains that drop or reject are kept (the count goes on). */
#define RULESET_CHAINS_MAX 6
/* A table or chain name (NFT_NAME_MAXLEN is 256; longer ones are cut). */
#define RULESET_NAME_MAX 48

/* One chain that can drop or reject. */
struct ruleset_chain {
	char family[8];			/* "ip", "ip6", "inet", "netdev" */
	char table[RULESET_NAME_MAX];	/* raw, as the kernel gave it */
	char chain[RULESET_NAME_MAX];
	int hook;			/* NF_INET_* (NF_NETDEV_* for netdev);
					   -1: a regular chain, reached by a
					   jump */
	bool policy_drop;		/* a base chain whose policy is drop */
	unsigned drops, rejects;	/* rules with a drop verdict, rules
					   that reject */
	bool counted;			/* one of them has a counter */
	uint64_t packets;		/* ... and their counters' packets */
};

/*
 * DIAG_RULESET: the chains of the address family asked that drop, those
 * whose counters saw packets first.
 */
struct ruleset_fact {
	unsigned nchains;		/* all such chains, kept or not */
	struct ruleset_chain chain[RULESET_CHAINS_MAX];
};

/*
 * Read the ruleset's chains of address family `family` (AF_INET or
 * AF_INET6: the ip or ip6 tables, inet tables and netdev ingress) that a
 * packet this host sends or receives passes (forward chains are left out)
 * and that hold a drop or reject rule or a drop policy, into `rs`, waiting at most
 * until `deadline` (CLOCK_MONOTONIC).  Returns true when the whole ruleset
 * was read (nchains 0 then says no chain drops or rejects), false when
 * nothing may be said of it.  A whole reading answers again for a second
 * (the many targets of one run), counters included.
 */
bool ruleset_read(int family, const struct timespec *deadline,
    struct ruleset_fact *rs);

/* The name of `hook` of a chain of `family` ("input", "output", ...). */
const char *ruleset_hook_name(const char *family, int hook);

/* True when `c` is of a hook a packet this host sends passes. */
bool ruleset_chain_out(const struct ruleset_chain *c);

/* True when `c` is of a hook a packet this host receives passes. */
bool ruleset_chain_in(const struct ruleset_chain *c);

#endif /* ISOCK_RULESET_H */
