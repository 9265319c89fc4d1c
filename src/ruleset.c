/* SPDX-License-Identifier: ISC */
/*
 * ruleset.c: the chains of this host's nftables ruleset that drop or
 * reject (see ruleset.h), read through libnftnl.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "clock.h"
#include "facts.h"
#include "loop.h"
#include "ruleset.h"

/* The hooks of the inet, ip and ip6 families, by number (NF_INET_*). */
static const char *const ruleset_inet_hooks[] = {
	"prerouting", "input", "forward", "output", "postrouting", "ingress"
};

const char *
ruleset_hook_name(const char *family, int hook)
{
	if (hook < 0)
		return "a jump";
	if (strcmp(family, "netdev") == 0)
		return hook == 0 ? "ingress" : hook == 1 ? "egress" : "?";
	if ((size_t)hook < sizeof(ruleset_inet_hooks) /
	    sizeof(ruleset_inet_hooks[0]))
		return ruleset_inet_hooks[hook];
	return "?";
}

bool
ruleset_chain_out(const struct ruleset_chain *c)
{
	if (strcmp(c->family, "netdev") == 0)
		return c->hook == 1;
	return c->hook < 0 || c->hook == 3 || c->hook == 4;
}

bool
ruleset_chain_in(const struct ruleset_chain *c)
{
	if (strcmp(c->family, "netdev") == 0)
		return c->hook == 0;
	return c->hook < 0 || c->hook == 0 || c->hook == 1 || c->hook == 5;
}

#ifdef HAVE_NFTNL
#include <poll.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "nldl.h"

/* One read of a dump (MNL_SOCKET_BUFFER_SIZE is a run-time value). */
#define RULESET_BUF 16384
/* How many chains of the family are looked at (more: the read fails). */
#define RULESET_ALL_MAX 256

/* A reading under way: every chain of the family, then their verdicts. */
struct ruleset_read {
	int family;			/* AF_INET or AF_INET6 */
	size_t n;
	struct ruleset_chain all[RULESET_ALL_MAX];
	bool bad;			/* something cannot be trusted */
};

/* The family name of NFPROTO `nfproto`; NULL for one that `family` skips. */
static const char *
ruleset_family(int nfproto, int family)
{
	switch (nfproto) {
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_IPV4:
		return family == AF_INET ? "ip" : NULL;
	case NFPROTO_IPV6:
		return family == AF_INET6 ? "ip6" : NULL;
	case NFPROTO_NETDEV:
		return "netdev";
	default:
		return NULL;
	}
}

/* The chain of `family`, `table`, `name` in `rd`, or NULL. */
static struct ruleset_chain *
ruleset_find(struct ruleset_read *rd, const char *family, const char *table,
    const char *name)
{
	size_t i;

	for (i = 0; i < rd->n; i++)
		if (strcmp(rd->all[i].family, family) == 0 &&
		    strncmp(rd->all[i].table, table, RULESET_NAME_MAX - 1) == 0 &&
		    strncmp(rd->all[i].chain, name, RULESET_NAME_MAX - 1) == 0)
			return &rd->all[i];
	return NULL;
}

/* One chain of the dump: kept with its hook and policy. */
static int
ruleset_chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ruleset_read *rd = data;
	struct nftnl_chain *c;
	struct ruleset_chain *k;
	const char *fam;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		rd->bad = true;
	c = nftnl_chain_alloc();
	if (c == NULL || nftnl_chain_nlmsg_parse(nlh, c) < 0) {
		nftnl_chain_free(c);
		rd->bad = true;
		return MNL_CB_OK;
	}
	fam = ruleset_family((int)nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY),
	    rd->family);
	if (fam != NULL) {
		if (rd->n == RULESET_ALL_MAX) {
			rd->bad = true;
		} else {
			k = &rd->all[rd->n++];
			memset(k, 0, sizeof(*k));
			facts_strlcpy(k->family, fam, sizeof(k->family));
			facts_strlcpy(k->table, nftnl_chain_get_str(c,
			    NFTNL_CHAIN_TABLE), sizeof(k->table));
			facts_strlcpy(k->chain, nftnl_chain_get_str(c,
			    NFTNL_CHAIN_NAME), sizeof(k->chain));
			k->hook = -1;
			if (nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
				k->hook = (int)nftnl_chain_get_u32(c,
				    NFTNL_CHAIN_HOOKNUM);
				k->policy_drop = nftnl_chain_is_set(c,
				    NFTNL_CHAIN_POLICY) && nftnl_chain_get_u32(c,
				    NFTNL_CHAIN_POLICY) == NF_DROP;
			}
		}
	}
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

/* What one rule does: drop, reject, and its counter. */
struct ruleset_rule {
	bool drop, reject, counted;
	uint64_t packets;
};

/* One expression of a rule. */
static int
ruleset_expr_cb(struct nftnl_expr *e, void *data)
{
	struct ruleset_rule *r = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (name == NULL)
		return MNL_CB_OK;
	if (strcmp(name, "reject") == 0)
		r->reject = true;
	else if (strcmp(name, "immediate") == 0 &&
	    nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT) &&
	    (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT) == NF_DROP)
		r->drop = true;
	else if (strcmp(name, "counter") == 0) {
		r->counted = true;
		r->packets = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
	}
	return MNL_CB_OK;
}

/* One rule of the dump: its verdict counted in its chain. */
static int
ruleset_rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ruleset_read *rd = data;
	struct ruleset_rule what = { false, false, false, 0 };
	struct ruleset_chain *k;
	struct nftnl_rule *r;
	const char *fam;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		rd->bad = true;
	r = nftnl_rule_alloc();
	if (r == NULL || nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		nftnl_rule_free(r);
		rd->bad = true;
		return MNL_CB_OK;
	}
	fam = ruleset_family((int)nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY),
	    rd->family);
	if (fam != NULL) {
		(void)nftnl_expr_foreach(r, ruleset_expr_cb, &what);
		k = ruleset_find(rd, fam, nftnl_rule_get_str(r,
		    NFTNL_RULE_TABLE), nftnl_rule_get_str(r, NFTNL_RULE_CHAIN));
		if (k == NULL && (what.drop || what.reject))
			rd->bad = true;	/* a chain added between the dumps */
		if (k != NULL && (what.drop || what.reject)) {
			k->drops += what.drop && !what.reject;
			k->rejects += what.reject;
			if (what.counted) {
				k->counted = true;
				k->packets += what.packets;
			}
		}
	}
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

/*
 * Dump `type` (NFT_MSG_GETCHAIN, NFT_MSG_GETRULE) over `nl` through `cb`
 * until NLMSG_DONE or `deadline`; false when the dump did not end whole.
 */
static bool
ruleset_dump(struct mnl_socket *nl, uint16_t type, uint32_t seq,
    const struct timespec *deadline, mnl_cb_t cb, struct ruleset_read *rd)
{
	static union {
		struct nlmsghdr h;	/* aligned for netlink */
		char b[RULESET_BUF];
	} u;
	char *buf = u.b;
	struct nlmsghdr *nlh;
	struct pollfd p;
	ssize_t len;
	int ms, rc;

	nlh = nftnl_nlmsg_build_hdr(buf, type, NFPROTO_UNSPEC, NLM_F_DUMP, seq);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return false;
	p.fd = mnl_socket_get_fd(nl);
	p.events = POLLIN;
	for (;;) {
		ms = clock_ms_until(deadline);
		if (ms <= 0 || loop_poll(&p, 1, ms) <= 0)
			return false;
		len = recv(p.fd, buf, sizeof(u.b), MSG_DONTWAIT | MSG_TRUNC);
		if (len < 0 || (size_t)len > sizeof(u.b))
			return false;
		rc = mnl_cb_run(buf, (size_t)len, seq,
		    mnl_socket_get_portid(nl), cb, rd);
		if (rc == MNL_CB_STOP)
			return !rd->bad;
		if (rc < 0 || rd->bad)
			return false;
	}
}

/* How long a reading answers for the same family again (ms). */
#define RULESET_CACHE_MS 1000

/* The last whole reading of each family, for the targets of one run. */
static struct {
	bool valid;
	int family;
	struct timespec at;
	struct ruleset_fact rs;
} ruleset_cache[2];

/* A reading of `family` younger than RULESET_CACHE_MS into `rs`, if any. */
static bool
ruleset_cached(int family, struct ruleset_fact *rs)
{
	struct timespec now = clock_now();
	size_t i = family == AF_INET6;

	if (!ruleset_cache[i].valid || ruleset_cache[i].family != family ||
	    clock_ms_between(&ruleset_cache[i].at, &now) >= RULESET_CACHE_MS)
		return false;
	*rs = ruleset_cache[i].rs;
	return true;
}

bool
ruleset_read(int family, const struct timespec *deadline,
    struct ruleset_fact *rs)
{
	static struct ruleset_read rd;	/* 256 chains: kept off the stack */
	struct mnl_socket *nl;
	size_t i;
	int pass;
	bool ok;

	if (ruleset_cached(family, rs))
		return true;
	memset(rs, 0, sizeof(*rs));
	if (!nldl_nftnl())
		return false;
	memset(&rd, 0, sizeof(rd));
	rd.family = family;
	nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (nl == NULL)
		return false;
	ok = mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == 0 &&
	    ruleset_dump(nl, NFT_MSG_GETCHAIN, 1, deadline, ruleset_chain_cb,
	    &rd) &&
	    ruleset_dump(nl, NFT_MSG_GETRULE, 2, deadline, ruleset_rule_cb,
	    &rd);
	mnl_socket_close(nl);
	if (!ok)
		return false;
	/* Those whose counters saw packets first: they are the telling ones. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < rd.n; i++) {
			const struct ruleset_chain *k = &rd.all[i];

			if ((!k->policy_drop && k->drops == 0 &&
			    k->rejects == 0) || (pass == 0) != (k->packets > 0) ||
			    (!ruleset_chain_in(k) && !ruleset_chain_out(k)))
				continue;	/* forward: not this host's own */
			if (rs->nchains < RULESET_CHAINS_MAX)
				rs->chain[rs->nchains] = *k;
			rs->nchains++;
		}
	i = family == AF_INET6;
	ruleset_cache[i].valid = true;
	ruleset_cache[i].family = family;
	ruleset_cache[i].at = clock_now();
	ruleset_cache[i].rs = *rs;
	return true;
}
#else /* !HAVE_NFTNL */
bool
ruleset_read(int family, const struct timespec *deadline,
    struct ruleset_fact *rs)
{
	(void)family;
	(void)deadline;
	memset(rs, 0, sizeof(*rs));
	return false;
}
#endif /* HAVE_NFTNL */
