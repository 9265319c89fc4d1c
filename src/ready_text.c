/* SPDX-License-Identifier: ISC */
/*
 * ready_text.c: the words for the facts of a TLS or HTTP check.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exitcode.h"
#include "facts_text.h"
#include "ready_text.h"
#include "text.h"

/*
 * The escaped excerpts of outside text (text_excerpt_dup) one function
 * quotes, freed together at its end.
 */
struct excerpts {
	char *v[8];
	size_t n;
};

/* An excerpt of `src` kept in `x`; "?" when out of memory or room. */
static const char *
excerpt(struct excerpts *x, const char *src)
{
	char *e;

	if (x->n >= sizeof(x->v) / sizeof(x->v[0]) ||
	    (e = text_excerpt_dup(src)) == NULL)
		return "?";
	x->v[x->n++] = e;
	return e;
}

static void
excerpts_free(struct excerpts *x)
{
	while (x->n > 0)
		free(x->v[--x->n]);
}

/* "2026-12-01 10:00:00 UTC" into `buf`. */
static const char *
date(time_t t, char *buf, size_t size)
{
	if (!text_utc(t, false, buf, size))
		facts_set(buf, size, "an unreadable date");
	return buf;
}

void
ready_text_span(double s, char *buf, size_t size)
{
	static const struct {
		double secs;
		const char *one;
	} unit[] = {
		{ 86400.0 * 365, "year" }, { 86400.0, "day" },
		{ 3600.0, "hour" }, { 60.0, "minute" }, { 1.0, "second" },
	};
	unsigned long a, b;
	size_t i;

	if (s < 0)
		s = -s;
	for (i = 0; i + 1 < sizeof(unit) / sizeof(unit[0]) &&
	    s < unit[i].secs; i++)
		;
	a = (unsigned long)(s / unit[i].secs);
	if (i + 1 < sizeof(unit) / sizeof(unit[0]) && (b =
	    (unsigned long)((s - (double)a * unit[i].secs) /
	    unit[i + 1].secs)) > 0)
		facts_set(buf, size, "%lu %s%s %lu %s%s", a, unit[i].one,
		    a == 1 ? "" : "s", b, unit[i + 1].one, b == 1 ? "" : "s");
	else
		facts_set(buf, size, "%lu %s%s", a, unit[i].one,
		    a == 1 ? "" : "s");
}

void
ready_text_bytes(const unsigned char *p, size_t n, char *buf, size_t size)
{
	char *chunk;
	size_t len = 0, k, run;

	buf[0] = '\0';
	for (k = 0; k < n && len + 5 < size; k += run) {
		if (p[k] == '\0') {
			run = 1;
			facts_set(buf + len, size - len, "\\x00");
			len += 4;
			continue;
		}
		for (run = 0; k + run < n && p[k + run] != '\0'; run++)
			;
		if ((chunk = strndup((const char *)p + k, run)) == NULL)
			return;
		len += text_escape(buf + len, size - len, chunk);
		free(chunk);
		if (len >= size) {
			len = size - 1;
			break;
		}
	}
}

size_t
ready_text_body_line(const struct ready_facts *f, bool *nul)
{
	const unsigned char *at = memchr(f->body_line, '\0', f->nbody_line);

	*nul = at != NULL;
	return at != NULL ? (size_t)(at - f->body_line) : f->body_line_len;
}

/*
 * The fact of the body's first line, onto `lines` (`*n` of `max` used):
 * that the body is empty, or its first line, which ends at a LF (CR LF)
 * or, as for --http-body, at a NUL byte.
 */
static void
body_line_fact(const struct ready_facts *f, char lines[][DIAG_LINE_MAX],
    size_t *n, size_t max)
{
	bool nul;
	size_t len = ready_text_body_line(f, &nul);
	char eb[READY_TEXT];

	if (f->body_bytes == 0)
		facts_line(lines, n, max, "the body is empty%s", f->opts !=
		    NULL && f->opts->head ? " (HEAD)" : "");
	else if (len == 0 && nul)
		facts_line(lines, n, max, "the body begins with a NUL byte, "
		    "which ends its first line (%zu bytes came in all)",
		    f->body_bytes);
	else if (len == 0)
		facts_line(lines, n, max, "the first line of the body is empty "
		    "(%zu bytes came in all)", f->body_bytes);
	else
		facts_line(lines, n, max, "the first line of the body: \"%s\"%s",
		    text_excerpt_bytes(eb, sizeof(eb), f->body_line, nul ?
		    len : f->nbody_line, len), nul ?
		    " (it ends in a NUL byte)" : f->body_crlf ?
		    " (it ends in CR LF)" : "");
}

const char *
ready_alert_name(int alert, const char *other)
{
	static const struct {
		int n;
		const char *name;
	} names[] = {
		{ 0, "close notify" }, { 10, "unexpected message" },
		{ 20, "bad record mac" }, { 22, "record overflow" },
		{ 40, "handshake failure" }, { 42, "bad certificate" },
		{ 43, "unsupported certificate" },
		{ 44, "certificate revoked" }, { 45, "certificate expired" },
		{ 46, "certificate unknown" }, { 47, "illegal parameter" },
		{ 48, "unknown CA" }, { 49, "access denied" },
		{ 50, "decode error" }, { 51, "decrypt error" },
		{ 70, "protocol version" }, { 71, "insufficient security" },
		{ 80, "internal error" }, { 86, "inappropriate fallback" },
		{ 90, "user canceled" }, { 109, "missing extension" },
		{ 110, "unsupported extension" }, { 112, "unrecognized name" },
		{ 113, "bad certificate status response" },
		{ 115, "unknown PSK identity" }, { 116, "certificate required" },
		{ 120, "no application protocol" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].n == alert)
			return names[i].name;
	return other;
}

/* The alert's meaning, from its number (RFC 8446 section 6). */
static const char *
alert_meaning(int alert)
{
	switch (alert) {
	case 70:
		return "the server accepts none of the TLS versions this "
		    "client offered";
	case 40:
		return "the server could not agree on the parameters of the "
		    "handshake with this client (handshake failure: no shared "
		    "cipher suite, group or signature algorithm, say); the "
		    "alert does not say which";
	case 112:
		return "the server holds no certificate for the name sent in "
		    "SNI";
	case 116:
		return "the server asks for a client certificate, and none was "
		    "sent";
	case 42: case 43: case 44: case 45: case 46: case 48:
		return "the server refused a certificate";
	default:
		return "the server ended the handshake";
	}
}

void
ready_text_what(const struct ready_facts *f, char *buf, size_t size)
{
	struct excerpts x = { .n = 0 };

	switch (f->cause) {
	case READY_OK:
		facts_set(buf, size, "ready");
		break;
	case READY_CERT_EXPIRED:
		facts_set(buf, size, "the server's TLS certificate has "
		    "expired");
		break;
	case READY_CERT_NOT_YET:
		facts_set(buf, size, "the server's TLS certificate is not "
		    "valid yet");
		break;
	case READY_NAME_MISMATCH:
		facts_set(buf, size, "the TLS certificate is not for the name "
		    "'%s'", excerpt(&x, f->name));
		break;
	case READY_SELF_SIGNED:
		facts_set(buf, size, "the TLS certificate is self-signed and "
		    "not trusted here");
		break;
	case READY_UNKNOWN_ISSUER:
		facts_set(buf, size, "the TLS certificate's issuer is not "
		    "trusted here");
		break;
	case READY_VERIFY_OTHER:
		facts_set(buf, size, "TLS certificate verification failed: %s "
		    "(X509_V_ERR %d)", f->verify_text, f->verify);
		break;
	case READY_ALERT:
		facts_set(buf, size, "the server sent the TLS alert "
		    "'%s' (%d)", ready_alert_name(f->alert, f->alert_text),
		    f->alert);
		break;
	case READY_NOT_TLS:
		facts_set(buf, size, "the server does not speak TLS on this "
		    "port");
		break;
	case READY_TLS_CLOSED:
		facts_set(buf, size, "the server closed the connection during "
		    "the TLS handshake");
		break;
	case READY_TLS_OTHER:
		facts_set(buf, size, "the TLS handshake failed: %s", excerpt(&x, f->curl_error));
		break;
	case READY_TLS_RESET:
		facts_set(buf, size, "the server reset the connection without a "
		    "TLS answer");
		break;
	case READY_SILENT_TLS:
		facts_set(buf, size, f->server_hello ? "connected, and the TLS "
		    "handshake began (a ServerHello came), but it did not end "
		    "before the deadline" : "connected, but no TLS answer "
		    "(ServerHello) came before the deadline");
		break;
	case READY_SILENT_HTTP:
		facts_set(buf, size, f->status_line[0] != '\0' ? "connected, but "
		    "the HTTP answer did not end before the deadline" :
		    "connected, but no HTTP answer came before the deadline");
		break;
	case READY_HTTP_STATUS:
		facts_set(buf, size, "HTTP status %ld, not one expected",
		    f->http_status);
		break;
	case READY_HTTP_BODY:
		facts_set(buf, size, "HTTP %ld, but the body "
		    "does not match '%s'", f->http_status, excerpt(&x, f->opts != NULL &&
		    f->opts->body != NULL ? f->opts->body : ""));
		break;
	case READY_HTTP_BAD:
		if (f->body_cut)
			facts_set(buf, size, "the HTTP answer was cut short: the "
			    "server closed the connection during its body");
		else if (f->headers_too_big)
			facts_set(buf, size, "no valid HTTP answer: a header line "
			    "longer than libcurl's limit of %d KiB",
			    READY_HEADER_MAX / 1024);
		else
			facts_set(buf, size, "no valid HTTP answer: %s",
			    excerpt(&x, f->curl_error));
		break;
	case READY_HTTP_RESET:
		facts_set(buf, size, "the server reset the connection without an "
		    "HTTP answer");
		break;
	case READY_INTERRUPTED:
		facts_set(buf, size, "interrupted during the check after the "
		    "connect");
		break;
	case READY_INTERNAL:
		facts_set(buf, size, "the TLS or HTTP check could not be set up: "
		    "%s", excerpt(&x, f->curl_error));
		break;
	}
	excerpts_free(&x);
}

/* "the certificate CN=x (issued by CN=y)" of `c`, escaped. */
static const char *
cert_name(const struct ready_cert *c, struct excerpts *x, char *buf,
    size_t size)
{
	const char *s = excerpt(x, c->subject);

	if (strcmp(c->subject, c->issuer) == 0)
		facts_set(buf, size, "'%s' (self-signed)", s);
	else
		facts_set(buf, size, "'%s' (issued by '%s')", s,
		    excerpt(x, c->issuer));
	return buf;
}

/* The trusted certificates used: "CA file X", "CA directory Y". */
static void
trusted(const struct ready_facts *f, struct excerpts *x, char *buf,
    size_t size)
{
	if (f->cafile[0] != '\0' && f->capath[0] != '\0')
		facts_set(buf, size, "the CA file %s and the CA directory %s",
		    excerpt(x, f->cafile), excerpt(x, f->capath));
	else if (f->cafile[0] != '\0')
		facts_set(buf, size, "the CA file %s", excerpt(x, f->cafile));
	else if (f->capath[0] != '\0')
		facts_set(buf, size, "the CA directory %s", excerpt(x, f->capath));
	else
		facts_set(buf, size, "libcurl's default CA store");
}

size_t
ready_text_lines(const struct ready_facts *f, time_t now,
    char lines[][DIAG_LINE_MAX], size_t max)
{
	const struct ready_cert *c = f->bad.have ? &f->bad : &f->leaf;
	char a[READY_TEXT * 2 + 32], b[64], d[64], e[64], eb[READY_TEXT];
	char bytes[sizeof(f->first) * 4 + 1];
	struct excerpts x = { .n = 0 };
	size_t n = 0;

	switch (f->cause) {
	case READY_CERT_EXPIRED:
		ready_text_span((double)(now - c->not_after), d, sizeof(d));
		facts_line(lines, &n, max, "the certificate %s expired on %s (notAfter), %s ago by "
		    "this host's clock (%s)", cert_name(c, &x, a, sizeof(a)),
		    date(c->not_after, b, sizeof(b)), d, date(now, e,
		    sizeof(e)));
		break;
	case READY_CERT_NOT_YET:
		ready_text_span((double)(c->not_before - now), d, sizeof(d));
		facts_line(lines, &n, max, "the certificate %s is valid from %s (notBefore): %s after "
		    "this host's clock, which reads %s",
		    cert_name(c, &x, a, sizeof(a)), date(c->not_before, b,
		    sizeof(b)), d, date(now, e, sizeof(e)));
		break;
	case READY_NAME_MISMATCH:
		facts_line(lines, &n, max, "the name asked: %s", excerpt(&x, f->name));
		facts_line(lines, &n, max, "the names the certificate %s holds: %s",
		    cert_name(&f->leaf, &x, a, sizeof(a)), f->leaf.names[0] !=
		    '\0' ? excerpt(&x, f->leaf.names) :
		    "none (no subjectAltName)");
		break;
	case READY_SELF_SIGNED:
	case READY_UNKNOWN_ISSUER:
		if (f->cause == READY_SELF_SIGNED)
			facts_line(lines, &n, max, "the certificate %s is its own issuer, and not "
			    "among the trusted certificates",
			    cert_name(c, &x, a, sizeof(a)));
		else
			facts_line(lines, &n, max, "the issuer '%s' of the certificate '%s' is not "
			    "among the trusted certificates (%s)",
			    excerpt(&x, c->issuer), excerpt(&x, c->subject), f->verify_text);
		trusted(f, &x, a, sizeof(a));
		facts_line(lines, &n, max, "trusted here: %s", a);
		if (f->chain_sent > 0)
			facts_line(lines, &n, max, "the server sent %d certificate%s%s",
			    f->chain_sent, f->chain_sent == 1 ? "" : "s",
			    f->chain_sent == 1 && f->cause ==
			    READY_UNKNOWN_ISSUER ? ": its own only, no "
			    "intermediate" : "");
		break;
	case READY_VERIFY_OTHER:
		if (c->have)
			facts_line(lines, &n, max, "the certificate %s at depth %d of the chain",
			    cert_name(c, &x, a, sizeof(a)), f->verify_depth);
		break;
	case READY_ALERT:
		facts_line(lines, &n, max, "the server sent the fatal alert '%s' (%d) %s",
		    ready_alert_name(f->alert, f->alert_text), f->alert,
		    f->server_hello ?
		    "after its ServerHello" : "in answer to the ClientHello");
		if (f->cert_requested)
			facts_line(lines, &n, max, "the server asked for a client certificate "
			    "(CertificateRequest)%s", f->opts != NULL &&
			    f->opts->cert != NULL ? "" : ", and none was sent");
		if (f->alert == 112)
			facts_line(lines, &n, max, "the name sent in SNI: %s", excerpt(&x, f->name));
		if (f->alert == 70 && f->offered[0] != '\0')
			facts_line(lines, &n, max, "the versions this client offered: %s",
			    f->offered);
		break;
	case READY_NOT_TLS:
		ready_text_bytes(f->first, f->nfirst, bytes, sizeof(bytes));
		facts_line(lines, &n, max, "the server's first bytes: \"%s\": not a TLS record", bytes);
		break;
	case READY_TLS_OTHER:
		if (f->chosen[0] != '\0')
			facts_line(lines, &n, max, "the server's ServerHello chose %s", f->chosen);
		if (f->chosen[0] != '\0' && f->offered[0] != '\0')
			facts_line(lines, &n, max, "the versions this client offered: %s",
			    f->offered);
		break;
	case READY_TLS_CLOSED:
		facts_line(lines, &n, max, "connected in %.3f ms; the server closed the connection "
		    "without a TLS alert, %s", f->connect_ms, f->server_hello ?
		    "after its ServerHello" : "before any ServerHello");
		break;
	case READY_TLS_RESET:
	case READY_HTTP_RESET:
		facts_line(lines, &n, max, "connected in %.3f ms; %s", f->connect_ms, f->at_once ?
		    "the server's reset was there when the connect completed: "
		    "no check was started" : f->cause == READY_TLS_RESET ?
		    "then the server reset the connection before a byte of TLS "
		    "came" : "then the server reset the connection before a "
		    "byte of HTTP came");
		break;
	case READY_SILENT_TLS:
	case READY_SILENT_HTTP:
		if (f->cause == READY_SILENT_TLS && f->server_hello)
			facts_line(lines, &n, max, "connected in %.3f ms; the server's ServerHello "
			    "came, then nothing more before the deadline",
			    f->connect_ms);
		else if (f->cause == READY_SILENT_HTTP && f->status_line[0] != '\0')
			facts_line(lines, &n, max, "connected in %.3f ms; the answer began, \"%s\", "
			    "and stopped after %zu bytes of its body",
			    f->connect_ms, excerpt(&x, f->status_line),
			    f->body_bytes);
		else
			facts_line(lines, &n, max, "connected in %.3f ms; then %s", f->connect_ms,
			    f->cause == READY_SILENT_TLS ? "the ClientHello was "
			    "sent and nothing came back" : "the request was "
			    "sent and no answer came back");
		if (f->have_listener)
			facts_line(lines, &n, max, "the listener has %u connection%s waiting to be "
			    "accepted (backlog %u)", f->queued, f->queued == 1 ?
			    "" : "s", f->backlog);
		if (f->pid > 0)
			facts_line(lines, &n, max, "the listening socket is held by process %ld (%s), "
			    "%s (state %c)", f->pid, excerpt(&x, f->comm),
			    facts_proc_state(f->state), f->state);
		break;
	case READY_HTTP_STATUS:
	case READY_HTTP_BODY:
		facts_line(lines, &n, max, "the answer: \"%s\"", excerpt(&x, f->status_line));
		if (f->location[0] != '\0')
			facts_line(lines, &n, max, "Location: %s",
			    text_excerpt_bytes(eb, sizeof(eb), f->location,
			    strlen(f->location), f->location_len > 0 ?
			    (size_t)f->location_len : 0));
		else if (f->http_status >= 300 && f->http_status <= 399)
			facts_line(lines, &n, max, "%s", f->location_len < 0 ? "no Location came "
			    "with it" : "its Location is empty");
		body_line_fact(f, lines, &n, max);
		break;
	case READY_HTTP_BAD:
		if (f->status_line[0] != '\0')
			facts_line(lines, &n, max, "the answer: \"%s\"", excerpt(&x, f->status_line));
		if (f->body_cut && f->body_announced >= 0)
			facts_line(lines, &n, max, "%zu bytes of the body came, of the %lld its "
			    "Content-Length announced; then the server closed "
			    "the connection", f->body_bytes, f->body_announced);
		else if (f->body_cut)
			facts_line(lines, &n, max, "%zu bytes of the body came; then the server closed "
			    "the connection before the body's end",
			    f->body_bytes);
		break;
	default:
		break;
	}
	excerpts_free(&x);
	return n;
}

void
ready_text_advice(const struct ready_facts *f, time_t now,
    const char *place, char *mean, size_t msize, char *check, size_t csize)
{
	const struct ready_cert *c = f->bad.have ? &f->bad : &f->leaf;
	char list[READY_STATUS_MAX * 12 + 1] = "";
	struct excerpts x = { .n = 0 };
	size_t i, len = 0;
	bool asked;	/* the server's alert asks for a client certificate */

	mean[0] = check[0] = '\0';
	switch (f->cause) {
	case READY_CERT_EXPIRED:
		facts_set(mean, msize, "The server presents a certificate "
		    "past its end date; every client that checks certificates "
		    "refuses it.");
		facts_set(check, csize, "renew the certificate on %s (openssl "
		    "s_client -connect shows its dates)", place);
		break;
	case READY_CERT_NOT_YET:
		facts_set(mean, msize, "%s", c->not_before - now < 86400 * 2 ?
		    "Either this host's clock is behind (the likely cause when "
		    "the certificate was issued just now), or the certificate "
		    "was made with a start date to come." : "Either this "
		    "host's clock is behind, or the certificate was made with "
		    "a start date to come.");
		facts_set(check, csize, "this host's clock against a time "
		    "source (timedatectl; chronyc tracking)");
		break;
	case READY_NAME_MISMATCH:
		facts_set(mean, msize, "The certificate is valid, but for other "
		    "names: a client that asks for this name refuses it.");
		facts_set(check, csize, "connect with a name the certificate "
		    "holds, or have the server present one for this name");
		break;
	case READY_SELF_SIGNED:
		facts_set(mean, msize, "The server presents a certificate it "
		    "signed itself; only a client told to trust that very "
		    "certificate accepts it.");
		facts_set(check, csize, "if it is yours, trust it with --cacert "
		    "FILE; otherwise have the server present one from a CA");
		break;
	case READY_UNKNOWN_ISSUER:
		facts_set(mean, msize, "%s", f->chain_sent == 1 ? "Either the "
		    "server sends an incomplete chain (its own certificate "
		    "without the intermediate that links it to a CA), or its "
		    "CA is not one this host trusts." : "The chain the server "
		    "sent does not lead to a CA this host trusts.");
		facts_set(check, csize, "%s", f->chain_sent == 1 ? "have the "
		    "server send the intermediate certificates too, or trust "
		    "its CA with --cacert FILE" : "trust its CA with --cacert "
		    "FILE, or have the server present a certificate from a "
		    "trusted CA");
		break;
	case READY_TLS_OTHER:
		if (f->chosen[0] == '\0')
			break;
		facts_set(mean, msize, "The server chose %s, older than TLS 1.2, "
		    "and the handshake failed after it; OpenSSL at security "
		    "level 1 or more (the default) does not complete TLS 1.0 "
		    "or 1.1, whose signatures use SHA-1.", f->chosen);
		facts_set(check, csize, "whether %s can use TLS 1.2 or 1.3 (openssl "
		    "s_client -connect with -tls1_2 or -tls1_3 tells)", place);
		break;
	case READY_ALERT:
		facts_set(mean, msize, "The TLS handshake failed: %s.",
		    alert_meaning(f->alert));
		asked = f->alert == 116 || (f->alert == 40 && f->cert_requested);
		if (f->alert == 70)
			facts_set(check, csize, "the TLS versions %s accepts "
			    "(openssl s_client -connect with -tls1_2 or -tls1_3 "
			    "tries one at a time)", place);
		else if (f->opts != NULL && f->opts->cert != NULL && (asked ||
		    (f->alert >= 42 && f->alert <= 48)))
			facts_set(check, csize, "whether the server trusts the issuer "
			    "of the client certificate %s (--cert), and that "
			    "--key is its key", excerpt(&x, f->opts->cert));
		else
			facts_set(check, csize, "%s", asked ? "the server's "
			    "client-certificate setting; send one with --cert "
			    "FILE (and --key FILE)" : f->alert == 112 ? "the names "
			    "the server has certificates for; connect with one "
			    "of them" : "the TLS versions and cipher suites the "
			    "server allows (openssl s_client -connect shows what "
			    "it accepts)");
		/* Its ServerHello chose a version and a cipher suite. */
		if (f->alert == 40 && f->server_hello)
			facts_set(mean, msize, "The TLS handshake failed after the "
			    "server's ServerHello, which chose a version and a "
			    "cipher suite: the server refused what this client "
			    "sent next%s.", f->cert_requested ? ", and it had "
			    "asked for a client certificate" : "");
		break;
	case READY_NOT_TLS:
		facts_set(mean, msize, "Something that does not speak TLS "
		    "listens on this port (its first bytes are above).");
		facts_set(check, csize, "whether %s serves TLS at all: use "
		    "http:// or no --tls if not, or the port where TLS is "
		    "served", place);
		break;
	case READY_TLS_RESET:
	case READY_HTTP_RESET:
		facts_set(mean, msize, "The port accepts connections (the kernel "
		    "completes the handshake), but what serves it resets them "
		    "before it answers: it may refuse this client, be "
		    "overloaded, or be shutting down.");
		if (f->cause == READY_HTTP_RESET && !f->at_once)
			facts_set(check, csize, "what listens on %s, and its log; "
			    "https:// if it serves TLS (a TLS server may reset a "
			    "request in plain HTTP)", place);
		else
			facts_set(check, csize, "the log of the process that listens "
			    "on %s (ss -ltnp), and any limit it sets on its "
			    "clients", place);
		break;
	case READY_TLS_CLOSED:
		facts_set(mean, msize, "%s", f->server_hello ? "The server began "
		    "the handshake (its ServerHello came) and closed the "
		    "connection without an alert." : "The server took the "
		    "connection and closed it without a word of TLS.");
		facts_set(check, csize, "the server's log; whether it speaks TLS "
		    "on this port, or limits its clients");
		break;
	case READY_SILENT_TLS:
	case READY_SILENT_HTTP:
		if (f->pid > 0 && f->state == 'T') {
			facts_set(mean, msize, "The kernel accepts connections into "
			    "the listener's queue, but its process is stopped: "
			    "it takes none of them and answers nothing.");
			facts_set(check, csize, "`kill -CONT %ld` resumes %s, if it "
			    "was stopped by mistake (a debugger, Ctrl-Z)",
			    f->pid, excerpt(&x, f->comm));
			break;
		}
		facts_set(mean, msize, "%s", f->cause == READY_SILENT_TLS &&
		    f->server_hello ? "The server began the TLS handshake, "
		    "then sent nothing more: it may be stuck, or wait for "
		    "something this client does not send." : "The port accepts "
		    "connections (the kernel completes the handshake), but the "
		    "service behind it did not answer: it may be busy, stuck, "
		    "or speak another protocol that waits for the client.");
		if (f->pid > 0)
			facts_set(check, csize, "what process %ld (%s) is doing "
			    "(its log; strace -p %ld)", f->pid, excerpt(&x, f->comm), f->pid);
		else
			facts_set(check, csize, "the process that listens on %s (ss "
			    "-ltnp) and its log", place);
		/* The answer began: the service did answer, then stalled. */
		if (f->cause == READY_SILENT_HTTP && f->status_line[0] != '\0')
			facts_set(mean, msize, "The service answered (its status "
			    "line came, and %zu bytes of the body), then sent "
			    "nothing more before the deadline: it may be stuck "
			    "in the middle of its answer, or announce more than "
			    "it sends.", f->body_bytes);
		break;
	case READY_HTTP_STATUS:
		if (f->opts == NULL || f->opts->nstatus == 0)
			facts_set(list, sizeof(list), "200-399");
		for (i = 0; f->opts != NULL && i < f->opts->nstatus; i++)
			len += (size_t)facts_set(list + len, sizeof(list) - len,
			    f->opts->status_lo[i] == f->opts->status_hi[i] ?
			    "%s%u" : "%s%u-%u", i > 0 ? "," : "",
			    f->opts->status_lo[i], f->opts->status_hi[i]);
		facts_set(mean, msize, "The service answers, with HTTP %ld: %s "
		    "(expected: %s).", f->http_status, f->http_status >= 500 ?
		    "an error of the server or of what it depends on" :
		    f->http_status >= 400 ? "the request was refused or the "
		    "path is not there" : f->http_status >= 300 ?
		    "a redirection, which is not followed" : "a status not "
		    "in the list", list);
		facts_set(check, csize, "%s", f->http_status >= 300 &&
		    f->http_status < 400 && f->location[0] == '\0' ? "the "
		    "redirection names no place; add the status to "
		    "--http-status if it means ready" : f->http_status >= 300 &&
		    f->http_status < 400 ? "the Location above: check that "
		    "URL, or add the status to --http-status" :
		    f->http_status >= 500 ? "the service's log and its health "
		    "endpoint" : "the path and the method; add the status to "
		    "--http-status if it means ready");
		break;
	case READY_HTTP_BODY:
		facts_set(mean, msize, "The service answers, but no line of the "
		    "body (its first %d KiB) matches the --http-body expression.",
		    READY_BODY_MAX / 1024);
		facts_set(check, csize, "the body (curl -s) against the "
		    "expression");
		break;
	case READY_HTTP_BAD:
		if (f->headers_too_big) {
			facts_set(mean, msize, "The service answers, with a header "
			    "line longer than libcurl takes (%d KiB), which "
			    "libcurl reports as \"Out of memory\".",
			    READY_HEADER_MAX / 1024);
			facts_set(check, csize, "the headers %s sends (curl -sI "
			    "shows them, or fails alike)", place);
			break;
		}
		if (f->body_cut) {
			facts_set(mean, msize, "The service answered, then closed "
			    "the connection before the end of its answer: it "
			    "may have failed or been stopped while it wrote, or "
			    "something between cut the connection.");
			facts_set(check, csize, "the log of what serves %s, at the "
			    "time of this check", place);
			break;
		}
		facts_set(mean, msize, "Something answers on this port, but not "
		    "with a valid HTTP answer.");
		facts_set(check, csize, (f->what & TARGET_TLS) != 0 ? "what listens "
		    "on %s" : "what listens on %s; https:// if it serves TLS",
		    place);
		break;
	default:
		break;
	}	excerpts_free(&x);
}

void
ready_text_success(const struct ready_facts *f, time_t now, char *buf,
    size_t size)
{
	char b[64], d[64];
	size_t len = 0;

	buf[0] = '\0';
	if ((f->what & TARGET_TLS) != 0 && f->handshake_done) {
		len = (size_t)facts_set(buf, size, "; %s (%s)", f->version,
		    f->cipher);
		if (f->leaf.have && len < size) {
			ready_text_span((double)(f->leaf.not_after - now), d,
			    sizeof(d));
			len += (size_t)facts_set(buf + len, size - len,
			    ", certificate valid until %s (%s left)",
			    date(f->leaf.not_after, b, sizeof(b)), d);
		}
	}
	if ((f->what & TARGET_HTTP) != 0 && len < size)
		facts_set(buf + len, size - len, "; HTTP %ld, first byte in %.3f "
		    "ms", f->http_status, f->ttfb_ms);
}

static const struct ready_text_entry table[] = {
	{ "TLS_CERT_EXPIRED", READY_CERT_EXPIRED, ISOCK_EXIT_TLS,
	  "the server's certificate has expired",
	  "A certificate of the chain is past its notAfter date by this "
	  "host's clock; clients that check certificates refuse it.",
	  "renew the certificate; the Found line gives its notAfter" },
	{ "TLS_CERT_NOT_YET_VALID", READY_CERT_NOT_YET, ISOCK_EXIT_TLS,
	  "the server's certificate is not valid yet",
	  "A certificate's notBefore is later than this host's clock: the "
	  "clock is behind, or the certificate starts in the future.",
	  "this host's clock (timedatectl; chronyc tracking)" },
	{ "TLS_NAME_MISMATCH", READY_NAME_MISMATCH, ISOCK_EXIT_TLS,
	  "the certificate is not for the name asked",
	  "The certificate is valid, but none of its names is the one given.",
	  "connect with a name the certificate holds (Found lists them)" },
	{ "TLS_SELF_SIGNED", READY_SELF_SIGNED, ISOCK_EXIT_TLS,
	  "the certificate is self-signed and not trusted",
	  "The server's certificate is its own issuer, and not among the "
	  "trusted certificates.",
	  "trust it with --cacert FILE if it is yours" },
	{ "TLS_UNKNOWN_ISSUER", READY_UNKNOWN_ISSUER, ISOCK_EXIT_TLS,
	  "the certificate's issuer is not trusted",
	  "The chain does not lead to a trusted CA: the server left out an "
	  "intermediate, or its CA is not trusted here.",
	  "the chain the server sends, or --cacert FILE" },
	{ "TLS_VERIFY", READY_VERIFY_OTHER, ISOCK_EXIT_TLS,
	  "the certificate failed another check",
	  "OpenSSL refused a certificate of the chain for another reason "
	  "(the Found line names it and its depth).",
	  "openssl s_client -connect HOST:PORT -showcerts" },
	{ "TLS_ALERT", READY_ALERT, ISOCK_EXIT_TLS,
	  "the server ended the handshake with an alert",
	  "The server sent a fatal TLS alert: protocol version, handshake "
	  "failure, unrecognized name, certificate required, ...",
	  "the server's TLS settings for the alert named" },
	{ "TLS_NOT_TLS", READY_NOT_TLS, ISOCK_EXIT_TLS,
	  "the server does not speak TLS",
	  "The first bytes the server sent are not a TLS record.",
	  "whether the port serves TLS at all: http:// or no --tls" },
	{ "TLS_CLOSED", READY_TLS_CLOSED, ISOCK_EXIT_TLS,
	  "the server closed the connection during the handshake",
	  "The server closed the connection without a TLS alert.",
	  "the server's log" },
	{ "TLS_HANDSHAKE", READY_TLS_OTHER, ISOCK_EXIT_TLS,
	  "the TLS handshake failed",
	  "The handshake failed in a way the facts do not name; libcurl's "
	  "message is shown.",
	  "openssl s_client -connect HOST:PORT" },
	{ "TLS_RESET", READY_TLS_RESET, ISOCK_EXIT_TLS,
	  "the server reset the connection before any TLS",
	  "The connect completed, and the server reset the connection before "
	  "a byte of TLS came.",
	  "the log of the process that listens on the port" },
	{ "TLS_SILENT", READY_SILENT_TLS, ISOCK_EXIT_TIMEDOUT,
	  "the TLS handshake did not end before the deadline",
	  "The port accepted the connection, but the handshake did not end "
	  "before the deadline: no ServerHello came, or nothing after it.",
	  "the process that listens on the port, and its log" },
	{ "HTTP_SILENT", READY_SILENT_HTTP, ISOCK_EXIT_TIMEDOUT,
	  "no HTTP answer before the deadline",
	  "The request was sent, and no answer came before the deadline.",
	  "the process that listens on the port, and its log" },
	{ "HTTP_STATUS", READY_HTTP_STATUS, ISOCK_EXIT_HTTP,
	  "an HTTP status not expected",
	  "The service answered with a status not in --http-status (default "
	  "200 to 399); redirections are not followed.",
	  "the status line, Location and body shown in Found" },
	{ "HTTP_BODY", READY_HTTP_BODY, ISOCK_EXIT_HTTP,
	  "the body does not match --http-body",
	  "The status is one expected, but no line of the body's first 64 KiB "
	  "matches the expression.",
	  "the body (curl -s URL) against the expression" },
	{ "HTTP_BAD", READY_HTTP_BAD, ISOCK_EXIT_HTTP,
	  "no valid HTTP answer",
	  "Something answered, but not with HTTP, or closed before an answer.",
	  "what listens on the port; https:// if it speaks TLS" },
	{ "HTTP_RESET", READY_HTTP_RESET, ISOCK_EXIT_HTTP,
	  "the server reset the connection before any answer",
	  "The connect completed, and the server reset the connection before "
	  "a byte of HTTP came.",
	  "the log of the process that listens on the port" },
};

const struct ready_text_entry *
ready_text_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

const struct ready_text_entry *
ready_text_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcasecmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

const struct ready_text_entry *
ready_text_of(enum ready_cause cause)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].cause == cause)
			return &table[i];
	return NULL;
}
