/* SPDX-License-Identifier: ISC */
/*
 * resolver.h: facts about the system resolver after a name look-up failed.
 *
 * What /etc/resolv.conf configures (the name servers, the search list, the
 * options), and for a name that did not resolve which of three causes it
 * was: the name does not exist (NXDOMAIN), it exists with addresses of the
 * other family only, or no server answered; with what each server said.
 * Read-only: nothing here writes a sentence but resolver_text().
 */
#ifndef ISOCK_RESOLVER_H
#define ISOCK_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <sys/socket.h>

#include "target.h"

#define RESOLVER_MAX_SERVERS 3	/* glibc's MAXNS: the rest are not asked */
#define RESOLVER_MAX_SEARCH 6
#define RESOLVER_NAME_MAX 254	/* a domain name and its NUL */

/* /etc/resolv.conf as glibc reads it. */
struct resolver_conf {
	int error;		/* 0, or the errno that kept it from being read */
	bool default_server;	/* no nameserver line: glibc asks 127.0.0.1 */
	size_t nservers;	/* the servers asked, in order */
	struct sockaddr_storage servers[RESOLVER_MAX_SERVERS];
	size_t nignored;	/* nameserver lines beyond the third */
	size_t nsearch;		/* the search list (or the domain line) */
	char search[RESOLVER_MAX_SEARCH][RESOLVER_NAME_MAX];
	char options[256];	/* the options, as written, joined by a space */
	int timeout_s;		/* options timeout: (glibc's default 5) */
	int attempts;		/* options attempts: (default 2) */
	int ndots;		/* options ndots: (default 1) */
	bool env_search;	/* the search list is LOCALDOMAIN's */
	bool env_options;	/* RES_OPTIONS added options */
};

/* Why a name did not resolve. */
enum resolver_cause {
	RESOLVER_UNKNOWN,	/* nothing read tells */
	RESOLVER_NXDOMAIN,	/* a server answered: the name does not exist */
	RESOLVER_OTHER_FAMILY,	/* it has addresses, of the other family only */
	RESOLVER_NO_ADDRESS,	/* a server answered: no address of the type */
	RESOLVER_SERVER_ERROR,	/* servers answered SERVFAIL, REFUSED, ... */
	RESOLVER_NO_ANSWER,	/* no server answered */
};

/* What one server did with the query sent to it. */
struct resolver_server {
	struct sockaddr_storage addr;
	bool answered;
	int rcode;		/* its RCODE, when it answered */
	unsigned answers;	/* its answer count, when it answered */
	int error;		/* else: ETIMEDOUT, or the errno of the send/recv */
	long waited_ms;		/* ms from its query to the answer or the
				   end of the wait: ETIMEDOUT, silent so long
				   (another ask's query when shared or kept) */
};

struct resolver_facts {
	struct resolver_conf conf;
	enum resolver_cause cause;
	int other_family;	/* RESOLVER_OTHER_FAMILY: AF_INET or AF_INET6 */
	size_t nasked;		/* servers queried, in the order of conf */
	struct resolver_server asked[RESOLVER_MAX_SERVERS];
};

/*
 * Read a resolv.conf (`path`; NULL: /etc/resolv.conf) into `c`: a regular
 * file, opened without blocking, at most its first 64 KiB; then, as glibc
 * does, LOCALDOMAIN (the search list) and RES_OPTIONS (more options) from
 * the environment.  Missing or
 * unreadable is not an error of the call: c->error says why, and the
 * defaults glibc uses then are filled in (127.0.0.1, no search list).
 */
void resolver_conf_read(const char *path, struct resolver_conf *c);

/*
 * After the look-up of `t` (a name, not a literal) failed with `eai`
 * (EAI_NONAME, EAI_NODATA, EAI_ADDRFAMILY, EAI_AGAIN, EAI_FAIL, or
 * EAI_CANCELED when the deadline ended it), find
 * out why, until `deadline` (CLOCK_MONOTONIC): for a family asked (-4,
 * -6) the name is looked up once more without it; then the query of the
 * look-up (A, or AAAA for -6) goes to each server of `conf_path` at once
 * over UDP, and each one's answer or silence is kept.  The name is asked
 * as given (an absolute name), not with the search list.  Fills `f`.
 * For callers without a run (tests, tools): it waits on a loop of its own
 * (resolver_ask_start() and loop_once() to the end), which serves no
 * other waiter meanwhile; inside a run, use resolver_ask_start().
 */
void resolver_diagnose(const struct target *t, int eai,
    const struct timespec *deadline, const char *conf_path,
    struct resolver_facts *f);

/* resolver_ask_start's callback: the facts are complete. */
typedef void resolver_ask_fn(void *arg);

struct resolver_ask;

/*
 * resolver_diagnose() on the current loop (loop_current()): every wait
 * (the look-up without the family, the servers' answers, the deadline) is
 * a waiter of that loop, and `fn` is called from one of its callbacks,
 * never from inside resolver_ask_start(), once `f` is complete; the
 * handle is freed after `fn` returns.  `f` is the caller's and must live
 * until then.  NULL when it could not start (no loop, out of memory): `f`
 * then holds what could be read without waiting, and `fn` is not called.
 */
struct resolver_ask *resolver_ask_start(const struct target *t, int eai,
    const struct timespec *deadline, const char *conf_path,
    struct resolver_facts *f, resolver_ask_fn *fn, void *arg);

/*
 * End `a` now with what it has (a server not heard from has not
 * answered), its sockets closed and waiters removed; `fn` is called before
 * this returns.
 */
void resolver_ask_stop(struct resolver_ask *a);

/*
 * One sentence for the cause in `f` about `host`, into `buf` (`size`
 * bytes), e.g. "fd98::1 and 10.0.0.53 answered that db.test does not exist
 * (NXDOMAIN)."; "" for RESOLVER_UNKNOWN.
 */
void resolver_text(const struct resolver_facts *f, const char *host,
    char *buf, size_t size);

#endif /* ISOCK_RESOLVER_H */
