/*
 * explain.c: the table of errno and EAI_* explanations, and their rendering.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "explain.h"

/* Name and number come from one token, so they cannot disagree. */
#define ERR(e)	#e, e, EXPLAIN_ERRNO
#define EAI(e)	#e, e, EXPLAIN_EAI

/* Indexes into meaning[] and check[], to keep entries readable. */
#define ANY	[EXPLAIN_ANY]
#define TCP	[EXPLAIN_TCP]
#define UDP	[EXPLAIN_UDP]
#define SCTP	[EXPLAIN_SCTP]
#define UNIX	[EXPLAIN_UNIX]

static const struct explain_entry table[] = {
	{ ERR(ECONNREFUSED), ISOCK_EXIT_REFUSED, "connection refused",
	  { ANY = "{addr} answered, but nothing accepts {proto} connections "
		  "on port {port}.",
	    UDP = "{addr} answered a datagram on port {port} with ICMP port "
		  "unreachable: no program has a UDP socket bound there.",
	    UNIX = "{path} exists but no program listens on it: the file is "
		   "left over from a server that exited (a stale socket file)." },
	  { ANY = "Is the service running, and listening on {addr} and not "
		  "only on another address? ss -ltnp shows what listens "
		  "where.",
	    UDP = "Is the service running? ss -lunp shows the UDP sockets "
		  "bound on that host.",
	    UNIX = "Start the server, or remove the stale file; ss -lxp "
		   "shows the Unix sockets that listen." } },
};

const struct explain_entry *
explain_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

static const struct explain_entry *
lookup(enum explain_kind kind, int number)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].kind == kind && table[i].number == number)
			return &table[i];
	return NULL;
}

const struct explain_entry *
explain_lookup_errno(int err)
{
	return lookup(EXPLAIN_ERRNO, err);
}

const struct explain_entry *
explain_lookup_eai(int code)
{
	return lookup(EXPLAIN_EAI, code);
}

const struct explain_entry *
explain_lookup(const char *text)
{
	size_t i;
	char *end;
	long v;

	if (text[0] >= '0' && text[0] <= '9') {
		errno = 0;
		v = strtol(text, &end, 10);
		if (*end != '\0' || errno != 0 || v > 100000)
			return NULL;
		return explain_lookup_errno((int)v);
	}
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcasecmp(table[i].name, text) == 0)
			return &table[i];
	return NULL;
}

enum isock_exit
explain_exit_class(int err)
{
	const struct explain_entry *e;

	if (err == 0)
		return ISOCK_EXIT_CONNECTED;
	e = explain_lookup_errno(err);
	return e != NULL ? e->exit_class : ISOCK_EXIT_OTHER;
}

enum explain_ctx_kind
explain_ctx_kind_of(int family, int type)
{
	if (family == AF_UNIX)
		return EXPLAIN_UNIX;
	switch (type) {
	case SOCK_STREAM:
		return EXPLAIN_TCP;
	case SOCK_DGRAM:
		return EXPLAIN_UDP;
	case SOCK_SEQPACKET:
		return EXPLAIN_SCTP;
	default:
		return EXPLAIN_ANY;
	}
}

/* The value of slot `name` (`len` bytes), or NULL for an unknown slot. */
static const char *
slot(const struct explain_entry *e, const struct explain_ctx *ctx,
    const char *name, size_t len, char *num, size_t numsize)
{
	const char *v;

#define IS(s) (len == sizeof(s) - 1 && memcmp(name, s, len) == 0)
	if (IS("addr"))
		v = ctx->addr;
	else if (IS("host"))
		v = ctx->host;
	else if (IS("path"))
		v = ctx->path;
	else if (IS("proto"))
		v = ctx->proto;
	else if (IS("name"))
		v = e->name;
	else if (IS("port")) {
		snprintf(num, numsize, "%u", ctx->port);
		v = num;
	} else
		return NULL;
#undef IS
	return v != NULL ? v : "?";
}

const char *
explain_render(const struct explain_entry *e, enum explain_part part,
    const struct explain_ctx *ctx, char *buf, size_t size)
{
	const char *const *texts = part == EXPLAIN_MEANING ? e->meaning : e->check;
	const char *t, *close, *v;
	char num[16];
	size_t used = 0, n;

	if (size == 0)
		return NULL;
	buf[0] = '\0';
	t = ctx->kind < EXPLAIN_NCTX ? texts[ctx->kind] : NULL;
	if (t == NULL)
		t = texts[EXPLAIN_ANY];
	if (t == NULL)
		return NULL;
	while (*t != '\0' && used + 1 < size) {
		v = NULL;
		close = NULL;
		if (*t == '{' && (close = strchr(t, '}')) != NULL)
			v = slot(e, ctx, t + 1, (size_t)(close - t - 1), num,
			    sizeof(num));
		if (v != NULL) {
			n = strlen(v);
			if (n > size - 1 - used)
				n = size - 1 - used;
			memcpy(buf + used, v, n);
			used += n;
			t = close + 1;
		} else
			buf[used++] = *t++;
	}
	buf[used] = '\0';
	return buf;
}
