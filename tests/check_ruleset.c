/* SPDX-License-Identifier: ISC */
/*
 * check_ruleset.c: the ruleset reader (issue 20) fed fabricated chains and
 * rules, as the kernel's dumps carry them (built with libnftnl): a drop
 * rule for another port, address or protocol is not named; one for this
 * attempt's port, address or prefix is, as surely matching; a rule with an
 * expression not evaluated is named as one that may match; which packet
 * (the one sent, the reply) a rule meets; a chain reached by a jump only
 * when the jump can match; rules and a policy after a rule that surely
 * accepts are not reached.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <check.h>

#include "ruleset.h"

#ifdef HAVE_NFTNL
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>

/* The dumps being built. */
static char chains[65536], rules[65536], elems[65536];
static size_t clen, rlen, elen;

/* The rule being built, its table's family. */
static struct nftnl_rule *rule;

/* A chain of `family` (NFPROTO_*) in table `table`; hook -1: regular. */
static void
chain(uint32_t family, const char *table, const char *name, int hook,
    bool policy_drop)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	ck_assert_ptr_nonnull(c);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (hook >= 0) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, (uint32_t)hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, 0);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY,
		    policy_drop ? NF_DROP : NF_ACCEPT);
	}
	nlh = nftnl_nlmsg_build_hdr(chains + clen, NFT_MSG_NEWCHAIN,
	    (uint16_t)family, NLM_F_MULTI, 0);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	clen += NLMSG_ALIGN(nlh->nlmsg_len);
	ck_assert_uint_lt(clen, sizeof(chains) - 4096);
	nftnl_chain_free(c);
}

/* A new rule of chain `name` of `table`. */
static void
rule_begin(const char *table, const char *name)
{
	rule = nftnl_rule_alloc();
	ck_assert_ptr_nonnull(rule);
	nftnl_rule_set_str(rule, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(rule, NFTNL_RULE_CHAIN, name);
}

/* The rule built, into the dump of family `family`. */
static void
rule_end(uint32_t family)
{
	struct nlmsghdr *nlh;

	nlh = nftnl_nlmsg_build_hdr(rules + rlen, NFT_MSG_NEWRULE,
	    (uint16_t)family, NLM_F_MULTI, 0);
	nftnl_rule_nlmsg_build_payload(nlh, rule);
	rlen += NLMSG_ALIGN(nlh->nlmsg_len);
	ck_assert_uint_lt(rlen, sizeof(rules) - 4096);
	nftnl_rule_free(rule);
	rule = NULL;
}

/* A new expression `name` of the rule. */
static struct nftnl_expr *
expr(const char *name)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	ck_assert_ptr_nonnull(e);
	nftnl_rule_add_expr(rule, e);
	return e;
}

/* meta load `key` => reg 1 */
static void
meta(uint32_t key)
{
	struct nftnl_expr *e = expr("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
}

/* payload load `len` bytes @ `base` + `off` => reg 1 */
static void
payload(uint32_t base, uint32_t off, uint32_t len)
{
	struct nftnl_expr *e = expr("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
}

/* cmp `op` reg 1 `data` */
static void
cmp(uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = expr("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
}

/* meta l4proto `proto` (as nft writes `tcp dport`'s dependency) */
static void
l4proto(uint8_t proto)
{
	meta(NFT_META_L4PROTO);
	cmp(NFT_CMP_EQ, &proto, 1);
}

/* th dport (`dst`) or sport `op` `port` */
static void
port_cmp(bool dst, uint32_t op, uint16_t port)
{
	uint16_t v = htons(port);

	payload(NFT_PAYLOAD_TRANSPORT_HEADER, dst ? 2 : 0, 2);
	cmp(op, &v, 2);
}

/* th dport (`dst`) or sport in `lo`-`hi`, as a range expression */
static void
port_range(bool dst, uint32_t op, uint16_t lo, uint16_t hi)
{
	struct nftnl_expr *e;
	uint16_t a = htons(lo), b = htons(hi);

	payload(NFT_PAYLOAD_TRANSPORT_HEADER, dst ? 2 : 0, 2);
	e = expr("range");
	nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_RANGE_FROM_DATA, &a, 2);
	nftnl_expr_set(e, NFTNL_EXPR_RANGE_TO_DATA, &b, 2);
}

/* bitwise reg 1 = reg 1 & `mask` (4 bytes) */
static void
bitwise_and(uint32_t mask)
{
	struct nftnl_expr *e = expr("bitwise");
	uint32_t zero = 0;

	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, 4);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, 4);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, 4);
}

/* ip daddr (`dst`) or saddr `a`/`prefix` (a bitwise mask below 32) */
static void
ip_addr(bool dst, const char *a, unsigned prefix)
{
	uint32_t v, mask;

	ck_assert_int_eq(inet_pton(AF_INET, a, &v), 1);
	payload(NFT_PAYLOAD_NETWORK_HEADER, dst ? 16 : 12, 4);
	if (prefix < 32) {
		mask = htonl(prefix == 0 ? 0 : ~0u << (32 - prefix));
		bitwise_and(mask);
		v &= mask;
	}
	cmp(NFT_CMP_EQ, &v, 4);
}

/* immediate reg 0 `verdict` (a chain's name for a jump or goto) */
static void
verdict(int v, const char *to)
{
	struct nftnl_expr *e = expr("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)v);
	if (to != NULL)
		nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, to);
}

/* counter packets `n` */
static void
counter(uint64_t n)
{
	struct nftnl_expr *e = expr("counter");

	nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_PACKETS, n);
	nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_BYTES, n * 60);
}

/* ct load `key` => reg 1 */
static void
ct_load(uint32_t key)
{
	struct nftnl_expr *e = expr("ct");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
}

/* ct mark != 2: not evaluated by the reader */
static void
ct_mark(void)
{
	uint32_t two = 2;

	ct_load(NFT_CT_MARK);
	cmp(NFT_CMP_NEQ, &two, 4);
}

/* ct state `bits` (NF_CT_STATE_BIT...), as nft writes it: ct state load
   => reg 1, bitwise reg 1 & bits, cmp neq 0 */
static void
ct_state(uint32_t bits)
{
	uint32_t zero = 0;

	ct_load(NFT_CT_STATE);
	bitwise_and(bits);
	cmp(NFT_CMP_NEQ, &zero, 4);
}

/* In inet filter chain `name`: tcp dport (`dst`) or sport `op` `port`,
   then verdict `v` (to chain `to`); port 0 with NFT_CMP_GTE: every packet
   (no condition). */
static void
tcp_rule(const char *name, bool dst, uint32_t op, uint16_t port, int v,
    const char *to)
{
	rule_begin("filter", name);
	if (port != 0 || op != NFT_CMP_GTE) {
		l4proto(IPPROTO_TCP);
		port_cmp(dst, op, port);
	}
	verdict(v, to);
	rule_end(NFPROTO_INET);
}

/* One element of set `name` of inet table filter, a message of its own
   (libnftnl builds a list of several with attribute types of its own). */
static void
set_elem(const char *name, const void *key, uint32_t len, bool end)
{
	struct nftnl_set *st = nftnl_set_alloc();
	struct nftnl_set_elem *e = nftnl_set_elem_alloc();
	struct nlmsghdr *nlh;

	ck_assert(st != NULL && e != NULL);
	nftnl_set_set_str(st, NFTNL_SET_TABLE, "filter");
	nftnl_set_set_str(st, NFTNL_SET_NAME, name);
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, len);
	if (end)
		nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS,
		    NFT_SET_ELEM_INTERVAL_END);
	nftnl_set_elem_add(st, e);
	nlh = nftnl_nlmsg_build_hdr(elems + elen, NFT_MSG_NEWSETELEM,
	    NFPROTO_INET, NLM_F_MULTI, 0);
	nftnl_set_elems_nlmsg_build_payload(nlh, st);
	elen += NLMSG_ALIGN(nlh->nlmsg_len);
	ck_assert_uint_lt(elen, sizeof(elems) - 4096);
	nftnl_set_free(st);
}

/*
 * Set `name`: `n` ports, or (`interval`) the `n` / 2 intervals lo-hi given
 * as pairs, as the kernel keeps an interval set: an end at 0, then each
 * start and an end one past it.
 */
static void
set_elems(const char *name, const uint16_t *v, size_t n, bool interval)
{
	uint16_t key = 0;
	size_t i;

	if (interval)
		set_elem(name, &key, 2, true);
	for (i = 0; i < n; i++) {
		key = htons(interval && i % 2 == 1 ? (uint16_t)(v[i] + 1) : v[i]);
		set_elem(name, &key, 2, interval && i % 2 == 1);
	}
}

/* In inet filter chain `name`: tcp dport (`dst`) [!=] @`set` drop. */
static void
set_rule(const char *name, bool dst, bool inv, const char *set)
{
	struct nftnl_expr *e;

	rule_begin("filter", name);
	l4proto(IPPROTO_TCP);
	payload(NFT_PAYLOAD_TRANSPORT_HEADER, dst ? 2 : 0, 2);
	e = expr("lookup");
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
	if (inv)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS,
		    NFT_LOOKUP_F_INV);
	verdict(NF_DROP, NULL);
	rule_end(NFPROTO_INET);
}

/* A TCP attempt to 192.0.2.10 port 5432 from the port range 32768-60999. */
static struct ruleset_packet pkt;

static void
setup(void)
{
	clen = rlen = elen = 0;
	memset(&pkt, 0, sizeof(pkt));
	pkt.family = AF_INET;
	pkt.proto = IPPROTO_TCP;
	ck_assert_int_eq(inet_pton(AF_INET, "192.0.2.10", pkt.dst), 1);
	pkt.port = 5432;
	pkt.sport_lo = 32768;
	pkt.sport_hi = 60999;
}

/* The fact of the dumps built, for `pkt`. */
static struct ruleset_fact
read_fact(void)
{
	struct ruleset_fact rs;

	ck_assert(ruleset_from_dumps(chains, clen, rules, rlen, elems, elen,
	    &pkt, &rs));
	return rs;
}

/* The kept chain named `name`, or NULL. */
static const struct ruleset_chain *
named(const struct ruleset_fact *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->nchains && i < RULESET_CHAINS_MAX; i++)
		if (strcmp(rs->chain[i].chain, name) == 0)
			return &rs->chain[i];
	return NULL;
}

/* The dumps read: the output chain is kept, with `drops` drop rules,
   `maybe` of them (or of its rejects) only may match. */
static void
want_output(unsigned drops, unsigned maybe)
{
	struct ruleset_fact rs = read_fact();
	const struct ruleset_chain *k = named(&rs, "output");

	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->drops, drops);
	ck_assert_uint_eq(k->maybe, maybe);
}

/* An inet filter table with an output chain and an input chain. */
static void
filter(void)
{
	chain(NFPROTO_INET, "filter", "output", NF_INET_LOCAL_OUT, false);
	chain(NFPROTO_INET, "filter", "input", NF_INET_LOCAL_IN, false);
}

/* A drop rule for another port is not named; one for this port is. */
START_TEST(test_port)
{
	struct ruleset_fact rs;
	const struct ruleset_chain *k;

	filter();
	tcp_rule("output", true, NFT_CMP_EQ, 22, NF_DROP, NULL);
	rs = read_fact();
	ck_assert_uint_eq(rs.nchains, 0);

	rule_begin("filter", "output");
	l4proto(IPPROTO_TCP);
	port_cmp(true, NFT_CMP_EQ, 5432);
	counter(7);
	verdict(NF_DROP, NULL);
	rule_end(NFPROTO_INET);
	rs = read_fact();
	ck_assert_uint_eq(rs.nchains, 1);
	k = named(&rs, "output");
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->drops, 1);
	ck_assert_uint_eq(k->maybe, 0);
	ck_assert(k->out && !k->reply);
	ck_assert(k->counted);
	ck_assert_uint_eq(k->packets, 7);	/* the rule for 22: not counted */
}
END_TEST

/* Ranges, "!=" and "<" of ports: as the kernel compares them. */
START_TEST(test_port_ops)
{
	struct ruleset_fact rs;
	const struct ruleset_chain *k;

	filter();
	tcp_rule("output", true, NFT_CMP_NEQ, 5432, NF_DROP, NULL);
	tcp_rule("output", true, NFT_CMP_LT, 1024, NF_DROP, NULL);
	rule_begin("filter", "output");		/* tcp dport 1010-1015 */
	l4proto(IPPROTO_TCP);
	port_cmp(true, NFT_CMP_GTE, 1010);
	port_cmp(true, NFT_CMP_LTE, 1015);
	verdict(NF_DROP, NULL);
	rule_end(NFPROTO_INET);
	rule_begin("filter", "output");		/* tcp dport != 5000-6000 */
	l4proto(IPPROTO_TCP);
	port_range(true, NFT_RANGE_NEQ, 5000, 6000);
	verdict(NF_DROP, NULL);
	rule_end(NFPROTO_INET);
	rule_begin("filter", "output");		/* tcp sport 1-1023 */
	l4proto(IPPROTO_TCP);
	port_range(false, NFT_RANGE_EQ, 1, 1023);
	verdict(NF_DROP, NULL);
	rule_end(NFPROTO_INET);
	rs = read_fact();
	ck_assert_uint_eq(rs.nchains, 0);

	tcp_rule("output", false, NFT_CMP_GTE, 40000, NF_DROP, NULL);
	rule_begin("filter", "output");		/* tcp dport 5000-6000 */
	l4proto(IPPROTO_TCP);
	port_range(true, NFT_RANGE_EQ, 5000, 6000);
	verdict(NF_DROP, NULL);
	rule_end(NFPROTO_INET);
	rule_begin("filter", "output");		/* tcp sport >= 1024 */
	l4proto(IPPROTO_TCP);
	port_cmp(false, NFT_CMP_GTE, 1024);
	verdict(NFT_BREAK, NULL);		/* no verdict: not counted */
	rule_end(NFPROTO_INET);
	rs = read_fact();
	k = named(&rs, "output");
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->drops, 2);
	ck_assert_uint_eq(k->maybe, 1);	/* the source port is not known */

	/* After the drop that surely matches, nothing of the chain is
	   reached. */
	tcp_rule("output", true, NFT_CMP_GTE, 0, NF_DROP, NULL);
	rs = read_fact();
	k = named(&rs, "output");
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->drops, 2);
}
END_TEST

/* Addresses and prefixes (bitwise masks); protocol and family. */
START_TEST(test_address)
{
	struct ruleset_fact rs;
	const struct ruleset_chain *k;
	uint8_t v6 = NFPROTO_IPV6;

	filter();
	chain(NFPROTO_IPV6, "v6", "output", NF_INET_LOCAL_OUT, false);
	rule_begin("filter", "output");
	ip_addr(true, "198.51.100.0", 24);
	verdict(NF_DROP, NULL);
	rule_end(NFPROTO_INET);
	rule_begin("filter", "output");
	ip_addr(true, "192.0.2.11", 32);
	verdict(NF_DROP, NULL);
	rule_end(NFPROTO_INET);
	rule_begin("filter", "output");		/* udp dport 5432 */
	l4proto(IPPROTO_UDP);
	port_cmp(true, NFT_CMP_EQ, 5432);
	verdict(NF_DROP, NULL);
	rule_end(NFPROTO_INET);
	rule_begin("filter", "output");		/* meta nfproto ipv6 */
	meta(NFT_META_NFPROTO);
	cmp(NFT_CMP_EQ, &v6, 1);
	verdict(NF_DROP, NULL);
	rule_end(NFPROTO_INET);
	rule_begin("v6", "output");		/* an ip6 table: not this family */
	verdict(NF_DROP, NULL);
	rule_end(NFPROTO_IPV6);
	rs = read_fact();
	ck_assert_uint_eq(rs.nchains, 0);

	rule_begin("filter", "output");
	ip_addr(true, "192.0.2.0", 24);
	verdict(NF_DROP, NULL);
	rule_end(NFPROTO_INET);
	rs = read_fact();
	k = named(&rs, "output");
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->drops, 1);
	ck_assert_uint_eq(k->maybe, 0);
}
END_TEST

/* A rule with an expression not evaluated may match: it is named so. */
START_TEST(test_not_evaluated)
{
	struct ruleset_fact rs;

	filter();
	rule_begin("filter", "output");
	ct_mark();
	verdict(NF_DROP, NULL);
	rule_end(NFPROTO_INET);
	want_output(1, 1);

	/* ... unless a condition it has is false for the packet. */
	clen = rlen = 0;
	filter();
	rule_begin("filter", "output");
	ct_mark();
	l4proto(IPPROTO_TCP);
	port_cmp(true, NFT_CMP_EQ, 22);
	verdict(NF_DROP, NULL);
	rule_end(NFPROTO_INET);
	rs = read_fact();
	ck_assert_uint_eq(rs.nchains, 0);
}
END_TEST

/* The reply comes from the destination's port to an ephemeral one. */
START_TEST(test_reply)
{
	struct ruleset_fact rs;
	const struct ruleset_chain *k;

	filter();
	tcp_rule("input", true, NFT_CMP_EQ, 5432, NF_DROP, NULL);
	rs = read_fact();
	ck_assert_uint_eq(rs.nchains, 0);

	/* To this host's own address the SYN comes in too. */
	pkt.local = true;
	pkt.have_src = true;
	memcpy(pkt.src, pkt.dst, 4);
	rs = read_fact();
	k = named(&rs, "input");
	ck_assert_ptr_nonnull(k);
	ck_assert(k->out && !k->reply);
	ck_assert_uint_eq(k->maybe, 0);

	pkt.local = false;
	pkt.have_src = false;
	rule_begin("filter", "input");		/* ip saddr . tcp sport */
	ip_addr(false, "192.0.2.10", 32);
	l4proto(IPPROTO_TCP);
	port_cmp(false, NFT_CMP_EQ, 5432);
	verdict(NF_DROP, NULL);
	rule_end(NFPROTO_INET);
	rs = read_fact();
	k = named(&rs, "input");
	ck_assert_ptr_nonnull(k);
	ck_assert(!k->out && k->reply);
	ck_assert_uint_eq(k->drops, 1);
	ck_assert_uint_eq(k->maybe, 0);
}
END_TEST

/* A regular chain counts only when a jump to it can match. */
START_TEST(test_jump)
{
	struct ruleset_fact rs;

	filter();
	chain(NFPROTO_INET, "filter", "ssh", -1, false);
	chain(NFPROTO_INET, "filter", "db", -1, false);
	tcp_rule("output", true, NFT_CMP_EQ, 22, NFT_JUMP, "ssh");
	tcp_rule("ssh", true, NFT_CMP_GTE, 0, NF_DROP, NULL);
	tcp_rule("db", true, NFT_CMP_GTE, 0, NF_DROP, NULL);
	rs = read_fact();
	ck_assert_uint_eq(rs.nchains, 0);

	tcp_rule("output", true, NFT_CMP_EQ, 5432, NFT_GOTO, "db");
	rs = read_fact();
	ck_assert_uint_eq(rs.nchains, 1);
	ck_assert_ptr_nonnull(named(&rs, "db"));
	ck_assert_ptr_null(named(&rs, "ssh"));
}
END_TEST

/* After a rule that surely accepts, nothing of the chain is reached. */
START_TEST(test_accept_first)
{
	struct ruleset_fact rs;
	const struct ruleset_chain *k;

	chain(NFPROTO_INET, "filter", "output", NF_INET_LOCAL_OUT, true);
	rs = read_fact();
	k = named(&rs, "output");
	ck_assert_ptr_nonnull(k);
	ck_assert(k->policy_drop && k->out);

	rule_begin("filter", "output");
	ip_addr(true, "192.0.2.0", 24);
	verdict(NF_ACCEPT, NULL);
	rule_end(NFPROTO_INET);
	tcp_rule("output", true, NFT_CMP_GTE, 0, NF_DROP, NULL);
	rs = read_fact();
	ck_assert_uint_eq(rs.nchains, 0);

	/* An accept that only may match leaves the rest reached. */
	clen = rlen = 0;
	chain(NFPROTO_INET, "filter", "output", NF_INET_LOCAL_OUT, true);
	rule_begin("filter", "output");
	ct_mark();
	verdict(NF_ACCEPT, NULL);
	rule_end(NFPROTO_INET);
	rs = read_fact();
	k = named(&rs, "output");
	ck_assert_ptr_nonnull(k);
	ck_assert(k->policy_drop);

	/* ... and a rule after it that would surely match only may: the
	   accept may have taken the packet first ("ct mark 2 accept"
	   before "tcp dport 5432 drop"). */
	tcp_rule("output", true, NFT_CMP_EQ, 5432, NF_DROP, NULL);
	want_output(1, 1);

	/* A rule that surely does not match leaves the next one sure. */
	clen = rlen = 0;
	filter();
	tcp_rule("output", true, NFT_CMP_EQ, 22, NF_ACCEPT, NULL);
	tcp_rule("output", true, NFT_CMP_EQ, 5432, NF_DROP, NULL);
	rs = read_fact();
	k = named(&rs, "output");
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->maybe, 0);
}
END_TEST
/* After a kept rule that may match (this host's source address is not
   known) and accepts or ends the chain otherwise, a rule that would surely
   match only may: a drop after a drop that may match is a drop all the
   same, a reject after it is not sure. */
static const struct {
	int first, second;		/* NF_ACCEPT, NF_DROP; -1: reject */
	unsigned maybe;
} after_may[] = {
	{ NF_ACCEPT, NF_DROP, 1 },
	{ NF_DROP, NF_DROP, 1 },
	{ NF_DROP, -1, 2 },
};

START_TEST(test_after_may)
{
	struct ruleset_fact rs;
	const struct ruleset_chain *k;

	filter();
	rule_begin("filter", "output");
	ip_addr(false, "198.51.100.1", 32);
	verdict(after_may[_i].first, NULL);
	rule_end(NFPROTO_INET);
	rule_begin("filter", "output");		/* tcp dport 5432 ... */
	l4proto(IPPROTO_TCP);
	port_cmp(true, NFT_CMP_EQ, 5432);
	if (after_may[_i].second < 0)
		(void)expr("reject");
	else
		verdict(after_may[_i].second, NULL);
	rule_end(NFPROTO_INET);
	rs = read_fact();
	k = named(&rs, "output");
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->maybe, after_may[_i].maybe);
}
END_TEST

/* ct state: the packet this host sends starts a connection (new), the
   reply belongs to it (established): "ct state established,related
   accept" takes the reply only, and a rule after it is surely reached by
   the SYN; "ct state invalid drop" matches neither; a notrack rule
   anywhere leaves the state unknown. */
START_TEST(test_ct_state)
{
	struct ruleset_fact rs;
	const struct ruleset_chain *k;
	const uint32_t est_rel = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) |
	    NF_CT_STATE_BIT(IP_CT_RELATED);

	pkt.local = true;	/* both packets pass the input chain */
	pkt.have_src = true;
	memcpy(pkt.src, pkt.dst, 4);
	filter();
	rule_begin("filter", "input");
	ct_state(est_rel);
	verdict(NF_ACCEPT, NULL);
	rule_end(NFPROTO_INET);
	rule_begin("filter", "input");
	ip_addr(true, "192.0.2.10", 32);
	(void)expr("reject");
	rule_end(NFPROTO_INET);
	rs = read_fact();
	k = named(&rs, "input");
	ck_assert_ptr_nonnull(k);
	ck_assert(k->out && !k->reply);
	ck_assert_uint_eq(k->rejects, 1);
	ck_assert_uint_eq(k->maybe, 0);

	clen = rlen = 0;
	filter();
	rule_begin("filter", "input");
	ct_state(NF_CT_STATE_INVALID_BIT);
	verdict(NF_DROP, NULL);
	rule_end(NFPROTO_INET);
	rs = read_fact();
	ck_assert_uint_eq(rs.nchains, 0);

	rule_begin("filter", "output");		/* notrack */
	(void)expr("notrack");
	rule_end(NFPROTO_INET);
	rs = read_fact();
	k = named(&rs, "input");
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->maybe, 1);
}
END_TEST

/* A set's elements and intervals are read: "tcp dport { 22, 80 }". */
START_TEST(test_set)
{
	static const uint16_t web[] = { 22, 80 }, db[] = { 22, 5432 };
	static const uint16_t low[] = { 1, 1023, 2000, 3000 };
	static const uint16_t mid[] = { 1, 1023, 5000, 6000 };
	static const uint16_t eph[] = { 40000, 50000 };
	static const uint32_t wide = 5432;
	struct ruleset_fact rs;
	const struct ruleset_chain *k;

	filter();
	set_rule("output", true, false, "__set0");	/* dport { 22, 80 } */
	set_rule("output", true, false, "__set1");	/* { 1-1023, 2000-3000 } */
	set_rule("output", true, true, "__set2");	/* dport != { 22, 5432 } */
	set_elems("__set0", web, 2, false);
	set_elems("__set1", low, 4, true);
	set_elems("__set2", db, 2, false);
	rs = read_fact();
	ck_assert_uint_eq(rs.nchains, 0);

	set_rule("output", false, false, "__set4");	/* sport { 40000-50000 } */
	set_elems("__set4", eph, 2, true);
	set_rule("output", true, false, "__set3");	/* { 1-1023, 5000-6000 } */
	set_elems("__set3", mid, 4, true);
	rs = read_fact();
	k = named(&rs, "output");
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->drops, 2);
	ck_assert_uint_eq(k->maybe, 1);	/* some source ports are in it */

	/* A set whose elements do not fit its look-up (4 bytes for a port):
	   its rule may match. */
	clen = rlen = elen = 0;
	filter();
	set_rule("output", true, false, "__set5");
	set_elem("__set5", &wide, 4, false);
	rs = read_fact();
	k = named(&rs, "output");
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->maybe, 1);
}
END_TEST
/* Beyond the chains kept, what the others can do is counted. */
START_TEST(test_more_chains)
{
	struct ruleset_fact rs;
	char name[16];
	int i;

	for (i = 0; i < RULESET_CHAINS_MAX + 2; i++) {
		snprintf(name, sizeof(name), "out%d", i);
		chain(NFPROTO_INET, "filter", name, NF_INET_LOCAL_OUT, false);
		tcp_rule(name, true, NFT_CMP_EQ, 5432, NF_DROP, NULL);
	}
	rs = read_fact();
	ck_assert_uint_eq(rs.nchains, RULESET_CHAINS_MAX + 2);
	ck_assert_uint_eq(rs.more_drop, 2);
	ck_assert_uint_eq(rs.more_reject, 0);
}
END_TEST

/* This host's arp-family chains (hook output: its ARP requests; input:
   the replies) are read for IPv4 apart from the IP chains: a drop there is
   named as an ARP drop, never as one of the SYN (hostile finding 4). */
START_TEST(test_arp)
{
	struct ruleset_fact rs;
	uint16_t op = htons(1);

	chain(NFPROTO_ARP, "ha", "out", 1 /* NF_ARP_OUT */, false);
	rule_begin("ha", "out");
	counter(2);
	verdict(NF_DROP, NULL);
	rule_end(NFPROTO_ARP);
	rs = read_fact();
	ck_assert_uint_eq(rs.nchains, 0);	/* not a chain of the SYN */
	ck_assert_uint_eq(rs.narp, 1);
	ck_assert_str_eq(rs.arp.family, "arp");
	ck_assert_str_eq(rs.arp.chain, "out");
	ck_assert_int_eq(rs.arp.hook, 1);
	ck_assert_uint_eq(rs.arp.drops, 1);
	ck_assert_uint_eq(rs.arp.maybe, 0);	/* no condition: surely */
	ck_assert(rs.arp.counted);
	ck_assert_uint_eq(rs.arp.packets, 2);
	ck_assert_str_eq(ruleset_hook_name("arp", 1), "output");

	/* A condition, or an accept before it: it may drop, not surely; a
	   jump to a regular arp chain does not spoil the read. */
	clen = rlen = 0;
	chain(NFPROTO_ARP, "ha", "in", 0 /* NF_ARP_IN */, false);
	chain(NFPROTO_ARP, "ha", "more", -1, false);
	rule_begin("ha", "in");
	payload(NFT_PAYLOAD_NETWORK_HEADER, 6, 2);
	cmp(NFT_CMP_EQ, &op, 2);
	verdict(NFT_JUMP, "more");
	rule_end(NFPROTO_ARP);
	rule_begin("ha", "more");
	verdict(NF_DROP, NULL);
	rule_end(NFPROTO_ARP);
	rs = read_fact();
	ck_assert_uint_eq(rs.narp, 1);
	ck_assert_uint_eq(rs.arp.drops, 1);
	ck_assert_uint_eq(rs.arp.maybe, 1);

	/* Not for IPv6: its neighbour discovery is ICMPv6. */
	pkt.family = AF_INET6;
	rs = read_fact();
	ck_assert_uint_eq(rs.narp, 0);
}
END_TEST
#endif /* HAVE_NFTNL */

static Suite *
ruleset_suite(void)
{
	Suite *s = suite_create("ruleset");
	TCase *tc = tcase_create("match");

#ifdef HAVE_NFTNL
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_port);
	tcase_add_test(tc, test_port_ops);
	tcase_add_test(tc, test_address);
	tcase_add_test(tc, test_not_evaluated);
	tcase_add_test(tc, test_reply);
	tcase_add_test(tc, test_jump);
	tcase_add_test(tc, test_accept_first);
	tcase_add_test(tc, test_ct_state);
	tcase_add_loop_test(tc, test_after_may, 0,
	    (int)(sizeof(after_may) / sizeof(after_may[0])));
	tcase_add_test(tc, test_set);
	tcase_add_test(tc, test_more_chains);
	tcase_add_test(tc, test_arp);
#endif
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

#ifndef HAVE_NFTNL
	puts("built without libnftnl: no ruleset to read");
	return 77;
#endif
	sr = srunner_create(ruleset_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
