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
	/* Called with each step when not NULL: ms since the start, a line. */
	void (*trace)(void *arg, double ms, const char *line);
	void *trace_arg;
	/* Called when target `index` has its result, when not NULL. */
	void (*done)(void *arg, size_t index);
	void *done_arg;
};

/*
 * Run one round over `n` targets; `results` has room for `n` (free each
 * with result_free).
 */
void probe_run(const struct target *targets, size_t n,
    const struct probe_opts *o, struct result *results);

/*
 * --wait: run rounds over the targets that have not connected, with a
 * backoff of 50 ms doubling to 1 s (and jitter) between them, until all
 * connected, `wait_ms` passed or a stop.  `results` holds the last outcome
 * of each target.  Returns the number of rounds.
 */
unsigned probe_until(const struct target *targets, size_t n,
    const struct probe_opts *o, long wait_ms, struct result *results,
    void (*round)(void *arg, unsigned rounds, const struct result *r,
    size_t n), void *round_arg);

/* Sleep `ms`, or less when a stop arrives; false when stopped. */
bool probe_sleep(const struct probe_opts *o, long ms);

#endif /* ISOCK_PROBE_H */
