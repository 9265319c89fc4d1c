/* SPDX-License-Identifier: ISC */
/*
 * ready.h: is the service behind a connected socket ready?  A TLS
 * handshake and an HTTP answer over a socket the probe connected, through
 * libcurl's multi interface (curl never connects for us), and the facts of
 * what happened: the handshake, the certificate, the alert, the answer.
 *
 * The interface knows no loop: a check says which events it waits for on
 * its descriptor and how long until it wants to be called without one;
 * the caller's loop (probe.c today, loop.c tomorrow) polls and calls
 * ready_on_event().  It words nothing: ready_text.c does.
 */
#ifndef ISOCK_READY_H
#define ISOCK_READY_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "target.h"

/* --http-status: at most this many numbers and ranges. */
#define READY_STATUS_MAX 16
/* --http-header: at most this many. */
#define READY_HEADERS_MAX 32
/* libcurl's limit for one header line (CURL_MAX_HTTP_HEADER), in bytes. */
#define READY_HEADER_MAX (100 * 1024)
/* The body kept for --http-body and the first line, in bytes. */
#define READY_BODY_MAX 65536

/* What the options ask of every check. */
struct ready_opts {
	const char *cacert;	/* --cacert FILE, or NULL: libcurl's default */
	const char *cert;	/* --cert FILE: the client certificate (PEM),
				   or NULL: none sent */
	const char *key;	/* --key FILE: its private key, or NULL: in
				   the --cert file */
	bool head;		/* --http-method HEAD; else GET */
	const char *headers[READY_HEADERS_MAX];	/* --http-header */
	size_t nheaders;
	/* --http-status: the ranges [lo, hi]; none: 200 to 399 */
	uint16_t status_lo[READY_STATUS_MAX], status_hi[READY_STATUS_MAX];
	size_t nstatus;
	const char *body;	/* --http-body: a POSIX extended regex
				   matched against each line of the body, its
				   line end (LF, CR LF) left out; or NULL */
	regex_t *body_re;	/* `body` compiled once (cli.c), or NULL */
};

/* Why a check failed: the cause its facts prove, or what it saw. */
enum ready_cause {
	READY_OK = 0,
	READY_CERT_EXPIRED,	/* a certificate's notAfter has passed */
	READY_CERT_NOT_YET,	/* a certificate's notBefore is to come */
	READY_NAME_MISMATCH,	/* the leaf holds not the name asked */
	READY_SELF_SIGNED,	/* the leaf is its own issuer, untrusted */
	READY_UNKNOWN_ISSUER,	/* no trusted issuer for a certificate */
	READY_VERIFY_OTHER,	/* another verification error */
	READY_ALERT,		/* the server sent a fatal alert */
	READY_NOT_TLS,		/* the server's first bytes are not TLS */
	READY_TLS_CLOSED,	/* closed during the handshake, no alert */
	READY_TLS_OTHER,	/* another handshake failure */
	READY_TLS_RESET,	/* reset by the server before any TLS came */
	READY_SILENT_TLS,	/* the handshake did not end before the
				   deadline (server_hello: it began) */
	READY_SILENT_HTTP,	/* no HTTP answer before the deadline */
	READY_HTTP_STATUS,	/* a status not in the list expected */
	READY_HTTP_BODY,	/* the body does not match --http-body */
	READY_HTTP_BAD,		/* not an HTTP answer, or closed before one */
	READY_HTTP_RESET,	/* reset by the server before any answer */
	READY_INTERRUPTED,	/* a signal stopped it */
	READY_INTERNAL		/* libcurl could not be set up */
};

#define READY_TEXT 256

/* One certificate's facts. */
struct ready_cert {
	bool have;
	char subject[READY_TEXT], issuer[READY_TEXT];
	time_t not_before, not_after;
	char names[READY_TEXT];	/* its DNS and IP names, ", " between */
};

/* The facts of one check: what ready_result() gives the result. */
struct ready_facts {
	int status;		/* exit class: 0 ready, 12 TLS, 13 HTTP, 3
				   silent, 10 other */
	enum ready_cause cause;
	unsigned what;		/* TARGET_TLS, TARGET_HTTP of the target */
	char name[READY_TEXT];	/* the name asked (SNI, Host, verified) */
	double connect_ms;	/* the TCP connect before it */
	/* TLS */
	bool server_hello;	/* a ServerHello came */
	bool cert_requested;	/* a CertificateRequest came */
	bool at_once;		/* reset at once: the peer's reset was there
				   when the connect completed, and the
				   check never began */
	bool handshake_done;
	char version[16], cipher[64];
	int verify;		/* X509_V_* of the first error; 0: none */
	int verify_depth;	/* where in the chain */
	char verify_text[128];
	struct ready_cert leaf, bad;	/* the server's, and the one at fault */
	int chain_sent;		/* certificates the server sent; -1 unknown */
	char cafile[READY_TEXT], capath[READY_TEXT]; /* trusted certificates */
	int alert;		/* the alert the server sent; -1 none */
	char alert_text[64];	/* the TLS library's name of it */
	char offered[48];	/* the versions our ClientHello offered,
				   "TLSv1.3, TLSv1.2"; "": unknown */
	char chosen[16];	/* the version a ServerHello chose when older
				   than TLS 1.2 ("TLSv1"); "": none came, or
				   TLS 1.2 or later */
	unsigned char first[48];/* the first bytes, when not TLS */
	size_t nfirst;
	double tls_ms;		/* the handshake, from the connect */
	/* HTTP */
	long http_status;	/* 0: no answer */
	char status_line[READY_TEXT], location[READY_TEXT];
	long location_len;	/* Location's whole length; -1: none came */
	long long body_announced;	/* Content-Length; -1: none */
	/* The first line of the body without its line end (LF or CR LF),
	   as bytes (NULs kept): its first nbody_line bytes, its whole
	   length, and whether it ended in CR LF. */
	unsigned char body_line[READY_TEXT];
	size_t nbody_line, body_line_len;
	bool body_crlf;
	size_t body_bytes;	/* body bytes read */
	bool body_cut;		/* the server closed before the answer's
				   announced end */
	bool headers_too_big;	/* libcurl gave up within the headers with
				   its "Out of memory": one beyond its limit */
	double ttfb_ms;		/* the request to the first byte of the answer */
	/* A silent local service: its listener and process (run.c reads
	   them through the diagnosis after the check ended). */
	bool have_listener;
	unsigned queued, backlog;	/* connections waiting, its backlog */
	long pid;			/* 0: no holder found */
	char comm[64];			/* the holder's name (raw) */
	char state;			/* /proc/PID/stat: R, S, T, ... */
	/* libcurl's own word, for what the facts do not cover */
	int curl_code;
	char curl_error[READY_TEXT];
	const struct ready_opts *opts;	/* what was expected */
	time_t clock;		/* this host's clock when it ended */
};

struct ready;

/* True when this build checks TLS and HTTP (it has libcurl). */
bool ready_built(void);

/*
 * Start the check `t->ready` asks for on `fd`, which the caller connected
 * to `addr` (numeric text, "::1" or "127.0.0.1") in `connect_ms`; it stays
 * the caller's (libcurl never closes it).  Returns NULL with `*cause`
 * set when libcurl cannot be set up.
 */
struct ready *ready_new(const struct target *t, const struct ready_opts *o,
    int fd, const char *addr, double connect_ms, char **cause);

/*
 * Load what the checks need (the module, libcurl and OpenSSL) now, once,
 * so that the load overlaps the name look-ups the caller started; a
 * failure is said by the first ready_new().
 */
void ready_preload(void);

/* The poll events it waits for on its descriptor (0: none now). */
short ready_events(const struct ready *rd);

/* Milliseconds until it must be called without an event; -1: never. */
int ready_timeout(const struct ready *rd);

/*
 * Move it on with what poll found on its descriptor (`revents`, 0 when its
 * time came).  Returns true once it has its outcome.
 */
bool ready_on_event(struct ready *rd, short revents);

/*
 * Its facts into `f`: the outcome once ready_on_event() returned true;
 * before that, the outcome of a check cut short by the deadline
 * (`stopped` false: silent) or by a signal (`stopped` true).
 */
void ready_result(struct ready *rd, bool stopped, struct ready_facts *f);

/* Free it (never its descriptor). */
void ready_free(struct ready *rd);

#endif /* ISOCK_READY_H */
