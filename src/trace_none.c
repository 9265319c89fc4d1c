/* SPDX-License-Identifier: ISC */
/*
 * trace_none.c: --trace in a build without libmnl and libnftnl (configure
 * --without-libmnl, make static): the trace needs both, so this build says
 * that it cannot trace rather than pretend that nothing was found.
 */
#include "config.h"

#include "trace.h"

/* A signal path may call it whatever the build: nothing to remove here. */
void
trace_cleanup(void)
{
}

/* This build does not trace: -1, with no cause of the system's. */
int
trace_run(const struct trace_query *q, struct trace_result *r, char **cause)
{
	(void)q;
	(void)r;
	*cause = NULL;
	return -1;
}

/* This build does not trace: NULL, with no cause of the system's, as
 * trace_run answers (trace_report says why). */
struct trace_job *
trace_start(const struct trace_query *q, struct trace_result *r,
    char **cause, trace_fn *fn, void *arg)
{
	(void)fn;
	(void)arg;
	(void)trace_run(q, r, cause);	/* -1, `*cause` NULL */
	return NULL;
}

/* No trace is ever under way here. */
void
trace_stop(struct trace_job *j)
{
	(void)j;
}

/* Say on `err` that this build does not trace; `out` gets nothing. */
void
trace_report(const struct trace_result *r, const char *cause,
    const char *host, bool json, FILE *out, FILE *err)
{
	(void)r;
	(void)cause;
	(void)host;
	(void)json;
	(void)out;
	fprintf(err, "  Found: this build cannot trace (built without libmnl "
	    "and libnftnl): --trace was not run\n");
}
