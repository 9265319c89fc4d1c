/* SPDX-License-Identifier: ISC */
/*
 * sockdiag.c: facts from sock_diag (see sockdiag.h).
 *
 * The inet filters are inet_diag bytecode: a range test on the source port
 * for the listeners (S_GE, S_LE: they exist in every kernel with sock_diag),
 * and for the ports in use a range on the local port, the destination port
 * and the destination address (D_COND).  The answers are checked again
 * here, so a kernel that ignored a filter gives the same facts, only later.
 *
 * A TCP dump walks the kernel's listening hash (and for other states its
 * established hash) whole, the sockets of every namespace on the host:
 * neither is indexed by port alone.  The ports go into the request's id
 * too (idiag_sport, idiag_dport), which tcp_diag compares before it runs
 * the bytecode; that is what keeps a namespace with many listeners on
 * other ports near the cost of an empty one.  A dport also skips the walk
 * of the listening hash.  The TCP listeners of both families come from
 * one walk, not one per family (sockdiag_inet_dump).
 *
 * The exact request (no NLM_F_DUMP, answered by an inet_lookup) cannot
 * replace the dump: it names the one socket that would take a SYN to one
 * address, not every listener on the port, and the sentences say "nothing
 * on this host listens" and "on X only".
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "sockdiag.h"

/* The TCP states sock_diag reports (include/net/tcp_states.h). */
#define SOCKDIAG_ESTABLISHED	1
#define SOCKDIAG_CLOSE		7
#define SOCKDIAG_LISTEN		10
/* Bound, neither listening nor connected (6.8: a walk of all bound sockets). */
#define SOCKDIAG_BOUND_INACTIVE	13

/* The room a bytecode program takes here at most. */
#define SOCKDIAG_BC_MAX 128

/* The sockets in use whose holders are looked for, at most. */
#define SOCKDIAG_INODES_MAX 65536

static const enum mnl_attr_data_type sockdiag_unix_policy[UNIX_DIAG_MAX + 1] = {
	[UNIX_DIAG_VFS] = MNL_TYPE_BINARY,
	[UNIX_DIAG_RQLEN] = MNL_TYPE_BINARY
};

/* A bytecode program under construction. */
struct sockdiag_bc {
	unsigned char code[SOCKDIAG_BC_MAX];
	size_t len;
};

/*
 * Append the port test `op` (INET_DIAG_BC_S_GE, S_LE, D_GE, D_LE) against
 * `port`.  Its "no" target is fixed up by sockdiag_bc_end.
 */
static void
sockdiag_bc_port(struct sockdiag_bc *bc, unsigned char op, unsigned port)
{
	struct inet_diag_bc_op o[2];

	memset(o, 0, sizeof(o));
	o[0].code = op;
	o[0].yes = sizeof(o);
	o[1].no = (unsigned short)port;
	memcpy(bc->code + bc->len, o, sizeof(o));
	bc->len += sizeof(o);
}

/* Append a test that the destination address is `dst` (INET_DIAG_BC_D_COND). */
static void
sockdiag_bc_daddr(struct sockdiag_bc *bc, const struct diag_ip *dst)
{
	struct inet_diag_bc_op o;
	struct inet_diag_hostcond hc;
	size_t alen = diag_ip_len(dst->family);

	memset(&o, 0, sizeof(o));
	memset(&hc, 0, sizeof(hc));
	o.code = INET_DIAG_BC_D_COND;
	o.yes = (unsigned short)(sizeof(o) + sizeof(hc) + alen);
	hc.family = (unsigned char)dst->family;
	hc.prefix_len = (unsigned char)(8 * alen);
	hc.port = -1;
	memcpy(bc->code + bc->len, &o, sizeof(o));
	memcpy(bc->code + bc->len + sizeof(o), &hc, sizeof(hc));
	memcpy(bc->code + bc->len + sizeof(o) + sizeof(hc), &dst->u, alen);
	bc->len += o.yes;
}

/*
 * End the program: every test's "no" jumps just past the end (len + 4 from
 * where it stands), which rejects the socket.
 */
static void
sockdiag_bc_end(struct sockdiag_bc *bc)
{
	size_t at = 0;
	struct inet_diag_bc_op o;

	while (at < bc->len) {
		memcpy(&o, bc->code + at, sizeof(o));
		o.no = (unsigned short)(bc->len - at + 4);
		memcpy(bc->code + at, &o, sizeof(o));
		at += o.yes;
	}
}

/* What an inet_diag dump looks for. */
struct sockdiag_inet {
	bool listeners;		/* true: on the ports; false: in use */
	unsigned port;
	const unsigned *ports;	/* listeners: the ports, lf[] for each */
	size_t nports;
	const struct diag_ip *dst;
	unsigned low, high;
	struct listen_fact *lf;
	unsigned in_use;
	unsigned by_state[SOCKDIAG_NSTATES];
	unsigned long *inodes;	/* of the sockets in use, or NULL */
	size_t ninodes, maxinodes;
};

/* Take one socket from an inet_diag dump. */
static int
sockdiag_inet_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sockdiag_inet *d = data;
	const struct inet_diag_msg *m;
	struct diag_ip src, dst;
	unsigned sport, dport;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY &&
	    nlh->nlmsg_type != TCPDIAG_GETSOCK)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*m))
		return MNL_CB_ERROR;
	m = mnl_nlmsg_get_payload(nlh);
	if (!diag_ip_set(&src, m->idiag_family, m->id.idiag_src,
	    sizeof(m->id.idiag_src)) || !diag_ip_set(&dst, m->idiag_family,
	    m->id.idiag_dst, sizeof(m->id.idiag_dst)))
		return MNL_CB_OK;
	sport = ntohs(m->id.idiag_sport);
	dport = ntohs(m->id.idiag_dport);
	if (d->listeners) {
		struct listen_fact *lf;
		size_t i;

		for (i = 0; i < d->nports && d->ports[i] != sport; i++)
			;
		if (i == d->nports || dport != 0)
			return MNL_CB_OK;
		lf = &d->lf[i];
		if (lf->count < DIAG_LISTEN_MAX) {
			lf->addr[lf->count] = src;
			lf->queued[lf->count] = m->idiag_rqueue;
			lf->backlog[lf->count] = m->idiag_wqueue;
			lf->inode[lf->count] = m->idiag_inode;
		}
		lf->count++;
	} else if (dport == d->port && diag_ip_eq(&dst, d->dst) &&
	    sport >= d->low && sport <= d->high) {
		d->in_use++;
		if (m->idiag_state < SOCKDIAG_NSTATES)
			d->by_state[m->idiag_state]++;
		if (d->inodes != NULL && m->idiag_inode != 0 &&
		    d->ninodes < d->maxinodes)
			d->inodes[d->ninodes++] = m->idiag_inode;
	}
	return MNL_CB_OK;
}

/*
 * Dump the inet sockets of `family` and `protocol` in the states `states`
 * that pass the program `bc` through sockdiag_inet_cb: 0, a kernel errno,
 * or NL_FAIL.  For TCP the id carries `sport` and `dport` (0: any) as
 * well, which the kernel tests before the program.  AF_UNSPEC, for TCP
 * only, asks for both families in one walk: the request of before
 * sock_diag (TCPDIAG_GETSOCK) is the one whose dump takes no family.
 */
static int
sockdiag_inet_dump(struct nl_ctx *nl, int family, int protocol,
    unsigned states, unsigned sport, unsigned dport,
    const struct sockdiag_bc *bc, struct sockdiag_inet *d)
{
	union nl_req req;
	struct inet_diag_req_v2 *r;
	struct inet_diag_req *rc;
	struct inet_diag_sockid *id;

	if (family == AF_UNSPEC) {
		rc = nl_put(&req, TCPDIAG_GETSOCK, NLM_F_REQUEST | NLM_F_DUMP,
		    sizeof(*rc));
		rc->idiag_states = states;
		id = &rc->id;
	} else {
		r = nl_put(&req, SOCK_DIAG_BY_FAMILY,
		    NLM_F_REQUEST | NLM_F_DUMP, sizeof(*r));
		r->sdiag_family = (unsigned char)family;
		r->sdiag_protocol = (unsigned char)protocol;
		r->idiag_states = states;
		id = &r->id;
	}
	if (protocol == IPPROTO_TCP) {
		id->idiag_sport = htons((unsigned short)sport);
		id->idiag_dport = htons((unsigned short)dport);
	}
	mnl_attr_put(&req.h, INET_DIAG_REQ_BYTECODE, bc->len, bc->code);
	return nl_talk(nl, NL_SOCK_DIAG, &req.h, sockdiag_inet_cb, d);
}

/* The sock_diag protocol of a socket type: TCP, UDP, or 0 for neither. */
static int
sockdiag_protocol(int type)
{
	if (type == SOCK_STREAM)
		return IPPROTO_TCP;
	if (type == SOCK_DGRAM)
		return IPPROTO_UDP;
	return 0;
}

/* Who listens on each of `ports` (`n`), over IPv4 and IPv6. */
unsigned
sockdiag_listeners_of(struct nl_ctx *nl, int type, const unsigned *ports,
    size_t n, struct listen_fact *lf)
{
	struct sockdiag_inet d;
	struct sockdiag_bc bc = { .len = 0 };
	int protocol = sockdiag_protocol(type);
	unsigned states = protocol == IPPROTO_TCP ?
	    1u << SOCKDIAG_LISTEN : 1u << SOCKDIAG_CLOSE;
	unsigned lo = 65535, hi = 0, one;
	size_t i;

	if (protocol == 0 || n == 0 || !nl_lib(nl))
		return 0;
	memset(lf, 0, n * sizeof(*lf));
	memset(&d, 0, sizeof(d));
	d.listeners = true;
	d.ports = ports;
	d.nports = n;
	d.lf = lf;
	for (i = 0; i < n; i++) {
		lo = ports[i] < lo ? ports[i] : lo;
		hi = ports[i] > hi ? ports[i] : hi;
	}
	/* The kernel keeps the ports lo..hi; the callback, those asked. */
	sockdiag_bc_port(&bc, INET_DIAG_BC_S_GE, lo);
	sockdiag_bc_port(&bc, INET_DIAG_BC_S_LE, hi);
	sockdiag_bc_end(&bc);
	one = n == 1 ? ports[0] : 0;	/* a TCP dump's own port filter */
	if (protocol == IPPROTO_TCP) {
		if (sockdiag_inet_dump(nl, AF_UNSPEC, protocol, states, one,
		    0, &bc, &d) != 0)
			return 0;
	} else if (sockdiag_inet_dump(nl, AF_INET, protocol, states, one, 0,
	    &bc, &d) != 0 || sockdiag_inet_dump(nl, AF_INET6, protocol, states,
	    one, 0, &bc, &d) != 0)
		return 0;
	for (i = 0; i < n; i++)
		lf[i].protocol = protocol;
	return DIAG_LISTENERS;
}

/* Who listens on `port`, over IPv4 and IPv6. */
unsigned
sockdiag_listeners(struct nl_ctx *nl, int type, unsigned port,
    struct listen_fact *lf)
{
	return sockdiag_listeners_of(nl, type, &port, 1, lf);
}

/* Fill `of` with the name and state of process `pid` from its stat file. */
static void
sockdiag_pid_stat(const char *pid, struct owner_fact *of)
{
	char file[300], buf[512], *open, *close;

	snprintf(file, sizeof(file), "/proc/%s/stat", pid);
	of->pid = strtol(pid, NULL, 10);
	of->state = '?';
	if (facts_read_file(file, buf, sizeof(buf)) <= 0)
		return;
	/* "PID (comm) S ...": comm may hold spaces and parentheses. */
	open = strchr(buf, '(');
	close = strrchr(buf, ')');
	if (open == NULL || close == NULL || close < open || close[1] != ' ')
		return;
	*close = '\0';
	facts_strlcpy(of->comm, open + 1, sizeof(of->comm));
	of->state = close[2];
}

/* Order unsigned longs, for qsort and bsearch. */
static int
sockdiag_ulong_cmp(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* True when CLOCK_MONOTONIC has reached `deadline`. */
static bool
sockdiag_past(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline->tv_sec || (now.tv_sec ==
	    deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

/*
 * How many of the sorted `inodes` process `pid` holds (its /proc/PID/fd);
 * `*cut` is set when `deadline` passed during the walk.
 */
static unsigned
sockdiag_pid_count(const char *pid, const unsigned long *inodes, size_t n,
    const struct timespec *deadline, bool *cut)
{
	char dir[300], got[64];
	struct dirent *e;
	unsigned long ino;
	unsigned count = 0, seen = 0;
	ssize_t len;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%s/fd", pid);
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (++seen % 256 == 0 && sockdiag_past(deadline)) {
			*cut = true;
			break;
		}
		len = readlinkat(dirfd(d), e->d_name, got, sizeof(got) - 1);
		if (len <= 0)
			continue;
		got[len] = '\0';
		if (sscanf(got, "socket:[%lu]", &ino) == 1 && bsearch(&ino,
		    inodes, n, sizeof(*inodes), sockdiag_ulong_cmp) != NULL)
			count++;
	}
	closedir(d);
	return count;
}

/*
 * The processes that hold most of the `n` socket inodes: one walk of
 * /proc until `deadline`, the top SOCKDIAG_OWNERS kept in pf->owner.  A
 * walk cut short keeps nothing (a partial count would mislead).
 */
static void
sockdiag_holders(unsigned long *inodes, size_t n,
    const struct timespec *deadline, struct ports_fact *pf)
{
	struct owner_fact of;
	struct dirent *e;
	unsigned count;
	bool cut = false;
	size_t i, j;
	DIR *proc;

	qsort(inodes, n, sizeof(*inodes), sockdiag_ulong_cmp);
	proc = opendir("/proc");
	if (proc == NULL)
		return;
	while (!cut && (e = readdir(proc)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		count = sockdiag_pid_count(e->d_name, inodes, n, deadline,
		    &cut);
		if (count == 0 || cut)
			continue;
		for (i = 0; i < pf->nowners && pf->owner[i].count >= count; i++)
			;
		if (i == SOCKDIAG_OWNERS)
			continue;
		if (pf->nowners < SOCKDIAG_OWNERS)
			pf->nowners++;
		for (j = pf->nowners - 1; j > i; j--)
			pf->owner[j] = pf->owner[j - 1];
		memset(&of, 0, sizeof(of));
		sockdiag_pid_stat(e->d_name, &of);
		pf->owner[i].pid = of.pid;
		pf->owner[i].count = count;
		facts_strlcpy(pf->owner[i].comm, of.comm,
		    sizeof(pf->owner[i].comm));
	}
	closedir(proc);
	if (cut)
		pf->nowners = 0;
}

/* The local port range, and how many of its ports are in use towards dst. */
unsigned
sockdiag_ports(struct nl_ctx *nl, int type, const struct diag_ip *dst,
    unsigned port, const struct timespec *deadline, struct ports_fact *pf)
{
	struct sockdiag_inet d;
	struct sockdiag_bc bc = { .len = 0 };
	int protocol = sockdiag_protocol(type);

	if (procfacts_ports(pf) == 0)
		return 0;
	if (!nl_lib(nl))
		return DIAG_PORTRANGE;
	memset(&d, 0, sizeof(d));
	d.low = pf->low;
	d.high = pf->high;
	d.port = port;
	d.dst = dst;
	sockdiag_bc_port(&bc, INET_DIAG_BC_S_GE, d.low);
	sockdiag_bc_port(&bc, INET_DIAG_BC_S_LE, d.high);
	sockdiag_bc_port(&bc, INET_DIAG_BC_D_GE, port);
	sockdiag_bc_port(&bc, INET_DIAG_BC_D_LE, port);
	sockdiag_bc_daddr(&bc, dst);
	sockdiag_bc_end(&bc);
	if (deadline != NULL) {
		d.maxinodes = SOCKDIAG_INODES_MAX;
		d.inodes = malloc(d.maxinodes * sizeof(*d.inodes));
	}
	/* Neither listeners nor bound-only sockets have a destination. */
	if (protocol != 0 && sockdiag_inet_dump(nl, dst->family, protocol,
	    protocol == IPPROTO_TCP ? ~(1u << SOCKDIAG_LISTEN |
	    1u << SOCKDIAG_BOUND_INACTIVE) : ~0u, 0, port, &bc, &d) == 0) {
		pf->in_use_known = true;
		pf->in_use = d.in_use;
		memcpy(pf->by_state, d.by_state, sizeof(pf->by_state));
		if (d.ninodes > 0)
			sockdiag_holders(d.inodes, d.ninodes, deadline, pf);
	}
	free(d.inodes);
	return DIAG_PORTRANGE;
}

/* What a unix_diag dump looks for: the socket bound to one inode. */
struct sockdiag_unix {
	ino_t ino;
	dev_t dev;
	struct unixpeer_fact *uf;
};

/* Take the socket bound to the inode, if this is it (the first one). */
static int
sockdiag_unix_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sockdiag_unix *u = data;
	const struct nlattr *tb[UNIX_DIAG_MAX + 1];
	const struct unix_diag_msg *m;
	struct unix_diag_vfs vfs;
	struct unix_diag_rqlen rq;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return MNL_CB_OK;
	if (nl_parse(nlh, sizeof(*m), sockdiag_unix_policy, UNIX_DIAG_MAX,
	    tb) != MNL_CB_OK)
		return MNL_CB_ERROR;
	m = mnl_nlmsg_get_payload(nlh);
	if (u->uf->found || tb[UNIX_DIAG_VFS] == NULL)
		return MNL_CB_OK;
	if (mnl_attr_get_payload_len(tb[UNIX_DIAG_VFS]) < sizeof(vfs))
		return MNL_CB_ERROR;
	memcpy(&vfs, mnl_attr_get_payload(tb[UNIX_DIAG_VFS]), sizeof(vfs));
	/* The kernel's dev_t: major in the top 12 bits, minor below. */
	if (vfs.udiag_vfs_ino != u->ino ||
	    vfs.udiag_vfs_dev >> 20 != major(u->dev) ||
	    (vfs.udiag_vfs_dev & 0xfffff) != minor(u->dev))
		return MNL_CB_OK;
	u->uf->found = true;
	u->uf->type = m->udiag_type;
	u->uf->inode = m->udiag_ino;
	u->uf->listening = m->udiag_state == SOCKDIAG_LISTEN;
	if (u->uf->listening && tb[UNIX_DIAG_RQLEN] != NULL) {
		if (mnl_attr_get_payload_len(tb[UNIX_DIAG_RQLEN]) < sizeof(rq))
			return MNL_CB_ERROR;
		memcpy(&rq, mnl_attr_get_payload(tb[UNIX_DIAG_RQLEN]),
		    sizeof(rq));
		u->uf->queued = rq.udiag_rqueue;
		u->uf->backlog = rq.udiag_wqueue;
	}
	return MNL_CB_OK;
}

/*
 * The socket bound to the file (dev, ino).  Only the sockets that can own
 * a path's name are asked for: listening and unconnected ones, and for a
 * datagram attempt the connected ones too.
 */
unsigned
sockdiag_unix_peer(struct nl_ctx *nl, dev_t dev, ino_t ino, int type,
    bool refused, struct unixpeer_fact *uf)
{
	union nl_req req;
	struct sockdiag_unix u = { ino, dev, uf };
	struct unix_diag_req *r;

	memset(uf, 0, sizeof(*uf));
	if (!nl_lib(nl))
		return 0;
	r = nl_put(&req, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP,
	    sizeof(*r));
	r->sdiag_family = AF_UNIX;
	r->udiag_states = 1u << SOCKDIAG_LISTEN | 1u << SOCKDIAG_CLOSE;
	if (type == SOCK_DGRAM)
		r->udiag_states |= 1u << SOCKDIAG_ESTABLISHED;
	r->udiag_show = UDIAG_SHOW_VFS | UDIAG_SHOW_RQLEN;
	if (nl_talk(nl, NL_SOCK_DIAG, &req.h, sockdiag_unix_cb, &u) != 0)
		return 0;
	return uf->found || refused ? DIAG_UNIXPEER : 0;
}

/*
 * True when the descriptors of process `pid` (its /proc/PID/fd) hold the
 * socket "socket:[ino]"; `*seen` counts the descriptors looked at and the
 * walk stops at `max_fds` or `deadline` (then `*cut` is set).
 */
static bool
sockdiag_pid_holds(const char *pid, const char *want,
    const struct timespec *deadline, unsigned long max_fds,
    unsigned long *seen, bool *cut)
{
	char dir[300], got[64];
	struct dirent *e;
	ssize_t n;
	bool found = false;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%s/fd", pid);
	d = opendir(dir);
	if (d == NULL)
		return false;
	while (!found && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (++*seen > max_fds) {
			*cut = true;
			break;
		}
		if (*seen % 256 == 0 && sockdiag_past(deadline)) {
			*cut = true;
			break;
		}
		n = readlinkat(dirfd(d), e->d_name, got, sizeof(got) - 1);
		if (n <= 0)
			continue;
		got[n] = '\0';
		found = strcmp(got, want) == 0;
	}
	closedir(d);
	return found;
}

/* How many walks sockdiag_owner began (sockdiag_owner_scans). */
static unsigned long sockdiag_nscans;

unsigned long
sockdiag_owner_scans(void)
{
	return sockdiag_nscans;
}

/* The process that holds the socket of inode `ino`. */
unsigned
sockdiag_owner(unsigned long ino, const struct timespec *deadline,
    unsigned long max_fds, struct owner_fact *of)
{
	char want[48];
	struct dirent *e;
	unsigned long seen = 0;
	bool cut = false;
	DIR *proc;

	memset(of, 0, sizeof(*of));
	of->inode = ino;
	if (ino == 0)
		return 0;
	snprintf(want, sizeof(want), "socket:[%lu]", ino);
	sockdiag_nscans++;
	proc = opendir("/proc");
	if (proc == NULL)
		return 0;
	while (!cut && (e = readdir(proc)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		if (sockdiag_pid_holds(e->d_name, want, deadline, max_fds,
		    &seen, &cut)) {
			sockdiag_pid_stat(e->d_name, of);
			closedir(proc);
			return DIAG_OWNER;
		}
	}
	closedir(proc);
	return cut ? 0 : DIAG_OWNER;
}

/* Feed `buf` to every parser of this module. */
void
sockdiag_fuzz(const void *buf, size_t len)
{
	struct diag_ip dst = { .family = AF_INET };
	struct listen_fact lf;
	struct unixpeer_fact uf;
	struct sockdiag_inet d;
	struct sockdiag_unix u = { 0, 0, &uf };

	memset(&lf, 0, sizeof(lf));
	memset(&uf, 0, sizeof(uf));
	memset(&d, 0, sizeof(d));
	d.listeners = true;
	d.lf = &lf;
	d.dst = &dst;
	(void)nl_feed(buf, len, sockdiag_inet_cb, &d);
	d.listeners = false;
	d.high = 65535;
	(void)nl_feed(buf, len, sockdiag_inet_cb, &d);
	(void)nl_feed(buf, len, sockdiag_unix_cb, &u);
}
