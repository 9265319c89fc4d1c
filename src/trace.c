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

/* Traces that may hold a table at once (trace_cleanup's slots); a trace
 * past them goes without nftables (its rule look-up says EBUSY). */
#define TRACE_TABLES_MAX 32

/*
 * For trace_cleanup(), each table in flight: the descriptor of the netlink
 * socket that owns it plus one (0: none) and, without owned tables, a
 * prepared delete batch.  A slot is taken in slot_used (never read by the
 * handler); its other fields are set last and cleared first.
 */
static volatile sig_atomic_t slot_fd[TRACE_TABLES_MAX];
static char slot_del_msg[TRACE_TABLES_MAX][256];
static volatile sig_atomic_t slot_del_len[TRACE_TABLES_MAX];
static bool slot_used[TRACE_TABLES_MAX];

/* The local-rule half: the netlink socket and what it learnt. */
struct nft {
	struct mnl_socket *nl;
	int slot;			/* trace_cleanup's, -1: none */
	unsigned portid;
	unsigned seq;
	char table[TRACE_NAME_MAX];
	bool table_sent;		/* a batch adding the table went out */
	bool owner;			/* it asked for an owned table */
	unsigned seq0, nacks, acked;	/* the acknowledgements awaited */
	struct nftnl_rule *got;		/* the rule found, as told */
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
	struct sockaddr_nl nladdr;
	int k, fd, s = -1;

	for (k = 0; k < TRACE_TABLES_MAX; k++) {
		fd = slot_fd[k] - 1;
		slot_fd[k] = 0;
		if (fd >= 0)
			close(fd);	/* its owned table goes with it */
	}
	memset(&nladdr, 0, sizeof(nladdr));
	nladdr.nl_family = AF_NETLINK;
	for (k = 0; k < TRACE_TABLES_MAX; k++) {
		if (slot_del_len[k] <= 0)
			continue;
		if (s < 0 && (s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
		    NETLINK_NETFILTER)) < 0)
			return;
		(void)sendto(s, slot_del_msg[k], (size_t)slot_del_len[k], 0,
		    (struct sockaddr *)&nladdr, sizeof(nladdr));
		slot_del_len[k] = 0;
	}
	if (s >= 0)
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
 * Read one datagram waiting on the socket, counting the acknowledgements
 * of the n->nacks messages sent with sequence numbers from n->seq0; an
 * answer among them is parsed into `got` when it is not NULL.  Other
 * messages (trace events) are skipped.  Returns 1 when every
 * acknowledgement came, 0 while some are awaited, -1 with errno: the
 * kernel's error, the socket's, or EAGAIN when nothing was waiting.
 */
static int
nft_read_acks(struct nft *n, struct nftnl_rule *got)
{
	char buf[TRACE_NL_BUF];
	struct nlmsghdr *h;
	ssize_t len;
	int left;

	len = mnl_socket_recvfrom(n->nl, buf, sizeof(buf));
	if (len < 0) {
		if (errno == EWOULDBLOCK)
			errno = EAGAIN;
		return -1;
	}
	left = (int)len;
	for (h = (struct nlmsghdr *)buf; mnl_nlmsg_ok(h, left);
	    h = mnl_nlmsg_next(h, &left)) {
		if (h->nlmsg_pid != n->portid || h->nlmsg_seq < n->seq0 ||
		    h->nlmsg_seq >= n->seq0 + n->nacks)
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
			n->acked++;
		} else if (got != NULL && nftnl_rule_nlmsg_parse(h, got) < 0) {
			errno = EPROTO;
			return -1;
		}
	}
	return n->acked >= n->nacks ? 1 : 0;
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
 * `owner`), its chains and rules; nft_read_acks() then reads its
 * acknowledgements.  Returns 0 or -1 with errno.
 */
static int
nft_add_table(struct nft *n, const struct sockaddr *dst, bool owner)
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
	n->table_sent = true;
	n->owner = owner;
	n->seq0 = seq0;
	n->nacks = nmsg;
	n->acked = 0;
	rc = 0;
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

/*
 * Delete the table and close the socket.  The kernel runs a netlink
 * request to it inside the sendmsg() that sends it, so the table is gone
 * when this returns (an owned one at the latest with its socket): nothing
 * is waited for, and the acknowledgement is left unread.
 */
static void
nft_close(struct nft *n)
{
	char buf[256];
	size_t len;

	if (n->nl == NULL)
		return;
	if (n->table_sent) {
		len = nft_del_batch(n->table, buf, sizeof(buf), n->seq);
		if (len > 0)
			(void)mnl_socket_sendto(n->nl, buf, len);
		n->seq += 3;
		n->table_sent = false;
	}
	if (n->slot >= 0) {
		slot_fd[n->slot] = 0;
		slot_del_len[n->slot] = 0;
		slot_used[n->slot] = false;
		n->slot = -1;
	}
	mnl_socket_close(n->nl);
	n->nl = NULL;
	if (n->got != NULL) {
		nftnl_rule_free(n->got);
		n->got = NULL;
	}
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

/* A free slot of trace_cleanup's for `n`'s socket; false when none is. */
static bool
nft_slot_take(struct nft *n)
{
	int k;

	for (k = 0; k < TRACE_TABLES_MAX && slot_used[k]; k++)
		continue;
	if (k == TRACE_TABLES_MAX)
		return false;
	slot_used[k] = true;
	n->slot = k;
	slot_fd[k] = mnl_socket_get_fd(n->nl) + 1;
	return true;
}

/*
 * Open the netlink socket, subscribe to trace events and send the batch
 * that adds the table (its acknowledgements are read as they come, by
 * nft_table_acked).  Returns true when they are awaited; on failure `rule`
 * says why and the socket is closed.
 */
static bool
nft_open(struct nft *n, const struct sockaddr *dst, struct trace_rule *rule)
{
	int grp = NFNLGRP_NFTRACE;

	n->slot = -1;
	if (!nldl_nftnl()) {	/* libnftnl or libmnl is not installed */
		nft_failed(rule, ELIBACC);
		return false;
	}
	n->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC |
	    SOCK_NONBLOCK);
	if (n->nl == NULL) {
		nft_failed(rule, errno);
		return false;
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
	if (!nft_slot_take(n)) {
		errno = EBUSY;
		goto fail;
	}
	if (nft_add_table(n, dst, true) < 0)
		goto fail;
	return true;
fail:
	nft_failed(rule, errno);
	nft_close(n);
	return false;
}

/*
 * Read what came for the batch adding the table.  Returns 1 once the table
 * is there, 0 while acknowledgements are awaited, -1 when it could not be
 * added (`rule` says why; the caller closes the socket).  A kernel before
 * owned tables (5.12) refuses the flag: the table is asked for again
 * without it, and its delete prepared for trace_cleanup().
 */
static int
nft_table_acked(struct nft *n, const struct sockaddr *dst,
    struct trace_rule *rule)
{
	int rc = nft_read_acks(n, NULL);

	if (rc >= 0 || errno == EAGAIN)
		return rc >= 0 ? rc : 0;
	n->table_sent = false;	/* a batch is whole or not at all */
	if (n->owner && (errno == EOPNOTSUPP || errno == EINVAL)) {
		size_t len = nft_del_batch(n->table, slot_del_msg[n->slot],
		    sizeof(slot_del_msg[n->slot]), n->seq + 100);

		slot_del_len[n->slot] = (sig_atomic_t)len;
		if (nft_add_table(n, dst, false) == 0)
			return 0;
	}
	nft_failed(rule, errno);
	return -1;
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

/*
 * Ask for the rule found (a GETRULE), whose answer nft_read_acks() reads
 * into n->got.  Returns false when it could not be asked.
 */
static bool
nft_rule_ask(struct nft *n, const struct trace_rule *rule)
{
	char buf[512];
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	bool sent = false;

	n->got = nftnl_rule_alloc();
	if (r == NULL || n->got == NULL)
		goto out;
	memset(buf, 0, sizeof(buf));	/* the padding is sent too */
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, rule->table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, rule->chain);
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, rule->handle);
	n->seq0 = n->seq++;
	n->nacks = 1;
	n->acked = 0;
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE,
	    (uint16_t)rule->family, NLM_F_ACK, n->seq0);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	sent = mnl_socket_sendto(n->nl, nlh, nlh->nlmsg_len) >= 0;
out:
	if (r != NULL)
		nftnl_rule_free(r);
	return sent;
}

/* The expressions of the rule found (n->got), as libnftnl shows them, and
 * its comment, into `rule`. */
static void
nft_rule_told(struct nft *n, struct trace_rule *rule)
{
	char text[2048];
	struct nftnl_rule *got = n->got;

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

struct trace_job;

/* One TCP socket of the trace and its waiter. */
struct probe {
	int fd;				/* -1: closed */
	int wid;			/* its waiter, -1: none */
	struct timespec sent;
	struct trace_job *job;
	unsigned ttl;			/* 0: the traced SYN */
};

/* Where a trace is. */
enum trace_phase {
	TRACE_PHASE_TABLE,		/* the table's acks awaited */
	TRACE_PHASE_HOPS,		/* the probes are out */
	TRACE_PHASE_TEXT,		/* the rule's text asked for */
	TRACE_PHASE_DONE		/* calling back */
};

struct trace_job {
	struct loop *loop;
	struct sockaddr_storage dst;
	socklen_t dstlen;
	volatile sig_atomic_t *stop;
	struct trace_result *r;
	trace_fn *fn;
	void *arg;
	enum trace_phase phase;
	unsigned n;			/* hops probed: TTL 1..n */
	struct probe probes[TRACE_MAX_HOPS + 1]; /* [0]: the traced SYN */
	struct trace_hop first;		/* the traced SYN's answer */
	struct nft nft;
	int nl_wid;			/* the netlink waiter, or -1 */
	int timer;			/* the deadline, or the rule text's */
	int now;			/* complete at once: a 0 ms timer */
	struct timespec deadline;
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

/* Close a probe socket without a TIME_WAIT (a reset if it connected), and
 * remove its waiter. */
static void
probe_close(struct probe *p)
{
	struct linger l = { 1, 0 };

	if (p->wid >= 0) {
		loop_del(p->job->loop, p->wid);
		p->wid = -1;
	}
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

/* The waiter `*id` of `j`'s loop removed, if any. */
static void
job_del(struct trace_job *j, int *id)
{
	loop_del(j->loop, *id);
	*id = -1;
}

/* The nftables half ended: its waiter removed, its table deleted. */
static void
job_nft_close(struct trace_job *j)
{
	job_del(j, &j->nl_wid);
	nft_close(&j->nft);
}

/*
 * The end: every waiter removed, every socket closed, the table deleted,
 * what the hops tell summed up; then the callback, and `j` is freed.
 */
static void
job_finish(struct trace_job *j)
{
	struct trace_result *r = j->r;
	unsigned i, end, n = j->n;

	j->phase = TRACE_PHASE_DONE;
	job_del(j, &j->timer);
	job_del(j, &j->now);
	for (i = 0; i <= n; i++)
		probe_close(&j->probes[i]);
	job_nft_close(j);
	legacy_tables(j->dst.ss_family, r->rule.legacy,
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
	j->fn(j->arg);
	free(j);
}

/*
 * The probes are over: read the trace events queued before the answers,
 * then, for a rule found, ask for its text.  Returns true when that
 * answer is to be waited for (`wait`), else the rule look-up is settled.
 */
static bool
job_nft_settle(struct trace_job *j, bool wait)
{
	struct trace_rule *rule = &j->r->rule;
	unsigned i;

	if (j->nft.nl == NULL)
		return false;
	if (j->phase != TRACE_PHASE_TEXT) {
		for (i = 0; i < 64 && nft_read_events(&j->nft, rule); i++)
			continue;
		if (rule->state != TRACE_RULE_FOUND) {
			rule->state = j->nft.seen ? TRACE_RULE_NONE :
			    TRACE_RULE_NO_EVENTS;
			return false;
		}
		if (rule->policy || !nft_rule_ask(&j->nft, rule))
			return false;
		if (wait)
			return true;
	}
	/* No wait: the kernel answers inside the send, if at all. */
	for (i = 0; i < 64; i++) {
		int rc = nft_read_acks(&j->nft, j->nft.got);

		if (rc == 1)
			nft_rule_told(&j->nft, rule);
		if (rc != 0)
			break;
	}
	return false;
}

static void on_text_timer(void *arg, short revents);

/* The probes are over: the rule's text asked for, or the end. */
static void
job_hops_end(struct trace_job *j)
{
	unsigned i;

	job_del(j, &j->timer);
	job_del(j, &j->now);
	for (i = 0; i <= j->n; i++)
		probe_close(&j->probes[i]);
	if (j->phase == TRACE_PHASE_TABLE && j->nft.nl != NULL) {
		/* Over before the table was acknowledged: no trace ran. */
		job_nft_close(j);
		if (!j->r->stopped)
			nft_failed(&j->r->rule, ETIMEDOUT);
	}
	if (!job_nft_settle(j, true)) {
		job_finish(j);
		return;
	}
	j->phase = TRACE_PHASE_TEXT;
	j->timer = loop_add(j->loop, -1, 0, clock_add_ms(clock_now(), 200),
	    on_text_timer, j);
	if (j->timer < 0)
		job_finish(j);	/* out of memory: without the text */
}

/* Whether the probes are over: stopped (r->stopped set), complete, or
 * nothing left to wait for but the deadline. */
static bool
job_hops_over(struct trace_job *j)
{
	struct trace_result *r = j->r;
	unsigned i, open = 0;

	if (j->stop != NULL && *j->stop != 0) {
		r->stopped = true;
		return true;
	}
	if (j->phase != TRACE_PHASE_HOPS)
		return false;
	for (i = 0; i <= j->n; i++)
		open += j->probes[i].fd >= 0;
	if (open == 0 && j->nft.nl == NULL)
		return true;
	return trace_complete(r, j->n) && (j->nft.nl == NULL ||
	    r->rule.state == TRACE_RULE_FOUND || j->probes[0].fd < 0);
}

/* After each callback: the stop flag, and the end of the probes. */
static void
job_step(struct trace_job *j)
{
	if (j->phase == TRACE_PHASE_TEXT && j->stop != NULL && *j->stop != 0) {
		j->r->stopped = true;
		job_finish(j);	/* without the text */
	} else if (j->phase != TRACE_PHASE_TEXT && job_hops_over(j))
		job_hops_end(j);
}

/* A probe's waiter: its answer, if it has one now. */
static void
on_probe(void *arg, short revents)
{
	struct probe *p = arg;
	struct trace_job *j = p->job;
	struct trace_hop *h = p->ttl > 0 ? &j->r->hops[p->ttl - 1] : &j->first;
	unsigned i, end;

	(void)revents;
	if (hop_answer(p, (const struct sockaddr *)&j->dst, j->dstlen, h))
		probe_close(p);
	/* Probes past the end of the path tell nothing more. */
	end = end_ttl(j->r, j->n);
	for (i = end > 0 ? end + 1 : j->n + 1; i <= j->n; i++)
		probe_close(&j->probes[i]);
	job_step(j);
}

/* Connect every probe, each then a waiter of the loop. */
static void
job_hops_start(struct trace_job *j)
{
	struct probe *p;
	unsigned i;

	j->phase = TRACE_PHASE_HOPS;
	for (i = 0; i <= j->n; i++) {
		struct trace_hop *h = i > 0 ? &j->r->hops[i - 1] : &j->first;

		p = &j->probes[i];
		p->sent = clock_now();
		if (hop_connect(p->fd, (const struct sockaddr *)&j->dst,
		    j->dstlen) < 0)
			h->error = errno;
		else if ((p->wid = loop_add(j->loop, p->fd, POLLOUT,
		    (struct timespec){ 0, 0 }, on_probe, p)) < 0)
			h->error = ENOMEM;
		else
			continue;
		h->kind = TRACE_HOP_ERROR;
		probe_close(p);
	}
}

/* The netlink socket's waiter: the table's acknowledgements, trace
 * events, or the rule's text, by phase. */
static void
on_netlink(void *arg, short revents)
{
	struct trace_job *j = arg;
	int rc;

	(void)revents;
	switch (j->phase) {
	case TRACE_PHASE_TABLE:
		rc = nft_table_acked(&j->nft, (const struct sockaddr *)&j->dst,
		    &j->r->rule);
		if (rc < 0)
			job_nft_close(j);
		if (rc != 0)
			job_hops_start(j);
		break;
	case TRACE_PHASE_HOPS:
		(void)nft_read_events(&j->nft, &j->r->rule);
		break;
	case TRACE_PHASE_TEXT:
		rc = nft_read_acks(&j->nft, j->nft.got);
		if (rc == 1)
			nft_rule_told(&j->nft, &j->r->rule);
		if (rc == 1 || (rc < 0 && errno != EAGAIN)) {
			job_finish(j);
			return;
		}
		break;
	case TRACE_PHASE_DONE:
		return;
	}
	job_step(j);
}

/* The deadline: the probes still waiting are cut. */
static void
on_deadline(void *arg, short revents)
{
	struct trace_job *j = arg;

	(void)revents;
	j->timer = -1;
	if (!job_hops_over(j))
		j->r->cut = !trace_complete(j->r, j->n);
	job_hops_end(j);
}

/* The wait for the rule's text is over: without it. */
static void
on_text_timer(void *arg, short revents)
{
	struct trace_job *j = arg;

	(void)revents;
	j->timer = -1;
	job_finish(j);
}

/* Complete at once: the end, from the loop rather than trace_start. */
static void
on_now(void *arg, short revents)
{
	struct trace_job *j = arg;

	(void)revents;
	j->now = -1;
	job_step(j);
}

/*
 * Open the traced SYN's socket (its local port bound first) and one a TTL
 * from 1 to j->n.  Returns 0, or -1 with `*cause` set.
 */
static int
job_sockets(struct trace_job *j, char **cause)
{
	const struct sockaddr *dst = (const struct sockaddr *)&j->dst;
	unsigned i;

	j->probes[0].fd = hop_socket(dst, 0, &j->nft.sport);
	if (j->probes[0].fd < 0) {
		*cause = text_printf("cannot open a TCP socket to trace: %s",
		    strerror(errno));
		return -1;
	}
	for (i = 1; i <= j->n; i++) {
		j->r->hops[i - 1].ttl = i;
		j->probes[i].fd = hop_socket(dst, i, NULL);
		if (j->probes[i].fd < 0) {
			*cause = text_printf("cannot open %u TCP sockets to "
			    "trace: %s", j->n + 1, strerror(errno));
			return -1;
		}
	}
	return 0;
}

struct trace_job *
trace_start(const struct trace_query *q, struct trace_result *r,
    char **cause, trace_fn *fn, void *arg)
{
	struct loop *l = loop_current();
	struct trace_job *j;
	unsigned i;

	*cause = NULL;
	if (l == NULL) {
		*cause = text_printf("no event loop to trace in");
		return NULL;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	memset(r, 0, sizeof(*r));
	memcpy(&r->dst, q->dst, q->dstlen);
	r->deadline_ms = q->deadline_ms;
	*j = (struct trace_job){ .loop = l, .dstlen = q->dstlen,
	    .stop = q->stop, .r = r, .fn = fn, .arg = arg, .nl_wid = -1,
	    .timer = -1, .now = -1, .phase = TRACE_PHASE_TABLE,
	    .n = q->max_hops > 0 && q->max_hops <= TRACE_MAX_HOPS ?
	    q->max_hops : TRACE_DEFAULT_HOPS };
	j->nft.slot = -1;
	memcpy(&j->dst, q->dst, q->dstlen);
	for (i = 0; i <= j->n; i++)
		j->probes[i] = (struct probe){ .fd = -1, .wid = -1, .job = j,
		    .ttl = i };
	r->nhops = j->n;
	j->nft.dport = q->dst->sa_family == AF_INET6 ?
	    ((const struct sockaddr_in6 *)q->dst)->sin6_port :
	    ((const struct sockaddr_in *)q->dst)->sin_port;
	j->deadline = clock_add_ms(clock_now(), q->deadline_ms);
	if (job_sockets(j, cause) < 0 ||
	    (j->timer = loop_add(l, -1, 0, j->deadline, on_deadline,
	    j)) < 0)
		goto fail;
	/* The table first, so that the traced SYN is seen from its start. */
	if (q->nft && nft_open(&j->nft, q->dst, &r->rule)) {
		j->nl_wid = loop_add(l, mnl_socket_get_fd(j->nft.nl), POLLIN,
		    (struct timespec){ 0, 0 }, on_netlink, j);
		if (j->nl_wid < 0)
			goto fail;
	} else
		job_hops_start(j);
	if (job_hops_over(j) && (j->now = loop_add(l, -1, 0, clock_now(),
	    on_now, j)) < 0)
		goto fail;
	return j;
fail:
	job_del(j, &j->timer);
	for (i = 0; i <= j->n; i++)
		probe_close(&j->probes[i]);
	job_nft_close(j);
	free(j);
	return NULL;
}

void
trace_stop(struct trace_job *j)
{
	if (j == NULL || j->phase == TRACE_PHASE_DONE)
		return;
	j->r->stopped = true;
	if (j->phase == TRACE_PHASE_TABLE)
		job_nft_close(j);	/* no trace ran: its table deleted */
	(void)job_nft_settle(j, false);
	job_finish(j);
}

/* trace_run's callback: the trace is over. */
static void
run_done(void *arg)
{
	*(bool *)arg = true;
}

/* Synchronous: trace_start on a loop of its own, waited for until the
 * callback (each wait bounded by the trace's deadline). */
int
trace_run(const struct trace_query *q, struct trace_result *r, char **cause)
{
	struct loop *l = loop_new();
	struct trace_job *j;
	bool done = false;

	*cause = NULL;
	if (l == NULL)
		return -1;
	j = trace_start(q, r, cause, run_done, &done);
	if (j != NULL && !loop_run(l, &done, q->stop))
		trace_stop(j);
	loop_free(l);
	return j != NULL ? 0 : -1;
}
