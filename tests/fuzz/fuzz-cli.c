/* SPDX-License-Identifier: ISC */
/*
 * fuzz-cli.c: libFuzzer harness of the option parser.
 *
 * The input, split at NUL bytes, is the argument vector after the program
 * name; cli_parse() parses it as main() does, and --explain's argument is
 * looked up and rendered.  Vectors that name --targets (or an abbreviation
 * of it) are left out, so the harness never opens a file or reads standard
 * input.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "explain.h"
#include "fuzz.h"

#define FUZZ_MAX_ARGS 32

/* True when `arg` is --targets, --targets=FILE or an abbreviation of it
 * that getopt_long would take (at least "--ta"). */
static int
names_targets(const char *arg)
{
	size_t n;

	if (strncmp(arg, "--", 2) != 0)
		return 0;
	arg += 2;
	n = strcspn(arg, "=");
	return n >= 2 && n <= 7 && strncmp(arg, "targets", n) == 0;
}

/* True when every byte of the `n` words is printable ASCII but '\\'. */
static int
plain_words(char **words, size_t n)
{
	const unsigned char *p;
	size_t i;

	for (i = 0; i < n; i++)
		for (p = (const unsigned char *)words[i]; *p != '\0'; p++)
			if (*p < 0x20 || *p >= 0x7f || *p == '\\')
				return 0;
	return 1;
}

/* The invariants of a successful parse. */
static void
check_options(const struct options *o)
{
	const struct explain_entry *e;
	struct explain_ctx ctx = { .addr = "a", .host = "h", .path = "p",
	    .proto = "tcp", .port = 1 };
	char buf[256];
	size_t i;

	FUZZ_ASSERT(o->timeout_ms >= 1 && o->timeout_ms <= CLI_MAX_TIMEOUT_MS);
	FUZZ_ASSERT(o->interval_ms >= 0 && o->interval_ms <= CLI_MAX_TIMEOUT_MS);
	FUZZ_ASSERT(o->wait_ms >= 0 && o->wait_ms <= CLI_MAX_TIMEOUT_MS);
	FUZZ_ASSERT(o->parallel <= CLI_MAX_PARALLEL);
	/* -c 0 (endless) is ULONG_MAX probes, stopped by a signal. */
	FUZZ_ASSERT(o->count <= CLI_MAX_COUNT ||
	    (o->endless && o->count == ULONG_MAX));
	/* -h and -V end the parse where they stand: later checks never ran. */
	if (o->action != CLI_HELP && o->action != CLI_VERSION)
		FUZZ_ASSERT(!(o->wait_ms > 0 && o->count > 0));
	if (o->action == CLI_RUN)
		FUZZ_ASSERT(o->targets.n >= 1 && o->targets.n <= TARGET_MAX);
	for (i = 0; i < o->targets.n; i++)
		FUZZ_ASSERT(o->targets.v[i].host != NULL);
	if (o->action == CLI_EXPLAIN && o->explain != NULL &&
	    (e = explain_lookup(o->explain)) != NULL) {
		for (ctx.kind = 0; ctx.kind < EXPLAIN_NCTX; ctx.kind++) {
			explain_render(e, EXPLAIN_MEANING, &ctx, buf,
			    sizeof(buf));
			FUZZ_ASSERT(strlen(buf) < sizeof(buf));
			explain_render(e, EXPLAIN_CHECK, &ctx, buf,
			    sizeof(buf));
			FUZZ_ASSERT(strlen(buf) < sizeof(buf));
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[FUZZ_MAX_ARGS + 2], *buf, *cause = NULL;
	char name[] = "isock-connect";
	struct options o;
	size_t n, i;

	argv[0] = name;
	n = fuzz_words(data, size, argv + 1, FUZZ_MAX_ARGS, &buf);
	argv[n + 1] = NULL;
	for (i = 1; i <= n; i++)
		if (names_targets(argv[i]))
			goto out;
	if (cli_parse((int)n + 1, argv, NULL, &o, &cause) < 0) {
		FUZZ_ASSERT(cause != NULL);
		FUZZ_ASSERT(fuzz_printable(cause));
		/* An escape in the message stands for a byte of the input
		 * (an option's code printed as a letter gave '-\x01'); only
		 * regerror()'s own words for a bad --http-body hold one
		 * ("Unmatched ( or \\(").  */
		FUZZ_ASSERT(!plain_words(argv + 1, n) ||
		    strchr(cause, '\\') == NULL ||
		    strstr(cause, "--http-body") != NULL);
		free(cause);
	} else {
		FUZZ_ASSERT(cause == NULL);
		check_options(&o);
	}
	cli_free(&o);
out:
	free(buf);
	return 0;
}
