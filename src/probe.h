/*
 * probe.h: running the attempts of a target under one deadline.
 *
 * probe_run() resolves a target and tries its addresses in order, each with
 * a non-blocking ISocket, until one connects, the deadline passes or a signal
 * asks it to stop.  It records what happened; it prints nothing.
 */
#ifndef ISOCK_PROBE_H
#define ISOCK_PROBE_H

#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include "exitcode.h"
#include "target.h"

struct probe_opts {
	struct timespec deadline;	/* CLOCK_MONOTONIC, for the whole run */
	const struct sockaddr_storage *source; /* bind here first, or NULL */
	socklen_t source_len;		/* 0: only the port below */
	uint16_t source_port;		/* 0: any */
	bool broadcast;			/* SO_BROADCAST on datagram sockets */
	volatile sig_atomic_t *stop;	/* set non-zero (a signal number) to stop */
	/* Called with each step when not NULL: ms since the start, a line. */
	void (*trace)(void *arg, double ms, const char *line);
	void *trace_arg;
};

/* One address tried. */
struct probe_attempt {
	struct target_addr addr;
	int error;		/* 0: connected (or association set) */
	const char *step;	/* the call that failed: "socket", "bind", ... */
	bool deadline;		/* the error is our deadline, not the kernel's */
	double ms;		/* time spent on this address */
};

struct probe_result {
	int eai;		/* non-zero: resolution failed with this code */
	int eai_errno;		/* the errno of EAI_SYSTEM */
	struct probe_attempt *attempts;	/* in the order tried */
	size_t nattempts;
	int signal;		/* non-zero: stopped by this signal */
	double resolve_ms;	/* time spent resolving */
	double ms;		/* time of the whole run */
};

/* Resolve and connect; the result is always filled (free it). */
void probe_run(const struct target *t, const struct probe_opts *o,
    struct probe_result *r);

void probe_result_free(struct probe_result *r);

/* The attempt that connected, or NULL. */
const struct probe_attempt *probe_connected(const struct probe_result *r);

/* The exit status the contract gives this result. */
int probe_exit_code(const struct probe_result *r);

#endif /* ISOCK_PROBE_H */
