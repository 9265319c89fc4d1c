/* SPDX-License-Identifier: ISC */
/*
 * probe.h: running the attempts of many targets on one event loop.
 *
 * probe_run() resolves each target and tries its addresses in order, each
 * with a non-blocking ISocket, until one connects, the target's deadline
 * passes or a signal asks it to stop.  At most `parallel` attempts are in
 * flight at once; each target's deadline starts when its turn comes.  It
 * records what happened; it prints nothing.
 */
#ifndef ISOCK_PROBE_H
#define ISOCK_PROBE_H

#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include "exitcode.h"
#include "ready.h"
#include "result.h"
#include "target.h"

#define PROBE_DEFAULT_PARALLEL 100

struct probe_opts {
	long timeout_ms;		/* deadline of each target */
	unsigned parallel;		/* attempts at once; 0: the default */
	const struct sockaddr_storage *source; /* bind here first, or NULL */
	socklen_t source_len;		/* 0: only the port below */
	uint16_t source_port;		/* 0: any */
	bool broadcast;			/* SO_BROADCAST on datagram sockets */
	bool probe;			/* datagram: send one, await the answer */
	volatile sig_atomic_t *stop;	/* set non-zero (a signal number) to stop */
	/* Set true (from a callback) when the run needs no more: each
	   target not final ends now (see probe_run). */
	const bool *halt;
	/* When not NULL: standard output is watched while the run waits,
	   and set true once its reader has gone (POLLERR on a pipe); the
	   run then ends as with *halt, and probe_sleep returns. */
	bool *out_gone;
	bool wait;			/* --wait: retry; else once */
	long wait_ms;			/* --wait: retry until then; 0: no limit */
	bool invert;			/* --wait: retry while it connects */
	long retry_cap_ms;		/* --wait: longest pause; 0: 1 s */
	const struct ready_opts *ready;	/* a target's TLS or HTTP check */
	/*
	 * The process ends after this run, writing nothing and running
	 * nothing more (-q, no -- COMMAND, one round), and `done` neither
	 * writes nor waits for a target that connected: such a result is
	 * told with the stop signals still blocked, and when every result
	 * was so, they stay blocked to the exit (no system call).  A signal
	 * that comes once the last outcome is taken is then dropped at exit,
	 * as one coming after the status was read always was: the run had
	 * ended.
	 */
	bool quiet_end;
	/* Where trace times count from; {0, 0}: the start of probe_run. */
	struct timespec epoch;
	/* Called with each step when not NULL: ms since the epoch, a line. */
	void (*trace)(void *arg, double ms, const char *line);
	void *trace_arg;
	/* Called when target `index` has its final result, when not NULL. */
	void (*done)(void *arg, size_t index);
	void *done_arg;
	/*
	 * When not NULL: called between the loop's waits (never inside one
	 * of its callbacks; it lets the signals in before it prints), for the
	 * work the caller began on the loop (a diagnosis, a trace); returns
	 * whether some still waits there, and the run goes on until none
	 * does.  With `end` true the caller ends it all now; called so
	 * once before the run returns.
	 */
	bool (*busy)(void *arg, bool end);
	void *busy_arg;
	/* When not NULL: whether some of that work is under way (each
	   piece may hold descriptors: a socket() that fails with EMFILE
	   while one is waits for it to end, as for a socket of the run's
	   own); called with busy_arg. */
	bool (*holding)(void *arg);
	/* --wait: target `index` failed try `tries` and will try again. */
	void (*retry)(void *arg, size_t index, unsigned tries);
	void *retry_arg;
	/* Called every tick_ms while the run goes on, when not NULL (with
	   the signals let in: it may print). */
	void (*tick)(void *arg);
	void *tick_arg;
	long tick_ms;
};

/*
 * Run the targets on one event loop; `results` has room for `n` (free each
 * with result_free).  Every name is looked up once, all look-ups started
 * together; each target's deadline starts when its turn comes.  With
 * wait, every target that has not connected (with invert: that has) is
 * tried again, all in the same loop, until it does or the wait ends (never,
 * when wait_ms is 0): a local target (an address
 * of this host, a Unix path) every 10 to 20 ms, a remote one after 50 ms
 * doubling to retry_cap_ms, with jitter; each try's deadline is the smaller
 * of timeout_ms and what is left of the wait, and the last try is made at
 * its end.  Once *halt is true no target begins: an attempt in flight ends
 * cancelled (ECANCELED), a --wait target between tries keeps its last try's
 * outcome and one never begun stays "not tried".  A target that needs no
 * look-up (an address, a Unix path) never waits behind names that do.
 * its end.  Ready sockets are handled before deadlines are checked, and the
 * done callback (which may print) runs between polls, never between a
 * socket becoming ready and its outcome being taken.
 */
void probe_run(const struct target *targets, size_t n,
    const struct probe_opts *o, struct result *results);

/*
 * Sleep `ms`, or less when a stop arrives or standard output's reader goes
 * (o->out_gone); false then.  Like the loop, it holds SIGINT, SIGTERM and
 * SIGHUP blocked but inside ppoll(), so a signal that comes just before
 * the wait still ends it.
 */
bool probe_sleep(const struct probe_opts *o, long ms);

#endif /* ISOCK_PROBE_H */
