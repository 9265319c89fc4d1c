/*
 * report.h: turning a probe result into text for people.
 *
 * Everything that came from outside (host names, paths) is escaped before it
 * is printed.  Successes go to `out`, failures to `err`; quiet prints nothing.
 */
#ifndef ISOCK_REPORT_H
#define ISOCK_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "probe.h"
#include "target.h"

struct report_opts {
	FILE *out;		/* successes */
	FILE *err;		/* failures and traces */
	bool quiet;
	long timeout_ms;	/* the deadline asked for, to name it */
};

/* Print the outcome of `r` for target `t`. */
void report_text(const struct target *t, const struct probe_result *r,
    const struct report_opts *o);

/* A probe trace callback: "* [   0.123 ms] line" on the FILE * `arg`. */
void report_trace(void *arg, double ms, const char *line);

#endif /* ISOCK_REPORT_H */
