/* SPDX-License-Identifier: ISC */
/*
 * trace_text.c: the facts of a trace (trace.h) as sentences and as JSON.
 * Names of tables and chains come from the system: they are escaped.
 */
#include "config.h"

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "report.h"
#include "text.h"
#include "trace.h"

#define ADDR_MAX INET6_ADDRSTRLEN

/* The IP address of `ss` as text ("?" when it is not one). */
static const char *
addr_text(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	const void *a;

	if (ss->ss_family == AF_INET)
		a = &((const struct sockaddr_in *)ss)->sin_addr;
	else if (ss->ss_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	else
		return "?";
	if (inet_ntop(ss->ss_family, a, buf, (socklen_t)size) == NULL)
		return "?";
	return buf;
}

static unsigned
port_of(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET6 ?
	    ((const struct sockaddr_in6 *)ss)->sin6_port :
	    ((const struct sockaddr_in *)ss)->sin_port);
}

/* The nftables family name of an NFPROTO_* number. */
static const char *
nf_family(unsigned f)
{
	switch (f) {
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_ARP:
		return "arp";
	case NFPROTO_BRIDGE:
		return "bridge";
	case NFPROTO_NETDEV:
		return "netdev";
	default:
		return "?";
	}
}

/* The name of an ICMP (`v6` false) or ICMPv6 destination unreachable. */
static const char *
unreach_name(bool v6, unsigned type, unsigned code)
{
	static const char *const v4[] = {
		"net unreachable", "host unreachable", "protocol unreachable",
		"port unreachable", "fragmentation needed", "source route failed",
		"net unknown", "host unknown", "source host isolated",
		"net prohibited", "host prohibited", "net unreachable for TOS",
		"host unreachable for TOS", "administratively prohibited",
		"host precedence violation", "precedence cut-off"
	};
	static const char *const v6n[] = {
		"no route", "administratively prohibited", "beyond scope",
		"address unreachable", "port unreachable", "source policy failed",
		"reject route"
	};

	if (!v6 && type == 3 && code < sizeof(v4) / sizeof(v4[0]))
		return v4[code];
	if (v6 && type == 1 && code < sizeof(v6n) / sizeof(v6n[0]))
		return v6n[code];
	return v6 ? "ICMPv6 error" : "ICMP error";
}

/* The short name of what answered a hop, for JSON. */
static const char *
hop_kind_name(enum trace_hop_kind k)
{
	switch (k) {
	case TRACE_HOP_SILENT:
		return "silent";
	case TRACE_HOP_TIME_EXCEEDED:
		return "time-exceeded";
	case TRACE_HOP_UNREACH:
		return "unreachable";
	case TRACE_HOP_REFUSED:
		return "reset";
	case TRACE_HOP_CONNECTED:
		return "connected";
	case TRACE_HOP_ERROR:
		return "error";
	}
	return "?";
}

static const char *
rule_state_name(enum trace_rule_state s)
{
	switch (s) {
	case TRACE_RULE_NOT_TRIED:
		return "not-tried";
	case TRACE_RULE_NONE:
		return "none";
	case TRACE_RULE_FOUND:
		return "found";
	case TRACE_RULE_NO_EVENTS:
		return "no-events";
	case TRACE_RULE_DENIED:
		return "not-permitted";
	case TRACE_RULE_LEGACY:
		return "legacy-iptables";
	case TRACE_RULE_ERROR:
		return "error";
	}
	return "?";
}

/* The legacy iptables tables nftables tracing cannot see, if any. */
static void
legacy_text(const struct trace_result *r, FILE *f)
{
	const struct trace_rule *u = &r->rule;

	if (u->legacy[0] == '\0' || u->state == TRACE_RULE_LEGACY)
		return;
	fprintf(f, "  Found: this host also has legacy iptables tables for "
	    "%s (%s): nftables tracing does not see their rules\n",
	    r->dst.ss_family == AF_INET6 ? "IPv6" : "IPv4", u->legacy);
}

/* The local rule as one "Found:" line. */
static void
rule_text(const struct trace_result *r, FILE *f)
{
	const struct trace_rule *u = &r->rule;
	char a[ADDR_MAX], *table, *chain, *text, *comment;

	addr_text(&r->dst, a, sizeof(a));
	switch (u->state) {
	case TRACE_RULE_NOT_TRIED:
		return;
	case TRACE_RULE_NONE:
		fprintf(f, "  Found: no nftables rule or chain policy of this "
		    "host drops the SYN to %s port %u (traced)\n", a,
		    port_of(&r->dst));
		return;
	case TRACE_RULE_NO_EVENTS:
		fprintf(f, "  Found: the nftables trace of the SYN to %s port %u "
		    "gave no event: its rules were not seen\n", a,
		    port_of(&r->dst));
		return;
	case TRACE_RULE_DENIED:
		fputs("  Found: nftables tracing is not permitted to this user: "
		    "root (CAP_NET_ADMIN) would let it look for the local rule "
		    "that drops the SYN\n", f);
		return;
	case TRACE_RULE_LEGACY:
		if (u->legacy[0] != '\0')
			fprintf(f, "  Found: this host has no nf_tables: its "
			    "firewall is legacy iptables only (tables %s), whose "
			    "rules cannot be traced\n", u->legacy);
		else
			fputs("  Found: this host has no nf_tables (legacy "
			    "iptables only): its firewall rules cannot be "
			    "traced\n", f);
		return;
	case TRACE_RULE_ERROR:
		fprintf(f, "  Found: the nftables trace could not be set up: %s\n",
		    strerror(u->error));
		return;
	case TRACE_RULE_FOUND:
		break;
	}
	table = text_escape_dup(u->table);
	chain = text_escape_dup(u->chain);
	text = text_escape_dup(u->text);
	comment = text_escape_dup(u->comment);
	if (u->reply)
		fprintf(f, "  Found: the SYN-ACK from %s port %u is dropped on "
		    "this host by ", a, port_of(&r->dst));
	else
		fprintf(f, "  Found: the SYN to %s port %u is dropped on this "
		    "host by ", a, port_of(&r->dst));
	if (u->policy)
		fprintf(f, "the policy of table %s %s chain %s (verdict %s)\n",
		    nf_family(u->family), table != NULL ? table : "?",
		    chain != NULL ? chain : "?", u->verdict);
	else
		fprintf(f, "table %s %s chain %s rule handle %llu%s%s%s%s%s "
		    "(verdict %s)\n", nf_family(u->family),
		    table != NULL ? table : "?", chain != NULL ? chain : "?",
		    u->handle,
		    comment != NULL && *comment != '\0' ? " (comment \"" : "",
		    comment != NULL ? comment : "",
		    comment != NULL && *comment != '\0' ? "\")" : "",
		    text != NULL && *text != '\0' ? ": " : "",
		    text != NULL ? text : "", u->verdict);
	free(table);
	free(chain);
	free(text);
	free(comment);
}

void
trace_text(const struct trace_result *r, FILE *f)
{
	const struct trace_hop *h;
	bool v6 = r->dst.ss_family == AF_INET6;
	char a[ADDR_MAX], t[ADDR_MAX];
	unsigned i, end = 0;

	rule_text(r, f);
	legacy_text(r, f);
	addr_text(&r->dst, t, sizeof(t));
	for (i = 0; i < r->nhops; i++) {
		h = &r->hops[i];
		if (h->kind == TRACE_HOP_SILENT)
			fprintf(f, "  trace: hop %2u  *  no answer\n", h->ttl);
		else if (h->kind == TRACE_HOP_ERROR)
			fprintf(f, "  trace: hop %2u  *  %s\n", h->ttl,
			    strerror(h->error));
		else
			fprintf(f, "  trace: hop %2u  %s  %.3f ms  %s\n", h->ttl,
			    addr_text(&h->addr, a, sizeof(a)), h->rtt_ms,
			    h->kind == TRACE_HOP_UNREACH ? unreach_name(v6,
			    h->icmp_type, h->icmp_code) :
			    h->kind == TRACE_HOP_TIME_EXCEEDED ? "time exceeded" :
			    h->kind == TRACE_HOP_REFUSED ? "reset" : "connected");
		if (h->kind != TRACE_HOP_SILENT &&
		    h->kind != TRACE_HOP_TIME_EXCEEDED && end == 0)
			end = i + 1;
	}
	if (r->stopped) {
		fputs("  Found: the trace was interrupted before its answers "
		    "came\n", f);
		return;
	}
	if (end > 0) {
		h = &r->hops[end - 1];
		addr_text(&h->addr, a, sizeof(a));
		if (h->kind == TRACE_HOP_CONNECTED)
			fprintf(f, "  Found: the SYN reaches %s (hop %u, %.1f ms), "
			    "which completes the handshake now\n", t, end,
			    h->rtt_ms);
		else if (h->kind == TRACE_HOP_REFUSED)
			fprintf(f, "  Found: the SYN reaches %s (hop %u, %.1f ms), "
			    "which answers with a reset: nothing accepts "
			    "port %u there\n", t, end, h->rtt_ms,
			    port_of(&r->dst));
		else if (h->kind == TRACE_HOP_UNREACH && r->reached == end)
			fprintf(f, "  Found: the SYN reaches %s (hop %u, %.1f ms), "
			    "which answers with ICMP %s (type %u, code %u)\n", t,
			    end, h->rtt_ms, unreach_name(v6, h->icmp_type,
			    h->icmp_code), h->icmp_type, h->icmp_code);
		else if (h->kind == TRACE_HOP_UNREACH)
			fprintf(f, "  Found: %s (hop %u, %.1f ms) answers the SYN "
			    "with ICMP %s (type %u, code %u): it is rejected "
			    "there, before %s\n", a, end, h->rtt_ms,
			    unreach_name(v6, h->icmp_type, h->icmp_code),
			    h->icmp_type, h->icmp_code, t);
		else
			fprintf(f, "  Found: the SYN cannot be sent at hop %u: "
			    "%s\n", end, strerror(h->error));
		return;
	}
	if (r->last_answered > 0 && r->last_answered == r->nhops) {
		h = &r->hops[r->last_answered - 1];
		fprintf(f, "  Found: the SYN still travels at hop %u (%s, %.1f ms): "
		    "%s is more than %u hops away, beyond the trace\n",
		    r->last_answered, addr_text(&h->addr, a, sizeof(a)),
		    h->rtt_ms, t, r->nhops);
	} else if (r->last_answered > 0) {
		h = &r->hops[r->last_answered - 1];
		addr_text(&h->addr, a, sizeof(a));
		fprintf(f, "  Found: the SYN reaches %s (hop %u, %.1f ms); "
		    "nothing answers at hop %u or beyond: it is dropped at or "
		    "after %s (the trace waited %ld ms)\n", a, r->last_answered,
		    h->rtt_ms, r->last_answered + 1, a, r->deadline_ms);
	} else
		fprintf(f, "  Found: nothing answers the SYN to %s at any hop "
		    "(the trace waited %ld ms): it is dropped on this host or "
		    "before the first router answers\n", t, r->deadline_ms);
}

/* Member `key`: the number `v`, or null when it is 0 (none). */
static void
uint_or_null(struct json *j, const char *key, unsigned long long v)
{
	json_key(j, key);
	if (v > 0)
		json_uint(j, v);
	else
		json_null(j);
}

void
trace_json(const struct trace_result *r, struct json *j)
{
	const struct trace_rule *u = &r->rule;
	const struct trace_hop *h;
	char a[ADDR_MAX];
	unsigned i;

	json_object_begin(j);
	json_key(j, "rule");
	json_object_begin(j);
	json_key(j, "state");
	json_string(j, rule_state_name(u->state));
	if (u->state == TRACE_RULE_FOUND) {
		json_key(j, "packet");
		json_string(j, u->reply ? "syn-ack" : "syn");
		json_key(j, "family");
		json_string(j, nf_family(u->family));
		json_key(j, "table");
		json_string(j, u->table);
		json_key(j, "chain");
		json_string(j, u->chain);
		uint_or_null(j, "handle", u->policy ? 0 : u->handle);
		json_key(j, "policy");
		json_bool(j, u->policy);
		json_key(j, "rule");
		json_string(j, u->text[0] != '\0' ? u->text : NULL);
		json_key(j, "comment");
		json_string(j, u->comment[0] != '\0' ? u->comment : NULL);
		json_key(j, "verdict");
		json_string(j, u->verdict);
	} else if (u->state == TRACE_RULE_ERROR) {
		json_key(j, "error");
		json_string(j, strerror(u->error));
	}
	json_key(j, "legacy_iptables_tables");
	json_string(j, u->legacy[0] != '\0' ? u->legacy : NULL);
	json_object_end(j);
	json_key(j, "hops");
	json_array_begin(j);
	for (i = 0; i < r->nhops; i++) {
		h = &r->hops[i];
		json_object_begin(j);
		json_key(j, "ttl");
		json_uint(j, h->ttl);
		json_key(j, "address");
		json_string(j, h->kind == TRACE_HOP_SILENT ||
		    h->kind == TRACE_HOP_ERROR ? NULL :
		    addr_text(&h->addr, a, sizeof(a)));
		json_key(j, "rtt_ms");
		if (h->kind == TRACE_HOP_SILENT || h->kind == TRACE_HOP_ERROR)
			json_null(j);
		else
			json_double(j, h->rtt_ms, 3);
		json_key(j, "answer");
		json_string(j, hop_kind_name(h->kind));
		if (h->kind == TRACE_HOP_UNREACH) {
			json_key(j, "icmp_type");
			json_uint(j, h->icmp_type);
			json_key(j, "icmp_code");
			json_uint(j, h->icmp_code);
		}
		json_object_end(j);
	}
	json_array_end(j);
	uint_or_null(j, "last_answered", r->last_answered);
	uint_or_null(j, "reached", r->reached);
	json_key(j, "cut");
	json_bool(j, r->cut);
	json_key(j, "interrupted");
	json_bool(j, r->stopped);
	json_key(j, "deadline_ms");
	json_int(j, r->deadline_ms);
	json_object_end(j);
}

void
trace_report(const struct trace_result *r, const char *cause,
    const char *host, bool json, FILE *out, FILE *err)
{
	char when[CLOCK_RFC3339_MAX];
	struct timespec now;
	struct json j;

	if (r == NULL) {
		if (!json)
			fprintf(err, "  trace: %s\n", cause != NULL ? cause :
			    "out of memory");
		return;
	}
	if (json) {
		json_init(&j, out);
		json_object_begin(&j);
		json_key(&j, "schema");
		json_string(&j, REPORT_SCHEMA);
		json_key(&j, "kind");
		json_string(&j, "trace");
		json_key(&j, "time");
		now = clock_wall();
		json_string(&j, clock_rfc3339(&now, when, sizeof(when)));
		json_key(&j, "target");
		json_string(&j, host);
		json_key(&j, "port");
		json_uint(&j, port_of(&r->dst));
		json_key(&j, "trace");
		trace_json(r, &j);
		json_object_end(&j);
		json_line_end(&j);
	} else
		trace_text(r, err);
}
