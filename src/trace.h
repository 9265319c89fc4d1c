/* SPDX-License-Identifier: ISC */
/*
 * trace.h: where a SYN that gets no answer dies (--trace, issue 15).
 *
 * trace_run() answers two questions about a TCP destination, as facts:
 *
 *   - The local rule.  With CAP_NET_ADMIN it adds a throw-away nftables
 *     table, inet isock_trace_PID, owned by its netlink socket (the kernel
 *     removes it when that socket closes, so even SIGKILL leaves nothing
 *     behind), with a chain on the output hook and one on prerouting at the
 *     lowest priority, holding one rule each that matches this trace's own
 *     SYN (and its reply) by its 5-tuple and sets `meta nftrace set 1`.
 *     It then reads the kernel's trace events (NFNLGRP_NFTRACE, parsed with
 *     libnftnl's nftnl_trace) and keeps the first rule or chain policy of
 *     another table that drops the SYN or the reply.  The table is deleted
 *     before trace_run returns, whatever happens.  Without the permission it
 *     says so (root would let it look); a host without nf_tables is told to
 *     be a legacy iptables host.
 *   - The hops.  One non-blocking TCP socket per TTL from 1 to `max_hops`,
 *     with IP_RECVERR (IPV6_RECVERR) and IP_TTL (IPV6_UNICAST_HOPS), all
 *     connecting at once: a router's ICMP time exceeded or unreachable is
 *     read off the error queue (the offender's address), a reset or a
 *     handshake off the socket itself.  No raw socket, no privilege.
 *
 * Every wait is a waiter of the loop (loop.h): the hop sockets, the
 * netlink socket, the deadline `deadline_ms` as a timer; trace_start()
 * runs a trace on the current loop beside whatever else waits there, and
 * several traces may be under way at once, each with its own table.  A
 * signal that sets `*stop` ends a trace at its next callback (the table is
 * still deleted).  The result is a fixed-size struct: no heap is left to
 * free.
 */
#ifndef ISOCK_TRACE_H
#define ISOCK_TRACE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "json.h"

#define TRACE_MAX_HOPS 64
#define TRACE_DEFAULT_HOPS 30
#define TRACE_NAME_MAX 64	/* a table or chain name (NFT_NAME_MAXLEN) */
#define TRACE_RULE_MAX 512	/* the rule's expressions, as libnftnl shows */

/* What the local-rule look-up could do. */
enum trace_rule_state {
	TRACE_RULE_NOT_TRIED,	/* not asked for (`nft` false) */
	TRACE_RULE_NONE,	/* traced: no rule or policy drops it */
	TRACE_RULE_FOUND,	/* traced: `rule` names what dropped it */
	TRACE_RULE_NO_EVENTS,	/* the table was set, no trace event came */
	TRACE_RULE_DENIED,	/* not permitted: root would let it look */
	TRACE_RULE_LEGACY,	/* no nf_tables here: legacy iptables only */
	TRACE_RULE_ERROR	/* another failure: `error` is its errno */
};

/* A verdict of nftables' trace that decided a packet's fate. */
struct trace_rule {
	enum trace_rule_state state;
	int error;			/* TRACE_RULE_ERROR: the errno */
	bool reply;			/* the SYN-ACK, not the SYN, was dropped */
	bool policy;			/* the chain's policy, not a rule */
	unsigned family;		/* NFPROTO_* of the table */
	char table[TRACE_NAME_MAX];
	char chain[TRACE_NAME_MAX];
	unsigned long long handle;	/* the rule's handle (0: policy) */
	char text[TRACE_RULE_MAX];	/* the rule's expressions, or "" */
	char comment[TRACE_NAME_MAX * 2];	/* the rule's comment, or "" */
	const char *verdict;		/* "drop", "accept", ... */
	/*
	 * The legacy iptables (x_tables) tables of the target's family in
	 * this network namespace, space-separated ("filter nat"), whose
	 * rules nftables tracing cannot see; "" when none (or unreadable).
	 */
	char legacy[TRACE_NAME_MAX];
};

/* What answered one TTL. */
enum trace_hop_kind {
	TRACE_HOP_SILENT,	/* nothing within the deadline */
	TRACE_HOP_TIME_EXCEEDED,/* a router: ICMP time exceeded */
	TRACE_HOP_UNREACH,	/* ICMP destination unreachable: type, code */
	TRACE_HOP_REFUSED,	/* the target: a TCP reset */
	TRACE_HOP_CONNECTED,	/* the target: the handshake completed */
	TRACE_HOP_ERROR		/* a local error: `error` */
};

struct trace_hop {
	unsigned ttl;
	enum trace_hop_kind kind;
	struct sockaddr_storage addr;	/* who answered (not for SILENT) */
	double rtt_ms;
	unsigned char icmp_type, icmp_code;	/* UNREACH: as received */
	int error;			/* the socket's errno, if any */
};

struct trace_result {
	struct trace_rule rule;
	unsigned nhops;			/* hops[0..nhops-1]: TTL 1..nhops */
	struct trace_hop hops[TRACE_MAX_HOPS];
	unsigned last_answered;		/* highest TTL that answered, 0: none */
	unsigned reached;		/* TTL at which the target answered, 0 */
	bool cut;			/* the deadline ended it, probes waiting */
	bool stopped;			/* a signal ended it */
	long deadline_ms;		/* the wait it was given */
	struct sockaddr_storage dst;	/* the target, with its port */
};

/* What to trace. */
struct trace_query {
	const struct sockaddr *dst;	/* AF_INET or AF_INET6, with the port */
	socklen_t dstlen;
	long deadline_ms;		/* the whole trace, > 0 */
	unsigned max_hops;		/* 1..TRACE_MAX_HOPS; 0: the default */
	bool nft;			/* may try nftables tracing */
	volatile sig_atomic_t *stop;	/* nonzero: end now (NULL: none) */
};

/*
 * Trace `q` into `r`, synchronously: trace_start() on a loop of its own,
 * waited for until it calls back, for a caller without a run (tests).
 * Returns 0, or -1 with `*cause` set to a new sentence when no hop could
 * even be probed (no socket of the family; NULL: out of memory).  Any
 * trace table it added is gone when it returns.
 */
int trace_run(const struct trace_query *q, struct trace_result *r,
    char **cause);

/* trace_start's callback: `r` is complete. */
typedef void trace_fn(void *arg);

struct trace_job;

/*
 * trace_run() on the current loop (loop_current()): the hop sockets and
 * the nftables socket are waiters of that loop, the deadline a timer, and
 * `fn` is called from one of its callbacks (never from inside
 * trace_start()) once `r` is complete and the trace table is gone; the
 * handle is freed after `fn` returns (trace_stop() from inside `fn` does
 * nothing).  `r` is the caller's and must live until then.  NULL when no
 * hop could be probed (trace_run's -1, with `*cause` set) or it could not
 * start (no loop: `*cause` says so; out of memory: `*cause` NULL).
 * Several traces may be under way at once, each with its own table (past
 * 32 at once, a trace goes without nftables: its rule look-up says EBUSY).
 * q->stop is read at each callback: once set, the trace ends as stopped.
 */
struct trace_job *trace_start(const struct trace_query *q,
    struct trace_result *r, char **cause, trace_fn *fn, void *arg);

/*
 * End `j` now as a stopped trace (r->stopped, what was found kept, its
 * table deleted, its sockets closed, its waiters removed); `fn` is called
 * before this returns.  Nothing is waited for: the kernel has run a
 * netlink request by the time its send returns.
 */
void trace_stop(struct trace_job *j);

/*
 * For a signal handler that will not return to the traces: removes every
 * trace table in flight now, by closing the netlink sockets that own them
 * (and, on a kernel without owned tables, by sending their prepared
 * deletes).  Uses only async-signal-safe calls; safe to call at any time,
 * any number of times.
 */
void trace_cleanup(void);

/*
 * The trace table's name: "isock_trace_ID", ID the netlink port id of the
 * tracing socket, which the kernel keeps unique in the network namespace.
 * It is the PID, unless that port id is taken (by a process of the same
 * PID in another PID namespace, which the PID alone would collide with).
 */
void trace_table_name(char *buf, size_t size, unsigned portid);

#define TRACE_IDS_MAX 32		/* packets followed at once */

/*
 * Which trace events are about the traced SYN and its reply.  The kernel
 * puts the packet's headers only in the first event of each chain it
 * meets; the others carry the packet's trace id alone.  So an event whose
 * transport header has the SYN's ports (or the reply's) makes its id known,
 * and an event without headers is ours when its id is known.
 */
struct trace_match {
	const char *own_table;	/* the trace's own table, never the answer */
	unsigned sport, dport;	/* the SYN's ports; the reply's are swapped */
	uint32_t ids[TRACE_IDS_MAX];	/* trace ids seen, the oldest replaced */
	bool reply[TRACE_IDS_MAX];	/* the id is the reply's */
	unsigned nids, next;
};

/*
 * Parse one nftables trace event (a NFT_MSG_TRACE netlink message of `len`
 * bytes) against `m`, learning its trace id.  Returns 1 with `rule` set
 * when a table other than m->own_table drops the SYN or the reply (a rule's
 * verdict or a chain's policy: drop, which is also what a reject gives);
 * 0 when it is another event of them; -1 when it is about another packet
 * or cannot be parsed.  Exposed for the unit test.
 */
int trace_parse_event(const void *nlmsg, size_t len, struct trace_match *m,
    struct trace_rule *rule);

/* The facts as "  Found: ..." lines on `f` (trace_text.c). */
void trace_text(const struct trace_result *r, FILE *f);

/* The facts as the value of a "trace" member: {"rule": ..., "hops": [...]} */
void trace_json(const struct trace_result *r, struct json *j);

/*
 * Word the trace `r` of `host` (trace_run's): as text on `err` under its
 * failure, or as a JSON line of kind "trace" on `out`.  `r` NULL: the
 * trace could not run, for the reason `cause` (NULL: out of memory), said
 * in text only.  Words only: it runs nothing.
 */
void trace_report(const struct trace_result *r, const char *cause,
    const char *host, bool json, FILE *out, FILE *err);

#endif /* ISOCK_TRACE_H */
