/* SPDX-License-Identifier: ISC */
/*
 * result.h: what a run measured, and the one exit status it gives.
 *
 * An attempt is one address tried; a result is everything that happened to
 * one target in one round (its look-up, its attempts, the signal that cut it
 * short), with an explicit state; statistics sum the results of --count.
 * The exit status of a result is worked out here and nowhere else: probe
 * fills results, run and report only read them through result_exit_status().
 */
#ifndef ISOCK_RESULT_H
#define ISOCK_RESULT_H

#include <stdbool.h>
#include <stddef.h>

#include "isocket.h"
#include "payload.h"
#include "ready.h"
#include "target.h"

/* Where a result stands.  Only a finished result holds an outcome. */
enum result_state {
	RESULT_NOT_STARTED = 0,	/* nothing tried yet (the zeroed value) */
	RESULT_RESOLVING,	/* its name look-up is in flight */
	RESULT_CONNECTING,	/* attempts are in flight */
	RESULT_FINISHED,	/* connected, or failed with a cause */
	RESULT_INTERRUPTED	/* a signal ended it before an outcome */
};

/* One address tried. */
struct result_attempt {
	struct target_addr addr;
	int error;		/* 0: connected (or association set) */
	const char *step;	/* the call that failed: "socket", "bind", ... */
	bool deadline;		/* the error is our deadline, not the kernel's */
	bool probed;		/* --probe: a datagram was sent */
	bool self;		/* refused: the socket was joined to itself */
	bool reset;		/* connected, and the peer reset it at once
				   (before the outcome was read) */
	char answer[PAYLOAD_TEXT_MAX]; /* --probe: what answered, or "" */
	struct isocket_icmp icmp; /* the ICMP error that ended it, if any */
	double ms;		/* time spent on this address: the connect */
	double limit_ms;	/* its target's deadline (-w, or less when
				   --wait had less left), 0: not known */
	struct target_addr local; /* the local address and port (len 0:
				   none was bound) */
};

struct result {
	enum result_state state;
	int eai;		/* non-zero: resolution failed with this code */
	int eai_errno;		/* the errno of EAI_SYSTEM (0: none was left) */
	struct result_attempt *attempts; /* in the order tried */
	size_t nattempts;
	int signal;		/* non-zero: stopped by this signal */
	int diag_status;	/* non-zero: the exit status the diagnosis
				   found for the last attempt (a blackhole's
				   EINVAL is unreachable, 4) */
	double resolve_ms;	/* time spent resolving */
	double ms;		/* time of the whole target, from its start */
	unsigned tries;		/* --wait: attempts at the target in all */
	double waited_ms;	/* --wait: from the run's start to the outcome */
	struct ready_facts *ready; /* https://, http://, --tls: the check
				   after the connect, or NULL */
	struct timespec when;	/* the wall clock when the outcome was seen
				   ({0, 0}: not yet) */
};

/*
 * The attempt that connected, or NULL (never for an unfinished result, nor
 * for one whose check after the connect, TLS or HTTP, failed).
 */
const struct result_attempt *result_connected(const struct result *r);

/* The last attempt made, or NULL when none was. */
const struct result_attempt *result_last(const struct result *r);

/*
 * The attempt that connected when the check after it (TLS or HTTP) failed:
 * the address the check failed on, which a report names instead of the
 * last attempt; NULL otherwise.
 */
const struct result_attempt *result_checked(const struct result *r);

/*
 * The exit status the contract gives one result: 0 only when an attempt
 * connected (and its TLS or HTTP check passed); 128+N when signal N ended
 * it first; the check's status (12 TLS, 13 HTTP, 3 silent) when it failed;
 * the diagnosis's status when it found one; else the class of the resolver's code or of the last
 * attempt's errno.  A result that never finished, a resolver failure that
 * left no errno and an errno of no class are never 0.
 */
int result_exit_status(const struct result *r);

/*
 * True when `code` (a result_exit_status()) says nothing accepts there: a
 * refusal, a time-out or an unreachable target, the successes of --invert.
 * Any other failure (not found, denied, local resources...) is not one.
 */
bool result_closed(int code);

/*
 * The exit status of `r` under --invert, which asks whether anything
 * accepts: result_exit_status(), except that a TLS or HTTP check that
 * failed after its connect is never a closed port, whatever its status
 * (a service that accepted and kept silent times out, 3): that one is
 * ISOCK_EXIT_ACCEPTING.  Its other failures (12, 13) keep their status.
 */
int result_invert_status(const struct result *r);

/* --exit-codes: the contract's classes, or 0 and 1 alone. */
enum result_codes {
	RESULT_CODES_FULL = 0,	/* the table of exitcode.h */
	RESULT_CODES_BINARY	/* 0 success, 1 any failure (HEALTHCHECK) */
};

/* What makes a run a success: the options that decide its exit status. */
struct result_policy {
	bool any;		/* --any: one target's success is enough */
	bool invert;		/* --invert: success is a target not accepting */
	enum result_codes codes; /* --exit-codes */
};

/*
 * The exit status of a run whose targets gave `codes` (each the
 * result_exit_status() of its result, or result_stats_status() of
 * --count) and that signal `sig` ended (0: none).  A target succeeds when
 * its code is 0, or with invert when result_closed() holds for it;
 * the run succeeds (0) when every target did, or with any when one did;
 * else the status is the first failing target's in input order (with
 * invert, ISOCK_EXIT_ACCEPTING for one that connected); 128+`sig` when a
 * signal ended the run.  The last step is result_exit_mode().
 */
int result_run_status(const int *codes, size_t n, int sig,
    const struct result_policy *p);

/*
 * `status` as the mode `codes` gives it: unchanged, or with binary 0 for 0
 * and 1 for every other status (usage errors, signals, 126 and 127 too).
 */
int result_exit_mode(int status, enum result_codes codes);

/* Room for `n` attempts in `r` (none made yet); -1 when out of memory. */
int result_reserve(struct result *r, size_t n);

/* Free the attempts of `r` and make it a result not started. */
void result_free(struct result *r);

/* Statistics of --count for one target. */
struct result_stats {
	unsigned long sent, connected;
	double min, max, sum, sumsq;	/* over the connected probes, in ms */
	int last_failure;		/* exit status of the last failure, 0 */
	/* The longest downtime: the longest run of failed probes, from the
	   first failure to the success that ended it (or to the last failure
	   while none did: `down_ongoing`). */
	unsigned long down_now, down_longest;	/* failures in a row */
	struct timespec down_began;		/* of the run going on */
	struct timespec longest_began, longest_ended;
	bool down_ongoing;			/* the longest is not over */
};

/*
 * Count `r` in `s`: a result a signal cut short (or never started) is
 * neither sent nor lost; a failure keeps its result_exit_status() and
 * extends the run of failures its `when` is part of.  The time of a
 * success is its connect's, or with a TLS or HTTP check the whole
 * target's.
 */
void result_stats_add(struct result_stats *s, const struct result *r);

/* The exit status of a --count target: 0 when every probe connected. */
int result_stats_status(const struct result_stats *s);

/* Average and mean deviation (as ping's mdev) of the connected probes. */
double result_stats_avg(const struct result_stats *s);
double result_stats_mdev(const struct result_stats *s);

#endif /* ISOCK_RESULT_H */
