/* SPDX-License-Identifier: ISC */
/*
 * procfacts.h: the facts read from /proc alone, which every build reads,
 * with libmnl or without (see nl.h): whether IPv6 is there, the local port
 * range, whether SCTP is there.  route.c and sockdiag.c add what netlink
 * says to the first two.
 */
#ifndef ISOCK_PROCFACTS_H
#define ISOCK_PROCFACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "facts.h"

/* DIAG_IPV6: whether IPv6 is there. */
struct ipv6_fact {
	bool present;		/* /proc/sys/net/ipv6 exists */
	int disable_all;	/* conf.all.disable_ipv6; -1 unknown */
	int global_addrs;	/* global IPv6 addresses; -1 unknown */
	int has_default;	/* an IPv6 default route; -1 unknown */
};

/* DIAG_PORTRANGE: the local port range and its use. */
/* TCP states sock_diag reports, 1..11 (include/net/tcp_states.h). */
#define SOCKDIAG_NSTATES 12
/* Processes named as holders of the ports in use. */
#define SOCKDIAG_OWNERS 3

struct ports_fact {
	unsigned low, high;	/* ip_local_port_range */
	bool in_use_known;	/* sock_diag answered */
	unsigned in_use;	/* local ports in the range in use
				   towards dst/port */
	unsigned by_state[SOCKDIAG_NSTATES]; /* in_use by TCP state
				   (TCP_ESTABLISHED = 1, ...) */
	size_t nowners;		/* processes kept in owner[] */
	struct {
		long pid;
		char comm[DIAG_NAME_MAX];	/* raw */
		unsigned count;			/* its sockets among in_use */
	} owner[SOCKDIAG_OWNERS];	/* the processes that hold most */
};

/* DIAG_SCTP: whether SCTP is there. */
struct sctp_fact {
	bool proc_net_sctp;	/* /proc/net/sctp exists */
	int module;		/* sctp in /proc/modules: 1, 0, -1 unknown */
};

/*
 * Whether IPv6 is there as /proc says: /proc/sys/net/ipv6 and
 * conf.all.disable_ipv6, the rest unknown (-1); always DIAG_IPV6.
 */
unsigned procfacts_ipv6(struct ipv6_fact *v6);

/*
 * The local port range (ip_local_port_range) into `pf`, in_use unknown:
 * DIAG_PORTRANGE, or 0 when it cannot be read.
 */
unsigned procfacts_ports(struct ports_fact *pf);

/*
 * Whether SCTP is there: /proc/net/sctp, and sctp in /proc/modules (read
 * without blocking); always DIAG_SCTP.
 */
unsigned procfacts_sctp(struct sctp_fact *sf);

#endif /* ISOCK_PROCFACTS_H */
