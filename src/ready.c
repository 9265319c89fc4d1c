/* SPDX-License-Identifier: ISC */
/*
 * ready.c: TLS and HTTP over a connected socket through libcurl's multi
 * interface, and the facts of the handshake and the answer, read through
 * OpenSSL's verify, info and message callbacks (CURLOPT_SSL_CTX_FUNCTION).
 *
 * Built as the module src/isock-ready.so, the only object that links
 * libcurl and OpenSSL; ready_load.c opens it when a target needs it.  Its
 * one exported symbol is the table isock_ready_module; what it uses of
 * the tool (clock.c, text.c) the tool exports (-rdynamic).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "clock.h"
#include "exitcode.h"
#include "ready.h"
#include "ready_module.h"
#include "text.h"

struct ready {
	CURLM *multi;
	CURL *easy;
	int fd;
	bool fd_given;			/* the open-socket callback gave it */
	short want;			/* poll events curl asked for */
	bool timer_set;
	struct timespec timer;		/* when curl wants its timeout */
	bool done;
	CURLcode code;
	struct curl_slist *resolve, *headers;
	char *url;
	char errbuf[CURL_ERROR_SIZE];
	char *body;			/* the first READY_BODY_MAX bytes */
	size_t nbody;
	bool line_ended;		/* the body's first LF came */
	bool headers_ended;		/* the blank line after them came */
	char prev;			/* the body's last byte before it */
	struct ready_facts f;
};

/* Our pointer in the SSL_CTX libcurl makes, for OpenSSL's callbacks. */
static int ex_index = -1;

static void mod_ready_free(struct ready *rd);

/* ---- OpenSSL: the facts of the handshake ---- */

/* A name as "CN=x, O=y" into `buf`. */
static void
name_text(const X509_NAME *name, char *buf, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;

	buf[0] = '\0';
	if (b == NULL)
		return;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_ONELINE & ~XN_FLAG_SPC_EQ &
	    ~ASN1_STRFLGS_ESC_MSB) >= 0 && (n = BIO_get_mem_data(b, &p)) > 0)
		snprintf(buf, size, "%.*s", (int)n, p);
	BIO_free(b);
}

/* An ASN1 time as seconds since the epoch (0: none). */
static time_t
asn1_time(const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return timegm(&tm);
}

/* The DNS names and IP addresses of `x`'s subjectAltName. */
static void
alt_names(X509 *x, char *buf, size_t size)
{
	GENERAL_NAMES *gn = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
	    NULL);
	char one[INET6_ADDRSTRLEN + 1];
	size_t len = 0;
	int i, k, n;

	buf[0] = '\0';
	for (i = 0; gn != NULL && i < sk_GENERAL_NAME_num(gn); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gn, i);
		const unsigned char *d;

		one[0] = '\0';
		if (g->type == GEN_DNS) {
			d = ASN1_STRING_get0_data(g->d.dNSName);
			k = ASN1_STRING_length(g->d.dNSName);
			snprintf(one, sizeof(one), "%.*s", k < 46 ? k : 46, d);
		} else if (g->type == GEN_IPADD) {
			d = ASN1_STRING_get0_data(g->d.iPAddress);
			k = ASN1_STRING_length(g->d.iPAddress);
			if (k == 4 || k == 16)
				inet_ntop(k == 4 ? AF_INET : AF_INET6, d, one,
				    sizeof(one));
		}
		if (one[0] == '\0')
			continue;
		n = snprintf(buf + len, size - len, "%s%s", len > 0 ? ", " :
		    "", one);
		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
	}
	GENERAL_NAMES_free(gn);
}

static void
cert_facts(X509 *x, struct ready_cert *c)
{
	c->have = true;
	name_text(X509_get_subject_name(x), c->subject, sizeof(c->subject));
	name_text(X509_get_issuer_name(x), c->issuer, sizeof(c->issuer));
	c->not_before = asn1_time(X509_get0_notBefore(x));
	c->not_after = asn1_time(X509_get0_notAfter(x));
	alt_names(x, c->names, sizeof(c->names));
}

/* The check whose SSL this is. */
static struct ready *
ssl_ready(const SSL *ssl)
{
	return SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ex_index);
}

/*
 * OpenSSL's verification of each certificate: the leaf's facts, and the
 * first error with the certificate it is about.  The verdict is OpenSSL's,
 * unchanged.
 */
static int
on_verify(int ok, X509_STORE_CTX *x)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(x,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	struct ready *rd = ssl != NULL ? ssl_ready(ssl) : NULL;
	STACK_OF(X509) *sent;
	X509 *cert = X509_STORE_CTX_get_current_cert(x);
	int depth = X509_STORE_CTX_get_error_depth(x);

	if (rd == NULL || cert == NULL)
		return ok;
	if ((sent = X509_STORE_CTX_get0_untrusted(x)) != NULL)
		rd->f.chain_sent = sk_X509_num(sent);
	if (depth == 0 && !rd->f.leaf.have)
		cert_facts(cert, &rd->f.leaf);
	if (!ok && rd->f.verify == 0) {
		rd->f.verify = X509_STORE_CTX_get_error(x);
		rd->f.verify_depth = depth;
		snprintf(rd->f.verify_text, sizeof(rd->f.verify_text), "%s",
		    X509_verify_cert_error_string(rd->f.verify));
		cert_facts(cert, &rd->f.bad);
	}
	return ok;
}

/* Alerts the server sent, and the end of the handshake. */
static void
on_info(const SSL *ssl, int where, int ret)
{
	struct ready *rd = ssl_ready(ssl);

	if (rd == NULL)
		return;
	/* A fatal alert; close_notify ends even a good connection. */
	if ((where & SSL_CB_ALERT) != 0 && (where & SSL_CB_READ) != 0 &&
	    rd->f.alert < 0 && (ret >> 8) == SSL3_AL_FATAL) {
		rd->f.alert = ret & 0xff;
		snprintf(rd->f.alert_text, sizeof(rd->f.alert_text), "%s",
		    SSL_alert_desc_string_long(ret));
	}
	if ((where & SSL_CB_HANDSHAKE_DONE) != 0) {
		rd->f.handshake_done = true;
		snprintf(rd->f.version, sizeof(rd->f.version), "%s",
		    SSL_get_version(ssl));
		snprintf(rd->f.cipher, sizeof(rd->f.cipher), "%s",
		    SSL_get_cipher_name(ssl));
	}
}

/* Appends the name of the TLS version `v` (0x0304) to `buf`, ", " before. */
static void
version_add(char *buf, size_t size, unsigned v)
{
	size_t used = strlen(buf);
	char one[16];

	if (v == 0x0300)
		snprintf(one, sizeof(one), "SSLv3");
	else if (v == 0x0301)
		snprintf(one, sizeof(one), "TLSv1");
	else if (v > 0x0301 && v <= 0x03ff)
		snprintf(one, sizeof(one), "TLSv1.%u", (v & 0xff) - 1);
	else
		return;	/* GREASE (RFC 8701), DTLS: not a TLS version */
	snprintf(buf + used, size - used, "%s%s", used > 0 ? ", " : "", one);
}

/*
 * Reads a big-endian number of `n` bytes (at most 2) at `*p`, if they are
 * before `end`, and moves past them.
 */
static bool
take(const unsigned char **p, const unsigned char *end, size_t n,
    size_t *value)
{
	size_t i;

	if ((size_t)(end - *p) < n)
		return false;
	for (*value = 0, i = 0; i < n; i++)
		*value = *value << 8 | (*p)[i];
	*p += n;
	return true;
}

/* Moves `*p` past a vector whose length is the first `n` bytes. */
static bool
skip_vector(const unsigned char **p, const unsigned char *end, size_t n)
{
	size_t len;

	if (!take(p, end, n, &len) || (size_t)(end - *p) < len)
		return false;
	*p += len;
	return true;
}

/*
 * The versions a ClientHello (`p`, `len`: the handshake message with its
 * 4-byte header) offers, into `buf`: its supported_versions extension
 * (RFC 8446 4.2.1) or, without one, its legacy_version.
 */
static void
hello_versions(const unsigned char *p, size_t len, char *buf, size_t size)
{
	const unsigned char *end = p + len, *ext_end;
	size_t legacy, n, type, elen;

	buf[0] = '\0';
	p += 4;	/* msg_type, length */
	if (!take(&p, end, 2, &legacy) || (size_t)(end - p) < 32)
		return;
	p += 32;	/* random */
	if (!skip_vector(&p, end, 1) || !skip_vector(&p, end, 2) ||
	    !skip_vector(&p, end, 1))	/* session, suites, compression */
		return;
	if (take(&p, end, 2, &n) && n <= (size_t)(end - p)) {
		ext_end = p + n;
		while (take(&p, ext_end, 2, &type) && take(&p, ext_end, 2,
		    &elen) && elen <= (size_t)(ext_end - p)) {
			if (type == TLSEXT_TYPE_supported_versions && elen > 0 &&
			    p[0] + 1u <= elen) {
				for (n = 1; n + 1 < 1u + p[0]; n += 2)
					version_add(buf, size,
					    (unsigned)p[n] << 8 | p[n + 1]);
				return;
			}
			p += elen;
		}
	}
	version_add(buf, size, (unsigned)legacy);
}

/*
 * The first record header the server sent, its ServerHello, and the
 * versions our ClientHello offered.
 */
static void
on_msg(int write_p, int version, int type, const void *buf, size_t len,
    SSL *ssl, void *arg)
{
	struct ready *rd = arg;
	const unsigned char *p = buf;

	(void)version;
	(void)ssl;
	if (rd == NULL)
		return;
	if (write_p) {
		if (type == SSL3_RT_HANDSHAKE && len > 4 &&
		    p[0] == SSL3_MT_CLIENT_HELLO && rd->f.offered[0] == '\0')
			hello_versions(p, len, rd->f.offered,
			    sizeof(rd->f.offered));
		return;
	}
	if (type == SSL3_RT_HEADER && rd->f.nfirst == 0) {
		rd->f.nfirst = len < sizeof(rd->f.first) ? len :
		    sizeof(rd->f.first);
		memcpy(rd->f.first, p, rd->f.nfirst);
	}
	/* Below TLS 1.2, a ServerHello's legacy_version is the one chosen. */
	if (type == SSL3_RT_HANDSHAKE && len > 5 &&
	    p[0] == SSL3_MT_SERVER_HELLO && rd->f.chosen[0] == '\0' &&
	    ((unsigned)p[4] << 8 | p[5]) < 0x0303)
		version_add(rd->f.chosen, sizeof(rd->f.chosen),
		    (unsigned)p[4] << 8 | p[5]);

	if (type == SSL3_RT_HANDSHAKE && len > 0 &&
	    p[0] == SSL3_MT_SERVER_HELLO)
		rd->f.server_hello = true;
	if (type == SSL3_RT_HANDSHAKE && len > 0 &&
	    p[0] == SSL3_MT_CERTIFICATE_REQUEST)
		rd->f.cert_requested = true;
}

/* libcurl's SSL_CTX, before the handshake: our callbacks on it. */
static CURLcode
on_ssl_ctx(CURL *easy, void *sslctx, void *arg)
{
	SSL_CTX *ctx = sslctx;

	(void)easy;
	if (SSL_CTX_set_ex_data(ctx, ex_index, arg) != 1)
		return CURLE_SSL_CERTPROBLEM;
	SSL_CTX_set_verify(ctx, SSL_CTX_get_verify_mode(ctx), on_verify);
	SSL_CTX_set_info_callback(ctx, on_info);
	SSL_CTX_set_msg_callback(ctx, on_msg);
	SSL_CTX_set_msg_callback_arg(ctx, arg);
	return CURLE_OK;
}

/* ---- libcurl: our socket, our loop ---- */

/* The socket we connected, once; curl never opens one of its own. */
static curl_socket_t
on_open(void *arg, curlsocktype purpose, struct curl_sockaddr *addr)
{
	struct ready *rd = arg;

	(void)addr;
	if (purpose != CURLSOCKTYPE_IPCXN || rd->fd_given)
		return CURL_SOCKET_BAD;
	rd->fd_given = true;
	return rd->fd;
}

/* It is connected already: curl skips its connect(). */
static int
on_sockopt(void *arg, curl_socket_t fd, curlsocktype purpose)
{
	(void)arg;
	(void)fd;
	(void)purpose;
	return CURL_SOCKOPT_ALREADY_CONNECTED;
}

/* The socket stays ours: the probe closes it. */
static int
on_close(void *arg, curl_socket_t fd)
{
	(void)arg;
	(void)fd;
	return 0;
}

/* What curl waits for on the socket. */
static int
on_socket(CURL *easy, curl_socket_t fd, int what, void *arg, void *sockp)
{
	struct ready *rd = arg;

	(void)easy;
	(void)fd;
	(void)sockp;
	rd->want = (short)(((what & CURL_POLL_IN) != 0 ? POLLIN : 0) |
	    ((what & CURL_POLL_OUT) != 0 ? POLLOUT : 0));
	return 0;
}

/* When curl wants to be called without an event. */
static int
on_timer(CURLM *multi, long ms, void *arg)
{
	struct ready *rd = arg;

	(void)multi;
	rd->timer_set = ms >= 0;
	if (ms >= 0)
		rd->timer = clock_add_ms(clock_now(), ms);
	return 0;
}

/* Each header line: the status line and Location of the last answer. */
static size_t
on_header(char *buf, size_t size, size_t n, void *arg)
{
	struct ready *rd = arg;
	size_t len = size * n, k = len;

	while (k > 0 && (buf[k - 1] == '\r' || buf[k - 1] == '\n'))
		k--;
	rd->headers_ended = k == 0;
	if (k >= 5 && strncmp(buf, "HTTP/", 5) == 0) {
		snprintf(rd->f.status_line, sizeof(rd->f.status_line), "%.*s",
		    (int)k, buf);
		rd->f.location[0] = '\0';
		rd->f.location_len = -1;
		rd->f.body_announced = -1;
	} else if (k >= 9 && strncasecmp(buf, "location:", 9) == 0) {
		buf += 9;
		k -= 9;
		while (k > 0 && (*buf == ' ' || *buf == '\t')) {
			buf++;
			k--;
		}
		snprintf(rd->f.location, sizeof(rd->f.location), "%.*s",
		    (int)k, buf);
		rd->f.location_len = (long)k;
	} else if (k > 15 && strncasecmp(buf, "content-length:", 15) == 0)
		rd->f.body_announced = strtoll(buf + 15, NULL, 10);
	return len;
}

/*
 * The body: its first READY_BODY_MAX bytes are kept, and the whole length
 * of its first line counted (without its LF or CR LF).
 */
static size_t
on_body(char *buf, size_t size, size_t n, void *arg)
{
	struct ready *rd = arg;
	size_t len = size * n, room = READY_BODY_MAX - rd->nbody, k;
	const char *lf;

	rd->f.body_bytes += len;
	if (!rd->line_ended && len > 0) {
		lf = memchr(buf, '\n', len);
		k = lf != NULL ? (size_t)(lf - buf) : len;
		rd->f.body_line_len += k;
		if (lf != NULL) {
			rd->line_ended = true;
			rd->f.body_crlf = (k > 0 ? buf[k - 1] : rd->prev) ==
			    '\r';
			if (rd->f.body_crlf)
				rd->f.body_line_len--;
		} else
			rd->prev = buf[len - 1];
	}
	if (room > len)
		room = len;
	if (room > 0) {
		memcpy(rd->body + rd->nbody, buf, room);
		rd->nbody += room;
		rd->body[rd->nbody] = '\0';
	}
	return len;
}

/* "https://HOST:PORT/PATH" of `t` (brackets around an IPv6 literal). */
static char *
url_of(const struct target *t)
{
	bool v6 = strchr(t->host, ':') != NULL;

	return text_printf("%s://%s%s%s:%u%s", (t->ready & TARGET_TLS) != 0 ?
	    "https" : "http", v6 ? "[" : "", t->host, v6 ? "]" : "",
	    (unsigned)t->port, t->path != NULL ? t->path : "/");
}

/* The transfer's options; false when libcurl refuses one. */
static bool
easy_setup(struct ready *rd, const struct target *t,
    const struct ready_opts *o, const char *addr)
{
	CURL *e = rd->easy;
	bool ok = true, v6 = strchr(addr, ':') != NULL;
	char *pin;
	size_t i;

	if (!t->literal) {	/* the name resolves to the address we used */
		pin = text_printf("%s:%u:%s%s%s", t->host, (unsigned)t->port,
		    v6 ? "[" : "", addr, v6 ? "]" : "");
		if (pin == NULL)
			return false;
		rd->resolve = curl_slist_append(NULL, pin);
		free(pin);
		if (rd->resolve == NULL)
			return false;
		ok = ok && curl_easy_setopt(e, CURLOPT_RESOLVE, rd->resolve) ==
		    CURLE_OK;
	}
	for (i = 0; i < o->nheaders; i++) {
		struct curl_slist *h = curl_slist_append(rd->headers,
		    o->headers[i]);

		if (h == NULL)
			return false;
		rd->headers = h;
	}
	ok = ok && curl_easy_setopt(e, CURLOPT_URL, rd->url) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, rd->errbuf) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open) ==
	    CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, rd) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_SOCKOPTFUNCTION, on_sockopt) ==
	    CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, on_close) ==
	    CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) ==
	    CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_HEADERDATA, rd) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_WRITEDATA, rd) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_USERAGENT, PACKAGE_NAME "/"
	    PACKAGE_VERSION) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
	    (long)CURL_HTTP_VERSION_1_1) == CURLE_OK &&
	    curl_easy_setopt(e, CURLOPT_HTTPHEADER, rd->headers) == CURLE_OK;
	if ((t->ready & TARGET_HTTP) == 0)	/* --tls: the handshake only */
		ok = ok && curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L) ==
		    CURLE_OK;
	else if (o->head)
		ok = ok && curl_easy_setopt(e, CURLOPT_NOBODY, 1L) == CURLE_OK;
	if ((t->ready & TARGET_TLS) != 0) {
		ok = ok && curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION,
		    on_ssl_ctx) == CURLE_OK &&
		    curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, rd) == CURLE_OK;
		if (o->cacert != NULL)
			ok = ok && curl_easy_setopt(e, CURLOPT_CAINFO,
			    o->cacert) == CURLE_OK;
		if (o->cert != NULL)
			ok = ok && curl_easy_setopt(e, CURLOPT_SSLCERT,
			    o->cert) == CURLE_OK;
		if (o->key != NULL)
			ok = ok && curl_easy_setopt(e, CURLOPT_SSLKEY,
			    o->key) == CURLE_OK;
	}
	return ok;
}

static struct ready *
mod_ready_new(const struct target *t, const struct ready_opts *o, int fd,
    const char *addr, double connect_ms, char **cause)
{
	static bool initialised;
	struct ready *rd;

	if (!initialised) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			*cause = text_printf("libcurl could not be initialised");
			return NULL;
		}
		ex_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
		initialised = true;
	}
	if ((rd = calloc(1, sizeof(*rd))) == NULL) {
		*cause = text_printf("out of memory");
		return NULL;
	}
	rd->fd = fd;
	rd->f.alert = -1;
	rd->f.chain_sent = -1;
	rd->f.location_len = -1;
	rd->f.body_announced = -1;
	rd->f.what = t->ready;
	rd->f.connect_ms = connect_ms;
	rd->f.opts = o;
	snprintf(rd->f.name, sizeof(rd->f.name), "%s", t->host);
	if (o->cacert != NULL)
		snprintf(rd->f.cafile, sizeof(rd->f.cafile), "%s", o->cacert);
	rd->url = url_of(t);
	rd->body = calloc(1, READY_BODY_MAX + 1);
	rd->multi = curl_multi_init();
	rd->easy = curl_easy_init();
	if (rd->url == NULL || rd->body == NULL || rd->multi == NULL ||
	    rd->easy == NULL || !easy_setup(rd, t, o, addr) ||
	    curl_multi_setopt(rd->multi, CURLMOPT_SOCKETFUNCTION, on_socket) !=
	    CURLM_OK ||
	    curl_multi_setopt(rd->multi, CURLMOPT_SOCKETDATA, rd) != CURLM_OK ||
	    curl_multi_setopt(rd->multi, CURLMOPT_TIMERFUNCTION, on_timer) !=
	    CURLM_OK ||
	    curl_multi_setopt(rd->multi, CURLMOPT_TIMERDATA, rd) != CURLM_OK ||
	    curl_multi_add_handle(rd->multi, rd->easy) != CURLM_OK) {
		*cause = text_printf("libcurl could not be set up for %s",
		    rd->url != NULL ? rd->url : t->host);
		mod_ready_free(rd);
		return NULL;
	}
	return rd;
}

static short
mod_ready_events(const struct ready *rd)
{
	return rd->done ? 0 : rd->want;
}

static int
mod_ready_timeout(const struct ready *rd)
{
	if (rd->done || !rd->timer_set)
		return -1;
	return clock_ms_until(&rd->timer);
}

/* Whether the transfer has ended, and how. */
static void
take_done(struct ready *rd)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(rd->multi, &left)) != NULL)
		if (m->msg == CURLMSG_DONE) {
			rd->done = true;
			rd->code = m->data.result;
		}
}

static bool
mod_ready_on_event(struct ready *rd, short revents)
{
	int running, ev = 0;

	if (rd->done)
		return true;
	if ((revents & (POLLIN | POLLHUP)) != 0)
		ev |= CURL_CSELECT_IN;
	if ((revents & POLLOUT) != 0)
		ev |= CURL_CSELECT_OUT;
	if ((revents & POLLERR) != 0)
		ev |= CURL_CSELECT_ERR;
	if (ev != 0)
		curl_multi_socket_action(rd->multi, rd->fd, ev, &running);
	if (rd->timer_set && clock_ms_until(&rd->timer) == 0) {
		rd->timer_set = false;
		curl_multi_socket_action(rd->multi, CURL_SOCKET_TIMEOUT, 0,
		    &running);
	}
	take_done(rd);
	return rd->done;
}

/* True when `status` is one the options expect. */
static bool
status_expected(const struct ready_opts *o, long status)
{
	size_t i;

	if (o->nstatus == 0)
		return status >= 200 && status <= 399;
	for (i = 0; i < o->nstatus; i++)
		if (status >= o->status_lo[i] && status <= o->status_hi[i])
			return true;
	return false;
}

/*
 * Whether a line of the `n` bytes at `body` (one more, a NUL, after them)
 * matches `re`: each line alone, without its line end (LF or CR LF); a
 * NUL byte, which a regular expression cannot hold, ends a line too.  An
 * empty body is one empty line.  Each line end is set to NUL for its
 * match and put back.  With `cut` (the body went on past the bytes kept),
 * the last piece is no whole line: '$' does not match at its end.
 */
static bool
lines_match(char *body, size_t n, bool cut, const regex_t *re)
{
	char *p = body, *end = body + n, *e, *stop, keep;
	bool match = false;

	while (!match && (p < end || p == body)) {
		e = p + strcspn(p, "\n");	/* at a LF, a NUL or the end */
		stop = *e == '\n' && e > p && e[-1] == '\r' ? e - 1 : e;
		keep = *stop;
		*stop = '\0';
		match = regexec(re, p, 0, NULL, cut && e == end ?
		    REG_NOTEOL : 0) == 0;
		*stop = keep;
		p = e + 1;
	}
	return match;
}

/*
 * Whether the body kept matches --http-body (no option: it does), with
 * the expression cli.c compiled once for every check.
 */
static bool
body_matches(struct ready *rd, const struct ready_opts *o)
{
	if (o->body_re == NULL)
		return o->body == NULL;
	return lines_match(rd->body, rd->nbody, rd->f.body_bytes > rd->nbody,
	    o->body_re);
}

/* The bytes that wait on the socket after the ones OpenSSL read. */
static void
peek_more(struct ready *rd)
{
	ssize_t n;

	if (rd->f.nfirst >= sizeof(rd->f.first))
		return;
	n = recv(rd->fd, rd->f.first + rd->f.nfirst, sizeof(rd->f.first) -
	    rd->f.nfirst, MSG_PEEK | MSG_DONTWAIT);
	if (n > 0)
		rd->f.nfirst += (size_t)n;
}

/*
 * How the server ended the connection, as the socket tells it now: 1 for
 * a reset (libcurl's own errno of the failure, or the socket's), 0 for an
 * end of stream, -1 when it is still open or cannot be told.
 */
static int
peer_ended(const struct ready *rd)
{
	long oserr = 0;
	char c;
	ssize_t n;

	if (curl_easy_getinfo(rd->easy, CURLINFO_OS_ERRNO, &oserr) ==
	    CURLE_OK && oserr == ECONNRESET)
		return 1;
	n = recv(rd->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n == 0)
		return 0;
	return n < 0 && (errno == ECONNRESET || errno == EPIPE) ? 1 : -1;
}

/* The TLS cause of a failed handshake or verification. */
static enum ready_cause
tls_cause(struct ready *rd)
{
	struct ready_facts *f = &rd->f;

	switch (f->verify) {
	case 0:
		break;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return READY_CERT_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return READY_CERT_NOT_YET;
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		return READY_SELF_SIGNED;
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		return READY_UNKNOWN_ISSUER;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		return READY_NAME_MISMATCH;
	default:
		return READY_VERIFY_OTHER;
	}
	if (rd->code == CURLE_PEER_FAILED_VERIFICATION && f->handshake_done)
		return READY_NAME_MISMATCH;	/* curl's own name check */
	if (f->alert >= 0)
		return READY_ALERT;
	if (f->nfirst > 0 && !(f->first[0] >= 20 && f->first[0] <= 24)) {
		peek_more(rd);
		return READY_NOT_TLS;
	}
	/* libcurl found an error pending on the socket it took connected:
	   a reset when the socket or libcurl's errno says so, else not. */
	if (rd->code == CURLE_COULDNT_CONNECT && f->nfirst == 0 &&
	    peer_ended(rd) == 1)
		return READY_TLS_RESET;
	if (rd->code != CURLE_SSL_CONNECT_ERROR && rd->code != CURLE_RECV_ERROR &&
	    rd->code != CURLE_SEND_ERROR)
		return READY_TLS_OTHER;
	switch (peer_ended(rd)) {
	case 1:
		return f->nfirst == 0 ? READY_TLS_RESET : READY_TLS_CLOSED;
	case 0:
		return READY_TLS_CLOSED;
	default:
		return READY_TLS_OTHER;
	}
}

/* The outcome of a transfer that ended. */
static void
finish(struct ready *rd, struct ready_facts *f)
{
	curl_off_t us;
	long status = 0;
	char *s = NULL;

	if (f->cafile[0] == '\0' && curl_easy_getinfo(rd->easy,
	    CURLINFO_CAINFO, &s) == CURLE_OK && s != NULL)
		snprintf(f->cafile, sizeof(f->cafile), "%s", s);
	s = NULL;
	if (curl_easy_getinfo(rd->easy, CURLINFO_CAPATH, &s) == CURLE_OK &&
	    s != NULL)
		snprintf(f->capath, sizeof(f->capath), "%s", s);
	if (curl_easy_getinfo(rd->easy, CURLINFO_APPCONNECT_TIME_T, &us) ==
	    CURLE_OK)
		f->tls_ms = (double)us / 1000.0;
	if (curl_easy_getinfo(rd->easy, CURLINFO_STARTTRANSFER_TIME_T, &us) ==
	    CURLE_OK && us > 0)
		f->ttfb_ms = (double)us / 1000.0 - f->tls_ms;
	curl_easy_getinfo(rd->easy, CURLINFO_RESPONSE_CODE, &status);
	f->http_status = status;
	f->curl_code = (int)rd->code;
	snprintf(f->curl_error, sizeof(f->curl_error), "%s", rd->errbuf[0] !=
	    '\0' ? rd->errbuf : curl_easy_strerror(rd->code));
	f->nbody_line = f->body_line_len < sizeof(f->body_line) ?
	    f->body_line_len : sizeof(f->body_line);
	if (f->nbody_line > rd->nbody)
		f->nbody_line = rd->nbody;
	memcpy(f->body_line, rd->body, f->nbody_line);
	f->body_cut = rd->code == CURLE_PARTIAL_FILE &&
	    f->status_line[0] != '\0';
	f->headers_too_big = rd->code == CURLE_OUT_OF_MEMORY &&
	    f->status_line[0] != '\0' && !rd->headers_ended;
	if (rd->code == CURLE_OK) {
		if ((f->what & TARGET_HTTP) == 0)
			f->cause = READY_OK;
		else if (!status_expected(f->opts, status))
			f->cause = READY_HTTP_STATUS;
		else if (!body_matches(rd, f->opts))
			f->cause = READY_HTTP_BODY;
		else
			f->cause = READY_OK;
	} else if ((f->what & TARGET_TLS) != 0 && (!f->handshake_done ||
	    f->alert >= 0 || rd->code == CURLE_PEER_FAILED_VERIFICATION))
		f->cause = tls_cause(rd);	/* TLS 1.3 alerts come late */
	else if (status == 0 && f->status_line[0] == '\0' &&
	    (rd->code == CURLE_COULDNT_CONNECT || rd->code ==
	    CURLE_RECV_ERROR || rd->code == CURLE_SEND_ERROR) &&
	    peer_ended(rd) == 1)
		f->cause = READY_HTTP_RESET;
	else
		f->cause = READY_HTTP_BAD;
}

static void
mod_ready_result(struct ready *rd, bool stopped, struct ready_facts *f)
{
	if (rd->done)
		finish(rd, &rd->f);
	else if (stopped)
		rd->f.cause = READY_INTERRUPTED;
	else
		rd->f.cause = (rd->f.what & TARGET_TLS) != 0 &&
		    !rd->f.handshake_done ? READY_SILENT_TLS :
		    READY_SILENT_HTTP;
	rd->f.clock = time(NULL);
	switch (rd->f.cause) {
	case READY_OK:
		rd->f.status = ISOCK_EXIT_CONNECTED;
		break;
	case READY_SILENT_TLS:
	case READY_SILENT_HTTP:
		rd->f.status = ISOCK_EXIT_TIMEDOUT;
		break;
	case READY_HTTP_STATUS:
	case READY_HTTP_BODY:
	case READY_HTTP_BAD:
	case READY_HTTP_RESET:
		rd->f.status = ISOCK_EXIT_HTTP;
		break;
	case READY_INTERRUPTED:
	case READY_INTERNAL:
		rd->f.status = ISOCK_EXIT_OTHER;
		break;
	default:
		rd->f.status = ISOCK_EXIT_TLS;
	}
	*f = rd->f;
}

static void
mod_ready_free(struct ready *rd)
{
	if (rd == NULL)
		return;
	if (rd->multi != NULL && rd->easy != NULL)
		curl_multi_remove_handle(rd->multi, rd->easy);
	if (rd->easy != NULL)
		curl_easy_cleanup(rd->easy);
	if (rd->multi != NULL)
		curl_multi_cleanup(rd->multi);
	curl_slist_free_all(rd->resolve);
	curl_slist_free_all(rd->headers);
	free(rd->url);
	free(rd->body);
	free(rd);
}

const struct ready_module isock_ready_module = {
	.version = READY_MODULE_VERSION,
	.new = mod_ready_new,
	.events = mod_ready_events,
	.timeout = mod_ready_timeout,
	.on_event = mod_ready_on_event,
	.result = mod_ready_result,
	.free = mod_ready_free,
};
