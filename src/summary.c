/* SPDX-License-Identifier: ISC */
/*
 * summary.c: one line a target, then the results grouped by host,
 * protocol and outcome, ports folded into ranges, each failure said once.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "explain.h"
#include "facts_text.h"
#include "ready_text.h"
#include "summary.h"
#include "text.h"

#define NO_EXAMPLE SIZE_MAX

/* What makes two results one group. */
struct summary_key {
	const char *host;	/* the target's host or path */
	const char *proto;	/* "tcp", "unix stream", ... */
	int code;		/* the exit status */
	int err;		/* the resolver's code or the errno, 0 */
	int how;		/* EAI_SYSTEM's errno; deadline and probe flags */
	uint32_t facts;		/* a hash of what the facts and the TLS or
				   HTTP check say, the target's own port
				   left out; 0: none */
};

struct summary_group {
	struct summary_key key;
	const struct target *t;		/* the target standing for it */
	size_t example;			/* its index, NO_EXAMPLE: none yet */
	size_t first;			/* its first target in input order */
	bool taken;			/* its result and facts are held */
	struct result r;		/* that result, when taken */
	struct diag_facts *facts;	/* and its facts */
	uint16_t *ports;		/* the ports counted, in input order */
	size_t nports, cap;
	size_t counted;			/* results counted (paths too) */
	size_t chain;			/* next in its hash bucket, or 0 */
};

struct summary {
	struct summary_group *g;	/* groups in the order made; g[0] unused */
	size_t n, cap;
	size_t *bucket;			/* hash buckets: group index, 0 none */
	size_t nbucket;			/* a power of two */
	bool invert;			/* --invert: not accepting succeeds */
};

/*
 * The group key of `r`, a result of `t` in a run under --invert or not
 * (`invert`), whose exit status is then result_invert_status().
 */
static struct summary_key
key_of(const struct target *t, const struct result *r, bool invert)
{
	const struct result_attempt *last = result_last(r);
	struct summary_key k;

	memset(&k, 0, sizeof(k));
	k.host = t->host;
	k.proto = target_proto_name(t->family, t->type);
	k.code = invert ? result_invert_status(r) : result_exit_status(r);
	if (k.code == 0 || r->signal != 0)
		return k;
	if (r->eai != 0) {
		k.err = r->eai;
		k.how = r->eai_errno;
	} else if (last != NULL) {
		k.err = last->error;
		k.how = (last->deadline ? 1 : 0) | (last->probed ? 2 : 0);
	} else
		k.how = r->state == RESULT_FINISHED ? 4 : 8;
	return k;
}

/* FNV-1a of `n` bytes of `p` onto `h`. */
static uint32_t
fnv(uint32_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

/* Onto `h`: the number `v`. */
static uint32_t
sig_num(uint32_t h, long v)
{
	return fnv(h, &v, sizeof(v));
}

/* Onto `h`: the string `str` (at most `max` bytes) and its end. */
static uint32_t
sig_str(uint32_t h, const char *str, size_t max)
{
	return fnv(h, str, strnlen(str, max) + 1);
}

/* Onto `h`: the address `ip` (its family, then its bytes). */
static uint32_t
sig_ip(uint32_t h, const struct diag_ip *ip)
{
	h = sig_num(h, ip->family);
	return fnv(h, &ip->u, diag_ip_len(ip->family));
}

/*
 * Onto `h`: the chains of the ruleset that can drop or reject the packets
 * (not their counters, which run on): which chains, whether one surely
 * drops, may drop, rejects, and with `detail` what their rules do.
 */
static uint32_t
sig_ruleset(uint32_t h, const struct ruleset_fact *rs, bool detail)
{
	size_t i, kept = rs->nchains < RULESET_CHAINS_MAX ? rs->nchains :
	    RULESET_CHAINS_MAX;
	bool sure = false, maybe = false, reject = false;

	for (i = 0; i < kept; i++) {
		const struct ruleset_chain *k = &rs->chain[i];

		sure |= k->drops > k->maybe;
		maybe |= k->maybe > 0 || k->policy_drop;
		reject |= k->rejects > 0;
		/* Another chain is another thing to check. */
		h = sig_str(h, k->family, sizeof(k->family));
		h = sig_str(h, k->table, sizeof(k->table));
		h = sig_str(h, k->chain, sizeof(k->chain));
		h = sig_num(h, k->hook);
		if (!detail)
			continue;
		h = sig_num(h, k->policy_drop);
		h = sig_num(h, (long)k->drops);
		h = sig_num(h, (long)k->rejects);
		h = sig_num(h, (long)k->maybe);
		h = sig_num(h, k->out | k->reply << 1);
	}
	h = sig_num(h, detail ? (long)rs->nchains : rs->nchains > 0);
	return sig_num(h, sure | maybe << 1 | reject << 2);
}

/*
 * Where the listener on `l` stands to the destination `dst`: 1 on it, 2
 * a wildcard that may take it (its family's, or IPv6's), 0 elsewhere.
 */
static int
listener_to(const struct diag_ip *l, const struct diag_ip *dst)
{
	if (diag_ip_eq(l, dst))
		return 1;
	if (diag_ip_any(l) && (l->family == dst->family ||
	    l->family == AF_INET6))
		return 2;
	return 0;
}

/* Onto `h`: the listeners of `f`, seen from its destination. */
static uint32_t
sig_listen(uint32_t h, const struct diag_facts *f, bool detail)
{
	const struct listen_fact *l = &f->listen;
	size_t i, kept = l->count < DIAG_LISTEN_MAX ? l->count :
	    DIAG_LISTEN_MAX;

	h = sig_num(h, l->protocol);
	h = sig_num(h, (long)(detail ? l->count : l->count > 0));
	for (i = 0; i < kept; i++) {
		h = sig_num(h, listener_to(&l->addr[i], &f->dst));
		h = sig_num(h, l->queued[i] > l->backlog[i]);
		if (detail)
			h = sig_ip(h, &l->addr[i]);
	}
	return h;
}

/* Onto `h`: the facts of a Unix path and of its socket. */
static uint32_t
sig_unix(uint32_t h, const struct diag_facts *f, bool detail)
{
	if (f->have & DIAG_PATH) {
		h = sig_num(h, f->path.kind);
		h = sig_num(h, f->path.uid == f->path.my_uid);
		if (detail) {
			h = sig_str(h, f->path.at, sizeof(f->path.at));
			h = sig_num(h, (long)f->path.mode);
			h = sig_num(h, (long)f->path.uid);
			h = sig_num(h, (long)f->path.gid);
		}
	}
	if (f->have & DIAG_UNIXPEER) {
		h = sig_num(h, f->unixpeer.found);
		h = sig_num(h, f->unixpeer.type);
		h = sig_num(h, f->unixpeer.listening);
		h = sig_num(h, f->unixpeer.queued > f->unixpeer.backlog);
	}
	if (f->have & DIAG_WHO) {
		h = sig_num(h, f->who.listed_not_held);
		if (detail)
			h = sig_num(h, (long)f->who.uid);
	}
	return h;
}

/* Onto `h`: the route, the neighbour and the source of `f`. */
static uint32_t
sig_route(uint32_t h, const struct diag_facts *f, bool detail)
{
	if (f->have & DIAG_ROUTE) {
		h = sig_num(h, f->route.type);
		h = sig_num(h, f->route.gateway.family != 0);
		if (detail) {
			h = sig_num(h, (long)f->route.table);
			h = sig_ip(h, &f->route.prefix);
			h = sig_num(h, (long)f->route.prefixlen);
			h = sig_str(h, f->route.dev, sizeof(f->route.dev));
			h = sig_ip(h, &f->route.gateway);
			h = sig_num(h, f->route.from_kernel);
		}
	}
	if (f->have & DIAG_NOROUTE)
		h = sig_num(h, f->noroute.has_default);
	if (f->have & DIAG_NEIGH) {
		h = sig_num(h, (long)f->neigh.state);
		h = sig_num(h, f->neigh.is_gateway);
		if (detail) {
			h = sig_ip(h, &f->neigh.addr);
			h = sig_str(h, f->neigh.dev, sizeof(f->neigh.dev));
		}
	}
	if (f->have & DIAG_SOURCE) {
		h = sig_num(h, f->source.assigned);
		if (detail)
			h = sig_ip(h, &f->source.addr);
	}
	return h;
}

/*
 * What the facts `f` of a failure say, as a hash of their fields, never
 * of their text; 0 when there are none.  With `detail`, all that a Found
 * line says but the target's own address and port: the route, the
 * listeners' addresses, the devices, the ruleset's chains that drop or
 * reject (ports refused alike are one group, a port with a listener on
 * another address another, a port dropped by another chain another).  Without it, only
 * what decides the cause: which facts there are, the route's type, where
 * the listeners stand to the destination, the ICMP type and code, what
 * the path walk found, the resolver's cause (a group whose cause was
 * explained above is not explained again).  When the diagnosis yields a
 * typed finding, its cause is the hash without `detail`.
 */
static uint32_t
facts_sig(const struct diag_facts *f, bool detail)
{
	uint32_t h = 2166136261u;

	if (f == NULL)
		return 0;
	h = sig_num(h, (long)f->have);
	h = sig_num(h, f->error);
	h = sig_num(h, f->deadline);
	h = sig_num(h, f->eai);
	h = sig_num(h, f->zone != 0);
	h = sig_route(h, f, detail);
	if (f->have & DIAG_LISTENERS)
		h = sig_listen(h, f, detail);
	if (f->have & DIAG_PORTRANGE) {
		h = sig_num(h, f->ports.in_use_known);
		if (detail) {
			h = sig_num(h, (long)f->ports.low);
			h = sig_num(h, (long)f->ports.high);
		}
	}
	if (f->have & DIAG_IPV6) {
		h = sig_num(h, f->ipv6.present);
		h = sig_num(h, f->ipv6.disable_all);
		h = sig_num(h, f->ipv6.global_addrs > 0);
		h = sig_num(h, f->ipv6.has_default);
	}
	if (f->have & DIAG_SCTP) {
		h = sig_num(h, f->sctp.proc_net_sctp);
		h = sig_num(h, f->sctp.module);
	}
	h = sig_unix(h, f, detail);
	if (f->have & DIAG_ICMP) {
		h = sig_num(h, f->icmp.family);
		h = sig_num(h, (long)f->icmp.type);
		h = sig_num(h, (long)f->icmp.code);
		h = sig_num(h, f->icmp.local);
		if (detail)
			h = sig_ip(h, &f->icmp.sender);
	}
	if (f->have & DIAG_OWNER) {
		h = sig_num(h, f->owner.pid == 0);
		h = sig_num(h, f->owner.state);
		if (detail)
			h = sig_num(h, f->owner.pid);
	}
	if (f->have & DIAG_RESOLVER)
		h = sig_num(h, f->resolver.cause);
	if (f->have & DIAG_RULESET)
		h = sig_ruleset(h, &f->ruleset, detail);
	return h != 0 ? h : 1;
}

/* Onto `h`: the text `str` (at most `max` bytes) without its digits, the
   numbers a message of libcurl carries (a port, milliseconds). */
static uint32_t
sig_words(uint32_t h, const char *str, size_t max)
{
	size_t i;

	for (i = 0; i < max && str[i] != '\0'; i++)
		if (str[i] < '0' || str[i] > '9')
			h = fnv(h, &str[i], 1);
	return fnv(h, "", 1);
}

/* Onto `h`: a certificate's facts. */
static uint32_t
sig_cert(uint32_t h, const struct ready_cert *c)
{
	h = sig_num(h, c->have);
	h = sig_str(h, c->subject, sizeof(c->subject));
	h = sig_str(h, c->issuer, sizeof(c->issuer));
	h = sig_str(h, c->names, sizeof(c->names));
	h = sig_num(h, (long)c->not_before);
	return sig_num(h, (long)c->not_after);
}

/*
 * Onto `h`: what the TLS or HTTP check `rf` of a failure found (nothing
 * for a success or no check).  Without `detail`, what decides its cause,
 * meaning and Check: the cause, the alert, the status, whether the
 * answer began, a CertificateRequest, a reset at once, an old version
 * chosen, a Location or none, an answer cut or its headers too long; with
 * it, all its Found lines say but the times of the
 * target's own connect: the certificates, the name, the status line, the
 * body, the listener's process, libcurl's message without its numbers.
 */
static uint32_t
sig_ready(uint32_t h, const struct ready_facts *rf, bool detail)
{
	size_t len;
	bool nul;

	if (rf == NULL || rf->status == 0)
		return h;
	h = sig_num(h, rf->status);
	h = sig_num(h, rf->cause);
	h = sig_num(h, (long)rf->what);
	h = sig_num(h, rf->alert);
	h = sig_num(h, rf->server_hello);
	h = sig_num(h, rf->http_status);
	h = sig_num(h, rf->status_line[0] != '\0');
	h = sig_num(h, rf->chain_sent);
	h = sig_num(h, rf->pid > 0 && rf->state == 'T');
	h = sig_num(h, rf->curl_code);
	h = sig_num(h, rf->cert_requested);
	h = sig_num(h, rf->at_once);
	h = sig_str(h, rf->chosen, sizeof(rf->chosen));
	h = sig_num(h, rf->location_len < 0 ? -1 : rf->location_len > 0);
	h = sig_num(h, rf->body_cut);
	h = sig_num(h, rf->headers_too_big);
	if (!detail)
		return h;
	h = sig_str(h, rf->name, sizeof(rf->name));
	h = sig_num(h, rf->verify);
	h = sig_num(h, rf->verify_depth);
	h = sig_cert(h, &rf->leaf);
	h = sig_cert(h, &rf->bad);
	h = sig_str(h, rf->cafile, sizeof(rf->cafile));
	h = sig_str(h, rf->capath, sizeof(rf->capath));
	h = sig_str(h, rf->offered, sizeof(rf->offered));
	h = fnv(h, rf->first, rf->nfirst);
	h = sig_str(h, rf->status_line, sizeof(rf->status_line));
	h = sig_str(h, rf->location, sizeof(rf->location));
	/* The first line as the words show it: not past a NUL. */
	len = ready_text_body_line(rf, &nul);
	h = fnv(h, rf->body_line, len < rf->nbody_line ? len : rf->nbody_line);
	h = sig_num(h, (long)len);
	h = sig_num(h, nul ? 2 : rf->body_crlf);	/* how it ends */
	h = sig_num(h, (long)rf->body_bytes);
	h = sig_num(h, rf->location_len);
	h = sig_num(h, (long)rf->body_announced);
	h = sig_num(h, rf->have_listener);
	h = sig_num(h, (long)rf->backlog);
	h = sig_num(h, rf->pid);
	h = sig_num(h, rf->state);
	h = sig_str(h, rf->comm, sizeof(rf->comm));
	return sig_words(h, rf->curl_error, sizeof(rf->curl_error));
}

/*
 * What a failure `r` with the facts `f` is: facts_sig() of its facts, and
 * onto it what its TLS or HTTP check found (a certificate expired on one
 * port and for another name on the next are two causes, as a 404 and a
 * 503 are); 0 when there are neither.
 */
static uint32_t
failure_sig(const struct diag_facts *f, const struct result *r,
    bool detail)
{
	uint32_t h = facts_sig(f, detail);

	if (r->ready == NULL || r->ready->status == 0)
		return h;
	h = sig_ready(h != 0 ? h : 2166136261u, r->ready, detail);
	return h != 0 ? h : 1;
}

static bool
key_eq(const struct summary_key *a, const struct summary_key *b)
{
	return a->code == b->code && a->err == b->err && a->how == b->how &&
	    a->facts == b->facts &&
	    strcmp(a->proto, b->proto) == 0 && strcmp(a->host, b->host) == 0;
}

/* FNV-1a over the key's text and numbers. */
static size_t
key_hash(const struct summary_key *k)
{
	const char *p;
	uint32_t h = 2166136261u;
	int v[4] = { k->code, k->err, k->how, (int)k->facts };
	size_t i;

	for (p = k->host; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (p = k->proto; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (i = 0; i < 4; i++)
		h = (h ^ (uint32_t)v[i]) * 16777619u;
	return h;
}

struct summary *
summary_new(bool invert)
{
	struct summary *s = calloc(1, sizeof(struct summary));

	if (s != NULL)
		s->invert = invert;
	return s;
}

void
summary_free(struct summary *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 1; i < s->n; i++) {
		result_free(&s->g[i].r);
		free(s->g[i].facts);
		free(s->g[i].ports);
	}
	free(s->g);
	free(s->bucket);
	free(s);
}

/* Rebuild the buckets of `s` for `nbucket` buckets; -1 out of memory. */
static int
rehash(struct summary *s, size_t nbucket)
{
	size_t *b = calloc(nbucket, sizeof(*b)), i, h;

	if (b == NULL)
		return -1;
	free(s->bucket);
	s->bucket = b;
	s->nbucket = nbucket;
	for (i = 1; i < s->n; i++) {
		h = key_hash(&s->g[i].key) & (nbucket - 1);
		s->g[i].chain = b[h];
		b[h] = i;
	}
	return 0;
}

/* The group of `k`, made when `make` and missing; 0 when none. */
static size_t
group_of(struct summary *s, const struct summary_key *k, bool make)
{
	struct summary_group *g;
	size_t i, h;

	if (s->nbucket > 0)
		for (i = s->bucket[key_hash(k) & (s->nbucket - 1)]; i != 0;
		    i = s->g[i].chain)
			if (key_eq(&s->g[i].key, k))
				return i;
	if (!make)
		return 0;
	if (s->n == 0)
		s->n = 1;	/* index 0 means none */
	if (s->n >= s->cap) {
		size_t cap = s->cap > 0 ? 2 * s->cap : 16;

		g = realloc(s->g, cap * sizeof(*g));
		if (g == NULL)
			return 0;
		s->g = g;
		s->cap = cap;
	}
	g = &s->g[s->n];
	memset(g, 0, sizeof(*g));
	g->key = *k;
	g->example = NO_EXAMPLE;
	g->first = SIZE_MAX;
	s->n++;
	if (s->n > s->nbucket) {	/* the new group is hashed with all */
		if (rehash(s, s->nbucket > 0 ? 2 * s->nbucket : 64) != 0) {
			s->n--;
			return 0;
		}
		return s->n - 1;
	}
	h = key_hash(k) & (s->nbucket - 1);
	g->chain = s->bucket[h];
	s->bucket[h] = s->n - 1;
	return s->n - 1;
}

bool
summary_claim(struct summary *s, size_t i, const struct target *t,
    const struct result *r)
{
	struct summary_key k = key_of(t, r, s->invert);
	size_t gi = group_of(s, &k, true);

	if (gi == 0)
		return true;
	if (i < s->g[gi].first)
		s->g[gi].first = i;
	if (s->g[gi].example == NO_EXAMPLE) {
		s->g[gi].example = i;
		s->g[gi].t = t;
	}
	return s->g[gi].example == i;
}

int
summary_add(struct summary *s, size_t i, const struct target *t,
    struct result *r, struct diag_facts **facts)
{
	struct summary_key k = key_of(t, r, s->invert);
	struct summary_group *g;
	size_t gi;

	/* A name's failure is one per host and code: its facts (the name
	   servers') are those of its first target, the others not asked. */
	if (k.code != 0 && result_last(r) != NULL)
		k.facts = failure_sig(*facts, r, true);
	gi = group_of(s, &k, true);

	if (gi == 0)
		return -1;
	g = &s->g[gi];
	if (i < g->first)
		g->first = i;
	if (g->example == NO_EXAMPLE) {
		g->example = i;
		g->t = t;
	}
	if (g->example == i && !g->taken && k.code != 0) {
		g->r = *r;
		memset(r, 0, sizeof(*r));
		g->facts = *facts;
		*facts = NULL;
		g->taken = true;
	}
	g->counted++;
	if (t->family == AF_UNIX || (g->nports > 0 &&
	    g->ports[g->nports - 1] == t->port))
		return 0;
	if (g->nports == g->cap) {
		size_t cap = g->cap > 0 ? 2 * g->cap : 8;
		uint16_t *p = realloc(g->ports, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		g->ports = p;
		g->cap = cap;
	}
	g->ports[g->nports++] = (uint16_t)t->port;
	return 0;
}

/*
 * The word of --wait's end for `r`: "up" when it connected (under
 * --invert: "gave up"), "down" when under --invert it stopped accepting
 * (`closed`), else "interrupted" or "gave up".
 */
static const char *
waited_word(const struct result *r, bool closed, const struct report_opts *o)
{
	if (result_connected(r) != NULL)
		return o->invert ? "gave up" : "up";
	if (closed)
		return "down";
	return o->stopped ? "interrupted" : "gave up";
}

void
summary_line(const struct target *t, const struct result *r,
    const struct report_opts *o)
{
	const struct result_attempt *ok = result_connected(r);
	const char *proto = target_proto_name(t->family, t->type);
	char place[512], waited[64] = "";
	int code = o->invert ? result_invert_status(r) : result_exit_status(r);
	/* --invert: a port closed is the success, one accepting the failure */
	bool closed = o->invert && result_closed(code);

	if (o->quiet || o->json)
		return;
	report_place(place, sizeof(place), t, r);
	/* --wait: which target gave up, and when (issue 23). */
	if (r->tries > 0 && r->signal == 0)
		snprintf(waited, sizeof(waited), "; %s after %.2f s, %u "
		    "attempt%s", waited_word(r, closed, o),
		    r->waited_ms / 1000.0, r->tries, r->tries == 1 ? "" : "s");
	if (ok == NULL) {
		fprintf(o->err, "%s (%s): ", place, proto);
		if (closed) {
			report_word(o->err, "not accepting", 0, o);
			fprintf(o->err, ": %s", report_outcome_word(r, code));
		} else
			report_word(o->err, report_outcome_word(r, code), code,
			    o);
		fprintf(o->err, "%s\n", waited);
		return;
	}
	fprintf(o->out, "%s (%s): ", place, proto);
	if (o->invert) {	/* its failure */
		report_word(o->out, "still accepting", ISOCK_EXIT_ACCEPTING, o);
		fprintf(o->out, ": %s", ok->probed ? "reply" : "connected");
	} else
		report_word(o->out, ok->probed ? "reply" : t->type ==
		    SOCK_DGRAM ? "association set" : "connected", 0, o);
	fprintf(o->out, " in %.3f ms%s\n", ok->probed ? r->ms : ok->ms,
	    waited);
}

static int
cmp_port(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return x < y ? -1 : x > y;
}

/* "1000-1002,1004-1009,1016": the ports of `g`, sorted and folded, onto
   `f`. */
static void
print_ranges(FILE *f, struct summary_group *g)
{
	size_t i, j, n = 0;

	qsort(g->ports, g->nports, sizeof(*g->ports), cmp_port);
	for (i = 0; i < g->nports; i++)	/* without repeats */
		if (n == 0 || g->ports[n - 1] != g->ports[i])
			g->ports[n++] = g->ports[i];
	g->nports = n;
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && g->ports[j] == g->ports[j - 1] + 1; j++)
			;
		fprintf(f, "%s%u", i > 0 ? "," : "", (unsigned)g->ports[i]);
		if (j - i > 1)
			fprintf(f, "-%u", (unsigned)g->ports[j - 1]);
	}
}

/* A cause explained above: what a failing group's meaning depends on. */
struct cause {
	const char *proto;
	int code, err, how;
	uint32_t facts;		/* failure_sig() without detail */
};

/* The causes explained so far in one summary_print(), and the errnos
   whose headline was said whole. */
struct causes {
	struct cause *v;
	size_t n;
	struct cause *said;
	size_t nsaid;
};

/*
 * True when group `g` fails with an errno whose headline ("connection
 * refused (ECONNREFUSED, errno 111)") an earlier group said; else note it
 * and answer false.  Only a plain errno: not a name's, a signal's or a
 * protocol check's failure.
 */
static bool
errno_said(struct causes *c, const struct summary_group *g)
{
	const struct result *r = &g->r;
	size_t i;

	if (r->eai != 0 || r->signal != 0 || g->key.err == 0 ||
	    (r->ready != NULL && r->ready->status != 0) ||
	    explain_lookup_errno(g->key.err) == NULL)
		return false;
	for (i = 0; i < c->nsaid; i++)
		if (c->said[i].code == g->key.code &&
		    c->said[i].err == g->key.err &&
		    c->said[i].how == g->key.how)
			return true;
	if (c->said != NULL) {
		c->said[c->nsaid].code = g->key.code;
		c->said[c->nsaid].err = g->key.err;
		c->said[c->nsaid++].how = g->key.how;
	}
	return false;
}

/*
 * True when the cause of group `g` was explained above; else note it
 * (when there is room: `c->v` holds one a group) and answer false.
 */
static bool
cause_said(struct causes *c, const struct summary_group *g)
{
	struct cause k = { g->key.proto, g->key.code, g->key.err, g->key.how,
	    failure_sig(g->facts, &g->r, false) };
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].code == k.code && c->v[i].err == k.err &&
		    c->v[i].how == k.how && c->v[i].facts == k.facts &&
		    strcmp(c->v[i].proto, k.proto) == 0)
			return true;
	if (c->v != NULL)
		c->v[c->n++] = k;
	return false;
}

/*
 * The part of headline `what` of result `r` that follows the outcome word
 * of a group's line: all of it, or less the errno's summary where that
 * only says the outcome word again ("refused: connection refused
 * (ECONNREFUSED, ...)" becomes "refused (ECONNREFUSED, ...)"); `*sep` is
 * what goes between.
 */
static const char *
what_tail(const char *what, const struct result *r, int code,
    const char **sep)
{
	const struct result_attempt *last = result_last(r);
	const struct explain_entry *e = r->eai == 0 && r->signal == 0 &&
	    (r->ready == NULL || r->ready->status == 0) && last != NULL ?
	    explain_lookup_errno(last->error) : NULL;
	const char *word = report_outcome_word(r, code);
	size_t n = e != NULL ? strlen(e->summary) : 0, w = strlen(word);

	*sep = ": ";
	if (e == NULL || n <= w || strncmp(what, e->summary, n) != 0 ||
	    strncmp(what + n, " (", 2) != 0 ||
	    strcmp(e->summary + n - w, word) != 0 ||
	    e->summary[n - w - 1] != ' ')
		return what;
	*sep = "";
	return what + n;
}

/*
 * --invert: what follows the ports of group `g`, closed (the run's
 * success), onto `f`: "not accepting: refused (ECONNREFUSED, errno 111)"
 * (the errno by its name alone when said before), and no detail, since
 * nothing was diagnosed and nothing is to be done.
 */
static void
print_closed(FILE *f, const struct summary_group *g, struct causes *c,
    const struct report_opts *o)
{
	char what[320];
	const char *sep = "", *tail = "";

	report_word(f, "not accepting", 0, o);
	if (!g->taken) {
		fprintf(f, ": %s\n",
		    exitcode_name((enum isock_exit)g->key.code));
		return;
	}
	fprintf(f, ": %s", report_outcome_word(&g->r, g->key.code));
	if (errno_said(c, g)) {
		fprintf(f, " (%s)\n", explain_lookup_errno(g->key.err)->name);
		return;
	}
	report_failure_what(what, sizeof(what), &g->r, o);
	tail = what_tail(what, &g->r, g->key.code, &sep);
	fprintf(f, "%s%s\n", sep, tail);
}

/*
 * The line of group `g` of a run under --invert or not (`invert`) and,
 * for a failure, what it is and its detail: the facts not said before,
 * the meaning and the Check.  A failure whose cause was explained under
 * an earlier group is its outcome word alone.  Under --invert a group
 * that accepted is the failure ("still accepting"), on `o->err`, and one
 * closed the success, on `o->out`.
 */
static void
print_group(struct summary_group *g, bool invert, unsigned show,
    struct causes *c, const struct report_opts *o)
{
	bool closed = invert && result_closed(g->key.code);
	FILE *f = (g->key.code == 0 && !invert) || closed ? o->out : o->err;
	char *host, what[320], *buf = NULL;
	const char *sep, *tail;
	FILE *ranges;
	size_t len;

	if (g->counted == 0 || (show & (g->key.code == 0 ? SUMMARY_CONNECTED :
	    SUMMARY_FAILED)) == 0)
		return;
	host = text_escape_dup(g->key.host);
	fprintf(f, "%s (%s): ", host != NULL ? host : "?", g->key.proto);
	free(host);
	if (g->nports > 0) {
		print_ranges(f, g);
		fputc(' ', f);
	}
	if (closed) {
		print_closed(f, g, c, o);
		return;
	}
	if (g->key.code == 0 && invert) {
		report_word(f, "still accepting", ISOCK_EXIT_ACCEPTING, o);
		fputs(": connected\n", f);
		return;
	}
	if (g->key.code == 0 || !g->taken) {
		report_word(f, g->key.code == 0 ? "connected" :
		    exitcode_name(g->key.code >= ISOCK_EXIT_SIGNAL ?
		    ISOCK_EXIT_SIGNAL : (enum isock_exit)g->key.code),
		    g->key.code, o);
		fputc('\n', f);
		return;
	}
	report_word(f, report_outcome_word(&g->r, g->key.code), g->key.code,
	    o);
	if (cause_said(c, g)) {
		fputs(", as above\n", f);
		return;
	}
	if (errno_said(c, g)) {
		/* Its general text was said above: its name only. */
		fprintf(f, " (%s)\n", explain_lookup_errno(g->key.err)->name);
	} else {
		report_failure_what(what, sizeof(what), &g->r, o);
		tail = what_tail(what, &g->r, g->key.code, &sep);
		fprintf(f, "%s%s\n", sep, tail);
	}
	/* The facts that hold for each port alike name the group's. */
	if (g->nports > 1 && (ranges = open_memstream(&buf, &len)) != NULL) {
		print_ranges(ranges, g);
		if (fclose(ranges) != 0) {
			free(buf);
			buf = NULL;
		}
	}
	facts_text_ports(buf, g->nports);
	report_failure_detail(g->t, &g->r, g->facts, o);
	facts_text_ports(NULL, 0);
	free(buf);
}

/* Order of printing: hosts as first seen, then their groups, each in
   input order (of its first target). */
struct order {
	size_t first;		/* the first target of its host and protocol */
	size_t i;
	const struct summary_group *g;
};

static int
cmp_hostproto(const void *a, const void *b)
{
	const struct order *x = a, *y = b;
	int c = strcmp(x->g->key.host, y->g->key.host);

	if (c == 0)
		c = strcmp(x->g->key.proto, y->g->key.proto);
	return c != 0 ? c : x->g->first < y->g->first ? -1 :
	    x->g->first > y->g->first;
}

static int
cmp_order(const void *a, const void *b)
{
	const struct order *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->g->first < y->g->first ? -1 : x->g->first > y->g->first;
}

void
summary_print(const struct summary *s, unsigned show,
    const struct report_opts *o)
{
	struct order *v;
	struct causes c = { NULL, 0, NULL, 0 };
	size_t n = s->n > 0 ? s->n - 1 : 0, i;

	if (o->quiet || o->json || n == 0)
		return;
	v = calloc(n, sizeof(*v));
	if (v == NULL)
		return;
	c.v = calloc(n, sizeof(*c.v));	/* NULL: each explained */
	c.said = calloc(n, sizeof(*c.said));
	for (i = 0; i < n; i++) {
		v[i].i = i + 1;
		v[i].g = &s->g[i + 1];
	}
	qsort(v, n, sizeof(*v), cmp_hostproto);
	for (i = 0; i < n; i++)
		v[i].first = i > 0 && strcmp(v[i].g->key.host,
		    v[i - 1].g->key.host) == 0 && strcmp(v[i].g->key.proto,
		    v[i - 1].g->key.proto) == 0 ? v[i - 1].first : v[i].g->first;
	qsort(v, n, sizeof(*v), cmp_order);
	for (i = 0; i < n; i++) {
		print_group(&s->g[v[i].i], s->invert, show, &c, o);
		/* In order across stdout and stderr. */
		fflush(o->out);
		fflush(o->err);
	}
	free(c.said);
	free(c.v);
	free(v);
}

void
summary_progress(FILE *tty, size_t done, size_t n,
    const unsigned long *count, double ms)
{
	const char *sep = ": ";
	int c;

	fprintf(tty, "\r\033[K%zu/%zu done", done, n);
	for (c = 0; c <= ISOCK_EXIT_MAX + 1; c++)
		if (count[c] > 0) {
			fprintf(tty, "%s%lu %s", sep, count[c], c > ISOCK_EXIT_MAX ?
			    "interrupted" : exitcode_name((enum isock_exit)c));
			sep = ", ";
		}
	fprintf(tty, "; %.1f s elapsed", ms / 1000.0);
	fflush(tty);
}

void
summary_waiting(FILE *tty, const struct target *t,
    const struct result *r, double ms, long limit_ms, unsigned tries)
{
	char *host = text_escape_dup(t->host), limit[32];
	const char *h = host != NULL ? host : "?";

	if (limit_ms > 0)
		snprintf(limit, sizeof(limit), " of %.3g s",
		    (double)limit_ms / 1000.0);
	else
		snprintf(limit, sizeof(limit), " (no limit)");
	fputs("\r\033[K", tty);
	if (t->family == AF_UNIX)
		fprintf(tty, "%s: ", h);
	else
		fprintf(tty, strchr(h, ':') != NULL ? "[%s]:%u: " : "%s:%u: ",
		    h, (unsigned)t->port);
	fprintf(tty, "%.1f s%s, %u attempt%s, last: %s", ms / 1000.0, limit,
	    tries, tries == 1 ? "" : "s", report_outcome_word(r,
	    result_exit_status(r)));
	fflush(tty);
	free(host);
}
