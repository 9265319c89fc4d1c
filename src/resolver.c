/* SPDX-License-Identifier: ISC */
/*
 * resolver.c: the resolver's configuration and why a name did not
 * resolve, read off resolv.conf, one more look-up and queries of our own.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "clock.h"
#include "explain.h"
#include "isocket.h"
#include "loop.h"
#include "payload.h"
#include "resolve.h"
#include "resolver.h"

#define RESOLV_CONF "/etc/resolv.conf"
#define RESOLV_CONF_MAX 65536
#define DNS_QTYPE_A 1
#define DNS_QTYPE_AAAA 28
#define DNS_RCODE_NOERROR 0
#define DNS_RCODE_NXDOMAIN 3
/* How long the servers' answers are waited for, at most. */
#define RESOLVER_WAIT_MS 3000
/*
 * A server that gave no answer (silence for at least RESOLVER_QUIET_MS, or
 * an error such as ICMP port unreachable) says nothing about any name: the
 * other names of the run are not sent to it for RESOLVER_KEEP_MS, and take
 * what it did (issue 19: 60 names behind a silent server each waited out
 * the diagnosis's budget, one after another).  An answer is about its name
 * only and is never reused.
 */
#define RESOLVER_QUIET_MS 100
#define RESOLVER_KEEP_MS 2000
#define RESOLVER_KEPT_MAX 8

/* What a server that did not answer did, and until when it holds. */
struct kept_server {
	struct sockaddr_storage addr;
	int error;			/* ETIMEDOUT, ECONNREFUSED, ... */
	long waited_ms;			/* ETIMEDOUT: the silence it kept */
	struct timespec until;
};
static struct kept_server kept[RESOLVER_KEPT_MAX];

/* The value of "NAME:N" in `opt` when it starts with `name`, capped. */
static void
conf_option(const char *opt, const char *name, int max, int *value)
{
	size_t len = strlen(name);
	char *end;
	long v;

	if (strncmp(opt, name, len) != 0 || opt[len] != ':')
		return;
	errno = 0;
	v = strtol(opt + len + 1, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0)
		return;
	*value = v > max ? max : (int)v;
}

/* Add the address `text` (with an optional %zone) to the servers. */
static void
conf_server(struct resolver_conf *c, char *text)
{
	struct sockaddr_in6 *s6;
	struct sockaddr_in *s4;
	struct sockaddr_storage ss;
	char *zone = strchr(text, '%');

	memset(&ss, 0, sizeof(ss));
	s4 = (struct sockaddr_in *)(void *)&ss;
	s6 = (struct sockaddr_in6 *)(void *)&ss;
	if (zone != NULL)
		*zone++ = '\0';
	if (inet_pton(AF_INET, text, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(53);
	} else if (inet_pton(AF_INET6, text, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(53);
		if (zone != NULL)
			s6->sin6_scope_id = if_nametoindex(zone);
	} else
		return;		/* glibc skips what it cannot parse */
	if (c->nservers == RESOLVER_MAX_SERVERS) {
		c->nignored++;
		return;
	}
	c->servers[c->nservers++] = ss;
}

/* Take one line of resolv.conf (NUL-terminated, no newline). */
static void
conf_line(struct resolver_conf *c, char *line)
{
	static const char blanks[] = " \t\r";
	char *save = NULL, *key, *word;
	size_t len;

	key = strtok_r(line, blanks, &save);
	if (key == NULL || *key == '#' || *key == ';')
		return;
	if (strcmp(key, "nameserver") == 0) {
		word = strtok_r(NULL, blanks, &save);
		if (word != NULL)
			conf_server(c, word);
	} else if (strcmp(key, "search") == 0 || strcmp(key, "domain") == 0) {
		/* The last search or domain line wins. */
		c->nsearch = 0;
		while ((word = strtok_r(NULL, blanks, &save)) != NULL &&
		    c->nsearch < RESOLVER_MAX_SEARCH) {
			if (*word == '#' || *word == ';')
				break;
			snprintf(c->search[c->nsearch++], RESOLVER_NAME_MAX,
			    "%s", word);
			if (strcmp(key, "domain") == 0)
				break;
		}
	} else if (strcmp(key, "options") == 0) {
		while ((word = strtok_r(NULL, blanks, &save)) != NULL) {
			len = strlen(c->options);
			if (len + 1 + strlen(word) < sizeof(c->options))
				snprintf(c->options + len,
				    sizeof(c->options) - len, "%s%s",
				    len > 0 ? " " : "", word);
			conf_option(word, "timeout", 30, &c->timeout_s);
			conf_option(word, "attempts", 5, &c->attempts);
			conf_option(word, "ndots", 15, &c->ndots);
		}
	}
}

/*
 * As glibc does, take the environment variable `var` as a line `key` of
 * resolv.conf read after the file (LOCALDOMAIN replaces the search list,
 * RES_OPTIONS adds options); true when it was set and not empty.
 */
static bool
conf_env(struct resolver_conf *c, const char *var, const char *key)
{
	const char *value = getenv(var);
	char line[1024];

	if (value == NULL || *value == '\0')
		return false;
	snprintf(line, sizeof(line), "%s %s", key, value);
	conf_line(c, line);
	return true;
}

/* Read all of the regular file on `fd`, up to RESOLV_CONF_MAX bytes. */
static char *
conf_slurp(int fd, int *err)
{
	struct stat st;
	size_t have = 0;
	ssize_t n;
	char *buf;

	if (fstat(fd, &st) < 0) {
		*err = errno;
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		*err = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return NULL;
	}
	buf = malloc(RESOLV_CONF_MAX + 1);
	if (buf == NULL) {
		*err = ENOMEM;
		return NULL;
	}
	while (have < RESOLV_CONF_MAX) {
		n = read(fd, buf + have, RESOLV_CONF_MAX - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*err = errno;
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	buf[have] = '\0';
	return buf;
}

void
resolver_conf_read(const char *path, struct resolver_conf *c)
{
	struct sockaddr_in *lo;
	char *buf, *line, *next;
	int fd;

	memset(c, 0, sizeof(*c));
	c->timeout_s = 5;
	c->attempts = 2;
	c->ndots = 1;
	fd = open(path != NULL ? path : RESOLV_CONF,
	    O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		c->error = errno;
	else {
		buf = conf_slurp(fd, &c->error);
		close(fd);
		for (line = buf; line != NULL; line = next) {
			next = strchr(line, '\n');
			if (next != NULL)
				*next++ = '\0';
			conf_line(c, line);
		}
		free(buf);
	}
	c->env_search = conf_env(c, "LOCALDOMAIN", "search");
	c->env_options = conf_env(c, "RES_OPTIONS", "options");
	if (c->nservers == 0) {
		c->default_server = true;
		lo = (struct sockaddr_in *)(void *)&c->servers[0];
		lo->sin_family = AF_INET;
		lo->sin_port = htons(53);
		lo->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		c->nservers = 1;
	}
}

/* One server's query in flight. */
struct query {
	ISocket s;
	unsigned char req[300];
	size_t reqlen;
};

/* Open a socket to server `i`, send it the query; false when it failed. */
static bool
query_send(struct resolver_facts *f, struct query *q, size_t i,
    const char *name, uint16_t qtype)
{
	struct resolver_server *r = &f->asked[i];
	const struct sockaddr *sa = (const struct sockaddr *)&r->addr;

	r->addr = f->conf.servers[i];
	isocket_init(&q->s);
	q->reqlen = payload_dns_query(q->req, sizeof(q->req), name, qtype,
	    true);
	if (q->reqlen == 0) {
		r->error = EINVAL;
		return false;
	}
	if (isocket_open(&q->s, sa->sa_family, SOCK_DGRAM | SOCK_NONBLOCK,
	    0) < 0 || isocket_connect(&q->s, sa) < 0) {
		r->error = q->s.failure;
		isocket_close(&q->s);
		return false;
	}
	if (send(q->s.fd, q->req, q->reqlen, 0) < 0) {
		r->error = errno;
		isocket_close(&q->s);
		return false;
	}
	r->error = ETIMEDOUT;	/* until it answers */
	return true;
}

/* Read what came for `q`; true when the server is done (answer or error). */
static bool
query_recv(struct resolver_server *r, struct query *q)
{
	unsigned char rep[512];
	ssize_t n;
	int rcode;

	n = recv(q->s.fd, rep, sizeof(rep), MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return false;
		r->error = errno;	/* ECONNREFUSED: nothing on port 53 */
		return true;
	}
	rcode = payload_dns_rcode(q->req, q->reqlen, rep, (size_t)n,
	    &r->answers);
	if (rcode < 0)
		return false;		/* not the answer to our query */
	r->answered = true;
	r->rcode = rcode;
	r->error = 0;
	return true;
}

/* The place of `addr` among the kept servers still valid, or -1. */
static int
kept_find(const struct sockaddr_storage *addr)
{
	size_t i;

	for (i = 0; i < RESOLVER_KEPT_MAX; i++)
		if (kept[i].addr.ss_family != 0 &&
		    clock_ms_until(&kept[i].until) > 0 &&
		    memcmp(&kept[i].addr, addr, sizeof(*addr)) == 0)
			return (int)i;
	return -1;
}

/* Keep what server `r` did, when it was no answer about the name. */
static void
kept_add(const struct resolver_server *r, long waited_ms)
{
	size_t i, at = 0;

	if (r->answered || r->error == 0 || (r->error == ETIMEDOUT &&
	    waited_ms < RESOLVER_QUIET_MS) || kept_find(&r->addr) >= 0)
		return;
	for (i = 0; i < RESOLVER_KEPT_MAX; i++)	/* the free or oldest */
		if (kept[i].addr.ss_family == 0 ||
		    clock_ms_between(&kept[at].until, &kept[i].until) < 0)
			at = i;
	kept[at].addr = r->addr;
	kept[at].error = r->error;
	kept[at].waited_ms = waited_ms;
	kept[at].until = clock_add_ms(clock_now(), RESOLVER_KEEP_MS);
}

/* The cause the servers' answers give. */
static enum resolver_cause
cause_of(const struct resolver_facts *f)
{
	bool noerror = false, answered = false, found = false;
	size_t i;

	for (i = 0; i < f->nasked; i++) {
		if (!f->asked[i].answered)
			continue;
		answered = true;
		if (f->asked[i].rcode == DNS_RCODE_NXDOMAIN)
			return RESOLVER_NXDOMAIN;
		if (f->asked[i].rcode == DNS_RCODE_NOERROR) {
			noerror = true;
			if (f->asked[i].answers > 0)
				found = true;
		}
	}
	if (found)
		return RESOLVER_UNKNOWN;	/* it answers now */
	if (noerror)
		return RESOLVER_NO_ADDRESS;
	if (answered)
		return RESOLVER_SERVER_ERROR;
	return f->nasked > 0 ? RESOLVER_NO_ANSWER : RESOLVER_UNKNOWN;
}

/*
 * The asynchronous facts (issue 19): an ask is a set of waiters of the
 * loop current when it started: the look-up without the family (the
 * resolver's descriptor, until half the time), one socket a server asked
 * (no deadline of its own), and one timer: the end of the servers' wait,
 * replaced by a timer of 0 ms once everything is done.  Every ask ends in
 * ask_end(), from that timer or from resolver_ask_stop().
 *
 * A server that is being asked by another ask on the same loop is not
 * asked again: the second ask's slot waits for the first one's query.  If
 * that ends with an answer (about the first name only), the waiting slots
 * send their own queries at once; if it ends in silence or an error, they
 * take what kept_add() kept; if it ends with nothing to keep (stopped, or
 * too soon to tell), they start over (the first sends, the others wait).
 */
enum slot_state {
	SLOT_DONE,		/* its resolver_server is final */
	SLOT_SENT,		/* its query is in flight */
	SLOT_WAITING,		/* waits for another ask's query to it */
};

/* One server of an ask. */
struct slot {
	enum slot_state state;
	struct query q;
	int id;			/* the socket's waiter, or -1 */
	struct timespec sent;	/* SENT, WAITING: when the query went */
};

struct resolver_ask {
	struct resolver_ask *next;	/* the asks not ended */
	struct loop *l;
	struct resolver_facts *f;
	char *name;
	uint16_t qtype;
	int family;			/* the family asked for */
	struct target any;		/* the look-up without it */
	struct resolve *rs;		/* NULL: no look-up (or over) */
	int rs_id, rs_waiter;
	int timer_id;			/* its timer, -1: none */
	bool done;			/* the timer is of 0 ms */
	bool starting;			/* its slots are not all begun */
	struct slot slot[RESOLVER_MAX_SERVERS];
	resolver_ask_fn *fn;
	void *arg;
};

static struct resolver_ask *asks;

static void ask_on_query(void *arg, short revents);
static void ask_on_timer(void *arg, short revents);
static void slot_begin(struct resolver_ask *a, size_t i);

/*
 * Once nothing of `a` is left to wait for, its end through the loop: a
 * timer of 0 ms in place of the one it has (out of memory: that one).
 */
static void
ask_check(struct resolver_ask *a)
{
	size_t i;
	int id;

	if (a->done || a->starting || a->rs != NULL)
		return;
	for (i = 0; i < a->f->nasked; i++)
		if (a->slot[i].state != SLOT_DONE)
			return;
	if ((id = loop_add(a->l, -1, 0, clock_now(), ask_on_timer, a)) < 0)
		return;
	loop_del(a->l, a->timer_id);
	a->timer_id = id;
	a->done = true;
}

/* Send slot `i` of `a` its own query. */
static void
slot_send(struct resolver_ask *a, size_t i)
{
	struct slot *sl = &a->slot[i];
	struct resolver_server *r = &a->f->asked[i];

	sl->state = SLOT_DONE;
	if (!query_send(a->f, &sl->q, i, a->name, a->qtype)) {
		if (sl->q.reqlen > 0)	/* the server's fault, not the name's */
			kept_add(r, 0);
		return;
	}
	sl->id = loop_add(a->l, sl->q.s.fd, POLLIN, (struct timespec){ 0, 0 },
	    ask_on_query, a);
	if (sl->id < 0) {
		isocket_close(&sl->q.s);
		r->error = ENOMEM;
		return;
	}
	sl->sent = clock_now();
	sl->state = SLOT_SENT;
}

/*
 * The query of another ask to `addr` on `l` has ended, `answered` or not:
 * the slots that waited for it go on (see above).
 */
static void
server_settled(const struct loop *l, const struct sockaddr_storage *addr,
    bool answered)
{
	struct resolver_ask *b;
	size_t i;

	for (b = asks; b != NULL; b = b->next) {
		if (b->l != l)
			continue;
		for (i = 0; i < b->f->nasked; i++) {
			if (b->slot[i].state != SLOT_WAITING ||
			    memcmp(&b->f->asked[i].addr, addr,
			    sizeof(*addr)) != 0)
				continue;
			if (answered)
				slot_send(b, i);
			else
				slot_begin(b, i);
			ask_check(b);
		}
	}
}

/*
 * Slot `i` of `a`: what is kept for its server, else a wait for another
 * ask's query to it, else a query of its own.
 */
static void
slot_begin(struct resolver_ask *a, size_t i)
{
	struct resolver_server *r = &a->f->asked[i];
	struct resolver_ask *b;
	size_t j;
	int k;

	r->addr = a->f->conf.servers[i];
	if ((k = kept_find(&r->addr)) >= 0) {
		r->error = kept[k].error;
		r->waited_ms = kept[k].waited_ms;
		a->slot[i].state = SLOT_DONE;
		return;
	}
	for (b = asks; b != NULL; b = b->next)
		for (j = 0; b != a && b->l == a->l && j < b->f->nasked; j++)
			if (b->slot[j].state == SLOT_SENT &&
			    memcmp(&b->f->asked[j].addr, &r->addr,
			    sizeof(r->addr)) == 0) {
				r->error = ETIMEDOUT;	/* until told */
				a->slot[i].state = SLOT_WAITING;
				a->slot[i].sent = b->slot[j].sent;
				return;
			}
	slot_send(a, i);
}

/* End slot `i` of `a` (its query's answer read, or given up). */
static void
slot_end(struct resolver_ask *a, size_t i)
{
	struct slot *sl = &a->slot[i];
	struct resolver_server *r = &a->f->asked[i];
	struct timespec now = clock_now();
	enum slot_state was = sl->state;

	sl->state = SLOT_DONE;
	if (was == SLOT_DONE)
		return;
	r->waited_ms = (long)clock_ms_between(&sl->sent, &now);
	if (was == SLOT_WAITING)
		r->error = ETIMEDOUT;
	if (was != SLOT_SENT)
		return;
	loop_del(a->l, sl->id);
	sl->id = -1;
	isocket_close(&sl->q.s);
	kept_add(r, r->waited_ms);
	server_settled(a->l, &r->addr, r->answered);
}

/* A server's socket of an ask is readable: its answer, or an error. */
static void
ask_on_query(void *arg, short revents)
{
	struct resolver_ask *a = arg;
	size_t i;

	(void)revents;
	for (i = 0; i < a->f->nasked; i++)
		if (a->slot[i].state == SLOT_SENT &&
		    query_recv(&a->f->asked[i], &a->slot[i].q))
			slot_end(a, i);
	ask_check(a);
}

/* The look-up without the family: ended, or out of time (revents 0). */
static void
ask_on_lookup(void *arg, short revents)
{
	struct resolver_ask *a = arg;
	const struct target_addr *addrs = NULL;
	size_t n = 0, i;
	int rc = EAI_INPROGRESS, sys;

	if (revents != 0) {
		resolve_collect(a->rs);
		rc = resolve_result(a->rs, a->rs_id, &addrs, &n, &sys);
		if (rc == EAI_INPROGRESS)
			return;
		loop_del(a->l, a->rs_waiter);
	}
	a->rs_waiter = -1;
	for (i = 0; rc == 0 && i < n && a->f->other_family == 0; i++)
		if (addrs[i].ss.ss_family != a->family)
			a->f->other_family = addrs[i].ss.ss_family;
	resolve_free(a->rs);
	a->rs = NULL;
	ask_check(a);
}

/*
 * Start the look-up of `t` without its family, until `half` (a->rs stays
 * NULL when there is nothing to wait for: no look-up, or its answer came
 * at once).
 */
static void
ask_lookup(struct resolver_ask *a, const struct target *t,
    struct timespec half)
{
	char *cause = NULL;

	a->any = *t;
	a->any.host = a->name;
	a->any.family = AF_UNSPEC;
	if ((a->rs = resolve_new(&cause)) == NULL) {
		free(cause);
		return;
	}
	a->rs_id = resolve_start(a->rs, &a->any);
	if (a->rs_id >= 0)
		a->rs_waiter = loop_add(a->l, resolve_fd(a->rs), POLLIN, half,
		    ask_on_lookup, a);
	if (a->rs_id < 0 || a->rs_waiter < 0) {
		resolve_free(a->rs);
		a->rs = NULL;
		return;
	}
	/* A look-up refused at once has its outcome now. */
	ask_on_lookup(a, POLLIN);
}

/* Take `a` off the list of asks not ended. */
static void
ask_unlink(struct resolver_ask *a)
{
	struct resolver_ask **p;

	for (p = &asks; *p != NULL; p = &(*p)->next)
		if (*p == a) {
			*p = a->next;
			return;
		}
}

/*
 * End `a` with what it has: what still waits is given up (a server not
 * heard from has not answered), its waiters removed, `fn` called, `a`
 * freed.
 */
static void
ask_end(struct resolver_ask *a)
{
	size_t i;

	ask_unlink(a);
	loop_del(a->l, a->timer_id);
	loop_del(a->l, a->rs_waiter);
	resolve_free(a->rs);
	for (i = 0; i < a->f->nasked; i++)
		slot_end(a, i);
	if (a->f->nasked > 0)
		a->f->cause = a->f->other_family != 0 ?
		    RESOLVER_OTHER_FAMILY : cause_of(a->f);
	a->fn(a->arg);
	free(a->name);
	free(a);
}

/* The timer of `a`: everything is done, or the servers' wait is over. */
static void
ask_on_timer(void *arg, short revents)
{
	struct resolver_ask *a = arg;

	(void)revents;
	a->timer_id = -1;	/* the loop removed it */
	ask_end(a);
}

struct resolver_ask *
resolver_ask_start(const struct target *t, int eai,
    const struct timespec *deadline, const char *conf_path,
    struct resolver_facts *f, resolver_ask_fn *fn, void *arg)
{
	struct timespec now = clock_now(), end;
	struct resolver_ask *a;
	size_t i;
	int ms;

	(void)eai;	/* every failure of a name is asked the same way */
	memset(f, 0, sizeof(*f));
	resolver_conf_read(conf_path, &f->conf);
	if (loop_current() == NULL || (a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	*a = (struct resolver_ask){ .l = loop_current(), .f = f,
	    .rs_waiter = -1, .timer_id = -1, .fn = fn,
	    .arg = arg, .family = t->family, .qtype = t->family == AF_INET6 ?
	    DNS_QTYPE_AAAA : DNS_QTYPE_A };
	for (i = 0; i < RESOLVER_MAX_SERVERS; i++)
		a->slot[i].id = -1;
	if (!t->literal && t->family != AF_UNIX) {
		/* The servers' wait: RESOLVER_WAIT_MS, or to the deadline. */
		ms = clock_ms_until(deadline);
		end = clock_add_ms(now, ms >= 0 && ms < RESOLVER_WAIT_MS ?
		    ms : RESOLVER_WAIT_MS);
		if ((a->name = strdup(t->host)) == NULL ||
		    (a->timer_id = loop_add(a->l, -1, 0, end, ask_on_timer,
		    a)) < 0) {
			free(a->name);
			free(a);
			return NULL;
		}
	}
	a->next = asks;
	asks = a;
	if (a->name != NULL) {
		/* The servers first: a look-up that ends at once must not
		   find them uncounted and end the ask (review r1, 0). */
		a->starting = true;
		f->nasked = f->conf.nservers;
		for (i = 0; i < f->nasked; i++)
			slot_begin(a, i);
		/* Half the time for the look-up without the family (beside
		   the servers' queries). */
		ms = clock_ms_until(deadline);
		if (ms < 0)
			ms = 2 * RESOLVER_WAIT_MS;
		if (t->family == AF_INET || t->family == AF_INET6)
			ask_lookup(a, t, clock_add_ms(now, ms / 2));
		a->starting = false;
	}
	ask_check(a);
	if (a->timer_id < 0) {
		/* Nothing to wait for and no timer to say so: out of memory. */
		ask_unlink(a);
		free(a);
		return NULL;
	}
	return a;
}

void
resolver_ask_stop(struct resolver_ask *a)
{
	if (a != NULL)
		ask_end(a);
}

/* resolver_diagnose's callback: the facts are complete. */
static void
diagnose_done(void *arg)
{
	*(bool *)arg = true;
}

void
resolver_diagnose(const struct target *t, int eai,
    const struct timespec *deadline, const char *conf_path,
    struct resolver_facts *f)
{
	struct resolver_ask *a;
	struct loop *l;
	bool done = false;

	if (t->literal || t->family == AF_UNIX) {
		memset(f, 0, sizeof(*f));
		resolver_conf_read(conf_path, &f->conf);
		return;
	}
	/* A loop of its own: the waits are the loop's (loop_once). */
	if ((l = loop_new()) == NULL) {
		memset(f, 0, sizeof(*f));
		resolver_conf_read(conf_path, &f->conf);
		return;
	}
	a = resolver_ask_start(t, eai, deadline, conf_path, f, diagnose_done,
	    &done);
	/* The ask's own timer ends it within RESOLVER_WAIT_MS. */
	if (a != NULL && !loop_run(l, &done, NULL))
		resolver_ask_stop(a);
	loop_free(l);
}

/* Append to `buf` (`size` bytes) what printf makes of `fmt`. */
static void
text_add(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
text_add(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

/* The address of server `r`, as text. */
static const char *
server_text(const struct resolver_server *r, char *buf, size_t size)
{
	const void *a = r->addr.ss_family == AF_INET6 ?
	    (const void *)&((const struct sockaddr_in6 *)(const void *)
	    &r->addr)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)(const void *)
	    &r->addr)->sin_addr;

	if (inet_ntop(r->addr.ss_family, a, buf, (socklen_t)size) == NULL)
		snprintf(buf, size, "?");
	return buf;
}

/* The symbolic name of an errno. */
static const char *
errno_name(int err)
{
	const struct explain_entry *e = explain_lookup_errno(err);

	return e != NULL ? e->name : "an error";
}

/*
 * The servers of `f` whose answer has `rcode` (or, with rcode -1, that did
 * not answer, each with what happened), joined by ", ", appended to buf.
 */
static void
servers_add(const struct resolver_facts *f, int rcode, char *buf,
    size_t size)
{
	char addr[INET6_ADDRSTRLEN];
	const struct resolver_server *r;
	bool first = true;
	size_t i;

	for (i = 0; i < f->nasked; i++) {
		r = &f->asked[i];
		if (rcode < 0 ? r->answered : !r->answered || r->rcode != rcode)
			continue;
		text_add(buf, size, "%s%s", first ? "" : ", ",
		    server_text(r, addr, sizeof(addr)));
		if (rcode < 0)
			text_add(buf, size, r->error == ETIMEDOUT ?
			    " (no reply)" : " (%s)", errno_name(r->error));
		first = false;
	}
}

void
resolver_text(const struct resolver_facts *f, const char *host, char *buf,
    size_t size)
{
	char addr[INET6_ADDRSTRLEN];
	const char *rc;
	size_t i;

	if (size == 0)
		return;
	buf[0] = '\0';
	switch (f->cause) {
	case RESOLVER_NXDOMAIN:
		servers_add(f, DNS_RCODE_NXDOMAIN, buf, size);
		text_add(buf, size, " answered that %s does not exist "
		    "(NXDOMAIN).", host);
		break;
	case RESOLVER_OTHER_FAMILY:
		text_add(buf, size, "%s exists, with %s addresses only: "
		    "%s was asked for.", host,
		    f->other_family == AF_INET6 ? "IPv6" : "IPv4",
		    f->other_family == AF_INET6 ? "IPv4" : "IPv6");
		break;
	case RESOLVER_NO_ADDRESS:
		servers_add(f, DNS_RCODE_NOERROR, buf, size);
		text_add(buf, size, " answered that %s exists but has no "
		    "address of the family asked (NOERROR, no record).", host);
		break;
	case RESOLVER_SERVER_ERROR:
		for (i = 0; i < f->nasked; i++) {
			if (!f->asked[i].answered)
				continue;
			rc = payload_dns_rcode_name(f->asked[i].rcode);
			text_add(buf, size, "%s%s answered %s", i > 0 &&
			    buf[0] != '\0' ? "; " : "",
			    server_text(&f->asked[i], addr, sizeof(addr)),
			    rc != NULL ? rc : "an unknown RCODE");
		}
		text_add(buf, size, " for %s: a server error, not an answer "
		    "about the name.", host);
		break;
	case RESOLVER_NO_ANSWER:
		text_add(buf, size, "No name server answered for %s: ", host);
		servers_add(f, -1, buf, size);
		text_add(buf, size, ".");
		break;
	case RESOLVER_UNKNOWN:
		break;
	}
}
