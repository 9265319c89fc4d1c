/* SPDX-License-Identifier: ISC */
/*
 * diagnose.h: read-only facts about a failed connect, read off the live
 * system (issue 4).
 *
 * After a failure, diagnose_run() gathers only the facts that decide between
 * the causes of that errno: the route that matched the destination (or that
 * none did), the state of the next hop's neighbour entry, the listeners on a
 * local port, the local port range, whether a --source address is assigned,
 * whether IPv6 or SCTP is there at all, and a walk of a Unix path with the
 * listener found at its end.  It asks the kernel directly (rtnetlink,
 * sock_diag, /proc), never runs a program and never sends a packet anywhere.
 *
 * Every fact is optional: a look-up that fails, is not permitted, runs out
 * of the time budget or gets an incomplete answer leaves its fact out; it
 * never makes a false one.  The facts live in one fixed-size struct (no
 * heap); `have` says which are set.
 *
 * This module is the policy: which look-ups an errno asks for, and the
 * budget.  The look-ups are route.c, sockdiag.c and unixpath.c; the
 * sentences are facts_text.c.
 */
#ifndef ISOCK_DIAGNOSE_H
#define ISOCK_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>

#include "facts.h"
#include "fdfacts.h"
#include "hostsfile.h"
#include "linkfacts.h"
#include "nearby.h"
#include "isocket.h"
#include "resolver.h"
#include "route.h"
#include "ruleset.h"
#include "sockdiag.h"
#include "unixnear.h"
#include "unixpath.h"

/* What was tried: the failed attempt. */
struct diag_query {
	int family;			/* AF_INET, AF_INET6, AF_UNIX */
	int type;			/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	int protocol;
	const struct sockaddr *dst;	/* the address tried */
	socklen_t dstlen;
	const struct sockaddr *src;	/* --source, or NULL */
	socklen_t srclen;
	int error;			/* errno of the failure; ETIMEDOUT also
					   for the tool's own deadline */
	bool broadcast;			/* SO_BROADCAST was set */
	bool deadline;			/* the error is the -w deadline, not
					   the kernel's own (its retries ran
					   out, or an ICMP error came) */
	const struct isocket_icmp *icmp; /* the ICMP error queued on the
					   attempt's socket, or NULL */
	const struct target *target;	/* the target: of a failed name
					   look-up (dst NULL), or whose name
					   gave dst; or NULL */
	int eai;			/* its EAI_* code, 0: none */
	const char *resolv_conf;	/* NULL: /etc/resolv.conf */
	const char *hosts_file;		/* NULL: /etc/hosts */
	bool several;			/* one of several targets (or --count):
					   no look for a listener on another
					   port, which may be one of them */
	long budget_ms;			/* time all look-ups may take together;
					   <= 0: only /proc and stat look-ups */
};

/* DIAG_ICMP: the ICMP error that ended the attempt. */
struct icmp_fact {
	int family;			/* AF_INET: ICMP; AF_INET6: ICMPv6 */
	unsigned type, code;
	struct diag_ip sender;		/* family 0: not known */
	bool local;			/* this host sent it: the sender is
					   an address of this host */
};

/* DIAG_WHO: the user this process runs as (for a Unix EACCES). */
struct who_fact {
	unsigned long uid;
	char user[DIAG_NAME_MAX];	/* raw, or the number */
	size_t ngroups;			/* all groups, kept or not */
	char groups[DIAG_WHO_GROUPS][DIAG_NAME_MAX];
	bool listed_not_held;		/* /etc/group lists the user in the
					   socket's group, the process has
					   not got it */
};

/*
 * The facts, one record per source (route.h, sockdiag.h, unixpath.h);
 * `have` says which are set (enum diag_fact in facts.h).
 */
struct diag_facts {
	unsigned have;			/* enum diag_fact bits */
	int family, type, error;	/* copied from the query */
	struct diag_ip dst;		/* the destination, when IP */
	unsigned short port;		/* its port, host order */
	int zone;			/* the link-local zone's interface
					   index (sin6_scope_id), 0: none */

	struct route_fact route;	/* DIAG_ROUTE */
	struct noroute_fact noroute;	/* DIAG_NOROUTE */
	struct neigh_fact neigh;	/* DIAG_NEIGH */
	struct listen_fact listen;	/* DIAG_LISTENERS */
	struct ports_fact ports;	/* DIAG_PORTRANGE */
	struct source_fact source;	/* DIAG_SOURCE */
	struct ipv6_fact ipv6;		/* DIAG_IPV6 */
	struct sctp_fact sctp;		/* DIAG_SCTP */
	struct unixpath_fact path;	/* DIAG_PATH */
	struct unixpeer_fact unixpeer;	/* DIAG_UNIXPEER (a socket path) */
	struct icmp_fact icmp;		/* DIAG_ICMP */
	struct owner_fact owner;	/* DIAG_OWNER: the listener's process */
	struct who_fact who;		/* DIAG_WHO */
	struct resolver_facts resolver;	/* DIAG_RESOLVER */
	struct route_fact ns_route[RESOLVER_MAX_SERVERS]; /* each server's
					   route (type RTN_UNSPEC: none) */
	bool ns_route_known[RESOLVER_MAX_SERVERS]; /* false: not looked
					   up in time, nothing to say */
	long ns_wait_ms;		/* how long the servers were waited for */
	bool deadline;			/* copied from the query */
	int eai;			/* copied from the query */
	char host[RESOLVER_NAME_MAX];	/* the name looked up (raw) */
	struct ruleset_fact ruleset;	/* DIAG_RULESET */
	struct hosts_fact hosts;	/* DIAG_HOSTS */
	struct fd_fact fds;		/* DIAG_FDS */
	struct link_fact link;		/* DIAG_LINK */
	struct downlink_fact downlink;	/* DIAG_DOWNLINK */
	struct nearby_fact nearby;	/* DIAG_NEARBY */
	struct unixnear_fact unixnear;	/* DIAG_UNIXNEAR */
	char nolib[160];		/* DIAG_NONETLINK in a libmnl build:
					   why libmnl could not be loaded
					   (raw); "": built without it */
};

/*
 * Gather the facts that decide between the causes of q->error for the
 * attempt `q` into `f` (cleared first).  Each netlink look-up waits at most
 * for what remains of q->budget_ms.  Returns the number of facts found.
 * It waits on a loop of its own: for callers without a run (a run starts
 * its diagnoses with diag_start).
 */
int diagnose_run(const struct diag_query *q, struct diag_facts *f);

/* diag_start's callback: `f` holds its `nfacts` facts. */
typedef void diag_fn(void *arg, int nfacts);

struct diag;

/*
 * diagnose_run() (or diagnose_listener(), `listener`) on the current loop
 * (loop_current()), beside whatever else waits there: every netlink
 * request and the name servers' answers are waiters of that loop (nl.h
 * tells how a diagnosis is run in rounds), and `fn` is called from one of
 * its callbacks, never from inside diag_start, once `f` is complete; the
 * handle is freed after `fn` returns.  `q` is copied; what it points to,
 * and `f`, are the caller's and must live until then.  NULL when there is
 * no loop or no memory: nothing was started.
 */
struct diag *diag_start(const struct diag_query *q, bool listener,
    struct diag_facts *f, diag_fn *fn, void *arg);

/*
 * End `d` now with the facts its rounds found so far (a reply not come is
 * a fact not found): its sockets closed, its waiters removed; `fn` is
 * called before this returns.
 */
void diag_stop(struct diag *d);

/*
 * Only the listener facts of the IP destination of `q` into `f` (cleared
 * first), for a service that accepted and kept silent: whether it is this
 * host's (its route), and then who listens on its port, with the accept
 * queues, and the process that holds the listener that covers it
 * (cause_listener).  No ruleset, neighbour or name facts.  Returns the
 * number of facts found.
 */
int diagnose_listener(const struct diag_query *q, struct diag_facts *f);

/*
 * The facts as sentences: facts_text_lines (facts_text.h), kept under this
 * name for its callers.  Defined in facts_text.c: diagnose reads, report
 * speaks.
 */
size_t diagnose_lines(const struct diag_facts *f, char lines[][DIAG_LINE_MAX],
    size_t max);

#endif /* ISOCK_DIAGNOSE_H */
