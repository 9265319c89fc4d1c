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
#include "facts_text.h"
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
	uint32_t facts;		/* a hash of what the facts say, the
				   target's own port left out; 0: none */
};

struct summary_group {
	struct summary_key key;
	const struct target *t;		/* the target standing for it */
	size_t example;			/* its index, NO_EXAMPLE: none yet */
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
};

/* The group key of `r`, a result of `t`. */
static struct summary_key
key_of(const struct target *t, const struct result *r)
{
	const struct result_attempt *last = result_last(r);
	struct summary_key k;

	memset(&k, 0, sizeof(k));
	k.host = t->host;
	k.proto = target_proto_name(t->family, t->type);
	k.code = result_exit_status(r);
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

/*
 * What the facts of a failure of `t` say, as a hash: their sentences and
 * the advice they decide, with the target's own port left out, so that
 * ports refused alike are one failure and a port with a listener on
 * another address is another.  0 when there are no facts.
 */
static uint32_t
facts_sig(const struct target *t, const struct diag_facts *facts)
{
	char lines[12][DIAG_LINE_MAX], mean[2 * DIAG_LINE_MAX];
	char check[2 * DIAG_LINE_MAX], port[8];
	const char *p, *q;
	uint32_t h = 2166136261u;
	size_t i, n, plen;

	if (facts == NULL)
		return 0;
	n = facts_text_lines(facts, lines, 12);
	facts_text_advice(facts, mean, sizeof(mean), check, sizeof(check));
	plen = (size_t)snprintf(port, sizeof(port), "%u", t->port);
	for (i = 0; i < n + 2; i++) {
		p = i < n ? lines[i] : i == n ? mean : check;
		/* Each whole number equal to the port counts as "#". */
		while ((q = strstr(p, port)) != NULL) {
			h = fnv(h, p, (size_t)(q - p));
			if ((q > p && q[-1] >= '0' && q[-1] <= '9') ||
			    (q[plen] >= '0' && q[plen] <= '9'))
				h = fnv(h, q, plen);
			else
				h = fnv(h, "#", 1);
			p = q + plen;
		}
		h = fnv(h, p, strlen(p) + 1);
	}
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
summary_new(void)
{
	return calloc(1, sizeof(struct summary));
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
	struct summary_key k = key_of(t, r);
	size_t gi = group_of(s, &k, true);

	if (gi == 0)
		return true;
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
	struct summary_key k = key_of(t, r);
	struct summary_group *g;
	size_t gi;

	/* A name's failure is one per host and code: its facts (the name
	   servers') are those of its first target, the others not asked. */
	if (k.code != 0 && result_last(r) != NULL)
		k.facts = facts_sig(t, *facts);
	gi = group_of(s, &k, true);

	if (gi == 0)
		return -1;
	g = &s->g[gi];
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
 * The word of an outcome: "connected", "refused", ..., "no answer" for a
 * datagram nobody answered, "interrupted", "not tried".
 */
static const char *
outcome_word(const struct result *r, int code)
{
	const struct result_attempt *last = result_last(r);

	if (r->signal != 0 && result_connected(r) == NULL)
		return "interrupted";
	if (last == NULL && r->eai == 0 && r->state != RESULT_FINISHED)
		return "not tried";
	if (code != 0 && last != NULL && last->probed && last->deadline)
		return "no answer";
	return exitcode_name(code >= ISOCK_EXIT_SIGNAL ? ISOCK_EXIT_SIGNAL :
	    (enum isock_exit)code);
}

void
summary_line(const struct target *t, const struct result *r,
    const struct report_opts *o)
{
	const struct result_attempt *ok = result_connected(r);
	const char *proto = target_proto_name(t->family, t->type);
	char place[512], waited[64] = "";

	if (o->quiet || o->json)
		return;
	report_place(place, sizeof(place), t, r);
	/* --wait: which target gave up, and when (issue 23). */
	if (r->tries > 0 && r->signal == 0)
		snprintf(waited, sizeof(waited), "; %s after %.2f s, %u "
		    "attempt%s", ok != NULL ? "up" : o->stopped ?
		    "interrupted" : "gave up", r->waited_ms / 1000.0, r->tries,
		    r->tries == 1 ? "" : "s");
	if (ok == NULL) {
		fprintf(o->err, "%s (%s): ", place, proto);
		report_word(o->err, outcome_word(r, result_exit_status(r)),
		    result_exit_status(r), o);
		fprintf(o->err, "%s\n", waited);
		return;
	}
	fprintf(o->out, "%s (%s): ", place, proto);
	report_word(o->out, ok->probed ? "reply" : t->type == SOCK_DGRAM ?
	    "association set" : "connected", 0, o);
	fprintf(o->out, " in %.3f ms%s\n", ok->probed ? r->ms : ok->ms,
	    waited);
}

static int
cmp_port(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return x < y ? -1 : x > y;
}

/* "1000-1002,1004-1009,1016": the ports of `g`, sorted and folded. */
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
	fputc(' ', f);
}

/* The line of group `g` and, for a failure, what it is and its detail. */
static void
print_group(struct summary_group *g, bool connected,
    const struct report_opts *o)
{
	FILE *f = g->key.code == 0 ? o->out : o->err;
	char *host, what[320];

	if (g->counted == 0 || (g->key.code == 0 && !connected))
		return;
	host = text_escape_dup(g->key.host);
	fprintf(f, "%s (%s): ", host != NULL ? host : "?", g->key.proto);
	free(host);
	if (g->nports > 0)
		print_ranges(f, g);
	if (g->key.code == 0 || !g->taken) {
		report_word(f, g->key.code == 0 ? "connected" :
		    exitcode_name(g->key.code >= ISOCK_EXIT_SIGNAL ?
		    ISOCK_EXIT_SIGNAL : (enum isock_exit)g->key.code),
		    g->key.code, o);
		fputc('\n', f);
		return;
	}
	report_word(f, outcome_word(&g->r, g->key.code), g->key.code, o);
	report_failure_what(what, sizeof(what), &g->r, o);
	fprintf(f, ": %s\n", what);
	report_failure_detail(g->t, &g->r, g->facts, o);
}

/* Order of printing: host and protocol as first seen, connected first. */
struct order {
	size_t first;		/* the first group of its host and protocol */
	size_t i;
	const struct summary_key *k;
};

static int
cmp_hostproto(const void *a, const void *b)
{
	const struct order *x = a, *y = b;
	int c = strcmp(x->k->host, y->k->host);

	if (c == 0)
		c = strcmp(x->k->proto, y->k->proto);
	return c != 0 ? c : x->i < y->i ? -1 : x->i > y->i;
}

static int
cmp_order(const void *a, const void *b)
{
	const struct order *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	if ((x->k->code == 0) != (y->k->code == 0))
		return x->k->code == 0 ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

void
summary_print(const struct summary *s, bool connected,
    const struct report_opts *o)
{
	struct order *v;
	size_t n = s->n > 0 ? s->n - 1 : 0, i;

	if (o->quiet || o->json || n == 0)
		return;
	v = calloc(n, sizeof(*v));
	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		v[i].i = i + 1;
		v[i].k = &s->g[i + 1].key;
	}
	qsort(v, n, sizeof(*v), cmp_hostproto);
	for (i = 0; i < n; i++)
		v[i].first = i > 0 && strcmp(v[i].k->host, v[i - 1].k->host) ==
		    0 && strcmp(v[i].k->proto, v[i - 1].k->proto) == 0 ?
		    v[i - 1].first : v[i].i;
	qsort(v, n, sizeof(*v), cmp_order);
	for (i = 0; i < n; i++) {
		print_group(&s->g[v[i].i], connected, o);
		/* In order across stdout and stderr. */
		fflush(o->out);
		fflush(o->err);
	}
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
