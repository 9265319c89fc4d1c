/* SPDX-License-Identifier: ISC */
/*
 * ready_text.h: the words for the facts of a TLS or HTTP check
 * (ready.h): the headline of a failure, its Found lines, what it means and
 * what to check, and the tail of a success line.  Everything that came
 * from the server is escaped.  No I/O, no network.
 */
#ifndef ISOCK_READY_TEXT_H
#define ISOCK_READY_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "facts.h"
#include "ready.h"

/* "TLS handshake failed: the certificate has expired" into `buf`. */
void ready_text_what(const struct ready_facts *f, char *buf, size_t size);

/*
 * The facts as "Found:" lines (without the word), at most `max`; `now` is
 * this host's clock.  Returns how many.
 */
size_t ready_text_lines(const struct ready_facts *f, time_t now,
    char lines[][DIAG_LINE_MAX], size_t max);

/*
 * What the failure means and what to check next, for the target at
 * `place` ("example.org port 443"); "" when nothing is to be said.
 */
void ready_text_advice(const struct ready_facts *f, time_t now,
    const char *place, char *mean, size_t msize, char *check,
    size_t csize);

/*
 * The tail of a success line: "; TLSv1.3 (TLS_AES_256_GCM_SHA384),
 * certificate valid until 2027-01-01 (in 390 days); HTTP 200 in 1.2 ms".
 */
void ready_text_success(const struct ready_facts *f, time_t now, char *buf,
    size_t size);

/* "2 days 3 hours", "5 minutes", "40 seconds": a span of `s` seconds. */
void ready_text_span(double s, char *buf, size_t size);

/*
 * The name of TLS alert `alert` (RFC 8446 section 6), "certificate
 * required"; `other` (the TLS library's) for one not in the table.
 */
const char *ready_alert_name(int alert, const char *other);

/*
 * The length of the first line of the body of `f` as the words show it:
 * up to its LF or CR LF (body_line_len), or to the first NUL byte of
 * those kept, which ends a line for --http-body too; `*nul` says which.
 */
size_t ready_text_body_line(const struct ready_facts *f, bool *nul);

/* The bytes `p` (`n`, NULs allowed) escaped into `buf`. */
void ready_text_bytes(const unsigned char *p, size_t n, char *buf,
    size_t size);

/* One cause of the TLS and HTTP checks, for --list-errors and --explain. */
struct ready_text_entry {
	const char *name;	/* "TLS_CERT_EXPIRED" */
	enum ready_cause cause;
	int exit_class;		/* 12, 13 or 3 */
	const char *summary;	/* "the certificate has expired" */
	const char *meaning;
	const char *check;
};

/* The table, `*n` entries, in the order --list-errors prints them. */
const struct ready_text_entry *ready_text_table(size_t *n);

/* The entry named `name` (any case), or NULL. */
const struct ready_text_entry *ready_text_lookup(const char *name);

/* The entry of `cause`, or NULL (READY_OK, READY_INTERRUPTED). */
const struct ready_text_entry *ready_text_of(enum ready_cause cause);

#endif /* ISOCK_READY_TEXT_H */
