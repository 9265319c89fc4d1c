/* SPDX-License-Identifier: ISC */
/*
 * fuzz-target.c: libFuzzer harness of the target parser.
 *
 * The first byte picks the family and the socket type; the rest, split at
 * NUL bytes, are the words of a command line (target_list_parse), each word
 * a port list (target_parse_ports), the first two HOST and PORT
 * (target_make), the first a Unix path (target_make_unix), and the whole
 * rest a --targets file (target_list_read through fmemopen).  The words
 * may be URLs (tcp://, tcp4://, tcp6://, udp://, unix://) or :PORT.  Targets that
 * need no name look-up (literals, Unix paths) are resolved and their
 * addresses turned back into text.  No network, no files.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "target.h"

#define FUZZ_MAX_WORDS 16
#define FUZZ_MAX_RESOLVE 32	/* targets resolved per input at most */

/* A failure's cause: a sentence, with the bad text escaped. */
static void
check_cause(char *cause)
{
	FUZZ_ASSERT(cause != NULL);
	FUZZ_ASSERT(fuzz_printable(cause));
	free(cause);
}

/* Resolve `t` when that needs no name service, and print its addresses. */
static void
resolve_local(const struct target *t)
{
	struct target_addr *v;
	char text[128];
	unsigned port;
	size_t n, i;
	int err;

	if (t->family != AF_UNIX && (!t->literal || strchr(t->host, '%')))
		return;
	if (target_resolve(t, &v, &n, &err) != 0)
		return;
	FUZZ_ASSERT(n == 1);
	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(v[i].len <= sizeof(v[i].ss));
		target_addr_text((const struct sockaddr *)&v[i].ss, v[i].len,
		    text, sizeof(text), &port);
		FUZZ_ASSERT(strlen(text) < sizeof(text));
		FUZZ_ASSERT(t->family == AF_UNIX ? port == 0 : port == t->port);
	}
	free(v);
}

/* The invariants of a parsed target. */
static void
check_target(const struct target *t)
{
	FUZZ_ASSERT(t->host != NULL);
	FUZZ_ASSERT(t->family == AF_UNIX ? t->port == 0 : t->port != 0);
	FUZZ_ASSERT(t->family != AF_UNIX || strlen(t->host) < 108);
}

static void
fuzz_list(char **words, size_t n, const struct target_want *want)
{
	struct target_list l = { 0 };
	char *cause = NULL;
	size_t i;

	if (target_list_parse(&l, words, n, want, &cause) < 0)
		check_cause(cause);
	else
		FUZZ_ASSERT(cause == NULL);
	FUZZ_ASSERT(l.n <= TARGET_MAX);
	for (i = 0; i < l.n; i++) {
		check_target(&l.v[i]);
		if (i < FUZZ_MAX_RESOLVE)
			resolve_local(&l.v[i]);
	}
	target_list_free(&l);
}

static void
fuzz_ports(const char *text, int type)
{
	uint16_t *ports = NULL;
	char *cause = NULL;
	int n, i;

	n = target_parse_ports(text, type, &ports, &cause);
	if (n < 0) {
		FUZZ_ASSERT(ports == NULL);
		check_cause(cause);
		return;
	}
	FUZZ_ASSERT(n >= 1 && n <= TARGET_MAX);
	for (i = 0; i < n; i++)
		FUZZ_ASSERT(ports[i] >= 1);
	free(ports);
}

static void
fuzz_make(char **words, size_t n, int family, int type)
{
	struct target t;
	char *cause = NULL;

	if (n >= 2) {
		if (target_make(&t, words[0], words[1],
		    family == AF_UNIX ? AF_UNSPEC : family, type, &cause) < 0)
			check_cause(cause);
		else {
			check_target(&t);
			resolve_local(&t);
			target_free(&t);
		}
	}
	cause = NULL;
	if (target_make_unix(&t, words[0], type, &cause) < 0)
		check_cause(cause);
	else {
		check_target(&t);
		resolve_local(&t);
		target_free(&t);
	}
}

static void
fuzz_file(const uint8_t *data, size_t size, const struct target_want *want)
{
	struct target_list l = { 0 };
	char *cause = NULL, *copy;
	FILE *f;
	size_t i;

	if (size == 0 || (copy = malloc(size)) == NULL)
		return;
	memcpy(copy, data, size);
	f = fmemopen(copy, size, "r");
	if (f != NULL) {
		if (target_list_read(&l, f, "fuzz", want, NULL, &cause) < 0)
			check_cause(cause);
		for (i = 0; i < l.n; i++)
			check_target(&l.v[i]);
		target_list_free(&l);
		fclose(f);
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int families[] = { AF_UNSPEC, AF_INET, AF_INET6, AF_UNIX };
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	struct target_want want;
	char *words[FUZZ_MAX_WORDS], *buf;
	int family, type;
	size_t n, i;

	if (size < 1)
		return 0;
	family = families[data[0] & 3];
	type = types[(data[0] >> 2) % 3];
	/* Bit 6: the options named the family and the type (-s, -T). */
	want.family = family;
	want.family_opt = (data[0] & 0x40) != 0 ? "-s 127.0.0.1" : NULL;
	want.type = type;
	want.type_opt = (data[0] & 0x40) != 0 ? "-T" : NULL;
	n = fuzz_words(data + 1, size - 1, words, FUZZ_MAX_WORDS, &buf);
	if (n > 0) {
		fuzz_list(words, n, &want);
		for (i = 0; i < n; i++)
			fuzz_ports(words[i], type);
		fuzz_make(words, n, family, type);
	}
	free(buf);
	fuzz_file(data + 1, size - 1, &want);
	return 0;
}
