/* SPDX-License-Identifier: ISC */
/*
 * isock-trace.c: a test helper that runs several traces at once on one
 * loop, as the run does, for tests/t-trace.sh.
 *
 *   isock-trace [-w MS] ADDRESS PORT [ADDRESS PORT ...]
 *
 * It starts one trace_start() a destination (nftables tracing asked for),
 * prints "started N" once every trace is under way, and "done ADDRESS
 * PORT STATE HOPS stopped|cut|complete" as each calls back; then exits 0
 * (1 when a trace could not start, 2 on bad arguments).
 *
 * SIGINT sets the stop flag the traces are given: every trace in flight is
 * then ended with trace_stop(), as the run does when it stops.  SIGTERM
 * calls trace_cleanup() from the handler, as a signal path that will not
 * return does, prints "cleaned" and waits there, still alive, for the
 * SIGKILL of the test (which checks meanwhile that no trace table is left).
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"
#include "trace.h"

#define HELPER_MAX 8

/* One destination and its trace. */
struct one {
	struct sockaddr_storage ss;
	socklen_t len;
	const char *host, *port;
	struct trace_result r;
	struct trace_job *job;		/* NULL: called back, or none */
};

static volatile sig_atomic_t stop;

static void
on_int(int sig)
{
	(void)sig;
	stop = 1;
}

/* Removes every trace table and stays, for the test to look. */
static void
on_term(int sig)
{
	static const char msg[] = "cleaned\n";
	ssize_t w;

	(void)sig;
	trace_cleanup();
	w = write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	(void)w;
	for (;;)
		pause();
}

/* The name of a rule look-up's state, as the JSON form has it. */
static const char *
state_name(enum trace_rule_state s)
{
	static const char *const names[] = { "not-tried", "none", "found",
	    "no-events", "not-permitted", "legacy-iptables", "error" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ?
	    names[s] : "?";
}

static void
on_done(void *arg)
{
	struct one *o = arg;

	printf("done %s %s %s %u %s\n", o->host, o->port,
	    state_name(o->r.rule.state), o->r.nhops, o->r.stopped ?
	    "stopped" : o->r.cut ? "cut" : "complete");
	fflush(stdout);
	o->job = NULL;
}

/* ADDRESS and PORT (numeric) into `o`; false when they are not. */
static bool
parse(struct one *o, const char *host, const char *port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&o->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&o->ss;
	long p = strtol(port, NULL, 10);

	memset(o, 0, sizeof(*o));
	o->host = host;
	o->port = port;
	if (p <= 0 || p > 65535)
		return false;
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)p);
		o->len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)p);
		o->len = sizeof(*sin6);
	} else
		return false;
	return true;
}

int
main(int argc, char **argv)
{
	static struct one ones[HELPER_MAX];
	struct sigaction sa;
	struct loop *l;
	long ms = 2000;
	int n = 0, i, a = 1, left, rc = 0;

	if (argc > 2 && strcmp(argv[1], "-w") == 0) {
		ms = strtol(argv[2], NULL, 10);
		a = 3;
	}
	if (ms <= 0 || argc - a < 2 || (argc - a) % 2 != 0 ||
	    (argc - a) / 2 > HELPER_MAX) {
		fprintf(stderr, "usage: isock-trace [-w MS] ADDRESS PORT "
		    "[ADDRESS PORT ...] (at most %d)\n", HELPER_MAX);
		return 2;
	}
	for (; a + 1 < argc; a += 2, n++)
		if (!parse(&ones[n], argv[a], argv[a + 1])) {
			fprintf(stderr, "isock-trace: not an address and a "
			    "port: %s %s\n", argv[a], argv[a + 1]);
			return 2;
		}
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_int;
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	if ((l = loop_new()) == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		struct trace_query q = { .dst = (struct sockaddr *)&ones[i].ss,
		    .dstlen = ones[i].len, .deadline_ms = ms, .nft = true,
		    .stop = &stop };
		char *cause = NULL;

		ones[i].job = trace_start(&q, &ones[i].r, &cause, on_done,
		    &ones[i]);
		if (ones[i].job == NULL) {
			fprintf(stderr, "isock-trace: %s %s: %s\n",
			    ones[i].host, ones[i].port, cause != NULL ? cause :
			    "cannot start");
			rc = 1;
		}
		free(cause);
	}
	printf("started %d\n", n);
	fflush(stdout);
	/* Bounded: each trace ends by its deadline. */
	for (;;) {
		for (left = 0, i = 0; i < n; i++)
			left += ones[i].job != NULL;
		if (left == 0)
			break;
		if (stop) {
			for (i = 0; i < n; i++)
				if (ones[i].job != NULL)
					trace_stop(ones[i].job);
			continue;
		}
		if (loop_once(l, -1) < 0) {
			perror("isock-trace: loop_once");
			rc = 1;
			break;
		}
	}
	loop_free(l);
	return rc;
}
