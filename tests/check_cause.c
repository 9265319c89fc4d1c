/* SPDX-License-Identifier: ISC */
/*
 * check_cause.c: the cause table (issue 20) fed fabricated facts: every
 * row fits its own facts, and no longer fits with one of them taken away
 * or one of its excluding facts added; facts that fit several rows give
 * candidates, never one picked; the facts of a diagnosis map to the right
 * bits; the findings are worded without a cause the facts contradict; the
 * man page's DIAGNOSTICS names every row.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include <check.h>

#include "cause.h"
#include "facts_text.h"

/* True when the finding `fd` holds the row named `name`. */
static bool
finding_has(const struct cause_finding *fd, const char *name)
{
	size_t i;

	for (i = 0; i < fd->n; i++)
		if (strcmp(fd->row[i]->name, name) == 0)
			return true;
	return false;
}

/* The lowest bit of `v`, 0 for none. */
static uint64_t
low_bit(uint64_t v)
{
	return v & (~v + 1);
}

/* Each row fits its own facts, and its finding names it. */
START_TEST(test_row_fits)
{
	size_t n;
	const struct cause_row *t = cause_table(&n);
	const struct cause_row *r = &t[_i];
	uint64_t facts = r->need | low_bit(r->any);
	struct cause_finding fd;

	ck_assert_msg(r->name != NULL && r->clause != NULL &&
	    (r->meaning != NULL || r->check != NULL), "row %zu", (size_t)_i);
	ck_assert_msg((r->need & r->exclude) == 0, "%s needs what it excludes",
	    r->name);
	ck_assert_msg(cause_fits(r, facts), "%s", r->name);
	cause_decide_facts(facts, &fd);
	ck_assert_msg(finding_has(&fd, r->name), "%s", r->name);
	ck_assert(fd.strength == (fd.n == 1 ? CAUSE_PROVEN : CAUSE_CANDIDATES));
}
END_TEST

/* Each fact a row needs, taken away, and each excluding fact, added: the
   row no longer fits, so its sentence cannot be said. */
START_TEST(test_row_excluded)
{
	size_t n;
	const struct cause_row *t = cause_table(&n);
	const struct cause_row *r = &t[_i];
	uint64_t facts = r->need | low_bit(r->any), bit;
	struct cause_finding fd;

	for (bit = 1; bit != 0; bit <<= 1) {
		if (r->need & bit) {
			ck_assert_msg(!cause_fits(r, facts & ~bit),
			    "%s fits without fact %#llx", r->name,
			    (unsigned long long)bit);
			cause_decide_facts(facts & ~bit, &fd);
			ck_assert_msg(!finding_has(&fd, r->name), "%s",
			    r->name);
		}
		if (r->exclude & bit) {
			ck_assert_msg(!cause_fits(r, facts | bit),
			    "%s fits with excluding fact %#llx", r->name,
			    (unsigned long long)bit);
			cause_decide_facts(facts | bit, &fd);
			ck_assert_msg(!finding_has(&fd, r->name), "%s",
			    r->name);
		}
	}
	if (r->any != 0)
		ck_assert_msg(!cause_fits(r, r->need), "%s", r->name);
}
END_TEST

/* Names are unique: the man page lists each once. */
START_TEST(test_names_unique)
{
	size_t i, j, n;
	const struct cause_row *t = cause_table(&n);

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			ck_assert_msg(strcmp(t[i].name, t[j].name) != 0, "%s",
			    t[i].name);
}
END_TEST

/* No fact at all: unknown, nothing said. */
START_TEST(test_unknown)
{
	struct cause_finding fd;
	struct diag_facts f;
	char m[2 * DIAG_LINE_MAX], c[2 * DIAG_LINE_MAX];

	cause_decide_facts(CF_TCP | CF_TIMEDOUT, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_UNKNOWN);
	ck_assert_uint_eq(fd.n, 0);
	memset(&f, 0, sizeof(f));
	f.type = SOCK_STREAM;
	f.error = ETIMEDOUT;
	f.family = AF_INET;
	facts_text_advice(&f, m, sizeof(m), c, sizeof(c));
	ck_assert_str_eq(m, "");
	ck_assert_str_eq(c, "");
}
END_TEST

/* ---- facts of a diagnosis -------------------------------------------- */

/* Facts of a failed attempt of `type` to `dst` port `port` with `err`. */
static void
facts_of(struct diag_facts *f, int type, const char *dst, unsigned port,
    int err)
{
	memset(f, 0, sizeof(*f));
	f->type = type;
	f->error = err;
	f->dst.family = strchr(dst, ':') != NULL ? AF_INET6 : AF_INET;
	f->family = f->dst.family;
	ck_assert_int_eq(inet_pton(f->dst.family, dst, &f->dst.u), 1);
	f->port = (unsigned short)port;
}

/* An ICMP error of `type`/`code` from `sender` (local: this host's). */
static void
icmp_of(struct diag_facts *f, unsigned type, unsigned code,
    const char *sender, bool local)
{
	f->have |= DIAG_ICMP;
	f->icmp.family = f->dst.family;
	f->icmp.type = type;
	f->icmp.code = code;
	f->icmp.local = local;
	f->icmp.sender.family = f->dst.family;
	ck_assert_int_eq(inet_pton(f->dst.family, sender, &f->icmp.sender.u),
	    1);
}

/* A ruleset read whole with one chain `name` of hook `hook`. */
static void
chain_of(struct diag_facts *f, const char *name, int hook, unsigned drops,
    unsigned rejects, bool policy_drop)
{
	struct ruleset_chain *k = &f->ruleset.chain[f->ruleset.nchains++];

	f->have |= DIAG_RULESET;
	memset(k, 0, sizeof(*k));
	strcpy(k->family, "inet");
	strcpy(k->table, "t");
	snprintf(k->chain, sizeof(k->chain), "%s", name);
	k->hook = hook;
	k->drops = drops;
	k->rejects = rejects;
	k->policy_drop = policy_drop;
}

/* The meaning and Check of `f`, joined. */
static void
advice(const struct diag_facts *f, char *buf, size_t size)
{
	char m[2 * DIAG_LINE_MAX], c[2 * DIAG_LINE_MAX];
	size_t len;

	facts_text_advice(f, m, sizeof(m), c, sizeof(c));
	len = strlen(m);
	ck_assert(len + strlen(c) + 4 < size);
	memcpy(buf, m, len);
	memcpy(buf + len, " | ", 3);
	memcpy(buf + len + 3, c, strlen(c) + 1);
}

/* UDP port unreachable from this host, nothing listening: nothing listens,
   no reject rule; with a reject rule read, both are candidates. */
START_TEST(test_udp_nothing_listens)
{
	struct diag_facts f;
	struct cause_finding fd;
	char text[4 * DIAG_LINE_MAX];

	facts_of(&f, SOCK_DGRAM, "127.0.0.1", 53, ECONNREFUSED);
	icmp_of(&f, 3, 3, "127.0.0.1", true);
	f.have |= DIAG_LISTENERS | DIAG_RULESET;
	f.listen.protocol = IPPROTO_UDP;
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_PROVEN);
	ck_assert_str_eq(fd.row[0]->name, "nothing-listens-here");
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "Start the service") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "reject") == NULL &&
	    strstr(text, "firewall") == NULL, "%s", text);

	chain_of(&f, "in", 1, 0, 1, false);
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_CANDIDATES);
	ck_assert(finding_has(&fd, "nothing-listens-here"));
	ck_assert(finding_has(&fd, "reject-rule-here"));
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "No one cause is proven") != NULL &&
	    strstr(text, "chain inet t in (hook input)") != NULL, "%s", text);
}
END_TEST

/* The same from the server: nothing listens there, never a refusal; to a
   TCP SYN the same ICMP can only be a rule's. */
START_TEST(test_port_unreachable_there)
{
	struct diag_facts f;
	struct cause_finding fd;
	char text[4 * DIAG_LINE_MAX];

	facts_of(&f, SOCK_DGRAM, "10.97.0.2", 53, ECONNREFUSED);
	icmp_of(&f, 3, 3, "10.97.0.2", false);
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_PROVEN);
	ck_assert_str_eq(fd.row[0]->name, "nothing-listens-there");
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "nothing listens on UDP port 53 at "
	    "10.97.0.2") != NULL && strstr(text, "refused") == NULL, "%s",
	    text);
	f.type = SOCK_STREAM;
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_PROVEN);
	ck_assert_str_eq(fd.row[0]->name, "reject-there");
}
END_TEST

/* A silent SYN with the gateway resolved: a local drop chain is named
   first among candidates; an unread ruleset keeps a local drop open; only
   a ruleset read whole without a drop lets "the SYN left this host" be
   said. */
START_TEST(test_silent_syn)
{
	struct diag_facts f;
	struct cause_finding fd;
	char text[4 * DIAG_LINE_MAX];

	facts_of(&f, SOCK_STREAM, "10.97.0.2", 5432, ETIMEDOUT);
	f.have |= DIAG_ROUTE | DIAG_NEIGH;
	f.route.type = RTN_UNICAST;
	f.neigh.state = NUD_REACHABLE;
	f.neigh.is_gateway = true;
	f.neigh.addr.family = AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET, "10.98.0.2", &f.neigh.addr.u), 1);
	chain_of(&f, "out", 3, 1, 0, false);
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_CANDIDATES);
	ck_assert_str_eq(fd.row[0]->name, "drop-here");
	ck_assert(finding_has(&fd, "lost-beyond"));
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "the SYN left this host") == NULL &&
	    strstr(text, "(hook output)") != NULL &&
	    strstr(text, "--trace") != NULL &&
	    strstr(text, "traceroute") == NULL, "%s", text);

	f.have &= ~DIAG_RULESET;
	f.have |= DIAG_NORULESET;
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_CANDIDATES);
	ck_assert_str_eq(fd.row[0]->name, "ruleset-unread");
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "the SYN left this host") == NULL, "%s",
	    text);

	f.have &= ~DIAG_NORULESET;
	f.have |= DIAG_RULESET;
	f.ruleset.nchains = 0;
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_PROVEN);
	ck_assert_str_eq(fd.row[0]->name, "lost-beyond");
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "the SYN left this host") != NULL &&
	    strstr(text, "full queue") != NULL, "%s", text);
}
END_TEST

/* A silent SYN where this host's chain rejects a packet of the attempt (the
   SYN-ACK at input, the SYN at output): a reply rejected here never reaches
   the socket, so the chain is named in a Found line and in the advice, and
   "the SYN left this host" is never said; for a local destination too. */
START_TEST(test_silent_syn_reject_here)
{
	static const struct { int hook; bool out, reply; const char *dst;
	    const char *packets; } cases[] = {
		{ 1, false, true, "10.97.0.2", "may reject the reply" },
		{ 3, true, false, "10.97.0.2", "may reject the SYN" },
		{ 1, true, true, "127.0.0.1", "may reject the SYN and the reply" },
	};
	struct diag_facts f;
	struct cause_finding fd;
	char text[4 * DIAG_LINE_MAX], lines[16][DIAG_LINE_MAX];
	size_t i, j, nl;
	bool found;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		facts_of(&f, SOCK_STREAM, cases[i].dst, 5433, ETIMEDOUT);
		f.have |= DIAG_ROUTE | DIAG_NEIGH;
		f.route.type = strcmp(cases[i].dst, "127.0.0.1") == 0 ?
		    RTN_LOCAL : RTN_UNICAST;
		f.neigh.state = NUD_REACHABLE;
		f.neigh.is_gateway = f.route.type == RTN_UNICAST;
		f.neigh.addr.family = AF_INET;
		ck_assert_int_eq(inet_pton(AF_INET, f.neigh.is_gateway ?
		    "10.98.0.2" : "127.0.0.1", &f.neigh.addr.u), 1);
		chain_of(&f, "c", cases[i].hook, 0, 1, false);
		f.ruleset.chain[0].maybe = 1;
		f.ruleset.chain[0].out = cases[i].out;
		f.ruleset.chain[0].reply = cases[i].reply;
		cause_decide(&f, &fd);
		ck_assert_msg(fd.strength != CAUSE_UNKNOWN, "%zu", i);
		ck_assert_msg(fd.strength == CAUSE_CANDIDATES ||
		    !finding_has(&fd, "lost-beyond"), "%zu", i);
		advice(&f, text, sizeof(text));
		ck_assert_msg(strstr(text, "the SYN left this host") == NULL &&
		    strstr(text, "No input or output chain") == NULL &&
		    strstr(text, "chain inet t c (hook ") != NULL, "%zu: %s", i,
		    text);
		nl = facts_text_lines(&f, lines, 16);
		for (j = 0, found = false; j < nl; j++)
			found |= strstr(lines[j], "chain inet t c (hook ") !=
			    NULL && strstr(lines[j], cases[i].packets) != NULL;
		ck_assert_msg(found, "%zu: no Found line names the chain", i);
	}
}
END_TEST

/* A TCP refusal from another host with no ICMP (a reset) and a reject rule
   here that may match, not surely (after a `ct state established accept`,
   which is not decided here): the destination's own reset and the rule are
   candidates, never "the reject rule refuses the attempt"; a rule that
   surely matches is the cause. */
START_TEST(test_refused_reject_maybe)
{
	struct diag_facts f;
	struct cause_finding fd;
	char text[4 * DIAG_LINE_MAX];

	facts_of(&f, SOCK_STREAM, "10.97.0.2", 5440, ECONNREFUSED);
	f.have |= DIAG_ROUTE;
	f.route.type = RTN_UNICAST;
	chain_of(&f, "in", 1, 0, 1, false);
	f.ruleset.chain[0].maybe = 1;
	f.ruleset.chain[0].reply = true;
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_CANDIDATES);
	ck_assert(finding_has(&fd, "reject-rule-here"));
	ck_assert(finding_has(&fd, "refused-there"));
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "which refuses the attempt") == NULL &&
	    strstr(text, "No one cause is proven") != NULL &&
	    strstr(text, "chain inet t in (hook input)") != NULL &&
	    strstr(text, "10.97.0.2") != NULL, "%s", text);

	f.ruleset.chain[0].maybe = 0;
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_PROVEN);
	ck_assert_str_eq(fd.row[0]->name, "reject-rule-here");
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "which refuses the attempt") != NULL,
	    "%s", text);
}
END_TEST

/* A silent SYN to an address of this host whose ruleset, read whole,
   neither drops nor rejects, and whose listener has room: a row says so
   (not the errno's "dropped on the way or the host is down"); any rule
   that can take it, or a full queue, keeps that row out. */
START_TEST(test_silent_here)
{
	struct diag_facts f;
	struct cause_finding fd;
	char text[4 * DIAG_LINE_MAX];

	facts_of(&f, SOCK_STREAM, "127.0.0.1", 5556, ETIMEDOUT);
	f.have |= DIAG_ROUTE | DIAG_RULESET | DIAG_LISTENERS;
	f.route.type = RTN_LOCAL;
	f.listen.protocol = IPPROTO_TCP;
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_PROVEN);
	ck_assert_str_eq(fd.row[0]->name, "silent-here");
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "no chain of its nftables ruleset drops")
	    != NULL && strstr(text, "host is down") == NULL, "%s", text);
	/* A reject rule that only may match (the review of round 3: an
	   iptables-legacy drop took the SYN, and a `meta mark` reject was
	   stated as the one cause): two candidates, neither picked. */
	chain_of(&f, "in", 1, 0, 1, false);
	f.ruleset.chain[0].maybe = 1;
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_CANDIDATES);
	ck_assert(finding_has(&fd, "silent-here"));
	ck_assert(finding_has(&fd, "reject-here-silent"));
	f.ruleset.chain[0].maybe = 0;	/* a reject that surely matches */
	cause_decide(&f, &fd);
	ck_assert(!finding_has(&fd, "silent-here"));
	f.ruleset.nchains = 0;
	f.have &= ~DIAG_RULESET;
	f.have |= DIAG_NORULESET;
	cause_decide(&f, &fd);
	ck_assert(!finding_has(&fd, "silent-here"));
	/* A ruleset not read proves no drop rule here (the review of round
	   3): unread, not "a drop rule of this host's firewall took it". */
	ck_assert(!finding_has(&fd, "drop-here-local"));
	ck_assert(finding_has(&fd, "ruleset-unread"));
}
END_TEST

/* More chains than are kept: those beyond count by what they do, never
   as "drops and rejects"; a reject rule is not laid to a kept chain that
   holds none. */
START_TEST(test_chains_beyond_kept)
{
	struct diag_facts f;
	struct cause_finding fd;
	char text[4 * DIAG_LINE_MAX], name[8];
	unsigned i;

	facts_of(&f, SOCK_STREAM, "127.0.0.1", 9, ECONNREFUSED);
	for (i = 0; i < RULESET_CHAINS_MAX; i++) {
		snprintf(name, sizeof(name), "c%u", i);
		chain_of(&f, name, 1, 1, 0, false);
	}
	f.ruleset.nchains = RULESET_CHAINS_MAX + 1;
	f.ruleset.more_drop = 1;
	cause_decide(&f, &fd);
	ck_assert(!finding_has(&fd, "reject-rule-here"));
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "reject rule") == NULL, "%s", text);

	f.ruleset.more_drop = 0;
	f.ruleset.more_reject = 1;
	cause_decide(&f, &fd);
	ck_assert(finding_has(&fd, "reject-rule-here"));
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "chain inet t c0 (hook input) holds a "
	    "reject rule") == NULL, "%s", text);
}
END_TEST

/*
 * Facts of a failure `err` to `dst` port 9 with a ruleset of more chains
 * than are kept: the RULESET_CHAINS_MAX kept drop (`drops`) or reject,
 * and one beyond does the other, so the chain a cause names is not kept.
 */
static void
beyond_of(struct diag_facts *f, const char *dst, int err, bool drops)
{
	char name[8];
	unsigned i;

	facts_of(f, SOCK_STREAM, dst, 9, err);
	f->have |= DIAG_ROUTE;
	f->route.type = strcmp(dst, "127.0.0.1") == 0 ? RTN_LOCAL :
	    RTN_UNICAST;
	for (i = 0; i < RULESET_CHAINS_MAX; i++) {
		snprintf(name, sizeof(name), "c%u", i);
		chain_of(f, name, 1, drops ? 1 : 0, drops ? 0 : 1, false);
	}
	f->ruleset.nchains = RULESET_CHAINS_MAX + 1;
	f->ruleset.more_reject = drops ? 1 : 0;
	f->ruleset.more_drop = drops ? 0 : 1;
}

/*
 * The chain a cause names is beyond those kept (its name is not known):
 * the cause is still a sentence, never the row's name, and its Check
 * lists the whole ruleset, never falls back to the errno's general one.
 */
START_TEST(test_chain_not_named)
{
	static const char *const raw[] = {
		") reject-rule-here", ") reject-here-silent", ") drop-here",
	};
	struct diag_facts f;
	struct cause_finding fd;
	char text[4 * DIAG_LINE_MAX];
	size_t i;

	/* A refusal; nothing listens: two candidates. */
	beyond_of(&f, "127.0.0.1", ECONNREFUSED, true);
	f.have |= DIAG_LISTENERS;
	f.listen.protocol = IPPROTO_TCP;
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_CANDIDATES);
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "(2) the reject rule in this host's "
	    "nftables ruleset (a chain not named here)") != NULL && strstr(text,
	    "| `nft list ruleset`: a counter on the reject rule") != NULL,
	    "%s", text);
	/* Without the listeners read: the rule alone. */
	f.have &= ~DIAG_LISTENERS;
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_PROVEN);
	advice(&f, text, sizeof(text));
	ck_assert_str_eq(text, "This host's nftables ruleset (a chain not "
	    "named here) holds a reject rule, which refuses the attempt. | "
	    "`nft list ruleset` shows the rule; its counter rising with each "
	    "attempt says it takes them.");
	/* A silent SYN to this host: a kept chain drops, one beyond
	   rejects. */
	beyond_of(&f, "127.0.0.1", ETIMEDOUT, true);
	cause_decide(&f, &fd);
	ck_assert(finding_has(&fd, "reject-here-silent"));
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "a reject in this host's nftables ruleset "
	    "(a chain not named here)") != NULL, "%s", text);
	for (i = 0; i < sizeof(raw) / sizeof(raw[0]); i++)
		ck_assert_msg(strstr(text, raw[i]) == NULL, "%s", text);
	/* To another host: kept chains reject, one beyond drops. */
	beyond_of(&f, "10.97.0.2", ETIMEDOUT, false);
	cause_decide(&f, &fd);
	ck_assert(finding_has(&fd, "drop-here"));
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "a drop in this host's nftables ruleset "
	    "(a chain not named here)") != NULL && strstr(text, "a reject in "
	    "this host's chain inet t c0 (hook input)") != NULL, "%s", text);
	for (i = 0; i < sizeof(raw) / sizeof(raw[0]); i++)
		ck_assert_msg(strstr(text, raw[i]) == NULL, "%s", text);
}
END_TEST

/* Host unreachable from a router: its ARP, its unreachable route (v4) or
   a reject rule there (`reject with icmp host-unreachable`): candidates,
   with the read that tells them apart; ICMPv6 address unreachable is its
   neighbour discovery or a reject rule.  Never a refusal, and no FAILED
   neighbour entry that nobody read. */
START_TEST(test_router_host_unreachable)
{
	struct diag_facts f;
	struct cause_finding fd;
	char text[4 * DIAG_LINE_MAX];

	facts_of(&f, SOCK_STREAM, "10.97.0.9", 5432, EHOSTUNREACH);
	icmp_of(&f, 3, 1, "10.98.0.2", false);
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_CANDIDATES);
	ck_assert_uint_eq(fd.n, 3);
	ck_assert_str_eq(fd.row[0]->name, "router-neighbour");
	ck_assert_str_eq(fd.row[1]->name, "router-unreachable-route");
	ck_assert(finding_has(&fd, "reject-rule-there-unreach"));
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "refus") == NULL &&
	    strstr(text, "ARP for 10.97.0.9 got no answer") != NULL &&
	    strstr(text, "a reject rule on 10.98.0.2") != NULL &&
	    strstr(text, "nft list ruleset") != NULL &&
	    strstr(text, "neigh show 10.97.0.9") != NULL, "%s", text);

	facts_of(&f, SOCK_STREAM, "fd97::9", 5432, EHOSTUNREACH);
	icmp_of(&f, 1, 3, "fd98::2", false);
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_CANDIDATES);
	ck_assert_str_eq(fd.row[0]->name, "router-neighbour");
	ck_assert(finding_has(&fd, "reject-rule-there-unreach"));
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "refus") == NULL &&
	    strstr(text, "lists it FAILED") == NULL &&
	    strstr(text, "No one cause is proven") != NULL &&
	    strstr(text, "neighbour discovery for fd97::9") != NULL &&
	    strstr(text, "a reject rule on fd98::2") != NULL, "%s", text);
}
END_TEST

/* Network unreachable (v4 code 0, ICMPv6 no route) from a router: its
   missing route or a reject rule there; from the destination itself never
   "on the way to" itself, nor a route it lacks to its own address: a
   reject rule there, or a forward (dnat) of the port to a host it cannot
   reach. */
START_TEST(test_net_unreachable)
{
	struct diag_facts f;
	struct cause_finding fd;
	char text[4 * DIAG_LINE_MAX];

	facts_of(&f, SOCK_STREAM, "10.98.2.2", 8080, ENETUNREACH);
	icmp_of(&f, 3, 0, "10.98.1.1", false);
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_CANDIDATES);
	ck_assert_str_eq(fd.row[0]->name, "router-no-route");
	ck_assert(finding_has(&fd, "reject-rule-there-unreach"));
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "10.98.1.1 has no route to 10.98.2.2") !=
	    NULL && strstr(text, "a reject rule on 10.98.1.1") != NULL &&
	    strstr(text, "nft list ruleset") != NULL, "%s", text);

	facts_of(&f, SOCK_STREAM, "fd98:2::2", 8080, ENETUNREACH);
	icmp_of(&f, 1, 0, "fd98:2::2", false);
	cause_decide(&f, &fd);
	ck_assert(!finding_has(&fd, "router-no-route"));
	ck_assert_int_eq(fd.strength, CAUSE_CANDIDATES);
	ck_assert_str_eq(fd.row[0]->name, "reject-rule-at-dst");
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "on the way") == NULL &&
	    strstr(text, "has no route to it") == NULL &&
	    strstr(text, "route show match fd98:2::2") == NULL &&
	    strstr(text, "a reject rule on fd98:2::2") != NULL &&
	    strstr(text, "dnat") != NULL, "%s", text);

	facts_of(&f, SOCK_STREAM, "10.98.2.2", 8080, EHOSTUNREACH);
	icmp_of(&f, 3, 1, "10.98.2.2", false);
	cause_decide(&f, &fd);
	ck_assert(finding_has(&fd, "reject-rule-at-dst"));
	ck_assert(!finding_has(&fd, "router-neighbour"));
}
END_TEST

/* No ARP reply, and this host's own arp chain drops: never "the next hop
   did not answer ARP ... down or not on that link" as proven; a drop that
   surely takes the requests rules the next hop's silence out (hostile
   finding 4). */
START_TEST(test_arp_drop_here)
{
	struct diag_facts f;
	struct cause_finding fd;
	char text[4 * DIAG_LINE_MAX];

	facts_of(&f, SOCK_STREAM, "10.98.2.2", 8080, ETIMEDOUT);
	f.have |= DIAG_ROUTE | DIAG_NEIGH | DIAG_RULESET;
	f.route.type = RTN_UNICAST;
	f.neigh.state = NUD_INCOMPLETE;
	f.neigh.is_gateway = true;
	f.neigh.addr.family = AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET, "10.98.1.1", &f.neigh.addr.u), 1);
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_PROVEN);
	ck_assert_str_eq(fd.row[0]->name, "no-neighbour");

	f.ruleset.narp = 1;
	strcpy(f.ruleset.arp.family, "arp");
	strcpy(f.ruleset.arp.table, "ha");
	strcpy(f.ruleset.arp.chain, "out");
	f.ruleset.arp.hook = 1;
	f.ruleset.arp.drops = 1;
	f.ruleset.arp.maybe = 1;
	f.ruleset.arp.out = true;
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_CANDIDATES);
	ck_assert_str_eq(fd.row[0]->name, "arp-drop-here");
	ck_assert(finding_has(&fd, "no-neighbour"));
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "chain arp ha out (hook output)") != NULL &&
	    strstr(text, "nft list chain arp ha out") != NULL &&
	    strstr(text, "is down or not on that link") == NULL, "%s", text);

	f.ruleset.arp.maybe = 0;
	f.ruleset.arp_sure = true;
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_PROVEN);
	ck_assert_str_eq(fd.row[0]->name, "arp-drop-here");
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "did not answer") == NULL &&
	    strstr(text, "is down") == NULL, "%s", text);
}
END_TEST

/* A listener on the IPv4 wildcard, the client on ::1: connect to
   127.0.0.1, never to 0.0.0.0. */
START_TEST(test_listener_other_family)
{
	struct diag_facts f;
	char text[4 * DIAG_LINE_MAX];

	facts_of(&f, SOCK_STREAM, "::1", 6543, ECONNREFUSED);
	f.have |= DIAG_LISTENERS;
	f.listen.protocol = IPPROTO_TCP;
	f.listen.count = 1;
	f.listen.addr[0].family = AF_INET;
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "Connect to 127.0.0.1 instead") != NULL &&
	    strstr(text, "0.0.0.0") == NULL, "%s", text);
	ck_assert_int_eq(inet_pton(AF_INET6, "fd97::2", &f.dst.u), 1);
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "an IPv4 address of this host") != NULL,
	    "%s", text);
}
END_TEST

/* Unix permissions: a group is named only where its bits grant the right. */
static const struct {
	enum diag_path_kind kind;
	unsigned mode;
	unsigned long uid, my_uid;
	const char *row, *want, *never;
} unix_cases[] = {
	{ DIAG_PATH_NOSEARCH, 02700, 65534, 1, "unix-owner-only",
	  "only its owner nobody may search it", "to group" },
	{ DIAG_PATH_NOWRITE, 0700, 0, 1, "unix-owner-only",
	  "only its owner nobody may write to it", "group root" },
	{ DIAG_PATH_NOWRITE, 0770, 0, 1, "unix-group",
	  "add daemon to group root, whose bits give write", "chmod" },
	{ DIAG_PATH_NOSEARCH, 0750, 1, 1, "unix-owner-only",
	  "its owner's bits, this user's, lack search", "to group" },
	{ DIAG_PATH_NOWRITE, 0707, 0, 1, "unix-owner-only",
	  "its group's bits lack write", "to group" },
	/* This user's own socket, mode 066: chmod u+w is his to do; o+w and
	   g+w are set already, and he runs as the owner. */
	{ DIAG_PATH_NOWRITE, 0066, 1, 1, "unix-owner-only",
	  "`chmod u+w /run/x`", "Run as" },
	{ DIAG_PATH_NOWRITE, 0066, 1, 1, "unix-owner-only",
	  "`chmod u+w /run/x`", "o+w" },
	/* Mode 606, this user in its group: only g+w helps (o+w is set). */
	{ DIAG_PATH_NOWRITE, 0606, 0, 1, "unix-owner-only", "g+w", "o+w" },
	{ DIAG_PATH_NOWRITE, 0700, 0, 1, "unix-owner-only", "Run as nobody",
	  "u+w" },
};

START_TEST(test_unix_modes)
{
	struct diag_facts f;
	struct cause_finding fd;
	char text[4 * DIAG_LINE_MAX];

	memset(&f, 0, sizeof(f));
	f.family = AF_UNIX;
	f.type = SOCK_STREAM;
	f.error = EACCES;
	f.have = DIAG_PATH | DIAG_WHO;
	f.path.kind = unix_cases[_i].kind;
	f.path.mode = unix_cases[_i].mode;
	f.path.uid = (uid_t)unix_cases[_i].uid;
	f.path.my_uid = (uid_t)unix_cases[_i].my_uid;
	strcpy(f.path.at, "/run/x");
	strcpy(f.path.owner, "nobody");
	strcpy(f.path.group, "root");
	strcpy(f.who.user, "daemon");
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_PROVEN);
	ck_assert_str_eq(fd.row[0]->name, unix_cases[_i].row);
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, unix_cases[_i].want) != NULL, "%s", text);
	ck_assert_msg(strstr(text, unix_cases[_i].never) == NULL, "%s", text);
	f.who.listed_not_held = true;
	cause_decide(&f, &fd);
	ck_assert_str_eq(fd.row[0]->name, strcmp(unix_cases[_i].row,
	    "unix-group") == 0 ? "unix-newgrp" : unix_cases[_i].row);
}
END_TEST

/* A name look-up that found no descriptor free: the limit, exit 7. */
START_TEST(test_descriptor_limit)
{
	struct diag_facts f;
	struct cause_finding fd;
	char text[4 * DIAG_LINE_MAX];

	memset(&f, 0, sizeof(f));
	f.type = SOCK_STREAM;
	f.eai = EAI_NONAME;
	f.have = DIAG_FDS;
	f.fds.limit = 4;
	f.fds.open = 4;
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_UNKNOWN);
	f.fds.error = EMFILE;
	cause_decide(&f, &fd);
	ck_assert_int_eq(fd.strength, CAUSE_PROVEN);
	ck_assert_str_eq(fd.row[0]->name, "descriptor-limit");
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, "limit 4") != NULL &&
	    strstr(text, "did not answer") == NULL, "%s", text);
}
END_TEST

/* A silent --probe: the request really sent is named, and not asked for
   again; an empty datagram only where no protocol is spoken. */
START_TEST(test_silent_probe)
{
	char m[2 * DIAG_LINE_MAX], c[2 * DIAG_LINE_MAX];

	facts_text_silent_probe(NULL, 53, m, sizeof(m), c, sizeof(c));
	ck_assert_msg(strstr(m, "A DNS request was sent to port 53") != NULL &&
	    strstr(m, "empty datagram") == NULL, "%s", m);
	ck_assert_msg(strstr(c, "own request") == NULL, "%s", c);
	facts_text_silent_probe(NULL, 123, m, sizeof(m), c, sizeof(c));
	ck_assert_msg(strstr(m, "NTP request") != NULL, "%s", m);
	facts_text_silent_probe(NULL, 9, m, sizeof(m), c, sizeof(c));
	ck_assert_msg(strstr(m, "empty datagram") != NULL, "%s", m);
}
END_TEST

/* A silent probe to a local port with a socket bound: "the server there
   did not answer" only from a ruleset read whole that neither drops nor
   rejects (a reply rejected at input never reaches the socket). */
START_TEST(test_silent_probe_local)
{
	struct diag_facts f;
	char m[2 * DIAG_LINE_MAX], c[2 * DIAG_LINE_MAX];

	facts_of(&f, SOCK_DGRAM, "127.0.0.1", 53, ETIMEDOUT);
	f.have |= DIAG_ROUTE | DIAG_LISTENERS | DIAG_RULESET;
	f.route.type = RTN_LOCAL;
	f.listen.protocol = IPPROTO_UDP;
	f.listen.count = 1;
	f.listen.addr[0].family = AF_INET;
	facts_text_silent_probe(&f, 53, m, sizeof(m), c, sizeof(c));
	ck_assert_msg(strstr(m, "the server there did not answer") != NULL,
	    "%s", m);
	chain_of(&f, "in", 1, 0, 1, false);
	f.ruleset.chain[0].reply = true;
	facts_text_silent_probe(&f, 53, m, sizeof(m), c, sizeof(c));
	ck_assert_msg(strstr(m, "did not answer it") == NULL &&
	    strstr(m, "reached this host") == NULL, "%s", m);
	f.ruleset.nchains = 0;
	chain_of(&f, "in", 1, 1, 0, false);
	facts_text_silent_probe(&f, 53, m, sizeof(m), c, sizeof(c));
	ck_assert_msg(strstr(m, "reached this host") == NULL, "%s", m);
	f.have &= ~DIAG_RULESET;
	f.have |= DIAG_NORULESET;
	facts_text_silent_probe(&f, 53, m, sizeof(m), c, sizeof(c));
	ck_assert_msg(strstr(m, "reached this host") == NULL, "%s", m);
}
END_TEST

/*
 * The sentences said outside the table, each with one fact flipped: with
 * the fact the sentence is said, without it never (the same facts else).
 */
static void
flip_facts(struct diag_facts *f, int i, bool with)
{
	struct sockaddr_in *sa;

	switch (i) {
	case 0: case 1: case 2: case 3:	/* a Unix socket path */
		memset(f, 0, sizeof(*f));
		f->family = AF_UNIX;
		f->type = SOCK_STREAM;
		f->error = i == 0 || i == 1 ? EAGAIN : ECONNREFUSED;
		f->have = DIAG_PATH | DIAG_UNIXPEER | DIAG_OWNER;
		f->path.kind = DIAG_PATH_SOCKET;
		strcpy(f->path.at, "/run/x.sock");
		f->unixpeer.found = true;
		f->unixpeer.type = SOCK_STREAM;
		f->unixpeer.listening = true;
		f->unixpeer.queued = 5;
		f->unixpeer.backlog = 4;
		f->owner.pid = 42;
		strcpy(f->owner.comm, "srv");
		f->owner.state = 'S';
		if (i == 0)
			f->owner.state = with ? 'T' : 'S';
		else if (i == 1)
			f->owner.state = with ? 'S' : 'T';
		else if (i == 2)
			f->unixpeer.found = !with;
		else
			f->unixpeer.type = with ? SOCK_DGRAM : SOCK_STREAM;
		break;
	default:			/* a name that did not resolve */
		memset(f, 0, sizeof(*f));
		f->family = AF_INET;
		f->type = SOCK_STREAM;
		f->eai = EAI_AGAIN;
		f->have = DIAG_RESOLVER;
		strcpy(f->host, "db");
		f->resolver.cause = RESOLVER_NO_ANSWER;
		f->resolver.conf.ndots = 1;
		f->resolver.nasked = 2;
		sa = (struct sockaddr_in *)(void *)&f->resolver.asked[0].addr;
		sa->sin_family = AF_INET;
		sa->sin_addr.s_addr = htonl(0x0a000035);
		f->resolver.asked[1].addr = f->resolver.asked[0].addr;
		f->resolver.asked[0].error = ECONNREFUSED;
		f->resolver.asked[1].error = ECONNREFUSED;
		if (i == 4) {
			f->resolver.asked[1].error = with ? ECONNREFUSED :
			    ETIMEDOUT;
		} else if (i == 5) {
			f->resolver.asked[0].error = ETIMEDOUT;
			f->ns_route_known[0] = true;
			f->ns_route[0].type = with ? RTN_UNREACHABLE :
			    RTN_UNICAST;
		} else if (i == 6 || i == 7) {
			f->eai = EAI_NONAME;
			f->resolver.cause = RESOLVER_NXDOMAIN;
			f->resolver.conf.nsearch = 1;
			strcpy(f->resolver.conf.search[0], "lab.tset");
			if ((i == 6) != with)
				strcpy(f->host, "db.lab.test.");
		} else {
			f->eai = EAI_NODATA;
			f->resolver.cause = RESOLVER_OTHER_FAMILY;
			f->resolver.other_family = (i == 8) == with ?
			    AF_INET6 : AF_INET;
		}
		break;
	}
}

static const struct {
	const char *with;
} flips[] = {
	{ "is stopped: it accepts nothing" },
	{ "accepts slower than connections arrive" },
	{ "remove the stale" },
	{ "Run again with -T dgram" },
	{ "No name server runs where /etc/resolv.conf points" },
	{ "Give this host a route to 10.0.0.53" },
	{ "No name tried exists" },
	{ "does not exist in DNS" },
	{ "has IPv6 addresses only" },
	{ "has IPv4 addresses only" },
};

START_TEST(test_advice_flips)
{
	struct diag_facts f;
	char text[4 * DIAG_LINE_MAX];

	flip_facts(&f, _i, true);
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, flips[_i].with) != NULL, "%d with: %s", _i,
	    text);
	flip_facts(&f, _i, false);
	advice(&f, text, sizeof(text));
	ck_assert_msg(strstr(text, flips[_i].with) == NULL, "%d without: %s",
	    _i, text);
}
END_TEST

/*
 * Rows the other tests reach only through their bits: each from facts of a
 * diagnosis, with the one fact that makes it (flipped: the row is gone).
 */
static void
bits_facts(struct diag_facts *f, int i, bool with)
{
	facts_of(f, SOCK_STREAM, i == 7 ? "2001:db8::7" : "10.97.0.2", 5432,
	    i <= 3 ? ETIMEDOUT : i == 4 ? ECONNREFUSED : i == 5 ?
	    EHOSTUNREACH : i == 6 ? ENETUNREACH : EACCES);
	f->have |= DIAG_ROUTE;
	f->route.type = RTN_UNICAST;
	switch (i) {
	case 0:			/* link-down: IFF_UP off */
	case 1:			/* link-no-carrier: IFF_LOWER_UP off */
		f->have |= DIAG_LINK;
		strcpy(f->link.dev, "c0");
		f->link.up = i == 1 || !with;
		f->link.lower_up = i == 0 || !with;
		break;
	case 2:			/* queue-full: more waiting than the backlog */
	case 3:			/* queue-full-stopped: its process stopped */
		f->route.type = RTN_LOCAL;
		f->have |= DIAG_LISTENERS | DIAG_OWNER;
		f->listen.protocol = IPPROTO_TCP;
		f->listen.count = 1;
		f->listen.addr[0].family = AF_INET;
		f->listen.backlog[0] = 4;
		f->listen.queued[0] = i == 3 || with ? 5 : 4;
		f->owner.pid = 42;
		f->owner.state = i == 3 && with ? 'T' : 'S';
		break;
	case 4:			/* listener-rejected: a listener covers */
		f->route.type = RTN_LOCAL;
		f->have |= DIAG_LISTENERS | DIAG_NORULESET;
		f->listen.protocol = IPPROTO_TCP;
		f->listen.count = with ? 1 : 0;
		f->listen.addr[0].family = AF_INET;
		break;
	case 5:			/* no-neighbour: FAILED */
		f->have |= DIAG_NEIGH;
		f->neigh.state = with ? NUD_FAILED : NUD_REACHABLE;
		f->neigh.addr = f->dst;
		break;
	case 6:			/* router-no-route: network unreachable */
		icmp_of(f, 3, with ? 0 : 1, "10.98.0.2", false);
		break;
	default:		/* denied-here-v6: no ICMP, no reject route */
		if (!with)
			icmp_of(f, 1, 1, "2001:db8::1", false);
		break;
	}
}

static const char *const bits_rows[] = {
	"link-down", "link-no-carrier", "queue-full", "queue-full-stopped",
	"listener-rejected", "no-neighbour", "router-no-route", "denied-here-v6"
};

START_TEST(test_fact_bits)
{
	struct diag_facts f;
	struct cause_finding fd;

	bits_facts(&f, _i, true);
	cause_decide(&f, &fd);
	ck_assert_msg(finding_has(&fd, bits_rows[_i]), "%s with its fact",
	    bits_rows[_i]);
	bits_facts(&f, _i, false);
	cause_decide(&f, &fd);
	ck_assert_msg(!finding_has(&fd, bits_rows[_i]), "%s without it",
	    bits_rows[_i]);
}
END_TEST

/* The man page's DIAGNOSTICS names every row of the table. */
START_TEST(test_man_lists_rows)
{
	const char *dir = getenv("SRCDIR");
	char path[4096], *text;
	size_t i, n, len;
	const struct cause_row *t = cause_table(&n);
	FILE *fp;

	snprintf(path, sizeof(path), "%s/man/isock-connect.1",
	    dir != NULL ? dir : ".");
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "%s", path);
	text = calloc(1, 1 << 20);
	ck_assert(text != NULL);
	len = fread(text, 1, (1 << 20) - 1, fp);
	fclose(fp);
	text[len] = '\0';
	for (i = 0; i < n; i++) {
		char mark[96];
		const char *p = text;
		bool listed = false;

		/* "Sy NAME" as a whole word, in the DIAGNOSTICS list. */
		snprintf(mark, sizeof(mark), "Sy %s", t[i].name);
		while (!listed && (p = strstr(p, mark)) != NULL) {
			p += strlen(mark);
			listed = *p == ' ' || *p == '\n';
		}
		ck_assert_msg(listed, "the man page does not list cause %s",
		    t[i].name);
	}
	free(text);
}
END_TEST

static Suite *
cause_suite(void)
{
	Suite *s = suite_create("cause");
	TCase *tc = tcase_create("table");
	size_t n;

	(void)cause_table(&n);
	tcase_add_loop_test(tc, test_row_fits, 0, (int)n);
	tcase_add_loop_test(tc, test_row_excluded, 0, (int)n);
	tcase_add_test(tc, test_names_unique);
	tcase_add_test(tc, test_unknown);
	suite_add_tcase(s, tc);
	tc = tcase_create("findings");
	tcase_add_test(tc, test_udp_nothing_listens);
	tcase_add_test(tc, test_port_unreachable_there);
	tcase_add_test(tc, test_silent_syn);
	tcase_add_test(tc, test_silent_syn_reject_here);
	tcase_add_test(tc, test_chains_beyond_kept);
	tcase_add_test(tc, test_chain_not_named);
	tcase_add_test(tc, test_silent_here);
	tcase_add_test(tc, test_refused_reject_maybe);
	tcase_add_test(tc, test_router_host_unreachable);
	tcase_add_test(tc, test_net_unreachable);
	tcase_add_test(tc, test_arp_drop_here);
	tcase_add_test(tc, test_listener_other_family);
	tcase_add_test(tc, test_descriptor_limit);
	tcase_add_test(tc, test_silent_probe);
	tcase_add_test(tc, test_silent_probe_local);
	tcase_add_loop_test(tc, test_fact_bits, 0,
	    (int)(sizeof(bits_rows) / sizeof(bits_rows[0])));
	tcase_add_loop_test(tc, test_advice_flips, 0,
	    (int)(sizeof(flips) / sizeof(flips[0])));
	tcase_add_loop_test(tc, test_unix_modes, 0,
	    (int)(sizeof(unix_cases) / sizeof(unix_cases[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("docs");
	tcase_add_test(tc, test_man_lists_rows);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(cause_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
