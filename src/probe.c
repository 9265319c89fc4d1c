/*
 * probe.c: running the attempts of many targets on one event loop.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "clock.h"
#include "explain.h"
#include "isocket.h"
#include "probe.h"

/* RFC 8305: wait this long before starting the next address of a name. */
#define HE_DELAY_MS 250
/* Attempts of one target in flight at once. */
#define HE_MAX 4

/* One attempt in flight. */
struct flight {
	ISocket s;			/* fd -1: this place is free */
	size_t attempt;			/* its index in r->attempts */
	short events;			/* POLLOUT: connecting; POLLIN: probing */
	struct timespec start;
};

/* One target on its way through the loop. */
struct job {
	bool active;
	bool won;			/* an attempt connected */
	size_t index;
	const struct target *t;
	struct result *r;
	struct target_addr *addrs;
	size_t naddrs, next;		/* the next address to start */
	struct flight fl[HE_MAX];
	unsigned inflight;
	struct timespec start, deadline, next_start;
};

struct run {
	const struct probe_opts *o;
	struct timespec start;
	unsigned cap;			/* sockets in flight at most */
	unsigned sockets;		/* sockets in flight now */
	/* The last name resolved, so a port list resolves its host once. */
	const struct target *cached;
	struct target_addr *cache;
	size_t ncache;
	int cache_eai, cache_errno;
};

static void trace(const struct run *run, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
trace(const struct run *run, const char *fmt, ...)
{
	struct timespec now;
	char line[512];
	va_list ap;

	if (run->o->trace == NULL)
		return;
	now = clock_now();
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	run->o->trace(run->o->trace_arg, clock_ms_between(&run->start, &now),
	    line);
}

static const char *
errname(int err)
{
	const struct explain_entry *e = explain_lookup_errno(err);

	return e != NULL ? e->name : "errno";
}

static bool
stopped(const struct probe_opts *o)
{
	return o->stop != NULL && *o->stop != 0;
}

/* The sockets allowed at once: the option, within the descriptor limit. */
static unsigned
parallel_cap(const struct probe_opts *o)
{
	struct rlimit rl;
	unsigned p = o->parallel > 0 ? o->parallel : PROBE_DEFAULT_PARALLEL;

	/* Keep a few descriptors for stdio, netlink and the resolver. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		if (rl.rlim_cur <= 12)
			p = 1;
		else if (p > rl.rlim_cur - 12)
			p = (unsigned)(rl.rlim_cur - 12);
	}
	return p > 0 ? p : 1;
}

/* Bind `s` to the source address or port, when one was asked for. */
static int
bind_source(ISocket *s, const struct probe_opts *o)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (o->source != NULL && o->source_len > 0) {
		ss = *o->source;
		len = o->source_len;
	} else if (o->source_port != 0) {
		memset(&ss, 0, sizeof(ss));
		ss.ss_family = (sa_family_t)s->family;
		if (s->family == AF_INET) {
			((struct sockaddr_in *)&ss)->sin_port =
			    htons(o->source_port);
			len = sizeof(struct sockaddr_in);
		} else {
			((struct sockaddr_in6 *)&ss)->sin6_port =
			    htons(o->source_port);
			len = sizeof(struct sockaddr_in6);
		}
	} else
		return 0;
	if (bind(s->fd, (struct sockaddr *)&ss, len) < 0) {
		s->failure = errno;
		return -1;
	}
	return 0;
}

/*
 * What came back to a --probe datagram: 0 for a reply, else the error the
 * kernel queued from an ICMP message (ECONNREFUSED: port unreachable).
 */
static int
probe_answer(ISocket *s)
{
	char buf[1];

	if (recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC) >= 0)
		return 0;
	return errno == EAGAIN ? ETIMEDOUT : errno;
}

/* The address text of an attempt, for traces. */
static const char *
addr_of(const struct result_attempt *a, char *buf, size_t size)
{
	unsigned port;

	return target_addr_text((const struct sockaddr *)&a->addr.ss,
	    a->addr.len, buf, size, &port);
}

/* Record the end of flight `f` of `j` with `err`, and close its socket. */
static void
attempt_end(struct run *run, struct job *j, struct flight *f, int err,
    const char *step, bool deadline)
{
	struct result_attempt *a = &j->r->attempts[f->attempt];
	struct timespec now = clock_now();
	char addr[128];

	a->error = err;
	a->step = err != 0 ? step : NULL;
	a->deadline = deadline;
	a->ms = clock_ms_between(&f->start, &now);
	isocket_close(&f->s);
	j->inflight--;
	run->sockets--;
	if (err == 0) {
		j->won = true;
		trace(run, "%s: connected in %.3f ms",
		    addr_of(a, addr, sizeof(addr)), a->ms);
	} else if (err == ECANCELED)
		trace(run, "%s: closed, another address connected first",
		    addr_of(a, addr, sizeof(addr)));
	else
		trace(run, "%s: %s: %s (%s)", addr_of(a, addr, sizeof(addr)),
		    step, errname(err), deadline ? "deadline passed" :
		    strerror(err));
}

/*
 * socket() of flight `f` of `j` failed with EMFILE or ENFILE while other
 * sockets of the run are in flight: undo the attempt and lower the cap to
 * the sockets open now, so that it starts again once one of them closes.
 * Returns false when none is in flight: then the error is its outcome.
 */
static bool
defer_out_of_descriptors(struct run *run, struct job *j,
    const struct flight *f)
{
	int err = f->s.failure;

	if ((err != EMFILE && err != ENFILE) || run->sockets <= 1)
		return false;
	j->r->nattempts--;
	j->next--;
	j->inflight--;
	run->sockets--;
	run->cap = run->sockets;
	trace(run, "socket: %s with %u sockets in flight: waiting for one to "
	    "close, at most %u at once from now on", errname(err),
	    run->sockets, run->cap);
	return true;
}

/*
 * Start the attempt on the next address of `j`.  Returns 1 when it is in
 * flight, 0 when it ended at once (its outcome recorded) or was deferred
 * for want of descriptors.
 */
static int
attempt_start(struct run *run, struct job *j)
{
	const struct probe_opts *o = run->o;
	struct flight *f = j->fl;
	struct result_attempt *a;
	struct sockaddr *sa;
	const char *step;
	char addr[128];
	int one = 1;

	while (f->s.fd >= 0)	/* the caller checked there is a free one */
		f++;
	f->attempt = j->r->nattempts++;
	a = &j->r->attempts[f->attempt];
	a->addr = j->addrs[j->next++];
	sa = (struct sockaddr *)&a->addr.ss;
	f->start = clock_now();
	j->next_start = clock_add_ms(f->start, HE_DELAY_MS);
	j->inflight++;
	run->sockets++;
	step = "socket";
	if (isocket_open(&f->s, sa->sa_family, j->t->type | SOCK_NONBLOCK,
	    j->t->protocol) < 0) {
		if (defer_out_of_descriptors(run, j, f))
			return 0;
		goto ended;
	}
	trace(run, "%s: socket(%s, %s) = %d", addr_of(a, addr, sizeof(addr)),
	    sa->sa_family == AF_INET ? "AF_INET" :
	    sa->sa_family == AF_INET6 ? "AF_INET6" : "AF_UNIX",
	    j->t->type == SOCK_DGRAM ? "SOCK_DGRAM" :
	    j->t->type == SOCK_SEQPACKET ? "SOCK_SEQPACKET" : "SOCK_STREAM",
	    f->s.fd);
	step = "setsockopt";
	if (o->broadcast && setsockopt(f->s.fd, SOL_SOCKET, SO_BROADCAST, &one,
	    sizeof(one)) < 0) {
		f->s.failure = errno;
		goto ended;
	}
	step = "bind";
	if (sa->sa_family != AF_UNIX && bind_source(&f->s, o) < 0)
		goto ended;
	step = "connect";
	f->events = POLLOUT;
	if (isocket_connect(&f->s, sa) == 0) {
		if (!o->probe || j->t->type != SOCK_DGRAM)
			goto ended;
		/* --probe: one empty datagram, then wait for what comes back. */
		step = "send";
		if (send(f->s.fd, "", 0, 0) < 0) {
			f->s.failure = errno;
			goto ended;
		}
		a->probed = true;
		f->events = POLLIN;
		trace(run, "%s: association set; sent an empty datagram, "
		    "waiting up to %d ms for a reply", addr,
		    clock_ms_until(&j->deadline));
		return 1;
	}
	if (f->s.failure != EINPROGRESS)
		goto ended;
	trace(run, "%s: connect: EINPROGRESS, waiting up to %d ms", addr,
	    clock_ms_until(&j->deadline));
	return 1;
ended:
	attempt_end(run, j, f, f->s.failure, step, false);
	return 0;
}

/* Resolve `t` under the job's deadline, through the one-entry cache. */
static int
resolve(struct run *run, struct job *j)
{
	const struct target *t = j->t, *c = run->cached;
	size_t i;

	if (c == NULL || c->family != t->family || c->type != t->type ||
	    strcmp(c->host, t->host) != 0) {
		free(run->cache);
		run->cache = NULL;
		run->cached = t;
		if (!t->literal && t->family != AF_UNIX)
			trace(run, "resolving %s", t->host);
		else
			trace(run, "resolving: %s, no look-up needed",
			    t->family == AF_UNIX ? "a Unix path" :
			    "a numeric address");
		run->cache_eai = target_resolve_by(t, &j->deadline,
		    run->o->stop, &run->cache, &run->ncache, &run->cache_errno);
		if (run->cache_eai == 0 && !t->literal && t->family != AF_UNIX)
			trace(run, "%zu address%s", run->ncache,
			    run->ncache == 1 ? "" : "es");
		else if (run->cache_eai != 0)
			trace(run, "resolution failed: %s",
			    gai_strerror(run->cache_eai));
	}
	if (run->cache_eai != 0) {
		j->r->eai_errno = run->cache_errno;
		/* A stop or a deadline belongs to this target, not the name. */
		if (run->cache_eai == EAI_CANCELED ||
		    run->cache_eai == EAI_INTR)
			run->cached = NULL;
		return run->cache_eai;
	}
	j->addrs = malloc(run->ncache * sizeof(*j->addrs));
	j->r->attempts = calloc(run->ncache, sizeof(*j->r->attempts));
	if (j->addrs == NULL || j->r->attempts == NULL)
		return EAI_MEMORY;
	memcpy(j->addrs, run->cache, run->ncache * sizeof(*j->addrs));
	j->naddrs = run->ncache;
	for (i = 0; i < j->naddrs; i++) {
		struct sockaddr *sa = (struct sockaddr *)&j->addrs[i].ss;

		if (sa->sa_family == AF_INET)
			((struct sockaddr_in *)sa)->sin_port = htons(t->port);
		else if (sa->sa_family == AF_INET6)
			((struct sockaddr_in6 *)sa)->sin6_port = htons(t->port);
	}
	return 0;
}

/* Mark `j` finished and tell the caller. */
static void
job_finish(const struct run *run, struct job *j)
{
	struct timespec now = clock_now();

	j->r->ms = clock_ms_between(&j->start, &now);
	j->r->state = RESULT_FINISHED;
	if (stopped(run->o) && result_connected(j->r) == NULL) {
		j->r->signal = *run->o->stop;
		j->r->state = RESULT_INTERRUPTED;
	}
	free(j->addrs);
	j->addrs = NULL;
	j->active = false;
	if (run->o->done != NULL)
		run->o->done(run->o->done_arg, j->index);
}

/* End every flight of `j` with `err`. */
static void
end_flights(struct run *run, struct job *j, int err, const char *step,
    bool deadline)
{
	unsigned k;

	for (k = 0; k < HE_MAX; k++)
		if (j->fl[k].s.fd >= 0)
			attempt_end(run, j, &j->fl[k], err, step, deadline);
}

/*
 * Move `j` on: end it when it is won, stopped or out of time; start its
 * next address when none is in flight, or when the last one started has
 * been pending for HE_DELAY_MS (Happy Eyeballs).  Returns false once the
 * job is finished.
 */
static bool
job_advance(struct run *run, struct job *j)
{
	for (;;) {
		if (j->won)
			end_flights(run, j, ECANCELED, "race", false);
		else if (stopped(run->o))
			end_flights(run, j, EINTR, "poll", false);
		else if (clock_ms_until(&j->deadline) == 0 && j->inflight > 0)
			end_flights(run, j, ETIMEDOUT, "poll", true);
		if (j->won || stopped(run->o) || j->next >= j->naddrs ||
		    clock_ms_until(&j->deadline) == 0) {
			if (j->inflight == 0)
				break;
			return true;
		}
		if (j->inflight >= HE_MAX || run->sockets >= run->cap ||
		    (j->inflight > 0 && clock_ms_until(&j->next_start) > 0))
			return true;
		if (j->inflight > 0)
			trace(run, "no answer after %d ms: starting the next "
			    "address as well", HE_DELAY_MS);
		attempt_start(run, j);
	}
	job_finish(run, j);
	return false;
}

/* Begin target `index` in job `j`: resolve it, start its first attempt. */
static void
job_begin(struct run *run, struct job *j, size_t index,
    const struct target *targets, struct result *results)
{
	struct timespec now;
	unsigned k;

	memset(j, 0, sizeof(*j));
	for (k = 0; k < HE_MAX; k++)
		isocket_init(&j->fl[k].s);
	j->active = true;
	j->index = index;
	j->t = &targets[index];
	j->r = &results[index];
	memset(j->r, 0, sizeof(*j->r));
	j->start = clock_now();
	j->deadline = clock_add_ms(j->start, run->o->timeout_ms);
	j->r->state = RESULT_RESOLVING;
	j->r->eai = resolve(run, j);
	now = clock_now();
	j->r->resolve_ms = clock_ms_between(&j->start, &now);
	if (j->r->eai != 0) {
		job_finish(run, j);
		return;
	}
	j->r->state = RESULT_CONNECTING;
	job_advance(run, j);
}

/* The poll timeout: the nearest deadline or Happy Eyeballs start. */
static int
loop_timeout(const struct job *jobs, unsigned njobs)
{
	int timeout = -1, ms;
	unsigned k;

	for (k = 0; k < njobs; k++) {
		if (!jobs[k].active)
			continue;
		ms = clock_ms_until(&jobs[k].deadline);
		if (timeout < 0 || ms < timeout)
			timeout = ms;
		if (jobs[k].inflight > 0 && jobs[k].next < jobs[k].naddrs) {
			ms = clock_ms_until(&jobs[k].next_start);
			if (ms < timeout)
				timeout = ms;
		}
	}
	return timeout;
}

void
probe_run(const struct target *targets, size_t n, const struct probe_opts *o,
    struct result *results)
{
	struct run run = { .o = o, .start = clock_now() };
	struct pollfd *pfd;
	struct flight **owner;
	struct job *jobs, **jof;
	unsigned njobs, active = 0, k, f, m;
	size_t next = 0;
	int rc, err;

	if (n == 0)
		return;
	run.cap = parallel_cap(o);
	njobs = run.cap < n ? run.cap : (unsigned)n;
	jobs = calloc(njobs, sizeof(*jobs));
	pfd = calloc((size_t)njobs * HE_MAX, sizeof(*pfd));
	owner = calloc((size_t)njobs * HE_MAX, sizeof(*owner));
	jof = calloc((size_t)njobs * HE_MAX, sizeof(*jof));
	if (jobs == NULL || pfd == NULL || owner == NULL || jof == NULL) {
		for (; next < n; next++) {
			memset(&results[next], 0, sizeof(results[next]));
			results[next].eai = EAI_MEMORY;
			results[next].state = RESULT_FINISHED;
		}
		goto out;
	}
	while (next < n || active > 0) {
		/* Move the running targets on, then begin new ones. */
		for (k = 0; k < njobs; k++)
			if (jobs[k].active && !job_advance(&run, &jobs[k]))
				active--;
		for (k = 0; k < njobs && next < n && !stopped(o) &&
		    run.sockets < run.cap; k++)
			if (!jobs[k].active) {
				job_begin(&run, &jobs[k], next++, targets,
				    results);
				if (jobs[k].active)
					active++;
			}
		if (active == 0) {
			if (stopped(o))
				break;
			continue;
		}
		m = 0;
		for (k = 0; k < njobs; k++)
			for (f = 0; jobs[k].active && f < HE_MAX; f++)
				if (jobs[k].fl[f].s.fd >= 0) {
					pfd[m].fd = jobs[k].fl[f].s.fd;
					pfd[m].events = jobs[k].fl[f].events;
					pfd[m].revents = 0;
					owner[m] = &jobs[k].fl[f];
					jof[m++] = &jobs[k];
				}
		rc = poll(pfd, m, loop_timeout(jobs, njobs));
		err = rc < 0 && errno != EINTR ? errno : 0;
		for (k = 0; k < m; k++) {
			struct flight *fl = owner[k];
			struct job *j = jof[k];

			if (fl->s.fd < 0)	/* ended by its job's winner */
				continue;
			if (err != 0)	/* poll itself failed: end them all */
				attempt_end(&run, j, fl, err, "poll", false);
			else if (rc > 0 && pfd[k].revents != 0 &&
			    fl->events == POLLIN)
				attempt_end(&run, j, fl, probe_answer(&fl->s),
				    "recv", false);
			else if (rc > 0 && pfd[k].revents != 0) {
				isocket_finish(&fl->s);
				attempt_end(&run, j, fl, fl->s.failure,
				    "connect", false);
			}
		}
		if (err != 0) {
			for (k = 0; k < njobs; k++)
				if (jobs[k].active) {
					jobs[k].next = jobs[k].naddrs;
					job_finish(&run, &jobs[k]);
				}
			active = 0;
			break;
		}
	}
	/* Targets never started, when stopped: interrupted before a try. */
	for (; next < n; next++) {
		memset(&results[next], 0, sizeof(results[next]));
		results[next].signal = stopped(o) ? *o->stop : 0;
		results[next].eai = stopped(o) ? 0 : EAI_SYSTEM;
		results[next].eai_errno = stopped(o) ? 0 : err;
		results[next].state = stopped(o) ? RESULT_INTERRUPTED :
		    RESULT_FINISHED;
		if (o->done != NULL)
			o->done(o->done_arg, next);
	}
out:
	free(run.cache);
	free(jobs);
	free(pfd);
	free(owner);
	free(jof);
}

bool
probe_sleep(const struct probe_opts *o, long ms)
{
	struct timespec until = clock_add_ms(clock_now(), ms);
	int left;

	while (!stopped(o) && (left = clock_ms_until(&until)) > 0)
		poll(NULL, 0, left);
	return !stopped(o);
}

unsigned
probe_until(const struct target *targets, size_t n,
    const struct probe_opts *o, long wait_ms, struct result *results,
    void (*round)(void *arg, unsigned rounds, const struct result *r,
    size_t n), void *round_arg)
{
	struct timespec end = clock_add_ms(clock_now(), wait_ms);
	struct probe_opts ro = *o;
	struct result one;
	long backoff = 50, left, pause;
	unsigned rounds = 0;
	size_t i;
	bool all;

	memset(results, 0, n * sizeof(*results));
	for (;;) {
		rounds++;
		all = true;
		for (i = 0; i < n; i++) {
			if (rounds > 1 && result_connected(&results[i]) != NULL)
				continue;
			/* No attempt runs past the end of the wait. */
			left = clock_ms_until(&end);
			ro.timeout_ms = o->timeout_ms < left || rounds == 1 ?
			    o->timeout_ms : (left > 0 ? left : 1);
			ro.done = NULL;
			probe_run(&targets[i], 1, &ro, &one);
			result_free(&results[i]);
			results[i] = one;
			if (result_connected(&results[i]) == NULL)
				all = false;
			if (stopped(o))
				break;
		}
		if (round != NULL)
			round(round_arg, rounds, results, n);
		if (all || stopped(o))
			break;
		left = clock_ms_until(&end);
		if (left <= 0)
			break;
		/* 50 ms doubling to 1 s, each with up to a quarter of jitter. */
		pause = backoff - backoff / 4 + random() % (backoff / 4 + 1);
		if (pause > left)
			pause = left;
		if (!probe_sleep(o, pause) || clock_ms_until(&end) <= 0)
			break;
		backoff = backoff * 2 > 1000 ? 1000 : backoff * 2;
	}
	/* Targets a stop came before: interrupted, not failed. */
	for (i = 0; i < n && stopped(o); i++)
		if (results[i].state == RESULT_NOT_STARTED) {
			results[i].state = RESULT_INTERRUPTED;
			results[i].signal = *o->stop;
		}
	return rounds;
}
