/* SPDX-License-Identifier: ISC */
/*
 * report.c: turning results into text for people or JSON Lines for machines.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "clock.h"
#include "facts_text.h"
#include "json.h"
#include "ready_text.h"
#include "report.h"
#include "text.h"

#define ADDR_TEXT 128		/* an IPv6 address with a zone, or a path */
#define DIAG_LINES 12		/* facts shown at most */

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

/* "INT" for SIGINT: the short name of a signal, or "a signal". */
static const char *
signal_abbrev(int sig)
{
	const char *name = sigabbrev_np(sig);

	return name != NULL ? name : "a signal";
}

/* The numeric text of an attempt's address, and its port. */
static const char *
attempt_addr(const struct result_attempt *a, char *buf, size_t size,
    unsigned *port)
{
	return target_addr_text((const struct sockaddr *)&a->addr.ss,
	    a->addr.len, buf, size, port);
}

static const char *
family_name(int family)
{
	switch (family) {
	case AF_INET:
		return "inet";
	case AF_INET6:
		return "inet6";
	case AF_UNIX:
		return "unix";
	default:
		return "unspec";
	}
}

static const char *
type_name(int type)
{
	switch (type) {
	case SOCK_DGRAM:
		return "dgram";
	case SOCK_SEQPACKET:
		return "seqpacket";
	default:
		return "stream";
	}
}

/* The explain entry of a failed result: its resolver code or errno. */
static const struct explain_entry *
result_entry(const struct result *r, const struct result_attempt *last)
{
	if (r->eai != 0)
		return r->eai == EAI_SYSTEM ? explain_lookup_errno(r->eai_errno) :
		    explain_lookup_eai(r->eai);
	return last != NULL ? explain_lookup_errno(last->error) : NULL;
}

/*
 * The outcome of an attempt whose socket the kernel joined to itself: the
 * port asked for is in the ephemeral range and nothing held it.
 */
static void
self_outcome(char *buf, size_t size, const struct result_attempt *a)
{
	char addr[ADDR_TEXT];
	unsigned port;

	attempt_addr(a, addr, sizeof(addr), &port);
	snprintf(buf, size, "connection refused: the socket was joined to "
	    "itself (its own port was %u, the one asked for), which is no "
	    "service (ECONNREFUSED, errno %d)", port, ECONNREFUSED);
}

/*
 * The deadline that ended attempt `a`: "the deadline of 5 s" (-w), or when
 * --wait had less left for its try, "the 1 s left of --wait".
 */
static void
deadline_text(char *buf, size_t size, const struct result_attempt *a,
    const struct report_opts *o)
{
	if (a->limit_ms > 0 && a->limit_ms + 0.5 < (double)o->timeout_ms)
		snprintf(buf, size, "the %.3g s left of --wait",
		    a->limit_ms / 1000.0);
	else
		snprintf(buf, size, "the deadline of %.3g s",
		    (double)o->timeout_ms / 1000.0);
}

/* "connection refused (ECONNREFUSED, errno 111)" for an attempt. */
static void
outcome(char *buf, size_t size, const struct result_attempt *a,
    const struct report_opts *o)
{
	const struct explain_entry *e = explain_lookup_errno(a->error);
	/* connect, poll and recv failures are the answer itself, not a step. */
	const char *step = a->step != NULL && strcmp(a->step, "connect") != 0 &&
	    strcmp(a->step, "poll") != 0 && strcmp(a->step, "recv") != 0 ?
	    a->step : NULL;

	char limit[64];

	deadline_text(limit, sizeof(limit), a, o);
	if (a->deadline && a->probed)
		snprintf(buf, size, "no answer to the datagram within %s "
		    "(open or filtered)", limit);
	else if (a->deadline)
		snprintf(buf, size, "no answer within %s (ETIMEDOUT, errno %d)",
		    limit, ETIMEDOUT);
	else if (a->error == EINTR)
		snprintf(buf, size, "interrupted");
	else if (a->self)
		self_outcome(buf, size, a);
	else
		snprintf(buf, size, "%s%s%s (%s, errno %d)", step ? step : "",
		    step ? "() failed: " : "", e != NULL ? e->summary :
		    strerror(a->error), e != NULL ? e->name : "unknown errno",
		    a->error);
}

/* The facts as lines; returns how many. */
static size_t
fact_lines(const struct diag_facts *facts, char lines[][DIAG_LINE_MAX])
{
	return facts != NULL ? facts_text_lines(facts, lines, DIAG_LINES) : 0;
}

/* Append the descriptor limit (RLIMIT_NOFILE) that EMFILE met to `what`. */
static void
nofile_limit(char *what, size_t size)
{
	struct rlimit rl;
	size_t len = strlen(what);

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		snprintf(what + len, size - len, "; the limit is %llu "
		    "descriptors (ulimit -n)", (unsigned long long)rl.rlim_cur);
}

/*
 * What failed, as the headline says it after the place: "connection
 * refused (ECONNREFUSED, errno 111)", a resolver's code, "interrupted".
 */
static void
failure_what(char *what, size_t size, const struct result *r,
    const struct report_opts *o)
{
	const struct result_attempt *last = result_last(r);
	const struct explain_entry *e = result_entry(r, last);

	if (r->eai == EAI_SYSTEM && r->eai_errno == 0)
		snprintf(what, size, "resolving failed: the resolver "
		    "reported a system error (EAI_SYSTEM, %d) and left no errno "
		    "to say which", r->eai);
	else if (r->eai == EAI_SYSTEM)
		snprintf(what, size, "resolving failed: %s (%s, errno "
		    "%d)", e != NULL ? e->summary : strerror(r->eai_errno),
		    e != NULL ? e->name : "?", r->eai_errno);
	else if (r->eai == EAI_CANCELED)
		snprintf(what, size, "timed out resolving the name: "
		    "no answer from the name service within the deadline of "
		    "%.3g s (EAI_CANCELED, %d)", (double)o->timeout_ms / 1000.0,
		    r->eai);
	else if (r->eai != 0)
		snprintf(what, size, "%s (%s, %d)", e != NULL ?
		    e->summary : gai_strerror(r->eai), e != NULL ? e->name :
		    "EAI", r->eai);
	else if (r->signal != 0)
		snprintf(what, size, "interrupted by %s",
		    signal_abbrev(r->signal));
	else if (r->ready != NULL && r->ready->status != 0)
		ready_text_what(r->ready, what, size);
	else if (last != NULL)
		outcome(what, size, last, o);
	else
		snprintf(what, size, "no address was tried");
	if ((r->eai == EAI_SYSTEM ? r->eai_errno : r->eai == 0 &&
	    last != NULL ? last->error : 0) == EMFILE)
		nofile_limit(what, size);
}

/* Whether `line` was said before under this run (and note it if not). */
static bool
fact_said(const char *line, const struct report_opts *o)
{
	struct report_said *s = o->said;
	size_t i, len;

	if (s == NULL)
		return false;
	for (i = 0; i < s->n; i++)
		if (strcmp(s->lines[i], line) == 0)
			return true;
	if (s->n < REPORT_SAID_MAX) {
		len = strnlen(line, DIAG_LINE_MAX - 1);
		memcpy(s->lines[s->n], line, len);
		s->lines[s->n++][len] = '\0';
	}
	return false;
}

/*
 * "  tried ::1: connection refused (...)" for each address of `r`, if
 * several, but the one whose check failed (its headline names it).
 */
static void
failure_tried(const struct result *r, const struct report_opts *o)
{
	const struct result_attempt *checked = result_checked(r);
	char one[ADDR_TEXT], what[320], *esc;
	unsigned port;
	size_t i;

	if (r->nattempts < 2)
		return;
	for (i = 0; i < r->nattempts; i++) {
		if (&r->attempts[i] == checked)
			continue;
		attempt_addr(&r->attempts[i], one, sizeof(one), &port);
		esc = text_escape_dup(one);
		outcome(what, sizeof(what), &r->attempts[i], o);
		fprintf(o->err, "  tried %s: %s\n", esc != NULL ? esc : "?",
		    what);
		free(esc);
	}
}

/*
 * The meaning of a refusal on the abstract name `name` ("@...", escaped):
 * Linux refuses a name nothing is bound to as it refuses one bound without
 * listen(), and such a name has no file that could be left behind.
 */
static void
abstract_refused(const char *name, const struct report_opts *o)
{
	fprintf(o->err, "  No socket listens on the abstract name %s: none is "
	    "bound to it, or the one bound has not called listen() (both are "
	    "ECONNREFUSED; an abstract name has no file).\n  Check: `ss -xap "
	    "src %s` lists a socket bound to it; nothing listed means no "
	    "server holds the name in this network namespace.\n", name, name);
}

/*
 * The lines under the headline of a failed TLS or HTTP check: its facts,
 * what they mean, what to check.
 */
static void
ready_detail(const struct target *t, const struct result *r,
    const char *host, unsigned port, const struct report_opts *o)
{
	char lines[DIAG_LINES][DIAG_LINE_MAX], place[512];
	char mean[2 * DIAG_LINE_MAX], check[2 * DIAG_LINE_MAX];
	size_t i, nl;

	nl = ready_text_lines(r->ready, r->ready->clock, lines, DIAG_LINES);
	for (i = 0; i < nl; i++)
		fprintf(o->err, "  Found: %s\n", lines[i]);
	where(place, sizeof(place), t, host, NULL, port);
	ready_text_advice(r->ready, r->ready->clock, place, mean,
	    sizeof(mean), check, sizeof(check));
	if (mean[0] != '\0')
		fprintf(o->err, "  %s\n", mean);
	if (check[0] != '\0')
		fprintf(o->err, "  Check: %s\n", check);
}

/*
 * The lines under a failure's headline and its addresses tried: the facts
 * found, what the failure means and what to check.  `esc` is the escaped
 * address of the last attempt (NULL: none), `port` its port.
 */
static void
failure_detail(const struct target *t, const struct result *r,
    const struct diag_facts *facts, const char *host, const char *esc,
    unsigned port, const struct report_opts *o)
{
	const struct result_attempt *last = result_last(r);
	const struct explain_entry *e = result_entry(r, last);
	const char *proto = target_proto_name(t->family, t->type);
	char buf[1024], lines[DIAG_LINES][DIAG_LINE_MAX];
	char fmean[2 * DIAG_LINE_MAX], fcheck[2 * DIAG_LINE_MAX];
	struct explain_ctx ctx;
	size_t i, nl;
	bool said = false;	/* the errno's meaning was said before */

	if (r->ready != NULL && r->ready->status != 0) {
		ready_detail(t, r, host, port, o);
		return;
	}
	nl = fact_lines(facts, lines);
	for (i = 0; i < nl; i++)
		if (!fact_said(lines[i], o))
			fprintf(o->err, "  Found: %s\n", lines[i]);
	/* Where the facts decide, their text replaces the errno's; it is
	   this target's own, so it is not left out as explained before. */
	facts_text_advice(facts, fmean, sizeof(fmean), fcheck, sizeof(fcheck));
	if (e != NULL && o->seen != NULL && e->kind == EXPLAIN_ERRNO &&
	    e->number >= 0 && e->number < REPORT_SEEN_MAX) {
		said = o->seen[e->number] != 0;
		if (fmean[0] == '\0')
			o->seen[e->number] = 1;
	}
	if (last != NULL && last->error == ECONNREFUSED &&
	    t->family == AF_UNIX && host[0] == '@' && r->signal == 0) {
		abstract_refused(host, o);
		return;
	}
	if (last != NULL && last->self && r->signal == 0) {
		fprintf(o->err, "  The socket's own port was %u, the one asked "
		    "for: a connect from this host takes a free port of the "
		    "ephemeral range (net.ipv4.ip_local_port_range) unless -p "
		    "names one, and with no program holding it the kernel joined "
		    "the socket to itself.\n  Check: start the service; keep its "
		    "port out of the ephemeral range, or reserve it "
		    "(net.ipv4.ip_local_reserved_ports).\n", port);
		return;
	}
	if (said && fmean[0] == '\0' && fcheck[0] == '\0')
		return;	/* explained under an earlier target */
	if (last != NULL && last->probed && last->deadline) {
		facts_text_silent_probe(facts, port, fmean, sizeof(fmean),
		    fcheck, sizeof(fcheck));
		fprintf(o->err, "  %s\n  Check: %s\n", fmean, fcheck);
		return;
	}
	if (e != NULL && r->signal == 0) {
		ctx = (struct explain_ctx){
			.kind = explain_ctx_kind_of(t->family, t->type),
			.addr = esc != NULL ? esc : host, .host = host,
			.path = host, .proto = proto, .port = port,
		};
		if (fmean[0] != '\0')
			fprintf(o->err, "  %s\n", fmean);
		else if (!said && explain_render(e, EXPLAIN_MEANING, &ctx,
		    buf, sizeof(buf)) != NULL)
			fprintf(o->err, "  %s\n", buf);
		if (fcheck[0] != '\0')
			fprintf(o->err, "  Check: %s\n", fcheck);
		else if (explain_render(e, EXPLAIN_CHECK, &ctx, buf,
		    sizeof(buf)) != NULL)
			fprintf(o->err, "  Check: %s\n", buf);
	}
}

static void
text_failure(const struct target *t, const struct result *r,
    const struct diag_facts *facts, const char *host, unsigned long seq,
    const struct report_opts *o)
{
	const struct result_attempt *checked = result_checked(r);
	const struct result_attempt *last = checked != NULL ? checked :
	    result_last(r);
	const char *proto = target_proto_name(t->family, t->type);
	char addr[ADDR_TEXT], place[512], what[320], seqtext[32] = "";
	char gave[64] = "", *esc = NULL;
	unsigned port = t->port;

	if (seq > 0)
		snprintf(seqtext, sizeof(seqtext), "probe %lu: ", seq);
	if (r->signal != 0 && last == NULL) {
		where(place, sizeof(place), t, host, NULL, port);
		fprintf(o->err, "isock-connect: %s%s (%s): interrupted by %s "
		    "before a connection was tried\n", seqtext, place, proto,
		    signal_abbrev(r->signal));
		return;
	}
	if (last == NULL && r->eai == 0) {
		/* Nothing was tried: never an outcome of an attempt. */
		where(place, sizeof(place), t, host, NULL, port);
		fprintf(o->err, "isock-connect: %s%s (%s): %s\n", seqtext,
		    place, proto, r->state == RESULT_FINISHED ? "no address "
		    "was tried before the deadline" : "not tried");
		return;
	}
	if (last != NULL) {
		attempt_addr(last, addr, sizeof(addr), &port);
		esc = text_escape_dup(addr);
	}
	where(place, sizeof(place), t, host, r->nattempts > 1 &&
	    checked == NULL ? NULL : esc, port);
	failure_what(what, sizeof(what), r, o);
	/* --wait: how long it waited, and how often it tried. */
	if (r->tries > 0 && r->signal == 0 && seq == 0)
		snprintf(gave, sizeof(gave), "%s after %.2f s, %u attempt%s: ",
		    o->stopped ? "interrupted" : "gave up", r->waited_ms /
		    1000.0, r->tries, r->tries == 1 ? "" : "s");
	/* --invert: a check that failed after its connect, which accepted. */
	if (o->invert && result_invert_status(r) == ISOCK_EXIT_ACCEPTING)
		snprintf(gave + strlen(gave), sizeof(gave) - strlen(gave),
		    "still accepting: ");
	fprintf(o->err, "isock-connect: %s%s (%s): %s", seqtext, place, proto,
	    gave);
	report_word(o->err, what, result_exit_status(r), o);
	fputc('\n', o->err);
	failure_tried(r, o);
	/* --count: one line a probe; the statistics follow. */
	if (seq == 0)
		failure_detail(t, r, facts, host, esc, port, o);
	free(esc);
}

/* "; up after 1.21 s, 6 attempts" with `word` "up", or "" without --wait. */
static void
waited_text(char *buf, size_t size, const struct result *r, const char *word)
{
	buf[0] = '\0';
	if (r->tries > 0)
		snprintf(buf, size, "; %s after %.2f s, %u attempt%s", word,
		    r->waited_ms / 1000.0, r->tries, r->tries == 1 ? "" : "s");
}

/*
 * --invert: a target that did not accept is the success, on `out`, with
 * its cause; one that connected (`ok`) is the failure, on `err`.
 */
/* ", then reset by the peer at once" after the time of `a`, or "". */
static const char *
reset_clause(const struct result_attempt *a)
{
	return a->reset ? ", then reset by the peer at once" : "";
}

static void
text_inverted(const struct target *t, const struct result *r,
    const struct result_attempt *ok, const char *host,
    const struct report_opts *o)
{
	const struct result_attempt *a = ok != NULL ? ok : result_last(r);
	const char *proto = target_proto_name(t->family, t->type);
	char addr[ADDR_TEXT], place[512], what[320], waited[64], *esc = NULL;
	unsigned port = t->port;

	if (a != NULL) {
		attempt_addr(a, addr, sizeof(addr), &port);
		esc = text_escape_dup(addr);
	}
	where(place, sizeof(place), t, host, esc, port);
	free(esc);
	if (ok != NULL) {
		waited_text(waited, sizeof(waited), r, "gave up");
		fprintf(o->err, "isock-connect: %s (%s): still accepting: "
		    "connected in %.3f ms%s%s\n", place, proto, ok->ms,
		    reset_clause(ok), waited);
		return;
	}
	waited_text(waited, sizeof(waited), r, "down");
	failure_what(what, sizeof(what), r, o);
	fprintf(o->out, "isock-connect: %s (%s): not accepting: %s%s\n", place,
	    proto, what, waited);
}

/*
 * "; ::1 refused, 10.0.0.2 timed out first": the addresses of `r` that
 * failed before `ok` connected, or "" when none did.
 */
static void
failed_first(char *buf, size_t size, const struct result *r,
    const struct result_attempt *ok)
{
	char one[ADDR_TEXT], *esc;
	size_t i, len = 0;
	unsigned port;
	int n;

	buf[0] = '\0';
	for (i = 0; i < r->nattempts && &r->attempts[i] != ok; i++) {
		if (r->attempts[i].error == 0 ||
		    r->attempts[i].error == ECANCELED)
			continue;
		attempt_addr(&r->attempts[i], one, sizeof(one), &port);
		esc = text_escape_dup(one);
		n = snprintf(buf + len, size - len, "%s%s %s", len == 0 ?
		    "; " : ", ", esc != NULL ? esc : "?",
		    exitcode_name(explain_exit_class(r->attempts[i].error)));
		free(esc);
		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
	}
	if (len > 0 && len + sizeof(" first") <= size)
		memcpy(buf + len, " first", sizeof(" first"));
}

static void
text_success(const struct target *t, const struct result *r,
    const struct result_attempt *ok, const char *host, unsigned long seq,
    const struct report_opts *o)
{
	const char *proto = target_proto_name(t->family, t->type);
	char addr[ADDR_TEXT], place[512], before[512], waited[64] = "", *esc;
	char tail[512] = "";
	const char *reset = reset_clause(ok);
	unsigned port;

	attempt_addr(ok, addr, sizeof(addr), &port);
	esc = text_escape_dup(addr);
	where(place, sizeof(place), t, host, esc, port);
	free(esc);
	/* -s, -p or -v: " from 127.0.0.1 port 40000" */
	if (o->show_local && ok->local.len > 0 &&
	    target_addr_text((const struct sockaddr *)&ok->local.ss,
	    ok->local.len, addr, sizeof(addr), &port) != NULL && port != 0) {
		size_t len = strlen(place);

		snprintf(place + len, sizeof(place) - len, " from %s port %u",
		    addr, port);
	}
	failed_first(before, sizeof(before), r, ok);
	waited_text(waited, sizeof(waited), r, "up");
	if (seq > 0)
		fprintf(o->out, "isock-connect: probe %lu: ", seq);
	else
		fputs("isock-connect: ", o->out);
	report_word(o->out, ok->probed ? "reply from" : t->type == SOCK_DGRAM ?
	    "association set with" : "connected to", 0, o);
	if (seq > 0 && r->ready != NULL)	/* the whole check */
		fprintf(o->out, " %s (%s) in %.3f ms%s%s\n", place, proto,
		    r->ms, reset, before);
	else if (seq > 0)
		fprintf(o->out, " %s (%s) in %.3f ms%s%s\n", place, proto,
		    ok->ms, reset, before);
	else if (ok->probed)
		fprintf(o->out, " %s (%s) in %.3f ms: %s%s%s\n", place, proto,
		    r->ms, ok->answer[0] != '\0' ? ok->answer :
		    "something answered the datagram", before, waited);
	else if (t->type == SOCK_DGRAM)
		fprintf(o->out, " %s (%s) in %.3f ms; no packet was sent, so "
		    "nothing is known yet of the other end%s%s\n", place, proto,
		    r->ms, before, waited);
	else {
		if (r->ready != NULL)
			ready_text_success(r->ready, r->ready->clock, tail,
			    sizeof(tail));
		fprintf(o->out, " %s (%s) in %.3f ms%s%s%s%s\n", place, proto,
		    r->ms, reset, tail, before, waited);
	}
}

/*
 * Start the JSON object of one line: its schema, its kind and its time
 * (`when`, or now when NULL or unset).
 */
static void
json_head(struct json *j, FILE *f, const char *kind,
    const struct timespec *when)
{
	struct timespec now = clock_wall();
	char t[CLOCK_RFC3339_MAX];

	json_init(j, f);
	json_object_begin(j);
	json_key(j, "schema");
	json_string(j, REPORT_SCHEMA);
	json_key(j, "kind");
	json_string(j, kind);
	json_key(j, "time");
	json_string(j, clock_rfc3339(when != NULL && !clock_is_unset(when) ?
	    when : &now, t, sizeof(t)));
}

/*
 * An outcome word as JSON writes it, lower case without spaces: "timed
 * out" as "timed_out", "TLS failed" as "tls_failed".
 */
static const char *
json_word(const char *word, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i + 1 < size && word[i] != '\0'; i++)
		buf[i] = word[i] == ' ' ? '_' :
		    (char)tolower((unsigned char)word[i]);
	buf[i] = '\0';
	return buf;
}

/* "target" as given, "host" (or "path") and "port" (null for a path). */
static void
json_target(struct json *j, const struct target *t)
{
	json_key(j, "target");
	json_string(j, t->spec != NULL ? t->spec : t->host);
	json_key(j, t->family == AF_UNIX ? "path" : "host");
	json_string(j, t->host);
	json_key(j, "port");
	if (t->family == AF_UNIX)
		json_null(j);
	else
		json_uint(j, t->port);
}

/* "local_address" and "local_port" of attempt `a` (null: none bound). */
static void
json_local(struct json *j, const struct result_attempt *a)
{
	char addr[ADDR_TEXT];
	unsigned port = 0;
	const char *text = a == NULL || a->local.len == 0 ? NULL :
	    target_addr_text((const struct sockaddr *)&a->local.ss,
	    a->local.len, addr, sizeof(addr), &port);

	json_key(j, "local_address");
	json_string(j, port != 0 ? text : NULL);
	json_key(j, "local_port");
	if (text != NULL && port != 0)
		json_uint(j, port);
	else
		json_null(j);
}

/* One attempt as a JSON object. */
static void
json_attempt(struct json *j, const struct result_attempt *a, int status)
{
	const struct explain_entry *e = explain_lookup_errno(a->error);
	char addr[ADDR_TEXT], word[32];
	unsigned port;

	json_object_begin(j);
	json_key(j, "address");
	json_string(j, attempt_addr(a, addr, sizeof(addr), &port));
	json_key(j, "outcome");
	json_string(j, json_word(exitcode_name(a->error == 0 ?
	    ISOCK_EXIT_CONNECTED : status > 0 && status < ISOCK_EXIT_SIGNAL ?
	    (enum isock_exit)status : explain_exit_class(a->error)), word,
	    sizeof(word)));
	json_key(j, "errno");
	if (a->error != 0 && e != NULL)
		json_string(j, e->name);
	else
		json_null(j);
	json_key(j, "errno_number");
	if (a->error != 0)
		json_int(j, a->error);
	else
		json_null(j);
	json_key(j, "step");
	json_string(j, a->step);
	json_key(j, "deadline");
	json_bool(j, a->deadline);
	json_key(j, "self_connect");
	json_bool(j, a->self);
	json_key(j, "reset_at_once");
	json_bool(j, a->reset);
	json_key(j, "elapsed_ms");
	json_double(j, a->ms, 3);
	json_object_end(j);
}

/* A date of a certificate as "2026-12-01T10:00:00Z", or null. */
static void
json_date(struct json *j, time_t t)
{
	char buf[32];

	if (!text_utc(t, true, buf, sizeof(buf)))
		json_null(j);
	else
		json_string(j, buf);
}

/* A string of the facts, or null when it is empty. */
static void
json_text(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	if (s[0] != '\0')
		json_string(j, s);
	else
		json_null(j);
}

/*
 * Whether `name` is an IPv4 or IPv6 address (with a zone or not), for
 * which a TLS client sends no SNI (RFC 6066 section 3); a host name holds
 * no ':'.
 */
static bool
report_is_address(const char *name)
{
	struct in_addr a;

	return strchr(name, ':') != NULL || inet_pton(AF_INET, name, &a) == 1;
}

/* The "tls" and "http" objects of a check (null when not asked for). */
static void
json_ready(struct json *j, const struct ready_facts *f)
{
	const struct ready_cert *c = &f->leaf;

	json_key(j, "tls");
	if ((f->what & TARGET_TLS) == 0)
		json_null(j);
	else {
		json_object_begin(j);
		json_key(j, "handshake");
		json_bool(j, f->handshake_done);
		json_text(j, "version", f->version);
		json_text(j, "cipher", f->cipher);
		json_key(j, "sni");	/* none is sent for an address */
		if (report_is_address(f->name))
			json_null(j);
		else
			json_string(j, f->name);
		json_text(j, "subject", c->subject);
		json_text(j, "issuer", c->issuer);
		json_key(j, "not_before");
		json_date(j, c->have ? c->not_before : 0);
		json_key(j, "not_after");
		json_date(j, c->have ? c->not_after : 0);
		json_text(j, "names", c->names);
		json_key(j, "chain_sent");
		if (f->chain_sent >= 0)
			json_int(j, f->chain_sent);
		else
			json_null(j);
		json_key(j, "verify");
		json_string(j, f->verify != 0 ? f->verify_text :
		    f->handshake_done ? "ok" : NULL);
		json_key(j, "verify_code");
		json_int(j, f->verify);
		json_key(j, "alert");
		if (f->alert >= 0)
			json_string(j, ready_alert_name(f->alert,
			    f->alert_text));
		else
			json_null(j);
		json_text(j, "cafile", f->cafile);
		json_key(j, "handshake_ms");
		json_double(j, f->tls_ms, 3);
		json_object_end(j);
	}
	json_key(j, "http");
	if ((f->what & TARGET_HTTP) == 0)
		json_null(j);
	else {
		json_object_begin(j);
		json_key(j, "status");
		if (f->http_status > 0)
			json_int(j, f->http_status);
		else
			json_null(j);
		json_text(j, "status_line", f->status_line);
		json_text(j, "location", f->location);
		json_key(j, "location_bytes");	/* location keeps 255 */
		if (f->location_len >= 0)
			json_uint(j, (size_t)f->location_len);
		else
			json_null(j);
		json_key(j, "first_byte_ms");
		if (f->http_status > 0)
			json_double(j, f->ttfb_ms, 3);
		else
			json_null(j);
		json_key(j, "body_bytes");
		json_uint(j, f->body_bytes);
		json_object_end(j);
	}
}

/* The Found lines and explanation of a failed check, in JSON. */
static void
json_ready_failure(struct json *j, const struct target *t,
    const struct ready_facts *f)
{
	char lines[DIAG_LINES][DIAG_LINE_MAX], place[512], what[512];
	char mean[2 * DIAG_LINE_MAX], check[2 * DIAG_LINE_MAX], *host;
	size_t i, nl;

	json_key(j, "facts");
	json_array_begin(j);
	nl = ready_text_lines(f, f->clock, lines, DIAG_LINES);
	for (i = 0; i < nl; i++)
		json_string(j, lines[i]);
	json_array_end(j);
	host = text_escape_dup(t->host);
	where(place, sizeof(place), t, host != NULL ? host : "?", NULL,
	    t->port);
	free(host);
	ready_text_what(f, what, sizeof(what));
	ready_text_advice(f, f->clock, place, mean, sizeof(mean), check,
	    sizeof(check));
	json_key(j, "explanation");
	json_object_begin(j);
	json_key(j, "cause");
	json_string(j, ready_text_of(f->cause) != NULL ?
	    ready_text_of(f->cause)->name : NULL);
	json_key(j, "summary");
	json_string(j, what);
	json_text(j, "meaning", mean);
	json_text(j, "check", check);
	json_object_end(j);
}

static void
json_result(const struct target *t, const struct result *r,
    const struct diag_facts *facts, unsigned long seq,
    const struct report_opts *o)
{
	const struct result_attempt *ok = result_connected(r);
	const struct result_attempt *last = ok != NULL ? ok :
	    result_checked(r) != NULL ? result_checked(r) : result_last(r);
	int code = result_exit_status(r);
	const struct explain_entry *e = ok != NULL ? NULL :
	    result_entry(r, last);
	char addr[ADDR_TEXT], lines[DIAG_LINES][DIAG_LINE_MAX], buf[1024];
	char fmean[2 * DIAG_LINE_MAX], fcheck[2 * DIAG_LINE_MAX], word[32];
	struct explain_ctx ctx;
	unsigned port = t->port;
	struct json j;
	size_t i, nl;

	json_head(&j, o->out, "result", &r->when);
	if (seq > 0) {
		json_key(&j, "seq");
		json_uint(&j, seq);
	}
	json_target(&j, t);
	json_key(&j, "family");
	json_string(&j, family_name(last != NULL ?
	    ((const struct sockaddr *)&last->addr.ss)->sa_family : t->family));
	json_key(&j, "socktype");
	json_string(&j, type_name(t->type));
	json_key(&j, "proto");
	json_string(&j, target_proto_name(t->family, t->type));
	json_key(&j, "address");
	if (last != NULL)
		json_string(&j, attempt_addr(last, addr, sizeof(addr), &port));
	else
		json_null(&j);
	json_key(&j, "probed");
	json_bool(&j, last != NULL && last->probed);
	json_local(&j, last);
	json_key(&j, "outcome");
	json_string(&j, json_word(report_outcome_word(r, code), word,
	    sizeof(word)));
	json_key(&j, "exit_code");
	json_int(&j, code);
	json_key(&j, "errno");
	json_string(&j, e != NULL ? e->name : NULL);
	json_key(&j, "errno_number");
	if (e != NULL)
		json_int(&j, e->number);
	else
		json_null(&j);
	json_key(&j, "step");
	json_string(&j, ok == NULL && r->eai != 0 ? "resolve" :
	    last != NULL ? last->step : NULL);
	/* The connect's time, as for a success; the look-up's is beside. */
	json_key(&j, "elapsed_ms");
	if (last != NULL)
		json_double(&j, last->ms, 3);
	else
		json_null(&j);
	json_key(&j, "resolve_ms");
	json_double(&j, r->resolve_ms, 3);
	if (r->tries > 0) {	/* --wait: how long, how many tries */
		json_key(&j, "tries");
		json_uint(&j, r->tries);
		json_key(&j, "waited_ms");
		json_double(&j, r->waited_ms, 3);
	}
	json_key(&j, "attempts");
	json_array_begin(&j);
	for (i = 0; i < r->nattempts; i++)
		json_attempt(&j, &r->attempts[i], i + 1 == r->nattempts ?
		    r->diag_status : 0);
	json_array_end(&j);
	if (r->ready != NULL)
		json_ready(&j, r->ready);
	if (r->ready != NULL && r->ready->status != 0) {
		json_ready_failure(&j, t, r->ready);
		json_object_end(&j);
		json_line_end(&j);
		return;
	}
	json_key(&j, "facts");
	json_array_begin(&j);
	nl = fact_lines(facts, lines);
	for (i = 0; i < nl; i++)
		json_string(&j, lines[i]);
	json_array_end(&j);
	json_key(&j, "explanation");
	if (e != NULL) {
		ctx = (struct explain_ctx){
			.kind = explain_ctx_kind_of(t->family, t->type),
			.addr = last != NULL ? addr : t->host, .host = t->host,
			.path = t->host, .port = port,
			.proto = target_proto_name(t->family, t->type),
		};
		json_object_begin(&j);
		json_key(&j, "summary");
		json_string(&j, e->summary);
		facts_text_advice(facts, fmean, sizeof(fmean), fcheck,
		    sizeof(fcheck));
		json_key(&j, "meaning");
		json_string(&j, fmean[0] != '\0' ? fmean : explain_render(e,
		    EXPLAIN_MEANING, &ctx, buf, sizeof(buf)));
		json_key(&j, "check");
		json_string(&j, fcheck[0] != '\0' ? fcheck : explain_render(e,
		    EXPLAIN_CHECK, &ctx, buf, sizeof(buf)));
		json_object_end(&j);
	} else
		json_null(&j);
	json_object_end(&j);
	json_line_end(&j);
}

void
report_result(const struct target *t, const struct result *r,
    const struct diag_facts *facts, unsigned long seq,
    const struct report_opts *o)
{
	const struct result_attempt *ok = result_connected(r);
	char *host;

	if (o->json) {
		json_result(t, r, facts, seq, o);
		return;
	}
	if (o->quiet)
		return;
	host = text_escape_dup(t->host);
	if (host == NULL)
		return;
	if (o->invert && (ok != NULL || (r->signal == 0 &&
	    r->state == RESULT_FINISHED &&
	    result_closed(result_invert_status(r)))))
		text_inverted(t, r, ok, host, o);
	else if (ok != NULL)
		text_success(t, r, ok, host, seq, o);
	else
		text_failure(t, r, facts, host, seq, o);
	free(host);
}

void
report_word(FILE *f, const char *word, int code,
    const struct report_opts *o)
{
	if (!(f == o->out ? o->color_out : f == o->err && o->color_err)) {
		fputs(word, f);
		return;
	}
	fprintf(f, "\033[%sm%s\033[0m", code == ISOCK_EXIT_CONNECTED ? "32" :
	    code == ISOCK_EXIT_TIMEDOUT ? "33" : "31", word);
}

void
report_place(char *buf, size_t size, const struct target *t,
    const struct result *r)
{
	const struct result_attempt *ok = result_connected(r);
	const struct result_attempt *a = ok != NULL ? ok : result_last(r);
	char addr[ADDR_TEXT], *host, *esc = NULL;
	unsigned port = t->port;

	host = text_escape_dup(t->host);
	if (a != NULL && (ok != NULL || r->nattempts == 1)) {
		attempt_addr(a, addr, sizeof(addr), &port);
		esc = text_escape_dup(addr);
	}
	where(buf, size, t, host != NULL ? host : "?", esc, port);
	free(esc);
	free(host);
}

void
report_failure_what(char *buf, size_t size, const struct result *r,
    const struct report_opts *o)
{
	if (r->signal != 0 && result_last(r) == NULL)
		snprintf(buf, size, "interrupted by %s before a connection "
		    "was tried", signal_abbrev(r->signal));
	else if (result_last(r) == NULL && r->eai == 0)
		snprintf(buf, size, "%s", r->state == RESULT_FINISHED ?
		    "no address was tried before the deadline" : "not tried");
	else
		failure_what(buf, size, r, o);
}

void
report_failure_detail(const struct target *t, const struct result *r,
    const struct diag_facts *facts, const struct report_opts *o)
{
	const struct result_attempt *last = result_last(r);
	char addr[ADDR_TEXT], *host, *esc = NULL;
	unsigned port = t->port;

	if (last == NULL && r->eai == 0)
		return;
	host = text_escape_dup(t->host);
	if (host == NULL)
		return;
	if (last != NULL) {
		attempt_addr(last, addr, sizeof(addr), &port);
		esc = text_escape_dup(addr);
	}
	failure_tried(r, o);
	failure_detail(t, r, facts, host, esc, port, o);
	free(esc);
	free(host);
}

const char *
report_outcome_word(const struct result *r, int code)
{
	const struct result_attempt *ok = result_connected(r);
	const struct result_attempt *last = result_last(r);

	if (ok != NULL)
		return ok->probed ? "reply" : "connected";
	if (r->signal != 0)
		return "interrupted";
	if (last == NULL && r->eai == 0 && r->state != RESULT_FINISHED)
		return "not tried";
	if (last != NULL && last->probed && last->deadline)
		return "no answer";
	if (code == ISOCK_EXIT_ACCEPTING)
		return "still accepting";
	return exitcode_name(code >= ISOCK_EXIT_SIGNAL ? ISOCK_EXIT_SIGNAL :
	    (enum isock_exit)code);
}

/*
 * Count `n` more `word` (of exit status `code`) in `tally`, kept in the
 * order of the codes, then of the words' arrival (a word past the room
 * is dropped).
 */
static void
tally_word(struct report_tally *tally, const char *word, int code,
    unsigned long n)
{
	size_t i, j;

	for (i = 0; i < tally->len; i++)
		if (strcmp(tally->word[i], word) == 0) {
			tally->n[i] += n;
			return;
		}
	if (tally->len == REPORT_TALLY_MAX)
		return;
	for (i = tally->len; i > 0 && tally->code[i - 1] > code; i--)
		;
	for (j = tally->len++; j > i; j--) {
		tally->word[j] = tally->word[j - 1];
		tally->code[j] = tally->code[j - 1];
		tally->n[j] = tally->n[j - 1];
	}
	tally->word[i] = word;
	tally->code[i] = code;
	tally->n[i] = n;
}

void
report_tally_add(struct report_tally *tally, const struct result *r)
{
	int code;

	if (tally == NULL)
		return;
	code = tally->invert ? result_invert_status(r) : result_exit_status(r);
	tally_word(tally, report_outcome_word(r, code), code, 1);
}

/* A tally of exit classes `count` (the last: interrupted), in order. */
static void
tally_codes(struct report_tally *tally, const unsigned long *count)
{
	int c;

	tally->len = 0;
	for (c = 0; c <= ISOCK_EXIT_MAX; c++)
		if (count[c] > 0)
			tally_word(tally, exitcode_name((enum isock_exit)c), c,
			    count[c]);
	if (count[ISOCK_EXIT_MAX + 1] > 0)
		tally_word(tally, "interrupted", ISOCK_EXIT_SIGNAL,
		    count[ISOCK_EXIT_MAX + 1]);
}

void
report_summary(const int *codes, size_t n, int exit_code, int signal,
    double ms, const struct report_opts *o)
{
	unsigned long count[ISOCK_EXIT_MAX + 2] = { 0 };
	struct report_tally tally;
	const char *sep = "";
	char word[32];
	struct json j;
	size_t i;
	int c;

	if (o->quiet && !o->json)
		return;
	for (i = 0; i < n; i++) {
		c = codes[i];
		count[c >= 0 && c <= ISOCK_EXIT_MAX ? c : ISOCK_EXIT_MAX + 1]++;
	}
	if (o->tally == NULL)
		tally_codes(&tally, count);
	else
		tally = *o->tally;
	if (o->json) {
		json_head(&j, o->out, "summary", NULL);
		json_key(&j, "targets");
		json_uint(&j, n);
		json_key(&j, "outcomes");
		json_object_begin(&j);
		for (i = 0; i < tally.len; i++) {
			json_key(&j, json_word(tally.word[i], word,
			    sizeof(word)));
			json_uint(&j, tally.n[i]);
		}
		json_object_end(&j);
		json_key(&j, "exit_code");
		json_int(&j, exit_code);
		json_key(&j, "interrupted");
		json_bool(&j, signal != 0);
		json_key(&j, "signal");
		if (signal != 0)
			json_string(&j, sigabbrev_np(signal));
		else
			json_null(&j);
		json_key(&j, "elapsed_ms");
		json_double(&j, ms, 3);
		json_object_end(&j);
		json_line_end(&j);
		return;
	}
	fprintf(o->out, "isock-connect: %zu targets: ", n);
	for (i = 0; i < tally.len; i++) {
		fprintf(o->out, "%s%lu %s", sep, tally.n[i], tally.word[i]);
		sep = ", ";
	}
	fprintf(o->out, "; exit status %d\n", exit_code);
}

void
report_interrupted(int signal, double ms, size_t done, size_t total,
    bool probes, const struct report_opts *o)
{
	const char *name = sigabbrev_np(signal);

	if (o->quiet || o->json)
		return;
	fprintf(o->err, "isock-connect: interrupted by %s%s after %.3f s: %zu "
	    "of %zu %s done\n", name != NULL ? "SIG" : "a signal",
	    name != NULL ? name : "", ms / 1000.0, done, total,
	    probes ? "probes" : total == 1 ? "target" : "targets");
}

/*
 * The longest downtime of `s` as an object: probes failed in a row, when
 * the run began and ended, its length, whether it goes on; null if none.
 */
static void
json_downtime(struct json *j, const struct result_stats *s)
{
	char t[CLOCK_RFC3339_MAX];

	if (s->down_longest == 0) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_key(j, "probes");
	json_uint(j, s->down_longest);
	json_key(j, "began");
	json_string(j, clock_rfc3339(&s->longest_began, t, sizeof(t)));
	json_key(j, "ended");
	json_string(j, clock_rfc3339(&s->longest_ended, t, sizeof(t)));
	json_key(j, "ms");
	json_double(j, clock_ms_between(&s->longest_began, &s->longest_ended),
	    3);
	json_key(j, "ongoing");
	json_bool(j, s->down_ongoing);
	json_object_end(j);
}

void
report_stats(const struct target *t, const struct result_stats *s,
    const struct report_opts *o)
{
	char *host, place[512], began[CLOCK_RFC3339_MAX];
	char ended[CLOCK_RFC3339_MAX];
	struct json j;

	if (o->quiet && !o->json)
		return;
	if (o->json) {
		json_head(&j, o->out, "statistics", NULL);
		json_target(&j, t);
		json_key(&j, "probes");
		json_uint(&j, s->sent);
		json_key(&j, "connected");
		json_uint(&j, s->connected);
		json_key(&j, "lost");
		json_uint(&j, s->sent - s->connected);
		json_key(&j, "min_ms");
		json_double(&j, s->connected ? s->min : 0.0 / 0.0, 3);
		json_key(&j, "avg_ms");
		json_double(&j, s->connected ? result_stats_avg(s) : 0.0 / 0.0, 3);
		json_key(&j, "max_ms");
		json_double(&j, s->connected ? s->max : 0.0 / 0.0, 3);
		json_key(&j, "mdev_ms");
		json_double(&j, s->connected ? result_stats_mdev(s) : 0.0 / 0.0, 3);
		json_key(&j, "downtime");
		json_downtime(&j, s);
		json_object_end(&j);
		json_line_end(&j);
		return;
	}
	host = text_escape_dup(t->host);
	where(place, sizeof(place), t, host != NULL ? host : "?", NULL,
	    t->port);
	/* A probe of a TLS or HTTP check counts when ready: its line says
	   "connected" for a connect whose check then failed. */
	fprintf(o->out, "--- %s (%s): %lu probes, %lu %s, %lu failed "
	    "(%.0f%% loss)\n", place, target_proto_name(t->family, t->type),
	    s->sent, s->connected, t->ready != 0 ? "ready" : "connected",
	    s->sent - s->connected, s->sent > 0 ? 100.0 *
	    (double)(s->sent - s->connected) / (double)s->sent : 0.0);
	if (s->connected > 0)
		fprintf(o->out, "min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n",
		    s->min, result_stats_avg(s), s->max, result_stats_mdev(s));
	if (s->down_longest > 0)
		fprintf(o->out, "longest downtime: %lu probe%s, %.3f s, from %s "
		    "to %s%s\n", s->down_longest, s->down_longest == 1 ? "" :
		    "s", clock_ms_between(&s->longest_began,
		    &s->longest_ended) / 1000.0, clock_rfc3339(&s->longest_began,
		    began, sizeof(began)), clock_rfc3339(&s->longest_ended,
		    ended, sizeof(ended)), s->down_ongoing ? " (still down)" :
		    "");
	free(host);
}

void
report_explain(const struct explain_entry *e, FILE *f)
{
	static const char *const ctxname[EXPLAIN_NCTX] = {
		[EXPLAIN_ANY] = "any", [EXPLAIN_TCP] = "tcp",
		[EXPLAIN_UDP] = "udp", [EXPLAIN_SCTP] = "sctp",
		[EXPLAIN_UNIX] = "unix",
	};
	/* An example target, not placeholders: documentation's own name
	   and address (RFC 2606, RFC 5737). */
	struct explain_ctx ctx = {
		.addr = "192.0.2.10", .host = "db.example",
		.path = "/run/db/db.sock", .port = 5432,
	};
	char buf[1024];
	int k;

	fprintf(f, "%s (%s %d): %s\nexit status %d (%s)\n", e->name,
	    e->kind == EXPLAIN_EAI ? "getaddrinfo code" : "errno", e->number,
	    e->summary, (int)e->exit_class, exitcode_name(e->exit_class));
	fprintf(f, "Said of an example target: db.example (%s) port %u, or "
	    "the Unix socket %s.\n", ctx.addr, ctx.port, ctx.path);
	for (k = 0; k < EXPLAIN_NCTX; k++) {
		if (e->meaning[k] == NULL && e->check[k] == NULL)
			continue;
		ctx.kind = (enum explain_ctx_kind)k;
		ctx.proto = ctxname[k];
		fprintf(f, "\n[%s]\n", ctxname[k]);
		if (explain_render(e, EXPLAIN_MEANING, &ctx, buf,
		    sizeof(buf)) != NULL)
			fprintf(f, "  %s\n", buf);
		if (explain_render(e, EXPLAIN_CHECK, &ctx, buf,
		    sizeof(buf)) != NULL)
			fprintf(f, "  Check: %s\n", buf);
	}
}

void
report_list_errors(FILE *f)
{
	const struct explain_entry *t;
	size_t n, i;
	const struct ready_text_entry *rt;

	t = explain_table(&n);
	for (i = 0; i < n; i++)
		fprintf(f, "%-16s %5d %3d  %s\n", t[i].name, t[i].number,
		    (int)t[i].exit_class, t[i].summary);
	rt = ready_text_table(&n);	/* https://, http://, --tls */
	for (i = 0; i < n; i++)
		fprintf(f, "%-22s - %3d  %s\n", rt[i].name, rt[i].exit_class,
		    rt[i].summary);
}

void
report_explain_ready(const struct ready_text_entry *e, FILE *f)
{
	fprintf(f, "%s (TLS or HTTP check): %s\nexit status %d (%s)\n\n"
	    "  %s\n  Check: %s\n", e->name, e->summary, e->exit_class,
	    exitcode_name((enum isock_exit)e->exit_class), e->meaning,
	    e->check);
}

void
report_trace(void *arg, double ms, const char *line)
{
	char *esc = text_escape_dup(line);

	fprintf((FILE *)arg, "* [%9.3f ms] %s\n", ms, esc != NULL ? esc : line);
	fflush((FILE *)arg);
	free(esc);
}

void
report_waiting(const struct target *t, const struct result *r,
    const struct report_opts *o)
{
	const struct result_attempt *a = result_connected(r);
	char addr[ADDR_TEXT], place[512], what[320], *host, *esc = NULL;
	unsigned port = t->port;

	if (o->quiet || o->json)
		return;
	if (a == NULL)
		a = result_last(r);
	host = text_escape_dup(t->host);
	if (a != NULL) {
		attempt_addr(a, addr, sizeof(addr), &port);
		esc = text_escape_dup(addr);
	}
	where(place, sizeof(place), t, host != NULL ? host : "?",
	    r->nattempts > 1 ? NULL : esc, port);
	if (result_connected(r) != NULL)
		snprintf(what, sizeof(what), "still accepting");
	else
		failure_what(what, sizeof(what), r, o);
	fprintf(o->err, "isock-connect: %s (%s): waiting: %s; %.2f s, %u "
	    "attempt%s so far\n", place, target_proto_name(t->family,
	    t->type), what, r->waited_ms / 1000.0, r->tries,
	    r->tries == 1 ? "" : "s");
	free(esc);
	free(host);
}

void
report_progress_clear(FILE *tty)
{
	fputs("\r\033[K", tty);
	fflush(tty);
}
