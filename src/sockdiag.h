/*
 * sockdiag.h: facts from the socket tables (sock_diag) and the protocol
 * files of /proc: who listens on a port, the local port range and how much
 * of it is in use, the socket bound at a Unix path.
 *
 * The inet requests carry INET_DIAG_REQ_BYTECODE, so the kernel sends only
 * the sockets on the port asked about, whatever the number of sockets.
 */
#ifndef ISOCK_SOCKDIAG_H
#define ISOCK_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "facts.h"
#include "nl.h"
#include "procfacts.h"

/* DIAG_LISTENERS: who listens on the destination port. */
struct listen_fact {
	int protocol;		/* IPPROTO_TCP or IPPROTO_UDP */
	size_t count;		/* all found; addr[] keeps the first */
	struct diag_ip addr[DIAG_LISTEN_MAX];
};

/* DIAG_UNIXPEER: the socket bound at a Unix path. */
struct unixpeer_fact {
	bool found;		/* a socket is bound to that inode */
	int type;		/* its SOCK_* type */
	bool listening;		/* it is in the listen state */
	unsigned queued;	/* listening: connections waiting */
	unsigned backlog;	/* listening: its backlog */
};

/*
 * Who listens on `port` for sockets of `type` (SOCK_STREAM: TCP listeners,
 * SOCK_DGRAM: bound UDP sockets), over IPv4 and IPv6: DIAG_LISTENERS with
 * `lf` filled, or 0.
 */
unsigned sockdiag_listeners(struct nl_ctx *nl, int type, unsigned port,
    struct listen_fact *lf);

/*
 * The local port range (procfacts_ports), and how many of its ports
 * sockets of `type` use towards `dst` port `port`: DIAG_PORTRANGE with
 * `pf` filled (in_use_known false when sock_diag did not answer), or 0.
 */
unsigned sockdiag_ports(struct nl_ctx *nl, int type, const struct diag_ip *dst,
    unsigned port, struct ports_fact *pf);

/*
 * The socket bound to the socket file of device `dev` and inode `ino`
 * (unix_diag, the bound and listening sockets only): DIAG_UNIXPEER with
 * `uf` filled when one was found, or when none was and `refused` (the
 * kernel's ECONNREFUSED says the same; a listener in another network
 * namespace is invisible here), else 0.  `type` is the type tried.
 */
unsigned sockdiag_unix_peer(struct nl_ctx *nl, dev_t dev, ino_t ino,
    int type, bool refused, struct unixpeer_fact *uf);

/* Feed `len` bytes of netlink messages to every parser: for the fuzzer. */
void sockdiag_fuzz(const void *buf, size_t len);

#endif /* ISOCK_SOCKDIAG_H */
