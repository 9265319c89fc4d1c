/* SPDX-License-Identifier: ISC */
/*
 * probe.c: running the attempts of many targets on one event loop.
 */
#include "config.h"

#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clock.h"
#include "explain.h"
#include "isocket.h"
#include "loop.h"
#include "payload.h"
#include "probe.h"
#include "ready.h"
#include "resolve.h"

/* RFC 8305: wait this long before starting the next address of a name. */
#define HE_DELAY_MS 250
/* Attempts of one target in flight at once. */
#define HE_MAX 4

struct job;

/* One attempt in flight. */
struct flight {
	ISocket s;			/* fd -1: this place is free */
	struct job *job;		/* the job it belongs to */
	int waiter;			/* its waiter in the loop, or -1 */
	size_t attempt;			/* its index in r->attempts */
	short events;			/* POLLOUT: connecting; POLLIN: probing */
	const struct payload *pl;	/* --probe: the protocol spoken, or NULL */
	unsigned char req[PAYLOAD_MAX];	/* and the request sent */
	size_t reqlen;
	struct timespec start;
	struct ready *rd;		/* connected: its TLS or HTTP check */
};

/* One target's attempt on its way through the loop. */
struct job {
	struct run *run;
	bool active;
	bool won;			/* an attempt connected */
	bool naming;			/* waiting for its name's look-up */
	size_t index;
	const struct target *t;
	struct result *r;
	const struct target_addr *addrs; /* the resolver's, port 0 or t's */
	size_t naddrs, next;		/* the next address to start */
	struct flight fl[HE_MAX];
	unsigned inflight;
	struct timespec start, deadline, next_start;
	long held_ms;			/* >= 0: it waits, before its first
					   attempt, for the caller's work to
					   free descriptors, with this much of
					   its deadline left, which does not
					   run meanwhile; -1: it does not */
	bool cut;			/* --wait: its deadline is the wait's
					   end, sooner than -w */
};

/* One name of the run, looked up once for every target that carries it. */
struct name {
	const struct target *t;		/* the first target that carries it */
	int id;				/* its look-up in the resolver; -1: none */
	bool ended;			/* its look-up has its outcome */
	unsigned round;			/* look-ups of it started (--wait) */
	size_t waiting;			/* targets that may still need it */
	size_t chain;			/* next name in its hash bucket */
};

/* Where one target stands between its attempts. */
struct slot {
	size_t name;
	struct job *job;		/* its attempt in flight, or NULL */
	bool done;			/* its result is final */
	bool begun;			/* an attempt has begun once */
	unsigned name_round;		/* the look-up its last attempt used */
	unsigned tries;
	struct timespec retry;		/* --wait: begin again then */
	long backoff;			/* --wait: the next pause, in ms */
	struct result prev;		/* --wait: the try before the one in
					   flight (state FINISHED), or none */
};

struct run {
	const struct probe_opts *o;
	const struct target *targets;
	struct result *results;
	size_t n;
	struct timespec start, end;	/* end: of --wait */
	struct timespec next_tick;	/* when o->tick is called next */
	unsigned cap;			/* sockets in flight at most */
	unsigned sockets;		/* sockets in flight now */
	struct resolve *rs;
	struct name *names;
	size_t nnames, *buckets, nbuckets;
	size_t next_name;		/* the next name to look up */
	unsigned lookups, lookup_cap;	/* look-ups in flight, at most */
	bool names_moved;		/* a look-up ended since the jobs last
					   advanced */
	struct slot *slots;
	size_t next_new;		/* the first target never begun */
	size_t ndone;			/* targets whose result is final */
	size_t *queue, nqueue;		/* final, not yet told to the caller */
	struct job *jobs;		/* the places of attempts in flight */
	unsigned njobs;
	uint64_t rng;			/* jitter, seeded per process */
	struct loop *loop;		/* where every wait of the run is */
	int rswaiter;			/* the resolver's waiter, or -1 */
	int outwaiter;			/* standard output's, or -1 */
	bool fds_short;			/* socket() met EMFILE or ENFILE */
	bool fds_caller;		/* ... while the caller's work held
					   descriptors: none opens until it
					   ends */
	unsigned cap_caller;		/* the cap before that */
	struct ifaddrs *ifa;		/* this host's addresses, once read */
	bool ifa_read;
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
	run->o->trace(run->o->trace_arg, clock_ms_between(
	    clock_is_unset(&run->o->epoch) ? &run->start : &run->o->epoch, &now),
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

/* True once the caller needs no more of the run. */
static bool
halted(const struct probe_opts *o)
{
	return (o->halt != NULL && *o->halt) ||
	    (o->out_gone != NULL && *o->out_gone);
}

/*
 * The sockets allowed at once: the option, within the descriptor limit.
 * A run of one target that needs no look-up has one address, so one
 * socket at a time whatever the cap: the limit is not read (a success's
 * system calls are counted, issue 19); if even that socket cannot be had,
 * socket(2) says so (EMFILE: defer_out_of_descriptors) and the diagnosis
 * reads the limit.
 */
static unsigned
parallel_cap(const struct probe_opts *o, const struct target *targets,
    size_t n)
{
	struct rlimit rl;
	unsigned p = o->parallel > 0 ? o->parallel : PROBE_DEFAULT_PARALLEL;

	if (n == 1 && !target_needs_lookup(&targets[0]))
		return p;
	/* Keep a few descriptors for stdio, netlink and the resolver. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		if (rl.rlim_cur <= 12)
			p = 1;
		else if (p > rl.rlim_cur - 12)
			p = (unsigned)(rl.rlim_cur - 12);
	}
	return p > 0 ? p : 1;
}

/*
 * SO_REUSEADDR before a bind to a chosen port: the run's own attempts from
 * it (several targets, a probe closed a moment ago) share it, each with
 * its own peer, as TCP allows for sockets that do not listen; a listener
 * of another program still holds it (EADDRINUSE).
 */
static void
reuse_source(const ISocket *s)
{
	int one = 1;

	(void)setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
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
	reuse_source(s);
	if (bind(s->fd, (struct sockaddr *)&ss, len) < 0) {
		s->failure = errno;
		return -1;
	}
	return 0;
}

/*
 * What came back to the --probe datagram of `f`: 0 for a reply (when the
 * port has a protocol, `a`->answer says what answered), else the error the
 * kernel queued from an ICMP message (ECONNREFUSED: port unreachable).
 */
static int
probe_answer(struct flight *f, struct result_attempt *a)
{
	unsigned char buf[512];
	ssize_t n;
	int err;

	n = recv(f->s.fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0) {
		err = errno;
		(void)isocket_read_icmp(&f->s);
		return err == EAGAIN ? ETIMEDOUT : err;
	}
	if (f->pl != NULL)
		(void)payload_reply(f->pl, f->req, f->reqlen, buf, (size_t)n,
		    a->answer, sizeof(a->answer));
	return 0;
}

/* The address text of an attempt, for traces. */
static const char *
addr_of(const struct result_attempt *a, char *buf, size_t size)
{
	unsigned port;

	return target_addr_text((const struct sockaddr *)&a->addr.ss,
	    a->addr.len, buf, size, &port);
}

/*
 * Record the outcome `err` of the connect of flight `f` of `j` in its
 * attempt: the time, the deadline, the ICMP error, the local address; the
 * socket stays open (a check after the connect adds its own facts).
 */
static void
attempt_record(struct job *j, struct flight *f, int err, const char *step,
    bool deadline)
{
	struct result_attempt *a = &j->r->attempts[f->attempt];
	struct timespec now = clock_now();

	a->error = err;
	a->step = err != 0 ? step : NULL;
	a->deadline = deadline;
	a->ms = clock_ms_between(&f->start, &now);
	a->limit_ms = clock_ms_between(&j->start, &j->deadline);
	a->icmp = *isocket_icmp(&f->s);		/* the socket's, before it goes */
	a->self = f->s.self;
	a->reset = err == 0 && f->s.reset;
	/* The local address and port: -s and -p's, or the kernel's (read
	   by the connect's completion when it was). */
	a->local.len = sizeof(a->local.ss);
	if (err == 0 && f->s.local_len > 0) {
		memcpy(&a->local.ss, &f->s.local, f->s.local_len);
		a->local.len = f->s.local_len;
	} else if (f->s.fd < 0 || getsockname(f->s.fd,
	    (struct sockaddr *)&a->local.ss, &a->local.len) < 0)
		a->local.len = 0;
	if (a->local.ss.ss_family != a->addr.ss.ss_family)
		a->local.len = 0;
}

/* Record the end of flight `f` of `j` with `err`, and close its socket. */
static void
attempt_end(struct run *run, struct job *j, struct flight *f, int err,
    const char *step, bool deadline)
{
	struct result_attempt *a = &j->r->attempts[f->attempt];
	char addr[128];

	attempt_record(j, f, err, step, deadline);
	loop_del(run->loop, f->waiter);
	f->waiter = -1;
	/*
	 * A probe leaves no TIME-WAIT behind: a connection is reset on
	 * close.  A connect the kernel failed (its error read from connect
	 * or SO_ERROR) left a closed socket, which has no TIME-WAIT to
	 * avoid: no SO_LINGER for it (one call a refused port).  One the
	 * deadline ended may have completed meanwhile: reset.
	 */
	if (err != 0 && err != ENOTCONN && !deadline && !f->s.self &&
	    strcmp(step, "connect") == 0)
		isocket_close(&f->s);
	else
		isocket_abort(&f->s);
	j->inflight--;
	run->sockets--;
	if (err == 0) {
		j->won = true;
		trace(run, "%s: connected in %.3f ms%s",
		    addr_of(a, addr, sizeof(addr)), a->ms,
		    a->reset ? ", then reset by the peer at once" : "");
	} else if (err == ECANCELED)
		trace(run, "%s: closed, another address connected first",
		    addr_of(a, addr, sizeof(addr)));
	else
		trace(run, "%s: %s: %s (%s)", addr_of(a, addr, sizeof(addr)),
		    step, errname(err), deadline ? "deadline passed" :
		    strerror(err));
}

/*
 * Undo the attempt of flight `f` of `j`, which `err` kept from starting
 * while other sockets of the run are in flight, and lower the cap to the
 * sockets open now, so that it starts again once one of them closes.
 */
static void
defer_attempt(struct run *run, struct job *j, struct flight *f, int err,
    const char *why)
{
	isocket_close(&f->s);
	j->r->nattempts--;
	j->next--;
	j->inflight--;
	run->sockets--;
	run->cap = run->sockets;
	if (run->cap == 0 && why[0] == 's') {
		trace(run, "%s: %s with no socket of the run's open: waiting "
		    "for a diagnosis or trace to end", why, errname(err));
		return;
	}
	trace(run, "%s: %s with %u sockets in flight: %s, at most %u at once "
	    "from now on", why, errname(err), run->sockets, why[0] == 's' ?
	    "waiting for one to close" : "the pair may be the run's own: "
	    "waiting for its sockets to close", run->cap);
}

/* Whether the caller's work under way holds descriptors (o->holding). */
static bool
caller_holding(const struct run *run)
{
	return run->o->holding != NULL && run->o->holding(run->o->busy_arg);
}

/*
 * socket() of flight `f` of `j` failed with EMFILE or ENFILE while other
 * sockets of the run are in flight: defer the attempt.  Returns false when
 * none is in flight: then the error is its outcome.
 */
static bool
defer_out_of_descriptors(struct run *run, struct job *j, struct flight *f)
{
	int err = f->s.failure;
	bool caller = caller_holding(run);
	unsigned cap = run->cap;

	if ((err != EMFILE && err != ENFILE) || (run->sockets <= 1 && !caller))
		return false;
	run->fds_short = true;
	defer_attempt(run, j, f, err, "socket");
	/* Only the caller's descriptors were in use: its work ends within
	   its budget; until then no socket opens, and a target that has
	   made no attempt yet keeps what is left of its -w (held_ms). */
	if (run->cap == 0) {
		if (!run->fds_caller)
			run->cap_caller = cap;
		run->cap = 1;
		run->fds_caller = true;
		if (j->r->nattempts == 0 && j->held_ms < 0)
			j->held_ms = clock_ms_until(&j->deadline);
	}
	return true;
}

/* Close the socket of flight `f` of `j`, whose check has ended. */
static void
ready_close(struct run *run, struct job *j, struct flight *f)
{
	loop_del(run->loop, f->waiter);
	f->waiter = -1;
	isocket_close(&f->s);
	j->inflight--;
	run->sockets--;
}

/* ---- after the connect: the TLS or HTTP check (ready.h) ---- */

static bool flight_watch(struct run *run, struct job *j, struct flight *f);
static void ready_end(struct run *run, struct job *j, struct flight *f,
    bool stopped);

/*
 * The check of flight `f` of `j` wants other events now: its waiter on
 * the loop follows; when that fails (out of memory) the check ends.
 */
static void
ready_rewatch(struct run *run, struct job *j, struct flight *f)
{
	f->events = ready_events(f->rd);
	loop_del(run->loop, f->waiter);
	f->waiter = -1;
	if (!flight_watch(run, j, f))
		ready_end(run, j, f, false);
}

/*
 * The check of flight `f` of `j` has its outcome, or the deadline
 * (`stopped` false) or a signal (true) cut it short: its facts go to the
 * result, and its socket is closed.  The attempt connected, in the time
 * taken when it did.
 */
static void
ready_end(struct run *run, struct job *j, struct flight *f, bool stopped)
{
	struct result_attempt *a = &j->r->attempts[f->attempt];
	struct ready_facts *rf = malloc(sizeof(*rf));
	char addr[128];

	if (rf != NULL) {
		ready_result(f->rd, stopped, rf);
		free(j->r->ready);
		j->r->ready = rf;
		trace(run, "%s: %s: %s", addr_of(a, addr, sizeof(addr)),
		    (rf->what & TARGET_HTTP) != 0 ? "HTTP" : "TLS",
		    rf->status == 0 ? "ready" : rf->curl_error[0] != '\0' ?
		    rf->curl_error : "no answer");
	}
	ready_free(f->rd);
	f->rd = NULL;
	a->icmp = *isocket_icmp(&f->s);
	ready_close(run, j, f);
}

/*
 * The facts of a check of `j` that never began, `cause` with `status`,
 * into its result: libcurl could not be set up (`text` says why), or the
 * peer's reset was there when the connect completed.
 */
static void
ready_unbegun(struct job *j, struct flight *f, enum ready_cause cause,
    int status, const char *text)
{
	struct ready_facts *rf = calloc(1, sizeof(*rf));

	if (rf == NULL)
		return;
	rf->cause = cause;
	rf->status = status;
	rf->what = j->t->ready;
	rf->alert = -1;
	rf->chain_sent = -1;
	rf->location_len = -1;
	rf->body_announced = -1;
	rf->at_once = cause != READY_INTERNAL;
	rf->connect_ms = j->r->attempts[f->attempt].ms;
	rf->clock = time(NULL);
	snprintf(rf->name, sizeof(rf->name), "%s", j->t->host);
	snprintf(rf->curl_error, sizeof(rf->curl_error), "%s", text);
	free(j->r->ready);
	j->r->ready = rf;
}

/*
 * Flight `f` of `j` connected and its target asks for more: the connect
 * is recorded as any (attempt_record), the check starts on its socket, and
 * the job's other addresses give way.  A connect whose peer's reset was
 * already there starts none: that is the check's outcome.
 */
static void
ready_begin(struct run *run, struct job *j, struct flight *f)
{
	struct result_attempt *a = &j->r->attempts[f->attempt];
	char addr[128], *cause = NULL;

	attempt_record(j, f, 0, NULL, false);
	j->won = true;
	addr_of(a, addr, sizeof(addr));
	if (a->reset) {
		trace(run, "%s: connected in %.3f ms, then reset by the peer at "
		    "once: no %s", addr, a->ms, (j->t->ready & TARGET_TLS) !=
		    0 ? "TLS" : "HTTP");
		ready_unbegun(j, f, (j->t->ready & TARGET_TLS) != 0 ?
		    READY_TLS_RESET : READY_HTTP_RESET, (j->t->ready &
		    TARGET_TLS) != 0 ? ISOCK_EXIT_TLS : ISOCK_EXIT_HTTP, "");
		ready_close(run, j, f);
		return;
	}
	trace(run, "%s: connected in %.3f ms; %s next", addr, a->ms,
	    (j->t->ready & TARGET_HTTP) != 0 ? "HTTP" : "TLS");
	f->rd = ready_new(j->t, run->o->ready, f->s.fd, addr, a->ms, &cause);
	if (f->rd != NULL) {
		free(cause);
		ready_rewatch(run, j, f);
		return;
	}
	trace(run, "%s: %s", addr, cause != NULL ? cause : "out of memory");
	ready_unbegun(j, f, READY_INTERNAL, ISOCK_EXIT_OTHER, cause != NULL ?
	    cause : "out of memory");
	free(cause);
	ready_close(run, j, f);
}

/* Move the checks of `j` on whose time has come without an event. */
static void
ready_timers(struct run *run, struct job *j)
{
	unsigned k;

	for (k = 0; k < HE_MAX; k++) {
		struct flight *f = &j->fl[k];

		if (f->s.fd < 0 || f->rd == NULL || ready_timeout(f->rd) != 0)
			continue;
		if (ready_on_event(f->rd, 0))
			ready_end(run, j, f, false);
		else
			ready_rewatch(run, j, f);
	}
}

/*
 * With -p, a bind or connect of flight `f` refused for its address and
 * port (EADDRINUSE, EADDRNOTAVAIL) while other sockets of the run are in
 * flight: the holder may be the run's own attempt from that port to the
 * same peer, never another program's to blame; defer it until they
 * close.  Returns false when none is in flight.
 */
static bool
defer_own_port(struct run *run, struct job *j, struct flight *f)
{
	int err = f->s.failure;

	if (run->o->source_port == 0 || run->sockets <= 1 ||
	    (err != EADDRINUSE && err != EADDRNOTAVAIL))
		return false;
	defer_attempt(run, j, f, err, "source port");
	return true;
}

static bool job_advance(struct run *run, struct job *j);
static void names_start(struct run *run);
static void targets_begin(struct run *run, struct job *jobs, unsigned njobs);

/*
 * The loop found flight `arg` ready, or its deadline passed (`revents` 0):
 * its attempt's outcome is measured now, and its job moves on (a winner
 * ends the others; with none left in flight the job's result is final, or
 * its next address starts).
 */
static void
flight_ready(void *arg, short revents)
{
	struct flight *fl = arg;
	struct job *j = fl->job;

	if (revents == 0)	/* the loop removed the waiter */
		fl->waiter = -1;
	else if (fl->rd != NULL) {	/* the TLS or HTTP check */
		if (ready_on_event(fl->rd, revents))
			ready_end(j->run, j, fl, false);
		else
			ready_rewatch(j->run, j, fl);
	} else if (fl->events == POLLIN)
		attempt_end(j->run, j, fl, probe_answer(fl,
		    &j->r->attempts[fl->attempt]), "recv", false);
	else {
		/* Nothing but POLLOUT proves the handshake (no getpeername). */
		isocket_finish_polled(&fl->s, revents, (const struct sockaddr *)
		    &j->r->attempts[fl->attempt].addr.ss);
		if (fl->s.failure == 0 && j->t->ready != 0 &&
		    j->run->o->ready != NULL)
			ready_begin(j->run, j, fl);
		else
			attempt_end(j->run, j, fl, fl->s.failure, "connect",
			    false);
	}
	if (revents == 0 || j->won || j->inflight == 0)
		(void)job_advance(j->run, j);
}

/*
 * Flight `f` of `j` waits on the loop for its socket, until the job's
 * deadline; false when out of memory.
 */
static bool
flight_watch(struct run *run, struct job *j, struct flight *f)
{
	f->waiter = loop_add(run->loop, f->s.fd, f->events, j->deadline,
	    flight_ready, f);
	/* Its outcome is measured: served before any diagnosis or trace. */
	loop_urgent(run->loop, f->waiter);
	if (f->waiter >= 0)
		return true;
	f->s.failure = ENOMEM;
	return false;
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
	target_addr_set_port(&a->addr, j->t->port);
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
		if (j->t->ready != 0 && o->ready != NULL) {
			ready_begin(run, j, f);
			return f->rd != NULL;
		}
		if (!o->probe || j->t->type != SOCK_DGRAM)
			goto ended;
		/*
		 * --probe: one datagram (a request of the port's protocol,
		 * else empty), then wait for what comes back.
		 */
		step = "send";
		f->pl = payload_for_port(j->t->port);
		f->reqlen = f->pl != NULL ? payload_build(f->pl, f->req) : 0;
		if (send(f->s.fd, f->req, f->reqlen, 0) < 0) {
			f->s.failure = errno;
			goto ended;
		}
		a->probed = true;
		f->events = POLLIN;
		if (!flight_watch(run, j, f))
			goto ended;
		trace(run, "%s: association set; sent %s%s, waiting up to %d "
		    "ms for a reply", addr, f->pl != NULL ? "a request in " :
		    "an empty datagram", f->pl != NULL ? f->pl->name : "",
		    clock_ms_until(&j->deadline));
		return 1;
	}
	if (f->s.failure != EINPROGRESS || !flight_watch(run, j, f))
		goto ended;
	trace(run, "%s: connect: EINPROGRESS, waiting up to %d ms", addr,
	    clock_ms_until(&j->deadline));
	return 1;
ended:
	if (defer_own_port(run, j, f))
		return 0;
	attempt_end(run, j, f, f->s.failure, step, false);
	return 0;
}

/* ---- names: each looked up once, all started together ---- */

/* FNV-1a of a name's key: its host, family and socket type. */
static size_t
name_hash(const struct target *t)
{
	const unsigned char *p = (const unsigned char *)t->host;
	uint64_t h = 14695981039346656037ULL;

	for (; *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211ULL;
	h = (h ^ (unsigned)t->family) * 1099511628211ULL;
	h = (h ^ (t->type == SOCK_DGRAM)) * 1099511628211ULL;
	return (size_t)h;
}

/* True when `a` and `b` ask the resolver the same question. */
static bool
same_name(const struct target *a, const struct target *b)
{
	return a->family == b->family &&
	    (a->type == SOCK_DGRAM) == (b->type == SOCK_DGRAM) &&
	    strcmp(a->host, b->host) == 0;
}

/* Give every target its name, one entry per distinct name. */
static bool
names_build(struct run *run)
{
	size_t i, k, b;

	run->names = calloc(run->n, sizeof(*run->names));
	run->nbuckets = run->n * 2;
	run->buckets = malloc(run->nbuckets * sizeof(*run->buckets));
	if (run->names == NULL || run->buckets == NULL)
		return false;
	for (b = 0; b < run->nbuckets; b++)
		run->buckets[b] = SIZE_MAX;
	for (i = 0; i < run->n; i++) {
		const struct target *t = &run->targets[i];

		b = name_hash(t) % run->nbuckets;
		for (k = run->buckets[b]; k != SIZE_MAX; k = run->names[k].chain)
			if (same_name(run->names[k].t, t))
				break;
		if (k == SIZE_MAX) {
			k = run->nnames++;
			run->names[k].t = t;
			run->names[k].id = -1;
			run->names[k].chain = run->buckets[b];
			run->buckets[b] = k;
		}
		run->names[k].waiting++;
		run->slots[i].name = k;
	}
	return true;
}

/* names_collect, below */
static void names_collect(struct run *run);

/*
 * Standard output reports an error (POLLERR: a pipe's reader has gone) or
 * a hang-up: the first ends the run (o->out_gone); either way there is
 * nothing more to watch.
 */
static void
out_event(void *arg, short revents)
{
	struct run *run = arg;

	if ((revents & POLLERR) != 0)
		*run->o->out_gone = true;
	loop_del(run->loop, run->outwaiter);
	run->outwaiter = -1;
}

/* The resolver's descriptor is readable: take the look-ups that ended. */
static void
names_ready(void *arg, short revents)
{
	(void)revents;
	names_collect(arg);
}

/* Start the look-up of name `k`; its outcome may be there at once. */
static void
name_start(struct run *run, size_t k)
{
	struct name *nm = &run->names[k];
	const struct target_addr *a;
	size_t n;
	int err;

	nm->id = resolve_start(run->rs, nm->t);
	nm->round++;
	nm->ended = nm->id < 0 ||
	    resolve_result(run->rs, nm->id, &a, &n, &err) != EAI_INPROGRESS;
	/* The resolver's descriptor exists from its first look-up on. */
	if (!nm->ended && run->rswaiter < 0 && (run->rswaiter = loop_add(
	    run->loop, resolve_fd(run->rs), POLLIN, (struct timespec){ 0, 0 },
	    names_ready, run)) < 0) {
		resolve_cancel(run->rs, nm->id);
		nm->id = -1;
		nm->ended = true;
	}
	loop_urgent(run->loop, run->rswaiter);	/* a look-up's end is timed */
	if (!nm->ended) {
		run->lookups++;
		trace(run, "resolving %s", nm->t->host);
	} else if (!target_needs_lookup(nm->t))
		trace(run, "resolving: %s, no look-up needed",
		    nm->t->family == AF_UNIX ? "a Unix path" :
		    "a numeric address");
}

/*
 * Start the look-ups not yet started, as many as may run at once.  The
 * first call answers every name that needs no look-up (an address, a Unix
 * path), so that none waits behind names over the cap.
 */
static void
names_start(struct run *run)
{
	size_t k;

	if (run->next_name == 0 && !stopped(run->o))
		for (k = 0; k < run->nnames; k++)
			if (!target_needs_lookup(run->names[k].t))
				name_start(run, k);
	while (run->next_name < run->nnames && !stopped(run->o)) {
		const struct target *t = run->names[run->next_name].t;

		if (run->names[run->next_name].round > 0) {
			run->next_name++;	/* answered above */
			continue;
		}
		if (target_needs_lookup(t) && run->lookups >= run->lookup_cap)
			break;
		name_start(run, run->next_name++);
	}
}

/* Look-ups that ended: take their outcome. */
static void
names_collect(struct run *run)
{
	const struct target_addr *a;
	size_t k, n;
	int err, rc;

	resolve_collect(run->rs);
	for (k = 0; k < run->next_name; k++) {
		struct name *nm = &run->names[k];

		if (nm->ended || nm->id < 0)
			continue;
		rc = resolve_result(run->rs, nm->id, &a, &n, &err);
		if (rc == EAI_INPROGRESS)
			continue;
		nm->ended = true;
		run->lookups--;
		run->names_moved = true;
		if (rc == 0)
			trace(run, "%s: %zu address%s", nm->t->host, n,
			    n == 1 ? "" : "es");
		else
			trace(run, "%s: resolution failed: %s", nm->t->host,
			    gai_strerror(rc));
	}
}

/* True when name `nm` has ended its look-up without an address. */
static bool
name_failed(const struct run *run, const struct name *nm)
{
	const struct target_addr *a;
	size_t n;
	int err;

	return nm->ended && (nm->id < 0 ||
	    resolve_result(run->rs, nm->id, &a, &n, &err) != 0);
}

/* Target `i` needs its name no more: abandon a look-up nobody waits for. */
static void
name_release(struct run *run, size_t i)
{
	struct name *nm = &run->names[run->slots[i].name];

	if (--nm->waiting > 0 || nm->ended || nm->id < 0)
		return;
	resolve_cancel(run->rs, nm->id);
	nm->ended = true;
	run->lookups--;
}

/*
 * The addresses of `j`'s name, once its look-up ended: false while it
 * runs; true with the job's addresses (or its resolver error) set.
 */
static bool
job_name(struct run *run, struct job *j)
{
	struct name *nm = &run->names[run->slots[j->index].name];
	const struct target_addr *a = NULL;
	struct timespec now;
	size_t n = 0;
	int rc, err = 0;

	if (!nm->ended)
		return false;
	now = clock_now();
	rc = nm->id < 0 ? EAI_MEMORY :
	    resolve_result(run->rs, nm->id, &a, &n, &err);
	j->naming = false;
	j->r->resolve_ms = clock_ms_between(&j->start, &now);
	if (rc != 0) {
		j->r->eai = rc;
		j->r->eai_errno = err;
		return true;
	}
	if (result_reserve(j->r, n) < 0) {
		j->r->eai = EAI_MEMORY;
		return true;
	}
	/* The port is set on each attempt's copy: a name serves many. */
	j->addrs = a;
	j->naddrs = n;
	j->r->state = RESULT_CONNECTING;
	return true;
}

/* ---- --wait: when to try again ---- */

/* A number for jitter: xorshift64*, seeded per process. */
static uint64_t
rng_next(struct run *run)
{
	run->rng ^= run->rng >> 12;
	run->rng ^= run->rng << 25;
	run->rng ^= run->rng >> 27;
	return run->rng * 2685821657736338717ULL;
}

/* Seed the jitter from the kernel, or from the time and the process id. */
static void
rng_seed(struct run *run)
{
	struct timespec now = clock_now();

	if (getrandom(&run->rng, sizeof(run->rng), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(run->rng))
		run->rng = (uint64_t)now.tv_nsec << 20 ^ (uint64_t)getpid();
	if (run->rng == 0)
		run->rng = 1;
}

/* True when `sa` is an address of this host: loopback or an interface's. */
static bool
is_local(struct run *run, const struct sockaddr *sa)
{
	const struct ifaddrs *ifa;

	if (sa->sa_family == AF_UNIX)
		return true;
	if (sa->sa_family == AF_INET &&
	    (ntohl(((const struct sockaddr_in *)(const void *)sa)->
	    sin_addr.s_addr) >> 24) == 127)
		return true;
	if (sa->sa_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(
	    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr))
		return true;
	if (!run->ifa_read) {
		run->ifa_read = true;
		if (getifaddrs(&run->ifa) < 0)
			run->ifa = NULL;
	}
	for (ifa = run->ifa; ifa != NULL; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL ||
		    ifa->ifa_addr->sa_family != sa->sa_family)
			continue;
		if (sa->sa_family == AF_INET &&
		    ((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr.s_addr == ((const struct sockaddr_in *)(const void *)
		    ifa->ifa_addr)->sin_addr.s_addr)
			return true;
		if (sa->sa_family == AF_INET6 && memcmp(
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    &((const struct sockaddr_in6 *)(const void *)ifa->ifa_addr)->
		    sin6_addr, sizeof(struct in6_addr)) == 0)
			return true;
	}
	return false;
}

/*
 * The pause before target `i` tries again: 10 to 20 ms for a local target
 * (a refused local connect costs microseconds); for a remote one, 50 ms
 * doubling to the cap (1 s, or -i), each less up to a quarter of jitter.
 */
static long
retry_pause(struct run *run, size_t i)
{
	const struct result_attempt *a = result_last(&run->results[i]);
	struct slot *sl = &run->slots[i];
	long cap = run->o->retry_cap_ms > 0 ? run->o->retry_cap_ms : 1000;
	long pause;

	if (run->targets[i].family == AF_UNIX || (a != NULL &&
	    is_local(run, (const struct sockaddr *)&a->addr.ss)))
		pause = 10 + (long)(rng_next(run) % 11);
	else {
		if (sl->backoff == 0)
			sl->backoff = 50;
		pause = sl->backoff - (long)(rng_next(run) %
		    (uint64_t)(sl->backoff / 4 + 1));
		sl->backoff = sl->backoff * 2;
	}
	if (sl->backoff > cap)
		sl->backoff = cap;
	return pause < cap ? pause : cap;
}

/* ---- targets ---- */

/* What is left of --wait, in ms; INT_MAX for a wait without limit. */
static int
wait_left(const struct run *run)
{
	return run->o->wait_ms > 0 ? clock_ms_until(&run->end) : INT_MAX;
}

/* Target `i`'s result is final: queue it for the caller. */
static void
slot_done(struct run *run, size_t i)
{
	run->slots[i].done = true;
	run->ndone++;
	run->queue[run->nqueue++] = i;
	name_release(run, i);
}

/*
 * `j`'s attempt has ended: its result is final, or with --wait a failure
 * waits for its next try.
 */
static void
job_finish(struct run *run, struct job *j)
{
	struct slot *sl = &run->slots[j->index];
	struct timespec now = clock_now();
	struct result *r = j->r;

	r->ms = clock_ms_between(&j->start, &now);
	r->state = RESULT_FINISHED;
	if (stopped(run->o) && result_connected(r) == NULL) {
		r->signal = *run->o->stop;
		r->state = RESULT_INTERRUPTED;
	}
	j->addrs = NULL;
	j->active = false;
	sl->job = NULL;
	/*
	 * A try that the end of the wait cut short and that ran out of time
	 * says only that the wait ended: the outcome is the try before's (a
	 * service that answers 503 in 100 ms is not a silent one because
	 * its last try had 10 ms).
	 */
	if (j->cut && sl->prev.state == RESULT_FINISHED &&
	    r->state == RESULT_FINISHED && result_connected(r) == NULL &&
	    result_exit_status(r) == ISOCK_EXIT_TIMEDOUT) {
		result_free(r);
		*r = sl->prev;
		sl->prev = (struct result){ .state = RESULT_NOT_STARTED };
	}
	result_free(&sl->prev);		/* read only while a try runs */
	if (run->o->wait) {
		r->tries = sl->tries;
		r->waited_ms = clock_ms_between(&run->start, &now);
	}
	/* --invert waits while the target accepts, its check failed or not
	   (result_invert_status). */
	if (run->o->wait && (run->o->invert ? result_connected(r) != NULL ||
	    result_invert_status(r) == ISOCK_EXIT_ACCEPTING :
	    result_connected(r) == NULL) &&
	    !stopped(run->o) && !halted(run->o) && wait_left(run) > 0) {
		long pause = retry_pause(run, j->index);
		int left = wait_left(run);

		/* The last try is made at the end of the wait. */
		sl->retry = clock_add_ms(now, pause < left ? pause : left);
		trace(run, "%s: attempt %u failed; again in %ld ms",
		    j->t->host, sl->tries, pause < left ? pause : (long)left);
		if (run->o->retry != NULL)
			run->o->retry(run->o->retry_arg, j->index, sl->tries);
		return;
	}
	slot_done(run, j->index);
}

/* End every flight of `j` with `err`. */
static void
end_flights(struct run *run, struct job *j, int err, const char *step,
    bool deadline)
{
	unsigned k;

	for (k = 0; k < HE_MAX; k++)
		if (j->fl[k].s.fd >= 0 && j->fl[k].rd != NULL) {
			if (err != ECANCELED)	/* it won: it goes on */
				ready_end(run, j, &j->fl[k], err == EINTR);
		} else if (j->fl[k].s.fd >= 0)
			attempt_end(run, j, &j->fl[k], err, step, deadline);
}

/*
 * Whether `j` may open a socket now: while the run is under its cap, and
 * for the Happy Eyeballs fallback of a target that has one in flight, one
 * socket beyond it (out of the descriptors parallel_cap keeps), so that
 * -P 1 does not leave a silent first address alone until the deadline.
 * Once descriptors have run out, the cap is all there is.
 */
static bool
socket_room(struct run *run, const struct job *j)
{
	if (run->fds_caller && caller_holding(run))
		return false;
	if (run->fds_caller) {	/* that work ended: the cap it had */
		run->fds_caller = false;
		run->cap = run->cap_caller;
	}
	return run->sockets < run->cap + (j->inflight > 0 && !run->fds_short);
}

/*
 * Move `j` on: end it when it is won, stopped or out of time; take its
 * addresses once its name is resolved; start its next address when none
 * is in flight, or when the last one started has been pending for
 * HE_DELAY_MS (Happy Eyeballs).  Returns false once the job has ended.
 */
static bool
job_advance(struct run *run, struct job *j)
{
	if (j->naming) {
		if (!job_name(run, j)) {
			if (stopped(run->o)) {
				j->r->eai = EAI_INTR;
				goto finish;
			}
			if (clock_ms_until(&j->deadline) > 0)
				return true;
			j->r->eai = EAI_CANCELED;	/* out of time */
			trace(run, "%s: no answer from the name service in "
			    "time", j->t->host);
			goto finish;
		}
		if (j->r->eai != 0)
			goto finish;
	}
	ready_timers(run, j);
	/* Waiting for the caller's descriptors before its first attempt:
	   its deadline stands still. */
	if (j->held_ms >= 0) {
		j->deadline = clock_add_ms(clock_now(), j->held_ms);
		if (run->fds_caller && caller_holding(run) &&
		    !stopped(run->o))
			return true;
		j->held_ms = -1;
	}
	for (;;) {
		if (j->won)	/* a check after the connect goes on */
			end_flights(run, j, ECANCELED, "race", false);
		if (stopped(run->o))
			end_flights(run, j, EINTR, "poll", false);
		else if (clock_ms_until(&j->deadline) == 0 && j->inflight > 0)
			end_flights(run, j, ETIMEDOUT, "poll", true);
		if (j->won || stopped(run->o) || j->next >= j->naddrs ||
		    clock_ms_until(&j->deadline) == 0) {
			if (j->inflight == 0)
				break;
			return true;
		}
		if (j->inflight >= HE_MAX || !socket_room(run, j) ||
		    (j->inflight > 0 && clock_ms_until(&j->next_start) > 0))
			return true;
		if (j->inflight > 0)
			trace(run, "no answer after %d ms: starting the next "
			    "address as well", HE_DELAY_MS);
		attempt_start(run, j);
	}
finish:
	job_finish(run, j);
	return false;
}

/*
 * Begin an attempt at target `i` in job `j`; its deadline is -w, or with
 * --wait what is left of the wait when that is less (10 ms at least, for
 * the last try at the end).
 */
static void
job_begin(struct run *run, struct job *j, size_t i)
{
	struct slot *sl = &run->slots[i];
	struct name *nm = &run->names[sl->name];
	struct result *r = &run->results[i];
	long ms = run->o->timeout_ms;
	int left;
	unsigned k;

	memset(j, 0, sizeof(*j));
	for (k = 0; k < HE_MAX; k++) {
		isocket_init(&j->fl[k].s);
		j->fl[k].job = j;
		j->fl[k].waiter = -1;
	}
	j->run = run;
	j->active = true;
	j->held_ms = -1;
	j->index = i;
	j->t = &run->targets[i];
	j->r = r;
	/* --wait: the last try's outcome is kept while this one runs. */
	result_free(&sl->prev);
	if (run->o->wait && r->state == RESULT_FINISHED)
		sl->prev = *r;
	else {
		result_free(r);
		sl->prev = (struct result){ .state = RESULT_NOT_STARTED };
	}
	*r = (struct result){ .state = RESULT_NOT_STARTED };
	sl->job = j;
	sl->begun = true;
	sl->tries++;
	/* --wait: a name that failed is asked again on the next try. */
	if (run->o->wait && nm->round == sl->name_round &&
	    name_failed(run, nm))
		name_start(run, sl->name);
	sl->name_round = nm->round;
	j->start = clock_now();
	if (run->o->wait) {
		left = wait_left(run);
		if (left < 10)
			left = 10;
		if (left < ms) {
			ms = left;
			j->cut = true;
		}
	}
	j->deadline = clock_add_ms(j->start, ms);
	r->state = RESULT_RESOLVING;
	j->naming = true;
	job_advance(run, j);
}

/* How many jobs have an attempt running. */
static unsigned
jobs_active(const struct job *jobs, unsigned njobs)
{
	unsigned k, active = 0;

	for (k = 0; k < njobs; k++)
		active += jobs[k].active;
	return active;
}

/* The first free job, or NULL. */
static struct job *
free_job(struct job *jobs, unsigned njobs)
{
	unsigned k;

	for (k = 0; k < njobs; k++)
		if (!jobs[k].active)
			return &jobs[k];
	return NULL;
}

/* Begin every target whose turn has come, while jobs and sockets allow. */
static void
targets_begin(struct run *run, struct job *jobs, unsigned njobs)
{
	struct job *j;
	size_t i;

	if (stopped(run->o) || halted(run->o))
		return;
	if (run->o->wait)	/* retries that are due, first */
		for (i = 0; i < run->next_new; i++) {
			struct slot *sl = &run->slots[i];

			if (sl->done || sl->job != NULL ||
			    clock_ms_until(&sl->retry) > 0)
				continue;
			if (run->sockets >= run->cap ||
			    (j = free_job(jobs, njobs)) == NULL)
				return;
			job_begin(run, j, i);
		}
	while (run->next_new < run->n && run->sockets < run->cap &&
	    (j = free_job(jobs, njobs)) != NULL)
		job_begin(run, j, run->next_new++);
}

/* The nearest Happy Eyeballs start or --wait retry: ms from now; -1: none. */
static int
timers_next(const struct run *run)
{
	int timeout = -1, ms;
	unsigned k;
	size_t i;

	for (k = 0; k < run->njobs; k++) {
		const struct job *j = &run->jobs[k];

		if (!j->active || j->inflight == 0 || j->next >= j->naddrs)
			continue;
		ms = clock_ms_until(&j->next_start);
		if (timeout < 0 || ms < timeout)
			timeout = ms;
	}
	if (run->o->wait)
		for (i = 0; i < run->next_new; i++) {
			if (run->slots[i].done || run->slots[i].job != NULL)
				continue;
			ms = clock_ms_until(&run->slots[i].retry);
			if (ms < 0)
				ms = 0;
			if (timeout < 0 || ms < timeout)
				timeout = ms;
		}
	return timeout;
}

/* The poll timeout: the nearest deadline, Happy Eyeballs start or retry. */
static int
loop_timeout(const struct run *run, const struct job *jobs, unsigned njobs)
{
	int timeout = timers_next(run), ms;
	unsigned k, f;

	for (k = 0; k < njobs; k++) {
		if (!jobs[k].active)
			continue;
		ms = clock_ms_until(&jobs[k].deadline);
		if (timeout < 0 || ms < timeout)
			timeout = ms;
		for (f = 0; f < HE_MAX; f++)
			if (jobs[k].fl[f].rd != NULL &&
			    (ms = ready_timeout(jobs[k].fl[f].rd)) >= 0 &&
			    ms < timeout)
				timeout = ms;
	}
	return timeout;
}

/*
 * Tell the caller of each result made final, in the order they were, with
 * the signals let in: printing may block, and a signal then still stops.
 * Returns false when there was none.  The signals stay let in:
 * probe_run holds them again only if the run goes on.  A quiet end's
 * connected results are told with the signals held (quiet_end).
 */
static bool
tell_done(struct run *run)
{
	size_t k;
	bool quiet = run->o->quiet_end;

	if (run->nqueue == 0)
		return false;
	for (k = 0; quiet && k < run->nqueue; k++)
		quiet = result_connected(&run->results[run->queue[k]]) != NULL;
	if (!quiet)
		loop_signals_let(run->loop);
	for (k = 0; k < run->nqueue; k++)
		if (run->o->done != NULL)
			run->o->done(run->o->done_arg, run->queue[k]);
	run->nqueue = 0;
	return true;
}

/*
 * The caller's own work on the loop (o->busy), between waits: it may
 * print what became ready (letting the signals in; probe_run holds them
 * again before it checks the stop flag); with `end`, it ends that work
 * now.  Whether some still waits.
 */
static bool
caller_busy(struct run *run, bool end)
{
	return run->o->busy != NULL && run->o->busy(run->o->busy_arg, end);
}

/* The poll timeout `timeout` (-1: none), cut to the next tick. */
static int
tick_timeout(const struct run *run, int timeout)
{
	int ms;

	if (run->o->tick == NULL)
		return timeout;
	ms = clock_ms_until(&run->next_tick);
	if (ms < 0)
		ms = 0;
	return timeout < 0 || ms < timeout ? ms : timeout;
}

/* The tick callback, when its time has come, with the signals let in. */
static void
tick(struct run *run)
{
	if (run->o->tick == NULL || clock_ms_until(&run->next_tick) > 0)
		return;
	loop_signals_let(run->loop);
	run->o->tick(run->o->tick_arg);
	loop_signals_hold(run->loop);
	run->next_tick = clock_add_ms(clock_now(), run->o->tick_ms);
}

/*
 * The caller needs no more (*halt): every attempt in flight ends cancelled,
 * and each target without a final result ends with what it has: its last
 * try's outcome, or none ("not tried").
 */
static void
targets_halt(struct run *run, struct job *jobs, unsigned njobs)
{
	unsigned k;
	size_t i;

	for (k = 0; k < njobs; k++) {
		struct job *j = &jobs[k];
		bool naming = j->naming;

		if (!j->active)
			continue;
		end_flights(run, j, ECANCELED, "race", false);
		j->next = j->naddrs;
		j->naming = false;
		job_finish(run, j);
		if (naming)	/* this try never had an address */
			j->r->state = RESULT_NOT_STARTED;
	}
	for (i = 0; i < run->n; i++)
		if (!run->slots[i].done)
			slot_done(run, i);
}

/*
 * A stop or a failed poll ends the run: each target without a final result
 * gets one: failed with `err`, or when stopped, interrupted by the signal
 * (a --wait target between tries keeps its last try's outcome).
 */
static void
targets_end(struct run *run, int err)
{
	size_t i;

	for (i = 0; i < run->n; i++) {
		struct result *r = &run->results[i];

		if (run->slots[i].done)
			continue;
		if (stopped(run->o) && r->state != RESULT_FINISHED) {
			r->signal = *run->o->stop;
			r->state = RESULT_INTERRUPTED;
		} else if (!stopped(run->o)) {
			result_free(r);
			r->eai = EAI_SYSTEM;
			r->eai_errno = err;
			r->state = RESULT_FINISHED;
		}
		slot_done(run, i);
	}
}

void
probe_run(const struct target *targets, size_t n, const struct probe_opts *o,
    struct result *results)
{
	struct run run = { .o = o, .targets = targets, .results = results,
	    .n = n, .start = clock_now() };
	struct job *jobs = NULL;
	unsigned njobs, k;
	char *cause = NULL;
	int rc, err = 0;
	bool preload = false;	/* a target asks for a TLS or HTTP check */
	bool busy;		/* the caller's work waits on the loop */
	size_t i;

	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		memset(&results[i], 0, sizeof(results[i]));
		preload |= targets[i].ready != 0 && o->ready != NULL;
	}
	run.loop = loop_new();
	run.rswaiter = -1;
	run.outwaiter = -1;
	if (run.loop != NULL && o->out_gone != NULL)
		run.outwaiter = loop_add(run.loop, STDOUT_FILENO, 0,
		    (struct timespec){ 0, 0 }, out_event, &run);
	run.end = clock_add_ms(run.start, o->wait_ms);
	run.next_tick = clock_add_ms(run.start, o->tick_ms);
	run.cap = parallel_cap(o, targets, n);
	run.lookup_cap = run.cap / 4 > 0 ? run.cap / 4 : 1;
	if (o->wait)	/* only --wait jitters */
		rng_seed(&run);
	njobs = run.cap < n ? run.cap : (unsigned)n;
	jobs = calloc(njobs, sizeof(*jobs));
	run.jobs = jobs;
	run.njobs = njobs;
	run.slots = calloc(n, sizeof(*run.slots));
	run.queue = calloc(n, sizeof(*run.queue));
	run.rs = resolve_new(&cause);
	free(cause);
	if (run.loop == NULL || jobs == NULL || run.slots == NULL ||
	    run.queue == NULL || run.rs == NULL ||
	    !names_build(&run)) {
		for (i = 0; i < n; i++) {
			results[i].eai = EAI_MEMORY;
			results[i].state = RESULT_FINISHED;
			if (o->done != NULL)
				o->done(o->done_arg, i);
		}
		(void)caller_busy(&run, true);
		goto out;
	}
	for (;;) {
		/* The results made final are told first: the work the caller
		   begins for them (a trace's sockets, a diagnosis's first
		   request) is done before the next attempts start, so their
		   clocks never count it.  Those that end at once are told in
		   turn. */
		do {
			(void)tell_done(&run);
			busy = caller_busy(&run, false);
			names_start(&run);
			targets_begin(&run, jobs, njobs);
		} while (run.nqueue > 0);
		/* The checks' module loads while the first names are looked
		   up (their threads need no loader lock), not after. */
		if (preload && run.lookups > 0) {
			preload = false;
			ready_preload();
		}
		if (halted(o) && run.ndone < n) {
			targets_halt(&run, jobs, njobs);
			tell_done(&run);
			busy = caller_busy(&run, false);
		}
		if (!busy && run.ndone == n)
			break;
		/* Held before the stop is checked (loop_signals_hold). */
		loop_signals_hold(run.loop);
		if (stopped(o) && jobs_active(jobs, njobs) == 0)
			break;
		/* What is ready first (its callbacks), then the deadlines. */
		rc = loop_once(run.loop, stopped(o) || run.names_moved ? 0 :
		    tick_timeout(&run, loop_timeout(&run, jobs, njobs)));
		if (rc < 0) {
			err = errno;
			break;
		}
		run.names_moved = false;
		for (k = 0; k < njobs; k++)
			if (jobs[k].active)
				job_advance(&run, &jobs[k]);
		tick(&run);
	}
	if (err != 0)
		for (k = 0; k < njobs; k++)
			if (jobs[k].active) {
				end_flights(&run, &jobs[k], err, "poll", false);
				jobs[k].next = jobs[k].naddrs;
				job_advance(&run, &jobs[k]);
			}
	targets_end(&run, err);
	tell_done(&run);
	(void)caller_busy(&run, true);
out:
	resolve_free(run.rs);
	if (run.ifa != NULL)
		freeifaddrs(run.ifa);
	free(run.names);
	free(run.buckets);
	for (i = 0; run.slots != NULL && i < n; i++)
		result_free(&run.slots[i].prev);
	free(run.slots);
	free(run.queue);
	free(jobs);
	if (o->quiet_end && run.loop != NULL)
		loop_keep_held(run.loop);
	loop_free(run.loop);
}

bool
probe_sleep(const struct probe_opts *o, long ms)
{
	return loop_sleep(o->stop, ms, o->out_gone != NULL ? STDOUT_FILENO : -1,
	    o->out_gone);
}
