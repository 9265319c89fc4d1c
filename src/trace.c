/* SPDX-License-Identifier: ISC */
/*
 * trace.c: where a SYN that gets no answer dies: the local nftables rule
 * (libmnl, libnftnl) and the hops (TCP sockets with small TTLs and the ICMP
 * error queue).  See trace.h for the contract.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/trace.h>
#include <libnftnl/udata.h>

#include "clock.h"
#include "nldl.h"
#include "facts.h"
#include "loop.h"
#include "text.h"
#include "trace.h"

/* A netlink receive or batch buffer (MNL_SOCKET_BUFFER_SIZE is not a
 * constant: it is at most 8192). */
#define TRACE_NL_BUF 8192

/* The netlink socket that owns the trace table, for trace_cleanup(). */
static volatile sig_atomic_t trace_owner_fd = -1;
/* Without owned tables: a prepared delete batch, sent by trace_cleanup(). */
static char trace_del_msg[256];
static volatile sig_atomic_t trace_del_len;

/* The local-rule half: the netlink socket and what it learnt. */
struct nft {
	struct mnl_socket *nl;
	unsigned portid;
	unsigned seq;
	char table[TRACE_NAME_MAX];
	bool table_added;
	uint16_t sport;			/* the traced SYN's local port */
	uint16_t dport;			/* the target's port */
	bool seen;			/* an event about the SYN came */
	struct trace_match match;	/* which events are about them */
};

void
trace_table_name(char *buf, size_t size, unsigned portid)
{
	snprintf(buf, size, "isock_trace_%u", portid);
}

void
trace_cleanup(void)
{
	int fd = trace_owner_fd, s;
	struct sockaddr_nl nladdr;

	trace_owner_fd = -1;
	if (fd >= 0)
		close(fd);	/* the kernel removes the owned table */
	if (trace_del_len <= 0)
		return;
	s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (s < 0)
		return;
	memset(&nladdr, 0, sizeof(nladdr));
	nladdr.nl_family = AF_NETLINK;
	(void)sendto(s, trace_del_msg, (size_t)trace_del_len, 0,
	    (struct sockaddr *)&nladdr, sizeof(nladdr));
	trace_del_len = 0;
	close(s);
}

/* ---- nftables: the table, its rules, the acknowledgements ---------------- */

/* Append an expression `name` set up by the caller to `r`. */
static struct nftnl_expr *
expr_new(struct nftnl_rule *r, const char *name)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	if (e != NULL)
		nftnl_rule_add_expr(r, e);
	return e;
}

/* Register 1 must equal the `len` bytes at `data`.  Returns 0 or -1. */
static int
match_reg1(struct nftnl_rule *r, const void *data, uint32_t len)
{
	struct nftnl_expr *e = expr_new(r, "cmp");

	if (e == NULL)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	return 0;
}

/* Load `len` bytes at `offset` of header `base` into register 1 and compare
 * them with `data`.  Returns 0 or -1 (out of memory). */
static int
match_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset,
    const void *data, uint32_t len)
{
	struct nftnl_expr *e;

	if ((e = expr_new(r, "payload")) == NULL)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	return match_reg1(r, data, len);
}

/* Load meta `key` into register 1 and compare its first byte with `v`. */
static int
match_meta_u8(struct nftnl_rule *r, uint32_t key, uint8_t v)
{
	struct nftnl_expr *e;

	if ((e = expr_new(r, "meta")) == NULL)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	return match_reg1(r, &v, 1);
}

/*
 * The rule of chain `chain`: TCP of the target's family, the remote address
 * `addr` as destination (`reply` false) or source (`reply` true), ports
 * `sport` to `dport` (network order) and then `meta nftrace set 1`.
 */
static struct nftnl_rule *
trace_rule_new(const char *table, const char *chain,
    const struct sockaddr *dst, bool reply, uint16_t sport, uint16_t dport)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr *e;
	bool v6 = dst->sa_family == AF_INET6;
	const void *a = v6 ?
	    (const void *)&((const struct sockaddr_in6 *)dst)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)dst)->sin_addr;
	uint32_t alen = v6 ? 16 : 4;
	/* saddr and daddr: 12 and 16 in IPv4, 8 and 24 in IPv6 */
	uint32_t aoff = v6 ? (reply ? 8 : 24) : (reply ? 12 : 16);
	uint32_t one = 1;

	if (r == NULL)
		return NULL;
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	if (match_meta_u8(r, NFT_META_NFPROTO, v6 ? NFPROTO_IPV6 :
	    NFPROTO_IPV4) < 0 ||
	    match_meta_u8(r, NFT_META_L4PROTO, IPPROTO_TCP) < 0 ||
	    match_payload(r, NFT_PAYLOAD_NETWORK_HEADER, aoff, a, alen) < 0 ||
	    match_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, &sport, 2) < 0 ||
	    match_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, &dport, 2) < 0 ||
	    (e = expr_new(r, "immediate")) == NULL)
		goto fail;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, &one, sizeof(one));
	if ((e = expr_new(r, "meta")) == NULL)
		goto fail;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_NFTRACE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, NFT_REG_1);
	return r;
fail:
	nftnl_rule_free(r);
	return NULL;
}

/* A base chain of the trace table on `hook`, before every other chain. */
static struct nftnl_chain *
trace_chain_new(const char *table, const char *name, uint32_t hook)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (c == NULL)
		return NULL;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, INT_MIN);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	return c;
}

/*
 * Wait (until `deadline`) for the acknowledgements of `nacks` messages
 * sent with sequence numbers from `seq0`.  Returns 0, or -1 with errno:
 * the kernel's error, or ETIMEDOUT.  Other messages (trace events) are
 * skipped.
 */
static int
nft_wait_acks(struct nft *n, unsigned seq0, unsigned nacks,
    const struct timespec *deadline, struct nftnl_rule *got)
{
	char buf[TRACE_NL_BUF];
	struct pollfd pfd;
	unsigned done = 0;
	ssize_t len;

	pfd.fd = mnl_socket_get_fd(n->nl);
	pfd.events = POLLIN;
	while (done < nacks) {
		long ms = clock_ms_until(deadline);
		struct nlmsghdr *h;
		int left, k;

		if (ms <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		k = loop_poll(&pfd, 1, (int)ms);
		if (k < 0 && errno == EINTR)
			continue;	/* the deadline is checked again */
		if (k <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		len = mnl_socket_recvfrom(n->nl, buf, sizeof(buf));
		if (len < 0)
			return -1;
		left = (int)len;
		for (h = (struct nlmsghdr *)buf; mnl_nlmsg_ok(h, left);
		    h = mnl_nlmsg_next(h, &left)) {
			if (h->nlmsg_pid != n->portid || h->nlmsg_seq < seq0 ||
			    h->nlmsg_seq >= seq0 + nacks)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);

				if (h->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
					errno = EPROTO;
					return -1;
				}
				if (e->error != 0) {
					errno = -e->error;
					return -1;
				}
				done++;
			} else if (got != NULL &&
			    nftnl_rule_nlmsg_parse(h, got) < 0) {
				errno = EPROTO;
				return -1;
			}
		}
	}
	return 0;
}

/* Add one message built by `build` to batch `b`. */
#define BATCH_ADD(b, n, type, flags, build, obj) do {			\
	struct nlmsghdr *nlh_ = nftnl_nlmsg_build_hdr(			\
	    mnl_nlmsg_batch_current(b), (type), NFPROTO_INET,		\
	    (flags) | NLM_F_ACK, (n)->seq++);				\
	build(nlh_, (obj));						\
	mnl_nlmsg_batch_next(b);					\
	nmsg++;								\
} while (0)

/*
 * Send the batch that adds the trace table (owned by the socket when
 * `owner`), its chains and rules.  Returns 0 or -1 with errno.
 */
static int
nft_add_table(struct nft *n, const struct sockaddr *dst, bool owner,
    const struct timespec *deadline)
{
	static char buf[TRACE_NL_BUF];
	struct mnl_nlmsg_batch *b;
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_chain *out = NULL, *pre = NULL;
	struct nftnl_rule *rout = NULL, *rpre = NULL;
	unsigned seq0, nmsg = 0;
	int rc = -1, saved;

	memset(buf, 0, sizeof(buf));	/* the padding is sent too */
	b = mnl_nlmsg_batch_start(buf, sizeof(buf));
	out = trace_chain_new(n->table, "out", NF_INET_LOCAL_OUT);
	pre = trace_chain_new(n->table, "pre", NF_INET_PRE_ROUTING);
	rout = trace_rule_new(n->table, "out", dst, false, n->sport, n->dport);
	rpre = trace_rule_new(n->table, "pre", dst, true, n->dport, n->sport);
	if (b == NULL || t == NULL || out == NULL || pre == NULL ||
	    rout == NULL || rpre == NULL) {
		errno = ENOMEM;
		goto out;
	}
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, n->table);
	if (owner)
		nftnl_table_set_u32(t, NFTNL_TABLE_FLAGS, NFT_TABLE_F_OWNER);
	nftnl_batch_begin(mnl_nlmsg_batch_current(b), n->seq++);
	mnl_nlmsg_batch_next(b);
	seq0 = n->seq;
	BATCH_ADD(b, n, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL,
	    nftnl_table_nlmsg_build_payload, t);
	BATCH_ADD(b, n, NFT_MSG_NEWCHAIN, NLM_F_CREATE,
	    nftnl_chain_nlmsg_build_payload, out);
	BATCH_ADD(b, n, NFT_MSG_NEWCHAIN, NLM_F_CREATE,
	    nftnl_chain_nlmsg_build_payload, pre);
	BATCH_ADD(b, n, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND,
	    nftnl_rule_nlmsg_build_payload, rout);
	BATCH_ADD(b, n, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND,
	    nftnl_rule_nlmsg_build_payload, rpre);
	nftnl_batch_end(mnl_nlmsg_batch_current(b), n->seq++);
	mnl_nlmsg_batch_next(b);
	if (mnl_socket_sendto(n->nl, mnl_nlmsg_batch_head(b),
	    mnl_nlmsg_batch_size(b)) < 0)
		goto out;
	rc = nft_wait_acks(n, seq0, nmsg, deadline, NULL);
out:
	saved = errno;
	if (b != NULL)
		mnl_nlmsg_batch_stop(b);
	nftnl_table_free(t);
	if (out != NULL)
		nftnl_chain_free(out);
	if (pre != NULL)
		nftnl_chain_free(pre);
	if (rout != NULL)
		nftnl_rule_free(rout);
	if (rpre != NULL)
		nftnl_rule_free(rpre);
	errno = saved;
	return rc;
}

/* Build the batch that deletes the table into `buf`; returns its length. */
static size_t
nft_del_batch(const char *table, char *buf, size_t size, unsigned seq)
{
	struct mnl_nlmsg_batch *b;
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;
	size_t len = 0;

	memset(buf, 0, size);	/* the padding is sent too */
	b = mnl_nlmsg_batch_start(buf, size);
	if (b == NULL || t == NULL)
		goto out;
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, table);
	nftnl_batch_begin(mnl_nlmsg_batch_current(b), seq);
	mnl_nlmsg_batch_next(b);
	nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(b),
	    NFT_MSG_DELTABLE, NFPROTO_INET, NLM_F_ACK, seq + 1);
	nftnl_table_nlmsg_build_payload(nlh, t);
	mnl_nlmsg_batch_next(b);
	nftnl_batch_end(mnl_nlmsg_batch_current(b), seq + 2);
	mnl_nlmsg_batch_next(b);
	len = mnl_nlmsg_batch_size(b);
out:
	if (b != NULL)
		mnl_nlmsg_batch_stop(b);
	if (t != NULL)
		nftnl_table_free(t);
	return len;
}

/* Delete the table (bounded by a short wait of its own) and close. */
static void
nft_close(struct nft *n)
{
	char buf[256];
	struct timespec until;
	size_t len;

	if (n->nl == NULL)
		return;
	if (n->table_added) {
		len = nft_del_batch(n->table, buf, sizeof(buf), n->seq);
		if (len > 0 && mnl_socket_sendto(n->nl, buf, len) >= 0) {
			until = clock_add_ms(clock_now(), 500);
			(void)nft_wait_acks(n, n->seq + 1, 1, &until, NULL);
		}
		n->seq += 3;
		n->table_added = false;
	}
	trace_del_len = 0;
	trace_owner_fd = -1;
	mnl_socket_close(n->nl);
	n->nl = NULL;
}

/* The errno of a failed set-up as the state of the rule look-up. */
static void
nft_failed(struct trace_rule *rule, int error)
{
	switch (error) {
	case EPERM:
	case EACCES:
		rule->state = TRACE_RULE_DENIED;
		break;
	case EOPNOTSUPP:
	case EPROTONOSUPPORT:
	case EAFNOSUPPORT:
		rule->state = TRACE_RULE_LEGACY;
		break;
	default:
		rule->state = TRACE_RULE_ERROR;
		rule->error = error;
		break;
	}
}

/*
 * Open the netlink socket, add the table, subscribe to trace events.  On
 * failure `rule` says why and the socket is closed.
 */
static void
nft_open(struct nft *n, const struct sockaddr *dst, struct trace_rule *rule,
    const struct timespec *deadline)
{
	int grp = NFNLGRP_NFTRACE;

	if (!nldl_nftnl()) {	/* libnftnl or libmnl is not installed */
		nft_failed(rule, ELIBACC);
		return;
	}
	n->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (n->nl == NULL) {
		nft_failed(rule, errno);
		return;
	}
	if (mnl_socket_bind(n->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	n->portid = mnl_socket_get_portid(n->nl);
	n->seq = (unsigned)time(NULL);
	trace_table_name(n->table, sizeof(n->table), n->portid);
	n->match.own_table = n->table;
	n->match.sport = ntohs(n->sport);
	n->match.dport = ntohs(n->dport);
	if (mnl_socket_setsockopt(n->nl, NETLINK_ADD_MEMBERSHIP, &grp,
	    sizeof(grp)) < 0)
		goto fail;
	trace_owner_fd = mnl_socket_get_fd(n->nl);
	if (nft_add_table(n, dst, true, deadline) < 0) {
		if (errno != EOPNOTSUPP && errno != EINVAL)
			goto fail;
		/* A kernel before owned tables (5.12): delete by message. */
		trace_del_len = (sig_atomic_t)nft_del_batch(n->table,
		    trace_del_msg, sizeof(trace_del_msg), n->seq + 100);
		if (nft_add_table(n, dst, false, deadline) < 0)
			goto fail;
	}
	n->table_added = true;
	return;
fail:
	nft_failed(rule, errno);
	nft_close(n);
}

/* The name of a verdict code of a trace event. */
static const char *
verdict_name(uint32_t v)
{
	switch ((int32_t)v) {
	case NF_DROP:
		return "drop";
	case NF_ACCEPT:
		return "accept";
	case NF_STOLEN:
		return "stolen";
	case NF_QUEUE:
		return "queue";
	case NFT_CONTINUE:
		return "continue";
	case NFT_BREAK:
		return "break";
	case NFT_JUMP:
		return "jump";
	case NFT_GOTO:
		return "goto";
	case NFT_RETURN:
		return "return";
	default:
		return (v & NF_VERDICT_MASK) == NF_QUEUE ? "queue" : "other";
	}
}

/* Is trace id `id` one of the packets of `m`?  Returns 0 (the SYN),
 * 1 (the reply) or -1. */
static int
match_id(const struct trace_match *m, uint32_t id)
{
	unsigned i;

	for (i = 0; i < m->nids; i++)
		if (m->ids[i] == id)
			return m->reply[i] ? 1 : 0;
	return -1;
}

/* Remember trace id `id` as the SYN's or the reply's. */
static void
learn_id(struct trace_match *m, uint32_t id, bool reply)
{
	if (match_id(m, id) >= 0)
		return;
	m->ids[m->next] = id;
	m->reply[m->next] = reply;
	m->next = (m->next + 1) % TRACE_IDS_MAX;
	if (m->nids < TRACE_IDS_MAX)
		m->nids++;
}

/* Which packet of `m` the event `t` is about, from its headers or its id:
 * 0 the SYN, 1 the reply, -1 another one. */
static int
event_packet(const struct nftnl_trace *t, struct trace_match *m)
{
	const unsigned char *th;
	uint32_t thlen = 0, id = nftnl_trace_get_u32(t, NFTNL_TRACE_ID);
	unsigned sp, dp;

	if (!nftnl_trace_is_set(t, NFTNL_TRACE_TRANSPORT_HEADER))
		return match_id(m, id);
	th = nftnl_trace_get_data(t, NFTNL_TRACE_TRANSPORT_HEADER, &thlen);
	if (th == NULL || thlen < 4)
		return -1;
	sp = (unsigned)th[0] << 8 | th[1];
	dp = (unsigned)th[2] << 8 | th[3];
	if (sp == m->sport && dp == m->dport) {
		learn_id(m, id, false);
		return 0;
	}
	if (sp == m->dport && dp == m->sport) {
		learn_id(m, id, true);
		return 1;
	}
	return -1;
}

int
trace_parse_event(const void *nlmsg, size_t len, struct trace_match *m,
    struct trace_rule *rule)
{
	const struct nlmsghdr *h = nlmsg;
	struct nftnl_trace *t;
	const char *s;
	uint32_t type, v;
	int rc = -1, packet;

	if (len < sizeof(*h) || h->nlmsg_len > len ||
	    NFNL_SUBSYS_ID(h->nlmsg_type) != NFNL_SUBSYS_NFTABLES ||
	    NFNL_MSG_TYPE(h->nlmsg_type) != NFT_MSG_TRACE)
		return -1;
	if ((t = nftnl_trace_alloc()) == NULL)
		return -1;
	if (nftnl_trace_nlmsg_parse(h, t) < 0 ||
	    !nftnl_trace_is_set(t, NFTNL_TRACE_ID) ||
	    !nftnl_trace_is_set(t, NFTNL_TRACE_TABLE) ||
	    !nftnl_trace_is_set(t, NFTNL_TRACE_CHAIN) ||
	    !nftnl_trace_is_set(t, NFTNL_TRACE_TYPE) ||
	    (packet = event_packet(t, m)) < 0)
		goto out;
	rc = 0;
	s = nftnl_trace_get_str(t, NFTNL_TRACE_TABLE);
	if (s == NULL || (m->own_table != NULL && strcmp(s, m->own_table) == 0))
		goto out;
	type = nftnl_trace_get_u32(t, NFTNL_TRACE_TYPE);
	if (type == NFT_TRACETYPE_POLICY &&
	    nftnl_trace_is_set(t, NFTNL_TRACE_POLICY))
		v = nftnl_trace_get_u32(t, NFTNL_TRACE_POLICY);
	else if (type == NFT_TRACETYPE_RULE &&
	    nftnl_trace_is_set(t, NFTNL_TRACE_VERDICT))
		v = nftnl_trace_get_u32(t, NFTNL_TRACE_VERDICT);
	else
		goto out;
	if ((int32_t)v != NF_DROP)
		goto out;
	memset(rule, 0, sizeof(*rule));
	rule->state = TRACE_RULE_FOUND;
	rule->reply = packet == 1;
	rule->policy = type == NFT_TRACETYPE_POLICY;
	rule->family = nftnl_trace_is_set(t, NFTNL_TRACE_FAMILY) ?
	    nftnl_trace_get_u32(t, NFTNL_TRACE_FAMILY) : 0;
	snprintf(rule->table, sizeof(rule->table), "%s", s);
	snprintf(rule->chain, sizeof(rule->chain), "%s",
	    nftnl_trace_get_str(t, NFTNL_TRACE_CHAIN));
	if (!rule->policy && nftnl_trace_is_set(t, NFTNL_TRACE_RULE_HANDLE))
		rule->handle = nftnl_trace_get_u64(t, NFTNL_TRACE_RULE_HANDLE);
	rule->verdict = verdict_name(v);
	rc = 1;
out:
	nftnl_trace_free(t);
	return rc;
}

/*
 * Read one datagram of trace events waiting on the socket; the first drop
 * goes to `rule`.  Returns false when none was waiting.
 */
static bool
nft_read_events(struct nft *n, struct trace_rule *rule)
{
	char buf[TRACE_NL_BUF];
	struct trace_rule found;
	struct nlmsghdr *h;
	ssize_t len;
	int left, rc;

	len = recv(mnl_socket_get_fd(n->nl), buf, sizeof(buf), MSG_DONTWAIT);
	if (len <= 0)
		return len < 0 && errno == ENOBUFS;	/* overrun: read on */
	left = (int)len;
	for (h = (struct nlmsghdr *)buf; mnl_nlmsg_ok(h, left);
	    h = mnl_nlmsg_next(h, &left)) {
		rc = trace_parse_event(h, h->nlmsg_len, &n->match, &found);
		if (rc >= 0)
			n->seen = true;
		if (rc == 1 && rule->state != TRACE_RULE_FOUND)
			*rule = found;
	}
	return true;
}

/*
 * libnftnl's view of a rule, "FAMILY TABLE CHAIN HANDLE" and one line per
 * expression (and its user data, which holds the comment, read apart), as
 * one line of the expressions: "[ ... ] [ ... ]".
 */
static void
rule_one_line(const char *in, char *out, size_t size)
{
	const char *p = strchr(in, '\n'), *end = strstr(in, "userdata =");
	size_t o = 0;
	bool space = false;

	for (p = p != NULL ? p + 1 : in; *p != '\0' && p != end &&
	    o + 1 < size; p++) {
		if (*p == '\n' || *p == ' ') {
			space = o > 0;
			continue;
		}
		if (space && o + 2 < size)
			out[o++] = ' ';
		space = false;
		out[o++] = *p;
	}
	out[o] = '\0';
}

/* nftnl_udata_parse's callback: the rule's comment into `data`. */
static int
udata_comment(const struct nftnl_udata *attr, void *data)
{
	struct trace_rule *rule = data;
	const char *v = nftnl_udata_get(attr);
	uint8_t len = nftnl_udata_len(attr);

	if (nftnl_udata_type(attr) != NFTNL_UDATA_RULE_COMMENT || len == 0)
		return MNL_CB_OK;
	/* NUL-terminated as nft stores it; cut at the first NUL anyway */
	snprintf(rule->comment, sizeof(rule->comment), "%.*s", (int)len, v);
	return MNL_CB_OK;
}

/* The expressions of the rule found, as libnftnl shows them, and its
 * comment. */
static void
nft_rule_text(struct nft *n, struct trace_rule *rule,
    const struct timespec *deadline)
{
	char buf[512], text[2048];
	struct nftnl_rule *r = nftnl_rule_alloc(), *got = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	unsigned seq;

	if (r == NULL || got == NULL)
		goto out;
	memset(buf, 0, sizeof(buf));	/* the padding is sent too */
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, rule->table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, rule->chain);
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, rule->handle);
	seq = n->seq++;
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE,
	    (uint16_t)rule->family, NLM_F_ACK, seq);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	if (mnl_socket_sendto(n->nl, nlh, nlh->nlmsg_len) < 0 ||
	    nft_wait_acks(n, seq, 1, deadline, got) < 0)
		goto out;
	if (nftnl_rule_is_set(got, NFTNL_RULE_HANDLE) &&
	    nftnl_rule_snprintf(text, sizeof(text), got, NFTNL_OUTPUT_DEFAULT,
	    0) > 0)
		rule_one_line(text, rule->text, sizeof(rule->text));
	if (nftnl_rule_is_set(got, NFTNL_RULE_USERDATA)) {
		uint32_t ulen = 0;
		const void *u = nftnl_rule_get_data(got, NFTNL_RULE_USERDATA,
		    &ulen);

		if (u != NULL)
			(void)nftnl_udata_parse(u, ulen, udata_comment, rule);
	}
out:
	if (r != NULL)
		nftnl_rule_free(r);
	if (got != NULL)
		nftnl_rule_free(got);
}

/*
 * The legacy iptables tables of family `family` (/proc/net/ip_tables_names
 * or ip6_tables_names, one a line) into `buf`, space-separated.  Read as
 * every /proc file is, never blocking (a FIFO there is not read).
 */
static void
legacy_tables(int family, char *buf, size_t size)
{
	char text[1024], *line, *save = NULL;
	size_t len = 0, n;

	buf[0] = '\0';
	if (facts_read_file(family == AF_INET6 ? "/proc/net/ip6_tables_names" :
	    "/proc/net/ip_tables_names", text, sizeof(text)) <= 0)
		return;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		n = strlen(line);
		if (len + n + 2 > size)
			continue;
		if (len > 0)
			buf[len++] = ' ';
		memcpy(buf + len, line, n + 1);
		len += n;
	}
}

/* ---- the hops ------------------------------------------------------------ */

struct probe {
	int fd;
	struct timespec sent;
};

/* Open, configure and start the connect of a socket with hop limit `ttl`
 * (0: the system's).  Returns the descriptor or -1 with errno. */
static int
hop_socket(const struct sockaddr *dst, unsigned ttl,
    uint16_t *port)
{
	int fd, on = 1, hops = (int)ttl;
	bool v6 = dst->sa_family == AF_INET6;
	struct sockaddr_storage ss;
	socklen_t sl;

	fd = socket(dst->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_TCP);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
	    v6 ? IPV6_RECVERR : IP_RECVERR, &on, sizeof(on)) < 0 ||
	    (ttl > 0 && setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
	    v6 ? IPV6_UNICAST_HOPS : IP_TTL, &hops, sizeof(hops)) < 0))
		goto fail;
	if (port != NULL) {
		/* The traced SYN: its local port is known before it leaves. */
		memset(&ss, 0, sizeof(ss));
		ss.ss_family = dst->sa_family;
		sl = v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		if (bind(fd, (struct sockaddr *)&ss, sl) < 0 ||
		    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
			goto fail;
		*port = v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
		    ((struct sockaddr_in *)&ss)->sin_port;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

/* Start the connect of `fd`: 0 (in progress or done) or -1 with errno. */
static int
hop_connect(int fd, const struct sockaddr *dst, socklen_t dstlen)
{
	if (connect(fd, dst, dstlen) == 0 || errno == EINPROGRESS)
		return 0;
	return -1;
}

/* Close a probe socket without a TIME_WAIT (a reset if it connected). */
static void
probe_close(struct probe *p)
{
	struct linger l = { 1, 0 };

	if (p->fd < 0)
		return;
	(void)setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(p->fd);
	p->fd = -1;
}

/*
 * The answer to probe `p` now that poll() flagged it: the ICMP error on its
 * queue, else the outcome of its connect.  Returns false when there is none
 * yet (the probe goes on).
 */
static bool
hop_answer(struct probe *p, const struct sockaddr *dst, socklen_t dstlen,
    struct trace_hop *hop)
{
	char cbuf[512];
	struct msghdr msg;
	struct cmsghdr *cm;
	struct timespec now = clock_now();
	socklen_t sl = sizeof(int);
	int err = 0;

	memset(&msg, 0, sizeof(msg));
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	if (recvmsg(p->fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) >= 0)
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
		    cm = CMSG_NXTHDR(&msg, cm)) {
			const struct sock_extended_err *ee;
			const struct sockaddr *off;

			if (!((cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_RECVERR) ||
			    (cm->cmsg_level == IPPROTO_IPV6 &&
			    cm->cmsg_type == IPV6_RECVERR)))
				continue;
			ee = (const struct sock_extended_err *)CMSG_DATA(cm);
			if (ee->ee_origin != SO_EE_ORIGIN_ICMP &&
			    ee->ee_origin != SO_EE_ORIGIN_ICMP6)
				continue;
			off = SO_EE_OFFENDER(ee);
			memcpy(&hop->addr, off, off->sa_family == AF_INET6 ?
			    sizeof(struct sockaddr_in6) :
			    sizeof(struct sockaddr_in));
			hop->icmp_type = ee->ee_type;
			hop->icmp_code = ee->ee_code;
			hop->error = (int)ee->ee_errno;
			hop->kind = (ee->ee_origin == SO_EE_ORIGIN_ICMP &&
			    ee->ee_type == 11) ||
			    (ee->ee_origin == SO_EE_ORIGIN_ICMP6 &&
			    ee->ee_type == 3) ? TRACE_HOP_TIME_EXCEEDED :
			    TRACE_HOP_UNREACH;
			hop->rtt_ms = clock_ms_between(&p->sent, &now);
			return true;
		}
	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &sl) < 0)
		err = errno;
	if (err == 0) {
		struct sockaddr_storage peer;

		sl = sizeof(peer);
		if (getpeername(p->fd, (struct sockaddr *)&peer, &sl) < 0) {
			err = errno;
			if (err == ENOTCONN)
				return false;	/* still connecting */
			hop->kind = TRACE_HOP_ERROR;
		} else
			hop->kind = TRACE_HOP_CONNECTED;
	} else if (err == ECONNREFUSED || err == ECONNRESET)
		hop->kind = TRACE_HOP_REFUSED;
	else if (err == ETIMEDOUT)
		return true;	/* the kernel gave up its SYNs: silent */
	else
		hop->kind = TRACE_HOP_ERROR;
	hop->error = err;
	memcpy(&hop->addr, dst, dstlen);
	hop->rtt_ms = clock_ms_between(&p->sent, &now);
	return true;
}

/* True when `a` and `b` hold the same IP address (ports aside). */
static bool
same_ip(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		    ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return a->ss_family == AF_INET6 && memcmp(
	    &((const struct sockaddr_in6 *)a)->sin6_addr,
	    &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
}

/* The lowest TTL whose answer ends the path (not time exceeded), or 0. */
static unsigned
end_ttl(const struct trace_result *r, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (r->hops[i].kind != TRACE_HOP_SILENT &&
		    r->hops[i].kind != TRACE_HOP_TIME_EXCEEDED)
			return i + 1;
	return 0;
}

/* Done when a TTL ended the path and every TTL below it has answered. */
static bool
trace_complete(const struct trace_result *r, unsigned n)
{
	unsigned end = end_ttl(r, n), i;

	if (end == 0) {
		for (i = 0; i < n; i++)
			if (r->hops[i].kind == TRACE_HOP_SILENT)
				return false;
		return true;
	}
	for (i = 0; i + 1 < end; i++)
		if (r->hops[i].kind == TRACE_HOP_SILENT)
			return false;
	return true;
}

int
trace_run(const struct trace_query *q, struct trace_result *r, char **cause)
{
	struct probe probes[TRACE_MAX_HOPS + 1];	/* [0]: the traced SYN */
	struct pollfd pfd[TRACE_MAX_HOPS + 2];
	unsigned n = q->max_hops > 0 && q->max_hops <= TRACE_MAX_HOPS ?
	    q->max_hops : TRACE_DEFAULT_HOPS, i, end;
	struct timespec deadline = clock_add_ms(clock_now(), q->deadline_ms);
	struct nft nft;
	struct trace_hop first;
	int nfds, saved = 0;

	memset(r, 0, sizeof(*r));
	memset(&nft, 0, sizeof(nft));
	memcpy(&r->dst, q->dst, q->dstlen);
	r->deadline_ms = q->deadline_ms;
	for (i = 0; i <= n; i++)
		probes[i].fd = -1;
	*cause = NULL;

	/* The traced SYN: full hop limit, its local port bound first. */
	probes[0].fd = hop_socket(q->dst, 0, &nft.sport);
	if (probes[0].fd < 0) {
		*cause = text_printf("cannot open a TCP socket to trace: %s",
		    strerror(errno));
		return -1;
	}
	nft.dport = q->dst->sa_family == AF_INET6 ?
	    ((const struct sockaddr_in6 *)q->dst)->sin6_port :
	    ((const struct sockaddr_in *)q->dst)->sin_port;
	if (q->nft)
		nft_open(&nft, q->dst, &r->rule, &deadline);
	for (i = 1; i <= n; i++) {
		probes[i].fd = hop_socket(q->dst, i, NULL);
		if (probes[i].fd < 0) {
			saved = errno;
			break;
		}
	}
	if (i <= n) {
		*cause = text_printf("cannot open %u TCP sockets to trace: %s",
		    n + 1, strerror(saved));
		for (i = 0; i <= n; i++)
			probe_close(&probes[i]);
		nft_close(&nft);
		return -1;
	}
	r->nhops = n;
	for (i = 0; i <= n; i++) {
		if (i > 0)
			r->hops[i - 1].ttl = i;
		probes[i].sent = clock_now();
		if (hop_connect(probes[i].fd, q->dst, q->dstlen) < 0) {
			struct trace_hop *h = i > 0 ? &r->hops[i - 1] : &first;

			h->kind = TRACE_HOP_ERROR;
			h->error = errno;
			probe_close(&probes[i]);
		}
	}

	for (;;) {
		long ms;
		int k;

		if (q->stop != NULL && *q->stop != 0) {
			r->stopped = true;
			break;
		}
		if (trace_complete(r, n) &&
		    (nft.nl == NULL || r->rule.state == TRACE_RULE_FOUND ||
		    probes[0].fd < 0))
			break;
		ms = clock_ms_until(&deadline);
		if (ms <= 0) {
			r->cut = !trace_complete(r, n);
			break;
		}
		nfds = 0;
		for (i = 0; i <= n; i++)
			if (probes[i].fd >= 0) {
				pfd[nfds].fd = probes[i].fd;
				pfd[nfds].events = POLLOUT;
				pfd[nfds].revents = 0;
				nfds++;
			}
		if (nft.nl != NULL) {
			pfd[nfds].fd = mnl_socket_get_fd(nft.nl);
			pfd[nfds].events = POLLIN;
			pfd[nfds].revents = 0;
			nfds++;
		}
		if (nfds == 0)
			break;
		k = loop_poll(pfd, (nfds_t)nfds, (int)ms);
		if (k < 0 && errno != EINTR)
			break;
		if (k <= 0)
			continue;
		if (nft.nl != NULL && pfd[nfds - 1].revents != 0)
			nft_read_events(&nft, &r->rule);
		for (i = 0; i <= n; i++) {
			struct trace_hop *h = i > 0 ? &r->hops[i - 1] : &first;
			int j;

			if (probes[i].fd < 0)
				continue;
			for (j = 0; j < nfds; j++)
				if (pfd[j].fd == probes[i].fd)
					break;
			if (j == nfds || pfd[j].revents == 0)
				continue;
			if (hop_answer(&probes[i], q->dst, q->dstlen, h))
				probe_close(&probes[i]);
		}
		/* Probes past the end of the path tell nothing more. */
		end = end_ttl(r, n);
		for (i = end > 0 ? end + 1 : n + 1; i <= n; i++)
			probe_close(&probes[i]);
	}
	if (nft.nl != NULL) {
		/* The events queued before the answers: read them all. */
		for (i = 0; i < 64 && nft_read_events(&nft, &r->rule); i++)
			continue;
		if (r->rule.state == TRACE_RULE_FOUND && !r->rule.policy) {
			struct timespec until = clock_add_ms(clock_now(), 200);

			nft_rule_text(&nft, &r->rule, &until);
		} else if (r->rule.state != TRACE_RULE_FOUND)
			r->rule.state = nft.seen ? TRACE_RULE_NONE :
			    TRACE_RULE_NO_EVENTS;
	}
	for (i = 0; i <= n; i++)
		probe_close(&probes[i]);
	nft_close(&nft);
	legacy_tables(q->dst->sa_family, r->rule.legacy,
	    sizeof(r->rule.legacy));

	/* What the hops tell: the end of the path, the last answer. */
	end = end_ttl(r, n);
	for (i = 0; i < n; i++)
		if (r->hops[i].kind != TRACE_HOP_SILENT &&
		    r->hops[i].kind != TRACE_HOP_ERROR && (end == 0 ||
		    i < end))
			r->last_answered = i + 1;
	if (end > 0) {
		r->nhops = end;
		if (r->hops[end - 1].kind == TRACE_HOP_CONNECTED ||
		    r->hops[end - 1].kind == TRACE_HOP_REFUSED ||
		    same_ip(&r->hops[end - 1].addr, &r->dst))
			r->reached = end;
	} else if (r->last_answered < n)
		r->nhops = r->last_answered + 1;
	return 0;
}
