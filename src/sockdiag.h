/* SPDX-License-Identifier: ISC */
/*
 * sockdiag.h: facts from the socket tables (sock_diag) and the protocol
 * files of /proc: who listens on a port, the local port range and how much
 * of it is in use, the socket bound at a Unix path.
 *
 * The inet requests carry INET_DIAG_REQ_BYTECODE (and for TCP the ports in
 * their id), so the kernel sends only the sockets on the port asked about.
 * It still walks its listening hash whole, over every namespace: what a
 * TCP socket costs there is a comparison of its port (see sockdiag.c).
 */
#ifndef ISOCK_SOCKDIAG_H
#define ISOCK_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <sys/types.h>

#include "facts.h"
#include "nl.h"
#include "procfacts.h"

/* DIAG_LISTENERS: who listens on the destination port. */
struct listen_fact {
	int protocol;		/* IPPROTO_TCP or IPPROTO_UDP */
	size_t count;		/* all found; addr[] keeps the first */
	struct diag_ip addr[DIAG_LISTEN_MAX];
	unsigned queued[DIAG_LISTEN_MAX];  /* TCP: connections waiting to be
					      accepted (rqueue) */
	unsigned backlog[DIAG_LISTEN_MAX]; /* TCP: its backlog (wqueue) */
	unsigned long inode[DIAG_LISTEN_MAX]; /* the socket's inode */
};

/* DIAG_OWNER: the process that holds a listening socket. */
struct owner_fact {
	long pid;		/* 0: no process holds it any more */
	char comm[DIAG_NAME_MAX]; /* its name (raw) */
	char state;		/* /proc/PID/stat: R, S, D, T, t, Z, ... */
	unsigned long inode;	/* the socket's inode */
};

/* TCP states sock_diag reports, 1..11 (include/net/tcp_states.h). */
#define SOCKDIAG_NSTATES 12
/* Processes named as holders of the ports in use. */
#define SOCKDIAG_OWNERS 3

/* DIAG_UNIXPEER: the socket bound at a Unix path. */
struct unixpeer_fact {
	bool found;		/* a socket is bound to that inode */
	int type;		/* its SOCK_* type */
	bool listening;		/* it is in the listen state */
	unsigned queued;	/* listening: connections waiting */
	unsigned backlog;	/* listening: its backlog */
	unsigned long inode;	/* the socket's own inode (not the file's) */
};

/*
 * Who listens on `port` for sockets of `type` (SOCK_STREAM: TCP listeners,
 * SOCK_DGRAM: bound UDP sockets), over IPv4 and IPv6: DIAG_LISTENERS with
 * `lf` filled, or 0.
 */
unsigned sockdiag_listeners(struct nl_ctx *nl, int type, unsigned port,
    struct listen_fact *lf);

/*
 * sockdiag_listeners for each of `ports` (`n` of them) into lf[0..n-1],
 * in one dump of the ports between the lowest and the highest (two for
 * UDP, one a family): DIAG_LISTENERS with `lf` filled, or 0.
 */
unsigned sockdiag_listeners_of(struct nl_ctx *nl, int type,
    const unsigned *ports, size_t n,
    struct listen_fact *lf);

/*
 * The local port range, and how many of its ports sockets of `type` use
 * towards `dst` port `port`, by TCP state: DIAG_PORTRANGE with `pf` filled
 * (in_use_known false when sock_diag did not answer), or 0.  With a
 * `deadline`, the processes that hold most of them too (one walk of
 * /proc/PID/fd until then; TIME-WAIT sockets have no holder).
 */
unsigned sockdiag_ports(struct nl_ctx *nl, int type, const struct diag_ip *dst,
    unsigned port, const struct timespec *deadline, struct ports_fact *pf);


/*
 * The socket bound to the socket file of device `dev` and inode `ino`
 * (unix_diag, the bound and listening sockets only): DIAG_UNIXPEER with
 * `uf` filled when one was found, or when none was and `refused` (the
 * kernel's ECONNREFUSED says the same; a listener in another network
 * namespace is invisible here), else 0.  `type` is the type tried.
 */
unsigned sockdiag_unix_peer(struct nl_ctx *nl, dev_t dev, ino_t ino,
    int type, bool refused, struct unixpeer_fact *uf);

/*
 * The process that holds the socket of inode `ino`: a walk of
 * /proc/PID/fd, at most `max_fds` descriptors looked at, stopping when
 * `deadline` (CLOCK_MONOTONIC) passes.  DIAG_OWNER with `of` filled (pid 0
 * when the walk ended and no process holds it), or 0 when it was cut short.
 */
unsigned sockdiag_owner(unsigned long ino, const struct timespec *deadline,
    unsigned long max_fds, struct owner_fact *of);

/*
 * How many walks of /proc sockdiag_owner began in this process: for the
 * unit tests, which count them (a diagnosis walks once for a socket).
 * Built with libmnl only (nl_none.c never walks).
 */
unsigned long sockdiag_owner_scans(void);

/* Feed `len` bytes of netlink messages to every parser: for the fuzzer. */
void sockdiag_fuzz(const void *buf, size_t len);

#endif /* ISOCK_SOCKDIAG_H */
