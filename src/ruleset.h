/* SPDX-License-Identifier: ISC */
/*
 * ruleset.h: this host's nftables ruleset as a fact (issue 20): which
 * chains of which hooks hold a rule that drops or rejects, or a drop
 * policy, that can match this attempt's packets, with the packets their
 * counters saw.
 *
 * Read through libnftnl over its own NETLINK_NETFILTER socket (dumps of the
 * chains, the rules, then the elements of each set a rule looks up), within
 * a deadline, one dump a round of the diagnosis (nl.h), each dump parsed
 * once into the reading, which the diagnoses under way go on with and
 * share; a dump cut short, interrupted
 * (NLM_F_DUMP_INTR) or refused (no CAP_NET_ADMIN) leaves the fact out, so
 * "no rule drops" is only ever said from a whole ruleset.
 *
 * Each rule's expressions are evaluated against two packets: the one this
 * host sends (the SYN or datagram to the destination's address and port)
 * and the reply (from that address and port).  What is evaluated: meta
 * nfproto and l4proto, payload loads of the IPv4/IPv6 header's protocol,
 * source and destination and of the transport header's ports, ct state
 * (the packet sent starts a connection: new; a TCP reply belongs to it:
 * established; unknown where a rule untracks), bitwise masks (prefixes),
 * cmp (eq, neq, lt, lte, gt, gte), range, and look-ups in sets (their
 * elements and intervals are read: a third dump, one a set).  What is not
 * known of a packet (this host's source address to another host, the
 * interface, a UDP reply's state, ...) and every expression not evaluated
 * (maps, concatenations, limits, ct mark, ...) make a rule one that "may
 * match": a rule is never taken not to match unless one of its conditions
 * is false for the packet.
 * A rule after one that surely matches and accepts, drops or rejects is
 * not reached; after one that may match and accept, return, jump or end
 * otherwise (a drop before a reject), it is at most "may match"; a chain
 * reached by a jump is looked at only when a jump to it can match.  Built without libnftnl, ruleset_read reads nothing.
 */
#ifndef ISOCK_RULESET_H
#define ISOCK_RULESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* How many chains that drop or reject are kept (the count goes on). */
#define RULESET_CHAINS_MAX 6
/* A table or chain name (NFT_NAME_MAXLEN is 256; longer ones are cut). */
#define RULESET_NAME_MAX 48

/* One chain that can drop or reject this attempt's packets. */
struct ruleset_chain {
	char family[8];			/* "ip", "ip6", "inet", "netdev",
					   "arp" (ruleset_fact.arp only) */
	char table[RULESET_NAME_MAX];	/* raw, as the kernel gave it */
	char chain[RULESET_NAME_MAX];
	int hook;			/* NF_INET_* (NF_NETDEV_* for netdev);
					   -1: a regular chain, reached by a
					   jump */
	bool policy_drop;		/* a base chain whose policy is drop,
					   and a packet may reach it */
	unsigned drops, rejects;	/* rules with a drop verdict, rules
					   that reject, that can match */
	unsigned maybe;			/* of those, rules that may match
					   (not all evaluated), not surely */
	bool out, reply;		/* which packets they can match: the
					   one sent, the reply */
	bool counted;			/* one of them has a counter */
	uint64_t packets;		/* ... and their counters' packets */
};

/* The attempt whose packets the rules are matched against. */
struct ruleset_packet {
	int family;			/* AF_INET or AF_INET6 */
	int proto;			/* IPPROTO_TCP, IPPROTO_UDP,
					   IPPROTO_SCTP; 0: not known */
	unsigned char dst[16];		/* the destination's address (4 or
					   16 bytes, network order) */
	unsigned short port;		/* its port, host order */
	bool have_src;			/* the source address is known: */
	unsigned char src[16];		/* ... this one */
	unsigned short sport_lo, sport_hi; /* the source port is one of
					   these (the local port range, or
					   --source's port) */
	bool local;			/* an address of this host: each
					   packet passes the output and the
					   input hooks */
};

/*
 * DIAG_RULESET: the chains of the address family asked that can drop or
 * reject the attempt's packets, those that surely do first, then those
 * whose counters saw packets.
 */
struct ruleset_fact {
	unsigned nchains;		/* all such chains, kept or not */
	struct ruleset_chain chain[RULESET_CHAINS_MAX];
	unsigned more_drop, more_reject; /* of those not kept, the chains
					   that can drop, that can reject */
	unsigned narp;			/* IPv4: arp-family chains of this
					   host (hook input or output, or
					   reached by a jump from one) that
					   can drop its ARP packets */
	struct ruleset_chain arp;	/* one of them, one that surely drops
					   first: family "arp"; its rules are
					   not evaluated (one with a condition,
					   or after an accept or a jump, may
					   drop: maybe); out: the requests,
					   reply: the answers */
	bool arp_sure;			/* `arp` surely drops every ARP packet
					   of its hook */
};

struct nl_ctx;

/*
 * Read the ruleset's chains of p->family (AF_INET or AF_INET6: the ip or
 * ip6 tables, inet tables and netdev) that a packet this host sends or
 * receives passes (forward chains are left out) and that hold a drop or
 * reject rule that can match the packets of `p`, or a drop policy they may
 * reach, into `rs`, over `nl`'s netfilter socket within its budget.
 * Returns true when the whole ruleset was read (nchains 0 then says no
 * chain drops or rejects these packets), false when nothing may be said of
 * it.  A whole reading answers again for a second (the many targets of one
 * run), counters included.
 */
bool ruleset_read(const struct ruleset_packet *p, struct nl_ctx *nl,
    struct ruleset_fact *rs);

/*
 * ruleset_read from the dumps' messages as the kernel sends them
 * (`chains`, `clen` bytes of NFT_MSG_NEWCHAIN; `rules`, `rlen` bytes of
 * NFT_MSG_NEWRULE; `elems`, `elen` bytes of NFT_MSG_NEWSETELEM of the sets
 * the rules look up), read nowhere and not kept: for the unit tests.
 * False when the messages cannot be trusted.  Without libnftnl: false.
 */
bool ruleset_from_dumps(const void *chains, size_t clen, const void *rules,
    size_t rlen, const void *elems, size_t elen,
    const struct ruleset_packet *p, struct ruleset_fact *rs);

/*
 * How many messages of the dumps this process has parsed (each chain, rule
 * and message of set elements once per reading): for the unit tests,
 * which count re-readings.  Without libnftnl: 0.
 */
unsigned long ruleset_parsed(void);

/* The name of `hook` of a chain of `family` ("input", "output", ...). */
const char *ruleset_hook_name(const char *family, int hook);

/* True when `c` is of a hook a packet this host sends passes. */
bool ruleset_chain_out(const struct ruleset_chain *c);

/* True when `c` is of a hook a packet this host receives passes. */
bool ruleset_chain_in(const struct ruleset_chain *c);

#endif /* ISOCK_RULESET_H */
