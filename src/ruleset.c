/* SPDX-License-Identifier: ISC */
/*
 * ruleset.c: the chains of this host's nftables ruleset that can drop or
 * reject this attempt's packets (see ruleset.h), read through libnftnl:
 * each rule is compiled once into conditions on the packet's bytes, then
 * evaluated for each attempt.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "clock.h"
#include "facts.h"
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
	if (strcmp(family, "arp") == 0)
		return hook == 0 ? "input" : hook == 1 ? "output" : "forward";
	if ((size_t)hook < sizeof(ruleset_inet_hooks) /
	    sizeof(ruleset_inet_hooks[0]))
		return ruleset_inet_hooks[hook];
	return "?";
}

bool
ruleset_chain_out(const struct ruleset_chain *c)
{
	if (strcmp(c->family, "arp") == 0)
		return false;	/* no IP packet passes it */
	if (strcmp(c->family, "netdev") == 0)
		return c->hook == 1;
	return c->hook < 0 || c->hook == 3 || c->hook == 4;
}

bool
ruleset_chain_in(const struct ruleset_chain *c)
{
	if (strcmp(c->family, "arp") == 0)
		return false;
	if (strcmp(c->family, "netdev") == 0)
		return c->hook == 0;
	return c->hook < 0 || c->hook == 0 || c->hook == 1 || c->hook == 5;
}

#ifdef HAVE_NFTNL
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "nl.h"
#include "nldl.h"

/* How many chains of the family are looked at (more: the read fails). */
#define RULESET_ALL_MAX 256
/* How many rules that bear on a verdict are kept (more: the read fails). */
#define RULESET_RULES_MAX 4096
/* How many conditions of a rule are kept (more: it may match). */
#define RULESET_CONDS 6
/* How many registers' contents are followed through a rule. */
#define RULESET_REGS 8
/* The bytes of a register (NFT_REG_1 .. NFT_REG_4). */
#define RULESET_REG_LEN 16
/* The packets: the one this host sends, the reply. */
#define RULESET_OUT 0
#define RULESET_REPLY 1

/* How many sets a rule looks up are read (more: those rules may match). */
#define RULESET_SETS_MAX 32
/* How many elements or intervals of all sets are kept (more: as above). */
#define RULESET_RANGES_MAX 4096

/* Where the bytes of a condition come from. */
enum ruleset_src {
	RULESET_SRC_NFPROTO,		/* meta nfproto */
	RULESET_SRC_L4PROTO,		/* meta l4proto */
	RULESET_SRC_NET,		/* payload @ network header */
	RULESET_SRC_TRANSPORT,		/* payload @ transport header */
	RULESET_SRC_CTSTATE		/* ct state (4 bytes, host order) */
};

/* How a condition compares (NFT_CMP_*, then the two of a range, then a
   set's look-up and its inverse). */
#define RULESET_OP_RANGE_EQ 16
#define RULESET_OP_RANGE_NEQ 17
#define RULESET_OP_SET 18
#define RULESET_OP_NOTSET 19

/* One condition: (bytes & mask) ^ xor compared with a (and b), or looked
   up in set `set`. */
struct ruleset_cond {
	uint8_t src, off, len, op, set;
	uint8_t mask[RULESET_REG_LEN], xor[RULESET_REG_LEN];
	uint8_t a[RULESET_REG_LEN], b[RULESET_REG_LEN];
};

/* One element of a set, or one interval: lo..hi, both in. */
struct ruleset_range {
	uint8_t lo[RULESET_REG_LEN], hi[RULESET_REG_LEN];
};

/* A set a rule looks up (an anonymous one: "tcp dport { 22, 80 }"). */
struct ruleset_set {
	uint32_t nfproto;
	char table[RULESET_NAME_MAX], name[RULESET_NAME_MAX];
	uint8_t len;			/* its key's bytes */
	bool read;			/* its elements were read whole */
	bool interval;			/* elements come as interval ends */
	size_t first, n;		/* its points, then ranges, in the
					   reading's ranges[] */
};

/* One element as the dump gives it, before intervals are made. */
struct ruleset_point {
	uint8_t key[RULESET_REG_LEN], end[RULESET_REG_LEN];
	bool interval_end;		/* NFT_SET_ELEM_INTERVAL_END */
	bool has_end;			/* a KEY_END: key..end */
	uint8_t set;
};

/* What a rule does when it matches. */
enum ruleset_verdict {
	RULESET_V_NONE, RULESET_V_ACCEPT, RULESET_V_DROP, RULESET_V_REJECT,
	RULESET_V_JUMP, RULESET_V_GOTO, RULESET_V_RETURN, RULESET_V_MAP
};

/* One rule that bears on a verdict, compiled. */
struct ruleset_rule {
	uint16_t chain;			/* its chain: index into all[] */
	uint16_t target;		/* a jump's or goto's chain */
	uint8_t verdict;		/* enum ruleset_verdict */
	uint8_t ncond;
	bool opaque;			/* something not evaluated: at most
					   "may match" */
	bool after_may_end;		/* a rule before it in its chain, not
					   kept, may accept or return: at
					   most "may match" */
	bool counted;
	uint64_t packets;
	struct ruleset_cond cond[RULESET_CONDS];
};

/* A reading: every chain of the family, then its rules, compiled. */
struct ruleset_read {
	int family;			/* AF_INET or AF_INET6 */
	size_t n;
	struct ruleset_chain all[RULESET_ALL_MAX];
	bool may_end[RULESET_ALL_MAX];	/* a rule of it, not kept, may
					   accept or return */
	size_t nrules;
	struct ruleset_rule rules[RULESET_RULES_MAX];
	size_t nsets;
	struct ruleset_set sets[RULESET_SETS_MAX];
	size_t npoints;
	struct ruleset_point points[RULESET_RANGES_MAX];
	size_t nranges;
	struct ruleset_range ranges[RULESET_RANGES_MAX];
	bool bad;			/* something cannot be trusted */
	bool notrack;			/* a rule untracks packets: their ct
					   state is not known */
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
	case NFPROTO_ARP:	/* its own ARP, which IPv4 needs */
		return family == AF_INET ? "arp" : NULL;
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

	if (table == NULL || name == NULL)
		return NULL;
	for (i = 0; i < rd->n; i++)
		if (strcmp(rd->all[i].family, family) == 0 &&
		    strncmp(rd->all[i].table, table, RULESET_NAME_MAX - 1) == 0 &&
		    strncmp(rd->all[i].chain, name, RULESET_NAME_MAX - 1) == 0)
			return &rd->all[i];
	return NULL;
}

/* The dumps' messages parsed so far (ruleset_parsed). */
static unsigned long ruleset_nparsed;

unsigned long
ruleset_parsed(void)
{
	return ruleset_nparsed;
}

/* One chain of the dump: kept with its hook and policy. */
static int
ruleset_chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ruleset_read *rd = data;
	struct nftnl_chain *c;
	struct ruleset_chain *k;
	const char *fam;

	ruleset_nparsed++;
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
			rd->may_end[rd->n] = false;
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

/* What one register holds while a rule is compiled. */
struct ruleset_reg {
	bool set;			/* holds the bytes of a source */
	uint32_t reg;			/* NFT_REG_* or NFT_REG32_* */
	struct ruleset_cond what;	/* src, off, len, mask, xor */
};

/* A rule being compiled: the registers, the rule. */
struct ruleset_compile {
	struct ruleset_read *rd;
	const char *family, *table;
	uint32_t nfproto;		/* the table's family */
	struct ruleset_reg regs[RULESET_REGS];
	struct ruleset_rule rule;
};

/* The first byte register `reg` names in the register file (16 per
   NFT_REG_1..4, 4 per NFT_REG32_00..15); -1: another one. */
static int
ruleset_reg_at(uint32_t reg)
{
	if (reg >= NFT_REG_1 && reg <= NFT_REG_4)
		return (int)(reg - NFT_REG_1) * 16;
	if (reg >= NFT_REG32_00 && reg <= NFT_REG32_15)
		return (int)(reg - NFT_REG32_00) * 4;
	return -1;
}

/* Forget what any register that overlaps `len` bytes of `reg` holds. */
static void
ruleset_reg_clobber(struct ruleset_compile *cc, uint32_t reg, uint32_t len)
{
	int at = ruleset_reg_at(reg), o;
	size_t i;

	for (i = 0; i < RULESET_REGS; i++) {
		if (!cc->regs[i].set)
			continue;
		o = ruleset_reg_at(cc->regs[i].reg);
		if (at < 0 || o < 0 || (o < at + (int)len &&
		    at < o + (int)cc->regs[i].what.len))
			cc->regs[i].set = false;
	}
}

/* Register `reg` now holds `what` (len bytes of a source). */
static void
ruleset_reg_put(struct ruleset_compile *cc, uint32_t reg,
    const struct ruleset_cond *what)
{
	size_t i;

	ruleset_reg_clobber(cc, reg, what->len);
	for (i = 0; i < RULESET_REGS; i++)
		if (!cc->regs[i].set) {
			cc->regs[i].set = true;
			cc->regs[i].reg = reg;
			cc->regs[i].what = *what;
			return;
		}
}

/* What register `reg` holds, `len` bytes of it; NULL: not known. */
static const struct ruleset_cond *
ruleset_reg_get(const struct ruleset_compile *cc, uint32_t reg, uint32_t len)
{
	size_t i;

	for (i = 0; i < RULESET_REGS; i++)
		if (cc->regs[i].set && cc->regs[i].reg == reg &&
		    cc->regs[i].what.len == len)
			return &cc->regs[i].what;
	return NULL;
}

/* A load of `len` bytes at `off` of source `src` into `dreg`. */
static void
ruleset_load(struct ruleset_compile *cc, uint32_t dreg, uint8_t src,
    uint32_t off, uint32_t len)
{
	struct ruleset_cond w;

	if (len == 0 || len > RULESET_REG_LEN || off > 255) {
		ruleset_reg_clobber(cc, dreg, RULESET_REG_LEN);
		return;
	}
	memset(&w, 0, sizeof(w));
	w.src = src;
	w.off = (uint8_t)off;
	w.len = (uint8_t)len;
	memset(w.mask, 0xff, sizeof(w.mask));
	ruleset_reg_put(cc, dreg, &w);
}

/* A meta load: nfproto and l4proto are followed, other keys are not. */
static void
ruleset_meta(struct ruleset_compile *cc, struct nftnl_expr *e)
{
	uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);
	uint32_t dreg;

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG))
		return;		/* meta set: a statement */
	dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_META_DREG);
	if (key == NFT_META_NFPROTO)
		ruleset_load(cc, dreg, RULESET_SRC_NFPROTO, 0, 1);
	else if (key == NFT_META_L4PROTO)
		ruleset_load(cc, dreg, RULESET_SRC_L4PROTO, 0, 1);
	else
		ruleset_reg_clobber(cc, dreg, RULESET_REG_LEN);
}

/* A ct load: the state is followed (what a packet of the attempt is to
   conntrack: see ruleset_pkt_make), other keys are not. */
static void
ruleset_ct(struct ruleset_compile *cc, struct nftnl_expr *e)
{
	uint32_t dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_CT_DREG);

	if (nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY) == NFT_CT_STATE)
		ruleset_load(cc, dreg, RULESET_SRC_CTSTATE, 0, 4);
	else
		ruleset_reg_clobber(cc, dreg, RULESET_REG_LEN);
}

/* A payload load of the network or transport header. */
static void
ruleset_payload(struct ruleset_compile *cc, struct nftnl_expr *e)
{
	uint32_t base, dreg;

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_PAYLOAD_DREG))
		return;		/* payload set: a statement */
	dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_DREG);
	base = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
	if (base == NFT_PAYLOAD_NETWORK_HEADER ||
	    base == NFT_PAYLOAD_TRANSPORT_HEADER)
		ruleset_load(cc, dreg, base == NFT_PAYLOAD_NETWORK_HEADER ?
		    RULESET_SRC_NET : RULESET_SRC_TRANSPORT,
		    nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET),
		    nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN));
	else
		ruleset_reg_clobber(cc, dreg, RULESET_REG_LEN);
}

/* `len` bytes of data attribute `type` of `e` into `out`; false: other. */
static bool
ruleset_data(struct nftnl_expr *e, uint16_t type, size_t len, uint8_t *out)
{
	const void *d;
	uint32_t dlen = 0;

	if (!nftnl_expr_is_set(e, type))
		return false;
	d = nftnl_expr_get(e, type, &dlen);
	if (d == NULL || dlen != len)
		return false;
	memcpy(out, d, len);
	return true;
}

/* A bitwise mask and xor of a followed register into another. */
static void
ruleset_bitwise(struct ruleset_compile *cc, struct nftnl_expr *e)
{
	uint32_t sreg = nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_SREG);
	uint32_t dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_DREG);
	uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_LEN);
	const struct ruleset_cond *in = ruleset_reg_get(cc, sreg, len);
	uint8_t mask[RULESET_REG_LEN], xor[RULESET_REG_LEN];
	struct ruleset_cond w;
	size_t i;

	if (in == NULL || (nftnl_expr_is_set(e, NFTNL_EXPR_BITWISE_OP) &&
	    nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_OP) !=
	    NFT_BITWISE_MASK_XOR) ||
	    !ruleset_data(e, NFTNL_EXPR_BITWISE_MASK, len, mask) ||
	    !ruleset_data(e, NFTNL_EXPR_BITWISE_XOR, len, xor)) {
		ruleset_reg_clobber(cc, dreg, RULESET_REG_LEN);
		return;
	}
	w = *in;
	for (i = 0; i < len; i++) {
		/* ((x & m1) ^ x1) & m2 ^ x2 = (x & m1 & m2) ^ (x1 & m2 ^ x2) */
		w.mask[i] = (uint8_t)(in->mask[i] & mask[i]);
		w.xor[i] = (uint8_t)((in->xor[i] & mask[i]) ^ xor[i]);
	}
	ruleset_reg_put(cc, dreg, &w);
}

/* A condition on register `sreg` (`len` bytes): kept, or the rule may
   match. */
static void
ruleset_cond_add(struct ruleset_compile *cc, uint32_t sreg, uint32_t len,
    uint8_t op, const uint8_t *a, const uint8_t *b)
{
	const struct ruleset_cond *w = ruleset_reg_get(cc, sreg, len);
	struct ruleset_cond *k;

	if (w == NULL || cc->rule.ncond == RULESET_CONDS) {
		cc->rule.opaque = true;
		return;
	}
	k = &cc->rule.cond[cc->rule.ncond++];
	*k = *w;
	k->op = op;
	memcpy(k->a, a, len);
	if (b != NULL)
		memcpy(k->b, b, len);
}

/* cmp and range: conditions of the rule. */
static void
ruleset_compare(struct ruleset_compile *cc, struct nftnl_expr *e, bool range)
{
	uint8_t a[RULESET_REG_LEN], b[RULESET_REG_LEN];
	const void *d;
	uint32_t len = 0, op, sreg;

	d = nftnl_expr_get(e, range ? NFTNL_EXPR_RANGE_FROM_DATA :
	    NFTNL_EXPR_CMP_DATA, &len);
	op = nftnl_expr_get_u32(e, range ? NFTNL_EXPR_RANGE_OP :
	    NFTNL_EXPR_CMP_OP);
	sreg = nftnl_expr_get_u32(e, range ? NFTNL_EXPR_RANGE_SREG :
	    NFTNL_EXPR_CMP_SREG);
	if (d == NULL || len == 0 || len > RULESET_REG_LEN ||
	    (range ? op > NFT_RANGE_NEQ : op > NFT_CMP_GTE) ||
	    (range && !ruleset_data(e, NFTNL_EXPR_RANGE_TO_DATA, len, b))) {
		cc->rule.opaque = true;
		return;
	}
	memcpy(a, d, len);
	ruleset_cond_add(cc, sreg, len, (uint8_t)(range ?
	    RULESET_OP_RANGE_EQ + op : op), a, range ? b : NULL);
}

/* An immediate: a verdict, or data into a register. */
static void
ruleset_immediate(struct ruleset_compile *cc, struct nftnl_expr *e)
{
	uint32_t dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_DREG);
	struct ruleset_chain *t;
	int v;

	if (dreg != NFT_REG_VERDICT) {
		ruleset_reg_clobber(cc, dreg, RULESET_REG_LEN);
		return;
	}
	v = (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT);
	switch (v) {
	case NF_ACCEPT:
		cc->rule.verdict = RULESET_V_ACCEPT;
		break;
	case NF_DROP:
		cc->rule.verdict = RULESET_V_DROP;
		break;
	case NFT_RETURN:
		cc->rule.verdict = RULESET_V_RETURN;
		break;
	case NFT_JUMP:
	case NFT_GOTO:
		t = ruleset_find(cc->rd, cc->family, cc->table,
		    nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN));
		if (t == NULL) {
			cc->rd->bad = true;	/* added between the dumps */
			return;
		}
		cc->rule.verdict = v == NFT_JUMP ? RULESET_V_JUMP :
		    RULESET_V_GOTO;
		cc->rule.target = (uint16_t)(t - cc->rd->all);
		break;
	default:
		break;		/* continue, queue: no verdict here */
	}
}

/*
 * A look-up of a followed register in a set: a condition whose set's
 * elements are read after the rules; a register not followed, a key of
 * more than one register or no room left: the rule may match.
 */
static void
ruleset_lookup(struct ruleset_compile *cc, struct nftnl_expr *e)
{
	struct ruleset_read *rd = cc->rd;
	uint32_t sreg = nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_SREG);
	const char *set = nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET);
	const struct ruleset_cond *w = NULL;
	struct ruleset_cond *k;
	size_t i;

	for (i = 0; i < RULESET_REGS && w == NULL; i++)
		if (cc->regs[i].set && cc->regs[i].reg == sreg)
			w = &cc->regs[i].what;
	if (w == NULL || set == NULL || cc->table == NULL ||
	    cc->rule.ncond == RULESET_CONDS) {
		cc->rule.opaque = true;
		return;
	}
	for (i = 0; i < rd->nsets; i++)
		if (rd->sets[i].nfproto == cc->nfproto &&
		    strcmp(rd->sets[i].table, cc->table) == 0 &&
		    strcmp(rd->sets[i].name, set) == 0)
			break;
	if (i == rd->nsets && (rd->nsets == RULESET_SETS_MAX ||
	    strlen(set) >= RULESET_NAME_MAX ||
	    strlen(cc->table) >= RULESET_NAME_MAX)) {
		cc->rule.opaque = true;
		return;
	}
	if (i == rd->nsets) {
		memset(&rd->sets[i], 0, sizeof(rd->sets[i]));
		rd->sets[i].nfproto = cc->nfproto;
		facts_strlcpy(rd->sets[i].table, cc->table, RULESET_NAME_MAX);
		facts_strlcpy(rd->sets[i].name, set, RULESET_NAME_MAX);
		rd->sets[i].len = w->len;
		rd->nsets++;
	}
	if (rd->sets[i].len != w->len) {
		cc->rule.opaque = true;
		return;
	}
	k = &cc->rule.cond[cc->rule.ncond++];
	*k = *w;
	k->set = (uint8_t)i;
	k->op = nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_FLAGS) &&
	    (nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_FLAGS) &
	    NFT_LOOKUP_F_INV) != 0 ? RULESET_OP_NOTSET : RULESET_OP_SET;
}

/* One expression of a rule, compiled. */
static int
ruleset_expr_cb(struct nftnl_expr *e, void *data)
{
	struct ruleset_compile *cc = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
	uint32_t dreg;

	if (name == NULL) {
		cc->rule.opaque = true;
	} else if (strcmp(name, "meta") == 0) {
		ruleset_meta(cc, e);
	} else if (strcmp(name, "payload") == 0) {
		ruleset_payload(cc, e);
	} else if (strcmp(name, "ct") == 0 &&
	    nftnl_expr_is_set(e, NFTNL_EXPR_CT_DREG)) {
		ruleset_ct(cc, e);
	} else if (strcmp(name, "bitwise") == 0) {
		ruleset_bitwise(cc, e);
	} else if (strcmp(name, "cmp") == 0 || strcmp(name, "range") == 0) {
		ruleset_compare(cc, e, name[0] == 'r');
	} else if (strcmp(name, "immediate") == 0) {
		ruleset_immediate(cc, e);
	} else if (strcmp(name, "reject") == 0) {
		cc->rule.verdict = RULESET_V_REJECT;
	} else if (strcmp(name, "counter") == 0) {
		cc->rule.counted = true;
		cc->rule.packets = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
	} else if (strcmp(name, "lookup") == 0 &&
	    !nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG)) {
		ruleset_lookup(cc, e);
	} else if (strcmp(name, "lookup") == 0) {
		/* A map's elements are not read: the rule may match. */
		cc->rule.opaque = true;
		dreg = nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_DREG);
		if (dreg == NFT_REG_VERDICT)
			cc->rule.verdict = RULESET_V_MAP;
		else
			ruleset_reg_clobber(cc, dreg, RULESET_REG_LEN);
	} else if (strcmp(name, "notrack") == 0) {
		cc->rd->notrack = true;
	} else if (strcmp(name, "log") != 0) {
		/* ct, fib, limit, ...: not evaluated; it may write any
		   register and decide the match. */
		cc->rule.opaque = true;
		memset(cc->regs, 0, sizeof(cc->regs));
	}
	return MNL_CB_OK;
}

/* One rule of the dump: compiled and kept when it bears on a verdict. */
static int
ruleset_rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ruleset_read *rd = data;
	static struct ruleset_compile cc;
	struct ruleset_chain *k;
	struct nftnl_rule *r;
	const char *fam;

	ruleset_nparsed++;
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
		memset(&cc, 0, sizeof(cc));
		cc.rd = rd;
		cc.family = fam;
		cc.nfproto = nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY);
		cc.table = nftnl_rule_get_str(r, NFTNL_RULE_TABLE);
		k = ruleset_find(rd, fam, cc.table, nftnl_rule_get_str(r,
		    NFTNL_RULE_CHAIN));
		if (k == NULL)
			rd->bad = true;	/* a chain added between the dumps */
		if (nftnl_expr_foreach(r, ruleset_expr_cb, &cc) < 0)
			cc.rule.opaque = true;
		/* An arp rule's conditions are on ARP, not evaluated: it
		   may match; its accepts are kept (ruleset_arp). */
		if (cc.nfproto == NFPROTO_ARP && cc.rule.ncond > 0)
			cc.rule.opaque = true;
		/* Kept: what can drop, reject or lead elsewhere, and what
		   surely matches and ends the chain; an accept or return
		   that only may match is not, but what comes after it in
		   its chain at most may be reached.  An arp chain's are
		   kept: ruleset_arp reads its own. */
		if (k != NULL && cc.nfproto != NFPROTO_ARP && cc.rule.opaque &&
		    (cc.rule.verdict == RULESET_V_ACCEPT ||
		    cc.rule.verdict == RULESET_V_RETURN)) {
			rd->may_end[k - rd->all] = true;
		} else if (k != NULL && cc.rule.verdict != RULESET_V_NONE) {
			cc.rule.after_may_end = rd->may_end[k - rd->all];
			if (rd->nrules == RULESET_RULES_MAX) {
				rd->bad = true;
			} else {
				cc.rule.chain = (uint16_t)(k - rd->all);
				rd->rules[rd->nrules++] = cc.rule;
			}
		}
	}
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

/* The set of `rd` named `table` `name` of family `nfproto`, or -1. */
static int
ruleset_set_find(const struct ruleset_read *rd, uint32_t nfproto,
    const char *table, const char *name)
{
	size_t i;

	for (i = 0; table != NULL && name != NULL && i < rd->nsets; i++)
		if (rd->sets[i].nfproto == nfproto &&
		    strcmp(rd->sets[i].table, table) == 0 &&
		    strcmp(rd->sets[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Where the elements of one message go. */
struct ruleset_elems {
	struct ruleset_read *rd;
	int set;
};

/* One element of a set: kept as a point (too many: the set unread). */
static int
ruleset_elem_one(struct nftnl_set_elem *e, void *data)
{
	struct ruleset_elems *w = data;
	struct ruleset_read *rd = w->rd;
	struct ruleset_set *st = &rd->sets[w->set];
	struct ruleset_point *pt;
	const void *key, *end = NULL;
	uint32_t klen = 0, elen = 0;

	key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &klen);
	if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_KEY_END))
		end = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY_END, &elen);
	if (key == NULL || klen != st->len || (end != NULL && elen != klen) ||
	    rd->npoints == RULESET_RANGES_MAX) {
		st->len = 0;	/* not to be trusted: never read */
		return 0;
	}
	pt = &rd->points[rd->npoints++];
	memset(pt, 0, sizeof(*pt));
	memcpy(pt->key, key, klen);
	if (end != NULL) {
		memcpy(pt->end, end, elen);
		pt->has_end = true;
	}
	pt->interval_end = nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS) &&
	    (nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS) &
	    NFT_SET_ELEM_INTERVAL_END) != 0;
	pt->set = (uint8_t)w->set;
	return 0;
}

/* One message of a set's elements: its points kept. */
static int
ruleset_elem_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ruleset_read *rd = data;
	struct ruleset_elems w = { rd, -1 };
	struct nftnl_set *st = nftnl_set_alloc();

	ruleset_nparsed++;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		rd->bad = true;
	if (st == NULL || nftnl_set_elems_nlmsg_parse(nlh, st) < 0) {
		nftnl_set_free(st);
		rd->bad = true;
		return MNL_CB_OK;
	}
	w.set = ruleset_set_find(rd, nftnl_set_get_u32(st, NFTNL_SET_FAMILY),
	    nftnl_set_get_str(st, NFTNL_SET_TABLE),
	    nftnl_set_get_str(st, NFTNL_SET_NAME));
	if (w.set >= 0)
		(void)nftnl_set_elem_foreach(st, ruleset_elem_one, &w);
	nftnl_set_free(st);
	return MNL_CB_OK;
}

/* Points by key, an interval's end before a start at the same key. */
static int
ruleset_point_cmp(const void *a, const void *b)
{
	const struct ruleset_point *x = a, *y = b;
	int c = memcmp(x->key, y->key, sizeof(x->key));

	return c != 0 ? c : (int)y->interval_end - (int)x->interval_end;
}

/* `len` bytes of big-endian `v` less one; false: it was 0. */
static bool
ruleset_minus_one(uint8_t *v, size_t len)
{
	size_t i;

	for (i = len; i-- > 0;)
		if (v[i]-- != 0)
			return true;
	return false;
}

/*
 * The ranges of set `i` of `rd` from its points: single elements, key and
 * key end, or (an interval set, as the kernel keeps one) a key is in the
 * set when the nearest point at or below it starts an interval, not when
 * it is an interval's end.  False when they do not fit (the set stays
 * unread).
 */
static bool
ruleset_set_ranges(struct ruleset_read *rd, size_t i)
{
	static struct ruleset_point pts[RULESET_RANGES_MAX];
	struct ruleset_set *st = &rd->sets[i];
	struct ruleset_range *r = NULL;
	size_t n = 0, j;
	bool interval = false;

	for (j = 0; j < rd->npoints; j++)
		if (rd->points[j].set == i) {
			interval |= rd->points[j].interval_end;
			pts[n++] = rd->points[j];
		}
	qsort(pts, n, sizeof(pts[0]), ruleset_point_cmp);
	st->first = rd->nranges;
	for (j = 0; j < n; j++) {
		if (interval && pts[j].interval_end) {
			/* An end with none open marks where the set is not. */
			if (r != NULL && ruleset_minus_one(pts[j].key, st->len))
				memcpy(r->hi, pts[j].key, sizeof(r->hi));
			r = NULL;
			continue;
		}
		if (r != NULL)
			continue;	/* a start within an interval */
		if (rd->nranges == RULESET_RANGES_MAX)
			return false;
		r = &rd->ranges[rd->nranges++];
		memcpy(r->lo, pts[j].key, sizeof(r->lo));
		memcpy(r->hi, pts[j].has_end ? pts[j].end : pts[j].key,
		    sizeof(r->hi));
		if (interval)		/* to the end, unless one comes */
			memset(r->hi, 0xff, st->len);
		else
			r = NULL;
	}
	st->n = rd->nranges - st->first;
	return true;
}

/* Every set's ranges from the points read; a set whose make no sense, or
   whose elements did not fit, stays unread (its look-ups may match). */
static void
ruleset_sets_make(struct ruleset_read *rd)
{
	size_t i;

	for (i = 0; i < rd->nsets; i++)
		rd->sets[i].read = rd->sets[i].len > 0 &&
		    ruleset_set_ranges(rd, i);
}

/* One packet of the attempt, as far as it is known. */
struct ruleset_pkt {
	uint8_t nfproto, l4proto;
	bool l4known;
	uint8_t net[40], netk[40];	/* the network header; known bytes */
	bool ports;			/* the transport header has ports: */
	uint16_t lo[2], hi[2];		/* source, destination port: one of
					   lo..hi */
	bool ctknown;			/* its ct state is known: */
	uint32_t ctstate;		/* ... NF_CT_STATE_BIT of it */
};

/* The packet this host sends (`reply` false) or the reply, of `p`. */
static void
ruleset_pkt_make(const struct ruleset_packet *p, bool reply,
    struct ruleset_pkt *k)
{
	bool v6 = p->family == AF_INET6;
	size_t alen = v6 ? 16 : 4;
	size_t saddr = v6 ? 8 : 12, daddr = v6 ? 24 : 16;
	bool tcp = p->proto == IPPROTO_TCP || p->proto == IPPROTO_SCTP;
	int here = reply ? 1 : 0;	/* the port of this host's end */

	memset(k, 0, sizeof(*k));
	k->nfproto = v6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	/* The packet sent starts a connection: new to conntrack; a TCP
	   reply (SYN-ACK, reset) belongs to it: established. */
	k->ctknown = !reply || tcp;
	k->ctstate = (uint32_t)(reply ? NF_CT_STATE_BIT(IP_CT_ESTABLISHED) :
	    NF_CT_STATE_BIT(IP_CT_NEW));
	memcpy(k->net + (reply ? saddr : daddr), p->dst, alen);
	memset(k->netk + (reply ? saddr : daddr), 0xff, alen);
	if (p->have_src) {
		memcpy(k->net + (reply ? daddr : saddr), p->src, alen);
		memset(k->netk + (reply ? daddr : saddr), 0xff, alen);
	}
	/* A UDP datagram's reply may be an ICMP error: its protocol and
	   ports are not known. */
	if (p->proto == 0 || (reply && !tcp))
		return;
	k->l4proto = (uint8_t)p->proto;
	k->l4known = true;
	k->net[v6 ? 6 : 9] = (uint8_t)p->proto;
	k->netk[v6 ? 6 : 9] = 0xff;
	k->ports = true;
	k->lo[1 - here] = k->hi[1 - here] = p->port;
	k->lo[here] = p->sport_lo;
	k->hi[here] = p->sport_hi;
}

/* Three answers to "does it match". */
enum ruleset_match { RULESET_NO, RULESET_MAYBE, RULESET_YES };

/* `yes` when true, `no` when false, else RULESET_MAYBE. */
static enum ruleset_match
ruleset_3(bool yes, bool no)
{
	return yes ? RULESET_YES : no ? RULESET_NO : RULESET_MAYBE;
}

/* The port (2 big-endian bytes) at `v`. */
static unsigned
ruleset_port(const uint8_t *v)
{
	return (unsigned)v[0] << 8 | v[1];
}

/* Whether a port of lo..hi is in set `st` (read): all, none, some. */
static enum ruleset_match
ruleset_port_in(const struct ruleset_read *rd, const struct ruleset_set *st,
    unsigned lo, unsigned hi)
{
	enum ruleset_match m = RULESET_NO;
	size_t i;

	for (i = st->first; i < st->first + st->n; i++) {
		unsigned a = ruleset_port(rd->ranges[i].lo);
		unsigned b = ruleset_port(rd->ranges[i].hi);

		if (a <= lo && hi <= b)
			return RULESET_YES;
		if (!(hi < a || lo > b))
			m = RULESET_MAYBE;
	}
	return m;
}

/* Whether a port of lo..hi meets condition `c` (op, a, b, set). */
static enum ruleset_match
ruleset_port_eval(const struct ruleset_read *rd, const struct ruleset_cond *c,
    unsigned lo, unsigned hi)
{
	unsigned a = ruleset_port(c->a), b = ruleset_port(c->b);
	enum ruleset_match m;

	switch (c->op) {
	case RULESET_OP_SET:
	case RULESET_OP_NOTSET:
		m = ruleset_port_in(rd, &rd->sets[c->set], lo, hi);
		break;
	case NFT_CMP_EQ:
	case NFT_CMP_NEQ:
		m = ruleset_3(lo == a && hi == a, a < lo || a > hi);
		break;
	case NFT_CMP_LT:
		return ruleset_3(hi < a, lo >= a);
	case NFT_CMP_LTE:
		return ruleset_3(hi <= a, lo > a);
	case NFT_CMP_GT:
		return ruleset_3(lo > a, hi <= a);
	case NFT_CMP_GTE:
		return ruleset_3(lo >= a, hi < a);
	default:
		m = ruleset_3(a <= lo && hi <= b, hi < a || lo > b);
		break;
	}
	if (c->op == NFT_CMP_NEQ || c->op == RULESET_OP_RANGE_NEQ ||
	    c->op == RULESET_OP_NOTSET)
		m = m == RULESET_YES ? RULESET_NO : m == RULESET_NO ?
		    RULESET_YES : m;
	return m;
}

/* Byte `i` of condition `c`'s source in packet `k`, and its known bits. */
static uint8_t
ruleset_byte(const struct ruleset_cond *c, const struct ruleset_pkt *k,
    size_t i, uint8_t *known)
{
	size_t at = c->off + i, port = at / 2;

	*known = 0;
	switch (c->src) {
	case RULESET_SRC_NFPROTO:
		*known = i == 0 ? 0xff : 0;
		return k->nfproto;
	case RULESET_SRC_L4PROTO:
		*known = i == 0 && k->l4known ? 0xff : 0;
		return k->l4proto;
	case RULESET_SRC_NET:
		if (at >= sizeof(k->net))
			return 0;
		*known = k->netk[at];
		return k->net[at];
	case RULESET_SRC_CTSTATE:
		*known = k->ctknown && at < 4 ? 0xff : 0;
		return at < 4 ? ((const uint8_t *)&k->ctstate)[at] : 0;
	default:
		if (at >= 4 || !k->ports || k->lo[port] != k->hi[port])
			return 0;
		*known = 0xff;
		return (uint8_t)(at % 2 == 0 ? k->lo[port] >> 8 :
		    k->lo[port] & 0xff);
	}
}

/* Whether condition `c` of a rule of `rd` holds for packet `k`. */
static enum ruleset_match
ruleset_cond_eval(const struct ruleset_read *rd, const struct ruleset_cond *c,
    const struct ruleset_pkt *k)
{
	const struct ruleset_set *st = &rd->sets[c->set];
	uint8_t x[RULESET_REG_LEN], known, v;
	size_t i;
	int lo, hi;
	bool y;

	if ((c->op == RULESET_OP_SET || c->op == RULESET_OP_NOTSET) &&
	    !st->read)
		return RULESET_MAYBE;	/* its elements are not known */
	if (c->src == RULESET_SRC_TRANSPORT && k->ports && c->len == 2 &&
	    (c->off == 0 || c->off == 2) && c->mask[0] == 0xff &&
	    c->mask[1] == 0xff && c->xor[0] == 0 && c->xor[1] == 0)
		return ruleset_port_eval(rd, c, k->lo[c->off / 2],
		    k->hi[c->off / 2]);
	for (i = 0; i < c->len; i++) {
		v = ruleset_byte(c, k, i, &known);
		if ((c->mask[i] & known) != c->mask[i])
			return RULESET_MAYBE;	/* a bit that counts is
						   not known */
		x[i] = (uint8_t)((v & c->mask[i]) ^ c->xor[i]);
	}
	if (c->op == RULESET_OP_SET || c->op == RULESET_OP_NOTSET) {
		y = false;
		for (i = st->first; i < st->first + st->n && !y; i++)
			y = memcmp(x, rd->ranges[i].lo, c->len) >= 0 &&
			    memcmp(x, rd->ranges[i].hi, c->len) <= 0;
		return y == (c->op == RULESET_OP_SET) ? RULESET_YES :
		    RULESET_NO;
	}
	lo = memcmp(x, c->a, c->len);
	hi = memcmp(x, c->b, c->len);
	switch (c->op) {
	case NFT_CMP_EQ:
		y = lo == 0;
		break;
	case NFT_CMP_NEQ:
		y = lo != 0;
		break;
	case NFT_CMP_LT:
		y = lo < 0;
		break;
	case NFT_CMP_LTE:
		y = lo <= 0;
		break;
	case NFT_CMP_GT:
		y = lo > 0;
		break;
	case NFT_CMP_GTE:
		y = lo >= 0;
		break;
	case RULESET_OP_RANGE_EQ:
		y = lo >= 0 && hi <= 0;
		break;
	default:
		y = lo < 0 || hi > 0;
		break;
	}
	return y ? RULESET_YES : RULESET_NO;
}

/* Whether rule `r` of `rd` matches packet `k`. */
static enum ruleset_match
ruleset_rule_eval(const struct ruleset_read *rd, const struct ruleset_rule *r,
    const struct ruleset_pkt *k)
{
	enum ruleset_match m = r->opaque ? RULESET_MAYBE : RULESET_YES, c;
	size_t i;

	for (i = 0; i < r->ncond; i++) {
		c = ruleset_cond_eval(rd, &r->cond[i], k);
		if (c == RULESET_NO)
			return RULESET_NO;
		if (c == RULESET_MAYBE)
			m = RULESET_MAYBE;
	}
	return m;
}

/* True when a packet that passes chain `c` in direction `out` (the way
   out) or in. */
static bool
ruleset_passes(const struct ruleset_chain *c, bool out)
{
	return c->hook >= 0 && (out ? ruleset_chain_out(c) :
	    ruleset_chain_in(c));
}

/*
 * The arp-family chains of `rd` that can drop this host's ARP packets into
 * rs->narp and rs->arp: its input and output chains and those a jump from
 * them reaches.  A drop rule without a condition, before any rule that may
 * end the chain otherwise, in a base chain, surely drops; so does a drop
 * policy no rule may escape.
 */
static void
ruleset_arp(const struct ruleset_read *rd, struct ruleset_fact *rs)
{
	static uint8_t reach[RULESET_ALL_MAX], open[RULESET_ALL_MAX];
	static struct ruleset_chain hit[RULESET_ALL_MAX];
	const struct ruleset_rule *r;
	size_t i, j, round;
	bool changed = true, sure;

	memset(reach, 0, sizeof(reach));
	memset(open, 0, sizeof(open));
	memset(hit, 0, sizeof(hit));
	for (i = 0; i < rd->n; i++)
		reach[i] = strcmp(rd->all[i].family, "arp") == 0 &&
		    (rd->all[i].hook == 0 || rd->all[i].hook == 1);
	for (round = 0; changed && round <= rd->n; round++) {
		changed = false;
		for (j = 0; j < rd->nrules; j++) {
			r = &rd->rules[j];
			if (reach[r->chain] && (r->verdict == RULESET_V_JUMP ||
			    r->verdict == RULESET_V_GOTO) && !reach[r->target]) {
				reach[r->target] = 1;
				changed = true;
			}
		}
	}
	for (j = 0; j < rd->nrules; j++) {
		r = &rd->rules[j];
		if (!reach[r->chain])
			continue;
		if (r->verdict == RULESET_V_DROP ||
		    r->verdict == RULESET_V_MAP) {
			hit[r->chain].drops++;
			if (r->opaque || open[r->chain] ||
			    r->verdict == RULESET_V_MAP ||
			    rd->all[r->chain].hook < 0)
				hit[r->chain].maybe++;
			if (r->counted) {
				hit[r->chain].counted = true;
				hit[r->chain].packets += r->packets;
			}
		}
		if (r->verdict != RULESET_V_DROP || r->opaque)
			open[r->chain] = 1;
	}
	for (i = 0; i < rd->n; i++) {
		struct ruleset_chain k = rd->all[i];

		if (!reach[i])
			continue;
		k.policy_drop = k.policy_drop && k.hook >= 0;
		k.drops = hit[i].drops;
		k.maybe = hit[i].maybe;
		k.counted = hit[i].counted;
		k.packets = hit[i].packets;
		if (!k.policy_drop && k.drops == 0)
			continue;
		k.out = k.hook != 0;
		k.reply = k.hook != 1;
		sure = k.drops > k.maybe || (k.policy_drop && !open[i]);
		if (rs->narp++ == 0 || (sure && !rs->arp_sure)) {
			rs->arp = k;
			rs->arp_sure = sure;
		}
	}
}

/*
 * The bit a rule with `verdict` that may have ended the chain of a packet
 * of direction `d` (or jumped: the chain jumped to may end it) sets for
 * the rules after it: 1 << d for any verdict, 1 << (2 + d) for a drop,
 * 1 << (4 + d) for a reject.
 */
static unsigned
ruleset_unsure_bit(uint8_t verdict, int d)
{
	return verdict == RULESET_V_DROP ? 1u << (2 + d) :
	    verdict == RULESET_V_REJECT ? 1u << (4 + d) : 1u << d;
}

/*
 * The bits of ruleset_unsure_bit that make a rule with `verdict` of
 * direction `d` only maybe reached: any rule before it that may have ended
 * the chain otherwise (a drop after a drop is a drop all the same).
 */
static unsigned
ruleset_unsure_bits(uint8_t verdict, int d)
{
	return (1u << d) | (verdict == RULESET_V_DROP ? 0 : 1u << (2 + d)) |
	    (verdict == RULESET_V_REJECT ? 0 : 1u << (4 + d));
}

/*
 * The packets that reach each chain of `rd` (bit RULESET_OUT, bit
 * RULESET_REPLY) into `reach`, and the chains whose drop or reject rules
 * or drop policy they can meet into `rs`.
 */
static void
ruleset_match(const struct ruleset_read *rd, const struct ruleset_packet *p,
    struct ruleset_fact *rs)
{
	static struct ruleset_chain hit[RULESET_ALL_MAX];
	static uint8_t reach[RULESET_ALL_MAX], ends[RULESET_ALL_MAX];
	static uint8_t sure[RULESET_ALL_MAX], unsure[RULESET_ALL_MAX];
	struct ruleset_pkt pk[2];
	enum ruleset_match m;
	size_t i, j, round;
	int d, pass;
	bool changed = true, last;

	ruleset_pkt_make(p, false, &pk[RULESET_OUT]);
	ruleset_pkt_make(p, true, &pk[RULESET_REPLY]);
	if (rd->notrack)
		pk[RULESET_OUT].ctknown = pk[RULESET_REPLY].ctknown = false;
	memset(reach, 0, sizeof(reach));
	for (i = 0; i < rd->n; i++)
		for (d = 0; d < 2; d++)
			/* To this host's own address, both packets go out
			   and come in. */
			if (ruleset_passes(&rd->all[i], d == RULESET_OUT) ||
			    (p->local && ruleset_passes(&rd->all[i],
			    d != RULESET_OUT)))
				reach[i] |= (uint8_t)(1u << d);
	/* Jumps: until no chain is reached by one more packet; the last
	   round counts the verdicts. */
	for (round = 0; round <= rd->n + 1; round++) {
		last = !changed || round == rd->n + 1;
		changed = false;
		memset(ends, 0, sizeof(ends));
		/* A packet past a rule that may have ended its chain (or
		   jumped) reaches what follows only maybe. */
		memset(unsure, 0, sizeof(unsure));
		if (last) {
			memset(hit, 0, sizeof(hit));
			memset(sure, 0, sizeof(sure));
		}
		for (j = 0; j < rd->nrules; j++) {
			const struct ruleset_rule *r = &rd->rules[j];
			struct ruleset_chain *h = &hit[r->chain];
			uint8_t was;
			bool any = false, yes = false;

			for (d = 0; d < 2; d++) {
				if ((reach[r->chain] & ~ends[r->chain] &
				    (1u << d)) == 0)
					continue;
				m = ruleset_rule_eval(rd, r, &pk[d]);
				if (m == RULESET_NO)
					continue;
				if (m == RULESET_YES && (r->after_may_end ||
				    (unsure[r->chain] & ruleset_unsure_bits(
				    r->verdict, d)) != 0))
					m = RULESET_MAYBE;
				if (m == RULESET_MAYBE || r->verdict ==
				    RULESET_V_JUMP || r->verdict ==
				    RULESET_V_GOTO || r->verdict ==
				    RULESET_V_MAP)
					unsure[r->chain] |= (uint8_t)(
					    ruleset_unsure_bit(r->verdict, d));
				if (m == RULESET_YES && (r->verdict ==
				    RULESET_V_ACCEPT || r->verdict ==
				    RULESET_V_DROP || r->verdict ==
				    RULESET_V_REJECT || r->verdict ==
				    RULESET_V_RETURN))
					ends[r->chain] |= (uint8_t)(1u << d);
				if (r->verdict == RULESET_V_JUMP ||
				    r->verdict == RULESET_V_GOTO) {
					was = reach[r->target];
					reach[r->target] |= (uint8_t)(1u << d);
					if (was != reach[r->target])
						changed = true;
				}
				if (r->verdict == RULESET_V_MAP)
					/* A verdict map may jump to any
					   chain of its table. */
					for (i = 0; i < rd->n; i++) {
						was = reach[i];
						if (rd->all[i].hook < 0 &&
						    strcmp(rd->all[i].table,
						    rd->all[r->chain].table) ==
						    0 && strcmp(rd->all[i].family,
						    rd->all[r->chain].family) ==
						    0)
							reach[i] |= (uint8_t)
							    (1u << d);
						if (was != reach[i])
							changed = true;
					}
				if (!last || (r->verdict != RULESET_V_DROP &&
				    r->verdict != RULESET_V_REJECT &&
				    r->verdict != RULESET_V_MAP))
					continue;
				if (d == RULESET_OUT)
					h->out = true;
				else
					h->reply = true;
				if (m == RULESET_YES && r->verdict !=
				    RULESET_V_MAP) {
					sure[r->chain] = 1;
					yes = true;
				}
				any = true;
			}
			if (!any)
				continue;
			/* A map's verdict may be a drop. */
			if (r->verdict == RULESET_V_REJECT)
				h->rejects++;
			else
				h->drops++;
			if (!yes)
				h->maybe++;
			if (r->counted) {
				h->counted = true;
				h->packets += r->packets;
			}
		}
		if (last)
			break;
	}
	memset(rs, 0, sizeof(*rs));
	/* Those that surely match first, then those whose counters saw
	   packets: they are the telling ones. */
	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < rd->n; i++) {
			struct ruleset_chain k = rd->all[i];
			uint8_t pol = (uint8_t)(reach[i] & ~ends[i]);

			if (k.hook < 0 && reach[i] == 0)
				continue;	/* no jump to it matches */
			if (!ruleset_chain_in(&k) && !ruleset_chain_out(&k))
				continue;	/* forward: not this host's own */
			k.policy_drop = k.policy_drop && pol != 0;
			k.drops = hit[i].drops;
			k.rejects = hit[i].rejects;
			k.maybe = hit[i].maybe;
			k.out = hit[i].out || (k.policy_drop &&
			    (pol & (1u << RULESET_OUT)) != 0);
			k.reply = hit[i].reply || (k.policy_drop &&
			    (pol & (1u << RULESET_REPLY)) != 0);
			k.counted = hit[i].counted;
			k.packets = hit[i].packets;
			if (!k.policy_drop && k.drops == 0 && k.rejects == 0)
				continue;
			if (pass != (sure[i] ? 0 : k.packets > 0 ? 1 : 2))
				continue;
			if (rs->nchains < RULESET_CHAINS_MAX) {
				rs->chain[rs->nchains] = k;
			} else {
				rs->more_drop += k.policy_drop || k.drops > 0;
				rs->more_reject += k.rejects > 0;
			}
			rs->nchains++;
		}
	ruleset_arp(rd, rs);
}

/*
 * Dump `type` (NFT_MSG_GETCHAIN, NFT_MSG_GETRULE; NFT_MSG_GETSETELEM of
 * set `set`) over `nl`'s netfilter socket through `cb` (nl_talk, within
 * its budget); false when the dump did not end whole.
 */
static bool
ruleset_dump(struct nl_ctx *nl, uint16_t type, const struct ruleset_set *set,
    mnl_cb_t cb, struct ruleset_read *rd)
{
	union nl_req req;
	struct nlmsghdr *nlh;

	/* Zeroed: the bytes nftnl leaves alone (padding) are sent and
	   compared with the requests of other diagnoses (nl_talk). */
	memset(&req, 0, sizeof(req));
	nlh = nftnl_nlmsg_build_hdr(req.buf, type, set != NULL ?
	    (uint16_t)set->nfproto : NFPROTO_UNSPEC, NLM_F_DUMP, 0);
	if (set != NULL) {
		struct nftnl_set *st = nftnl_set_alloc();

		if (st == NULL)
			return false;
		nftnl_set_set_str(st, NFTNL_SET_TABLE, set->table);
		nftnl_set_set_str(st, NFTNL_SET_NAME, set->name);
		nftnl_set_elems_nlmsg_build_payload(nlh, st);
		nftnl_set_free(st);
	}
	return nl_talk(nl, NL_NETFILTER, nlh, cb, rd) == 0 && !rd->bad;
}

/* An empty reading of `family`: its arrays are filled before they are
   read, and left as they are (2 MB not touched for a small ruleset). */
static void
ruleset_rd_reset(struct ruleset_read *rd, int family)
{
	rd->family = family;
	rd->n = rd->nrules = rd->nsets = rd->npoints = rd->nranges = 0;
	rd->bad = rd->notrack = false;
}

/* How long a reading answers for the same family again (ms); a reading
   begun longer ago than this is begun again. */
#define RULESET_CACHE_MS 1000

/*
 * The reading of the targets of one run (rules: kept off the stack).  It
 * is made one dump after the other -- the chains, the rules, the elements
 * of each set -- over the rounds of a diagnosis (nl.h), each round asking
 * the next dump not read yet: `ruleset_steps` dumps are in it, each one
 * parsed once, when it came whole.  A diagnosis that finds the reading
 * part-way (its own, or another's under way beside it) goes on from
 * there.  Whole (`ruleset_rd_valid`), it answers for RULESET_CACHE_MS.
 */
static struct ruleset_read ruleset_rd;
static bool ruleset_rd_valid;
static struct timespec ruleset_rd_at;	/* whole: when; else: begun */
static size_t ruleset_steps;

/*
 * The next dump of the reading: true when it came whole and is in it
 * (`ruleset_steps` one more); false when it is not (not come yet, cut
 * short, refused): the reading is then begun again if the dump's messages
 * reached it.
 */
static bool
ruleset_step(struct nl_ctx *nl, struct ruleset_read *rd)
{
	unsigned long before = ruleset_nparsed;
	bool ok;

	if (ruleset_steps == 0)
		ok = ruleset_dump(nl, NFT_MSG_GETCHAIN, NULL, ruleset_chain_cb,
		    rd);
	else if (ruleset_steps == 1)
		ok = ruleset_dump(nl, NFT_MSG_GETRULE, NULL, ruleset_rule_cb,
		    rd);
	else
		ok = ruleset_dump(nl, NFT_MSG_GETSETELEM,
		    &rd->sets[ruleset_steps - 2], ruleset_elem_cb, rd);
	if (ok) {
		ruleset_steps++;
	} else if (ruleset_nparsed != before || rd->bad) {
		ruleset_rd_reset(rd, rd->family);
		ruleset_steps = 0;
		ruleset_rd_at = clock_now();
	}
	return ok;
}

bool
ruleset_read(const struct ruleset_packet *p, struct nl_ctx *nl,
    struct ruleset_fact *rs)
{
	struct ruleset_read *rd = &ruleset_rd;
	struct timespec now = clock_now();

	memset(rs, 0, sizeof(*rs));
	if (!nldl_nftnl())
		return false;
	if (rd->family != p->family ||
	    clock_ms_between(&ruleset_rd_at, &now) >= RULESET_CACHE_MS) {
		ruleset_rd_valid = false;
		ruleset_rd_reset(rd, p->family);
		ruleset_steps = 0;
		ruleset_rd_at = now;
	}
	if (!ruleset_rd_valid) {
		/* The chains, the rules, then the elements of each set a
		   rule looks up. */
		while (ruleset_steps < 2 + rd->nsets)
			if (!ruleset_step(nl, rd))
				return false;
		ruleset_sets_make(rd);
		ruleset_rd_valid = true;
		ruleset_rd_at = clock_now();
	}
	ruleset_match(rd, p, rs);
	return true;
}

bool
ruleset_from_dumps(const void *chains, size_t clen, const void *rules,
    size_t rlen, const void *elems, size_t elen,
    const struct ruleset_packet *p, struct ruleset_fact *rs)
{
	static struct ruleset_read rd;

	memset(rs, 0, sizeof(*rs));
	if (!nldl_nftnl())
		return false;
	ruleset_rd_reset(&rd, p->family);
	if (mnl_cb_run(chains, clen, 0, 0, ruleset_chain_cb, &rd) < 0 ||
	    rd.bad || mnl_cb_run(rules, rlen, 0, 0, ruleset_rule_cb, &rd) < 0 ||
	    rd.bad || (elen > 0 && mnl_cb_run(elems, elen, 0, 0,
	    ruleset_elem_cb, &rd) < 0) || rd.bad)
		return false;
	ruleset_sets_make(&rd);
	ruleset_match(&rd, p, rs);
	return true;
}
#else /* !HAVE_NFTNL */
unsigned long
ruleset_parsed(void)
{
	return 0;
}

bool
ruleset_read(const struct ruleset_packet *p, struct nl_ctx *nl,
    struct ruleset_fact *rs)
{
	(void)p;
	(void)nl;
	memset(rs, 0, sizeof(*rs));
	return false;
}

bool
ruleset_from_dumps(const void *chains, size_t clen, const void *rules,
    size_t rlen, const void *elems, size_t elen,
    const struct ruleset_packet *p, struct ruleset_fact *rs)
{
	(void)chains;
	(void)clen;
	(void)rules;
	(void)rlen;
	(void)elems;
	(void)elen;
	(void)p;
	memset(rs, 0, sizeof(*rs));
	return false;
}
#endif /* HAVE_NFTNL */
