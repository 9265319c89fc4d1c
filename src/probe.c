/*
 * probe.c: running the attempts of a target under one deadline.
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

#include "clock.h"
#include "explain.h"
#include "isocket.h"
#include "probe.h"

struct run {
	const struct probe_opts *o;
	struct timespec start;
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
 * Wait for the connect of `s` to complete, up to the deadline or a stop.
 * Returns 0 or -1 with s->failure set; `*deadline` tells a timeout of ours.
 */
static int
await(const struct run *run, ISocket *s, bool *deadline)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };
	int n;

	for (;;) {
		if (run->o->stop != NULL && *run->o->stop != 0) {
			s->failure = EINTR;
			return -1;
		}
		n = poll(&pfd, 1, clock_ms_until(&run->o->deadline));
		if (n > 0)
			return isocket_finish(s);
		if (n == 0) {
			*deadline = true;
			s->failure = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR) {
			s->failure = errno;
			return -1;
		}
	}
}

/* Try one address; fills `a`. */
static void
attempt(const struct run *run, const struct target *t, struct probe_attempt *a)
{
	const struct probe_opts *o = run->o;
	struct sockaddr *sa = (struct sockaddr *)&a->addr.ss;
	struct timespec t0 = clock_now(), t1;
	ISocket s;
	int one = 1;

	isocket_init(&s);
	a->step = "socket";
	if (isocket_open(&s, sa->sa_family, t->type, t->protocol) < 0)
		goto done;
	trace(run, "socket(%s, %s) = %d", sa->sa_family == AF_INET ? "AF_INET" :
	    sa->sa_family == AF_INET6 ? "AF_INET6" : "AF_UNIX",
	    t->type == SOCK_DGRAM ? "SOCK_DGRAM" : t->type == SOCK_SEQPACKET ?
	    "SOCK_SEQPACKET" : "SOCK_STREAM", s.fd);
	a->step = "setsockopt";
	if (o->broadcast && setsockopt(s.fd, SOL_SOCKET, SO_BROADCAST, &one,
	    sizeof(one)) < 0) {
		s.failure = errno;
		goto done;
	}
	a->step = "bind";
	if (bind_source(&s, o) < 0)
		goto done;
	a->step = "fcntl";
	if (isocket_set_nonblocking(&s, true) < 0)
		goto done;
	a->step = "connect";
	if (isocket_connect(&s, sa) == 0)
		goto done;
	if (s.failure != EINPROGRESS)
		goto done;
	trace(run, "connect: EINPROGRESS, waiting up to %d ms",
	    clock_ms_until(&o->deadline));
	a->step = "poll";
	if (await(run, &s, &a->deadline) == 0)
		goto done;
	if (!a->deadline && s.failure != EINTR)
		a->step = "connect";	/* the kernel's verdict, by SO_ERROR */
done:
	a->error = s.failure;
	if (a->error == 0)
		a->step = NULL;
	isocket_close(&s);
	t1 = clock_now();
	a->ms = clock_ms_between(&t0, &t1);
	if (a->error == 0)
		trace(run, "connected in %.3f ms", a->ms);
	else
		trace(run, "%s: %s (%s)", a->step, errname(a->error),
		    a->deadline ? "deadline passed" : strerror(a->error));
}

void
probe_run(const struct target *t, const struct probe_opts *o,
    struct probe_result *r)
{
	struct run run = { .o = o, .start = clock_now() };
	struct target_addr *addrs = NULL;
	struct timespec now;
	size_t n = 0, i;

	memset(r, 0, sizeof(*r));
	trace(&run, "resolving %s", t->family == AF_UNIX ? "path" : "host");
	r->eai = target_resolve(t, &addrs, &n, &r->eai_errno);
	now = clock_now();
	r->resolve_ms = clock_ms_between(&run.start, &now);
	if (r->eai != 0) {
		trace(&run, "resolution failed: %s", gai_strerror(r->eai));
		goto out;
	}
	trace(&run, "%zu address%s", n, n == 1 ? "" : "es");
	r->attempts = calloc(n, sizeof(*r->attempts));
	if (r->attempts == NULL) {
		r->eai = EAI_MEMORY;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (o->stop != NULL && *o->stop != 0)
			break;
		if (i > 0 && clock_ms_until(&o->deadline) == 0)
			break;
		r->attempts[i].addr = addrs[i];
		r->nattempts++;
		attempt(&run, t, &r->attempts[i]);
		if (r->attempts[i].error == 0 || r->attempts[i].deadline)
			break;
		if (r->attempts[i].error == EINTR && o->stop != NULL &&
		    *o->stop != 0)
			break;
	}
out:
	if (o->stop != NULL && *o->stop != 0)
		r->signal = *o->stop;
	free(addrs);
	now = clock_now();
	r->ms = clock_ms_between(&run.start, &now);
}

void
probe_result_free(struct probe_result *r)
{
	free(r->attempts);
	r->attempts = NULL;
	r->nattempts = 0;
}

const struct probe_attempt *
probe_connected(const struct probe_result *r)
{
	size_t i;

	for (i = 0; i < r->nattempts; i++)
		if (r->attempts[i].error == 0)
			return &r->attempts[i];
	return NULL;
}

int
probe_exit_code(const struct probe_result *r)
{
	const struct explain_entry *e;

	if (r->signal != 0)
		return ISOCK_EXIT_SIGNAL + r->signal;
	if (r->eai != 0) {
		if (r->eai == EAI_SYSTEM)
			return (int)explain_exit_class(r->eai_errno);
		e = explain_lookup_eai(r->eai);
		return e != NULL ? (int)e->exit_class : ISOCK_EXIT_NOTFOUND;
	}
	if (probe_connected(r) != NULL)
		return ISOCK_EXIT_CONNECTED;
	if (r->nattempts == 0)
		return ISOCK_EXIT_TIMEDOUT;
	return (int)explain_exit_class(r->attempts[r->nattempts - 1].error);
}
