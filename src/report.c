/*
 * report.c: turning a probe result into text for people.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "report.h"
#include "text.h"

#define ADDR_TEXT 128		/* an IPv6 address with a zone, or a path */

/* "127.0.0.1 port 80", "localhost (::1) port 80", "/run/x.sock". */
static void
where(char *buf, size_t size, const struct target *t, const char *host,
    const char *addr, unsigned port)
{
	if (t->family == AF_UNIX)
		snprintf(buf, size, "%s", host);
	else if (addr == NULL || t->literal)
		snprintf(buf, size, "%s port %u", t->literal && addr != NULL ?
		    addr : host, port);
	else
		snprintf(buf, size, "%s (%s) port %u", host, addr, port);
}

/* The meaning and check lines of an entry, indented under the headline. */
static void
explanation(FILE *f, const struct explain_entry *e,
    const struct explain_ctx *ctx)
{
	char buf[1024];

	if (explain_render(e, EXPLAIN_MEANING, ctx, buf, sizeof(buf)) != NULL)
		fprintf(f, "  %s\n", buf);
	if (explain_render(e, EXPLAIN_CHECK, ctx, buf, sizeof(buf)) != NULL)
		fprintf(f, "  Check: %s\n", buf);
}

/* "connection refused (ECONNREFUSED, errno 111)" for an attempt. */
static void
outcome(char *buf, size_t size, const struct probe_attempt *a,
    const struct explain_entry *e, const struct report_opts *o)
{
	const char *step = a->step != NULL && strcmp(a->step, "connect") != 0 ?
	    a->step : NULL;

	if (a->deadline)
		snprintf(buf, size, "no answer within the deadline of %.3g s "
		    "(ETIMEDOUT, errno %d)", (double)o->timeout_ms / 1000.0,
		    ETIMEDOUT);
	else if (e != NULL)
		snprintf(buf, size, "%s%s%s (%s, errno %d)", step ? step : "",
		    step ? "() failed: " : "", e->summary, e->name, e->number);
	else
		snprintf(buf, size, "%s%s%s (errno %d)", step ? step : "",
		    step ? "() failed: " : "", strerror(a->error), a->error);
}

static void
report_resolve_failure(const struct target *t, const struct probe_result *r,
    const char *host, FILE *f)
{
	const struct explain_entry *e = explain_lookup_eai(r->eai);
	struct explain_ctx ctx = {
		.kind = explain_ctx_kind_of(t->family, t->type),
		.host = host, .addr = host, .port = t->port,
		.proto = target_proto_name(t->family, t->type),
	};

	if (r->eai == EAI_SYSTEM) {
		e = explain_lookup_errno(r->eai_errno);
		fprintf(f, "isock-connect: %s: resolving failed: %s (%s, errno "
		    "%d)\n", host, e != NULL ? e->summary :
		    strerror(r->eai_errno), e != NULL ? e->name : "?",
		    r->eai_errno);
	} else
		fprintf(f, "isock-connect: %s: %s (%s, %d)\n", host,
		    e != NULL ? e->summary : gai_strerror(r->eai),
		    e != NULL ? e->name : "EAI", r->eai);
	if (e != NULL)
		explanation(f, e, &ctx);
}

void
report_text(const struct target *t, const struct probe_result *r,
    const struct report_opts *o)
{
	const struct probe_attempt *ok = probe_connected(r), *last, *a;
	const struct explain_entry *e;
	const char *proto = target_proto_name(t->family, t->type);
	char *host, addr[ADDR_TEXT], place[512], what[256];
	struct explain_ctx ctx;
	unsigned port;
	size_t i;

	if (o->quiet)
		return;
	host = text_escape_dup(t->host);
	if (host == NULL)
		return;
	if (r->signal != 0) {
		fprintf(o->err, "isock-connect: interrupted by %s after %.3f ms, "
		    "%zu address%s tried, none connected\n",
		    sigabbrev_np(r->signal) != NULL ? sigabbrev_np(r->signal) :
		    "a signal", r->ms, r->nattempts,
		    r->nattempts == 1 ? "" : "es");
		goto out;
	}
	if (r->eai != 0) {
		report_resolve_failure(t, r, host, o->err);
		goto out;
	}
	if (ok != NULL) {
		char *esc;

		target_addr_text((const struct sockaddr *)&ok->addr.ss,
		    ok->addr.len, addr, sizeof(addr), &port);
		esc = text_escape_dup(addr);
		where(place, sizeof(place), t, host, esc, port);
		free(esc);
		if (t->type == SOCK_DGRAM)
			fprintf(o->out, "isock-connect: association set with %s "
			    "(%s) in %.3f ms; no packet was sent, so nothing "
			    "is known yet of the other end\n", place, proto,
			    ok->ms);
		else
			fprintf(o->out, "isock-connect: connected to %s (%s) in "
			    "%.3f ms\n", place, proto, ok->ms);
		goto out;
	}
	if (r->nattempts == 0)
		goto out;
	last = &r->attempts[r->nattempts - 1];
	target_addr_text((const struct sockaddr *)&last->addr.ss,
	    last->addr.len, addr, sizeof(addr), &port);
	{
		char *esc = text_escape_dup(addr);

		where(place, sizeof(place), t, host,
		    r->nattempts > 1 ? NULL : esc, port);
		e = explain_lookup_errno(last->error);
		outcome(what, sizeof(what), last, e, o);
		fprintf(o->err, "isock-connect: %s (%s): %s\n", place, proto,
		    what);
		if (r->nattempts > 1)
			for (i = 0; i < r->nattempts; i++) {
				char one[ADDR_TEXT], *oesc;
				unsigned p;

				a = &r->attempts[i];
				target_addr_text((const struct sockaddr *)
				    &a->addr.ss, a->addr.len, one, sizeof(one),
				    &p);
				oesc = text_escape_dup(one);
				outcome(what, sizeof(what), a,
				    explain_lookup_errno(a->error), o);
				fprintf(o->err, "  tried %s: %s\n",
				    oesc != NULL ? oesc : "?", what);
				free(oesc);
			}
		ctx = (struct explain_ctx){
			.kind = explain_ctx_kind_of(t->family, t->type),
			.addr = esc, .host = host, .path = host,
			.proto = proto, .port = port,
		};
		if (e != NULL)
			explanation(o->err, e, &ctx);
		free(esc);
	}
out:
	free(host);
}

void
report_trace(void *arg, double ms, const char *line)
{
	char *esc = text_escape_dup(line);

	fprintf((FILE *)arg, "* [%9.3f ms] %s\n", ms, esc != NULL ? esc : line);
	free(esc);
}
