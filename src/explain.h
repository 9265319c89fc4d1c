/* SPDX-License-Identifier: ISC */
/*
 * explain.h: what an errno or a getaddrinfo EAI_* code means for a connect.
 *
 * One static table.  Each entry has the symbolic name and number, the exit
 * class of the contract, a one-line summary, and for each context (TCP, UDP,
 * SCTP, Unix paths) a sentence on what the failure means for this attempt and
 * one on what to check.  Sentences have slots that explain_render() fills:
 *   {addr}  the address tried (numeric), {host} the host as given,
 *   {port}  the port number, {path} the Unix path, {proto} "tcp", "udp",
 *   "sctp", "unix stream", ..., {name} the symbolic name.
 * Where several causes are possible the text says which facts decide between
 * them; it never lists guesses.
 */
#ifndef ISOCK_EXPLAIN_H
#define ISOCK_EXPLAIN_H

#include <stddef.h>

#include "exitcode.h"

enum explain_kind {
	EXPLAIN_ERRNO,		/* number is an errno value */
	EXPLAIN_EAI		/* number is a getaddrinfo() return value */
};

/* The contexts a sentence can depend on. */
enum explain_ctx_kind {
	EXPLAIN_ANY,		/* fallback for every context */
	EXPLAIN_TCP,		/* IPv4/IPv6 stream */
	EXPLAIN_UDP,		/* IPv4/IPv6 datagram */
	EXPLAIN_SCTP,		/* IPv4/IPv6 seqpacket */
	EXPLAIN_UNIX,		/* Unix path, any type */
	EXPLAIN_NCTX
};

struct explain_entry {
	const char *name;		/* "ECONNREFUSED", "EAI_NONAME" */
	int number;			/* its value on this system */
	enum explain_kind kind;
	enum isock_exit exit_class;
	const char *summary;		/* "connection refused" */
	const char *meaning[EXPLAIN_NCTX]; /* NULL: use EXPLAIN_ANY's */
	const char *check[EXPLAIN_NCTX];
};

/* What explain_render() fills the slots with; NULL fields render as "?". */
struct explain_ctx {
	enum explain_ctx_kind kind;
	const char *addr;	/* escaped by the caller where it came from outside */
	const char *host;
	const char *path;
	const char *proto;
	unsigned port;
};

/* The entry for an errno / an EAI_* code; NULL when the table has none. */
const struct explain_entry *explain_lookup_errno(int err);
const struct explain_entry *explain_lookup_eai(int code);

/*
 * The entry for a name ("ECONNREFUSED", "econnrefused", "EAI_NONAME") or a
 * decimal errno number ("111"); NULL when there is none.
 */
const struct explain_entry *explain_lookup(const char *name_or_number);

/* The whole table, `*n` entries, errno entries first. */
const struct explain_entry *explain_table(size_t *n);

/* The exit class of an errno: ISOCK_EXIT_OTHER for one the table lacks. */
enum isock_exit explain_exit_class(int err);

/* The context kind for a socket family and type. */
enum explain_ctx_kind explain_ctx_kind_of(int family, int type);

enum explain_part { EXPLAIN_MEANING, EXPLAIN_CHECK };

/*
 * Render the meaning or the check of `e` for `ctx` into `buf` (always
 * NUL-terminated, cut at `size`).  Returns `buf`, or NULL when the entry has
 * no text for that part (then `buf` is the empty string).
 */
const char *explain_render(const struct explain_entry *e,
    enum explain_part part, const struct explain_ctx *ctx, char *buf,
    size_t size);

#endif /* ISOCK_EXPLAIN_H */
